//! The integrity rules at a submission (`domain::integrity`): what the form, the request and
//! the counters say of it, judged inside the submission's transaction. The time a form was
//! shown travels in the form itself (sealed), so it is measured without being stored; the
//! counters keep no more than a count per kiosk and hour, or per keyed address and day, and are
//! forgotten within hours (`forget`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, DurationRound, Utc};
use hailong_analysis::questionnaire::Questionnaire;

use crate::db::{agencies, integrity_counts, DbConnection, QueryResult};
use crate::domain::integrity::{judge, Flag, Signals, Thresholds};
use crate::domain::period::today;
use crate::domain::response_mode::ResponseMode;
use crate::secret::SecretKey;

const SHOWN_PURPOSE: &str = "form-shown";

/// How a response is being given, as the rules need to know it.
#[derive(Debug, Clone)]
pub struct Answering {
    pub mode: ResponseMode,
    /// The sealed time the form was shown (its hidden `shown` field), if it carried one.
    pub shown: Option<String>,
    /// The client's address (link answers).
    pub client: Option<IpAddr>,
    /// (kiosk, its agency) for a kiosk's answer.
    pub kiosk: Option<(i32, i32)>,
    pub thresholds: Thresholds,
}

impl Answering {
    /// A response stored without any of the rules' signals (a paper form still gets the
    /// straight-lining rule).
    pub fn plain(mode: ResponseMode, thresholds: Thresholds) -> Self {
        Self {
            mode,
            shown: None,
            client: None,
            kiosk: None,
            thresholds,
        }
    }
}

/// The value of a form's hidden `shown` field: when it was shown, and for which link (its
/// spent-link mark, `OpenSurvey::spent_key`), sealed: a token taken from another survey's form
/// does not time this one.
pub fn shown_token(secret: &SecretKey, now: DateTime<Utc>, link: &[u8]) -> String {
    let mut plain = now.timestamp_millis().to_be_bytes().to_vec();
    plain.extend_from_slice(link);
    URL_SAFE_NO_PAD.encode(secret.seal(SHOWN_PURPOSE, &plain))
}

/// Seconds since the form of `link` was shown; `None` for a token that is not one of its forms.
fn seconds_since(secret: &SecretKey, token: &str, link: &[u8], now: DateTime<Utc>) -> Option<f64> {
    let sealed = URL_SAFE_NO_PAD.decode(token).ok()?;
    let plain = secret.unseal(SHOWN_PURPOSE, &sealed)?;
    let (millis, bound) = plain.split_at_checked(8)?;
    if bound != link {
        return None;
    }
    let millis = i64::from_be_bytes(millis.try_into().ok()?);
    Some((now.timestamp_millis() - millis) as f64 / 1000.0)
}

/// Counts this answer where a rule counts answers, and judges it (inside the submission's
/// transaction: an answer that is not stored is not counted). `link` is the survey's
/// spent-link mark, which its form's `shown` token must carry.
pub fn count_and_judge(
    conn: &mut DbConnection,
    secret: &SecretKey,
    q: &Questionnaire,
    values: &BTreeMap<String, i32>,
    how: &Answering,
    link: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<Flag>> {
    let t = &how.thresholds;
    let mut signals = form_signals(secret, how, link, now);
    let day = today();
    if let Some(key) = counted_address(secret, how, day) {
        signals.address_answers_today =
            Some(integrity_counts::count_address_answer(conn, &key, day)?);
    }
    if let (ResponseMode::Kiosk, Some((kiosk, agency)), true) =
        (how.mode, how.kiosk, t.kiosk_slack > 0)
    {
        let hour = now
            .duration_trunc(Duration::hours(1))
            .unwrap_or(now)
            .naive_utc();
        let answered = integrity_counts::count_kiosk_answer(conn, kiosk, hour)?;
        let agencies: Vec<i32> = agencies::subtree(&agencies::all(conn)?, agency)
            .into_iter()
            .collect();
        let completed = integrity_counts::completed_between(
            conn,
            &agencies,
            hour - Duration::hours(1),
            hour + Duration::hours(1),
        )?;
        signals.kiosk_hour = Some((answered, completed));
    }
    Ok(judge(q, values, &signals, t))
}

/// A link answer being counted and judged with others (`count_and_judge_links`).
pub struct LinkAnswer<'a> {
    pub questionnaire: &'a Questionnaire,
    pub values: &'a BTreeMap<String, i32>,
    pub how: &'a Answering,
    /// The survey's spent-link mark, which its form's `shown` token must carry.
    pub link: &'a [u8],
}

/// [`count_and_judge`] for a group of link answers (no kiosk among them), their addresses
/// counted in one statement: each answer's count is its address's count before the group plus
/// its place among the group's answers from that address, as if counted one after the other.
pub fn count_and_judge_links(
    conn: &mut DbConnection,
    secret: &SecretKey,
    answers: &[LinkAnswer<'_>],
    now: DateTime<Utc>,
) -> QueryResult<Vec<Option<Flag>>> {
    let day = today();
    let keys: Vec<Option<[u8; 32]>> = answers
        .iter()
        .map(|a| counted_address(secret, a.how, day))
        .collect();
    let mut in_group: BTreeMap<[u8; 32], i32> = BTreeMap::new();
    for key in keys.iter().flatten() {
        *in_group.entry(*key).or_default() += 1;
    }
    // Each address's count before this group, raised by one at each of its answers below.
    let mut counts: BTreeMap<[u8; 32], i32> = BTreeMap::new();
    if !in_group.is_empty() {
        let counted: Vec<(&[u8], i32)> = in_group.iter().map(|(k, n)| (&k[..], *n)).collect();
        for (key, total) in integrity_counts::count_address_answers(conn, &counted, day)? {
            if let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) {
                counts.insert(key, total - in_group.get(&key).copied().unwrap_or(0));
            }
        }
    }
    Ok(answers
        .iter()
        .zip(keys)
        .map(|(a, key)| {
            let mut signals = form_signals(secret, a.how, a.link, now);
            if let Some(key) = key {
                let count = counts.entry(key).or_default();
                *count += 1;
                signals.address_answers_today = Some(u32::try_from(*count).unwrap_or(0));
            }
            judge(a.questionnaire, a.values, &signals, &a.how.thresholds)
        })
        .collect())
}

/// What the form itself says: how long it was shown before it was sent.
fn form_signals(secret: &SecretKey, how: &Answering, link: &[u8], now: DateTime<Utc>) -> Signals {
    let timed = how
        .shown
        .as_deref()
        .and_then(|token| seconds_since(secret, token, link, now));
    Signals {
        // A form of ours always carries its time: one sent without it (or with another
        // survey's) was not filled in on our page, and counts as sent at once.
        seconds_on_form: match how.mode {
            ResponseMode::Link | ResponseMode::Kiosk => Some(timed.unwrap_or(0.0)),
            ResponseMode::Paper => timed,
        },
        ..Signals::default()
    }
}

/// The key today's link answers from the client's address are counted under, when counted.
fn counted_address(
    secret: &SecretKey,
    how: &Answering,
    day: chrono::NaiveDate,
) -> Option<[u8; 32]> {
    match (how.mode, how.client, how.thresholds.answers_per_address > 0) {
        (ResponseMode::Link, Some(client), true) => Some(address_key(secret, client, day)),
        _ => None,
    }
}

/// The key an address's answers of `day` are counted under: keyed per day as well, so that
/// one address's rows of two days (both kept until the first is forgotten) cannot be matched.
fn address_key(secret: &SecretKey, client: IpAddr, day: chrono::NaiveDate) -> [u8; 32] {
    secret.keyed_hash("address-day", format!("{day}|{client}").as_bytes())
}

/// Forgets the counters past their use: kiosk hours older than two hours, address days before
/// today (Vietnam time).
pub fn forget(conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    integrity_counts::forget_before(conn, (now - Duration::hours(2)).naive_utc(), today())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_counted_under_another_key_each_day() {
        let Ok(secret) = SecretKey::from_hex(&"07".repeat(32)) else {
            unreachable!("64 hex digits")
        };
        let client: IpAddr = [203, 0, 113, 9].into();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        assert_eq!(
            address_key(&secret, client, day(7)),
            address_key(&secret, client, day(7))
        );
        assert_ne!(
            address_key(&secret, client, day(7)),
            address_key(&secret, client, day(8))
        );
    }
}
