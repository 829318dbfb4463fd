//! Personal data: citizen ids, CPR-shaped numbers in messages, and views of
//! a model restricted to one paying municipality.
//!
//! Responsible for: the [`CitizenId`] type, which never shows its value in
//! debug output; [`redact_cpr`], which every [`crate::problem::Problem`]
//! message passes through; and [`MunicipalityView`], the only way to select
//! the agreements of one municipality, so that a per-municipality output
//! cannot contain another municipality's citizens. Not responsible for:
//! pseudonymization (a keyed hash; the CLI does it, the core has no key).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Agreement, Model};

/// A citizen's id as given in `agreements.csv`: possibly a CPR number.
///
/// `Debug` prints `CitizenId(<redacted>)`, and there is no `Display`: code
/// that puts an id in an output asks for it explicitly with
/// [`CitizenId::expose`]. `Serialize` writes the id (outputs are where ids
/// belong, pseudonymized on request).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CitizenId(String);

impl CitizenId {
    pub fn new(id: impl Into<String>) -> CitizenId {
        CitizenId(id.into())
    }

    /// The id itself, for an output or a lookup. Never for a message.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for CitizenId {
    fn from(id: &str) -> CitizenId {
        CitizenId(id.to_string())
    }
}

impl From<String> for CitizenId {
    fn from(id: String) -> CitizenId {
        CitizenId(id)
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CitizenId(<redacted>)")
    }
}

impl PartialEq<str> for CitizenId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CitizenId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// What [`redact_cpr`] puts in place of a CPR-shaped number.
pub const REDACTED: &str = "******-****";

/// Replaces every CPR-shaped number in `text` by [`REDACTED`]: ten digits
/// (`0101901234`) or six and four digits joined by a hyphen
/// (`010190-1234`), not part of a longer run of digits, whose first six
/// digits could be a birth date (day 01–31 — or 61–91 for a substitute
/// number — and month 01–12).
pub fn redact_cpr(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let len = if run == 10 {
            Some(10)
        } else if run == 6
            && b.get(i + 6) == Some(&b'-')
            && b[i + 7..].iter().take_while(|c| c.is_ascii_digit()).count() == 4
        {
            Some(11)
        } else {
            None
        };
        match len {
            Some(len) if birth_date_like(&b[i..i + 6]) => {
                let o = out.get_or_insert_with(String::new);
                o.push_str(&text[copied..i]);
                o.push_str(REDACTED);
                copied = i + len;
                i += len;
            }
            _ => i += run,
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

fn birth_date_like(d: &[u8]) -> bool {
    let two = |i: usize| u32::from(d[i] - b'0') * 10 + u32::from(d[i + 1] - b'0');
    let (day, month) = (two(0), two(2));
    ((1..=31).contains(&day) || (61..=91).contains(&day)) && (1..=12).contains(&month)
}

/// The agreements of one paying municipality, and only those.
///
/// The fields are private: a view can only be built by filtering a model's
/// agreements by municipality ([`MunicipalityView::new`],
/// [`MunicipalityView::split`]). Every per-municipality output takes a view,
/// so a citizen of another municipality cannot reach it.
#[derive(Debug, Clone)]
pub struct MunicipalityView<'m> {
    model: &'m Model,
    municipality: String,
    agreements: Vec<usize>,
}

impl<'m> MunicipalityView<'m> {
    /// The agreements of `model` paid by `municipality` (exact match).
    pub fn new(model: &'m Model, municipality: &str) -> MunicipalityView<'m> {
        let agreements = model
            .agreements
            .iter()
            .enumerate()
            .filter(|(_, a)| a.municipality == municipality)
            .map(|(i, _)| i)
            .collect();
        MunicipalityView {
            model,
            municipality: municipality.to_string(),
            agreements,
        }
    }

    /// One view per municipality of the model, in name order.
    pub fn split(model: &'m Model) -> Vec<MunicipalityView<'m>> {
        let mut names: Vec<&str> = model
            .agreements
            .iter()
            .map(|a| a.municipality.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|m| MunicipalityView::new(model, m))
            .collect()
    }

    pub fn municipality(&self) -> &str {
        &self.municipality
    }

    /// Indices (into `Model::agreements`) of the municipality's agreements,
    /// in model order.
    pub fn indices(&self) -> &[usize] {
        &self.agreements
    }

    /// The municipality's agreements with their indices, in model order.
    pub fn agreements(&self) -> impl Iterator<Item = (usize, &'m Agreement)> + '_ {
        let model = self.model;
        self.agreements
            .iter()
            .map(move |&i| (i, &model.agreements[i]))
    }

    /// Whether agreement `i` belongs to this municipality.
    pub fn contains(&self, i: usize) -> bool {
        self.agreements.binary_search(&i).is_ok()
    }

    /// Whether the citizen has an agreement paid by this municipality.
    pub fn has_citizen(&self, citizen: &CitizenId) -> bool {
        self.agreements().any(|(_, a)| &a.citizen == citizen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ref;
    use jiff::civil::date;

    #[test]
    fn cpr_shaped_numbers_are_redacted() {
        let cases = [
            (
                "found `0101901234`, expected",
                "found `******-****`, expected",
            ),
            ("010190-1234", "******-****"),
            (
                "a 311299-0001 b 0101901234.",
                "a ******-**** b ******-****.",
            ),
            ("6101901234", "******-****"),
            // Not CPR-shaped: too long, too short, impossible dates.
            ("01019012345", "01019012345"),
            ("010190123", "010190123"),
            ("3213901234", "3213901234"),
            ("0113901234", "0113901234"),
            ("010190-12345", "010190-12345"),
            (
                "1234567890123456789012345678",
                "1234567890123456789012345678",
            ),
            ("2025-03-01", "2025-03-01"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_cpr(input), expected, "{input}");
        }
    }

    #[test]
    fn citizen_ids_do_not_show_in_debug_output() {
        let id = CitizenId::new("0101901234");
        let a = Agreement {
            id: "A1".into(),
            citizen: id.clone(),
            municipality: "Gentofte".into(),
            tilbud: Ref::new("nord", Default::default()),
            from: date(2025, 1, 1),
            to: None,
            agreed_tariff: None,
            origin: Default::default(),
        };
        let debug = format!("{a:?} {id:?} {:#?}", a);
        assert!(!debug.contains("0101901234"), "{debug}");
        assert_eq!(id.expose(), "0101901234");
    }

    fn agreement(id: &str, citizen: &str, municipality: &str) -> Agreement {
        Agreement {
            id: id.into(),
            citizen: CitizenId::new(citizen),
            municipality: municipality.into(),
            tilbud: Ref::new("nord", Default::default()),
            from: date(2025, 1, 1),
            to: None,
            agreed_tariff: None,
            origin: Default::default(),
        }
    }

    #[test]
    fn a_view_holds_only_its_municipality() {
        let model = Model {
            agreements: vec![
                agreement("A1", "0101901234", "Gentofte"),
                agreement("A2", "0202802345", "Gladsaxe"),
                agreement("A3", "0101901234", "Gladsaxe"),
                agreement("A4", "0303703456", "Gentofte"),
            ],
            ..Model::default()
        };
        let views = MunicipalityView::split(&model);
        let names: Vec<&str> = views.iter().map(|v| v.municipality()).collect();
        assert_eq!(names, ["Gentofte", "Gladsaxe"]);
        for v in &views {
            for (i, a) in v.agreements() {
                assert_eq!(a.municipality, v.municipality());
                assert!(v.contains(i));
            }
            let n = model
                .agreements
                .iter()
                .filter(|a| a.municipality == v.municipality())
                .count();
            assert_eq!(v.indices().len(), n);
        }
        let gentofte = &views[0];
        assert!(!gentofte.has_citizen(&CitizenId::new("0202802345")));
        assert!(gentofte.has_citizen(&CitizenId::new("0303703456")));
        assert!(!gentofte.contains(1));
        assert!(MunicipalityView::new(&model, "gentofte")
            .indices()
            .is_empty());
    }
}
