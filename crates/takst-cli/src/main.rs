//! `takst`: the command line of the takst tariff engine.
//!
//! The binary is glue: parse flags (clap), run a command from `cmd`, print
//! its output or its problems, and exit with 0 (success), 1 (a `--fail-on`
//! condition met) or 2 (bad input or usage).

mod cmd;
mod danish;
mod delivered;
#[allow(dead_code)] // streaming_reader: used by compare
mod dialect;
mod load;
mod params;
mod pseudo;
mod receipt;
mod render;
mod report;
mod util;
mod xlsx;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmd::{Failure, Output};

/// A transparent tariff engine for Danish specialised social services.
#[derive(Debug, Parser)]
#[command(name = "takst", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every input file; print every problem, or a one-line summary.
    Check(cmd::check::Args),
    /// Hourly rates and prices per staff category and time band.
    Rates(cmd::rates::Args),
    /// The cost base and grundtakst of each tilbud.
    Tilbud(cmd::tilbud::Args),
    /// The tariff per day of each agreement.
    Tariff(cmd::tariff::Args),
    /// The derivation of a tariff, a grundtakst or a staff category's prices.
    Explain(cmd::explain::Args),
    /// Agreed vs delivered hours and value, per line or as totals.
    Compare(cmd::compare::Args),
    /// The operating economy of a closed year per tilbud, and its settlement.
    Economy(cmd::economy::Args),
    /// Why each tariff moved from one model to another, step by step.
    Bridge(cmd::bridge::Args),
    /// Write next year's model: pay by a wage index, other costs by a price index.
    Index(cmd::index::Args),
    /// Recompute a receipt written by `tariff --receipt` and compare.
    Verify(cmd::verify::Args),
    /// Reports people read, as self-contained HTML: a tariff sheet per
    /// agreement, a facility overview per tilbud.
    Report(report::Args),
}

/// How many problems are printed before the rest are only counted.
const MAX_PROBLEMS: usize = 50;

fn main() -> ExitCode {
    // A panic message could quote input data (citizen ids): a release
    // build says where, not what. Debug builds (developers) show it all.
    if !cfg!(debug_assertions) {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            eprintln!("takst: internal error{at} (a bug in takst; the data involved is not shown)");
        }));
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // Commands that can write a workbook; the others refuse `--format xlsx`.
    let common = match &cli.command {
        Command::Rates(a) => Some((&a.common, true)),
        Command::Tilbud(a) => Some((&a.common, true)),
        Command::Tariff(a) => Some((&a.common, true)),
        Command::Economy(a) => Some((&a.common, true)),
        Command::Compare(a) => Some((&a.common, true)),
        Command::Check(a) => Some((&a.common, false)),
        Command::Explain(a) => Some((&a.common, false)),
        _ => None,
    };
    if let Some((c, xlsx)) = common {
        if let Err(e) = cmd::check_format(c, xlsx) {
            return finish(&Err(e), None);
        }
    }
    if let Command::Bridge(a) = &cli.command {
        if a.format == Some(render::Format::Xlsx) {
            return finish(&Err(cmd::no_spreadsheet()), None);
        }
    }
    let (result, out) = match &cli.command {
        Command::Check(a) => (cmd::check::run(a), &a.common.out),
        Command::Rates(a) => (cmd::rates::run(a), &a.common.out),
        Command::Tilbud(a) => (cmd::tilbud::run(a), &a.common.out),
        Command::Tariff(a) => (cmd::tariff::run(a), &a.common.out),
        Command::Explain(a) => (cmd::explain::run(a), &a.common.out),
        Command::Compare(a) => (cmd::compare::run(a), &a.common.out),
        Command::Economy(a) => (cmd::economy::run(a), &a.common.out),
        Command::Bridge(a) => (cmd::bridge::run(a), &a.out),
        Command::Index(a) => (cmd::index::run(a), &None),
        Command::Verify(a) => (cmd::verify::run(a), &None),
        Command::Report(a) => (report::run(a), a.out()),
    };
    crate::util::phase("command");
    let code = finish(&result, out.as_deref());
    crate::util::phase("write");
    // Not freed: the process ends now (see `cmd::tariff::run`).
    std::mem::forget(result);
    code
}

fn finish(result: &Result<Output, Failure>, out: Option<&std::path::Path>) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    match result {
        Ok(o) => {
            let bytes = o.binary.as_deref().unwrap_or(o.text.as_bytes());
            if let Some(path) = out {
                if let Err(e) = util::write_atomic(path, bytes) {
                    let _ = writeln!(stderr, "error: {e}");
                    return ExitCode::from(2);
                }
            } else {
                let mut stdout = std::io::stdout().lock();
                if stdout
                    .write_all(bytes)
                    .and_then(|_| stdout.flush())
                    .is_err()
                {
                    return ExitCode::from(2);
                }
            }
            for n in &o.notes {
                let _ = writeln!(stderr, "{n}");
            }
            ExitCode::from(if o.fail { 1 } else { 0 })
        }
        Err(Failure::Usage(msg)) => {
            let _ = writeln!(stderr, "error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(problems)) => {
            for p in problems.iter().take(MAX_PROBLEMS) {
                let _ = writeln!(stderr, "{p}");
            }
            if problems.len() > MAX_PROBLEMS {
                let _ = writeln!(
                    stderr,
                    "… and {} more problems",
                    problems.len() - MAX_PROBLEMS
                );
            }
            let n = problems.len();
            let _ = writeln!(
                stderr,
                "error: {n} problem{} in the input; nothing was written",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(2)
        }
    }
}
