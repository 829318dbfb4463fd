//! `takst index MODEL --to-year Y --wage-pct W --price-pct P --out DIR`:
//! write next year's model, with pay indexed by the wage index and other
//! costs and income by the price index.
//!
//! Responsible for: editing takst.toml in place of its values, keeping its
//! comments and layout (toml_edit), annotating every changed table with a
//! `source` naming the index, checking the result as `takst check` would,
//! and writing the new model directory whole or not at all. Not
//! responsible for: what else changes between years (settlement, places,
//! occupancy, need lines are left as they are and must be set by hand).
//!
//! What is indexed (docs/MODEL.md, "Indexation"):
//! * by the wage index: `monthly_salary`, `annual_salary`, `hourly_rate`,
//!   and the fixed `amount` of on-cost and per-FTE items;
//! * by the price index: costs of kind "other" and "income";
//! * by `--capital-pct` only: costs of kind "capital".
//!
//! Percentages (pension, supplements, overhead, percentage items) are not
//! indexed: they follow their base. Every indexed amount is rounded to øre
//! (0.01) with the model's `rounding.mode`.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use takst_core::calc::Engine;
use takst_core::model::{Amount, CostKind, Model, Pay};
use takst_core::num::{round_to, Checked};
use takst_core::text::{parse_decimal, DecimalStyle};
use takst_core::validate::validate;
use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::{CmdResult, Failure, Output};
use crate::danish::format_da;
use crate::load::{self, Scope};
use crate::render::{col, Cell, Format, Table};

/// A status to mark the indexed values with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mark {
    Provisional,
    Forecast,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model directory to index from.
    #[arg(default_value = ".")]
    pub model: PathBuf,
    /// The tariff year of the new model.
    #[arg(long, value_name = "YEAR")]
    pub to_year: i16,
    /// Wage index in percent (3.2 or 3,2): salaries and salary-linked amounts.
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub wage_pct: String,
    /// Price index in percent: other costs and income.
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub price_pct: String,
    /// Index capital costs by this percentage (default: untouched).
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub capital_pct: Option<String>,
    /// Mark every indexed table with this `status`.
    #[arg(long, value_enum)]
    pub status: Option<Mark>,
    /// The new model directory; it must not exist.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Format of the list of changed values; default: a table on a terminal, CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// The columns of the list of changed values.
pub const COLUMNS: &[crate::render::Column] = &[
    col("table", "tabel"),
    col("id", "id"),
    col("key", "nøgle"),
    col("from", "fra"),
    col("to", "til"),
    col("index", "indeks"),
];

fn pct(flag: &str, s: &str) -> Result<Decimal, Failure> {
    let d = parse_decimal(s, DecimalStyle::Point)
        .or_else(|_| parse_decimal(s, DecimalStyle::Comma))
        .map_err(|e| Failure::Usage(format!("--{flag}: found `{s}`: {e}")))?;
    if d <= -Decimal::ONE_HUNDRED {
        return Err(Failure::Usage(format!(
            "--{flag}: found {d}, expected a percentage above -100"
        )));
    }
    Ok(d)
}

/// One index: its factor's percentage and the words of its `source` line.
struct Index {
    pct: Decimal,
    /// "løn 3,2 %"
    words: String,
}

impl Index {
    fn new(word: &str, pct: Decimal) -> Index {
        Index {
            pct,
            words: format!("{word} {} %", format_da(pct, pct.normalize().scale())),
        }
    }
}

/// The edit in progress: the document, the changes made, and the context.
struct Editor {
    from_year: String,
    mode: takst_core::num::RoundingMode,
    mark: Option<Mark>,
    /// table, id, key, from, to, index
    changes: Vec<[String; 6]>,
}

impl Editor {
    /// `x` indexed by `pct` and rounded to øre.
    fn indexed(&self, x: Decimal, pct: Decimal) -> Result<Decimal, Failure> {
        x.mul_(Decimal::ONE_HUNDRED + pct, "indexed amount")
            .and_then(|y| y.div_(Decimal::ONE_HUNDRED, "indexed amount", "100"))
            .and_then(|y| round_to(y, Decimal::new(1, 2), self.mode))
            .map(|y| y.normalize())
            .map_err(|e| Failure::Usage(e.to_string()))
    }

    /// Set `key` of `t` to `x` indexed, keeping the value's kind (string
    /// or number) and its comments, and record the change.
    fn set(
        &mut self,
        t: &mut dyn TableLike,
        what: (&str, &str),
        key: &str,
        x: Decimal,
        ix: &Index,
    ) -> Result<(), Failure> {
        let new = self.indexed(x, ix.pct)?;
        let Some(Item::Value(old)) = t.get_mut(key) else {
            return Ok(());
        };
        let text = new.to_string();
        let mut v: Value = if old.is_str() {
            Value::from(text.as_str())
        } else {
            text.parse::<Value>()
                .map_err(|e| Failure::Usage(format!("cannot write {text}: {e}")))?
        };
        *v.decor_mut() = old.decor().clone();
        *old = v;
        self.changes.push([
            what.0.to_string(),
            what.1.to_string(),
            key.to_string(),
            x.normalize().to_string(),
            text,
            ix.words.clone(),
        ]);
        Ok(())
    }

    /// Add "fremskrevet fra YEAR med INDEX" to the table's `source`, and
    /// the status if asked.
    fn annotate(&self, t: &mut dyn TableLike, ix: &Index) {
        let line = format!("fremskrevet fra {} med {}", self.from_year, ix.words);
        let source = match t.get("source").and_then(|i| i.as_str()) {
            Some(s) if !s.is_empty() => format!("{s}; {line}"),
            _ => {
                let mut c = line.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        };
        set_string(t, "source", &source);
        if let Some(m) = self.mark {
            let s = match m {
                Mark::Provisional => "provisional",
                Mark::Forecast => "forecast",
            };
            set_string(t, "status", s);
        }
    }
}

/// Set a string key, keeping the decor of an existing value.
fn set_string(t: &mut dyn TableLike, key: &str, s: &str) {
    match t.get_mut(key) {
        Some(Item::Value(old)) => {
            let mut v = Value::from(s);
            *v.decor_mut() = old.decor().clone();
            *old = v;
        }
        _ => {
            t.insert(key, Item::Value(Value::from(s)));
        }
    }
}

/// The tables of an array of tables, or of an array of inline tables.
fn tables_mut(item: Option<&mut Item>) -> Vec<&mut dyn TableLike> {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter_mut().map(|t| t as &mut dyn TableLike).collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter_mut()
            .filter_map(|v| v.as_inline_table_mut())
            .map(|t| t as &mut dyn TableLike)
            .collect(),
        _ => Vec::new(),
    }
}

pub fn run(a: &Args) -> CmdResult {
    let wage = pct("wage-pct", &a.wage_pct)?;
    let price = pct("price-pct", &a.price_pct)?;
    let capital = match &a.capital_pct {
        Some(s) => Some(pct("capital-pct", s)?),
        None => None,
    };
    if a.out.exists() {
        return Err(Failure::Usage(format!(
            "--out {}: already exists; expected a new directory (takst index never overwrites a model)",
            a.out.display()
        )));
    }
    let scope = load::scope_for(&a.model);
    let model = load::load(&a.model, scope)?;
    Engine::new(&model)?;
    let toml_path = a.model.join("takst.toml");
    let src = std::fs::read_to_string(&toml_path).map_err(|e| {
        Failure::Usage(format!(
            "{}: cannot read the file: {}",
            toml_path.display(),
            crate::util::io_reason(&e)
        ))
    })?;
    let mut doc: DocumentMut = src
        .parse()
        .map_err(|e| Failure::Usage(format!("{}: {e}", toml_path.display())))?;
    let from_year = model
        .year
        .unwrap_or(a.to_year.saturating_sub(1))
        .to_string();
    let mut ed = Editor {
        from_year: from_year.clone(),
        mode: model.rounding.mode,
        mark: a.status,
        changes: Vec::new(),
    };
    let wage_ix = Index::new("løn", wage);
    let price_ix = Index::new("priser", price);
    let capital_ix = capital.map(|c| Index::new("kapital", c));

    edit_model_table(&mut doc, &model, a.to_year, &from_year, &mut ed);
    edit_staff(&mut doc, &model, &wage_ix, &mut ed)?;
    edit_costs(&mut doc, &model, &price_ix, capital_ix.as_ref(), &mut ed)?;
    edit_limits(&mut doc, a.to_year, price, &mut ed);

    let text = doc.to_string();
    let new_toml = a.out.join("takst.toml");
    check(&new_toml, &text, &model, scope)?;
    write_dir(&a.model, &a.out, &text, scope)?;

    let mut t = Table::new(COLUMNS);
    for c in &ed.changes {
        let n = |s: &str| match s.parse::<Decimal>() {
            Ok(d) if c[2] != "year" => Cell::Num(d),
            _ => Cell::text(s),
        };
        t.push(vec![
            Cell::text(&c[0]),
            Cell::text(&c[1]),
            Cell::text(&c[2]),
            n(&c[3]),
            n(&c[4]),
            Cell::text(&c[5]),
        ]);
    }
    let format = super::default_format(a.format, false);
    let mut notes = vec![format!(
        "skrevet: {} (takster {}, {} værdier fremskrevet); efterregulering, pladser, belægning og støttebehov er uændrede og skal sættes for {}",
        a.out.display(),
        a.to_year,
        ed.changes.len(),
        a.to_year
    )];
    if capital.is_none() {
        notes.push("kapitalomkostninger er ikke fremskrevet (--capital-pct)".into());
    }
    Ok(Output {
        text: t.render(format),
        notes,
        fail: false,
    })
}

fn edit_model_table(
    doc: &mut DocumentMut,
    model: &Model,
    to_year: i16,
    from: &str,
    ed: &mut Editor,
) {
    if !doc.contains_key("model") {
        doc.insert("model", Item::Table(toml_edit::Table::new()));
    }
    let Some(t) = doc.get_mut("model").and_then(|i| i.as_table_like_mut()) else {
        return;
    };
    let old_year = model.year.map(|y| y.to_string()).unwrap_or_default();
    match t.get_mut("year") {
        Some(Item::Value(v)) => {
            let mut n = Value::from(i64::from(to_year));
            *n.decor_mut() = v.decor().clone();
            *v = n;
        }
        _ => {
            t.insert("year", Item::Value(Value::from(i64::from(to_year))));
        }
    }
    ed.changes.push([
        "model".into(),
        String::new(),
        "year".into(),
        old_year,
        to_year.to_string(),
        String::new(),
    ]);
    if model.name.contains(from) {
        let name = model.name.replace(from, &to_year.to_string());
        set_string(t, "name", &name);
    }
}

/// A model with `[limits.index]` needs an index for the new year: the
/// price percentage is entered unless the year is there already.
fn edit_limits(doc: &mut DocumentMut, to_year: i16, price: Decimal, ed: &mut Editor) {
    let Some(index) = doc
        .get_mut("limits")
        .and_then(|l| l.as_table_like_mut())
        .and_then(|l| l.get_mut("index"))
        .and_then(|i| i.as_table_like_mut())
    else {
        return;
    };
    let year = to_year.to_string();
    if index.contains_key(&year) {
        return;
    }
    index.insert(&year, Item::Value(Value::from(price.to_string())));
    ed.changes.push([
        "limits.index".into(),
        String::new(),
        year,
        String::new(),
        price.to_string(),
        "priser".into(),
    ]);
}

fn edit_staff(
    doc: &mut DocumentMut,
    model: &Model,
    ix: &Index,
    ed: &mut Editor,
) -> Result<(), Failure> {
    let tables = tables_mut(doc.get_mut("staff"));
    // The model was read without problems, so its staff are these tables, in order.
    for (t, s) in tables.into_iter().zip(&model.staff) {
        let (key, x) = match s.pay {
            Pay::Monthly(x) => ("monthly_salary", x),
            Pay::Annual(x) => ("annual_salary", x),
            Pay::HourlyRate(x) => ("hourly_rate", x),
        };
        ed.set(t, ("staff", &s.id), key, x, ix)?;
        ed.annotate(t, ix);
        for (sub, items) in [("oncost", &s.oncost), ("per_fte", &s.per_fte)] {
            let subs = tables_mut(t.get_mut(sub));
            for (st, it) in subs.into_iter().zip(items.iter()) {
                if let Amount::Fixed(x) = it.amount {
                    let what = format!("staff.{sub}");
                    let id = format!("{}: {}", s.id, it.name);
                    ed.set(st, (&what, &id), "amount", x, ix)?;
                    ed.annotate(st, ix);
                }
            }
        }
    }
    Ok(())
}

fn edit_costs(
    doc: &mut DocumentMut,
    model: &Model,
    price: &Index,
    capital: Option<&Index>,
    ed: &mut Editor,
) -> Result<(), Failure> {
    let tables = tables_mut(doc.get_mut("tilbud"));
    for (t, tb) in tables.into_iter().zip(&model.tilbud) {
        let costs = tables_mut(t.get_mut("cost"));
        for (ct, c) in costs.into_iter().zip(&tb.costs) {
            let ix = match c.kind {
                CostKind::Other | CostKind::Income => Some(price),
                CostKind::Capital => capital,
            };
            if let Some(ix) = ix {
                let id = format!("{}: {}", tb.id, c.name);
                ed.set(ct, ("tilbud.cost", &id), "amount", c.amount, ix)?;
                ed.annotate(ct, ix);
            }
        }
    }
    Ok(())
}

/// Check the new model as `takst check` would, before anything is written.
fn check(toml_name: &Path, text: &str, old: &Model, scope: Scope) -> Result<(), Failure> {
    let (mut m, mut problems) = load::toml::read_model(&toml_name.display().to_string(), text);
    m.agreements.clone_from(&old.agreements);
    m.needs.clone_from(&old.needs);
    if problems.is_empty() {
        problems = validate(&m);
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let e = Engine::new(&m)?;
    if scope == Scope::Agreements {
        e.tariffs()?;
    }
    Ok(())
}

/// Write the new model into a temporary directory beside `out`, then
/// rename it to `out`: the model appears whole or not at all.
fn write_dir(from: &Path, out: &Path, toml: &str, scope: Scope) -> Result<(), Failure> {
    let io = |what: &str, e: std::io::Error| {
        Failure::Usage(format!("{what}: {}", crate::util::io_reason(&e)))
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".takst-index-")
        .tempdir_in(parent)
        .map_err(|e| {
            io(
                &format!("{}: cannot create a temporary directory", parent.display()),
                e,
            )
        })?;
    std::fs::write(tmp.path().join("takst.toml"), toml)
        .map_err(|e| io("cannot write takst.toml", e))?;
    if scope == Scope::Agreements {
        for name in ["agreements.csv", "needs.csv"] {
            let src = from.join(name);
            if src.exists() {
                std::fs::copy(&src, tmp.path().join(name))
                    .map_err(|e| io(&format!("{}: cannot copy", src.display()), e))?;
            }
        }
    }
    for name in ["takst.toml", "agreements.csv", "needs.csv"] {
        let p = tmp.path().join(name);
        if p.exists() {
            std::fs::File::open(&p)
                .and_then(|f| f.sync_all())
                .map_err(|e| io(&format!("{}: cannot sync", p.display()), e))?;
        }
    }
    std::fs::rename(tmp.path(), out).map_err(|e| {
        io(
            &format!("{}: cannot create the model directory", out.display()),
            e,
        )
    })?;
    // The directory now lives at `out`; nothing is left to clean up.
    let _ = tmp.keep();
    Ok(())
}
