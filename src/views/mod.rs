//! HTML, server-rendered with maud. Plain functions from data to Markup; no database, no actix.

pub mod admin;
pub mod charts;
pub mod comments;
pub mod dashboard;
pub mod delivery;
pub mod followups;
pub mod format;
pub mod forms;
pub mod i18n;
pub mod integrity;
pub mod kiosk;
pub mod layout;
pub mod paper;
pub mod public;
pub mod qr;
pub mod report;
pub mod report_charts;
pub mod staff;
pub mod standing;
pub mod survey;
