//! Due dates in working days: Monday to Friday. Public holidays are not counted out (their
//! dates move with the lunar calendar and each year's decision); a due date that falls on one
//! is a day early, never late.

use chrono::{Datelike, Days, NaiveDate, Weekday};

fn is_working(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day `days` working days after `from` (a request received on a Friday with 1 day is due
/// on the Monday).
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut day = from;
    let mut left = days;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        if is_working(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        // 2026-12-04 is a Friday.
        assert_eq!(add_working_days(date("2026-12-04"), 1), date("2026-12-07"));
        assert_eq!(add_working_days(date("2026-12-04"), 10), date("2026-12-18"));
        // Received on a Saturday: the first working day counts from Monday.
        assert_eq!(add_working_days(date("2026-12-05"), 1), date("2026-12-07"));
        assert_eq!(add_working_days(date("2026-12-01"), 0), date("2026-12-01"));
    }

    proptest! {
        #[test]
        fn a_due_date_is_a_working_day_with_the_right_count_between(
            offset in 0u64..3650, days in 1u32..60,
        ) {
            let from = date("2020-01-01").checked_add_days(Days::new(offset)).unwrap();
            let due = add_working_days(from, days);
            prop_assert!(is_working(due));
            let between = from.iter_days().skip(1).take_while(|d| *d <= due).filter(|d| is_working(*d)).count();
            prop_assert_eq!(between, days as usize);
        }
    }
}
