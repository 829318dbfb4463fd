//! The model's parameters as one table, each value with where it came
//! from: the "Parametre" sheet of every workbook.
//!
//! Responsible for: listing the input values of `takst.toml` (working
//! time, bands, staff categories, overhead, tilbud with their shared lines
//! and costs) with file:line, `source` and `note`. Not responsible for:
//! computed figures (the other sheets) or agreements (their own sheets).

use rust_decimal::Decimal;
use takst_core::model::{Amount, Model, Origin, Pay, PctBase};

use crate::render::{col, Cell, Column, Table};

pub const COLUMNS: &[Column] = &[
    col("section", "afsnit"),
    col("item", "post"),
    col("key", "nøgle"),
    col("value", "værdi"),
    col("at", "fil:linje"),
    col("source", "kilde"),
    col("note", "note"),
];

struct Rows(Table);

impl Rows {
    fn push(&mut self, section: &str, item: &str, key: &str, value: Cell, origin: &Origin) {
        let at = if origin.pos.file.is_empty() {
            String::new()
        } else if origin.has(key) || origin.pos.line > 0 {
            origin.cite(key)
        } else {
            origin.pos.file.to_string()
        };
        self.0.push(vec![
            Cell::text(section),
            Cell::text(item),
            Cell::text(key),
            value,
            Cell::text(at),
            Cell::text(origin.source.clone().unwrap_or_default()),
            Cell::text(origin.note.clone().unwrap_or_default()),
        ]);
    }

    fn num(&mut self, section: &str, item: &str, key: &str, v: Decimal, o: &Origin) {
        self.push(section, item, key, Cell::Num(v.normalize()), o);
    }

    fn text(&mut self, section: &str, item: &str, key: &str, v: &str, o: &Origin) {
        self.push(section, item, key, Cell::text(v), o);
    }

    fn amount(&mut self, section: &str, item: &str, a: Amount, o: &Origin) {
        match a {
            Amount::Fixed(v) => self.num(section, item, "amount", v, o),
            Amount::Pct(v) => self.num(section, item, "pct", v, o),
        }
    }
}

/// Every parameter of `model` with its origin.
pub fn table(model: &Model) -> Table {
    let mut r = Rows(Table::new(COLUMNS));
    let o = &model.origin;
    r.text("model", &model.name, "name", &model.name, o);
    if let Some(y) = model.year {
        r.num("model", &model.name, "year", Decimal::from(y), o);
    }
    r.num(
        "model",
        &model.name,
        "days_per_year",
        model.days_per_year,
        o,
    );
    let rd = &model.rounding;
    r.text("rounding", "", "tariff", &rd.tariff.to_string(), o);
    r.text("rounding", "", "rate", &rd.rate.to_string(), o);
    r.text("rounding", "", "mode", rd.mode.as_str(), o);

    let wt = &model.working_time;
    r.num(
        "working_time",
        "",
        "gross_hours",
        wt.gross_hours,
        &wt.origin,
    );
    r.num(
        "working_time",
        "",
        "paid_hours",
        wt.paid_hours.unwrap_or(wt.gross_hours),
        &wt.origin,
    );
    for d in &wt.deductions {
        let key = match d.amount {
            Amount::Fixed(_) => "hours",
            Amount::Pct(_) => "pct",
        };
        let v = match d.amount {
            Amount::Fixed(v) | Amount::Pct(v) => v,
        };
        r.num("working_time.deduction", &d.name, key, v, &d.origin);
    }
    for b in &model.bands {
        r.num(
            "band",
            &b.name,
            "supplement_pct",
            b.supplement_pct,
            &b.origin,
        );
    }
    for s in &model.staff {
        let name = &s.name;
        match s.pay {
            Pay::Monthly(v) => r.num("staff", name, "monthly_salary", v, &s.origin),
            Pay::Annual(v) => r.num("staff", name, "annual_salary", v, &s.origin),
            Pay::HourlyRate(v) => r.num("staff", name, "hourly_rate", v, &s.origin),
        }
        r.num("staff", name, "pension_pct", s.pension_pct, &s.origin);
        r.num(
            "staff",
            name,
            "supplement_pension_pct",
            s.supplement_pension_pct,
            &s.origin,
        );
        r.num("staff", name, "direct_share", s.direct_share, &s.origin);
        if let Some(n) = s.net_hours {
            r.num("staff", name, "net_hours", n, &s.origin);
        }
        for it in &s.oncost {
            r.amount(
                "staff.oncost",
                &format!("{name}: {}", it.name),
                it.amount,
                &it.origin,
            );
        }
        for it in &s.per_fte {
            let item = match (it.amount, it.base) {
                (Amount::Pct(_), PctBase::Pay) => format!("{name}: {} (af lønsum)", it.name),
                _ => format!("{name}: {}", it.name),
            };
            r.amount("staff.per_fte", &item, it.amount, &it.origin);
        }
    }
    let oh = &model.overhead;
    r.num("overhead", "", "pct", oh.pct, &oh.origin);
    r.text("overhead", "", "method", oh.method.as_str(), &oh.origin);
    r.text(
        "overhead",
        "",
        "include_capital",
        if oh.include_capital { "true" } else { "false" },
        &oh.origin,
    );
    for t in &model.tilbud {
        let name = &t.name;
        r.num("tilbud", name, "places", t.places, &t.origin);
        r.num("tilbud", name, "occupancy_pct", t.occupancy_pct, &t.origin);
        r.num("tilbud", name, "settlement", t.settlement, &t.origin);
        if let Some(o) = &t.overhead.origin {
            if let Some(p) = t.overhead.pct {
                r.num("tilbud.overhead", name, "pct", p, o);
            }
            if let Some(m) = t.overhead.method {
                r.text("tilbud.overhead", name, "method", m.as_str(), o);
            }
            if let Some(c) = t.overhead.include_capital {
                let v = if c { "true" } else { "false" };
                r.text("tilbud.overhead", name, "include_capital", v, o);
            }
        }
        for sh in &t.shared {
            let item = format!("{name}: {} ({}, {})", sh.name, sh.staff.id, sh.band.id);
            r.num(
                "tilbud.shared",
                &item,
                "hours_per_week",
                sh.hours_per_week,
                &sh.origin,
            );
        }
        for c in &t.costs {
            let item = format!("{name}: {} ({})", c.name, c.kind.as_str());
            r.num("tilbud.cost", &item, "amount", c.amount, &c.origin);
        }
    }
    r.0
}
