//! Exact arithmetic and the rounding points of the spec (SPEC section 3).
//!
//! Responsible for: checked `Decimal` operations that turn overflow and
//! division by zero into [`CalcError`] values, and the named rounding
//! functions. Not responsible for: parsing text (see `text`) or formatting
//! numbers for people (the CLI does that).
//!
//! `Decimal::round_dp` rounds half to even and `Decimal` division silently
//! stops at 28 significant digits. Neither is used unguarded here: every
//! rounding goes through [`Rounding`], which names its mode, and a quotient
//! carried at 28 digits is the spec's "full precision", never a rounding point.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An arithmetic failure inside the calculation. It names what was being
/// computed, so the message can be chained as "context: cause".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalcError {
    #[error("{what}: the result is too large for exact arithmetic")]
    Overflow { what: String },
    #[error("{what}: division by zero ({divisor})")]
    DivisionByZero { what: String, divisor: String },
}

/// Checked arithmetic with a description of the quantity being computed.
pub trait Checked: Sized {
    fn add_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError>;
    fn sub_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError>;
    fn mul_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError>;
    /// Division; `divisor` names the denominator for the error message.
    fn div_(self, rhs: Decimal, what: &str, divisor: &str) -> Result<Decimal, CalcError>;
}

fn overflow(what: &str) -> CalcError {
    CalcError::Overflow {
        what: what.to_string(),
    }
}

impl Checked for Decimal {
    fn add_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError> {
        self.checked_add(rhs).ok_or_else(|| overflow(what))
    }
    fn sub_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError> {
        self.checked_sub(rhs).ok_or_else(|| overflow(what))
    }
    fn mul_(self, rhs: Decimal, what: &str) -> Result<Decimal, CalcError> {
        self.checked_mul(rhs).ok_or_else(|| overflow(what))
    }
    fn div_(self, rhs: Decimal, what: &str, divisor: &str) -> Result<Decimal, CalcError> {
        if rhs.is_zero() {
            return Err(CalcError::DivisionByZero {
                what: what.to_string(),
                divisor: divisor.to_string(),
            });
        }
        self.checked_div(rhs).ok_or_else(|| overflow(what))
    }
}

/// Sum of decimals, checked.
pub fn sum<I: IntoIterator<Item = Decimal>>(items: I, what: &str) -> Result<Decimal, CalcError> {
    items
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, x| acc.add_(x, what))
}

/// How ties are rounded at every rounding point of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    /// Half away from zero: 2.5 → 3, −2.5 → −3, 0.125 → 0.13 at 0.01.
    /// Reproduces published Danish tariff tables. The default.
    #[default]
    HalfUp,
    /// Half to even (banker's): 2.5 → 2, 3.5 → 4, −2.5 → −2, 0.125 → 0.12.
    HalfEven,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfEven => "half-even",
        }
    }
}

/// The precision of one rounding point: `exact` (not rounded) or a positive
/// step such as `1` (whole kroner), `0.01` (øre) or `0.5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "step")]
pub enum Precision {
    Exact,
    Step(Decimal),
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Precision::Exact => f.write_str("exact"),
            Precision::Step(s) => write!(f, "{s}"),
        }
    }
}

/// Round `x` to a multiple of `step` with `mode`. The step is a positive
/// decimal; for powers of ten this is `round_dp_with_strategy`.
///
/// Examples at step 0.01: half-up 77.455 → 77.46, −77.455 → −77.46;
/// half-even 77.455 → 77.46 (6 is even), 77.445 → 77.44.
pub fn round_to(x: Decimal, step: Decimal, mode: RoundingMode) -> Result<Decimal, CalcError> {
    let step = step.normalize();
    if step.mantissa() == 1 {
        // A power of ten at or below one: 1, 0.1, 0.01 …
        return Ok(x.round_dp_with_strategy(step.scale(), mode.strategy()));
    }
    let q = x.div_(step, "rounding", "rounding step")?;
    q.round_dp_with_strategy(0, mode.strategy())
        .mul_(step, "rounding")
}

/// The rounding policy of a model (`[rounding]` in takst.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    /// (a) the published hourly price; default exact.
    pub rate: Precision,
    /// (b) each published tariff component per day; default whole kroner.
    pub tariff: Precision,
    pub mode: RoundingMode,
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            rate: Precision::Exact,
            tariff: Precision::Step(Decimal::ONE),
            mode: RoundingMode::HalfUp,
        }
    }
}

impl Rounding {
    fn apply(&self, p: Precision, x: Decimal) -> Result<Decimal, CalcError> {
        match p {
            Precision::Exact => Ok(x),
            Precision::Step(step) => round_to(x, step, self.mode),
        }
    }

    /// Rounding point (a): the published hourly price, to `rounding.rate`.
    /// With rate 0.01 and half-up, 443.765 → 443.77; with half-even → 443.76.
    pub fn rate(&self, x: Decimal) -> Result<Decimal, CalcError> {
        self.apply(self.rate, x)
    }

    /// Rounding point (b): a published tariff component per day, to
    /// `rounding.tariff`. With 1 and half-up, 665.5 → 666; half-even → 666,
    /// and 664.5 → 664.
    pub fn tariff(&self, x: Decimal) -> Result<Decimal, CalcError> {
        self.apply(self.tariff, x)
    }

    /// Rounding point (c), display only: hours and kroner to 0.01 with the
    /// model's mode. Its result never feeds back into a calculation.
    pub fn display(&self, x: Decimal) -> Decimal {
        x.round_dp_with_strategy(2, self.mode.strategy())
    }
}

/// Largest-remainder allocation: round each of `parts` to `dp` decimals so
/// that the rounded parts sum exactly to `total` rounded to `dp` with `mode`.
///
/// Each part is first rounded down (towards −∞); the units still missing are
/// given, one each, to the parts with the largest remainders (ties: the
/// earlier part). Works for negative parts too. The caller's `parts` should
/// sum to `total` exactly.
pub fn allocate(parts: &[Decimal], total: Decimal, dp: u32, mode: RoundingMode) -> Vec<Decimal> {
    let target = total.round_dp_with_strategy(dp, mode.strategy());
    let unit = Decimal::new(1, dp);
    let floors: Vec<Decimal> = parts
        .iter()
        .map(|p| p.round_dp_with_strategy(dp, RoundingStrategy::ToNegativeInfinity))
        .collect();
    let floor_sum: Decimal = floors.iter().copied().sum();
    // An integer between 0 and parts.len() for consistent input.
    let mut units = ((target - floor_sum) / unit).round().to_i64().unwrap_or(0);
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        (parts[b] - floors[b])
            .cmp(&(parts[a] - floors[a]))
            .then(a.cmp(&b))
    });
    let mut out = floors;
    let n = out.len() as i64;
    if n == 0 {
        return out;
    }
    // Clamp for inconsistent input (parts not summing to total): never loop forever.
    units = units.clamp(-n, n);
    if units >= 0 {
        for &i in order.iter().take(units as usize) {
            out[i] += unit;
        }
    } else {
        for &i in order.iter().rev().take((-units) as usize) {
            out[i] -= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn ties_in_both_modes() {
        let cases = [
            ("0.01", "77.455", "77.46", "77.46"),
            ("0.01", "77.445", "77.45", "77.44"),
            ("0.01", "-77.445", "-77.45", "-77.44"),
            ("1", "665.5", "666", "666"),
            ("1", "664.5", "665", "664"),
            ("1", "-664.5", "-665", "-664"),
            ("0.5", "1.25", "1.5", "1.0"),
            ("0.5", "1.75", "2.0", "2.0"),
            ("10", "15", "20", "20"),
            ("10", "25", "30", "20"),
        ];
        for (step, x, up, even) in cases {
            assert_eq!(
                round_to(d(x), d(step), RoundingMode::HalfUp).unwrap(),
                d(up),
                "{x} step {step} half-up"
            );
            assert_eq!(
                round_to(d(x), d(step), RoundingMode::HalfEven).unwrap(),
                d(even),
                "{x} step {step} half-even"
            );
        }
    }

    #[test]
    fn allocation_sums_to_rounded_total() {
        let parts = [
            d("5030676.6195"),
            d("1531200"),
            d("600000"),
            d("429712.597"),
            d("-30000"),
            d("0"),
        ];
        let total: Decimal = parts.iter().copied().sum();
        let out = allocate(&parts, total, 2, RoundingMode::HalfUp);
        assert_eq!(out.iter().copied().sum::<Decimal>(), d("7561589.22"));
        assert_eq!(out[0], d("5030676.62"));
        assert_eq!(out[3], d("429712.60"));
    }

    #[test]
    fn allocation_of_thirds() {
        let third = d("1") / d("3");
        let parts = [third, third, third];
        let out = allocate(&parts, d("1"), 2, RoundingMode::HalfUp);
        assert_eq!(out, vec![d("0.34"), d("0.33"), d("0.33")]);
        let neg: Vec<Decimal> = parts.iter().map(|p| -*p).collect();
        let out = allocate(&neg, d("-1"), 2, RoundingMode::HalfUp);
        assert_eq!(out.iter().copied().sum::<Decimal>(), d("-1.00"));
    }

    #[test]
    fn division_by_zero_is_an_error() {
        let e = d("1")
            .div_(Decimal::ZERO, "grundtakst", "occupied days")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "grundtakst: division by zero (occupied days)"
        );
    }
}
