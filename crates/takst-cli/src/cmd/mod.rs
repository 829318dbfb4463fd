//! The commands of `takst`, one module each, and what they share: the
//! common flags, how a result reaches stdout or `--out`, and how failures
//! become exit statuses.
//!
//! Each command turns raw flags into a validated request, loads what it
//! needs, calls takst-core and returns an [`Output`]. Commands never print;
//! `main` does.

pub mod bridge;
pub mod check;
pub mod compare;
pub mod economy;
pub mod explain;
pub mod index;
pub mod rates;
pub mod tariff;
pub mod tilbud;
pub mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;

use rust_decimal::Decimal;
use takst_core::num::{allocate, Rounding};
use takst_core::problem::Problem;

use crate::render::Format;

/// Flags every model command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The model directory (takst.toml, agreements.csv, needs.csv).
    #[arg(default_value = ".")]
    pub model: PathBuf,
    /// Output format; default: a table on a terminal, CSV otherwise.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE (atomically: complete or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// In CSV and JSON, print amounts and hours at full precision instead of 0.01.
    #[arg(long)]
    pub exact: bool,
    /// Read this worksheet of every .xlsx input (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// The format asked for, or a table on a terminal and CSV otherwise.
pub fn default_format(asked: Option<Format>, to_file: bool) -> Format {
    asked.unwrap_or(if !to_file && std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    })
}

impl Common {
    /// Load the model directory with these flags (`--sheet`).
    pub fn load(&self, scope: crate::load::Scope) -> Result<takst_core::model::Model, Failure> {
        let opts = crate::load::Options {
            sheet: self.sheet.clone(),
        };
        Ok(crate::load::load_with(&self.model, scope, &opts)?)
    }

    pub fn format(&self) -> Format {
        default_format(self.format, self.out.is_some())
    }

    /// How figures are shown: rounded to 0.01 for display, or exact.
    pub fn shown(&self, rounding: Rounding) -> Shown {
        Shown {
            exact: self.exact && self.format().allows_exact(),
            rounding,
        }
    }
}

/// What a successful command produces.
#[derive(Debug, Default)]
pub struct Output {
    /// The main output: to stdout or `--out`.
    pub text: String,
    /// Lines for stderr (summaries, the conservation line).
    pub notes: Vec<String>,
    /// A `--fail-on` condition was met: exit status 1.
    pub fail: bool,
    /// A binary output (an xlsx workbook), written instead of `text`.
    pub binary: Option<Vec<u8>>,
}

impl Output {
    pub fn text(text: String) -> Output {
        Output {
            text,
            ..Output::default()
        }
    }

    /// A binary output such as a workbook; only ever written to `--out`.
    pub fn binary(bytes: Vec<u8>) -> Output {
        Output {
            binary: Some(bytes),
            ..Output::default()
        }
    }
}

/// Why a command failed; both are exit status 2.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the input files.
    Problems(Vec<Problem>),
    /// A usage error or an unknown id given on the command line.
    Usage(String),
}

impl From<Vec<Problem>> for Failure {
    fn from(p: Vec<Problem>) -> Failure {
        Failure::Problems(p)
    }
}

pub type CmdResult = Result<Output, Failure>;

/// The usage error for `--format xlsx` on a command without a workbook form.
pub fn no_spreadsheet() -> Failure {
    Failure::Usage(
        "--format xlsx: this command has no spreadsheet form; use table, csv or json".into(),
    )
}

/// `--format xlsx` is a usage error for a command that cannot write a
/// workbook, and needs `--out FILE` (a workbook is not for a terminal).
pub fn check_format(common: &Common, supports_xlsx: bool) -> Result<(), Failure> {
    if common.format != Some(Format::Xlsx) {
        return Ok(());
    }
    if !supports_xlsx {
        return Err(no_spreadsheet());
    }
    if common.out.is_none() {
        return Err(Failure::Usage(
            "--format xlsx needs --out FILE (a workbook is written to a file)".into(),
        ));
    }
    Ok(())
}

/// Display rounding (rounding point (c)) of a command's figures.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub exact: bool,
    pub rounding: Rounding,
}

impl Shown {
    /// A figure for display: to 0.01 (two decimals always shown), or exact.
    pub fn amt(&self, d: Decimal) -> Decimal {
        self.dp(d, 2)
    }

    /// A figure with `dp` decimals, or exact.
    pub fn dp(&self, d: Decimal, dp: u32) -> Decimal {
        if self.exact {
            return d.normalize();
        }
        let mut r = if dp == 2 {
            self.rounding.display(d)
        } else {
            takst_core::num::round_to(d, Decimal::new(1, dp), self.rounding.mode).unwrap_or(d)
        };
        r.rescale(dp);
        r
    }

    /// Breakdown lines that sum exactly to the displayed total
    /// (largest remainder), or exact.
    pub fn parts(&self, parts: &[Decimal], total: Decimal) -> Vec<Decimal> {
        if self.exact {
            return parts.iter().map(|d| d.normalize()).collect();
        }
        allocate(parts, total, 2, self.rounding.mode)
            .into_iter()
            .map(|mut d| {
                d.rescale(2);
                d
            })
            .collect()
    }
}

/// The output of a table command: `sheets[0]`'s table in the text formats;
/// with `--format xlsx`, a workbook of all `sheets` followed by the model's
/// parameters with their sources.
pub fn emit(
    common: &Common,
    model: &takst_core::model::Model,
    sheets: Vec<crate::xlsx::Sheet>,
) -> CmdResult {
    let format = common.format();
    if format != Format::Xlsx {
        let text = sheets
            .first()
            .map(|s| s.table.render(format))
            .unwrap_or_default();
        return Ok(Output::text(text));
    }
    let mut sheets = sheets;
    sheets.push(crate::xlsx::Sheet::new(
        "Parametre",
        crate::params::table(model),
    ));
    let title = if model.name.is_empty() {
        "takst".to_string()
    } else {
        model.name.clone()
    };
    crate::xlsx::workbook(&title, &sheets)
        .map(Output::binary)
        .map_err(Failure::Usage)
}
