//! The numbers staff see: the database as the method's tables (exports), the dashboards'
//! stored numbers, and the published standings beside them.

pub mod comments;
pub mod dashboards;
pub mod delivery;
pub mod dissatisfied;
pub mod export;
pub mod field_pins;
pub mod group766;
pub mod integrity;
pub mod pages;
pub mod pdf;
pub mod public;
pub mod satisfaction;
pub mod scores_export;
pub mod standing;
pub mod standings;
pub mod targets;
pub mod weakest;
