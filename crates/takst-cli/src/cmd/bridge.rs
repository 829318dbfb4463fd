//! `takst bridge OLD NEW`: why each grundtakst and each agreement's tariff
//! moved from one model to another, one step per input group
//! (`takst_core::bridge`), plus agreements and tilbud added or ended, and
//! the catch-up per citizen when the old model rested on provisional or
//! forecast values.
//!
//! Responsible for: loading both models, display rounding of the steps
//! (largest remainder, so that the shown steps add up to the shown change)
//! and the three output forms. Not responsible for: the waterfall itself.

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use takst_core::bridge::{bridge, Bridge, CatchUp, Figure, Single};
use takst_core::model::{Model, Status};
use takst_core::num::allocate;

use super::{CmdResult, Output};
use crate::danish::format_da;
use crate::load;
use crate::render::{col, Cell, Format, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old model directory.
    pub old: PathBuf,
    /// The new model directory.
    pub new: PathBuf,
    /// Output format; default: a table on a terminal, CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE (atomically: complete or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// In CSV and JSON, print figures at full precision instead of 0.01.
    #[arg(long)]
    pub exact: bool,
    /// Print the catch-up per citizen (efterregulering of the year) instead
    /// of the steps.
    #[arg(long)]
    pub catch_up: bool,
    /// Also list steps whose change is zero.
    #[arg(long)]
    pub all_steps: bool,
}

/// The CSV columns of the steps.
pub const COLUMNS: &[crate::render::Column] = &[
    col("kind", "art"),
    col("id", "id"),
    col("step", "trin"),
    col("from", "fra"),
    col("to", "til"),
    col("change", "ændring"),
];

/// The CSV columns of `--catch-up`.
pub const CATCH_UP_COLUMNS: &[crate::render::Column] = &[
    col("citizen", "borger"),
    col("municipality", "betalingskommune"),
    col("agreements", "aftaler"),
    col("days", "dage"),
    col("catch_up", "efterregulering"),
];

/// How a figure is shown: rounded to 0.01 (half by the model's mode) or exact.
struct Show {
    exact: bool,
    mode: takst_core::num::RoundingMode,
}

impl Show {
    fn amt(&self, d: Decimal) -> Decimal {
        if self.exact {
            return d.normalize();
        }
        let mut r = d.round_dp_with_strategy(
            2,
            match self.mode {
                takst_core::num::RoundingMode::HalfUp => {
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero
                }
                takst_core::num::RoundingMode::HalfEven => {
                    rust_decimal::RoundingStrategy::MidpointNearestEven
                }
            },
        );
        r.rescale(2);
        r
    }
}

/// One shown step: key, label, displayed change, running value after it.
struct Shown {
    key: String,
    label: String,
    change: Decimal,
    to: Decimal,
}

/// The steps of `f` to show, with changes allocated so that they add up
/// to the shown new − shown old.
fn shown_steps(f: &Figure, show: &Show, all: bool) -> Vec<Shown> {
    let steps: Vec<_> = f
        .steps
        .iter()
        .filter(|s| all || !s.change.is_zero())
        .collect();
    let (from, to) = (show.amt(f.old), show.amt(f.new));
    let parts: Vec<Decimal> = steps.iter().map(|s| s.change).collect();
    let changes: Vec<Decimal> = if show.exact {
        parts.iter().map(|d| d.normalize()).collect()
    } else {
        allocate(&parts, to - from, 2, show.mode)
            .into_iter()
            .map(|mut d| {
                d.rescale(2);
                d
            })
            .collect()
    };
    let mut running = from;
    steps
        .iter()
        .zip(changes)
        .map(|(s, c)| {
            running += c;
            Shown {
                key: s.key.clone(),
                label: s.label.clone(),
                change: c,
                to: running,
            }
        })
        .collect()
}

/// Catch-up summed per citizen and paying municipality, in first-seen order.
struct CitizenCatchUp {
    citizen: String,
    municipality: String,
    agreements: Vec<String>,
    days: i64,
    amount: Decimal,
}

fn per_citizen(items: &[CatchUp]) -> Vec<CitizenCatchUp> {
    let mut out: Vec<CitizenCatchUp> = Vec::new();
    for c in items {
        match out
            .iter_mut()
            .find(|o| o.citizen == c.citizen && o.municipality == c.municipality)
        {
            Some(o) => {
                o.agreements.push(c.agreement.clone());
                o.days += c.days;
                o.amount += c.amount;
            }
            None => out.push(CitizenCatchUp {
                citizen: c.citizen.clone(),
                municipality: c.municipality.clone(),
                agreements: vec![c.agreement.clone()],
                days: c.days,
                amount: c.amount,
            }),
        }
    }
    out
}

pub fn run(a: &Args) -> CmdResult {
    let old = load::load(&a.old, load::scope_for(&a.old))?;
    let new = load::load(&a.new, load::scope_for(&a.new))?;
    let b = bridge(&old, &new)?;
    let format = super::default_format(a.format, a.out.is_some());
    let show = Show {
        exact: a.exact && format != Format::Table,
        mode: new.rounding.mode,
    };
    let provisional = old.least_final_status() != Status::Agreed;
    let mut notes = Vec::new();
    if provisional && !a.catch_up && format != Format::Table {
        notes.push(format!(
            "bemærk: den gamle model hviler på {} værdier; --catch-up viser efterreguleringen pr. borger",
            status_words(old.least_final_status())
        ));
    }
    let text = if a.catch_up {
        catch_up_table(&b, &show).render(format)
    } else {
        match format {
            Format::Table => render_text(&old, &new, &b, &show, a.all_steps, provisional),
            Format::Csv => steps_table(&b, &show, a.all_steps).to_csv(),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&to_json(a, &old, &new, &b, &show))
                    .unwrap_or_default();
                s.push('\n');
                s
            }
        }
    };
    Ok(Output {
        text,
        notes,
        fail: false,
    })
}

fn status_words(s: Status) -> &'static str {
    match s {
        Status::Agreed => "aftalte",
        Status::Provisional => "foreløbige",
        Status::Forecast => "prognose-",
    }
}

fn steps_table(b: &Bridge, show: &Show, all: bool) -> Table {
    let mut t = Table::new(COLUMNS);
    for f in &b.figures {
        let mut from = show.amt(f.old);
        for s in shown_steps(f, show, all) {
            t.push(vec![
                Cell::text(f.kind.as_str()),
                Cell::text(&f.id),
                Cell::text(&s.key),
                Cell::Num(from),
                Cell::Num(s.to),
                Cell::Num(s.change),
            ]);
            from = s.to;
        }
        let (o, n) = (show.amt(f.old), show.amt(f.new));
        t.push(vec![
            Cell::text(f.kind.as_str()),
            Cell::text(&f.id),
            Cell::text("total"),
            Cell::Num(o),
            Cell::Num(n),
            Cell::Num(n - o),
        ]);
    }
    let single = |t: &mut Table, s: &Single, step: &str, added: bool| {
        let v = Cell::Num(show.amt(s.value));
        t.push(vec![
            Cell::text(s.kind.as_str()),
            Cell::text(&s.id),
            Cell::text(step),
            if added { Cell::Empty } else { v.clone() },
            if added { v } else { Cell::Empty },
            Cell::Empty,
        ]);
    };
    for s in &b.added {
        single(&mut t, s, "added", true);
    }
    for s in &b.ended {
        single(&mut t, s, "ended", false);
    }
    t
}

fn catch_up_table(b: &Bridge, show: &Show) -> Table {
    let mut t = Table::new(CATCH_UP_COLUMNS);
    for c in per_citizen(&b.catch_up) {
        t.push(vec![
            Cell::text(&c.citizen),
            Cell::text(&c.municipality),
            Cell::text(c.agreements.join("+")),
            Cell::Num(Decimal::from(c.days)),
            Cell::Num(show.amt(c.amount)),
        ]);
    }
    t
}

fn num(d: Decimal) -> Value {
    crate::render::cell_json(&Cell::Num(d))
}

fn model_json(dir: &std::path::Path, m: &Model) -> Value {
    json!({
        "dir": dir.display().to_string(),
        "name": m.name,
        "year": m.year,
        "status": m.least_final_status().as_str(),
    })
}

fn to_json(a: &Args, old: &Model, new: &Model, b: &Bridge, show: &Show) -> Value {
    let all = a.all_steps;
    let figures: Vec<Value> = b
        .figures
        .iter()
        .map(|f| {
            let (o, n) = (show.amt(f.old), show.amt(f.new));
            let steps: Vec<Value> = shown_steps(f, show, all)
                .into_iter()
                .map(|s| json!({"step": s.key, "label": s.label, "change": num(s.change), "to": num(s.to)}))
                .collect();
            json!({
                "kind": f.kind.as_str(),
                "id": f.id,
                "label": f.label,
                "old": num(o),
                "new": num(n),
                "change": num(n - o),
                "old_exact": num(f.old_exact.normalize()),
                "new_exact": num(f.new_exact.normalize()),
                "steps": steps,
            })
        })
        .collect();
    let singles = |v: &[Single]| -> Vec<Value> {
        v.iter()
            .map(|s| json!({"kind": s.kind.as_str(), "id": s.id, "label": s.label, "value": num(show.amt(s.value))}))
            .collect()
    };
    let catch_up: Vec<Value> = per_citizen(&b.catch_up)
        .into_iter()
        .map(|c| {
            json!({
                "citizen": c.citizen,
                "municipality": c.municipality,
                "agreements": c.agreements,
                "days": c.days,
                "catch_up": num(show.amt(c.amount)),
            })
        })
        .collect();
    json!({
        "old": model_json(&a.old, old),
        "new": model_json(&a.new, new),
        "groups": b.groups.iter().map(|g| json!({"step": g.key, "label": g.label})).collect::<Vec<_>>(),
        "figures": figures,
        "added": singles(&b.added),
        "ended": singles(&b.ended),
        "year": b.year,
        "catch_up": catch_up,
    })
}

/// A label with the id in parentheses, unless the label already names it.
fn titled(label: &str, id: &str) -> String {
    if label.ends_with(id) {
        label.to_string()
    } else {
        format!("{label} ({id})")
    }
}

/// A signed amount for people: `+38,21`, `-1,50`, `0,00`.
fn signed(d: Decimal) -> String {
    let s = format_da(d, 2);
    if d > Decimal::ZERO && s != "0,00" {
        format!("+{s}")
    } else {
        s
    }
}

fn render_text(
    old: &Model,
    new: &Model,
    b: &Bridge,
    show: &Show,
    all: bool,
    provisional: bool,
) -> String {
    let mut out = String::new();
    let name = |m: &Model| match m.year {
        Some(y) if !m.name.contains(&y.to_string()) => format!("{} ({y})", m.name),
        _ => m.name.clone(),
    };
    out.push_str(&format!("Takstbro: {} → {}\n", name(old), name(new)));
    out.push_str("Hvert trin skifter én gruppe af input fra den gamle til den nye model.\n");
    for f in &b.figures {
        let (o, n) = (show.amt(f.old), show.amt(f.new));
        out.push('\n');
        let title = titled(&f.label, &f.id);
        if f.old == f.new && f.steps.iter().all(|s| s.change.is_zero()) {
            out.push_str(&format!("{title}: {} kr./dag, uændret\n", format_da(o, 2)));
            continue;
        }
        out.push_str(&format!(
            "{title}: {} → {} kr./dag, ændring {}\n",
            format_da(o, 2),
            format_da(n, 2),
            signed(n - o)
        ));
        let steps = shown_steps(f, show, all);
        let lw = steps
            .iter()
            .map(|s| s.label.chars().count())
            .max()
            .unwrap_or(0);
        let cw = steps
            .iter()
            .map(|s| signed(s.change).chars().count())
            .max()
            .unwrap_or(0);
        let k = steps.len();
        for (i, s) in steps.iter().enumerate() {
            let branch = if i + 1 == k { "└─" } else { "├─" };
            let c = signed(s.change);
            out.push_str(&format!(
                "{branch} {}{}  {}{}  → {}\n",
                s.label,
                " ".repeat(lw - s.label.chars().count()),
                " ".repeat(cw - c.chars().count()),
                c,
                format_da(s.to, 2)
            ));
        }
    }
    let list = |title: &str, v: &[Single], out: &mut String| {
        if v.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title}\n"));
        for s in v {
            out.push_str(&format!(
                "  {}: {} kr./dag\n",
                titled(&s.label, &s.id),
                format_da(show.amt(s.value), 2)
            ));
        }
    };
    list("Kun i den nye model (tilføjet):", &b.added, &mut out);
    list("Kun i den gamle model (ophørt):", &b.ended, &mut out);
    if provisional {
        out.push('\n');
        match b.year {
            Some(y) => {
                out.push_str(&format!(
                    "Den gamle model hviler på {} værdier. Efterregulering pr. borger for {y}\n(ændring pr. dag × dage i kraft i {y}; + betales ekstra, − betales tilbage):\n",
                    status_words(old.least_final_status())
                ));
                out.push_str(&catch_up_table(b, show).to_text());
            }
            None => out.push_str(
                "Den gamle model hviler på foreløbige værdier, men ingen af modellerne har et år (model.year): efterreguleringen kan ikke beregnes.\n",
            ),
        }
    }
    out
}
