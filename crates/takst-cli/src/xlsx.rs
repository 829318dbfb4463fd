//! Spreadsheet output (`--format xlsx`): the same [`Table`]s the CSV and
//! text formats show, one worksheet each, written with `rust_xlsxwriter`.
//!
//! Responsible for: layout of a workbook: one sheet per section, a bold,
//! frozen header row with an autofilter, column widths from the content,
//! numbers as numbers with a number format showing exactly the decimals
//! the CSV shows. Not responsible for: the figures (the commands build the
//! tables, display-rounded) or writing the file (`util::write_atomic`).
//!
//! The f64 boundary: Excel stores every number as an IEEE double. A cell's
//! value is the double nearest to the decimal the CSV prints (parsed from
//! its text, which Rust rounds correctly), so a 0.01-rounded amount below
//! 2^53 / 100 kroner reads back as the same decimal, and summing a column of
//! them rounds to the CLI's total to the cent.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::danish::format_da;
use crate::render::{Cell, Table};

/// One worksheet: its name (at most 31 characters, Excel's limit) and table.
pub struct Sheet {
    pub name: String,
    pub table: Table,
}

impl Sheet {
    pub fn new(name: &str, table: Table) -> Sheet {
        Sheet {
            name: name.to_string(),
            table,
        }
    }
}

/// The double nearest to `d`: the only place takst turns a decimal into
/// binary floating point, at the spreadsheet boundary (see the banner).
pub fn to_f64(d: Decimal) -> f64 {
    d.to_string().parse::<f64>().unwrap_or(f64::NAN)
}

/// The Excel number format that shows `scale` decimals with thousands
/// separators (Excel shows them with the reader's locale: 1.234,50 in
/// Danish Excel).
fn num_format(scale: u32) -> String {
    if scale == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(scale.min(15) as usize))
    }
}

/// A workbook of `sheets`, as bytes.
pub fn workbook(title: &str, sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    build(title, sheets).map_err(|e| format!("cannot write the workbook: {e}"))
}

fn build(title: &str, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_comment("written by takst");
    wb.set_properties(&props);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xE8EEF4))
        .set_border_bottom(FormatBorder::Thin);
    for s in sheets {
        let ws = wb.add_worksheet();
        write_sheet(ws, s, &header)?;
    }
    wb.save_to_buffer()
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, header: &Format) -> Result<(), XlsxError> {
    ws.set_name(s.name.chars().take(31).collect::<String>())?;
    let t = &s.table;
    let mut widths: Vec<usize> = t
        .columns
        .iter()
        .map(|c| c.label.chars().count().min(24))
        .collect();
    for (ci, c) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, ci as u16, c.label, header)?;
    }
    // One format per scale, made once.
    let mut formats: Vec<Option<Format>> = vec![None; 16];
    for (ri, row) in t.rows.iter().enumerate() {
        let r = (ri + 1) as u32;
        for (ci, cell) in row.iter().enumerate() {
            let c = ci as u16;
            let shown_len = match cell {
                Cell::Text(x) => {
                    ws.write_string(r, c, x)?;
                    x.chars().count()
                }
                Cell::Num(d) => {
                    let scale = d.scale().min(15);
                    let f = formats[scale as usize]
                        .get_or_insert_with(|| Format::new().set_num_format(num_format(scale)));
                    ws.write_number_with_format(r, c, to_f64(*d), &*f)?;
                    format_da(*d, scale).chars().count()
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b)?;
                    5
                }
                Cell::Empty => 0,
            };
            if let Some(w) = widths.get_mut(ci) {
                *w = (*w).max(shown_len);
            }
        }
    }
    for (ci, w) in widths.iter().enumerate() {
        ws.set_column_width(ci as u16, (*w as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !t.columns.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, (t.columns.len() - 1) as u16)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_the_nearest_double() {
        for s in ["0.10", "7561589.22", "-30000.00", "443.76", "1524.696"] {
            let d = Decimal::from_str_exact(s).unwrap();
            assert_eq!(to_f64(d), s.parse::<f64>().unwrap());
            // Back to text with the CSV's decimals: the same digits.
            assert_eq!(format!("{:.*}", d.scale() as usize, to_f64(d)), s);
        }
    }

    #[test]
    fn number_formats_show_the_scale() {
        assert_eq!(num_format(0), "#,##0");
        assert_eq!(num_format(2), "#,##0.00");
        assert_eq!(num_format(3), "#,##0.000");
    }
}
