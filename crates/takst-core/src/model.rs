//! The model: every input of a tariff calculation, as parsed values that
//! remember where they came from.
//!
//! Responsible for: the types of a model (parameters of one tariff year,
//! agreements and need lines) and their positions in the input files. Not
//! responsible for: reading files (the CLI parses TOML and CSV into these
//! types), checking references between them (`validate`) or computing
//! anything (`calc`).

use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::num::Rounding;

/// A position in an input file: file, 1-based line and column, and the
/// field (TOML key or CSV column name) at that position. File and field
/// names are shared (`Arc<str>`): a model of 100,000 agreements holds
/// millions of positions, and cloning one must not allocate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pos {
    pub file: Arc<str>,
    pub line: u64,
    pub col: u64,
    pub field: Arc<str>,
}

impl Pos {
    pub fn new(file: impl Into<Arc<str>>, line: u64, col: u64, field: impl Into<Arc<str>>) -> Pos {
        Pos {
            file: file.into(),
            line,
            col,
            field: field.into(),
        }
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if self.line > 0 && self.col > 0 {
            write!(f, ":{}", self.col)?;
        }
        Ok(())
    }
}

/// Where a table or row came from: its position (whose `field` is the
/// table's path, e.g. `tilbud.shared`, or empty for a CSV row), the `source`
/// and `note` texts it carried, and the line and column of each key it set
/// (TOML key or CSV column), so that `explain` and the validation can cite
/// a single value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    pub pos: Pos,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `status = "agreed" | "provisional" | "forecast"` of the table
    /// (default agreed; a sub-table inherits its parent's unless it sets
    /// its own).
    #[serde(default)]
    pub status: Status,
    /// Each key the table set, with its line and column.
    #[serde(default)]
    pub keys: Keys,
}

/// The positions of the keys of a table or the columns of a row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Keys {
    #[default]
    None,
    /// TOML: each key with its own line and column.
    Each(Vec<(String, u64, u64)>),
    /// CSV: the file's columns (name, 1-based column number), shared by all
    /// its rows; the line is the row's.
    Columns(Arc<[(Arc<str>, u64)]>),
}

/// How final a parameter is: agreed (the default), provisional (e.g. a
/// pay agreement not yet concluded) or a forecast (an index or estimate).
/// Ordered from most to least certain, so the status of a figure is the
/// maximum over its inputs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Agreed,
    Provisional,
    Forecast,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Agreed => "agreed",
            Status::Provisional => "provisional",
            Status::Forecast => "forecast",
        }
    }

    /// Danish word for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Agreed => "aftalt",
            Status::Provisional => "foreløbig",
            Status::Forecast => "prognose",
        }
    }
}

impl Origin {
    pub fn at(pos: Pos) -> Origin {
        Origin {
            pos,
            ..Origin::default()
        }
    }

    /// The line on which `key` was set, or the table's own line.
    pub fn line_of(&self, key: &str) -> u64 {
        self.pos_of(key).line
    }

    /// Whether `key` was given.
    pub fn has(&self, key: &str) -> bool {
        self.key_line_col(key).is_some()
    }

    fn key_line_col(&self, key: &str) -> Option<(u64, u64)> {
        match &self.keys {
            Keys::None => None,
            Keys::Each(v) => v
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, l, c)| (*l, *c)),
            Keys::Columns(cols) => cols
                .iter()
                .find(|(k, _)| &**k == key)
                .map(|(_, c)| (self.pos.line, *c)),
        }
    }

    /// The position of `key` (its line and column, field `path.key`), or
    /// the table's own position when the key was not given.
    pub fn pos_of(&self, key: &str) -> Pos {
        let field: Arc<str> = if self.pos.field.is_empty() {
            key.into()
        } else {
            format!("{}.{key}", self.pos.field).into()
        };
        match self.key_line_col(key) {
            Some((line, col)) => Pos::new(self.pos.file.clone(), line, col, field),
            None => Pos {
                field,
                ..self.pos.clone()
            },
        }
    }

    /// `file:line` of `key`.
    pub fn cite(&self, key: &str) -> String {
        format!("{}:{}", self.pos.file, self.line_of(key))
    }
}

/// A reference to another item by id, with the position of the reference.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ref {
    pub id: String,
    #[serde(default)]
    pub pos: Pos,
}

impl Ref {
    pub fn new(id: impl Into<String>, pos: Pos) -> Ref {
        Ref { id: id.into(), pos }
    }
}

/// An amount given either as a fixed number or as a percentage of a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    /// Kroner (oncost, per-FTE items) or hours (working-time deductions).
    Fixed(Decimal),
    /// Percent of the item's base.
    Pct(Decimal),
}

/// The base of a per-FTE percentage: the salary S or the pay S + P + O.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PctBase {
    #[default]
    Salary,
    Pay,
}

/// A named amount: a working-time deduction, an on-cost or a per-FTE item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub name: String,
    pub amount: Amount,
    /// Only meaningful for per-FTE items.
    pub base: PctBase,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingTime {
    pub gross_hours: Decimal,
    /// Paid hours per FTE, the divisor of the hourly pay; default gross_hours.
    pub paid_hours: Option<Decimal>,
    pub deductions: Vec<Item>,
    pub origin: Origin,
}

impl Default for WorkingTime {
    fn default() -> Self {
        WorkingTime {
            gross_hours: Decimal::from(1924),
            paid_hours: None,
            deductions: Vec::new(),
            origin: Origin::default(),
        }
    }
}

/// A time band with its supplement (ulempetillæg).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub id: String,
    pub name: String,
    pub supplement_pct: Decimal,
    /// Clock window (`days`, `from`, `to`) for splitting clock-time rows.
    #[serde(skip)]
    pub window: Option<crate::clock::Window>,
    pub origin: Origin,
}

/// How a staff category is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pay {
    Monthly(Decimal),
    Annual(Decimal),
    /// A fixed price per manned hour (e.g. an external consultant).
    HourlyRate(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub pay: Pay,
    pub pension_pct: Decimal,
    pub supplement_pension_pct: Decimal,
    pub direct_share: Decimal,
    pub net_hours: Option<Decimal>,
    pub oncost: Vec<Item>,
    pub per_fte: Vec<Item>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverheadMethod {
    /// x × (1 + pct/100)
    #[default]
    Markup,
    /// x × 100 / (100 − pct): overhead as a share of the price.
    Share,
}

impl OverheadMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            OverheadMethod::Markup => "markup",
            OverheadMethod::Share => "share",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overhead {
    pub pct: Decimal,
    pub method: OverheadMethod,
    pub include_capital: bool,
    pub origin: Origin,
}

impl Default for Overhead {
    fn default() -> Self {
        Overhead {
            pct: Decimal::ZERO,
            method: OverheadMethod::Markup,
            include_capital: true,
            origin: Origin::default(),
        }
    }
}

/// A tilbud's own `[tilbud.overhead]`: the keys it gives replace the
/// model's, the others are inherited.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OverheadOverride {
    pub pct: Option<Decimal>,
    pub method: Option<OverheadMethod>,
    pub include_capital: Option<bool>,
    pub origin: Option<Origin>,
}

/// A shared staffing line (fællesydelse) of a tilbud, in manned hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub name: String,
    pub staff: Ref,
    pub band: Ref,
    pub hours_per_week: Decimal,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    Other,
    Capital,
    Income,
}

impl CostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CostKind::Other => "other",
            CostKind::Capital => "capital",
            CostKind::Income => "income",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub name: String,
    pub kind: CostKind,
    /// Kroner per year; income is given as a positive amount and deducted.
    pub amount: Decimal,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tilbud {
    pub id: String,
    pub name: String,
    pub paragraph: Option<String>,
    pub places: Decimal,
    pub occupancy_pct: Decimal,
    /// Efterregulering from year t−2: + deficit, − surplus.
    pub settlement: Decimal,
    /// The tilbud's own `carry_pct`, replacing `[settlement] carry_pct`.
    pub carry_pct: Option<Decimal>,
    /// `[tilbud.limits] cost_per_place_day`: the tilbud's own base of the
    /// price-development limit, replacing `[limits] cost_per_place_day`.
    pub limit_base: Option<Decimal>,
    pub overhead: OverheadOverride,
    pub shared: Vec<Shared>,
    pub costs: Vec<Cost>,
    pub origin: Origin,
}

pub use crate::text::Ratio;

/// One agreement: a citizen placed in a tilbud for a period, paid by one
/// municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub citizen: String,
    pub municipality: String,
    pub tilbud: Ref,
    pub from: Date,
    /// Inclusive; `None` = open-ended.
    pub to: Option<Date>,
    pub agreed_tariff: Option<Decimal>,
    pub origin: Origin,
}

impl Agreement {
    /// Is the agreement in force on `d`?
    pub fn in_force(&self, d: Date) -> bool {
        d >= self.from && self.to.is_none_or(|t| d <= t)
    }
}

/// One need line of an agreement: citizen hours per week of one staff
/// category in one band, at a staff:citizen ratio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub agreement: Ref,
    pub staff: Ref,
    pub band: Ref,
    pub hours_per_week: Decimal,
    pub ratio: Ratio,
    pub note: Option<String>,
    pub origin: Origin,
}

/// `[settlement]`: how a year's result is settled (SPEC 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementRule {
    /// The share of the budgeted costs a tilbud may carry itself (± this
    /// percentage); the rest of the result is settled in year t+2. 0 = none.
    pub carry_pct: Decimal,
    pub origin: Origin,
}

impl Default for SettlementRule {
    fn default() -> Self {
        SettlementRule {
            carry_pct: Decimal::from(5),
            origin: Origin::default(),
        }
    }
}

/// `[limits]`: the price-development check. The cost per place per day of
/// a tilbud may grow from `base_year` by at most the price/wage index of
/// each year less `reduction_pct` (e.g. PL − 2 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub base_year: i16,
    /// Cost per place per day in the base year, for every tilbud without
    /// its own `[tilbud.limits]`.
    pub cost_per_place_day: Option<Decimal>,
    /// Percentage points deducted from each year's index.
    pub reduction_pct: Decimal,
    /// `[limits.index]`: the price/wage index of each year, percent change
    /// from the year before, with the position of its key.
    pub index_pct: Vec<(i16, Decimal, Pos)>,
    pub origin: Origin,
}

/// A whole model: the parameters of one tariff year plus agreements and
/// their need lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    pub name: String,
    pub year: Option<i16>,
    pub days_per_year: Decimal,
    pub rounding: Rounding,
    pub working_time: WorkingTime,
    pub bands: Vec<Band>,
    pub staff: Vec<Staff>,
    pub overhead: Overhead,
    pub settlement: SettlementRule,
    pub limits: Option<Limits>,
    pub tilbud: Vec<Tilbud>,
    pub agreements: Vec<Agreement>,
    pub needs: Vec<Need>,
    pub origin: Origin,
    /// Ids of items that were declared but could not be read (their
    /// problems are already reported). References to them are not reported
    /// again as unknown.
    #[serde(skip)]
    pub unreadable: Unreadable,
}

impl Model {
    /// Every table of the parameters (takst.toml) with its origin: the
    /// model, working time and its deductions, bands, staff categories and
    /// their items, overhead, tilbud with their overhead, shared lines and
    /// costs.
    pub fn parameter_origins(&self) -> Vec<&Origin> {
        let mut v = vec![
            &self.origin,
            &self.working_time.origin,
            &self.overhead.origin,
        ];
        v.extend(self.working_time.deductions.iter().map(|d| &d.origin));
        v.extend(self.bands.iter().map(|b| &b.origin));
        for s in &self.staff {
            v.push(&s.origin);
            v.extend(s.oncost.iter().chain(&s.per_fte).map(|i| &i.origin));
        }
        for t in &self.tilbud {
            v.push(&t.origin);
            v.extend(t.overhead.origin.as_ref());
            v.extend(t.shared.iter().map(|s| &s.origin));
            v.extend(t.costs.iter().map(|c| &c.origin));
        }
        v
    }

    /// The least final status of any parameter table.
    pub fn least_final_status(&self) -> Status {
        self.parameter_origins()
            .iter()
            .map(|o| o.status)
            .max()
            .unwrap_or_default()
    }
}

/// Ids declared by items with problems, per kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unreadable {
    pub staff: Vec<String>,
    pub bands: Vec<String>,
    pub tilbud: Vec<String>,
    pub agreements: Vec<String>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            name: String::new(),
            year: None,
            days_per_year: Decimal::from(365),
            rounding: Rounding::default(),
            working_time: WorkingTime::default(),
            bands: Vec::new(),
            staff: Vec::new(),
            overhead: Overhead::default(),
            settlement: SettlementRule::default(),
            limits: None,
            tilbud: Vec::new(),
            agreements: Vec::new(),
            needs: Vec::new(),
            origin: Origin::default(),
            unreadable: Unreadable::default(),
        }
    }
}
