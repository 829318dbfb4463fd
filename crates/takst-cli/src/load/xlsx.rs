//! Reading one worksheet of an Excel workbook (`.xlsx`) into cells.
//!
//! Responsible for: opening the workbook (calamine), choosing the sheet
//! (the first, or the one named by `--sheet`), turning each cell into a
//! [`Cell`] as Excel stores it (numbers, dates, text, errors) and keeping
//! the sheet's row and column numbers for A1-style positions. Limits keep a
//! hostile workbook from taking unbounded memory: at most [`MAX_CELLS`]
//! cells are read, and cells are kept sparse (a cell far away costs no
//! more than a near one).
//!
//! Not responsible for: which columns a file must have or what their values
//! mean (`load::csv::Table` and `Row` do that for CSV and XLSX alike).
//!
//! Numbers: Excel stores a number as a binary double. A number cell is read
//! as the decimal Excel shows for it, rounded to 15 significant digits
//! (Excel's precision), and is exact from then on: `7.5` is 7.5 and a
//! formula giving 0.30000000000000004 is 0.3. This conversion is the only
//! place a binary float is touched, and it only formats it.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use jiff::civil::{Date, DateTime, Time};
use rust_decimal::Decimal;
use takst_core::model::Pos;
use takst_core::problem::{Code, Problem};

use super::csv::Cell;

/// The most cells read from one sheet (Excel's own limit for one column
/// of rows is 1,048,576; five columns of it fit).
pub const MAX_CELLS: usize = 6_000_000;

/// One worksheet: the non-empty cells of its non-empty rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    /// (1-based row number, the row's cells as (0-based column, cell)),
    /// rows and cells in sheet order.
    pub rows: Vec<(u64, Vec<(u32, Cell)>)>,
}

impl Sheet {
    /// The texts of row `i` by column, from column A.
    pub fn texts(&self, i: usize) -> Vec<String> {
        let Some((_, cells)) = self.rows.get(i) else {
            return Vec::new();
        };
        let width = cells.last().map(|(c, _)| *c as usize + 1).unwrap_or(0);
        let mut out = vec![String::new(); width];
        for (c, v) in cells {
            out[*c as usize] = v.as_text().unwrap_or_default();
        }
        out
    }
}

/// Whether a file name says it is a workbook.
pub fn is_xlsx(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Read sheet `want` (or the first sheet) of the workbook in `bytes`.
pub fn read_sheet(file: &str, bytes: &[u8], want: Option<&str>) -> Result<Sheet, Problem> {
    let at = |msg: String| Problem::new(Code::Syntax, Pos::new(file, 0, 0, ""), msg);
    // calamine is not ours: a panic inside it on a broken file becomes a problem.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet_inner(file, bytes, want)
    }));
    match result {
        Ok(r) => r,
        Err(_) => Err(at(
            "the workbook cannot be read (it is damaged); expected an .xlsx file saved by Excel"
                .into(),
        )),
    }
}

fn read_sheet_inner(file: &str, bytes: &[u8], want: Option<&str>) -> Result<Sheet, Problem> {
    let at = |code: Code, msg: String| Problem::new(code, Pos::new(file, 0, 0, ""), msg);
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        at(
            Code::Syntax,
            format!("this is not a readable .xlsx workbook ({e}); expected an Excel workbook"),
        )
    })?;
    let names = wb.sheet_names();
    let list = || {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = match want {
        Some(w) => match names.iter().find(|n| n.as_str() == w) {
            Some(n) => n.clone(),
            None => {
                return Err(at(
                    Code::Missing,
                    format!(
                        "the workbook has no sheet `{w}`; expected one of {}",
                        list()
                    ),
                ))
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                return Err(at(
                    Code::Missing,
                    "the workbook has no worksheet; expected at least one".into(),
                ))
            }
        },
    };
    let sheet_err = |e: calamine::XlsxError| {
        Problem::new(
            Code::Syntax,
            Pos::in_sheet(file, name.as_str(), 0, 0, ""),
            format!("cannot read the sheet: {e}"),
        )
    };
    let mut rows: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut count = 0usize;
    {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(sheet_err)?;
        while let Some(c) = reader.next_cell().map_err(sheet_err)? {
            let (row, col) = c.get_position();
            let cell = cell(c.get_value());
            if cell == Cell::Empty {
                continue;
            }
            count += 1;
            if count > MAX_CELLS {
                return Err(Problem::new(
                    Code::OutOfRange,
                    Pos::in_sheet(file, name.as_str(), u64::from(row) + 1, 0, ""),
                    format!("the sheet has more than {MAX_CELLS} filled cells; expected a smaller sheet (split the file, or use CSV)"),
                ));
            }
            rows.entry(row).or_default().push((col, cell));
        }
    }
    let rows = rows
        .into_iter()
        .map(|(r, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            (u64::from(r) + 1, cells)
        })
        .collect();
    Ok(Sheet { name, rows })
}

/// A calamine cell as a [`Cell`].
fn cell(v: &DataRef) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(Decimal::from(*i)),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = Time::new(
                i8::try_from(h).unwrap_or(-1),
                i8::try_from(mi).unwrap_or(-1),
                i8::try_from(s).unwrap_or(-1),
                i32::from(ms) * 1_000_000,
            );
            let Ok(time) = time else {
                return Cell::Error(format!("{dt:?}"));
            };
            if dt.as_f64() < 1.0 && !dt.as_f64().is_sign_negative() {
                return Cell::Time(time);
            }
            let date = i16::try_from(y)
                .ok()
                .and_then(|y| Date::new(y, mo as i8, d as i8).ok());
            match date {
                Some(date) => Cell::DateTime(DateTime::from_parts(date, time)),
                None => Cell::Error(format!("#DATE ({y:04}-{mo:02}-{d:02})")),
            }
        }
        DataRef::DateTimeIso(s) => {
            if let Ok(dt) = s.parse::<DateTime>() {
                Cell::DateTime(dt)
            } else if let Ok(d) = s.parse::<Date>() {
                Cell::DateTime(d.to_datetime(Time::midnight()))
            } else {
                text(s)
            }
        }
        DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn text(s: &str) -> Cell {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// A number cell as the decimal Excel shows: 15 significant digits.
pub fn number(f: f64) -> Cell {
    if !f.is_finite() {
        return Cell::HugeNumber(format!("{f}"));
    }
    // `{:.14e}` formats exactly, rounding to 15 significant digits:
    // "7.50000000000000e0". No float arithmetic.
    let s = format!("{f:.14e}");
    let Some((mantissa, exp)) = s.split_once('e') else {
        return Cell::HugeNumber(s);
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return Cell::HugeNumber(s);
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_end_matches('0');
    let (digits, exp) = if trimmed.is_empty() {
        ("0", 0)
    } else {
        let dropped = (digits.len() - trimmed.len()) as i32;
        (trimmed, exp - 14 + dropped)
    };
    let Ok(m) = digits.parse::<i128>() else {
        return Cell::HugeNumber(format!("{f:e}"));
    };
    let m = if negative { -m } else { m };
    let value = if exp >= 0 {
        10i128
            .checked_pow(exp as u32)
            .and_then(|p| m.checked_mul(p))
            .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
    } else if -exp <= 28 {
        Decimal::try_from_i128_with_scale(m, (-exp) as u32).ok()
    } else {
        None
    };
    match value {
        Some(d) => Cell::Number(d),
        None => Cell::HugeNumber(format!("{f:e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(f: f64) -> String {
        match number(f) {
            Cell::Number(d) => d.to_string(),
            c => format!("{c:?}"),
        }
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(num(7.5), "7.5");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(34521.0), "34521");
        assert_eq!(num(-1234.5), "-1234.5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(443.76), "443.76");
        assert_eq!(num(1e-5), "0.00001");
        assert_eq!(num(123456789012345678.0), "123456789012346000");
        assert_eq!(num(1e30), "HugeNumber(\"1e30\")");
        assert_eq!(num(1e-30), "HugeNumber(\"1e-30\")");
        assert_eq!(num(f64::MAX), "HugeNumber(\"1.7976931348623157e308\")");
    }
}
