//! Reading `agreements.csv` and `needs.csv`.
//!
//! Responsible for: columns by header name (any case, any order, extra
//! columns ignored), the file's dialect (Danish Excel or plain), typed
//! values with their line and column, and collecting every bad row. Not
//! responsible for: references and overlaps (`takst_core::validate`), or
//! the large `delivered.csv` (streamed by `compare`).

use rust_decimal::Decimal;
use takst_core::model::{Agreement, Need, Origin, Pos, Ratio, Ref};
use takst_core::problem::{Code, Problem};
use takst_core::text::{parse_date, parse_decimal, parse_ratio, DecimalStyle};

use std::sync::Arc;

use takst_core::model::Keys;

use crate::dialect::{self, Header};

/// A decoded CSV file with its columns resolved. File and column names are
/// shared by every position taken from the table, so that a row's origin
/// and references cost no allocation beyond the row itself.
pub struct Table {
    file: Arc<str>,
    pub rows: Vec<(u64, csv::StringRecord)>,
    /// Wanted columns: name and index in the file, if present.
    cols: Vec<(Arc<str>, Option<usize>)>,
    /// Present columns with their 1-based column numbers, for origins.
    present: Arc<[(Arc<str>, u64)]>,
    style: DecimalStyle,
}

/// A typed view of one row, collecting problems.
pub struct Row<'a> {
    t: &'a Table,
    line: u64,
    rec: &'a csv::StringRecord,
}

impl Table {
    /// Decode `bytes` and find `required` and `optional` columns; a missing
    /// required column is one problem for the whole file. All rows are kept.
    pub fn read(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let mut rows = Vec::new();
        let mut t = Self::scan_rows(
            file,
            bytes,
            required,
            optional,
            problems,
            |line, rec, _, _| {
                rows.push((line, rec.clone()));
            },
        )?;
        t.rows = rows;
        Some(t)
    }

    /// Like [`Table::read`], but hands each row to `each` as it is read,
    /// with one reused record: nothing of the file is kept.
    pub fn scan(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
        mut each: impl FnMut(&Row, &mut Vec<Problem>),
    ) -> Option<Table> {
        Self::scan_rows(
            file,
            bytes,
            required,
            optional,
            problems,
            |line, rec, t, p| each(&Row { t, line, rec }, p),
        )
    }

    fn scan_rows(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
        mut each: impl FnMut(u64, &csv::StringRecord, &Table, &mut Vec<Problem>),
    ) -> Option<Table> {
        let decoded = dialect::decode(bytes);
        let mut rdr =
            dialect::csv_reader_builder(&decoded.dialect).from_reader(decoded.text.as_bytes());
        let header = match rdr.headers() {
            Ok(h) => Header::new(h),
            Err(e) => {
                problems.push(Problem::new(
                    Code::Syntax,
                    Pos::new(file, 1 + decoded.line_offset, 0, ""),
                    format!("cannot read the header row: {e}"),
                ));
                return None;
            }
        };
        if let Some(dup) = header.duplicate() {
            problems.push(Problem::new(
                Code::Syntax,
                Pos::new(file, 1 + decoded.line_offset, 0, dup),
                format!("the header has the column `{dup}` twice; expected each column once"),
            ));
            return None;
        }
        let mut cols: Vec<(Arc<str>, Option<usize>)> = Vec::new();
        let mut ok = true;
        for &name in required {
            let idx = header.index(name);
            if idx.is_none() {
                ok = false;
                problems.push(Problem::new(
                    Code::Missing,
                    Pos::new(file, 1 + decoded.line_offset, 0, name),
                    format!(
                        "the header has no column `{name}`; expected the columns {}",
                        required.join(",")
                    ),
                ));
            }
            cols.push((Arc::from(name), idx));
        }
        for &name in optional {
            cols.push((Arc::from(name), header.index(name)));
        }
        if !ok {
            return None;
        }
        let present: Arc<[(Arc<str>, u64)]> = cols
            .iter()
            .filter_map(|(n, i)| i.map(|i| (n.clone(), i as u64 + 1)))
            .collect();
        let table = Table {
            file: file.into(),
            rows: Vec::new(),
            cols,
            present,
            style: decoded.dialect.decimal,
        };
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = rec.position().map(|p| p.line()).unwrap_or(0) + decoded.line_offset;
                    each(line, &rec, &table, problems);
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0) + decoded.line_offset;
                    problems.push(Problem::new(
                        Code::Syntax,
                        Pos::new(file, line, 0, ""),
                        format!("cannot read this row: {e}"),
                    ));
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        break;
                    }
                }
            }
        }
        Some(table)
    }

    pub fn row<'a>(&'a self, i: usize) -> Row<'a> {
        let (line, rec) = &self.rows[i];
        Row {
            t: self,
            line: *line,
            rec,
        }
    }
}

impl<'a> Row<'a> {
    fn col(&self, col: &str) -> Option<&'a (Arc<str>, Option<usize>)> {
        self.t.cols.iter().find(|(n, _)| &**n == col)
    }

    pub fn pos(&self, col: &str) -> Pos {
        match self.col(col) {
            Some((name, i)) => Pos::new(
                self.t.file.clone(),
                self.line,
                i.map(|i| i as u64 + 1).unwrap_or(0),
                name.clone(),
            ),
            None => Pos::new(self.t.file.clone(), self.line, 0, col),
        }
    }

    /// The row's origin, with the position of every column.
    pub fn origin(&self) -> Origin {
        let mut o = Origin::at(Pos::new(self.t.file.clone(), self.line, 0, ""));
        o.keys = Keys::Columns(self.t.present.clone());
        o
    }

    /// The trimmed text of a column; empty when the column is absent.
    pub fn get(&self, col: &str) -> &'a str {
        self.col(col)
            .and_then(|(_, i)| *i)
            .and_then(|i| self.rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    pub fn text(&self, col: &str, p: &mut Vec<Problem>) -> Option<String> {
        let v = self.get(col);
        if v.is_empty() {
            p.push(Problem::new(
                Code::Missing,
                self.pos(col),
                format!("`{col}` is empty; expected a value"),
            ));
            return None;
        }
        Some(v.to_string())
    }

    pub fn reference(&self, col: &str, p: &mut Vec<Problem>) -> Option<Ref> {
        self.text(col, p).map(|id| Ref::new(id, self.pos(col)))
    }

    pub fn decimal(&self, col: &str, p: &mut Vec<Problem>) -> Option<Decimal> {
        let v = self.get(col);
        match parse_decimal(v, self.t.style) {
            Ok(d) => Some(d),
            Err(e) => {
                p.push(Problem::new(
                    Code::MalformedNumber,
                    self.pos(col),
                    e.to_string(),
                ));
                None
            }
        }
    }

    pub fn opt_decimal(&self, col: &str, p: &mut Vec<Problem>) -> Result<Option<Decimal>, ()> {
        if self.get(col).is_empty() {
            return Ok(None);
        }
        self.decimal(col, p).map(Some).ok_or(())
    }

    pub fn date(&self, col: &str, p: &mut Vec<Problem>) -> Option<jiff::civil::Date> {
        let v = self.get(col);
        match parse_date(v) {
            Ok(d) => Some(d),
            Err(e) => {
                p.push(Problem::new(
                    Code::MalformedDate,
                    self.pos(col),
                    e.to_string(),
                ));
                None
            }
        }
    }
}

/// Read agreements; the ids of rows that could not be read go to `unreadable`.
pub fn read_agreements(
    file: &str,
    bytes: &[u8],
    p: &mut Vec<Problem>,
    unreadable: &mut Vec<String>,
) -> Vec<Agreement> {
    let mut out = Vec::new();
    let required = ["agreement", "citizen", "municipality", "tilbud", "from"];
    Table::scan(
        file,
        bytes,
        &required,
        &["to", "agreed_tariff"],
        p,
        |r, p| {
            let id = r.text("agreement", p);
            let citizen = r.text("citizen", p);
            let municipality = r.text("municipality", p);
            let tilbud = r.reference("tilbud", p);
            let from = r.date("from", p);
            let to = if r.get("to").is_empty() {
                Ok(None)
            } else {
                r.date("to", p).map(Some).ok_or(())
            };
            let agreed_tariff = r.opt_decimal("agreed_tariff", p);
            if let (
                Some(id),
                Some(citizen),
                Some(municipality),
                Some(tilbud),
                Some(from),
                Ok(to),
                Ok(agreed_tariff),
            ) = (id, citizen, municipality, tilbud, from, to, agreed_tariff)
            {
                out.push(Agreement {
                    id,
                    citizen,
                    municipality,
                    tilbud,
                    from,
                    to,
                    agreed_tariff,
                    origin: r.origin(),
                });
            } else if !r.get("agreement").is_empty() {
                unreadable.push(r.get("agreement").to_string());
            }
        },
    );
    out
}

pub fn read_needs(file: &str, bytes: &[u8], p: &mut Vec<Problem>) -> Vec<Need> {
    let mut out = Vec::new();
    let required = ["agreement", "staff", "band", "hours_per_week"];
    Table::scan(file, bytes, &required, &["ratio", "note"], p, |r, p| {
        let agreement = r.reference("agreement", p);
        let staff = r.reference("staff", p);
        let band = r.reference("band", p);
        let hours = r.decimal("hours_per_week", p);
        let ratio_text = r.get("ratio");
        let ratio = if ratio_text.is_empty() {
            Some(Ratio::default())
        } else {
            match parse_ratio(ratio_text) {
                Ok(x) => Some(x),
                Err(e) => {
                    p.push(Problem::new(
                        Code::MalformedRatio,
                        r.pos("ratio"),
                        e.to_string(),
                    ));
                    None
                }
            }
        };
        let note = Some(r.get("note").to_string()).filter(|s| !s.is_empty());
        if let (Some(agreement), Some(staff), Some(band), Some(hours_per_week), Some(ratio)) =
            (agreement, staff, band, hours, ratio)
        {
            out.push(Need {
                agreement,
                staff,
                band,
                hours_per_week,
                ratio,
                note,
                origin: r.origin(),
            });
        }
    });
    out
}
