//! takst-core
