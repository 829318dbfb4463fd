//! The model: every input of a tariff calculation, as parsed values that
//! remember where they came from.
//!
//! Responsible for: the types of a model (parameters of one tariff year,
//! agreements and need lines) and their positions in the input files. Not
//! responsible for: reading files (the CLI parses TOML and CSV into these
//! types), checking references between them (`validate`) or computing
//! anything (`calc`).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::num::Rounding;

/// A position in an input file: file, 1-based line and column, and the
/// field (TOML key or CSV column name) at that position.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Pos {
    pub file: String,
    pub line: u64,
    pub col: u64,
    pub field: String,
}

impl Pos {
    pub fn new(file: impl Into<String>, line: u64, col: u64, field: impl Into<String>) -> Pos {
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Origin {
    pub pos: Pos,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub keys: Vec<(String, u64, u64)>,
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
        self.keys.iter().any(|(k, _, _)| k == key)
    }

    /// The position of `key` (its line and column, field `path.key`), or
    /// the table's own position when the key was not given.
    pub fn pos_of(&self, key: &str) -> Pos {
        let field = if self.pos.field.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.pos.field)
        };
        match self.keys.iter().find(|(k, _, _)| k == key) {
            Some((_, line, col)) => Pos::new(self.pos.file.clone(), *line, *col, field),
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Ref {
    pub id: String,
    #[serde(skip)]
    pub pos: Pos,
}

impl Ref {
    pub fn new(id: impl Into<String>, pos: Pos) -> Ref {
        Ref { id: id.into(), pos }
    }
}

/// An amount given either as a fixed number or as a percentage of a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    /// Kroner (oncost, per-FTE items) or hours (working-time deductions).
    Fixed(Decimal),
    /// Percent of the item's base.
    Pct(Decimal),
}

/// The base of a per-FTE percentage: the salary S or the pay S + P + O.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PctBase {
    #[default]
    Salary,
    Pay,
}

/// A named amount: a working-time deduction, an on-cost or a per-FTE item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub name: String,
    pub amount: Amount,
    /// Only meaningful for per-FTE items.
    pub base: PctBase,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pay {
    Monthly(Decimal),
    Annual(Decimal),
    /// A fixed price per manned hour (e.g. an external consultant).
    HourlyRate(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OverheadOverride {
    pub pct: Option<Decimal>,
    pub method: Option<OverheadMethod>,
    pub include_capital: Option<bool>,
    pub origin: Option<Origin>,
}

/// A shared staffing line (fællesydelse) of a tilbud, in manned hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shared {
    pub name: String,
    pub staff: Ref,
    pub band: Ref,
    pub hours_per_week: Decimal,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cost {
    pub name: String,
    pub kind: CostKind,
    /// Kroner per year; income is given as a positive amount and deducted.
    pub amount: Decimal,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tilbud {
    pub id: String,
    pub name: String,
    pub paragraph: Option<String>,
    pub places: Decimal,
    pub occupancy_pct: Decimal,
    /// Efterregulering from year t−2: + deficit, − surplus.
    pub settlement: Decimal,
    pub overhead: OverheadOverride,
    pub shared: Vec<Shared>,
    pub costs: Vec<Cost>,
    pub origin: Origin,
}

pub use crate::text::Ratio;

/// One agreement: a citizen placed in a tilbud for a period, paid by one
/// municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    pub agreement: Ref,
    pub staff: Ref,
    pub band: Ref,
    pub hours_per_week: Decimal,
    pub ratio: Ratio,
    pub note: Option<String>,
    pub origin: Origin,
}

/// A whole model: the parameters of one tariff year plus agreements and
/// their need lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Model {
    pub name: String,
    pub year: Option<i16>,
    pub days_per_year: Decimal,
    pub rounding: Rounding,
    pub working_time: WorkingTime,
    pub bands: Vec<Band>,
    pub staff: Vec<Staff>,
    pub overhead: Overhead,
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
            tilbud: Vec::new(),
            agreements: Vec::new(),
            needs: Vec::new(),
            origin: Origin::default(),
            unreadable: Unreadable::default(),
        }
    }
}
