//! Which language a request wants: `?lang=` wins (and is remembered in a cookie), then the
//! cookie, then `Accept-Language`; Vietnamese when nothing says otherwise.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest};

use crate::views::i18n::Lang;

pub const LANG_COOKIE: &str = "hl_lang";

/// The language, and whether `?lang=` chose it just now (so that it should be remembered).
pub fn language(req: &HttpRequest) -> (Lang, bool) {
    let query = web::Query::<BTreeMap<String, String>>::from_query(req.query_string()).ok();
    if let Some(lang) = query
        .as_ref()
        .and_then(|q| q.get("lang"))
        .and_then(|l| Lang::parse(l))
    {
        return (lang, true);
    }
    if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return (lang, false);
    }
    let header = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    (Lang::from_accept_language(header), false)
}

pub fn lang_of(req: &HttpRequest) -> Lang {
    language(req).0
}
