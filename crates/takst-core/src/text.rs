//! Parsing of single input values written as text: decimal numbers (decimal
//! point or Danish decimal comma), calendar dates and staffing ratios.
//!
//! Responsible for: turning one already-extracted field (a `&str` or `&[u8]`)
//! into an exact value, or an error that says what was found and what was
//! expected. Every parser trims surrounding ASCII whitespace and nothing else.
//!
//! Not responsible for: reading files, detecting separators or encodings,
//! knowing which column a value came from (callers add file/line/column to
//! the error), or applying defaults for empty fields.
//!
//! Numbers are never rounded: a value that does not fit a [`Decimal`] exactly
//! (more than 28 significant digits or more than 28 decimal places) is an
//! error, never a silently rounded number.

use std::fmt;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// The most significant digits (and decimal places) a [`Decimal`] holds exactly.
pub const MAX_DIGITS: u32 = 28;

/// How a decimal number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DecimalStyle {
    /// `1234.5`: `.` is the decimal separator; no thousands separators.
    #[default]
    Point,
    /// `1.234,5` (Danish Excel): `,` is the decimal separator and `.` is only a
    /// thousands separator between groups of exactly three digits.
    Comma,
}

impl DecimalStyle {
    /// A description of a well-formed number in this style, used in error messages.
    pub fn expected(self) -> &'static str {
        match self {
            DecimalStyle::Point => {
                "a number like 7.5 or -1234.50 (decimal point, no thousands separators)"
            }
            DecimalStyle::Comma => {
                "a number like 7,5 or -1.234,50 (decimal comma, `.` only between groups of three digits)"
            }
        }
    }
}

/// Why a text is not a number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("found an empty value, expected {}", .style.expected())]
    Empty { style: DecimalStyle },
    #[error("found `{found}`, expected {}", .style.expected())]
    Malformed { found: String, style: DecimalStyle },
    #[error("found `{found}` with more than 28 significant digits, expected {} with at most 28 digits", .style.expected())]
    TooManyDigits { found: String, style: DecimalStyle },
    #[error("found `{found}` with more than 28 decimal places, expected {} with at most 28 decimal places", .style.expected())]
    TooManyDecimals { found: String, style: DecimalStyle },
}

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("found an empty value, expected a date like 2025-03-01 or 01-03-2025")]
    Empty,
    #[error(
        "found `{found}`, expected a date like 2025-03-01 (yyyy-mm-dd) or 01-03-2025 (dd-mm-yyyy)"
    )]
    Malformed { found: String },
    #[error("found `{found}`, which is not a day in the calendar, expected a real date like 2025-03-01 or 01-03-2025")]
    NotInCalendar { found: String },
}

/// Why a text is not a staffing ratio.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatioError {
    #[error("found an empty value, expected a staffing ratio like 1:1 or 2:1 (staff:citizens)")]
    Empty,
    #[error("found `{found}`, expected a staffing ratio like 1:1 or 2:1 (staff:citizens)")]
    Malformed { found: String },
    #[error("found `{found}`, expected a staffing ratio with whole numbers of at least 1 on both sides, like 1:1 or 2:1")]
    Zero { found: String },
    #[error(
        "found `{found}`, expected a staffing ratio with numbers below 4294967296, like 1:1 or 2:1"
    )]
    TooLarge { found: String },
}

/// How much of an offending value an error message repeats.
const SHOWN_CHARS: usize = 60;

/// The offending value as shown in an error: at most [`SHOWN_CHARS`] characters.
fn shown(s: &str) -> String {
    match s.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a decimal number written in `style`, exactly.
///
/// Accepted (after trimming ASCII whitespace): an optional `+` or `-`, an
/// integer part of at least one digit, and optionally the decimal separator
/// followed by at least one digit. A bare leading or trailing separator
/// (`.5`, `5.`) is rejected, as are exponents, inner spaces and any other
/// character. In [`DecimalStyle::Comma`] the integer part may be grouped as
/// `1.234.567`: the first group has 1–3 digits and does not start with `0`,
/// every later group has exactly three digits.
///
/// The result keeps the written scale (`15.10` has scale 2); negative zero is
/// returned as zero.
pub fn parse_decimal(s: &str, style: DecimalStyle) -> Result<Decimal, NumberError> {
    let t = trim(s);
    if t.is_empty() {
        return Err(NumberError::Empty { style });
    }
    let malformed = || NumberError::Malformed {
        found: shown(t),
        style,
    };
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let decimal_separator = match style {
        DecimalStyle::Point => '.',
        DecimalStyle::Comma => ',',
    };
    let (int, frac) = match body.split_once(decimal_separator) {
        Some((int, frac)) => (int, frac),
        None => (body, ""),
    };
    if body.contains(decimal_separator) && !all_digits(frac) {
        return Err(malformed());
    }
    let int_digits: String = match style {
        DecimalStyle::Comma if int.contains('.') => {
            let mut groups = int.split('.');
            let first = groups.next().unwrap_or("");
            if !all_digits(first) || first.len() > 3 || first.starts_with('0') {
                return Err(malformed());
            }
            let mut digits = first.to_owned();
            for group in groups {
                if group.len() != 3 || !all_digits(group) {
                    return Err(malformed());
                }
                digits.push_str(group);
            }
            digits
        }
        _ => {
            if !all_digits(int) {
                return Err(malformed());
            }
            int.to_owned()
        }
    };

    let int_digits = int_digits.trim_start_matches('0');
    let significant = if int_digits.is_empty() {
        frac.trim_start_matches('0').len()
    } else {
        int_digits.len() + frac.len()
    };
    if frac.len() > MAX_DIGITS as usize {
        return Err(NumberError::TooManyDecimals {
            found: shown(t),
            style,
        });
    }
    if significant > MAX_DIGITS as usize {
        return Err(NumberError::TooManyDigits {
            found: shown(t),
            style,
        });
    }

    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    };
    let sign = if negative { "-" } else { "" };
    let canonical = if frac.is_empty() {
        format!("{sign}{int_digits}")
    } else {
        format!("{sign}{int_digits}.{frac}")
    };
    let mut value =
        Decimal::from_str_exact(&canonical).map_err(|_| NumberError::TooManyDigits {
            found: shown(t),
            style,
        })?;
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

/// The non-allocating twin of [`parse_decimal`] for hot loops: accepts exactly
/// the same texts and returns the same values (with the same scale), and
/// `None` wherever [`parse_decimal`] returns an error.
pub fn parse_decimal_bytes(b: &[u8], style: DecimalStyle) -> Option<Decimal> {
    let b = b.trim_ascii();
    let (negative, start) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let (decimal_separator, group_separator) = match style {
        DecimalStyle::Point => (b'.', None),
        DecimalStyle::Comma => (b',', Some(b'.')),
    };

    let mut mantissa: u128 = 0;
    let mut significant: u32 = 0;
    let mut push = |digit: u8| -> Option<()> {
        if mantissa != 0 || digit != b'0' {
            significant += 1;
            if significant > MAX_DIGITS {
                return None;
            }
            // At most 28 digits: below 10^28, far from u128::MAX.
            mantissa = mantissa * 10 + u128::from(digit - b'0');
        }
        Some(())
    };

    // Integer part, with optional thousands groups.
    let mut rest = b.get(start..)?.iter().copied().peekable();
    let first_digit = rest.peek().copied();
    let mut run: usize = 0; // digits in the current group
    let mut grouped = false;
    let mut next = None;
    for c in rest.by_ref() {
        if c.is_ascii_digit() {
            push(c)?;
            run += 1;
        } else if Some(c) == group_separator {
            if grouped {
                if run != 3 {
                    return None;
                }
            } else if run == 0 || run > 3 || first_digit == Some(b'0') {
                return None;
            }
            grouped = true;
            run = 0;
        } else {
            next = Some(c);
            break;
        }
    }
    if run == 0 || (grouped && run != 3) {
        return None;
    }

    // Fraction.
    let mut scale: u32 = 0;
    if let Some(c) = next {
        if c != decimal_separator {
            return None;
        }
        for c in rest {
            if !c.is_ascii_digit() {
                return None;
            }
            push(c)?;
            scale += 1;
        }
        if scale == 0 || scale > MAX_DIGITS {
            return None;
        }
    }

    let mantissa = i128::try_from(mantissa).ok()?;
    let signed = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(signed, scale).ok()
}

/// The year, month and day fields of `yyyy-mm-dd` or `dd-mm-yyyy`, unchecked
/// against the calendar.
fn date_fields(b: &[u8]) -> Option<(i16, i8, i8)> {
    fn number(b: &[u8]) -> Option<i16> {
        b.iter().try_fold(0i16, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    }
    let b: &[u8; 10] = b.try_into().ok()?;
    let (year, month, day) = match b {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] => {
            ([*y0, *y1, *y2, *y3], [*m0, *m1], [*d0, *d1])
        }
        [d0, d1, b'-', m0, m1, b'-', y0, y1, y2, y3] => {
            ([*y0, *y1, *y2, *y3], [*m0, *m1], [*d0, *d1])
        }
        _ => return None,
    };
    let month = i8::try_from(number(&month)?).ok()?;
    let day = i8::try_from(number(&day)?).ok()?;
    Some((number(&year)?, month, day))
}

/// Parses `2025-03-01` (yyyy-mm-dd) or `01-03-2025` (dd-mm-yyyy), with exactly
/// two-digit days and months and four-digit years. Dates that do not exist in
/// the calendar (`2025-02-29`, `31-04-2025`, month 13) are errors.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let t = trim(s);
    if t.is_empty() {
        return Err(DateError::Empty);
    }
    let (year, month, day) =
        date_fields(t.as_bytes()).ok_or_else(|| DateError::Malformed { found: shown(t) })?;
    Date::new(year, month, day).map_err(|_| DateError::NotInCalendar { found: shown(t) })
}

/// The non-allocating twin of [`parse_date`]: the same dates, `None` for every error.
pub fn parse_date_bytes(b: &[u8]) -> Option<Date> {
    let (year, month, day) = date_fields(b.trim_ascii())?;
    Date::new(year, month, day).ok()
}

/// A staffing ratio `staff:citizens`: `2:1` means two staff members with one
/// citizen, `1:3` one staff member shared by three citizens. Both sides are at
/// least 1 when built by [`parse_ratio`] or [`Ratio::default`] (1:1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ratio {
    pub staff: u32,
    pub citizens: u32,
}

impl Default for Ratio {
    fn default() -> Self {
        Ratio {
            staff: 1,
            citizens: 1,
        }
    }
}

impl Ratio {
    /// Staff hours for `citizen_hours` at this ratio: `hours × staff ÷ citizens`,
    /// multiplying first. `None` on overflow or when `citizens` is 0.
    ///
    /// When `citizens` does not divide evenly the quotient may not terminate
    /// (1 hour at 1:3); it is then rounded to 28 significant digits, as
    /// [`Decimal`] division does.
    pub fn staff_hours(&self, citizen_hours: Decimal) -> Option<Decimal> {
        citizen_hours
            .checked_mul(Decimal::from(self.staff))?
            .checked_div(Decimal::from(self.citizens))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.staff, self.citizens)
    }
}

/// Parses `staff:citizens`, e.g. `1:1`, `2:1`, `1:3`, ` 2 : 1 `. Both sides are
/// whole numbers of ASCII digits, at least 1. An empty value is
/// [`RatioError::Empty`]; the caller decides whether that means the default.
pub fn parse_ratio(s: &str) -> Result<Ratio, RatioError> {
    let t = trim(s);
    if t.is_empty() {
        return Err(RatioError::Empty);
    }
    let found = || shown(t);
    let (staff, citizens) = t
        .split_once(':')
        .ok_or_else(|| RatioError::Malformed { found: found() })?;
    let side = |part: &str| -> Result<u32, RatioError> {
        let part = trim(part);
        if !all_digits(part) {
            return Err(RatioError::Malformed { found: found() });
        }
        let n: u32 = part
            .parse()
            .map_err(|_| RatioError::TooLarge { found: found() })?;
        if n == 0 {
            return Err(RatioError::Zero { found: found() });
        }
        Ok(n)
    };
    Ok(Ratio {
        staff: side(staff)?,
        citizens: side(citizens)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;
    use DecimalStyle::{Comma, Point};

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    /// (input, style, expected value as a point-style literal with the expected scale)
    const ACCEPTED: &[(&str, DecimalStyle, &str)] = &[
        ("-12", Point, "-12"),
        ("+3", Point, "3"),
        ("15.1", Point, "15.1"),
        ("15.10", Point, "15.10"),
        ("0.25", Point, "0.25"),
        ("  7.5\t", Point, "7.5"),
        ("007", Point, "7"),
        ("-0", Point, "0"),
        ("-0.00", Point, "0.00"),
        ("1234.5", Point, "1234.5"),
        ("7,5", Comma, "7.5"),
        ("-1.234,50", Comma, "-1234.50"),
        ("2.950", Comma, "2950"),
        ("1234,5", Comma, "1234.5"),
        ("12.345.678", Comma, "12345678"),
        ("+1.000,0", Comma, "1000.0"),
        ("0,25", Comma, "0.25"),
        ("0", Comma, "0"),
        ("\r\n 42 ", Comma, "42"),
        // 28 significant digits fit exactly.
        (
            "1234567890123456789012345678",
            Point,
            "1234567890123456789012345678",
        ),
        (
            "9999999999999999999999999999",
            Point,
            "9999999999999999999999999999",
        ),
        (
            "0.1234567890123456789012345678",
            Point,
            "0.1234567890123456789012345678",
        ),
        (
            "0.0000000000000000000000000001",
            Point,
            "0.0000000000000000000000000001",
        ),
        ("0000000000000000000000000000000001", Point, "1"),
        (
            "1.234.567.890.123.456.789.012.345.678",
            Comma,
            "1234567890123456789012345678",
        ),
    ];

    #[test]
    fn accepted_numbers() {
        for &(input, style, expected) in ACCEPTED {
            let expected = dec(expected);
            let got =
                parse_decimal(input, style).unwrap_or_else(|e| panic!("{input:?} {style:?}: {e}"));
            assert_eq!(got, expected, "{input:?} {style:?}");
            assert_eq!(got.scale(), expected.scale(), "scale of {input:?}");
            assert!(!got.is_sign_negative() || !got.is_zero(), "negative zero");
            assert_eq!(parse_decimal_bytes(input.as_bytes(), style), Some(got));
        }
    }

    #[test]
    fn fifteen_point_one_is_exact() {
        let v = parse_decimal("15.1", Point).expect("valid");
        assert_eq!(v.mantissa(), 151);
        assert_eq!(v.scale(), 1);
        assert_eq!(v.to_string(), "15.1");
    }

    #[derive(Debug, PartialEq)]
    enum Kind {
        Empty,
        Malformed,
        Digits,
        Decimals,
    }

    const REJECTED: &[(&str, DecimalStyle, Kind)] = &[
        ("", Point, Kind::Empty),
        ("   ", Comma, Kind::Empty),
        (".5", Point, Kind::Malformed),
        ("5.", Point, Kind::Malformed),
        ("-", Point, Kind::Malformed),
        ("+-1", Point, Kind::Malformed),
        ("--1", Point, Kind::Malformed),
        ("1e3", Point, Kind::Malformed),
        ("1,5", Point, Kind::Malformed),
        ("1.234,5", Point, Kind::Malformed),
        ("1 234", Point, Kind::Malformed),
        ("1.2.3", Point, Kind::Malformed),
        ("1_000", Point, Kind::Malformed),
        ("- 1", Point, Kind::Malformed),
        ("−1", Point, Kind::Malformed), // U+2212 minus sign
        ("٣", Point, Kind::Malformed),  // non-ASCII digit
        ("NaN", Point, Kind::Malformed),
        ("2.95", Comma, Kind::Malformed),
        ("7.5", Comma, Kind::Malformed),
        ("12.34.567", Comma, Kind::Malformed),
        ("1.2345", Comma, Kind::Malformed),
        ("1234.567", Comma, Kind::Malformed),
        ("0.950", Comma, Kind::Malformed),
        (".950", Comma, Kind::Malformed),
        ("1..234", Comma, Kind::Malformed),
        ("1.234.", Comma, Kind::Malformed),
        ("1.234,", Comma, Kind::Malformed),
        (",5", Comma, Kind::Malformed),
        ("1,2,3", Comma, Kind::Malformed),
        ("1,234.5", Comma, Kind::Malformed),
        ("1,2.345", Comma, Kind::Malformed),
        // 29 significant digits do not fit exactly.
        ("12345678901234567890123456789", Point, Kind::Digits),
        ("79228162514264337593543950335", Point, Kind::Digits),
        ("1.2345678901234567890123456789", Point, Kind::Digits),
        (
            "12.345.678.901.234.567.890.123.456.789",
            Comma,
            Kind::Digits,
        ),
        (
            "1234567890123456789012345678901234567890",
            Point,
            Kind::Digits,
        ),
        ("0.00000000000000000000000000001", Point, Kind::Decimals),
        ("0.10000000000000000000000000000", Point, Kind::Decimals),
    ];

    #[test]
    fn rejected_numbers() {
        for (input, style, kind) in REJECTED {
            let got = match parse_decimal(input, *style) {
                Err(NumberError::Empty { .. }) => Kind::Empty,
                Err(NumberError::Malformed { .. }) => Kind::Malformed,
                Err(NumberError::TooManyDigits { .. }) => Kind::Digits,
                Err(NumberError::TooManyDecimals { .. }) => Kind::Decimals,
                Ok(v) => panic!("{input:?} {style:?} parsed as {v}"),
            };
            assert_eq!(&got, kind, "{input:?} {style:?}");
            assert_eq!(
                parse_decimal_bytes(input.as_bytes(), *style),
                None,
                "{input:?}"
            );
        }
    }

    #[test]
    fn number_error_messages() {
        let cases: &[(&str, DecimalStyle, &str)] = &[
            (
                "2.95",
                Comma,
                "found `2.95`, expected a number like 7,5 or -1.234,50 (decimal comma, `.` only between groups of three digits)",
            ),
            (
                "abc",
                Point,
                "found `abc`, expected a number like 7.5 or -1234.50 (decimal point, no thousands separators)",
            ),
            (
                "",
                Point,
                "found an empty value, expected a number like 7.5 or -1234.50 (decimal point, no thousands separators)",
            ),
            (
                "12345678901234567890123456789",
                Point,
                "found `12345678901234567890123456789` with more than 28 significant digits, expected a number like 7.5 or -1234.50 (decimal point, no thousands separators) with at most 28 digits",
            ),
        ];
        for (input, style, message) in cases {
            let err = parse_decimal(input, *style).expect_err(input);
            assert_eq!(err.to_string(), *message);
        }
    }

    #[test]
    fn long_values_are_shortened_in_errors() {
        let long = "x".repeat(1000);
        let err = parse_decimal(&long, Point).expect_err("not a number");
        let NumberError::Malformed { found, .. } = err else {
            panic!("wrong variant: {err:?}");
        };
        assert_eq!(found, format!("{}…", "x".repeat(60)));
        // Multi-byte characters are cut on a character boundary.
        let long = "æ".repeat(100);
        let err = parse_date(&long).expect_err("not a date");
        assert_eq!(
            err,
            DateError::Malformed {
                found: format!("{}…", "æ".repeat(60))
            }
        );
    }

    /// Texts built from the characters that matter to the grammar.
    fn number_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                8 => proptest::char::range('0', '9'),
                2 => Just('.'),
                2 => Just(','),
                1 => Just('-'),
                1 => Just('+'),
                1 => Just(' '),
                1 => Just('e'),
                1 => Just('æ'),
            ],
            0..40,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    fn style() -> impl Strategy<Value = DecimalStyle> {
        prop_oneof![Just(Point), Just(Comma)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn fast_path_agrees_on_number_like_text(s in number_like(), style in style()) {
            let slow = parse_decimal(&s, style).ok();
            let fast = parse_decimal_bytes(s.as_bytes(), style);
            prop_assert_eq!(slow, fast);
            if let (Some(a), Some(b)) = (slow, fast) {
                prop_assert_eq!(a.scale(), b.scale());
                prop_assert_eq!(a.is_sign_negative(), b.is_sign_negative());
            }
        }

        #[test]
        fn fast_path_agrees_on_any_text(s in ".{0,30}", style in style()) {
            prop_assert_eq!(parse_decimal(&s, style).ok(), parse_decimal_bytes(s.as_bytes(), style));
        }

        #[test]
        fn fast_path_never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..40), style in style()) {
            let _ = parse_decimal_bytes(&b, style);
            let _ = parse_date_bytes(&b);
        }

        #[test]
        fn point_round_trips(m in any::<i64>(), scale in 0u32..=10) {
            let d = Decimal::new(m, scale);
            let text = d.to_string();
            prop_assert_eq!(parse_decimal(&text, Point), Ok(d));
            prop_assert_eq!(parse_decimal_bytes(text.as_bytes(), Point), Some(d));
        }

        #[test]
        fn comma_grouped_round_trips(int in 0u64..=u64::MAX / 2, frac in 0u32..100) {
            let digits = int.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            let text = format!("-{grouped},{frac:02}");
            let expected = -(Decimal::from(int) + Decimal::new(i64::from(frac), 2));
            prop_assert_eq!(parse_decimal(&text, Comma), Ok(expected));
            prop_assert_eq!(parse_decimal_bytes(text.as_bytes(), Comma), Some(expected));
        }

        #[test]
        fn dates_agree(s in "[0-9-]{0,12}") {
            prop_assert_eq!(parse_date(&s).ok(), parse_date_bytes(s.as_bytes()));
        }
    }

    #[test]
    fn dates() {
        let ok: &[(&str, (i16, i8, i8))] = &[
            ("2025-03-01", (2025, 3, 1)),
            ("01-03-2025", (2025, 3, 1)),
            ("29-02-2024", (2024, 2, 29)),
            ("2024-02-29", (2024, 2, 29)),
            ("31-12-1999", (1999, 12, 31)),
            (" 2025-01-31\r", (2025, 1, 31)),
        ];
        for &(input, (y, m, d)) in ok {
            let expected = jiff::civil::date(y, m, d);
            assert_eq!(parse_date(input), Ok(expected), "{input:?}");
            assert_eq!(parse_date_bytes(input.as_bytes()), Some(expected));
        }

        let malformed = [
            "2025-3-1",
            "1-3-2025",
            "2025/03/01",
            "01.03.2025",
            "20250301",
            "2025-03-01x",
            "01-03-25",
            "2025-03-1a",
            "+025-03-01",
            "２０２５-03-01",
        ];
        for input in malformed {
            assert_eq!(
                parse_date(input),
                Err(DateError::Malformed {
                    found: input.to_owned()
                }),
                "{input:?}"
            );
            assert_eq!(parse_date_bytes(input.as_bytes()), None, "{input:?}");
        }

        let not_in_calendar = [
            "2025-02-29",
            "29-02-2025",
            "31-04-2025",
            "2025-13-01",
            "2025-00-10",
            "00-01-2025",
        ];
        for input in not_in_calendar {
            assert_eq!(
                parse_date(input),
                Err(DateError::NotInCalendar {
                    found: input.to_owned()
                }),
                "{input:?}"
            );
            assert_eq!(parse_date_bytes(input.as_bytes()), None, "{input:?}");
        }

        assert_eq!(parse_date(" "), Err(DateError::Empty));
        assert_eq!(
            DateError::NotInCalendar { found: "2025-02-29".into() }.to_string(),
            "found `2025-02-29`, which is not a day in the calendar, expected a real date like 2025-03-01 or 01-03-2025"
        );
    }

    #[test]
    fn ratios() {
        let ok: &[(&str, u32, u32)] = &[
            ("1:1", 1, 1),
            ("2:1", 2, 1),
            ("1:3", 1, 3),
            (" 2 : 1 ", 2, 1),
            ("\t10:01", 10, 1),
            ("4294967295:1", u32::MAX, 1),
        ];
        for &(input, staff, citizens) in ok {
            assert_eq!(
                parse_ratio(input),
                Ok(Ratio { staff, citizens }),
                "{input:?}"
            );
        }

        let err: &[(&str, RatioError)] = &[
            ("", RatioError::Empty),
            ("  ", RatioError::Empty),
            ("2", RatioError::Malformed { found: "2".into() }),
            ("2:", RatioError::Malformed { found: "2:".into() }),
            (":1", RatioError::Malformed { found: ":1".into() }),
            (
                "2:1:1",
                RatioError::Malformed {
                    found: "2:1:1".into(),
                },
            ),
            (
                "1.5:1",
                RatioError::Malformed {
                    found: "1.5:1".into(),
                },
            ),
            (
                "+2:1",
                RatioError::Malformed {
                    found: "+2:1".into(),
                },
            ),
            (
                "-1:1",
                RatioError::Malformed {
                    found: "-1:1".into(),
                },
            ),
            (
                "2/1",
                RatioError::Malformed {
                    found: "2/1".into(),
                },
            ),
            (
                "0:1",
                RatioError::Zero {
                    found: "0:1".into(),
                },
            ),
            (
                "1:0",
                RatioError::Zero {
                    found: "1:0".into(),
                },
            ),
            (
                "4294967296:1",
                RatioError::TooLarge {
                    found: "4294967296:1".into(),
                },
            ),
        ];
        for (input, expected) in err {
            assert_eq!(parse_ratio(input).as_ref(), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn ratio_display_default_and_staff_hours() {
        assert_eq!(
            Ratio::default(),
            Ratio {
                staff: 1,
                citizens: 1
            }
        );
        assert_eq!(
            Ratio {
                staff: 2,
                citizens: 1
            }
            .to_string(),
            "2:1"
        );
        assert_eq!(Ratio::default().to_string(), "1:1");

        let cases: &[(u32, u32, &str, &str)] = &[
            (1, 1, "7.5", "7.5"),
            (2, 1, "7.5", "15.0"),
            (1, 2, "7.5", "3.75"),
            (1, 3, "3", "1"),
            (2, 3, "1.5", "1"),
            (1, 3, "1", "0.3333333333333333333333333333"),
        ];
        for &(staff, citizens, hours, expected) in cases {
            let got = Ratio { staff, citizens }.staff_hours(dec(hours));
            assert_eq!(got, Some(dec(expected)), "{staff}:{citizens} of {hours}");
        }
        assert_eq!(
            Ratio {
                staff: 2,
                citizens: 1
            }
            .staff_hours(Decimal::MAX),
            None
        );
        assert_eq!(
            Ratio {
                staff: 1,
                citizens: 0
            }
            .staff_hours(Decimal::ONE),
            None
        );
    }

    #[test]
    fn ratio_serializes_as_fields() {
        let json = serde_json::to_string(&Ratio {
            staff: 2,
            citizens: 1,
        })
        .expect("serialize");
        assert_eq!(json, r#"{"staff":2,"citizens":1}"#);
    }
}
