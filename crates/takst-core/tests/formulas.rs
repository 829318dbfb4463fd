//! Formula tables: each CSV under tests/fixtures/formulas is a list of
//! cases, inputs → expected outputs, for one formula of SPEC section 4.
//! A failing case names its file and `case` column.

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::date;
use takst_core::calc::Engine;
use takst_core::model::*;
use takst_core::num::{Precision, RoundingMode};
use takst_core::Decimal;

fn table(name: &str) -> Vec<HashMap<String, String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/formulas")
        .join(name);
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap_or_else(|_| panic!("not a decimal: {s:?}"))
}

fn origin() -> Origin {
    Origin::at(Pos::new("formulas", 1, 1, ""))
}

fn r(id: &str) -> Ref {
    Ref::new(id, Pos::default())
}

fn item(name: &str, spec: &str) -> Item {
    // "2340" (fixed), "0.7%" (of salary), "1.5%pay" (of pay), "185h" (hours)
    let (amount, base) = if let Some(p) = spec.strip_suffix("%pay") {
        (Amount::Pct(d(p)), PctBase::Pay)
    } else if let Some(p) = spec.strip_suffix("%salary") {
        (Amount::Pct(d(p)), PctBase::Salary)
    } else if let Some(p) = spec.strip_suffix('%') {
        (Amount::Pct(d(p)), PctBase::Salary)
    } else {
        (
            Amount::Fixed(d(spec.trim_end_matches('h'))),
            PctBase::Salary,
        )
    };
    Item {
        name: name.into(),
        amount,
        base,
        origin: origin(),
    }
}

fn items(spec: &str) -> Vec<Item> {
    spec.split(';')
        .filter(|s| !s.is_empty())
        .map(|s| item(s, s))
        .collect()
}

fn staff(id: &str, pay: Pay) -> Staff {
    Staff {
        id: id.into(),
        name: id.into(),
        pay,
        pension_pct: Decimal::ZERO,
        supplement_pension_pct: Decimal::ZERO,
        direct_share: Decimal::ONE,
        net_hours: None,
        oncost: vec![],
        per_fte: vec![],
        origin: origin(),
    }
}

fn band(id: &str, pct: Decimal) -> Band {
    Band {
        id: id.into(),
        name: id.into(),
        supplement_pct: pct,
        window: None,
        origin: origin(),
    }
}

fn mode(s: &str) -> RoundingMode {
    match s {
        "half-up" => RoundingMode::HalfUp,
        "half-even" => RoundingMode::HalfEven,
        _ => panic!("mode {s}"),
    }
}

fn step(s: &str) -> Precision {
    if s == "exact" {
        Precision::Exact
    } else {
        Precision::Step(d(s))
    }
}

fn tilbud(id: &str) -> Tilbud {
    Tilbud {
        id: id.into(),
        name: id.into(),
        paragraph: None,
        places: Decimal::ONE,
        occupancy_pct: Decimal::ONE_HUNDRED,
        settlement: Decimal::ZERO,
        carry_pct: None,
        limit_base: None,
        overhead: OverheadOverride::default(),
        shared: vec![],
        costs: vec![],
        origin: origin(),
    }
}

fn check(m: &Model) {
    let p = takst_core::validate::validate(m);
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn net_hours() {
    for c in table("net_hours.csv") {
        let mut m = Model::default();
        m.working_time.gross_hours = d(&c["gross_hours"]);
        m.working_time.deductions = items(&c["deductions"]);
        let mut s = staff("s", Pay::Annual(d("400000")));
        if !c["staff_net_hours"].is_empty() {
            s.net_hours = Some(d(&c["staff_net_hours"]));
        }
        m.staff.push(s);
        check(&m);
        let e = Engine::new(&m).unwrap();
        assert_eq!(
            e.net_hours(0).unwrap(),
            d(&c["expected_net_hours"]),
            "net_hours.csv: {}",
            c["case"]
        );
    }
}

#[test]
fn fte_cost() {
    for c in table("fte_cost.csv") {
        let amount = d(&c["amount"]);
        let pay = if c["pay"] == "monthly" {
            Pay::Monthly(amount)
        } else {
            Pay::Annual(amount)
        };
        let mut s = staff("s", pay);
        s.pension_pct = d(&c["pension_pct"]);
        s.oncost = items(&c["oncost"]);
        s.per_fte = items(&c["per_fte"]);
        let mut m = Model::default();
        m.staff.push(s);
        check(&m);
        let e = Engine::new(&m).unwrap();
        let f = e.staff[0].fte().unwrap();
        let case = &c["case"];
        assert_eq!(f.salary, d(&c["salary"]), "fte_cost.csv {case}: salary");
        assert_eq!(f.pension, d(&c["pension"]), "fte_cost.csv {case}: pension");
        assert_eq!(
            f.oncost,
            d(&c["oncost_total"]),
            "fte_cost.csv {case}: oncost"
        );
        assert_eq!(f.pay, d(&c["pay_total"]), "fte_cost.csv {case}: pay");
        assert_eq!(
            f.per_fte,
            d(&c["per_fte_total"]),
            "fte_cost.csv {case}: per_fte"
        );
        assert_eq!(f.annual, d(&c["annual"]), "fte_cost.csv {case}: annual");
    }
}

#[test]
fn rates_and_prices() {
    for c in table("rates.csv") {
        let mut s = staff("s", Pay::Monthly(d(&c["monthly_salary"])));
        s.pension_pct = d(&c["pension_pct"]);
        s.supplement_pension_pct = d(&c["supplement_pension_pct"]);
        s.direct_share = d(&c["direct_share"]);
        s.net_hours = Some(d(&c["net_hours"]));
        s.oncost = items(&c["oncost"]);
        let mut m = Model::default();
        m.staff.push(s);
        m.bands.push(band("b", d(&c["supplement_pct"])));
        m.overhead.pct = d(&c["overhead_pct"]);
        m.overhead.method = if c["method"] == "share" {
            OverheadMethod::Share
        } else {
            OverheadMethod::Markup
        };
        m.rounding.rate = step(&c["rate_step"]);
        m.rounding.mode = mode(&c["mode"]);
        check(&m);
        let e = Engine::new(&m).unwrap();
        let case = &c["case"];
        let manned = e.rates[0][0].manned.to_string();
        assert!(
            manned.starts_with(&c["manned_rate_prefix"]),
            "rates.csv {case}: manned {manned}"
        );
        let price = e.prices[0][0].published;
        if c["rate_step"] == "exact" {
            assert!(
                price.to_string().starts_with(&c["price"]),
                "rates.csv {case}: price {price}"
            );
        } else {
            assert_eq!(price, d(&c["price"]), "rates.csv {case}: price");
        }
    }
}

#[test]
fn grundtakst() {
    for c in table("grundtakst.csv") {
        let mut t = tilbud("t");
        for (kind, col) in [
            (CostKind::Other, "other"),
            (CostKind::Capital, "capital"),
            (CostKind::Income, "income"),
        ] {
            t.costs.push(Cost {
                name: col.into(),
                kind,
                amount: d(&c[col]),
                origin: origin(),
            });
        }
        t.places = d(&c["places"]);
        t.occupancy_pct = d(&c["occupancy_pct"]);
        t.settlement = d(&c["settlement"]);
        let mut m = Model {
            days_per_year: d(&c["days_per_year"]),
            ..Model::default()
        };
        m.overhead.pct = d(&c["overhead_pct"]);
        m.overhead.method = if c["method"] == "share" {
            OverheadMethod::Share
        } else {
            OverheadMethod::Markup
        };
        m.overhead.include_capital = c["include_capital"] == "true";
        m.rounding.tariff = step(&c["tariff_step"]);
        m.rounding.mode = mode(&c["mode"]);
        m.tilbud.push(t);
        check(&m);
        let e = Engine::new(&m).unwrap();
        let case = &c["case"];
        assert_eq!(
            e.tilbud[0].cost_base,
            d(&c["expected_cost_base"]),
            "grundtakst.csv {case}: cost base"
        );
        assert_eq!(
            e.tilbud[0].grundtakst,
            d(&c["expected_grundtakst"]),
            "grundtakst.csv {case}: grundtakst"
        );
    }
}

#[test]
fn citizen_tariff() {
    for c in table("tariff.csv") {
        let mut m = Model::default();
        m.staff
            .push(staff("x", Pay::HourlyRate(d(&c["hourly_rate"]))));
        m.bands.push(band("b", Decimal::ZERO));
        m.rounding.rate = Precision::Exact;
        m.rounding.tariff = step(&c["tariff_step"]);
        m.rounding.mode = mode(&c["mode"]);
        let mut t = tilbud("t");
        // A grundtakst of zero: no costs.
        t.places = Decimal::ONE;
        m.tilbud.push(t);
        let (a, b) = c["ratio"].split_once(':').unwrap();
        m.agreements.push(Agreement {
            id: "A".into(),
            citizen: "C".into(),
            municipality: "M".into(),
            tilbud: r("t"),
            from: date(2025, 1, 1),
            to: None,
            agreed_tariff: None,
            origin: origin(),
        });
        m.needs.push(Need {
            agreement: "A".into(),
            staff: "x".into(),
            band: "b".into(),
            hours_per_week: d(&c["hours_per_week"]),
            ratio: Ratio {
                staff: a.parse().unwrap(),
                citizens: b.parse().unwrap(),
            },
            note: None,
            origin: origin(),
        });
        check(&m);
        let e = Engine::new(&m).unwrap();
        let tr = e.tariff(0).unwrap();
        let case = &c["case"];
        let sh = tr.lines[0].staff_hours_per_week.to_string();
        assert!(
            sh.starts_with(&c["expected_staff_hours"]),
            "tariff.csv {case}: staff hours {sh}"
        );
        assert_eq!(
            tr.individual,
            d(&c["expected_individual"]),
            "tariff.csv {case}: individual"
        );
        assert_eq!(
            tr.per_day,
            tr.grundtakst + tr.individual,
            "tariff.csv {case}"
        );
    }
}
