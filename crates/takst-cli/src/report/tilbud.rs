//! `takst report tilbud`: the facility overview for the facility leader,
//! one page per tilbud: the grundtakst built up from its cost lines, the
//! agreements with their tariffs, and charts of both.
//!
//! Responsible for: laying out takst-core's figures for a tilbud. Not
//! responsible for: any figure (takst-core computes and rounds them).

use takst_core::calc::Engine;
use takst_core::model::Model;
use takst_core::report::{base_breakdown, tariff_sheet, BaseBreakdown, Part, TariffSheet};

use takst_core::economy::Economy;

use super::html::{self, esc, fig, head, td};
use super::{base_section, footer, part_label, status_word, svg, Common, Delivered, Lang};
use crate::cmd::economy::Line;
use crate::cmd::{CmdResult, Failure, Output};
use crate::load::{self, Scope};
use crate::pseudo::Citizens;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Only this tilbud (default: one page per tilbud).
    #[arg(long, value_name = "ID")]
    pub tilbud: Option<String>,
    /// The actuals of the model's year (as for `takst economy`): adds the
    /// operating economy, its result and settlement, and FTE needed vs
    /// employed.
    #[arg(long, value_name = "FILE")]
    pub actuals: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub delivered: Delivered,
}

pub fn run(a: &Args) -> CmdResult {
    let lang = a.common.lang;
    let citizens = a.common.pseudo.citizens()?;
    let model = load::load(&a.common.model, Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let chosen: Vec<usize> = match &a.tilbud {
        Some(id) => vec![*engine.tilbud_index.get(id.as_str()).ok_or_else(|| {
            Failure::Usage(format!("--tilbud {id}: no such tilbud in the model"))
        })?],
        None => (0..model.tilbud.len()).collect(),
    };
    let calc = |ti: usize, e: takst_core::num::CalcError| {
        takst_core::problem::Problem::new(
            takst_core::problem::Code::Calculation,
            model.tilbud[ti].origin.pos.clone(),
            e.to_string(),
        )
    };
    let economies = match &a.actuals {
        Some(path) => economies(&model, &engine, path)?,
        None => Vec::new(),
    };
    let compared = a.delivered.compare(&engine)?;
    let mut body = String::new();
    let mut problems = Vec::new();
    for ti in chosen {
        let base = match base_breakdown(&engine, ti) {
            Ok(b) => b,
            Err(e) => {
                problems.push(calc(ti, e));
                continue;
            }
        };
        let mut sheets = Vec::new();
        for (ai, ag) in model.agreements.iter().enumerate() {
            if ag.tilbud.id != model.tilbud[ti].id {
                continue;
            }
            match tariff_sheet(&engine, ai) {
                Ok(s) => sheets.push(s),
                Err(p) => problems.push(p),
            }
        }
        let econ = economies.iter().find(|(e, _)| e.tilbud == ti);
        let outside = compared
            .as_ref()
            .map(|(plan, report)| outside_tolerance(lang, &model, plan, report, ti, &citizens));
        body.push_str(&page(
            lang,
            &model,
            &base,
            &sheets,
            (econ, outside.as_deref()),
            &citizens,
            &a.common.model,
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let title = format!(
        "{} · {}",
        lang.t("Tilbudsoversigt", "Facility overview"),
        model.name
    );
    Ok(Output::text(html::document(lang.code(), &title, &body)))
}

fn page(
    lang: Lang,
    model: &Model,
    base: &BaseBreakdown,
    sheets: &[TariffSheet],
    (econ, outside): (Option<&(Economy, Vec<Line>)>, Option<&str>),
    citizens: &Citizens,
    dir: &std::path::Path,
) -> String {
    let t = &model.tilbud[base.tilbud];
    let mut p = format!("<section class=\"page\" data-tilbud=\"{}\">\n", esc(&t.id));
    p.push_str(&format!(
        "<h1>{} · {}</h1>\n",
        esc(lang.t("Tilbudsoversigt", "Facility overview")),
        esc(&t.name)
    ));
    p.push_str("<table class=\"meta\"><tbody>");
    let mut meta = vec![(
        lang.t("Tilbud", "Facility"),
        format!("{} ({})", t.name, t.id),
    )];
    if let Some(par) = &t.paragraph {
        meta.push((lang.t("Paragraf", "Section of the act"), par.clone()));
    }
    meta.push((
        lang.t("Pladser og belægning", "Places and occupancy"),
        format!(
            "{} {}, {}",
            lang.short(t.places),
            lang.t("pladser", "places"),
            lang.pct(t.occupancy_pct)
        ),
    ));
    meta.push((lang.t("Model", "Model"), model.name.clone()));
    for (k, v) in meta {
        p.push_str(&format!("<tr><th>{}</th>{}</tr>", esc(k), td(&v)));
    }
    p.push_str("</tbody></table>\n");

    p.push_str("<div class=\"key\">");
    for (k, label, v) in [
        (
            "grundtakst",
            lang.t("Grundtakst pr. døgn", "Base tariff per day"),
            lang.kr(base.grundtakst.shown),
        ),
        (
            "cost_base",
            lang.t("Omkostningsgrundlag pr. år", "Cost base per year"),
            lang.kr(base.cost_base.shown),
        ),
        (
            "occupied_days",
            lang.t("Belagte døgn", "Occupied days"),
            lang.num(base.occupied_days.shown, 2),
        ),
        (
            "agreements",
            lang.t("Aftaler", "Agreements"),
            sheets.len().to_string(),
        ),
    ] {
        p.push_str(&format!(
            "<div><div class=\"label\">{}</div><div class=\"value\" data-k=\"{k}\">{}</div></div>",
            esc(label),
            esc(&v)
        ));
    }
    p.push_str("</div>\n");

    p.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(lang.t("Grundtaksten bygget op", "The base tariff built up"))
    ));
    p.push_str(&base_section(lang, model, base, "base-parts"));
    p.push_str(&cost_lines(lang, model, base));

    p.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(lang.t("Aftaler og takster", "Agreements and tariffs"))
    ));
    if sheets.is_empty() {
        p.push_str(&format!(
            "<p>{}</p>",
            esc(lang.t("Ingen aftaler i modellen.", "No agreements in the model."))
        ));
    } else {
        p.push_str(&agreements(lang, model, sheets, citizens));
    }
    if let Some(o) = outside {
        p.push_str(o);
    }
    if let Some((e, lines)) = econ {
        p.push_str(&economy_section(lang, model, e, lines));
    }
    p.push_str(&footer(lang, model, dir));
    p.push_str("</section>\n");
    p
}

/// The lines under each part: shared staffing lines with their hours, and
/// cost items; per part they add up to the part's figure per year.
fn cost_lines(lang: Lang, model: &Model, base: &BaseBreakdown) -> String {
    let t = &model.tilbud[base.tilbud];
    let mut s = format!(
        "<h3>{}</h3><table class=\"compact\">",
        esc(lang.t("Omkostningslinjer pr. år", "Cost lines per year"))
    );
    s.push_str(&head(&[
        (lang.t("Del", "Part"), false),
        (lang.t("Post", "Item"), false),
        (lang.t("Timer pr. uge", "Hours per week"), true),
        (lang.t("Kr. pr. år", "Per year"), true),
        (lang.t("Kilde", "Source"), false),
    ]));
    s.push_str("<tbody>");
    let mut last = None;
    for (i, l) in base.lines.iter().enumerate() {
        let part = if last == Some(l.part) {
            ""
        } else {
            part_label(lang, l.part)
        };
        last = Some(l.part);
        let (name, hours, origin, key) = match l.part {
            Part::Shared => {
                let sh = &t.shared[l.index];
                let staff = model
                    .staff
                    .iter()
                    .find(|x| x.id == sh.staff.id)
                    .map(|x| x.name.as_str())
                    .unwrap_or(&sh.staff.id);
                let band = model
                    .bands
                    .iter()
                    .find(|x| x.id == sh.band.id)
                    .map(|x| x.name.as_str())
                    .unwrap_or(&sh.band.id);
                (
                    format!("{} ({staff}, {band})", sh.name),
                    lang.hours(sh.hours_per_week),
                    &sh.origin,
                    "hours_per_week",
                )
            }
            Part::Overhead => (
                overhead_name(lang, model, base.tilbud),
                String::new(),
                t.overhead.origin.as_ref().unwrap_or(&model.overhead.origin),
                "pct",
            ),
            Part::Settlement => (
                lang.t("Efterregulering fra år t−2", "Settlement from year t−2")
                    .to_string(),
                String::new(),
                &t.origin,
                "settlement",
            ),
            _ => {
                let c = &t.costs[l.index];
                (c.name.clone(), String::new(), &c.origin, "amount")
            }
        };
        let mut src = origin.cite(key);
        if let Some(x) = &origin.source {
            src.push_str(&format!(" · {x}"));
        }
        s.push_str(&format!(
            "<tr>{}{}<td class=\"n\">{}</td>{}<td class=\"note\">{}</td></tr>",
            td(part),
            td(&name),
            esc(&hours),
            fig(&format!("line:{i}"), &lang.kr(l.amount.shown)),
            esc(&src)
        ));
    }
    s.push_str("</tbody></table>\n");
    s
}

fn agreements(lang: Lang, model: &Model, sheets: &[TariffSheet], citizens: &Citizens) -> String {
    let mut s = String::from("<table class=\"compact\">");
    s.push_str(&head(&[
        (lang.t("Aftale", "Agreement"), false),
        (lang.t("Borger", "Citizen"), false),
        (lang.t("Kommune", "Municipality"), false),
        (lang.t("Periode", "Period"), false),
        (lang.t("Medarb.timer/uge", "Staff h/week"), true),
        (lang.t("Grundtakst", "Base"), true),
        (lang.t("Individuel", "Individual"), true),
        (lang.t("Takst pr. døgn", "Per day"), true),
        (lang.t("Aftalt takst", "Agreed"), true),
    ]));
    s.push_str("<tbody>");
    let mut rows = Vec::new();
    for sh in sheets {
        let ag = &model.agreements[sh.agreement];
        let k = |what: &str| format!("{what}:{}", ag.id);
        s.push_str(&format!(
            "<tr>{}{}{}{}{}{}{}{}{}</tr>",
            td(&ag.id),
            td(&citizens.show(&ag.citizen)),
            td(&ag.municipality),
            td(&lang.short_period(ag.from, ag.to)),
            fig(&k("staff_hours"), &lang.hours(sh.staff_hours.shown)),
            fig(&k("grundtakst"), &lang.kr(sh.grundtakst.shown)),
            fig(&k("individual"), &lang.kr(sh.individual.shown)),
            fig(&k("tariff_per_day"), &lang.kr(sh.calculated.day.shown)),
            match &sh.agreed {
                Some(x) => fig(&k("agreed_tariff"), &lang.kr(x.day.shown)),
                None => "<td></td>".to_string(),
            },
        ));
        rows.push(svg::Row {
            label: format!("{} · {}", ag.id, ag.municipality),
            segs: vec![
                svg::Seg {
                    label: lang.t("Grundtakst", "Base tariff").to_string(),
                    value: sh.grundtakst.shown,
                    text: lang.kr(sh.grundtakst.shown),
                    colour: 0,
                },
                svg::Seg {
                    label: lang.t("Individuel", "Individual").to_string(),
                    value: sh.individual.shown,
                    text: lang.kr(sh.individual.shown),
                    colour: 3,
                },
            ],
            text: lang.kr(sh.calculated.day.shown),
        });
    }
    s.push_str("</tbody></table>\n");
    s.push_str(&svg::rows(
        lang.t("Takst pr. døgn pr. aftale", "Tariff per day by agreement"),
        "agreement-tariffs",
        &rows,
        &[
            (lang.t("Grundtakst", "Base tariff").to_string(), 0),
            (
                lang.t("Individuel takst", "Individual tariff").to_string(),
                3,
            ),
        ],
    ));
    s
}

/// "Overhead, 6 % of shared + other + capital (markup)".
pub fn overhead_name(lang: Lang, model: &Model, ti: usize) -> String {
    use takst_core::model::OverheadMethod;
    let t = &model.tilbud[ti];
    let pct = t.overhead.pct.unwrap_or(model.overhead.pct);
    let method = t.overhead.method.unwrap_or(model.overhead.method);
    let capital = t
        .overhead
        .include_capital
        .unwrap_or(model.overhead.include_capital);
    let base = match (lang, capital) {
        (Lang::Da, true) => "fællesydelser, andre omkostninger og kapital",
        (Lang::Da, false) => "fællesydelser og andre omkostninger",
        (Lang::En, true) => "shared staffing, other costs and capital",
        (Lang::En, false) => "shared staffing and other costs",
    };
    let how = match (lang, method) {
        (Lang::Da, OverheadMethod::Markup) => "tillæg",
        (Lang::Da, OverheadMethod::Share) => "andel af prisen",
        (Lang::En, OverheadMethod::Markup) => "markup",
        (Lang::En, OverheadMethod::Share) => "share of the price",
    };
    format!(
        "Overhead, {} {} {base} ({how})",
        lang.pct(pct),
        lang.t("af", "of")
    )
}

/// The economy of each tilbud with actuals, with the lines `takst economy`
/// shows (display-rounded there, breakdowns allocated).
fn economies(
    model: &Model,
    engine: &Engine,
    path: &std::path::Path,
) -> Result<Vec<(Economy, Vec<Line>)>, Failure> {
    let Some(year) = model.year else {
        return Err(Failure::Usage(
            "--actuals: the model has no year; `year = …` in [model] is the year of the accounts"
                .into(),
        ));
    };
    let mut problems = Vec::new();
    let rows = crate::load::actuals::read(path, &mut problems);
    if !problems.is_empty() {
        return Err(Failure::Problems(problems));
    }
    let collected = takst_core::economy::collect(engine, &rows, year)?;
    let shown = crate::cmd::Shown {
        exact: false,
        rounding: model.rounding,
    };
    let mut out = Vec::new();
    for act in &collected.tilbud {
        let e = takst_core::economy::economy(engine, act, year, None)
            .map_err(|p| Failure::Problems(vec![p]))?;
        let lines = crate::cmd::economy::lines(model, &e, &shown);
        out.push((e, lines));
    }
    Ok(out)
}

/// The words for an economy line's item.
fn econ_label(lang: Lang, item: &str) -> &'static str {
    match item {
        "occupied_days" => lang.t("Belagte døgn", "Occupied days"),
        "occupancy_pct" => lang.t("Belægning, %", "Occupancy, %"),
        "revenue" => lang.t("Indtægter i alt", "Revenue"),
        "costs" => lang.t("Omkostninger i alt", "Costs"),
        "salary_pct" => lang.t("Lønandel af omkostningerne, %", "Salary share of costs, %"),
        "result" => lang.t("Resultat", "Result"),
        "occupancy_effect" => lang.t("Belægningseffekt", "Occupancy effect"),
        "cost_effect" => lang.t("Omkostningseffekt", "Cost effect"),
        "rounding" => lang.t("Afrunding af grundtaksten", "Rounding of the base tariff"),
        "revenue_difference" => lang.t("Anden indtægtsforskel", "Other revenue difference"),
        "carry" => lang.t("Bæres selv af tilbuddet", "Carried by the facility"),
        "settlement" => lang.t("Efterregulering i år t+2", "Settlement in year t+2"),
        "settlement_per_day" => lang.t(
            "Efterregulering pr. belagt døgn",
            "Settlement per occupied day",
        ),
        _ => "",
    }
}

fn economy_section(lang: Lang, model: &Model, e: &Economy, lines: &[Line]) -> String {
    let find = |section: &str, item: &str| {
        lines
            .iter()
            .find(|l| l.section == section && l.item == item)
    };
    let mut s = format!(
        "<h2>{} {}</h2>\n",
        esc(lang.t("Driftsøkonomi", "Operating economy")),
        e.year
    );
    // Budget and actual.
    s.push_str("<table class=\"compact\">");
    s.push_str(&head(&[
        ("", false),
        (lang.t("Budget", "Budget"), true),
        (lang.t("Regnskab", "Actual"), true),
        (lang.t("Afvigelse", "Difference"), true),
    ]));
    s.push_str("<tbody>");
    for item in [
        "occupied_days",
        "occupancy_pct",
        "revenue",
        "costs",
        "salary_pct",
    ] {
        let Some(l) = find("budget_actual", item) else {
            continue;
        };
        let money = matches!(item, "revenue" | "costs");
        let f = |d: Option<rust_decimal::Decimal>| match d {
            Some(d) if money => lang.kr(d),
            Some(d) => lang.num(d, 2),
            None => String::new(),
        };
        s.push_str(&format!(
            "<tr>{}{}{}{}</tr>",
            td(econ_label(lang, item)),
            fig(&format!("econ:{item}:budget"), &f(l.budget)),
            fig(&format!("econ:{item}:actual"), &f(l.actual)),
            fig(&format!("econ:{item}:difference"), &f(l.difference)),
        ));
    }
    s.push_str("</tbody></table>\n");

    // The result and its parts.
    s.push_str(&format!(
        "<h3>{}</h3><table class=\"compact\"><tbody>",
        esc(lang.t("Resultat og dets dele", "The result and its parts"))
    ));
    let mut bars = Vec::new();
    for item in [
        "occupancy_effect",
        "cost_effect",
        "rounding",
        "revenue_difference",
    ] {
        if let Some(v) = find("result", item).and_then(|l| l.value) {
            s.push_str(&format!(
                "<tr>{}{}</tr>",
                td(econ_label(lang, item)),
                fig(&format!("econ:{item}"), &lang.kr(v))
            ));
            bars.push((econ_label(lang, item).to_string(), v, lang.kr(v)));
        }
    }
    if let Some(v) = find("result", "result").and_then(|l| l.value) {
        let word = if v.is_sign_negative() && !v.is_zero() {
            lang.t("Resultat (underskud)", "Result (deficit)")
        } else {
            lang.t("Resultat (overskud)", "Result (surplus)")
        };
        s.push_str(&format!(
            "<tr class=\"total\">{}{}</tr>",
            td(word),
            fig("econ:result", &lang.kr(v))
        ));
        bars.push((word.to_string(), v, lang.kr(v)));
    }
    s.push_str("</tbody></table>\n");
    s.push_str(&svg::signed(
        lang.t("Resultat og dets dele", "The result and its parts"),
        "economy-result",
        &bars,
    ));
    // Settlement.
    s.push_str("<table class=\"compact\"><tbody>");
    for item in ["carry", "settlement", "settlement_per_day"] {
        if let Some(v) = find("settlement", item).and_then(|l| l.value) {
            s.push_str(&format!(
                "<tr>{}{}</tr>",
                td(econ_label(lang, item)),
                fig(&format!("econ:{item}"), &lang.kr(v))
            ));
        }
    }
    s.push_str("</tbody></table>\n");

    // FTE needed vs employed.
    let fte: Vec<&Line> = lines
        .iter()
        .filter(|l| l.section == "staffing" && l.item == "fte")
        .collect();
    if !fte.is_empty() {
        s.push_str(&format!(
            "<h3>{}</h3><table class=\"compact\">",
            esc(lang.t("Årsværk: behov og ansat", "FTE: needed and employed"))
        ));
        s.push_str(&head(&[
            (lang.t("Faggruppe", "Staff category"), false),
            (lang.t("Behov", "Needed"), true),
            (lang.t("Ansat", "Employed"), true),
            (lang.t("Forskel", "Difference"), true),
        ]));
        s.push_str("<tbody>");
        let mut pairs = Vec::new();
        for l in &fte {
            let name = model
                .staff
                .iter()
                .find(|x| x.id == l.key)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| l.key.clone());
            let f =
                |d: Option<rust_decimal::Decimal>| d.map(|d| lang.num(d, 2)).unwrap_or_default();
            s.push_str(&format!(
                "<tr>{}{}{}{}</tr>",
                td(&name),
                fig(&format!("fte_needed:{}", l.key), &f(l.budget)),
                fig(&format!("fte_employed:{}", l.key), &f(l.actual)),
                fig(&format!("fte_difference:{}", l.key), &f(l.difference)),
            ));
            let zero = rust_decimal::Decimal::ZERO;
            pairs.push((
                name,
                [
                    (l.budget.unwrap_or(zero), f(l.budget)),
                    (l.actual.unwrap_or(zero), f(l.actual)),
                ],
            ));
        }
        s.push_str("</tbody></table>\n");
        s.push_str(&svg::pairs(
            lang.t("Årsværk: behov og ansat", "FTE: needed and employed"),
            "fte",
            &pairs,
            [lang.t("Behov", "Needed"), lang.t("Ansat", "Employed")],
        ));
        s.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            esc(lang.t(
                "Behov = (fælles bemandede timer + aftalte individuelle timer / borgerrettet andel) / nettotimer pr. årsværk.",
                "Needed = (shared manned hours + agreed individual hours / direct share) / net hours per FTE."
            ))
        ));
    }
    s
}

/// The lines of the tilbud's agreements outside the tolerance in the
/// compare period, largest kroner gap first, with a signed bar chart.
fn outside_tolerance(
    lang: Lang,
    model: &Model,
    plan: &takst_core::compare::Plan,
    report: &takst_core::compare::Report,
    ti: usize,
    citizens: &Citizens,
) -> String {
    use takst_core::compare::Status;
    let r = &model.rounding;
    let mut lines: Vec<&takst_core::compare::Line> = report
        .lines
        .iter()
        .filter(|l| plan.slots[l.slot].tilbud == ti && l.status != Status::Ok)
        .collect();
    lines.sort_by(|a, b| {
        b.diff_value
            .abs()
            .cmp(&a.diff_value.abs())
            .then(a.slot.cmp(&b.slot))
    });
    let mut s = format!(
        "<h2>{} · {}</h2>\n",
        esc(lang.t(
            "Borgere uden for tolerancen",
            "Citizens outside the tolerance"
        )),
        esc(&lang.period(plan.from, Some(plan.to)))
    );
    if lines.is_empty() {
        s.push_str(&format!(
            "<p>{}</p>\n",
            esc(lang.t(
                "Alle aftaler er leveret inden for tolerancen.",
                "Every agreement was delivered within the tolerance."
            ))
        ));
        return s;
    }
    s.push_str("<table class=\"compact\">");
    s.push_str(&head(&[
        (lang.t("Aftale", "Agreement"), false),
        (lang.t("Borger", "Citizen"), false),
        (lang.t("Kommune", "Municipality"), false),
        (lang.t("Kompetence, tidsrum", "Competence, band"), false),
        (lang.t("Aftalt", "Agreed"), true),
        (lang.t("Leveret", "Delivered"), true),
        (lang.t("Leveret %", "Delivered %"), true),
        (lang.t("Forskel i kr.", "Difference, DKK"), true),
        (lang.t("Status", "Status"), false),
    ]));
    s.push_str("<tbody>");
    let mut bars = Vec::new();
    for l in &lines {
        let ag = &model.agreements[plan.slots[l.slot].agreement];
        let what = format!(
            "{}, {}",
            model.staff[l.staff].name, model.bands[l.band].name
        );
        let delivered = takst_core::report::Fig::display(l.delivered, r);
        let agreed = takst_core::num::allocate(&[l.agreed, l.diff], delivered.shown, 2, r.mode)[0];
        let value = takst_core::report::Fig::display(l.diff_value, r).shown;
        let k = |x: &str| {
            format!(
                "{x}:{}:{}:{}",
                ag.id, model.staff[l.staff].id, model.bands[l.band].id
            )
        };
        s.push_str(&format!(
            "<tr>{}{}{}{}{}{}{}{}<td class=\"bad\">{}</td></tr>",
            td(&ag.id),
            td(&citizens.show(&ag.citizen)),
            td(&ag.municipality),
            td(&what),
            fig(&k("agreed"), &lang.hours(agreed)),
            fig(&k("delivered"), &lang.hours(delivered.shown)),
            match l.delivery_pct {
                Some(x) => fig(
                    &k("delivery_pct"),
                    &lang.pct(takst_core::report::Fig::display(x, r).shown)
                ),
                None => "<td></td>".to_string(),
            },
            fig(&k("diff_value"), &lang.kr(value)),
            esc(status_word(lang, l.status)),
        ));
        bars.push((format!("{} · {what}", ag.id), value, lang.kr(value)));
    }
    s.push_str("</tbody></table>\n");
    s.push_str(&svg::signed(
        lang.t("Forskel i kroner", "Difference in kroner"),
        "outside-tolerance",
        &bars,
    ));
    s
}
