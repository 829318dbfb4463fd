//! `takst report tilbud`: the facility overview for the facility leader,
//! one page per tilbud: the grundtakst built up from its cost lines, the
//! agreements with their tariffs, and charts of both.
//!
//! Responsible for: laying out takst-core's figures for a tilbud. Not
//! responsible for: any figure (takst-core computes and rounds them).

use takst_core::calc::Engine;
use takst_core::model::Model;
use takst_core::report::{base_breakdown, tariff_sheet, BaseBreakdown, Part, TariffSheet};

use super::html::{self, esc, fig, head, td};
use super::{base_section, footer, part_label, svg, Common, Lang};
use crate::cmd::{CmdResult, Failure, Output};
use crate::load::{self, Scope};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Only this tilbud (default: one page per tilbud).
    #[arg(long, value_name = "ID")]
    pub tilbud: Option<String>,
}

pub fn run(a: &Args) -> CmdResult {
    let lang = a.common.lang;
    let model = load::load(&a.common.model, Scope::Agreements)?;
    let engine = Engine::new(&model)?;
    let chosen: Vec<usize> = match &a.tilbud {
        Some(id) => vec![*engine.tilbud_index.get(id).ok_or_else(|| {
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
        body.push_str(&page(lang, &model, &base, &sheets, &a.common.model));
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
        p.push_str(&agreements(lang, model, sheets));
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

fn agreements(lang: Lang, model: &Model, sheets: &[TariffSheet]) -> String {
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
            td(&ag.citizen),
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
