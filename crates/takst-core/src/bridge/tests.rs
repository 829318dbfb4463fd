//! Tests of the bridge: the steps of every figure sum exactly to its
//! published change, on random pairs of small models (proptest), and a
//! change in one group moves only that group's step.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::model::{
    Amount, Band, Cost, Item, Need, Origin, Overhead, OverheadMethod, OverheadOverride, Pay,
    PctBase, Ratio, Ref, Shared, Staff, Tilbud, WorkingTime,
};
use crate::num::{Precision, Rounding, RoundingMode};
use crate::validate::validate;

/// A small deterministic generator (xorshift64*), so that a failing case is
/// reproduced from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    /// A decimal in [lo, hi] with `dp` decimals.
    fn dec(&mut self, lo: i64, hi: i64, dp: u32) -> Decimal {
        let scale = 10i64.pow(dp);
        let span = ((hi - lo) * scale + 1) as u64;
        Decimal::new(lo * scale + self.below(span) as i64, dp)
    }
    fn pick<'a>(&mut self, v: &'a [String]) -> &'a String {
        &v[self.below(v.len() as u64) as usize]
    }
    /// A non-empty subset of `ids`, in order.
    fn subset(&mut self, ids: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = ids
            .iter()
            .filter(|_| self.chance(75))
            .map(|s| s.to_string())
            .collect();
        if out.is_empty() {
            out.push(ids[0].to_string());
        }
        out
    }
}

fn r(id: &str) -> Ref {
    Ref::new(id, crate::model::Pos::default())
}

fn item(rng: &mut Rng, name: &str, pct_base: bool) -> Item {
    Item {
        name: name.into(),
        amount: if rng.chance(50) {
            Amount::Fixed(rng.dec(0, 6000, 2))
        } else {
            Amount::Pct(rng.dec(0, 5, 2))
        },
        base: if pct_base && rng.chance(50) {
            PctBase::Pay
        } else {
            PctBase::Salary
        },
        origin: Origin::default(),
    }
}

/// A random valid model with the given ids.
fn model(
    rng: &mut Rng,
    staff: &[String],
    bands: &[String],
    tilbud: &[String],
    agreements: &[String],
) -> Model {
    let modes = [RoundingMode::HalfUp, RoundingMode::HalfEven];
    let steps = ["1", "0.5", "0.01"];
    let step = |rng: &mut Rng| Precision::Step(steps[rng.below(3) as usize].parse().unwrap());
    let rounding = Rounding {
        rate: if rng.chance(50) {
            Precision::Exact
        } else {
            step(rng)
        },
        tariff: step(rng),
        mode: modes[rng.below(2) as usize],
    };
    let working_time = WorkingTime {
        gross_hours: rng.dec(1800, 1950, 1),
        paid_hours: if rng.chance(30) {
            Some(rng.dec(1800, 1950, 0))
        } else {
            None
        },
        deductions: (0..rng.below(3))
            .map(|i| Item {
                name: format!("d{i}"),
                amount: if rng.chance(50) {
                    Amount::Fixed(rng.dec(0, 150, 1))
                } else {
                    Amount::Pct(rng.dec(0, 6, 1))
                },
                base: PctBase::Salary,
                origin: Origin::default(),
            })
            .collect(),
        origin: Origin::default(),
    };
    let bands_v = bands
        .iter()
        .map(|id| Band {
            id: id.clone(),
            name: format!("bånd {id}"),
            supplement_pct: rng.dec(0, 40, 1),
            window: None,
            origin: Origin::default(),
        })
        .collect();
    let staff_v = staff
        .iter()
        .map(|id| Staff {
            id: id.clone(),
            name: format!("faggruppe {id}"),
            pay: match rng.below(4) {
                0 => Pay::Annual(rng.dec(300_000, 550_000, 0)),
                1 => Pay::HourlyRate(rng.dec(300, 950, 2)),
                _ => Pay::Monthly(rng.dec(25_000, 45_000, 2)),
            },
            pension_pct: rng.dec(0, 20, 2),
            supplement_pension_pct: rng.dec(0, 5, 2),
            direct_share: rng.dec(50, 100, 0) / Decimal::ONE_HUNDRED,
            net_hours: if rng.chance(20) {
                Some(rng.dec(1300, 1700, 1))
            } else {
                None
            },
            oncost: (0..rng.below(3))
                .map(|i| item(rng, &format!("o{i}"), false))
                .collect(),
            per_fte: (0..rng.below(3))
                .map(|i| item(rng, &format!("x{i}"), true))
                .collect(),
            origin: Origin::default(),
        })
        .collect();
    let method = |rng: &mut Rng| {
        if rng.chance(50) {
            OverheadMethod::Markup
        } else {
            OverheadMethod::Share
        }
    };
    let overhead = Overhead {
        pct: rng.dec(0, 25, 1),
        method: method(rng),
        include_capital: rng.chance(70),
        origin: Origin::default(),
    };
    let kinds = [CostKind::Other, CostKind::Capital, CostKind::Income];
    let tilbud_v = tilbud
        .iter()
        .map(|id| Tilbud {
            id: id.clone(),
            name: format!("tilbud {id}"),
            paragraph: None,
            places: rng.dec(1, 20, 0),
            occupancy_pct: rng.dec(60, 100, 1),
            settlement: rng.dec(-200_000, 200_000, 0),
            carry_pct: None,
            limit_base: None,
            overhead: if rng.chance(30) {
                OverheadOverride {
                    pct: Some(rng.dec(0, 20, 1)),
                    method: if rng.chance(50) {
                        Some(method(rng))
                    } else {
                        None
                    },
                    include_capital: None,
                    origin: Some(Origin::default()),
                }
            } else {
                OverheadOverride::default()
            },
            shared: (0..rng.below(4))
                .map(|i| Shared {
                    name: format!("vagt {i}"),
                    staff: r(rng.pick(staff)),
                    band: r(rng.pick(bands)),
                    hours_per_week: rng.dec(0, 168, 1),
                    origin: Origin::default(),
                })
                .collect(),
            costs: (0..rng.below(5))
                .map(|i| Cost {
                    name: format!("c{i}"),
                    kind: kinds[rng.below(3) as usize],
                    amount: rng.dec(0, 900_000, 2),
                    origin: Origin::default(),
                })
                .collect(),
            origin: Origin::default(),
        })
        .collect();
    let start = Date::new(2025, 1, 1).unwrap();
    let agreements_v: Vec<Agreement> = agreements
        .iter()
        .map(|id| {
            let from = start
                .checked_add(jiff::Span::new().days(rng.below(200) as i64))
                .unwrap();
            Agreement {
                id: id.clone(),
                citizen: format!("C-{id}").into(),
                municipality: "Kommune".into(),
                tilbud: r(rng.pick(tilbud)),
                from,
                to: if rng.chance(40) {
                    Some(
                        from.checked_add(jiff::Span::new().days(rng.below(300) as i64))
                            .unwrap(),
                    )
                } else {
                    None
                },
                agreed_tariff: None,
                origin: Origin::default(),
            }
        })
        .collect();
    let mut needs = Vec::new();
    for a in &agreements_v {
        for _ in 0..rng.below(4) {
            needs.push(Need {
                agreement: a.id.as_str().into(),
                staff: rng.pick(staff).as_str().into(),
                band: rng.pick(bands).as_str().into(),
                hours_per_week: rng.dec(0, 30, 1),
                ratio: Ratio {
                    staff: 1 + rng.below(2) as u32,
                    citizens: 1 + rng.below(3) as u32,
                },
                note: None,
                origin: Origin::default(),
            });
        }
    }
    Model {
        name: "tilfældig".into(),
        year: Some(2025),
        days_per_year: if rng.chance(80) {
            Decimal::from(365)
        } else {
            Decimal::from(366)
        },
        rounding,
        working_time,
        bands: bands_v,
        staff: staff_v,
        overhead,
        tilbud: tilbud_v,
        agreements: agreements_v,
        needs,
        ..Model::default()
    }
}

const STAFF: [&str; 4] = ["s0", "s1", "s2", "s3"];
const BANDS: [&str; 3] = ["b0", "b1", "b2"];
const TILBUD: [&str; 3] = ["t0", "t1", "t2"];
const AGREEMENTS: [&str; 5] = ["a0", "a1", "a2", "a3", "a4"];

fn random_model(rng: &mut Rng) -> Model {
    let (s, b, t, a) = (
        rng.subset(&STAFF),
        rng.subset(&BANDS),
        rng.subset(&TILBUD),
        rng.subset(&AGREEMENTS),
    );
    let m = model(rng, &s, &b, &t, &a);
    let p = validate(&m);
    assert!(p.is_empty(), "the generator made an invalid model: {p:?}");
    m
}

/// A pair of models: independent, or the second one the first with some
/// groups taken from an independent model with the same ids.
fn random_pair(seed: u64) -> (Model, Model) {
    let mut rng = Rng::new(seed);
    let old = random_model(&mut rng);
    if rng.chance(50) {
        let new = random_model(&mut rng);
        return (old, new);
    }
    let ids = |v: &[String]| v.to_vec();
    let fresh = model(
        &mut rng,
        &ids(&old.staff.iter().map(|s| s.id.clone()).collect::<Vec<_>>()),
        &ids(&old.bands.iter().map(|s| s.id.clone()).collect::<Vec<_>>()),
        &ids(&old.tilbud.iter().map(|s| s.id.clone()).collect::<Vec<_>>()),
        &ids(&old
            .agreements
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()),
    );
    let mut new = old.clone();
    for g in groups(&fresh) {
        if rng.chance(30) {
            swap(&mut new, &fresh, &g);
        }
    }
    (old, new)
}

fn check_sums(old: &Model, new: &Model) -> Result<(), TestCaseError> {
    let (Ok(_), Ok(_)) = (Engine::new(old), Engine::new(new)) else {
        // An extreme model whose own calculation fails is not a bridge case.
        return Ok(());
    };
    let b = bridge(old, new).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
    let n_groups = b.groups.len();
    for f in &b.figures {
        prop_assert_eq!(f.steps.len(), n_groups, "{}", f.id);
        let total: Decimal = f.steps.iter().map(|s| s.change).sum();
        prop_assert_eq!(
            total,
            f.new - f.old,
            "{} {}: steps {:?}",
            f.kind.as_str(),
            &f.id,
            &f.steps
        );
        // The rounding step is the formula up to the 28th significant digit.
        let formula = (f.new - f.new_exact) - (f.old - f.old_exact);
        let rounding = f.steps[n_groups - 1].change;
        prop_assert!(
            (rounding - formula).abs() < Decimal::new(1, 15),
            "{}: {} vs {}",
            f.id,
            rounding,
            formula
        );
    }
    let in_both = |kind: FigureKind| b.figures.iter().filter(|f| f.kind == kind).count();
    let both_ag = new
        .agreements
        .iter()
        .filter(|a| old.agreements.iter().any(|o| o.id == a.id))
        .count();
    prop_assert_eq!(in_both(FigureKind::Tariff), both_ag);
    prop_assert_eq!(
        b.added
            .iter()
            .filter(|s| s.kind == FigureKind::Tariff)
            .count(),
        new.agreements.len() - both_ag
    );
    prop_assert_eq!(
        b.ended
            .iter()
            .filter(|s| s.kind == FigureKind::Tariff)
            .count(),
        old.agreements.len() - both_ag
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn steps_sum_exactly_to_the_change(seed in any::<u64>()) {
        let (old, new) = random_pair(seed);
        check_sums(&old, &new)?;
        check_sums(&new, &old)?;
    }

    #[test]
    fn a_model_bridged_to_itself_has_only_zero_steps(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let m = random_model(&mut rng);
        if Engine::new(&m).is_err() {
            return Ok(());
        }
        let b = bridge(&m, &m).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        for f in &b.figures {
            prop_assert!(f.steps.iter().all(|s| s.change.is_zero()), "{:?}", f);
        }
        prop_assert!(b.added.is_empty() && b.ended.is_empty());
    }
}

#[test]
fn only_pay_changes_gives_one_step_plus_rounding() {
    for seed in 1..200u64 {
        let mut rng = Rng::new(seed);
        let old = random_model(&mut rng);
        if Engine::new(&old).is_err() {
            continue;
        }
        let mut new = old.clone();
        let s = &mut new.staff[0];
        s.pay = match s.pay {
            Pay::Monthly(x) => Pay::Monthly(x + Decimal::from(1000)),
            Pay::Annual(x) => Pay::Annual(x + Decimal::from(12000)),
            Pay::HourlyRate(x) => Pay::HourlyRate(x + Decimal::from(10)),
        };
        let key = format!("pay:{}", s.id);
        let b = bridge(&old, &new).unwrap();
        for f in &b.figures {
            for st in &f.steps {
                assert!(
                    st.change.is_zero() || st.key == key || st.key == "rounding",
                    "seed {seed}: {} moved in {}",
                    st.key,
                    f.id
                );
            }
        }
    }
}

#[test]
fn catch_up_is_change_per_day_times_days_in_year() {
    let mut rng = Rng::new(7);
    let old = random_model(&mut rng);
    let mut new = old.clone();
    new.tilbud[0].settlement += Decimal::from(1_000_000);
    let b = bridge(&old, &new).unwrap();
    assert_eq!(b.year, Some(2025));
    for c in &b.catch_up {
        let f = b.figures.iter().find(|f| f.id == c.agreement).unwrap();
        assert_eq!(c.change_per_day, f.change());
        assert_eq!(c.amount, f.change() * Decimal::from(c.days));
        assert!(c.days > 0 && c.days <= 365);
    }
}

#[test]
fn days_in_year_clips_to_the_year() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    let mut a = Agreement {
        id: "a".into(),
        citizen: "c".into(),
        municipality: "m".into(),
        tilbud: r("t"),
        from: d("2024-12-01"),
        to: None,
        agreed_tariff: None,
        origin: Origin::default(),
    };
    assert_eq!(days_in_year(&a, 2025), 365);
    assert_eq!(days_in_year(&a, 2024), 31);
    a.to = Some(d("2025-01-31"));
    assert_eq!(days_in_year(&a, 2025), 31);
    assert_eq!(days_in_year(&a, 2026), 0);
    a.from = d("2024-02-29");
    a.to = None;
    assert_eq!(days_in_year(&a, 2024), 307);
}
