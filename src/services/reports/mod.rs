//! The numbers staff see: the database as the method's tables (exports), the dashboards'
//! stored numbers, and the published standings beside them.

pub mod dashboards;
pub mod delivery;
pub mod export;
pub mod standings;
pub mod weakest;
