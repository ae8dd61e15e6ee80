//! Quarters in Vietnam time: one definition, shared with the analysis crate.

pub use hailong_analysis::period::{BadQuarter, Quarter, VIETNAM};

/// Today's date in Vietnam (the day an invitation is answered, for the per-identity limit).
pub fn today() -> chrono::NaiveDate {
    crate::clock::now().with_timezone(&VIETNAM).date_naive()
}
