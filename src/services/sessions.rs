//! Staff sessions as the session store keeps them (server-side, by key hash; see
//! `web::auth::session_store`).

pub use crate::db::sessions::{delete, insert, load, touch, update};
