//! `takst economy`: the operating economy of a closed year per tilbud, from
//! the model of that year and an actuals file (SPEC 6), and optionally the
//! settlement written into the model of year t+2.
//!
//! Responsible for: loading the inputs, calling `takst_core::economy`,
//! display rounding (every breakdown allocated so that it adds up to its
//! displayed total) and the two layouts: readable sections per tilbud for
//! people, one long table (`tilbud,year,section,item,key,budget,actual,
//! difference,value,flag`) for CSV and JSON. Not responsible for: any of
//! the arithmetic of the economy (takst-core does it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use takst_core::calc::Engine;
use takst_core::economy::{self, CostLine, Economy};
use takst_core::model::Model;
use takst_core::problem;

use super::{CmdResult, Common, Failure, Output, Shown};
use crate::load::{self, actuals, Scope};
use crate::render::{col, Cell, Column, Format, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// The actuals of the year (CSV: tilbud,year,kind,item,amount; see docs/FORMATS.md).
    #[arg(long, value_name = "FILE")]
    pub actuals: PathBuf,
    /// Write each tilbud's settlement into MODEL_T2/takst.toml, the model of
    /// year t+2 (its comments and layout are kept).
    #[arg(long, value_name = "MODEL_T2")]
    pub write_settlement: Option<PathBuf>,
}

/// The columns of the CSV and JSON output: one long table.
pub const COLUMNS: &[Column] = &[
    col("tilbud", "tilbud"),
    col("year", "år"),
    col("section", "afsnit"),
    col("item", "post"),
    col("key", "nøgle"),
    col("budget", "budget"),
    col("actual", "regnskab"),
    col("difference", "afvigelse"),
    col("value", "værdi"),
    col("flag", "markering"),
];

/// One displayed line of the economy of a tilbud, already rounded for
/// display. `difference` is `actual − budget` of the displayed figures.
#[derive(Debug, Clone)]
struct Line {
    section: &'static str,
    item: &'static str,
    key: String,
    label: String,
    budget: Option<Decimal>,
    actual: Option<Decimal>,
    difference: Option<Decimal>,
    value: Option<Decimal>,
    flag: Option<&'static str>,
}

impl Line {
    fn value(
        section: &'static str,
        item: &'static str,
        label: impl Into<String>,
        v: Decimal,
    ) -> Line {
        Line {
            section,
            item,
            key: String::new(),
            label: label.into(),
            budget: None,
            actual: None,
            difference: None,
            value: Some(v),
            flag: None,
        }
    }

    fn compare(
        section: &'static str,
        item: &'static str,
        label: impl Into<String>,
        budget: Option<Decimal>,
        actual: Option<Decimal>,
    ) -> Line {
        let difference = match (budget, actual) {
            (Some(b), Some(a)) => a.checked_sub(b),
            _ => None,
        };
        Line {
            section,
            item,
            key: String::new(),
            label: label.into(),
            budget,
            actual,
            difference,
            value: None,
            flag: None,
        }
    }

    fn key(mut self, key: impl Into<String>) -> Line {
        self.key = key.into();
        self
    }
}

pub fn run(a: &Args) -> CmdResult {
    let model = load::load(&a.common.model, Scope::Agreements)?;
    let Some(year) = model.year else {
        return Err(Failure::Usage(format!(
            "{}: the model has no year; `takst economy` needs `year = …` in [model], the year of the accounts",
            a.common.model.join("takst.toml").display()
        )));
    };
    let engine = Engine::new(&model)?;
    let mut problems = Vec::new();
    let rows = actuals::read(&a.actuals, &mut problems);
    let collected = match economy::collect(&engine, &rows, year) {
        Ok(c) => Some(c),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    let collected = match collected {
        Some(c) if problems.is_empty() => c,
        _ => {
            problem::sort(&mut problems);
            return Err(Failure::Problems(problems));
        }
    };

    // The model of year t+2, when the settlement is to be written into it.
    let t2 = match &a.write_settlement {
        Some(dir) => Some(load_t2(dir, year)?),
        None => None,
    };
    let t2_days: HashMap<String, Decimal> = match &t2 {
        Some(m) => {
            let e = Engine::new(m)?;
            m.tilbud
                .iter()
                .zip(&e.tilbud)
                .map(|(t, b)| (t.id.clone(), b.occupied_days))
                .collect()
        }
        None => HashMap::new(),
    };

    let shown = a.common.shown(model.rounding);
    let mut results = Vec::with_capacity(collected.tilbud.len());
    let mut problems = Vec::new();
    for act in &collected.tilbud {
        let id = &model.tilbud[act.tilbud].id;
        match economy::economy(&engine, act, year, t2_days.get(id).copied()) {
            Ok(e) => results.push(e),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let per_tilbud: Vec<(&Economy, Vec<Line>)> = results
        .iter()
        .map(|e| (e, lines(&model, e, &shown)))
        .collect();

    let text = match a.common.format() {
        Format::Table => human(&model, &per_tilbud),
        f => {
            let mut t = Table::new(COLUMNS);
            for (e, ls) in &per_tilbud {
                let id = &model.tilbud[e.tilbud].id;
                for l in ls {
                    t.push(vec![
                        Cell::text(id),
                        Cell::Num(Decimal::from(e.year)),
                        Cell::text(l.section),
                        Cell::text(l.item),
                        if l.key.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::text(&l.key)
                        },
                        Cell::opt(l.budget),
                        Cell::opt(l.actual),
                        Cell::opt(l.difference),
                        Cell::opt(l.value),
                        l.flag.map(Cell::text).unwrap_or(Cell::Empty),
                    ]);
                }
            }
            t.render(f)
        }
    };

    let mut notes = Vec::new();
    if collected.other_years > 0 {
        notes.push(format!(
            "note: {} row{} of other years than {year} in {} not used",
            collected.other_years,
            if collected.other_years == 1 { "" } else { "s" },
            a.actuals.display()
        ));
    }
    for &ti in &collected.without_actuals {
        notes.push(format!(
            "note: tilbud {} has no actuals for {year}; not reported",
            model.tilbud[ti].id
        ));
    }
    if let Some(dir) = &a.write_settlement {
        // The settlement as displayed (to 0.01), so that the report and the
        // t+2 model agree.
        let values: Vec<(String, Decimal)> = per_tilbud
            .iter()
            .map(|(e, ls)| {
                let v = ls
                    .iter()
                    .find(|l| l.section == "settlement" && l.item == "settlement")
                    .and_then(|l| l.value)
                    .unwrap_or(e.settlement.amount);
                (model.tilbud[e.tilbud].id.clone(), v)
            })
            .collect();
        let path = dir.join("takst.toml");
        write_settlement(&path, &values, year)?;
        let list: Vec<String> = values.iter().map(|(id, v)| format!("{id} {v}")).collect();
        notes.push(format!(
            "settlement written to {}: {}",
            path.display(),
            list.join(", ")
        ));
    }
    Ok(Output {
        text,
        notes,
        fail: false,
    })
}

/// Load the model of year t+2 and check its year.
fn load_t2(dir: &Path, year: i16) -> Result<Model, Failure> {
    let m = load::load(dir, Scope::Parameters)?;
    let want = year.saturating_add(2);
    match m.year {
        Some(y) if y != want => Err(Failure::Usage(format!(
            "--write-settlement {}: the model is for {y}; expected {want}, the year after next of the accounts ({year})",
            dir.display()
        ))),
        _ => Ok(m),
    }
}

/// Set `settlement = …` of each tilbud in the TOML file at `path`, keeping
/// its comments and layout; written atomically. Every tilbud must exist.
fn write_settlement(path: &Path, values: &[(String, Decimal)], year: i16) -> Result<(), Failure> {
    let show = path.display();
    let src = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "{show}: cannot read: {}",
            crate::util::io_reason(&e)
        ))
    })?;
    let mut doc: toml_edit::DocumentMut = src
        .parse()
        .map_err(|e| Failure::Usage(format!("{show}: this is not valid TOML: {e}")))?;
    let Some(tables) = doc
        .get_mut("tilbud")
        .and_then(|t| t.as_array_of_tables_mut())
    else {
        return Err(Failure::Usage(format!(
            "{show}: no [[tilbud]] tables; expected the tilbud {}",
            values
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let mut missing = Vec::new();
    for (id, v) in values {
        let table = tables
            .iter_mut()
            .find(|t| t.get("id").and_then(|i| i.as_str()) == Some(id.as_str()));
        let Some(table) = table else {
            missing.push(id.as_str());
            continue;
        };
        let mut value: toml_edit::Value = v
            .to_string()
            .parse()
            .map_err(|e| Failure::Usage(format!("settlement {v}: {e}")))?;
        match table.get("settlement").and_then(|i| i.as_value()) {
            Some(old) => *value.decor_mut() = old.decor().clone(),
            None => value.decor_mut().set_suffix(format!(
                "  # efterregulering af regnskab {year} (takst economy)"
            )),
        }
        table.insert("settlement", toml_edit::Item::Value(value));
    }
    if !missing.is_empty() {
        return Err(Failure::Usage(format!(
            "{show}: no tilbud {}; the settlement of every tilbud with actuals must go into the t+2 model, nothing was written",
            missing.join(", ")
        )));
    }
    crate::util::write_atomic(path, doc.to_string().as_bytes()).map_err(Failure::Usage)
}

/// The displayed lines of one tilbud's economy, in output order.
fn lines(model: &Model, e: &Economy, s: &Shown) -> Vec<Line> {
    let mut out = Vec::new();
    let amt = |d: Decimal| s.amt(d);
    let opt = |d: Option<Decimal>| d.map(|d| s.amt(d));
    let years_t2 = e.year.saturating_add(2);
    let years_t2_str = years_t2.to_string();

    // Budget and actual.
    const BA: &str = "budget_actual";
    out.push(Line::compare(
        BA,
        "occupied_days",
        "belagte døgn",
        Some(amt(e.budget_days)),
        Some(amt(e.actual_days)),
    ));
    out.push(Line::compare(
        BA,
        "occupancy_pct",
        "belægning %",
        Some(amt(e.budget_occupancy_pct)),
        Some(amt(e.actual_occupancy_pct)),
    ));
    let rb = s.parts(
        &[e.budget_grund_revenue, e.individual_revenue, Decimal::ZERO],
        e.budget_revenue,
    );
    let ra = s.parts(
        &[
            e.grund_revenue,
            e.individual_revenue,
            e.effects.revenue_difference,
        ],
        e.revenue,
    );
    let other_label = if e.given_revenue.is_some() {
        "indtægt, øvrig (opgjort − beregnet)"
    } else {
        "indtægt, øvrig (ingen opgjort indtægt)"
    };
    for (i, (item, label)) in [
        ("grund_revenue", "indtægt, grundtakst × belagte døgn"),
        ("individual_revenue", "indtægt, individuelle takster"),
        ("other_revenue", other_label),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(Line::compare(BA, item, label, Some(rb[i]), Some(ra[i])));
    }
    out.push(Line::compare(
        BA,
        "revenue",
        "indtægter i alt",
        Some(amt(e.budget_revenue)),
        Some(amt(e.revenue)),
    ));
    let cb = s.parts(
        &e.costs.iter().map(|c| c.budget).collect::<Vec<_>>(),
        e.budget_costs,
    );
    let ca = s.parts(
        &e.costs.iter().map(|c| c.actual).collect::<Vec<_>>(),
        e.actual_costs,
    );
    for (i, c) in e.costs.iter().enumerate() {
        let (item, label, key) = match c.line {
            CostLine::Staff(si) => {
                let st = &model.staff[si];
                ("cost_staff", format!("løn, {}", st.name), st.id.clone())
            }
            CostLine::Other => (
                "cost_other",
                "andre omkostninger".to_string(),
                String::new(),
            ),
            CostLine::Capital => (
                "cost_capital",
                "kapitalomkostninger".to_string(),
                String::new(),
            ),
            CostLine::Overhead => ("cost_overhead", "overhead".to_string(), String::new()),
            CostLine::Income => (
                "income",
                "indtægter, der fradrages".to_string(),
                String::new(),
            ),
            CostLine::Settlement => (
                "prior_settlement",
                format!("efterregulering fra {}", e.year.saturating_sub(2)),
                String::new(),
            ),
            CostLine::IndividualRounding => (
                "individual_rounding",
                "afrunding, individuelle takster".to_string(),
                String::new(),
            ),
        };
        out.push(Line::compare(BA, item, label, Some(cb[i]), Some(ca[i])).key(key));
    }
    out.push(Line::compare(
        BA,
        "costs",
        "omkostninger i alt",
        Some(amt(e.budget_costs)),
        Some(amt(e.actual_costs)),
    ));
    out.push(Line::compare(
        BA,
        "salary_pct",
        "lønandel % af omkostningerne",
        opt(e.salary_pct_budget),
        opt(e.salary_pct_actual),
    ));

    // The result and its decomposition.
    const R: &str = "result";
    let parts = s.parts(&e.effects.parts(), e.result);
    out.push(Line::value(
        R,
        "result",
        if e.result.is_sign_negative() && !e.result.is_zero() {
            "resultat (underskud)"
        } else {
            "resultat (overskud)"
        },
        amt(e.result),
    ));
    for (i, (item, label)) in [
        (
            "occupancy_effect",
            "belægningseffekt: (faktiske − budgetterede døgn) × grundtakst",
        ),
        (
            "cost_effect",
            "omkostningseffekt: budgetterede − faktiske omkostninger",
        ),
        (
            "rounding",
            "afrunding af grundtaksten: budgetterede døgn × grundtakst − omkostningsgrundlag",
        ),
        (
            "revenue_difference",
            "anden indtægtsforskel: opgjort − beregnet indtægt",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        out.push(Line::value(R, item, label, parts[i]));
    }

    // Settlement.
    const S: &str = "settlement";
    let st = &e.settlement;
    let sp = s.parts(&[st.carry, -st.amount], e.result);
    out.push(Line::value(
        S,
        "carry_pct",
        "bæres selv, højst % af budgetterede omkostninger",
        s.dp(st.carry_pct, 2),
    ));
    out.push(Line::value(
        S,
        "carry_limit",
        "grænse for hvad tilbuddet bærer selv (±)",
        amt(st.carry_limit),
    ));
    out.push(Line::value(S, "result", "resultat", amt(e.result)));
    out.push(Line::value(S, "carry", "bæres selv af tilbuddet", sp[0]));
    out.push(
        Line::value(
            S,
            "settlement",
            format!("efterregulering i {years_t2} (settlement; + opkræves, − tilbagebetales)"),
            -sp[1],
        )
        .key(years_t2_str.clone()),
    );
    let days_label = if st.days_from_t2_model {
        format!("belagte døgn {years_t2} (modellen for {years_t2})")
    } else {
        format!("belagte døgn (budget {}, skøn for {years_t2})", e.year)
    };
    out.push(
        Line::value(S, "occupied_days_t2", days_label, amt(st.occupied_days_t2))
            .key(years_t2_str.clone()),
    );
    out.push(
        Line::value(
            S,
            "settlement_per_day",
            "efterregulering pr. belagt døgn",
            amt(st.per_day),
        )
        .key(years_t2_str),
    );

    // Staffing.
    const F: &str = "staffing";
    for l in &e.staffing {
        let st = &model.staff[l.staff];
        let id = st.id.clone();
        out.push(
            Line::value(
                F,
                "shared_hours",
                "fælles timer (bemandede) pr. år",
                amt(l.shared_hours),
            )
            .key(&id),
        );
        out.push(
            Line::value(
                F,
                "individual_hours",
                "aftalte individuelle timer i året",
                amt(l.individual_hours),
            )
            .key(&id),
        );
        out.push(
            Line::value(
                F,
                "direct_share",
                "borgerrettet andel",
                l.direct_share.normalize(),
            )
            .key(&id),
        );
        if let Some(n) = l.net_hours {
            out.push(Line::value(F, "net_hours", "nettotimer pr. årsværk", s.dp(n, 3)).key(&id));
        }
        // A fixed hourly rate has no employees: no FTE lines.
        if l.needed.is_some() || l.employed.is_some() {
            out.push(
                Line::compare(
                    F,
                    "fte",
                    "årsværk: behov / ansat",
                    opt(l.needed),
                    opt(l.employed),
                )
                .key(&id),
            );
            out.push(
                Line::compare(
                    F,
                    "fte_kr",
                    "årsværk i kroner: behov / ansat",
                    opt(l.needed_kr),
                    opt(l.employed_kr),
                )
                .key(&id),
            );
        }
        if let Some(a) = l.annual_cost {
            out.push(Line::value(F, "annual_cost_per_fte", "årsværkspris", amt(a)).key(&id));
        }
    }

    // Occupancy sensitivity.
    for (occ, g) in &e.sensitivity {
        out.push(
            Line::value(
                "sensitivity",
                "grundtakst",
                format!("grundtakst ved belægning {} %", occ.normalize()),
                amt(*g),
            )
            .key(occ.normalize().to_string()),
        );
    }

    // Price development.
    if let Some(l) = &e.limit {
        out.push(
            Line::value(
                "limit",
                "limit_base",
                format!("omkostning pr. plads pr. døgn i basisåret {}", l.base_year),
                amt(l.base),
            )
            .key(l.base_year.to_string()),
        );
        let mut line = Line::compare(
            "limit",
            "cost_per_place_day",
            "omkostning pr. plads pr. døgn: grænse / aktuel",
            Some(amt(l.limit)),
            Some(amt(l.cost_per_place_day)),
        );
        line.flag = Some(if l.above {
            "above_limit"
        } else {
            "within_limit"
        });
        out.push(line);
    }
    out
}

/// The readable layout: a heading per tilbud and one small table per section.
fn human(model: &Model, per_tilbud: &[(&Economy, Vec<Line>)]) -> String {
    let mut out = String::new();
    for (n, (e, ls)) in per_tilbud.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let t = &model.tilbud[e.tilbud];
        out.push_str(&format!(
            "Driftsøkonomi {} · {} · {} · grundtakst {}\n",
            e.year,
            t.id,
            t.name,
            crate::danish::format_kr(e.grundtakst)
        ));
        let section = |name: &'static str| ls.iter().filter(move |l| l.section == name);

        out.push_str("\nBudget og regnskab\n");
        let mut tb = Table::new(&[
            col("item", "post"),
            col("budget", "budget"),
            col("actual", "regnskab"),
            col("difference", "afvigelse"),
        ]);
        // Lines that are zero in budget and actual say nothing to a reader;
        // the totals are always shown.
        let always = ["occupied_days", "occupancy_pct", "revenue", "costs"];
        let zero = |d: Option<Decimal>| d.is_none_or(|d| d.is_zero());
        for l in section("budget_actual")
            .filter(|l| always.contains(&l.item) || !(zero(l.budget) && zero(l.actual)))
        {
            tb.push(vec![
                Cell::text(&l.label),
                Cell::opt(l.budget),
                Cell::opt(l.actual),
                Cell::opt(l.difference),
            ]);
        }
        out.push_str(&tb.to_text());

        for (name, heading) in [
            ("result", "Resultat og dets dele".to_string()),
            (
                "settlement",
                format!(
                    "Efterregulering (carry {} %)",
                    e.settlement.carry_pct.normalize()
                ),
            ),
        ] {
            out.push_str(&format!("\n{heading}\n"));
            let mut tb = Table::new(&[col("item", "post"), col("value", "beløb")]);
            for l in section(name) {
                tb.push(vec![Cell::text(&l.label), Cell::opt(l.value)]);
            }
            out.push_str(&tb.to_text());
        }

        if !e.staffing.is_empty() {
            out.push_str("\nBemanding (årsværk = (fælles timer + individuelle timer / borgerrettet andel) / nettotimer)\n");
            let mut tb = Table::new(&[
                col("staff", "faggruppe"),
                col("shared_hours", "fælles timer"),
                col("individual_hours", "indiv. timer"),
                col("direct_share", "borgerr. andel"),
                col("net_hours", "nettotimer"),
                col("needed", "behov"),
                col("employed", "ansat"),
                col("gap", "forskel"),
                col("annual_cost", "årsværkspris"),
                col("gap_kr", "forskel kr."),
            ]);
            for sl in &e.staffing {
                let id = &model.staff[sl.staff].id;
                let find =
                    |item: &str| section("staffing").find(|l| l.item == item && &l.key == id);
                let v = |item: &str| Cell::opt(find(item).and_then(|l| l.value));
                let fte = find("fte");
                let kr = find("fte_kr");
                tb.push(vec![
                    Cell::text(&model.staff[sl.staff].name),
                    v("shared_hours"),
                    v("individual_hours"),
                    v("direct_share"),
                    v("net_hours"),
                    Cell::opt(fte.and_then(|l| l.budget)),
                    Cell::opt(fte.and_then(|l| l.actual)),
                    Cell::opt(fte.and_then(|l| l.difference)),
                    v("annual_cost_per_fte"),
                    Cell::opt(kr.and_then(|l| l.difference)),
                ]);
            }
            out.push_str(&tb.to_text());
        }

        out.push_str("\nBelægningsfølsomhed\n");
        let mut tb = Table::new(&[
            col("occupancy_pct", "belægning %"),
            col("grundtakst", "grundtakst"),
        ]);
        for (occ, _) in &e.sensitivity {
            let l = section("sensitivity").find(|l| l.key == occ.normalize().to_string());
            let mut o = *occ;
            o.rescale(1);
            tb.push(vec![Cell::Num(o), Cell::opt(l.and_then(|l| l.value))]);
        }
        out.push_str(&tb.to_text());

        if let Some(lim) = &e.limit {
            out.push_str("\nPrisudvikling\n");
            let mut tb = Table::new(&[col("item", "post"), col("value", "kr. pr. plads pr. døgn")]);
            for l in section("limit") {
                match l.item {
                    "cost_per_place_day" => {
                        tb.push(vec![Cell::text("grænse"), Cell::opt(l.budget)]);
                        tb.push(vec![Cell::text("aktuel omkostning"), Cell::opt(l.actual)]);
                    }
                    _ => tb.push(vec![Cell::text(&l.label), Cell::opt(l.value)]),
                }
            }
            out.push_str(&tb.to_text());
            out.push_str(if lim.above {
                "OVER GRÆNSEN: omkostningen pr. plads pr. døgn er over prisudviklingens grænse\n"
            } else {
                "inden for grænsen\n"
            });
        }
    }
    if per_tilbud.is_empty() {
        out.push_str("ingen tilbud med regnskabstal for året\n");
    }
    out
}
