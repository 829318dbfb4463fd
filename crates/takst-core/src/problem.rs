//! Problems in the input: what is wrong, where, and what was expected.
//!
//! Responsible for: the [`Problem`] value that every reader and the
//! validation produce, and the catalogue of problem codes (documented in
//! docs/ERRORS.md). Not responsible for: printing (the CLI prints the list
//! to stderr) or deciding the exit status.

use serde::Serialize;

use crate::model::Pos;

/// The kinds of input problem. Each has a stable code used in messages and
/// in docs/ERRORS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A file could not be read.
    Io,
    /// TOML or CSV that cannot be parsed at all.
    Syntax,
    /// A key that takst does not know (a typo, usually).
    UnknownKey,
    /// A required key or column is missing.
    Missing,
    /// A value of the wrong kind (text where a number was expected …).
    WrongType,
    /// A number that cannot be read exactly.
    MalformedNumber,
    MalformedDate,
    MalformedRatio,
    /// Two keys that exclude each other (monthly_salary and annual_salary).
    Conflict,
    DuplicateId,
    UnknownStaff,
    UnknownBand,
    UnknownTilbud,
    UnknownAgreement,
    /// Two agreements of one citizen in force on the same day.
    Overlap,
    /// An agreement whose `to` is before its `from`.
    ToBeforeFrom,
    /// A negative value where only zero or more makes sense.
    Negative,
    /// A value outside its range (a share above 1, zero places …).
    OutOfRange,
    /// Overflow or division by zero in the calculation.
    Calculation,
}

impl Code {
    /// Every code, in catalogue order.
    pub const ALL: [Code; 19] = [
        Code::Io,
        Code::Syntax,
        Code::UnknownKey,
        Code::Missing,
        Code::WrongType,
        Code::MalformedNumber,
        Code::MalformedDate,
        Code::MalformedRatio,
        Code::Conflict,
        Code::DuplicateId,
        Code::UnknownStaff,
        Code::UnknownBand,
        Code::UnknownTilbud,
        Code::UnknownAgreement,
        Code::Overlap,
        Code::ToBeforeFrom,
        Code::Negative,
        Code::OutOfRange,
        Code::Calculation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Syntax => "syntax",
            Code::UnknownKey => "unknown_key",
            Code::Missing => "missing",
            Code::WrongType => "wrong_type",
            Code::MalformedNumber => "malformed_number",
            Code::MalformedDate => "malformed_date",
            Code::MalformedRatio => "malformed_ratio",
            Code::Conflict => "conflict",
            Code::DuplicateId => "duplicate_id",
            Code::UnknownStaff => "unknown_staff",
            Code::UnknownBand => "unknown_band",
            Code::UnknownTilbud => "unknown_tilbud",
            Code::UnknownAgreement => "unknown_agreement",
            Code::Overlap => "overlap",
            Code::ToBeforeFrom => "to_before_from",
            Code::Negative => "negative",
            Code::OutOfRange => "out_of_range",
            Code::Calculation => "calculation",
        }
    }
}

/// One problem in the input, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: Code,
    pub pos: Pos,
    /// What was wrong, including what was found and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem; CPR-shaped numbers in the message are redacted
    /// ([`crate::privacy::redact_cpr`]): the position finds the row.
    pub fn new(code: Code, pos: Pos, message: impl Into<String>) -> Problem {
        let message: String = message.into();
        let message = match crate::privacy::redact_cpr(&message) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(m) => m,
        };
        Problem { code, pos, message }
    }
}

impl std::fmt::Display for Problem {
    /// `file:line:col: field: message [code]`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.pos)?;
        if !self.pos.field.is_empty() {
            write!(f, "{}: ", self.pos.field)?;
        }
        write!(f, "{} [{}]", self.message, self.code.as_str())
    }
}

/// Sort problems by file, line and column, for a stable report.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (&a.pos.file, a.pos.line, a.pos.col, a.code).cmp(&(
            &b.pos.file,
            b.pos.line,
            b.pos.col,
            b.code,
        ))
    });
}
