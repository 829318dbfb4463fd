//! The reports people read: HTML pages rendered in a real browser
//! (headless Chromium), checked figure by figure against the CLI's own
//! output, for SVG charts and for network requests; spreadsheets read back
//! with calamine, checked for real numbers and column sums; and snapshots
//! of the HTML with the volatile parts (date, version) filtered.
//!
//! Without Chromium the browser tests fail under CI (`CI=true`) and are
//! skipped locally with a message.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;

use crate::common::*;

// ---------------------------------------------------------------- browser

/// The Chromium binary on PATH, or `None` (then the caller skips, unless
/// under CI, where a missing browser is a failure).
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed; .ci/run installs it (apt-get install -y chromium)");
        }
        eprintln!(
            "skipping the browser test: chromium is not installed (apt-get install chromium)"
        );
    }
    found
}

/// What the browser made of a page: the serialized DOM after loading, and
/// every URL requested while it did (from Chromium's net log).
struct Rendered {
    dom: String,
    urls: Vec<String>,
}

/// Load `page` in headless Chromium with name resolution disabled and a
/// net log, and return the rendered DOM and the URLs requested.
fn render(chromium: &Path, page: &Path) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let log = profile.path().join("net.json");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("p").display()
        ))
        .arg(format!("--log-net-log={}", log.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let net = std::fs::read_to_string(&log).unwrap_or_default();
    let mut urls = Vec::new();
    let mut rest = net.as_str();
    while let Some(i) = rest.find("\"url\":\"") {
        rest = &rest[i + 7..];
        let end = rest.find('"').unwrap_or(rest.len());
        urls.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        urls,
    }
}

/// The browser's own background traffic (time, updates, accounts), which
/// even the flags above do not silence; anything else was the page's.
fn browser_own(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', ':', '?']).next())
        .unwrap_or("");
    ["google.com", "googleapis.com", "gstatic.com", "gvt1.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

fn page_requests(r: &Rendered) -> Vec<&String> {
    r.urls
        .iter()
        .filter(|u| !u.starts_with("file://") && !u.starts_with("data:") && !browser_own(u))
        .collect()
}

/// The page itself names nothing to fetch: no http(s) URL anywhere, no
/// `src=`, no `url(` but the SVG's own hatch pattern.
fn assert_self_contained(html: &str) {
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "a URL in the page"
    );
    assert!(!html.contains(" src="), "an element loading a source");
    assert!(!html.contains("<link"), "a linked resource");
    assert!(!html.contains("<script"), "a script");
    for (i, _) in html.match_indices("url(") {
        assert!(
            html[i..].starts_with("url(#hatch"),
            "url() in the page: {}",
            &html[i..i + 40]
        );
    }
}

// ---------------------------------------------------------------- figures

/// Every `data-k` figure of a page: key → the texts shown under that key.
fn figures(html: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-k=\"") {
        rest = &rest[i + 8..];
        let end = rest.find('"').unwrap();
        let key = rest[..end].to_string();
        let open = rest.find('>').unwrap();
        let close = rest[open..].find('<').unwrap() + open;
        out.entry(key)
            .or_default()
            .push(rest[open + 1..close].to_string());
        rest = &rest[close..];
    }
    out
}

/// A number as a report shows it, Danish (`1.234,50 kr.`, `12,5 t`) or
/// English (`DKK 1,234.50`, `12.5 h`).
fn shown(s: &str, lang: &str) -> Decimal {
    let t = s
        .trim()
        .trim_start_matches("DKK ")
        .trim_end_matches(" %")
        .trim_end_matches('%')
        .trim_end_matches(" kr.")
        .trim_end_matches(" t")
        .trim_end_matches(" h");
    let plain = if lang == "da" {
        t.replace('.', "").replace(',', ".")
    } else {
        t.replace(',', "")
    };
    dec(&plain)
}

/// Every occurrence of figure `key` on the page equals `want`.
fn check(figs: &HashMap<String, Vec<String>>, key: &str, want: Decimal, lang: &str) {
    let texts = figs
        .get(key)
        .unwrap_or_else(|| panic!("no figure {key} on the page"));
    for t in texts {
        assert_eq!(
            shown(t, lang),
            want,
            "figure {key}: shown {t:?}, the CLI says {want}"
        );
    }
}

fn csv_of(args: &[&str]) -> Vec<HashMap<String, String>> {
    let mut a = args.to_vec();
    a.extend(["--format", "csv"]);
    let r = takst(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    csv_rows(&r.stdout)
}

fn write_report(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, String) {
    let out = dir.join(name);
    let mut a = args.to_vec();
    a.extend(["--out", out.to_str().unwrap()]);
    let r = takst(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

/// The sheet of `agreement` shows the CLI's figures: tariff, prices,
/// grundtakst parts.
fn check_sheet_figures(figs: &HashMap<String, Vec<String>>, agreement: &str, lang: &str) {
    let tariff = csv_of(&["tariff", "bocenter"]);
    let t = row(&tariff, "agreement", agreement);
    for k in ["grundtakst", "individual", "tariff_per_day"] {
        check(figs, k, num(t, k), lang);
    }
    if !t["agreed_tariff"].is_empty() {
        check(figs, "agreed_tariff", num(t, "agreed_tariff"), lang);
    }
    let rates = csv_of(&["rates", "bocenter", "--tilbud", "nord"]);
    for r in &rates {
        let key = |what: &str| format!("{what}:{}:{}", r["staff"], r["band"]);
        if figs.contains_key(&key("price")) {
            check(figs, &key("price"), num(r, "price_per_hour"), lang);
            check(figs, &key("manned"), num(r, "manned_rate"), lang);
            check(figs, &key("direct"), num(r, "direct_rate"), lang);
            check(
                figs,
                &format!("annual:{}", r["staff"]),
                num(r, "annual_cost_per_fte"),
                lang,
            );
        }
    }
    check_base_figures(figs, lang);
}

fn check_base_figures(figs: &HashMap<String, Vec<String>>, lang: &str) {
    let tilbud = csv_of(&["tilbud", "bocenter"]);
    let b = row(&tilbud, "tilbud", "nord");
    for k in ["shared", "other", "capital", "overhead", "settlement"] {
        check(figs, &format!("year:{k}"), num(b, k), lang);
    }
    check(figs, "year:income", -num(b, "income"), lang);
    check(figs, "cost_base", num(b, "cost_base"), lang);
    check(figs, "occupied_days", num(b, "occupied_days"), lang);
    check(figs, "grundtakst", num(b, "grundtakst"), lang);
    // The parts per day add up to the grundtakst as shown.
    let day: Decimal = figs
        .iter()
        .filter(|(k, _)| k.starts_with("day:"))
        .map(|(_, v)| shown(&v[0], lang))
        .sum();
    assert_eq!(day, num(b, "grundtakst"), "parts per day");
    let year: Decimal = figs
        .iter()
        .filter(|(k, _)| k.starts_with("year:"))
        .map(|(_, v)| shown(&v[0], lang))
        .sum();
    assert_eq!(year, num(b, "cost_base"), "parts per year");
}

#[test]
fn tariff_sheet_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (page, html) = write_report(
        dir.path(),
        "a1.html",
        &["report", "sheet", "bocenter", "--agreement", "A1"],
    );
    assert_self_contained(&html);
    let r = render(&chromium, &page);
    assert!(
        page_requests(&r).is_empty(),
        "the page requested {:?}",
        page_requests(&r)
    );
    assert!(
        r.dom.contains("Takstblad · aftale A1"),
        "{}",
        &r.dom[..200.min(r.dom.len())]
    );
    for chart in ["tariff-parts", "base-parts"] {
        assert!(
            r.dom.contains(&format!("<svg data-chart=\"{chart}\"")),
            "chart {chart}"
        );
    }
    let figs = figures(&r.dom);
    check_sheet_figures(&figs, "A1", "da");
    // SPEC 9: A1 is 7 h/week socialpædagog day and 3.5 h/week SSA evening.
    check(&figs, "citizen_hours_total", dec("10.5"), "da");
    check(&figs, "staff_hours_total", dec("10.5"), "da");
    check(&figs, "price:paed:dag", dec("443.76"), "da");
    check(&figs, "price:ssa:aften", dec("444.19"), "da");
    // Per year = 2,446 × 365; per month = that / 12.
    check(&figs, "tariff_per_year", dec("892790.00"), "da");
    check(&figs, "tariff_per_month", dec("74399.17"), "da");
    // The need lines and the rounding add up to the individual part.
    let lines: Decimal = figs
        .iter()
        .filter(|(k, _)| k.starts_with("line_per_day:") || *k == "individual_rounding")
        .map(|(_, v)| shown(&v[0], "da"))
        .sum();
    assert_eq!(lines, dec("666"));
    assert!(r.dom.contains("2.446,00 kr."));
}

#[test]
fn facility_overview_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (page, html) = write_report(dir.path(), "nord.html", &["report", "tilbud", "bocenter"]);
    assert_self_contained(&html);
    let r = render(&chromium, &page);
    assert!(
        page_requests(&r).is_empty(),
        "the page requested {:?}",
        page_requests(&r)
    );
    for chart in ["base-parts", "agreement-tariffs"] {
        assert!(
            r.dom.contains(&format!("<svg data-chart=\"{chart}\"")),
            "chart {chart}"
        );
    }
    let figs = figures(&r.dom);
    check_base_figures(&figs, "da");
    let tariff = csv_of(&["tariff", "bocenter"]);
    for t in &tariff {
        let a = &t["agreement"];
        for k in ["grundtakst", "individual", "tariff_per_day"] {
            check(&figs, &format!("{k}:{a}"), num(t, k), "da");
        }
    }
    // The cost lines add up to the cost base.
    let lines: Decimal = figs
        .iter()
        .filter(|(k, _)| k.starts_with("line:"))
        .map(|(_, v)| shown(&v[0], "da"))
        .sum();
    assert_eq!(lines, dec("7561589.22"));
}

#[test]
fn english_sheet_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (page, html) = write_report(
        dir.path(),
        "a2.html",
        &[
            "report",
            "sheet",
            "bocenter",
            "--agreement",
            "A2",
            "--lang",
            "en",
        ],
    );
    assert_self_contained(&html);
    let r = render(&chromium, &page);
    assert!(page_requests(&r).is_empty());
    assert!(r.dom.contains("<html lang=\"en\">"));
    assert!(r.dom.contains("Tariff sheet · agreement A2"));
    assert!(
        r.dom.contains("DKK 3,000.00"),
        "the agreed tariff in English format"
    );
    check_sheet_figures(&figures(&r.dom), "A2", "en");
}

/// The net-log check does catch a page that fetches something: the same
/// browser run on a page with an external image and style sheet.
#[test]
fn the_network_check_catches_a_request() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<html><body><img src=\"http://example.test/x.png\">\
         <link rel=stylesheet href=\"https://fonts.example.test/a.css\"></body></html>",
    )
    .unwrap();
    let r = render(&chromium, &page);
    let req = page_requests(&r);
    assert!(
        req.iter().any(|u| u.contains("example.test/x.png")),
        "{:?}",
        r.urls
    );
    assert!(
        req.iter().any(|u| u.contains("fonts.example.test")),
        "{:?}",
        r.urls
    );
}

#[test]
fn a_municipality_gets_only_its_own_citizens() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = write_report(
        dir.path(),
        "gentofte.html",
        &["report", "sheet", "bocenter", "--municipality", "Gentofte"],
    );
    assert_self_contained(&html);
    let pages: Vec<&str> = html.split("<section class=\"page\"").skip(1).collect();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].starts_with(" data-agreement=\"A1\""));
    assert!(pages[1].starts_with(" data-agreement=\"A4\""));
    // Gladsaxe's citizen C002 appears nowhere.
    assert!(!html.contains("C002") && !html.contains("Gladsaxe"));
    let tariff = csv_of(&["tariff", "bocenter"]);
    for (page, a) in pages.iter().zip(["A1", "A4"]) {
        let figs = figures(page);
        check(
            &figs,
            "tariff_per_day",
            num(row(&tariff, "agreement", a), "tariff_per_day"),
            "da",
        );
    }
    let r = takst(&["report", "sheet", "bocenter", "--municipality", "Roskilde"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no agreement in the model is paid by it"),
        "{}",
        r.stderr
    );
}

/// Every sheet of the demo data agrees with `takst tariff` (no browser:
/// the figures as written).
#[test]
fn demo_sheets_agree_with_the_cli() {
    let demo = root().join("data");
    let r = takst_in(&demo, &["tariff", "demo", "--format", "csv"]);
    let tariff = csv_rows(&r.stdout);
    let municipalities: std::collections::BTreeSet<&String> =
        tariff.iter().map(|t| &t["municipality"]).collect();
    for m in municipalities {
        let r = takst_in(&demo, &["report", "sheet", "demo", "--municipality", m]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_self_contained(&r.stdout);
        for page in r
            .stdout
            .split("<section class=\"page\" data-agreement=\"")
            .skip(1)
        {
            let id = &page[..page.find('"').unwrap()];
            let t = row(&tariff, "agreement", id);
            assert_eq!(&t["municipality"], m);
            let figs = figures(page);
            for k in ["grundtakst", "individual", "tariff_per_day"] {
                check(&figs, k, num(t, k), "da");
            }
        }
    }
}

#[test]
fn html_snapshots() {
    let filters = vec![
        (r"takst \d+\.\d+\.\d+[^ ]*", "takst [version]"),
        (r"(den|on) \d+\.? \p{L}+ \d{4}", "$1 [date]"),
    ];
    for (name, args) in [
        (
            "report_sheet_a3",
            vec!["report", "sheet", "bocenter", "--agreement", "A3"],
        ),
        (
            "report_tilbud_bocenter",
            vec!["report", "tilbud", "bocenter"],
        ),
    ] {
        let r = takst(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        insta::with_settings!({ filters => filters.clone() }, {
            insta::assert_snapshot!(name, r.stdout);
        });
    }
}

// ---------------------------------------------------------------- xlsx

fn xlsx(args: &[&str]) -> (tempfile::TempDir, Xlsx<std::io::BufReader<std::fs::File>>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xlsx");
    let mut a = args.to_vec();
    a.extend(["--format", "xlsx", "--out", out.to_str().unwrap()]);
    let r = takst(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    (dir, wb)
}

/// A sheet as rows of header → cell.
fn sheet_rows(
    wb: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Vec<HashMap<String, Data>> {
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    rows.map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// A numeric cell (a real number, not text), as the decimal with the CSV's
/// `dp` decimals.
fn number(c: &Data, dp: usize) -> Decimal {
    match c {
        Data::Float(f) => dec(&format!("{f:.dp$}")),
        Data::Int(i) => Decimal::from(*i),
        other => panic!("expected a number, found {other:?}"),
    }
}

/// Σ of a column's doubles, rounded to the cent: what a finance officer's
/// SUM shows.
fn column_sum(rows: &[&HashMap<String, Data>], col: &str) -> Decimal {
    let s: f64 = rows
        .iter()
        .map(|r| match &r[col] {
            Data::Float(f) => *f,
            Data::Empty => 0.0,
            other => panic!("{col}: expected a number, found {other:?}"),
        })
        .sum();
    dec(&format!("{s:.2}"))
}

#[test]
fn rates_workbook() {
    let (_d, mut wb) = xlsx(&["rates", "bocenter"]);
    assert_eq!(
        wb.sheet_names(),
        ["Timepriser", "Årsværkspris", "Parametre"]
    );
    let csv = csv_of(&["rates", "bocenter"]);
    let rows = sheet_rows(&mut wb, "Timepriser");
    assert_eq!(rows.len(), csv.len());
    for (x, c) in rows.iter().zip(&csv) {
        assert_eq!(x["faggruppe"].to_string(), c["staff"]);
        assert_eq!(
            number(&x["timepris inkl. overhead"], 2),
            num(c, "price_per_hour")
        );
        assert_eq!(number(&x["årsværkspris"], 2), num(c, "annual_cost_per_fte"));
        assert_eq!(number(&x["nettotimer"], 3), num(c, "net_hours"));
        assert_eq!(
            number(&x["pris pr. normeret time"], 2),
            num(c, "manned_rate")
        );
    }
    // The parts of the annual cost per FTE add up to it.
    for r in sheet_rows(&mut wb, "Årsværkspris") {
        let parts = [
            "årsløn",
            "pension",
            "øvrige lønomkostninger",
            "udgifter pr. årsværk",
        ];
        let sum: Decimal = parts.iter().map(|p| number(&r[*p], 2)).sum();
        assert_eq!(sum, number(&r["årsværkspris"], 2));
    }
    let params = sheet_rows(&mut wb, "Parametre");
    let oh = params
        .iter()
        .find(|r| r["afsnit"] == "overhead" && r["nøgle"] == "pct")
        .unwrap();
    assert_eq!(number(&oh["værdi"], 0), dec("6"));
    assert_eq!(
        oh["kilde"].to_string(),
        "Rammeaftale: maksimal overheadprocent 6"
    );
    assert!(oh["fil:linje"]
        .to_string()
        .starts_with("bocenter/takst.toml:"));
    let sick = params.iter().find(|r| r["post"] == "Sygefravær").unwrap();
    assert_eq!(number(&sick["værdi"], 1), dec("4.6"));
}

#[test]
fn tilbud_workbook_sums_to_the_cli() {
    let (_d, mut wb) = xlsx(&["tilbud", "bocenter"]);
    assert_eq!(
        wb.sheet_names(),
        [
            "Grundtakst",
            "Grundtakst pr. døgn",
            "Omkostningslinjer",
            "Parametre"
        ]
    );
    let csv = csv_of(&["tilbud", "bocenter"]);
    let c = row(&csv, "tilbud", "nord");
    let main = sheet_rows(&mut wb, "Grundtakst");
    let m = &main[0];
    for (label, key) in [
        ("fællesydelser", "shared"),
        ("andre omk.", "other"),
        ("kapital", "capital"),
        ("overhead", "overhead"),
        ("indtægter", "income"),
        ("omkostningsgrundlag", "cost_base"),
        ("belagte døgn", "occupied_days"),
        ("grundtakst", "grundtakst"),
    ] {
        assert_eq!(number(&m[label], 2), num(c, key), "{label}");
    }
    // Σ of each part's cost lines = that part as `takst tilbud` shows it;
    // Σ of all lines = the cost base.
    let lines = sheet_rows(&mut wb, "Omkostningslinjer");
    for (part, key, sign) in [
        ("shared", "shared", 1),
        ("other", "other", 1),
        ("capital", "capital", 1),
        ("income", "income", -1),
    ] {
        let of: Vec<_> = lines.iter().filter(|r| r["del"] == part).collect();
        assert_eq!(
            column_sum(&of, "kr. pr. år"),
            num(c, key) * Decimal::from(sign),
            "{part}"
        );
    }
    let all: Vec<_> = lines.iter().collect();
    assert_eq!(column_sum(&all, "kr. pr. år"), num(c, "cost_base"));
    // The parts per day sum to the grundtakst.
    let day = sheet_rows(&mut wb, "Grundtakst pr. døgn");
    let d = &day[0];
    let parts: f64 = d
        .iter()
        .filter(|(k, _)| !["tilbud", "grundtakst"].contains(&k.as_str()))
        .map(|(_, v)| if let Data::Float(f) = v { *f } else { 0.0 })
        .sum();
    assert_eq!(dec(&format!("{parts:.2}")), num(c, "grundtakst"));
}

#[test]
fn tariff_workbook_sums_to_the_cli() {
    let (_d, mut wb) = xlsx(&["tariff", "bocenter"]);
    let csv = csv_of(&["tariff", "bocenter"]);
    let main = sheet_rows(&mut wb, "Takster");
    assert_eq!(main.len(), csv.len());
    for (x, c) in main.iter().zip(&csv) {
        assert_eq!(number(&x["døgntakst"], 2), num(c, "tariff_per_day"));
        assert!(
            matches!(x["grundtakst"], Data::Float(_)),
            "numbers are numbers"
        );
    }
    // A whole column: Σ tariff per day of all agreements.
    let all: Vec<_> = main.iter().collect();
    let want: Decimal = csv.iter().map(|c| num(c, "tariff_per_day")).sum();
    assert_eq!(column_sum(&all, "døgntakst"), want);
    // Per agreement, the need lines and the rounding add up to the individual part.
    let lines = sheet_rows(&mut wb, "Behovslinjer");
    for c in &csv {
        let of: Vec<_> = lines
            .iter()
            .filter(|r| r["aftale"].to_string() == c["agreement"])
            .collect();
        assert_eq!(
            column_sum(&of, "kr. pr. døgn"),
            num(c, "individual"),
            "{}",
            c["agreement"]
        );
    }
}

#[test]
fn xlsx_needs_an_out_file_and_a_command_that_has_one() {
    let r = takst(&["rates", "bocenter", "--format", "xlsx"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--format xlsx needs --out FILE"),
        "{}",
        r.stderr
    );
    let r = takst(&[
        "explain",
        "bocenter",
        "--agreement",
        "A1",
        "--format",
        "xlsx",
        "--out",
        "x.xlsx",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no spreadsheet form"), "{}", r.stderr);
}

/// With `--actuals`, the overview shows `takst economy`'s figures: the
/// result and its parts, the settlement, FTE needed vs employed; in a
/// browser, with its charts.
#[test]
fn facility_overview_with_actuals_agrees_with_economy() {
    let demo = root().join("data");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("demo.html");
    let r = takst_in(
        &demo,
        &[
            "report",
            "tilbud",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--out",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let r = takst_in(
        &demo,
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let econ = csv_rows(&r.stdout);
    let pages: Vec<&str> = html
        .split("<section class=\"page\" data-tilbud=\"")
        .skip(1)
        .collect();
    assert_eq!(pages.len(), 2);
    let mut checked = 0;
    for page in &pages {
        let id = &page[..page.find('"').unwrap()];
        let figs = figures(page);
        for e in econ.iter().filter(|e| e["tilbud"] == id) {
            let (section, item, key) = (&e["section"], &e["item"], &e["key"]);
            let want = |col: &str| num(e, col);
            match (section.as_str(), item.as_str()) {
                ("result", _) | ("settlement", "carry" | "settlement" | "settlement_per_day") => {
                    check(&figs, &format!("econ:{item}"), want("value"), "da");
                    checked += 1;
                }
                ("budget_actual", "revenue" | "costs" | "occupied_days") => {
                    check(&figs, &format!("econ:{item}:budget"), want("budget"), "da");
                    check(&figs, &format!("econ:{item}:actual"), want("actual"), "da");
                    checked += 1;
                }
                ("staffing", "fte") => {
                    check(&figs, &format!("fte_needed:{key}"), want("budget"), "da");
                    check(&figs, &format!("fte_employed:{key}"), want("actual"), "da");
                    checked += 1;
                }
                _ => {}
            }
        }
    }
    assert!(checked > 20, "only {checked} economy figures checked");
    let Some(chromium) = chromium() else { return };
    let r = render(&chromium, &page);
    assert!(
        page_requests(&r).is_empty(),
        "the page requested {:?}",
        page_requests(&r)
    );
    for chart in ["base-parts", "agreement-tariffs", "economy-result", "fte"] {
        assert!(
            r.dom.contains(&format!("<svg data-chart=\"{chart}\"")),
            "chart {chart}"
        );
    }
    assert!(r.dom.contains("Driftsøkonomi 2025"));
}

#[test]
fn economy_workbook_has_a_sheet_per_section() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("economy.xlsx");
    let demo = root().join("data");
    let r = takst_in(
        &demo,
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names();
    for s in [
        "Budget og regnskab",
        "Resultat",
        "Efterregulering",
        "Bemanding",
        "Parametre",
    ] {
        assert!(names.iter().any(|n| n == s), "sheet {s} in {names:?}");
    }
    let r = takst_in(
        &demo,
        &[
            "economy",
            "demo",
            "--actuals",
            "demo/actuals-2025.csv",
            "--format",
            "csv",
        ],
    );
    let csv = csv_rows(&r.stdout);
    // Per tilbud the parts of the result sum to the result shown by the CLI.
    let result = sheet_rows(&mut wb, "Resultat");
    for t in ["nord", "skovly"] {
        let parts: Vec<_> = result
            .iter()
            .filter(|r| r["tilbud"] == t && r["post"] != "result")
            .collect();
        let want = csv
            .iter()
            .find(|c| c["tilbud"] == t && c["section"] == "result" && c["item"] == "result")
            .map(|c| num(c, "value"))
            .unwrap();
        assert_eq!(column_sum(&parts, "værdi"), want, "{t}");
    }
    // Budget and actual: numbers, equal to the CSV.
    for r in sheet_rows(&mut wb, "Budget og regnskab") {
        let c = csv
            .iter()
            .find(|c| {
                c["tilbud"] == r["tilbud"].to_string()
                    && c["section"] == "budget_actual"
                    && c["item"] == r["post"].to_string()
                    && c["key"] == r["nøgle"].to_string()
            })
            .unwrap();
        assert_eq!(number(&r["budget"], 2), num(c, "budget"));
        assert_eq!(number(&r["regnskab"], 2), num(c, "actual"));
    }
}

/// `--pseudonymize` replaces citizen ids in reports as in `takst tariff`.
#[test]
fn reports_can_pseudonymize_citizens() {
    let out = Command::new(env!("CARGO_BIN_EXE_takst"))
        .args([
            "report",
            "sheet",
            "bocenter",
            "--municipality",
            "Gentofte",
            "--pseudonymize",
        ])
        .env("TAKST_PSEUDONYM_KEY", "a key of at least sixteen bytes")
        .current_dir(root().join("tests/fixtures"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(!html.contains("C001") && !html.contains("C003"));
    assert_eq!(html.matches("<td>P-").count(), 2, "one pseudonym per page");
}

const PERIOD: [&str; 6] = [
    "--delivered",
    "bocenter/delivered.csv",
    "--from",
    "2025-01-01",
    "--to",
    "2025-03-31",
];

fn compare_csv(extra: &[&str]) -> Vec<HashMap<String, String>> {
    let mut a = vec!["compare", "bocenter"];
    a.extend(PERIOD);
    a.extend(extra);
    csv_of(&a)
}

/// With a delivered file and a period, the sheet shows `takst compare`'s
/// lines and balance, and agreed vs delivered hours per week as bars.
#[test]
fn tariff_sheet_with_delivered_hours_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["report", "sheet", "bocenter", "--agreement", "A1"];
    args.extend(PERIOD);
    let (page, html) = write_report(dir.path(), "a1.html", &args);
    assert_self_contained(&html);
    let r = render(&chromium, &page);
    assert!(
        page_requests(&r).is_empty(),
        "the page requested {:?}",
        page_requests(&r)
    );
    assert!(r.dom.contains("<svg data-chart=\"agreed-delivered\""));
    let figs = figures(&r.dom);
    for l in compare_csv(&[]).iter().filter(|l| l["agreement"] == "A1") {
        let k = |what: &str| format!("{what}:{}:{}", l["staff"], l["band"]);
        check(&figs, &k("agreed"), num(l, "agreed_hours"), "da");
        check(&figs, &k("delivered"), num(l, "delivered_hours"), "da");
        check(&figs, &k("diff"), num(l, "diff_hours"), "da");
        check(&figs, &k("diff_value"), num(l, "diff_value"), "da");
        check(&figs, &k("delivery_pct"), num(l, "delivery_pct"), "da");
    }
    let t = compare_csv(&["--totals", "agreement"]);
    let t = row(&t, "agreement", "A1");
    for k in [
        "tariff_paid",
        "value_delivered",
        "balance",
        "agreed_hours",
        "delivered_hours",
    ] {
        check(&figs, k, num(t, k), "da");
    }
    // Agreed per week is the need lines' staff hours; delivered per week
    // is 77 h × 7 / 90 days.
    check(&figs, "agreed_week:paed:dag", dec("7"), "da");
    check(&figs, "agreed_week:ssa:aften", dec("3.5"), "da");
    check(&figs, "delivered_week:paed:dag", dec("5.99"), "da");
}

/// The overview lists the lines outside the tolerance, largest kroner gap
/// first, with `takst compare`'s figures.
#[test]
fn facility_overview_lists_citizens_outside_tolerance() {
    let mut args = vec!["report", "tilbud", "bocenter"];
    args.extend(PERIOD);
    let r = takst(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_self_contained(&r.stdout);
    assert!(r.stdout.contains("<svg data-chart=\"outside-tolerance\""));
    let figs = figures(&r.stdout);
    let lines = compare_csv(&[]);
    let mut outside: Vec<_> = lines.iter().filter(|l| l["status"] != "ok").collect();
    outside.sort_by_key(|l| std::cmp::Reverse(num(l, "diff_value").abs()));
    let order: Vec<String> = outside
        .iter()
        .map(|l| format!("diff_value:{}:{}:{}", l["agreement"], l["staff"], l["band"]))
        .collect();
    assert_eq!(order, ["diff_value:A1:paed:dag", "diff_value:A4:paed:dag"]);
    let positions: Vec<usize> = order
        .iter()
        .map(|k| r.stdout.find(&format!("data-k=\"{k}\"")).unwrap())
        .collect();
    assert!(positions[0] < positions[1], "sorted by kroner gap");
    for l in outside {
        let k = |what: &str| format!("{what}:{}:{}:{}", l["agreement"], l["staff"], l["band"]);
        check(&figs, &k("diff_value"), num(l, "diff_value"), "da");
        check(&figs, &k("agreed"), num(l, "agreed_hours"), "da");
        check(&figs, &k("delivered"), num(l, "delivered_hours"), "da");
    }
    assert!(
        !figs.contains_key("diff_value:A2:paed:dag"),
        "A2 is within the tolerance"
    );
}

#[test]
fn compare_workbook_sums_to_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("compare.xlsx");
    let mut args = vec!["compare", "bocenter"];
    args.extend(PERIOD);
    args.extend(["--format", "xlsx", "--out", out.to_str().unwrap()]);
    let r = takst(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("conservation: delivered_in=278.75"));
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Linjer",
            "Pr. aftale",
            "Pr. borger",
            "Pr. kommune",
            "Timer i alt",
            "Parametre"
        ]
    );
    let csv = compare_csv(&[]);
    let lines = sheet_rows(&mut wb, "Linjer");
    assert_eq!(lines.len(), csv.len());
    for (x, c) in lines.iter().zip(&csv) {
        assert_eq!(x["aftale"].to_string(), c["agreement"]);
        assert_eq!(number(&x["aftalte timer"], 2), num(c, "agreed_hours"));
        assert_eq!(number(&x["leverede timer"], 2), num(c, "delivered_hours"));
        assert_eq!(number(&x["forskel kr."], 2), num(c, "diff_value"));
    }
    // Per agreement, the lines' delivered hours and differences in kroner
    // sum to the agreement's totals as the CLI prints them.
    let totals = compare_csv(&["--totals", "agreement"]);
    for t in &totals {
        let of: Vec<_> = lines
            .iter()
            .filter(|l| l["aftale"] == t["agreement"].as_str())
            .collect();
        assert_eq!(column_sum(&of, "leverede timer"), num(t, "delivered_hours"));
        assert_eq!(column_sum(&of, "forskel kr."), num(t, "variance"));
    }
    let per = sheet_rows(&mut wb, "Pr. aftale");
    let all: Vec<_> = per.iter().collect();
    let want: Decimal = totals.iter().map(|t| num(t, "balance")).sum();
    assert_eq!(column_sum(&all, "balance"), want);
    // The conservation of hours: matched and the reasons sum to delivered in.
    let c = &sheet_rows(&mut wb, "Timer i alt")[0];
    assert_eq!(number(&c["leveret i alt"], 2), dec("278.75"));
    let parts: f64 = c
        .iter()
        .filter(|(k, _)| k.as_str() != "leveret i alt")
        .map(|(_, v)| if let Data::Float(f) = v { *f } else { 0.0 })
        .sum();
    assert_eq!(dec(&format!("{parts:.2}")), dec("278.75"));
}
