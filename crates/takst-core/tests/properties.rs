//! Property tests: for random valid models, displayed breakdowns add up to
//! displayed totals, and grundtakst × occupied days reproduces the cost base
//! within the rounding bound.

use proptest::prelude::*;
use takst_core::calc::Engine;
use takst_core::model::*;
use takst_core::num::{allocate, Precision, RoundingMode};
use takst_core::Decimal;

fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

fn origin() -> Origin {
    Origin::at(Pos::new("prop", 1, 1, ""))
}

prop_compose! {
    fn amount()(m in 0i64..5_000_000_000, s in 0u32..=2) -> Decimal { dec(m, s) }
}

prop_compose! {
    fn tilbud_model()(
        other in amount(), capital in amount(), income in 0i64..100_000_000,
        settlement in -500_000_000_i64..500_000_000,
        places in 1i64..200, occupancy in 500i64..=1000,
        overhead in 0i64..300, share in any::<bool>(), include_capital in any::<bool>(),
        salary in 2_000_000_i64..6_000_000, shared_hours in 0i64..4000,
        supplement in 0i64..1000, direct_share in 50i64..=100,
        step in prop::sample::select(vec!["1", "0.01", "0.5", "10"]),
        half_even in any::<bool>(),
    ) -> Model {
        let mut m = Model::default();
        m.rounding.tariff = Precision::Step(Decimal::from_str_exact(step).unwrap());
        m.rounding.mode = if half_even { RoundingMode::HalfEven } else { RoundingMode::HalfUp };
        m.overhead.pct = dec(overhead, 1);
        m.overhead.method = if share { OverheadMethod::Share } else { OverheadMethod::Markup };
        m.overhead.include_capital = include_capital;
        m.bands.push(Band { id: "b".into(), name: "b".into(), supplement_pct: dec(supplement, 1), window: None, origin: origin() });
        m.staff.push(Staff {
            id: "s".into(), name: "s".into(), pay: Pay::Monthly(dec(salary, 2)), pension_pct: dec(15, 0),
            supplement_pension_pct: dec(375, 2), direct_share: dec(direct_share, 2), net_hours: None,
            oncost: vec![], per_fte: vec![], origin: origin(),
        });
        let cost = |name: &str, kind, amount| Cost { name: name.into(), kind, amount, origin: origin() };
        m.tilbud.push(Tilbud {
            id: "t".into(), name: "t".into(), paragraph: None, places: Decimal::from(places),
            occupancy_pct: dec(occupancy, 1), settlement: dec(settlement, 2), carry_pct: None, limit_base: None,
            overhead: OverheadOverride::default(),
            shared: vec![Shared {
                name: "vagt".into(), staff: Ref::new("s", Pos::default()), band: Ref::new("b", Pos::default()),
                hours_per_week: dec(shared_hours, 1), origin: origin(),
            }],
            costs: vec![
                cost("other", CostKind::Other, other),
                cost("capital", CostKind::Capital, capital),
                cost("income", CostKind::Income, dec(income, 2)),
            ],
            origin: origin(),
        });
        m
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn displayed_cost_base_parts_add_up(m in tilbud_model()) {
        prop_assume!(takst_core::validate::validate(&m).is_empty());
        let e = Engine::new(&m).unwrap();
        let b = &e.tilbud[0];
        let parts = [b.shared, b.other, b.capital, b.overhead, -b.income, b.settlement];
        for mode in [RoundingMode::HalfUp, RoundingMode::HalfEven] {
            let shown = allocate(&parts, b.cost_base, 2, mode);
            let mut r = m.rounding;
            r.mode = mode;
            prop_assert_eq!(shown.iter().copied().sum::<Decimal>(), r.display(b.cost_base));
            // Each displayed part is within one cent of its exact value.
            for (s, p) in shown.iter().zip(parts) {
                prop_assert!((*s - p).abs() < Decimal::new(1, 2), "{} vs {}", s, p);
            }
        }
    }

    #[test]
    fn grundtakst_reproduces_cost_base_within_rounding_bound(m in tilbud_model()) {
        prop_assume!(takst_core::validate::validate(&m).is_empty());
        let e = Engine::new(&m).unwrap();
        let b = &e.tilbud[0];
        let Precision::Step(step) = m.rounding.tariff else { unreachable!() };
        // |grundtakst − cost_base / days| ≤ step / 2, so the revenue at the
        // budgeted occupancy misses the cost base by at most step/2 × days
        // (plus the 28th digit of the quotient).
        let gap = (b.grundtakst * b.occupied_days - b.cost_base).abs();
        let bound = step / Decimal::TWO * b.occupied_days + Decimal::new(1, 12);
        prop_assert!(gap <= bound, "gap {} > bound {}", gap, bound);
    }

    #[test]
    fn allocation_always_sums_to_the_rounded_total(
        parts in prop::collection::vec((-10_000_000_000i64..10_000_000_000, 0u32..=6), 1..12),
        half_even in any::<bool>(),
    ) {
        let parts: Vec<Decimal> = parts.into_iter().map(|(m, s)| dec(m, s)).collect();
        let total: Decimal = parts.iter().copied().sum();
        let mode = if half_even { RoundingMode::HalfEven } else { RoundingMode::HalfUp };
        let shown = allocate(&parts, total, 2, mode);
        let strategy = if half_even { rust_decimal::RoundingStrategy::MidpointNearestEven } else { rust_decimal::RoundingStrategy::MidpointAwayFromZero };
        prop_assert_eq!(shown.iter().copied().sum::<Decimal>(), total.round_dp_with_strategy(2, strategy));
        for (s, p) in shown.iter().zip(&parts) {
            prop_assert!((*s - *p).abs() < Decimal::new(1, 2));
        }
    }
}
