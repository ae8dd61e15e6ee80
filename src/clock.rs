//! The time the service reads: the machine's, or, in a development build started with
//! `HAILONG_TEST_CLOCK_FILE`, the machine's moved forward by the seconds written in that file.
//!
//! A soak test (`scripts/soak`) compresses days of releases, reminders and retention into
//! minutes by writing a growing offset to the file; the machine's clock, which every other
//! program and the database read, is never touched. A production build has no such file: its
//! offset is always zero.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// Seconds added to the machine's clock (only ever set in a development build).
static OFFSET_SECONDS: AtomicI64 = AtomicI64::new(0);

/// Now, as the service reckons it.
pub fn now() -> DateTime<Utc> {
    let offset = OFFSET_SECONDS.load(Ordering::Relaxed);
    let machine = Utc::now();
    if offset == 0 {
        return machine;
    }
    machine
        .checked_add_signed(TimeDelta::seconds(offset))
        .unwrap_or(machine)
}

/// Reads `HAILONG_TEST_CLOCK_FILE` (when set) now and then every 100 ms on a thread of its
/// own, for as long as the process runs. A file that cannot be read or holds no whole number
/// leaves the offset as it was; an offset never moves backwards (the service's intervals
/// assume time goes on).
#[cfg(feature = "dev-tools")]
pub fn follow_test_clock_file() -> std::io::Result<()> {
    let Some(path) = std::env::var_os("HAILONG_TEST_CLOCK_FILE") else {
        return Ok(());
    };
    let path = std::path::PathBuf::from(path);
    let read = move || {
        let offset = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok());
        if let Some(offset) = offset {
            OFFSET_SECONDS.fetch_max(offset, Ordering::Relaxed);
        }
    };
    read();
    tracing::warn!("the service reads a test clock (HAILONG_TEST_CLOCK_FILE)");
    std::thread::Builder::new()
        .name("test-clock".to_owned())
        .spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_millis(100));
            read();
        })
        .map(drop)
}

#[cfg(test)]
mod tests {
    #[test]
    fn without_an_offset_it_is_the_machines_time() {
        let before = chrono::Utc::now();
        let now = super::now();
        assert!(now >= before && now <= chrono::Utc::now());
    }
}
