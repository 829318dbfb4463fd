//! `takst compare` (SPEC 5, 8, 9): the worked example as numbers and as
//! snapshots, clock-time rows, the split per municipality, a generated file
//! against an independent aggregation in this test, the Danish Excel
//! dialect, the two-thread split and malformed rows.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use rust_decimal::Decimal;

use crate::common::*;

const Q1: [&str; 4] = ["--from", "2025-01-01", "--to", "2025-03-31"];

fn compare(model: &str, delivered: &str, extra: &[&str]) -> Run {
    let mut args = vec!["compare", model, "--delivered", delivered];
    args.extend_from_slice(&Q1);
    args.extend_from_slice(extra);
    takst(&args)
}

/// The numbers of a `conservation:` line, by name.
fn conservation(stderr: &str) -> BTreeMap<String, Decimal> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("conservation: "))
        .unwrap_or_else(|| panic!("no conservation line in {stderr}"));
    line["conservation: ".len()..]
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), dec(v))
        })
        .collect()
}

fn line<'a>(
    rows: &'a [HashMap<String, String>],
    a: &str,
    s: &str,
    b: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["agreement"] == a && r["staff"] == s && r["band"] == b)
        .unwrap_or_else(|| panic!("no line {a} {s} {b}"))
}

#[test]
fn worked_example_figures() {
    let r = compare("bocenter", "bocenter/delivered.csv", &["--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let a1 = line(&rows, "A1", "paed", "dag");
    assert_eq!(num(a1, "agreed_hours"), dec("90.00"));
    assert_eq!(num(a1, "delivered_hours"), dec("77.00"));
    assert_eq!(num(a1, "diff_hours"), dec("-13.00"));
    assert_eq!(num(a1, "diff_value"), dec("-5768.88"));
    assert_eq!(a1["status"], "under");
    let a2 = line(&rows, "A2", "paed", "dag");
    assert_eq!(num(a2, "agreed_hours"), dec("128.57"));
    assert_eq!(num(a2, "delivered_hours"), dec("120.00"));
    assert_eq!(a2["status"], "ok");
    let c = conservation(&r.stderr);
    assert_eq!(c["delivered_in"], dec("278.75"));
    assert_eq!(c["matched"], dec("275.75"));
    assert_eq!(c["unknown_citizen"], dec("2.00"));
    assert_eq!(c["outside_period"], dec("1.00"));
    let sum: Decimal = c
        .iter()
        .filter(|(k, _)| *k != "delivered_in")
        .map(|(_, v)| *v)
        .sum();
    assert_eq!(sum, c["delivered_in"]);
}

/// Every value agrees with expected/compare.csv and expected/conservation.csv to 0.01.
#[test]
fn expected_files_agree_to_the_cent() {
    let r = compare(
        "bocenter",
        "bocenter/delivered.csv",
        &["--format", "csv", "--exact"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = csv_rows(&r.stdout);
    let expected =
        csv_rows(&std::fs::read_to_string(fixture("bocenter/expected/compare.csv")).unwrap());
    assert_eq!(got.len(), expected.len());
    for (e, g) in expected.iter().zip(&got) {
        for (k, v) in e {
            let gv = &g[k];
            match (Decimal::from_str_exact(v), Decimal::from_str_exact(gv)) {
                (Ok(a), Ok(b)) => {
                    assert!((a - b).abs() <= dec("0.01"), "{k}: expected {a}, got {b}")
                }
                _ => assert_eq!(v, gv, "{k}"),
            }
        }
    }
    let c = conservation(&r.stderr);
    let expected =
        csv_rows(&std::fs::read_to_string(fixture("bocenter/expected/conservation.csv")).unwrap());
    for (k, v) in &expected[0] {
        assert_eq!(c[k], dec(v), "{k}");
    }
}

#[test]
fn snapshots_on_the_worked_example() {
    for (name, extra) in [
        ("compare_bocenter", vec!["--format", "table"]),
        (
            "compare_bocenter_totals_agreement",
            vec!["--format", "table", "--totals", "agreement"],
        ),
        (
            "compare_bocenter_totals_citizen_csv",
            vec!["--format", "csv", "--totals", "citizen"],
        ),
        (
            "compare_bocenter_totals_municipality",
            vec!["--format", "table", "--totals", "municipality"],
        ),
        (
            "compare_bocenter_propose",
            vec!["--format", "table", "--propose"],
        ),
    ] {
        let r = compare("bocenter", "bocenter/delivered.csv", &extra);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        insta::assert_snapshot!(name, r.snapshot());
    }
}

#[test]
fn totals_add_up_and_variance_splits_exactly() {
    let r = compare(
        "bocenter",
        "bocenter/delivered.csv",
        &["--format", "csv", "--totals", "agreement"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for t in csv_rows(&r.stdout) {
        assert_eq!(
            num(&t, "tariff_paid") + num(&t, "balance"),
            num(&t, "value_delivered"),
            "{}",
            t["agreement"]
        );
        assert_eq!(
            num(&t, "volume_effect") + num(&t, "mix_effect"),
            num(&t, "variance"),
            "{}",
            t["agreement"]
        );
    }
    let rows = csv_rows(&r.stdout);
    // A1: 90 days × 2,446 paid; value 90 × 1,780 + 77 × 443.76 + 45 × 444.19.
    let a1 = row(&rows, "agreement", "A1");
    assert_eq!(num(a1, "days"), dec("90"));
    assert_eq!(num(a1, "tariff_paid"), dec("220140.00"));
    assert_eq!(num(a1, "value_delivered"), dec("214358.07"));
    assert_eq!(num(a1, "balance"), dec("-5781.93"));
    // gap −5,768.88; volume −13 h × (90 × 443.76 + 45 × 444.19)/135 = −5,770.743…;
    // mix the rest, 1.863…
    assert_eq!(num(a1, "variance"), dec("-5768.88"));
    assert_eq!(num(a1, "volume_effect"), dec("-5770.74"));
    assert_eq!(num(a1, "mix_effect"), dec("1.86"));
    // A2 pays an agreed 3,000 against a calculated 2,414.
    let a2 = row(&rows, "agreement", "A2");
    assert_eq!(num(a2, "tariff_differs"), dec("1"));
    assert_eq!(num(a2, "calculated_tariff"), dec("2414.00"));
    assert_eq!(num(a2, "agreed_tariff"), dec("3000.00"));
    assert_eq!(num(a2, "tariff_paid"), dec("270000.00"));
}

#[test]
fn propose_gives_lines_and_tariff() {
    let r = compare(
        "bocenter",
        "bocenter/delivered.csv",
        &["--format", "csv", "--propose"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    // A1 and A4 have a line under; A2 is within tolerance.
    let agreements: Vec<&str> = rows.iter().map(|r| r["agreement"].as_str()).collect();
    assert_eq!(agreements, ["A1", "A1", "A4"]);
    // A1: 77 h over 90 days = 5.99 h/week; 77 × 443.76/90 + 45 × 444.19/90 = 601.76 → 602.
    let a1 = line(&rows, "A1", "paed", "dag");
    assert_eq!(num(a1, "proposed_hours_per_week"), dec("5.99"));
    assert_eq!(num(a1, "agreed_hours_per_week"), dec("7.00"));
    assert_eq!(num(a1, "current_tariff"), dec("2446.00"));
    assert_eq!(num(a1, "proposed_tariff"), dec("2382.00"));
    assert_eq!(num(a1, "diff_per_day"), dec("-64.00"));
    assert_eq!(num(a1, "diff_per_year"), dec("-23360.00"));
    // A4 at 1:2: 33.75 staff h over 45 days = 5.25 staff h/week = 10.5 citizen h/week.
    let a4 = line(&rows, "A4", "paed", "dag");
    assert_eq!(num(a4, "proposed_staff_hours_per_week"), dec("5.25"));
    assert_eq!(num(a4, "proposed_hours_per_week"), dec("10.50"));
    assert_eq!(a4["ratio"], "1:2");
}

#[test]
fn propose_on_an_over_delivery() {
    let dir = copy_fixture("bocenter");
    // C003 (A4, 7 staff h/week agreed) gets 60 extra hours in March.
    let mut text = std::fs::read_to_string(fixture("bocenter/delivered.csv")).unwrap();
    text.push_str("C003,2025-03-10,paed,dag,60\n");
    std::fs::write(dir.path().join("delivered.csv"), text).unwrap();
    let d = dir.path().join("delivered.csv");
    let r = takst(&[
        "compare",
        dir.path().to_str().unwrap(),
        "--delivered",
        d.to_str().unwrap(),
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--format",
        "csv",
        "--propose",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let a4 = line(&rows, "A4", "paed", "dag");
    // 93.75 staff h over 45 days: 14.58 staff h/week; 93.75 × 443.76/45 = 924.5 → 925 (half-up).
    assert_eq!(num(a4, "proposed_staff_hours_per_week"), dec("14.58"));
    assert_eq!(num(a4, "proposed_tariff"), dec("2705.00"));
    assert_eq!(num(a4, "current_tariff"), dec("2224.00"));
    assert_eq!(num(a4, "diff_per_day"), dec("481.00"));
    assert_eq!(num(a4, "diff_per_year"), dec("175565.00"));
    let r = takst(&[
        "compare",
        dir.path().to_str().unwrap(),
        "--delivered",
        d.to_str().unwrap(),
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--format",
        "csv",
        "--fail-on",
        "over",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn fail_on_sets_exit_status_1() {
    for (flag, code) in [("under", 1), ("any", 1), ("over", 0)] {
        let r = compare(
            "bocenter",
            "bocenter/delivered.csv",
            &["--format", "csv", "--fail-on", flag],
        );
        assert_eq!(r.code, code, "--fail-on {flag}: {}", r.stderr);
        assert!(!r.stdout.is_empty());
    }
}

#[test]
fn usage_errors() {
    let r = takst(&[
        "compare",
        "bocenter",
        "--delivered",
        "bocenter/delivered.csv",
        "--from",
        "2025-03-31",
        "--to",
        "2025-01-01",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("before --from"), "{}", r.stderr);
    let r = compare(
        "bocenter",
        "bocenter/delivered.csv",
        &["--tolerance", "ten"],
    );
    assert_eq!(r.code, 2);
    let r = compare(
        "bocenter",
        "bocenter/delivered.csv",
        &["--split-by", "municipality"],
    );
    assert_eq!(r.code, 2, "--split-by needs --out-dir");
    let r = compare("bocenter", "no/such.csv", &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no/such.csv"), "{}", r.stderr);
}

/// A model directory (copy of bocenter) with clock windows on its bands
/// and a fourth band for public holidays.
fn clock_model() -> tempfile::TempDir {
    let dir = copy_fixture("bocenter");
    let toml = std::fs::read_to_string(fixture("bocenter/takst.toml")).unwrap();
    let toml = toml
        .replace("name = \"Dag 06-17\"\n", "name = \"Dag 06-17\"\ndays = \"all\"\nfrom = \"06:00\"\nto = \"17:00\"\n")
        .replace("name = \"Aften 17-23\"\n", "name = \"Aften 17-23\"\ndays = \"all\"\nfrom = \"17:00\"\nto = \"23:00\"\n")
        .replace("name = \"Nat 23-06\"\n", "name = \"Nat 23-06\"\ndays = [\"all\"]\nfrom = \"23:00\"\nto = \"06:00\"\n")
        + "\n[[band]]\nid = \"helligdag\"\nsupplement_pct = 50\ndays = [\"hol\"]\nfrom = \"00:00\"\nto = \"00:00\"\n";
    std::fs::write(dir.path().join("takst.toml"), toml).unwrap();
    dir
}

#[test]
fn clock_time_rows_across_midnight_dst_and_holiday() {
    let dir = clock_model();
    let delivered = "citizen,staff,start,end\n\
        C001,ssa,2025-02-03 22:00,2025-02-04 07:00\n\
        C001,ssa,2025-03-29 22:00,2025-03-30 06:00\n\
        C001,ssa,2025-10-25T22:00,2025-10-26T06:00\n\
        C001,ssa,21-04-2025 08:00,21-04-2025 12:00\n\
        C001,vikar,2025-05-01 08:00,2025-05-01 09:00\n\
        C999,ssa,2025-05-01 08:00,2025-05-01 09:30\n\
        C001,ssa,2025-12-31 23:00,2026-01-01 01:00\n";
    let d = dir.path().join("delivered.csv");
    std::fs::write(&d, delivered).unwrap();
    let r = takst(&[
        "compare",
        dir.path().to_str().unwrap(),
        "--delivered",
        d.to_str().unwrap(),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
        "--exact",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let hours = |b: &str| num(line(&rows, "A1", "ssa", b), "delivered_hours");
    // 22-07: aften 1, nat 1 + 6, dag 1. Spring forward 22-06 is 7 real hours:
    // aften 1, nat 6. Fall back 22-06 is 9: aften 1, nat 8. 2. påskedag 08-12:
    // helligdag 4. New Year's Eve 23-24 nat; 1 January 00-01 is outside.
    assert_eq!(hours("dag"), dec("1"));
    assert_eq!(hours("aften"), dec("3"));
    assert_eq!(hours("nat"), dec("7") + dec("6") + dec("8") + dec("1"));
    assert_eq!(hours("helligdag"), dec("4"));
    let c = conservation(&r.stderr);
    assert_eq!(c["delivered_in"], dec("33.50"));
    assert_eq!(c["matched"], dec("30.00"));
    assert_eq!(c["unknown_staff"], dec("1.00"));
    assert_eq!(c["unknown_citizen"], dec("1.50"));
    assert_eq!(c["outside_period"], dec("1.00"));
    assert_eq!(c["unknown_band"], dec("0.00"));
}

#[test]
fn clock_minutes_without_a_band_are_unknown_band() {
    let dir = copy_fixture("bocenter"); // no band has a window
    let d = dir.path().join("delivered.csv");
    std::fs::write(
        &d,
        "citizen;staff;start;end\r\nC001;paed;03-02-2025 08:00;03-02-2025 08:20\r\n",
    )
    .unwrap();
    let r = takst(&[
        "compare",
        dir.path().to_str().unwrap(),
        "--delivered",
        d.to_str().unwrap(),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = conservation(&r.stderr);
    assert_eq!(c["unknown_band"], dec("0.33"));
    assert_eq!(c["delivered_in"], dec("0.33"));
}

#[test]
fn split_by_municipality_keeps_each_municipality_to_itself() {
    let out = tempfile::tempdir().unwrap();
    for extra in [
        vec![],
        vec!["--totals", "citizen"],
        vec!["--totals", "agreement"],
        vec!["--totals", "municipality"],
        vec!["--propose"],
    ] {
        for e in std::fs::read_dir(out.path()).unwrap() {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        }
        let mut args = vec![
            "--split-by",
            "municipality",
            "--out-dir",
            out.path().to_str().unwrap(),
        ];
        // --propose lists only agreements outside the tolerance: a file may be empty.
        let propose = extra.contains(&"--propose");
        args.extend(extra);
        let r = compare("bocenter", "bocenter/delivered.csv", &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            !r.stderr.contains("C00"),
            "no citizen ids in messages: {}",
            r.stderr
        );
        // Which municipality pays for which citizen, from agreements.csv.
        let agreements =
            csv_rows(&std::fs::read_to_string(fixture("bocenter/agreements.csv")).unwrap());
        let mut files = 0;
        for e in std::fs::read_dir(out.path()).unwrap() {
            let path = e.unwrap().path();
            let m = path.file_stem().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            files += 1;
            let rows = csv_rows(&text);
            assert!(propose || !rows.is_empty(), "{m}");
            for r in &rows {
                assert_eq!(r["municipality"], m, "{m}: a row of another municipality");
                assert!(
                    !r.contains_key("citizen")
                        || agreements
                            .iter()
                            .any(|a| a["citizen"] == r["citizen"] && a["municipality"] == m),
                    "{m}: citizen {} is not paid by {m}",
                    r["citizen"]
                );
            }
            // And no citizen of another municipality appears anywhere in the file.
            for a in agreements.iter().filter(|a| a["municipality"] != m) {
                if !agreements
                    .iter()
                    .any(|b| b["citizen"] == a["citizen"] && b["municipality"] == m)
                {
                    assert!(!text.contains(&a["citizen"]), "{m} holds {}", a["citizen"]);
                }
            }
        }
        assert_eq!(files, 2);
    }
}

// ---------------------------------------------------------------------------
// A generated file against an independent aggregation
// ---------------------------------------------------------------------------

/// A tiny deterministic generator (64-bit LCG), so the test needs no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

struct Row {
    citizen: &'static str,
    date: jiff::civil::Date,
    staff: &'static str,
    band: &'static str,
    /// Hundredths or, every 97th row, thousandths of an hour.
    hours: Decimal,
}

fn generate(n: usize, seed: u64) -> Vec<Row> {
    let mut g = Lcg(seed);
    let citizens = ["C001", "C002", "C003", "C999"];
    let staff = ["paed", "ssa", "paed", "vikar"];
    let bands = ["dag", "aften", "nat", "døgn", "dag"];
    let start = jiff::civil::date(2024, 12, 20);
    (0..n)
        .map(|i| {
            let hours = if i % 97 == 0 {
                Decimal::new(g.next(8000) as i64 + 1, 3)
            } else {
                Decimal::new(g.next(800) as i64 + 1, 2)
            };
            Row {
                citizen: citizens[g.next(4) as usize],
                date: start
                    .checked_add(jiff::Span::new().days(g.next(120) as i64))
                    .unwrap(),
                staff: staff[g.next(4) as usize],
                band: bands[g.next(5) as usize],
                hours,
            }
        })
        .collect()
}

/// Delivered hours per agreement × staff × band.
type Lines = BTreeMap<(String, String, String), Decimal>;
/// Hours per conservation reason (and `delivered_in`, `matched`).
type Reasons = BTreeMap<&'static str, Decimal>;

/// SPEC 5 written out plainly for the bocenter agreements.
fn aggregate(rows: &[Row]) -> (Lines, Reasons) {
    let d = |s: &str| takst_core::text::parse_date(s).unwrap();
    let agreements = [
        ("A1", "C001", d("2025-01-01"), d("9999-12-31")),
        ("A2", "C002", d("2025-01-01"), d("2025-03-31")),
        ("A3", "C002", d("2025-04-01"), d("9999-12-31")),
        ("A4", "C003", d("2025-02-15"), d("2025-12-31")),
    ];
    let (from, to) = (d("2025-01-01"), d("2025-03-31"));
    let mut lines = BTreeMap::new();
    let mut reasons: BTreeMap<&'static str, Decimal> = BTreeMap::new();
    for r in rows {
        *reasons.entry("delivered_in").or_default() += r.hours;
        let reason = if r.date < from || r.date > to {
            "outside_period"
        } else if !agreements.iter().any(|a| a.1 == r.citizen) {
            "unknown_citizen"
        } else if let Some(a) = agreements
            .iter()
            .find(|a| a.1 == r.citizen && a.2 <= r.date && r.date <= a.3)
        {
            if !["paed", "ssa"].contains(&r.staff) {
                "unknown_staff"
            } else if !["dag", "aften", "nat"].contains(&r.band) {
                "unknown_band"
            } else {
                *lines
                    .entry((a.0.to_string(), r.staff.to_string(), r.band.to_string()))
                    .or_default() += r.hours;
                "matched"
            }
        } else {
            "no_agreement_that_day"
        };
        *reasons.entry(reason).or_default() += r.hours;
    }
    (lines, reasons)
}

/// Writes rows as plain CSV or as Danish Excel saves them.
fn write(path: &Path, rows: &[Row], excel: bool, extra_head: &str) {
    let mut s = String::with_capacity(rows.len() * 32);
    if excel {
        s.push_str("\u{feff}citizen;date;staff;band;hours;note\r\n");
    } else {
        s.push_str("citizen,date,staff,band,hours,note\n");
    }
    for (i, r) in rows.iter().enumerate() {
        let note = if i == rows.len() / 2 { extra_head } else { "" };
        if excel {
            let (y, m, d) = (r.date.year(), r.date.month(), r.date.day());
            let h = r.hours.to_string().replace('.', ",");
            let _ = write!(
                s,
                "{};{d:02}-{m:02}-{y};{};{};{h};{note}\r\n",
                r.citizen, r.staff, r.band
            );
        } else {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{note}",
                r.citizen, r.date, r.staff, r.band, r.hours
            );
        }
    }
    std::fs::write(path, s).unwrap();
}

fn run_generated(
    path: &Path,
    threads: &str,
) -> (Vec<HashMap<String, String>>, BTreeMap<String, Decimal>) {
    let r = takst(&[
        "compare",
        "bocenter",
        "--delivered",
        path.to_str().unwrap(),
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--format",
        "csv",
        "--exact",
        "--threads",
        threads,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (csv_rows(&r.stdout), conservation(&r.stderr))
}

fn check_against(rows: &[Row], got: &[HashMap<String, String>], cons: &BTreeMap<String, Decimal>) {
    let (lines, reasons) = aggregate(rows);
    for ((a, s, b), h) in &lines {
        assert_eq!(
            num(line(got, a, s, b), "delivered_hours"),
            *h,
            "{a} {s} {b}"
        );
    }
    // Lines with delivered hours are exactly those aggregated here.
    let delivered: usize = got
        .iter()
        .filter(|r| !num(r, "delivered_hours").is_zero())
        .count();
    assert_eq!(delivered, lines.len());
    for (k, v) in &reasons {
        let shown =
            v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert!(
            (cons[*k] - shown).abs() <= dec("0.01"),
            "{k}: {} vs {}",
            cons[*k],
            v
        );
    }
    let sum: Decimal = cons
        .iter()
        .filter(|(k, _)| *k != "delivered_in")
        .map(|(_, v)| *v)
        .sum();
    assert_eq!(sum, cons["delivered_in"], "conservation as printed");
}

#[test]
fn generated_file_matches_an_independent_aggregation() {
    let rows = generate(100_000, 7);
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.csv");
    write(&plain, &rows, false, "");
    assert!(
        std::fs::metadata(&plain).unwrap().len() > 2 << 20,
        "big enough for two threads"
    );
    let (two, cons2) = run_generated(&plain, "2");
    check_against(&rows, &two, &cons2);
    let (one, cons1) = run_generated(&plain, "1");
    assert_eq!(one, two, "one thread and two threads agree");
    assert_eq!(cons1, cons2);

    // The same rows as Danish Excel saves them: BOM, `;`, decimal comma, dd-mm-yyyy, CRLF.
    let excel = dir.path().join("excel.csv");
    write(&excel, &rows, true, "");
    let (got, cons) = run_generated(&excel, "2");
    assert_eq!(got, two);
    assert_eq!(cons, cons2);

    // Windows-1252 with a `sep=;` line.
    let text = std::fs::read_to_string(&excel).unwrap();
    let with_sep = format!("sep=;\r\n{}", text.trim_start_matches('\u{feff}'));
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&with_sep);
    let cp = dir.path().join("cp1252.csv");
    std::fs::write(&cp, &bytes).unwrap();
    let (got, cons) = run_generated(&cp, "2");
    assert_eq!(got, two);
    assert_eq!(cons, cons2);

    // A quoted note with line breaks across the middle of the file: the
    // two-thread split lands inside quotes and must fall back, not misread.
    let quoted = dir.path().join("quoted.csv");
    let note = format!("\"{}\"", "a line\n".repeat(60_000));
    write(&quoted, &rows, false, &note);
    let (got, cons) = run_generated(&quoted, "2");
    assert_eq!(got, two);
    assert_eq!(cons, cons2);

    // The same with a literal quote (`24"`) in the first row's note: an
    // even number of quotes now comes before the split, which still lies
    // inside the quoted note. Counting quotes would accept it.
    let text = std::fs::read_to_string(&quoted).unwrap();
    let literal = text.replacen(",\n", ",skærm 24\"\n", 1);
    let data_start = literal.find('\n').unwrap() + 1;
    let middle = data_start + (literal.len() - data_start) / 2;
    let split = middle + literal[middle..].find('\n').unwrap() + 1;
    let before = &literal.as_bytes()[..split];
    assert_eq!(before.iter().filter(|&&b| b == b'"').count() % 2, 0);
    assert!(
        literal[split..].starts_with("a line\n"),
        "the split is inside the note"
    );
    std::fs::write(&quoted, literal).unwrap();
    let (got, cons) = run_generated(&quoted, "2");
    assert_eq!(got, two);
    assert_eq!(cons, cons2);
}

/// A literal quote (`24"`) in the first row's note, then a quoted note with
/// line breaks across the middle of the file: an even number of quotes comes
/// before the point where two threads would split, yet that point lies
/// inside the quoted note. Two threads must notice (the first range ends
/// inside quotes) and give exactly what one thread gives; counting quotes
/// would accept the split. Plain and as Danish Excel saves it (`;`, CRLF).
#[test]
fn two_threads_equal_one_when_a_literal_quote_hides_a_split_inside_quotes() {
    let rows = generate(40_000, 11);
    let dir = tempfile::tempdir().unwrap();
    for excel in [false, true] {
        let (sep, eol) = if excel { (';', "\r\n") } else { (',', "\n") };
        let path = dir
            .path()
            .join(if excel { "excel.csv" } else { "plain.csv" });
        let note = format!("\"{}\"", format!("a line{eol}").repeat(30_000));
        write(&path, &rows, excel, &note);
        let text = std::fs::read_to_string(&path).unwrap().replacen(
            &format!("{sep}{eol}"),
            &format!("{sep}skærm 24\"{eol}"),
            1,
        );
        std::fs::write(&path, &text).unwrap();

        // Where `delivered::scan` splits: the first `\n` after the middle
        // of the data (after the header line).
        let data_start = text.find('\n').unwrap() + 1;
        assert!(
            text.len() - data_start > 1 << 20,
            "big enough for two threads"
        );
        let middle = data_start + (text.len() - data_start) / 2;
        let split = middle + text[middle..].find('\n').unwrap() + 1;
        let quotes = text.as_bytes()[..split].iter().filter(|&&b| b == b'"');
        assert_eq!(
            quotes.count(),
            2,
            "a literal quote and the note's opening one"
        );
        assert!(
            text[split..].starts_with("a line"),
            "the split is inside the note"
        );

        let run = |threads: &str| {
            let p = path.to_str().unwrap();
            let r = compare("bocenter", p, &["--format", "csv", "--threads", threads]);
            assert_eq!(r.code, 0, "{threads} thread(s): {}", r.stderr);
            r
        };
        let (one, two) = (run("1"), run("2"));
        assert!(one.stdout.lines().count() > 10, "{}", one.stdout);
        assert_eq!(two.stdout, one.stdout, "excel: {excel}");
        let conservation_line = |stderr: &str| {
            stderr
                .lines()
                .find(|l| l.starts_with("conservation: "))
                .unwrap_or_else(|| panic!("no conservation line in {stderr}"))
                .to_string()
        };
        assert_eq!(
            conservation_line(&two.stderr),
            conservation_line(&one.stderr),
            "excel: {excel}"
        );
    }
}

#[test]
fn malformed_rows_are_listed_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("delivered.csv");
    std::fs::write(
        &d,
        "citizen,date,staff,band,hours\n\
         C001,2025-01-02,paed,dag,1\n\
         C001,2025-02-30,paed,dag,1\n\
         C001,2025-01-03,paed,dag,1,5\n\
         C002,2025-01-03,paed,dag,-2\n\
         C003,2025-01-03,paed,dag,\n\
         ,2025-01-03,paed,dag,1\n\
         C999,2025-01-03,paed,dag,1.5\n",
    )
    .unwrap();
    let r = takst_in(
        dir.path(),
        &[
            "compare",
            fixture("bocenter").to_str().unwrap(),
            "--delivered",
            "delivered.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    for want in [
        "delivered.csv:3:2: date: found `2025-02-30`",
        "delivered.csv:4: found 6 fields, expected 5",
        "delivered.csv:5:5: hours: found -2, expected 0 or more",
        "delivered.csv:6:5: hours: found an empty value",
        "delivered.csv:7:1: citizen: `citizen` is empty",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
    for id in ["C001", "C002", "C003", "C999"] {
        assert!(
            !r.stderr.contains(id),
            "citizen id {id} in an error message:\n{}",
            r.stderr
        );
    }
    insta::assert_snapshot!("compare_malformed_rows", r.snapshot());
}

/// Runs compare on `text` as delivered.csv and returns stderr (exit status 2).
fn malformed(text: &str, threads: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("delivered.csv"), text).unwrap();
    let r = takst_in(
        dir.path(),
        &[
            "compare",
            fixture("bocenter").to_str().unwrap(),
            "--delivered",
            "delivered.csv",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--threads",
            threads,
        ],
    );
    assert_eq!(r.code, 2, "{}", r.snapshot());
    r.stderr
}

/// A literal quote in a column name (`skærm 5"`) does not open a quoted
/// field: the header is the first line, and the rows keep their lines.
#[test]
fn a_quote_in_a_header_name_is_literal() {
    let text = "citizen,date,staff,band,hours,skærm 5\"\n\
                C001,2025-01-02,paed,dag,1,\"a\nb\"\n\
                C001,2025-01-03,paed,dag,x,\n";
    let err = malformed(text, "1");
    assert!(err.contains("delivered.csv:4:5: hours: found `x`"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("delivered.csv:")).count(),
        1,
        "{err}"
    );
}

#[test]
fn malformed_rows_in_crlf_files_have_the_right_line() {
    // Lines: 1 header, 2 ok, 3 bad date, 4 blank, 5 ok with a quoted note
    // over two lines (5-6), 7 bad hours, 8 too few fields, 9 bad hours
    // without a final line end.
    let lines = [
        "citizen,date,staff,band,hours,note",
        "C001,2025-01-02,paed,dag,1,",
        "C001,2025-02-30,paed,dag,1,",
        "",
        "C001,2025-01-03,paed,dag,1,\"two\r\nlines\"",
        "C001,2025-01-04,paed,dag,x,",
        "C001,2025-01-05,paed,dag",
        "C001,2025-01-06,paed,dag,y,",
    ];
    let want = [
        "delivered.csv:3:2: date:",
        "delivered.csv:7:5: hours: found `x`",
        "delivered.csv:8: found 4 fields",
        "delivered.csv:9:5: hours: found `y`",
    ];
    for eol in ["\r\n", "\n"] {
        let text = lines.join(eol).replace("\r\n", eol);
        let err = malformed(&text, "1");
        for w in want {
            assert!(err.contains(w), "{eol:?}: missing {w:?} in\n{err}");
        }
        // With a final line end, the last row is still on line 9.
        let err = malformed(&format!("{text}{eol}"), "1");
        assert!(err.contains(want[3]), "{eol:?}:\n{err}");
    }
    // A file big enough for two threads: the bad rows in both halves keep
    // their lines (the second half counts on from the first).
    let mut text = String::from("citizen,date,staff,band,hours\r\n");
    let n = 80_000;
    for i in 0..n {
        let h = if i == 10 || i == n - 10 { "x" } else { "1" };
        text.push_str(&format!("C001,2025-01-02,paed,dag,{h}\r\n"));
        if i % 1000 == 0 {
            text.push_str("\r\n");
        }
    }
    assert!(text.len() > 2 << 20);
    let first = 2 + 10 + 1; // row 10 after one blank line
    let last = 2 + (n - 10) + (n - 10 - 1) / 1000 + 1;
    for threads in ["1", "2"] {
        let err = malformed(&text, threads);
        for l in [first, last] {
            let w = format!("delivered.csv:{l}:5: hours: found `x`");
            assert!(
                err.contains(&w),
                "{threads} threads: missing {w:?} in\n{err}"
            );
        }
    }
}
