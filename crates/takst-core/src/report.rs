//! The figures of the reports people read: a tilbud's grundtakst broken
//! into parts per year and per day, a citizen's tariff sheet (hours, prices
//! with their derivation, the tariff per day, month and year), each figure
//! both exact and as displayed.
//!
//! Responsible for: every number a report or spreadsheet shows that is not
//! already a field of [`crate::calc`]'s results, and the display rounding
//! of breakdowns so that displayed parts add up to their displayed total
//! (largest remainder, [`crate::num::allocate`]). Renderers only lay these
//! figures out; they do no arithmetic.
//! Not responsible for: text, languages, HTML or spreadsheets (the CLI), or
//! the agreed-vs-delivered comparison.
//!
//! Per month is per year / 12 (an average month): a real month's invoice is
//! days in force × the tariff per day, which varies with the month's length.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{BaseTariff, Engine, StaffBasis, Tariff};
use crate::model::{CostKind, OverheadMethod};
use crate::num::{allocate, sum, CalcError, Checked, Rounding};

/// Display precision of hours and kroner (rounding point (c)).
const DP: u32 = 2;

/// A figure as computed and as shown (0.01, or allocated in a breakdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fig {
    pub exact: Decimal,
    pub shown: Decimal,
}

impl Fig {
    /// A figure shown at 0.01 with the model's rounding mode.
    pub fn display(exact: Decimal, r: &Rounding) -> Fig {
        let mut shown = r.display(exact);
        shown.rescale(DP);
        Fig { exact, shown }
    }
}

/// Figures whose displayed values add up to the displayed `total`.
fn allocated(parts: &[Decimal], total_shown: Decimal, r: &Rounding) -> Vec<Fig> {
    allocate(parts, total_shown, DP, r.mode)
        .into_iter()
        .zip(parts)
        .map(|(mut shown, &exact)| {
            shown.rescale(DP);
            Fig { exact, shown }
        })
        .collect()
}

/// A part of a grundtakst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Shared staffing (fællesydelser).
    Shared,
    /// Management and other costs.
    Other,
    /// Capital costs (depreciation, interest).
    Capital,
    Overhead,
    /// Income, deducted: negative in a breakdown.
    Income,
    /// Efterregulering from year t−2, signed.
    Settlement,
    /// Per day only: what the assumed occupancy below 100 % adds
    /// (cost_base / occupied_days − cost_base / (places × Y)).
    Occupancy,
    /// Per day only: the published grundtakst minus the exact quotient.
    Rounding,
}

impl Part {
    /// The machine name, as in the `tilbud` command's columns.
    pub fn key(self) -> &'static str {
        match self {
            Part::Shared => "shared",
            Part::Other => "other",
            Part::Capital => "capital",
            Part::Overhead => "overhead",
            Part::Income => "income",
            Part::Settlement => "settlement",
            Part::Occupancy => "occupancy",
            Part::Rounding => "rounding",
        }
    }
}

/// One line of a cost part: a shared staffing line, a cost item, the
/// overhead or the settlement. All lines together add up to the cost base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    pub part: Part,
    /// Index into the tilbud's `shared` (for [`Part::Shared`]) or `costs`
    /// (other, capital, income); 0 for the overhead and the settlement.
    pub index: usize,
    /// Kroner per year, signed as it enters the cost base (income negative);
    /// shown values add up to the part's shown value.
    pub amount: Fig,
}

/// A grundtakst broken into its parts, per year and per day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseBreakdown {
    pub tilbud: usize,
    /// Shared, other, capital, overhead, income (negative), settlement:
    /// shown values add up to `cost_base.shown`, exactly as `takst tilbud`.
    pub per_year: Vec<(Part, Fig)>,
    pub cost_base: Fig,
    /// The lines under each part of `per_year`.
    pub lines: Vec<CostLine>,
    /// places × Y: the days at full occupancy.
    pub full_days: Decimal,
    pub occupied_days: Fig,
    /// The parts of `per_year` per day at full occupancy, then occupancy and
    /// rounding: shown values add up to the grundtakst.
    pub per_day: Vec<(Part, Fig)>,
    pub grundtakst: Fig,
}

impl BaseBreakdown {
    /// The per-day figure of `part`, if the breakdown has it.
    pub fn day(&self, part: Part) -> Option<Fig> {
        self.per_day.iter().find(|(p, _)| *p == part).map(|x| x.1)
    }
}

/// The breakdown of tilbud `ti`'s grundtakst.
pub fn base_breakdown(engine: &Engine, ti: usize) -> Result<BaseBreakdown, CalcError> {
    let m = engine.model;
    let r = &m.rounding;
    let t = &m.tilbud[ti];
    let b: &BaseTariff = &engine.tilbud[ti];
    let parts = [
        (Part::Shared, b.shared),
        (Part::Other, b.other),
        (Part::Capital, b.capital),
        (Part::Overhead, b.overhead),
        (Part::Income, -b.income),
        (Part::Settlement, b.settlement),
    ];
    let cost_base = Fig::display(b.cost_base, r);
    let values: Vec<Decimal> = parts.iter().map(|p| p.1).collect();
    let per_year: Vec<(Part, Fig)> = parts
        .iter()
        .map(|p| p.0)
        .zip(allocated(&values, cost_base.shown, r))
        .collect();

    // Lines under each part, allocated to the part's shown value.
    let mut lines = Vec::new();
    for (part, fig) in &per_year {
        let items: Vec<(usize, Decimal)> = match part {
            Part::Shared => b.shared_lines.iter().copied().enumerate().collect(),
            Part::Other | Part::Capital | Part::Income => {
                let kind = match part {
                    Part::Other => CostKind::Other,
                    Part::Capital => CostKind::Capital,
                    _ => CostKind::Income,
                };
                t.costs
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.kind == kind)
                    .map(|(i, c)| {
                        (
                            i,
                            if kind == CostKind::Income {
                                -c.amount
                            } else {
                                c.amount
                            },
                        )
                    })
                    .collect()
            }
            // One line each: the overhead on its base, the settlement as given.
            Part::Overhead | Part::Settlement => vec![(0, fig.exact)],
            Part::Occupancy | Part::Rounding => continue,
        };
        if items.is_empty() {
            continue;
        }
        let amounts: Vec<Decimal> = items.iter().map(|x| x.1).collect();
        for ((index, _), amount) in items.iter().zip(allocated(&amounts, fig.shown, r)) {
            lines.push(CostLine {
                part: *part,
                index: *index,
                amount,
            });
        }
    }

    let full_days = t.places.mul_(m.days_per_year, "full occupancy days")?;
    let mut day_parts: Vec<(Part, Decimal)> = Vec::with_capacity(8);
    for (p, v) in parts {
        day_parts.push((p, v.div_(full_days, "grundtakst part", "places × days")?));
    }
    let at_full = b
        .cost_base
        .div_(full_days, "grundtakst at full occupancy", "places × days")?;
    day_parts.push((Part::Occupancy, b.exact.sub_(at_full, "occupancy effect")?));
    day_parts.push((Part::Rounding, b.grundtakst.sub_(b.exact, "rounding")?));
    let grundtakst = Fig::display(b.grundtakst, r);
    let values: Vec<Decimal> = day_parts.iter().map(|p| p.1).collect();
    let per_day = day_parts
        .iter()
        .map(|p| p.0)
        .zip(allocated(&values, grundtakst.shown, r))
        .collect();
    Ok(BaseBreakdown {
        tilbud: ti,
        per_year,
        cost_base,
        lines,
        full_days,
        occupied_days: Fig::display(b.occupied_days, r),
        per_day,
        grundtakst,
    })
}

/// The derivation of one hourly price, each step shown at 0.01.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceFigures {
    pub staff: usize,
    pub band: usize,
    /// A, the annual cost of one FTE (salaried staff only).
    pub annual: Option<Fig>,
    /// N, net hours per FTE (salaried staff only), exact.
    pub net_hours: Option<Decimal>,
    /// A / N, or the fixed hourly rate.
    pub base: Fig,
    /// The band's supplement per hour. Shown as the shown manned rate minus
    /// the shown base, so that base + supplement = manned as displayed
    /// (it can differ by 0.01 from the supplement rounded on its own).
    pub supplement: Fig,
    pub manned: Fig,
    pub direct_share: Decimal,
    pub direct: Fig,
    pub overhead_pct: Decimal,
    pub overhead_method: OverheadMethod,
    /// with_overhead(direct), not rounded.
    pub price_exact: Fig,
    /// The published price (rounding point (a)), shown at 0.01.
    pub price: Fig,
}

/// The price derivation of staff `si` in band `bi` with tilbud `ti`'s overhead.
pub fn price_figures(engine: &Engine, ti: usize, si: usize, bi: usize) -> PriceFigures {
    let m = engine.model;
    let r = &m.rounding;
    let rate = &engine.rates[si][bi];
    let b = &engine.tilbud[ti];
    let p = b.prices[si][bi];
    let (annual, net_hours, base_exact) = match &engine.staff[si] {
        StaffBasis::Salaried(c) => (
            Some(Fig::display(c.annual, r)),
            Some(c.net_hours),
            rate.base,
        ),
        StaffBasis::Fixed { hourly_rate } => (None, None, *hourly_rate),
    };
    let base = Fig::display(base_exact, r);
    let manned = Fig::display(rate.manned, r);
    let mut supplement_shown = manned.shown - base.shown;
    supplement_shown.rescale(DP);
    PriceFigures {
        staff: si,
        band: bi,
        annual,
        net_hours,
        base,
        supplement: Fig {
            exact: rate.supplement,
            shown: supplement_shown,
        },
        manned,
        direct_share: m.staff[si].direct_share,
        direct: Fig::display(rate.direct, r),
        overhead_pct: b.overhead_rule.pct,
        overhead_method: b.overhead_rule.method,
        price_exact: Fig::display(p.exact, r),
        price: Fig::display(p.published, r),
    }
}

/// One need line of a tariff sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedFigures {
    /// Index into `Model::needs`.
    pub need: usize,
    pub staff: usize,
    pub band: usize,
    /// Citizen hours per week (exact input).
    pub citizen_hours: Fig,
    /// Staff hours per week; shown values add up to `staff_hours`.
    pub staff_hours: Fig,
    pub price: Fig,
    /// Kroner per day; shown values plus the rounding add up to the individual part.
    pub per_day: Fig,
}

/// Amounts per day, per month (per year / 12) and per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Periods {
    pub day: Fig,
    pub month: Fig,
    pub year: Fig,
}

impl Periods {
    fn of(day: Decimal, days_per_year: Decimal, r: &Rounding) -> Result<Periods, CalcError> {
        let year = day.mul_(days_per_year, "tariff per year")?;
        let month = year.div_(Decimal::from(12), "tariff per month", "12")?;
        Ok(Periods {
            day: Fig::display(day, r),
            month: Fig::display(month, r),
            year: Fig::display(year, r),
        })
    }
}

/// Everything a tariff sheet shows about one agreement's tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffSheet {
    pub agreement: usize,
    pub tariff: Tariff,
    pub lines: Vec<NeedFigures>,
    pub citizen_hours: Fig,
    pub staff_hours: Fig,
    /// individual − Σ lines (rounding point (b)); shown so that the lines
    /// and it add up to the individual part.
    pub individual_rounding: Fig,
    pub individual: Fig,
    pub grundtakst: Fig,
    /// The price derivation of each staff × band the agreement uses, in
    /// the order of first use.
    pub prices: Vec<PriceFigures>,
    pub base: BaseBreakdown,
    /// The calculated tariff per day, month and year.
    pub calculated: Periods,
    /// The agreed tariff (what is paid), when the agreement carries one.
    pub agreed: Option<Periods>,
    /// agreed − calculated, per day.
    pub agreed_diff: Option<Fig>,
    /// The tariff's parts per day: the grundtakst's parts, then the
    /// individual part; shown values add up to the tariff per day.
    pub parts: Vec<(TariffPart, Fig)>,
}

/// A part of a citizen's tariff per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TariffPart {
    Base(Part),
    Individual,
}

/// The tariff sheet of agreement `a`.
pub fn tariff_sheet(engine: &Engine, a: usize) -> Result<TariffSheet, crate::problem::Problem> {
    let tariff = engine.tariff(a)?;
    let m = engine.model;
    let origin = &m.agreements[a].origin.pos;
    let at = |e: CalcError| {
        crate::problem::Problem::new(
            crate::problem::Code::Calculation,
            origin.clone(),
            e.to_string(),
        )
    };
    let r = &m.rounding;
    let base = base_breakdown(engine, tariff.tilbud).map_err(at)?;

    let citizen_total = sum(
        tariff.lines.iter().map(|l| l.citizen_hours_per_week),
        "hours",
    )
    .map_err(at)?;
    let staff_total =
        sum(tariff.lines.iter().map(|l| l.staff_hours_per_week), "hours").map_err(at)?;
    let citizen_hours = Fig::display(citizen_total, r);
    let staff_hours = Fig::display(staff_total, r);
    let ch: Vec<Decimal> = tariff
        .lines
        .iter()
        .map(|l| l.citizen_hours_per_week)
        .collect();
    let sh: Vec<Decimal> = tariff
        .lines
        .iter()
        .map(|l| l.staff_hours_per_week)
        .collect();
    let ch = allocated(&ch, citizen_hours.shown, r);
    let sh = allocated(&sh, staff_hours.shown, r);

    let individual_lines = Fig::display(tariff.individual, r);
    let rounding = tariff
        .individual
        .sub_(tariff.individual_exact, "rounding")
        .map_err(at)?;
    let mut day_values: Vec<Decimal> = tariff.lines.iter().map(|l| l.per_day).collect();
    day_values.push(rounding);
    let mut day = allocated(&day_values, individual_lines.shown, r);
    let individual_rounding = day.pop().unwrap_or(Fig {
        exact: rounding,
        shown: Decimal::ZERO,
    });
    let lines = tariff
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| NeedFigures {
            need: l.need,
            staff: l.staff,
            band: l.band,
            citizen_hours: ch[i],
            staff_hours: sh[i],
            price: Fig::display(l.price, r),
            per_day: day[i],
        })
        .collect();

    let mut prices: Vec<PriceFigures> = Vec::new();
    for l in &tariff.lines {
        if !prices
            .iter()
            .any(|p| p.staff == l.staff && p.band == l.band)
        {
            prices.push(price_figures(engine, tariff.tilbud, l.staff, l.band));
        }
    }

    let y = m.days_per_year;
    let calculated = Periods::of(tariff.per_day, y, r).map_err(at)?;
    let agreed = match tariff.agreed_tariff {
        Some(d) => Some(Periods::of(d, y, r).map_err(at)?),
        None => None,
    };
    let agreed_diff = match tariff.agreed_tariff {
        Some(d) => Some(Fig::display(
            d.sub_(tariff.per_day, "agreed minus calculated")
                .map_err(at)?,
            r,
        )),
        None => None,
    };

    // As `takst tariff` shows them: grundtakst and individual part
    // allocated to the shown tariff per day.
    let gi = allocated(
        &[tariff.grundtakst, tariff.individual],
        calculated.day.shown,
        r,
    );
    let (grundtakst, individual) = (gi[0], gi[1]);
    let base_day: Vec<(Part, Fig)> = if base.grundtakst.shown == grundtakst.shown {
        base.per_day.clone()
    } else {
        // Only with a tariff rounding finer than 0.01: re-allocate the
        // grundtakst's parts to the grundtakst as shown here.
        let v: Vec<Decimal> = base.per_day.iter().map(|p| p.1.exact).collect();
        base.per_day
            .iter()
            .map(|p| p.0)
            .zip(allocated(&v, grundtakst.shown, r))
            .collect()
    };
    let mut parts: Vec<(TariffPart, Fig)> = base_day
        .into_iter()
        .map(|(p, f)| (TariffPart::Base(p), f))
        .collect();
    parts.push((TariffPart::Individual, individual));

    Ok(TariffSheet {
        agreement: a,
        lines,
        citizen_hours,
        staff_hours,
        individual_rounding,
        individual,
        grundtakst,
        prices,
        base,
        calculated,
        agreed,
        agreed_diff,
        parts,
        tariff,
    })
}

/// One staff × band of an agreement, agreed vs delivered in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveredLine {
    pub staff: usize,
    pub band: usize,
    /// Staff hours in the period; shown as `takst compare` shows them
    /// (agreed + difference = delivered as printed).
    pub agreed: Fig,
    pub delivered: Fig,
    pub diff: Fig,
    pub delivery_pct: Option<Fig>,
    pub diff_value: Fig,
    pub status: crate::compare::Status,
    /// Hours × 7 / days in force: the same hours per week.
    pub agreed_per_week: Fig,
    pub delivered_per_week: Fig,
}

/// An agreement's agreed vs delivered service in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveredSheet {
    pub days: Decimal,
    pub lines: Vec<DeliveredLine>,
    /// As `takst compare --totals agreement`: tariff paid + balance =
    /// value delivered as printed.
    pub tariff_paid: Fig,
    pub value_delivered: Fig,
    pub balance: Fig,
    pub agreed_hours: Fig,
    pub delivered_hours: Fig,
}

/// Agreed vs delivered of agreement `a` in a compare report, or `None`
/// when the agreement is not in force in the period.
pub fn delivered_sheet(
    plan: &crate::compare::Plan,
    report: &crate::compare::Report,
    a: usize,
) -> Result<Option<DeliveredSheet>, CalcError> {
    let r = &plan.engine.model.rounding;
    let Some(slot) = plan.slots.iter().position(|s| s.agreement == a) else {
        return Ok(None);
    };
    let days = Decimal::from(plan.slots[slot].days);
    let week = |h: Decimal| -> Result<Fig, CalcError> {
        Ok(Fig::display(
            h.mul_(Decimal::from(7), "hours per week")?.div_(
                days,
                "hours per week",
                "days in force",
            )?,
            r,
        ))
    };
    let mut lines = Vec::new();
    for l in report.lines.iter().filter(|l| l.slot == slot) {
        let delivered = Fig::display(l.delivered, r);
        let p = allocated(&[l.agreed, l.diff], delivered.shown, r);
        lines.push(DeliveredLine {
            staff: l.staff,
            band: l.band,
            agreed: p[0],
            delivered,
            diff: p[1],
            delivery_pct: l.delivery_pct.map(|d| Fig::display(d, r)),
            diff_value: Fig::display(l.diff_value, r),
            status: l.status,
            agreed_per_week: week(l.agreed)?,
            delivered_per_week: week(l.delivered)?,
        });
    }
    let Some(t) = report.agreements.iter().find(|t| t.slot == slot) else {
        return Ok(None);
    };
    let t = &t.totals;
    let value_delivered = Fig::display(t.value_delivered, r);
    let paid = allocated(&[t.tariff_paid, t.balance], value_delivered.shown, r);
    Ok(Some(DeliveredSheet {
        days,
        lines,
        tariff_paid: paid[0],
        value_delivered,
        balance: paid[1],
        agreed_hours: Fig::display(t.agreed_hours, r),
        delivered_hours: Fig::display(t.delivered_hours, r),
    }))
}
