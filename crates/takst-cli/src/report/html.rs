//! The HTML frame of a report: escaping, the page with its inline style
//! sheet (screen and A4 print), and figure cells.
//!
//! Responsible for: markup only. Every text inserted into a page goes
//! through [`esc`]; the page loads nothing (no external style sheet, font,
//! script or image; a Content-Security-Policy forbids it). Not responsible
//! for: the figures (they arrive rounded from takst-core) or wording
//! (`super::Lang`).

/// `s` with the five HTML metacharacters escaped, safe in text and in
/// attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The style sheet: system fonts only, A4 pages in print.
const CSS: &str = r#"
:root { --ink:#1d2733; --muted:#5b6775; --line:#d5dbe2; --head:#eef2f6; --accent:#1f5f99; }
* { box-sizing: border-box; }
html { background:#f3f5f7; }
body { margin:0; color:var(--ink); font: 10.5pt/1.4 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
.page { background:#fff; width:210mm; min-height:297mm; margin:8mm auto; padding:14mm 15mm; box-shadow:0 1px 4px rgba(0,0,0,.15); }
h1 { font-size:18pt; margin:0 0 2mm; color:var(--accent); }
h2 { font-size:12pt; margin:6mm 0 2mm; border-bottom:1.5px solid var(--accent); padding-bottom:1mm; }
h3 { font-size:10.5pt; margin:4mm 0 1mm; }
p { margin:1mm 0 2mm; }
.muted, .note { color:var(--muted); }
.note { font-size:9pt; }
table { border-collapse:collapse; width:100%; margin:1mm 0 2mm; break-inside:avoid; }
th, td { padding:1.2mm 2mm; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:var(--head); font-weight:600; font-size:9.5pt; }
td.n, th.n { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
tr.total td { font-weight:700; border-top:1.5px solid var(--ink); border-bottom:none; }
tr.sub td { color:var(--muted); }
table.meta { width:auto; }
table.compact { font-size:9pt; }
table.compact th, table.compact td { padding:1mm 1.2mm; }
table.meta th { background:none; padding-left:0; font-weight:600; }
.key { display:flex; gap:4mm; margin:3mm 0; }
.key > div { flex:1; border:1px solid var(--line); border-radius:2mm; padding:2mm 3mm; }
.key .label { font-size:9pt; color:var(--muted); }
.key .value { font-size:15pt; font-weight:700; }
.deriv { font-size:9.5pt; margin:1mm 0; }
.deriv b { font-weight:600; }
.bad { color:#a4262c; }
.good { color:#1e6b30; }
svg { display:block; max-width:100%; height:auto; margin:2mm 0; }
svg text { font-family: inherit; }
footer { margin-top:6mm; font-size:8.5pt; color:var(--muted); border-top:1px solid var(--line); padding-top:2mm; }
@page { size: A4; margin: 12mm; }
@media print {
  html, body { background:#fff; }
  .page { width:auto; min-height:0; margin:0; padding:0; box-shadow:none; break-after:page; }
  .page:last-of-type { break-after:auto; }
  h2, h3 { break-after:avoid; }
  svg, .key { break-inside:avoid; }
}
"#;

/// A whole document: `title` in the head, `body` (the pages) inside.
pub fn document(lang: &str, title: &str, body: &str) -> String {
    // One table row or chart element per line, for readable diffs of the
    // source (whitespace there does not change the page).
    let body = body
        .replace("</tr>", "</tr>\n")
        .replace("</rect>", "</rect>\n")
        .replace("</text>", "</text>\n")
        .replace("<tbody>", "<tbody>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

/// A table cell holding a figure: right-aligned, with `data-k` naming the
/// figure so tests (and readers of the source) can find it.
pub fn fig(key: &str, text: &str) -> String {
    format!("<td class=\"n\" data-k=\"{}\">{}</td>", esc(key), esc(text))
}

/// A plain table cell with escaped text.
pub fn td(text: &str) -> String {
    format!("<td>{}</td>", esc(text))
}

/// A header row of a table; `numeric` columns are right-aligned.
pub fn head(cols: &[(&str, bool)]) -> String {
    let mut s = String::from("<thead><tr>");
    for (c, n) in cols {
        if *n {
            s.push_str(&format!("<th class=\"n\">{}</th>", esc(c)));
        } else {
            s.push_str(&format!("<th>{}</th>", esc(c)));
        }
    }
    s.push_str("</tr></thead>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(esc("Bocenter Nord, § 108"), "Bocenter Nord, § 108");
    }
}
