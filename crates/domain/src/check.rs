//! Collects every bad field of an input, so that a form shows all its errors at once.

use crate::error::{Error, FieldError};

#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    pub fn add(&mut self, field: &str, code: &str) {
        self.errors.push(FieldError::new(field, code));
    }

    /// A required text: present and not blank after trimming, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        let n = value.trim().chars().count();
        if n == 0 {
            self.add(field, "required");
        } else if n > max {
            self.push(FieldError::new(field, "too_long").with("max", max));
        }
    }

    /// An optional text: at most `max` characters when present.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            if v.chars().count() > max {
                self.push(FieldError::new(field, "too_long").with("max", max));
            }
        }
    }

    /// A mainland phone: 11-digit mobile (1[3-9]…) or a landline with area code (021-12345678).
    pub fn opt_phone(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            if !is_phone(v) {
                self.add(field, "phone.invalid");
            }
        }
    }

    pub fn opt_email(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            if !is_email(v) {
                self.add(field, "email.invalid");
            }
        }
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            self.push(FieldError::new(field, "out_of_range").with("min", min).with("max", max));
        }
    }

    /// Whether a field already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() { Ok(()) } else { Err(Error::validation(self.errors)) }
    }
}

pub fn is_email(v: &str) -> bool {
    v.len() <= 254
        && v.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
        && !v.chars().any(char::is_whitespace)
}

pub fn is_phone(v: &str) -> bool {
    let b = v.as_bytes();
    let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    let landline = match v.split_once('-') {
        Some((area, num)) => {
            area.len() >= 3
                && area.len() <= 4
                && area.starts_with('0')
                && area.bytes().all(|c| c.is_ascii_digit())
                && (7..=8).contains(&num.split('-').next().unwrap_or("").len())
                && num.bytes().all(|c| c.is_ascii_digit() || c == b'-')
        }
        None => false,
    };
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_bad_field() {
        let mut c = Checks::new();
        c.text("name", "  ", 10);
        c.text("address", "很长很长很长很长很长很长", 5);
        c.opt_phone("contact_phone", Some("12345"));
        c.opt_email("email", Some("a@b"));
        c.range("window_count", 0, 1, 20);
        let e = c.finish().unwrap_err();
        let got: Vec<_> = e.fields.iter().map(|f| (f.field.as_str(), f.code.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("name", "required"),
                ("address", "too_long"),
                ("contact_phone", "phone.invalid"),
                ("email", "email.invalid"),
                ("window_count", "out_of_range")
            ]
        );
    }

    #[test]
    fn phones() {
        assert!(is_phone("13812345678"));
        assert!(is_phone("021-58881234"));
        assert!(is_phone("0571-8888123"));
        assert!(!is_phone("12812345678"));
        assert!(!is_phone("1381234567"));
        assert!(!is_phone("21-58881234"));
    }
}
