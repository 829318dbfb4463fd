//! `takst verify FILE`: recompute a receipt from the receipt alone.
//!
//! Exit 0 and "identical" when every recorded figure recomputes exactly;
//! exit 1 with each differing figure when the receipt is intact but this
//! takst computes differently (a newer engine); exit 2 when the receipt is
//! not one (bad JSON, wrong format), needs a newer takst, or its SHA-256
//! does not match its content (it was changed after it was written), then
//! naming the figures that no longer recompute as recorded.

use std::path::PathBuf;

use serde_json::Value;
use takst_core::calc::Engine;
use takst_core::validate::validate;

use super::{CmdResult, Failure, Output};
use crate::receipt::{self, Receipt, ENGINE_VERSION, FORMAT, FORMAT_VERSION};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The receipt (JSON) written by `takst tariff --receipt`.
    pub file: PathBuf,
}

pub fn run(a: &Args) -> CmdResult {
    let show = a.file.display();
    let bad = |msg: String| Failure::Usage(format!("{show}: {msg}"));
    let bytes = std::fs::read(&a.file).map_err(|e| {
        bad(format!(
            "cannot read the file: {}",
            crate::util::io_reason(&e)
        ))
    })?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("this is not a JSON receipt: {e}")))?;
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(bad(format!(
            "this is not a takst receipt (expected \"format\": \"{FORMAT}\")"
        )));
    }
    let version = doc.get("format_version").and_then(Value::as_u64);
    let writer = doc
        .get("engine_version")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    match version {
        None => return Err(bad("the receipt has no format_version".into())),
        Some(v) if v > u64::from(FORMAT_VERSION) => {
            return Err(bad(format!(
                "the receipt has format version {v}, written by takst {writer}; this takst {ENGINE_VERSION} reads format versions up to {FORMAT_VERSION}: verify it with takst {writer} or later"
            )));
        }
        Some(_) => {}
    }
    let stored = doc
        .get("sha256")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let intact = receipt::canonical_hash(&doc) == stored;
    let r: Result<Receipt, _> = serde_json::from_value(doc);
    let r = match r {
        Ok(r) => r,
        Err(e) if intact => return Err(bad(format!("the receipt cannot be read: {e}"))),
        Err(e) => {
            return Err(bad(format!(
                "the receipt was changed after it was written (its SHA-256 does not match), and it can no longer be read: {e}"
            )))
        }
    };

    let problems = validate(&r.model);
    if !problems.is_empty() {
        let mut msg = if intact {
            "the inputs in the receipt do not pass the checks of this takst:".to_string()
        } else {
            "the receipt was changed after it was written (its SHA-256 does not match); its inputs no longer pass the checks:".to_string()
        };
        for p in problems.iter().take(10) {
            msg.push_str(&format!("\n  {p}"));
        }
        return Err(bad(msg));
    }
    let now = Engine::new(&r.model)
        .and_then(|e| receipt::results(&e))
        .map_err(|ps| {
            let mut msg = "the inputs in the receipt cannot be calculated:".to_string();
            for p in ps.iter().take(10) {
                msg.push_str(&format!("\n  {p}"));
            }
            bad(msg)
        })?;
    let diffs = receipt::compare(&r.results, &now);

    if !intact {
        let mut msg =
            "the receipt was changed after it was written: its SHA-256 does not match its content"
                .to_string();
        match diffs.first() {
            Some(d) => {
                msg.push_str(&format!("\nthe first differing number: {d}"));
                for d in diffs.iter().skip(1).take(9) {
                    msg.push_str(&format!("\n  also: {d}"));
                }
                if diffs.len() > 10 {
                    msg.push_str(&format!("\n  … and {} more", diffs.len() - 10));
                }
            }
            None => msg.push_str(
                "\nevery recorded figure still recomputes from the receipt's inputs, so the change is in a text, a position, a hash or an input that does not move any figure",
            ),
        }
        return Err(bad(msg));
    }

    let n_t = r.results.tilbud.len();
    let n_a = r.results.tariffs.len();
    if diffs.is_empty() {
        return Ok(Output::text(format!(
            "identical: {n_t} grundtakst{} and {n_a} tariff{} recompute exactly as recorded (receipt format {}, written by takst {} at {}; verified by takst {ENGINE_VERSION})\n",
            if n_t == 1 { "" } else { "er" },
            if n_a == 1 { "" } else { "s" },
            r.format_version,
            r.engine_version,
            r.written_at
        )));
    }
    let mut text = format!(
        "different: {} recorded figure{} recompute differently (receipt intact, written by takst {}; recomputed by takst {ENGINE_VERSION})\n",
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" },
        r.engine_version
    );
    for d in &diffs {
        text.push_str(&format!("  {d}{}\n", why(d, &diffs)));
    }
    Ok(Output {
        text,
        notes: Vec::new(),
        fail: true,
    })
}

/// Why a figure differs, as far as the other differences tell.
fn why(d: &receipt::Difference, all: &[receipt::Difference]) -> &'static str {
    let other = |field: &str| all.iter().any(|o| o.figure == d.figure && o.field == field);
    match d.field.as_str() {
        "grundtakst" if !other("grundtakst_exact") && d.figure.starts_with("grundtakst") => {
            ": the unrounded grundtakst is the same, so the rounding differs"
        }
        "individual" if !other("individual_exact") => {
            ": the unrounded individual part is the same, so the rounding differs"
        }
        "tariff_per_day" if other("grundtakst") || other("individual") => {
            ": follows from its parts above"
        }
        "grundtakst" if d.figure.starts_with("tariff") => ": follows from the tilbud's grundtakst",
        _ if d.recorded.is_none() => ": not in the receipt",
        _ if d.recomputed.is_none() => ": no longer computed",
        _ => "",
    }
}
