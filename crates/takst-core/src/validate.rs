//! Validation of a parsed model: references between items, uniqueness,
//! overlaps and ranges.
//!
//! Responsible for: every check that needs more than one value (unknown ids,
//! duplicate ids, overlapping agreements of a citizen, `to` before `from`)
//! and the range checks of the numbers (negative hours, shares above one,
//! zero places). Every problem is collected; nothing stops at the first.
//! Not responsible for: syntax (the readers report malformed values with
//! their positions) or arithmetic errors (`calc`).

use crate::hash::{FxMap as HashMap, FxSet as HashSet, PtrMemo};

use rust_decimal::Decimal;

use crate::model::{Amount, Model, Origin, OverheadMethod, Pos, Ref};
use crate::problem::{Code, Problem};

/// Check a model; an empty list means the model can be calculated.
pub fn validate(m: &Model) -> Vec<Problem> {
    let mut v = Validator { out: Vec::new() };
    let u = &m.unreadable;
    let mut bands = v.ids("band", "id", m.bands.iter().map(|b| (&b.id, &b.origin)));
    let mut staff = v.ids(
        "staff category",
        "id",
        m.staff.iter().map(|s| (&s.id, &s.origin)),
    );
    let mut tilbud = v.ids("tilbud", "id", m.tilbud.iter().map(|t| (&t.id, &t.origin)));
    let mut agreements = v.ids(
        "agreement",
        "agreement",
        m.agreements.iter().map(|a| (&a.id, &a.origin)),
    );
    // Items that could not be read are reported already; references to them are fine.
    for (set, ids) in [
        (&mut bands, &u.bands),
        (&mut staff, &u.staff),
        (&mut tilbud, &u.tilbud),
        (&mut agreements, &u.agreements),
    ] {
        set.extend(ids.iter().map(String::as_str));
    }

    // The need lines, the bulk of a model, are checked on a thread of
    // their own meanwhile.
    std::thread::scope(|scope| {
        let lines = scope.spawn(|| {
            let mut v = Validator { out: Vec::new() };
            need_lines(m, [&agreements, &staff, &bands], &mut v);
            v.out
        });
        parameters(m, &staff, &bands, &mut v);
        settlement_and_limits(m, &mut v);
        agreements_and_overlaps(m, &tilbud, &mut v);
        let lines = lines
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        v.out.extend(lines);
    });
    v.out
}

/// The parameters (takst.toml): ranges of the numbers, known staff
/// categories and bands in shared staffing.
fn parameters(m: &Model, staff: &HashSet<&str>, bands: &HashSet<&str>, v: &mut Validator) {
    let p = |o: &crate::model::Origin, key: &str| o.pos_of(key);

    // Model-wide numbers.
    v.positive(
        m.days_per_year,
        p(&m.origin, "days_per_year"),
        "days per year",
    );
    let wt = &m.working_time;
    v.positive(wt.gross_hours, p(&wt.origin, "gross_hours"), "gross hours");
    if let Some(ph) = wt.paid_hours {
        v.positive(ph, p(&wt.origin, "paid_hours"), "paid hours");
    }
    for d in &wt.deductions {
        v.amount_not_negative(&d.amount, &d.origin);
    }
    v.overhead_pct(
        m.overhead.pct,
        m.overhead.method,
        p(&m.overhead.origin, "pct"),
    );

    for b in &m.bands {
        v.not_negative(
            b.supplement_pct,
            p(&b.origin, "supplement_pct"),
            "supplement",
        );
    }
    for s in &m.staff {
        v.not_negative(
            s.pension_pct,
            p(&s.origin, "pension_pct"),
            "pension percentage",
        );
        v.not_negative(
            s.supplement_pension_pct,
            p(&s.origin, "supplement_pension_pct"),
            "pension percentage on supplements",
        );
        if s.direct_share <= Decimal::ZERO || s.direct_share > Decimal::ONE {
            v.push(
                Code::OutOfRange,
                p(&s.origin, "direct_share"),
                format!(
                    "found {}, expected a share above 0 and at most 1 (0.75 = 75 %)",
                    s.direct_share
                ),
            );
        }
        if let Some(n) = s.net_hours {
            v.positive(n, p(&s.origin, "net_hours"), "net hours");
        }
        match s.pay {
            crate::model::Pay::Monthly(x) => {
                v.not_negative(x, p(&s.origin, "monthly_salary"), "salary")
            }
            crate::model::Pay::Annual(x) => {
                v.not_negative(x, p(&s.origin, "annual_salary"), "salary")
            }
            crate::model::Pay::HourlyRate(x) => {
                v.not_negative(x, p(&s.origin, "hourly_rate"), "hourly rate")
            }
        }
        for it in s.oncost.iter().chain(&s.per_fte) {
            v.amount_not_negative(&it.amount, &it.origin);
        }
    }

    for t in &m.tilbud {
        v.positive(t.places, p(&t.origin, "places"), "places");
        if t.occupancy_pct <= Decimal::ZERO || t.occupancy_pct > Decimal::ONE_HUNDRED {
            v.push(
                Code::OutOfRange,
                p(&t.origin, "occupancy_pct"),
                format!(
                    "found {}, expected an occupancy above 0 and at most 100 %",
                    t.occupancy_pct
                ),
            );
        }
        if let Some(o) = &t.overhead.origin {
            let pct = t.overhead.pct.unwrap_or(m.overhead.pct);
            let method = t.overhead.method.unwrap_or(m.overhead.method);
            v.overhead_pct(pct, method, p(o, "pct"));
        }
        for sh in &t.shared {
            v.known(staff, &sh.staff, Code::UnknownStaff, "staff category");
            v.known(bands, &sh.band, Code::UnknownBand, "band");
            v.not_negative(sh.hours_per_week, p(&sh.origin, "hours_per_week"), "hours");
        }
        for c in &t.costs {
            v.not_negative(c.amount, p(&c.origin, "amount"), "amount");
        }
    }
}

/// The agreements: known tilbud, `to` not before `from`, agreed tariff not
/// negative, and no two agreements of one citizen overlapping.
fn agreements_and_overlaps(m: &Model, tilbud: &HashSet<&str>, v: &mut Validator) {
    // (citizen, from, index) of every agreement with a sane period, sorted:
    // each citizen's agreements side by side, by start.
    let mut by_citizen = Vec::with_capacity(m.agreements.len());
    for (i, a) in m.agreements.iter().enumerate() {
        v.known(tilbud, &a.tilbud, Code::UnknownTilbud, "tilbud");
        if let Some(to) = a.to {
            if to < a.from {
                v.push(
                    Code::ToBeforeFrom,
                    a.origin.pos_of("to"),
                    format!("agreement {} ends {to}, before it starts {}", a.id, a.from),
                );
                continue;
            }
        }
        if let Some(t) = a.agreed_tariff {
            // Positions only for a problem: there are many agreements.
            if t.is_sign_negative() {
                v.not_negative(t, a.origin.pos_of("agreed_tariff"), "agreed tariff");
            }
        }
        by_citizen.push((a.citizen.expose(), a.from, i));
    }
    by_citizen.sort_unstable();
    for w in by_citizen.windows(2) {
        if w[0].0 != w[1].0 {
            continue;
        }
        let (a, b) = (&m.agreements[w[0].2], &m.agreements[w[1].2]);
        if a.to.is_none_or(|to| b.from <= to) {
            let until =
                a.to.map(|t| t.to_string())
                    .unwrap_or_else(|| "open-ended".into());
            // The citizen id is personal data: the agreement ids find the rows.
            v.push(
                Code::Overlap,
                b.origin.pos_of("from"),
                format!(
                    "agreement {} from {} overlaps agreement {} of the same citizen ({}..{until}, {}); expected agreements of one citizen not to overlap",
                    b.id, b.from, a.id, a.from, a.origin.pos
                ),
            );
        }
    }
}

/// The need lines: known agreement, staff category and band (ids in
/// `known`, in that order), hours not negative.
fn need_lines(m: &Model, known: [&HashSet<&str>; 3], v: &mut Validator) {
    let [agreements, staff, bands] = known;
    let u = &m.unreadable;
    // Whether each id is known, remembered by shared id (see `PtrMemo`);
    // an unknown id is reported on every line that names it.
    let mut memo: [PtrMemo<bool>; 3] = Default::default();
    for n in &m.needs {
        let at = |key: &'static str| move || n.origin.pos_of(key);
        let checks = [
            (
                agreements,
                &n.agreement,
                "agreement",
                Code::UnknownAgreement,
                "agreement",
            ),
            (
                staff,
                &n.staff,
                "staff",
                Code::UnknownStaff,
                "staff category",
            ),
            (bands, &n.band, "band", Code::UnknownBand, "band"),
        ];
        for (k, (ids, id, key, code, what)) in checks.into_iter().enumerate() {
            if k == 0 && u.agreements_file {
                continue;
            }
            if !memo[k].get(id, |id| ids.contains(id)) {
                v.known_at(ids, id, at(key), code, what);
            }
        }
        if n.hours_per_week.is_sign_negative() {
            v.not_negative(n.hours_per_week, n.origin.pos_of("hours_per_week"), "hours");
        }
    }
}

/// `carry_pct` (model and tilbud) and `[limits]`: ranges, and an index for
/// every year from the base year to the model's year.
fn settlement_and_limits(m: &Model, v: &mut Validator) {
    let p = |o: &crate::model::Origin, key: &str| o.pos_of(key);
    let carry = |v: &mut Validator, pct: Decimal, pos: Pos| {
        if pct.is_sign_negative() && !pct.is_zero() || pct > Decimal::ONE_HUNDRED {
            v.push(
                Code::OutOfRange,
                pos,
                format!("found carry_pct {pct}, expected a percentage from 0 to 100 (0 = settle everything)"),
            );
        }
    };
    carry(
        v,
        m.settlement.carry_pct,
        p(&m.settlement.origin, "carry_pct"),
    );
    for t in &m.tilbud {
        if let Some(c) = t.carry_pct {
            carry(v, c, p(&t.origin, "carry_pct"));
        }
        if let Some(b) = t.limit_base {
            v.positive(b, p(&t.origin, "limits"), "cost per place per day");
        }
    }
    let Some(l) = &m.limits else { return };
    if let Some(b) = l.cost_per_place_day {
        v.positive(
            b,
            p(&l.origin, "cost_per_place_day"),
            "cost per place per day",
        );
    }
    let mut seen = HashSet::default();
    for (y, _, pos) in &l.index_pct {
        if !seen.insert(*y) {
            v.push(
                Code::DuplicateId,
                pos.clone(),
                format!("the index of {y} is given twice; expected one per year"),
            );
        }
    }
    match m.year {
        None => v.push(
            Code::Missing,
            p(&l.origin, "base_year"),
            "[limits] needs the model's year; expected `year = …` in [model]".to_string(),
        ),
        Some(year) if year < l.base_year => v.push(
            Code::OutOfRange,
            p(&l.origin, "base_year"),
            format!(
                "found base year {}, expected at most the model's year {year}",
                l.base_year
            ),
        ),
        Some(year) => {
            let missing: Vec<String> = (l.base_year.saturating_add(1)..=year)
                .filter(|y| !seen.contains(y))
                .map(|y| y.to_string())
                .collect();
            if !missing.is_empty() {
                v.push(
                    Code::Missing,
                    p(&l.origin, "index"),
                    format!(
                        "[limits.index] has no index for {}; expected one for every year after the base year {} up to {year}",
                        missing.join(", "),
                        l.base_year
                    ),
                );
            }
        }
    }
}

struct Validator {
    out: Vec<Problem>,
}

impl Validator {
    fn push(&mut self, code: Code, pos: Pos, message: String) {
        self.out.push(Problem::new(code, pos, message));
    }

    /// The ids of `items`, each a duplicate reported at the `key` of its
    /// origin (positions are worked out for duplicates only).
    fn ids<'a>(
        &mut self,
        what: &str,
        key: &str,
        items: impl Iterator<Item = (&'a String, &'a Origin)>,
    ) -> HashSet<&'a str> {
        let mut seen: HashMap<&str, &Origin> = HashMap::default();
        for (id, origin) in items {
            if let Some(first) = seen.get(id.as_str()) {
                let first = first.pos_of(key).to_string();
                self.push(
                    Code::DuplicateId,
                    origin.pos_of(key),
                    format!(
                        "{what} `{id}` is defined twice (first at {first}); expected unique ids"
                    ),
                );
            } else {
                seen.insert(id, origin);
            }
        }
        seen.into_keys().collect()
    }

    fn known(&mut self, ids: &HashSet<&str>, r: &Ref, code: Code, what: &str) {
        self.known_at(ids, &r.id, || r.pos.clone(), code, what);
    }

    /// Like [`Validator::known`] for a bare id; its position is only
    /// worked out when the id is unknown.
    fn known_at(
        &mut self,
        ids: &HashSet<&str>,
        id: &str,
        pos: impl FnOnce() -> Pos,
        code: Code,
        what: &str,
    ) {
        if !ids.contains(id) {
            let mut known: Vec<&&str> = ids.iter().collect();
            known.sort();
            let list: Vec<String> = known.iter().take(12).map(|s| format!("`{s}`")).collect();
            let more = if known.len() > 12 { ", …" } else { "" };
            self.push(
                code,
                pos(),
                format!(
                    "unknown {what} `{id}`; expected one of {}{more}",
                    list.join(", ")
                ),
            );
        }
    }

    fn not_negative(&mut self, x: Decimal, pos: Pos, what: &str) {
        if x.is_sign_negative() && !x.is_zero() {
            self.push(
                Code::Negative,
                pos,
                format!("found {what} {x}, expected zero or more"),
            );
        }
    }

    fn positive(&mut self, x: Decimal, pos: Pos, what: &str) {
        if x <= Decimal::ZERO {
            self.push(
                Code::OutOfRange,
                pos,
                format!("found {what} {x}, expected a number above zero"),
            );
        }
    }

    fn amount_not_negative(&mut self, a: &Amount, origin: &crate::model::Origin) {
        let (x, key) = match a {
            Amount::Fixed(x) => (
                *x,
                if origin.has("hours") {
                    "hours"
                } else {
                    "amount"
                },
            ),
            Amount::Pct(x) => (*x, "pct"),
        };
        self.not_negative(x, origin.pos_of(key), key);
    }

    fn overhead_pct(&mut self, pct: Decimal, method: OverheadMethod, pos: Pos) {
        self.not_negative(pct, pos.clone(), "overhead percentage");
        if method == OverheadMethod::Share && pct >= Decimal::ONE_HUNDRED {
            self.push(
                Code::OutOfRange,
                pos,
                format!("found {pct} % with method \"share\", expected less than 100 % (the price would be infinite)"),
            );
        }
    }
}
