//! `takst report`: the reports people read, as one self-contained HTML
//! file each: the tariff sheet of an agreement (`sheet`) and the facility
//! overview of each tilbud (`tilbud`).
//!
//! Responsible for: the report commands' flags, the language of the text
//! (Danish by default, English with `--lang en`) with its number and date
//! format, and the shared page furniture. Not responsible for: any figure:
//! they come from takst-core (`calc`, `report`), already rounded for
//! display and allocated so that breakdowns add up; rendering only lays
//! them out.

pub mod html;
pub mod sheet;
pub mod svg;
pub mod tilbud;

use std::path::PathBuf;

use jiff::civil::Date;
use rust_decimal::Decimal;

use takst_core::compare::{Plan, Report};

use crate::cmd::{CmdResult, Failure};
use crate::danish::format_da;

/// The flags of `takst report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// The tariff sheet (takstblad) of an agreement, or one page per
    /// agreement of a paying municipality.
    Sheet(sheet::Args),
    /// The facility overview of each tilbud: grundtakst, agreements and
    /// their tariffs.
    Tilbud(tilbud::Args),
}

/// Flags every report takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The model directory (takst.toml, agreements.csv, needs.csv).
    #[arg(default_value = ".")]
    pub model: PathBuf,
    /// Write the HTML to FILE (atomically: complete or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The language of the report's text and number format.
    #[arg(long, value_enum, default_value_t = Lang::Da)]
    pub lang: Lang,
    #[command(flatten)]
    pub pseudo: crate::pseudo::PseudonymArgs,
}

impl Args {
    /// The `--out` file of the report.
    pub fn out(&self) -> &Option<PathBuf> {
        match &self.what {
            What::Sheet(a) => &a.common.out,
            What::Tilbud(a) => &a.common.out,
        }
    }
}

pub fn run(a: &Args) -> CmdResult {
    match &a.what {
        What::Sheet(a) => sheet::run(a),
        What::Tilbud(a) => tilbud::run(a),
    }
}

/// `--delivered FILE --from D --to D [--tolerance PCT]`: agreed vs
/// delivered in a period, computed by `takst_core::compare` as `takst
/// compare` computes it.
#[derive(Debug, Clone, clap::Args)]
pub struct Delivered {
    /// Delivered hours (as for `takst compare`).
    #[arg(long, value_name = "FILE", requires_all = ["from", "to"])]
    pub delivered: Option<PathBuf>,
    /// First day of the period (inclusive).
    #[arg(long, value_name = "DATE", requires = "delivered")]
    pub from: Option<String>,
    /// Last day of the period (inclusive).
    #[arg(long, value_name = "DATE", requires = "delivered")]
    pub to: Option<String>,
    /// Tolerance in percent before a line is under or over.
    #[arg(long, value_name = "PCT", default_value = "10")]
    pub tolerance: String,
}

impl Delivered {
    /// The compare plan and report for the period, when `--delivered` is given.
    pub fn compare<'e, 'm>(
        &self,
        engine: &'e takst_core::calc::Engine<'m>,
    ) -> Result<Option<(Plan<'e, 'm>, Report)>, Failure> {
        let Some(path) = &self.delivered else {
            return Ok(None);
        };
        let date = |flag: &str, s: &Option<String>| {
            let s = s.as_deref().unwrap_or_default();
            takst_core::text::parse_date(s)
                .map_err(|e| Failure::Usage(format!("{flag}: found `{s}`: {e}")))
        };
        let (from, to) = (date("--from", &self.from)?, date("--to", &self.to)?);
        if to < from {
            return Err(Failure::Usage(format!(
                "--to {to} is before --from {from}; expected a period of at least one day"
            )));
        }
        let pct =
            takst_core::text::parse_decimal(&self.tolerance, takst_core::text::DecimalStyle::Point)
                .map_err(|e| Failure::Usage(format!("--tolerance: {e}")))?;
        if pct.is_sign_negative() || pct > Decimal::ONE_HUNDRED {
            return Err(Failure::Usage(format!(
                "--tolerance: found {pct}, expected a percentage from 0 to 100"
            )));
        }
        let plan = Plan::new(engine, from, to)?;
        let windows: Vec<_> = engine
            .model
            .bands
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.window.map(|w| (i, w)))
            .collect();
        let file = path.display().to_string();
        let scanned = crate::delivered::scan(path, &file, &plan, &windows, 2, None)?;
        let report =
            Report::new(&plan, &scanned.acc, pct / Decimal::ONE_HUNDRED).map_err(|p| vec![p])?;
        Ok(Some((plan, report)))
    }
}

/// A line's status in words.
pub fn status_word(lang: Lang, s: takst_core::compare::Status) -> &'static str {
    use takst_core::compare::Status;
    match s {
        Status::Under => lang.t("under", "under"),
        Status::Ok => lang.t("i orden", "ok"),
        Status::Over => lang.t("over", "over"),
    }
}

/// The language of a report: its words, and its number and date format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Danish: 1.234,50 kr.; 12,5 t.
    Da,
    /// English: DKK 1,234.50; 12.5 h.
    En,
}

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The Danish or the English text.
    pub fn t(self, da: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Da => da,
            Lang::En => en,
        }
    }

    /// `d` with `dp` decimals: 1.234,50 (da) or 1,234.50 (en).
    pub fn num(self, d: Decimal, dp: u32) -> String {
        let s = format_da(d, dp);
        match self {
            Lang::Da => s,
            Lang::En => s
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }

    /// An amount at 0.01: `1.234,50 kr.` or `DKK 1,234.50`.
    pub fn kr(self, d: Decimal) -> String {
        match self {
            Lang::Da => format!("{} kr.", self.num(d, 2)),
            Lang::En => format!("DKK {}", self.num(d, 2)),
        }
    }

    /// A number with its decimals, trailing zeros dropped: `12,5`, `7`.
    pub fn short(self, d: Decimal) -> String {
        let n = d.normalize();
        self.num(n, n.scale())
    }

    /// Hours at 0.01 with trailing zeros dropped: `12,5 t` or `12.5 h`.
    pub fn hours(self, d: Decimal) -> String {
        format!("{} {}", self.short(d), self.t("t", "h"))
    }

    /// A percentage as written: `6 %` or `6%`.
    pub fn pct(self, d: Decimal) -> String {
        match self {
            Lang::Da => format!("{} %", self.short(d)),
            Lang::En => format!("{}%", self.short(d)),
        }
    }

    /// A date: `1. januar 2025` or `1 January 2025`.
    pub fn date(self, d: Date) -> String {
        let m = (d.month() as usize).saturating_sub(1).min(11);
        match self {
            Lang::Da => format!("{}. {} {}", d.day(), MONTHS_DA[m], d.year()),
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        }
    }

    /// A short date for tables: `1.1.2025` or `2025-01-01`.
    pub fn short_date(self, d: Date) -> String {
        match self {
            Lang::Da => format!("{}.{}.{}", d.day(), d.month(), d.year()),
            Lang::En => d.to_string(),
        }
    }

    /// A short period for tables: `1.1.2025–31.3.2025`, `1.1.2025–`.
    pub fn short_period(self, from: Date, to: Option<Date>) -> String {
        match to {
            Some(t) => format!("{}–{}", self.short_date(from), self.short_date(t)),
            None => format!("{}–", self.short_date(from)),
        }
    }

    /// A period `from – to`, open-ended when `to` is absent.
    pub fn period(self, from: Date, to: Option<Date>) -> String {
        match to {
            Some(t) => format!("{} – {}", self.date(from), self.date(t)),
            None => format!("{} – {}", self.date(from), self.t("løbende", "open-ended")),
        }
    }
}

/// The footer of every page: what made it, from which model, when.
pub fn footer(lang: Lang, model: &takst_core::model::Model, dir: &std::path::Path) -> String {
    let today = jiff::Zoned::now().date();
    format!(
        "<footer>{} takst {} {} {} · {}: {} ({}) · {}</footer>\n",
        lang.t("Udskrevet af", "Printed by"),
        env!("CARGO_PKG_VERSION"),
        lang.t("den", "on"),
        html::esc(&lang.date(today)),
        lang.t("model", "model"),
        html::esc(&model.name),
        html::esc(&dir.display().to_string()),
        lang.t(
            "Alle tal er beregnet med eksakte decimaler og vist afrundet til 0,01; dele af en sum er fordelt efter største rest, så de summer til det viste total.",
            "All figures are computed with exact decimals and shown rounded to 0.01; the parts of a sum are allocated by largest remainder so that they add up to the total shown."
        )
    )
}

/// The model's rounding policy in words.
pub fn rounding_policy(
    lang: Lang,
    r: &takst_core::num::Rounding,
    days_per_year: Decimal,
) -> String {
    use takst_core::num::Precision;
    let mode = match (lang, r.mode) {
        (Lang::Da, takst_core::num::RoundingMode::HalfUp) => "halvdelen op (0,5 → 1)",
        (Lang::Da, takst_core::num::RoundingMode::HalfEven) => {
            "halvdelen til lige (0,5 → 0, 1,5 → 2)"
        }
        (Lang::En, takst_core::num::RoundingMode::HalfUp) => "half up (0.5 → 1)",
        (Lang::En, takst_core::num::RoundingMode::HalfEven) => "half to even (0.5 → 0, 1.5 → 2)",
    };
    let step = |p: Precision| match p {
        Precision::Exact => lang.t("afrundes ikke", "are not rounded").to_string(),
        Precision::Step(x) => format!(
            "{} {} {}",
            lang.t("afrundes til nærmeste", "are rounded to the nearest"),
            lang.short(x),
            lang.t("kr.", "DKK")
        ),
    };
    match lang {
        Lang::Da => format!(
            "Timepriser {}; takster pr. døgn (grundtakst og individuel takst hver for sig) {}; ved præcis halvdelen: {}. Pr. år = pr. døgn × {} dage; pr. måned = pr. år / 12 (en gennemsnitlig måned; en faktisk måned faktureres som dage × takst pr. døgn).",
            step(r.rate),
            step(r.tariff),
            mode,
            lang.short(days_per_year)
        ),
        Lang::En => format!(
            "Hourly prices {}; tariffs per day (base and individual part each) {}; exact halves: {}. Per year = per day × {} days; per month = per year / 12 (an average month; an actual month is invoiced as days × tariff per day).",
            step(r.rate),
            step(r.tariff),
            mode,
            lang.short(days_per_year)
        ),
    }
}

/// The name of a part of the grundtakst.
pub fn part_label(lang: Lang, p: takst_core::report::Part) -> &'static str {
    use takst_core::report::Part;
    match p {
        Part::Shared => lang.t("Fællesydelser (grundnormering)", "Shared staffing"),
        Part::Other => lang.t(
            "Ledelse og andre omkostninger",
            "Management and other costs",
        ),
        Part::Capital => lang.t("Kapitalomkostninger", "Capital costs"),
        Part::Overhead => lang.t(
            "Overhead (indirekte omkostninger)",
            "Overhead (indirect costs)",
        ),
        Part::Income => lang.t("Indtægter (fratrækkes)", "Income (deducted)"),
        Part::Settlement => lang.t("Efterregulering (år t−2)", "Settlement (year t−2)"),
        Part::Occupancy => lang.t("Belægning under 100 %", "Occupancy below 100%"),
        Part::Rounding => lang.t("Afrunding", "Rounding"),
    }
}

/// The grundtakst of a tilbud, built up: its parts per year and per day,
/// the occupied days, and a stacked bar of the parts per day.
pub fn base_section(
    lang: Lang,
    model: &takst_core::model::Model,
    b: &takst_core::report::BaseBreakdown,
    chart_key: &str,
) -> String {
    use html::{esc, fig, head, td};
    let t = &model.tilbud[b.tilbud];
    let mut s = String::new();
    s.push_str("<table>");
    s.push_str(&head(&[
        (lang.t("Del", "Part"), false),
        (lang.t("Kr. pr. år", "Per year"), true),
        (lang.t("Kr. pr. døgn", "Per day"), true),
    ]));
    s.push_str("<tbody>");
    for (p, f) in &b.per_day {
        let year = b.per_year.iter().find(|(q, _)| q == p).map(|x| x.1);
        s.push_str("<tr>");
        s.push_str(&td(part_label(lang, *p)));
        match year {
            Some(y) => s.push_str(&fig(&format!("year:{}", p.key()), &lang.kr(y.shown))),
            None => s.push_str("<td class=\"n\"></td>"),
        }
        s.push_str(&fig(&format!("day:{}", p.key()), &lang.kr(f.shown)));
        s.push_str("</tr>");
    }
    s.push_str(&format!(
        "<tr class=\"total\">{}{}{}</tr>",
        td(lang.t(
            "I alt: omkostningsgrundlag og grundtakst",
            "Total: cost base and base tariff"
        )),
        fig("cost_base", &lang.kr(b.cost_base.shown)),
        fig("grundtakst", &lang.kr(b.grundtakst.shown)),
    ));
    s.push_str("</tbody></table>");
    s.push_str(&format!(
        "<p class=\"note\">{}: {} × {} × {} = <span data-k=\"occupied_days\">{}</span>. {}</p>",
        esc(lang.t("Belagte døgn", "Occupied days")),
        esc(&format!(
            "{} {}",
            lang.short(t.places),
            lang.t("pladser", "places")
        )),
        esc(&format!(
            "{} {}",
            lang.short(model.days_per_year),
            lang.t("dage", "days")
        )),
        esc(&lang.pct(t.occupancy_pct)),
        esc(&lang.num(b.occupied_days.shown, 2)),
        esc(lang.t(
            "Dele pr. døgn er regnet pr. plads ved fuld belægning; linjen \"Belægning under 100 %\" er det, den forudsatte belægning lægger til. Omkostningsgrundlaget står i kolonnen pr. år.",
            "Parts per day are per place at full occupancy; the line \"Occupancy below 100%\" is what the assumed occupancy adds. The cost base is the per-year column's total."
        ))
    ));
    let segs: Vec<svg::Seg> = b
        .per_day
        .iter()
        .enumerate()
        .map(|(i, (p, f))| svg::Seg {
            label: part_label(lang, *p).to_string(),
            value: f.shown,
            text: lang.kr(f.shown),
            colour: i,
        })
        .collect();
    s.push_str(&svg::stacked(
        lang.t(
            "Grundtakstens dele pr. døgn",
            "The base tariff's parts per day",
        ),
        chart_key,
        &segs,
        &format!(
            "{} {}",
            lang.t("Grundtakst", "Base tariff"),
            lang.kr(b.grundtakst.shown)
        ),
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(Lang::Da.kr(d("1234.5")), "1.234,50 kr.");
        assert_eq!(Lang::En.kr(d("1234.5")), "DKK 1,234.50");
        assert_eq!(Lang::Da.hours(d("12.50")), "12,5 t");
        assert_eq!(Lang::En.hours(d("12.50")), "12.5 h");
        assert_eq!(Lang::Da.hours(d("7.00")), "7 t");
        assert_eq!(Lang::Da.pct(d("6")), "6 %");
        assert_eq!(Lang::Da.num(d("1524.696"), 3), "1.524,696");
        assert_eq!(Lang::Da.kr(d("-30000")), "-30.000,00 kr.");
    }

    #[test]
    fn dates() {
        let x = jiff::civil::date(2025, 3, 1);
        assert_eq!(Lang::Da.date(x), "1. marts 2025");
        assert_eq!(Lang::En.date(x), "1 March 2025");
    }
}
