//! Periods of the method (§2): quarters in Vietnam time, and years as the union of their
//! quarters. A dossier completed at 23:30 UTC on 31 March belongs to the second quarter: it is
//! already 1 April in Vietnam.

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

    /// A dense integer key: consecutive quarters have consecutive keys.
    pub fn key(self) -> i32 {
        self.year * 4 + i32::from(self.quarter) - 1
    }

    pub fn from_key(key: i32) -> Self {
        Self {
            year: key.div_euclid(4),
            quarter: u8::try_from(key.rem_euclid(4) + 1).unwrap_or(1),
        }
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
        if year.len() != 4 || q.len() != 1 || !year.bytes().all(|b| b.is_ascii_digit()) {
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

/// Whether a run reports by quarter or by year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Quarter,
    Year,
}

impl FromStr for PeriodKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quarter" => Ok(Self::Quarter),
            "year" => Ok(Self::Year),
            other => Err(format!("{other:?} is not a period; use quarter or year")),
        }
    }
}

/// A period as a dense key: a quarter key, or a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub kind_is_year: bool,
    pub key: i32,
}

impl Period {
    pub fn of_quarter(kind: PeriodKind, q: Quarter) -> Self {
        match kind {
            PeriodKind::Quarter => Self {
                kind_is_year: false,
                key: q.key(),
            },
            PeriodKind::Year => Self {
                kind_is_year: true,
                key: q.year,
            },
        }
    }

    pub fn previous(self) -> Self {
        Self {
            kind_is_year: self.kind_is_year,
            key: self.key - 1,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind_is_year {
            write!(f, "{}", self.key)
        } else {
            Quarter::from_key(self.key).fmt(f)
        }
    }
}

/// An inclusive range of quarters, `2025-Q1..2026-Q4`; a year-run keeps the years it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuarterRange {
    pub first: Quarter,
    pub last: Quarter,
}

impl FromStr for QuarterRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| format!("{s:?} is not a range such as 2025-Q1..2026-Q4"))?;
        let first: Quarter = a.trim().parse().map_err(|e: BadQuarter| e.to_string())?;
        let last: Quarter = b.trim().parse().map_err(|e: BadQuarter| e.to_string())?;
        if last < first {
            return Err(format!("{s:?}: the range ends before it starts"));
        }
        Ok(Self { first, last })
    }
}

impl QuarterRange {
    pub fn contains(&self, q: Quarter) -> bool {
        self.first <= q && q <= self.last
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
    fn quarters_parse_print_step_and_key() {
        let q: Quarter = "2026-Q1".parse().unwrap();
        assert_eq!(q.previous().to_string(), "2025-Q4");
        assert_eq!(q.next().to_string(), "2026-Q2");
        assert_eq!(Quarter::from_key(q.key()), q);
        assert_eq!(q.previous().key(), q.key() - 1);
        assert_eq!(q.start().to_rfc3339(), "2025-12-31T17:00:00+00:00");
        for bad in [
            "2026-Q5", "2026Q1", "26-Q1", "2026-Q", "2026-Q01", "", "+202-Q1",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_print_as_quarters_or_years() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(
            Period::of_quarter(PeriodKind::Quarter, q).to_string(),
            "2026-Q3"
        );
        assert_eq!(Period::of_quarter(PeriodKind::Year, q).to_string(), "2026");
        assert_eq!(
            Period::of_quarter(PeriodKind::Year, q)
                .previous()
                .to_string(),
            "2025"
        );
        let range: QuarterRange = "2025-Q1..2026-Q4".parse().unwrap();
        assert!(range.contains(q) && !range.contains("2027-Q1".parse().unwrap()));
        assert!("2026-Q4..2025-Q1".parse::<QuarterRange>().is_err());
    }
}
