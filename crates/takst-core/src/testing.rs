//! Builders of model items for the unit tests of this crate.

use rust_decimal::Decimal;

use crate::model::{Band, Origin, Pay, Staff};

/// A staff category paid a fixed hourly rate, without pension or items.
pub fn staff(id: &str, hourly_rate: Decimal) -> Staff {
    Staff {
        id: id.into(),
        name: id.into(),
        pay: Pay::HourlyRate(hourly_rate),
        pension_pct: Decimal::ZERO,
        supplement_pension_pct: Decimal::ZERO,
        direct_share: Decimal::ONE,
        net_hours: None,
        oncost: vec![],
        per_fte: vec![],
        origin: Origin::default(),
    }
}

/// A band without supplement or clock window.
pub fn band(id: &str) -> Band {
    Band {
        id: id.into(),
        name: id.into(),
        supplement_pct: Decimal::ZERO,
        window: None,
        origin: Origin::default(),
    }
}
