//! Reading an actuals file (regnskabstal): the long-format table
//! `tilbud,year,kind,item,amount` described in docs/FORMATS.md, as CSV or
//! as an Excel workbook (`.xlsx`, first sheet).
//!
//! Responsible for: the file's dialect (Danish Excel or plain), columns by
//! name, and the syntax of each row (year, kind, amount) with its line and
//! column; every bad row is reported. Not responsible for: references to
//! the model, negative amounts, duplicates and missing rows
//! (`takst_core::economy::collect`).

use std::path::Path;

use takst_core::economy::{ActualKind, ActualRow};
use takst_core::model::Ref;
use takst_core::problem::{Code, Problem};

use super::csv::{Columns, Table};

/// The columns of an actuals file.
const COLUMNS: Columns = Columns {
    required: &["tilbud", "year", "kind", "amount"],
    optional: &["item", "note"],
};

/// Read the actuals file at `path` (CSV, or `.xlsx`: its first sheet);
/// problems are collected in `p`.
pub fn read(path: &Path, p: &mut Vec<Problem>) -> Vec<ActualRow> {
    match super::read_table(path, &COLUMNS, &super::Options::default(), p) {
        Some(t) => rows(&t, p),
        None => Vec::new(),
    }
}

/// Parse the bytes of an actuals CSV file named `file`.
#[allow(dead_code)] // used by the tests
pub fn parse(file: &str, bytes: &[u8], p: &mut Vec<Problem>) -> Vec<ActualRow> {
    match Table::read(file, bytes, COLUMNS.required, COLUMNS.optional, p) {
        Some(t) => rows(&t, p),
        None => Vec::new(),
    }
}

/// The typed rows of a table with the actuals columns.
fn rows(t: &Table, p: &mut Vec<Problem>) -> Vec<ActualRow> {
    let mut out = Vec::with_capacity(t.rows.len());
    for i in 0..t.rows.len() {
        let r = t.row(i);
        let tilbud = r.reference("tilbud", p);
        let year_text = r.get("year");
        let year = year_text
            .parse::<i16>()
            .ok()
            .filter(|y| (1000..=9999).contains(y));
        if year.is_none() {
            p.push(Problem::new(
                Code::MalformedNumber,
                r.pos("year"),
                format!("found `{year_text}`, expected a year like 2025"),
            ));
        }
        let kind_text = r.get("kind");
        let kind = ActualKind::parse(&kind_text);
        if kind.is_none() {
            let kinds: Vec<&str> = ActualKind::ALL.iter().map(|k| k.as_str()).collect();
            p.push(Problem::new(
                Code::WrongType,
                r.pos("kind"),
                format!("found `{kind_text}`, expected one of {}", kinds.join(", ")),
            ));
        }
        let amount = r.decimal("amount", p);
        if let (Some(tilbud), Some(year), Some(kind), Some(amount)) = (tilbud, year, kind, amount) {
            out.push(ActualRow {
                tilbud,
                year,
                kind,
                item: Ref::new(r.get("item"), r.pos("item")),
                amount,
                amount_pos: r.pos("amount"),
                origin: r.origin(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_excel_file() {
        let src = "sep=;\ntilbud;year;kind;item;amount\nnord;2025;occupied_days;;4.190\nnord;2025;cost_staff;paed;5.123.456,78\n";
        let mut p = Vec::new();
        let rows = parse("a.csv", src.as_bytes(), &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].amount, rust_decimal::Decimal::from(4190));
        assert_eq!(rows[1].amount.to_string(), "5123456.78");
        assert_eq!(rows[1].item.id, "paed");
        assert_eq!(rows[1].amount_pos.line, 4);
        assert_eq!(rows[1].amount_pos.col, 5);
    }

    #[test]
    fn bad_rows_are_all_reported() {
        let src = "tilbud,year,kind,item,amount\nnord,20x5,occupied_days,,1\nnord,2025,days,,1\nnord,2025,revenue,,1,5\n";
        let mut p = Vec::new();
        let rows = parse("a.csv", src.as_bytes(), &mut p);
        assert!(rows.is_empty());
        takst_core::problem::sort(&mut p);
        let got: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].starts_with("a.csv:2:2: year: found `20x5`"),
            "{}",
            got[0]
        );
        assert!(
            got[1].starts_with("a.csv:3:3: kind: found `days`, expected one of occupied_days"),
            "{}",
            got[1]
        );
        assert!(got[2].starts_with("a.csv:4"), "{}", got[2]);
    }
}
