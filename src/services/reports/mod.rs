//! The numbers staff see: the database as the method's tables (exports), and the dashboards'
//! computed snapshot.

pub mod export;
pub mod snapshot;
