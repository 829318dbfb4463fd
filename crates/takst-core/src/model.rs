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

use crate::hash::{FxMap, PtrMemo};
use crate::num::Rounding;

/// A position in an input file: file, 1-based line and column, and the
/// field (TOML key or CSV column name) at that position. File and field
/// names are shared (`Arc<str>`): a model of 100,000 agreements holds
/// millions of positions, and cloning one must not allocate. In a
/// spreadsheet (`sheet` is set) the line is the row number and the column
/// the column number, shown in A1 style: `agreements.xlsx: Ark1!E7`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pos {
    pub file: Arc<str>,
    pub line: u64,
    pub col: u64,
    pub field: Arc<str>,
    /// The worksheet, for a position in a spreadsheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Arc<str>>,
}

impl Pos {
    pub fn new(file: impl Into<Arc<str>>, line: u64, col: u64, field: impl Into<Arc<str>>) -> Pos {
        Pos {
            file: file.into(),
            line,
            col,
            field: field.into(),
            sheet: None,
        }
    }

    /// A position in a worksheet: 1-based row and column numbers.
    pub fn in_sheet(
        file: impl Into<Arc<str>>,
        sheet: impl Into<Arc<str>>,
        row: u64,
        col: u64,
        field: impl Into<Arc<str>>,
    ) -> Pos {
        Pos {
            sheet: Some(sheet.into()),
            ..Pos::new(file, row, col, field)
        }
    }

    /// The same place, another line and column (the sheet is kept).
    pub fn at(&self, line: u64, col: u64, field: impl Into<Arc<str>>) -> Pos {
        Pos {
            line,
            col,
            field: field.into(),
            ..self.clone()
        }
    }

    /// `file:line`, or `file: Sheet!row` in a spreadsheet, for citing a row.
    pub fn cite(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}: {sheet}!{}", self.file, self.line),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

/// The A1-style letters of a 1-based column number: 1 → A, 27 → AA.
pub fn column_letters(mut col: u64) -> String {
    let mut letters = Vec::new();
    while col > 0 {
        let rem = ((col - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        col = (col - 1) / 26;
    }
    letters.iter().rev().collect()
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            // Ark1!E7 for a cell, Ark1!7:7 for a whole row.
            return match (self.line, self.col) {
                (0, _) => write!(f, ": {sheet}"),
                (l, 0) => write!(f, ": {sheet}!{l}:{l}"),
                (l, c) => write!(f, ": {sheet}!{}{l}", column_letters(c)),
            };
        }
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
        let shared = match &self.keys {
            // A CSV row: the column's name is shared by the whole file.
            Keys::Columns(cols) if self.pos.field.is_empty() => cols
                .iter()
                .find(|(k, _)| &**k == key)
                .map(|(k, _)| k.clone()),
            _ => None,
        };
        let field: Arc<str> = if let Some(name) = shared {
            name
        } else if self.pos.field.is_empty() {
            key.into()
        } else {
            format!("{}.{key}", self.pos.field).into()
        };
        match self.key_line_col(key) {
            Some((line, col)) => self.pos.at(line, col, field),
            None => Pos {
                field,
                ..self.pos.clone()
            },
        }
    }

    /// `file:line` of `key` (`file: Sheet!row` in a spreadsheet).
    pub fn cite(&self, key: &str) -> String {
        self.pos_of(key).cite()
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

pub use crate::privacy::CitizenId;
pub use crate::text::Ratio;

/// One agreement: a citizen placed in a tilbud for a period, paid by one
/// municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    /// Personal data (possibly a CPR number): see [`CitizenId`].
    pub citizen: CitizenId,
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
///
/// A model can hold half a million need lines, so a line is kept small:
/// its three references are bare ids, shared (`Arc<str>`) between the lines
/// that name the same agreement, staff category or band, and their
/// positions are those of the row's columns (`origin.pos_of("staff")`),
/// not stored three times over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    #[serde(deserialize_with = "id_or_ref")]
    pub agreement: Arc<str>,
    #[serde(deserialize_with = "id_or_ref")]
    pub staff: Arc<str>,
    #[serde(deserialize_with = "id_or_ref")]
    pub band: Arc<str>,
    pub hours_per_week: Decimal,
    pub ratio: Ratio,
    pub note: Option<String>,
    pub origin: Origin,
}

/// A need line's reference as written: a bare id, or (receipts of format
/// 1, from before need lines were made small) a [`Ref`] object whose
/// position is dropped, since the row's origin holds it too.
fn id_or_ref<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IdOrRef {
        Id(Arc<str>),
        Ref { id: Arc<str> },
    }
    Ok(match IdOrRef::deserialize(d)? {
        IdOrRef::Id(id) | IdOrRef::Ref { id } => id,
    })
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

    /// Puts agreements and need lines in their canonical order, so that
    /// every output is the same whatever the row order of the input files:
    /// agreements by id ([`natural_cmp`]); need lines by agreement id, then
    /// the model order of their staff category and band, then hours, ratio
    /// and note. Sums over need lines then add up in the same order too.
    pub fn sort_canonical(&mut self) {
        // Sort permutations of indices and move each item once: the items
        // are large, and a model can have half a million need lines. Files
        // usually come in this order already; that is checked first, in
        // one pass, and then nothing moves. The agreements' sort keys are
        // put side by side: comparing them does not read the (large)
        // agreements.
        let by_id: Vec<(&str, Date)> = self
            .agreements
            .iter()
            .map(|a| (a.id.as_str(), a.from))
            .collect();
        let cmp = |i: usize, j: usize| {
            let (a, b) = (&by_id[i], &by_id[j]);
            natural_cmp(a.0, b.0).then_with(|| a.1.cmp(&b.1))
        };
        if let Some(order) = sort_order(by_id.len(), cmp) {
            permute(&mut self.agreements, &order);
        }

        let rank = first_index(self.agreements.iter().map(|a| a.id.as_str()).collect());
        let staff = first_index(self.staff.iter().map(|s| s.id.as_str()).collect());
        let bands = first_index(self.bands.iter().map(|b| b.id.as_str()).collect());
        // Ranks remembered by shared id: see [`PtrMemo`].
        let mut memo: [PtrMemo<usize>; 3] = Default::default();
        let rank_of = |memo: &mut PtrMemo<usize>, m: &FxMap<&str, usize>, id: &Arc<str>| {
            memo.get(id, |id| m.get(id).copied().unwrap_or(usize::MAX))
        };
        let mut keys: Vec<NeedKey> = self
            .needs
            .iter()
            .map(|n| {
                (
                    rank_of(&mut memo[0], &rank, &n.agreement),
                    rank_of(&mut memo[1], &staff, &n.staff),
                    rank_of(&mut memo[2], &bands, &n.band),
                )
            })
            .collect();
        // Usually the lines of each agreement are together and the
        // agreements in order: then only each agreement's few lines need
        // sorting, in place.
        if keys.windows(2).all(|w| w[0].0 <= w[1].0) {
            let mut start = 0;
            while start < keys.len() {
                let a = keys[start].0;
                let end = keys[start..]
                    .iter()
                    .position(|k| k.0 != a)
                    .map_or(keys.len(), |n| start + n);
                sort_run(&mut self.needs[start..end], &mut keys[start..end]);
                start = end;
            }
        } else {
            let needs = &self.needs;
            let cmp = |i: usize, j: usize| need_order(&keys[i], &keys[j], &needs[i], &needs[j]);
            if let Some(order) = sort_order(needs.len(), cmp) {
                permute(&mut self.needs, &order);
            }
        }
    }
}

/// A need line's place: the ranks of its agreement, staff category and
/// band (`usize::MAX` for an unknown id).
type NeedKey = (usize, usize, usize);

/// The canonical order of two need lines with their keys. The compact keys
/// decide almost every comparison; the lines themselves are read only for
/// ties (unknown ids, or two lines of one agreement with the same staff
/// and band).
fn need_order(ka: &NeedKey, kb: &NeedKey, a: &Need, b: &Need) -> std::cmp::Ordering {
    ka.cmp(kb).then_with(|| {
        natural_cmp(&a.agreement, &b.agreement)
            .then_with(|| a.staff.cmp(&b.staff))
            .then_with(|| a.band.cmp(&b.band))
            .then_with(|| a.hours_per_week.cmp(&b.hours_per_week))
            .then_with(|| (a.ratio.staff, a.ratio.citizens).cmp(&(b.ratio.staff, b.ratio.citizens)))
            .then_with(|| a.note.cmp(&b.note))
    })
}

/// Sorts the need lines of one agreement (and their keys) in place: by
/// insertion for the usual handful of lines, else by a sorted permutation.
fn sort_run(needs: &mut [Need], keys: &mut [NeedKey]) {
    const SHORT: usize = 32;
    if needs.len() > SHORT {
        let cmp = |i: usize, j: usize| need_order(&keys[i], &keys[j], &needs[i], &needs[j]);
        if let Some(order) = sort_order(needs.len(), cmp) {
            permute(needs, &order);
        }
        return;
    }
    for i in 1..needs.len() {
        let mut j = i;
        while j > 0
            && need_order(&keys[j - 1], &keys[j], &needs[j - 1], &needs[j])
                == std::cmp::Ordering::Greater
        {
            needs.swap(j - 1, j);
            keys.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The order that sorts `n` items by `cmp` (item `order[k]` goes to place
/// `k`), or `None` when they are in order already. Unstable is fine: items
/// that compare equal differ at most in their line number, and no figure
/// depends on their order.
fn sort_order(n: usize, cmp: impl Fn(usize, usize) -> std::cmp::Ordering) -> Option<Vec<usize>> {
    if (1..n).all(|k| cmp(k - 1, k) != std::cmp::Ordering::Greater) {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&i, &j| cmp(i, j));
    Some(order)
}

/// Each id's first position.
fn first_index(ids: Vec<&str>) -> crate::hash::FxMap<&str, usize> {
    let mut m = crate::hash::FxMap::default();
    m.reserve(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        m.entry(id).or_insert(i);
    }
    m
}

/// `items` in the order of `order` (a permutation of its indices: item
/// `order[k]` goes to place `k`), in place, following the permutation's
/// cycles with swaps.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let n = items.len().min(order.len());
    let mut done = vec![false; n];
    for start in 0..n {
        let mut cur = start;
        while !done[cur] {
            done[cur] = true;
            let next = order[cur];
            if next == start || next >= n {
                break;
            }
            items.swap(cur, next);
            cur = next;
        }
    }
}

/// The order of ids for people: runs of digits compare as numbers, so
/// `A2` comes before `A10`; the rest compares by character. Ties (`A01`
/// and `A1`) are broken by plain byte order, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..n], &y[..m]);
                let tx = &dx[dx.iter().take_while(|&&c| c == b'0').count()..];
                let ty = &dy[dy.iter().take_while(|&&c| c == b'0').count()..];
                let ord = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// Ids declared by items with problems, per kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unreadable {
    pub staff: Vec<String>,
    pub bands: Vec<String>,
    pub tilbud: Vec<String>,
    pub agreements: Vec<String>,
    /// The agreements file could not be read (whole or in part): references
    /// to agreements are not checked.
    pub agreements_file: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A model with staff `b`, `a` and bands `nat`, `dag` (in that model
    /// order), agreements `A2`, `A10` and the need lines given as
    /// (agreement, staff, band, hours).
    fn ordered_model(needs: &[(&str, &str, &str, i64)]) -> Model {
        use crate::testing::{band, staff};
        let agreement = |id: &str| Agreement {
            id: id.into(),
            citizen: CitizenId::new(id.to_string()),
            municipality: "K".into(),
            tilbud: Ref::default(),
            from: jiff::civil::date(2025, 1, 1),
            to: None,
            agreed_tariff: None,
            origin: Origin::default(),
        };
        Model {
            staff: vec![staff("b", Decimal::ONE), staff("a", Decimal::ONE)],
            bands: vec![band("nat"), band("dag")],
            agreements: vec![agreement("A10"), agreement("A2")],
            needs: needs
                .iter()
                .map(|&(a, s, b, h)| Need {
                    agreement: a.into(),
                    staff: s.into(),
                    band: b.into(),
                    hours_per_week: Decimal::from(h),
                    ratio: Ratio::default(),
                    note: None,
                    origin: Origin::default(),
                })
                .collect(),
            ..Model::default()
        }
    }

    fn need_keys(m: &Model) -> Vec<(String, String, String, Decimal)> {
        m.needs
            .iter()
            .map(|n| {
                let (a, s, b) = (&n.agreement, &n.staff, &n.band);
                (
                    a.to_string(),
                    s.to_string(),
                    b.to_string(),
                    n.hours_per_week,
                )
            })
            .collect()
    }

    /// The canonical order whatever the input order: already in order,
    /// grouped by agreement but unordered within each (sorted agreement by
    /// agreement), and scattered (sorted as a whole).
    #[test]
    fn canonical_order_of_need_lines() {
        let canonical = [
            ("A2", "b", "nat", 1),
            ("A2", "b", "dag", 2),
            ("A2", "a", "nat", 3),
            ("A2", "a", "dag", 4),
            ("A2", "a", "dag", 5),
            ("A10", "b", "dag", 6),
            ("A10", "a", "nat", 7),
            ("A10", "x", "nat", 8),
        ];
        let want = need_keys(&ordered_model(&canonical));
        let grouped = [4, 0, 2, 1, 3, 7, 6, 5].map(|i| canonical[i]);
        let scattered = [7, 3, 5, 0, 6, 2, 4, 1].map(|i| canonical[i]);
        for input in [&canonical, &grouped, &scattered] {
            let mut m = ordered_model(input);
            m.sort_canonical();
            assert_eq!(need_keys(&m), want, "{input:?}");
            let ids: Vec<&str> = m.agreements.iter().map(|a| a.id.as_str()).collect();
            assert_eq!(ids, ["A2", "A10"]);
        }
    }

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec!["A10", "A2", "B1", "A1", "A01", "a1", "A", "", "A2b", "A2a"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            ["", "A", "A01", "A1", "A2", "A2a", "A2b", "A10", "B1", "a1"]
        );
    }

    #[test]
    fn a1_cells() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(5), "E");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16384), "XFD");
        let p = Pos::in_sheet("agreements.xlsx", "Ark1", 7, 5, "from");
        assert_eq!(p.to_string(), "agreements.xlsx: Ark1!E7");
        assert_eq!(p.at(1, 0, "x").to_string(), "agreements.xlsx: Ark1!1:1");
        assert_eq!(p.cite(), "agreements.xlsx: Ark1!7");
        assert_eq!(Pos::new("a.csv", 3, 2, "x").to_string(), "a.csv:3:2");
    }
}
