//! `takst tariff`: one row per agreement (in force on `--date`, or all)
//! with its grundtakst, individual part, tariff per day and agreed tariff.

use takst_core::calc::Engine;

use super::{CmdResult, Common, Failure, Output};
use crate::load::{self, Scope};
use crate::render::{col, Cell, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Only agreements in force on this date (2025-03-01 or 01-03-2025).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Only agreements paid by this municipality.
    #[arg(long, value_name = "NAME")]
    pub municipality: Option<String>,
}

pub const COLUMNS: &[crate::render::Column] = &[
    col("agreement", "aftale"),
    col("citizen", "borger"),
    col("municipality", "betalingskommune"),
    col("tilbud", "tilbud"),
    col("grundtakst", "grundtakst"),
    col("individual", "individuel takst"),
    col("tariff_per_day", "døgntakst"),
    col("agreed_tariff", "aftalt takst"),
];

pub fn run(a: &Args) -> CmdResult {
    let date = match &a.date {
        None => None,
        Some(s) => Some(
            takst_core::text::parse_date(s)
                .map_err(|e| Failure::Usage(format!("--date: found `{s}`: {e}")))?,
        ),
    };
    let model = load::load(&a.common.model, Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let shown = a.common.shown(model.rounding);
    let mut t = Table::new(COLUMNS);
    let mut problems = Vec::new();
    for (i, ag) in model.agreements.iter().enumerate() {
        if date.is_some_and(|d| !ag.in_force(d)) {
            continue;
        }
        if a.common_municipality_filtered(&ag.municipality) {
            continue;
        }
        match engine.tariff(i) {
            Ok(tr) => {
                let p = shown.parts(&[tr.grundtakst, tr.individual], tr.per_day);
                t.push(vec![
                    Cell::text(&ag.id),
                    Cell::text(&ag.citizen),
                    Cell::text(&ag.municipality),
                    Cell::text(&ag.tilbud.id),
                    Cell::Num(p[0]),
                    Cell::Num(p[1]),
                    Cell::Num(shown.amt(tr.per_day)),
                    Cell::opt(tr.agreed_tariff.map(|d| shown.amt(d))),
                ]);
            }
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    Ok(Output::text(t.render(a.common.format())))
}

impl Args {
    fn common_municipality_filtered(&self, m: &str) -> bool {
        self.municipality.as_deref().is_some_and(|want| want != m)
    }
}
