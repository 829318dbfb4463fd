//! Every kind of input error: exit status 2, nothing on stdout, and each
//! problem on stderr with file, line and column. One snapshot per fixture
//! under tests/fixtures/errors; each snapshot is also checked for the
//! essentials so that a careless snapshot update cannot hide a regression.

use crate::common::*;

fn check_error(case: &str, must_contain: &[&str]) {
    let model = format!("errors/{case}");
    let r = takst(&["tariff", &model, "--format", "csv"]);
    assert_eq!(r.code, 2, "{case}: {}", r.snapshot());
    assert!(
        r.stdout.is_empty(),
        "{case}: stdout must be empty on bad input"
    );
    for m in must_contain {
        assert!(
            r.stderr.contains(m),
            "{case}: stderr lacks {m:?}:\n{}",
            r.stderr
        );
    }
    insta::assert_snapshot!(format!("error_{case}"), r.snapshot());
}

#[test]
fn unknown_key() {
    check_error(
        "unknown_key",
        &[
            "errors/unknown_key/takst.toml:5:1: model.days_per_yaer: unknown key",
            "pensoin_pct",
        ],
    );
}

#[test]
fn malformed_number() {
    check_error(
        "malformed_number",
        &[
            "takst.toml:",
            "staff.monthly_salary",
            "\"34.521,00\"",
            "37 timer",
        ],
    );
}

#[test]
fn unknown_ids() {
    check_error(
        "unknown_ids",
        &[
            "unknown staff category `sosu`",
            "unknown staff category `pæd`",
            "unknown band `morgen`",
            "unknown agreement `A9`",
            "unknown tilbud `syd`",
        ],
    );
}

#[test]
fn overlap() {
    check_error(
        "overlap",
        &[
            "agreements.csv:4",
            "agreement A3 from 2025-03-15 overlaps agreement A2",
        ],
    );
}

#[test]
fn overlap_message_has_no_citizen_id() {
    let r = takst(&["check", "errors/overlap"]);
    assert!(
        !r.stderr.contains("C002"),
        "citizen ids are personal data: {}",
        r.stderr
    );
}

#[test]
fn to_before_from() {
    check_error(
        "to_before_from",
        &[
            "agreements.csv:5:6: to:",
            "ends 2025-01-31, before it starts 2025-02-15",
        ],
    );
}

#[test]
fn negative() {
    check_error(
        "negative",
        &[
            "needs.csv:2:4: hours_per_week: found hours -7",
            "tilbud.shared.hours_per_week",
        ],
    );
}

#[test]
fn duplicate_id() {
    check_error(
        "duplicate_id",
        &[
            "staff category `paed` is defined twice",
            "agreement `A1` is defined twice",
        ],
    );
}

#[test]
fn missing_column() {
    check_error(
        "missing_column",
        &["needs.csv:1: hours_per_week: the header has no column `hours_per_week`"],
    );
}

#[test]
fn bad_toml() {
    check_error("bad_toml", &["takst.toml:", "this is not valid TOML"]);
}

#[test]
fn malformed_values() {
    check_error(
        "malformed_values",
        &[
            "agreements.csv:2:5: from: found `2025-13-01`",
            "found `3.000kr`",
            "found `2-1`",
            "found `ti`",
        ],
    );
}

#[test]
fn zero_places_and_share_out_of_range() {
    check_error(
        "zero_places",
        &["tilbud.places: found places 0", "direct_share: found 75"],
    );
}

#[test]
fn overhead_share_of_100_percent() {
    check_error("overhead_share_100", &["expected less than 100 %"]);
}

#[test]
fn missing_file() {
    check_error(
        "missing_file",
        &["errors/missing_file/needs.csv: cannot read the file: no such file"],
    );
}

#[test]
fn wrong_type() {
    check_error(
        "wrong_type",
        &[
            "overhead.include_capital: found string",
            "expected true or false",
            "tilbud.places: found array",
        ],
    );
}

#[test]
fn no_output_file_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tariff.csv");
    let r = takst(&["tariff", "errors/overlap", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        !out.exists(),
        "a failed command must not write its output file"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left behind"
    );
}

#[test]
fn usage_errors_exit_2() {
    let r = takst(&["explain", "bocenter", "--agreement", "A99"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: --agreement A99: no such agreement in the model\n"
    );
    let r = takst(&["rates", "bocenter", "--format", "xml"]);
    assert_eq!(r.code, 2);
    let r = takst(&["tariff", "bocenter", "--date", "31-02-2025"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: --date: found `31-02-2025`"),
        "{}",
        r.stderr
    );
}

#[test]
fn conflicting_keys() {
    check_error(
        "conflict",
        &["staff.annual_salary: both `monthly_salary` and `annual_salary` given"],
    );
}
