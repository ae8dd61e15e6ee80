//! Quarters in Vietnam time: one definition, shared with the analysis crate.

pub use hailong_analysis::period::{BadQuarter, Quarter, VIETNAM};
