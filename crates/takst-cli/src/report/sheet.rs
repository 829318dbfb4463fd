//! `takst report sheet`: the tariff sheet (takstblad) of one agreement, or
//! one page per agreement of a paying municipality, for the case worker
//! who must understand and challenge what the municipality pays.
//!
//! Responsible for: laying out a [`TariffSheet`] from takst-core: the
//! agreed support in hours per week, the hourly prices with their
//! derivation, the grundtakst with its parts, the tariff per day, month
//! and year, the rounding policy and a stacked bar of the tariff's parts.
//! A municipality's file holds only its own citizens. Not responsible for:
//! any figure (takst-core computes and rounds them).

use jiff::civil::Date;
use takst_core::calc::Engine;
use takst_core::model::{Model, OverheadMethod};
use takst_core::problem::{Code, Problem};
use takst_core::report::{
    delivered_sheet, tariff_sheet, DeliveredSheet, PriceFigures, TariffPart, TariffSheet,
};

use super::html::{self, esc, fig, head, td};
use super::{
    base_section, footer, part_label, rounding_policy, status_word, svg, Common, Delivered, Lang,
};
use crate::cmd::{CmdResult, Failure, Output};
use crate::load::{self, Scope};
use crate::pseudo::Citizens;
use takst_core::privacy::MunicipalityView;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// The agreement whose tariff sheet to print.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "municipality",
        conflicts_with = "municipality"
    )]
    pub agreement: Option<String>,
    /// Print one page per agreement paid by this municipality (only its
    /// own citizens).
    #[arg(long, value_name = "NAME")]
    pub municipality: Option<String>,
    #[command(flatten)]
    pub delivered: Delivered,
}

pub fn run(a: &Args) -> CmdResult {
    let lang = a.common.lang;
    let citizens = a.common.pseudo.citizens()?;
    let model = load::load(&a.common.model, Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let chosen: Vec<usize> = match (&a.agreement, &a.municipality) {
        (Some(id), _) => vec![*engine.agreement_index.get(id.as_str()).ok_or_else(|| {
            Failure::Usage(format!("--agreement {id}: no such agreement in the model"))
        })?],
        (None, Some(m)) => {
            // Only this municipality's citizens can reach the file.
            let v = MunicipalityView::new(&model, m).indices().to_vec();
            if v.is_empty() {
                return Err(Failure::Usage(format!(
                    "--municipality {m}: no agreement in the model is paid by it"
                )));
            }
            v
        }
        (None, None) => {
            return Err(Failure::Usage(
                "report sheet needs --agreement ID or --municipality NAME".into(),
            ))
        }
    };
    let compared = a.delivered.compare(&engine)?;
    let mut body = String::new();
    let mut problems = Vec::new();
    for &ai in &chosen {
        let delivered = match &compared {
            Some((plan, report)) => match delivered_sheet(plan, report, ai) {
                Ok(d) => Some((plan.from, plan.to, d)),
                Err(e) => {
                    problems.push(Problem::new(
                        Code::Calculation,
                        model.agreements[ai].origin.pos.clone(),
                        e.to_string(),
                    ));
                    continue;
                }
            },
            None => None,
        };
        match tariff_sheet(&engine, ai) {
            Ok(s) => body.push_str(&page(
                lang,
                &model,
                &s,
                delivered.as_ref(),
                &citizens,
                &a.common.model,
            )),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let title = match (&a.agreement, &a.municipality) {
        (Some(id), _) => format!(
            "{} {id}",
            lang.t("Takstblad, aftale", "Tariff sheet, agreement")
        ),
        (_, Some(m)) => format!("{} {m}", lang.t("Takstblade,", "Tariff sheets,")),
        _ => String::new(),
    };
    Ok(Output::text(html::document(lang.code(), &title, &body)))
}

fn page(
    lang: Lang,
    model: &Model,
    s: &TariffSheet,
    delivered: Option<&(Date, Date, Option<DeliveredSheet>)>,
    citizens: &Citizens,
    dir: &std::path::Path,
) -> String {
    let ag = &model.agreements[s.agreement];
    let t = &model.tilbud[s.tariff.tilbud];
    let mut p = format!(
        "<section class=\"page\" data-agreement=\"{}\">\n",
        esc(&ag.id)
    );
    p.push_str(&format!(
        "<h1>{} · {} {}</h1>\n",
        esc(lang.t("Takstblad", "Tariff sheet")),
        esc(lang.t("aftale", "agreement")),
        esc(&ag.id)
    ));
    let tilbud_name = match &t.paragraph {
        Some(par) => format!("{} ({par})", t.name),
        None => t.name.clone(),
    };
    let year = model
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| model.name.clone());
    p.push_str("<table class=\"meta\"><tbody>");
    for (k, v) in [
        (lang.t("Borger", "Citizen"), citizens.show(&ag.citizen)),
        (
            lang.t("Betalingskommune", "Paying municipality"),
            ag.municipality.clone(),
        ),
        (lang.t("Tilbud", "Facility"), tilbud_name),
        (
            lang.t("Aftaleperiode", "Agreement period"),
            lang.period(ag.from, ag.to),
        ),
        (lang.t("Taksår", "Tariff year"), year),
    ] {
        p.push_str(&format!("<tr><th>{}</th>{}</tr>", esc(k), td(&v)));
    }
    p.push_str("</tbody></table>\n");

    // Key figures.
    p.push_str("<div class=\"key\">");
    for (k, label, v) in [
        (
            "tariff_per_day",
            lang.t("Takst pr. døgn", "Tariff per day"),
            s.calculated.day,
        ),
        (
            "tariff_per_month",
            lang.t("Pr. måned (år / 12)", "Per month (year / 12)"),
            s.calculated.month,
        ),
        (
            "tariff_per_year",
            lang.t("Pr. år", "Per year"),
            s.calculated.year,
        ),
    ] {
        p.push_str(&format!(
            "<div><div class=\"label\">{}</div><div class=\"value\" data-k=\"{k}\">{}</div></div>",
            esc(label),
            esc(&lang.kr(v.shown))
        ));
    }
    p.push_str("</div>\n");
    if let (Some(agreed), Some(diff)) = (&s.agreed, &s.agreed_diff) {
        p.push_str(&format!(
            "<p>{}: <b data-k=\"agreed_tariff\">{}</b> {} (<span data-k=\"agreed_per_month\">{}</span> {}, <span data-k=\"agreed_per_year\">{}</span> {}); {}: <b data-k=\"agreed_diff\">{}</b> {}.</p>\n",
            esc(lang.t("Aftalt takst, som betales", "Agreed tariff, which is paid")),
            esc(&lang.kr(agreed.day.shown)),
            esc(lang.t("pr. døgn", "per day")),
            esc(&lang.kr(agreed.month.shown)),
            esc(lang.t("pr. måned", "per month")),
            esc(&lang.kr(agreed.year.shown)),
            esc(lang.t("pr. år", "per year")),
            esc(lang.t("forskel til den beregnede takst", "difference from the calculated tariff")),
            esc(&lang.kr(diff.shown)),
            esc(lang.t("pr. døgn", "per day")),
        ));
    }

    // The tariff's parts.
    let segs: Vec<svg::Seg> = s
        .parts
        .iter()
        .enumerate()
        .map(|(i, (part, f))| svg::Seg {
            label: match part {
                TariffPart::Base(b) => part_label(lang, *b).to_string(),
                TariffPart::Individual => lang
                    .t("Individuel støtte", "Individual support")
                    .to_string(),
            },
            value: f.shown,
            text: lang.kr(f.shown),
            colour: i,
        })
        .collect();
    p.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(lang.t(
            "Taksten pr. døgn og dens dele",
            "The tariff per day and its parts"
        ))
    ));
    p.push_str(&svg::stacked(
        lang.t(
            "Taksten pr. døgn og dens dele",
            "The tariff per day and its parts",
        ),
        "tariff-parts",
        &segs,
        &format!(
            "{} {}",
            lang.t("Takst", "Tariff"),
            lang.kr(s.calculated.day.shown)
        ),
    ));
    p.push_str(&format!(
        "<table><tbody><tr>{}{}</tr><tr>{}{}</tr><tr class=\"total\">{}{}</tr></tbody></table>\n",
        td(lang.t(
            "Grundtakst (fælles for tilbuddets borgere)",
            "Base tariff (shared by the facility's citizens)"
        )),
        fig("grundtakst", &lang.kr(s.grundtakst.shown)),
        td(lang.t(
            "Individuel takst (borgerens egen støtte)",
            "Individual tariff (the citizen's own support)"
        )),
        fig("individual", &lang.kr(s.individual.shown)),
        td(lang.t("Takst pr. døgn", "Tariff per day")),
        fig("tariff_per_day", &lang.kr(s.calculated.day.shown)),
    ));

    // Agreed support.
    p.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(lang.t("Aftalt støtte pr. uge", "Agreed support per week"))
    ));
    p.push_str("<table>");
    p.push_str(&head(&[
        (lang.t("Kompetence", "Competence"), false),
        (lang.t("Tidsrum", "Time band"), false),
        (lang.t("Borgertimer", "Citizen hours"), true),
        (lang.t("Normering", "Ratio"), true),
        (lang.t("Medarbejdertimer", "Staff hours"), true),
        (lang.t("Timepris", "Hourly price"), true),
        (lang.t("Kr. pr. døgn", "Per day"), true),
    ]));
    p.push_str("<tbody>");
    for (i, l) in s.lines.iter().enumerate() {
        let n = &model.needs[l.need];
        let competence = match &n.note {
            Some(note) if !note.is_empty() => format!(
                "{}<br><span class=\"note\">{}</span>",
                esc(&model.staff[l.staff].name),
                esc(note)
            ),
            _ => esc(&model.staff[l.staff].name),
        };
        p.push_str(&format!(
            "<tr><td>{competence}</td>{}{}<td class=\"n\">{}</td>{}{}{}</tr>",
            td(&model.bands[l.band].name),
            fig(
                &format!("citizen_hours:{i}"),
                &lang.hours(l.citizen_hours.shown)
            ),
            esc(&n.ratio.to_string()),
            fig(
                &format!("staff_hours:{i}"),
                &lang.hours(l.staff_hours.shown)
            ),
            fig(
                &format!(
                    "price:{}:{}",
                    model.staff[l.staff].id, model.bands[l.band].id
                ),
                &lang.kr(l.price.shown)
            ),
            fig(&format!("line_per_day:{i}"), &lang.kr(l.per_day.shown)),
        ));
    }
    p.push_str(&format!(
        "<tr class=\"sub\"><td colspan=\"6\">{}</td>{}</tr>",
        esc(&format!(
            "{} ({} {} {})",
            lang.t(
                "Afrunding af den individuelle takst",
                "Rounding of the individual tariff"
            ),
            lang.t("til", "to"),
            model.rounding.tariff,
            lang.t("kr.", "DKK")
        )),
        fig("individual_rounding", &lang.kr(s.individual_rounding.shown)),
    ));
    p.push_str(&format!(
        "<tr class=\"total\"><td colspan=\"2\">{}</td>{}<td></td>{}<td></td>{}</tr>",
        esc(lang.t("I alt", "Total")),
        fig("citizen_hours_total", &lang.hours(s.citizen_hours.shown)),
        fig("staff_hours_total", &lang.hours(s.staff_hours.shown)),
        fig("individual", &lang.kr(s.individual.shown)),
    ));
    p.push_str("</tbody></table>\n");
    p.push_str(&format!(
        "<p class=\"note\">{}</p>\n",
        esc(lang.t(
            "Borgertimer er borgerens timer; medarbejdertimer = borgertimer × normering (2:1 = to medarbejdere, 1:2 = én medarbejder for to borgere). Kr. pr. døgn = medarbejdertimer / 7 × timepris.",
            "Citizen hours are the citizen's hours; staff hours = citizen hours × ratio (2:1 = two staff, 1:2 = one staff for two citizens). Per day = staff hours / 7 × hourly price."
        ))
    ));

    // Hourly prices.
    p.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(lang.t(
            "Timepriser og deres beregning",
            "Hourly prices and how they are derived"
        ))
    ));
    for pf in &s.prices {
        p.push_str(&price_line(lang, model, pf));
    }

    // Grundtakst.
    p.push_str(&format!(
        "<h2>{} · {}</h2>\n",
        esc(lang.t("Grundtakst", "Base tariff")),
        esc(&t.name)
    ));
    p.push_str(&base_section(lang, model, &s.base, "base-parts"));

    if let Some((from, to, d)) = delivered {
        p.push_str(&delivered_section(lang, model, *from, *to, d.as_ref()));
    }

    p.push_str(&format!(
        "<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        esc(lang.t("Afrunding", "Rounding")),
        esc(&rounding_policy(lang, &model.rounding, model.days_per_year))
    ));
    p.push_str(&footer(lang, model, dir));
    p.push_str("</section>\n");
    p
}

/// One line: annual cost / net hours + supplement → / direct share →
/// + overhead = price.
fn price_line(lang: Lang, model: &Model, pf: &PriceFigures) -> String {
    let staff = &model.staff[pf.staff];
    let band = &model.bands[pf.band];
    let k = |what: &str| format!("{what}:{}:{}", staff.id, band.id);
    let span =
        |key: String, text: String| format!("<span data-k=\"{}\">{}</span>", esc(&key), esc(&text));
    let mut s = format!(
        "<p class=\"deriv\"><b>{}, {}:</b> ",
        esc(&staff.name),
        esc(&band.name)
    );
    match (pf.annual, pf.net_hours) {
        (Some(a), Some(n)) => s.push_str(&format!(
            "{} {} / {} {} = {}",
            span(format!("annual:{}", staff.id), lang.kr(a.shown)),
            esc(lang.t("årsværkspris", "annual cost per FTE")),
            span(
                format!("net_hours:{}", staff.id),
                lang.num(n.normalize(), n.normalize().scale().min(3))
            ),
            esc(lang.t("nettotimer", "net hours")),
            esc(&lang.kr(pf.base.shown)),
        )),
        _ => s.push_str(&format!(
            "{} {}",
            esc(lang.t("fast timepris", "fixed hourly rate")),
            esc(&lang.kr(pf.base.shown))
        )),
    }
    if !pf.supplement.exact.is_zero() {
        s.push_str(&format!(
            " + {} {} = {}",
            esc(&lang.kr(pf.supplement.shown)),
            esc(lang.t("ulempetillæg", "unsocial-hours supplement")),
            span(k("manned"), lang.kr(pf.manned.shown)),
        ));
    } else {
        s.push_str(&format!(
            " (= {})",
            span(k("manned"), lang.kr(pf.manned.shown))
        ));
    }
    s.push_str(&format!(
        " {} → / {} {} = {}",
        esc(lang.t("pr. normeret time", "per manned hour")),
        esc(&lang.short(pf.direct_share)),
        esc(lang.t("borgerrettet andel", "direct share")),
        span(k("direct"), lang.kr(pf.direct.shown)),
    ));
    let oh = match pf.overhead_method {
        OverheadMethod::Markup => format!(
            "+ {} {}",
            lang.pct(pf.overhead_pct),
            lang.t("overhead", "overhead")
        ),
        OverheadMethod::Share => format!(
            "/ (1 − {}) {}",
            lang.pct(pf.overhead_pct),
            lang.t(
                "overhead som andel af prisen",
                "overhead as a share of the price"
            )
        ),
    };
    s.push_str(&format!(
        " → {} = <b>{}</b> {}</p>\n",
        esc(&oh),
        span(k("price"), lang.kr(pf.price.shown)),
        esc(lang.t("pr. time", "per hour")),
    ));
    s
}

/// Agreed vs delivered in the period: hours per week as paired bars, the
/// lines as `takst compare` shows them, and the period's balance.
fn delivered_section(
    lang: Lang,
    model: &Model,
    from: Date,
    to: Date,
    d: Option<&DeliveredSheet>,
) -> String {
    let mut p = format!(
        "<h2>{} · {}</h2>\n",
        esc(lang.t("Aftalt og leveret", "Agreed and delivered")),
        esc(&lang.period(from, Some(to)))
    );
    let Some(d) = d else {
        p.push_str(&format!(
            "<p>{}</p>\n",
            esc(lang.t(
                "Aftalen er ikke i kraft i perioden.",
                "The agreement is not in force in the period."
            ))
        ));
        return p;
    };
    let name = |si: usize, bi: usize| format!("{}, {}", model.staff[si].name, model.bands[bi].name);
    let pairs: Vec<(String, [(rust_decimal::Decimal, String); 2])> = d
        .lines
        .iter()
        .map(|l| {
            (
                name(l.staff, l.band),
                [
                    (l.agreed_per_week.shown, lang.hours(l.agreed_per_week.shown)),
                    (
                        l.delivered_per_week.shown,
                        lang.hours(l.delivered_per_week.shown),
                    ),
                ],
            )
        })
        .collect();
    p.push_str(&format!(
        "<h3>{}</h3>\n",
        esc(lang.t(
            "Medarbejdertimer pr. uge: aftalt og leveret",
            "Staff hours per week: agreed and delivered"
        ))
    ));
    p.push_str(&svg::pairs(
        lang.t(
            "Timer pr. uge: aftalt og leveret",
            "Hours per week: agreed and delivered",
        ),
        "agreed-delivered",
        &pairs,
        [lang.t("Aftalt", "Agreed"), lang.t("Leveret", "Delivered")],
    ));
    p.push_str("<table class=\"compact\">");
    p.push_str(&head(&[
        (
            lang.t("Kompetence og tidsrum", "Competence and time band"),
            false,
        ),
        (lang.t("Aftalt t/uge", "Agreed h/week"), true),
        (lang.t("Leveret t/uge", "Delivered h/week"), true),
        (lang.t("Aftalt i perioden", "Agreed in period"), true),
        (lang.t("Leveret", "Delivered"), true),
        (lang.t("Forskel", "Difference"), true),
        (lang.t("Leveret %", "Delivered %"), true),
        (lang.t("Forskel i kr.", "Difference, DKK"), true),
        (lang.t("Status", "Status"), false),
    ]));
    p.push_str("<tbody>");
    for l in &d.lines {
        let k = |what: &str| {
            format!(
                "{what}:{}:{}",
                model.staff[l.staff].id, model.bands[l.band].id
            )
        };
        let class = match l.status {
            takst_core::compare::Status::Ok => "good",
            _ => "bad",
        };
        p.push_str(&format!(
            "<tr>{}{}{}{}{}{}{}{}<td class=\"{class}\">{}</td></tr>",
            td(&name(l.staff, l.band)),
            fig(&k("agreed_week"), &lang.hours(l.agreed_per_week.shown)),
            fig(
                &k("delivered_week"),
                &lang.hours(l.delivered_per_week.shown)
            ),
            fig(&k("agreed"), &lang.hours(l.agreed.shown)),
            fig(&k("delivered"), &lang.hours(l.delivered.shown)),
            fig(&k("diff"), &lang.hours(l.diff.shown)),
            match l.delivery_pct {
                Some(x) => fig(&k("delivery_pct"), &lang.pct(x.shown)),
                None => "<td></td>".to_string(),
            },
            fig(&k("diff_value"), &lang.kr(l.diff_value.shown)),
            esc(status_word(lang, l.status)),
        ));
    }
    p.push_str("</tbody></table>\n");
    let hours_cell = format!(
        "<td class=\"n\"><span data-k=\"agreed_hours\">{}</span> / <span data-k=\"delivered_hours\">{}</span></td>",
        esc(&lang.hours(d.agreed_hours.shown)),
        esc(&lang.hours(d.delivered_hours.shown))
    );
    let paid_label = format!(
        "{} ({} {})",
        lang.t("Takst betalt", "Tariff paid"),
        lang.short(d.days),
        lang.t("dage", "days")
    );
    p.push_str(&format!(
        "<table><tbody><tr>{}{}</tr><tr>{}{}</tr><tr>{}{}</tr><tr class=\"total\">{}{}</tr></tbody></table>\n",
        td(&paid_label),
        fig("tariff_paid", &lang.kr(d.tariff_paid.shown)),
        td(lang.t(
            "Værdi af det leverede (dage × grundtakst + leverede timer × timepris)",
            "Value delivered (days × base tariff + delivered hours × hourly price)"
        )),
        fig("value_delivered", &lang.kr(d.value_delivered.shown)),
        td(lang.t("Aftalte / leverede timer", "Agreed / delivered hours")),
        hours_cell,
        td(lang.t(
            "Balance (leveret − betalt; negativ: mindre leveret end betalt)",
            "Balance (delivered − paid; negative: less delivered than paid for)"
        )),
        fig("balance", &lang.kr(d.balance.shown)),
    ));
    p
}
