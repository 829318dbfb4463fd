//! `takst tilbud`: one row per tilbud with the parts of its cost base and
//! its grundtakst. The displayed parts add up to the displayed cost base.

use takst_core::calc::Engine;

use takst_core::model::Model;
use takst_core::report::{base_breakdown, BaseBreakdown, Part};

use super::{emit, CmdResult, Common, Failure};
use crate::load::Scope;
use crate::render::{col, Cell, Format, Table};
use crate::xlsx::Sheet;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub const COLUMNS: &[crate::render::Column] = &[
    col("tilbud", "tilbud"),
    col("shared", "fællesydelser"),
    col("other", "andre omk."),
    col("capital", "kapital"),
    col("overhead", "overhead"),
    col("income", "indtægter"),
    col("settlement", "efterregulering"),
    col("cost_base", "omkostningsgrundlag"),
    col("occupied_days", "belagte døgn"),
    col("grundtakst", "grundtakst"),
];

/// The price-development check, after the documented columns: always in
/// CSV and JSON (empty without a limit), in tables only when the model has
/// `[limits]`.
pub const LIMIT_COLUMNS: &[crate::render::Column] = &[
    col("cost_per_place_day", "omk. pr. plads pr. døgn"),
    col("limit_per_place_day", "grænse"),
    col("above_limit", "over grænsen"),
];

pub fn run(a: &Args) -> CmdResult {
    let model = a.common.load(Scope::Parameters)?;
    let engine = Engine::new(&model)?;
    let shown = a.common.shown(model.rounding);
    let format = a.common.format();
    let with_limits = format != Format::Table || model.limits.is_some();
    let mut columns = COLUMNS.to_vec();
    if with_limits {
        columns.extend_from_slice(LIMIT_COLUMNS);
    }
    let mut t = Table::new(&columns);
    for (ti, tb) in model.tilbud.iter().enumerate() {
        let b = &engine.tilbud[ti];
        // Income is deducted: allocate on the signed parts, show it positive.
        let p = shown.parts(
            &[
                b.shared,
                b.other,
                b.capital,
                b.overhead,
                -b.income,
                b.settlement,
            ],
            b.cost_base,
        );
        let mut row = vec![
            Cell::text(&tb.id),
            Cell::Num(p[0]),
            Cell::Num(p[1]),
            Cell::Num(p[2]),
            Cell::Num(p[3]),
            Cell::Num(-p[4]),
            Cell::Num(p[5]),
            Cell::Num(shown.amt(b.cost_base)),
            Cell::Num(shown.amt(b.occupied_days)),
            Cell::Num(shown.amt(b.grundtakst)),
        ];
        if with_limits {
            match takst_core::economy::limit_check(&engine, ti).map_err(|p| vec![p])? {
                Some(l) => row.extend([
                    Cell::Num(shown.amt(l.cost_per_place_day)),
                    Cell::Num(shown.amt(l.limit)),
                    Cell::Bool(l.above),
                ]),
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        t.push(row);
    }
    let mut sheets = vec![Sheet::new("Grundtakst", t)];
    if a.common.format() == Format::Xlsx {
        let mut per_day = Table::new(DAY_COLUMNS);
        let mut lines = Table::new(LINE_COLUMNS);
        for ti in 0..model.tilbud.len() {
            let b = base_breakdown(&engine, ti).map_err(|e| {
                Failure::Problems(vec![takst_core::problem::Problem::new(
                    takst_core::problem::Code::Calculation,
                    model.tilbud[ti].origin.pos.clone(),
                    e.to_string(),
                )])
            })?;
            day_row(&model, &b, &mut per_day);
            cost_lines(&model, &b, &mut lines);
        }
        sheets.push(Sheet::new("Grundtakst pr. døgn", per_day));
        sheets.push(Sheet::new("Omkostningslinjer", lines));
    }
    emit(&a.common, &model, sheets)
}

/// The grundtakst per day by part (spreadsheet only): the parts per day at
/// full occupancy, what the assumed occupancy adds, and the rounding; each
/// row sums to its grundtakst.
pub const DAY_COLUMNS: &[crate::render::Column] = &[
    col("tilbud", "tilbud"),
    col("shared", "fællesydelser"),
    col("other", "ledelse og andre omk."),
    col("capital", "kapital"),
    col("overhead", "overhead"),
    col("income", "indtægter"),
    col("settlement", "efterregulering"),
    col("occupancy", "belægning"),
    col("rounding", "afrunding"),
    col("grundtakst", "grundtakst"),
];

fn day_row(model: &Model, b: &BaseBreakdown, t: &mut Table) {
    let mut row = vec![Cell::text(&model.tilbud[b.tilbud].id)];
    for p in [
        Part::Shared,
        Part::Other,
        Part::Capital,
        Part::Overhead,
        Part::Income,
        Part::Settlement,
        Part::Occupancy,
        Part::Rounding,
    ] {
        row.push(Cell::opt(b.day(p).map(|f| f.shown)));
    }
    row.push(Cell::Num(b.grundtakst.shown));
    t.push(row);
}

/// Every shared staffing line and cost item, the overhead and the
/// settlement (spreadsheet only), in kroner per year; per tilbud and part
/// the `amount` column sums to that part in the `Grundtakst` sheet, and
/// all of a tilbud's lines to its cost base. Income is negative here, as
/// it enters the cost base.
pub const LINE_COLUMNS: &[crate::render::Column] = &[
    col("tilbud", "tilbud"),
    col("part", "del"),
    col("name", "post"),
    col("staff", "faggruppe"),
    col("band", "tidsrum"),
    col("hours_per_week", "timer pr. uge"),
    col("amount", "kr. pr. år"),
    col("at", "fil:linje"),
    col("source", "kilde"),
    col("note", "note"),
];

fn cost_lines(model: &Model, b: &BaseBreakdown, t: &mut Table) {
    let tb = &model.tilbud[b.tilbud];
    for l in &b.lines {
        let (name, staff, band, hours, origin, key) = match l.part {
            Part::Shared => {
                let sh = &tb.shared[l.index];
                (
                    sh.name.clone(),
                    Cell::text(&sh.staff.id),
                    Cell::text(&sh.band.id),
                    Cell::Num(sh.hours_per_week.normalize()),
                    &sh.origin,
                    "hours_per_week",
                )
            }
            Part::Overhead => (
                crate::report::tilbud::overhead_name(crate::report::Lang::Da, model, b.tilbud),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                tb.overhead
                    .origin
                    .as_ref()
                    .unwrap_or(&model.overhead.origin),
                "pct",
            ),
            Part::Settlement => (
                "Efterregulering fra år t−2".to_string(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                &tb.origin,
                "settlement",
            ),
            _ => {
                let c = &tb.costs[l.index];
                (
                    c.name.clone(),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    &c.origin,
                    "amount",
                )
            }
        };
        t.push(vec![
            Cell::text(&tb.id),
            Cell::text(l.part.key()),
            Cell::text(name),
            staff,
            band,
            hours,
            Cell::Num(l.amount.shown),
            Cell::text(origin.cite(key)),
            Cell::text(origin.source.clone().unwrap_or_default()),
            Cell::text(origin.note.clone().unwrap_or_default()),
        ]);
    }
}
