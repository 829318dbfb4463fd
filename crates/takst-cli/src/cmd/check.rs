//! `takst check`: every problem in the inputs, or a one-line summary.

use takst_core::calc::Engine;

use super::{CmdResult, Common, Output};
use crate::load::{self, Scope};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(a: &Args) -> CmdResult {
    let dir = &a.common.model;
    // Agreements are checked when the model has them.
    let scope = if dir.join("agreements.csv").exists() || dir.join("needs.csv").exists() {
        Scope::Agreements
    } else {
        Scope::Parameters
    };
    let model = load::load(dir, scope)?;
    let engine = Engine::new(&model)?;
    engine.tariffs()?;
    let mut text = format!(
        "ok: {} staff categories, {} bands, {} tilbud",
        model.staff.len(),
        model.bands.len(),
        model.tilbud.len()
    );
    if scope == Scope::Agreements {
        text.push_str(&format!(
            ", {} agreements, {} need lines",
            model.agreements.len(),
            model.needs.len()
        ));
    } else {
        text.push_str(" (no agreements.csv: parameters only)");
    }
    text.push('\n');
    Ok(Output::text(text))
}
