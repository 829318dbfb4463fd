//! Loading a model directory: `takst.toml`, and when a command needs them,
//! `agreements.csv` and `needs.csv` (or `agreements.xlsx`, `needs.xlsx`);
//! then the canonical order and validation.
//!
//! Responsible for: file I/O of the model inputs, choosing CSV or XLSX by
//! file name, and collecting every problem of every file before giving up.
//! Not responsible for: the calculation or rendering.

pub mod actuals;
pub mod csv;
pub mod toml;
pub mod xlsx;

use std::path::{Path, PathBuf};

use takst_core::model::{Model, Need, Pos};
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
    p.strip_prefix(".").unwrap_or(p).display().to_string()
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

/// Hand each row of the table at `path` to `each`: a CSV file is streamed
/// (no row is kept), a workbook is read whole. `None` when the file cannot
/// be read as a table at all, else whether every row could be read.
pub fn scan_table(
    path: &Path,
    cols: &csv::Columns,
    opts: &Options,
    problems: &mut Vec<Problem>,
    each: impl FnMut(&csv::Row, &mut Vec<Problem>) + Send,
) -> Option<bool> {
    let mut states = [each];
    scan_table_parts(path, cols, opts, problems, &mut states, |each, r, p| {
        each(r, p)
    })
}

/// Like [`scan_table`], a large CSV file read in one part per state at
/// the same time (see [`csv::Table::scan_parts`]); a workbook's rows all
/// go to the first state.
pub fn scan_table_parts<S: Send>(
    path: &Path,
    cols: &csv::Columns,
    opts: &Options,
    problems: &mut Vec<Problem>,
    states: &mut [S],
    each: impl Fn(&mut S, &csv::Row, &mut Vec<Problem>) + Sync,
) -> Option<bool> {
    if xlsx::is_xlsx(path) {
        let t = read_table(path, cols, opts, problems)?;
        if let Some(state) = states.first_mut() {
            for i in 0..t.rows.len() {
                each(state, &t.row(i), problems);
            }
        }
        return Some(t.complete);
    }
    let bytes = read_file(path, problems)?;
    let t = csv::Table::scan_parts(&show(path), &bytes, cols, problems, states, each)?;
    Some(t.complete)
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
    crate::util::phase("start");
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
    crate::util::phase("read takst.toml");
    if scope == Scope::Agreements {
        // The agreements are read on a thread of their own, the need lines
        // (the larger file) meanwhile in two parts on two threads.
        let (read_agreements, (needs, need_problems)) = std::thread::scope(|scope| {
            let agreements = scope.spawn(|| {
                let mut p = Vec::new();
                let mut agreements = Vec::new();
                let mut unreadable = Vec::new();
                let a_path = table_path(dir, "agreements");
                let complete = scan_table(&a_path, &csv::AGREEMENTS, opts, &mut p, |r, p| {
                    agreements.extend(csv::agreement(r, p, &mut unreadable));
                });
                (agreements, unreadable, complete, p)
            });
            let mut parts: [(Vec<Need>, csv::NeedIds); 2] = Default::default();
            let mut p = Vec::new();
            let n_path = table_path(dir, "needs");
            scan_table_parts(
                &n_path,
                &csv::NEEDS,
                opts,
                &mut p,
                &mut parts,
                |part, r, p| part.0.extend(csv::need(r, &mut part.1, p)),
            );
            let [(mut needs, _), (rest, _)] = parts;
            needs.extend(rest);
            // The agreements' thread only panics on a bug: then so does this one.
            let agreements = agreements
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (agreements, (needs, p))
        });
        let (agreements, unreadable, complete, p) = read_agreements;
        problems.extend(p);
        model.agreements = agreements;
        model.unreadable.agreements = unreadable;
        // Without the agreements, every reference to one would look unknown.
        model.unreadable.agreements_file = complete != Some(true);
        problems.extend(need_problems);
        model.needs = needs;
        crate::util::phase("read agreements and need lines");
        model.sort_canonical();
        crate::util::phase("canonical order");
    }
    if toml_read {
        problems.extend(validate(&model));
        crate::util::phase("validate");
    }
    if problems.is_empty() {
        Ok(model)
    } else {
        problem::sort(&mut problems);
        Err(problems)
    }
}

/// Hostile input: every reader, fed arbitrary bytes and mutated valid
/// files, returns problems and never panics or hangs. The case counts are
/// modest so that `cargo test` stays fast; `fuzz/` runs the same readers
/// for as long as one likes.
#[cfg(test)]
mod hostile {
    use proptest::prelude::*;

    const AGREEMENTS: &[u8] = include_bytes!("../../../../tests/fixtures/bocenter/agreements.csv");
    const NEEDS: &[u8] = include_bytes!("../../../../tests/fixtures/bocenter/needs.csv");
    const TOML: &[u8] = include_bytes!("../../../../tests/fixtures/bocenter/takst.toml");

    /// Every reader of the model on one input.
    fn read_all(bytes: &[u8]) {
        let mut p = Vec::new();
        let mut u = Vec::new();
        let _ = super::csv::read_agreements("a.csv", bytes, &mut p, &mut u);
        let _ = super::csv::read_needs("n.csv", bytes, &mut p);
        let _ = super::toml::read_model("t.toml", &String::from_utf8_lossy(bytes));
        if let Ok(sheet) = super::xlsx::read_sheet("a.xlsx", bytes, None) {
            let _ = super::csv::Table::from_sheet(
                "a.xlsx",
                &sheet,
                super::csv::AGREEMENTS.required,
                super::csv::AGREEMENTS.optional,
                &mut p,
            );
        }
    }

    /// A valid file mutated: bytes flipped, cut short, lines duplicated.
    fn mutate(base: &[u8], flips: &[(usize, u8)], cut: usize, dup: usize) -> Vec<u8> {
        let mut b = base.to_vec();
        for &(i, x) in flips {
            let n = b.len().max(1);
            if let Some(c) = b.get_mut(i % n) {
                *c ^= x;
            }
        }
        let lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            out.extend_from_slice(l);
            if i == dup % lines.len().max(1) {
                out.extend_from_slice(l);
            }
        }
        let keep = out.len().saturating_sub(cut % (out.len() + 1));
        out.truncate(keep);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            read_all(&bytes);
        }

        #[test]
        fn mutated_files(
            which in 0usize..3,
            flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 0..6),
            cut in any::<usize>(),
            dup in any::<usize>(),
        ) {
            let base = [AGREEMENTS, NEEDS, TOML][which];
            read_all(&mutate(base, &flips, cut, dup));
        }

        #[test]
        fn absurd_numbers(digits in "[0-9]{20,60}", dot in 0usize..60) {
            let mut n = digits.clone();
            if dot < n.len() { n.insert(dot, '.'); }
            let csv = format!("agreement,staff,band,hours_per_week\nA1,paed,dag,{n}\n");
            let mut p = Vec::new();
            let _ = super::csv::read_needs("n.csv", csv.as_bytes(), &mut p);
            let toml = format!("[[band]]\nid = \"a\"\nsupplement_pct = {n}\n");
            let _ = super::toml::read_model("t.toml", &toml);
        }
    }

    /// A workbook whose bytes are mutated: a clean problem, never a panic.
    #[test]
    fn mutated_workbooks() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["agreement", "citizen", "municipality", "tilbud", "from"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).expect("write");
            ws.write_string(1, c as u16, "x").expect("write");
        }
        let bytes = wb.save_to_buffer().expect("workbook");
        let mut state = 7u64;
        for _ in 0..64 {
            let mut b = bytes.clone();
            for _ in 0..4 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let i = (state >> 33) as usize % b.len();
                b[i] ^= (state >> 8) as u8 | 1;
            }
            read_all(&b);
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            b.truncate((state >> 33) as usize % bytes.len());
            read_all(&b);
        }
    }
}
