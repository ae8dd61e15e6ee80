//! The HTTP side: the URL map and its handlers (`routes`), and what they share: the state, the
//! error pages, CSRF, sign-in and sessions, the language of a request, database calls off the
//! async workers. Handlers are thin: authorize, parse, call a service, render a view.

pub mod auth;
pub mod client_address;
pub mod csrf;
pub mod db_call;
pub mod error;
pub mod key_limits;
pub mod language;
pub mod page;
pub mod plain_http;
pub mod request_log;
pub mod routes;
pub mod state;
pub mod survey_gate;
pub mod survey_rate;
