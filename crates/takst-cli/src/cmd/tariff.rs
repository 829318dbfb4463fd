//! `takst tariff`: one row per agreement (in force on `--date`, or all)
//! with its grundtakst, individual part, tariff per day and agreed tariff.

use takst_core::calc::Engine;

use takst_core::model::Model;
use takst_core::report::TariffSheet;

use super::{emit, CmdResult, Common, Failure};
use crate::load::{self, Scope};
use crate::render::{col, Cell, Format, Table};
use crate::xlsx::Sheet;

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
    let mut lines = Table::new(LINE_COLUMNS);
    let xlsx = a.common.format() == Format::Xlsx;
    let mut problems = Vec::new();
    for (i, ag) in model.agreements.iter().enumerate() {
        if date.is_some_and(|d| !ag.in_force(d)) {
            continue;
        }
        if a.skips_municipality(&ag.municipality) {
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
                if xlsx {
                    match takst_core::report::tariff_sheet(&engine, i) {
                        Ok(sheet) => need_lines(&model, &sheet, &mut lines),
                        Err(p) => problems.push(p),
                    }
                }
            }
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    emit(
        &a.common,
        &model,
        vec![Sheet::new("Takster", t), Sheet::new("Behovslinjer", lines)],
    )
}

/// The need lines behind the individual parts (spreadsheet only): staff
/// hours, price and kroner per day, then each agreement's rounding to the
/// published individual part; per agreement the `per_day` column sums to
/// the `individual` column of the tariff table.
pub const LINE_COLUMNS: &[crate::render::Column] = &[
    col("agreement", "aftale"),
    col("line", "linje"),
    col("staff", "faggruppe"),
    col("band", "tidsrum"),
    col("citizen_hours_per_week", "borgertimer pr. uge"),
    col("ratio", "normering"),
    col("staff_hours_per_week", "medarbejdertimer pr. uge"),
    col("price_per_hour", "timepris"),
    col("per_day", "kr. pr. døgn"),
    col("note", "note"),
];

fn need_lines(model: &Model, s: &TariffSheet, t: &mut Table) {
    let id = &model.agreements[s.agreement].id;
    for l in &s.lines {
        let n = &model.needs[l.need];
        t.push(vec![
            Cell::text(id),
            Cell::text(format!("{}:{}", n.origin.pos.file, n.origin.pos.line)),
            Cell::text(&model.staff[l.staff].id),
            Cell::text(&model.bands[l.band].id),
            Cell::Num(l.citizen_hours.shown),
            Cell::text(n.ratio.to_string()),
            Cell::Num(l.staff_hours.shown),
            Cell::Num(l.price.shown),
            Cell::Num(l.per_day.shown),
            Cell::text(n.note.clone().unwrap_or_default()),
        ]);
    }
    t.push(vec![
        Cell::text(id),
        Cell::text("afrunding"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Num(s.individual_rounding.shown),
        Cell::text(format!(
            "individuel takst afrundet til {} ({})",
            model.rounding.tariff,
            model.rounding.mode.as_str()
        )),
    ]);
}

impl Args {
    /// With `--municipality`, agreements of other municipalities are left out.
    fn skips_municipality(&self, m: &str) -> bool {
        self.municipality.as_deref().is_some_and(|want| want != m)
    }
}
