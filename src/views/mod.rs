//! HTML, server-rendered with maud. Plain functions from data to Markup; no database, no actix.

pub mod i18n;
pub mod layout;
pub mod survey;
