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

#[test]
fn tariff_for_one_municipality_holds_only_its_citizens() {
    let r = takst_in(
        &root().join("data"),
        &[
            "tariff",
            "demo",
            "--format",
            "csv",
            "--municipality",
            "København",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    assert_eq!(
        rows.iter()
            .map(|r| r["agreement"].as_str())
            .collect::<Vec<_>>(),
        ["N04", "N05", "S01", "S06"]
    );
    assert!(rows.iter().all(|r| r["municipality"] == "København"));
}

#[test]
fn tariff_on_a_date() {
    let r = takst(&[
        "tariff",
        "bocenter",
        "--format",
        "csv",
        "--date",
        "01-04-2025",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<String> = csv_rows(&r.stdout)
        .iter()
        .map(|r| r["agreement"].clone())
        .collect();
    // A2 ended 2025-03-31; A3 started 2025-04-01.
    assert_eq!(ids, ["A1", "A3", "A4"]);
}

/// The README's compare command on the demo data: every delivered hour is
/// matched or counted under a reason, and the line says so exactly.
#[test]
fn compare_on_the_demo_data() {
    let r = takst_in(
        &root().join("data"),
        &[
            "compare",
            "demo",
            "--delivered",
            "demo/delivered-2025q1.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "conservation: delivered_in=1136.50 matched=1130.00 outside_period=1.50 unknown_citizen=2.00 \
         no_agreement_that_day=0.00 unknown_staff=3.00 unknown_band=0.00\n"
    );
    let rows = csv_rows(&r.stdout);
    let n01 = rows
        .iter()
        .find(|r| r["agreement"] == "N01" && r["staff"] == "paed")
        .unwrap();
    assert_eq!(n01["status"], "under");
}
