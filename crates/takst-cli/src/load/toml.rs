//! Reading `takst.toml` into a [`Model`]'s parameters.
//!
//! Responsible for: TOML syntax, unknown keys, required keys, value types,
//! exact decimals (a TOML float `15.1` is read from its text, never through
//! `f64`), and the position of every table and key. Every problem is
//! collected with file, line and column. Not responsible for: references
//! between ids or ranges (`takst_core::validate`).

use std::ops::Range;

use rust_decimal::Decimal;
use takst_core::model::{
    Amount, Band, Cost, CostKind, Item, Keys, Limits, Model, Origin, Overhead, OverheadMethod,
    OverheadOverride, Pay, PctBase, Pos, Ref, Shared, Staff, Status, Tilbud, WorkingTime,
};
use takst_core::num::{Precision, Rounding, RoundingMode};
use takst_core::problem::{Code, Problem};
use takst_core::text::{parse_decimal, DecimalStyle};
use toml_edit::{Item as TItem, TableLike, Value};

/// Keys every table may carry: where a value came from (`source`), a
/// remark (`note`), and how final it is (`status`: agreed, provisional or
/// forecast; see [`Status`]).
const COMMON_KEYS: [&str; 3] = ["source", "note", "status"];

/// A sub-table without its own `status` takes its parent table's.
fn inherit_status(child: &mut Origin, parent: &Origin) {
    if !child.has("status") {
        child.status = parent.status;
    }
}

/// Parse the text of a takst.toml. Returns the model (without agreements)
/// and the problems found; a model with problems must not be calculated.
pub fn read_model(file: &str, src: &str) -> (Model, Vec<Problem>) {
    let mut r = Reader::new(file, src);
    let doc = match toml_edit::Document::parse(src) {
        Ok(d) => d,
        Err(e) => {
            let (line, col) = e.span().map(|s| r.line_col(s.start)).unwrap_or((1, 1));
            let msg = e.message().trim().to_string();
            r.problems.push(Problem::new(
                Code::Syntax,
                Pos::new(file, line, col, ""),
                format!("this is not valid TOML: {msg}"),
            ));
            return (Model::default(), r.problems);
        }
    };
    let root = Node {
        t: doc.as_table(),
        path: String::new(),
        pos: Pos::new(file, 1, 1, ""),
    };
    let model = r.model(&root);
    (model, r.problems)
}

/// A table being read: its path (`tilbud.shared`) and header position.
struct Node<'a> {
    t: &'a dyn TableLike,
    path: String,
    pos: Pos,
}

struct Reader<'s> {
    file: std::sync::Arc<str>,
    src: &'s str,
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
}

impl<'s> Reader<'s> {
    fn new(file: &str, src: &'s str) -> Reader<'s> {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Reader {
            file: file.into(),
            src,
            line_starts,
            problems: Vec::new(),
        }
    }

    fn line_col(&self, offset: usize) -> (u64, u64) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = self
            .src
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line as u64, col as u64)
    }

    fn pos_of(&self, span: Option<Range<usize>>, fallback: &Pos, field: &str) -> Pos {
        match span {
            Some(s) => {
                let (line, col) = self.line_col(s.start);
                Pos::new(self.file.clone(), line, col, field)
            }
            None => Pos {
                field: field.into(),
                ..fallback.clone()
            },
        }
    }

    fn field(n: &Node, key: &str) -> String {
        if n.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", n.path)
        }
    }

    /// Position of `key` in `n` (the key's own text), or the table's.
    fn key_pos(&self, n: &Node, key: &str) -> Pos {
        let span = n.t.key(key).and_then(|k| k.span());
        self.pos_of(span, &n.pos, &Self::field(n, key))
    }

    fn problem(&mut self, code: Code, pos: Pos, msg: impl Into<String>) {
        self.problems.push(Problem::new(code, pos, msg));
    }

    /// Report keys of `n` that are not in `allowed` (plus [`COMMON_KEYS`]).
    fn check_keys(&mut self, n: &Node, allowed: &[&str]) {
        for (k, _) in n.t.iter() {
            if COMMON_KEYS.contains(&k) || allowed.contains(&k) {
                continue;
            }
            let pos = self.key_pos(n, k);
            let mut expected: Vec<&str> = allowed.to_vec();
            expected.extend(COMMON_KEYS);
            let what = if n.path.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in [{}]", n.path)
            };
            self.problem(
                Code::UnknownKey,
                pos,
                format!(
                    "unknown key `{k}` {what}; expected one of {}",
                    expected.join(", ")
                ),
            );
        }
    }

    fn origin(&mut self, n: &Node) -> Origin {
        let source = self.string(n, "source");
        let note = self.string(n, "note");
        let status = if n.t.contains_key("status") {
            self.choice(
                n,
                "status",
                &[
                    ("agreed", Status::Agreed),
                    ("provisional", Status::Provisional),
                    ("forecast", Status::Forecast),
                ],
            )
            .unwrap_or_default()
        } else {
            Status::Agreed
        };
        let keys =
            n.t.iter()
                .map(|(k, _)| {
                    let p = self.key_pos(n, k);
                    (k.to_string(), p.line, p.col)
                })
                .collect();
        Origin {
            pos: Pos {
                field: n.path.as_str().into(),
                ..n.pos.clone()
            },
            source,
            note,
            status,
            keys: Keys::Each(keys),
        }
    }

    fn value<'a>(&self, n: &'a Node, key: &str) -> Option<&'a Value> {
        match n.t.get(key) {
            Some(TItem::Value(v)) => Some(v),
            _ => None,
        }
    }

    fn wrong_type(&mut self, n: &Node, key: &str, expected: &str) {
        let pos = self.key_pos(n, key);
        let found = match n.t.get(key) {
            Some(TItem::Table(_)) => "a table".to_string(),
            Some(TItem::ArrayOfTables(_)) => "an array of tables".to_string(),
            Some(TItem::Value(v)) => format!("{} `{}`", v.type_name(), self.raw(v).trim()),
            _ => "nothing".to_string(),
        };
        self.problem(
            Code::WrongType,
            pos,
            format!("found {found}, expected {expected}"),
        );
    }

    fn raw(&self, v: &Value) -> &'s str {
        v.span().and_then(|s| self.src.get(s)).unwrap_or("")
    }

    /// A decimal value: TOML integer, float or string, read from its text.
    fn dec(&mut self, n: &Node, key: &str) -> Option<Decimal> {
        let item = n.t.get(key)?;
        let v = match item {
            TItem::Value(v) => v,
            _ => {
                self.wrong_type(n, key, "a number");
                return None;
            }
        };
        let raw = self.raw(v).trim();
        let parsed = match v {
            Value::Integer(i) => {
                let t = raw.replace('_', "");
                if t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b") {
                    Some(Decimal::from(*i.value()))
                } else {
                    Decimal::from_str_exact(&t).ok()
                }
            }
            Value::Float(_) => {
                let t = raw.replace('_', "");
                if t.contains(['e', 'E']) {
                    Decimal::from_scientific(&t).ok()
                } else {
                    Decimal::from_str_exact(&t).ok()
                }
            }
            Value::String(s) => parse_decimal(s.value(), DecimalStyle::Point).ok(),
            _ => {
                self.wrong_type(n, key, "a number");
                return None;
            }
        };
        if parsed.is_none() {
            let pos = self.pos_of(v.span(), &n.pos, &Self::field(n, key));
            self.problem(
                Code::MalformedNumber,
                pos,
                format!("found `{raw}`, expected a decimal number like 15.1 (at most 28 digits)"),
            );
        }
        parsed
    }

    fn req_dec(&mut self, n: &Node, key: &str) -> Option<Decimal> {
        if n.t.get(key).is_none() {
            self.missing(n, key);
            return None;
        }
        self.dec(n, key)
    }

    fn missing(&mut self, n: &Node, key: &str) {
        let pos = Pos {
            field: Self::field(n, key).into(),
            ..n.pos.clone()
        };
        let table = if n.path.is_empty() {
            "the file".to_string()
        } else {
            format!("[{}]", n.path)
        };
        self.problem(
            Code::Missing,
            pos,
            format!("{table} has no `{key}`; expected `{key} = …`"),
        );
    }

    fn string(&mut self, n: &Node, key: &str) -> Option<String> {
        n.t.get(key)?;
        match self.value(n, key) {
            Some(Value::String(s)) => Some(s.value().clone()),
            _ => {
                self.wrong_type(n, key, "a string in quotes");
                None
            }
        }
    }

    fn req_string(&mut self, n: &Node, key: &str) -> Option<String> {
        if n.t.get(key).is_none() {
            self.missing(n, key);
            return None;
        }
        self.string(n, key)
    }

    fn boolean(&mut self, n: &Node, key: &str) -> Option<bool> {
        n.t.get(key)?;
        match self.value(n, key) {
            Some(Value::Boolean(b)) => Some(*b.value()),
            _ => {
                self.wrong_type(n, key, "true or false");
                None
            }
        }
    }

    /// One of a fixed set of words.
    fn choice<T: Copy>(&mut self, n: &Node, key: &str, options: &[(&str, T)]) -> Option<T> {
        let s = self.string(n, key)?;
        match options.iter().find(|(w, _)| *w == s) {
            Some((_, t)) => Some(*t),
            None => {
                let pos = self.key_pos(n, key);
                let words: Vec<String> = options.iter().map(|(w, _)| format!("\"{w}\"")).collect();
                self.problem(
                    Code::WrongType,
                    pos,
                    format!("found \"{s}\", expected one of {}", words.join(", ")),
                );
                None
            }
        }
    }

    /// A reference to an id, with its position.
    fn reference(&mut self, n: &Node, key: &str) -> Option<Ref> {
        let id = self.req_string(n, key)?;
        let span = self.value(n, key).and_then(|v| v.span());
        Some(Ref::new(
            id,
            self.pos_of(span, &n.pos, &Self::field(n, key)),
        ))
    }

    /// The id of a table that could not be read, if it has a readable one.
    fn id_of(&self, n: &Node) -> Option<String> {
        match self.value(n, "id") {
            Some(Value::String(s)) => Some(s.value().clone()),
            _ => None,
        }
    }

    /// A sub-table (`[overhead]` or an inline table).
    fn sub<'a>(&mut self, n: &'a Node, key: &str) -> Option<Node<'a>> {
        let path = Self::field(n, key);
        match n.t.get(key)? {
            TItem::Table(t) => {
                let pos = self.pos_of(t.span(), &n.pos, &path);
                let pos = if t.span().is_none() {
                    self.key_pos(n, key)
                } else {
                    pos
                };
                Some(Node { t, path, pos })
            }
            TItem::Value(Value::InlineTable(t)) => {
                let pos = self.key_pos(n, key);
                Some(Node { t, path, pos })
            }
            _ => {
                self.wrong_type(n, key, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[staff]]` or `key = [{…}, {…}]`).
    fn tables<'a>(&mut self, n: &'a Node, key: &str) -> Vec<Node<'a>> {
        let path = Self::field(n, key);
        match n.t.get(key) {
            None => Vec::new(),
            Some(TItem::ArrayOfTables(a)) => a
                .iter()
                .map(|t| Node {
                    t,
                    path: path.clone(),
                    pos: self.pos_of(t.span(), &n.pos, &path),
                })
                .collect(),
            Some(TItem::Value(Value::Array(a))) if a.iter().all(|v| v.is_inline_table()) => a
                .iter()
                .filter_map(|v| v.as_inline_table().map(|t| (t, v.span())))
                .map(|(t, span)| Node {
                    t,
                    path: path.clone(),
                    pos: self.pos_of(span, &n.pos, &path),
                })
                .collect(),
            Some(_) => {
                self.wrong_type(n, key, &format!("a list of tables ([[{path}]])"));
                Vec::new()
            }
        }
    }

    fn model(&mut self, root: &Node) -> Model {
        self.check_keys(
            root,
            &[
                "model",
                "rounding",
                "working_time",
                "band",
                "staff",
                "overhead",
                "settlement",
                "limits",
                "tilbud",
            ],
        );
        let mut m = Model::default();
        if let Some(n) = self.sub(root, "model") {
            self.check_keys(&n, &["name", "year", "days_per_year"]);
            m.name = self.string(&n, "name").unwrap_or_default();
            if let Some(y) = self.dec(&n, "year") {
                match i16::try_from(y.trunc().mantissa())
                    .ok()
                    .filter(|_| y.fract().is_zero() && y.scale() == 0)
                {
                    Some(y) => m.year = Some(y),
                    None => {
                        let pos = self.key_pos(&n, "year");
                        self.problem(
                            Code::WrongType,
                            pos,
                            format!("found {y}, expected a year like 2025"),
                        );
                    }
                }
            }
            if let Some(d) = self.dec(&n, "days_per_year") {
                m.days_per_year = d;
            }
            m.origin = self.origin(&n);
        } else {
            m.origin = Origin::at(root.pos.clone());
        }
        if let Some(n) = self.sub(root, "rounding") {
            m.rounding = self.rounding(&n);
        }
        if let Some(n) = self.sub(root, "working_time") {
            m.working_time = self.working_time(&n);
        } else {
            m.working_time.origin = Origin::at(root.pos.clone());
        }
        for n in self.tables(root, "band") {
            match self.band(&n) {
                Some(b) => m.bands.push(b),
                None => m.unreadable.bands.extend(self.id_of(&n)),
            }
        }
        for n in self.tables(root, "staff") {
            match self.staff(&n) {
                Some(s) => m.staff.push(s),
                None => m.unreadable.staff.extend(self.id_of(&n)),
            }
        }
        if let Some(n) = self.sub(root, "overhead") {
            self.check_keys(&n, &["pct", "method", "include_capital"]);
            m.overhead = Overhead {
                pct: self.dec(&n, "pct").unwrap_or_default(),
                method: self.overhead_method(&n).unwrap_or_default(),
                include_capital: self.boolean(&n, "include_capital").unwrap_or(true),
                origin: self.origin(&n),
            };
        } else {
            m.overhead.origin = Origin::at(root.pos.clone());
        }
        if let Some(n) = self.sub(root, "settlement") {
            self.check_keys(&n, &["carry_pct"]);
            if let Some(p) = self.dec(&n, "carry_pct") {
                m.settlement.carry_pct = p;
            }
            m.settlement.origin = self.origin(&n);
        } else {
            m.settlement.origin = Origin::at(root.pos.clone());
        }
        if let Some(n) = self.sub(root, "limits") {
            m.limits = self.limits(&n);
        }
        for n in self.tables(root, "tilbud") {
            match self.tilbud(&n) {
                Some(t) => m.tilbud.push(t),
                None => m.unreadable.tilbud.extend(self.id_of(&n)),
            }
        }
        m
    }

    /// `[limits]` with its `[limits.index]` of years.
    fn limits(&mut self, n: &Node) -> Option<Limits> {
        self.check_keys(
            n,
            &["base_year", "cost_per_place_day", "reduction_pct", "index"],
        );
        let base_year = self
            .req_dec(n, "base_year")
            .and_then(|y| self.year(n, "base_year", y));
        let cost_per_place_day = self.dec(n, "cost_per_place_day");
        let reduction_pct = self.dec(n, "reduction_pct").unwrap_or_default();
        let mut index_pct = Vec::new();
        if let Some(ix) = self.sub(n, "index") {
            let keys: Vec<String> = ix.t.iter().map(|(k, _)| k.to_string()).collect();
            for k in keys {
                let pos = self.key_pos(&ix, &k);
                let year = k.parse::<i16>().ok().filter(|y| (1000..=9999).contains(y));
                let pct = self.dec(&ix, &k);
                match (year, pct) {
                    (Some(y), Some(p)) => index_pct.push((y, p, pos)),
                    (None, _) => self.problem(
                        Code::WrongType,
                        pos,
                        format!("found key `{k}`, expected a year like 2025 (`2025 = 2.9` in [limits.index])"),
                    ),
                    _ => {}
                }
            }
        }
        let origin = self.origin(n);
        Some(Limits {
            base_year: base_year?,
            cost_per_place_day,
            reduction_pct,
            index_pct,
            origin,
        })
    }

    /// A whole year like 2025.
    fn year(&mut self, n: &Node, key: &str, y: Decimal) -> Option<i16> {
        let year = i16::try_from(y.trunc().mantissa())
            .ok()
            .filter(|_| y.fract().is_zero() && y.scale() == 0);
        if year.is_none() {
            let pos = self.key_pos(n, key);
            self.problem(
                Code::WrongType,
                pos,
                format!("found {y}, expected a year like 2025"),
            );
        }
        year
    }

    fn precision(&mut self, n: &Node, key: &str) -> Option<Precision> {
        if let Some(Value::String(s)) = self.value(n, key) {
            if s.value() == "exact" {
                return Some(Precision::Exact);
            }
        }
        let d = self.dec(n, key)?;
        if d <= Decimal::ZERO {
            let pos = self.key_pos(n, key);
            self.problem(
                Code::OutOfRange,
                pos,
                format!("found {d}, expected \"exact\" or a positive step like \"1\" or \"0.01\""),
            );
            return None;
        }
        Some(Precision::Step(d))
    }

    fn rounding(&mut self, n: &Node) -> Rounding {
        self.check_keys(n, &["tariff", "rate", "mode"]);
        let mut r = Rounding::default();
        if n.t.contains_key("tariff") {
            r.tariff = self.precision(n, "tariff").unwrap_or(r.tariff);
        }
        if n.t.contains_key("rate") {
            r.rate = self.precision(n, "rate").unwrap_or(r.rate);
        }
        if n.t.contains_key("mode") {
            r.mode = self
                .choice(
                    n,
                    "mode",
                    &[
                        ("half-up", RoundingMode::HalfUp),
                        ("half-even", RoundingMode::HalfEven),
                    ],
                )
                .unwrap_or_default();
        }
        let _ = self.origin(n);
        r
    }

    fn working_time(&mut self, n: &Node) -> WorkingTime {
        self.check_keys(n, &["gross_hours", "paid_hours", "deduction"]);
        let mut wt = WorkingTime {
            gross_hours: self.dec(n, "gross_hours").unwrap_or(Decimal::from(1924)),
            paid_hours: self.dec(n, "paid_hours"),
            deductions: Vec::new(),
            origin: self.origin(n),
        };
        for d in self.tables(n, "deduction") {
            self.check_keys(&d, &["name", "hours", "pct"]);
            if let Some(amount) = self.amount(&d, "hours") {
                wt.deductions.push(Item {
                    name: self.req_string(&d, "name").unwrap_or_default(),
                    amount,
                    base: PctBase::Salary,
                    origin: self.origin(&d),
                });
            }
        }
        for d in &mut wt.deductions {
            inherit_status(&mut d.origin, &wt.origin);
        }
        wt
    }

    /// `fixed_key = …` or `pct = …`, exactly one of them.
    fn amount(&mut self, n: &Node, fixed_key: &str) -> Option<Amount> {
        match (n.t.contains_key(fixed_key), n.t.contains_key("pct")) {
            (true, true) => {
                let pos = self.key_pos(n, "pct");
                self.problem(
                    Code::Conflict,
                    pos,
                    format!("both `{fixed_key}` and `pct` given; expected one of them"),
                );
                None
            }
            (true, false) => self.dec(n, fixed_key).map(Amount::Fixed),
            (false, true) => self.dec(n, "pct").map(Amount::Pct),
            (false, false) => {
                let pos = Pos {
                    field: Self::field(n, fixed_key).into(),
                    ..n.pos.clone()
                };
                self.problem(
                    Code::Missing,
                    pos,
                    format!(
                        "[{}] has neither `{fixed_key}` nor `pct`; expected one of them",
                        n.path
                    ),
                );
                None
            }
        }
    }

    fn band(&mut self, n: &Node) -> Option<Band> {
        self.check_keys(n, &["id", "name", "supplement_pct", "days", "from", "to"]);
        let id = self.req_string(n, "id");
        let name = self.string(n, "name");
        let supplement_pct = self.dec(n, "supplement_pct").unwrap_or_default();
        let window = self.band_window(n);
        let origin = self.origin(n);
        let id = id?;
        Some(Band {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            supplement_pct,
            window,
            origin,
        })
    }

    /// A band's clock window: `days` (a string or a list of strings such as
    /// "mon-fri" or ["sat", "sun", "hol"]), `from` and `to` ("HH:MM"); all
    /// three or none.
    fn band_window(&mut self, n: &Node) -> Option<takst_core::clock::Window> {
        let given: Vec<&str> = ["days", "from", "to"]
            .into_iter()
            .filter(|k| n.t.contains_key(k))
            .collect();
        if given.is_empty() {
            return None;
        }
        if given.len() < 3 {
            let missing: Vec<&str> = ["days", "from", "to"]
                .into_iter()
                .filter(|k| !given.contains(k))
                .collect();
            let pos = self.key_pos(n, given[0]);
            self.problem(
                Code::Missing,
                pos,
                format!(
                    "a band's clock window needs `days`, `from` and `to`; `{}` is missing",
                    missing.join("`, `")
                ),
            );
            return None;
        }
        let days: Vec<String> = match self.value(n, "days") {
            Some(Value::String(s)) => vec![s.value().clone()],
            Some(Value::Array(a)) if a.iter().all(|v| v.as_str().is_some()) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => {
                self.wrong_type(
                    n,
                    "days",
                    "a string like \"mon-fri\" or a list like [\"sat\", \"sun\", \"hol\"]",
                );
                return None;
            }
        };
        let (from, to) = (self.string(n, "from")?, self.string(n, "to")?);
        let day_refs: Vec<&str> = days.iter().map(String::as_str).collect();
        let checks = [
            ("days", takst_core::clock::parse_days(&day_refs).map(|_| ())),
            ("from", takst_core::clock::parse_hhmm(&from).map(|_| ())),
            ("to", takst_core::clock::parse_hhmm(&to).map(|_| ())),
        ];
        for (key, r) in checks {
            if let Err(e) = r {
                let pos = self.key_pos(n, key);
                self.problem(Code::WrongType, pos, e.to_string());
                return None;
            }
        }
        match takst_core::clock::Window::parse(&day_refs, &from, &to) {
            Ok(w) => Some(w),
            Err(e) => {
                let pos = self.key_pos(n, "from");
                self.problem(Code::OutOfRange, pos, e.to_string());
                None
            }
        }
    }

    fn staff(&mut self, n: &Node) -> Option<Staff> {
        self.check_keys(
            n,
            &[
                "id",
                "name",
                "monthly_salary",
                "annual_salary",
                "hourly_rate",
                "pension_pct",
                "supplement_pension_pct",
                "direct_share",
                "net_hours",
                "oncost",
                "per_fte",
            ],
        );
        let id = self.req_string(n, "id");
        let name = self.string(n, "name");
        let pay_keys: Vec<&str> = ["monthly_salary", "annual_salary", "hourly_rate"]
            .into_iter()
            .filter(|k| n.t.contains_key(k))
            .collect();
        let pay = match pay_keys.as_slice() {
            ["monthly_salary"] => self.dec(n, "monthly_salary").map(Pay::Monthly),
            ["annual_salary"] => self.dec(n, "annual_salary").map(Pay::Annual),
            ["hourly_rate"] => self.dec(n, "hourly_rate").map(Pay::HourlyRate),
            [_] => None,
            [] => {
                let pos = Pos {
                    field: Self::field(n, "monthly_salary").into(),
                    ..n.pos.clone()
                };
                self.problem(
                    Code::Missing,
                    pos,
                    "staff category has no pay; expected one of monthly_salary, annual_salary, hourly_rate",
                );
                None
            }
            [_, second, ..] => {
                let pos = self.key_pos(n, second);
                self.problem(
                    Code::Conflict,
                    pos,
                    format!("both `{}` and `{second}` given; expected exactly one of monthly_salary, annual_salary, hourly_rate", pay_keys[0]),
                );
                None
            }
        };
        let pension_pct = self.dec(n, "pension_pct").unwrap_or_default();
        let supplement_pension_pct = self.dec(n, "supplement_pension_pct").unwrap_or_default();
        let direct_share = self.dec(n, "direct_share").unwrap_or(Decimal::ONE);
        let net_hours = self.dec(n, "net_hours");
        let mut oncost = Vec::new();
        for o in self.tables(n, "oncost") {
            self.check_keys(&o, &["name", "amount", "pct"]);
            let name = self.req_string(&o, "name").unwrap_or_default();
            if let Some(amount) = self.amount(&o, "amount") {
                oncost.push(Item {
                    name,
                    amount,
                    base: PctBase::Salary,
                    origin: self.origin(&o),
                });
            }
        }
        let mut per_fte = Vec::new();
        for o in self.tables(n, "per_fte") {
            self.check_keys(&o, &["name", "amount", "pct", "base"]);
            let name = self.req_string(&o, "name").unwrap_or_default();
            let base = if o.t.contains_key("base") {
                self.choice(
                    &o,
                    "base",
                    &[("salary", PctBase::Salary), ("pay", PctBase::Pay)],
                )
                .unwrap_or_default()
            } else {
                PctBase::Salary
            };
            if let Some(amount) = self.amount(&o, "amount") {
                per_fte.push(Item {
                    name,
                    amount,
                    base,
                    origin: self.origin(&o),
                });
            }
        }
        let origin = self.origin(n);
        for it in oncost.iter_mut().chain(per_fte.iter_mut()) {
            inherit_status(&mut it.origin, &origin);
        }
        let id = id?;
        Some(Staff {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            pay: pay?,
            pension_pct,
            supplement_pension_pct,
            direct_share,
            net_hours,
            oncost,
            per_fte,
            origin,
        })
    }

    fn overhead_method(&mut self, n: &Node) -> Option<OverheadMethod> {
        if !n.t.contains_key("method") {
            return None;
        }
        self.choice(
            n,
            "method",
            &[
                ("markup", OverheadMethod::Markup),
                ("share", OverheadMethod::Share),
            ],
        )
    }

    fn tilbud(&mut self, n: &Node) -> Option<Tilbud> {
        self.check_keys(
            n,
            &[
                "id",
                "name",
                "paragraph",
                "places",
                "occupancy_pct",
                "settlement",
                "carry_pct",
                "limits",
                "overhead",
                "shared",
                "cost",
            ],
        );
        let id = self.req_string(n, "id");
        let name = self.string(n, "name");
        let paragraph = self.string(n, "paragraph");
        let places = self.req_dec(n, "places");
        let occupancy_pct = self.dec(n, "occupancy_pct").unwrap_or(Decimal::ONE_HUNDRED);
        let settlement = self.dec(n, "settlement").unwrap_or_default();
        let carry_pct = self.dec(n, "carry_pct");
        let limit_base = self.sub(n, "limits").and_then(|l| {
            self.check_keys(&l, &["cost_per_place_day"]);
            let _ = self.origin(&l);
            self.req_dec(&l, "cost_per_place_day")
        });
        let overhead = match self.sub(n, "overhead") {
            Some(o) => {
                self.check_keys(&o, &["pct", "method", "include_capital"]);
                OverheadOverride {
                    pct: self.dec(&o, "pct"),
                    method: self.overhead_method(&o),
                    include_capital: self.boolean(&o, "include_capital"),
                    origin: Some(self.origin(&o)),
                }
            }
            None => OverheadOverride::default(),
        };
        let mut shared = Vec::new();
        for s in self.tables(n, "shared") {
            self.check_keys(&s, &["name", "staff", "band", "hours_per_week"]);
            let name = self.req_string(&s, "name").unwrap_or_default();
            let staff = self.reference(&s, "staff");
            let band = self.reference(&s, "band");
            let hours = self.req_dec(&s, "hours_per_week");
            let origin = self.origin(&s);
            if let (Some(staff), Some(band), Some(hours_per_week)) = (staff, band, hours) {
                shared.push(Shared {
                    name,
                    staff,
                    band,
                    hours_per_week,
                    origin,
                });
            }
        }
        let mut costs = Vec::new();
        for c in self.tables(n, "cost") {
            self.check_keys(&c, &["name", "kind", "amount"]);
            let name = self.req_string(&c, "name").unwrap_or_default();
            let kind = if c.t.contains_key("kind") {
                self.choice(
                    &c,
                    "kind",
                    &[
                        ("other", CostKind::Other),
                        ("capital", CostKind::Capital),
                        ("income", CostKind::Income),
                    ],
                )
            } else {
                self.missing(&c, "kind");
                None
            };
            let amount = self.req_dec(&c, "amount");
            let origin = self.origin(&c);
            if let (Some(kind), Some(amount)) = (kind, amount) {
                costs.push(Cost {
                    name,
                    kind,
                    amount,
                    origin,
                });
            }
        }
        let origin = self.origin(n);
        let mut overhead = overhead;
        if let Some(o) = &mut overhead.origin {
            inherit_status(o, &origin);
        }
        for sh in &mut shared {
            inherit_status(&mut sh.origin, &origin);
        }
        for c in &mut costs {
            inherit_status(&mut c.origin, &origin);
        }
        let id = id?;
        Some(Tilbud {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            paragraph,
            places: places?,
            occupancy_pct,
            settlement,
            carry_pct,
            limit_base,
            overhead,
            shared,
            costs,
            origin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn floats_are_read_from_their_text() {
        let (m, p) = read_model(
            "t.toml",
            "[[band]]\nid = \"a\"\nsupplement_pct = 15.1\n[[band]]\nid = \"b\"\nsupplement_pct = \"32.50\"\n",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(m.bands[0].supplement_pct, d("15.1"));
        assert_eq!(m.bands[1].supplement_pct, d("32.50"));
        assert_eq!(m.bands[0].origin.pos.line, 1);
        assert_eq!(m.bands[1].origin.line_of("supplement_pct"), 6);
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let src = "[model]\nnmae = \"x\"\n[[staff]]\nid = \"p\"\nmonthly_salary = \"3x\"\n[overhead]\npct = 6\nmethod = \"plus\"\n";
        let (_, p) = read_model("t.toml", src);
        let got: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].starts_with("t.toml:2:1: model.nmae: unknown key `nmae` in [model]"),
            "{}",
            got[0]
        );
        assert!(
            got[1].starts_with("t.toml:5:18: staff.monthly_salary: found `\"3x\"`"),
            "{}",
            got[1]
        );
        assert!(got[2].starts_with("t.toml:8:1: overhead.method: found \"plus\", expected one of \"markup\", \"share\""), "{}", got[2]);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let (_, p) = read_model("t.toml", "[model\nname = 1\n");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, Code::Syntax);
        assert_eq!(p[0].pos.line, 1);
    }
}
