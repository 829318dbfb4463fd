//! Helpers: run the `takst` binary, find fixtures, read CSV output.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr together, as a snapshot shows them.
    pub fn snapshot(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run takst with `args` in directory `cwd`.
pub fn takst_in(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run takst");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run takst in tests/fixtures, so that paths in messages are short and stable.
pub fn takst(args: &[&str]) -> Run {
    takst_in(&root().join("tests/fixtures"), args)
}

/// A copy of a fixture model in a temporary directory, to modify.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(fixture(name)).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    dir
}

/// CSV output as rows of column → value.
pub fn csv_rows(s: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(s.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap_or_else(|_| panic!("not a decimal: {s:?}"))
}

/// The row whose `key` column is `value`.
pub fn row<'a>(
    rows: &'a [HashMap<String, String>],
    key: &str,
    value: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key}={value}"))
}

/// Column `col` of `r` as a decimal.
pub fn num(r: &HashMap<String, String>, col: &str) -> Decimal {
    dec(&r[col])
}
