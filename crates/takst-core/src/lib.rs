//! takst-core: the pure tariff engine of takst.
//!
//! Parse → model → compute → render: this crate is the middle two. It takes
//! a parsed [`model::Model`], checks it ([`validate::validate`]), computes
//! rates, base tariffs and citizen tariffs ([`calc::Engine`]) and explains
//! every figure ([`explain`]). It does no file or terminal I/O; the CLI
//! crate reads inputs and renders results.

pub mod bridge;
pub mod calc;
pub mod clock;
pub mod compare;
pub mod economy;
pub mod explain;
pub mod hash;
pub mod model;
pub mod num;
pub mod privacy;
pub mod problem;
pub mod report;
#[cfg(test)]
mod testing;
pub mod text;
pub mod validate;

pub use rust_decimal::Decimal;
