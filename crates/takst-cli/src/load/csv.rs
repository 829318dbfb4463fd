//! Reading `agreements.csv` and `needs.csv`.
//!
//! Responsible for: columns by header name (any case, any order, extra
//! columns ignored), the file's dialect (Danish Excel or plain), typed
//! values with their line and column, and collecting every bad row. Not
//! responsible for: references and overlaps (`takst_core::validate`), or
//! the large `delivered.csv` (streamed by `compare`).

use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use takst_core::model::{Agreement, CitizenId, Need, Origin, Pos, Ratio, Ref};
use takst_core::problem::{Code, Problem};
use takst_core::text::{parse_date, parse_decimal, parse_ratio, DecimalStyle};

use std::borrow::Cow;
use std::sync::Arc;

use takst_core::hash::FxMap;

use crate::dialect::{self, Header};

/// One field as read. A CSV field is always text; a spreadsheet cell keeps
/// the type Excel stored (number, date, text, …). [`Row`] turns both into
/// the same typed values, so a CSV file and a workbook with the same data
/// give the same model.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell, exactly as Excel shows it (15 significant digits).
    Number(Decimal),
    /// A number cell that does not fit an exact decimal (shown as Excel
    /// writes it).
    HugeNumber(String),
    /// A date (or date and time) cell.
    DateTime(DateTime),
    /// A time-of-day cell (serial below 1): what Excel makes of a ratio
    /// like `2:1` typed into a cell; read back as `2:1`.
    Time(jiff::civil::Time),
    Bool(bool),
    /// An error cell such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// The cell as text for a text column; `None` for an empty cell. A
    /// text cell is borrowed (trimmed), not copied.
    pub(crate) fn as_str(&self) -> Option<Cow<'_, str>> {
        match self {
            Cell::Text(s) => Some(Cow::Borrowed(s.trim())).filter(|s| !s.is_empty()),
            other => other.as_text().map(Cow::Owned),
        }
    }

    /// The cell as text for a text column; `None` for an empty cell.
    pub(crate) fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Cell::Number(d) => Some(d.normalize().to_string()),
            Cell::HugeNumber(s) | Cell::Error(s) => Some(s.clone()),
            Cell::DateTime(dt) if dt.time() == jiff::civil::Time::midnight() => {
                Some(dt.date().to_string())
            }
            Cell::DateTime(dt) => Some(dt.to_string()),
            Cell::Time(t) if t.second() == 0 && t.subsec_nanosecond() == 0 => {
                Some(format!("{}:{}", t.hour(), t.minute()))
            }
            Cell::Time(t) => Some(t.to_string()),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        }
    }

    /// What the cell is, for an error message about a cell of the wrong kind.
    fn describe(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".to_string(),
            Cell::Text(s) => format!("the text `{}`", shown(s.trim())),
            Cell::Number(d) => format!("the number {d}"),
            Cell::HugeNumber(s) => format!("the number {s}"),
            Cell::DateTime(dt) => format!("the date cell {dt}"),
            Cell::Time(t) => format!("the time cell {t}"),
            Cell::Bool(b) => format!("the logical value {}", if *b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => format!("the Excel error {e}"),
        }
    }
}

/// At most 60 characters of an offending value, control characters escaped.
fn shown(s: &str) -> String {
    let cut = match s.char_indices().nth(60) {
        Some((cut, _)) => cut,
        None => s.len(),
    };
    let mut out: String = s[..cut]
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if cut < s.len() {
        out.push('…');
    }
    out
}

/// The largest Excel serial date (9999-12-31).
const MAX_SERIAL: i64 = 2_958_465;

/// The date of an Excel serial day number in the 1900 date system
/// (1 = 1900-01-01; 60 is Excel's non-existent 1900-02-29).
pub fn serial_date(serial: Decimal) -> Option<Date> {
    if !serial.fract().is_zero() {
        return None;
    }
    let n = i64::try_from(serial.trunc().mantissa() / 10i128.pow(serial.scale())).ok()?;
    let epoch = match n {
        1..=59 => jiff::civil::date(1899, 12, 31),
        61..=MAX_SERIAL => jiff::civil::date(1899, 12, 30),
        _ => return None,
    };
    epoch.checked_add(jiff::Span::new().days(n)).ok()
}

/// How many rows at the top of a worksheet are searched for the header.
pub const HEADER_SEARCH: usize = 10;

/// Where a table's rows came from.
#[derive(Debug, Clone)]
enum Source {
    Csv,
    Sheet(Arc<str>),
}

/// A CSV file or a worksheet with its columns resolved: only the columns
/// a reader asked for are kept, so a row costs the same whatever the width
/// of the file.
pub struct Table {
    /// File and column names are shared by every position taken from the
    /// table: a row's origin and references cost no allocation of names.
    file: Arc<str>,
    source: Source,
    /// (line or row number, the wanted cells in `cols` order)
    pub rows: Vec<(u64, Vec<Cell>)>,
    /// Each wanted column: its name and its 1-based column number, if present.
    cols: Vec<(Arc<str>, Option<u64>)>,
    /// The present columns with their numbers, shared by every row's origin.
    present: Arc<[(Arc<str>, u64)]>,
    /// The empty field name of a row's own position (shared, so that a
    /// row's origin costs no allocation).
    no_field: Arc<str>,
    style: DecimalStyle,
    /// Every row could be read (no CSV syntax error).
    pub complete: bool,
}

/// A typed view of one row, collecting problems.
pub struct Row<'a> {
    t: &'a Table,
    line: u64,
    cells: &'a [Cell],
}

/// The columns a reader wants.
#[derive(Clone, Copy)]
pub struct Columns<'a> {
    pub required: &'a [&'a str],
    pub optional: &'a [&'a str],
}

impl Table {
    /// Decode CSV `bytes` and find the wanted columns; a missing required
    /// column is one problem for the whole file.
    pub fn read(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let mut rows = [Vec::new()];
        let mut t = Self::scan_parts(
            file,
            bytes,
            &Columns { required, optional },
            problems,
            &mut rows,
            |rows, r, _| rows.push((r.line, r.cells.to_vec())),
        )?;
        let [rows] = rows;
        t.rows = rows;
        Some(t)
    }

    /// Like [`Table::read`], but hands each row to `each` as it is read and
    /// keeps none: one reused row of cells per thread, so a file of half a
    /// million rows costs no more memory than its typed values. The rows
    /// are cut into one consecutive part per state in `states` (at record
    /// boundaries, by size) and the parts read at the same time, one thread
    /// each: part `k`'s rows, in file order, go to `each(&mut states[k],
    /// row, problems)`. Small files are one part (the other states get no
    /// rows). The returned table has no rows (only its columns and whether
    /// every row could be read).
    pub fn scan_parts<S: Send>(
        file: &str,
        bytes: &[u8],
        cols: &Columns,
        problems: &mut Vec<Problem>,
        states: &mut [S],
        each: impl Fn(&mut S, &Row, &mut Vec<Problem>) + Sync,
    ) -> Option<Table> {
        let decoded = dialect::decode(bytes);
        // The csv crate numbers a record after a CRLF line end one line too
        // low; with plain LF line ends its line numbers are the file's.
        let text = if decoded.text.contains('\r') {
            Cow::Owned(decoded.text.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            decoded.text
        };
        let mut rdr = dialect::csv_reader_builder(&decoded.dialect).from_reader(text.as_bytes());
        let header_line = 1 + decoded.line_offset;
        let header = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(Problem::new(
                    Code::Syntax,
                    Pos::new(file, header_line, 0, ""),
                    format!("cannot read the header row: {}", csv_reason(&e)),
                ));
                return None;
            }
        };
        if header.iter().all(|h| h.trim().is_empty()) {
            problems.push(Problem::new(
                Code::Missing,
                Pos::new(file, header_line, 0, ""),
                format!(
                    "the file is empty; expected a header row with the columns {}",
                    cols.required.join(",")
                ),
            ));
            return None;
        }
        let mut t = Table {
            file: file.into(),
            source: Source::Csv,
            rows: Vec::new(),
            cols: Vec::new(),
            present: Arc::from(Vec::new()),
            no_field: Arc::from(""),
            style: decoded.dialect.decimal,
            complete: true,
        };
        let idx = t.resolve(
            &Header::new(&header),
            *cols,
            &Pos::new(file, header_line, 0, ""),
            problems,
        )?;
        // The rows after the header, cut where records begin.
        let start = rdr.position().byte() as usize;
        let body = text.as_bytes().get(start..).unwrap_or_default();
        // Lines before the body (the header's, and a `sep=` line).
        let lines_before = rdr.position().line() - 1 + decoded.line_offset;
        let parts = if body.len() < SPLIT_MIN_BYTES {
            1
        } else {
            states.len().max(1)
        };
        let cuts = dialect::record_cuts(body, decoded.dialect.delimiter, parts);
        let part = |k: usize, state: &mut S| {
            let (from, to) = (cuts[k], cuts[k + 1]);
            let first_line = lines_before + count_lines(&body[..from]);
            let mut rdr = dialect::csv_reader_builder(&decoded.dialect)
                .has_headers(false)
                .flexible(true)
                .from_reader(&body[from..to]);
            let mut p = Vec::new();
            let complete = t.read_rows(&mut rdr, header.len(), first_line, &idx, &mut p, |r, p| {
                each(state, r, p)
            });
            (p, complete)
        };
        let results: Vec<(Vec<Problem>, bool)> = std::thread::scope(|scope| {
            let mut rest = states.iter_mut().enumerate().take(parts);
            let first = rest.next();
            let handles: Vec<_> = rest
                .map(|(k, state)| scope.spawn(move || part(k, state)))
                .collect();
            let mut out: Vec<_> = first.into_iter().map(|(k, state)| part(k, state)).collect();
            for h in handles {
                // A part's thread only panics on a bug: then so does this one.
                out.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
            out
        });
        for (p, complete) in results {
            problems.extend(p);
            t.complete &= complete;
        }
        Some(t)
    }

    /// Reads the records of `rdr` (no header; lines counted from
    /// `first_line` + 1) into one reused row of the wanted cells and hands
    /// each to `each`. Whether every record could be read.
    fn read_rows(
        &self,
        rdr: &mut csv::Reader<&[u8]>,
        width: usize,
        first_line: u64,
        idx: &[Option<usize>],
        problems: &mut Vec<Problem>,
        mut each: impl FnMut(&Row, &mut Vec<Problem>),
    ) -> bool {
        let mut complete = true;
        let mut rec = csv::StringRecord::new();
        // One row of cells, reused: a text cell keeps its buffer.
        let mut cells: Vec<Cell> = vec![Cell::Empty; idx.len()];
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = first_line + rec.position().map(|p| p.line()).unwrap_or(0);
                    if rec.len() != width {
                        complete = false;
                        problems.push(Problem::new(
                            Code::Syntax,
                            Pos::new(self.file.clone(), line, 0, ""),
                            format!(
                                "cannot read this row: {}",
                                unequal_lengths(rec.len(), width)
                            ),
                        ));
                        continue;
                    }
                    for (cell, i) in cells.iter_mut().zip(idx) {
                        match i.and_then(|i| rec.get(i)) {
                            Some(v) if !v.trim().is_empty() => match cell {
                                Cell::Text(buf) => {
                                    buf.clear();
                                    buf.push_str(v);
                                }
                                other => *other = Cell::Text(v.to_string()),
                            },
                            _ => *cell = Cell::Empty,
                        }
                    }
                    each(
                        &Row {
                            t: self,
                            line,
                            cells: &cells,
                        },
                        problems,
                    );
                }
                Err(e) => {
                    complete = false;
                    let line = first_line + e.position().map(|p| p.line()).unwrap_or(0);
                    problems.push(Problem::new(
                        Code::Syntax,
                        Pos::new(self.file.clone(), line, 0, ""),
                        format!("cannot read this row: {}", csv_reason(&e)),
                    ));
                    break;
                }
            }
        }
        complete
    }

    /// A worksheet with the wanted columns. The header is the first of the
    /// sheet's first [`HEADER_SEARCH`] rows that names every required
    /// column (a title above the table is fine), else its first row.
    pub fn from_sheet(
        file: &str,
        sheet: &crate::load::xlsx::Sheet,
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        if sheet.rows.is_empty() {
            problems.push(Problem::new(
                Code::Missing,
                Pos::in_sheet(file, sheet.name.as_str(), 0, 0, ""),
                format!(
                    "the sheet is empty; expected a header row with the columns {}",
                    required.join(",")
                ),
            ));
            return None;
        }
        let header_at = (0..sheet.rows.len().min(HEADER_SEARCH))
            .find(|&i| {
                let h = Header::new(&csv::StringRecord::from(sheet.texts(i)));
                required.iter().all(|c| h.index(c).is_some())
            })
            .unwrap_or(0);
        let header_pos = Pos::in_sheet(file, sheet.name.as_str(), sheet.rows[header_at].0, 0, "");
        let mut t = Table {
            file: file.into(),
            source: Source::Sheet(sheet.name.as_str().into()),
            rows: Vec::new(),
            cols: Vec::new(),
            present: Arc::from(Vec::new()),
            no_field: Arc::from(""),
            style: DecimalStyle::Point,
            complete: true,
        };
        let header = Header::new(&csv::StringRecord::from(sheet.texts(header_at)));
        let idx = t.resolve(
            &header,
            Columns { required, optional },
            &header_pos,
            problems,
        )?;
        for (row, cells) in &sheet.rows[header_at + 1..] {
            let wanted = idx
                .iter()
                .map(|i| {
                    i.and_then(|i| cells.binary_search_by_key(&(i as u32), |(c, _)| *c).ok())
                        .map(|k| cells[k].1.clone())
                        .unwrap_or(Cell::Empty)
                })
                .collect();
            t.rows.push((*row, wanted));
        }
        Some(t)
    }

    /// Find the wanted columns in `header`; `None` when a required one is
    /// missing or a column is named twice (each reported at `at`).
    fn resolve(
        &mut self,
        header: &Header,
        want: Columns,
        at: &Pos,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<Option<usize>>> {
        if let Some(dup) = header.duplicate() {
            problems.push(Problem::new(
                Code::Syntax,
                at.at(at.line, 0, dup),
                format!("the header has the column `{dup}` twice; expected each column once"),
            ));
            return None;
        }
        let mut ok = true;
        let mut idx = Vec::new();
        for &name in want.required {
            let i = header.index(name);
            if i.is_none() {
                ok = false;
                problems.push(Problem::new(
                    Code::Missing,
                    at.at(at.line, 0, name),
                    format!(
                        "the header has no column `{name}`; expected the columns {} (found {})",
                        want.required.join(","),
                        shown(&header.names().join(","))
                    ),
                ));
            }
            idx.push(i);
        }
        idx.extend(want.optional.iter().map(|name| header.index(name)));
        if !ok {
            return None;
        }
        self.cols = want
            .required
            .iter()
            .chain(want.optional)
            .zip(&idx)
            .map(|(name, i)| (Arc::from(*name), i.map(|i| i as u64 + 1)))
            .collect();
        self.present = self
            .cols
            .iter()
            .filter_map(|(n, c)| c.map(|c| (n.clone(), c)))
            .collect();
        Some(idx)
    }

    pub fn row<'a>(&'a self, i: usize) -> Row<'a> {
        let (line, cells) = &self.rows[i];
        Row {
            t: self,
            line: *line,
            cells,
        }
    }

    fn pos(&self, line: u64, col: u64, field: impl Into<Arc<str>>) -> Pos {
        match &self.source {
            Source::Csv => Pos::new(self.file.clone(), line, col, field),
            Source::Sheet(s) => Pos::in_sheet(self.file.clone(), s.clone(), line, col, field),
        }
    }
}

/// Files smaller than this are read in one part, by one thread.
const SPLIT_MIN_BYTES: usize = 1 << 20;

/// The line breaks in `b`.
fn count_lines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

/// A record with another number of fields than the header.
fn unequal_lengths(len: usize, expected: usize) -> String {
    format!(
        "found {len} field{}, expected {expected} like the header (a separator too many or too few, or a quote not closed?)",
        if len == 1 { "" } else { "s" }
    )
}

/// A CSV error without the crate's prefix, saying what was expected.
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => unequal_lengths(*len as usize, *expected_len as usize),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "the text is not valid UTF-8 (field {}); expected UTF-8 or Windows-1252 text",
            err.field() + 1
        ),
        csv::ErrorKind::Io(e) => crate::util::io_reason(e),
        _ => e.to_string(),
    }
}

impl<'a> Row<'a> {
    fn col(&self, col: &str) -> Option<(usize, Option<u64>)> {
        self.t
            .cols
            .iter()
            .position(|(n, _)| &**n == col)
            .map(|i| (i, self.t.cols[i].1))
    }

    pub fn pos(&self, col: &str) -> Pos {
        match self.col(col) {
            Some((i, c)) => self
                .t
                .pos(self.line, c.unwrap_or(0), self.t.cols[i].0.clone()),
            None => self.t.pos(self.line, 0, col),
        }
    }

    /// The row's origin, with the position of every column.
    pub fn origin(&self) -> Origin {
        // Built field by field: `Origin::default()` would make (and drop)
        // a position for every row.
        Origin {
            pos: self.t.pos(self.line, 0, self.t.no_field.clone()),
            source: None,
            note: None,
            status: Default::default(),
            keys: takst_core::model::Keys::Columns(self.t.present.clone()),
        }
    }

    /// The cell of a column; empty when the column is absent.
    pub fn cell(&self, col: &str) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.col(col)
            .and_then(|(i, _)| self.cells.get(i))
            .unwrap_or(&EMPTY)
    }

    /// Whether the column's cell is empty (or blank text).
    pub fn is_empty(&self, col: &str) -> bool {
        self.cell(col).as_str().is_none()
    }

    /// The trimmed text of a column; empty when the column is absent.
    pub fn get(&self, col: &str) -> String {
        self.cell(col).as_text().unwrap_or_default()
    }

    pub fn text(&self, col: &str, p: &mut Vec<Problem>) -> Option<String> {
        self.str(col, p).map(Cow::into_owned)
    }

    /// Like [`Row::text`], borrowing the text of a text cell.
    pub fn str(&self, col: &str, p: &mut Vec<Problem>) -> Option<Cow<'a, str>> {
        match self.cell(col) {
            Cell::Error(e) => {
                p.push(Problem::new(
                    Code::WrongType,
                    self.pos(col),
                    format!("found the Excel error {e}, expected a value"),
                ));
                None
            }
            c => match c.as_str() {
                Some(v) => Some(v),
                None => {
                    p.push(Problem::new(
                        Code::Missing,
                        self.pos(col),
                        format!("`{col}` is empty; expected a value"),
                    ));
                    None
                }
            },
        }
    }

    pub fn reference(&self, col: &str, p: &mut Vec<Problem>) -> Option<Ref> {
        self.text(col, p).map(|id| Ref::new(id, self.pos(col)))
    }

    /// The id in a column, shared through `ids`.
    pub fn id(&self, col: &str, ids: &mut Ids, p: &mut Vec<Problem>) -> Option<Arc<str>> {
        self.str(col, p).map(|s| ids.get(&s))
    }

    pub fn decimal(&self, col: &str, p: &mut Vec<Problem>) -> Option<Decimal> {
        let parsed = match self.cell(col) {
            Cell::Empty => parse_decimal("", self.t.style).map_err(|e| e.to_string()),
            Cell::Text(s) => {
                // A text cell in a workbook may carry a Danish decimal comma.
                let style = match self.t.source {
                    Source::Sheet(_) if s.contains(',') => DecimalStyle::Comma,
                    _ => self.t.style,
                };
                parse_decimal(s, style).map_err(|e| e.to_string())
            }
            Cell::Number(d) => Ok(*d),
            Cell::HugeNumber(s) => Err(format!(
                "found the number {s}, too large; expected a number with at most 28 digits"
            )),
            c => Err(format!("found {}, expected a number", c.describe())),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                p.push(Problem::new(Code::MalformedNumber, self.pos(col), e));
                None
            }
        }
    }

    pub fn opt_decimal(&self, col: &str, p: &mut Vec<Problem>) -> Result<Option<Decimal>, ()> {
        if self.is_empty(col) {
            return Ok(None);
        }
        self.decimal(col, p).map(Some).ok_or(())
    }

    pub fn date(&self, col: &str, p: &mut Vec<Problem>) -> Option<Date> {
        let parsed = match self.cell(col) {
            Cell::Empty => parse_date("").map_err(|e| e.to_string()),
            Cell::Text(s) => parse_date(s).map_err(|e| e.to_string()),
            Cell::DateTime(dt) if dt.time() == jiff::civil::Time::midnight() => Ok(dt.date()),
            Cell::DateTime(dt) => Err(format!(
                "found the date and time {dt}, expected a date without a time of day"
            )),
            Cell::Number(d) => serial_date(*d).ok_or_else(|| {
                format!("found the number {d}, expected a date (or an Excel day number from 1 to {MAX_SERIAL})")
            }),
            c => Err(format!("found {}, expected a date like 2025-03-01", c.describe())),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                p.push(Problem::new(Code::MalformedDate, self.pos(col), e));
                None
            }
        }
    }
}

/// The columns of `agreements.csv`.
pub const AGREEMENTS: Columns = Columns {
    required: &["agreement", "citizen", "municipality", "tilbud", "from"],
    optional: &["to", "agreed_tariff"],
};

/// The columns of `needs.csv`.
pub const NEEDS: Columns = Columns {
    required: &["agreement", "staff", "band", "hours_per_week"],
    optional: &["ratio", "note"],
};

#[allow(dead_code)] // whole-file entry point: tests and the fuzz harness
/// Read agreements from CSV bytes; the ids of rows that could not be read
/// go to `unreadable`.
pub fn read_agreements(
    file: &str,
    bytes: &[u8],
    p: &mut Vec<Problem>,
    unreadable: &mut Vec<String>,
) -> Vec<Agreement> {
    match Table::read(file, bytes, AGREEMENTS.required, AGREEMENTS.optional, p) {
        Some(t) => agreements(&t, p, unreadable),
        None => Vec::new(),
    }
}

/// Read need lines from CSV bytes.
#[allow(dead_code)] // whole-file entry point: tests and the fuzz harness
pub fn read_needs(file: &str, bytes: &[u8], p: &mut Vec<Problem>) -> Vec<Need> {
    match Table::read(file, bytes, NEEDS.required, NEEDS.optional, p) {
        Some(t) => needs(&t, p),
        None => Vec::new(),
    }
}

/// The agreements of a table with the [`AGREEMENTS`] columns.
pub fn agreements(t: &Table, p: &mut Vec<Problem>, unreadable: &mut Vec<String>) -> Vec<Agreement> {
    let mut out = Vec::with_capacity(t.rows.len());
    for i in 0..t.rows.len() {
        out.extend(agreement(&t.row(i), p, unreadable));
    }
    out
}

/// The agreement of one row; the id of an unreadable one goes to `unreadable`.
pub fn agreement(r: &Row, p: &mut Vec<Problem>, unreadable: &mut Vec<String>) -> Option<Agreement> {
    let id = r.text("agreement", p);
    let citizen = r.text("citizen", p);
    let municipality = r.text("municipality", p);
    let tilbud = r.reference("tilbud", p);
    let from = r.date("from", p);
    let to = if r.is_empty("to") {
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
        Some(Agreement {
            id,
            citizen: CitizenId::new(citizen),
            municipality,
            tilbud,
            from,
            to,
            agreed_tariff,
            origin: r.origin(),
        })
    } else {
        if !r.is_empty("agreement") {
            unreadable.push(r.get("agreement"));
        }
        None
    }
}

/// Shared ids: each distinct id is allocated once and then shared by
/// every need line that names it (an agreement's lines are consecutive;
/// there are few staff categories and bands).
///
/// The last id is remembered by its place in `ids`, so that a repeated id
/// costs one reference count, not three.
#[derive(Default)]
pub struct Ids {
    ids: Vec<Arc<str>>,
    seen: FxMap<Arc<str>, usize>,
    last: Option<usize>,
}

impl Ids {
    pub fn get(&mut self, id: &str) -> Arc<str> {
        if let Some(last) = self.last {
            if *self.ids[last] == *id {
                return self.ids[last].clone();
            }
        }
        let at = match self.seen.get(id) {
            Some(&at) => at,
            None => {
                let s: Arc<str> = Arc::from(id);
                self.ids.push(s.clone());
                self.seen.insert(s, self.ids.len() - 1);
                self.ids.len() - 1
            }
        };
        self.last = Some(at);
        self.ids[at].clone()
    }
}

/// The shared ids of the need lines of one file, per column.
#[derive(Default)]
pub struct NeedIds {
    agreement: Ids,
    staff: Ids,
    band: Ids,
}

/// The need lines of a table with the [`NEEDS`] columns.
pub fn needs(t: &Table, p: &mut Vec<Problem>) -> Vec<Need> {
    let mut out = Vec::with_capacity(t.rows.len());
    let mut ids = NeedIds::default();
    for i in 0..t.rows.len() {
        out.extend(need(&t.row(i), &mut ids, p));
    }
    out
}

/// The need line of one row.
pub fn need(r: &Row, ids: &mut NeedIds, p: &mut Vec<Problem>) -> Option<Need> {
    let agreement = r.id("agreement", &mut ids.agreement, p);
    let staff = r.id("staff", &mut ids.staff, p);
    let band = r.id("band", &mut ids.band, p);
    let hours = r.decimal("hours_per_week", p);
    let ratio_text = r.cell("ratio").as_str();
    let ratio = match ratio_text.as_deref() {
        None => Some(Ratio::default()),
        Some(text) => match parse_ratio(text) {
            Ok(x) => Some(x),
            Err(e) => {
                p.push(Problem::new(
                    Code::MalformedRatio,
                    r.pos("ratio"),
                    e.to_string(),
                ));
                None
            }
        },
    };
    let note = r.cell("note").as_str().map(Cow::into_owned);
    let (agreement, staff, band, hours_per_week, ratio) =
        (agreement?, staff?, band?, hours?, ratio?);
    Some(Need {
        agreement,
        staff,
        band,
        hours_per_week,
        ratio,
        note,
        origin: r.origin(),
    })
}
