//! Alarm-clock reminders (闹钟式提醒): what a rule may watch, when each of its offsets fires,
//! who hears of it when nobody acts, and the wording of its message. No IO here.

use crate::calendar::{Calendar, OfficeHours};
use crate::check::Checks;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A kind of dated event a rule can watch.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Watch {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub default_offsets: &'static [i64],
    /// What `subject_filter` names for this watch: a certificate kind, a label code, or nothing.
    pub filter_kind: Option<&'static str>,
    /// Placeholders its templates may use.
    pub placeholders: &'static [&'static str],
}

pub const PLACEHOLDERS: &[&str] = &["enterprise", "subject", "due_date", "days_left", "station"];

pub const WATCHES: &[Watch] = &[
    Watch {
        code: "certificate_expiry",
        label_zh: "证照到期",
        label_en: "Certificate expiry",
        default_offsets: &[90, 30, 7],
        filter_kind: Some("certificate_kind"),
        placeholders: PLACEHOLDERS,
    },
    Watch {
        code: "label_recert",
        label_zh: "资质复审",
        label_en: "Label re-certification",
        default_offsets: &[90, 30],
        filter_kind: Some("label"),
        placeholders: PLACEHOLDERS,
    },
    Watch {
        code: "annual_report",
        label_zh: "企业年报（1月1日—6月30日）",
        label_en: "Annual report (1 January – 30 June)",
        default_offsets: &[60, 30, 7],
        filter_kind: None,
        placeholders: PLACEHOLDERS,
    },
    Watch {
        code: "request_deadline",
        label_zh: "办件办理时限",
        label_en: "Request deadline",
        default_offsets: &[3, 1],
        filter_kind: None,
        placeholders: PLACEHOLDERS,
    },
];

pub fn watch(code: &str) -> Option<&'static Watch> {
    WATCHES.iter().find(|w| w.code == code)
}

pub const RECIPIENTS: &[&str] = &["contacts", "specialist", "station_manager"];
pub const CHANNELS: &[&str] = &["inbox", "email", "webhook"];
pub const OFFSET_UNITS: &[&str] = &["days", "working_days"];
/// Who hears of a reminder nobody acknowledged, in order, after the rule's own recipients.
pub const ESCALATION: &[&str] = &["station_manager", "bureau_leader"];

/// A rule as its editor sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    pub watch: String,
    pub subject_filter: Option<String>,
    pub offsets: Vec<i64>,
    pub offset_unit: String,
    pub recipients: Vec<String>,
    pub channels: Vec<String>,
    pub escalate_after: Option<i64>,
    pub title_zh: String,
    pub body_zh: String,
    pub title_en: String,
    pub body_en: String,
}

impl RuleSpec {
    /// Every reason the rule cannot be saved, by field. Offsets come back sorted, largest first,
    /// without repeats.
    pub fn check(&mut self) -> Result<(), crate::Error> {
        let mut c = Checks::new();
        c.text("name", &self.name, 60);
        if watch(&self.watch).is_none() {
            c.add("watch", "reminder.watch_unknown");
        }
        if !OFFSET_UNITS.contains(&self.offset_unit.as_str()) {
            c.add("offset_unit", "reminder.offset_unit");
        }
        self.offsets.sort_unstable_by(|a, b| b.cmp(a));
        self.offsets.dedup();
        if self.offsets.is_empty() || self.offsets.len() > 6 {
            c.add("offsets", "reminder.offsets_count");
        } else if self.offsets.iter().any(|o| !(0..=366).contains(o)) {
            c.add("offsets", "reminder.offset_range");
        }
        let known = |list: &[&str], v: &[String]| !v.is_empty() && v.iter().all(|x| list.contains(&x.as_str()));
        if !known(RECIPIENTS, &self.recipients) {
            c.add("recipients", "reminder.recipients");
        }
        if !known(CHANNELS, &self.channels) {
            c.add("channels", "reminder.channels");
        }
        if let Some(n) = self.escalate_after {
            c.range("escalate_after", n, 1, 30);
        }
        if let Some(f) = &self.subject_filter {
            c.text("subject_filter", f, 40);
        }
        for (field, text, max) in [
            ("title_zh", &self.title_zh, 100),
            ("body_zh", &self.body_zh, 1000),
            ("title_en", &self.title_en, 200),
            ("body_en", &self.body_en, 2000),
        ] {
            c.text(field, text, max);
            if !c.has(field)
                && let Some(bad) = unknown_placeholder(text)
            {
                c.push(crate::FieldError::new(field, "reminder.placeholder").with("name", bad));
            }
        }
        c.finish()
    }
}

/// The first `{name}` in a template that is not a placeholder.
pub fn unknown_placeholder(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else { return None };
        let name = &after[..j];
        if !PLACEHOLDERS.contains(&name) {
            return Some(name.to_string());
        }
        rest = &after[j + 1..];
    }
    None
}

/// The values a message is written with.
#[derive(Debug, Clone)]
pub struct Vars<'a> {
    pub enterprise: &'a str,
    pub subject: &'a str,
    pub due: Date,
    pub days_left: i64,
    pub station: &'a str,
}

/// A template with its placeholders filled: dates the Chinese way in Chinese.
pub fn render(template: &str, v: &Vars, zh: bool) -> String {
    let due = if zh { format!("{}年{}月{}日", v.due.year(), v.due.month(), v.due.day()) } else { v.due.to_string() };
    template
        .replace("{enterprise}", v.enterprise)
        .replace("{subject}", v.subject)
        .replace("{due_date}", &due)
        .replace("{days_left}", &v.days_left.to_string())
        .replace("{station}", v.station)
}

/// The due dates an offset catches today: `(after, upto]`. Offsets fire largest first; once a
/// smaller offset's window is reached the larger one is past, so a subject found late gets the
/// reminder that fits its time left, not every one it missed. The smallest offset's window
/// reaches down to today (a reminder on the day itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub offset: i64,
    pub after: Date,
    pub upto: Date,
}

pub fn windows(offsets_desc: &[i64], working_days: bool, today: Date, cal: &Calendar) -> Vec<Window> {
    let ahead = |n: i64| if working_days { cal.add_working_days(today, n).value } else { today.checked_add(n.days()).expect("date") };
    let yesterday = today.yesterday().expect("date");
    offsets_desc
        .iter()
        .enumerate()
        .map(|(i, &k)| Window { offset: k, after: offsets_desc.get(i + 1).map(|&next| ahead(next)).unwrap_or(yesterday), upto: ahead(k) })
        .filter(|w| w.upto > w.after)
        .collect()
}

/// The working day an offset of a due date fires on: `k` working days before it, or `k` days
/// before it moved to the next working day.
pub fn fire_on(due: Date, offset: i64, working_days: bool, cal: &Calendar) -> Date {
    if working_days {
        return cal.add_working_days(due, -offset).value;
    }
    let mut d = due.checked_sub(offset.days()).expect("date");
    while !cal.is_working_day(d).value {
        d = d.tomorrow().expect("date");
    }
    d
}

/// Who hears of a reminder at escalation level `level` (1, 2, …) given the rule's own
/// recipients: the next role up that was not told already; `None` past the top.
pub fn escalation_target(level: i64, recipients: &[String]) -> Option<&'static str> {
    let chain: Vec<&'static str> = ESCALATION.iter().copied().filter(|r| !recipients.iter().any(|x| x == r)).collect();
    usize::try_from(level - 1).ok().and_then(|i| chain.get(i).copied())
}

/// Whether `now` is inside office hours on a working day.
pub fn in_working_hours(now: Timestamp, cal: &Calendar, hours: &OfficeHours, tz: &TimeZone) -> bool {
    let z = now.to_zoned(tz.clone());
    let t = z.time();
    cal.is_working_day(z.date()).value && hours.periods.iter().any(|(a, b)| *a <= t && t < *b)
}

/// The next moment office hours begin (or `now` when inside them).
pub fn next_working_moment(now: Timestamp, cal: &Calendar, hours: &OfficeHours, tz: &TimeZone) -> Timestamp {
    if in_working_hours(now, cal, hours, tz) {
        return now;
    }
    let z = now.to_zoned(tz.clone());
    let mut day = z.date();
    for _ in 0..400 {
        if cal.is_working_day(day).value {
            for (start, _) in &hours.periods {
                if let Ok(at) = day.to_datetime(*start).to_zoned(tz.clone())
                    && at.timestamp() > now
                {
                    return at.timestamp();
                }
            }
        }
        day = day.tomorrow().expect("date");
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayKind;
    use jiff::civil::date;

    fn cal() -> Calendar {
        let mut c = Calendar::new();
        c.cover(2026);
        // 2026-10-01..07 National Day; Sunday 2026-09-27 and Saturday 10-10 are working days (调休)
        for d in 1..=7 {
            c.set(date(2026, 10, d), DayKind::Holiday);
        }
        c.set(date(2026, 9, 27), DayKind::Workday);
        c.set(date(2026, 10, 10), DayKind::Workday);
        c
    }

    fn spec() -> RuleSpec {
        RuleSpec {
            name: "证照到期".into(),
            watch: "certificate_expiry".into(),
            subject_filter: None,
            offsets: vec![7, 90, 30, 30],
            offset_unit: "days".into(),
            recipients: vec!["contacts".into()],
            channels: vec!["inbox".into()],
            escalate_after: Some(3),
            title_zh: "{subject}将于{due_date}到期".into(),
            body_zh: "{enterprise}：还有 {days_left} 天".into(),
            title_en: "{subject} expires on {due_date}".into(),
            body_en: "{enterprise}: {days_left} days left".into(),
        }
    }

    #[test]
    fn a_rule_is_checked_field_by_field_and_its_offsets_ordered() {
        let mut s = spec();
        s.check().unwrap();
        assert_eq!(s.offsets, vec![90, 30, 7]);
        let mut bad = spec();
        bad.watch = "moon".into();
        bad.offsets = vec![400];
        bad.channels = vec!["fax".into()];
        bad.title_zh = "{nope}".into();
        let e = bad.check().unwrap_err();
        let fields: Vec<(&str, &str)> = e.fields.iter().map(|f| (f.field.as_str(), f.code.as_str())).collect();
        assert!(fields.contains(&("watch", "reminder.watch_unknown")));
        assert!(fields.contains(&("offsets", "reminder.offset_range")));
        assert!(fields.contains(&("channels", "reminder.channels")));
        assert!(fields.contains(&("title_zh", "reminder.placeholder")));
    }

    #[test]
    fn windows_hand_each_due_date_to_exactly_one_offset() {
        let c = cal();
        let today = date(2026, 9, 1);
        let w = windows(&[90, 30, 7], false, today, &c);
        assert_eq!(w.len(), 3);
        for d in 0..=120 {
            let due = today.checked_add(d.days()).unwrap();
            let hits: Vec<i64> = w.iter().filter(|w| w.after < due && due <= w.upto).map(|w| w.offset).collect();
            let want: Vec<i64> = match d {
                0..=7 => vec![7],
                8..=30 => vec![30],
                31..=90 => vec![90],
                _ => vec![],
            };
            assert_eq!(hits, want, "due in {d} days");
        }
    }

    #[test]
    fn working_day_offsets_skip_the_holiday_week() {
        let c = cal();
        // 5 working days before 2026-10-09 (Fri): 10-08, 09-30, 09-29, 09-28 and the adjusted
        // working Sunday 09-27; the holiday week does not count
        assert_eq!(fire_on(date(2026, 10, 9), 5, true, &c), date(2026, 9, 27));
        // 7 days before 10-08 is 10-01, a holiday: it fires on the next working day, 10-08
        assert_eq!(fire_on(date(2026, 10, 8), 7, false, &c), date(2026, 10, 8));
        // and 5 working days after 09-28 reach the adjusted working Saturday 10-10
        let w = windows(&[5], true, date(2026, 9, 28), &c);
        assert_eq!(w[0].upto, date(2026, 10, 10));
    }

    #[test]
    fn escalation_skips_roles_already_told() {
        let contacts = vec!["contacts".to_string()];
        assert_eq!(escalation_target(1, &contacts), Some("station_manager"));
        assert_eq!(escalation_target(2, &contacts), Some("bureau_leader"));
        assert_eq!(escalation_target(3, &contacts), None);
        let manager = vec!["station_manager".to_string()];
        assert_eq!(escalation_target(1, &manager), Some("bureau_leader"));
        assert_eq!(escalation_target(2, &manager), None);
    }

    #[test]
    fn messages_are_sent_only_in_office_hours_on_working_days() {
        let c = cal();
        let h = OfficeHours::default();
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let at = |s: &str| s.parse::<jiff::civil::DateTime>().unwrap().to_zoned(tz.clone()).unwrap().timestamp();
        assert!(in_working_hours(at("2026-09-30T10:00"), &c, &h, &tz));
        assert!(!in_working_hours(at("2026-09-30T12:30"), &c, &h, &tz), "lunch break");
        assert!(!in_working_hours(at("2026-09-30T20:00"), &c, &h, &tz), "night");
        assert!(!in_working_hours(at("2026-10-02T10:00"), &c, &h, &tz), "holiday");
        assert!(in_working_hours(at("2026-09-27T10:00"), &c, &h, &tz), "adjusted working Sunday");
        assert_eq!(next_working_moment(at("2026-09-30T20:00"), &c, &h, &tz), at("2026-10-08T09:00"));
        assert_eq!(next_working_moment(at("2026-09-30T12:10"), &c, &h, &tz), at("2026-09-30T13:30"));
    }

    #[test]
    fn templates_fill_placeholders_with_chinese_dates() {
        let v =
            Vars { enterprise: "华为", subject: "食品经营许可证", due: date(2026, 12, 31), days_left: 30, station: "张江站" };
        assert_eq!(render("{subject}将于{due_date}到期（{station}）", &v, true), "食品经营许可证将于2026年12月31日到期（张江站）");
        assert_eq!(render("due {due_date}, {days_left} days", &v, false), "due 2026-12-31, 30 days");
        assert_eq!(unknown_placeholder("a {subject} b {x}"), Some("x".into()));
    }
}
