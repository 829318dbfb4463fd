//! takst-core
pub mod text;
