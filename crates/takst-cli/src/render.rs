//! Rendering result tables as a text table for people, CSV or JSON (the
//! spreadsheet format is `xlsx`, which renders the same [`Table`]s).
//!
//! Responsible for: layout only. Values arrive already rounded for display
//! (or exact, with `--exact`) from the command that built the table;
//! rendering never does arithmetic. Text tables use Danish number format
//! and Danish column labels; CSV and JSON use the documented English
//! column names and plain decimals with a point.

use rust_decimal::Decimal;

use crate::danish::format_da;

/// The output format of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    /// An Excel workbook (needs `--out FILE`); see `crate::xlsx`.
    Xlsx,
}

impl Format {
    /// Whether a figure may be printed at full precision with `--exact`:
    /// only the machine formats. Tables and spreadsheets are for people and
    /// always show the display rounding (0.01).
    pub fn allows_exact(self) -> bool {
        matches!(self, Format::Csv | Format::Json)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(Decimal),
    /// A yes/no flag: `true`/`false` in CSV and JSON, `ja`/`nej` in tables.
    Bool(bool),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub fn opt(d: Option<Decimal>) -> Cell {
        d.map(Cell::Num).unwrap_or(Cell::Empty)
    }
}

/// A column: its machine name (CSV/JSON) and its Danish label (tables).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
}

pub const fn col(key: &'static str, label: &'static str) -> Column {
    Column { key, label }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: &[Column]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn render(&self, f: Format) -> String {
        match f {
            Format::Table => self.to_text(),
            // A workbook is bytes, written by `crate::xlsx`; a command that
            // reaches this with `xlsx` prints its CSV form instead.
            Format::Csv | Format::Xlsx => self.to_csv(),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
                s.push('\n');
                s
            }
        }
    }

    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(self.columns.iter().map(|c| c.key));
        let mut out = w.into_inner().unwrap_or_default();
        // A large table is written in two halves at once, joined in order.
        const PARALLEL_ROWS: usize = 10_000;
        let rows = &self.rows[..];
        if rows.len() < PARALLEL_ROWS {
            out.extend(csv_rows(rows));
        } else {
            let (first, second) = rows.split_at(rows.len() / 2);
            let (a, b) = std::thread::scope(|scope| {
                let b = scope.spawn(|| csv_rows(second));
                (
                    csv_rows(first),
                    b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                )
            });
            out.extend(a);
            out.extend(b);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                for (c, v) in self.columns.iter().zip(r) {
                    o.insert(c.key.to_string(), cell_json(v));
                }
                serde_json::Value::Object(o)
            })
            .collect();
        serde_json::Value::Array(rows)
    }

    pub fn to_text(&self) -> String {
        let cells: Vec<Vec<(String, bool)>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => (s.clone(), false),
                        Cell::Num(d) => (format_da(*d, d.scale()), true),
                        Cell::Bool(b) => ((if *b { "ja" } else { "nej" }).to_string(), false),
                        Cell::Empty => (String::new(), true),
                    })
                    .collect()
            })
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .map(|r| r[i].0.chars().count())
                .chain(std::iter::once(self.columns[i].label.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| cells.iter().any(|r| r[i].1 && !r[i].0.is_empty()))
            .collect();
        let mut out = String::new();
        let line = |items: Vec<(String, bool)>, out: &mut String| {
            let parts: Vec<String> = items
                .iter()
                .zip(&widths)
                .map(|((s, right), w)| {
                    let pad = w.saturating_sub(s.chars().count());
                    if *right {
                        format!("{}{s}", " ".repeat(pad))
                    } else {
                        format!("{s}{}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(
            self.columns
                .iter()
                .zip(&numeric)
                .map(|(c, n)| (c.label.to_string(), *n))
                .collect(),
            &mut out,
        );
        line(
            widths.iter().map(|w| ("-".repeat(*w), false)).collect(),
            &mut out,
        );
        for r in cells {
            let r = r
                .into_iter()
                .zip(&numeric)
                .map(|((s, _), n)| (s, *n))
                .collect();
            line(r, &mut out);
        }
        out
    }
}

/// CSV lines of `rows` (no header). Numbers are formatted into one reused
/// buffer; texts are written as they are (a table can have hundreds of
/// thousands of rows).
fn csv_rows(rows: &[Vec<Cell>]) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut num = String::new();
    for r in rows {
        for c in r {
            let _ = match c {
                Cell::Text(s) => w.write_field(s),
                Cell::Num(d) => {
                    num.clear();
                    let _ = write!(num, "{d}");
                    w.write_field(&num)
                }
                Cell::Bool(b) => w.write_field(if *b { "true" } else { "false" }),
                Cell::Empty => w.write_field(""),
            };
        }
        let _ = w.write_record(None::<&[u8]>);
    }
    w.into_inner().unwrap_or_default()
}

pub fn cell_json(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(s) => serde_json::Value::String(s.clone()),
        // An exact JSON number with all its digits (serde_json's arbitrary_precision).
        Cell::Num(d) => d
            .to_string()
            .parse::<serde_json::Number>()
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Cell::Bool(b) => serde_json::Value::Bool(*b),
        Cell::Empty => serde_json::Value::Null,
    }
}
