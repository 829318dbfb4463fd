//! `takst tariff`: one row per agreement (in force on `--date`, or all)
//! with its grundtakst, individual part, tariff per day and agreed tariff,
//! then the least final `status` of the inputs it rests on. Tariffs that
//! rest on provisional or forecast values are listed on stderr. Rows come in
//! the model's canonical order (agreement id, `A2` before `A10`);
//! `--municipality` goes through a [`MunicipalityView`], so the output holds
//! that municipality's citizens only. `--receipt FILE` also writes a receipt
//! (see `crate::receipt`).

use takst_core::calc::Engine;
use takst_core::explain::StatusIndex;
use takst_core::model::{Model, Status};
use takst_core::privacy::MunicipalityView;
use takst_core::report::TariffSheet;

use super::{emit, CmdResult, Common, Failure};
use crate::load::Scope;
use crate::receipt::{self, Receipt};
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
    /// Also write a receipt: every input, the engine version and every
    /// result in one JSON file that `takst verify` can recompute.
    #[arg(long, value_name = "FILE")]
    pub receipt: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub pseudo: crate::pseudo::PseudonymArgs,
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
    col("status", "status"),
];

/// How many tariffs and inputs the stderr note names before it only counts.
const NOTE_MAX: usize = 10;

pub fn run(a: &Args) -> CmdResult {
    let date = match &a.date {
        None => None,
        Some(s) => Some(
            takst_core::text::parse_date(s)
                .map_err(|e| Failure::Usage(format!("--date: found `{s}`: {e}")))?,
        ),
    };
    let citizens = a.pseudo.citizens()?;
    let model = a.common.load(Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let statuses = StatusIndex::new(&engine);
    crate::util::phase("engine");
    let view = a
        .municipality
        .as_deref()
        .map(|m| MunicipalityView::new(&model, m));
    let selected: Vec<usize> = match &view {
        Some(v) => v.indices().to_vec(),
        None => (0..model.agreements.len()).collect(),
    };
    let ctx = Rows {
        engine: &engine,
        statuses: &statuses,
        citizens: &citizens,
        shown: a.common.shown(model.rounding),
        date,
        xlsx: a.common.format() == Format::Xlsx,
        // Tables are for people: the status in Danish; CSV and JSON in English.
        people: a.common.format() == Format::Table,
    };
    // The agreements in two halves, one thread each: the tariffs are
    // independent, and the halves are joined in order.
    let (first, second) = selected.split_at(selected.len() / 2);
    let (mut all, rest) = std::thread::scope(|scope| {
        let rest = scope.spawn(|| ctx.chunk(second));
        let first = ctx.chunk(first);
        (
            first,
            rest.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    all.append(rest);
    let Chunk {
        rows,
        lines: line_rows,
        problems,
        used,
        unagreed,
        inputs,
    } = all;
    let mut t = Table::new(COLUMNS);
    t.rows = rows;
    let mut lines = Table::new(LINE_COLUMNS);
    lines.rows = line_rows;
    crate::util::phase("tariffs");
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let mut notes = Vec::new();
    if !unagreed.is_empty() {
        notes.push(status_note(&unagreed, &inputs));
    }
    if let Some(path) = &a.receipt {
        let receipt = build_receipt(a, &model, &used)?;
        crate::util::write_atomic(path, receipt.to_text().as_bytes()).map_err(Failure::Usage)?;
        notes.push(format!(
            "kvittering skrevet: {} (sha256 {})",
            path.display(),
            receipt.sha256
        ));
    }
    let mut out = emit(
        &a.common,
        &model,
        vec![Sheet::new("Takster", t), Sheet::new("Behovslinjer", lines)],
    )?;
    out.notes = notes;
    crate::util::phase("render");
    // The process ends once the output is written: freeing half a million
    // need lines one by one would only cost time (DESIGN.md, "Why is the
    // model not freed at the end of a run?").
    std::mem::forget(statuses);
    std::mem::forget(engine);
    std::mem::forget(model);
    Ok(out)
}

/// What the tariff rows are made from.
struct Rows<'a> {
    engine: &'a Engine<'a>,
    statuses: &'a StatusIndex,
    citizens: &'a crate::pseudo::Citizens,
    shown: super::Shown,
    date: Option<jiff::civil::Date>,
    xlsx: bool,
    people: bool,
}

/// The rows of some agreements, with what the run reports about them.
#[derive(Default)]
struct Chunk {
    rows: Vec<Vec<Cell>>,
    /// The need lines behind them (spreadsheet only).
    lines: Vec<Vec<Cell>>,
    problems: Vec<takst_core::problem::Problem>,
    /// The agreements printed.
    used: Vec<usize>,
    /// The tariffs resting on provisional or forecast values.
    unagreed: Vec<(String, Status)>,
    /// Those values, each once, in order of first use.
    inputs: Vec<String>,
}

impl Chunk {
    /// `later` appended, as if its agreements had been done after these.
    fn append(&mut self, later: Chunk) {
        self.rows.extend(later.rows);
        self.lines.extend(later.lines);
        self.problems.extend(later.problems);
        self.used.extend(later.used);
        self.unagreed.extend(later.unagreed);
        for s in later.inputs {
            if !self.inputs.contains(&s) {
                self.inputs.push(s);
            }
        }
    }
}

impl Rows<'_> {
    /// The tariff rows of the agreements `selected` (those in force on
    /// `--date`).
    fn chunk(&self, selected: &[usize]) -> Chunk {
        let (engine, shown) = (self.engine, &self.shown);
        let model = engine.model;
        let mut c = Chunk::default();
        for &i in selected {
            let ag = &model.agreements[i];
            if self.date.is_some_and(|d| !ag.in_force(d)) {
                continue;
            }
            let tr = match engine.tariff(i) {
                Ok(tr) => tr,
                Err(p) => {
                    c.problems.push(p);
                    continue;
                }
            };
            let status = self.statuses.tariff(engine, &tr);
            if status != Status::Agreed {
                c.unagreed.push((ag.id.clone(), status));
                let tree = engine.explain_tariff(&tr);
                for n in tree.unagreed_inputs() {
                    let s = format!(
                        "{} ({}) [{}]",
                        n.label,
                        n.status.label(),
                        n.at.as_deref().unwrap_or("")
                    );
                    if !c.inputs.contains(&s) {
                        c.inputs.push(s);
                    }
                }
            }
            let p = shown.parts(&[tr.grundtakst, tr.individual], tr.per_day);
            c.rows.push(vec![
                Cell::text(&ag.id),
                Cell::text(self.citizens.show(&ag.citizen)),
                Cell::text(&ag.municipality),
                Cell::text(&ag.tilbud.id),
                Cell::Num(p[0]),
                Cell::Num(p[1]),
                Cell::Num(shown.amt(tr.per_day)),
                Cell::opt(tr.agreed_tariff.map(|d| shown.amt(d))),
                Cell::text(if self.people {
                    status.label()
                } else {
                    status.as_str()
                }),
            ]);
            c.used.push(i);
            if self.xlsx {
                match takst_core::report::tariff_sheet(engine, i) {
                    Ok(sheet) => need_lines(model, &sheet, &mut c.lines),
                    Err(p) => c.problems.push(p),
                }
            }
        }
        c
    }
}

/// The stderr note naming the tariffs that rest on provisional or forecast
/// values, and those values.
fn status_note(unagreed: &[(String, Status)], inputs: &[String]) -> String {
    let n = unagreed.len();
    let mut ids: Vec<String> = unagreed
        .iter()
        .take(NOTE_MAX)
        .map(|(id, st)| format!("{id} ({})", st.label()))
        .collect();
    if n > NOTE_MAX {
        ids.push(format!("… og {} flere", n - NOTE_MAX));
    }
    let mut s = format!(
        "bemærk: {n} {} hviler på foreløbige værdier eller prognoser: {}",
        if n == 1 { "takst" } else { "takster" },
        ids.join(", ")
    );
    s.push_str("\nde ikke-endelige værdier:");
    for i in inputs.iter().take(NOTE_MAX) {
        s.push_str(&format!("\n  {i}"));
    }
    if inputs.len() > NOTE_MAX {
        s.push_str(&format!("\n  … og {} flere", inputs.len() - NOTE_MAX));
    }
    s
}

/// A receipt for the agreements in `used` (the rows printed): the model
/// restricted to them, recomputed, with the input files' hashes.
fn build_receipt(a: &Args, model: &Model, used: &[usize]) -> Result<Receipt, Failure> {
    let mut m = model.clone();
    let keep: std::collections::HashSet<&str> = used
        .iter()
        .map(|&i| model.agreements[i].id.as_str())
        .collect();
    m.agreements.retain(|ag| keep.contains(ag.id.as_str()));
    m.needs.retain(|n| keep.contains(&*n.agreement));
    let engine = Engine::new(&m)?;
    let results = receipt::results(&engine)?;
    let mut files = Vec::new();
    for name in ["takst.toml", "agreements.csv", "needs.csv"] {
        let path = a.common.model.join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            Failure::Usage(format!(
                "{}: cannot read the file again for the receipt: {}",
                path.display(),
                crate::util::io_reason(&e)
            ))
        })?;
        files.push(receipt::FileHash {
            path: path.display().to_string(),
            sha256: receipt::sha256_hex(&bytes),
        });
    }
    let request = receipt::Request {
        command: "tariff".into(),
        model_dir: a.common.model.display().to_string(),
        date: a.date.clone(),
        municipality: a.municipality.clone(),
    };
    let now = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::now());
    Ok(Receipt::new(request, files, m, results, now.to_string()))
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

fn need_lines(model: &Model, s: &TariffSheet, t: &mut Vec<Vec<Cell>>) {
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
