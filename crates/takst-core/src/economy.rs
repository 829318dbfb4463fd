//! The operating economy of a closed year and its settlement (SPEC 6).
//!
//! Responsible for: checking a year's actuals against the model
//! ([`collect`]), and per tilbud ([`economy`]): budget vs actual revenue,
//! costs and occupied days; the result and its decomposition into an
//! occupancy effect, a cost effect, the grundtakst's rounding and the
//! difference to a given actual revenue, summing exactly to the result; the
//! settlement into year t+2 after the carry; staffing (FTE needed vs
//! employed); the salary share; the grundtakst at other occupancies; and the
//! price-development check ([`limit_check`]). Not responsible for: reading
//! the actuals file (the CLI parses it into [`ActualRow`]s), display
//! rounding or layout.
//!
//! Sign conventions: a result above zero is a surplus. The settlement is
//! the `settlement` of year t+2: + a deficit to be recovered, − a surplus
//! to be paid back, so `settlement = −(result − carry)`. The settlement of
//! year t itself (from year t−2) is part of both the budgeted and the actual
//! costs: it is recovered or paid back through the tariff and is not a
//! result of year t.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::Engine;
use crate::model::{Origin, Pos, Ref};
use crate::num::{CalcError, Checked};
use crate::problem::{Code, Problem};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// What one row of the actuals file states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActualKind {
    /// Occupied days (belagte døgn) of the year; one row per tilbud.
    OccupiedDays,
    /// Actual revenue (kroner); optional, rows are summed.
    Revenue,
    /// Salary costs of one staff category; `item` is the staff id.
    CostStaff,
    /// Other operating costs; `item` is free text; rows are summed.
    CostOther,
    /// Depreciation and interest; `item` is free text; rows are summed.
    CostCapital,
    /// Overhead (indirect costs) allocated to the tilbud; rows are summed.
    CostOverhead,
    /// Income deducted from the costs (as a positive amount); rows are summed.
    Income,
    /// Employed FTE of one staff category (from payroll); `item` is the staff id.
    FteEmployed,
}

impl ActualKind {
    pub const ALL: [ActualKind; 8] = [
        ActualKind::OccupiedDays,
        ActualKind::Revenue,
        ActualKind::CostStaff,
        ActualKind::CostOther,
        ActualKind::CostCapital,
        ActualKind::CostOverhead,
        ActualKind::Income,
        ActualKind::FteEmployed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActualKind::OccupiedDays => "occupied_days",
            ActualKind::Revenue => "revenue",
            ActualKind::CostStaff => "cost_staff",
            ActualKind::CostOther => "cost_other",
            ActualKind::CostCapital => "cost_capital",
            ActualKind::CostOverhead => "cost_overhead",
            ActualKind::Income => "income",
            ActualKind::FteEmployed => "fte_employed",
        }
    }

    pub fn parse(s: &str) -> Option<ActualKind> {
        ActualKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether `item` names a staff category.
    pub fn is_staff(self) -> bool {
        matches!(self, ActualKind::CostStaff | ActualKind::FteEmployed)
    }
}

/// One parsed row of the actuals file, with its positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActualRow {
    pub tilbud: Ref,
    pub year: i16,
    pub kind: ActualKind,
    /// Staff id for staff rows, free text (or empty) otherwise.
    pub item: Ref,
    pub amount: Decimal,
    /// Position of the amount.
    pub amount_pos: Pos,
    /// The row (file and line).
    pub origin: Origin,
}

/// The actuals of one tilbud for one year, checked and summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TilbudActuals {
    /// Index into `Model::tilbud`.
    pub tilbud: usize,
    pub occupied_days: Decimal,
    pub revenue: Option<Decimal>,
    /// Salary costs per staff category (index into `Model::staff`).
    pub staff_costs: Vec<Option<Decimal>>,
    pub other: Decimal,
    pub capital: Decimal,
    pub overhead: Decimal,
    /// Positive; deducted.
    pub income: Decimal,
    pub fte_employed: Vec<Option<Decimal>>,
}

/// The actuals of a year, per tilbud of the model (in model order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collected {
    pub tilbud: Vec<TilbudActuals>,
    /// Rows of other years, ignored.
    pub other_years: usize,
    /// Tilbud of the model without any row for the year (indices).
    pub without_actuals: Vec<usize>,
}

/// The days of agreement-like period `[from, to]` inside calendar year `year`.
pub fn days_in_year(from: Date, to: Option<Date>, year: i16) -> i64 {
    let (Ok(first), Ok(last)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return 0;
    };
    let start = from.max(first);
    let end = to.map_or(last, |t| t.min(last));
    if end < start {
        return 0;
    }
    i64::from(end.day_of_year()) - i64::from(start.day_of_year()) + 1
}

/// The calendar days of `year` (365 or 366).
pub fn days_of_year(year: i16) -> i64 {
    Date::new(year, 12, 31).map_or(365, |d| i64::from(d.day_of_year()))
}

/// Staff hours per year of each staff category in tilbud `ti` in `year`:
/// (shared manned hours, agreed individual staff hours). Zero-hour lines
/// count as no hours.
fn hours_by_staff(
    engine: &Engine,
    ti: usize,
    year: i16,
) -> Result<(Vec<Decimal>, Vec<Decimal>), CalcError> {
    let m = engine.model;
    let t = &m.tilbud[ti];
    let mut shared = vec![Decimal::ZERO; m.staff.len()];
    let mut individual = vec![Decimal::ZERO; m.staff.len()];
    for sh in &t.shared {
        if let Some(&si) = engine.staff_index.get(sh.staff.id.as_str()) {
            let h = sh
                .hours_per_week
                .mul_(m.days_per_year, "shared manned hours")?
                .div_(Decimal::from(7), "shared manned hours", "7")?;
            shared[si] = shared[si].add_(h, "shared manned hours")?;
        }
    }
    for (a, ag) in m.agreements.iter().enumerate() {
        if ag.tilbud.id != t.id {
            continue;
        }
        let days = Decimal::from(days_in_year(ag.from, ag.to, year));
        if days.is_zero() {
            continue;
        }
        for &ni in &engine.needs_of[a] {
            let n = &m.needs[ni];
            if let Some(&si) = engine.staff_index.get(&*n.staff) {
                // days × hours × staff / (citizens × 7): one division.
                let h = days
                    .mul_(n.hours_per_week, "agreed staff hours")?
                    .mul_(Decimal::from(n.ratio.staff), "agreed staff hours")?
                    .div_(
                        Decimal::from(n.ratio.citizens) * Decimal::from(7),
                        "agreed staff hours",
                        "7",
                    )?;
                individual[si] = individual[si].add_(h, "agreed staff hours")?;
            }
        }
    }
    Ok((shared, individual))
}

/// Check the actuals of `year` against the model and sum them per tilbud.
///
/// Problems (all collected, each at its row and column): an unknown
/// tilbud or staff category, a negative amount, more occupied days than
/// places × days, a duplicate `occupied_days` or staff row, a tilbud with
/// rows but no `occupied_days`, and a salaried staff category with shared
/// or agreed hours in the tilbud but no `fte_employed` row. Rows of other
/// years are checked too but not summed.
pub fn collect(engine: &Engine, rows: &[ActualRow], year: i16) -> Result<Collected, Vec<Problem>> {
    let m = engine.model;
    let mut problems = Vec::new();
    let mut acc: Vec<Option<(TilbudActuals, Pos, bool)>> = vec![None; m.tilbud.len()];
    let mut seen: HashMap<(usize, i16, ActualKind, String), Pos> = HashMap::new();
    let mut other_years = 0;
    let capacity_days = |ti: usize| -> Option<Decimal> {
        let cal = Decimal::from(days_of_year(year));
        m.tilbud[ti].places.checked_mul(m.days_per_year.max(cal))
    };
    // A row with a bad value is reported and still counted as present, so
    // that it does not also show up as a missing row.
    for r in rows {
        let Some(&ti) = engine.tilbud_index.get(r.tilbud.id.as_str()) else {
            let mut known: Vec<&str> = m.tilbud.iter().map(|t| t.id.as_str()).collect();
            known.sort_unstable();
            problems.push(Problem::new(
                Code::UnknownTilbud,
                r.tilbud.pos.clone(),
                format!(
                    "unknown tilbud `{}`; expected one of the model's: {}",
                    r.tilbud.id,
                    known.join(", ")
                ),
            ));
            continue;
        };
        let si = if r.kind.is_staff() {
            match engine.staff_index.get(r.item.id.as_str()) {
                Some(&si) => Some(si),
                None => {
                    let known: Vec<&str> = m.staff.iter().map(|s| s.id.as_str()).collect();
                    let found = if r.item.id.is_empty() {
                        "nothing".to_string()
                    } else {
                        format!("`{}`", r.item.id)
                    };
                    problems.push(Problem::new(
                        Code::UnknownStaff,
                        r.item.pos.clone(),
                        format!(
                            "found {found}; a {} row needs a staff category of the model in `item`: {}",
                            r.kind.as_str(),
                            known.join(", ")
                        ),
                    ));
                    continue;
                }
            }
        } else {
            None
        };
        if r.amount.is_sign_negative() && !r.amount.is_zero() {
            let what = match r.kind {
                ActualKind::OccupiedDays => "occupied days",
                ActualKind::FteEmployed => "FTE",
                ActualKind::Income => "income (given as a positive amount, it is deducted)",
                _ => "amount",
            };
            problems.push(Problem::new(
                Code::Negative,
                r.amount_pos.clone(),
                format!("found {what} {}, expected zero or more", r.amount),
            ));
        } else if r.kind == ActualKind::OccupiedDays {
            if let Some(cap) = capacity_days(ti) {
                if r.amount > cap {
                    problems.push(Problem::new(
                        Code::OutOfRange,
                        r.amount_pos.clone(),
                        format!(
                            "found {} occupied days, expected at most {cap} ({} places × the days of the year)",
                            r.amount, m.tilbud[ti].places
                        ),
                    ));
                }
            }
        }
        if matches!(
            r.kind,
            ActualKind::OccupiedDays | ActualKind::CostStaff | ActualKind::FteEmployed
        ) {
            let key = (ti, r.year, r.kind, r.item.id.clone());
            if let Some(first) = seen.get(&key) {
                let what = match r.kind {
                    ActualKind::OccupiedDays => String::new(),
                    _ => format!(" of staff category `{}`", r.item.id),
                };
                problems.push(Problem::new(
                    Code::DuplicateId,
                    r.amount_pos.clone(),
                    format!(
                        "a second {} row{what} for tilbud {} in {} (first at {first}); expected one",
                        r.kind.as_str(),
                        r.tilbud.id,
                        r.year
                    ),
                ));
            } else {
                seen.insert(key, r.origin.pos.clone());
            }
        }
        if r.year != year {
            other_years += 1;
            continue;
        }
        let (a, _, has_days) = acc[ti].get_or_insert_with(|| {
            (
                TilbudActuals {
                    tilbud: ti,
                    occupied_days: Decimal::ZERO,
                    revenue: None,
                    staff_costs: vec![None; m.staff.len()],
                    other: Decimal::ZERO,
                    capital: Decimal::ZERO,
                    overhead: Decimal::ZERO,
                    income: Decimal::ZERO,
                    fte_employed: vec![None; m.staff.len()],
                },
                r.tilbud.pos.clone(),
                false,
            )
        });
        let add = |x: Decimal, y: Decimal| x.add_(y, "actuals");
        let res = match (r.kind, si) {
            (ActualKind::OccupiedDays, _) => {
                *has_days = true;
                a.occupied_days = r.amount;
                Ok(())
            }
            (ActualKind::Revenue, _) => {
                add(a.revenue.unwrap_or_default(), r.amount).map(|s| a.revenue = Some(s))
            }
            (ActualKind::CostOther, _) => add(a.other, r.amount).map(|s| a.other = s),
            (ActualKind::CostCapital, _) => add(a.capital, r.amount).map(|s| a.capital = s),
            (ActualKind::CostOverhead, _) => add(a.overhead, r.amount).map(|s| a.overhead = s),
            (ActualKind::Income, _) => add(a.income, r.amount).map(|s| a.income = s),
            (ActualKind::CostStaff, Some(si)) => {
                a.staff_costs[si] = Some(r.amount);
                Ok(())
            }
            (ActualKind::FteEmployed, Some(si)) => {
                a.fte_employed[si] = Some(r.amount);
                Ok(())
            }
            (_, None) => Ok(()),
        };
        if let Err(e) = res {
            problems.push(Problem::new(
                Code::Calculation,
                r.amount_pos.clone(),
                e.to_string(),
            ));
        }
    }

    let mut out = Vec::new();
    let mut without_actuals = Vec::new();
    for (ti, entry) in acc.into_iter().enumerate() {
        let Some((a, pos, has_days)) = entry else {
            without_actuals.push(ti);
            continue;
        };
        let id = &m.tilbud[ti].id;
        if !has_days {
            problems.push(Problem::new(
                Code::Missing,
                pos.clone(),
                format!(
                    "tilbud {id} has rows for {year} but no occupied_days row; expected a row `{id},{year},occupied_days,,<days>`"
                ),
            ));
        }
        match hours_by_staff(engine, ti, year) {
            Ok((shared, individual)) => {
                for (si, s) in m.staff.iter().enumerate() {
                    let has_hours = !shared[si].is_zero() || !individual[si].is_zero();
                    if has_hours && engine.staff[si].fte().is_some() && a.fte_employed[si].is_none()
                    {
                        problems.push(Problem::new(
                            Code::Missing,
                            pos.clone(),
                            format!(
                                "tilbud {id} has shared or agreed hours of staff category `{}` in {year} but no fte_employed row for it; expected a row `{id},{year},fte_employed,{},<FTE>`",
                                s.id, s.id
                            ),
                        ));
                    }
                }
            }
            Err(e) => problems.push(Problem::new(
                Code::Calculation,
                m.tilbud[ti].origin.pos.clone(),
                e.to_string(),
            )),
        }
        out.push(a);
    }
    if problems.is_empty() {
        Ok(Collected {
            tilbud: out,
            other_years,
            without_actuals,
        })
    } else {
        crate::problem::sort(&mut problems);
        Err(problems)
    }
}

/// A cost line of the budget-vs-actual comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "line", content = "staff")]
pub enum CostLine {
    /// Salary costs of a staff category (index into `Model::staff`):
    /// budget = its shared staffing + its agreed individual hours at the
    /// direct rate.
    Staff(usize),
    Other,
    Capital,
    /// Budget: the cost base's overhead + the overhead in the prices of
    /// the individual support.
    Overhead,
    /// Deducted: negative in the breakdown.
    Income,
    /// The settlement of year t (from t−2), equal in budget and actual.
    Settlement,
    /// Budget only: the rounding of the hourly prices and of the individual
    /// tariffs, i.e. individual revenue − its staff cost − its overhead.
    IndividualRounding,
}

impl CostLine {
    pub fn key(self) -> &'static str {
        match self {
            CostLine::Staff(_) => "staff",
            CostLine::Other => "other",
            CostLine::Capital => "capital",
            CostLine::Overhead => "overhead",
            CostLine::Income => "income",
            CostLine::Settlement => "settlement",
            CostLine::IndividualRounding => "individual_rounding",
        }
    }
}

/// One cost line, budget and actual, signed (income negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CostAmounts {
    pub line: CostLine,
    pub budget: Decimal,
    pub actual: Decimal,
}

/// The result decomposed; the four parts sum exactly to the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Effects {
    /// (actual − budgeted occupied days) × grundtakst.
    pub occupancy: Decimal,
    /// budgeted costs − actual costs.
    pub cost: Decimal,
    /// The grundtakst's rounding: budgeted occupied days × grundtakst − cost_base.
    pub rounding: Decimal,
    /// Actual revenue − computed revenue (zero when no revenue is given).
    pub revenue_difference: Decimal,
}

impl Effects {
    pub fn parts(&self) -> [Decimal; 4] {
        [
            self.occupancy,
            self.cost,
            self.rounding,
            self.revenue_difference,
        ]
    }
}

/// The settlement of a year's result into year t+2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub carry_pct: Decimal,
    /// carry_pct % of the budgeted costs.
    pub carry_limit: Decimal,
    /// The result clamped to ± carry_limit: kept by the tilbud.
    pub carry: Decimal,
    /// −(result − carry): the `settlement` of year t+2 (+ recover a deficit).
    pub amount: Decimal,
    /// Occupied days of year t+2 (from its model), or of year t when no
    /// t+2 model is given.
    pub occupied_days_t2: Decimal,
    pub days_from_t2_model: bool,
    /// amount / occupied_days_t2, kroner per day, not rounded.
    pub per_day: Decimal,
}

/// Staffing of one staff category in a tilbud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StaffLine {
    /// Index into `Model::staff`.
    pub staff: usize,
    /// Shared manned hours per year: Σ hours_per_week × Y / 7.
    pub shared_hours: Decimal,
    /// Agreed individual staff hours in the year: Σ days in force × staff hours per week / 7.
    pub individual_hours: Decimal,
    pub direct_share: Decimal,
    /// N; `None` for a fixed hourly rate (no employees).
    pub net_hours: Option<Decimal>,
    /// (shared_hours + individual_hours / direct_share) / N.
    pub needed: Option<Decimal>,
    pub employed: Option<Decimal>,
    /// employed − needed: + more employed than needed, − fewer.
    pub gap: Option<Decimal>,
    /// A, the annual cost per FTE.
    pub annual_cost: Option<Decimal>,
    /// needed × A.
    pub needed_kr: Option<Decimal>,
    /// employed × A.
    pub employed_kr: Option<Decimal>,
    /// gap × A.
    pub gap_kr: Option<Decimal>,
}

/// The price-development check of one tilbud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitCheck {
    /// (cost_base − settlement) / (places × Y): the year's own cost per
    /// place per day, without the settlement from t−2 and independent of
    /// the assumed occupancy.
    pub cost_per_place_day: Decimal,
    pub base_year: i16,
    /// Cost per place per day in the base year.
    pub base: Decimal,
    /// base × Π over the years after the base year (100 + index − reduction)/100.
    pub limit: Decimal,
    pub above: bool,
}

/// The operating economy of one tilbud in one closed year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Economy {
    pub tilbud: usize,
    pub year: i16,
    pub grundtakst: Decimal,
    /// places × Y.
    pub capacity_days: Decimal,
    pub budget_days: Decimal,
    pub actual_days: Decimal,
    pub budget_occupancy_pct: Decimal,
    pub actual_occupancy_pct: Decimal,
    /// budget_days × grundtakst.
    pub budget_grund_revenue: Decimal,
    /// actual_days × grundtakst.
    pub grund_revenue: Decimal,
    /// Σ agreements: days in force in the year × individual.
    pub individual_revenue: Decimal,
    pub budget_revenue: Decimal,
    /// grund_revenue + individual_revenue.
    pub computed_revenue: Decimal,
    /// The given actual revenue, if any.
    pub given_revenue: Option<Decimal>,
    /// The given revenue, or the computed one.
    pub revenue: Decimal,
    pub costs: Vec<CostAmounts>,
    /// cost_base + individual_revenue.
    pub budget_costs: Decimal,
    pub actual_costs: Decimal,
    /// revenue − actual costs.
    pub result: Decimal,
    pub effects: Effects,
    pub settlement: Settlement,
    pub staffing: Vec<StaffLine>,
    /// Salary costs in % of the costs, budget and actual (`None` when the costs are zero).
    pub salary_pct_budget: Option<Decimal>,
    pub salary_pct_actual: Option<Decimal>,
    /// (occupancy %, grundtakst at that occupancy, rounded at rounding point (b)).
    pub sensitivity: Vec<(Decimal, Decimal)>,
    pub limit: Option<LimitCheck>,
}

/// The occupancies of the sensitivity table, in percent.
pub const SENSITIVITY_PCT: [(i64, u32); 5] = [(90, 0), (925, 1), (95, 0), (975, 1), (100, 0)];

/// The price-development check of tilbud `ti`, or `None` when the model
/// has no `[limits]` or the tilbud has no base.
pub fn limit_check(engine: &Engine, ti: usize) -> Result<Option<LimitCheck>, Problem> {
    let m = engine.model;
    let t = &m.tilbud[ti];
    let Some(l) = &m.limits else { return Ok(None) };
    let Some(base) = t.limit_base.or(l.cost_per_place_day) else {
        return Ok(None);
    };
    let Some(year) = m.year else { return Ok(None) };
    let b = &engine.tilbud[ti];
    let at = |e: CalcError| {
        Problem::new(
            Code::Calculation,
            l.origin.pos.clone(),
            e.in_context(&format!("tilbud {}: limit", t.id)).to_string(),
        )
    };
    let cost_per_place_day = b
        .cost_base
        .sub_(b.settlement, "cost per place per day")
        .and_then(|c| {
            c.div_(
                t.places.mul_(m.days_per_year, "capacity")?,
                "cost per place per day",
                "places × days",
            )
        })
        .map_err(at)?;
    let mut limit = base;
    for y in l.base_year.saturating_add(1)..=year {
        let Some((_, idx, _)) = l.index_pct.iter().find(|(iy, _, _)| *iy == y) else {
            // validate reports a missing year; do not guess.
            return Ok(None);
        };
        limit = limit
            .mul_(HUNDRED + idx - l.reduction_pct, "limit")
            .and_then(|x| x.div_(HUNDRED, "limit", "100"))
            .map_err(at)?;
    }
    Ok(Some(LimitCheck {
        above: cost_per_place_day > limit,
        cost_per_place_day,
        base_year: l.base_year,
        base,
        limit,
    }))
}

/// The operating economy of one tilbud in `year` (SPEC 6). `occupied_days_t2`
/// are the budgeted occupied days of the tilbud in the t+2 model, if known;
/// otherwise the settlement per day uses year t's.
pub fn economy(
    engine: &Engine,
    act: &TilbudActuals,
    year: i16,
    occupied_days_t2: Option<Decimal>,
) -> Result<Economy, Problem> {
    let m = engine.model;
    let ti = act.tilbud;
    let t = &m.tilbud[ti];
    let b = &engine.tilbud[ti];
    let at = |e: CalcError| {
        Problem::new(
            Code::Calculation,
            t.origin.pos.clone(),
            e.in_context(&format!("tilbud {}", t.id)).to_string(),
        )
    };

    // Individual support of the agreements in force in the year.
    let n_staff = m.staff.len();
    let mut ind_cost = vec![Decimal::ZERO; n_staff];
    let mut ind_overhead = Decimal::ZERO;
    let mut individual_revenue = Decimal::ZERO;
    for (a, ag) in m.agreements.iter().enumerate() {
        if ag.tilbud.id != t.id {
            continue;
        }
        let days = Decimal::from(days_in_year(ag.from, ag.to, year));
        if days.is_zero() {
            continue;
        }
        let tariff = engine.tariff(a)?;
        individual_revenue = days
            .mul_(tariff.individual, "individual revenue")
            .and_then(|x| individual_revenue.add_(x, "individual revenue"))
            .map_err(at)?;
        for l in &tariff.lines {
            let n = &m.needs[l.need];
            let direct = engine.rates[l.staff][l.band].direct;
            let exact = b.prices[l.staff][l.band].exact;
            let r = (|| {
                // days × hours × staff × rate / (citizens × 7)
                let hours_x = days
                    .mul_(n.hours_per_week, "individual staff cost")?
                    .mul_(Decimal::from(n.ratio.staff), "individual staff cost")?;
                let div = Decimal::from(n.ratio.citizens) * Decimal::from(7);
                let cost = hours_x.mul_(direct, "individual staff cost")?.div_(
                    div,
                    "individual staff cost",
                    "7",
                )?;
                let oh = hours_x
                    .mul_(
                        exact.sub_(direct, "individual overhead")?,
                        "individual overhead",
                    )?
                    .div_(div, "individual overhead", "7")?;
                Ok::<_, CalcError>((cost, oh))
            })();
            let (cost, oh) = r.map_err(at)?;
            ind_cost[l.staff] = ind_cost[l.staff]
                .add_(cost, "individual staff cost")
                .map_err(at)?;
            ind_overhead = ind_overhead.add_(oh, "individual overhead").map_err(at)?;
        }
    }

    // Shared staffing cost per staff category.
    let mut shared_cost = vec![Decimal::ZERO; n_staff];
    for (k, sh) in t.shared.iter().enumerate() {
        if let (Some(&si), Some(&v)) = (
            engine.staff_index.get(sh.staff.id.as_str()),
            b.shared_lines.get(k),
        ) {
            shared_cost[si] = shared_cost[si].add_(v, "shared staffing").map_err(at)?;
        }
    }

    let r = (|| {
        let g = b.grundtakst;
        let capacity_days = t.places.mul_(m.days_per_year, "capacity")?;
        let budget_days = b.occupied_days;
        let actual_days = act.occupied_days;
        let actual_occupancy_pct = actual_days.mul_(HUNDRED, "occupancy")?.div_(
            capacity_days,
            "occupancy",
            "places × days",
        )?;
        let budget_grund_revenue = budget_days.mul_(g, "grundtakst revenue")?;
        let grund_revenue = actual_days.mul_(g, "grundtakst revenue")?;
        let budget_revenue = budget_grund_revenue.add_(individual_revenue, "revenue")?;
        let computed_revenue = grund_revenue.add_(individual_revenue, "revenue")?;
        let revenue = act.revenue.unwrap_or(computed_revenue);

        // Cost lines: budget and actual, signed.
        let mut costs = Vec::new();
        let staff_budget: Vec<Decimal> = (0..n_staff)
            .map(|s| shared_cost[s].add_(ind_cost[s], "staff cost"))
            .collect::<Result<_, _>>()?;
        for (s, (&budget, actual)) in staff_budget.iter().zip(&act.staff_costs).enumerate() {
            if !budget.is_zero() || actual.is_some() {
                costs.push(CostAmounts {
                    line: CostLine::Staff(s),
                    budget,
                    actual: actual.unwrap_or_default(),
                });
            }
        }
        let ind_rounding = individual_revenue
            .sub_(
                crate::num::sum(ind_cost.iter().copied(), "individual staff cost")?,
                "individual rounding",
            )?
            .sub_(ind_overhead, "individual rounding")?;
        costs.push(CostAmounts {
            line: CostLine::Other,
            budget: b.other,
            actual: act.other,
        });
        costs.push(CostAmounts {
            line: CostLine::Capital,
            budget: b.capital,
            actual: act.capital,
        });
        costs.push(CostAmounts {
            line: CostLine::Overhead,
            budget: b.overhead.add_(ind_overhead, "overhead")?,
            actual: act.overhead,
        });
        costs.push(CostAmounts {
            line: CostLine::Income,
            budget: -b.income,
            actual: -act.income,
        });
        costs.push(CostAmounts {
            line: CostLine::Settlement,
            budget: b.settlement,
            actual: b.settlement,
        });
        costs.push(CostAmounts {
            line: CostLine::IndividualRounding,
            budget: ind_rounding,
            actual: Decimal::ZERO,
        });
        let budget_costs = b.cost_base.add_(individual_revenue, "budgeted costs")?;
        let actual_costs = crate::num::sum(costs.iter().map(|c| c.actual), "actual costs")?;

        let result = revenue.sub_(actual_costs, "result")?;
        let effects = Effects {
            occupancy: actual_days
                .sub_(budget_days, "occupancy effect")?
                .mul_(g, "occupancy effect")?,
            cost: budget_costs.sub_(actual_costs, "cost effect")?,
            rounding: budget_grund_revenue.sub_(b.cost_base, "rounding")?,
            revenue_difference: revenue.sub_(computed_revenue, "revenue difference")?,
        };

        let carry_pct = t.carry_pct.unwrap_or(m.settlement.carry_pct);
        let carry_limit = budget_costs.abs().mul_(carry_pct, "carry limit")?.div_(
            HUNDRED,
            "carry limit",
            "100",
        )?;
        let carry = result.clamp(-carry_limit, carry_limit);
        let amount = carry.sub_(result, "settlement")?;
        let days_t2 = occupied_days_t2.unwrap_or(budget_days);
        let settlement = Settlement {
            carry_pct,
            carry_limit,
            carry,
            amount,
            occupied_days_t2: days_t2,
            days_from_t2_model: occupied_days_t2.is_some(),
            per_day: amount.div_(days_t2, "settlement per day", "occupied days of year t+2")?,
        };

        let (shared_hours, individual_hours) = hours_by_staff(engine, ti, year)?;
        let mut staffing = Vec::new();
        for (si, s) in m.staff.iter().enumerate() {
            let employed = act.fte_employed[si];
            if shared_hours[si].is_zero() && individual_hours[si].is_zero() && employed.is_none() {
                continue;
            }
            let fte = engine.staff[si].fte();
            let net_hours = fte.map(|c| c.net_hours);
            let annual_cost = fte.map(|c| c.annual);
            let needed = match net_hours {
                // (shared × ds + individual) / (ds × N)
                Some(n) => Some(
                    shared_hours[si]
                        .mul_(s.direct_share, "FTE needed")?
                        .add_(individual_hours[si], "FTE needed")?
                        .div_(
                            s.direct_share.mul_(n, "FTE needed")?,
                            "FTE needed",
                            "direct share × net hours",
                        )?,
                ),
                None => None,
            };
            let gap = match (needed, employed) {
                (Some(n), Some(e)) => Some(e.sub_(n, "FTE gap")?),
                _ => None,
            };
            let times_a = |x: Option<Decimal>| -> Result<Option<Decimal>, CalcError> {
                match (x, annual_cost) {
                    (Some(x), Some(a)) => Ok(Some(x.mul_(a, "FTE in kroner")?)),
                    _ => Ok(None),
                }
            };
            let needed_kr = times_a(needed)?;
            let employed_kr = times_a(employed)?;
            let gap_kr = times_a(gap)?;
            staffing.push(StaffLine {
                staff: si,
                shared_hours: shared_hours[si],
                individual_hours: individual_hours[si],
                direct_share: s.direct_share,
                net_hours,
                needed,
                employed,
                gap,
                annual_cost,
                needed_kr,
                employed_kr,
                gap_kr,
            });
        }

        let staff_sum = |f: fn(&CostAmounts) -> Decimal| {
            crate::num::sum(
                costs
                    .iter()
                    .filter(|c| matches!(c.line, CostLine::Staff(_)))
                    .map(f),
                "salary costs",
            )
        };
        let pct = |part: Decimal, whole: Decimal| -> Result<Option<Decimal>, CalcError> {
            if whole.is_zero() {
                return Ok(None);
            }
            Ok(Some(part.mul_(HUNDRED, "salary share")?.div_(
                whole,
                "salary share",
                "costs",
            )?))
        };
        let salary_pct_budget = pct(staff_sum(|c| c.budget)?, budget_costs)?;
        let salary_pct_actual = pct(staff_sum(|c| c.actual)?, actual_costs)?;

        let mut sensitivity = Vec::new();
        for (n, dp) in SENSITIVITY_PCT {
            let occ = Decimal::new(n, dp);
            let days = capacity_days.mul_(occ, "occupied days")?;
            let exact = b.cost_base.mul_(HUNDRED, "grundtakst")?.div_(
                days,
                "grundtakst",
                "occupied days",
            )?;
            sensitivity.push((occ, m.rounding.tariff(exact)?));
        }

        Ok::<_, CalcError>(Economy {
            tilbud: ti,
            year,
            grundtakst: g,
            capacity_days,
            budget_days,
            actual_days,
            budget_occupancy_pct: t.occupancy_pct,
            actual_occupancy_pct,
            budget_grund_revenue,
            grund_revenue,
            individual_revenue,
            budget_revenue,
            computed_revenue,
            given_revenue: act.revenue,
            revenue,
            costs,
            budget_costs,
            actual_costs,
            result,
            effects,
            settlement,
            staffing,
            salary_pct_budget,
            salary_pct_actual,
            sensitivity,
            limit: None,
        })
    })();
    let mut e = r.map_err(at)?;
    e.limit = limit_check(engine, ti)?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, Tilbud};
    use crate::num::{Precision, Rounding};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    /// A 24-place tilbud whose cost base is exactly 40,000,000 (one cost
    /// line), occupancy 97 %, grundtakst in øre.
    fn model(carry_pct: &str) -> Model {
        let mut m = Model {
            year: Some(2025),
            rounding: Rounding {
                tariff: Precision::Step(d("0.01")),
                ..Rounding::default()
            },
            ..Model::default()
        };
        m.settlement.carry_pct = d(carry_pct);
        m.tilbud.push(Tilbud {
            id: "t".into(),
            name: "T".into(),
            paragraph: None,
            places: d("24"),
            occupancy_pct: d("97"),
            settlement: Decimal::ZERO,
            carry_pct: None,
            limit_base: None,
            overhead: Default::default(),
            shared: vec![],
            costs: vec![crate::model::Cost {
                name: "Drift".into(),
                kind: crate::model::CostKind::Other,
                amount: d("40000000"),
                origin: Origin::default(),
            }],
            origin: Origin::default(),
        });
        m
    }

    fn actuals() -> TilbudActuals {
        TilbudActuals {
            tilbud: 0,
            occupied_days: d("8300"),
            revenue: None,
            staff_costs: vec![],
            other: d("41200000"),
            capital: Decimal::ZERO,
            overhead: Decimal::ZERO,
            income: Decimal::ZERO,
            fte_employed: vec![],
        }
    }

    #[test]
    fn decomposition_of_the_issue_example() {
        let m = model("0");
        let engine = Engine::new(&m).unwrap();
        let e = economy(&engine, &actuals(), 2025, None).unwrap();
        assert_eq!(e.grundtakst, d("4707.43"));
        assert_eq!(e.budget_days, d("8497.2"));
        assert_eq!(e.revenue, d("39071669"));
        assert_eq!(e.result, d("-2128331"));
        assert_eq!(e.effects.occupancy, d("-928305.196"));
        assert_eq!(e.effects.cost, d("-1200000"));
        assert_eq!(e.effects.rounding, d("-25.804"));
        assert_eq!(e.effects.parts().iter().copied().sum::<Decimal>(), e.result);
        assert_eq!(e.settlement.carry, Decimal::ZERO);
        assert_eq!(e.settlement.amount, d("2128331"));
    }

    #[test]
    fn carry_of_five_percent() {
        let m = model("5");
        let engine = Engine::new(&m).unwrap();
        let e = economy(&engine, &actuals(), 2025, None).unwrap();
        assert_eq!(e.settlement.carry_limit, d("2000000"));
        assert_eq!(e.settlement.carry, d("-2000000"));
        assert_eq!(e.settlement.amount, d("128331"));
        // A surplus inside the limit is kept whole.
        let mut a = actuals();
        a.other = d("39000000");
        let e = economy(&engine, &a, 2025, None).unwrap();
        assert_eq!(e.result, d("71669"));
        assert_eq!(e.settlement.carry, d("71669"));
        assert_eq!(e.settlement.amount, Decimal::ZERO);
    }

    #[test]
    fn given_revenue_is_its_own_line() {
        let m = model("0");
        let engine = Engine::new(&m).unwrap();
        let mut a = actuals();
        a.revenue = Some(d("39100000"));
        let e = economy(&engine, &a, 2025, None).unwrap();
        assert_eq!(e.result, d("-2100000"));
        assert_eq!(e.effects.revenue_difference, d("28331"));
        assert_eq!(e.effects.parts().iter().copied().sum::<Decimal>(), e.result);
    }

    #[test]
    fn sensitivity_at_other_occupancies() {
        let m = model("5");
        let engine = Engine::new(&m).unwrap();
        let e = economy(&engine, &actuals(), 2025, None).unwrap();
        // 40,000,000 / (24 × 365 × 90 %) = 5073.566…
        assert_eq!(e.sensitivity[0], (d("90"), d("5073.57")));
        assert_eq!(e.sensitivity[1].0, d("92.5"));
        assert_eq!(e.sensitivity[4], (d("100"), d("4566.21")));
    }

    #[test]
    fn days_of_an_agreement_in_a_year() {
        let date = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(days_in_year(date("2025-01-01"), None, 2025), 365);
        assert_eq!(
            days_in_year(date("2024-12-01"), Some(date("2025-01-31")), 2025),
            31
        );
        assert_eq!(
            days_in_year(date("2025-02-15"), Some(date("2025-12-31")), 2025),
            320
        );
        assert_eq!(days_in_year(date("2026-01-01"), None, 2025), 0);
        assert_eq!(days_in_year(date("2024-01-01"), None, 2024), 366);
    }
}
