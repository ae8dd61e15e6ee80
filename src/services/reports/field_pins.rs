//! What a field's view of an agency may show (`?field=` on the province page and its exports).
//!
//! An agency's quarter is released in steps of at least k responses per way of answering
//! (`privacy::release`), but a step of five can hold one response of a procedure field: a
//! field's view that followed every release would move by one. So a field view shows each
//! agency's quarter as it stood at its *pin*: the last release at which every part of it
//! (way of answering × field) had moved by 0 or by at least k since the pin before. Between
//! two pins any field, any way of answering and their complements move by 0 or at least k;
//! the view lags the agency's own page by at most the steps since its pin.

use std::collections::{BTreeMap, HashMap};

use crate::db::export::ReleasedPart;

/// One released, unflagged response as the pins need it.
#[derive(Debug, Clone)]
pub struct Released {
    pub agency_id: i32,
    pub quarter: String,
    pub mode: String,
    /// `None`: generalised beyond its field (k-anonymity); a part of its own.
    pub field: Option<String>,
    pub release: i32,
}

impl Released {
    /// A response as `db::export::released_parts` reads it.
    pub fn of_part(part: &ReleasedPart) -> Self {
        let (_, agency_id, quarter, mode, field, release) = part;
        Self {
            agency_id: *agency_id,
            quarter: quarter.clone(),
            mode: mode.clone(),
            field: field.clone(),
            release: *release,
        }
    }
}

/// (agency, quarter) → the last release its field views show (responses released after it
/// are left out of them).
pub type Pins = HashMap<(i32, String), i32>;

pub fn pins(released: &[Released], k: u32) -> Pins {
    let mut pins = Pins::new();
    walk(released, k, |agency_id, quarter, release, _| {
        pins.insert((agency_id, quarter.to_owned()), release);
    });
    pins
}

/// What each part (way of answering, field) of an agency's quarter counted at a pin.
pub type Parts<'a> = BTreeMap<(&'a str, Option<&'a str>), u64>;

/// Walks each agency's quarter through its releases in order and calls `at_pin` at every pin,
/// with the parts' counts then.
pub fn walk<'a>(
    released: &'a [Released],
    k: u32,
    mut at_pin: impl FnMut(i32, &str, i32, &Parts<'a>),
) {
    let k = u64::from(k);
    let mut groups: BTreeMap<(i32, &str), Vec<&Released>> = BTreeMap::new();
    for r in released {
        groups.entry((r.agency_id, &r.quarter)).or_default().push(r);
    }
    for ((agency_id, quarter), mut members) in groups {
        members.sort_by_key(|r| r.release);
        let mut now: Parts<'a> = BTreeMap::new();
        let mut at_last_pin = now.clone();
        let mut i = 0;
        while i < members.len() {
            let release = members[i].release;
            while i < members.len() && members[i].release == release {
                *now.entry((&members[i].mode, members[i].field.as_deref()))
                    .or_default() += 1;
                i += 1;
            }
            let steps_whole = now.iter().all(|(part, count)| {
                let moved = count - at_last_pin.get(part).copied().unwrap_or(0);
                moved == 0 || moved >= k
            });
            if steps_whole {
                at_pin(agency_id, quarter, release, &now);
                at_last_pin = now.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn released(release: i32, mode: &str, field: &str) -> Released {
        Released {
            agency_id: 1,
            quarter: "2026-Q3".into(),
            mode: mode.into(),
            field: Some(field.into()),
            release,
        }
    }

    #[test]
    fn a_step_that_moves_a_field_by_fewer_than_k_is_not_shown_in_field_views() {
        // Release 1: 5 of field A. Release 2: 4 of A and 1 of B. Release 3: 4 more of B and
        // 1 of A: since release 1, A and B have both moved by 5.
        let mut rows: Vec<Released> = (0..5).map(|_| released(1, "link", "A")).collect();
        rows.extend((0..4).map(|_| released(2, "link", "A")));
        rows.push(released(2, "link", "B"));
        rows.extend((0..4).map(|_| released(3, "link", "B")));
        rows.push(released(3, "link", "A"));
        let pin = |upto: usize| pins(&rows[..upto], 5)[&(1, "2026-Q3".to_owned())];
        assert_eq!(pin(5), 1);
        assert_eq!(pin(10), 1, "A moved by 4, B by 1: release 2 is not shown");
        assert_eq!(pin(15), 3);
    }

    proptest! {
        /// Between two consecutive pins, every part moves by 0 or at least k.
        #[test]
        fn parts_move_by_zero_or_at_least_k_between_pins(
            k in 1u32..6,
            history in proptest::collection::vec((0usize..2, 0usize..3, 0usize..4), 1..60),
        ) {
            let modes = ["link", "kiosk"];
            let fields = ["A", "B", "C"];
            let mut rows = Vec::new();
            let mut release = 1;
            let mut seen_pins = Vec::new();
            // A release is written whole: the pins are looked at between releases.
            let look = |rows: &[Released], seen_pins: &mut Vec<i32>| {
                if let Some(pin) = pins(rows, k).get(&(1, "2026-Q3".to_owned())) {
                    if seen_pins.last() != Some(pin) {
                        seen_pins.push(*pin);
                    }
                }
            };
            for (mode, field, next) in history {
                rows.push(released(release, modes[mode], fields[field]));
                if next == 0 {
                    look(&rows, &mut seen_pins);
                    release += 1;
                }
            }
            look(&rows, &mut seen_pins);
            let count = |upto: i32, mode: &str, field: &str| {
                rows.iter()
                    .filter(|r| r.release <= upto && r.mode == mode && r.field.as_deref() == Some(field))
                    .count()
            };
            let mut before = 0;
            for pin in seen_pins {
                for mode in modes {
                    for field in fields {
                        let moved = count(pin, mode, field) - count(before, mode, field);
                        prop_assert!(moved == 0 || moved >= k as usize, "{moved} at pin {pin}");
                    }
                }
                before = pin;
            }
        }
    }
}
