//! What the user sees for each command on the worked example and the demo
//! data: exit code, stdout and stderr together.

use crate::common::*;

#[test]
fn commands_on_the_worked_example() {
    for (name, args) in [
        ("check_bocenter", vec!["check", "bocenter"]),
        (
            "rates_bocenter",
            vec!["rates", "bocenter", "--format", "table"],
        ),
        (
            "rates_bocenter_csv",
            vec!["rates", "bocenter", "--format", "csv"],
        ),
        (
            "tilbud_bocenter",
            vec!["tilbud", "bocenter", "--format", "table"],
        ),
        (
            "tariff_bocenter",
            vec!["tariff", "bocenter", "--format", "table"],
        ),
        (
            "tariff_bocenter_json",
            vec![
                "tariff",
                "bocenter",
                "--format",
                "json",
                "--date",
                "2025-03-01",
            ],
        ),
        (
            "explain_a1",
            vec!["explain", "bocenter", "--agreement", "A1"],
        ),
    ] {
        let r = takst(&args);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        insta::assert_snapshot!(name, r.snapshot());
    }
}

#[test]
fn commands_on_the_demo_data() {
    let demo = root().join("data");
    for (name, args) in [
        ("demo_check", vec!["check", "demo"]),
        ("demo_tilbud", vec!["tilbud", "demo", "--format", "table"]),
        ("demo_tariff", vec!["tariff", "demo", "--format", "table"]),
    ] {
        let r = takst_in(&demo, &args);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        insta::assert_snapshot!(name, r.snapshot());
    }
}

#[test]
fn out_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rates.csv");
    let r = takst(&["rates", "bocenter", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with(
        "staff,band,annual_cost_per_fte,net_hours,manned_rate,direct_rate,price_per_hour\n"
    ));
    assert_eq!(written.lines().count(), 7);
}
