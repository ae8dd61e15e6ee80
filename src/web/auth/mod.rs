//! Staff accounts: sessions (actix-session over our database), the signed-in user, and the one
//! place where what a user may see is decided.

pub mod access;
pub mod session_store;
pub mod staff;
pub mod user;
