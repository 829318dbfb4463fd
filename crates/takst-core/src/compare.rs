//! Agreed vs delivered (SPEC section 5): the GIT check.
//!
//! Responsible for: a [`Plan`] built from an [`Engine`] and a period (which
//! agreements are in force on which days, their agreed staff hours prorated
//! by the days in force, how a citizen id, staff id and band id are looked
//! up), an [`Accumulator`] of delivered hours per agreement × staff × band
//! plus the hours under each conservation [`Reason`] (accumulators merge, so
//! each thread can have its own), and the [`Report`] built from both: lines,
//! totals per agreement, citizen and municipality, the variance split into
//! volume and mix, and proposals for new need lines (`--propose`).
//!
//! Not responsible for: reading or splitting the delivered file, parsing CSV
//! records (the CLI hands over field bytes), splitting clock-time shifts
//! (`clock`), or display rounding and rendering (the CLI).
//!
//! Exactness: delivered hours are summed as integer *ticks* of 1/60,000,000
//! hour, which represent every hour value with up to six decimals and every
//! whole minute exactly; a sum that would overflow `i64` spills into `i128`,
//! and an hour value with more than six decimals is summed as a `Decimal`.
//! A sum of ticks becomes hours by one division at the end. Agreed hours are
//! `hours_per_week × ratio.staff × days / (7 × ratio.citizens)`, multiplied
//! before the one division.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{Engine, Tariff};
use crate::clock::Split;
use crate::num::{sum, CalcError, Checked};
use crate::privacy::MunicipalityView;
use crate::problem::{Code, Problem};
use crate::text::{parse_decimal_bytes, DecimalStyle, Ratio};

/// Ticks per hour: the unit in which delivered hours are summed.
pub const TICKS_PER_HOUR: i64 = 60_000_000;
/// Ticks per minute (clock-time rows are split into whole minutes).
pub const TICKS_PER_MINUTE: i64 = 1_000_000;
/// Hour values with at most this many decimals are summed as ticks.
const TICK_DECIMALS: u32 = 6;

pub use crate::hash::{FxHasher, FxMap};

/// Up to 15 bytes and their length packed into one integer, so that short
/// ids and dates compare with one integer comparison instead of a `memcmp`
/// call; `None` for longer texts.
#[inline]
pub fn pack(b: &[u8]) -> Option<u128> {
    if b.len() > 15 {
        return None;
    }
    let mut w = (b.len() as u128) << 120;
    for (i, &c) in b.iter().enumerate() {
        w |= u128::from(c) << (8 * i);
    }
    Some(w)
}

/// A small set of ids (staff categories, bands) looked up by bytes.
#[derive(Debug, Clone)]
struct Ids {
    packed: Vec<Option<u128>>,
    ids: Vec<Box<[u8]>>,
}

impl Ids {
    fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Ids {
        let ids: Vec<Box<[u8]>> = ids.map(|s| s.as_bytes().into()).collect();
        Ids {
            packed: ids.iter().map(|b| pack(b)).collect(),
            ids,
        }
    }

    #[inline]
    fn find(&self, id: &[u8]) -> Option<usize> {
        match pack(id) {
            Some(k) => self.packed.iter().position(|p| *p == Some(k)),
            None => self.ids.iter().position(|s| **s == *id),
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

// ---------------------------------------------------------------------------
// Days and delivered hours as read from a row
// ---------------------------------------------------------------------------

/// A calendar day as a number: days since 1970-01-01 (negative before).
pub type Day = i32;

/// The day number of a date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn day_number(d: Date) -> Day {
    let (y, m, dd) = (
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Staff hours of one delivered row, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    /// Hours × [`TICKS_PER_HOUR`]: values with at most six decimals.
    Ticks(i64),
    /// Any other value, exactly.
    Exact(Decimal),
}

impl Hours {
    pub fn is_negative(&self) -> bool {
        match self {
            Hours::Ticks(t) => *t < 0,
            Hours::Exact(d) => d.is_sign_negative() && !d.is_zero(),
        }
    }

    /// The value in hours (a ticks value divides exactly: ticks of a parsed
    /// value are multiples of 60).
    pub fn to_decimal(self) -> Decimal {
        match self {
            Hours::Ticks(t) => Decimal::from(t) / Decimal::from(TICKS_PER_HOUR),
            Hours::Exact(d) => d,
        }
    }
}

/// Parses an hours field: the texts [`parse_decimal_bytes`] accepts, with
/// the same value. The common case (digits, optional decimal separator, at
/// most six decimals) is read straight into ticks without a `Decimal`.
#[inline]
pub fn parse_hours_bytes(b: &[u8], style: DecimalStyle) -> Option<Hours> {
    let sep = match style {
        DecimalStyle::Point => b'.',
        DecimalStyle::Comma => b',',
    };
    // Fast path: 1-10 integer digits (below 10^10 h, so ticks fit i64),
    // then optionally sep and 1-6 digits.
    let mut int: i64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() && i < 10 {
        int = int * 10 + i64::from(b[i] - b'0');
        i += 1;
    }
    if i > 0 {
        if i == b.len() {
            return Some(Hours::Ticks(int * TICKS_PER_HOUR));
        }
        if b[i] == sep {
            let frac = &b[i + 1..];
            if !frac.is_empty()
                && frac.len() <= TICK_DECIMALS as usize
                && frac.iter().all(u8::is_ascii_digit)
            {
                let mut f: i64 = 0;
                for &c in frac {
                    f = f * 10 + i64::from(c - b'0');
                }
                for _ in frac.len()..TICK_DECIMALS as usize {
                    f *= 10;
                }
                // One millionth of an hour is 60 ticks.
                return Some(Hours::Ticks(int * TICKS_PER_HOUR + f * 60));
            }
        }
    }
    slow_hours(b, style)
}

#[cold]
fn slow_hours(b: &[u8], style: DecimalStyle) -> Option<Hours> {
    let d = parse_decimal_bytes(b, style)?;
    Some(decimal_to_hours(d))
}

/// Ticks when `d` has at most six decimals and fits, else exact.
fn decimal_to_hours(d: Decimal) -> Hours {
    if d.scale() <= TICK_DECIMALS {
        if let Some(t) = d
            .checked_mul(Decimal::from(TICKS_PER_HOUR))
            .filter(|t| t.fract().is_zero())
            .and_then(|t| i64::try_from(t).ok())
        {
            return Hours::Ticks(t);
        }
    }
    Hours::Exact(d)
}

/// An exact sum of delivered hours: ticks (i128, never overflowing in
/// practice) plus a `Decimal` for values with more than six decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HourSum {
    ticks: i128,
    fine: Decimal,
    overflow: bool,
}

impl HourSum {
    #[inline]
    pub fn add(&mut self, h: Hours) {
        match h {
            Hours::Ticks(t) => self.add_ticks(i128::from(t)),
            Hours::Exact(d) => match self.fine.checked_add(d) {
                Some(s) => self.fine = s,
                None => self.overflow = true,
            },
        }
    }

    #[inline]
    fn add_ticks(&mut self, t: i128) {
        match self.ticks.checked_add(t) {
            Some(s) => self.ticks = s,
            None => self.overflow = true,
        }
    }

    pub fn merge(&mut self, o: &HourSum) {
        self.add_ticks(o.ticks);
        self.add(Hours::Exact(o.fine));
        self.overflow |= o.overflow;
    }

    /// The sum in hours: ticks / [`TICKS_PER_HOUR`] (one division) + the rest.
    pub fn hours(&self) -> Result<Decimal, CalcError> {
        let too_large = || CalcError::Overflow {
            what: "delivered hours".into(),
        };
        if self.overflow {
            return Err(too_large());
        }
        let t = Decimal::try_from_i128_with_scale(self.ticks, 0).map_err(|_| too_large())?;
        t.div_(
            Decimal::from(TICKS_PER_HOUR),
            "delivered hours",
            "ticks per hour",
        )?
        .add_(self.fine, "delivered hours")
    }
}

// ---------------------------------------------------------------------------
// Conservation reasons
// ---------------------------------------------------------------------------

/// Why a delivered row (or minutes of a shift) is not matched to an
/// agreement line; the first that applies, in this order (SPEC 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    OutsidePeriod,
    UnknownCitizen,
    NoAgreementThatDay,
    UnknownStaff,
    UnknownBand,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::OutsidePeriod,
        Reason::UnknownCitizen,
        Reason::NoAgreementThatDay,
        Reason::UnknownStaff,
        Reason::UnknownBand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::OutsidePeriod => "outside_period",
            Reason::UnknownCitizen => "unknown_citizen",
            Reason::NoAgreementThatDay => "no_agreement_that_day",
            Reason::UnknownStaff => "unknown_staff",
            Reason::UnknownBand => "unknown_band",
        }
    }
}

// ---------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------

/// An agreement in force on at least one day of the period.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Index into `Model::agreements`.
    pub agreement: usize,
    pub tilbud: usize,
    /// Days of the agreement inside the period.
    pub days: i64,
    pub tariff: Tariff,
    /// Agreed staff hours in the period per (staff, band), in need-line
    /// order of first occurrence, each the exact sum of its need lines.
    pub agreed: Vec<(usize, usize, Decimal)>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    from: Day,
    to: Day,
    slot: u32,
}

/// What the comparison of one period needs from a model, prepared once.
#[derive(Debug)]
pub struct Plan<'e, 'm> {
    pub engine: &'e Engine<'m>,
    pub from: Date,
    pub to: Date,
    from_day: Day,
    to_day: Day,
    pub slots: Vec<Slot>,
    /// Citizen id → index into `spans_of`; every citizen of any agreement.
    citizens: FxMap<Box<[u8]>, u32>,
    /// Per citizen, its agreements in force in the period, sorted by `from`.
    spans_of: Vec<Vec<Span>>,
    staff_ids: Ids,
    band_ids: Ids,
}

impl<'e, 'm> Plan<'e, 'm> {
    /// Prepare the comparison of `[from, to]` (both inclusive).
    pub fn new(engine: &'e Engine<'m>, from: Date, to: Date) -> Result<Plan<'e, 'm>, Vec<Problem>> {
        let model = engine.model;
        let (from_day, to_day) = (day_number(from), day_number(to));
        let mut problems = Vec::new();
        let mut slots = Vec::new();
        let mut citizens: FxMap<Box<[u8]>, u32> = FxMap::default();
        let mut spans_of: Vec<Vec<Span>> = Vec::new();
        for (ai, ag) in model.agreements.iter().enumerate() {
            let ci = *citizens
                .entry(ag.citizen.expose().as_bytes().into())
                .or_insert_with(|| {
                    spans_of.push(Vec::new());
                    (spans_of.len() - 1) as u32
                });
            let a_from = day_number(ag.from).max(from_day);
            let a_to = ag.to.map(day_number).unwrap_or(Day::MAX).min(to_day);
            if a_from > a_to {
                continue;
            }
            let days = i64::from(a_to) - i64::from(a_from) + 1;
            let tariff = match engine.tariff(ai) {
                Ok(t) => t,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let mut agreed: Vec<(usize, usize, Decimal)> = Vec::new();
            for &ni in &engine.needs_of[ai] {
                let n = &model.needs[ni];
                let (si, bi) = match engine.resolve(n) {
                    Ok(x) => x,
                    Err(p) => {
                        problems.push(p);
                        continue;
                    }
                };
                match agreed_hours(n.hours_per_week, n.ratio, days) {
                    Ok(h) => match agreed.iter_mut().find(|(s, b, _)| *s == si && *b == bi) {
                        Some(e) => match e.2.add_(h, "agreed hours") {
                            Ok(x) => e.2 = x,
                            Err(e) => problems.push(Problem::new(
                                Code::Calculation,
                                n.origin.pos.clone(),
                                e.to_string(),
                            )),
                        },
                        None => agreed.push((si, bi, h)),
                    },
                    Err(e) => problems.push(Problem::new(
                        Code::Calculation,
                        n.origin.pos.clone(),
                        e.to_string(),
                    )),
                }
            }
            spans_of[ci as usize].push(Span {
                from: a_from,
                to: a_to,
                slot: slots.len() as u32,
            });
            slots.push(Slot {
                agreement: ai,
                tilbud: tariff.tilbud,
                days,
                tariff,
                agreed,
            });
        }
        for s in &mut spans_of {
            s.sort_by_key(|x| x.from);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Plan {
            engine,
            from,
            to,
            from_day,
            to_day,
            slots,
            citizens,
            spans_of,
            staff_ids: Ids::new(model.staff.iter().map(|s| s.id.as_str())),
            band_ids: Ids::new(model.bands.iter().map(|b| b.id.as_str())),
        })
    }

    pub fn n_staff(&self) -> usize {
        self.staff_ids.len()
    }

    pub fn n_bands(&self) -> usize {
        self.band_ids.len()
    }

    #[inline]
    pub fn in_period(&self, day: Day) -> bool {
        day >= self.from_day && day <= self.to_day
    }

    /// The citizen with this id, if any agreement names it.
    #[inline]
    pub fn citizen(&self, id: &[u8]) -> Option<u32> {
        self.citizens.get(id).copied()
    }

    /// The slot of the citizen's agreement in force on `day` (in the period).
    #[inline]
    pub fn agreement_on(&self, citizen: u32, day: Day) -> Option<u32> {
        self.spans_of
            .get(citizen as usize)?
            .iter()
            .find(|s| day >= s.from && day <= s.to)
            .map(|s| s.slot)
    }

    #[inline]
    pub fn staff(&self, id: &[u8]) -> Option<usize> {
        self.staff_ids.find(id)
    }

    #[inline]
    pub fn band(&self, id: &[u8]) -> Option<usize> {
        self.band_ids.find(id)
    }
}

/// Agreed staff hours of one need line over `days` days:
/// `hours_per_week × ratio.staff × days / (7 × ratio.citizens)`, one division.
/// Example: 10 h/week at 1:1 over 90 days = 900/7 = 128.571428…
pub fn agreed_hours(
    hours_per_week: Decimal,
    ratio: Ratio,
    days: i64,
) -> Result<Decimal, CalcError> {
    hours_per_week
        .mul_(Decimal::from(ratio.staff), "agreed hours")?
        .mul_(Decimal::from(days), "agreed hours")?
        .div_(
            Decimal::from(ratio.citizens).mul_(Decimal::from(7), "agreed hours")?,
            "agreed hours",
            "7 × citizens of the ratio",
        )
}

// ---------------------------------------------------------------------------
// The accumulator
// ---------------------------------------------------------------------------

/// Delivered hours per slot × staff × band and per reason. One per thread;
/// [`Accumulator::merge`] adds another into it.
#[derive(Debug, Clone)]
pub struct Accumulator {
    stride: usize,
    n_bands: usize,
    /// Ticks per cell `slot × stride + staff × n_bands + band`.
    cells: Vec<i64>,
    /// Cells that got a value with more than six decimals or overflowed i64.
    spill: FxMap<u32, HourSum>,
    /// Whether a cell has received any row (even of zero hours).
    touched: Vec<bool>,
    pub delivered_in: HourSum,
    pub reasons: [HourSum; 5],
    /// Rows (date rows and clock rows) read.
    pub rows: u64,
    last_citizen: Option<u128>,
    last_citizen_index: Option<u32>,
}

impl Accumulator {
    pub fn new(plan: &Plan) -> Accumulator {
        let stride = plan.n_staff() * plan.n_bands();
        let n = plan.slots.len() * stride;
        Accumulator {
            stride,
            n_bands: plan.n_bands(),
            cells: vec![0; n],
            spill: FxMap::default(),
            touched: vec![false; n],
            delivered_in: HourSum::default(),
            reasons: [HourSum::default(); 5],
            rows: 0,
            last_citizen: None,
            last_citizen_index: None,
        }
    }

    /// The citizen's index; the last one is remembered (rows of one
    /// citizen tend to follow each other).
    #[inline]
    fn lookup_citizen(&mut self, plan: &Plan, id: &[u8]) -> Option<u32> {
        match pack(id) {
            Some(k) if Some(k) == self.last_citizen => self.last_citizen_index,
            k => {
                self.last_citizen = k;
                self.last_citizen_index = plan.citizen(id);
                self.last_citizen_index
            }
        }
    }

    #[inline]
    fn add_cell(&mut self, cell: usize, h: Hours) {
        self.touched[cell] = true;
        match h {
            Hours::Ticks(t) => match self.cells[cell].checked_add(t) {
                Some(s) => self.cells[cell] = s,
                None => {
                    let old = std::mem::take(&mut self.cells[cell]);
                    let e = self.spill.entry(cell as u32).or_default();
                    e.add_ticks(i128::from(old));
                    e.add_ticks(i128::from(t));
                }
            },
            Hours::Exact(_) => self.spill.entry(cell as u32).or_default().add(h),
        }
    }

    /// The cell a row goes to, or the first reason that applies.
    #[inline]
    fn classify(
        &mut self,
        plan: &Plan,
        citizen: &[u8],
        day: Day,
        staff: &[u8],
        band: Option<&[u8]>,
    ) -> Result<(usize, usize), Reason> {
        if !plan.in_period(day) {
            return Err(Reason::OutsidePeriod);
        }
        let c = self
            .lookup_citizen(plan, citizen)
            .ok_or(Reason::UnknownCitizen)?;
        let slot = plan
            .agreement_on(c, day)
            .ok_or(Reason::NoAgreementThatDay)?;
        let s = plan.staff(staff).ok_or(Reason::UnknownStaff)?;
        let base = slot as usize * self.stride + s * self.n_bands;
        match band {
            Some(b) => plan.band(b).map(|b| (base, b)).ok_or(Reason::UnknownBand),
            None => Ok((base, usize::MAX)),
        }
    }

    /// One `citizen,date,staff,band,hours` row.
    #[inline]
    pub fn add_row(
        &mut self,
        plan: &Plan,
        citizen: &[u8],
        day: Day,
        staff: &[u8],
        band: &[u8],
        h: Hours,
    ) {
        self.rows += 1;
        self.delivered_in.add(h);
        match self.classify(plan, citizen, day, staff, Some(band)) {
            Ok((base, b)) => self.add_cell(base + b, h),
            Err(r) => self.reasons[r as usize].add(h),
        }
    }

    /// One clock-time row, split into minutes per band and local date by
    /// `clock::split_shift` with band indices of the model. Minutes no band
    /// covers are counted as `unknown_band` unless an earlier reason applies.
    pub fn add_shift(&mut self, plan: &Plan, citizen: &[u8], staff: &[u8], split: &Split) {
        self.rows += 1;
        let ticks = |m: u32| Hours::Ticks(i64::from(m) * TICKS_PER_MINUTE);
        self.delivered_in.add(ticks(split.total_minutes()));
        for p in &split.pieces {
            let h = ticks(p.minutes);
            match self.classify(plan, citizen, day_number(p.date), staff, None) {
                Ok((base, _)) if p.band < self.n_bands => self.add_cell(base + p.band, h),
                Ok(_) => self.reasons[Reason::UnknownBand as usize].add(h),
                Err(r) => self.reasons[r as usize].add(h),
            }
        }
        for u in &split.uncovered {
            let h = ticks(u.minutes);
            let r = match self.classify(plan, citizen, day_number(u.date), staff, None) {
                Ok(_) => Reason::UnknownBand,
                Err(r) => r,
            };
            self.reasons[r as usize].add(h);
        }
    }

    /// Add `other` (from another thread, same plan) into `self`.
    pub fn merge(&mut self, other: Accumulator) {
        for (i, (&t, &touched)) in other.cells.iter().zip(&other.touched).enumerate() {
            if touched {
                self.add_cell(i, Hours::Ticks(t));
            }
        }
        for (k, v) in other.spill {
            let i = k as usize;
            self.touched[i] = true;
            self.spill.entry(k).or_default().merge(&v);
        }
        self.delivered_in.merge(&other.delivered_in);
        for (a, b) in self.reasons.iter_mut().zip(&other.reasons) {
            a.merge(b);
        }
        self.rows += other.rows;
    }

    /// Delivered hours of one cell.
    fn cell_hours(&self, cell: usize) -> Result<Decimal, CalcError> {
        let mut s = HourSum::default();
        s.add_ticks(i128::from(self.cells[cell]));
        if let Some(x) = self.spill.get(&(cell as u32)) {
            s.merge(x);
        }
        s.hours()
    }

    /// All matched hours, as an exact sum of ticks.
    fn matched(&self) -> HourSum {
        let mut s = HourSum::default();
        for &t in &self.cells {
            s.add_ticks(i128::from(t));
        }
        for v in self.spill.values() {
            s.merge(v);
        }
        s
    }
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

/// Delivery against agreement, with a tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Under,
    Ok,
    Over,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Under => "under",
            Status::Ok => "ok",
            Status::Over => "over",
        }
    }

    /// `under` if delivered < agreed × (1 − tolerance), `over` if delivered >
    /// agreed × (1 + tolerance), else `ok`; `tolerance` as a fraction (0.10).
    pub fn of(
        agreed: Decimal,
        delivered: Decimal,
        tolerance: Decimal,
    ) -> Result<Status, CalcError> {
        let low = agreed.mul_(Decimal::ONE.sub_(tolerance, "tolerance")?, "tolerance")?;
        let high = agreed.mul_(Decimal::ONE.add_(tolerance, "tolerance")?, "tolerance")?;
        Ok(if delivered < low {
            Status::Under
        } else if delivered > high {
            Status::Over
        } else {
            Status::Ok
        })
    }
}

/// One agreement × staff × band line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Index into `Plan::slots`.
    pub slot: usize,
    pub staff: usize,
    pub band: usize,
    /// Agreed staff hours in the period.
    pub agreed: Decimal,
    /// Delivered staff hours.
    pub delivered: Decimal,
    /// delivered − agreed.
    pub diff: Decimal,
    /// delivered × 100 / agreed; `None` when agreed = 0.
    pub delivery_pct: Option<Decimal>,
    /// The published hourly price of the agreement's tilbud.
    pub price: Decimal,
    /// diff × price.
    pub diff_value: Decimal,
    pub status: Status,
}

/// Totals of one agreement, or summed over a citizen or a municipality.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Days in force inside the period.
    pub days: Decimal,
    /// days × tariff per day paid (agreed tariff, or the calculated one).
    pub tariff_paid: Decimal,
    /// days × grundtakst + Σ delivered hours × price.
    pub value_delivered: Decimal,
    /// value_delivered − tariff_paid.
    pub balance: Decimal,
    pub agreed_hours: Decimal,
    pub delivered_hours: Decimal,
    /// Σ (delivered − agreed) × price = volume + mix.
    pub gap: Decimal,
    /// (Σ delivered − Σ agreed) × agreed value / agreed hours.
    pub volume: Decimal,
    /// gap − volume.
    pub mix: Decimal,
    /// How many agreements are summed.
    pub agreements: usize,
    /// How many of them have an agreed tariff that differs from the calculated one.
    pub tariff_differs: usize,
}

impl Totals {
    fn add(&mut self, o: &Totals) -> Result<(), CalcError> {
        let w = "totals";
        self.days = self.days.add_(o.days, w)?;
        self.tariff_paid = self.tariff_paid.add_(o.tariff_paid, w)?;
        self.value_delivered = self.value_delivered.add_(o.value_delivered, w)?;
        self.balance = self.balance.add_(o.balance, w)?;
        self.agreed_hours = self.agreed_hours.add_(o.agreed_hours, w)?;
        self.delivered_hours = self.delivered_hours.add_(o.delivered_hours, w)?;
        self.gap = self.gap.add_(o.gap, w)?;
        self.volume = self.volume.add_(o.volume, w)?;
        self.mix = self.mix.add_(o.mix, w)?;
        self.agreements += o.agreements;
        self.tariff_differs += o.tariff_differs;
        Ok(())
    }
}

/// The totals of one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementTotals {
    pub slot: usize,
    pub totals: Totals,
    /// The calculated tariff per day.
    pub calculated_tariff: Decimal,
    pub agreed_tariff: Option<Decimal>,
}

/// The hours-conservation figures: `delivered_in = matched + Σ reasons`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conservation {
    pub delivered_in: Decimal,
    pub matched: Decimal,
    /// In the order of [`Reason::ALL`].
    pub reasons: [Decimal; 5],
    pub rows: u64,
}

/// The variance split of one agreement: `gap = volume + mix` exactly.
///
/// With A = Σ agreed hours, D = Σ delivered hours, V = Σ agreed × price and
/// gap = Σ (delivered − agreed) × price: volume = (D − A) × V / A, the gap
/// if the extra (or missing) hours had the agreed average price; mix =
/// gap − volume, what the composition of the delivered hours (competence and
/// time band) adds. When A = 0 the whole gap is volume.
pub fn variance_split(
    agreed_hours: Decimal,
    delivered_hours: Decimal,
    agreed_value: Decimal,
    gap: Decimal,
) -> Result<(Decimal, Decimal), CalcError> {
    let volume = if agreed_hours.is_zero() {
        gap
    } else {
        delivered_hours
            .sub_(agreed_hours, "volume effect")?
            .mul_(agreed_value, "volume effect")?
            .div_(agreed_hours, "volume effect", "agreed hours")?
    };
    let mix = gap.sub_(volume, "mix effect")?;
    Ok((volume, mix))
}

/// Everything `takst compare` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub lines: Vec<Line>,
    /// One per slot, in slot order.
    pub agreements: Vec<AgreementTotals>,
    pub conservation: Conservation,
}

fn calc(e: CalcError) -> Problem {
    Problem::new(
        Code::Calculation,
        crate::model::Pos::default(),
        e.to_string(),
    )
}

impl Report {
    /// Build the report from a plan and the merged accumulator.
    /// `tolerance` is a fraction (0.10 for 10 %).
    pub fn new(plan: &Plan, acc: &Accumulator, tolerance: Decimal) -> Result<Report, Problem> {
        let conservation = conservation(acc).map_err(calc)?;
        let mut lines = Vec::new();
        let mut agreements = Vec::with_capacity(plan.slots.len());
        let (ns, nb) = (plan.n_staff(), plan.n_bands());
        for (si, slot) in plan.slots.iter().enumerate() {
            let prices = &plan.engine.tilbud[slot.tilbud].prices;
            let first_line = lines.len();
            for s in 0..ns {
                for b in 0..nb {
                    let cell = si * acc.stride + s * nb + b;
                    let agreed = slot
                        .agreed
                        .iter()
                        .find(|(x, y, _)| *x == s && *y == b)
                        .map(|e| e.2);
                    if agreed.is_none() && !acc.touched[cell] {
                        continue;
                    }
                    let agreed = agreed.unwrap_or_default();
                    let delivered = acc.cell_hours(cell).map_err(calc)?;
                    let price = prices
                        .get(s)
                        .and_then(|r| r.get(b))
                        .map(|p| p.published)
                        .unwrap_or_default();
                    lines.push(line(si, s, b, agreed, delivered, price, tolerance).map_err(calc)?);
                }
            }
            let t = agreement_totals(plan, si, &lines[first_line..]).map_err(calc)?;
            agreements.push(t);
        }
        Ok(Report {
            lines,
            agreements,
            conservation,
        })
    }

    /// Totals grouped by a key of the agreement (citizen and municipality,
    /// or municipality), in order of first appearance.
    pub fn totals_by<K: Eq + std::hash::Hash + Clone>(
        &self,
        key: impl Fn(&Slot) -> K,
        plan: &Plan,
    ) -> Result<Vec<(K, Totals)>, Problem> {
        let mut order: Vec<(K, Totals)> = Vec::new();
        let mut index: HashMap<K, usize> = HashMap::new();
        for a in &self.agreements {
            let k = key(&plan.slots[a.slot]);
            let i = *index.entry(k.clone()).or_insert_with(|| {
                order.push((k, Totals::default()));
                order.len() - 1
            });
            order[i].1.add(&a.totals).map_err(calc)?;
        }
        Ok(order)
    }

    /// The part of the report about one paying municipality: the lines and
    /// agreement totals of the agreements in `view`, and nothing else. A
    /// per-municipality output is built from this, so it cannot hold
    /// another municipality's citizens. The conservation figures are those
    /// of the whole delivered file (they hold no citizen).
    pub fn for_view(&self, plan: &Plan, view: &MunicipalityView) -> Report {
        let mine = |slot: usize| view.contains(plan.slots[slot].agreement);
        Report {
            lines: self
                .lines
                .iter()
                .filter(|l| mine(l.slot))
                .cloned()
                .collect(),
            agreements: self
                .agreements
                .iter()
                .filter(|a| mine(a.slot))
                .cloned()
                .collect(),
            conservation: self.conservation.clone(),
        }
    }

    /// Does any line have a status that `pred` selects?
    pub fn any(&self, pred: impl Fn(Status) -> bool) -> bool {
        self.lines.iter().any(|l| pred(l.status))
    }
}

fn line(
    slot: usize,
    s: usize,
    b: usize,
    agreed: Decimal,
    delivered: Decimal,
    price: Decimal,
    tol: Decimal,
) -> Result<Line, CalcError> {
    let diff = delivered.sub_(agreed, "difference")?;
    let delivery_pct = if agreed.is_zero() {
        None
    } else {
        Some(delivered.mul_(Decimal::ONE_HUNDRED, "delivery %")?.div_(
            agreed,
            "delivery %",
            "agreed hours",
        )?)
    };
    Ok(Line {
        slot,
        staff: s,
        band: b,
        agreed,
        delivered,
        diff,
        delivery_pct,
        price,
        diff_value: diff.mul_(price, "value of the difference")?,
        status: Status::of(agreed, delivered, tol)?,
    })
}

fn agreement_totals(plan: &Plan, si: usize, lines: &[Line]) -> Result<AgreementTotals, CalcError> {
    let slot = &plan.slots[si];
    let tr = &slot.tariff;
    let days = Decimal::from(slot.days);
    let agreed_hours = sum(lines.iter().map(|l| l.agreed), "agreed hours")?;
    let delivered_hours = sum(lines.iter().map(|l| l.delivered), "delivered hours")?;
    let mut delivered_value = Decimal::ZERO;
    let mut agreed_value = Decimal::ZERO;
    for l in lines {
        delivered_value = delivered_value.add_(
            l.delivered.mul_(l.price, "value delivered")?,
            "value delivered",
        )?;
        agreed_value =
            agreed_value.add_(l.agreed.mul_(l.price, "agreed value")?, "agreed value")?;
    }
    let gap = sum(lines.iter().map(|l| l.diff_value), "variance")?;
    let (volume, mix) = variance_split(agreed_hours, delivered_hours, agreed_value, gap)?;
    let tariff_paid = days.mul_(tr.paid_per_day(), "tariff paid")?;
    let value_delivered = days
        .mul_(tr.grundtakst, "value delivered")?
        .add_(delivered_value, "value delivered")?;
    let balance = value_delivered.sub_(tariff_paid, "balance")?;
    Ok(AgreementTotals {
        slot: si,
        totals: Totals {
            days,
            tariff_paid,
            value_delivered,
            balance,
            agreed_hours,
            delivered_hours,
            gap,
            volume,
            mix,
            agreements: 1,
            tariff_differs: usize::from(tr.agreed_tariff.is_some_and(|a| a != tr.per_day)),
        },
        calculated_tariff: tr.per_day,
        agreed_tariff: tr.agreed_tariff,
    })
}

fn conservation(acc: &Accumulator) -> Result<Conservation, CalcError> {
    let matched = acc.matched();
    // The check in exact units: delivered in = matched + Σ reasons.
    let mut total = matched;
    for r in &acc.reasons {
        total.merge(r);
    }
    if total != acc.delivered_in {
        return Err(CalcError::Overflow {
            what: "hours conservation does not hold (an internal error)".into(),
        });
    }
    let mut reasons = [Decimal::ZERO; 5];
    for (o, r) in reasons.iter_mut().zip(&acc.reasons) {
        *o = r.hours()?;
    }
    Ok(Conservation {
        delivered_in: acc.delivered_in.hours()?,
        matched: matched.hours()?,
        reasons,
        rows: acc.rows,
    })
}

// ---------------------------------------------------------------------------
// Proposals
// ---------------------------------------------------------------------------

/// One need line implied by the delivered hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposedLine {
    pub staff: usize,
    pub band: usize,
    /// The ratio of the agreement's first need line with this staff × band, or 1:1.
    pub ratio: Ratio,
    /// Citizen hours per week agreed now (Σ of the need lines), 0 if none.
    pub agreed_hours_per_week: Decimal,
    /// delivered staff hours × 7 / days in force.
    pub staff_hours_per_week: Decimal,
    /// staff_hours_per_week × citizens / staff of the ratio.
    pub hours_per_week: Decimal,
    pub price: Decimal,
    /// staff_hours_per_week × price / 7 (= delivered × price / days).
    pub per_day: Decimal,
}

/// A documented basis for changing an agreement's tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub slot: usize,
    pub lines: Vec<ProposedLine>,
    pub grundtakst: Decimal,
    /// Σ per_day, not rounded.
    pub individual_exact: Decimal,
    /// Rounded at rounding point (b), as in the calculated tariff.
    pub individual: Decimal,
    /// grundtakst + individual.
    pub proposed_tariff: Decimal,
    /// The tariff paid now (agreed, or calculated).
    pub current_tariff: Decimal,
    /// proposed − current.
    pub diff_per_day: Decimal,
    /// diff_per_day × days per year of the model.
    pub diff_per_year: Decimal,
}

/// Proposals for every agreement with a line outside the tolerance.
pub fn proposals(plan: &Plan, report: &Report) -> Result<Vec<Proposal>, Problem> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < report.lines.len() {
        let si = report.lines[start].slot;
        let end = start
            + report.lines[start..]
                .iter()
                .take_while(|l| l.slot == si)
                .count();
        let lines = &report.lines[start..end];
        start = end;
        if lines.iter().all(|l| l.status == Status::Ok) {
            continue;
        }
        out.push(proposal(plan, si, lines).map_err(calc)?);
    }
    Ok(out)
}

fn proposal(plan: &Plan, si: usize, lines: &[Line]) -> Result<Proposal, CalcError> {
    let engine = plan.engine;
    let model = engine.model;
    let slot = &plan.slots[si];
    let days = Decimal::from(slot.days);
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let needs: Vec<_> = engine.needs_of[slot.agreement]
            .iter()
            .map(|&ni| &model.needs[ni])
            .filter(|n| {
                engine.staff_index.get(&*n.staff) == Some(&l.staff)
                    && engine.band_index.get(&*n.band) == Some(&l.band)
            })
            .collect();
        let ratio = needs.first().map(|n| n.ratio).unwrap_or_default();
        let agreed_hpw = sum(
            needs.iter().map(|n| n.hours_per_week),
            "agreed hours per week",
        )?;
        let w = "proposed hours per week";
        let staff_hpw = l
            .delivered
            .mul_(Decimal::from(7), w)?
            .div_(days, w, "days in force")?;
        let hpw = l
            .delivered
            .mul_(Decimal::from(7), w)?
            .mul_(Decimal::from(ratio.citizens), w)?
            .div_(
                days.mul_(Decimal::from(ratio.staff), w)?,
                w,
                "days × staff of the ratio",
            )?;
        let per_day = l.delivered.mul_(l.price, "proposed line per day")?.div_(
            days,
            "proposed line per day",
            "days in force",
        )?;
        out.push(ProposedLine {
            staff: l.staff,
            band: l.band,
            ratio,
            agreed_hours_per_week: agreed_hpw,
            staff_hours_per_week: staff_hpw,
            hours_per_week: hpw,
            price: l.price,
            per_day,
        });
    }
    let individual_exact = sum(out.iter().map(|l| l.per_day), "proposed individual tariff")?;
    let individual = model.rounding.tariff(individual_exact)?;
    let grundtakst = slot.tariff.grundtakst;
    let proposed_tariff = grundtakst.add_(individual, "proposed tariff")?;
    let current_tariff = slot.tariff.paid_per_day();
    let diff_per_day = proposed_tariff.sub_(current_tariff, "difference per day")?;
    let diff_per_year = diff_per_day.mul_(model.days_per_year, "difference per year")?;
    Ok(Proposal {
        slot: si,
        lines: out,
        grundtakst,
        individual_exact,
        individual,
        proposed_tariff,
        current_tariff,
        diff_per_day,
        diff_per_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agreement, Cost, CostKind, Model, Need, Origin, Ref, Tilbud};
    use crate::num::{Precision, Rounding};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn date(s: &str) -> Date {
        crate::text::parse_date(s).unwrap()
    }

    /// id, citizen, from, to, agreed tariff, municipality
    type AgreementRow<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    /// agreement, staff, band, hours per week, (staff, citizens)
    type NeedRow<'a> = (&'a str, &'a str, &'a str, &'a str, (u32, u32));

    fn r(id: &str) -> Ref {
        Ref::new(id, Default::default())
    }

    /// Staff `a` at 100 kr./h, `b` at 200 kr./h (fixed rates, no overhead,
    /// exact prices); bands `dag`, `nat`; tilbud `t` with grundtakst 1,000.
    fn model(agreements: &[AgreementRow], needs: &[NeedRow]) -> Model {
        use crate::testing::band;
        let staff = |id: &str, rate: &str| crate::testing::staff(id, d(rate));
        Model {
            rounding: Rounding {
                rate: Precision::Exact,
                ..Rounding::default()
            },
            bands: vec![band("dag"), band("nat")],
            staff: vec![staff("a", "100"), staff("b", "200")],
            tilbud: vec![Tilbud {
                id: "t".into(),
                name: "t".into(),
                paragraph: None,
                places: Decimal::ONE,
                occupancy_pct: Decimal::ONE_HUNDRED,
                settlement: Decimal::ZERO,
                carry_pct: None,
                limit_base: None,
                overhead: Default::default(),
                shared: vec![],
                costs: vec![Cost {
                    name: "x".into(),
                    kind: CostKind::Other,
                    amount: d("365000"),
                    origin: Origin::default(),
                }],
                origin: Origin::default(),
            }],
            agreements: agreements
                .iter()
                .map(|&(id, citizen, from, to, tariff, muni)| Agreement {
                    id: id.into(),
                    citizen: citizen.into(),
                    municipality: muni.unwrap_or("K").into(),
                    tilbud: r("t"),
                    from: date(from),
                    to: (!to.is_empty()).then(|| date(to)),
                    agreed_tariff: tariff.map(d),
                    origin: Origin::default(),
                })
                .collect(),
            needs: needs
                .iter()
                .map(|&(a, s, b, h, (rs, rc))| Need {
                    agreement: a.into(),
                    staff: s.into(),
                    band: b.into(),
                    hours_per_week: d(h),
                    ratio: Ratio {
                        staff: rs,
                        citizens: rc,
                    },
                    note: None,
                    origin: Origin::default(),
                })
                .collect(),
            ..Model::default()
        }
    }

    fn h(s: &str) -> Hours {
        parse_hours_bytes(s.as_bytes(), DecimalStyle::Point).unwrap()
    }

    fn day(s: &str) -> Day {
        day_number(date(s))
    }

    #[test]
    fn day_numbers_match_jiff() {
        let epoch = date("1970-01-01");
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2024-03-01",
            "1900-03-01",
            "2000-02-29",
            "9999-12-31",
            "0001-01-01",
        ] {
            let dt = date(s);
            let span = epoch.until((jiff::Unit::Day, dt)).unwrap();
            assert_eq!(i64::from(day_number(dt)), span.get_days() as i64, "{s}");
        }
    }

    #[test]
    fn hours_parse_like_the_decimal_parser() {
        let cases = [
            "0",
            "1",
            "1.25",
            "007",
            "0.1",
            "123456789012",
            "1.123456",
            "1.1234567",
            "1.",
            ".5",
            "-1",
            "+2",
            " 3 ",
            "1e3",
            "",
            "1.2.3",
            "9999999999999.5",
            "79228162514264337593543950335",
        ];
        for style in [DecimalStyle::Point, DecimalStyle::Comma] {
            for c in cases {
                let c = if style == DecimalStyle::Comma {
                    c.replace('.', ",")
                } else {
                    c.to_string()
                };
                let want = parse_decimal_bytes(c.as_bytes(), style);
                let got = parse_hours_bytes(c.as_bytes(), style);
                assert_eq!(got.map(Hours::to_decimal), want, "{c:?} {style:?}");
            }
        }
        assert_eq!(
            parse_hours_bytes(b"1.234,5", DecimalStyle::Comma),
            Some(Hours::Ticks(12345 * TICKS_PER_HOUR / 10))
        );
        assert_eq!(h("1.1234567"), Hours::Exact(d("1.1234567")));
    }

    proptest::proptest! {
        #[test]
        fn hours_parse_agrees_on_any_text(s in "[-+ ]?[0-9]{0,14}([.,][0-9]{0,8})?[ ]?") {
            for style in [DecimalStyle::Point, DecimalStyle::Comma] {
                let want = parse_decimal_bytes(s.as_bytes(), style);
                let got = parse_hours_bytes(s.as_bytes(), style).map(Hours::to_decimal);
                proptest::prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn variance_split_sums_exactly(a in 0i64..10_000_000, dl in 0i64..10_000_000, p1 in 1i64..100_000, p2 in 1i64..100_000) {
            let agreed = Decimal::new(a, 2);
            let delivered = Decimal::new(dl, 2);
            let value = agreed * Decimal::new(p1, 2);
            let gap = delivered * Decimal::new(p2, 2) - value;
            let (volume, mix) = variance_split(agreed, delivered, value, gap).unwrap();
            proptest::prop_assert_eq!(volume + mix, gap);
        }
    }

    #[test]
    fn proration_at_period_edges_and_leap_day() {
        // Period February-March 2024 (29 + 31 = 60 days).
        let m = model(
            &[
                ("whole", "C1", "2023-01-01", "", None, None),
                ("starts", "C2", "2024-02-20", "", None, None),
                ("ends", "C3", "2023-06-01", "2024-02-29", None, None),
                ("inside", "C4", "2024-02-28", "2024-03-01", None, None),
                ("before", "C5", "2023-01-01", "2024-01-31", None, None),
            ],
            &[
                ("whole", "a", "dag", "7", (1, 1)),
                ("starts", "a", "dag", "7", (1, 1)),
                ("ends", "a", "dag", "7", (1, 1)),
                ("inside", "a", "dag", "7", (1, 1)),
                ("before", "a", "dag", "7", (1, 1)),
            ],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2024-02-01"), date("2024-03-31")).unwrap();
        let days: Vec<(String, i64, Decimal)> = plan
            .slots
            .iter()
            .map(|s| (m.agreements[s.agreement].id.clone(), s.days, s.agreed[0].2))
            .collect();
        // 7 h/week = 1 h/day.
        assert_eq!(
            days,
            vec![
                ("whole".into(), 60, d("60")),
                ("starts".into(), 41, d("41")),
                ("ends".into(), 29, d("29")),
                ("inside".into(), 3, d("3"))
            ]
        );
    }

    #[test]
    fn ratios_scale_staff_hours() {
        let m = model(
            &[("A", "C1", "2025-01-01", "", None, None)],
            &[
                ("A", "a", "dag", "3", (1, 3)),
                ("A", "a", "nat", "2", (2, 1)),
                ("A", "b", "dag", "10", (1, 1)),
            ],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-07")).unwrap();
        assert_eq!(
            plan.slots[0].agreed,
            vec![(0, 0, d("1")), (0, 1, d("4")), (1, 0, d("10"))]
        );
        // 10 h/week over 90 days: 900/7, one division.
        assert_eq!(
            agreed_hours(d("10"), Ratio::default(), 90).unwrap(),
            d("900") / d("7")
        );
    }

    #[test]
    fn reasons_in_order_and_conservation() {
        let m = model(
            &[
                ("A", "C1", "2025-01-01", "2025-01-10", None, None),
                ("B", "C1", "2025-01-20", "", None, None),
            ],
            &[("A", "a", "dag", "7", (1, 1))],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-31")).unwrap();
        let mut acc = Accumulator::new(&plan);
        let rows: &[(&str, &str, &str, &str, &str)] = &[
            ("C1", "2025-01-02", "a", "dag", "1.5"),      // matched A
            ("C1", "2025-01-21", "b", "nat", "2"),        // matched B (not agreed)
            ("X9", "2024-12-31", "zz", "zz", "0.25"),     // outside_period first
            ("X9", "2025-01-02", "zz", "zz", "0.5"),      // unknown_citizen before staff
            ("C1", "2025-01-15", "zz", "zz", "0.75"),     // no agreement that day
            ("C1", "2025-01-05", "zz", "zz", "1.125"),    // unknown staff before band
            ("C1", "2025-01-05", "a", "zz", "1.0000001"), // unknown band; exact
        ];
        for &(c, dt, s, b, hh) in rows {
            acc.add_row(
                &plan,
                c.as_bytes(),
                day(dt),
                s.as_bytes(),
                b.as_bytes(),
                h(hh),
            );
        }
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        let c = &rep.conservation;
        assert_eq!(c.delivered_in, d("7.1250001"));
        assert_eq!(c.matched, d("3.5"));
        assert_eq!(
            c.reasons,
            [d("0.25"), d("0.5"), d("0.75"), d("1.125"), d("1.0000001")]
        );
        assert_eq!(
            c.matched + c.reasons.iter().copied().sum::<Decimal>(),
            c.delivered_in
        );
        assert_eq!(rep.lines.len(), 2);
        let l = &rep.lines[0];
        // A: 10 days → 10 h agreed, 1.5 delivered; price 100.
        assert_eq!(
            (l.agreed, l.delivered, l.diff, l.diff_value, l.status),
            (d("10"), d("1.5"), d("-8.5"), d("-850"), Status::Under)
        );
        assert_eq!(l.delivery_pct, Some(d("15")));
        let l = &rep.lines[1];
        assert_eq!(
            (
                l.staff,
                l.band,
                l.agreed,
                l.delivered,
                l.delivery_pct,
                l.status
            ),
            (1, 1, d("0"), d("2"), None, Status::Over)
        );
    }

    #[test]
    fn merged_accumulators_equal_one() {
        let m = model(
            &[("A", "C1", "2025-01-01", "", Some("1500"), None)],
            &[("A", "a", "dag", "7", (1, 1))],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-31")).unwrap();
        let rows: Vec<(String, Hours)> = (0..200)
            .map(|i| {
                (
                    format!("2025-01-{:02}", i % 35 + 1),
                    Hours::Ticks(i * 7_000_123 % 500_000_000),
                )
            })
            .collect();
        let mut one = Accumulator::new(&plan);
        let (mut x, mut y) = (Accumulator::new(&plan), Accumulator::new(&plan));
        for (i, (dt, hh)) in rows.iter().enumerate() {
            let dn = crate::text::parse_date_bytes(dt.as_bytes())
                .map(day_number)
                .unwrap_or(Day::MAX);
            one.add_row(&plan, b"C1", dn, b"a", b"dag", *hh);
            let part = if i % 3 == 0 { &mut x } else { &mut y };
            part.add_row(&plan, b"C1", dn, b"a", b"dag", *hh);
        }
        x.merge(y);
        let (a, b) = (
            Report::new(&plan, &one, d("0.1")).unwrap(),
            Report::new(&plan, &x, d("0.1")).unwrap(),
        );
        assert_eq!(a.lines, b.lines);
        assert_eq!(a.conservation, b.conservation);
    }

    #[test]
    fn overflowing_cells_spill_exactly() {
        let m = model(&[("A", "C1", "2025-01-01", "", None, None)], &[]);
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-31")).unwrap();
        let mut acc = Accumulator::new(&plan);
        for _ in 0..3 {
            acc.add_row(
                &plan,
                b"C1",
                day("2025-01-02"),
                b"a",
                b"dag",
                h("100000000000"),
            );
        }
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        assert_eq!(rep.lines[0].delivered, d("300000000000"));
        assert_eq!(rep.conservation.delivered_in, d("300000000000"));
    }

    #[test]
    fn totals_variance_and_tariff_flag() {
        // 7 h/week a dag (100 kr.) over 7 days = 7 h agreed, value 700.
        // Delivered: 5 h a dag + 4 h b dag (200 kr.) = 9 h, value 1,300.
        let m = model(
            &[("A", "C1", "2025-01-01", "", Some("1500"), None)],
            &[("A", "a", "dag", "7", (1, 1))],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-07")).unwrap();
        let mut acc = Accumulator::new(&plan);
        acc.add_row(&plan, b"C1", day("2025-01-02"), b"a", b"dag", h("5"));
        acc.add_row(&plan, b"C1", day("2025-01-03"), b"b", b"dag", h("4"));
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        let t = &rep.agreements[0].totals;
        assert_eq!(t.gap, d("600"));
        // volume: (9 − 7) × 700 / 7 = 200; mix: 600 − 200 = 400 (b is dearer).
        assert_eq!((t.volume, t.mix), (d("200"), d("400")));
        assert_eq!(t.volume + t.mix, t.gap);
        // tariff: grundtakst 1,000 + round(7/7 × 100) = 1,100; agreed 1,500.
        assert_eq!(rep.agreements[0].calculated_tariff, d("1100"));
        assert_eq!(t.tariff_differs, 1);
        assert_eq!(t.tariff_paid, d("10500"));
        assert_eq!(t.value_delivered, d("8300"));
        assert_eq!(t.balance, d("-2200"));
    }

    #[test]
    fn proposal_from_delivered_hours() {
        // Agreed 7 h/week a dag at 1:2 (3.5 staff h/week); over 14 days
        // delivered 14 staff hours a dag and 2 hours b nat.
        let m = model(
            &[("A", "C1", "2025-01-01", "", None, None)],
            &[("A", "a", "dag", "7", (1, 2))],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-01-14")).unwrap();
        let mut acc = Accumulator::new(&plan);
        acc.add_row(&plan, b"C1", day("2025-01-02"), b"a", b"dag", h("14"));
        acc.add_row(&plan, b"C1", day("2025-01-03"), b"b", b"nat", h("2"));
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        let ps = proposals(&plan, &rep).unwrap();
        assert_eq!(ps.len(), 1);
        let p = &ps[0];
        // a dag: 14 × 7 / 14 = 7 staff h/week → 14 citizen h/week at 1:2.
        assert_eq!(
            (
                p.lines[0].staff_hours_per_week,
                p.lines[0].hours_per_week,
                p.lines[0].agreed_hours_per_week
            ),
            (d("7"), d("14"), d("7"))
        );
        // b nat (not agreed): 1 staff h/week at 1:1.
        assert_eq!(
            (p.lines[1].ratio, p.lines[1].hours_per_week),
            (Ratio::default(), d("1"))
        );
        // individual: 14 × 100 / 14 + 2 × 200 / 14 = 128.57… → 129; current: 1,000 + round(3.5/7 × 100) = 1,050.
        assert_eq!(p.individual, d("129"));
        assert_eq!(p.proposed_tariff, d("1129"));
        assert_eq!(p.current_tariff, d("1050"));
        assert_eq!(p.diff_per_day, d("79"));
        assert_eq!(p.diff_per_year, d("28835"));
    }

    #[test]
    fn shifts_count_minutes_and_uncovered() {
        use crate::clock::{parse_timestamp, split_shift, Window};
        let m = model(&[("A", "C1", "2025-01-01", "2025-03-29", None, None)], &[]);
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-12-31")).unwrap();
        // dag 07-23 every day; 23-07 uncovered.
        let windows = [(0usize, Window::parse(&["all"], "07:00", "23:00").unwrap())];
        let mut acc = Accumulator::new(&plan);
        // Spring-forward night: 22:00 Sat 29 March to 08:00 Sun 30 March = 9 real hours.
        let s = split_shift(
            parse_timestamp("2025-03-29 22:00").unwrap(),
            parse_timestamp("2025-03-30 08:00").unwrap(),
            &windows,
        )
        .unwrap();
        acc.add_shift(&plan, b"C1", b"a", &s);
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        let c = &rep.conservation;
        assert_eq!(c.delivered_in, d("9"));
        // 29 March: 22-23 dag matched, 23-24 uncovered → unknown_band;
        // 30 March (no agreement): 00-08 minus the missing hour = 7 h.
        assert_eq!(c.matched, d("1"));
        assert_eq!(c.reasons[Reason::UnknownBand as usize], d("1"));
        assert_eq!(c.reasons[Reason::NoAgreementThatDay as usize], d("7"));
    }

    #[test]
    fn a_municipality_view_of_the_report_holds_only_its_agreements() {
        // C1 moves from K1 to K2 on 1 February; C2 is K2's only.
        let m = model(
            &[
                ("A", "C1", "2025-01-01", "2025-01-31", None, Some("K1")),
                ("B", "C1", "2025-02-01", "", None, Some("K2")),
                ("C", "C2", "2025-01-01", "", None, Some("K2")),
            ],
            &[
                ("A", "a", "dag", "7", (1, 1)),
                ("B", "a", "dag", "7", (1, 1)),
                ("C", "b", "nat", "7", (1, 1)),
            ],
        );
        let e = Engine::new(&m).unwrap();
        let plan = Plan::new(&e, date("2025-01-01"), date("2025-03-31")).unwrap();
        let mut acc = Accumulator::new(&plan);
        acc.add_row(&plan, b"C1", day("2025-01-10"), b"a", b"dag", h("1"));
        acc.add_row(&plan, b"C1", day("2025-02-10"), b"a", b"dag", h("2"));
        acc.add_row(&plan, b"C2", day("2025-02-10"), b"b", b"nat", h("3"));
        let rep = Report::new(&plan, &acc, d("0.1")).unwrap();
        let views = MunicipalityView::split(&m);
        let ids = |r: &Report| -> Vec<&str> {
            r.agreements
                .iter()
                .map(|a| m.agreements[plan.slots[a.slot].agreement].id.as_str())
                .collect()
        };
        let k1 = rep.for_view(&plan, &views[0]);
        let k2 = rep.for_view(&plan, &views[1]);
        assert_eq!(ids(&k1), ["A"]);
        assert_eq!(ids(&k2), ["B", "C"]);
        for (r, v) in [(&k1, &views[0]), (&k2, &views[1])] {
            for l in &r.lines {
                let ag = &m.agreements[plan.slots[l.slot].agreement];
                assert_eq!(ag.municipality, v.municipality());
            }
            assert_eq!(r.conservation, rep.conservation);
        }
        // Every line of the whole report is in exactly one view.
        assert_eq!(k1.lines.len() + k2.lines.len(), rep.lines.len());
        // K1's part of C1 is January only.
        assert_eq!(k1.agreements[0].totals.delivered_hours, d("1"));
    }
}
