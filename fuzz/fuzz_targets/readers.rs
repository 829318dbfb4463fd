//! Fuzz target: every reader of takst's inputs on the same bytes —
//! takst.toml, agreements.csv, needs.csv (any dialect) and an .xlsx sheet.
//! A crash, a hang or a run-away allocation is a bug; problems are fine.
//!
//! The CLI is a binary crate, so its reader modules are compiled in here by
//! path, exactly as `takst` compiles them.

#![no_main]
#![allow(dead_code)]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/takst-cli/src/dialect.rs"]
mod dialect;
#[path = "../../crates/takst-cli/src/load/mod.rs"]
mod load;
#[path = "../../crates/takst-cli/src/util.rs"]
mod util;

fuzz_target!(|bytes: &[u8]| {
    let mut p = Vec::new();
    let mut u = Vec::new();
    let _ = load::csv::read_agreements("agreements.csv", bytes, &mut p, &mut u);
    let _ = load::csv::read_needs("needs.csv", bytes, &mut p);
    let _ = load::toml::read_model("takst.toml", &String::from_utf8_lossy(bytes));
    if let Ok(sheet) = load::xlsx::read_sheet("agreements.xlsx", bytes, None) {
        let _ = load::csv::Table::from_sheet(
            "agreements.xlsx",
            &sheet,
            load::csv::AGREEMENTS.required,
            load::csv::AGREEMENTS.optional,
            &mut p,
        );
    }
});
