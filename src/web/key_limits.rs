//! How many requests one API key may make per clock minute on an endpoint that answers alike
//! whatever it is sent (STOP replies): without a limit, trying message keys at HTTP speed would
//! still cost nothing. Counted in this instance's memory: behind several instances, each allows
//! the limit.

use std::collections::HashMap;
use std::sync::Mutex;

/// STOP replies one gateway key may pass on per minute: far above what citizens send.
pub const OPT_OUTS_PER_MINUTE: u32 = 120;

#[derive(Default)]
pub struct KeyLimits(Mutex<HashMap<i32, (i64, u32)>>);

impl KeyLimits {
    /// Counts a request of API client `client` in minute `minute` (minutes since the epoch);
    /// `false` once it has made `limit` in that minute.
    pub fn allow(&self, client: i32, minute: i64, limit: u32) -> bool {
        let mut counts = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Only this minute's counts matter: a new minute starts every client afresh.
        counts.retain(|_, (at, _)| *at == minute);
        let (_, count) = counts.entry(client).or_insert((minute, 0));
        if *count >= limit {
            return false;
        }
        *count += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_per_minute_and_no_more() {
        let limits = KeyLimits::default();
        assert!((0..3).all(|_| limits.allow(1, 100, 3)));
        assert!(!limits.allow(1, 100, 3));
        assert!(limits.allow(2, 100, 3), "another key has its own");
        assert!(limits.allow(1, 101, 3), "the next minute starts afresh");
    }
}
