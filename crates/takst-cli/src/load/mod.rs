//! Loading a model directory: `takst.toml`, and when a command needs them,
//! `agreements.csv` and `needs.csv`; then validation.
//!
//! Responsible for: file I/O of the model inputs and collecting every
//! problem of every file before giving up. Not responsible for: the
//! calculation or rendering.

pub mod actuals;
pub mod csv;
pub mod toml;

use std::path::Path;

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

/// The scope a model directory can be loaded with: everything when it has
/// agreements.csv or needs.csv, else its parameters only.
pub fn scope_for(dir: &Path) -> Scope {
    if dir.join("agreements.csv").exists() || dir.join("needs.csv").exists() {
        Scope::Agreements
    } else {
        Scope::Parameters
    }
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

/// Load and validate the model in `dir`. All problems of all files are
/// returned together, sorted by file and line.
pub fn load(dir: &Path, scope: Scope) -> Result<Model, Vec<Problem>> {
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
        let a_path = dir.join("agreements.csv");
        if let Some(bytes) = read_file(&a_path, &mut problems) {
            model.agreements = csv::read_agreements(
                &show(&a_path),
                &bytes,
                &mut problems,
                &mut model.unreadable.agreements,
            );
        }
        let n_path = dir.join("needs.csv");
        if let Some(bytes) = read_file(&n_path, &mut problems) {
            model.needs = csv::read_needs(&show(&n_path), &bytes, &mut problems);
        }
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
