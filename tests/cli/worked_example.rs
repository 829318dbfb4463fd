//! SPEC section 9: the worked example (tests/fixtures/bocenter, a copy of
//! the spec's example) reproduced through the CLI, asserted as numbers.

use rust_decimal::Decimal;

use crate::common::*;

fn csv_of(args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let r = takst(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    csv_rows(&r.stdout)
}

#[test]
fn net_hours_and_hourly_prices() {
    let rows = csv_of(&["rates", "bocenter", "--format", "csv", "--exact"]);
    let paed_dag = rows
        .iter()
        .find(|r| r["staff"] == "paed" && r["band"] == "dag")
        .unwrap();
    assert_eq!(num(paed_dag, "net_hours"), dec("1524.696"));
    assert_eq!(num(paed_dag, "annual_cost_per_fte"), dec("478729.8"));
    assert_eq!(num(paed_dag, "price_per_hour"), dec("443.76"));
    // manned rate, day = 478,729.80 / 1,524.696 = 313.98377…
    assert!(
        paed_dag["manned_rate"].starts_with("313.98377"),
        "{}",
        paed_dag["manned_rate"]
    );
    let paed_aften = rows
        .iter()
        .find(|r| r["staff"] == "paed" && r["band"] == "aften")
        .unwrap();
    // evening adds 414,252 / 1,924 × 27 % × 1.0375 = 60.3130…
    let added = num(paed_aften, "manned_rate") - num(paed_dag, "manned_rate");
    assert!(added.to_string().starts_with("60.3130"), "{added}");
    let ssa_aften = rows
        .iter()
        .find(|r| r["staff"] == "ssa" && r["band"] == "aften")
        .unwrap();
    assert_eq!(num(ssa_aften, "price_per_hour"), dec("444.19"));
}

#[test]
fn grundtakst() {
    let rows = csv_of(&["tilbud", "bocenter", "--format", "csv"]);
    let nord = row(&rows, "tilbud", "nord");
    assert_eq!(num(nord, "cost_base"), dec("7561589.22"));
    assert_eq!(num(nord, "occupied_days"), dec("4248.6"));
    assert_eq!(num(nord, "grundtakst"), dec("1780"));
}

#[test]
fn citizen_tariffs() {
    let rows = csv_of(&["tariff", "bocenter", "--format", "csv"]);
    let cases = [
        ("A1", "666", "2446"),
        ("A2", "634", "2414"),
        ("A3", "1541", "3321"),
        ("A4", "444", "2224"),
    ];
    for (a, individual, tariff) in cases {
        let r = row(&rows, "agreement", a);
        assert_eq!(num(r, "grundtakst"), dec("1780"), "{a}");
        assert_eq!(num(r, "individual"), dec(individual), "{a}");
        assert_eq!(num(r, "tariff_per_day"), dec(tariff), "{a}");
    }
    assert_eq!(
        num(row(&rows, "agreement", "A2"), "agreed_tariff"),
        dec("3000")
    );
    assert_eq!(row(&rows, "agreement", "A1")["agreed_tariff"], "");
}

/// Every expected/*.csv of the example agrees with takst's output to 0.01.
#[test]
fn expected_files_agree_to_the_cent() {
    for (cmd, file) in [
        ("rates", "rates.csv"),
        ("tilbud", "tilbud.csv"),
        ("tariff", "tariff.csv"),
    ] {
        let expected = std::fs::read_to_string(fixture("bocenter/expected").join(file)).unwrap();
        let expected = csv_rows(&expected);
        let got = csv_of(&[cmd, "bocenter", "--format", "csv"]);
        assert_eq!(got.len(), expected.len(), "{cmd}: row count");
        for (e, g) in expected.iter().zip(&got) {
            for (k, v) in e {
                let gv = g.get(k).unwrap_or_else(|| panic!("{cmd}: no column {k}"));
                match (Decimal::from_str_exact(v), Decimal::from_str_exact(gv)) {
                    (Ok(a), Ok(b)) => assert!(
                        (a - b).abs() <= dec("0.01"),
                        "{cmd} {k}: expected {a}, got {b}"
                    ),
                    _ => assert_eq!(v, gv, "{cmd} {k}"),
                }
            }
        }
    }
}

/// The displayed parts of the cost base add up to the displayed cost base.
#[test]
fn tilbud_breakdown_adds_up_as_displayed() {
    for model in ["bocenter", "../../data/demo"] {
        for r in csv_of(&["tilbud", model, "--format", "csv"]) {
            let sum =
                num(&r, "shared") + num(&r, "other") + num(&r, "capital") + num(&r, "overhead")
                    - num(&r, "income")
                    + num(&r, "settlement");
            assert_eq!(sum, num(&r, "cost_base"), "{model} {}", r["tilbud"]);
        }
    }
}
