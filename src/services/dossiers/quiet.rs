//! A message that goes out quietly (its survey was answered, or no contact is left) must be
//! recorded exactly as a sent one would be, outages included: if the gateway is failing, a
//! real send records an error and a retry, so the quiet one records the same error and the same
//! retry; when real sends succeed again, so does it. Otherwise a copy of the database would
//! tell, by its attempts and errors, which invitations were answered during an outage.
//!
//! A quiet message therefore takes the outcome of the next real send of its pass (quiet
//! messages are queued after the real ones, and finish as they finish), or, in a pass without
//! a real send left, the worker's last known answer from its gateway: an error for
//! `REMEMBERED`, else success.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// How long a failing gateway's last answer stands for messages with no real send beside
/// them: about as long as the backoff's first steps, so that an outage with no real send left
/// is not taken to last for ever.
const REMEMBERED: Duration = Duration::from_secs(10 * 60);

/// What the gateway last answered a real send of one delivery worker: its last error with the
/// time, or `None` after a success.
#[derive(Default)]
pub struct GatewayMemory(Mutex<Option<(Instant, String)>>);

impl GatewayMemory {
    fn last_known(&self) -> Result<(), String> {
        let last = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*last {
            Some((at, error)) if at.elapsed() < REMEMBERED => Err(error.clone()),
            _ => Ok(()),
        }
    }

    fn remember(&self, result: &Result<(), String>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            result.as_ref().err().map(|e| (Instant::now(), e.clone()));
    }
}

/// One pass's real sends as its quiet messages see them.
pub struct Mirror<'a> {
    memory: &'a GatewayMemory,
    told: watch::Sender<Result<(), String>>,
    real_left: AtomicUsize,
}

impl<'a> Mirror<'a> {
    /// For a pass that sends `real` messages for real.
    pub fn new(memory: &'a GatewayMemory, real: usize) -> Self {
        Self {
            memory,
            told: watch::Sender::new(memory.last_known()),
            real_left: AtomicUsize::new(real),
        }
    }

    /// A real send finished with `result`.
    pub fn sent(&self, result: &Result<(), String>) {
        self.memory.remember(result);
        self.told.send_modify(|told| *told = result.clone());
        self.real_left.fetch_sub(1, Ordering::AcqRel);
    }

    /// The outcome a quiet message records: the next real send's, or the last one's.
    pub async fn quiet(&self) -> Result<(), String> {
        let mut seen = self.told.subscribe();
        if self.real_left.load(Ordering::Acquire) > 0 {
            // A real send finishing after `subscribe` wakes this, whenever it finishes.
            let _ = seen.changed().await;
        }
        let outcome = seen.borrow().clone();
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_quiet_message_takes_the_outcome_of_the_next_real_send() {
        let memory = GatewayMemory::default();
        let mirror = Mirror::new(&memory, 1);
        let quiet = mirror.quiet();
        let failed = Err("HTTP 503".to_owned());
        let (outcome, ()) = tokio::join!(quiet, async {
            tokio::task::yield_now().await;
            mirror.sent(&failed);
        });
        assert_eq!(outcome, failed);
        // No real send left in the pass: the last known answer (the outage, just seen).
        assert_eq!(Mirror::new(&memory, 0).quiet().await, failed);
        let mirror = Mirror::new(&memory, 1);
        mirror.sent(&Ok(()));
        assert_eq!(mirror.quiet().await, Ok(()));
        assert_eq!(Mirror::new(&memory, 0).quiet().await, Ok(()));
        assert_eq!(
            Mirror::new(&GatewayMemory::default(), 0).quiet().await,
            Ok(())
        );
    }
}
