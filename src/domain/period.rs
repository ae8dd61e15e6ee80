//! Quarters in Vietnam time. A dossier completed at 23:30 UTC on 31 March belongs to the second
//! quarter, because it is already 1 April in An Giang.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, TimeZone, Utc};

pub const VIETNAM: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4
    pub quarter: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a quarter such as 2026-Q3")]
pub struct BadQuarter(pub String);

impl Quarter {
    pub fn of_instant(at: DateTime<Utc>) -> Self {
        let local = VIETNAM.from_utc_datetime(&at.naive_utc());
        Self {
            year: local.year(),
            quarter: u8::try_from(local.month0() / 3 + 1).unwrap_or(4),
        }
    }

    pub fn previous(self) -> Self {
        if self.quarter == 1 {
            Self {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Self {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    pub fn next(self) -> Self {
        if self.quarter == 4 {
            Self {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Self {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    /// The first instant of the quarter, in UTC.
    pub fn start(self) -> DateTime<Utc> {
        let month = u32::from(self.quarter - 1) * 3 + 1;
        VIETNAM
            .with_ymd_and_hms(self.year, month, 1, 0, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| unreachable!("Vietnam has no daylight saving time"))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

impl FromStr for Quarter {
    type Err = BadQuarter;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadQuarter(s.to_owned());
        let (year, q) = s.split_once("-Q").ok_or_else(bad)?;
        if year.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Ok(Self { year, quarter })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quarter_is_taken_in_vietnam_time() {
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            Quarter::of_instant(utc("2026-03-31T16:59:59Z")).to_string(),
            "2026-Q1"
        );
        assert_eq!(
            Quarter::of_instant(utc("2026-03-31T17:00:00Z")).to_string(),
            "2026-Q2"
        );
        assert_eq!(
            Quarter::of_instant(utc("2025-12-31T17:00:00Z")).to_string(),
            "2026-Q1"
        );
    }

    #[test]
    fn quarters_parse_print_and_step() {
        let q: Quarter = "2026-Q1".parse().unwrap();
        assert_eq!(q.previous().to_string(), "2025-Q4");
        assert_eq!(q.next().to_string(), "2026-Q2");
        assert_eq!(q.start().to_rfc3339(), "2025-12-31T17:00:00+00:00");
        for bad in ["2026-Q5", "2026Q1", "26-Q1", "2026-Q", "2026-Q01", ""] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }
}
