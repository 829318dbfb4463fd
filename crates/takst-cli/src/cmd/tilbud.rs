//! `takst tilbud`: one row per tilbud with the parts of its cost base and
//! its grundtakst. The displayed parts add up to the displayed cost base.

use takst_core::calc::Engine;

use super::{CmdResult, Common, Output};
use crate::load::{self, Scope};
use crate::render::{col, Cell, Table};

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

pub fn run(a: &Args) -> CmdResult {
    let model = load::load(&a.common.model, Scope::Parameters)?;
    let engine = Engine::new(&model)?;
    let shown = a.common.shown(model.rounding);
    let mut t = Table::new(COLUMNS);
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
        t.push(vec![
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
        ]);
    }
    Ok(Output::text(t.render(a.common.format())))
}
