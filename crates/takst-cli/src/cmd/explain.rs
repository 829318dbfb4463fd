//! `takst explain`: the derivation tree of a tariff (`--agreement`), a
//! grundtakst (`--tilbud`) or a staff category's rates (`--staff`), down to
//! every input value with its file, line, source and note.

use takst_core::calc::Engine;
use takst_core::explain::{Node, Unit};

use super::{CmdResult, Common, Failure, Output};
use crate::danish::format_da;
use crate::load::Scope;
use crate::render::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Explain this agreement's tariff.
    #[arg(long, value_name = "ID", group = "what")]
    pub agreement: Option<String>,
    /// Explain this tilbud's grundtakst (with --staff: the prices of that tilbud).
    #[arg(long, value_name = "ID")]
    pub tilbud: Option<String>,
    /// Explain this staff category's cost per FTE and prices per band.
    #[arg(long, value_name = "ID", group = "what")]
    pub staff: Option<String>,
}

pub fn run(a: &Args) -> CmdResult {
    if a.agreement.is_none() && a.tilbud.is_none() && a.staff.is_none() {
        return Err(Failure::Usage(
            "explain needs --agreement ID, --tilbud ID or --staff ID".into(),
        ));
    }
    let scope = if a.agreement.is_some() {
        Scope::Agreements
    } else {
        Scope::Parameters
    };
    let model = a.common.load(scope)?;
    let engine = Engine::new(&model)?;
    let unknown = |what: &str, id: &str| {
        Failure::Usage(format!("--{what} {id}: no such {what} in the model"))
    };
    let tilbud = match &a.tilbud {
        Some(id) => Some(
            *engine
                .tilbud_index
                .get(id.as_str())
                .ok_or_else(|| unknown("tilbud", id))?,
        ),
        None => None,
    };
    let node = if let Some(id) = &a.agreement {
        let ai = *engine
            .agreement_index
            .get(id.as_str())
            .ok_or_else(|| unknown("agreement", id))?;
        let t = engine.tariff(ai).map_err(|p| Failure::Problems(vec![p]))?;
        engine.explain_tariff(&t)
    } else if let Some(id) = &a.staff {
        let si = *engine
            .staff_index
            .get(id.as_str())
            .ok_or_else(|| unknown("staff", id))?;
        let prices: Vec<_> = (0..model.bands.len())
            .map(|bi| match tilbud {
                Some(ti) => engine.explain_price(ti, si, bi),
                None => engine.explain_model_price(si, bi),
            })
            .collect();
        let mut n = match engine.staff[si].fte() {
            Some(_) => {
                let mut n = engine.explain_fte(si);
                n.children.push(engine.explain_net_hours(si));
                n
            }
            None => engine.explain_manned(si, 0),
        };
        n.children.extend(prices);
        n
    } else {
        engine.explain_tilbud(tilbud.unwrap_or_default())
    };
    let text = match a.common.format() {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&node).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => render_tree(&node),
    };
    Ok(Output::text(text))
}

fn unit(u: Unit) -> &'static str {
    match u {
        Unit::KronerPerDay => " kr./dag",
        Unit::KronerPerYear => " kr./år",
        Unit::KronerPerHour => " kr./t",
        Unit::KronerPerMonth => " kr./md.",
        Unit::Hours => " t",
        Unit::HoursPerWeek => " t/uge",
        Unit::Days => " dage",
        Unit::Percent => " %",
        Unit::Share | Unit::Number => "",
        Unit::Places => " pladser",
    }
}

/// An exact value for people: all its decimals up to six, then `…`.
fn value(d: rust_decimal::Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 6 {
        format_da(n, n.scale().max(if n.scale() > 0 { 2 } else { 0 }))
    } else {
        format!("{}…", format_da(n.trunc_with_scale(6), 6))
    }
}

/// The tree as indented text: `label: value unit   = formula   [file:line]   kilde: …`.
/// A subtree already shown in full (the same figures from the same input
/// lines, such as a staff category's cost per FTE under several rates) is
/// shown once; later occurrences say "som ovenfor". `--format json` always has
/// the full tree.
pub fn render_tree(root: &Node) -> String {
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    go(root, "", true, true, &mut seen, &mut out);
    out
}

fn go(
    n: &Node,
    prefix: &str,
    last: bool,
    top: bool,
    seen: &mut std::collections::HashSet<String>,
    out: &mut String,
) {
    let (branch, next) = if top {
        ("", String::new())
    } else if last {
        ("└─ ", format!("{prefix}   "))
    } else {
        ("├─ ", format!("{prefix}│  "))
    };
    out.push_str(&format!(
        "{prefix}{branch}{}: {}{}",
        n.label,
        value(n.value),
        unit(n.unit)
    ));
    if let Some(f) = &n.formula {
        out.push_str(&format!("   = {f}"));
    }
    if let Some(at) = &n.at {
        out.push_str(&format!("   [{at}]"));
    }
    if let Some(s) = &n.source {
        out.push_str(&format!("   kilde: {s}"));
    }
    if let Some(s) = &n.note {
        out.push_str(&format!("   note: {s}"));
    }
    if n.status != takst_core::model::Status::Agreed {
        out.push_str(&format!("   status: {}", n.status.label()));
    }
    out.push('\n');
    // The same subtree (same figures from the same input lines) is shown once.
    if !n.children.is_empty() && !seen.insert(serde_json::to_string(n).unwrap_or_default()) {
        out.push_str(&format!("{next}└─ … som ovenfor\n"));
        return;
    }
    let k = n.children.len();
    for (i, c) in n.children.iter().enumerate() {
        go(c, &next, i + 1 == k, false, seen, out);
    }
}
