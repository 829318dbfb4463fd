//! Loading a model directory: `takst.toml`, and when a command needs them,
//! `agreements.csv` and `needs.csv` (or `agreements.xlsx`, `needs.xlsx`);
//! then the canonical order and validation.
//!
//! Responsible for: file I/O of the model inputs, choosing CSV or XLSX by
//! file name, and collecting every problem of every file before giving up.
//! Not responsible for: the calculation or rendering.

pub mod csv;
pub mod toml;
pub mod xlsx;

use std::path::{Path, PathBuf};

use takst_core::model::{Model, Pos};
use takst_core::problem::{self, Code, Problem};
use takst_core::validate::validate;

/// Whether a command needs the agreements and need lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `rates`, `tilbud`: takst.toml only.
    Parameters,
    /// Everything: agreements.csv and needs.csv are required.
    Agreements,
}

/// The display name of a file: relative to nothing, just as given.
fn show(p: &Path) -> String {
    p.display().to_string()
}

/// Read a file, or report it as a problem.
pub fn read_file(path: &Path, problems: &mut Vec<Problem>) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            problems.push(Problem::new(
                Code::Io,
                Pos::new(show(path), 0, 0, ""),
                format!("cannot read the file: {}", crate::util::io_reason(&e)),
            ));
            None
        }
    }
}

/// How tables are read, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The worksheet to read from every workbook (default: the first).
    pub sheet: Option<String>,
}

/// The file of a model table: `STEM.csv`, or `STEM.xlsx` when there is no
/// CSV file but a workbook; `STEM.csv` (to be reported missing) otherwise.
pub fn table_path(dir: &Path, stem: &str) -> PathBuf {
    let csv = dir.join(format!("{stem}.csv"));
    let xlsx = dir.join(format!("{stem}.xlsx"));
    if !csv.exists() && xlsx.exists() {
        xlsx
    } else {
        csv
    }
}

/// Read a table (CSV or, by its `.xlsx` name, a worksheet) with the wanted
/// columns, or report why it cannot be read.
pub fn read_table(
    path: &Path,
    cols: &csv::Columns,
    opts: &Options,
    problems: &mut Vec<Problem>,
) -> Option<csv::Table> {
    let bytes = read_file(path, problems)?;
    let file = show(path);
    if xlsx::is_xlsx(path) {
        match xlsx::read_sheet(&file, &bytes, opts.sheet.as_deref()) {
            Ok(sheet) => {
                csv::Table::from_sheet(&file, &sheet, cols.required, cols.optional, problems)
            }
            Err(p) => {
                problems.push(p);
                None
            }
        }
    } else {
        csv::Table::read(&file, &bytes, cols.required, cols.optional, problems)
    }
}

/// Load and validate the model in `dir`, reading workbooks' first sheets.
#[allow(dead_code)] // for commands without `Common` flags
pub fn load(dir: &Path, scope: Scope) -> Result<Model, Vec<Problem>> {
    load_with(dir, scope, &Options::default())
}

/// Load and validate the model in `dir`. All problems of all files are
/// returned together, sorted by file and line. Agreements and need lines
/// are put in their canonical order (`Model::sort_canonical`).
pub fn load_with(dir: &Path, scope: Scope, opts: &Options) -> Result<Model, Vec<Problem>> {
    let mut problems = Vec::new();
    let toml_path = dir.join("takst.toml");
    let mut model = Model::default();
    // Without a readable takst.toml every reference would look unknown:
    // then only the files' own problems are reported.
    let mut toml_read = false;
    if let Some(bytes) = read_file(&toml_path, &mut problems) {
        match String::from_utf8(bytes) {
            Ok(src) => {
                let (m, p) = toml::read_model(&show(&toml_path), &src);
                toml_read = !p.iter().any(|p| p.code == Code::Syntax);
                model = m;
                problems.extend(p);
            }
            Err(e) => problems.push(Problem::new(
                Code::Syntax,
                Pos::new(show(&toml_path), 0, 0, ""),
                format!(
                    "the file is not UTF-8 (byte {}); expected a UTF-8 text file",
                    e.utf8_error().valid_up_to()
                ),
            )),
        }
    }
    if scope == Scope::Agreements {
        let a_path = table_path(dir, "agreements");
        if let Some(t) = read_table(&a_path, &csv::AGREEMENTS, opts, &mut problems) {
            model.agreements = csv::agreements(&t, &mut problems, &mut model.unreadable.agreements);
        }
        let n_path = table_path(dir, "needs");
        if let Some(t) = read_table(&n_path, &csv::NEEDS, opts, &mut problems) {
            model.needs = csv::needs(&t, &mut problems);
        }
        model.sort_canonical();
    }
    if toml_read {
        problems.extend(validate(&model));
    }
    if problems.is_empty() {
        Ok(model)
    } else {
        problem::sort(&mut problems);
        Err(problems)
    }
}
