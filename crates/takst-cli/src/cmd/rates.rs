//! `takst rates`: one row per staff × band with the annual cost per FTE,
//! net hours, manned and direct rates and the published hourly price.

use takst_core::calc::{Engine, StaffBasis};

use super::{emit, CmdResult, Common, Failure};
use crate::load::Scope;
use crate::render::{col, Cell, Table};
use crate::xlsx::Sheet;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Price with this tilbud's overhead instead of the model's.
    #[arg(long, value_name = "ID")]
    pub tilbud: Option<String>,
}

pub const COLUMNS: &[crate::render::Column] = &[
    col("staff", "faggruppe"),
    col("band", "tidsrum"),
    col("annual_cost_per_fte", "årsværkspris"),
    col("net_hours", "nettotimer"),
    col("manned_rate", "pris pr. normeret time"),
    col("direct_rate", "pris pr. borgertime"),
    col("price_per_hour", "timepris inkl. overhead"),
];

pub fn run(a: &Args) -> CmdResult {
    let model = a.common.load(Scope::Parameters)?;
    let engine = Engine::new(&model)?;
    let prices = match &a.tilbud {
        None => &engine.prices,
        Some(id) => match engine.tilbud_index.get(id.as_str()) {
            Some(&ti) => &engine.tilbud[ti].prices,
            None => {
                return Err(Failure::Usage(format!(
                    "--tilbud {id}: no such tilbud in the model"
                )))
            }
        },
    };
    let shown = a.common.shown(model.rounding);
    let mut t = Table::new(COLUMNS);
    for (si, s) in model.staff.iter().enumerate() {
        for (bi, b) in model.bands.iter().enumerate() {
            let r = &engine.rates[si][bi];
            let (annual, net) = match &engine.staff[si] {
                StaffBasis::Salaried(c) => (
                    Cell::Num(shown.amt(c.annual)),
                    Cell::Num(shown.dp(c.net_hours, 3)),
                ),
                StaffBasis::Fixed { .. } => (Cell::Empty, Cell::Empty),
            };
            t.push(vec![
                Cell::text(&s.id),
                Cell::text(&b.id),
                annual,
                net,
                Cell::Num(shown.amt(r.manned)),
                Cell::Num(shown.amt(r.direct)),
                Cell::Num(shown.amt(prices[si][bi].published)),
            ]);
        }
    }
    let mut sheets = vec![Sheet::new("Timepriser", t)];
    if a.common.format() == crate::render::Format::Xlsx {
        sheets.push(Sheet::new(
            "Årsværkspris",
            fte_table(&model, &engine, shown),
        ));
    }
    emit(&a.common, &model, sheets)
}

/// The annual cost of one FTE per salaried staff category (spreadsheet
/// only): salary, pension, on-costs and per-FTE items, allocated so that
/// they add up to the annual cost shown in `Timepriser`.
pub const FTE_COLUMNS: &[crate::render::Column] = &[
    col("staff", "faggruppe"),
    col("salary", "årsløn"),
    col("pension", "pension"),
    col("oncost", "øvrige lønomkostninger"),
    col("per_fte", "udgifter pr. årsværk"),
    col("annual_cost_per_fte", "årsværkspris"),
    col("paid_hours", "betalte timer"),
    col("hourly_pay", "timeløn"),
    col("net_hours", "nettotimer"),
];

fn fte_table(model: &takst_core::model::Model, engine: &Engine, shown: super::Shown) -> Table {
    let mut t = Table::new(FTE_COLUMNS);
    for (si, s) in model.staff.iter().enumerate() {
        let StaffBasis::Salaried(c) = &engine.staff[si] else {
            continue;
        };
        let p = shown.parts(&[c.salary, c.pension, c.oncost, c.per_fte], c.annual);
        t.push(vec![
            Cell::text(&s.id),
            Cell::Num(p[0]),
            Cell::Num(p[1]),
            Cell::Num(p[2]),
            Cell::Num(p[3]),
            Cell::Num(shown.amt(c.annual)),
            Cell::Num(shown.dp(c.paid_hours, 3)),
            Cell::Num(shown.amt(c.hourly_pay)),
            Cell::Num(shown.dp(c.net_hours, 3)),
        ]);
    }
    t
}
