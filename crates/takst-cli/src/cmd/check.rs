//! `takst check`: every problem in the inputs, or a one-line summary.

use takst_core::calc::Engine;

use super::{CmdResult, Common, Output};
use crate::load::Scope;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(a: &Args) -> CmdResult {
    let dir = &a.common.model;
    // Agreements are checked when the model has them.
    let scope = if [
        "agreements.csv",
        "needs.csv",
        "agreements.xlsx",
        "needs.xlsx",
    ]
    .iter()
    .any(|f| dir.join(f).exists())
    {
        Scope::Agreements
    } else {
        Scope::Parameters
    };
    let model = a.common.load(scope)?;
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
