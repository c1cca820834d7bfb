//! The working-day calendar: Chinese statutory holidays and make-up working days (调休) from the
//! State Council General Office notices, plus local closures; deadlines in working or natural
//! days, and working time within office hours. Days in a year the calendar does not cover are
//! judged by the weekend alone and the year is reported as missing, never silently.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// The notices shipped with the product (2020 to the latest published year).
pub const BUILTIN_JSON: &str = include_str!("../data/cn_holidays.json");

#[derive(Debug, Clone, Deserialize)]
pub struct BuiltinFile {
    pub years: Vec<BuiltinYear>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BuiltinYear {
    pub year: i16,
    pub notice: String,
    pub document_no: String,
    pub published_on: String,
    #[serde(default)]
    pub note: Option<String>,
    pub holidays: Vec<BuiltinHoliday>,
    pub workdays: Vec<BuiltinWorkday>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BuiltinHoliday {
    pub name: String,
    pub name_en: String,
    pub days: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BuiltinWorkday {
    pub day: String,
    #[serde(rename = "for")]
    pub for_holiday: String,
}

pub fn builtin() -> BuiltinFile {
    serde_json::from_str(BUILTIN_JSON).expect("the shipped holiday data parses")
}

/// What the calendar says about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A statutory holiday (or a rest day inside its period).
    Holiday,
    /// A weekend day made a working day (调休).
    Workday,
    /// A local closure of a station.
    Closure,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    covered: BTreeSet<i16>,
    days: HashMap<Date, DayKind>,
}

/// A computed date with the years it had to guess (weekends only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoned<T> {
    pub value: T,
    pub missing_years: BTreeSet<i16>,
}

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    WorkingDays,
    NaturalDays,
}

impl Calendar {
    pub fn new() -> Calendar {
        Calendar::default()
    }

    /// Marks a year as covered by a notice (its days are then taken as complete).
    pub fn cover(&mut self, year: i16) {
        self.covered.insert(year);
    }

    /// Sets what a day is; local closures never override a make-up working day's data.
    pub fn set(&mut self, day: Date, kind: DayKind) {
        self.days.insert(day, kind);
    }

    pub fn from_builtin() -> Calendar {
        let mut c = Calendar::new();
        for y in builtin().years {
            c.cover(y.year);
            for h in &y.holidays {
                for d in &h.days {
                    c.set(d.parse().expect("holiday date"), DayKind::Holiday);
                }
            }
            for w in &y.workdays {
                c.set(w.day.parse().expect("workday date"), DayKind::Workday);
            }
        }
        c
    }

    pub fn covers(&self, year: i16) -> bool {
        self.covered.contains(&year)
    }

    pub fn covered_years(&self) -> impl Iterator<Item = i16> + '_ {
        self.covered.iter().copied()
    }

    pub fn kind(&self, day: Date) -> Option<DayKind> {
        self.days.get(&day).copied()
    }

    /// Is `day` a working day; a day of an uncovered year is judged by the weekend and its year
    /// noted in `missing`.
    fn working(&self, day: Date, missing: &mut BTreeSet<i16>) -> bool {
        if !self.covers(day.year()) {
            missing.insert(day.year());
        }
        match self.days.get(&day) {
            Some(DayKind::Holiday) | Some(DayKind::Closure) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    pub fn is_working_day(&self, day: Date) -> Reckoned<bool> {
        let mut missing = BTreeSet::new();
        let value = self.working(day, &mut missing);
        Reckoned { value, missing_years: missing }
    }

    /// The `n`-th working day after `from` (`from` itself not counted); `n` may be negative
    /// (the `n`-th working day before). `n = 0` gives `from`.
    pub fn add_working_days(&self, from: Date, n: i64) -> Reckoned<Date> {
        let mut missing = BTreeSet::new();
        let step = if n < 0 { -1 } else { 1 };
        let mut left = n.abs();
        let mut d = from;
        while left > 0 {
            d = d.checked_add(step.days()).expect("date in range");
            if self.working(d, &mut missing) {
                left -= 1;
            }
        }
        Reckoned { value: d, missing_years: missing }
    }

    /// Working days in `(from, to]` (negative when `to` is before `from`): the inverse of
    /// [`Calendar::add_working_days`].
    pub fn working_days_between(&self, from: Date, to: Date) -> Reckoned<i64> {
        let mut missing = BTreeSet::new();
        let (a, b, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let mut n = 0;
        let mut d = a;
        while d < b {
            d = d.checked_add(1.day()).expect("date in range");
            if self.working(d, &mut missing) {
                n += 1;
            }
        }
        Reckoned { value: n * sign, missing_years: missing }
    }

    /// The last day of a time limit counted from `from`: in working days, or in natural days
    /// where a last day that is not a working day moves to the next working day.
    pub fn deadline(&self, from: Date, limit: i64, unit: LimitUnit) -> Reckoned<Date> {
        match unit {
            LimitUnit::WorkingDays => self.add_working_days(from, limit),
            LimitUnit::NaturalDays => {
                let mut missing = BTreeSet::new();
                let mut d = from.checked_add(limit.days()).expect("date in range");
                while !self.working(d, &mut missing) {
                    d = d.checked_add(1.day()).expect("date in range");
                }
                Reckoned { value: d, missing_years: missing }
            }
        }
    }
}

/// Office hours as periods of a working day, e.g. 09:00–12:00 and 13:30–17:30.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    pub periods: Vec<(Time, Time)>,
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours {
            periods: vec![
                (Time::constant(9, 0, 0, 0), Time::constant(12, 0, 0, 0)),
                (Time::constant(13, 30, 0, 0), Time::constant(17, 30, 0, 0)),
            ],
        }
    }
}

impl OfficeHours {
    /// Parses "09:00-12:00,13:30-17:30": ordered, non-overlapping periods.
    pub fn parse(s: &str) -> Option<OfficeHours> {
        let mut periods = Vec::new();
        for part in s.split([',', '，', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once(['-', '–', '~'])?;
            let hm = |v: &str| -> Option<Time> {
                let (h, m) = v.trim().split_once([':', '：'])?;
                Time::new(h.trim().parse().ok()?, m.trim().parse().ok()?, 0, 0).ok()
            };
            let (a, b) = (hm(a)?, hm(b)?);
            if b <= a || periods.last().is_some_and(|(_, end): &(Time, Time)| *end > a) {
                return None;
            }
            periods.push((a, b));
        }
        (!periods.is_empty()).then_some(OfficeHours { periods })
    }

    pub fn minutes_per_day(&self) -> i64 {
        self.periods.iter().map(|(a, b)| b.duration_since(*a).as_secs() / 60).sum()
    }
}

fn minutes_of(t: Time) -> i64 {
    t.hour() as i64 * 60 + t.minute() as i64
}

impl Calendar {
    /// Working minutes between two instants within office hours on working days (negative
    /// when `to` is before `from`).
    pub fn working_minutes_between(&self, from: Timestamp, to: Timestamp, hours: &OfficeHours, tz: &TimeZone) -> Reckoned<i64> {
        let (a, b, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let (za, zb) = (a.to_zoned(tz.clone()), b.to_zoned(tz.clone()));
        let mut missing = BTreeSet::new();
        let mut total = 0;
        let mut d = za.date();
        while d <= zb.date() {
            if self.working(d, &mut missing) {
                let lo = if d == za.date() { minutes_of(za.time()) } else { 0 };
                let hi = if d == zb.date() { minutes_of(zb.time()) } else { 24 * 60 };
                for (s, e) in &hours.periods {
                    let (s, e) = (minutes_of(*s).max(lo), minutes_of(*e).min(hi));
                    if e > s {
                        total += e - s;
                    }
                }
            }
            d = d.checked_add(1.day()).expect("date in range");
        }
        Reckoned { value: total * sign, missing_years: missing }
    }

    /// The instant `minutes` working minutes after `from` (for clocks counted in hours).
    pub fn add_working_minutes(&self, from: Timestamp, minutes: i64, hours: &OfficeHours, tz: &TimeZone) -> Reckoned<Timestamp> {
        let z = from.to_zoned(tz.clone());
        let mut missing = BTreeSet::new();
        let mut left = minutes.max(0);
        let mut d = z.date();
        let mut lo = minutes_of(z.time());
        loop {
            if self.working(d, &mut missing) {
                for (s, e) in &hours.periods {
                    let (s, e) = (minutes_of(*s).max(lo), minutes_of(*e));
                    if e <= s {
                        continue;
                    }
                    if left <= e - s {
                        let m = s + left;
                        let at = d.to_datetime(Time::constant(0, 0, 0, 0)).checked_add(m.minutes()).expect("in range");
                        let ts = at.to_zoned(tz.clone()).expect("valid local time").timestamp();
                        return Reckoned { value: ts, missing_years: missing };
                    }
                    left -= e - s;
                }
            }
            d = d.checked_add(1.day()).expect("date in range");
            lo = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> Calendar {
        Calendar::from_builtin()
    }

    #[test]
    fn shipped_data_covers_2020_to_2026_with_notices() {
        let f = builtin();
        let years: Vec<i16> = f.years.iter().map(|y| y.year).collect();
        assert_eq!(years, (2020..=2026).collect::<Vec<_>>());
        for y in &f.years {
            assert!(y.notice.contains(&y.year.to_string()), "{}", y.notice);
            assert!(y.document_no.starts_with("国办发明电"), "{}", y.document_no);
            for w in &y.workdays {
                let d: Date = w.day.parse().unwrap();
                assert!(matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday), "{d} is a weekday");
            }
        }
    }

    #[test]
    fn make_up_saturday_is_working_and_golden_week_is_not() {
        let c = cal();
        // 2024-09-29 (Sunday) and 2024-10-12 (Saturday) were make-up days for National Day
        assert!(c.is_working_day(date(2024, 9, 29)).value);
        assert!(c.is_working_day(date(2024, 10, 12)).value);
        for d in 1..=7 {
            assert!(!c.is_working_day(date(2024, 10, d)).value, "2024-10-{d}");
        }
        // an ordinary weekend and weekday
        assert!(!c.is_working_day(date(2024, 10, 19)).value);
        assert!(c.is_working_day(date(2024, 10, 21)).value);
        // 2026 Spring Festival make-up Saturday 2026-02-14
        assert!(c.is_working_day(date(2026, 2, 14)).value);
    }

    #[test]
    fn adding_working_days_skips_golden_week() {
        let c = cal();
        // Monday 2024-09-30 + 1 working day: 10-01..07 are off, the next is Tuesday 10-08
        let r = c.add_working_days(date(2024, 9, 30), 1);
        assert_eq!(r.value, date(2024, 10, 8));
        assert!(r.missing_years.is_empty());
        // Friday 2024-10-11 + 1 → Saturday 10-12 (make-up working day)
        assert_eq!(c.add_working_days(date(2024, 10, 11), 1).value, date(2024, 10, 12));
        // natural days: 2024-09-28 + 5 = 10-03, a holiday → moves to 10-08
        assert_eq!(c.deadline(date(2024, 9, 28), 5, LimitUnit::NaturalDays).value, date(2024, 10, 8));
    }

    #[test]
    fn uncovered_years_are_reported() {
        let c = cal();
        let r = c.add_working_days(date(2026, 12, 28), 5);
        // 12-29, 30, 31 (Tue–Thu) then 2027-01-01 (Fri, no data: a weekday) and 01-04 (Mon)
        assert_eq!(r.value, date(2027, 1, 4));
        assert_eq!(r.missing_years.into_iter().collect::<Vec<_>>(), vec![2027]);
        assert!(c.is_working_day(date(2026, 12, 31)).missing_years.is_empty());
    }

    /// Adding then counting working days round-trips, over many starts and lengths
    /// (a deterministic sweep: every start day of 2023–2026 and n in 0..=40).
    #[test]
    fn add_then_count_round_trips() {
        let c = cal();
        let mut d = date(2023, 1, 1);
        while d < date(2026, 11, 1) {
            for n in [0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 40] {
                let end = c.add_working_days(d, n).value;
                assert_eq!(c.working_days_between(d, end).value, n, "{d} + {n} = {end}");
                assert!(n == 0 || c.is_working_day(end).value, "{end} is not a working day");
                let back = c.add_working_days(end, -n).value;
                assert!(back <= d, "{end} - {n} = {back} after {d}");
            }
            d = d.checked_add(1.day()).unwrap();
        }
    }

    #[test]
    fn closures_are_rest_days() {
        let mut c = cal();
        c.set(date(2025, 3, 12), DayKind::Closure);
        assert!(!c.is_working_day(date(2025, 3, 12)).value);
        assert_eq!(c.add_working_days(date(2025, 3, 11), 1).value, date(2025, 3, 13));
    }

    #[test]
    fn office_hours_clock() {
        let c = cal();
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let h = OfficeHours::parse("09:00-12:00, 13:30-17:30").unwrap();
        assert_eq!(h.minutes_per_day(), 420);
        let at = |y, m, d, hh, mm| date(y, m, d).at(hh, mm, 0, 0).to_zoned(tz.clone()).unwrap().timestamp();
        // Friday 2024-09-27 16:30 + 2h → 1h on Friday, the weekend is off except make-up Sunday 09-29 → 10:00 Sunday
        let r = c.add_working_minutes(at(2024, 9, 27, 16, 30), 120, &h, &tz);
        assert_eq!(r.value, at(2024, 9, 29, 10, 0));
        assert_eq!(c.working_minutes_between(at(2024, 9, 27, 16, 30), r.value, &h, &tz).value, 120);
        // lunch is not counted
        assert_eq!(c.working_minutes_between(at(2025, 3, 12, 11, 0), at(2025, 3, 12, 14, 0), &h, &tz).value, 90);
        assert!(OfficeHours::parse("12:00-09:00").is_none());
        assert!(OfficeHours::parse("09:00-12:00,11:00-13:00").is_none());
    }
}
