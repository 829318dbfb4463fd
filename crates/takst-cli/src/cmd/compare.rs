//! `takst compare`: agreed vs delivered hours and value per agreement ×
//! staff × band (SPEC 5), or totals per agreement, citizen or municipality,
//! or (`--propose`) the need lines and tariff the delivered hours imply.
//!
//! Responsible for: the command's flags, turning them into a validated
//! request, calling `delivered::scan` and `takst_core::compare`, building
//! the output tables (display rounding happens here, through `Shown`), the
//! conservation line on stderr, `--fail-on`, the progress bar, and
//! `--split-by municipality` (one file per municipality, each built from
//! the report restricted to a `MunicipalityView` and written atomically),
//! and `--pseudonymize` (citizen ids shown through `crate::pseudo`). Not responsible for: reading the delivered file
//! (`delivered`) or any arithmetic beyond display rounding (`takst_core`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rust_decimal::Decimal;
use takst_core::calc::Engine;
use takst_core::compare::{proposals, Plan, Report, Status, Totals};
use takst_core::num::allocate;
use takst_core::privacy::MunicipalityView;
use takst_core::text::{parse_date, parse_decimal, DecimalStyle};

use super::{CmdResult, Common, Failure, Output, Shown};
use crate::delivered::{self, Progress};
use crate::load::Scope;
use crate::pseudo::Citizens;
use crate::render::{col, Cell, Column, Format, Table};
use crate::xlsx::Sheet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Agreement,
    Citizen,
    Municipality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Under,
    Over,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitBy {
    Municipality,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// The delivered hours: citizen,date,staff,band,hours or citizen,staff,start,end.
    #[arg(long, value_name = "FILE")]
    pub delivered: PathBuf,
    /// First day of the period (2025-01-01 or 01-01-2025).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period, inclusive.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Percent by which delivered may differ from agreed and still be `ok`.
    #[arg(long, value_name = "PCT", default_value = "10")]
    pub tolerance: String,
    /// Print totals per agreement, citizen or municipality instead of lines.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub totals: Option<Level>,
    /// For agreements outside the tolerance: the need lines and tariff the
    /// delivered hours imply, beside the current tariff.
    #[arg(long, conflicts_with = "totals")]
    pub propose: bool,
    /// Exit with status 1 when a line is under, over, or either.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub fail_on: Option<FailOn>,
    /// Write one file per paying municipality (needs --out-dir).
    #[arg(long, value_enum, requires = "out_dir", conflicts_with = "out")]
    pub split_by: Option<SplitBy>,
    /// The directory for --split-by files.
    #[arg(long, value_name = "DIR", requires = "split_by")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub pseudo: crate::pseudo::PseudonymArgs,
    /// Threads that parse the delivered file (1 or 2; default: 2 when the machine has them).
    #[arg(long, value_name = "N", hide = true)]
    pub threads: Option<usize>,
}

pub const LINE_COLUMNS: &[Column] = &[
    col("agreement", "aftale"),
    col("citizen", "borger"),
    col("municipality", "betalingskommune"),
    col("staff", "faggruppe"),
    col("band", "tidsrum"),
    col("agreed_hours", "aftalte timer"),
    col("delivered_hours", "leverede timer"),
    col("diff_hours", "forskel timer"),
    col("delivery_pct", "leveret %"),
    col("diff_value", "forskel kr."),
    col("status", "status"),
    col("price_per_hour", "timepris"),
];

const TOTAL_COLUMNS: &[Column] = &[
    col("days", "dage"),
    col("tariff_paid", "betalt takst"),
    col("value_delivered", "leveret værdi"),
    col("balance", "balance"),
    col("agreed_hours", "aftalte timer"),
    col("delivered_hours", "leverede timer"),
    col("variance", "afvigelse kr."),
    col("volume_effect", "heraf volumen"),
    col("mix_effect", "heraf sammensætning"),
    col("tariff_differs", "aftalt takst afviger"),
];

const AGREEMENT_EXTRA: &[Column] = &[
    col("calculated_tariff", "beregnet takst"),
    col("agreed_tariff", "aftalt takst"),
];

pub const PROPOSE_COLUMNS: &[Column] = &[
    col("agreement", "aftale"),
    col("citizen", "borger"),
    col("municipality", "betalingskommune"),
    col("staff", "faggruppe"),
    col("band", "tidsrum"),
    col("ratio", "normering"),
    col("agreed_hours_per_week", "aftalt t/uge"),
    col("proposed_hours_per_week", "foreslået t/uge"),
    col("proposed_staff_hours_per_week", "personaletimer/uge"),
    col("price_per_hour", "timepris"),
    col("current_tariff", "nuværende takst"),
    col("proposed_tariff", "foreslået takst"),
    col("diff_per_day", "forskel pr. dag"),
    col("diff_per_year", "forskel pr. år"),
];

/// The validated request.
struct Request {
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    /// As a fraction: 10 % → 0.1.
    tolerance: Decimal,
    threads: usize,
}

fn request(a: &Args) -> Result<Request, Failure> {
    let date =
        |flag: &str, s: &str| parse_date(s).map_err(|e| Failure::Usage(format!("{flag}: {e}")));
    let from = date("--from", &a.from)?;
    let to = date("--to", &a.to)?;
    if to < from {
        return Err(Failure::Usage(format!(
            "--to {to} is before --from {from}; expected a period of at least one day"
        )));
    }
    let pct = parse_decimal(&a.tolerance, DecimalStyle::Point)
        .map_err(|e| Failure::Usage(format!("--tolerance: {e}")))?;
    if pct.is_sign_negative() && !pct.is_zero() || pct > Decimal::ONE_HUNDRED {
        return Err(Failure::Usage(format!(
            "--tolerance: found {pct}, expected a percentage from 0 to 100"
        )));
    }
    let threads = match a.threads {
        Some(0) => return Err(Failure::Usage("--threads: expected 1 or more".into())),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    Ok(Request {
        from,
        to,
        tolerance: pct / Decimal::ONE_HUNDRED,
        threads: threads.min(2),
    })
}

pub fn run(a: &Args) -> CmdResult {
    let req = request(a)?;
    let citizens = a.pseudo.citizens()?;
    let model = a.common.load(Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let plan = Plan::new(&engine, req.from, req.to)?;
    let windows: Vec<_> = model
        .bands
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.window.map(|w| (i, w)))
        .collect();
    let file = a.delivered.display().to_string();

    let size = std::fs::metadata(&a.delivered)
        .map(|m| m.len())
        .unwrap_or(0);
    let progress = Progress::default();
    let show_progress = std::io::stderr().is_terminal() && size >= 16 << 20;
    let done = std::sync::atomic::AtomicBool::new(false);
    let scanned = std::thread::scope(|s| {
        let bar = show_progress.then(|| s.spawn(|| progress_bar(&progress, &done, size)));
        let r = if crate::load::xlsx::is_xlsx(&a.delivered) {
            delivered::scan_workbook(
                &a.delivered,
                &file,
                a.common.sheet.as_deref(),
                &plan,
                &windows,
            )
        } else {
            delivered::scan(
                &a.delivered,
                &file,
                &plan,
                &windows,
                req.threads,
                show_progress.then_some(&progress),
            )
        };
        done.store(true, Ordering::Relaxed);
        if let Some(b) = bar {
            let _ = b.join();
        }
        r
    })?;
    let report = Report::new(&plan, &scanned.acc, req.tolerance).map_err(|p| vec![p])?;

    let shown = a.common.shown(model.rounding);
    let fail = match a.fail_on {
        None => false,
        Some(FailOn::Under) => report.any(|s| s == Status::Under),
        Some(FailOn::Over) => report.any(|s| s == Status::Over),
        Some(FailOn::Any) => report.any(|s| s != Status::Ok),
    };
    let mut notes = vec![conservation_line(&report, model.rounding.mode)];
    let format = a.common.format();

    let build = |report: &Report, format: Format| -> Result<String, Failure> {
        if a.propose {
            propose_table(&plan, report, shown, &citizens, format).map(Rows::finish)
        } else {
            match a.totals {
                None => Ok(lines_table(&plan, report, shown, &citizens, format).finish()),
                Some(level) => {
                    totals_table(&plan, report, shown, &citizens, level, format).map(Rows::finish)
                }
            }
        }
    };

    if format == Format::Xlsx {
        if a.split_by.is_some() {
            return Err(Failure::Usage(
                "--split-by with --format xlsx: the split writes csv, json or table files; run without --split-by for one workbook".into(),
            ));
        }
        // One workbook: the lines, the totals at each level, the
        // conservation of hours (and the proposals with --propose).
        let x = Format::Xlsx;
        let mut sheets = vec![
            Sheet::new(
                "Linjer",
                lines_table(&plan, &report, shown, &citizens, x).into_table(),
            ),
            Sheet::new(
                "Pr. aftale",
                totals_table(&plan, &report, shown, &citizens, Level::Agreement, x)?.into_table(),
            ),
            Sheet::new(
                "Pr. borger",
                totals_table(&plan, &report, shown, &citizens, Level::Citizen, x)?.into_table(),
            ),
            Sheet::new(
                "Pr. kommune",
                totals_table(&plan, &report, shown, &citizens, Level::Municipality, x)?
                    .into_table(),
            ),
            Sheet::new(
                "Timer i alt",
                conservation_table(&report, model.rounding.mode),
            ),
        ];
        if a.propose {
            sheets.push(Sheet::new(
                "Forslag",
                propose_table(&plan, &report, shown, &citizens, x)?.into_table(),
            ));
        }
        let mut out = super::emit(&a.common, &model, sheets)?;
        out.notes = notes;
        out.fail = fail;
        return Ok(out);
    }

    if let (Some(SplitBy::Municipality), Some(dir)) = (a.split_by, &a.out_dir) {
        let format = a.common.format.unwrap_or(Format::Csv);
        // Each file is built from the report restricted to one
        // municipality's view of the model: its own agreements and citizens
        // only, by construction. Municipalities with no agreement in force
        // in the period get no file.
        let views: Vec<MunicipalityView> = MunicipalityView::split(&model)
            .into_iter()
            .filter(|v| plan.slots.iter().any(|s| v.contains(s.agreement)))
            .collect();
        let mut files = Vec::with_capacity(views.len());
        let mut names = std::collections::HashSet::new();
        for view in &views {
            let mut name = file_name(view.municipality());
            let base = name.clone();
            let mut k = 2;
            while !names.insert(name.to_lowercase()) {
                name = format!("{base}-{k}");
                k += 1;
            }
            let ext = match format {
                Format::Csv => "csv",
                Format::Json => "json",
                Format::Table => "txt",
                Format::Xlsx => "xlsx", // refused above
            };
            let own = report.for_view(&plan, view);
            files.push((dir.join(format!("{name}.{ext}")), build(&own, format)?));
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::Usage(format!(
                "{}: cannot create the directory: {}",
                dir.display(),
                crate::util::io_reason(&e)
            ))
        })?;
        for (path, text) in &files {
            crate::util::write_atomic(path, text.as_bytes()).map_err(Failure::Usage)?;
        }
        notes.push(format!(
            "wrote {} files to {}, one per municipality",
            files.len(),
            dir.display()
        ));
        return Ok(Output {
            text: String::new(),
            notes,
            fail,
            ..Output::default()
        });
    }

    Ok(Output {
        text: build(&report, format)?,
        notes,
        fail,
        ..Output::default()
    })
}

/// A municipality name as a file name: letters, digits, `-` and `_` kept
/// (æøå too), everything else `_`.
fn file_name(m: &str) -> String {
    let s: String = m
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

/// `conservation: delivered_in=… matched=… <reasons>=…`, 2 decimals; the
/// parts are allocated by largest remainder so they add up as printed.
fn conservation_line(r: &Report, mode: takst_core::num::RoundingMode) -> String {
    let c = &r.conservation;
    let mut parts = vec![c.matched];
    parts.extend(c.reasons);
    let shown = allocate(&parts, c.delivered_in, 2, mode);
    let fmt = |mut d: Decimal| {
        d.rescale(2);
        d.to_string()
    };
    let total = takst_core::num::round_to(c.delivered_in, Decimal::new(1, 2), mode)
        .unwrap_or(c.delivered_in);
    let mut s = format!(
        "conservation: delivered_in={} matched={}",
        fmt(total),
        fmt(shown[0])
    );
    for (reason, v) in takst_core::compare::Reason::ALL.iter().zip(&shown[1..]) {
        s.push_str(&format!(" {}={}", reason.as_str(), fmt(*v)));
    }
    s
}

/// Output rows: kept in a [`Table`] for the text table and JSON, but
/// written straight to CSV text otherwise, so that the tens of thousands of
/// lines of a large model are not all held as cells first.
enum Rows {
    Table(Table, Format),
    Csv(Box<csv::Writer<Vec<u8>>>),
}

impl Rows {
    fn new(columns: &[Column], format: Format) -> Rows {
        match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                let _ = w.write_record(columns.iter().map(|c| c.key));
                Rows::Csv(Box::new(w))
            }
            f => Rows::Table(Table::new(columns), f),
        }
    }

    /// One row; in CSV exactly as `Table::to_csv` writes it.
    fn push(&mut self, row: Vec<Cell>) {
        match self {
            Rows::Table(t, _) => t.push(row),
            Rows::Csv(w) => {
                let _ = w.write_record(row.iter().map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Num(d) => d.to_string(),
                    Cell::Bool(b) => b.to_string(),
                    Cell::Empty => String::new(),
                }));
            }
        }
    }

    /// The rows as a table (for a workbook; rows built with a non-CSV format).
    fn into_table(self) -> Table {
        match self {
            Rows::Table(t, _) => t,
            Rows::Csv(_) => Table::default(),
        }
    }

    fn finish(self) -> String {
        match self {
            Rows::Table(t, f) => t.render(f),
            Rows::Csv(w) => {
                String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
            }
        }
    }
}

/// The conservation of hours as a one-row table (the workbook's `Timer i
/// alt`), in the columns of the conservation line: delivered in, matched,
/// each reason; allocated by largest remainder so that matched and the
/// reasons sum to delivered in as shown.
fn conservation_table(r: &Report, mode: takst_core::num::RoundingMode) -> Table {
    let c = &r.conservation;
    let mut parts = vec![c.matched];
    parts.extend(c.reasons);
    let shown = allocate(&parts, c.delivered_in, 2, mode);
    let mut total = takst_core::num::round_to(c.delivered_in, Decimal::new(1, 2), mode)
        .unwrap_or(c.delivered_in);
    total.rescale(2);
    let mut columns = vec![
        col("delivered_in", "leveret i alt"),
        col("matched", "henført"),
    ];
    columns.extend(
        takst_core::compare::Reason::ALL
            .iter()
            .map(|r| col(r.as_str(), r.as_str())),
    );
    let mut t = Table::new(&columns);
    let mut row = vec![Cell::Num(total)];
    row.extend(shown.into_iter().map(|mut v| {
        v.rescale(2);
        Cell::Num(v)
    }));
    t.push(row);
    t
}

fn lines_table(plan: &Plan, r: &Report, shown: Shown, citizens: &Citizens, format: Format) -> Rows {
    let model = plan.engine.model;
    let mut t = Rows::new(LINE_COLUMNS, format);
    for l in &r.lines {
        let ag = &model.agreements[plan.slots[l.slot].agreement];
        // Shown so that agreed + diff = delivered as printed.
        let p = shown.parts(&[l.agreed, l.diff], l.delivered);
        t.push(vec![
            Cell::text(&ag.id),
            Cell::text(citizens.show(&ag.citizen)),
            Cell::text(&ag.municipality),
            Cell::text(&model.staff[l.staff].id),
            Cell::text(&model.bands[l.band].id),
            Cell::Num(p[0]),
            Cell::Num(shown.amt(l.delivered)),
            Cell::Num(p[1]),
            Cell::opt(l.delivery_pct.map(|d| shown.amt(d))),
            Cell::Num(shown.amt(l.diff_value)),
            Cell::text(l.status.as_str()),
            Cell::Num(shown.amt(l.price)),
        ]);
    }
    t
}

fn total_cells(t: &Totals, shown: Shown) -> Vec<Cell> {
    let paid = shown.parts(&[t.tariff_paid, t.balance], t.value_delivered);
    let split = shown.parts(&[t.volume, t.mix], t.gap);
    vec![
        Cell::Num(t.days),
        Cell::Num(paid[0]),
        Cell::Num(shown.amt(t.value_delivered)),
        Cell::Num(paid[1]),
        Cell::Num(shown.amt(t.agreed_hours)),
        Cell::Num(shown.amt(t.delivered_hours)),
        Cell::Num(shown.amt(t.gap)),
        Cell::Num(split[0]),
        Cell::Num(split[1]),
        Cell::Num(Decimal::from(t.tariff_differs)),
    ]
}

fn totals_table(
    plan: &Plan,
    r: &Report,
    shown: Shown,
    citizens: &Citizens,
    level: Level,
    format: Format,
) -> Result<Rows, Failure> {
    let model = plan.engine.model;
    let ag = |slot: usize| &model.agreements[plan.slots[slot].agreement];
    let keys: &[Column] = match level {
        Level::Agreement => &[
            col("agreement", "aftale"),
            col("citizen", "borger"),
            col("municipality", "betalingskommune"),
        ],
        Level::Citizen => &[
            col("citizen", "borger"),
            col("municipality", "betalingskommune"),
        ],
        Level::Municipality => &[col("municipality", "betalingskommune")],
    };
    let mut columns = keys.to_vec();
    columns.extend_from_slice(TOTAL_COLUMNS);
    if level == Level::Agreement {
        columns.extend_from_slice(AGREEMENT_EXTRA);
    } else {
        columns.push(col("agreements", "aftaler"));
    }
    let mut t = Rows::new(&columns, format);
    match level {
        Level::Agreement => {
            for a in &r.agreements {
                let g = ag(a.slot);
                let mut row = vec![
                    Cell::text(&g.id),
                    Cell::text(citizens.show(&g.citizen)),
                    Cell::text(&g.municipality),
                ];
                row.extend(total_cells(&a.totals, shown));
                row.push(Cell::Num(shown.amt(a.calculated_tariff)));
                row.push(Cell::opt(a.agreed_tariff.map(|d| shown.amt(d))));
                t.push(row);
            }
        }
        Level::Citizen => {
            let groups = r
                .totals_by(
                    |s| {
                        (
                            model.agreements[s.agreement].citizen.clone(),
                            model.agreements[s.agreement].municipality.clone(),
                        )
                    },
                    plan,
                )
                .map_err(|p| Failure::Problems(vec![p]))?;
            for ((c, m), tot) in groups {
                let mut row = vec![Cell::text(citizens.show(&c)), Cell::text(m)];
                row.extend(total_cells(&tot, shown));
                row.push(Cell::Num(Decimal::from(tot.agreements)));
                t.push(row);
            }
        }
        Level::Municipality => {
            let groups = r
                .totals_by(|s| model.agreements[s.agreement].municipality.clone(), plan)
                .map_err(|p| Failure::Problems(vec![p]))?;
            for (m, tot) in groups {
                let mut row = vec![Cell::text(m)];
                row.extend(total_cells(&tot, shown));
                row.push(Cell::Num(Decimal::from(tot.agreements)));
                t.push(row);
            }
        }
    }
    Ok(t)
}

fn propose_table(
    plan: &Plan,
    r: &Report,
    shown: Shown,
    citizens: &Citizens,
    format: Format,
) -> Result<Rows, Failure> {
    let model = plan.engine.model;
    let mut t = Rows::new(PROPOSE_COLUMNS, format);
    for p in proposals(plan, r).map_err(|p| Failure::Problems(vec![p]))? {
        let ag = &model.agreements[plan.slots[p.slot].agreement];
        for l in &p.lines {
            t.push(vec![
                Cell::text(&ag.id),
                Cell::text(citizens.show(&ag.citizen)),
                Cell::text(&ag.municipality),
                Cell::text(&model.staff[l.staff].id),
                Cell::text(&model.bands[l.band].id),
                Cell::text(l.ratio.to_string()),
                Cell::Num(shown.amt(l.agreed_hours_per_week)),
                Cell::Num(shown.amt(l.hours_per_week)),
                Cell::Num(shown.amt(l.staff_hours_per_week)),
                Cell::Num(shown.amt(l.price)),
                Cell::Num(shown.amt(p.current_tariff)),
                Cell::Num(shown.amt(p.proposed_tariff)),
                Cell::Num(shown.amt(p.diff_per_day)),
                Cell::Num(shown.amt(p.diff_per_year)),
            ]);
        }
    }
    Ok(t)
}

/// A progress bar on stderr (a terminal): bytes read, rows per second, ETA.
fn progress_bar(p: &Progress, done: &std::sync::atomic::AtomicBool, size: u64) {
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let start = std::time::Instant::now();
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        let rows = p.rows.load(Ordering::Relaxed);
        bar.set_position(p.bytes.load(Ordering::Relaxed).min(size));
        // f64 only for this display, never in a calculation.
        let secs = start.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!(
            "{rows} rows, {:.1} M rows/s",
            rows as f64 / secs / 1e6
        ));
    }
    bar.finish_and_clear();
}
