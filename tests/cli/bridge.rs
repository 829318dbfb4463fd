//! Recalculation: `bridge`, `index`, receipts (`tariff --receipt`,
//! `verify`) and parameter status, on the worked example, the demo data and
//! the fixtures under tests/fixtures/bridge (the worked example indexed to
//! 2026 with provisional pay, and a final 2026 model with one need changed
//! and one agreement added).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::common::*;

/// Per (kind, id): the step changes and the total row's (from, to, change).
type Bridged = BTreeMap<(String, String), (Vec<(String, Decimal)>, [Decimal; 3])>;

fn bridged(csv: &str) -> Bridged {
    let mut out: Bridged = BTreeMap::new();
    for r in csv_rows(csv) {
        if r["step"] == "added" || r["step"] == "ended" {
            continue;
        }
        let e = out
            .entry((r["kind"].clone(), r["id"].clone()))
            .or_insert_with(|| (Vec::new(), [Decimal::ZERO; 3]));
        if r["step"] == "total" {
            e.1 = [num(&r, "from"), num(&r, "to"), num(&r, "change")];
        } else {
            e.0.push((r["step"].clone(), num(&r, "change")));
            // Each row's to = from + change.
            assert_eq!(num(&r, "to"), num(&r, "from") + num(&r, "change"), "{r:?}");
        }
    }
    out
}

fn assert_steps_sum(b: &Bridged) {
    assert!(!b.is_empty());
    for ((kind, id), (steps, [from, to, change])) in b {
        let sum: Decimal = steps.iter().map(|s| s.1).sum();
        assert_eq!(sum, *change, "{kind} {id}: steps {steps:?}");
        assert_eq!(*to - *from, *change, "{kind} {id}");
    }
}

#[test]
fn index_check_tariff_bridge_round_trip_on_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo2026");
    let demo = root().join("data");
    let o = out.to_str().unwrap();
    let r = takst_in(
        &demo,
        &[
            "index",
            "demo",
            "--to-year",
            "2026",
            "--wage-pct",
            "3,2",
            "--price-pct",
            "2.1",
            "--out",
            o,
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let changes = csv_rows(&r.stdout);
    let paed = changes
        .iter()
        .find(|c| c["id"] == "paed" && c["key"] == "monthly_salary")
        .unwrap();
    // 34,521 × 1.032 = 35,625.672 → 35,625.67 (øre, half-up).
    assert_eq!(num(paed, "to"), dec("35625.67"));
    let text = std::fs::read_to_string(out.join("takst.toml")).unwrap();
    assert!(text.contains("year = 2026"));
    assert!(text.contains(
        "source = \"OK24, løntrin 6 + kvalifikationstillæg; fremskrevet fra 2025 med løn 3,2 %\""
    ));
    assert!(text.contains("# Demo model for takst"), "comments are kept");
    // Capital is untouched without --capital-pct.
    assert!(text.contains("amount = 400000"));

    let r = takst_in(&demo, &["check", o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = takst_in(&demo, &["tariff", o, "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(csv_rows(&r.stdout).len(), 14);

    for exact in [true, false] {
        let mut args = vec!["bridge", "demo", o, "--format", "csv"];
        if exact {
            args.push("--exact");
        }
        let r = takst_in(&demo, &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let b = bridged(&r.stdout);
        assert_eq!(b.len(), 2 + 14, "two grundtakster and 14 tariffs");
        assert_steps_sum(&b);
        // Only pay, on-costs, other costs, income and rounding moved.
        for (steps, _) in b.values() {
            for (s, _) in steps {
                assert!(
                    s.starts_with("pay:")
                        || s.starts_with("oncost:")
                        || ["other", "income", "rounding"].contains(&s.as_str()),
                    "{s}"
                );
            }
        }
    }
}

#[test]
fn index_refuses_an_existing_directory_and_writes_nothing_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().to_str().unwrap();
    let r = takst(&[
        "index",
        "bocenter",
        "--to-year",
        "2026",
        "--wage-pct",
        "3",
        "--price-pct",
        "2",
        "--out",
        o,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let out = dir.path().join("new");
    let r = takst(&[
        "index",
        "bocenter",
        "--to-year",
        "2026",
        "--wage-pct",
        "tre",
        "--price-pct",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn only_pay_changes_gives_one_step_plus_rounding() {
    let d = copy_fixture("bocenter");
    let p = d.path().join("takst.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains("monthly_salary = 34521"));
    std::fs::write(
        &p,
        text.replace("monthly_salary = 34521", "monthly_salary = 35000"),
    )
    .unwrap();
    let r = takst(&[
        "bridge",
        "bocenter",
        d.path().to_str().unwrap(),
        "--format",
        "csv",
        "--exact",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = bridged(&r.stdout);
    assert_steps_sum(&b);
    for ((_, id), (steps, _)) in &b {
        let pay: Vec<_> = steps.iter().filter(|s| s.0 != "rounding").collect();
        assert_eq!(pay.len(), 1, "{id}: {steps:?}");
        assert_eq!(pay[0].0, "pay:paed");
    }
}

#[test]
fn bridge_snapshots() {
    for (name, args) in [
        (
            "bridge_bocenter_2026",
            vec![
                "bridge",
                "bocenter",
                "bridge/bocenter_2026",
                "--format",
                "table",
            ],
        ),
        (
            "bridge_provisional_to_final",
            vec![
                "bridge",
                "bridge/bocenter_2026",
                "bridge/bocenter_2026_final",
                "--format",
                "table",
            ],
        ),
        (
            "bridge_catch_up_csv",
            vec![
                "bridge",
                "bridge/bocenter_2026",
                "bridge/bocenter_2026_final",
                "--catch-up",
                "--format",
                "csv",
            ],
        ),
        (
            "bridge_bocenter_2026_csv",
            vec![
                "bridge",
                "bocenter",
                "bridge/bocenter_2026",
                "--format",
                "csv",
            ],
        ),
    ] {
        let r = takst(&args);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        insta::assert_snapshot!(name, r.snapshot());
    }
}

#[test]
fn catch_up_is_change_per_day_times_days_in_force() {
    let r = takst(&[
        "bridge",
        "bridge/bocenter_2026",
        "bridge/bocenter_2026_final",
        "--catch-up",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let t = takst(&["tariff", "bridge/bocenter_2026", "--format", "csv"]);
    let old = csv_rows(&t.stdout);
    let t = takst(&["tariff", "bridge/bocenter_2026_final", "--format", "csv"]);
    let new = csv_rows(&t.stdout);
    // A1 is open-ended: all 365 days of 2026.
    let c1 = row(&rows, "citizen", "C001");
    let change = num(row(&new, "agreement", "A1"), "tariff_per_day")
        - num(row(&old, "agreement", "A1"), "tariff_per_day");
    assert_eq!(num(c1, "days"), dec("365"));
    assert_eq!(num(c1, "catch_up"), change * dec("365"));
    // A2 and A4 ended in 2025: no catch-up for 2026.
    assert!(rows.iter().all(|r| r["citizen"] != "C003"));
}

#[test]
fn provisional_parameters_are_listed() {
    let r = takst(&["tariff", "bridge/bocenter_2026", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for row in csv_rows(&r.stdout) {
        assert_eq!(row["status"], "provisional", "{row:?}");
    }
    assert!(
        r.stderr.starts_with(
            "bemærk: 4 takster hviler på foreløbige værdier eller prognoser: A1 (foreløbig)"
        ),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains("månedsløn (foreløbig) [bridge/bocenter_2026/takst.toml:55]"));
    // The final model rests on agreed values only: no note.
    let r = takst(&["tariff", "bridge/bocenter_2026_final", "--format", "csv"]);
    assert_eq!(r.stderr, "");
    assert!(csv_rows(&r.stdout).iter().all(|r| r["status"] == "agreed"));
    // explain shows the status of each input.
    let r = takst(&["explain", "bridge/bocenter_2026", "--agreement", "A1"]);
    assert!(r.stdout.contains("status: foreløbig"), "{}", r.stdout);
}

#[test]
fn a_sub_table_inherits_its_tables_status_and_a_bad_status_is_an_error() {
    let d = copy_fixture("bocenter");
    let p = d.path().join("takst.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let forecast = text.replacen("[[tilbud]]\n", "[[tilbud]]\nstatus = \"forecast\"\n", 1);
    assert_ne!(forecast, text);
    std::fs::write(&p, &forecast).unwrap();
    let r = takst(&["tariff", d.path().to_str().unwrap(), "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(csv_rows(&r.stdout)
        .iter()
        .all(|r| r["status"] == "forecast"));
    std::fs::write(
        &p,
        text.replacen("[[tilbud]]\n", "[[tilbud]]\nstatus = \"maybe\"\n", 1),
    )
    .unwrap();
    let r = takst(&["check", d.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("tilbud.status: found \"maybe\", expected one of \"agreed\", \"provisional\", \"forecast\""),
        "{}",
        r.stderr
    );
}

fn write_receipt(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("receipt.json");
    let r = takst(&[
        "tariff",
        "bocenter",
        "--format",
        "csv",
        "--receipt",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("kvittering skrevet: "), "{}", r.stderr);
    path
}

#[test]
fn a_receipt_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_receipt(dir.path());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["format"], "takst-receipt");
    assert_eq!(doc["format_version"], 2);
    assert_eq!(doc["model"]["needs"][0]["staff"], "paed");
    assert_eq!(doc["engine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["model"]["rounding"]["mode"], "half-up");
    assert_eq!(doc["results"]["tariffs"][0]["tariff_per_day"], "2446");
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
    let r = takst(&["verify", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("identical: 1 grundtakst and 4 tariffs recompute exactly as recorded"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_tampered_receipt_fails_naming_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_receipt(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let tampered = text.replacen(
        "\"tariff_per_day\": \"2446\"",
        "\"tariff_per_day\": \"2447\"",
        1,
    );
    assert_ne!(tampered, text);
    std::fs::write(&path, tampered).unwrap();
    let r = takst(&["verify", path.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("its SHA-256 does not match"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "the first differing number: tariff A1 tariff_per_day: the receipt says 2447, recomputed 2446"
        ),
        "{}",
        r.stderr
    );

    // A changed input: the figures it moves are named.
    let tampered = text.replacen("\"monthly\": \"34521\"", "\"monthly\": \"34621\"", 1);
    assert_ne!(tampered, text);
    std::fs::write(&path, tampered).unwrap();
    let r = takst(&["verify", path.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the first differing number: grundtakst nord cost_base"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_receipt_that_is_intact_but_recomputes_differently_exits_1() {
    // Simulate an engine change: alter a recorded figure and re-seal the hash,
    // as a receipt written by a takst that computed differently would be.
    let dir = tempfile::tempdir().unwrap();
    let path = write_receipt(dir.path());
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["results"]["tariffs"][0]["individual"] = "665".into();
    doc["results"]["tariffs"][0]["tariff_per_day"] = "2445".into();
    doc["sha256"] = canonical_sha256(&doc).into();
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let r = takst(&["verify", path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("different: 2 recorded figures"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("tariff A1 individual: the receipt says 665, recomputed 666 (difference 1): the unrounded individual part is the same, so the rounding differs"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_receipt_of_a_newer_format_says_which_version_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_receipt(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let newer = text
        .replacen("\"format_version\": 2", "\"format_version\": 7", 1)
        .replacen(
            &format!("\"engine_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"engine_version\": \"9.1.0\"",
            1,
        );
    std::fs::write(&path, newer).unwrap();
    let r = takst(&["verify", path.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the receipt has format version 7, written by takst 9.1.0; this takst")
            && r.stderr.contains("verify it with takst 9.1.0 or later"),
        "{}",
        r.stderr
    );
}

/// A receipt written by takst 0.1.0 in format 1 (need lines' references
/// as objects with positions) still reads and verifies.
#[test]
fn a_receipt_of_format_1_still_verifies() {
    let r = takst(&["verify", "receipts/format-1.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "identical: 1 grundtakst and 4 tariffs recompute exactly as recorded (receipt format 1, written by takst 0.1.0 at 2026-11-23T12:43:53Z"
        ),
        "{}",
        r.stdout
    );
}

/// The canonical hash, computed independently of takst: keys sorted,
/// no whitespace, without `sha256`.
fn canonical_sha256(doc: &serde_json::Value) -> String {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().cloned().collect();
                keys.sort();
                let mut o = serde_json::Map::new();
                for k in keys {
                    o.insert(k.clone(), sorted(&m[&k]));
                }
                serde_json::Value::Object(o)
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
            _ => v.clone(),
        }
    }
    let mut v = sorted(doc);
    v.as_object_mut().unwrap().remove("sha256");
    use sha2::Digest;
    sha2::Sha256::digest(serde_json::to_string(&v).unwrap().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
