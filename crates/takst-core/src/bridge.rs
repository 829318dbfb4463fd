//! The tariff bridge: why a published figure moved from one model to the
//! next, as a waterfall of one step per input group.
//!
//! Responsible for: the fixed order of input groups ([`Group`]), building
//! the intermediate models (a clone of the old model into which the groups
//! of the new model are copied one at a time, cumulatively), recomputing
//! every figure's exact (unrounded) value on each, the rounding step, the
//! agreements and tilbud that exist in only one model, and the catch-up per
//! agreement when a provisional model is replaced by a final one.
//! Not responsible for: reading the models, rendering, or any rounding for
//! display (the CLI allocates displayed steps so that they add up).
//!
//! The steps of a figure sum exactly to its published change:
//!
//! ```text
//! step(g)   = exact(M_g) − exact(M_{g−1})        M_0 = old, M_last ≡ new
//! rounding  = (published new − exact new) − (published old − exact old)
//! Σ steps   = exact new − exact old + rounding = published new − published old
//! ```
//!
//! The rounding step is computed as the remainder `published change − Σ
//! other steps`, which is the formula above up to the 28th significant
//! digit of the exact figures; so the sum holds to the last digit.
//!
//! "Exact" here is the figure with no rounding point applied at all: the
//! hourly price is taken unrounded (rounding point (a)) and the tariff
//! components unrounded (point (b)). So the rounding step carries both
//! rounding points and any change of the `[rounding]` policy.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::Engine;
use crate::model::{Agreement, CostKind, Model, Pos};
use crate::num::{sum, CalcError, Checked};
use crate::problem::{Code, Problem};

/// The kinds of input group, in the order the bridge swaps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Salary (or fixed hourly rate), pension and pension on supplements
    /// of one staff category.
    Pay,
    /// On-cost and per-FTE items of one staff category.
    Oncost,
    /// `[working_time]` (gross and paid hours, deductions) and the staff
    /// categories' own `net_hours`.
    WorkingTime,
    /// The bands' `supplement_pct` (and bands new in the new model).
    Supplement,
    /// The staff categories' `direct_share`.
    DirectShare,
    /// `[overhead]` and every tilbud's `[tilbud.overhead]`.
    Overhead,
    /// The tilbud's shared staffing lines.
    Shared,
    /// Costs of kind "other".
    Other,
    /// Costs of kind "capital".
    Capital,
    /// Costs of kind "income".
    Income,
    /// The tilbud's `settlement`.
    Settlement,
    /// `places`, `occupancy_pct` and the model's `days_per_year`.
    Occupancy,
    /// The agreements and their need lines (and tilbud new in the new model).
    Need,
    /// Both rounding points and the `[rounding]` policy.
    Rounding,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Pay => "pay",
            GroupKind::Oncost => "oncost",
            GroupKind::WorkingTime => "working_time",
            GroupKind::Supplement => "supplement",
            GroupKind::DirectShare => "direct_share",
            GroupKind::Overhead => "overhead",
            GroupKind::Shared => "shared",
            GroupKind::Other => "other",
            GroupKind::Capital => "capital",
            GroupKind::Income => "income",
            GroupKind::Settlement => "settlement",
            GroupKind::Occupancy => "occupancy",
            GroupKind::Need => "need",
            GroupKind::Rounding => "rounding",
        }
    }

    fn label(self) -> &'static str {
        match self {
            GroupKind::Pay => "Løn og pension",
            GroupKind::Oncost => "Øvrige lønomkostninger og udgifter pr. årsværk",
            GroupKind::WorkingTime => "Arbejdstid (nettotimer)",
            GroupKind::Supplement => "Ulempetillæg",
            GroupKind::DirectShare => "Borgerrettet andel",
            GroupKind::Overhead => "Overhead",
            GroupKind::Shared => "Fællesydelser (grundnormering)",
            GroupKind::Other => "Andre omkostninger",
            GroupKind::Capital => "Kapitalomkostninger",
            GroupKind::Income => "Indtægter",
            GroupKind::Settlement => "Efterregulering",
            GroupKind::Occupancy => "Pladser og belægning",
            GroupKind::Need => "Aftale og støttebehov",
            GroupKind::Rounding => "Afrunding",
        }
    }
}

/// One input group: a kind, and for `pay` and `oncost` the staff category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub kind: GroupKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// Machine name: `pay:paed`, `overhead`, `rounding` …
    pub key: String,
    /// Danish label for people.
    pub label: String,
}

impl Group {
    fn new(kind: GroupKind) -> Group {
        Group {
            kind,
            staff: None,
            key: kind.as_str().to_string(),
            label: kind.label().to_string(),
        }
    }

    fn of_staff(kind: GroupKind, id: &str, name: &str) -> Group {
        Group {
            kind,
            staff: Some(id.to_string()),
            key: format!("{}:{id}", kind.as_str()),
            label: format!("{}, {name}", kind.label()),
        }
    }
}

/// The groups of a bridge from `old` to `new`, in the fixed order: pay of
/// each staff category of the new model (in its order), on-costs of each,
/// then working time, supplements, direct share, overhead, shared staffing,
/// other costs, capital, income, settlement, occupancy, need, rounding.
pub fn groups(new: &Model) -> Vec<Group> {
    let mut g = Vec::new();
    for kind in [GroupKind::Pay, GroupKind::Oncost] {
        g.extend(
            new.staff
                .iter()
                .map(|s| Group::of_staff(kind, &s.id, &s.name)),
        );
    }
    g.extend(
        [
            GroupKind::WorkingTime,
            GroupKind::Supplement,
            GroupKind::DirectShare,
            GroupKind::Overhead,
            GroupKind::Shared,
            GroupKind::Other,
            GroupKind::Capital,
            GroupKind::Income,
            GroupKind::Settlement,
            GroupKind::Occupancy,
            GroupKind::Need,
            GroupKind::Rounding,
        ]
        .into_iter()
        .map(Group::new),
    );
    g
}

/// What a bridged figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// A tilbud's grundtakst.
    Grundtakst,
    /// An agreement's tariff per day.
    Tariff,
}

impl FigureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Grundtakst => "grundtakst",
            FigureKind::Tariff => "tariff",
        }
    }
}

/// One step of a waterfall: the change of the figure when `group` is
/// swapped from old to new (or, for the rounding step, the change of the
/// rounding difference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub key: String,
    pub label: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub change: Decimal,
}

/// A figure present in both models, with its waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub kind: FigureKind,
    /// Tilbud id or agreement id.
    pub id: String,
    /// Danish label for people.
    pub label: String,
    /// The published figures (after both rounding points).
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub old: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub new: Decimal,
    /// The figures with no rounding point applied.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub old_exact: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub new_exact: Decimal,
    /// One step per group of [`groups`], in that order, zero steps
    /// included; the last is the rounding step. They sum to `new − old`.
    pub steps: Vec<Step>,
}

impl Figure {
    /// The published change, `new − old`.
    pub fn change(&self) -> Decimal {
        self.new - self.old
    }
}

/// A figure in only one of the two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Single {
    pub kind: FigureKind,
    pub id: String,
    pub label: String,
    /// The published figure in the model that has it.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
}

/// What the change of an agreement's tariff means for one year: the
/// difference per day times the days the agreement is in force in the
/// year (catch-up, efterbetaling or tilbagebetaling).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatchUp {
    pub agreement: String,
    pub citizen: String,
    pub municipality: String,
    /// Days of the agreement (its dates in the new model) inside the year.
    pub days: i64,
    /// New − old published tariff per day.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub change_per_day: Decimal,
    /// change_per_day × days: + the municipality pays more, − it gets back.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub amount: Decimal,
}

/// The bridge between two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bridge {
    pub groups: Vec<Group>,
    /// Grundtakst of each tilbud in both models (in the new model's order),
    /// then the tariff of each agreement in both.
    pub figures: Vec<Figure>,
    /// Tilbud and agreements only in the new model.
    pub added: Vec<Single>,
    /// Tilbud and agreements only in the old model.
    pub ended: Vec<Single>,
    /// The year of the catch-up (the new model's `year`, else the old's).
    pub year: Option<i16>,
    /// One entry per agreement in both models that is in force in `year`.
    pub catch_up: Vec<CatchUp>,
}

/// The ids of the figures in both models, and the models' engines.
struct Wanted {
    tilbud: Vec<String>,
    agreements: Vec<String>,
}

/// Exact and published value of every wanted figure of `m`.
fn figures(m: &Model, w: &Wanted) -> Result<Vec<(Decimal, Decimal)>, Vec<Problem>> {
    let e = Engine::new(m)?;
    let mut out = Vec::with_capacity(w.tilbud.len() + w.agreements.len());
    let missing = |what: &str, id: &str| {
        vec![Problem::new(
            Code::Calculation,
            m.origin.pos.clone(),
            format!("{what} `{id}` is missing from an intermediate model; this is a bug in takst"),
        )]
    };
    for id in &w.tilbud {
        let ti = *e
            .tilbud_index
            .get(id.as_str())
            .ok_or_else(|| missing("tilbud", id))?;
        let b = &e.tilbud[ti];
        out.push((b.exact, b.grundtakst));
    }
    for id in &w.agreements {
        let ai = *e
            .agreement_index
            .get(id.as_str())
            .ok_or_else(|| missing("agreement", id))?;
        let t = e.tariff(ai).map_err(|p| vec![p])?;
        let base = &e.tilbud[t.tilbud];
        let mut lines = Vec::with_capacity(t.lines.len());
        for l in &t.lines {
            let n = &m.needs[l.need];
            // hours × staff × unrounded price / (citizens × 7): one division.
            let v = n
                .hours_per_week
                .mul_(Decimal::from(n.ratio.staff), "need line per day")
                .and_then(|x| x.mul_(base.prices[l.staff][l.band].exact, "need line per day"))
                .and_then(|x| {
                    x.div_(
                        Decimal::from(n.ratio.citizens) * Decimal::from(7),
                        "need line per day",
                        "7",
                    )
                })
                .map_err(|e| vec![calc_problem(&n.origin.pos, e)])?;
            lines.push(v);
        }
        let exact = sum(lines, "individual tariff")
            .and_then(|ind| base.exact.add_(ind, "tariff per day"))
            .map_err(|e| vec![calc_problem(&m.agreements[ai].origin.pos, e)])?;
        out.push((exact, t.per_day));
    }
    Ok(out)
}

fn calc_problem(pos: &Pos, e: CalcError) -> Problem {
    Problem::new(Code::Calculation, pos.clone(), e.to_string())
}

/// For each item of `new` whose id is also in `cur`, call `f(cur item, new item)`.
fn both<T>(cur: &mut [T], new: &[T], id: impl Fn(&T) -> &str, mut f: impl FnMut(&mut T, &T)) {
    let idx: HashMap<&str, usize> = new.iter().enumerate().map(|(i, t)| (id(t), i)).collect();
    for c in cur.iter_mut() {
        if let Some(&i) = idx.get(id(c)) {
            f(c, &new[i]);
        }
    }
}

/// Copy group `g` of `new` into `m`.
fn swap(m: &mut Model, new: &Model, g: &Group) {
    let staff_id = g.staff.as_deref().unwrap_or("");
    match g.kind {
        GroupKind::Pay => {
            if let Some(s) = m.staff.iter_mut().find(|s| s.id == staff_id) {
                if let Some(n) = new.staff.iter().find(|s| s.id == staff_id) {
                    s.pay = n.pay;
                    s.pension_pct = n.pension_pct;
                    s.supplement_pension_pct = n.supplement_pension_pct;
                }
            } else if let Some(n) = new.staff.iter().find(|s| s.id == staff_id) {
                // A staff category new in the new model comes in whole; it
                // costs nothing until a shared line or need line uses it.
                m.staff.push(n.clone());
            }
        }
        GroupKind::Oncost => {
            if let (Some(s), Some(n)) = (
                m.staff.iter_mut().find(|s| s.id == staff_id),
                new.staff.iter().find(|s| s.id == staff_id),
            ) {
                s.oncost.clone_from(&n.oncost);
                s.per_fte.clone_from(&n.per_fte);
            }
        }
        GroupKind::WorkingTime => {
            m.working_time = new.working_time.clone();
            both(
                &mut m.staff,
                &new.staff,
                |s| &s.id,
                |s, n| s.net_hours = n.net_hours,
            );
        }
        GroupKind::Supplement => {
            both(
                &mut m.bands,
                &new.bands,
                |b| &b.id,
                |b, n| b.supplement_pct = n.supplement_pct,
            );
            let have: HashSet<String> = m.bands.iter().map(|b| b.id.clone()).collect();
            m.bands
                .extend(new.bands.iter().filter(|b| !have.contains(&b.id)).cloned());
        }
        GroupKind::DirectShare => {
            both(
                &mut m.staff,
                &new.staff,
                |s| &s.id,
                |s, n| s.direct_share = n.direct_share,
            );
        }
        GroupKind::Overhead => {
            m.overhead = new.overhead.clone();
            both(
                &mut m.tilbud,
                &new.tilbud,
                |t| &t.id,
                |t, n| t.overhead = n.overhead.clone(),
            );
        }
        GroupKind::Shared => {
            both(
                &mut m.tilbud,
                &new.tilbud,
                |t| &t.id,
                |t, n| t.shared.clone_from(&n.shared),
            );
        }
        GroupKind::Other | GroupKind::Capital | GroupKind::Income => {
            let kind = match g.kind {
                GroupKind::Other => CostKind::Other,
                GroupKind::Capital => CostKind::Capital,
                _ => CostKind::Income,
            };
            both(
                &mut m.tilbud,
                &new.tilbud,
                |t| &t.id,
                |t, n| {
                    t.costs.retain(|c| c.kind != kind);
                    t.costs
                        .extend(n.costs.iter().filter(|c| c.kind == kind).cloned());
                },
            );
        }
        GroupKind::Settlement => {
            both(
                &mut m.tilbud,
                &new.tilbud,
                |t| &t.id,
                |t, n| t.settlement = n.settlement,
            );
        }
        GroupKind::Occupancy => {
            m.days_per_year = new.days_per_year;
            both(
                &mut m.tilbud,
                &new.tilbud,
                |t| &t.id,
                |t, n| {
                    t.places = n.places;
                    t.occupancy_pct = n.occupancy_pct;
                },
            );
        }
        GroupKind::Need => {
            m.agreements.clone_from(&new.agreements);
            m.needs.clone_from(&new.needs);
            let have: HashSet<String> = m.tilbud.iter().map(|t| t.id.clone()).collect();
            m.tilbud
                .extend(new.tilbud.iter().filter(|t| !have.contains(&t.id)).cloned());
        }
        GroupKind::Rounding => m.rounding = new.rounding,
    }
}

/// Prefix each problem's message with the step of the bridge it arose in.
fn in_step(problems: Vec<Problem>, what: &str) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            p.message = format!("bridge, {what}: {}", p.message);
            p
        })
        .collect()
}

/// Bridge every figure present in both models from `old` to `new`. Both
/// models must have passed `validate`.
pub fn bridge(old: &Model, new: &Model) -> Result<Bridge, Vec<Problem>> {
    let ids = |v: &mut dyn Iterator<Item = &String>| -> HashSet<String> { v.cloned().collect() };
    let old_tilbud = ids(&mut old.tilbud.iter().map(|t| &t.id));
    let new_tilbud = ids(&mut new.tilbud.iter().map(|t| &t.id));
    let old_ag = ids(&mut old.agreements.iter().map(|a| &a.id));
    let new_ag = ids(&mut new.agreements.iter().map(|a| &a.id));
    let w = Wanted {
        tilbud: new
            .tilbud
            .iter()
            .filter(|t| old_tilbud.contains(&t.id))
            .map(|t| t.id.clone())
            .collect(),
        agreements: new
            .agreements
            .iter()
            .filter(|a| old_ag.contains(&a.id))
            .map(|a| a.id.clone())
            .collect(),
    };

    let old_fig = figures(old, &w).map_err(|p| in_step(p, "old model"))?;
    let new_fig = figures(new, &w).map_err(|p| in_step(p, "new model"))?;
    let groups = groups(new);
    let mut steps: Vec<Vec<Decimal>> = vec![Vec::with_capacity(groups.len()); old_fig.len()];
    let mut m = old.clone();
    let mut prev: Vec<Decimal> = old_fig.iter().map(|f| f.0).collect();
    for g in groups.iter().filter(|g| g.kind != GroupKind::Rounding) {
        swap(&mut m, new, g);
        let cur = figures(&m, &w).map_err(|p| in_step(p, &format!("step {}", g.key)))?;
        for (i, (e, _)) in cur.iter().enumerate() {
            steps[i].push(*e - prev[i]);
            prev[i] = *e;
        }
    }
    // The last intermediate model must compute exactly what the new one does.
    for (i, e) in prev.iter().enumerate() {
        if *e != new_fig[i].0 {
            let id = w
                .tilbud
                .iter()
                .chain(&w.agreements)
                .nth(i)
                .cloned()
                .unwrap_or_default();
            return Err(vec![Problem::new(
                Code::Calculation,
                new.origin.pos.clone(),
                format!("bridge of `{id}`: the input groups do not reach the new figure ({e} ≠ {}); this is a bug in takst", new_fig[i].0),
            )]);
        }
    }

    let mut figs = Vec::with_capacity(old_fig.len());
    let tilbud_name: HashMap<&str, &str> = new
        .tilbud
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    for (i, ((oe, op), (ne, np))) in old_fig.iter().zip(&new_fig).enumerate() {
        let (kind, id, label) = if i < w.tilbud.len() {
            let id = &w.tilbud[i];
            (
                FigureKind::Grundtakst,
                id.clone(),
                format!(
                    "Grundtakst, {}",
                    tilbud_name.get(id.as_str()).unwrap_or(&"")
                ),
            )
        } else {
            let id = &w.agreements[i - w.tilbud.len()];
            (
                FigureKind::Tariff,
                id.clone(),
                format!("Døgntakst, aftale {id}"),
            )
        };
        // (published new − exact new) − (published old − exact old), taken
        // as the remainder so that the steps sum to the published change to
        // the last digit: each exact figure carries 28 significant digits,
        // and sums of their differences can differ from the formula in the
        // 28th digit (below 10⁻²⁰ kr.); the remainder absorbs that.
        let total = *np - *op;
        let rounding = total - steps[i].iter().copied().sum::<Decimal>();
        let mut st: Vec<Step> = groups
            .iter()
            .zip(&steps[i])
            .map(|(g, c)| Step {
                key: g.key.clone(),
                label: g.label.clone(),
                change: *c,
            })
            .collect();
        let rg = Group::new(GroupKind::Rounding);
        st.push(Step {
            key: rg.key,
            label: rg.label,
            change: rounding,
        });
        figs.push(Figure {
            kind,
            id,
            label,
            old: *op,
            new: *np,
            old_exact: *oe,
            new_exact: *ne,
            steps: st,
        });
    }

    let (added, ended) = singles(old, new, &old_tilbud, &new_tilbud, &old_ag, &new_ag)?;
    let year = new.year.or(old.year);
    let catch_up = match year {
        Some(y) => catch_up(new, &figs, y).map_err(|e| vec![calc_problem(&new.origin.pos, e)])?,
        None => Vec::new(),
    };
    Ok(Bridge {
        groups,
        figures: figs,
        added,
        ended,
        year,
        catch_up,
    })
}

/// Tilbud and agreements in only one of the models, with their figures.
fn singles(
    old: &Model,
    new: &Model,
    old_tilbud: &HashSet<String>,
    new_tilbud: &HashSet<String>,
    old_ag: &HashSet<String>,
    new_ag: &HashSet<String>,
) -> Result<(Vec<Single>, Vec<Single>), Vec<Problem>> {
    let list = |m: &Model, other_t: &HashSet<String>, other_a: &HashSet<String>| {
        let e = Engine::new(m)?;
        let mut out = Vec::new();
        for (ti, t) in m.tilbud.iter().enumerate() {
            if !other_t.contains(&t.id) {
                out.push(Single {
                    kind: FigureKind::Grundtakst,
                    id: t.id.clone(),
                    label: format!("Grundtakst, {}", t.name),
                    value: e.tilbud[ti].grundtakst,
                });
            }
        }
        for (ai, a) in m.agreements.iter().enumerate() {
            if !other_a.contains(&a.id) {
                let t = e.tariff(ai).map_err(|p| vec![p])?;
                out.push(Single {
                    kind: FigureKind::Tariff,
                    id: a.id.clone(),
                    label: format!("Døgntakst, aftale {}", a.id),
                    value: t.per_day,
                });
            }
        }
        Ok::<_, Vec<Problem>>(out)
    };
    Ok((
        list(new, old_tilbud, old_ag)?,
        list(old, new_tilbud, new_ag)?,
    ))
}

/// Days of `a` inside calendar year `year`.
pub fn days_in_year(a: &Agreement, year: i16) -> i64 {
    let (Ok(first), Ok(last)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return 0;
    };
    let from = a.from.max(first);
    let to = a.to.unwrap_or(last).min(last);
    if to < from {
        return 0;
    }
    from.until(to)
        .map(|s| i64::from(s.get_days()) + 1)
        .unwrap_or(0)
}

fn catch_up(new: &Model, figs: &[Figure], year: i16) -> Result<Vec<CatchUp>, CalcError> {
    let by_id: HashMap<&str, &Agreement> =
        new.agreements.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = Vec::new();
    for f in figs.iter().filter(|f| f.kind == FigureKind::Tariff) {
        let Some(a) = by_id.get(f.id.as_str()) else {
            continue;
        };
        let days = days_in_year(a, year);
        if days == 0 {
            continue;
        }
        let change = f.change();
        out.push(CatchUp {
            agreement: a.id.clone(),
            citizen: a.citizen.expose().to_string(),
            municipality: a.municipality.clone(),
            days,
            change_per_day: change,
            amount: change.mul_(Decimal::from(days), "catch-up")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
