//! The integration tests of takst: the CLI run as a user runs it, on the
//! fixtures under tests/fixtures and the demo data under data/.
//!
//! One test binary (see STYLE.md, "one Cargo trap"): each module below is
//! one area.

mod bridge;
mod common;
mod compare;
mod economy;
mod errors;
mod explain;
mod messy;
mod reports;
mod snapshots;
mod worked_example;
