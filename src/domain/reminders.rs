//! When an invitation's messages go out: the invitation when the dossier is completed, then up
//! to a few reminders a set number of days after it while the survey is open and unanswered,
//! and never in the quiet hours of the evening and night (Vietnam time): a message due then
//! waits for the morning.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};

use super::period::VIETNAM;

/// Hours of the day (Vietnam time) in which no message is sent: from `from` o'clock until
/// `until` o'clock, across midnight when `from > until` (20 to 7 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: u32,
    pub until: u32,
}

impl QuietHours {
    /// `20-7`, or `off` for none.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let hour = |s: &str| s.trim().parse::<u32>().ok().filter(|h| *h < 24);
        match raw.split_once('-').map(|(a, b)| (hour(a), hour(b))) {
            Some((Some(from), Some(until))) if from != until => Ok(Some(Self { from, until })),
            _ => Err("expected hours such as 20-7 (from 20:00 until 07:00) or off".into()),
        }
    }

    fn is_quiet(&self, hour: u32) -> bool {
        if self.from < self.until {
            (self.from..self.until).contains(&hour)
        } else {
            hour >= self.from || hour < self.until
        }
    }

    /// The first moment at or after `at` outside the quiet hours.
    pub fn next_allowed(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let local = at.with_timezone(&VIETNAM);
        if !self.is_quiet(local.hour()) {
            return at;
        }
        let morning = NaiveTime::from_hms_opt(self.until, 0, 0).unwrap_or_default();
        let mut day = local.date_naive();
        if local.hour() >= self.until {
            day += Duration::days(1);
        }
        VIETNAM
            .from_local_datetime(&day.and_time(morning))
            .earliest()
            .map_or(at, |t| t.with_timezone(&Utc))
    }
}

/// How many reminders, when, and the quiet hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Days after the invitation at which each reminder is due, increasing.
    pub reminder_days: Vec<u32>,
    pub quiet: Option<QuietHours>,
}

impl Schedule {
    /// `reminders` reminders on the first days of `days` (`3,7`).
    pub fn parse(reminders: u32, days: &str, quiet: Option<QuietHours>) -> Result<Self, String> {
        let listed = days
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=90).contains(d))
            })
            .collect::<Option<Vec<u32>>>()
            .filter(|days| days.windows(2).all(|w| w[0] < w[1]))
            .ok_or_else(|| {
                "expected increasing days from 1 to 90, comma-separated, such as 3,7".to_owned()
            })?;
        let wanted = usize::try_from(reminders).unwrap_or(usize::MAX);
        if listed.len() < wanted {
            return Err(format!(
                "{} day(s) given for {reminders} reminder(s): give one per reminder",
                listed.len()
            ));
        }
        Ok(Self {
            reminder_days: listed.into_iter().take(wanted).collect(),
            quiet,
        })
    }

    /// When message `message` (0 the invitation, 1.. the reminders) of an invitation issued at
    /// `issued` goes out, moved out of the quiet hours; `None` past the last reminder.
    pub fn due(&self, message: usize, issued: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = match message {
            0 => issued,
            n => issued + Duration::days(i64::from(*self.reminder_days.get(n - 1)?)),
        };
        Some(self.quiet.map_or(at, |q| q.next_allowed(at)))
    }

    /// Whether `message` is the last this schedule sends.
    pub fn is_last(&self, message: usize) -> bool {
        message >= self.reminder_days.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vietnam(s: &str) -> DateTime<Utc> {
        VIETNAM
            .from_local_datetime(
                &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
            )
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn nothing_goes_out_between_eight_in_the_evening_and_seven_in_the_morning() {
        let quiet = QuietHours::parse("20-7").unwrap().unwrap();
        assert_eq!(
            quiet.next_allowed(vietnam("2026-12-01 19:59")),
            vietnam("2026-12-01 19:59")
        );
        assert_eq!(
            quiet.next_allowed(vietnam("2026-12-01 20:00")),
            vietnam("2026-12-02 07:00")
        );
        assert_eq!(
            quiet.next_allowed(vietnam("2026-12-01 23:30")),
            vietnam("2026-12-02 07:00")
        );
        assert_eq!(
            quiet.next_allowed(vietnam("2026-12-02 03:10")),
            vietnam("2026-12-02 07:00")
        );
        assert_eq!(
            quiet.next_allowed(vietnam("2026-12-02 07:00")),
            vietnam("2026-12-02 07:00")
        );
        let daytime_quiet = QuietHours::parse("12-13").unwrap().unwrap();
        assert_eq!(
            daytime_quiet.next_allowed(vietnam("2026-12-02 12:30")),
            vietnam("2026-12-02 13:00")
        );
        assert_eq!(QuietHours::parse("off").unwrap(), None);
        for bad in ["20", "25-7", "7-7", "night"] {
            assert!(QuietHours::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reminders_come_on_their_days_in_the_morning_when_due_at_night() {
        let quiet = QuietHours::parse("20-7").unwrap();
        let schedule = Schedule::parse(2, "3,7", quiet).unwrap();
        let issued = vietnam("2026-12-01 21:15");
        assert_eq!(schedule.due(0, issued), Some(vietnam("2026-12-02 07:00")));
        assert_eq!(schedule.due(1, issued), Some(vietnam("2026-12-05 07:00")));
        assert_eq!(schedule.due(2, issued), Some(vietnam("2026-12-09 07:00")));
        assert_eq!(schedule.due(3, issued), None);
        assert!(!schedule.is_last(1) && schedule.is_last(2));
        let noon = vietnam("2026-12-01 10:00");
        assert_eq!(schedule.due(1, noon), Some(vietnam("2026-12-04 10:00")));

        let none = Schedule::parse(0, "3,7", None).unwrap();
        assert!(none.is_last(0));
        assert_eq!(none.due(1, noon), None);
        assert!(
            Schedule::parse(3, "3,7", None).is_err(),
            "a day per reminder"
        );
        assert!(Schedule::parse(2, "7,3", None).is_err(), "increasing");
        assert!(Schedule::parse(1, "0", None).is_err());
    }
}
