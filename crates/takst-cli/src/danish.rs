//! Danish number formatting for output: `.` between thousands, `,` before
//! decimals, amounts in kroner.
//!
//! Responsible for: turning an exact [`Decimal`] into Danish text with a fixed
//! number of decimals, rounding half away from zero (never banker's rounding)
//! and never printing a negative zero.
//!
//! Not responsible for: parsing Danish numbers (that is
//! `takst_core::text::parse_decimal`), table layout or column alignment.

use rust_decimal::{Decimal, RoundingStrategy};

/// The most decimals a [`Decimal`] has; larger `dp` values are treated as this.
const MAX_DP: u32 = 28;

/// `d` rounded half away from zero to `dp` decimals, written the Danish way:
/// `1234.5` with `dp` 2 is `1.234,50`, `-0.004` with `dp` 2 is `0,00`.
pub fn format_da(d: Decimal, dp: u32) -> String {
    let dp = dp.min(MAX_DP);
    let mut rounded = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    let plain = rounded.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));

    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + dp as usize + 2);
    if rounded.is_sign_negative() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if dp > 0 {
        out.push(',');
        out.push_str(frac);
        for _ in frac.len()..dp as usize {
            out.push('0');
        }
    }
    out
}

/// An amount in kroner: `format_da(d, 2)` followed by ` kr.`, e.g. `1.234,50 kr.`.
pub fn format_kr(d: Decimal) -> String {
    format!("{} kr.", format_da(d, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    #[test]
    fn danish_format() {
        let cases: &[(&str, u32, &str)] = &[
            ("1234.5", 2, "1.234,50"),
            ("-0.004", 2, "0,00"),
            ("-0.005", 2, "-0,01"),
            ("0.005", 2, "0,01"),
            ("0.125", 2, "0,13"), // banker's would give 0,12
            ("0.135", 2, "0,14"),
            ("-2.5", 0, "-3"), // banker's would give -2
            ("2.5", 0, "3"),
            ("3.5", 0, "4"),
            ("0", 2, "0,00"),
            ("-0", 0, "0"),
            ("0", 0, "0"),
            ("7", 1, "7,0"),
            ("12", 2, "12,00"),
            ("123", 2, "123,00"),
            ("999.999", 2, "1.000,00"),
            ("1000", 0, "1.000"),
            ("-1000000", 2, "-1.000.000,00"),
            ("1234567.891", 3, "1.234.567,891"),
            ("12345678.9", 1, "12.345.678,9"),
            ("0.1", 4, "0,1000"),
            (
                "79228162514264337593543950335",
                2,
                "79.228.162.514.264.337.593.543.950.335,00",
            ),
            (
                "-79228162514264337593543950335",
                0,
                "-79.228.162.514.264.337.593.543.950.335",
            ),
            (
                "0.0000000000000000000000000001",
                28,
                "0,0000000000000000000000000001",
            ),
            ("1.5", 40, "1,5000000000000000000000000000"),
        ];
        for &(input, dp, expected) in cases {
            assert_eq!(format_da(dec(input), dp), expected, "{input} dp {dp}");
        }
    }

    #[test]
    fn kroner() {
        let cases: &[(&str, &str)] = &[
            ("1234.5", "1.234,50 kr."),
            ("-0.004", "0,00 kr."),
            ("2950", "2.950,00 kr."),
            ("-15.105", "-15,11 kr."),
        ];
        for &(input, expected) in cases {
            assert_eq!(format_kr(dec(input)), expected, "{input}");
        }
    }
}
