//! `takst economy`: the decomposition example of issue 4 asserted as
//! numbers, FTE needed on the demo data checked by hand, bad actuals
//! rejected with file, line and column, `--write-settlement`, the
//! price-development flag, and snapshots of what the user sees.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::common::*;

/// The value of the long-format row `section,item,key` of tilbud `t`.
fn cell(
    rows: &[HashMap<String, String>],
    t: &str,
    section: &str,
    item: &str,
    key: &str,
    col: &str,
) -> Decimal {
    let r = rows
        .iter()
        .find(|r| {
            r["tilbud"] == t && r["section"] == section && r["item"] == item && r["key"] == key
        })
        .unwrap_or_else(|| panic!("no row {t} {section} {item} {key}"));
    num(r, col)
}

fn economy_csv(args: &[&str]) -> Vec<HashMap<String, String>> {
    let mut all = vec!["economy"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    let r = takst(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("tilbud,year,section,item,key,budget,actual,difference,value,flag\n"));
    csv_rows(&r.stdout)
}

/// Issue 4: a 24-place tilbud, budget 40,000,000, occupancy 97 %, grundtakst
/// 4,707.43 (in øre), actual occupied days 8,300 and costs 41,200,000.
#[test]
fn decomposition_of_the_issue_example() {
    let rows = economy_csv(&["economy", "--actuals", "economy/actuals-2025.csv"]);
    for t in ["bo24", "bo24-uden"] {
        let v = |section: &str, item: &str| cell(&rows, t, section, item, "", "value");
        let ba = |item: &str, col: &str| cell(&rows, t, "budget_actual", item, "", col);
        // 40,000,000 / (24 × 365 × 97 %) = 40,000,000 / 8,497.2 = 4,707.433… → 4,707.43
        assert_eq!(ba("occupied_days", "budget"), dec("8497.20"));
        assert_eq!(ba("occupied_days", "actual"), dec("8300.00"));
        assert_eq!(ba("costs", "budget"), dec("40000000.00"));
        assert_eq!(ba("costs", "actual"), dec("41200000.00"));
        // 8,300 × 4,707.43 = 39,071,669
        assert_eq!(ba("revenue", "actual"), dec("39071669.00"));
        assert_eq!(v("result", "result"), dec("-2128331.00"));
        // (8,300 − 8,497.2) × 4,707.43 = −928,305.196
        assert_eq!(v("result", "occupancy_effect"), dec("-928305.20"));
        assert_eq!(v("result", "cost_effect"), dec("-1200000.00"));
        // The grundtakst's rounding: 8,497.2 × 4,707.43 − 40,000,000 = −25.804
        assert_eq!(v("result", "rounding"), dec("-25.80"));
        assert_eq!(v("result", "revenue_difference"), dec("0.00"));
        let sum: Decimal = [
            "occupancy_effect",
            "cost_effect",
            "rounding",
            "revenue_difference",
        ]
        .iter()
        .map(|i| v("result", i))
        .sum();
        assert_eq!(
            sum,
            v("result", "result"),
            "{t}: the effects add up to the result"
        );
    }
    // Without carry the whole deficit is settled in 2027.
    let s = |t: &str, item: &str| {
        cell(
            &rows,
            t,
            "settlement",
            item,
            if item == "settlement" { "2027" } else { "" },
            "value",
        )
    };
    assert_eq!(s("bo24-uden", "carry"), dec("0.00"));
    assert_eq!(s("bo24-uden", "settlement"), dec("2128331.00"));
    // With the default carry of 5 % of 40,000,000 the tilbud carries
    // −2,000,000 itself and 128,331 is recovered in 2027.
    assert_eq!(s("bo24", "carry_pct"), dec("5.00"));
    assert_eq!(s("bo24", "carry_limit"), dec("2000000.00"));
    assert_eq!(s("bo24", "carry"), dec("-2000000.00"));
    assert_eq!(s("bo24", "settlement"), dec("128331.00"));
    // Per day at the (estimated) occupied days of 2027: 128,331 / 8,497.2 = 15.10…
    assert_eq!(
        cell(
            &rows,
            "bo24",
            "settlement",
            "settlement_per_day",
            "2027",
            "value"
        ),
        dec("15.10")
    );
}

/// FTE needed per staff category of Bocenter Nord in the demo data, by hand.
///
/// Net hours N = 1,924 − 185 − 37 − 66.6 − 4.6 % × 1,924 − 22.2 = 1,524.696.
///
/// Socialpædagog (direct share 0.75):
/// * shared: day 112 + evening 112 h/week → 224 × 365 / 7 = 11,680 manned hours;
/// * agreed individual staff hours in 2025 (hours/week × staff:citizens × days in force):
///   N01 7 × 365 = 2,555; N02 10 × 151 (Jan–May) = 1,510; N03 10 × 214 (Jun–Dec) = 2,140
///   and 6 × 2 × 214 = 2,568; N04 14 × ½ × 365 = 2,555; N05 (5 + 4) × 320 (15 Feb–31 Dec)
///   = 2,880; N07 6 × 275 (Apr–Dec) = 1,650; N08 3 × ⅓ × 365 = 365;
///   Σ = 16,223 hour-days → 16,223 / 7 = 2,317.57… staff hours;
/// * FTE needed = (11,680 + 16,223 / 7 / 0.75) / 1,524.696
///   = (11,680 × 0.75 × 7 + 16,223) / (0.75 × 7 × 1,524.696) = 77,543 / 8,004.654 = 9.687…
///
/// SSA (direct share 0.8): shared night 56 h/week → 2,920 hours; agreed N01 3.5 × 365
/// = 1,277.5, N06 (8 + 7) × 243 (Jan–Aug) = 3,645; Σ = 4,922.5 hour-days;
/// FTE = (2,920 × 0.8 × 7 + 4,922.5) / (0.8 × 7 × 1,524.696) = 21,274.5 / 8,538.2976 = 2.491…
///
/// Sygeplejerske (0.7): only N04 1 h/week × 365 = 365 hour-days;
/// FTE = 365 / (0.7 × 7 × 1,524.696) = 365 / 7,471.0104 = 0.0488…
///
/// The psychologist has a fixed hourly rate: no FTE.
#[test]
fn fte_needed_on_the_demo_data() {
    let r = takst_in(
        &root().join("data"),
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "csv",
            "--exact",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    let fte = |s: &str, col: &str| cell(&rows, "nord", "staffing", "fte", s, col);
    let close = |got: Decimal, want: Decimal| {
        assert!(
            (got - want).abs() < dec("0.0000000000000000001"),
            "got {got}, want {want}"
        );
    };
    close(fte("paed", "budget"), dec("77543") / dec("8004.654"));
    close(fte("ssa", "budget"), dec("21274.5") / dec("8538.2976"));
    close(fte("spl", "budget"), dec("365") / dec("7471.0104"));
    assert_eq!(
        cell(&rows, "nord", "staffing", "shared_hours", "paed", "value"),
        dec("11680")
    );
    close(
        cell(
            &rows,
            "nord",
            "staffing",
            "individual_hours",
            "paed",
            "value",
        ),
        dec("16223") / dec("7"),
    );
    // Employed from the payroll (10,2 in the Danish file) and the gap.
    assert_eq!(fte("paed", "actual"), dec("10.2"));
    close(
        fte("paed", "difference"),
        dec("10.2") - dec("77543") / dec("8004.654"),
    );
    // The gap in kroner: gap × annual cost per FTE (478,729.80).
    close(
        cell(&rows, "nord", "staffing", "fte_kr", "paed", "difference"),
        (dec("10.2") - dec("77543") / dec("8004.654")) * dec("478729.80"),
    );
    assert!(!rows
        .iter()
        .any(|r| r["tilbud"] == "nord" && r["item"] == "fte" && r["key"] == "psyk"));

    // Rounded output: 9.69 needed, 10.20 employed, 0.51 more than needed.
    let r = takst_in(
        &root().join("data"),
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "csv",
        ],
    );
    let rows = csv_rows(&r.stdout);
    assert_eq!(
        cell(&rows, "nord", "staffing", "fte", "paed", "budget"),
        dec("9.69")
    );
    assert_eq!(
        cell(&rows, "nord", "staffing", "fte", "paed", "difference"),
        dec("0.51")
    );
}

/// Every displayed breakdown of the demo adds up to its displayed total.
#[test]
fn breakdowns_add_up_on_the_demo() {
    let r = takst_in(
        &root().join("data"),
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = csv_rows(&r.stdout);
    for t in ["nord", "skovly"] {
        let of = |section: &str, items: &[&str], col: &str| -> Decimal {
            rows.iter()
                .filter(|r| {
                    r["tilbud"] == t
                        && r["section"] == section
                        && items.contains(&r["item"].as_str())
                })
                .map(|r| num(r, col))
                .sum()
        };
        let cost_items = [
            "cost_staff",
            "cost_other",
            "cost_capital",
            "cost_overhead",
            "income",
            "prior_settlement",
            "individual_rounding",
        ];
        let revenue_items = ["grund_revenue", "individual_revenue", "other_revenue"];
        for col in ["budget", "actual", "difference"] {
            assert_eq!(
                of("budget_actual", &cost_items, col),
                of("budget_actual", &["costs"], col),
                "{t} costs {col}"
            );
            assert_eq!(
                of("budget_actual", &revenue_items, col),
                of("budget_actual", &["revenue"], col),
                "{t} revenue {col}"
            );
        }
        let effects = [
            "occupancy_effect",
            "cost_effect",
            "rounding",
            "revenue_difference",
        ];
        assert_eq!(
            of("result", &effects, "value"),
            of("result", &["result"], "value"),
            "{t} effects"
        );
        // result = carry − settlement(t+2)
        let carry = cell(&rows, t, "settlement", "carry", "", "value");
        let settlement = cell(&rows, t, "settlement", "settlement", "2027", "value");
        assert_eq!(
            carry - settlement,
            cell(&rows, t, "settlement", "result", "", "value"),
            "{t} settlement"
        );
    }
    // Skovly's actual revenue is given: 6,095,800 against 2,480 × 1,613 + 2,095,165 computed.
    let rows_s = |item: &str| cell(&rows, "skovly", "result", item, "", "value");
    assert_eq!(
        rows_s("revenue_difference"),
        dec("6095800") - dec("2480") * dec("1613") - dec("2095165")
    );
}

#[test]
fn bad_actuals_are_rejected_with_file_line_and_column() {
    let r = takst_in(
        &root(),
        &[
            "economy",
            "data/demo",
            "--actuals",
            "tests/fixtures/economy/bad-actuals.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.snapshot());
    assert!(r.stdout.is_empty());
    for m in [
        "bad-actuals.csv:5:1: tilbud: unknown tilbud `syd`",
        "bad-actuals.csv:6:5: amount: found occupied days -12, expected zero or more [negative]",
        "bad-actuals.csv:2:1: tilbud: tilbud nord has shared or agreed hours of staff category `ssa` in 2025 but no fte_employed row",
        "bad-actuals.csv:10:4: item: found `sosu`",
        "bad-actuals.csv:12:3: kind: found `costs`",
        "bad-actuals.csv:11: cannot read this row",
    ] {
        assert!(r.stderr.contains(m), "stderr lacks {m:?}:\n{}", r.stderr);
    }
    insta::assert_snapshot!("economy_bad_actuals", r.snapshot());
}

#[test]
fn write_settlement_into_the_t2_model() {
    let dir = copy_fixture("economy-2027");
    let t2 = dir.path().to_str().unwrap();
    let r = takst(&[
        "economy",
        "economy",
        "--actuals",
        "economy/actuals-2025.csv",
        "--write-settlement",
        t2,
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("bo24 128331.00, bo24-uden 2128331.00"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(dir.path().join("takst.toml")).unwrap();
    // The existing value is replaced, its comment kept; a missing key is added.
    assert!(
        text.contains(
            "settlement = 128331.00   # efterregulering af 2025, sættes af takst economy\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "settlement = 2128331.00  # efterregulering af regnskab 2025 (takst economy)\n"
        ),
        "{text}"
    );
    assert!(
        text.starts_with("# The t+2 model of the economy fixture"),
        "{text}"
    );
    // Per day at 2027's own occupied days: 24 × 365 × 98 % = 8,584.8.
    let rows = csv_rows(&r.stdout);
    assert_eq!(
        cell(
            &rows,
            "bo24",
            "settlement",
            "occupied_days_t2",
            "2027",
            "value"
        ),
        dec("8584.80")
    );
    assert_eq!(
        cell(
            &rows,
            "bo24",
            "settlement",
            "settlement_per_day",
            "2027",
            "value"
        ),
        dec("14.95")
    );
    // The t+2 model reads back with its new settlement in the cost base.
    let r = takst_in(dir.path(), &["tilbud", ".", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        num(row(&csv_rows(&r.stdout), "tilbud", "bo24"), "settlement"),
        dec("128331.00")
    );
}

#[test]
fn write_settlement_refuses_a_model_of_the_wrong_year() {
    let dir = copy_fixture("economy-2027");
    let path = dir.path().join("takst.toml");
    let before = std::fs::read_to_string(&path)
        .unwrap()
        .replace("year = 2027", "year = 2026");
    std::fs::write(&path, &before).unwrap();
    let r = takst(&[
        "economy",
        "economy",
        "--actuals",
        "economy/actuals-2025.csv",
        "--write-settlement",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the model is for 2026; expected 2027"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "nothing written"
    );
}

#[test]
fn price_development_flag_in_tilbud_and_economy() {
    let r = takst_in(&root().join("data"), &["tilbud", "demo", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "tilbud,shared,other,capital,overhead,income,settlement,cost_base,occupied_days,grundtakst,cost_per_place_day,limit_per_place_day,above_limit\n"
    ));
    let rows = csv_rows(&r.stdout);
    // Nord: 7,561,589.22 / (12 × 365) = 1,726.39 against 1,640 × 1.021 × 1.009 = 1,689.51.
    let nord = row(&rows, "tilbud", "nord");
    assert_eq!(num(nord, "cost_per_place_day"), dec("1726.39"));
    assert_eq!(num(nord, "limit_per_place_day"), dec("1689.51"));
    assert_eq!(nord["above_limit"], "true");
    // Skovly: (4,474,135.05 + 184,000) / (8 × 365) = 1,595.25 against 1,560 × 1.021 × 1.009 = 1,607.09.
    let skovly = row(&rows, "tilbud", "skovly");
    assert_eq!(num(skovly, "limit_per_place_day"), dec("1607.09"));
    assert_eq!(skovly["above_limit"], "false");

    let r = takst_in(
        &root().join("data"),
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let flag = v
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["tilbud"] == "nord" && o["item"] == "cost_per_place_day")
        .unwrap();
    assert_eq!(flag["flag"], "above_limit");
}

#[test]
fn economy_needs_the_model_year_and_known_keys() {
    let dir = copy_fixture("economy");
    let path = dir.path().join("takst.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("year = 2025\n", "")).unwrap();
    let actuals = fixture("economy/actuals-2025.csv");
    let r = takst_in(
        dir.path(),
        &["economy", ".", "--actuals", actuals.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the model has no year"), "{}", r.stderr);

    std::fs::write(&path, format!("{text}\n[settlement]\ncary_pct = 3\n")).unwrap();
    let r = takst_in(
        dir.path(),
        &["economy", ".", "--actuals", actuals.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown key `cary_pct` in [settlement]"),
        "{}",
        r.stderr
    );

    std::fs::write(&path, format!("{text}\n[settlement]\ncarry_pct = 120\n")).unwrap();
    let r = takst_in(
        dir.path(),
        &["economy", ".", "--actuals", actuals.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("found carry_pct 120, expected a percentage from 0 to 100"),
        "{}",
        r.stderr
    );
}

#[test]
fn out_file_and_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("economy.csv");
    let r = takst(&[
        "economy",
        "economy",
        "--actuals",
        "economy/actuals-2025.csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("tilbud,year,section,"));

    let r = takst(&[
        "economy",
        "economy",
        "--actuals",
        "economy/actuals-2025.csv",
        "--format",
        "table",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("economy_issue_example", r.snapshot());
    let data = root().join("data");
    for (name, format) in [("economy_demo", "table"), ("economy_demo_csv", "csv")] {
        let r = takst_in(
            &data,
            &[
                "economy",
                "demo",
                "--actuals",
                "demo/actuals-2025.csv",
                "--format",
                format,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        insta::assert_snapshot!(name, r.snapshot());
    }
}

/// Actuals may come as an Excel workbook (first sheet): numbers as number
/// cells, the rest as text, give the same economy as the CSV file.
#[test]
fn actuals_as_a_workbook() {
    let csv_path = fixture("economy/actuals-2025.csv");
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if v.is_empty() {
                continue;
            }
            let (r, c) = (r as u32, c as u16);
            match v.parse::<i64>() {
                Ok(n) if r > 0 => ws.write_number(r, c, n as f64).map(|_| ()),
                _ => ws.write_string(r, c, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("actuals-2025.xlsx");
    wb.save(&xlsx).unwrap();
    let from_csv = takst(&[
        "economy",
        "economy",
        "--actuals",
        "economy/actuals-2025.csv",
        "--format",
        "csv",
    ]);
    let from_xlsx = takst(&[
        "economy",
        "economy",
        "--actuals",
        xlsx.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(from_csv.code, 0, "{}", from_csv.stderr);
    assert_eq!(from_xlsx.code, 0, "{}", from_xlsx.stderr);
    assert_eq!(from_xlsx.stdout, from_csv.stdout);
}
