//! The derivation tree of a figure: every computed number broken down to
//! the input values it came from, each with its file, line, source and note.
//!
//! Responsible for: building [`Node`] trees for a tariff, a tilbud's
//! grundtakst and a staff category's rates, from an [`Engine`]'s results.
//! Every node's value is the exact value the calculation used; a parent's
//! `formula` names how its children combine. Not responsible for:
//! formatting (the CLI renders the tree as text or JSON).
//!
//! The JSON form of [`Node`] is takst's stable trace format (docs/FORMATS.md).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{Engine, StaffBasis, Tariff};
use crate::model::{Amount, CostKind, Origin, Pay, PctBase, Status};

/// Units of a node's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    KronerPerDay,
    KronerPerYear,
    KronerPerHour,
    KronerPerMonth,
    Hours,
    HoursPerWeek,
    Days,
    Percent,
    Share,
    Places,
    Number,
}

/// One figure in a derivation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Machine name of the quantity (`grundtakst`, `cost_base`, `manned_rate` …).
    pub key: String,
    /// Danish label for people.
    pub label: String,
    /// The exact value, as a JSON number with all its digits.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    pub unit: Unit,
    /// How the children combine into the value, in symbols; absent for inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// `file:line` of the input value, for inputs and input rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The status of an input value (`status` of its table); absent when agreed.
    #[serde(skip_serializing_if = "is_agreed")]
    pub status: Status,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

fn is_agreed(s: &Status) -> bool {
    *s == Status::Agreed
}

impl Node {
    fn new(key: &str, label: impl Into<String>, value: Decimal, unit: Unit) -> Node {
        Node {
            key: key.to_string(),
            label: label.into(),
            value,
            unit,
            formula: None,
            at: None,
            source: None,
            note: None,
            status: Status::Agreed,
            children: Vec::new(),
        }
    }

    fn formula(mut self, f: &str) -> Node {
        self.formula = Some(f.to_string());
        self
    }

    /// An input value: cite `key` of `origin`, with its source and note.
    fn input(mut self, origin: &Origin, key: &str) -> Node {
        self.at = Some(origin.cite(key));
        self.source.clone_from(&origin.source);
        self.note.clone_from(&origin.note);
        self.status = origin.status;
        self
    }

    fn with(mut self, children: Vec<Node>) -> Node {
        self.children = children;
        self
    }

    /// The least certain status of any input under this node: a figure
    /// is only as final as its least final input.
    pub fn status(&self) -> Status {
        let mut st = Status::Agreed;
        self.walk(&mut |n, _| st = st.max(n.status));
        st
    }

    /// The inputs under this node that are provisional or forecast, each
    /// once (by position and key), in tree order.
    pub fn unagreed_inputs(&self) -> Vec<&Node> {
        fn go<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            if n.status != Status::Agreed
                && !out
                    .iter()
                    .any(|o| o.at == n.at && o.key == n.key && o.label == n.label)
            {
                out.push(n);
            }
            for c in &n.children {
                go(c, out);
            }
        }
        let mut out = Vec::new();
        go(self, &mut out);
        out
    }

    /// Visit every node, depth first.
    pub fn walk(&self, f: &mut impl FnMut(&Node, usize)) {
        fn go(n: &Node, depth: usize, f: &mut impl FnMut(&Node, usize)) {
            f(n, depth);
            for c in &n.children {
                go(c, depth + 1, f);
            }
        }
        go(self, 0, f);
    }
}

impl<'m> Engine<'m> {
    /// The derivation of the tariff of agreement `t.agreement`.
    pub fn explain_tariff(&self, t: &Tariff) -> Node {
        let m = self.model;
        let ag = &m.agreements[t.agreement];
        let rounding = &m.rounding;
        let lines: Vec<Node> = t
            .lines
            .iter()
            .map(|l| {
                let n = &m.needs[l.need];
                let staff = &m.staff[l.staff];
                let band = &m.bands[l.band];
                let mut hours = Node::new(
                    "hours_per_week",
                    "borgertimer pr. uge",
                    n.hours_per_week,
                    Unit::HoursPerWeek,
                )
                .input(&n.origin, "hours_per_week");
                hours.at = Some(n.origin.pos.cite());
                let staff_hours = Node::new(
                    "staff_hours_per_week",
                    format!("medarbejdertimer pr. uge, ratio {}", n.ratio),
                    l.staff_hours_per_week,
                    Unit::HoursPerWeek,
                )
                .formula("hours_per_week × staff / citizens")
                .with(vec![hours]);
                let price = self.explain_price(t.tilbud, l.staff, l.band);
                let mut line = Node::new(
                    "need_line",
                    format!("{}, {}", staff.name, band.name),
                    l.per_day,
                    Unit::KronerPerDay,
                )
                .formula("staff_hours_per_week / 7 × price")
                .with(vec![staff_hours, price]);
                line.at = Some(n.origin.pos.cite());
                line.note.clone_from(&n.note);
                line
            })
            .collect();
        let individual_exact = Node::new(
            "individual_exact",
            "individuel del, uafrundet",
            t.individual_exact,
            Unit::KronerPerDay,
        )
        .formula("Σ need lines")
        .with(lines);
        let individual = Node::new(
            "individual",
            "individuel takst (tillægstakst)",
            t.individual,
            Unit::KronerPerDay,
        )
        .formula(&format!(
            "round({}, {})",
            rounding.tariff,
            rounding.mode.as_str()
        ))
        .with(vec![individual_exact]);
        let grund = self.explain_tilbud(t.tilbud);
        let mut root = Node::new(
            "tariff_per_day",
            format!("døgntakst, aftale {}", ag.id),
            t.per_day,
            Unit::KronerPerDay,
        )
        .formula("grundtakst + individual")
        .with(vec![grund, individual]);
        root.at = Some(ag.origin.pos.cite());
        if let Some(a) = ag.agreed_tariff {
            let mut agreed = Node::new(
                "agreed_tariff",
                "aftalt takst (betales)",
                a,
                Unit::KronerPerDay,
            );
            agreed.at = root.at.clone();
            root.children.push(agreed);
        }
        root
    }

    /// The derivation of tilbud `ti`'s grundtakst.
    pub fn explain_tilbud(&self, ti: usize) -> Node {
        let m = self.model;
        let t = &m.tilbud[ti];
        let b = &self.tilbud[ti];
        let y = Node::new("days_per_year", "dage pr. år", m.days_per_year, Unit::Days)
            .input(&m.origin, "days_per_year");
        let shared: Vec<Node> = t
            .shared
            .iter()
            .zip(&b.shared_lines)
            .map(|(sh, v)| {
                let (si, bi) = (
                    self.staff_index[sh.staff.id.as_str()],
                    self.band_index[sh.band.id.as_str()],
                );
                let hours = Node::new(
                    "hours_per_week",
                    "normeringstimer pr. uge",
                    sh.hours_per_week,
                    Unit::HoursPerWeek,
                )
                .input(&sh.origin, "hours_per_week");
                let rate = self.explain_manned(si, bi);
                Node::new("shared_line", sh.name.clone(), *v, Unit::KronerPerYear)
                    .formula("hours_per_week × days_per_year / 7 × manned_rate")
                    .input(&sh.origin, "name")
                    .with(vec![hours, y.clone(), rate])
            })
            .collect();
        let costs = |kind: CostKind| -> Vec<Node> {
            t.costs
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| {
                    Node::new("cost", c.name.clone(), c.amount, Unit::KronerPerYear)
                        .input(&c.origin, "amount")
                })
                .collect()
        };
        let rule = &b.overhead_rule;
        let oh_origin = t.overhead.origin.as_ref().unwrap_or(&m.overhead.origin);
        let pct = Node::new("overhead_pct", "overheadprocent", rule.pct, Unit::Percent)
            .input(oh_origin, "pct");
        let base_formula = if rule.include_capital {
            "shared + other + capital"
        } else {
            "shared + other"
        };
        let oh_formula = match rule.method {
            crate::model::OverheadMethod::Markup => "overhead_base × pct / 100",
            crate::model::OverheadMethod::Share => "overhead_base × pct / (100 − pct)",
        };
        let sum_node = |key: &str, label: &str, v: Decimal, ch: Vec<Node>| {
            Node::new(key, label, v, Unit::KronerPerYear)
                .formula("Σ lines")
                .with(ch)
        };
        let shared_n = sum_node("shared", "fællesydelser (grundnormering)", b.shared, shared);
        let other_n = sum_node(
            "other",
            "andre omkostninger",
            b.other,
            costs(CostKind::Other),
        );
        let capital_n = sum_node(
            "capital",
            "kapitalomkostninger",
            b.capital,
            costs(CostKind::Capital),
        );
        let income_n = sum_node(
            "income",
            "indtægter (fratrækkes)",
            b.income,
            costs(CostKind::Income),
        );
        let overhead = Node::new(
            "overhead",
            "overhead (indirekte omkostninger)",
            b.overhead,
            Unit::KronerPerYear,
        )
        .formula(oh_formula)
        .with(vec![
            Node::new(
                "overhead_base",
                "grundlag for overhead",
                b.overhead_base,
                Unit::KronerPerYear,
            )
            .formula(base_formula),
            pct,
        ]);
        let settlement = Node::new(
            "settlement",
            "efterregulering (år t−2)",
            b.settlement,
            Unit::KronerPerYear,
        )
        .input(&t.origin, "settlement");
        let cost_base = Node::new(
            "cost_base",
            "omkostningsgrundlag",
            b.cost_base,
            Unit::KronerPerYear,
        )
        .formula("shared + other + capital + overhead − income + settlement")
        .with(vec![
            shared_n, other_n, capital_n, overhead, income_n, settlement,
        ]);
        let occupied = Node::new("occupied_days", "belagte døgn", b.occupied_days, Unit::Days)
            .formula("places × days_per_year × occupancy_pct / 100")
            .with(vec![
                Node::new("places", "pladser", t.places, Unit::Places).input(&t.origin, "places"),
                y,
                Node::new(
                    "occupancy_pct",
                    "belægningsprocent",
                    t.occupancy_pct,
                    Unit::Percent,
                )
                .input(&t.origin, "occupancy_pct"),
            ]);
        let exact = Node::new(
            "grundtakst_exact",
            "grundtakst, uafrundet",
            b.exact,
            Unit::KronerPerDay,
        )
        .formula("cost_base / occupied_days")
        .with(vec![cost_base, occupied]);
        let r = &m.rounding;
        Node::new(
            "grundtakst",
            format!("grundtakst, {}", t.name),
            b.grundtakst,
            Unit::KronerPerDay,
        )
        .formula(&format!("round({}, {})", r.tariff, r.mode.as_str()))
        .input(&t.origin, "id")
        .with(vec![exact])
    }

    /// The published price of staff `si` in band `bi` for tilbud `ti`.
    pub fn explain_price(&self, ti: usize, si: usize, bi: usize) -> Node {
        let m = self.model;
        let b = &self.tilbud[ti];
        self.price_node(
            &b.overhead_rule,
            b.prices[si][bi],
            m.tilbud[ti].overhead.origin.as_ref(),
            si,
            bi,
        )
    }

    /// The price with the model's overhead (as `takst rates` prints it).
    pub fn explain_model_price(&self, si: usize, bi: usize) -> Node {
        self.price_node(&self.overhead, self.prices[si][bi], None, si, bi)
    }

    fn price_node(
        &self,
        rule: &crate::calc::EffectiveOverhead,
        price: crate::calc::Price,
        override_origin: Option<&Origin>,
        si: usize,
        bi: usize,
    ) -> Node {
        let m = self.model;
        let s = &m.staff[si];
        let rate = &self.rates[si][bi];
        let direct = Node::new(
            "direct_rate",
            "pris pr. borgerrettet time før overhead",
            rate.direct,
            Unit::KronerPerHour,
        )
        .formula("manned_rate / direct_share")
        .with(vec![
            self.explain_manned(si, bi),
            Node::new(
                "direct_share",
                "borgerrettet andel",
                s.direct_share,
                Unit::Share,
            )
            .input(&s.origin, "direct_share"),
        ]);
        let origin = override_origin.unwrap_or(&m.overhead.origin);
        let oh = Node::new("overhead_pct", "overheadprocent", rule.pct, Unit::Percent)
            .input(origin, "pct");
        let f = match rule.method {
            crate::model::OverheadMethod::Markup => "direct_rate × (1 + pct/100)",
            crate::model::OverheadMethod::Share => "direct_rate × 100 / (100 − pct)",
        };
        let exact = Node::new(
            "price_exact",
            "timepris, uafrundet",
            price.exact,
            Unit::KronerPerHour,
        )
        .formula(f)
        .with(vec![direct, oh]);
        let r = &m.rounding;
        Node::new(
            "price",
            format!("timepris, {}, {}", s.name, m.bands[bi].name),
            price.published,
            Unit::KronerPerHour,
        )
        .formula(&format!("round({}, {})", r.rate, r.mode.as_str()))
        .with(vec![exact])
    }

    /// The manned rate of staff `si` in band `bi`.
    pub fn explain_manned(&self, si: usize, bi: usize) -> Node {
        let m = self.model;
        let s = &m.staff[si];
        let band = &m.bands[bi];
        let rate = &self.rates[si][bi];
        let label = format!("pris pr. normeret time, {}, {}", s.name, band.name);
        match &self.staff[si] {
            StaffBasis::Fixed { hourly_rate } => {
                Node::new("manned_rate", label, rate.manned, Unit::KronerPerHour)
                    .formula("hourly_rate")
                    .with(vec![Node::new(
                        "hourly_rate",
                        "fast timepris",
                        *hourly_rate,
                        Unit::KronerPerHour,
                    )
                    .input(&s.origin, "hourly_rate")])
            }
            StaffBasis::Salaried(c) => {
                let salary_key = if matches!(s.pay, Pay::Monthly(_)) {
                    "monthly_salary"
                } else {
                    "annual_salary"
                };
                let base = Node::new(
                    "base_rate",
                    "årsværkspris pr. nettotime",
                    rate.base,
                    Unit::KronerPerHour,
                )
                .formula("annual_cost / net_hours")
                .with(vec![self.explain_fte(si), self.explain_net_hours(si)]);
                let supp = Node::new(
                    "supplement",
                    "ulempetillæg pr. time",
                    rate.supplement,
                    Unit::KronerPerHour,
                )
                .formula("hourly_pay × supplement_pct/100 × (1 + supplement_pension_pct/100)")
                .with(vec![
                    Node::new("hourly_pay", "timeløn", c.hourly_pay, Unit::KronerPerHour)
                        .formula("salary / paid_hours")
                        .with(vec![
                            Node::new("salary", "årsløn", c.salary, Unit::KronerPerYear)
                                .input(&s.origin, salary_key),
                            Node::new(
                                "paid_hours",
                                "betalte timer pr. årsværk",
                                c.paid_hours,
                                Unit::Hours,
                            )
                            .input(&m.working_time.origin, "paid_hours"),
                        ]),
                    Node::new(
                        "supplement_pct",
                        format!("tillægsprocent, {}", band.name),
                        band.supplement_pct,
                        Unit::Percent,
                    )
                    .input(&band.origin, "supplement_pct"),
                    Node::new(
                        "supplement_pension_pct",
                        "pension af tillæg",
                        s.supplement_pension_pct,
                        Unit::Percent,
                    )
                    .input(&s.origin, "supplement_pension_pct"),
                ]);
                Node::new("manned_rate", label, rate.manned, Unit::KronerPerHour)
                    .formula("base_rate + supplement")
                    .with(vec![base, supp])
            }
        }
    }

    /// Net productive hours of staff `si`.
    pub fn explain_net_hours(&self, si: usize) -> Node {
        let m = self.model;
        let s = &m.staff[si];
        if let Some(n) = s.net_hours {
            return Node::new(
                "net_hours",
                "nettotimer pr. årsværk (fastsat for faggruppen)",
                n,
                Unit::Hours,
            )
            .input(&s.origin, "net_hours");
        }
        let wt = &m.working_time;
        let mut ch = vec![Node::new(
            "gross_hours",
            "bruttoarbejdstid",
            wt.gross_hours,
            Unit::Hours,
        )
        .input(&wt.origin, "gross_hours")];
        for (d, h) in wt.deductions.iter().zip(&self.deduction_hours) {
            let mut n =
                Node::new("deduction", d.name.clone(), *h, Unit::Hours).input(&d.origin, "name");
            if let Amount::Pct(p) = d.amount {
                n = n.formula("gross_hours × pct / 100").with(vec![Node::new(
                    "pct",
                    "procent af bruttoarbejdstid",
                    p,
                    Unit::Percent,
                )
                .input(&d.origin, "pct")]);
            }
            ch.push(n);
        }
        Node::new(
            "net_hours",
            "nettoarbejdstid pr. årsværk",
            self.model_net_hours,
            Unit::Hours,
        )
        .formula("gross_hours − Σ deductions")
        .with(ch)
    }

    /// Annual cost of one FTE of staff `si` (salaried only).
    pub fn explain_fte(&self, si: usize) -> Node {
        let m = self.model;
        let s = &m.staff[si];
        let Some(c) = self.staff[si].fte() else {
            return Node::new(
                "annual_cost",
                "årsværkspris",
                Decimal::ZERO,
                Unit::KronerPerYear,
            );
        };
        let salary = match s.pay {
            Pay::Monthly(x) => Node::new("salary", "årsløn", c.salary, Unit::KronerPerYear)
                .formula("monthly_salary × 12")
                .with(vec![Node::new(
                    "monthly_salary",
                    "månedsløn",
                    x,
                    Unit::KronerPerMonth,
                )
                .input(&s.origin, "monthly_salary")]),
            _ => Node::new("salary", "årsløn", c.salary, Unit::KronerPerYear)
                .input(&s.origin, "annual_salary"),
        };
        let pension = Node::new("pension", "pension", c.pension, Unit::KronerPerYear)
            .formula("salary × pension_pct / 100")
            .with(vec![Node::new(
                "pension_pct",
                "pensionsprocent",
                s.pension_pct,
                Unit::Percent,
            )
            .input(&s.origin, "pension_pct")]);
        let item = |it: &crate::model::Item, v: Decimal, key: &str| {
            let n = Node::new(key, it.name.clone(), v, Unit::KronerPerYear);
            match it.amount {
                Amount::Fixed(_) => n.input(&it.origin, "amount"),
                Amount::Pct(p) => {
                    let base = if key == "per_fte_item" && it.base == PctBase::Pay {
                        "pay"
                    } else {
                        "salary"
                    };
                    n.formula(&format!("{base} × pct / 100"))
                        .with(vec![
                            Node::new("pct", "procent", p, Unit::Percent).input(&it.origin, "pct")
                        ])
                }
            }
        };
        let oncost = Node::new(
            "oncost",
            "øvrige lønomkostninger",
            c.oncost,
            Unit::KronerPerYear,
        )
        .formula("Σ items")
        .with(
            s.oncost
                .iter()
                .zip(&c.oncost_items)
                .map(|(it, v)| item(it, *v, "oncost_item"))
                .collect(),
        );
        let pay = Node::new("pay", "lønsum pr. årsværk", c.pay, Unit::KronerPerYear)
            .formula("salary + pension + oncost")
            .with(vec![salary, pension, oncost]);
        let per_fte = Node::new(
            "per_fte",
            "udgifter pr. årsværk",
            c.per_fte,
            Unit::KronerPerYear,
        )
        .formula("Σ items")
        .with(
            s.per_fte
                .iter()
                .zip(&c.per_fte_items)
                .map(|(it, v)| item(it, *v, "per_fte_item"))
                .collect(),
        );
        Node::new(
            "annual_cost",
            format!("årsværkspris, {}", s.name),
            c.annual,
            Unit::KronerPerYear,
        )
        .formula("pay + per_fte")
        .input(&s.origin, "id")
        .with(vec![pay, per_fte])
    }
}

/// The status of every tariff without building its tree: the least final
/// status of the inputs that [`Engine::explain_tariff`] would show, from
/// per-staff, per-band and per-tilbud statuses computed once. A run over
/// 100,000 agreements must not build 100,000 trees to find that all their
/// inputs are agreed.
pub struct StatusIndex {
    staff: Vec<Status>,
    bands: Vec<Status>,
    /// The overhead that prices a tilbud's hours: its own or the model's.
    overhead: Vec<Status>,
    tilbud: Vec<Status>,
}

impl StatusIndex {
    pub fn new(e: &Engine) -> StatusIndex {
        let m = e.model;
        let wt = &m.working_time;
        let staff: Vec<Status> = m
            .staff
            .iter()
            .zip(&e.staff)
            .map(|(s, basis)| {
                let mut st = s.origin.status;
                if basis.fte().is_some() {
                    st = st.max(wt.origin.status);
                    for it in s.oncost.iter().chain(&s.per_fte) {
                        st = st.max(it.origin.status);
                    }
                    if s.net_hours.is_none() {
                        for d in &wt.deductions {
                            st = st.max(d.origin.status);
                        }
                    }
                }
                st
            })
            .collect();
        let bands: Vec<Status> = m.bands.iter().map(|b| b.origin.status).collect();
        let salaried: Vec<bool> = e.staff.iter().map(|b| b.fte().is_some()).collect();
        let overhead: Vec<Status> = m
            .tilbud
            .iter()
            .map(|t| {
                t.overhead
                    .origin
                    .as_ref()
                    .unwrap_or(&m.overhead.origin)
                    .status
            })
            .collect();
        let tilbud = m
            .tilbud
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                let mut st = t.origin.status.max(m.origin.status).max(overhead[ti]);
                for c in &t.costs {
                    st = st.max(c.origin.status);
                }
                for sh in &t.shared {
                    st = st.max(sh.origin.status);
                    if let (Some(&si), Some(&bi)) = (
                        e.staff_index.get(sh.staff.id.as_str()),
                        e.band_index.get(sh.band.id.as_str()),
                    ) {
                        st = st.max(staff[si]);
                        if salaried[si] {
                            st = st.max(bands[bi]);
                        }
                    }
                }
                st
            })
            .collect();
        StatusIndex {
            staff,
            bands,
            overhead,
            tilbud,
        }
    }

    /// The least final status of the inputs of tariff `t`.
    pub fn tariff(&self, e: &Engine, t: &Tariff) -> Status {
        let m = e.model;
        let mut st = self.tilbud[t.tilbud].max(m.agreements[t.agreement].origin.status);
        for l in &t.lines {
            st = st
                .max(m.needs[l.need].origin.status)
                .max(self.staff[l.staff])
                .max(self.overhead[t.tilbud]);
            if e.staff[l.staff].fte().is_some() {
                st = st.max(self.bands[l.band]);
            }
        }
        st
    }
}
