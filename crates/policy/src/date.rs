//! Calendar days as day numbers (days since 1970-01-01), so that a column of dates is a column
//! of integers. The civil-calendar arithmetic is Howard Hinnant's.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Day(pub i32);

impl Day {
    pub const MIN: Day = Day(i32::MIN);

    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe as u32 * 365 + yoe as u32 / 4 - yoe as u32 / 100 + doy;
        Day(era * 146_097 + doe as i32 - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = (z - era * 146_097) as u32;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe as i32 + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i32, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD`, a real day.
pub fn parse_day(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
    };
    let (y, m, d) = (n(0..4)? as i32, n(5..7)?, n(8..10)?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in(y, m) {
        return None;
    }
    Some(Day::from_ymd(y, m, d))
}

/// The same day `n` years earlier (29 February → 28 February).
pub fn years_before(at: Day, n: i32) -> Day {
    let (y, m, d) = at.ymd();
    let y = y - n;
    Day::from_ymd(y, m, d.min(days_in(y, m)))
}

/// Whole years from `from` to `to` (an age).
pub fn whole_years(from: Day, to: Day) -> i32 {
    let (fy, fm, fd) = from.ymd();
    let (ty, tm, td) = to.ymd();
    let mut n = ty - fy;
    if (tm, td) < (fm, fd) {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_parse() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        assert_eq!(parse_day("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(parse_day("2023-02-29"), None);
        assert_eq!(parse_day("2023-13-01"), None);
        for n in [-800_000, -1, 0, 59, 60, 11_000, 20_000, 2_000_000] {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(n));
        }
        assert_eq!(years_before(parse_day("2024-02-29").unwrap(), 1).to_string(), "2023-02-28");
        assert_eq!(whole_years(parse_day("2020-11-26").unwrap(), parse_day("2026-11-25").unwrap()), 5);
        assert_eq!(whole_years(parse_day("2020-11-25").unwrap(), parse_day("2026-11-25").unwrap()), 6);
    }
}
