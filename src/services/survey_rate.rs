//! The survey rate limit every instance shares on PostgreSQL: requests per client and clock
//! minute, counted in the database so that two instances allow what one would.
//!
//! Writing every request's count at once puts all of one client's requests on one row, and a
//! row takes one commit (one disk flush) at a time: about a thousand requests a second in all,
//! pages included, however many cores. Far below the limit, where no decision can hinge on
//! the exact figure, an instance counts in memory and adds its counts to the row in one write
//! a few times a second ([`SharedWindows::flush`]); near the limit every request is counted in
//! the database before it is let through, as before. A client's requests are counted in
//! memory only while the instance's count of the window stays within a quarter of the limit:
//! with up to four instances the counts held back add up to the limit at most, and none of
//! them decides a refusal. (With more instances, a client spreading requests over all of them
//! could get a quarter of the limit more per further instance, until the next flush.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::survey_rate_windows;
use crate::db::{DbConnection, DbPool, QueryResult};

/// How often the counts held in memory are written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// One client's window as this instance knows it.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// The window's count in the database when this instance last wrote to it.
    known: i32,
    /// Requests counted here and not yet written.
    held: i32,
}

/// The windows of this instance's clients, keyed by the client's keyed hash and the minute.
pub struct SharedWindows {
    limit: i32,
    windows: Mutex<HashMap<(Vec<u8>, NaiveDateTime), Window>>,
}

impl SharedWindows {
    pub fn new(limit: u32) -> Self {
        Self {
            limit: i32::try_from(limit).unwrap_or(i32::MAX),
            windows: Mutex::default(),
        }
    }

    pub fn limit(&self) -> i32 {
        self.limit
    }

    fn windows(&self) -> MutexGuard<'_, HashMap<(Vec<u8>, NaiveDateTime), Window>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a request in memory if its window is far enough below the limit that this
    /// request cannot be the one refused; `false` when it must be counted in the database.
    pub fn count_in_memory(&self, client_key: &[u8], window_start: NaiveDateTime) -> bool {
        let mut windows = self.windows();
        let window = windows
            .entry((client_key.to_vec(), window_start))
            .or_default();
        let within = window.known.saturating_add(window.held).saturating_add(1) <= self.limit / 4;
        if within {
            window.held += 1;
        }
        within
    }

    /// Counts a request in the database, with whatever this instance held of its window;
    /// returns the window's count, every instance's requests included.
    pub fn count_in_database(
        &self,
        conn: &mut DbConnection,
        client_key: &[u8],
        window_start: NaiveDateTime,
    ) -> QueryResult<i32> {
        let key = (client_key.to_vec(), window_start);
        let held = std::mem::take(&mut self.windows().entry(key.clone()).or_default().held);
        match survey_rate_windows::count(conn, client_key, window_start, held + 1) {
            Ok(count) => {
                let mut windows = self.windows();
                let window = windows.entry(key).or_default();
                window.known = window.known.max(count);
                Ok(count)
            }
            Err(e) => {
                self.windows().entry(key).or_default().held += held;
                Err(e)
            }
        }
    }

    /// Writes the counts held in memory; returns how many windows were written. A count that
    /// cannot be written is held for the next flush.
    pub fn flush(&self, conn: &mut DbConnection) -> QueryResult<usize> {
        let held: Vec<((Vec<u8>, NaiveDateTime), i32)> = self
            .windows()
            .iter_mut()
            .filter(|(_, w)| w.held > 0)
            .map(|(key, w)| (key.clone(), std::mem::take(&mut w.held)))
            .collect();
        let mut written = 0;
        let mut rest = held.into_iter();
        while let Some(((client_key, start), count)) = rest.next() {
            match survey_rate_windows::count(conn, &client_key, start, count) {
                Ok(total) => {
                    let mut windows = self.windows();
                    let window = windows.entry((client_key, start)).or_default();
                    window.known = window.known.max(total);
                    written += 1;
                }
                Err(e) => {
                    let mut windows = self.windows();
                    for (key, count) in std::iter::once(((client_key, start), count)).chain(rest) {
                        windows.entry(key).or_default().held += count;
                    }
                    return Err(e);
                }
            }
        }
        Ok(written)
    }

    /// Forgets the windows that ended before `current` with nothing held; whether any window
    /// holds counts to write.
    fn forget_ended(&self, current: NaiveDateTime) -> bool {
        let mut windows = self.windows();
        windows.retain(|(_, start), w| *start >= current || w.held > 0);
        windows.values().any(|w| w.held > 0)
    }

    /// Writes the held counts every [`FLUSH_EVERY`], for as long as the process runs.
    pub async fn flush_periodically(self: Arc<Self>, pool: DbPool) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // Nothing held (every request near the limit, or none): nothing to write, and no
            // connection taken; windows that ended are forgotten all the same.
            if !self.forget_ended(window_of(crate::clock::now().naive_utc())) {
                continue;
            }
            let (windows, pool) = (self.clone(), pool.clone());
            let flushed = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(windows.flush(&mut conn)?)
            })
            .await;
            if let Ok(Err(e)) = flushed {
                tracing::warn!(error = %e, "writing the survey rate counts");
            }
        }
    }
}

/// How long a window lasts: a clock minute.
pub const WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// The window `instant` falls in.
pub fn window_of(instant: NaiveDateTime) -> NaiveDateTime {
    use chrono::DurationRound;
    instant.duration_trunc(WINDOW).unwrap_or(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn only_a_quarter_of_the_limit_is_counted_in_memory() {
        let windows = SharedWindows::new(40);
        let counted = (0..20)
            .filter(|_| windows.count_in_memory(b"client", minute()))
            .count();
        assert_eq!(counted, 10);
        assert!(windows.count_in_memory(b"other", minute()));
    }

    #[test]
    fn ended_windows_are_forgotten_unless_they_hold_counts() {
        let windows = SharedWindows::new(40);
        let next = minute() + chrono::TimeDelta::minutes(1);
        assert!(windows.count_in_memory(b"client", minute()));
        assert!(windows.forget_ended(next), "held counts stay until written");
        windows.windows().values_mut().for_each(|w| w.held = 0);
        assert!(!windows.forget_ended(next));
        assert!(windows.windows().is_empty());
    }

    #[test]
    fn a_small_limit_is_counted_in_the_database_from_the_second_request() {
        let windows = SharedWindows::new(5);
        assert!(windows.count_in_memory(b"client", minute()));
        assert!(!windows.count_in_memory(b"client", minute()));
        assert!(!SharedWindows::new(3).count_in_memory(b"client", minute()));
    }
}
