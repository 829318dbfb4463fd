//! The calculation of SPEC section 4: net hours, cost per FTE, hourly
//! rates and prices, grundtakst, and citizen tariffs.
//!
//! Responsible for: turning a validated [`Model`] into exact figures, with
//! rounding only at the rounding points (`num::Rounding`). Every result
//! keeps its parts so that `explain` and the renderers can show them.
//! Not responsible for: validation of references (`validate`), formatting,
//! or the agreed-vs-delivered comparison.
//!
//! Multiply before dividing: each quotient is formed once, from a product
//! of exact inputs, so a non-terminating quotient is carried at 28
//! significant digits and never compounded.

use crate::hash::FxMap as HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Amount, CostKind, Model, OverheadMethod, Pay, PctBase, Pos};
use crate::num::{sum, CalcError, Checked};
use crate::problem::{Code, Problem};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// The annual cost of one FTE of a salaried staff category (SPEC 4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FteCost {
    /// S: annual salary.
    pub salary: Decimal,
    /// P = S × pension_pct / 100.
    pub pension: Decimal,
    /// Each on-cost item, in kroner per year, in model order.
    pub oncost_items: Vec<Decimal>,
    /// O = Σ on-cost items.
    pub oncost: Decimal,
    /// pay = S + P + O.
    pub pay: Decimal,
    /// Each per-FTE item, in kroner per year.
    pub per_fte_items: Vec<Decimal>,
    /// X = Σ per-FTE items.
    pub per_fte: Decimal,
    /// A = pay + X.
    pub annual: Decimal,
    /// N: net productive hours per FTE.
    pub net_hours: Decimal,
    /// Paid hours per FTE, the divisor of the hourly pay.
    pub paid_hours: Decimal,
    /// S / paid_hours.
    pub hourly_pay: Decimal,
}

/// How a staff category's hour is costed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StaffBasis {
    Salaried(FteCost),
    /// A fixed `hourly_rate` per manned hour, for every band.
    Fixed {
        hourly_rate: Decimal,
    },
}

impl StaffBasis {
    pub fn fte(&self) -> Option<&FteCost> {
        match self {
            StaffBasis::Salaried(c) => Some(c),
            StaffBasis::Fixed { .. } => None,
        }
    }
}

/// The rates of one staff category in one band (SPEC 4.3), before overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BandRate {
    /// A / N (zero for a fixed rate).
    pub base: Decimal,
    /// hourly_pay × supplement_pct/100 × (1 + supplement_pension_pct/100).
    pub supplement: Decimal,
    /// base + supplement, or the fixed hourly rate.
    pub manned: Decimal,
    /// manned / direct_share.
    pub direct: Decimal,
}

/// The overhead that applies to a tilbud (the model's, with the tilbud's
/// own keys replacing it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EffectiveOverhead {
    pub pct: Decimal,
    pub method: OverheadMethod,
    pub include_capital: bool,
    /// Whether the tilbud overrides any key.
    pub overridden: bool,
}

impl EffectiveOverhead {
    /// `with_overhead(x)`: x × (100 + pct)/100 (markup) or x × 100/(100 − pct) (share).
    pub fn apply(&self, x: Decimal) -> Result<Decimal, CalcError> {
        match self.method {
            OverheadMethod::Markup => x.mul_(HUNDRED + self.pct, "price with overhead")?.div_(
                HUNDRED,
                "price with overhead",
                "100",
            ),
            OverheadMethod::Share => x.mul_(HUNDRED, "price with overhead")?.div_(
                HUNDRED - self.pct,
                "price with overhead",
                "100 − overhead percentage",
            ),
        }
    }

    /// The overhead amount on a base: base × pct/100 or base × pct/(100 − pct).
    pub fn amount_on(&self, base: Decimal) -> Result<Decimal, CalcError> {
        let divisor = match self.method {
            OverheadMethod::Markup => HUNDRED,
            OverheadMethod::Share => HUNDRED - self.pct,
        };
        base.mul_(self.pct, "overhead")?
            .div_(divisor, "overhead", "100 − overhead percentage")
    }
}

/// The price of one staff × band hour for one overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Price {
    /// with_overhead(direct_rate), not rounded.
    pub exact: Decimal,
    /// Rounded at rounding point (a): the published hourly price.
    pub published: Decimal,
}

/// The base tariff of a tilbud (SPEC 4.4), with all its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseTariff {
    pub overhead_rule: EffectiveOverhead,
    /// Each shared staffing line: hours_per_week × Y / 7 × manned rate.
    pub shared_lines: Vec<Decimal>,
    pub shared: Decimal,
    pub other: Decimal,
    pub capital: Decimal,
    /// Positive; deducted.
    pub income: Decimal,
    /// shared + other (+ capital if included): the base of the overhead.
    pub overhead_base: Decimal,
    pub overhead: Decimal,
    pub settlement: Decimal,
    pub cost_base: Decimal,
    pub occupied_days: Decimal,
    /// cost_base / occupied_days, not rounded.
    pub exact: Decimal,
    /// Rounded at rounding point (b).
    pub grundtakst: Decimal,
    /// Prices per [staff][band] with this tilbud's overhead.
    pub prices: Vec<Vec<Price>>,
}

/// One need line costed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineCost {
    /// Index into `Model::needs`.
    pub need: usize,
    pub staff: usize,
    pub band: usize,
    pub citizen_hours_per_week: Decimal,
    /// hours_per_week × staff / citizens.
    pub staff_hours_per_week: Decimal,
    /// The published price per direct hour.
    pub price: Decimal,
    /// staff_hours_per_week × price / 7, not rounded.
    pub per_day: Decimal,
}

/// A citizen's tariff (SPEC 4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tariff {
    /// Index into `Model::agreements`.
    pub agreement: usize,
    pub tilbud: usize,
    pub grundtakst: Decimal,
    pub lines: Vec<LineCost>,
    /// Σ line per_day, not rounded.
    pub individual_exact: Decimal,
    /// Rounded at rounding point (b).
    pub individual: Decimal,
    /// grundtakst + individual.
    pub per_day: Decimal,
    pub agreed_tariff: Option<Decimal>,
}

impl Tariff {
    /// What the municipality pays per day: the agreed tariff, or the calculated one.
    pub fn paid_per_day(&self) -> Decimal {
        self.agreed_tariff.unwrap_or(self.per_day)
    }
}

/// All figures of a model that do not depend on an agreement, computed
/// once. Tariffs of agreements are computed on demand from them.
#[derive(Debug, Clone)]
pub struct Engine<'m> {
    pub model: &'m Model,
    /// N of the model's working time (before any staff override).
    pub model_net_hours: Decimal,
    /// Each working-time deduction in hours.
    pub deduction_hours: Vec<Decimal>,
    pub staff: Vec<StaffBasis>,
    /// [staff][band]
    pub rates: Vec<Vec<BandRate>>,
    /// The model's overhead, as it applies to `prices`.
    pub overhead: EffectiveOverhead,
    /// Prices per [staff][band] with the model's overhead.
    pub prices: Vec<Vec<Price>>,
    pub tilbud: Vec<BaseTariff>,
    /// Each id's index (the last item with that id; `validate` reports
    /// duplicates). The ids are borrowed from the model.
    pub staff_index: HashMap<&'m str, usize>,
    pub band_index: HashMap<&'m str, usize>,
    pub tilbud_index: HashMap<&'m str, usize>,
    pub agreement_index: HashMap<&'m str, usize>,
    /// Need lines per agreement, in model order: `needs_of[a]` is a slice
    /// of indices into `model.needs`.
    pub needs_of: Groups,
}

fn index<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id.as_str(), i)).collect()
}

/// Indices grouped by a group number, kept in two flat vectors rather than
/// one vector per group (a model has a hundred thousand agreements):
/// group `g` is `items[start[g]..start[g + 1]]`, in the order given.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    start: Vec<usize>,
    items: Vec<usize>,
}

impl Groups {
    /// `n` groups of the items `0..groups.len()`, item `i` in group
    /// `groups[i]` (or in none).
    pub fn new(n: usize, groups: &[Option<usize>]) -> Groups {
        let mut start = vec![0; n + 1];
        for &g in groups.iter().flatten() {
            start[g + 1] += 1;
        }
        for g in 0..n {
            start[g + 1] += start[g];
        }
        let mut next = start.clone();
        let mut items = vec![0; start[n]];
        for (i, &g) in groups.iter().enumerate() {
            if let Some(g) = g {
                items[next[g]] = i;
                next[g] += 1;
            }
        }
        Groups { start, items }
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<usize> for Groups {
    type Output = [usize];

    fn index(&self, g: usize) -> &[usize] {
        &self.items[self.start[g]..self.start[g + 1]]
    }
}

fn calc_problem(pos: &Pos, e: CalcError) -> Problem {
    Problem::new(Code::Calculation, pos.clone(), e.to_string())
}

impl<'m> Engine<'m> {
    /// Compute rates, prices and base tariffs. The model must have passed
    /// `validate`; unknown references are reported rather than panicking.
    pub fn new(model: &'m Model) -> Result<Engine<'m>, Vec<Problem>> {
        let mut problems = Vec::new();
        let staff_index = index(model.staff.iter().map(|s| &s.id));
        let band_index = index(model.bands.iter().map(|b| &b.id));
        let tilbud_index = index(model.tilbud.iter().map(|t| &t.id));
        let agreement_index = index(model.agreements.iter().map(|a| &a.id));

        let wt = &model.working_time;
        let deduction_hours: Vec<Decimal> = wt
            .deductions
            .iter()
            .map(|d| match d.amount {
                Amount::Fixed(h) => Ok(h),
                Amount::Pct(p) => {
                    wt.gross_hours
                        .mul_(p, "deduction")?
                        .div_(HUNDRED, "deduction", "100")
                }
            })
            .collect::<Result<_, _>>()
            .map_err(|e| vec![calc_problem(&wt.origin.pos, e)])?;
        let model_net_hours = sum(deduction_hours.iter().copied(), "net hours")
            .and_then(|d| wt.gross_hours.sub_(d, "net hours"))
            .map_err(|e| vec![calc_problem(&wt.origin.pos, e)])?;
        let paid_hours = wt.paid_hours.unwrap_or(wt.gross_hours);

        let overhead = EffectiveOverhead {
            pct: model.overhead.pct,
            method: model.overhead.method,
            include_capital: model.overhead.include_capital,
            overridden: false,
        };

        let mut staff = Vec::with_capacity(model.staff.len());
        let mut rates = Vec::with_capacity(model.staff.len());
        for s in &model.staff {
            let r = staff_basis(s, model_net_hours, paid_hours).and_then(|basis| {
                let rs = model
                    .bands
                    .iter()
                    .map(|b| band_rate(s, &basis, b.supplement_pct))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((basis, rs))
            });
            match r {
                Ok((basis, rs)) => {
                    staff.push(basis);
                    rates.push(rs);
                }
                Err(e) => problems.push(calc_problem(
                    &s.origin.pos,
                    e.in_context(&format!("staff {}", s.id)),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let prices = match price_table(model, &rates, &overhead) {
            Ok(p) => p,
            Err(e) => return Err(vec![calc_problem(&model.overhead.origin.pos, e)]),
        };

        let mut tilbud = Vec::with_capacity(model.tilbud.len());
        for ti in 0..model.tilbud.len() {
            match base_tariff(model, ti, &rates, &overhead, &staff_index, &band_index) {
                Ok(b) => tilbud.push(b),
                Err(p) => problems.push(p),
            }
        }

        // Agreements looked up by shared id (see `PtrMemo`).
        let mut memo = crate::hash::PtrMemo::default();
        let agreement_of: Vec<Option<usize>> = model
            .needs
            .iter()
            .map(|n| memo.get(&n.agreement, |id| agreement_index.get(id).copied()))
            .collect();
        let needs_of = Groups::new(model.agreements.len(), &agreement_of);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Engine {
            model,
            model_net_hours,
            deduction_hours,
            staff,
            rates,
            overhead,
            prices,
            tilbud,
            staff_index,
            band_index,
            tilbud_index,
            agreement_index,
            needs_of,
        })
    }

    /// The tariff of agreement `a` (index into `Model::agreements`).
    pub fn tariff(&self, a: usize) -> Result<Tariff, Problem> {
        let ag = &self.model.agreements[a];
        let ti = *self
            .tilbud_index
            .get(ag.tilbud.id.as_str())
            .ok_or_else(|| {
                Problem::new(
                    Code::UnknownTilbud,
                    ag.tilbud.pos.clone(),
                    format!("unknown tilbud `{}`", ag.tilbud.id),
                )
            })?;
        let base = &self.tilbud[ti];
        let mut lines = Vec::with_capacity(self.needs_of[a].len());
        for &ni in &self.needs_of[a] {
            let n = &self.model.needs[ni];
            let (si, bi) = self.resolve(n)?;
            let price = base.prices[si][bi].published;
            let r = (|| {
                let staff_hours = n
                    .hours_per_week
                    .mul_(Decimal::from(n.ratio.staff), "staff hours")?
                    .div_(Decimal::from(n.ratio.citizens), "staff hours", "ratio")?;
                // hours × staff × price / (citizens × 7): one division.
                let per_day = n
                    .hours_per_week
                    .mul_(Decimal::from(n.ratio.staff), "need line per day")?
                    .mul_(price, "need line per day")?
                    .div_(
                        Decimal::from(n.ratio.citizens) * Decimal::from(7),
                        "need line per day",
                        "7",
                    )?;
                Ok::<_, CalcError>((staff_hours, per_day))
            })();
            let (staff_hours, per_day) = r.map_err(|e| {
                Problem::new(
                    Code::Calculation,
                    n.origin.pos_of("hours_per_week"),
                    format!(
                        "{e} (found {} hours at {} and {price} kr. per hour); expected hours per week that a week can hold",
                        n.hours_per_week, n.ratio
                    ),
                )
            })?;
            lines.push(LineCost {
                need: ni,
                staff: si,
                band: bi,
                citizen_hours_per_week: n.hours_per_week,
                staff_hours_per_week: staff_hours,
                price,
                per_day,
            });
        }
        let rounding = &self.model.rounding;
        let r = (|| {
            let individual_exact = sum(lines.iter().map(|l| l.per_day), "individual tariff")?;
            let individual = rounding.tariff(individual_exact)?;
            let per_day = base.grundtakst.add_(individual, "tariff per day")?;
            Ok::<_, CalcError>((individual_exact, individual, per_day))
        })();
        let (individual_exact, individual, per_day) =
            r.map_err(|e| calc_problem(&ag.origin.pos, e))?;
        Ok(Tariff {
            agreement: a,
            tilbud: ti,
            grundtakst: base.grundtakst,
            lines,
            individual_exact,
            individual,
            per_day,
            agreed_tariff: ag.agreed_tariff,
        })
    }

    /// Tariffs of all agreements; problems collected.
    pub fn tariffs(&self) -> Result<Vec<Tariff>, Vec<Problem>> {
        let mut out = Vec::with_capacity(self.model.agreements.len());
        let mut problems = Vec::new();
        for a in 0..self.model.agreements.len() {
            match self.tariff(a) {
                Ok(t) => out.push(t),
                Err(p) => problems.push(p),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    /// Indices of a need line's staff category and band.
    pub fn resolve(&self, n: &crate::model::Need) -> Result<(usize, usize), Problem> {
        let si = *self.staff_index.get(&*n.staff).ok_or_else(|| {
            Problem::new(
                Code::UnknownStaff,
                n.origin.pos_of("staff"),
                format!("unknown staff category `{}`", n.staff),
            )
        })?;
        let bi = *self.band_index.get(&*n.band).ok_or_else(|| {
            Problem::new(
                Code::UnknownBand,
                n.origin.pos_of("band"),
                format!("unknown band `{}`", n.band),
            )
        })?;
        Ok((si, bi))
    }

    /// Net hours N of staff category `s`.
    pub fn net_hours(&self, s: usize) -> Option<Decimal> {
        self.staff[s].fte().map(|c| c.net_hours)
    }
}

impl CalcError {
    /// Prefix the description with a context ("staff paed: …").
    pub fn in_context(self, ctx: &str) -> CalcError {
        match self {
            CalcError::Overflow { what } => CalcError::Overflow {
                what: format!("{ctx}: {what}"),
            },
            CalcError::DivisionByZero { what, divisor } => CalcError::DivisionByZero {
                what: format!("{ctx}: {what}"),
                divisor,
            },
        }
    }
}

fn staff_basis(
    s: &crate::model::Staff,
    model_net: Decimal,
    paid_hours: Decimal,
) -> Result<StaffBasis, CalcError> {
    let salary = match s.pay {
        Pay::HourlyRate(r) => return Ok(StaffBasis::Fixed { hourly_rate: r }),
        Pay::Annual(a) => a,
        Pay::Monthly(m) => m.mul_(Decimal::from(12), "annual salary")?,
    };
    let pct_of = |base: Decimal, pct: Decimal, what: &str| -> Result<Decimal, CalcError> {
        base.mul_(pct, what)?.div_(HUNDRED, what, "100")
    };
    let pension = pct_of(salary, s.pension_pct, "pension")?;
    let oncost_items = s
        .oncost
        .iter()
        .map(|it| match it.amount {
            Amount::Fixed(x) => Ok(x),
            Amount::Pct(p) => pct_of(salary, p, "on-cost"),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let oncost = sum(oncost_items.iter().copied(), "on-costs")?;
    let pay = salary.add_(pension, "pay")?.add_(oncost, "pay")?;
    let per_fte_items = s
        .per_fte
        .iter()
        .map(|it| match it.amount {
            Amount::Fixed(x) => Ok(x),
            Amount::Pct(p) => pct_of(
                match it.base {
                    PctBase::Salary => salary,
                    PctBase::Pay => pay,
                },
                p,
                "per-FTE item",
            ),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let per_fte = sum(per_fte_items.iter().copied(), "per-FTE items")?;
    let annual = pay.add_(per_fte, "annual cost per FTE")?;
    let hourly_pay = salary.div_(paid_hours, "hourly pay", "paid hours")?;
    Ok(StaffBasis::Salaried(FteCost {
        salary,
        pension,
        oncost_items,
        oncost,
        pay,
        per_fte_items,
        per_fte,
        annual,
        net_hours: s.net_hours.unwrap_or(model_net),
        paid_hours,
        hourly_pay,
    }))
}

fn band_rate(
    s: &crate::model::Staff,
    basis: &StaffBasis,
    supplement_pct: Decimal,
) -> Result<BandRate, CalcError> {
    let (base, supplement) = match basis {
        StaffBasis::Fixed { hourly_rate } => (*hourly_rate, Decimal::ZERO),
        StaffBasis::Salaried(c) => {
            let base = c.annual.div_(c.net_hours, "manned rate", "net hours")?;
            // S × supplement × (100 + supplement pension) / (paid hours × 100 × 100)
            let supplement = c
                .salary
                .mul_(supplement_pct, "supplement")?
                .mul_(HUNDRED + s.supplement_pension_pct, "supplement")?
                .div_(
                    c.paid_hours.mul_(Decimal::from(10_000), "supplement")?,
                    "supplement",
                    "paid hours",
                )?;
            (base, supplement)
        }
    };
    let manned = base.add_(supplement, "manned rate")?;
    let direct = manned.div_(s.direct_share, "direct rate", "direct share")?;
    let base = if matches!(basis, StaffBasis::Fixed { .. }) {
        Decimal::ZERO
    } else {
        base
    };
    Ok(BandRate {
        base,
        supplement,
        manned,
        direct,
    })
}

fn price_table(
    model: &Model,
    rates: &[Vec<BandRate>],
    oh: &EffectiveOverhead,
) -> Result<Vec<Vec<Price>>, CalcError> {
    rates
        .iter()
        .map(|row| {
            row.iter()
                .map(|r| {
                    let exact = oh.apply(r.direct)?;
                    Ok(Price {
                        exact,
                        published: model.rounding.rate(exact)?,
                    })
                })
                .collect()
        })
        .collect()
}

fn base_tariff(
    model: &Model,
    ti: usize,
    rates: &[Vec<BandRate>],
    model_oh: &EffectiveOverhead,
    staff_index: &HashMap<&str, usize>,
    band_index: &HashMap<&str, usize>,
) -> Result<BaseTariff, Problem> {
    let t = &model.tilbud[ti];
    let o = &t.overhead;
    let rule = EffectiveOverhead {
        pct: o.pct.unwrap_or(model_oh.pct),
        method: o.method.unwrap_or(model_oh.method),
        include_capital: o.include_capital.unwrap_or(model_oh.include_capital),
        overridden: o.origin.is_some(),
    };
    let y = model.days_per_year;
    let mut shared_lines = Vec::with_capacity(t.shared.len());
    for sh in &t.shared {
        let si = *staff_index.get(sh.staff.id.as_str()).ok_or_else(|| {
            Problem::new(
                Code::UnknownStaff,
                sh.staff.pos.clone(),
                format!("unknown staff category `{}`", sh.staff.id),
            )
        })?;
        let bi = *band_index.get(sh.band.id.as_str()).ok_or_else(|| {
            Problem::new(
                Code::UnknownBand,
                sh.band.pos.clone(),
                format!("unknown band `{}`", sh.band.id),
            )
        })?;
        let v = sh
            .hours_per_week
            .mul_(y, "shared staffing")
            .and_then(|x| x.mul_(rates[si][bi].manned, "shared staffing"))
            .and_then(|x| x.div_(Decimal::from(7), "shared staffing", "7"))
            .map_err(|e| calc_problem(&sh.origin.pos, e))?;
        shared_lines.push(v);
    }
    let at = |e: CalcError| calc_problem(&t.origin.pos, e.in_context(&format!("tilbud {}", t.id)));
    let kind_sum = |k: CostKind| {
        sum(
            t.costs.iter().filter(|c| c.kind == k).map(|c| c.amount),
            "costs",
        )
    };
    let shared = sum(shared_lines.iter().copied(), "shared staffing").map_err(at)?;
    let other = kind_sum(CostKind::Other).map_err(at)?;
    let capital = kind_sum(CostKind::Capital).map_err(at)?;
    let income = kind_sum(CostKind::Income).map_err(at)?;
    let r = (|| {
        let mut overhead_base = shared.add_(other, "overhead base")?;
        if rule.include_capital {
            overhead_base = overhead_base.add_(capital, "overhead base")?;
        }
        let overhead = rule.amount_on(overhead_base)?;
        let cost_base = shared
            .add_(other, "cost base")?
            .add_(capital, "cost base")?
            .add_(overhead, "cost base")?
            .sub_(income, "cost base")?
            .add_(t.settlement, "cost base")?;
        let occupied_days = t
            .places
            .mul_(y, "occupied days")?
            .mul_(t.occupancy_pct, "occupied days")?
            .div_(HUNDRED, "occupied days", "100")?;
        let exact = cost_base.div_(occupied_days, "grundtakst", "occupied days")?;
        let grundtakst = model.rounding.tariff(exact)?;
        let prices = price_table(model, rates, &rule)?;
        Ok::<_, CalcError>(BaseTariff {
            overhead_rule: rule,
            shared_lines,
            shared,
            other,
            capital,
            income,
            overhead_base,
            overhead,
            settlement: t.settlement,
            cost_base,
            occupied_days,
            exact,
            grundtakst,
            prices,
        })
    })();
    r.map_err(at)
}

#[cfg(test)]
mod tests {
    use super::Groups;

    #[test]
    fn groups_keep_the_given_order_and_skip_items_without_group() {
        let g = Groups::new(4, &[Some(2), None, Some(0), Some(2), Some(3), Some(2)]);
        assert_eq!(g.len(), 4);
        assert_eq!(&g[0], &[2]);
        assert!(g[1].is_empty());
        assert_eq!(&g[2], &[0, 3, 5]);
        assert_eq!(&g[3], &[4]);
        assert!(Groups::new(0, &[]).is_empty());
    }
}
