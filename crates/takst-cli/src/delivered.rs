//! Streaming `delivered.csv` into a compare accumulator, on both cores.
//!
//! Responsible for: the file's dialect (via `dialect`), its header and which
//! row shape it has (`citizen,date,staff,band,hours` or
//! `citizen,staff,start,end`), splitting the file into two byte ranges at a
//! line break so that two threads parse it at once, parsing each record
//! without allocating (one reused `csv::ByteRecord` per thread), and
//! reporting malformed rows with file, line and column. Unknown citizens,
//! staff and bands are not problems: the accumulator counts them.
//!
//! Not responsible for: matching rows to agreements or summing hours
//! (`takst_core::compare`), splitting shifts over bands (`takst_core::clock`)
//! or rendering.
//!
//! Why the split is safe: a line break inside a quoted field would make the
//! second range start mid-record. The first thread follows the quoting of
//! its range as the `csv` reader does ([`dialect::QuoteState`]: a `"` opens
//! a quoted field only as the field's first byte, `""` inside one is a
//! quote); if its range ends inside a quoted field, both halves are thrown
//! away and the file is read again by one thread. (The parity of the `"`
//! bytes, used before, is not the quote state: `24"` in an unquoted field
//! is a literal quote, after which an even count can mean "inside".)
//!
//! Personal data: messages name the file, line and column of a bad row and
//! never repeat a citizen id.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use takst_core::clock::{self, Window};
use takst_core::compare::{day_number, pack, parse_hours_bytes, Accumulator, Day, Plan};
use takst_core::model::Pos;
use takst_core::problem::{Code, Problem};
use takst_core::text::{parse_date_bytes, parse_decimal, DecimalStyle};

use crate::dialect::{self, Dialect, Header};

/// Problems kept per thread; the rest are only counted.
const KEPT_PROBLEMS: usize = 100;
/// Files smaller than this are read by one thread.
const SPLIT_MIN_BYTES: u64 = 1 << 20;
/// The csv reader's buffer per thread.
const BUFFER: usize = 1 << 20;
/// How often (in rows) a thread reports progress.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Shared counters for a progress display.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: AtomicU64,
    pub rows: AtomicU64,
}

/// The columns of a delivered file.
#[derive(Debug, Clone, Copy)]
struct Columns {
    n: usize,
    citizen: usize,
    staff: usize,
    date: Option<(usize, usize, usize)>,
    clock: Option<(usize, usize)>,
}

const NAMES: [&str; 7] = ["citizen", "date", "staff", "band", "hours", "start", "end"];

/// What a scan produced.
pub struct Scanned {
    pub acc: Accumulator,
}

/// Everything a range scan needs that does not change.
struct Job<'a, 'e, 'm> {
    path: &'a Path,
    file: &'a str,
    dialect: Dialect,
    cols: Columns,
    plan: &'a Plan<'e, 'm>,
    windows: &'a [(usize, Window)],
    progress: Option<&'a Progress>,
}

/// The result of scanning one byte range.
struct RangeResult {
    acc: Accumulator,
    /// With line numbers relative to the range (first line = 1).
    problems: Vec<Problem>,
    bad: u64,
    /// The range ended outside quoted fields (counted ranges only).
    outside_quotes: bool,
    newlines: u64,
}

/// Read `path` (shown as `file` in messages) into an accumulator for `plan`.
/// `threads` is 1 or 2 (more are not used).
pub fn scan(
    path: &Path,
    file: &str,
    plan: &Plan,
    windows: &[(usize, Window)],
    threads: usize,
    progress: Option<&Progress>,
) -> Result<Scanned, Vec<Problem>> {
    let at = |line: u64, col: u64, field: &str| Pos::new(file, line, col, field);
    let io_problem = |e: io::Error| {
        vec![Problem::new(
            Code::Io,
            at(0, 0, ""),
            format!("cannot read the file: {}", crate::util::io_reason(&e)),
        )]
    };
    let mut f = File::open(path).map_err(io_problem)?;
    let len = f.metadata().map_err(io_problem)?.len();
    let mut head = Vec::with_capacity(dialect::HEAD_LEN);
    (&mut f)
        .take(dialect::HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io_problem)?;
    let complete = head.len() as u64 == len;
    let (dialect, start) = dialect::sniff_start(&head, complete);
    let header_line = 1 + u64::from(dialect.sep_line);

    // The header line ends at the first line break outside quotes (as the
    // `csv` reader quotes: a literal `5"` in a column name opens nothing).
    let rest = head.get(start..).unwrap_or_default();
    let mut quotes = dialect::QuoteState::new(dialect.delimiter);
    let mut end = None;
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', rest) {
        quotes.feed(&rest[from..=nl]);
        from = nl + 1;
        if quotes.outside_quotes() {
            end = Some(nl + 1);
            break;
        }
    }
    let header_len = match end {
        Some(e) => e,
        None if complete => rest.len(),
        None => {
            return Err(vec![Problem::new(
                Code::Syntax,
                at(header_line, 0, ""),
                format!(
                    "no end of the header line in the first {} bytes",
                    dialect::HEAD_LEN
                ),
            )])
        }
    };
    let header_bytes = rest.get(..header_len).unwrap_or_default();
    let mut text = String::new();
    dialect::decoding_reader(dialect.encoding, io::Cursor::new(header_bytes.to_vec()))
        .read_to_string(&mut text)
        .map_err(io_problem)?;
    let mut hr = dialect::csv_reader_builder(&dialect)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let header = match hr.read_record(&mut rec) {
        Ok(true) => Header::new(&rec),
        Ok(false) => Header::new(&csv::StringRecord::new()),
        Err(e) => {
            return Err(vec![Problem::new(
                Code::Syntax,
                at(header_line, 0, ""),
                format!("cannot read the header row: {e}"),
            )])
        }
    };
    let cols = columns(&header, rec.len()).map_err(|missing| {
        vec![Problem::new(
            Code::Missing,
            at(header_line, 0, missing),
            format!(
                "the header has no column `{missing}`; expected the columns citizen,date,staff,band,hours \
                 or citizen,staff,start,end"
            ),
        )]
    })?;
    let data_start = (start + header_len) as u64;
    let first_line = header_line + header_bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let job = Job {
        path,
        file,
        dialect,
        cols,
        plan,
        windows,
        progress,
    };

    let split = if threads >= 2 && len.saturating_sub(data_start) >= SPLIT_MIN_BYTES {
        split_point(&mut f, data_start + (len - data_start) / 2, len).map_err(io_problem)?
    } else {
        None
    };
    let (acc, mut problems, bad) = match split {
        Some(mid) => {
            let (a, b) = std::thread::scope(|s| {
                let second = s.spawn(|| scan_range(&job, mid, len, false));
                let first = scan_range(&job, data_start, mid, true);
                (first, second.join())
            });
            let a = a.map_err(io_problem)?;
            match b {
                Ok(Ok(b)) if a.outside_quotes => {
                    let mut problems = relocate(a.problems, first_line);
                    problems.extend(relocate(b.problems, first_line + a.newlines));
                    let mut acc = a.acc;
                    acc.merge(b.acc);
                    (acc, problems, a.bad + b.bad)
                }
                _ => {
                    // Split inside a quoted field (or the thread failed): once more, alone.
                    if let Some(p) = progress {
                        p.bytes.store(0, Ordering::Relaxed);
                        p.rows.store(0, Ordering::Relaxed);
                    }
                    let r = scan_range(&job, data_start, len, false).map_err(io_problem)?;
                    (r.acc, relocate(r.problems, first_line), r.bad)
                }
            }
        }
        None => {
            let r = scan_range(&job, data_start, len, false).map_err(io_problem)?;
            (r.acc, relocate(r.problems, first_line), r.bad)
        }
    };
    if bad > 0 {
        problems.sort_by_key(|p| (p.pos.line, p.pos.col));
        problems.truncate(KEPT_PROBLEMS);
        let listed = problems.iter().filter(|p| p.pos.line > 0).count() as u64;
        if bad > listed {
            problems.push(Problem::new(
                Code::Syntax,
                at(0, 0, ""),
                format!("{bad} malformed rows in all; the first {listed} are listed"),
            ));
        }
        return Err(problems);
    }
    Ok(Scanned { acc })
}

/// Read a workbook of delivered hours (`.xlsx`, sheet `sheet` or the first):
/// the sheet's cells are written as text (numbers with a decimal point,
/// dates as ISO dates, date-times as ISO timestamps) into a temporary CSV
/// file (readable by the owner only, removed when done), which is scanned
/// like any delivered file; every problem's position is then mapped back to
/// the sheet's row and column (`file: Ark1!E7`). A workbook is read whole,
/// unlike a CSV file, which is streamed: Excel holds at most 1,048,576 rows.
pub fn scan_workbook(
    path: &Path,
    file: &str,
    sheet: Option<&str>,
    plan: &Plan,
    windows: &[(usize, Window)],
) -> Result<Scanned, Vec<Problem>> {
    let io_problem = |e: io::Error| {
        vec![Problem::new(
            Code::Io,
            Pos::new(file, 0, 0, ""),
            format!("cannot read the file: {}", crate::util::io_reason(&e)),
        )]
    };
    let bytes = std::fs::read(path).map_err(io_problem)?;
    let sheet = crate::load::xlsx::read_sheet(file, &bytes, sheet).map_err(|p| vec![p])?;
    // Line k of the CSV text (1-based) is sheet row `rows[k - 1]`.
    let mut rows = Vec::with_capacity(sheet.rows.len());
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (i, (row, _)) in sheet.rows.iter().enumerate() {
        w.write_record(sheet.texts(i))
            .map_err(|e| io_problem(e.into()))?;
        rows.push(*row);
    }
    let text = w.into_inner().map_err(|e| io_problem(e.into_error()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".takst-delivered-")
        .suffix(".csv")
        .tempfile()
        .map_err(io_problem)?;
    io::Write::write_all(&mut tmp, &text).map_err(io_problem)?;
    let sheet_name: std::sync::Arc<str> = sheet.name.as_str().into();
    let in_sheet = |mut problems: Vec<Problem>| {
        for p in &mut problems {
            if p.pos.line > 0 {
                let row = usize::try_from(p.pos.line - 1)
                    .ok()
                    .and_then(|k| rows.get(k))
                    .copied()
                    .unwrap_or(p.pos.line);
                p.pos = Pos::in_sheet(
                    file,
                    sheet_name.clone(),
                    row,
                    p.pos.col,
                    p.pos.field.clone(),
                );
            }
        }
        problems
    };
    scan(tmp.path(), file, plan, windows, 1, None).map_err(in_sheet)
}

/// Line numbers of a range's problems made absolute.
fn relocate(mut problems: Vec<Problem>, first_line: u64) -> Vec<Problem> {
    for p in &mut problems {
        p.pos.line += first_line;
    }
    problems
}

/// The columns of the header, or the name of a missing one.
fn columns(h: &Header, n: usize) -> Result<Columns, &'static str> {
    let [citizen, date, staff, band, hours, start, end] = NAMES.map(|c| h.index(c));
    let citizen = citizen.ok_or("citizen")?;
    let staff = staff.ok_or("staff")?;
    let date_shape = match (date, band, hours) {
        (Some(d), Some(b), Some(hh)) => Some((d, b, hh)),
        _ => None,
    };
    let clock_shape = match (start, end) {
        (Some(s), Some(e)) => Some((s, e)),
        _ => None,
    };
    if date_shape.is_none() && clock_shape.is_none() {
        return Err(if start.is_some() || end.is_some() {
            if start.is_none() {
                "start"
            } else {
                "end"
            }
        } else if date.is_none() {
            "date"
        } else if band.is_none() {
            "band"
        } else {
            "hours"
        });
    }
    Ok(Columns {
        n,
        citizen,
        staff,
        date: date_shape,
        clock: clock_shape,
    })
}

/// The offset just after the first `\n` at or after `at`, if it is before `len`.
fn split_point(f: &mut File, at: u64, len: u64) -> io::Result<Option<u64>> {
    f.seek(SeekFrom::Start(at))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut pos = at;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            let mid = pos + i as u64 + 1;
            return Ok((mid < len).then_some(mid));
        }
        pos += n as u64;
    }
}

/// Follows the quoting of the bytes passing through and counts their `\n`
/// bytes.
struct Counting<R> {
    inner: R,
    /// Only the first range's counts are needed.
    count: bool,
    quotes: dialect::QuoteState,
    newlines: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.count {
            let b = &buf[..n];
            self.quotes.feed(b);
            self.newlines += b.iter().filter(|&&c| c == b'\n').count() as u64;
        }
        Ok(n)
    }
}

/// A shared handle to the counters, so they can be read after the csv
/// reader (which owns the reader) is done.
struct Shared(std::sync::Arc<std::sync::Mutex<Counting<io::Take<File>>>>);

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.lock() {
            Ok(mut c) => c.read(buf),
            Err(_) => Err(io::Error::other("reader lock poisoned")),
        }
    }
}

/// Parse the records in `[from, to)` of the file.
fn scan_range(job: &Job, from: u64, to: u64, count: bool) -> io::Result<RangeResult> {
    let mut f = File::open(job.path)?;
    f.seek(SeekFrom::Start(from))?;
    let counting = std::sync::Arc::new(std::sync::Mutex::new(Counting {
        inner: f.take(to - from),
        count,
        quotes: dialect::QuoteState::new(job.dialect.delimiter),
        newlines: 0,
    }));
    let reader = CrlfToLf::new(dialect::decoding_reader(
        job.dialect.encoding,
        Shared(counting.clone()),
    ));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(job.dialect.delimiter)
        .has_headers(false)
        .flexible(true)
        .quote(b'"')
        .double_quote(true)
        .buffer_capacity(BUFFER)
        .from_reader(reader);
    let mut rows = RowParser {
        job,
        acc: Accumulator::new(job.plan),
        problems: Vec::new(),
        bad: 0,
        style: job.dialect.decimal,
        last_date: None,
        last_day: None,
    };
    let mut rec = csv::ByteRecord::new();
    // Problems from this index on are those of the last record read.
    let mut last_record_problems = 0;
    let mut since = 0u64;
    let mut reported_bytes = 0u64;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                last_record_problems = rows.problems.len();
                rows.row(&rec, rdr.position().line());
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(io::Error::other(e.to_string()));
                }
                rows.problem(
                    line,
                    0,
                    "",
                    Code::Syntax,
                    format!("cannot read this row: {e}"),
                );
            }
        }
        since += 1;
        if since == PROGRESS_EVERY {
            if let Some(p) = job.progress {
                let b = rdr.position().byte();
                p.bytes.fetch_add(b - reported_bytes, Ordering::Relaxed);
                p.rows.fetch_add(since, Ordering::Relaxed);
                reported_bytes = b;
            }
            since = 0;
        }
    }
    if let Some(p) = job.progress {
        p.bytes.fetch_add(
            rdr.position().byte().saturating_sub(reported_bytes),
            Ordering::Relaxed,
        );
        p.rows.fetch_add(since, Ordering::Relaxed);
    }
    // `record_line` takes every record to end with a line break; the last
    // one of a file without a final line break does not.
    if rdr.into_inner().last != Some(b'\n') {
        for p in rows.problems.iter_mut().skip(last_record_problems) {
            p.pos.line += 1;
        }
    }
    let (outside_quotes, newlines) = match counting.lock() {
        Ok(c) => (c.quotes.outside_quotes(), c.newlines),
        Err(_) => return Err(io::Error::other("reader lock poisoned")),
    };
    Ok(RangeResult {
        acc: rows.acc,
        problems: rows.problems,
        bad: rows.bad,
        outside_quotes,
        newlines,
    })
}

/// The line (1-based, within the range) on which a record starts: the
/// reader's count of line breaks after it, less those inside its fields and
/// the one that ended it. (The csv crate's own record position is where it
/// started reading, before any blank lines and, in a CRLF file, before the
/// `\n` of the previous line end, so it can be too low; hence also the
/// CRLF → LF normalisation in [`CrlfToLf`].) Only called for bad rows.
#[cold]
fn record_line(rec: &csv::ByteRecord, end_line: u64) -> u64 {
    let inside = rec.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    end_line.saturating_sub(inside + 1).max(1)
}

/// Turns every `\r\n` into `\n` as the bytes pass, so that each record
/// ends with exactly one `\n` that the csv reader consumes with it (it
/// stops at the `\r` of a CRLF and reads the `\n` with the next record).
/// A chunk without `\r` passes untouched; otherwise the bytes are moved
/// down in place. A `\r` at the end of a chunk waits for the next one.
/// `\n` bytes are never added or removed, so line counts stay those of the
/// file. Remembers the last byte it passed on.
struct CrlfToLf<R> {
    inner: R,
    pending_cr: bool,
    last: Option<u8>,
}

impl<R> CrlfToLf<R> {
    fn new(inner: R) -> CrlfToLf<R> {
        CrlfToLf {
            inner,
            pending_cr: false,
            last: None,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() < 2 {
            // Too small to hold a held-back `\r` and more; never used by csv.
            if self.pending_cr && !buf.is_empty() {
                self.pending_cr = false;
                buf[0] = b'\r';
                self.last = Some(b'\r');
                return Ok(1);
            }
            let n = self.inner.read(buf)?;
            if n > 0 {
                self.last = Some(buf[n - 1]);
            }
            return Ok(n);
        }
        loop {
            let held = usize::from(self.pending_cr);
            if self.pending_cr {
                buf[0] = b'\r';
                self.pending_cr = false;
            }
            let n = self.inner.read(&mut buf[held..])?;
            if n == 0 {
                if held == 1 {
                    self.last = Some(b'\r');
                }
                return Ok(held);
            }
            let mut end = held + n;
            if buf[end - 1] == b'\r' {
                self.pending_cr = true;
                end -= 1;
            }
            let w = if buf[..end].contains(&b'\r') {
                let (mut w, mut r) = (0, 0);
                while let Some(i) = buf[r..end].iter().position(|&b| b == b'\r') {
                    let i = r + i;
                    // Keep a lone `\r`; drop the `\r` of `\r\n`.
                    let keep = if i + 1 < end && buf[i + 1] == b'\n' {
                        i
                    } else {
                        i + 1
                    };
                    buf.copy_within(r..keep, w);
                    w += keep - r;
                    r = i + 1;
                }
                buf.copy_within(r..end, w);
                w + (end - r)
            } else {
                end
            };
            if w > 0 {
                self.last = Some(buf[w - 1]);
                return Ok(w);
            }
            // Only a held-back `\r` so far: read on.
        }
    }
}

struct RowParser<'j, 'a, 'e, 'm> {
    job: &'j Job<'a, 'e, 'm>,
    acc: Accumulator,
    problems: Vec<Problem>,
    bad: u64,
    style: DecimalStyle,
    last_date: Option<u128>,
    last_day: Option<Day>,
}

impl RowParser<'_, '_, '_, '_> {
    /// A problem at `line` (relative to the range, 0-based until relocated).
    #[cold]
    fn problem(&mut self, line: u64, col: usize, field: &str, code: Code, msg: String) {
        self.bad += 1;
        if self.problems.len() < KEPT_PROBLEMS {
            let col = if field.is_empty() { 0 } else { col as u64 + 1 };
            self.problems.push(Problem::new(
                code,
                Pos::new(self.job.file, line.saturating_sub(1), col, field),
                msg,
            ));
        }
    }

    /// One record; `end_line` is the reader's line count just after it.
    #[inline]
    fn row(&mut self, rec: &csv::ByteRecord, end_line: u64) {
        let cols = self.job.cols;
        let line = || record_line(rec, end_line);
        if rec.len() != cols.n {
            if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
                return; // a blank line
            }
            let msg = format!(
                "found {} fields, expected {} as in the header",
                rec.len(),
                cols.n
            );
            self.problem(line(), 0, "", Code::Syntax, msg);
            return;
        }
        let field = |i: usize| rec.get(i).unwrap_or_default().trim_ascii();
        let citizen = field(cols.citizen);
        if citizen.is_empty() {
            self.problem(
                line(),
                cols.citizen,
                "citizen",
                Code::Missing,
                "`citizen` is empty; expected a citizen id".into(),
            );
            return;
        }
        let staff = field(cols.staff);
        let clock_row = match (cols.date, cols.clock) {
            (Some(_), Some((s, _))) => !field(s).is_empty(),
            (None, Some(_)) => true,
            _ => false,
        };
        if clock_row {
            if let Some((s, e)) = cols.clock {
                self.shift(line(), citizen, staff, (s, field(s)), (e, field(e)));
            }
            return;
        }
        let Some((dc, bc, hc)) = cols.date else {
            return;
        };
        let date = field(dc);
        let key = pack(date);
        let day = if key.is_some() && key == self.last_date {
            self.last_day
        } else {
            let d = parse_date_bytes(date).map(day_number);
            self.last_date = key;
            self.last_day = d;
            d
        };
        let hours = parse_hours_bytes(field(hc), self.style);
        match (day, hours) {
            (Some(day), Some(h)) if !h.is_negative() => {
                self.acc
                    .add_row(self.job.plan, citizen, day, staff, field(bc), h);
            }
            _ => self.bad_date_row(line(), (dc, date), (hc, field(hc)), day.is_none()),
        }
    }

    #[cold]
    fn bad_date_row(
        &mut self,
        line: u64,
        (dc, date): (usize, &[u8]),
        (hc, hours): (usize, &[u8]),
        bad_date: bool,
    ) {
        if bad_date {
            let s = String::from_utf8_lossy(date);
            let msg = match takst_core::text::parse_date(&s) {
                Err(e) => e.to_string(),
                Ok(_) => format!("found `{s}`, expected a date like 2025-03-01"),
            };
            self.problem(line, dc, "date", Code::MalformedDate, msg);
        }
        let s = String::from_utf8_lossy(hours);
        match parse_decimal(&s, self.style) {
            Err(e) => self.problem(line, hc, "hours", Code::MalformedNumber, e.to_string()),
            Ok(d) if d.is_sign_negative() && !d.is_zero() => self.problem(
                line,
                hc,
                "hours",
                Code::Negative,
                format!("found {d}, expected 0 or more staff hours"),
            ),
            Ok(_) => {}
        }
    }

    #[cold]
    fn shift(
        &mut self,
        line: u64,
        citizen: &[u8],
        staff: &[u8],
        (sc, start): (usize, &[u8]),
        (ec, end): (usize, &[u8]),
    ) {
        let parse = |b: &[u8]| clock::parse_timestamp(&String::from_utf8_lossy(b));
        let (s, e) = match (parse(start), parse(end)) {
            (Ok(s), Ok(e)) => (s, e),
            (s, e) => {
                if let Err(x) = s {
                    self.problem(line, sc, "start", Code::MalformedDate, x.to_string());
                }
                if let Err(x) = e {
                    self.problem(line, ec, "end", Code::MalformedDate, x.to_string());
                }
                return;
            }
        };
        match clock::split_shift(s, e, self.job.windows) {
            Ok(split) => self.acc.add_shift(self.job.plan, citizen, staff, &split),
            Err(x) => self.problem(line, ec, "end", Code::OutOfRange, x.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes per read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn crlf_becomes_lf_across_any_chunking() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"a\r\nb\r\n", b"a\nb\n"),
            (b"a\nb", b"a\nb"),
            (b"\r\n\r\n", b"\n\n"),
            (b"a\rb\r", b"a\rb\r"),
            (b"a\r\r\nb", b"a\r\nb"),
            (b"", b""),
        ];
        for (input, want) in cases {
            for step in 1..=input.len().max(1) {
                for cap in [2usize, 3, 64] {
                    let mut r = CrlfToLf::new(Trickle(input, step));
                    let mut out = Vec::new();
                    let mut buf = vec![0u8; cap];
                    loop {
                        let n = r.read(&mut buf).unwrap();
                        if n == 0 {
                            break;
                        }
                        out.extend_from_slice(&buf[..n]);
                    }
                    assert_eq!(out, want, "{input:?} step {step} cap {cap}");
                    assert_eq!(r.last, want.last().copied());
                }
            }
        }
    }
}
