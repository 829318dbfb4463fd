//! How a CSV file is written: separator, decimal style, text encoding, byte
//! order mark and Excel's `sep=` line, detected from the start of the file so
//! that files saved by Danish Excel are read as they are.
//!
//! Responsible for: sniffing the dialect from the first bytes, turning a file
//! into UTF-8 text (whole, or streamed for large files) without its BOM and
//! `sep=` line, configuring the `csv` reader, and finding columns by name.
//!
//! Not responsible for: parsing field values (that is `takst_core::text`),
//! knowing which columns a file must have, or reporting errors with file
//! positions (callers add `line_offset` to the CSV reader's line numbers).
//!
//! Rules: a `sep=X` first line (any single ASCII character X other than a
//! quote or line break) fixes the separator. Otherwise the header line (the
//! first line after an optional `sep=` line) is searched for `;`, `\t` and `,`
//! outside quotes and the most frequent wins; ties go to `;`, then tab, then
//! `,`, and a header without any of them means `;`. Only `;` implies a decimal
//! comma (with `.` thousands separators); every other separator implies a
//! decimal point. Text that is valid UTF-8 (with or without BOM) is UTF-8;
//! otherwise it is Windows-1252, which always decodes (æøå come through).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use encoding_rs::WINDOWS_1252;
use takst_core::text::DecimalStyle;

/// How many bytes [`streaming_reader`] reads to sniff the dialect.
pub const HEAD_LEN: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text encoding of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    Windows1252,
}

/// How a CSV file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// The field separator: `;`, `,`, tab, or whatever a `sep=` line says.
    pub delimiter: u8,
    /// How numbers in the file are written; follows from the delimiter.
    pub decimal: DecimalStyle,
    pub encoding: Encoding,
    /// The file starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// The file starts (after any BOM) with an Excel `sep=X` line.
    pub sep_line: bool,
}

impl Default for Dialect {
    /// Danish Excel: `;` with decimal comma, UTF-8, no BOM, no `sep=` line.
    fn default() -> Self {
        Dialect {
            delimiter: b';',
            decimal: DecimalStyle::Comma,
            encoding: Encoding::Utf8,
            bom: false,
            sep_line: false,
        }
    }
}

/// The decimal style a separator implies: only `;` goes with a decimal comma.
pub fn decimal_style_for(delimiter: u8) -> DecimalStyle {
    if delimiter == b';' {
        DecimalStyle::Comma
    } else {
        DecimalStyle::Point
    }
}

/// The delimiter of an Excel `sep=X` line at the start of `b`, and the length
/// of that line including its line ending.
fn sep_line(b: &[u8]) -> Option<(u8, usize)> {
    let prefix = b.get(..4)?;
    if !prefix.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = *b.get(4)?;
    if !delimiter.is_ascii() || matches!(delimiter, b'\r' | b'\n' | b'"') {
        return None;
    }
    let ending = match b.get(5..).unwrap_or_default() {
        [] => 0,
        [b'\n', ..] => 1,
        [b'\r', b'\n', ..] => 2,
        _ => return None,
    };
    Some((delimiter, 5 + ending))
}

/// The separator the header line at the start of `b` uses (see the module rules).
fn header_delimiter(b: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b';', b'\t', b','];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &c in b {
        match c {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&d| d == c) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = (b';', 0usize);
    for (delimiter, count) in CANDIDATES.into_iter().zip(counts) {
        if count > best.1 {
            best = (delimiter, count);
        }
    }
    best.0
}

/// The dialect of a file starting with `head`, and where its CSV text (the
/// header line) starts. `complete` says `head` is the whole file, so a UTF-8
/// sequence cut off at its end is an encoding error, not a cut.
fn sniff_with_start(head: &[u8], complete: bool) -> (Dialect, usize) {
    let bom = head.starts_with(UTF8_BOM);
    let mut start = if bom { UTF8_BOM.len() } else { 0 };
    let after_bom = head.get(start..).unwrap_or_default();

    let encoding = match std::str::from_utf8(after_bom) {
        _ if bom => Encoding::Utf8,
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() && !complete => Encoding::Utf8,
        Err(_) => Encoding::Windows1252,
    };

    let (delimiter, sep_line) = match sep_line(after_bom) {
        Some((delimiter, len)) => {
            start += len;
            (delimiter, true)
        }
        None => (
            header_delimiter(head.get(start..).unwrap_or_default()),
            false,
        ),
    };

    let dialect = Dialect {
        delimiter,
        decimal: decimal_style_for(delimiter),
        encoding,
        bom,
        sep_line,
    };
    (dialect, start)
}

/// Detects the dialect from the first bytes of a file (a few KB is enough;
/// [`HEAD_LEN`] is what [`streaming_reader`] uses). The encoding is judged
/// from `head` alone: invalid UTF-8 in it means Windows-1252, and a UTF-8
/// sequence cut off at the very end of `head` is taken as a cut, not an error.
/// A UTF-8 BOM always means UTF-8.
pub fn sniff(head: &[u8]) -> Dialect {
    sniff_with_start(head, false).0
}

/// A whole file as UTF-8 text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The CSV text, from the header line on: no BOM, no `sep=` line.
    /// Borrowed from the bytes when they are UTF-8 already.
    pub text: Cow<'a, str>,
    pub dialect: Dialect,
    /// Physical lines of the file before the CSV header: 1 when a `sep=` line
    /// was removed, else 0. Add it to the CSV reader's line numbers.
    pub line_offset: u64,
}

/// Detects the dialect of a whole (small) file and decodes it. Never fails:
/// Windows-1252 decodes every byte, and invalid UTF-8 in a file with a UTF-8
/// BOM becomes U+FFFD.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    // The separator and any BOM or `sep=` line from the head; the encoding
    // from the whole file, checked once: without a BOM, any invalid UTF-8
    // means Windows-1252.
    let head = &bytes[..bytes.len().min(HEAD_LEN)];
    let (mut dialect, start) = sniff_with_start(head, head.len() == bytes.len());
    let body = bytes.get(start..).unwrap_or_default();
    let windows_1252 = |body| WINDOWS_1252.decode_without_bom_handling(body).0;
    let text = match dialect.encoding {
        Encoding::Utf8 if dialect.bom => String::from_utf8_lossy(body),
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                dialect.encoding = Encoding::Windows1252;
                windows_1252(body)
            }
        },
        Encoding::Windows1252 => windows_1252(body),
    };
    Decoded {
        text,
        dialect,
        line_offset: u64::from(dialect.sep_line),
    }
}

/// A `csv` reader configured for `d`: its delimiter, a header row, every
/// record the same length as the header, fields not trimmed, `"` quoting.
pub fn csv_reader_builder(d: &Dialect) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(d.delimiter)
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::None)
        .quote(b'"')
        .double_quote(true);
    builder
}

/// Where `parts` consecutive pieces of `body` (CSV records after the
/// header, line ends `\n`) begin and end, cut by size at the start of a
/// record: `parts + 1` offsets from 0 to `body.len()`, never decreasing (a
/// piece can be empty when records are longer than a piece).
///
/// A line break inside a quoted field is not the end of a record, and the
/// quoting is followed exactly as the `csv` reader does it (the rules are
/// [`opens_quoted_field`] and [`quoted_field_end`], shared with
/// [`QuoteState`]): a `"` opens a quoted field only as the field's first
/// byte, `""` inside one is a quote, and after the closing `"` the field
/// goes on unquoted; a lone `\r` is a line end too, so a `"` after it opens
/// a field (old Mac files), though cuts are made only after a `\n`.
/// (Counting the `"` bytes is not enough: `24"` in an unquoted field is a
/// literal quote.) So a piece read on its own gives the records a reader of
/// the whole body would.
pub fn record_cuts(body: &[u8], delimiter: u8, parts: usize) -> Vec<usize> {
    use memchr::memchr;
    let parts = parts.max(1);
    let mut cuts = Vec::with_capacity(parts + 1);
    cuts.push(0);
    // `i`: a position outside quotes. Only a `"` can change that, so the
    // search jumps from quote to quote; the line breaks in between are
    // record ends.
    let mut i = 0;
    while cuts.len() < parts {
        let target = body.len() * cuts.len() / parts;
        let quote = memchr(b'"', &body[i..]).map_or(body.len(), |k| i + k);
        let last = cuts[cuts.len() - 1];
        let from = i.max(target.saturating_sub(1)).max(last).min(quote);
        if let Some(k) = memchr(b'\n', &body[from..quote]) {
            cuts.push(from + k + 1);
            continue;
        }
        if quote == body.len() {
            break;
        }
        i = quote + 1;
        if quote > 0 && !opens_quoted_field(body[quote - 1], delimiter) {
            // A literal `"` inside an unquoted field.
            continue;
        }
        match quoted_field_end(body, i) {
            QuotedField::Closed(end) => i = end,
            // The body ends inside the field or with its closing quote.
            QuotedField::Open | QuotedField::QuoteAtEnd => break,
        }
    }
    cuts.resize(parts + 1, body.len());
    cuts
}

/// Whether a `"` right after the byte `before` opens a quoted field, as the
/// `csv` reader decides it: only as a field's first byte, that is after a
/// delimiter or a line end (`\n` or `\r`, its default terminators) or at
/// the start of the text. Any other `"` is a literal character of an
/// unquoted field.
fn opens_quoted_field(before: u8, delimiter: u8) -> bool {
    matches!(before, b'\n' | b'\r') || before == delimiter
}

/// How a quoted field goes on in `bytes` from offset `i`, inside it.
enum QuotedField {
    /// Closed by a `"` not doubled; the offset just after it.
    Closed(usize),
    /// The bytes end inside the field.
    Open,
    /// The bytes end with a `"`: a closing one, unless the next byte (not
    /// in `bytes`) is another `"`.
    QuoteAtEnd,
}

/// Where the quoted field containing offset `i` of `bytes` ends: inside it
/// `""` is a quote and the first other `"` closes it (after which the field
/// goes on unquoted until a delimiter or a line end).
fn quoted_field_end(bytes: &[u8], mut i: usize) -> QuotedField {
    loop {
        let Some(k) = memchr::memchr(b'"', &bytes[i..]) else {
            return QuotedField::Open;
        };
        let q = i + k;
        match bytes.get(q + 1) {
            Some(b'"') => i = q + 2,
            Some(_) => return QuotedField::Closed(q + 1),
            None => return QuotedField::QuoteAtEnd,
        }
    }
}

/// Whether a position in a CSV text is inside a quoted field, followed
/// through the text fed in consecutive chunks of any size, by the rules of
/// [`record_cuts`] ([`opens_quoted_field`], [`quoted_field_end`]). Counting
/// the `"` bytes is not enough: `24"` in an unquoted field is a literal
/// quote, after which the parity is wrong.
#[derive(Debug, Clone)]
pub struct QuoteState {
    delimiter: u8,
    quoted: bool,
    /// Inside a quoted field, the last byte fed was a `"`: a `"` next is an
    /// escaped quote, anything else means the field was closed.
    pending: bool,
    /// The last byte fed (a line end at the start).
    prev: u8,
}

impl QuoteState {
    /// At the start of a record.
    pub fn new(delimiter: u8) -> QuoteState {
        QuoteState {
            delimiter,
            quoted: false,
            pending: false,
            prev: b'\n',
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        use memchr::memchr;
        let Some(&last) = bytes.last() else {
            return;
        };
        let mut i = 0;
        if self.pending {
            self.pending = false;
            if bytes[0] == b'"' {
                i = 1;
            } else {
                self.quoted = false;
            }
        }
        loop {
            if self.quoted {
                match quoted_field_end(bytes, i) {
                    QuotedField::Closed(end) => {
                        self.quoted = false;
                        i = end;
                    }
                    QuotedField::Open => break,
                    QuotedField::QuoteAtEnd => {
                        self.pending = true;
                        break;
                    }
                }
            }
            // Outside quotes: only the next `"` can change that.
            let Some(k) = memchr(b'"', &bytes[i..]) else {
                break;
            };
            let q = i + k;
            i = q + 1;
            let before = if q == 0 { self.prev } else { bytes[q - 1] };
            self.quoted = opens_quoted_field(before, self.delimiter);
        }
        self.prev = last;
    }

    /// After the text fed so far, a reader is not inside a quoted field (a
    /// closing `"` at the very end counts as inside until the next byte).
    pub fn outside_quotes(&self) -> bool {
        !self.quoted
    }
}

/// Opens a (possibly large) file for streaming: sniffs the dialect from its
/// first [`HEAD_LEN`] bytes and returns a reader of UTF-8 text starting at the
/// header line (BOM and `sep=` line skipped). Windows-1252 is decoded on the
/// fly. For UTF-8 the reader is the sniffed head chained to the file itself,
/// unbuffered and uncopied: the `csv` reader does its own buffering.
///
/// The encoding is decided from the head only; if a file judged UTF-8 holds
/// invalid UTF-8 later on, the `csv` reader reports it for that record.
pub fn streaming_reader(path: &Path) -> io::Result<(Dialect, Box<dyn Read + Send>)> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file).take(HEAD_LEN as u64).read_to_end(&mut head)?;
    let complete = head.len() < HEAD_LEN;
    let (dialect, start) = sniff_with_start(&head, complete);
    head.drain(..start.min(head.len()));
    let rest = io::Cursor::new(head).chain(file);
    let reader: Box<dyn Read + Send> = match dialect.encoding {
        Encoding::Utf8 => Box::new(rest),
        Encoding::Windows1252 => Box::new(Windows1252Reader::new(rest)),
    };
    Ok((dialect, reader))
}

/// The dialect of a file starting with `head`, and the byte offset of its
/// header line (after any BOM and `sep=` line); `complete` says `head` is the
/// whole file. For readers that split a large file into byte ranges.
pub fn sniff_start(head: &[u8], complete: bool) -> (Dialect, usize) {
    sniff_with_start(head, complete)
}

/// `inner` as UTF-8 text: decoded on the fly for Windows-1252, as is for
/// UTF-8. Windows-1252 is a single-byte encoding, so any byte range of a
/// file can be decoded on its own.
pub fn decoding_reader<R: Read + Send + 'static>(
    encoding: Encoding,
    inner: R,
) -> Box<dyn Read + Send> {
    match encoding {
        Encoding::Utf8 => Box::new(inner),
        Encoding::Windows1252 => Box::new(Windows1252Reader::new(inner)),
    }
}

/// Decodes a Windows-1252 byte stream to UTF-8 as it is read.
struct Windows1252Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    output: Vec<u8>,
    output_pos: usize,
    eof: bool,
}

impl<R: Read> Windows1252Reader<R> {
    const CHUNK: usize = 16 * 1024;

    fn new(inner: R) -> Self {
        Windows1252Reader {
            inner,
            decoder: WINDOWS_1252.new_decoder_without_bom_handling(),
            input: vec![0; Self::CHUNK].into_boxed_slice(),
            output: Vec::new(),
            output_pos: 0,
            eof: false,
        }
    }

    /// Reads and decodes the next chunk into `output`.
    fn refill(&mut self) -> io::Result<()> {
        let n = loop {
            match self.inner.read(&mut self.input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.eof = n == 0;
        let input = self.input.get(..n).unwrap_or_default();
        // Windows-1252 needs at most 3 UTF-8 bytes per input byte.
        let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(3 * n + 16);
        self.output.clear();
        self.output.resize(room, 0);
        let (_, _, written, _) = self
            .decoder
            .decode_to_utf8(input, &mut self.output, self.eof);
        self.output.truncate(written);
        self.output_pos = 0;
        Ok(())
    }
}

impl<R: Read> Read for Windows1252Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let pending = self.output.get(self.output_pos..).unwrap_or_default();
            if !pending.is_empty() {
                let n = pending.len().min(buf.len());
                buf[..n].copy_from_slice(&pending[..n]);
                self.output_pos += n;
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
    }
}

/// The header row of a CSV file, for finding columns by name: names are
/// trimmed and lowercased, so lookups ignore case, surrounding whitespace,
/// column order and extra columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    names: Vec<String>,
}

fn normalize(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

impl Header {
    pub fn new(record: &csv::StringRecord) -> Header {
        Header {
            names: record.iter().map(normalize).collect(),
        }
    }

    /// The index of the first column called `name` (case-insensitive).
    pub fn index(&self, name: &str) -> Option<usize> {
        let name = normalize(name);
        self.names.iter().position(|n| *n == name)
    }

    /// The normalized names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The first non-empty name that occurs more than once, if any; [`Header::index`]
    /// would silently use the first such column.
    pub fn duplicate(&self) -> Option<&str> {
        self.names
            .iter()
            .enumerate()
            .find(|(i, n)| !n.is_empty() && self.names[..*i].contains(n))
            .map(|(_, n)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::str::FromStr;
    use takst_core::text::parse_decimal;

    use rust_decimal::Decimal;
    use DecimalStyle::{Comma, Point};

    /// Every record of `bytes` (fields as text), read by the `csv` crate.
    fn records(bytes: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        rdr.byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn record_cuts_follow_quotes_not_quote_counts() {
        // `5"` is a literal quote, so the line break inside "x\ny" is
        // quoted although an even number of quotes comes before it.
        let body = b"a,5\"\nb,\"x\ny\"\nc,d\n";
        for parts in 1..=body.len() {
            let cuts = record_cuts(body, b',', parts);
            assert_eq!(cuts.len(), parts + 1);
            assert!(!cuts.contains(&10), "cut inside the quoted field: {cuts:?}");
        }
        assert_eq!(record_cuts(body, b',', 2), [0, 13, 17]);
        assert_eq!(record_cuts(body, b',', 4), [0, 5, 13, 17, 17]);
        assert_eq!(record_cuts(b"", b',', 3), [0, 0, 0, 0]);
    }

    #[test]
    fn record_cuts_take_a_lone_cr_as_a_line_end() {
        // As the csv reader does: after `\r` (old Mac line ends), `"` opens
        // a quoted field, so the `\n` inside "x\ny" ends no record.
        let body = b"a,b\r\"x\ny\"\rc,d\n";
        for parts in 1..=body.len() {
            let cuts = record_cuts(body, b',', parts);
            assert!(!cuts.contains(&7), "cut inside the quoted field: {cuts:?}");
        }
        assert_eq!(record_cuts(body, b',', 2), [0, 14, 14]);
    }

    /// The quote state byte by byte, as the `csv` reader moves: the
    /// reference for [`QuoteState`].
    fn quoted_after(body: &[u8], delimiter: u8) -> bool {
        let (mut quoted, mut field_start, mut i) = (false, true, 0);
        while i < body.len() {
            let c = body[i];
            if quoted {
                if c == b'"' {
                    if body.get(i + 1) == Some(&b'"') {
                        i += 1;
                    } else if i + 1 < body.len() {
                        quoted = false;
                    }
                }
            } else if c == b'"' && field_start {
                quoted = true;
            }
            field_start = matches!(c, b'\n' | b'\r') || c == delimiter;
            i += 1;
        }
        quoted
    }

    fn fed(body: &[u8], chunks: &[usize], delimiter: u8) -> QuoteState {
        let mut q = QuoteState::new(delimiter);
        let mut at = 0usize;
        for &n in chunks.iter().chain(std::iter::once(&usize::MAX)) {
            let end = at.saturating_add(n).min(body.len());
            q.feed(&body[at..end]);
            at = end;
        }
        q
    }

    #[test]
    fn quote_state_follows_quotes_not_quote_counts() {
        let body = b"a,5\"\nb,\"x\ny\"\nc,d\n";
        // After `b,"x\n` (9 bytes and the line break): inside the quotes,
        // although two quotes came before.
        assert!(!fed(&body[..10], &[], b',').outside_quotes());
        assert!(fed(&body[..5], &[], b',').outside_quotes());
        assert!(fed(body, &[], b',').outside_quotes());
        // A doubled quote split between two chunks stays inside the field.
        assert!(!fed(b"a,\"x\"\"\n", &[4], b',').outside_quotes());
        assert!(!fed(b"a,\"x\"\"\n", &[5], b',').outside_quotes());
        // A closing quote at a chunk's end, then a line end.
        assert!(fed(b"a,\"x\"\n", &[5], b',').outside_quotes());
        // A quote right after a chunk that ended with a delimiter opens a field.
        assert!(!fed(b"a,\"x\n", &[2], b',').outside_quotes());
        assert!(fed(b"a;\"x\n", &[2], b',').outside_quotes());
    }

    #[test]
    fn quote_state_across_chunk_boundaries() {
        // A chunk ending right after an opening quote: still inside at the
        // line break in the next chunk, outside after the closing quote.
        let body = b"a,\"x\ny\"\n";
        for chunks in [&[3][..], &[1, 2], &[3, 1, 1], &[2, 1, 2, 1]] {
            assert!(!fed(&body[..5], chunks, b',').outside_quotes());
            assert!(fed(body, chunks, b',').outside_quotes());
        }
        // An empty quoted field cut after its opening quote.
        assert!(fed(b"a,\"\"\n", &[3], b',').outside_quotes());
        // Opening quote, then a doubled quote in the next chunk: inside.
        assert!(!fed(b"a,\"\"\"\n", &[3], b',').outside_quotes());
        assert!(!fed(b"a,\"\"\"\n", &[3, 1], b',').outside_quotes());
        // The two quotes of a `""` in separate chunks, then more text.
        assert!(!fed(b"a,\"x\"\"y\n", &[4, 1], b',').outside_quotes());
        assert!(fed(b"a,\"x\"\"y\"\n", &[4, 1], b',').outside_quotes());
        // A literal quote at the start of a chunk (the byte before it, in
        // the previous chunk, is not a field start).
        assert!(fed(b"a,5\"\nb\n", &[3], b',').outside_quotes());
        assert!(fed(b"a,5\"x\ny\n", &[3], b',').outside_quotes());
        // A quote after a chunk ending with `\r` (a line end) opens a field.
        assert!(!fed(b"a\r\"x\n", &[2], b',').outside_quotes());
        // Empty chunks change nothing.
        assert!(!fed(b"a,\"x\"\"\n", &[0, 4, 0, 0, 1, 0], b',').outside_quotes());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]
        /// Fed in chunks of any sizes, the quote state after every byte is
        /// that of the byte-by-byte reference.
        #[test]
        fn quote_state_in_any_chunks(
            body in proptest::collection::vec(proptest::sample::select(b"ab;,\"\n\r".to_vec()), 0..200),
            chunks in proptest::collection::vec(0usize..9, 0..40),
            delimiter in proptest::sample::select(vec![b',', b';']),
        ) {
            for end in 0..=body.len() {
                let q = fed(&body[..end], &chunks, delimiter);
                proptest::prop_assert_eq!(
                    q.outside_quotes(),
                    !quoted_after(&body[..end], delimiter),
                    "after {:?}", String::from_utf8_lossy(&body[..end])
                );
            }
        }

        /// Against the `csv` crate itself: wherever, fed in chunks of any
        /// sizes, the state says a line break is outside quotes, the text
        /// read in two pieces split after it gives the records of the whole
        /// text (the split is safe); where it says inside, it does not.
        #[test]
        fn quote_state_splits_as_the_csv_reader_reads(
            body in proptest::collection::vec(proptest::sample::select(b"ab;,\"\n\r".to_vec()), 0..200),
            chunks in proptest::collection::vec(0usize..9, 0..40),
            delimiter in proptest::sample::select(vec![b',', b';']),
        ) {
            let whole = records(&body, delimiter);
            for (i, _) in body.iter().enumerate().filter(|(_, &c)| c == b'\n') {
                let (first, second) = body.split_at(i + 1);
                let outside = fed(first, &chunks, delimiter).outside_quotes();
                let mut halves = records(first, delimiter);
                halves.extend(records(second, delimiter));
                if outside || !second.is_empty() {
                    proptest::prop_assert_eq!(
                        halves == whole,
                        outside,
                        "split after {:?}",
                        String::from_utf8_lossy(first)
                    );
                }
            }
        }

        /// Read part by part, the records are those of the whole body,
        /// whatever the quotes, doubled quotes, literal quotes, quoted line
        /// breaks and blank lines.
        #[test]
        fn parts_read_as_the_whole(
            body in proptest::collection::vec(proptest::sample::select(b"ab;,\"\n\r".to_vec()), 0..300),
            parts in 1usize..6,
            delimiter in proptest::sample::select(vec![b',', b';']),
        ) {
            let cuts = record_cuts(&body, delimiter, parts);
            proptest::prop_assert_eq!(cuts.len(), parts + 1);
            proptest::prop_assert!(cuts.windows(2).all(|w| w[0] <= w[1]));
            proptest::prop_assert_eq!(cuts[parts], body.len());
            let pieces: Vec<_> = cuts
                .windows(2)
                .flat_map(|w| records(&body[w[0]..w[1]], delimiter))
                .collect();
            proptest::prop_assert_eq!(pieces, records(&body, delimiter));
        }
    }

    fn dialect(delimiter: u8, encoding: Encoding, bom: bool, sep_line: bool) -> Dialect {
        Dialect {
            delimiter,
            decimal: decimal_style_for(delimiter),
            encoding,
            bom,
            sep_line,
        }
    }

    #[test]
    fn separator_detection() {
        let cases: &[(&str, u8)] = &[
            ("borger;timer;dato\n1;2;3", b';'),
            ("borger,timer,dato\n1,2,3", b','),
            ("borger\ttimer\tdato\n", b'\t'),
            // Quoted fields hide the other separators.
            ("\"a;b;c\",timer,dato\n", b','),
            ("\"a,b,c,d\";timer\n", b';'),
            ("\"x\ty\tz\",a,b\n", b','),
            ("\"he said \"\"a;b;c\"\"\",d\n", b','),
            // A quoted line break does not end the header line.
            ("\"a\nb;c;d\",e\n", b','),
            // Only the header line counts.
            ("a,b,c\n1;2;3;4;5;6\n", b','),
            ("a;b\r1,2,3,4\n", b';'),
            // Ties and no separator at all.
            ("a;b,c\n", b';'),
            ("a\tb,c\n", b'\t'),
            ("timer\n7,5\n", b';'),
            ("", b';'),
            // sep= wins over the header line.
            ("sep=,\na;b;c\n", b','),
            ("sep=;\r\na,b,c\r\n", b';'),
            ("SEP=|\na|b\n", b'|'),
            ("sep=\t\na\tb\n", b'\t'),
        ];
        for &(text, delimiter) in cases {
            let d = sniff(text.as_bytes());
            assert_eq!(d.delimiter, delimiter, "{text:?}");
            assert_eq!(d.decimal, decimal_style_for(delimiter), "{text:?}");
        }
    }

    #[test]
    fn decimal_style_follows_delimiter() {
        let cases = [(b';', Comma), (b',', Point), (b'\t', Point), (b'|', Point)];
        for (delimiter, style) in cases {
            assert_eq!(decimal_style_for(delimiter), style);
        }
    }

    #[test]
    fn sep_lines() {
        type Case = (&'static [u8], Option<(u8, usize)>);
        let cases: &[Case] = &[
            (b"sep=;", Some((b';', 5))),
            (b"sep=;\n", Some((b';', 6))),
            (b"sep=;\r\nx", Some((b';', 7))),
            (b"Sep=,\nx", Some((b',', 6))),
            (b"sep=", None),
            (b"sep=\n", None),
            (b"sep=\"\n", None),
            (b"sep=;;\n", None),
            (b"sep=;\rx", None),
            (b"sep=\xC3\xA6\n", None),
            (b"sepa;b\n", None),
            (b" sep=;\n", None),
        ];
        for &(bytes, expected) in cases {
            assert_eq!(
                sep_line(bytes),
                expected,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    /// Encodes `text` as Windows-1252 (all test texts are representable).
    fn cp1252(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
        assert!(!unmappable, "test text must be Windows-1252");
        bytes.into_owned()
    }

    const DANISH_BODY: &str =
        "Borger;Timer;Dato\r\nSøren Ærø;7,5;01-03-2025\r\n\"Åse; Øster\";1.234,50;2025-03-02\r\n";

    #[test]
    fn windows_1252_file_with_sep_line() {
        let bytes = cp1252(&format!("sep=;\r\n{DANISH_BODY}"));
        assert!(std::str::from_utf8(&bytes).is_err());

        let decoded = decode(&bytes);
        assert_eq!(
            decoded.dialect,
            dialect(b';', Encoding::Windows1252, false, true)
        );
        assert_eq!(decoded.dialect.decimal, Comma);
        assert_eq!(decoded.line_offset, 1);
        assert_eq!(decoded.text, DANISH_BODY);

        let mut reader = csv_reader_builder(&decoded.dialect).from_reader(decoded.text.as_bytes());
        let header = Header::new(reader.headers().expect("header"));
        let (name, hours) = (
            header.index("borger").expect("borger"),
            header.index("TIMER").expect("timer"),
        );
        let rows: Vec<(String, Decimal)> = reader
            .records()
            .map(|r| {
                let r = r.expect("record");
                let hours = parse_decimal(&r[hours], decoded.dialect.decimal).expect("hours");
                (r[name].to_owned(), hours)
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "Søren Ærø".to_owned(),
                    Decimal::from_str("7.5").expect("lit")
                ),
                (
                    "Åse; Øster".to_owned(),
                    Decimal::from_str("1234.50").expect("lit")
                ),
            ]
        );
    }

    #[test]
    fn utf8_bom_file_with_crlf() {
        let text = "\u{feff}borger,timer\r\n\"Jensen, Ærø\",7.5\r\n\"two\r\nlines\",0.25\r\n";
        let decoded = decode(text.as_bytes());
        assert_eq!(decoded.dialect, dialect(b',', Encoding::Utf8, true, false));
        assert_eq!(decoded.dialect.decimal, Point);
        assert_eq!(decoded.line_offset, 0);
        assert_eq!(decoded.text, &text[3..]);

        let mut reader = csv_reader_builder(&decoded.dialect).from_reader(decoded.text.as_bytes());
        let header = Header::new(reader.headers().expect("header"));
        assert_eq!(header.names(), ["borger", "timer"]);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows, [["Jensen, Ærø", "7.5"], ["two\r\nlines", "0.25"]]);
    }

    #[test]
    fn utf8_bom_with_sep_line() {
        let decoded = decode("\u{feff}sep=;\r\nå;b\r\n1;2\r\n".as_bytes());
        assert_eq!(decoded.dialect, dialect(b';', Encoding::Utf8, true, true));
        assert_eq!(decoded.text, "å;b\r\n1;2\r\n");
        assert_eq!(decoded.line_offset, 1);
    }

    #[test]
    fn encodings() {
        let cases: &[(&[u8], Encoding)] = &[
            (b"a;b\n", Encoding::Utf8),
            ("a;ø\n".as_bytes(), Encoding::Utf8),
            (b"a;\xF8\n", Encoding::Windows1252),
            (b"a;\xE6\xF8\xE5\n", Encoding::Windows1252),
            // A head cut inside a UTF-8 character is still UTF-8.
            (b"a;b\n\xC3", Encoding::Utf8),
            (b"a;b\n\xE2\x82", Encoding::Utf8),
            // A BOM means UTF-8 even if bytes later are not.
            (b"\xEF\xBB\xBFa;\xF8\n", Encoding::Utf8),
        ];
        for &(bytes, encoding) in cases {
            assert_eq!(sniff(bytes).encoding, encoding, "{bytes:?}");
        }
        // A whole file ending in a lone Windows-1252 `æ` is not cut UTF-8.
        let decoded = decode(b"a;b\n1;\xE6");
        assert_eq!(decoded.dialect.encoding, Encoding::Windows1252);
        assert_eq!(decoded.text, "a;b\n1;æ");
        // Invalid UTF-8 after a BOM is replaced, not a failure.
        assert_eq!(decode(b"\xEF\xBB\xBFa;\xF8\n").text, "a;\u{fffd}\n");
    }

    #[test]
    fn decode_never_fails_on_odd_input() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"\xEF\xBB\xBF", ""),
            (b"\xEF\xBB", "ï»"),
            (b"sep=;", ""),
            (b"sep=", "sep="),
            (b"\x81\x8D", "\u{81}\u{8D}"),
        ];
        for &(bytes, text) in cases {
            assert_eq!(decode(bytes).text, text, "{bytes:?}");
        }
        assert_eq!(decode(b"").dialect, Dialect::default());
    }

    #[test]
    fn header_lookup() {
        let record =
            csv::StringRecord::from(vec!["\u{feff}Borger ", " TIMER", "Ekstra", "dato", "Timer"]);
        let header = Header::new(&record);
        let cases: &[(&str, Option<usize>)] = &[
            ("borger", Some(0)),
            ("BORGER", Some(0)),
            (" timer ", Some(1)),
            ("Dato", Some(3)),
            ("ekstra", Some(2)),
            ("takst", None),
            ("", None),
        ];
        for &(name, index) in cases {
            assert_eq!(header.index(name), index, "{name:?}");
        }
        assert_eq!(header.duplicate(), Some("timer"));
        let unique = Header::new(&csv::StringRecord::from(vec!["Ærø", "ÅSE", ""]));
        assert_eq!(unique.index("ærø"), Some(0));
        assert_eq!(unique.index("åse"), Some(1));
        assert_eq!(unique.duplicate(), None);
    }

    #[test]
    fn reader_is_strict_about_field_counts() {
        let d = dialect(b';', Encoding::Utf8, false, false);
        let mut reader = csv_reader_builder(&d).from_reader("a;b\n1;2\n3\n".as_bytes());
        let results: Vec<bool> = reader.records().map(|r| r.is_ok()).collect();
        assert_eq!(results, [true, false]);
        // Fields are not trimmed.
        let mut reader = csv_reader_builder(&d).from_reader("a;b\n 1 ;2\n".as_bytes());
        let record = reader.records().next().expect("row").expect("record");
        assert_eq!(&record[0], " 1 ");
    }

    fn stream(bytes: &[u8]) -> (Dialect, String) {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(bytes).expect("write");
        let (dialect, mut reader) = streaming_reader(file.path()).expect("open");
        let mut text = String::new();
        reader.read_to_string(&mut text).expect("valid UTF-8");
        (dialect, text)
    }

    #[test]
    fn streaming_small_files_match_decode() {
        let files: Vec<Vec<u8>> = vec![
            cp1252(&format!("sep=;\r\n{DANISH_BODY}")),
            cp1252(DANISH_BODY),
            format!("\u{feff}{DANISH_BODY}").into_bytes(),
            format!("\u{feff}sep=;\n{DANISH_BODY}").into_bytes(),
            b"a,b\r\n1.5,2\r\n".to_vec(),
            Vec::new(),
        ];
        for bytes in files {
            let decoded = decode(&bytes);
            assert_eq!(
                stream(&bytes),
                (decoded.dialect, decoded.text.into_owned()),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn streaming_large_windows_1252_file() {
        let row = "Søren Ærø Åse;7,5;01-03-2025\r\n";
        let body = format!("borger;timer;dato\r\n{}", row.repeat(10_000));
        let bytes = cp1252(&format!("sep=;\r\n{body}"));
        assert!(bytes.len() > 4 * HEAD_LEN);
        let (dialect, text) = stream(&bytes);
        assert_eq!(
            dialect,
            self::dialect(b';', Encoding::Windows1252, false, true)
        );
        assert_eq!(text, body);
    }

    #[test]
    fn streaming_large_utf8_file() {
        let body = format!("borger,timer\n{}", "Ærø,7.5\n".repeat(20_000));
        let (dialect, text) = stream(format!("\u{feff}{body}").as_bytes());
        assert_eq!(dialect, self::dialect(b',', Encoding::Utf8, true, false));
        assert_eq!(text, body);
    }

    #[test]
    fn windows_1252_reader_with_tiny_reads() {
        let text = "æøå ÆØÅ € “quoted” ".repeat(5000);
        let bytes = cp1252(&text);
        let mut reader = Windows1252Reader::new(bytes.as_slice());
        let mut out = Vec::new();
        let mut buf = [0u8; 1];
        loop {
            let n = reader.read(&mut buf).expect("read");
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(out).expect("UTF-8"), text);
        assert_eq!(reader.read(&mut []).expect("empty read"), 0);
    }

    #[test]
    fn streaming_missing_file_is_an_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = streaming_reader(&dir.path().join("missing.csv")).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::NotFound));
    }
}
