//! Receipts: one self-contained JSON document per `takst tariff --receipt`
//! run, which `takst verify` recomputes from alone (docs/FORMATS.md,
//! "Receipts").
//!
//! Responsible for: the receipt's structure and format version, its
//! canonical form and SHA-256, building it from a model and its results,
//! and comparing recorded results with recomputed ones. Not responsible
//! for: reading the model files (`load`) or the calculation (takst-core).
//!
//! Canonical form: the document as a JSON value without its `sha256`
//! member, every object's keys sorted by their UTF-8 bytes, no whitespace,
//! strings and numbers exactly as serde_json writes them. Every decimal is
//! a JSON string holding the exact decimal, so no reader ever passes it
//! through a binary float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use takst_core::calc::Engine;
use takst_core::model::Model;
use takst_core::problem::Problem;

/// The `format` member of every receipt.
pub const FORMAT: &str = "takst-receipt";
/// The receipt format this takst writes, and the newest it reads.
/// Version 1 is the first. A later takst reads every older version.
/// Version 2: a need line's `agreement`, `staff` and `band` are bare ids
/// (in version 1 objects with `id` and `pos`; still read).
pub const FORMAT_VERSION: u32 = 2;
/// The version of this takst.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the receipt was written for: the command and its filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Request {
    pub command: String,
    #[serde(default)]
    pub model_dir: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub municipality: Option<String>,
}

/// An input file and the SHA-256 of its bytes as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

/// The results of one tilbud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TilbudResult {
    pub tilbud: String,
    pub cost_base: Decimal,
    pub occupied_days: Decimal,
    pub grundtakst_exact: Decimal,
    pub grundtakst: Decimal,
}

/// The results of one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffResult {
    pub agreement: String,
    pub citizen: String,
    pub municipality: String,
    pub tilbud: String,
    pub grundtakst: Decimal,
    pub individual_exact: Decimal,
    pub individual: Decimal,
    pub tariff_per_day: Decimal,
    #[serde(default)]
    pub agreed_tariff: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Results {
    pub tilbud: Vec<TilbudResult>,
    pub tariffs: Vec<TariffResult>,
}

/// A receipt. Field order is the order in the file; the hash does not
/// depend on it (see the module comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    pub format_version: u32,
    pub engine_version: String,
    /// When the receipt was written (UTC, RFC 3339).
    #[serde(default)]
    pub written_at: String,
    #[serde(default)]
    pub request: Request,
    /// The input files as read, with their SHA-256.
    #[serde(default)]
    pub files: Vec<FileHash>,
    /// Every input value used, with file, line, column, source, note and
    /// status; the rounding policy is `model.rounding`.
    pub model: Model,
    pub results: Results,
    /// SHA-256 of the canonical form of everything above.
    #[serde(default)]
    pub sha256: String,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        _ => v.clone(),
    }
}

/// The SHA-256 of the canonical form of a receipt document (its `sha256`
/// member ignored).
pub fn canonical_hash(doc: &Value) -> String {
    let mut v = sorted(doc);
    if let Value::Object(m) = &mut v {
        m.remove("sha256");
    }
    sha256_hex(serde_json::to_string(&v).unwrap_or_default().as_bytes())
}

/// The results of `engine` for all its tilbud and all its agreements.
pub fn results(engine: &Engine) -> Result<Results, Vec<Problem>> {
    let m = engine.model;
    let tilbud = m
        .tilbud
        .iter()
        .zip(&engine.tilbud)
        .map(|(t, b)| TilbudResult {
            tilbud: t.id.clone(),
            cost_base: b.cost_base,
            occupied_days: b.occupied_days,
            grundtakst_exact: b.exact,
            grundtakst: b.grundtakst,
        })
        .collect();
    let tariffs = engine
        .tariffs()?
        .into_iter()
        .map(|t| {
            let a = &m.agreements[t.agreement];
            TariffResult {
                agreement: a.id.clone(),
                citizen: a.citizen.expose().to_string(),
                municipality: a.municipality.clone(),
                tilbud: a.tilbud.id.clone(),
                grundtakst: t.grundtakst,
                individual_exact: t.individual_exact,
                individual: t.individual,
                tariff_per_day: t.per_day,
                agreed_tariff: t.agreed_tariff,
            }
        })
        .collect();
    Ok(Results { tilbud, tariffs })
}

impl Receipt {
    /// A receipt for `model` (already restricted to the agreements used)
    /// and its results, with the hash filled in.
    pub fn new(
        request: Request,
        files: Vec<FileHash>,
        model: Model,
        results: Results,
        written_at: String,
    ) -> Receipt {
        let mut r = Receipt {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            engine_version: ENGINE_VERSION.to_string(),
            written_at,
            request,
            files,
            model,
            results,
            sha256: String::new(),
        };
        let v = serde_json::to_value(&r).unwrap_or(Value::Null);
        r.sha256 = canonical_hash(&v);
        r
    }

    /// The receipt as the text of its file.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// One recorded figure that differs from its recomputation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `tariff N01` or `grundtakst nord`.
    pub figure: String,
    /// The field: `tariff_per_day`, `individual_exact` …
    pub field: String,
    pub recorded: Option<Decimal>,
    pub recomputed: Option<Decimal>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        write!(
            f,
            "{} {}: the receipt says {}, recomputed {}",
            self.figure,
            self.field,
            show(self.recorded),
            show(self.recomputed)
        )?;
        if let (Some(a), Some(b)) = (self.recorded, self.recomputed) {
            write!(f, " (difference {})", b - a)?;
        }
        Ok(())
    }
}

/// Compare recorded results with recomputed ones, figure by figure, in the
/// receipt's order; figures missing on either side are differences too.
pub fn compare(recorded: &Results, now: &Results) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut diff = |figure: &str, field: &str, a: Option<Decimal>, b: Option<Decimal>| {
        if a != b {
            out.push(Difference {
                figure: figure.to_string(),
                field: field.to_string(),
                recorded: a,
                recomputed: b,
            });
        }
    };
    for r in &recorded.tilbud {
        let fig = format!("grundtakst {}", r.tilbud);
        let n = now.tilbud.iter().find(|n| n.tilbud == r.tilbud);
        diff(&fig, "cost_base", Some(r.cost_base), n.map(|n| n.cost_base));
        diff(
            &fig,
            "occupied_days",
            Some(r.occupied_days),
            n.map(|n| n.occupied_days),
        );
        diff(
            &fig,
            "grundtakst_exact",
            Some(r.grundtakst_exact),
            n.map(|n| n.grundtakst_exact),
        );
        diff(
            &fig,
            "grundtakst",
            Some(r.grundtakst),
            n.map(|n| n.grundtakst),
        );
    }
    for n in &now.tilbud {
        if !recorded.tilbud.iter().any(|r| r.tilbud == n.tilbud) {
            diff(
                &format!("grundtakst {}", n.tilbud),
                "grundtakst",
                None,
                Some(n.grundtakst),
            );
        }
    }
    for r in &recorded.tariffs {
        let fig = format!("tariff {}", r.agreement);
        let n = now.tariffs.iter().find(|n| n.agreement == r.agreement);
        diff(
            &fig,
            "grundtakst",
            Some(r.grundtakst),
            n.map(|n| n.grundtakst),
        );
        diff(
            &fig,
            "individual_exact",
            Some(r.individual_exact),
            n.map(|n| n.individual_exact),
        );
        diff(
            &fig,
            "individual",
            Some(r.individual),
            n.map(|n| n.individual),
        );
        diff(
            &fig,
            "tariff_per_day",
            Some(r.tariff_per_day),
            n.map(|n| n.tariff_per_day),
        );
        diff(
            &fig,
            "agreed_tariff",
            r.agreed_tariff,
            n.and_then(|n| n.agreed_tariff),
        );
    }
    for n in &now.tariffs {
        if !recorded.tariffs.iter().any(|r| r.agreement == n.agreement) {
            diff(
                &format!("tariff {}", n.agreement),
                "tariff_per_day",
                None,
                Some(n.tariff_per_day),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_hash_ignores_key_order_whitespace_and_the_hash() {
        let a: Value =
            serde_json::from_str(r#"{"b": "1.50", "a": [1, {"y": 2, "x": "z"}], "sha256": "x"}"#)
                .unwrap();
        let b: Value = serde_json::from_str(r#"{"a":[1,{"x":"z","y":2}],"b":"1.50"}"#).unwrap();
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        let c: Value = serde_json::from_str(r#"{"a":[1,{"x":"z","y":2}],"b":"1.5"}"#).unwrap();
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
