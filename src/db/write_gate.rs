//! One writer at a time, in the process, on SQLite.
//!
//! SQLite allows one write transaction at a time; a second writer waits in SQLite's busy
//! handler, which sleeps in growing steps (up to 100 ms) rather than waking when the lock is
//! free. Under many concurrent writers that sleeping, not the work, sets the tail latency.
//! Queuing writers on a mutex first hands the lock over as soon as it is released. The writers:
//! the ingestion batches and the group-commit thread of survey submissions
//! (`db::group_commit`). PostgreSQL needs no gate: its writers wait on row locks and wake at
//! once.

use std::sync::{Mutex, MutexGuard};

use crate::config::DatabaseUrl;

pub struct WriteGate(Option<Mutex<()>>);

impl WriteGate {
    pub fn for_database(url: &DatabaseUrl) -> Self {
        match url {
            DatabaseUrl::Sqlite(_) => Self(Some(Mutex::new(()))),
            DatabaseUrl::Postgres(_) => Self(None),
        }
    }

    /// Held for the length of one write transaction (blocking: call it off the async workers).
    pub fn enter(&self) -> Option<MutexGuard<'_, ()>> {
        self.0
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}
