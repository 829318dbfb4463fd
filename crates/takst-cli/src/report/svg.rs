//! Inline SVG charts for the reports: a stacked bar of parts, stacked bars
//! per row on one scale, and paired bars (agreed vs delivered, needed vs
//! employed).
//!
//! Responsible for: layout only. Values arrive as display-rounded decimals
//! with their text already formatted; they are turned into pixel positions
//! (the one place a report uses `f64`, for coordinates) and never summed
//! into a figure that is shown. Not responsible for: any figure or wording.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::html::esc;

/// Colours of segments, in order; colour-blind-safe (Okabe–Ito based).
const PALETTE: &[&str] = &[
    "#1f5f99", "#56b4e9", "#009e73", "#e69f00", "#cc79a7", "#0072b2", "#d55e00", "#999999",
    "#7a3e9d",
];

/// The colour of segment `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

const W: f64 = 700.0;

fn px(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One segment of a bar: its label, value (for the scale), the value's
/// text and its colour index.
pub struct Seg {
    pub label: String,
    pub value: Decimal,
    pub text: String,
    pub colour: usize,
}

/// A stacked bar of `segs` with a legend. Positive segments are stacked
/// from zero; negative ones (income, a surplus carried back, rounding
/// down) are drawn hatched below the bar, ending where the positives end,
/// so the bar's net end is where they begin; `total` labels that end.
pub fn stacked(title: &str, key: &str, segs: &[Seg], total: &str) -> String {
    let pos: f64 = segs.iter().map(|s| px(s.value).max(0.0)).sum();
    let neg: f64 = segs.iter().map(|s| (-px(s.value)).max(0.0)).sum();
    let scale = if pos > 0.0 { (W - 20.0) / pos } else { 0.0 };
    let legend_rows = segs.len().div_ceil(2);
    let h = 86.0 + 18.0 * legend_rows as f64;
    let mut s = format!(
        "<svg data-chart=\"{}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">\
         <defs><pattern id=\"hatch-{}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"#fbe3e4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a4262c\" stroke-width=\"2\"/></pattern></defs>",
        esc(key),
        esc(title),
        esc(key)
    );
    let mut x = 10.0;
    for seg in segs.iter().filter(|s| s.value > Decimal::ZERO) {
        let w = px(seg.value) * scale;
        s.push_str(&format!(
            "<rect x=\"{x:.2}\" y=\"10\" width=\"{w:.2}\" height=\"30\" fill=\"{}\"><title>{}: {}</title></rect>",
            colour(seg.colour),
            esc(&seg.label),
            esc(&seg.text)
        ));
        if w > 70.0 {
            s.push_str(&format!(
                "<text x=\"{:.2}\" y=\"29\" font-size=\"11\" fill=\"#fff\" text-anchor=\"middle\">{}</text>",
                x + w / 2.0,
                esc(&seg.text)
            ));
        }
        x += w;
    }
    // Negative parts: hatched, from the positive end leftwards.
    let mut nx = 10.0 + pos * scale;
    for seg in segs.iter().filter(|s| s.value < Decimal::ZERO) {
        let w = -px(seg.value) * scale;
        nx -= w;
        s.push_str(&format!(
            "<rect x=\"{nx:.2}\" y=\"42\" width=\"{w:.2}\" height=\"10\" fill=\"url(#hatch-{})\" stroke=\"#a4262c\" stroke-width=\"0.5\"><title>{}: {}</title></rect>",
            esc(key),
            esc(&seg.label),
            esc(&seg.text)
        ));
    }
    let end = 10.0 + (pos - neg) * scale;
    s.push_str(&format!(
        "<line x1=\"{end:.2}\" y1=\"4\" x2=\"{end:.2}\" y2=\"58\" stroke=\"#1d2733\" stroke-width=\"1.5\"/>\
         <text x=\"{:.2}\" y=\"72\" font-size=\"12\" font-weight=\"700\" text-anchor=\"{}\">{}</text>",
        end,
        if end > W / 2.0 { "end" } else { "start" },
        esc(total)
    ));
    for (i, seg) in segs.iter().enumerate() {
        let (cx, cy) = (
            10.0 + (i % 2) as f64 * (W / 2.0),
            86.0 + (i / 2) as f64 * 18.0,
        );
        let fill = if seg.value < Decimal::ZERO {
            format!("url(#hatch-{})", esc(key))
        } else {
            colour(seg.colour).to_string()
        };
        s.push_str(&format!(
            "<rect x=\"{cx:.2}\" y=\"{:.2}\" width=\"11\" height=\"11\" fill=\"{fill}\"/>\
             <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}: {}</text>",
            cy - 10.0,
            cx + 16.0,
            cy,
            esc(&seg.label),
            esc(&seg.text)
        ));
    }
    s.push_str("</svg>");
    s
}

/// One row of stacked bars: a label, its segments, the text at its end.
pub struct Row {
    pub label: String,
    pub segs: Vec<Seg>,
    pub text: String,
}

/// Horizontal bars, one per row, on one scale (the largest row); a legend
/// names `legend` (label, colour index). Negative segments are not drawn.
pub fn rows(title: &str, key: &str, rows: &[Row], legend: &[(String, usize)]) -> String {
    let label_w = 170.0;
    let text_w = 110.0;
    let bar_w = W - label_w - text_w - 10.0;
    let max: f64 = rows
        .iter()
        .map(|r| r.segs.iter().map(|s| px(s.value).max(0.0)).sum::<f64>())
        .fold(0.0, f64::max);
    let scale = if max > 0.0 { bar_w / max } else { 0.0 };
    let h = 14.0 + 22.0 * rows.len() as f64 + 22.0;
    let mut s = format!(
        "<svg data-chart=\"{}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(key),
        esc(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 8.0 + 22.0 * i as f64;
        s.push_str(&format!(
            "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 12.0,
            esc(&r.label)
        ));
        let mut x = label_w;
        for seg in r.segs.iter().filter(|s| s.value > Decimal::ZERO) {
            let w = px(seg.value) * scale;
            s.push_str(&format!(
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"16\" fill=\"{}\"><title>{}: {}</title></rect>",
                colour(seg.colour),
                esc(&seg.label),
                esc(&seg.text)
            ));
            x += w;
        }
        s.push_str(&format!(
            "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}</text>",
            x + 5.0,
            y + 12.0,
            esc(&r.text)
        ));
    }
    let ly = 14.0 + 22.0 * rows.len() as f64;
    let mut lx = label_w;
    for (name, c) in legend {
        s.push_str(&format!(
            "<rect x=\"{lx:.2}\" y=\"{:.2}\" width=\"11\" height=\"11\" fill=\"{}\"/>\
             <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}</text>",
            ly - 2.0,
            colour(*c),
            lx + 15.0,
            ly + 8.0,
            esc(name)
        ));
        lx += 30.0 + 6.5 * name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// Paired bars: per row two values (e.g. agreed and delivered hours per
/// week), each with its text, on one scale; `names` are the two series.
pub fn pairs(
    title: &str,
    key: &str,
    rows: &[(String, [(Decimal, String); 2])],
    names: [&str; 2],
) -> String {
    // Each row: its label on a line of its own, then the two bars.
    let left = 10.0;
    let text_w = 90.0;
    let bar_w = W - left - text_w;
    let max: f64 = rows
        .iter()
        .flat_map(|r| r.1.iter().map(|v| px(v.0)))
        .fold(0.0, f64::max);
    let scale = if max > 0.0 { bar_w / max } else { 0.0 };
    let step = 52.0;
    let h = 10.0 + step * rows.len() as f64 + 20.0;
    let mut s = format!(
        "<svg data-chart=\"{}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(key),
        esc(title)
    );
    let colours = ["#9fb3c8", "#1f5f99"];
    for (i, (label, vals)) in rows.iter().enumerate() {
        let y = 6.0 + step * i as f64;
        s.push_str(&format!(
            "<text x=\"{left:.2}\" y=\"{:.2}\" font-size=\"11\" font-weight=\"600\">{}</text>",
            y + 10.0,
            esc(label)
        ));
        for (j, (v, text)) in vals.iter().enumerate() {
            let w = (px(*v) * scale).max(0.0);
            let by = y + 15.0 + 16.0 * j as f64;
            s.push_str(&format!(
                "<rect x=\"{left:.2}\" y=\"{by:.2}\" width=\"{w:.2}\" height=\"14\" fill=\"{}\"><title>{}: {}</title></rect>\
                 <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10.5\">{}</text>",
                colours[j],
                esc(names[j]),
                esc(text),
                left + w + 5.0,
                by + 11.0,
                esc(text)
            ));
        }
    }
    let ly = 6.0 + step * rows.len() as f64;
    let mut lx = left;
    for (j, name) in names.iter().enumerate() {
        s.push_str(&format!(
            "<rect x=\"{lx:.2}\" y=\"{:.2}\" width=\"11\" height=\"11\" fill=\"{}\"/>\
             <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}</text>",
            ly,
            colours[j],
            lx + 15.0,
            ly + 10.0,
            esc(name)
        ));
        lx += 40.0 + 6.5 * name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// Signed horizontal bars around a zero line (a result and its parts):
/// positive to the right in green, negative to the left in red.
pub fn signed(title: &str, key: &str, rows: &[(String, Decimal, String)]) -> String {
    let label_w = 250.0;
    let half = (W - label_w - 20.0) / 2.0;
    let zero = label_w + 10.0 + half;
    let max: f64 = rows.iter().map(|r| px(r.1).abs()).fold(0.0, f64::max);
    let scale = if max > 0.0 { (half - 80.0) / max } else { 0.0 };
    let step = 22.0;
    let h = 12.0 + step * rows.len() as f64;
    let mut s = format!(
        "<svg data-chart=\"{}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(key),
        esc(title)
    );
    for (i, (label, v, text)) in rows.iter().enumerate() {
        let y = 6.0 + step * i as f64;
        let w = px(*v).abs() * scale;
        let negative = *v < Decimal::ZERO;
        let x = if negative { zero - w } else { zero };
        s.push_str(&format!(
            "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\" text-anchor=\"end\">{}</text>\
             <rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"15\" fill=\"{}\"><title>{}: {}</title></rect>\
             <text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10.5\" text-anchor=\"{}\">{}</text>",
            label_w,
            y + 11.5,
            esc(label),
            if negative { "#a4262c" } else { "#1e6b30" },
            esc(label),
            esc(text),
            if negative { x - 4.0 } else { x + w + 4.0 },
            y + 11.5,
            if negative { "end" } else { "start" },
            esc(text)
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{zero:.2}\" y1=\"2\" x2=\"{zero:.2}\" y2=\"{:.2}\" stroke=\"#1d2733\" stroke-width=\"1\"/></svg>",
        h - 2.0
    ));
    s
}
