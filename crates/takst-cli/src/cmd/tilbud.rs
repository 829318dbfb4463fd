//! `takst tilbud`: one row per tilbud with the parts of its cost base and
//! its grundtakst. The displayed parts add up to the displayed cost base.

use takst_core::calc::Engine;

use super::{CmdResult, Common, Output};
use crate::load::Scope;
use crate::render::{col, Cell, Format, Table};

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
    Ok(Output::text(t.render(format)))
}
