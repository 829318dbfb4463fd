//! Clock time: splitting a shift given as local `start,end` timestamps over
//! time bands (ulempetillæg bands such as dag, aften, nat, weekend,
//! helligdag), minute-exactly and daylight-saving aware.
//!
//! # What this module does
//!
//! * Parses wall-clock timestamps ([`parse_timestamp`]), `HH:MM` times
//!   ([`parse_hhmm`]) and weekday sets ([`parse_days`]).
//! * Knows the Danish public holidays (søgnehelligdage) of any year
//!   ([`danish_holidays`], [`is_danish_holiday`], [`easter_sunday`]).
//! * Knows when Europe/Copenhagen switches between CET (UTC+1) and CEST
//!   (UTC+2), see *Time zone* below.
//! * Splits one shift into whole minutes per (band, local date) and reports
//!   the minutes no band covers ([`split_shift`]).
//!
//! # What it does not do
//!
//! No I/O, no reading of a time zone database, no knowledge of agreements,
//! prices or band names: bands are plain indices chosen by the caller, and
//! the caller decides which agreement is in force on each local date and
//! under which reason uncovered minutes are counted. Results are integer
//! minutes; converting them to hours (`minutes / 60`) is left to the caller,
//! which should sum minutes first and divide once.
//!
//! # Rules
//!
//! * **Real minutes.** A shift lasts the real elapsed time between its start
//!   and end. The spring-forward night has one hour less (2025-03-29 22:00
//!   → 2025-03-30 06:00 is 7 real hours), the fall-back night one hour more
//!   (2025-10-25 22:00 → 2025-10-26 06:00 is 9 real hours).
//! * **Wall clock per minute.** Each real minute is classified by its local
//!   wall-clock time and credited to the local date on which it falls. In the
//!   repeated fall-back hour both occurrences of 02:xx are classified as
//!   02:xx.
//! * **Windows.** A [`Window`] has a set of start days and a half-open
//!   interval `[from, to)` of minutes of the day. If `to > from` the window
//!   lies within its start day; if `to <= from` it runs from `from` on its
//!   start day to `to` on the next day (nat 23:00–06:00); `from == to` is a
//!   full 24 hours starting at `from` (00:00–00:00 is the calendar day). `to`
//!   may be `24:00`. A window starting on local day *D* covers a minute if
//!   the minute lies in the interval and *D* is one of the window's days.
//!   Only the start day is checked: nat 23:00–06:00 on `fri` covers Friday
//!   23:00 to Saturday 06:00.
//! * **First match wins.** The windows are given in priority order; a minute
//!   goes to the band of the first window covering it.
//! * **Holidays.** A Danish public holiday counts as a Sunday, whatever its
//!   real weekday: windows with `sun` cover it, windows with only its real
//!   weekday (e.g. `mon-fri` on Kristi himmelfartsdag, a Thursday) do not.
//!   Windows whose days contain `hol` cover holidays too, and take priority
//!   there: if a minute is covered by a window that has `hol` and starts on a
//!   holiday, the first such window wins, even over earlier windows; only
//!   otherwise does the plain first-match rule apply. `all` means `mon-sun`
//!   and so covers holidays as Sundays but does not claim this priority;
//!   write `["all", "hol"]` for that.
//! * **Uncovered minutes** are not lost: they are returned per local date in
//!   [`Split::uncovered`], so the sum of all pieces and uncovered minutes is
//!   always the real length of the shift.
//! * **Ambiguous and nonexistent times.** A local time inside the
//!   spring-forward gap (02:00–02:59 on the last Sunday of March) does not
//!   exist and is an error, for start and end alike. A local time in the
//!   repeated fall-back hour (02:00–02:59 on the last Sunday of October) is
//!   taken as its *earlier* occurrence (still CEST). Consequently a shift
//!   cannot start or end in the second occurrence of that hour, and
//!   `02:30`→`02:15` that night is an error (end before start).
//! * **Limits.** End must be after start, and a shift may last at most
//!   [`MAX_SHIFT_MINUTES`] real minutes (24 hours; 22:00→22:00 across the
//!   fall-back night is 25 hours and is rejected). Times must be whole
//!   minutes. Years before [`FIRST_SUPPORTED_YEAR`] are rejected because the
//!   hand-written daylight saving rule below does not hold for them.
//!
//! # Danish public holidays
//!
//! Nytårsdag (1 January), skærtorsdag, langfredag, påskedag, 2. påskedag,
//! store bededag (only up to and including 2023; abolished from 2024), Kristi
//! himmelfartsdag, pinsedag, 2. pinsedag, juledag (25 December) and 2.
//! juledag (26 December). Easter Sunday is computed with the anonymous
//! Gregorian algorithm (Meeus/Jones/Butcher). Grundlovsdag (5 June),
//! juleaftensdag (24 December), nytårsaftensdag (31 December) and 1. maj are
//! *not* public holidays; agreements that pay them as such need their own
//! band with an explicit window.
//!
//! # Time zone
//!
//! Europe/Copenhagen is implemented by hand instead of enabling jiff's
//! bundled tz database: CET (UTC+1), and CEST (UTC+2) from the last Sunday of
//! March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule of
//! Directive 2000/84/EC, followed by Denmark since 1996). Reasons: the core
//! stays pure and needs no tz data at build or run time; a tariff computed
//! today gives the same result after a dependency update (results depend
//! only on this code, not on the tzdb version in `Cargo.lock`); the rule is
//! a dozen lines of integer arithmetic, which also keeps the splitter fast;
//! and the workspace `Cargo.toml` stays untouched. The cost: should the EU
//! abolish daylight saving time, this rule must be edited, and years before
//! 1996 (different autumn rule) are rejected rather than guessed.

use std::fmt;

use jiff::civil::{Date, DateTime};
use thiserror::Error;

/// Longest accepted shift, in real elapsed minutes (24 hours).
pub const MAX_SHIFT_MINUTES: u32 = 24 * 60;

/// First year for which the daylight saving rule (and thus
/// [`split_shift`]) is valid.
pub const FIRST_SUPPORTED_YEAR: i16 = 1996;

const MINUTES_PER_DAY: i64 = 1440;

/// Errors from parsing clock values and splitting shifts.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClockError {
    /// A day name that is not `mon`..`sun`, `hol`, `all` or a range.
    #[error("unknown day `{0}`: expected mon, tue, wed, thu, fri, sat, sun, hol, all or a range such as mon-fri")]
    UnknownDay(String),
    /// An empty list of days.
    #[error("empty list of days: a window needs at least one day")]
    NoDays,
    /// A time of day that is not `HH:MM` in 00:00..=24:00.
    #[error("invalid time of day `{0}`: expected HH:MM between 00:00 and 24:00")]
    InvalidTime(String),
    /// A window whose `from` is 24:00 or later, or whose `to` is after 24:00.
    #[error(
        "invalid window {from}..{to} (minutes of day): from must be below 1440, to at most 1440"
    )]
    InvalidWindow { from: u16, to: u16 },
    /// A timestamp in none of the accepted formats, or not a real date/time.
    #[error("invalid timestamp `{0}`: expected YYYY-MM-DD HH:MM or DD-MM-YYYY HH:MM (T or space, optional :SS)")]
    InvalidTimestamp(String),
    /// A timestamp with seconds or fractions of a second.
    #[error("timestamp {0} is not a whole minute")]
    NotWholeMinute(DateTime),
    /// A timestamp before [`FIRST_SUPPORTED_YEAR`].
    #[error("timestamp {0} is before {FIRST_SUPPORTED_YEAR}; the daylight saving rule used here starts in {FIRST_SUPPORTED_YEAR}")]
    UnsupportedYear(DateTime),
    /// A local time that does not exist (spring-forward gap).
    #[error("local time {0} does not exist in Europe/Copenhagen (clocks jump from 02:00 to 03:00 that night)")]
    NonexistentLocalTime(DateTime),
    /// End not after start (in real time).
    #[error("shift end {end} is not after its start {start}")]
    EndNotAfterStart { start: DateTime, end: DateTime },
    /// A shift longer than [`MAX_SHIFT_MINUTES`].
    #[error("shift {start} to {end} lasts {minutes} real minutes; at most {max} (MAX_SHIFT_MINUTES) are accepted")]
    ShiftTooLong {
        start: DateTime,
        end: DateTime,
        minutes: i64,
        max: u32,
    },
    /// A date outside the range jiff can represent.
    #[error("date out of range")]
    OutOfRange,
}

// ---------------------------------------------------------------------------
// Day sets and windows
// ---------------------------------------------------------------------------

/// A set of start days: weekdays Monday..Sunday plus `hol` (Danish public
/// holiday). Bit 0 is Monday, bit 6 Sunday, bit 7 `hol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DaySet(u8);

const DAY_NAMES: [&str; 8] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"];
const SUN_BIT: u8 = 1 << 6;
const HOL_BIT: u8 = 1 << 7;

impl DaySet {
    /// No days.
    pub const EMPTY: DaySet = DaySet(0);
    /// Monday to Sunday (holidays are covered as Sundays, without priority).
    pub const ALL: DaySet = DaySet(0x7f);
    /// Danish public holidays.
    pub const HOL: DaySet = DaySet(HOL_BIT);

    /// The set holding one weekday.
    pub fn weekday(w: jiff::civil::Weekday) -> DaySet {
        DaySet(1 << (w.to_monday_zero_offset() as u8))
    }

    /// The union of two sets.
    pub fn union(self, other: DaySet) -> DaySet {
        DaySet(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set contains `hol`.
    pub fn has_hol(self) -> bool {
        self.0 & HOL_BIT != 0
    }

    /// Whether the set contains the given weekday.
    pub fn has_weekday(self, w: jiff::civil::Weekday) -> bool {
        self.0 & DaySet::weekday(w).0 != 0
    }

    /// Whether a window with these days, starting on `date`, applies
    /// (holidays count as Sundays and as `hol`, not as their real weekday).
    pub fn applies_to(self, date: Date) -> bool {
        if is_danish_holiday(date) {
            self.0 & (SUN_BIT | HOL_BIT) != 0
        } else {
            self.has_weekday(date.weekday())
        }
    }
}

impl fmt::Display for DaySet {
    /// Comma-separated day names in the order mon..sun, hol, e.g. `sat,sun`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (i, name) in DAY_NAMES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

fn day_index(name: &str) -> Option<u8> {
    DAY_NAMES
        .iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .and_then(|i| u8::try_from(i).ok())
}

/// Parses a list of day items into a [`DaySet`].
///
/// Each item may be a day (`mon`..`sun`, `hol`), `all` (= `mon-sun`), a
/// weekday range `a-b` (inclusive, may wrap: `fri-mon`), or several of these
/// separated by commas (`"sat,sun"`). Case and surrounding spaces are
/// ignored. An empty result is an error.
pub fn parse_days(items: &[&str]) -> Result<DaySet, ClockError> {
    let mut set = DaySet::EMPTY;
    for item in items {
        for part in item.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if part.eq_ignore_ascii_case("all") {
                set = set.union(DaySet::ALL);
            } else if let Some((a, b)) = part.split_once('-') {
                let unknown = || ClockError::UnknownDay(part.to_string());
                let a = day_index(a.trim()).filter(|&i| i < 7).ok_or_else(unknown)?;
                let b = day_index(b.trim()).filter(|&i| i < 7).ok_or_else(unknown)?;
                let mut i = a;
                loop {
                    set = set.union(DaySet(1 << i));
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            } else {
                let i = day_index(part).ok_or_else(|| ClockError::UnknownDay(part.to_string()))?;
                set = set.union(DaySet(1 << i));
            }
        }
    }
    if set.is_empty() {
        return Err(ClockError::NoDays);
    }
    Ok(set)
}

/// Parses `HH:MM` (two-digit hour and minute) into minutes of the day,
/// 0..=1440; `24:00` is 1440 (the end of the day, useful as a window's `to`).
pub fn parse_hhmm(s: &str) -> Result<u16, ClockError> {
    let err = || ClockError::InvalidTime(s.to_string());
    let b = s.trim().as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(err());
    }
    let h = two_digits(&b[0..2]).ok_or_else(err)?;
    let m = two_digits(&b[3..5]).ok_or_else(err)?;
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(err());
    }
    Ok(u16::from(h) * 60 + u16::from(m))
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// A band's clock window: start days and the half-open interval
/// `[from, to)` in minutes of the day (see the module doc for crossing
/// midnight and `from == to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    days: DaySet,
    from: u16,
    to: u16,
}

impl Window {
    /// A window; `from` must be below 1440 and `to` at most 1440.
    pub fn new(days: DaySet, from: u16, to: u16) -> Result<Window, ClockError> {
        if from >= 1440 || to > 1440 {
            return Err(ClockError::InvalidWindow { from, to });
        }
        if days.is_empty() {
            return Err(ClockError::NoDays);
        }
        Ok(Window { days, from, to })
    }

    /// Parses a window from its TOML-ish parts, e.g.
    /// `Window::parse(&["mon-fri"], "06:00", "17:00")`.
    pub fn parse(days: &[&str], from: &str, to: &str) -> Result<Window, ClockError> {
        Window::new(parse_days(days)?, parse_hhmm(from)?, parse_hhmm(to)?)
    }

    /// The start days.
    pub fn days(&self) -> DaySet {
        self.days
    }

    /// Start, in minutes of the day (0..1440).
    pub fn from(&self) -> u16 {
        self.from
    }

    /// End, in minutes of the day (0..=1440).
    pub fn to(&self) -> u16 {
        self.to
    }

    /// Whether the window runs into the next day (`to <= from`).
    pub fn crosses_midnight(&self) -> bool {
        self.to <= self.from
    }

    /// For a minute at minute-of-day `m` on local day `day` (day number),
    /// the start day of this window's interval containing it, if any.
    fn start_day(&self, day: i64, m: u16) -> Option<i64> {
        if self.crosses_midnight() {
            if m >= self.from {
                Some(day)
            } else if m < self.to {
                Some(day - 1)
            } else {
                None
            }
        } else if m >= self.from && m < self.to {
            Some(day)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01)
// ---------------------------------------------------------------------------

/// Day number of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn date_from_days(z: i64) -> Result<Date, ClockError> {
    let (y, m, d) = civil_from_days(z);
    let y = i16::try_from(y).map_err(|_| ClockError::OutOfRange)?;
    let m = i8::try_from(m).map_err(|_| ClockError::OutOfRange)?;
    let d = i8::try_from(d).map_err(|_| ClockError::OutOfRange)?;
    Date::new(y, m, d).map_err(|_| ClockError::OutOfRange)
}

fn day_of(d: Date) -> i64 {
    days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

/// Weekday of a day number, Monday = 0.
fn weekday_of(z: i64) -> u8 {
    // 1970-01-01 was a Thursday (3); the result is in 0..7.
    (z + 3).rem_euclid(7) as u8
}

/// Day number of the last Sunday of the month whose last day is `last`.
fn last_sunday_on_or_before(last: i64) -> i64 {
    last - ((i64::from(weekday_of(last)) + 1) % 7)
}

// ---------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------

/// Easter Sunday as (month, day), anonymous Gregorian algorithm.
fn easter_md(year: i64) -> (i64, i64) {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    (n / 31, n % 31 + 1)
}

/// Easter Sunday of `year` (Gregorian computus); `None` only for years jiff
/// cannot represent.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let (m, d) = easter_md(i64::from(year));
    Date::new(year, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// Last year in which store bededag (Easter + 26) was a public holiday.
const LAST_STORE_BEDEDAG: i64 = 2023;

/// Holidays relative to Easter Sunday, with their names.
const EASTER_HOLIDAYS: [(i64, &str); 8] = [
    (-3, "skærtorsdag"),
    (-2, "langfredag"),
    (0, "påskedag"),
    (1, "2. påskedag"),
    (26, "store bededag"),
    (39, "Kristi himmelfartsdag"),
    (49, "pinsedag"),
    (50, "2. pinsedag"),
];

fn easter_day_number(year: i64) -> i64 {
    let (m, d) = easter_md(year);
    days_from_civil(year, m, d)
}

fn is_holiday_day(z: i64) -> bool {
    let (y, m, d) = civil_from_days(z);
    if (m == 1 && d == 1) || (m == 12 && (d == 25 || d == 26)) {
        return true;
    }
    if !(3..=6).contains(&m) {
        return false;
    }
    match z - easter_day_number(y) {
        -3 | -2 | 0 | 1 | 39 | 49 | 50 => true,
        26 => y <= LAST_STORE_BEDEDAG,
        _ => false,
    }
}

/// Whether `d` is a Danish public holiday (søgnehelligdag); see the module
/// doc for the list.
pub fn is_danish_holiday(d: Date) -> bool {
    is_holiday_day(day_of(d))
}

/// The Danish public holidays of `year` in date order, with their Danish
/// names.
pub fn danish_holidays(year: i16) -> Vec<(Date, &'static str)> {
    let y = i64::from(year);
    let easter = easter_day_number(y);
    let mut out = Vec::with_capacity(11);
    let mut push = |z: i64, name: &'static str| {
        if let Ok(d) = date_from_days(z) {
            out.push((d, name));
        }
    };
    push(days_from_civil(y, 1, 1), "nytårsdag");
    for (offset, name) in EASTER_HOLIDAYS {
        if offset == 26 && y > LAST_STORE_BEDEDAG {
            continue;
        }
        push(easter + offset, name);
    }
    push(days_from_civil(y, 12, 25), "juledag");
    push(days_from_civil(y, 12, 26), "2. juledag");
    out
}

// ---------------------------------------------------------------------------
// Time zone: Europe/Copenhagen, by hand
// ---------------------------------------------------------------------------

/// Start of CEST and of CET (both as UTC minutes since 1970) in `year`.
fn dst_bounds_utc(year: i64) -> (i64, i64) {
    let spring = last_sunday_on_or_before(days_from_civil(year, 3, 31));
    let fall = last_sunday_on_or_before(days_from_civil(year, 10, 31));
    (spring * MINUTES_PER_DAY + 60, fall * MINUTES_PER_DAY + 60)
}

fn year_of_minute(minute: i64) -> i64 {
    civil_from_days(minute.div_euclid(MINUTES_PER_DAY)).0
}

/// UTC offset in minutes at UTC minute `u`.
fn offset_at_utc(u: i64) -> i64 {
    let (s, f) = dst_bounds_utc(year_of_minute(u));
    if u >= s && u < f {
        120
    } else {
        60
    }
}

/// The first DST transition strictly after UTC minute `u`.
fn next_transition_utc(u: i64) -> i64 {
    let y = year_of_minute(u);
    let (s, f) = dst_bounds_utc(y);
    if u < s {
        s
    } else if u < f {
        f
    } else {
        dst_bounds_utc(y + 1).0
    }
}

/// Local wall minute → UTC minute; `None` in the spring-forward gap. In the
/// fall-back hour the earlier occurrence (CEST) is taken.
fn local_to_utc(w: i64) -> Option<i64> {
    let (s, f) = dst_bounds_utc(year_of_minute(w));
    // In wall time: the gap is [s+60, s+120) (02:00..03:00 CET→CEST),
    // CEST holds from s+120 (03:00) until f+120 (03:00 CEST, back to 02:00).
    if w >= s + 60 && w < s + 120 {
        None
    } else if w >= s + 120 && w < f + 120 {
        Some(w - 120)
    } else {
        Some(w - 60)
    }
}

fn wall_minute(t: DateTime) -> Result<i64, ClockError> {
    if t.second() != 0 || t.subsec_nanosecond() != 0 {
        return Err(ClockError::NotWholeMinute(t));
    }
    if t.year() < FIRST_SUPPORTED_YEAR {
        return Err(ClockError::UnsupportedYear(t));
    }
    Ok(day_of(t.date()) * MINUTES_PER_DAY + i64::from(t.hour()) * 60 + i64::from(t.minute()))
}

fn to_utc(t: DateTime) -> Result<i64, ClockError> {
    local_to_utc(wall_minute(t)?).ok_or(ClockError::NonexistentLocalTime(t))
}

// ---------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------

/// Parses a local wall-clock timestamp.
///
/// Accepted: `YYYY-MM-DDTHH:MM`, `YYYY-MM-DD HH:MM` and `DD-MM-YYYY HH:MM`
/// (with `T` or a space), each with optional `:SS`. `24:00` (only with zero
/// seconds) means 00:00 of the next day, as rosters often write it. The
/// result is a civil time; whether it exists in Europe/Copenhagen is checked
/// by [`split_shift`].
pub fn parse_timestamp(s: &str) -> Result<DateTime, ClockError> {
    let err = || ClockError::InvalidTimestamp(s.to_string());
    let t = s.trim();
    let (date, time) = t
        .split_once(['T', ' '])
        .map(|(d, t)| (d.trim(), t.trim()))
        .ok_or_else(err)?;
    let db = date.as_bytes();
    let (y, m, d) = match db.len() {
        10 if db[4] == b'-' && db[7] == b'-' => (
            four_digits(&db[0..4]),
            two_digits(&db[5..7]),
            two_digits(&db[8..10]),
        ),
        10 if db[2] == b'-' && db[5] == b'-' => (
            four_digits(&db[6..10]),
            two_digits(&db[3..5]),
            two_digits(&db[0..2]),
        ),
        _ => return Err(err()),
    };
    let (y, m, d) = match (y, m, d) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => return Err(err()),
    };
    let tb = time.as_bytes();
    let (h, mi, sec) = match tb.len() {
        5 if tb[2] == b':' => (two_digits(&tb[0..2]), two_digits(&tb[3..5]), Some(0)),
        8 if tb[2] == b':' && tb[5] == b':' => (
            two_digits(&tb[0..2]),
            two_digits(&tb[3..5]),
            two_digits(&tb[6..8]),
        ),
        _ => return Err(err()),
    };
    let (h, mi, sec) = match (h, mi, sec) {
        (Some(h), Some(mi), Some(sec)) => (h, mi, sec),
        _ => return Err(err()),
    };
    let date = Date::new(y, m as i8, d as i8).map_err(|_| err())?;
    if h == 24 && mi == 0 && sec == 0 {
        let next = date_from_days(day_of(date) + 1).map_err(|_| err())?;
        return Ok(next.to_datetime(jiff::civil::Time::midnight()));
    }
    DateTime::new(y, m as i8, d as i8, h as i8, mi as i8, sec as i8, 0).map_err(|_| err())
}

fn four_digits(b: &[u8]) -> Option<i16> {
    let hi = two_digits(b.get(0..2)?)?;
    let lo = two_digits(b.get(2..4)?)?;
    Some(i16::from(hi) * 100 + i16::from(lo))
}

// ---------------------------------------------------------------------------
// Splitting
// ---------------------------------------------------------------------------

/// Minutes credited to one band on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The caller's band index, as given with the window.
    pub band: usize,
    /// Local date on which the minutes fall.
    pub date: Date,
    /// Real minutes.
    pub minutes: u32,
}

/// Minutes on one local date that no window covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncovered {
    /// Local date on which the minutes fall.
    pub date: Date,
    /// Real minutes.
    pub minutes: u32,
}

/// A shift split over bands. Pieces and uncovered entries are merged per
/// (band, date) and per date, in order of first occurrence in the shift.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// Covered minutes per (band, local date).
    pub pieces: Vec<Piece>,
    /// Minutes no window covers, per local date.
    pub uncovered: Vec<Uncovered>,
}

impl Split {
    /// All minutes, covered and uncovered: the real length of the shift.
    pub fn total_minutes(&self) -> u32 {
        self.pieces.iter().map(|p| p.minutes).sum::<u32>()
            + self.uncovered.iter().map(|u| u.minutes).sum::<u32>()
    }

    /// Minutes no window covers.
    pub fn uncovered_minutes(&self) -> u32 {
        self.uncovered.iter().map(|u| u.minutes).sum()
    }
}

/// Band chosen for a local minute (day number, minute of day), see the
/// module doc for the rule. `hol_today` / `hol_yesterday` say whether `day`
/// and `day - 1` are public holidays (the only possible start days).
fn classify(
    windows: &[(usize, Window)],
    day: i64,
    m: u16,
    hol_today: bool,
    hol_yesterday: bool,
) -> Option<usize> {
    let mut first = None;
    for &(band, w) in windows {
        let Some(start) = w.start_day(day, m) else {
            continue;
        };
        let is_hol = if start == day {
            hol_today
        } else {
            hol_yesterday
        };
        let bits = if is_hol {
            SUN_BIT | HOL_BIT
        } else {
            1 << weekday_of(start)
        };
        if w.days.0 & bits == 0 {
            continue;
        }
        if is_hol && w.days.has_hol() {
            return Some(band);
        }
        if first.is_none() {
            first = Some(band);
        }
    }
    first
}

/// Splits the shift `start`..`end` (Europe/Copenhagen wall clock) into real
/// minutes per (band, local date), by the rules in the module doc.
///
/// `windows` pairs each window with the caller's band index, in priority
/// order; a band may have several windows.
pub fn split_shift(
    start: DateTime,
    end: DateTime,
    windows: &[(usize, Window)],
) -> Result<Split, ClockError> {
    let u0 = to_utc(start)?;
    let u1 = to_utc(end)?;
    if u1 <= u0 {
        return Err(ClockError::EndNotAfterStart { start, end });
    }
    let len = u1 - u0;
    if len > i64::from(MAX_SHIFT_MINUTES) {
        return Err(ClockError::ShiftTooLong {
            start,
            end,
            minutes: len,
            max: MAX_SHIFT_MINUTES,
        });
    }

    // Minute-of-day boundaries where a window's coverage can change.
    let mut edges: Vec<u16> = Vec::with_capacity(windows.len() * 2 + 1);
    for (_, w) in windows {
        for e in [w.from, w.to] {
            if e > 0 && e < 1440 {
                edges.push(e);
            }
        }
    }
    edges.push(1440);
    edges.sort_unstable();
    edges.dedup();

    // (band or None, day number, minutes), merged.
    let mut acc: Vec<(Option<usize>, i64, i64)> = Vec::new();
    let mut hol_cache: Option<(i64, bool, bool)> = None;
    let mut u = u0;
    let mut transition = next_transition_utc(u);
    while u < u1 {
        if u >= transition {
            transition = next_transition_utc(u);
        }
        let off = offset_at_utc(u);
        let local = u + off;
        let day = local.div_euclid(MINUTES_PER_DAY);
        let m = local.rem_euclid(MINUTES_PER_DAY);
        // `edges` ends with 1440 > m, so a next edge always exists.
        let next_edge = edges
            .iter()
            .map(|&e| i64::from(e))
            .find(|&e| e > m)
            .unwrap_or(MINUTES_PER_DAY);
        let boundary = day * MINUTES_PER_DAY + next_edge - off;
        let seg_end = u1.min(boundary).min(transition);

        let (hol_today, hol_yesterday) = match hol_cache {
            Some((d, t, y)) if d == day => (t, y),
            _ => {
                let t = is_holiday_day(day);
                let y = is_holiday_day(day - 1);
                hol_cache = Some((day, t, y));
                (t, y)
            }
        };
        // m is in 0..1440, so it fits in u16.
        let band = classify(windows, day, m as u16, hol_today, hol_yesterday);
        let n = seg_end - u;
        match acc.iter_mut().find(|(b, d, _)| *b == band && *d == day) {
            Some(entry) => entry.2 += n,
            None => acc.push((band, day, n)),
        }
        u = seg_end;
    }

    let mut split = Split::default();
    for (band, day, n) in acc {
        let date = date_from_days(day)?;
        // n <= MAX_SHIFT_MINUTES, checked above.
        let minutes = u32::try_from(n).map_err(|_| ClockError::OutOfRange)?;
        match band {
            Some(band) => split.pieces.push(Piece {
                band,
                date,
                minutes,
            }),
            None => split.uncovered.push(Uncovered { date, minutes }),
        }
    }
    Ok(split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const DAG: usize = 0;
    const AFTEN: usize = 1;
    const NAT: usize = 2;
    const WEEKEND: usize = 3;
    const HELLIGDAG: usize = 4;

    fn w(days: &[&str], from: &str, to: &str) -> Window {
        Window::parse(days, from, to).unwrap()
    }

    /// dag mon-fri 06-17, aften mon-fri 17-23, nat all 23-06,
    /// weekend sat,sun 06-23, helligdag hol 06-23.
    fn bands() -> Vec<(usize, Window)> {
        vec![
            (DAG, w(&["mon-fri"], "06:00", "17:00")),
            (AFTEN, w(&["mon-fri"], "17:00", "23:00")),
            (NAT, w(&["all"], "23:00", "06:00")),
            (WEEKEND, w(&["sat", "sun"], "06:00", "23:00")),
            (HELLIGDAG, w(&["hol"], "06:00", "23:00")),
        ]
    }

    fn ts(s: &str) -> DateTime {
        parse_timestamp(s).unwrap()
    }

    fn split(a: &str, b: &str, windows: &[(usize, Window)]) -> Split {
        split_shift(ts(a), ts(b), windows).unwrap()
    }

    fn pieces(s: &Split) -> Vec<(usize, Date, u32)> {
        s.pieces
            .iter()
            .map(|p| (p.band, p.date, p.minutes))
            .collect()
    }

    #[test]
    fn easter_dates() {
        for (year, expected) in [
            (2024, date(2024, 3, 31)),
            (2025, date(2025, 4, 20)),
            (2026, date(2026, 4, 5)),
            (2000, date(2000, 4, 23)),
            (2019, date(2019, 4, 21)),
            (1818, date(1818, 3, 22)),
            (2038, date(2038, 4, 25)),
        ] {
            assert_eq!(easter_sunday(year), Some(expected), "{year}");
        }
    }

    #[test]
    fn holidays_2025() {
        let expected = vec![
            (date(2025, 1, 1), "nytårsdag"),
            (date(2025, 4, 17), "skærtorsdag"),
            (date(2025, 4, 18), "langfredag"),
            (date(2025, 4, 20), "påskedag"),
            (date(2025, 4, 21), "2. påskedag"),
            (date(2025, 5, 29), "Kristi himmelfartsdag"),
            (date(2025, 6, 8), "pinsedag"),
            (date(2025, 6, 9), "2. pinsedag"),
            (date(2025, 12, 25), "juledag"),
            (date(2025, 12, 26), "2. juledag"),
        ];
        assert_eq!(danish_holidays(2025), expected);
        for (d, _) in &expected {
            assert!(is_danish_holiday(*d), "{d}");
        }
        let holidays: Vec<Date> = expected.iter().map(|(d, _)| *d).collect();
        let mut d = date(2025, 1, 1);
        while d.year() == 2025 {
            assert_eq!(is_danish_holiday(d), holidays.contains(&d), "{d}");
            d = d.tomorrow().unwrap();
        }
    }

    #[test]
    fn not_holidays() {
        for d in [
            date(2025, 6, 5),   // grundlovsdag
            date(2025, 12, 24), // juleaftensdag
            date(2025, 12, 31), // nytårsaftensdag
            date(2025, 5, 1),   // 1. maj
            date(2025, 5, 16),  // would have been store bededag
        ] {
            assert!(!is_danish_holiday(d), "{d}");
        }
    }

    #[test]
    fn store_bededag() {
        // Easter 2023: 9 April; +26 = 5 May. Easter 2024: 31 March; +26 = 26 April.
        assert!(is_danish_holiday(date(2023, 5, 5)));
        assert!(danish_holidays(2023).contains(&(date(2023, 5, 5), "store bededag")));
        assert_eq!(danish_holidays(2023).len(), 11);
        assert!(!is_danish_holiday(date(2024, 4, 26)));
        assert_eq!(danish_holidays(2024).len(), 10);
    }

    #[test]
    fn parse_days_table() {
        let ok: &[(&[&str], &str)] = &[
            (&["mon", "tue"], "mon,tue"),
            (&["mon-fri"], "mon,tue,wed,thu,fri"),
            (&["all"], "mon,tue,wed,thu,fri,sat,sun"),
            (&["sat,sun"], "sat,sun"),
            (&["fri-mon"], "mon,fri,sat,sun"),
            (&["HOL", " Sun "], "sun,hol"),
            (&["all", "hol"], "mon,tue,wed,thu,fri,sat,sun,hol"),
            (&["wed-wed"], "wed"),
        ];
        for (items, expected) in ok {
            assert_eq!(
                parse_days(items).unwrap().to_string(),
                *expected,
                "{items:?}"
            );
        }
        let bad: &[(&[&str], ClockError)] = &[
            (&[], ClockError::NoDays),
            (&[""], ClockError::NoDays),
            (&["man"], ClockError::UnknownDay("man".into())),
            (&["mon-hol"], ClockError::UnknownDay("mon-hol".into())),
            (&["mon-"], ClockError::UnknownDay("mon-".into())),
        ];
        for (items, expected) in bad {
            assert_eq!(parse_days(items).unwrap_err(), *expected, "{items:?}");
        }
    }

    #[test]
    fn parse_hhmm_table() {
        for (s, expected) in [
            ("00:00", Ok(0)),
            ("06:00", Ok(360)),
            ("23:59", Ok(1439)),
            ("24:00", Ok(1440)),
            ("24:01", Err(())),
            ("6:00", Err(())),
            ("06:60", Err(())),
            ("0600", Err(())),
            ("", Err(())),
            ("-1:00", Err(())),
            ("06:0x", Err(())),
            ("٠٦:٠٠", Err(())),
        ] {
            assert_eq!(parse_hhmm(s).map_err(|_| ()), expected, "{s}");
        }
        assert!(Window::new(DaySet::ALL, 1440, 0).is_err());
        assert!(Window::new(DaySet::ALL, 0, 1441).is_err());
        assert!(Window::new(DaySet::EMPTY, 0, 60).is_err());
    }

    #[test]
    fn parse_timestamp_table() {
        let dt = |y, mo, d, h, mi, s| DateTime::new(y, mo, d, h, mi, s, 0).unwrap();
        for (s, expected) in [
            ("2025-03-01T22:00", dt(2025, 3, 1, 22, 0, 0)),
            ("2025-03-01 22:00", dt(2025, 3, 1, 22, 0, 0)),
            ("2025-03-01 22:00:00", dt(2025, 3, 1, 22, 0, 0)),
            ("2025-03-01T22:00:30", dt(2025, 3, 1, 22, 0, 30)),
            ("01-03-2025 22:00", dt(2025, 3, 1, 22, 0, 0)),
            ("01-03-2025T06:15", dt(2025, 3, 1, 6, 15, 0)),
            (" 2025-03-30 06:00 ", dt(2025, 3, 30, 6, 0, 0)),
            ("2025-12-31 24:00", dt(2026, 1, 1, 0, 0, 0)),
            ("2024-02-29 12:00", dt(2024, 2, 29, 12, 0, 0)),
        ] {
            assert_eq!(parse_timestamp(s), Ok(expected), "{s}");
        }
        for s in [
            "",
            "2025-03-01",
            "2025-03-01 22",
            "2025-3-1 22:00",
            "2025-02-29 12:00",
            "2025-03-01 25:00",
            "2025-03-01 24:30",
            "2025/03/01 22:00",
            "1-3-2025 22:00",
            "2025-03-01 22:00:60",
            "9999-12-31 24:00",
            "2025-03-01 22:00+01:00",
        ] {
            assert!(parse_timestamp(s).is_err(), "{s}");
        }
    }

    #[test]
    fn weekday_shift_dag_aften_nat() {
        // Wednesday 2025-03-05 15:00-23:30.
        let s = split("2025-03-05 15:00", "2025-03-05 23:30", &bands());
        let d = date(2025, 3, 5);
        assert_eq!(
            pieces(&s),
            vec![(DAG, d, 120), (AFTEN, d, 360), (NAT, d, 30)]
        );
        assert!(s.uncovered.is_empty());
    }

    #[test]
    fn across_midnight_splits_by_local_date() {
        // Friday 2025-03-07 20:00 to Saturday 08:00.
        let s = split("2025-03-07 20:00", "2025-03-08 08:00", &bands());
        let fri = date(2025, 3, 7);
        let sat = date(2025, 3, 8);
        assert_eq!(
            pieces(&s),
            vec![
                (AFTEN, fri, 180),
                (NAT, fri, 60),
                (NAT, sat, 360),
                (WEEKEND, sat, 120),
            ]
        );
        assert_eq!(s.total_minutes(), 12 * 60);
    }

    #[test]
    fn spring_forward_night_is_seven_hours() {
        let s = split("2025-03-29T22:00", "2025-03-30 06:00", &bands());
        let sat = date(2025, 3, 29);
        let sun = date(2025, 3, 30);
        // 22-23 weekend, 23-24 nat, 00-06 nat minus the missing hour.
        assert_eq!(
            pieces(&s),
            vec![(WEEKEND, sat, 60), (NAT, sat, 60), (NAT, sun, 300)]
        );
        assert_eq!(s.total_minutes(), 7 * 60);
    }

    #[test]
    fn fall_back_night_is_nine_hours() {
        let s = split("2025-10-25T22:00", "2025-10-26 06:00", &bands());
        let sat = date(2025, 10, 25);
        let sun = date(2025, 10, 26);
        assert_eq!(
            pieces(&s),
            vec![(WEEKEND, sat, 60), (NAT, sat, 60), (NAT, sun, 420)]
        );
        assert_eq!(s.total_minutes(), 9 * 60);
    }

    #[test]
    fn fall_back_ambiguous_hour_takes_earlier_occurrence() {
        let nat = [(NAT, w(&["all"], "00:00", "00:00"))];
        let sun = date(2025, 10, 26);
        for (a, b, minutes) in [
            // 02:30 CEST to 06:00 CET: 30 + 60 + 180.
            ("2025-10-26 02:30", "2025-10-26 06:00", 270),
            // 22:00 to the first 02:30: 4 h 30.
            ("2025-10-25 22:00", "2025-10-26 02:30", 270),
            // 01:00 to the first 02:00 is one hour; to 03:00 two hours later.
            ("2025-10-26 01:00", "2025-10-26 02:00", 60),
            ("2025-10-26 01:00", "2025-10-26 03:00", 180),
            ("2025-10-26 02:00", "2025-10-26 03:00", 120),
        ] {
            let s = split(a, b, &nat);
            assert_eq!(s.total_minutes(), minutes, "{a}..{b}");
            assert_eq!(s.pieces.last().map(|p| p.date), Some(sun), "{a}..{b}");
        }
        // 02:30 (first) to 02:15 (taken as first too) is backwards.
        assert!(matches!(
            split_shift(ts("2025-10-26 02:30"), ts("2025-10-26 02:15"), &nat),
            Err(ClockError::EndNotAfterStart { .. })
        ));
    }

    #[test]
    fn easter_monday_goes_to_helligdag() {
        // 2. påskedag 2025-04-21 is a Monday.
        let s = split("2025-04-21 07:00", "2025-04-21 15:00", &bands());
        assert_eq!(pieces(&s), vec![(HELLIGDAG, date(2025, 4, 21), 480)]);
    }

    #[test]
    fn holiday_without_hol_band_goes_to_sun_band() {
        let no_hol: Vec<_> = bands()
            .into_iter()
            .filter(|(b, _)| *b != HELLIGDAG)
            .collect();
        let s = split("2025-04-21 07:00", "2025-04-21 15:00", &no_hol);
        assert_eq!(pieces(&s), vec![(WEEKEND, date(2025, 4, 21), 480)]);
        // Kristi himmelfartsdag (Thursday 2025-05-29): not dag although mon-fri.
        let s = split("2025-05-29 16:00", "2025-05-29 18:00", &no_hol);
        assert_eq!(pieces(&s), vec![(WEEKEND, date(2025, 5, 29), 120)]);
    }

    #[test]
    fn hol_band_takes_priority_over_earlier_bands() {
        // Helligdag listed last but with a window that overlaps nat on
        // holidays; on a holiday it wins, on other days nat keeps its minutes.
        let windows = [
            (NAT, w(&["all"], "23:00", "06:00")),
            (DAG, w(&["all"], "06:00", "23:00")),
            (HELLIGDAG, w(&["hol"], "00:00", "00:00")),
        ];
        // Night into juledag (Thursday 2025-12-25): before midnight is
        // juleaftensdag (no holiday) = nat; after midnight juledag = helligdag.
        let s = split("2025-12-24 22:00", "2025-12-25 02:00", &windows);
        assert_eq!(
            pieces(&s),
            vec![
                (DAG, date(2025, 12, 24), 60),
                (NAT, date(2025, 12, 24), 60),
                (HELLIGDAG, date(2025, 12, 25), 120),
            ]
        );
        // A nat window starting on a holiday still goes to nat where the
        // hol band does not cover (here: hol window only 06-23).
        let s = split("2025-12-26 22:00", "2025-12-27 02:00", &bands());
        assert_eq!(
            pieces(&s),
            vec![
                (HELLIGDAG, date(2025, 12, 26), 60),
                (NAT, date(2025, 12, 26), 60),
                (NAT, date(2025, 12, 27), 120),
            ]
        );
    }

    #[test]
    fn crossing_window_checks_start_day_only() {
        // Nat only on fridays: covers Fri 23:00 - Sat 06:00, not Thu night.
        let windows = [(NAT, w(&["fri"], "23:00", "06:00"))];
        let s = split("2025-03-06 22:00", "2025-03-07 02:00", &windows);
        assert!(s.pieces.is_empty());
        assert_eq!(s.uncovered_minutes(), 240);
        let s = split("2025-03-07 22:00", "2025-03-08 07:00", &windows);
        assert_eq!(
            pieces(&s),
            vec![(NAT, date(2025, 3, 7), 60), (NAT, date(2025, 3, 8), 360)]
        );
        assert_eq!(s.uncovered_minutes(), 120);
    }

    #[test]
    fn uncovered_minutes_are_reported_per_date() {
        // Only dag and aften: a weekday evening into the night.
        let windows = [
            (DAG, w(&["mon-fri"], "06:00", "17:00")),
            (AFTEN, w(&["mon-fri"], "17:00", "23:00")),
        ];
        let s = split("2025-03-05 22:00", "2025-03-06 07:00", &windows);
        assert_eq!(
            pieces(&s),
            vec![(AFTEN, date(2025, 3, 5), 60), (DAG, date(2025, 3, 6), 60)]
        );
        assert_eq!(
            s.uncovered,
            vec![
                Uncovered {
                    date: date(2025, 3, 5),
                    minutes: 60
                },
                Uncovered {
                    date: date(2025, 3, 6),
                    minutes: 360
                },
            ]
        );
        // No windows at all: everything uncovered.
        let s = split("2025-03-05 22:00", "2025-03-05 23:00", &[]);
        assert_eq!(s.uncovered_minutes(), 60);
    }

    #[test]
    fn full_day_and_24_00_windows() {
        let windows = [
            (WEEKEND, w(&["sat"], "00:00", "00:00")),
            (AFTEN, w(&["mon-fri"], "18:00", "24:00")),
            (DAG, w(&["mon-fri"], "06:00", "06:00")),
        ];
        // Friday 2025-03-07 12:00 to Saturday 12:00.
        let s = split("2025-03-07 12:00", "2025-03-08 12:00", &windows);
        assert_eq!(
            pieces(&s),
            vec![
                (DAG, date(2025, 3, 7), 360),
                (AFTEN, date(2025, 3, 7), 360),
                (WEEKEND, date(2025, 3, 8), 720),
            ]
        );
    }

    #[test]
    fn errors() {
        let b = bands();
        let e = |a: &str, z: &str| split_shift(ts(a), ts(z), &b).unwrap_err();
        assert!(matches!(
            e("2025-03-05 10:00", "2025-03-05 10:00"),
            ClockError::EndNotAfterStart { .. }
        ));
        assert!(matches!(
            e("2025-03-05 10:00", "2025-03-05 09:00"),
            ClockError::EndNotAfterStart { .. }
        ));
        assert!(matches!(
            e("2025-03-30 02:30", "2025-03-30 06:00"),
            ClockError::NonexistentLocalTime(_)
        ));
        assert!(matches!(
            e("2025-03-29 22:00", "2025-03-30 02:00"),
            ClockError::NonexistentLocalTime(_)
        ));
        // 24 hours is accepted, one minute more is not.
        assert!(split_shift(ts("2025-03-05 10:00"), ts("2025-03-06 10:00"), &b).is_ok());
        assert_eq!(
            e("2025-03-05 10:00", "2025-03-06 10:01"),
            ClockError::ShiftTooLong {
                start: ts("2025-03-05 10:00"),
                end: ts("2025-03-06 10:01"),
                minutes: 1441,
                max: MAX_SHIFT_MINUTES,
            }
        );
        // 22:00-22:00 across the fall-back night is 25 real hours.
        assert!(matches!(
            e("2025-10-25 22:00", "2025-10-26 22:00"),
            ClockError::ShiftTooLong { minutes: 1500, .. }
        ));
        // ... and across the spring-forward night 23 hours.
        let s = split("2025-03-29 22:00", "2025-03-30 22:00", &b);
        assert_eq!(s.total_minutes(), 23 * 60);
        assert!(matches!(
            e("2025-03-05 10:00:30", "2025-03-05 11:00"),
            ClockError::NotWholeMinute(_)
        ));
        assert!(matches!(
            e("1995-03-05 10:00", "1995-03-05 11:00"),
            ClockError::UnsupportedYear(_)
        ));
        // Error messages are readable.
        assert_eq!(
            e("2025-03-30 02:30", "2025-03-30 06:00").to_string(),
            "local time 2025-03-30T02:30:00 does not exist in Europe/Copenhagen \
             (clocks jump from 02:00 to 03:00 that night)"
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let b = bands();
        let s = split("9999-12-31 12:00", "9999-12-31 23:59", &b);
        assert_eq!(s.total_minutes(), 719);
        let s = split("1996-01-01 00:00", "1996-01-01 06:00", &b);
        assert_eq!(pieces(&s), vec![(NAT, date(1996, 1, 1), 360)]);
        assert!(!danish_holidays(-9999).is_empty());
        assert!(!danish_holidays(9999).is_empty());
        assert!(easter_sunday(i16::MIN).is_none());
        // Must merely not panic.
        let _ = is_danish_holiday(Date::MIN);
        let _ = is_danish_holiday(Date::MAX);
    }

    #[test]
    fn day_number_roundtrip() {
        for z in [-1_000_000, -719_468, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(day_of(date(1970, 1, 1)), 0);
        assert_eq!(weekday_of(day_of(date(2025, 3, 30))), 6); // Sunday
        let mut d = date(1996, 1, 1);
        let mut z = day_of(d);
        while d.year() < 2100 {
            let (y, m, dd) = civil_from_days(z);
            assert_eq!(
                (y, m, dd),
                (d.year().into(), d.month().into(), d.day().into())
            );
            assert_eq!(
                weekday_of(z),
                d.weekday().to_monday_zero_offset() as u8,
                "{d}"
            );
            d = d.tomorrow().unwrap();
            z += 1;
        }
    }

    /// The hand-written rule against the system tz database, when present
    /// (skipped silently on machines without /usr/share/zoneinfo).
    #[test]
    fn dst_rule_matches_system_tzdb() {
        let Ok(tz) = jiff::tz::TimeZone::get("Europe/Copenhagen") else {
            eprintln!("skipped: no system time zone database");
            return;
        };
        for year in 1996..=2037 {
            let (s, f) = dst_bounds_utc(year);
            for u in [s - 1, s, f - 1, f] {
                let ts = jiff::Timestamp::from_second(u * 60).unwrap();
                let off = tz.to_offset(ts).seconds() / 60;
                assert_eq!(i64::from(off), offset_at_utc(u), "{year} {u}");
            }
        }
    }

    /// Minute-by-minute reference for the segmenting loop.
    fn reference(start: DateTime, end: DateTime, windows: &[(usize, Window)]) -> Split {
        let (u0, u1) = (to_utc(start).unwrap(), to_utc(end).unwrap());
        let mut acc: Vec<(Option<usize>, i64, i64)> = Vec::new();
        for u in u0..u1 {
            let local = u + offset_at_utc(u);
            let day = local.div_euclid(MINUTES_PER_DAY);
            let m = local.rem_euclid(MINUTES_PER_DAY) as u16;
            let band = classify(
                windows,
                day,
                m,
                is_holiday_day(day),
                is_holiday_day(day - 1),
            );
            match acc.iter_mut().find(|(b, d, _)| *b == band && *d == day) {
                Some(e) => e.2 += 1,
                None => acc.push((band, day, 1)),
            }
        }
        let mut s = Split::default();
        for (band, day, n) in acc {
            let date = date_from_days(day).unwrap();
            let minutes = n as u32;
            match band {
                Some(band) => s.pieces.push(Piece {
                    band,
                    date,
                    minutes,
                }),
                None => s.uncovered.push(Uncovered { date, minutes }),
            }
        }
        s
    }

    proptest::proptest! {
        #[test]
        fn segments_match_minute_by_minute(
            day in 0i64..3000,
            start_min in 0i64..1440,
            len in 1i64..=1440,
            extra_from in 0u16..1440,
            extra_to in 0u16..=1440,
            extra_days in 1u8..=255,
        ) {
            let mut windows = bands();
            windows.insert(1, (9, Window::new(DaySet(extra_days), extra_from, extra_to).unwrap()));
            let base = day_of(date(2020, 1, 1)) + day;
            let w0 = base * MINUTES_PER_DAY + start_min;
            let Some(u0) = local_to_utc(w0) else { return Ok(()); };
            let u1 = u0 + len;
            let w1 = u1 + offset_at_utc(u1);
            let to_dt = |w: i64| {
                date_from_days(w.div_euclid(MINUTES_PER_DAY)).unwrap().to_datetime(
                    jiff::civil::Time::new(
                        (w.rem_euclid(MINUTES_PER_DAY) / 60) as i8,
                        (w.rem_euclid(MINUTES_PER_DAY) % 60) as i8, 0, 0).unwrap())
            };
            let (start, end) = (to_dt(w0), to_dt(w1));
            // The end may be in the second occurrence of the fall-back hour,
            // which the local-time API cannot express; skip those.
            if to_utc(end).ok() != Some(u1) { return Ok(()); }
            let got = split_shift(start, end, &windows).unwrap();
            proptest::prop_assert_eq!(got.total_minutes() as i64, len);
            proptest::prop_assert_eq!(got, reference(start, end, &windows));
        }
    }
}
