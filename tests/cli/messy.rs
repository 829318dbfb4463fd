//! Messy real-world input, hostile input and personal data: the same data
//! in every CSV dialect and as XLSX gives the same output; a corpus of
//! malformed inputs gives golden messages; outputs do not depend on row
//! order; a killed run leaves no partial file; citizen ids can be
//! pseudonymized and never leak into another municipality's output.

use std::path::Path;

use crate::common::*;

// ---------------------------------------------------------------- helpers

/// A CSV file as header + rows of fields.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path) -> Csv {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    Csv { header, rows }
}

const NUMBER_COLUMNS: &[&str] = &["hours_per_week", "agreed_tariff", "hours"];
const DATE_COLUMNS: &[&str] = &["from", "to", "date"];

/// `1234.5` → `1.234,5` (Danish Excel).
fn danish_number(s: &str) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(*c);
    }
    if frac.is_empty() {
        grouped
    } else {
        format!("{grouped},{frac}")
    }
}

/// `2025-03-01` → `01-03-2025`.
fn danish_date(s: &str) -> String {
    if s.len() == 10 {
        format!("{}-{}-{}", &s[8..10], &s[5..7], &s[0..4])
    } else {
        s.to_string()
    }
}

/// How a variant writes a CSV file.
struct Dialect {
    name: &'static str,
    sep: char,
    danish: bool,
    crlf: bool,
    bom: bool,
    sep_line: bool,
    cp1252: bool,
    quote_all: bool,
    /// Header names upper-cased, columns reversed, extra columns added.
    reshuffle: bool,
}

const DIALECTS: &[Dialect] = &[
    Dialect {
        name: "danish_excel",
        sep: ';',
        danish: true,
        crlf: true,
        bom: true,
        sep_line: false,
        cp1252: false,
        quote_all: false,
        reshuffle: false,
    },
    Dialect {
        name: "sep_line",
        sep: ';',
        danish: true,
        crlf: true,
        bom: false,
        sep_line: true,
        cp1252: false,
        quote_all: false,
        reshuffle: false,
    },
    Dialect {
        name: "windows_1252",
        sep: ';',
        danish: true,
        crlf: true,
        bom: false,
        sep_line: false,
        cp1252: true,
        quote_all: false,
        reshuffle: true,
    },
    Dialect {
        name: "comma_point_quoted",
        sep: ',',
        danish: false,
        crlf: false,
        bom: false,
        sep_line: false,
        cp1252: false,
        quote_all: true,
        reshuffle: false,
    },
    Dialect {
        name: "other_case_order_extra",
        sep: ',',
        danish: false,
        crlf: true,
        bom: true,
        sep_line: false,
        cp1252: false,
        quote_all: false,
        reshuffle: true,
    },
    Dialect {
        name: "tab",
        sep: '\t',
        danish: false,
        crlf: false,
        bom: false,
        sep_line: false,
        cp1252: false,
        quote_all: false,
        reshuffle: false,
    },
];

fn write_variant(src: &Csv, d: &Dialect, path: &Path) {
    let mut header = src.header.clone();
    let mut rows = src.rows.clone();
    for (c, name) in src.header.iter().enumerate() {
        for r in rows.iter_mut() {
            if d.danish && NUMBER_COLUMNS.contains(&name.as_str()) && !r[c].is_empty() {
                r[c] = danish_number(&r[c]);
            }
            if d.danish && DATE_COLUMNS.contains(&name.as_str()) {
                r[c] = danish_date(&r[c]);
            }
        }
    }
    if d.reshuffle {
        header = header.iter().rev().map(|h| h.to_uppercase()).collect();
        header.push("Bemærkning".into());
        header.insert(1, "ekstra".into());
        for r in rows.iter_mut() {
            r.reverse();
            r.push("Søren Ærø, Åse; \"Øster\"".into());
            r.insert(1, "x".into());
        }
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(d.sep as u8)
        .terminator(if d.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .quote_style(if d.quote_all {
            csv::QuoteStyle::Always
        } else {
            csv::QuoteStyle::Necessary
        })
        .from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let body = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let nl = if d.crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    if d.sep_line {
        text.push_str(&format!("sep={}{nl}", d.sep));
    }
    text.push_str(&body);
    let mut bytes = Vec::new();
    if d.bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if d.cp1252 {
        let (enc, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!bad);
        bytes.extend_from_slice(&enc);
    } else {
        bytes.extend_from_slice(text.as_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

/// A copy of the bocenter model with its CSV files in dialect `d`.
fn bocenter_in(d: &Dialect) -> tempfile::TempDir {
    let dir = copy_fixture("bocenter");
    for f in ["agreements.csv", "needs.csv", "delivered.csv"] {
        let src = read_csv(&fixture("bocenter").join(f));
        write_variant(&src, d, &dir.path().join(f));
    }
    dir
}

fn run_ok(cwd: &Path, args: &[&str]) -> String {
    let r = takst_in(cwd, args);
    assert_eq!(r.code, 0, "{args:?} in {}: {}", cwd.display(), r.snapshot());
    r.stdout
}

// ------------------------------------------------------ dialect equivalence

const COMPARE_LINES: &[&str] = &[
    "compare",
    ".",
    "--delivered",
    "delivered.csv",
    "--from",
    "2025-01-01",
    "--to",
    "2025-12-31",
    "--format",
    "csv",
    "--exact",
];

const COMPARE_TOTALS: &[&str] = &[
    "compare",
    ".",
    "--delivered",
    "delivered.csv",
    "--from",
    "2025-01-01",
    "--to",
    "2025-12-31",
    "--format",
    "json",
    "--exact",
    "--totals",
    "citizen",
];

#[test]
fn every_csv_dialect_gives_the_same_output() {
    let fix = fixture("bocenter");
    let commands: &[&[&str]] = &[
        &["tariff", ".", "--format", "csv"],
        &["tariff", ".", "--format", "json", "--exact"],
        &["tariff", ".", "--format", "csv", "--date", "2025-03-01"],
        &["check", "."],
        COMPARE_LINES,
        COMPARE_TOTALS,
    ];
    for args in commands {
        let expected = run_ok(&fix, args);
        for d in DIALECTS {
            let dir = bocenter_in(d);
            let got = run_ok(dir.path(), args);
            assert_eq!(got, expected, "dialect {} differs for {args:?}", d.name);
        }
    }
}

#[test]
fn windows_1252_text_comes_through() {
    let d = DIALECTS.iter().find(|d| d.cp1252).unwrap();
    let dir = bocenter_in(d);
    let bytes = std::fs::read(dir.path().join("needs.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "really Windows-1252");
    let out = run_ok(dir.path(), &["explain", ".", "--agreement", "A1"]);
    assert!(out.contains("Individuel socialpædagogisk støtte"), "{out}");
}

// ------------------------------------------------------------------- XLSX

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

/// Write `src` into `ws` from row `first_row`: numbers as number cells, dates
/// as date cells (or Excel serial numbers when `serial_dates`), the rest text.
fn fill_sheet(ws: &mut Worksheet, src: &Csv, first_row: u32, serial_dates: bool) {
    let date_format = Format::new().set_num_format("dd-mm-yyyy");
    for (c, h) in src.header.iter().enumerate() {
        ws.write_string(first_row, c as u16, h.to_uppercase())
            .unwrap();
    }
    for (r, row) in src.rows.iter().enumerate() {
        let r = first_row + 1 + r as u32;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            let name = src.header[c as usize].as_str();
            if v.is_empty() {
                continue;
            }
            if NUMBER_COLUMNS.contains(&name) {
                ws.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else if DATE_COLUMNS.contains(&name) {
                let (y, m, d) = (&v[0..4], &v[5..7], &v[8..10]);
                let dt = ExcelDateTime::from_ymd(
                    y.parse().unwrap(),
                    m.parse().unwrap(),
                    d.parse().unwrap(),
                )
                .unwrap();
                if serial_dates {
                    ws.write_number(r, c, dt.to_excel()).unwrap();
                } else {
                    ws.write_datetime_with_format(r, c, &dt, &date_format)
                        .unwrap();
                }
            } else {
                ws.write_string(r, c, v).unwrap();
            }
        }
    }
}

/// A copy of bocenter whose agreements and needs are workbooks: the data on
/// sheet `sheet` (after a decoy first sheet when `decoy`).
fn bocenter_xlsx(sheet: &str, decoy: bool, serial_dates: bool) -> tempfile::TempDir {
    let dir = copy_fixture("bocenter");
    for stem in ["agreements", "needs"] {
        let src = read_csv(&fixture("bocenter").join(format!("{stem}.csv")));
        let mut wb = Workbook::new();
        if decoy {
            let ws = wb.add_worksheet();
            ws.set_name("Forside").unwrap();
            ws.write_string(0, 0, "Udtræk fra fagsystemet").unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        // The table starts at row 3, column A, after a title row.
        ws.write_string(0, 0, format!("{stem} 2025")).unwrap();
        fill_sheet(ws, &src, 2, serial_dates);
        wb.save(dir.path().join(format!("{stem}.xlsx"))).unwrap();
        std::fs::remove_file(dir.path().join(format!("{stem}.csv"))).unwrap();
    }
    dir
}

#[test]
fn xlsx_inputs_give_the_same_output_as_csv() {
    let fix = fixture("bocenter");
    let expected = run_ok(&fix, &["tariff", ".", "--format", "csv"]);
    let dir = bocenter_xlsx("Ark1", false, false);
    assert_eq!(
        run_ok(dir.path(), &["tariff", ".", "--format", "csv"]),
        expected
    );
    let check = run_ok(dir.path(), &["check", "."]);
    assert!(check.contains("4 agreements, 6 need lines"), "{check}");
    // Dates as plain Excel serial numbers.
    let dir = bocenter_xlsx("Ark1", false, true);
    assert_eq!(
        run_ok(dir.path(), &["tariff", ".", "--format", "csv"]),
        expected
    );
    // --sheet picks the sheet; without it the first (decoy) sheet is read.
    let dir = bocenter_xlsx("Aftaler", true, false);
    assert_eq!(
        run_ok(
            dir.path(),
            &["tariff", ".", "--format", "csv", "--sheet", "Aftaler"]
        ),
        expected
    );
    let r = takst_in(dir.path(), &["tariff", ".", "--format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "agreements.xlsx: Forside!1:1: agreement: the header has no column `agreement`"
        ),
        "{}",
        r.stderr
    );
    let r = takst_in(dir.path(), &["check", ".", "--sheet", "Ark9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("agreements.xlsx: the workbook has no sheet `Ark9`; expected one of `Forside`, `Aftaler` [missing]"),
        "{}",
        r.stderr
    );
}

/// Bad cells in a workbook: each message names the sheet and the cell.
#[test]
fn xlsx_errors_name_sheet_and_cell() {
    let dir = copy_fixture("bocenter");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Ark1").unwrap();
    let date = Format::new().set_num_format("dd-mm-yyyy hh:mm");
    for (c, h) in [
        "agreement",
        "citizen",
        "municipality",
        "tilbud",
        "from",
        "to",
        "agreed_tariff",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: &[(&str, &str)] = &[
        ("A1", "C001"),
        ("A2", "C002"),
        ("A3", "C003"),
        ("A4", "C004"),
        ("A5", "C005"),
    ];
    for (r, (a, c)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *a).unwrap();
        ws.write_string(r, 1, *c).unwrap();
        ws.write_string(r, 2, "Gentofte").unwrap();
        ws.write_string(r, 3, "nord").unwrap();
        ws.write_number(r, 4, 45658.0).unwrap(); // 2025-01-01
    }
    ws.write_string(1, 4, "første januar").unwrap(); // E2: text in a date column
    ws.write_boolean(2, 4, true).unwrap(); // E3: a logical value
    ws.write_datetime_with_format(
        3,
        4,
        ExcelDateTime::parse_from_str("2025-01-01 12:30:00").unwrap(),
        &date,
    )
    .unwrap(); // E4: a date with a time of day
    ws.write_number(4, 6, 1e30).unwrap(); // G5: an absurd tariff
    ws.write_string(5, 6, "3.000 kr").unwrap(); // G6: text in a number column
    ws.write_number(5, 5, 0.5).unwrap(); // F6: not a day number
    wb.save(dir.path().join("agreements.xlsx")).unwrap();
    std::fs::remove_file(dir.path().join("agreements.csv")).unwrap();
    let r = takst_in(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.snapshot());
    for m in [
        "agreements.xlsx: Ark1!E2: from: found `første januar`, expected a date",
        "agreements.xlsx: Ark1!E3: from: found the logical value TRUE, expected a date like 2025-03-01 [malformed_date]",
        "agreements.xlsx: Ark1!E4: from: found the date and time 2025-01-01T12:30:00, expected a date without a time of day [malformed_date]",
        "agreements.xlsx: Ark1!G5: agreed_tariff: found the number 1e30, too large",
        "agreements.xlsx: Ark1!G6: agreed_tariff: found `3.000 kr`",
        "agreements.xlsx: Ark1!F6: to: found the number 0.5, expected a date",
    ] {
        assert!(r.stderr.contains(m), "missing {m:?} in\n{}", r.stderr);
    }
    insta::assert_snapshot!("xlsx_bad_cells", r.snapshot());
}

#[test]
fn a_file_named_xlsx_that_is_not_a_workbook() {
    let dir = copy_fixture("bocenter");
    std::fs::remove_file(dir.path().join("needs.csv")).unwrap();
    std::fs::write(dir.path().join("needs.xlsx"), b"agreement,staff\nA1,paed\n").unwrap();
    let r = takst_in(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("needs.xlsx: this is not a readable .xlsx workbook"),
        "{}",
        r.stderr
    );
    insta::assert_snapshot!("xlsx_not_a_workbook", r.snapshot());
}

// ------------------------------------------------------- error corpus

/// Every malformed model under tests/fixtures/errors that errors.rs does
/// not cover: `takst check` exits 2, prints nothing on stdout, and its
/// messages are golden. `must` are essentials checked besides the snapshot.
const CORPUS: &[(&str, &[&str])] = &[
    (
        "csv_unequal_lengths",
        &[
            "needs.csv:4: cannot read this row: found 7 fields, expected 6 like the header",
            "needs.csv:5: cannot read this row: found 2 fields",
        ],
    ),
    (
        "duplicate_header",
        &["agreements.csv:1: from: the header has the column `from` twice; expected each column once [syntax]"],
    ),
    (
        "missing_key",
        &[
            "tilbud.places: [tilbud] has no `places`",
            "[tilbud.cost] has no `kind`",
            "band.id: [band] has no `id`",
        ],
    ),
    (
        "too_many_digits",
        &[
            "found `1000000000000000000000000000000` with more than 28 significant digits",
            "more than 28 decimal places",
        ],
    ),
    (
        "calculation_overflow",
        &["[calculation]", "too large for exact arithmetic"],
    ),
    (
        "decimal_comma_traps",
        &[
            "agreements.csv:3:7: agreed_tariff: found `2.95`, expected a number like 7,5",
            "needs.csv:7:4: hours_per_week: found `1.4`",
            "needs.csv:3:4: hours_per_week: found `3.5`",
        ],
    ),
    (
        "decimal_point_traps",
        &[
            "needs.csv:3:4: hours_per_week: found `3,5`, expected a number like 7.5",
            "found `1,234.5`",
        ],
    ),
    (
        "windows_1252",
        &[
            "agreements.csv:2:5: from: found `1. januar 2025`",
            "unknown tilbud `Nørrebro`",
            "unknown staff category `pæd`",
        ],
    ),
    (
        "sep_line_and_bom",
        &["agreements.csv:6:6: to: found `31-12-2025x`"],
    ),
    (
        "quoted_newline",
        &["needs.csv:8:4: hours_per_week: found `fjorten`"],
    ),
    ("unterminated_quote", &["agreements.csv:"]),
    (
        "empty_file",
        &["agreements.csv:1: the file is empty; expected a header row"],
    ),
    (
        "bom_semicolon_missing_column",
        &[
            "needs.csv:1: hours_per_week: the header has no column `hours_per_week`",
            "(found agreement,staff,band,timer,ratio,note)",
        ],
    ),
    ("toml_not_utf8", &["takst.toml: the file is not UTF-8"]),
    ("toml_duplicate_key", &["takst.toml:", "duplicate key"]),
    (
        "empty_values",
        &[
            "agreements.csv:2:2: citizen: `citizen` is empty; expected a value [missing]",
            "agreements.csv:3:1: agreement: `agreement` is empty",
            "agreements.csv:5:3: municipality: `municipality` is empty",
        ],
    ),
    (
        "cpr_in_values",
        &[
            "agreements.csv:2:5: from: found `******-****`",
            "agreed_tariff",
        ],
    ),
    (
        "bad_dates",
        &[
            "found `31-02-2025`, which is not a day in the calendar",
            "found `2025/03/31`",
            "found `1-4-2025`",
            "found `45000`",
        ],
    ),
    (
        "bad_ratios",
        &[
            "found `0:1`",
            "found `99999999999:1`",
            "found `1:0`",
            "found `1/2`",
        ],
    ),
    (
        "out_of_range_values",
        &[
            "occupancy_pct: found 120",
            "days_per_year: found days per year 0",
            "rounding.tariff: found -1",
            "agreed_tariff: found agreed tariff -3000",
        ],
    ),
    (
        "many_problems",
        &["… and 10 more problems", "error: 60 problems in the input"],
    ),
    ("binary_garbage", &["agreements.csv:", "needs.csv:"]),
    ("toml_deep_nesting", &["takst.toml:1:"]),
    (
        "unknown_key_nested",
        &[
            "unknown key `navn` in [tilbud.shared]",
            "unknown key `procent` in [overhead]",
        ],
    ),
];

#[test]
fn corpus_of_malformed_inputs() {
    for (case, must) in CORPUS {
        let model = format!("errors/{case}");
        let r = takst(&["check", &model]);
        assert_eq!(r.code, 2, "{case}: {}", r.snapshot());
        assert!(r.stdout.is_empty(), "{case}: stdout must be empty");
        assert!(!r.stderr.contains("panicked"), "{case}: {}", r.stderr);
        for m in *must {
            assert!(
                r.stderr.contains(m),
                "{case}: stderr lacks {m:?}:\n{}",
                r.stderr
            );
        }
        insta::assert_snapshot!(format!("corpus_{case}"), r.snapshot());
    }
}

#[test]
fn the_corpus_is_large_and_covers_every_code() {
    let dirs = std::fs::read_dir(fixture("errors")).unwrap().count();
    assert!(dirs >= 30, "only {dirs} malformed models");
    let mut all = String::new();
    for e in std::fs::read_dir(root().join("tests/cli/snapshots")).unwrap() {
        all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    let errors_md = std::fs::read_to_string(root().join("docs/ERRORS.md")).unwrap();
    for code in takst_core::problem::Code::ALL {
        let tag = format!("[{}]", code.as_str());
        assert!(all.contains(&tag), "no golden message with {tag}");
        assert!(
            errors_md.contains(&format!("`{}`", code.as_str())),
            "docs/ERRORS.md lacks {tag}"
        );
    }
}

/// Absurd sizes: a line of 1 MB, a field of 1 MB, 10^30 hours.
#[test]
fn huge_lines_are_clean_errors() {
    let dir = copy_fixture("bocenter");
    let big = "9".repeat(1 << 20);
    let mut needs = std::fs::read_to_string(dir.path().join("needs.csv")).unwrap();
    needs.push_str(&format!("A1,paed,nat,{big},,\n"));
    needs.push_str(&format!("A1,paed,nat,1,,{}\n", "x".repeat(1 << 20)));
    std::fs::write(dir.path().join("needs.csv"), needs).unwrap();
    let r = takst_in(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.snapshot());
    assert!(
        r.stderr.len() < 2000,
        "messages stay short: {}",
        r.stderr.len()
    );
    insta::assert_snapshot!("huge_line", r.snapshot());
}

// ------------------------------------------------------------ determinism

/// A fixed shuffle of the data rows (header kept first).
fn shuffle_rows(path: &Path, seed: u64) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let mut state = seed;
    for i in (1..lines.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (state >> 33) as usize % (i + 1);
        lines.swap(i, j);
    }
    let mut out = String::from(header);
    out.push('\n');
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn row_order_of_the_inputs_does_not_matter() {
    let fix = fixture("bocenter");
    let commands: &[&[&str]] = &[
        &["tariff", ".", "--format", "csv"],
        &["tariff", ".", "--format", "json", "--exact"],
        &[
            "tariff",
            ".",
            "--format",
            "table",
            "--municipality",
            "Gentofte",
        ],
        &["check", "."],
        COMPARE_LINES,
        COMPARE_TOTALS,
    ];
    let expected: Vec<String> = commands.iter().map(|a| run_ok(&fix, a)).collect();
    // The canonical order is by agreement id.
    let ids: Vec<String> = csv_rows(&expected[0])
        .iter()
        .map(|r| r["agreement"].clone())
        .collect();
    assert_eq!(ids, ["A1", "A2", "A3", "A4"]);
    for seed in [1, 2, 3, 42] {
        let dir = copy_fixture("bocenter");
        for f in ["agreements.csv", "needs.csv", "delivered.csv"] {
            shuffle_rows(&dir.path().join(f), seed);
        }
        for (args, want) in commands.iter().zip(&expected) {
            assert_eq!(&run_ok(dir.path(), args), want, "seed {seed}, {args:?}");
        }
    }
    // Each agreement's lines together and the agreements in order, but the
    // lines of an agreement reversed: the canonical order is restored
    // agreement by agreement (a path of its own in the sorting).
    let dir = copy_fixture("bocenter");
    let path = dir.path().join("needs.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    lines.sort_by_key(|l| l.split(',').next().unwrap_or("").to_string());
    assert_ne!(lines, text.lines().skip(1).collect::<Vec<_>>());
    std::fs::write(&path, format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    for (args, want) in commands.iter().zip(&expected) {
        assert_eq!(&run_ok(dir.path(), args), want, "grouped, {args:?}");
    }
}

// ------------------------------------------------------- atomic outputs

/// A model with `n` agreements (the bocenter parameters).
fn big_model(n: usize) -> tempfile::TempDir {
    let dir = copy_fixture("bocenter");
    let mut ag = String::from("agreement,citizen,municipality,tilbud,from,to,agreed_tariff\n");
    let mut needs = String::from("agreement,staff,band,hours_per_week,ratio,note\n");
    for i in 0..n {
        ag.push_str(&format!(
            "B{i},{:010},Kommune {},nord,2025-01-01,,\n",
            1_000_000 + i,
            i % 98
        ));
        needs.push_str(&format!("B{i},paed,dag,7,,\n"));
    }
    std::fs::write(dir.path().join("agreements.csv"), ag).unwrap();
    std::fs::write(dir.path().join("needs.csv"), needs).unwrap();
    dir
}

#[test]
fn a_killed_run_leaves_the_old_file_or_none() {
    let model = big_model(20_000);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("tariff.json");
    let old = "the old output\n";
    let mut killed_mid_write = 0;
    for attempt in 0..6 {
        std::fs::write(&out, old).unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
            .args(["tariff", ".", "--format", "json", "--exact", "--out"])
            .arg(&out)
            .current_dir(model.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the temporary file, then SIGKILL.
        let t0 = std::time::Instant::now();
        let mut saw_tmp = false;
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            let tmp = std::fs::read_dir(out_dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.file_name().to_string_lossy().starts_with(".takst-"));
            if tmp {
                saw_tmp = true;
                child.kill().unwrap();
                break;
            }
            if t0.elapsed() > std::time::Duration::from_secs(60) {
                child.kill().unwrap();
                break;
            }
        }
        child.wait().unwrap();
        let now = std::fs::read_to_string(&out).unwrap();
        if now != old {
            // Then the run finished: the file must be complete JSON.
            assert!(now.ends_with("]\n"), "attempt {attempt}: partial output");
            serde_json::from_str::<serde_json::Value>(&now).expect("complete JSON");
        } else if saw_tmp {
            killed_mid_write += 1;
        }
        // Leftover temporary files are hidden and never the output itself.
        for e in std::fs::read_dir(out_dir.path()).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name == "tariff.json" || name.starts_with(".takst-"),
                "{name}"
            );
        }
    }
    assert!(killed_mid_write > 0, "never caught takst while writing");
}

// ------------------------------------------------------- personal data

/// The bocenter model with CPR-shaped citizen ids.
fn bocenter_with_cpr() -> (tempfile::TempDir, Vec<&'static str>) {
    let dir = copy_fixture("bocenter");
    let ids = [
        ("C001", "0101901234"),
        ("C002", "1502852345"),
        ("C003", "3112793456"),
    ];
    for f in ["agreements.csv", "delivered.csv"] {
        let mut text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        for (c, cpr) in ids {
            text = text.replace(c, cpr);
        }
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    (dir, ids.iter().map(|(_, cpr)| *cpr).collect())
}

fn key_file(dir: &Path, name: &str, key: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, format!("{key}\n")).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn pseudonyms_are_stable_keyed_and_hide_every_id() {
    let (dir, cprs) = bocenter_with_cpr();
    let keys = tempfile::tempdir().unwrap();
    let k1 = key_file(keys.path(), "k1", "a-secret-key-of-32-characters-00");
    let k2 = key_file(keys.path(), "k2", "another-secret-key-of-32-chars-1");
    let run = |key: &str, extra: &[&str]| {
        let mut args = vec!["tariff", ".", "--pseudonymize", "--pseudonym-key-file", key];
        args.extend_from_slice(extra);
        let r = takst_in(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.snapshot());
        r
    };
    let a = run(&k1, &["--format", "csv"]);
    let b = run(&k1, &["--format", "csv"]);
    let c = run(&k2, &["--format", "csv"]);
    assert_eq!(a.stdout, b.stdout, "same key, same pseudonyms");
    let pseudonyms =
        |s: &str| -> Vec<String> { csv_rows(s).iter().map(|r| r["citizen"].clone()).collect() };
    let pa = pseudonyms(&a.stdout);
    let pc = pseudonyms(&c.stdout);
    for (x, y) in pa.iter().zip(&pc) {
        assert!(x.starts_with("P-") && x.len() == 18, "{x}");
        assert_ne!(x, y, "another key, another pseudonym");
    }
    // A2 and A3 are the same citizen: the same pseudonym.
    assert_eq!(pa[1], pa[2]);
    assert_ne!(pa[0], pa[1]);
    // The environment variable gives the same pseudonyms as the key file.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(["tariff", ".", "--format", "csv", "--pseudonymize"])
        .env("TAKST_PSEUDONYM_KEY", "a-secret-key-of-32-characters-00")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), a.stdout);
    // Same key, another command or filter: the same pseudonym for the citizen.
    let g = run(
        &k1,
        &[
            "--format",
            "csv",
            "--municipality",
            "Gladsaxe",
            "--date",
            "2025-02-01",
        ],
    );
    assert_eq!(pseudonyms(&g.stdout), [pa[1].clone()]);
    // No plain id in any output byte, in any format.
    for fmt in ["csv", "json", "table"] {
        let r = run(&k1, &["--format", fmt]);
        for cpr in &cprs {
            assert!(
                !r.stdout.contains(cpr) && !r.stderr.contains(cpr),
                "{fmt}: {cpr} leaked"
            );
            assert!(
                !r.stdout.contains(&cpr[..6]),
                "{fmt}: birth date of {cpr} leaked"
            );
        }
    }
    let plain = run_ok(dir.path(), &["tariff", ".", "--format", "csv"]);
    assert!(
        plain.contains(cprs[0]),
        "without --pseudonymize the ids are shown"
    );
}

#[test]
fn pseudonymize_needs_a_usable_key() {
    let dir = copy_fixture("bocenter");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(["tariff", ".", "--pseudonymize"])
        .env_remove("TAKST_PSEUDONYM_KEY")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --pseudonymize needs a key: give --pseudonym-key-file FILE or set TAKST_PSEUDONYM_KEY\n"
    );
    assert!(out.stdout.is_empty());
    let k = key_file(dir.path(), "short", "short");
    let r = takst_in(
        dir.path(),
        &["tariff", ".", "--pseudonymize", "--pseudonym-key-file", &k],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the key has 5 bytes, expected at least 16"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("short\n"),
        "the key itself is not printed"
    );
}

#[test]
fn a_municipality_sees_only_its_own_citizens() {
    let (dir, _) = bocenter_with_cpr();
    let all = csv_rows(&run_ok(dir.path(), &["tariff", ".", "--format", "csv"]));
    for m in ["Gentofte", "Gladsaxe"] {
        let out = run_ok(
            dir.path(),
            &["tariff", ".", "--format", "csv", "--municipality", m],
        );
        let own: Vec<&String> = all
            .iter()
            .filter(|r| r["municipality"] == m)
            .map(|r| &r["citizen"])
            .collect();
        let others: Vec<&String> = all
            .iter()
            .filter(|r| r["municipality"] != m)
            .map(|r| &r["citizen"])
            .filter(|c| !own.contains(c))
            .collect();
        let rows = csv_rows(&out);
        assert_eq!(rows.len(), own.len());
        for r in &rows {
            assert_eq!(r["municipality"], m);
        }
        for c in others {
            assert!(!out.contains(c.as_str()), "{m} sees {c}");
        }
    }
}

#[test]
fn cpr_numbers_stay_out_of_messages() {
    let r = takst(&["check", "errors/cpr_in_values"]);
    assert!(!r.stderr.contains("0101901234"), "{}", r.stderr);
    assert!(!r.stderr.contains("010190-1234"), "{}", r.stderr);
    assert!(!r.stderr.contains("0202801234"), "{}", r.stderr);
    // The overlap message names agreements, not citizens.
    let r = takst(&["check", "errors/overlap"]);
    assert!(!r.stderr.contains("C00"), "{}", r.stderr);
}

#[test]
fn compare_pseudonymizes_every_output_and_split_file() {
    let (dir, cprs) = bocenter_with_cpr();
    let keys = tempfile::tempdir().unwrap();
    let k1 = key_file(keys.path(), "k1", "a-secret-key-of-32-characters-00");
    let period = ["--from", "2025-01-01", "--to", "2025-12-31"];
    let compare = |extra: &[&str]| {
        let mut args = vec!["compare", ".", "--delivered", "delivered.csv"];
        args.extend_from_slice(&period);
        args.extend_from_slice(&["--pseudonymize", "--pseudonym-key-file", &k1]);
        args.extend_from_slice(extra);
        let r = takst_in(dir.path(), &args);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.snapshot());
        r
    };
    let leaks = |what: &str, text: &str| {
        for cpr in &cprs {
            assert!(!text.contains(cpr), "{what}: {cpr} leaked");
            assert!(
                !text.contains(&cpr[..6]),
                "{what}: birth date of {cpr} leaked"
            );
        }
    };
    // The pseudonym of each agreement's citizen, from `tariff`.
    let tariff = takst_in(
        dir.path(),
        &[
            "tariff",
            ".",
            "--format",
            "csv",
            "--pseudonymize",
            "--pseudonym-key-file",
            &k1,
        ],
    );
    assert_eq!(tariff.code, 0, "{}", tariff.snapshot());
    let of_agreement: std::collections::HashMap<String, String> = csv_rows(&tariff.stdout)
        .into_iter()
        .map(|r| (r["agreement"].clone(), r["citizen"].clone()))
        .collect();
    let modes: &[&[&str]] = &[
        &[],
        &["--totals", "agreement"],
        &["--totals", "citizen"],
        &["--totals", "municipality"],
        &["--propose"],
    ];
    for mode in modes {
        for fmt in ["csv", "json", "table"] {
            let mut extra = mode.to_vec();
            extra.extend_from_slice(&["--format", fmt]);
            let r = compare(&extra);
            leaks(&format!("{extra:?} stdout"), &r.stdout);
            leaks(&format!("{extra:?} stderr"), &r.stderr);
            if fmt == "csv" {
                let rows = csv_rows(&r.stdout);
                for row in &rows {
                    if let (Some(a), Some(c)) = (row.get("agreement"), row.get("citizen")) {
                        assert_eq!(&of_agreement[a], c, "{mode:?}: pseudonym of {a}");
                    }
                    if let Some(c) = row.get("citizen") {
                        assert!(c.starts_with("P-") && c.len() == 18, "{c}");
                        assert!(of_agreement.values().any(|p| p == c), "{mode:?}: {c}");
                    }
                }
            }
        }
        for fmt in ["csv", "json"] {
            let out = tempfile::tempdir().unwrap();
            let mut extra = mode.to_vec();
            extra.extend_from_slice(&[
                "--format",
                fmt,
                "--split-by",
                "municipality",
                "--out-dir",
                out.path().to_str().unwrap(),
            ]);
            let r = compare(&extra);
            leaks(&format!("{extra:?} stderr"), &r.stderr);
            let mut files = 0;
            for e in std::fs::read_dir(out.path()).unwrap() {
                let path = e.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                leaks(
                    &format!("{extra:?} {}", path.display()),
                    &String::from_utf8_lossy(&bytes),
                );
                files += 1;
            }
            assert_eq!(files, 2, "{extra:?}");
        }
    }
    // Without --pseudonymize the ids are shown (so the checks above can fail).
    let plain = takst_in(dir.path(), COMPARE_LINES);
    assert!(plain.stdout.contains(cprs[0]), "{}", plain.snapshot());
}

/// Delivered hours as a workbook: the same comparison as from the CSV file,
/// and a bad cell is named by sheet and cell.
#[test]
fn delivered_hours_from_a_workbook() {
    let fix = fixture("bocenter");
    // COMPARE_LINES with another delivered file.
    let args = |delivered: &'static str| -> Vec<&'static str> {
        COMPARE_LINES
            .iter()
            .map(|a| if *a == "delivered.csv" { delivered } else { a })
            .collect()
    };
    let expected = takst_in(&fix, &args("delivered.csv"));
    assert_eq!(expected.code, 0, "{}", expected.stderr);

    let dir = copy_fixture("bocenter");
    let src = read_csv(&fix.join("delivered.csv"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Timer").unwrap();
    fill_sheet(ws, &src, 0, false);
    wb.save(dir.path().join("delivered.xlsx")).unwrap();
    let got = takst_in(dir.path(), &args("delivered.xlsx"));
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert_eq!(got.stdout, expected.stdout);
    assert_eq!(got.stderr, expected.stderr, "the same conservation line");

    // A text where hours belong: row 5 of the sheet, column E.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Timer").unwrap();
    fill_sheet(ws, &src, 0, false);
    ws.write_string(4, 4, "to timer").unwrap();
    wb.save(dir.path().join("bad.xlsx")).unwrap();
    let r = takst_in(dir.path(), &args("bad.xlsx"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("bad.xlsx: Timer!E5: hours:"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

/// A need-lines file over 1 MB is read in two parts on two threads: the
/// same tariffs, and problems in either part at their true lines, also
/// after notes with line breaks in quoted fields.
#[test]
fn a_large_needs_file_read_in_parts() {
    let n = 70_000;
    let dir = big_model(n);
    let path = dir.path().join("needs.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line k + 2 holds agreement B{k}; two notes span two lines each.
    for k in [100, 40_000] {
        lines[k + 1] = format!("B{k},paed,dag,7,,\"første linje\nanden linje, med komma\"");
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 1 << 20);
    let r = takst_in(dir.path(), &["tariff", ".", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows.len(), n);
    // Every agreement has the same single need line, so the same tariff.
    assert!(rows
        .iter()
        .all(|row| row["tariff_per_day"] == rows[0]["tariff_per_day"]));
    assert!(rows[0]["individual"] != "0.00", "{:?}", rows[0]);

    // Problems in both parts, each at its physical line.
    lines[50 + 1] = "B50,paed,dag,x,,".into();
    lines[45_000 + 1] = "B45000,paed,dag,7,,,extra".into();
    lines[60_000 + 1] = "B60000,paed,dag,-7,,".into();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let r = takst_in(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for want in [
        "needs.csv:52:4: hours_per_week: found `x`",
        "needs.csv:45004: cannot read this row: found 7 fields, expected 6 like the header",
        "needs.csv:60004:4: hours_per_week: found hours -7, expected zero or more",
    ] {
        assert!(r.stderr.contains(want), "{want}\n{}", r.stderr);
    }
}

/// `TAKST_TIMINGS` prints one line per phase on stderr (names, no data)
/// and changes nothing else.
#[test]
fn timings_name_the_phases_and_nothing_else() {
    let fix = fixture("bocenter");
    let args = ["tariff", ".", "--format", "csv"];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(args)
        .current_dir(&fix)
        .env("TAKST_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), run_ok(&fix, &args));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let phases: Vec<&str> = stderr
        .lines()
        .map(|l| {
            let name = l.strip_prefix("timing: ").expect(l);
            name.rsplitn(3, ' ').nth(2).expect(l)
        })
        .collect();
    for want in [
        "read agreements and need lines",
        "canonical order",
        "validate",
        "engine",
        "tariffs",
        "render",
        "write",
    ] {
        assert!(phases.contains(&want), "{want}: {stderr}");
    }
    assert!(
        !stderr.contains("C00") && !stderr.contains("A1"),
        "{stderr}"
    );
}
