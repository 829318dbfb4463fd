//! takst-core
pub mod clock;
