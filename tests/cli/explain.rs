//! `takst explain`: the derivation tree accounts for every kroner.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::*;

fn tree(args: &[&str]) -> Value {
    let r = takst(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn value(n: &Value) -> Decimal {
    dec(&n["value"].to_string())
}

fn child<'a>(n: &'a Value, key: &str) -> &'a Value {
    n["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no child {key}"))
}

/// Check the arithmetic of every node whose formula is a plain sum, and
/// that every leaf is an input with a file and line.
fn check(n: &Value, leaves: &mut usize) {
    let children = n["children"].as_array().cloned().unwrap_or_default();
    // A leaf is an input value (with its file and line), unless it restates
    // siblings by a formula (the overhead base).
    if children.is_empty() && n["formula"].is_null() {
        *leaves += 1;
        let at = n["at"]
            .as_str()
            .unwrap_or_else(|| panic!("leaf without position: {n}"));
        assert!(at.contains(".toml:") || at.contains(".csv:"), "{at}");
    }
    if n["formula"] == "Σ lines" || n["formula"] == "Σ need lines" || n["formula"] == "Σ items" {
        let s: Decimal = children.iter().map(value).sum();
        assert_eq!(s, value(n), "sum of {}", n["key"]);
    }
    for c in &children {
        check(c, leaves);
    }
}

#[test]
fn agreement_tree_accounts_for_every_kroner() {
    let t = tree(&[
        "explain",
        "bocenter",
        "--agreement",
        "A3",
        "--format",
        "json",
    ]);
    assert_eq!(t["key"], "tariff_per_day");
    assert_eq!(value(&t), dec("3321"));
    let g = child(&t, "grundtakst");
    let i = child(&t, "individual");
    assert_eq!(value(g) + value(i), value(&t));
    assert_eq!(value(i), dec("1541"));
    // 10/7 × 443.76 + 12/7 × 529.01 = 1,540.817…
    let exact = child(i, "individual_exact");
    assert_eq!(exact["children"].as_array().unwrap().len(), 2);
    assert!(exact["value"].to_string().starts_with("1540.817"));
    let mut leaves = 0;
    check(&t, &mut leaves);
    assert!(leaves > 20, "{leaves} leaves");
}

#[test]
fn cost_base_parts_add_up() {
    let t = tree(&[
        "explain", "bocenter", "--tilbud", "nord", "--format", "json",
    ]);
    assert_eq!(value(&t), dec("1780"));
    let cb = child(child(&t, "grundtakst_exact"), "cost_base");
    let part = |k: &str| value(child(cb, k));
    assert_eq!(
        part("shared") + part("other") + part("capital") + part("overhead") - part("income")
            + part("settlement"),
        value(cb)
    );
    let mut leaves = 0;
    check(&t, &mut leaves);
}

#[test]
fn sources_and_notes_are_shown() {
    let r = takst(&["explain", "bocenter", "--staff", "paed"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Sygefravær: 88,504 t"), "{}", r.stdout);
    assert!(
        r.stdout.contains("kilde: Regionernes sygefraværsstatistik"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("[bocenter/takst.toml:53]"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("explain_staff_paed", r.stdout);
}
