//! System parameters (参数设置): typed settings with defaults in code, validated when changed,
//! some bounded by the security baseline (等保 2.0), secrets stored encrypted and never shown.

use crate::calendar::OfficeHours;
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// An integer in `min..=max`; `floor` explains a bound the security baseline sets.
    Int {
        min: i64,
        max: i64,
        floor: Option<&'static str>,
    },
    Text {
        max: usize,
    },
    /// Stored encrypted; answers say only whether it is set.
    Secret,
    /// `09:00-12:00,13:30-17:30`
    Hours,
    Url,
    Email,
}

#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    pub key: &'static str,
    /// request · data · security · notify
    pub group: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: Kind,
    pub default: &'static str,
}

const DJ_SESSION: &str = "等保 2.0 三级：会话空闲超过 30 分钟必须重新登录";
const DJ_LOGIN: &str = "等保 2.0 三级：连续登录失败不超过 5 次即锁定";
const DJ_LOCK: &str = "等保 2.0 三级：锁定时间不少于 10 分钟";

pub const PARAMS: &[ParamDef] = &[
    ParamDef {
        key: "request.near_due_days",
        group: "request",
        label_zh: "办件临期提醒（截止前工作日数）",
        label_en: "Near-due warning (working days before the deadline)",
        kind: Kind::Int { min: 0, max: 20, floor: None },
        default: "2",
    },
    ParamDef {
        key: "calendar.office_hours",
        group: "request",
        label_zh: "办公时间",
        label_en: "Office hours",
        kind: Kind::Hours,
        default: "09:00-12:00,13:30-17:30",
    },
    ParamDef {
        key: "export.max_rows",
        group: "data",
        label_zh: "单次导出上限（行）",
        label_en: "Rows per export at most",
        kind: Kind::Int { min: 100, max: 50_000, floor: None },
        default: "5000",
    },
    ParamDef {
        key: "session.idle_minutes",
        group: "security",
        label_zh: "会话空闲超时（分钟）",
        label_en: "Session idle timeout (minutes)",
        kind: Kind::Int { min: 5, max: 30, floor: Some(DJ_SESSION) },
        default: "30",
    },
    ParamDef {
        key: "session.absolute_hours",
        group: "security",
        label_zh: "会话最长有效期（小时）",
        label_en: "Session lifetime (hours)",
        kind: Kind::Int { min: 1, max: 12, floor: None },
        default: "12",
    },
    ParamDef {
        key: "login.max_failures",
        group: "security",
        label_zh: "连续登录失败锁定次数",
        label_en: "Failed sign-ins before lockout",
        kind: Kind::Int { min: 3, max: 5, floor: Some(DJ_LOGIN) },
        default: "5",
    },
    ParamDef {
        key: "login.lock_minutes",
        group: "security",
        label_zh: "账号锁定时长（分钟）",
        label_en: "Lockout (minutes)",
        kind: Kind::Int { min: 10, max: 1440, floor: Some(DJ_LOCK) },
        default: "30",
    },
    ParamDef {
        key: "smtp.host",
        group: "notify",
        label_zh: "SMTP 服务器",
        label_en: "SMTP server",
        kind: Kind::Text { max: 200 },
        default: "",
    },
    ParamDef {
        key: "smtp.port",
        group: "notify",
        label_zh: "SMTP 端口",
        label_en: "SMTP port",
        kind: Kind::Int { min: 1, max: 65_535, floor: None },
        default: "465",
    },
    ParamDef {
        key: "smtp.username",
        group: "notify",
        label_zh: "SMTP 用户名",
        label_en: "SMTP user",
        kind: Kind::Text { max: 200 },
        default: "",
    },
    ParamDef { key: "smtp.password", group: "notify", label_zh: "SMTP 密码", label_en: "SMTP password", kind: Kind::Secret, default: "" },
    ParamDef { key: "smtp.from", group: "notify", label_zh: "发件人地址", label_en: "Sender address", kind: Kind::Email, default: "" },
    ParamDef {
        key: "server.public_url",
        group: "notify",
        label_zh: "系统访问地址（邮件中“已处理”确认链接的前缀）",
        label_en: "Public address (prefix of the acknowledgement link in e-mails)",
        kind: Kind::Url,
        default: "",
    },
    ParamDef {
        key: "webhook.url",
        group: "notify",
        label_zh: "Webhook 地址（短信/企业微信/钉钉网关）",
        label_en: "Webhook URL (SMS / IM gateway)",
        kind: Kind::Url,
        default: "",
    },
    ParamDef {
        key: "webhook.secret",
        group: "notify",
        label_zh: "Webhook 签名密钥",
        label_en: "Webhook signing secret",
        kind: Kind::Secret,
        default: "",
    },
];

pub fn def(key: &str) -> Option<&'static ParamDef> {
    PARAMS.iter().find(|p| p.key == key)
}

/// Checks a new value; returns it normalised. Errors name the field `value`.
pub fn check(d: &ParamDef, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    match d.kind {
        Kind::Int { min, max, floor } => {
            let n: i64 = v.parse().map_err(|_| FieldError::new("value", "param.not_integer"))?;
            if n < min || n > max {
                let e = match floor {
                    Some(reason) => FieldError::new("value", "param.security_floor").with("reason", reason),
                    None => FieldError::new("value", "param.out_of_range"),
                };
                return Err(e.with("min", min).with("max", max));
            }
            Ok(n.to_string())
        }
        Kind::Text { max } => {
            if v.chars().count() > max {
                return Err(FieldError::new("value", "too_long").with("max", max as i64));
            }
            Ok(v.to_string())
        }
        Kind::Secret => {
            if v.chars().count() > 500 {
                return Err(FieldError::new("value", "too_long").with("max", 500));
            }
            Ok(v.to_string())
        }
        Kind::Hours => match OfficeHours::parse(v) {
            Some(_) => Ok(v.to_string()),
            None => Err(FieldError::new("value", "calendar.office_hours_invalid")),
        },
        Kind::Url => {
            if !v.is_empty() && !(v.starts_with("https://") || v.starts_with("http://")) {
                return Err(FieldError::new("value", "param.url"));
            }
            Ok(v.to_string())
        }
        Kind::Email => {
            if !v.is_empty() && !crate::check::is_email(v) {
                return Err(FieldError::new("value", "email.invalid"));
            }
            Ok(v.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_security_floors_hold() {
        let idle = def("session.idle_minutes").unwrap();
        assert_eq!(check(idle, " 15 ").unwrap(), "15");
        let e = check(idle, "60").unwrap_err();
        assert_eq!(e.code, "param.security_floor");
        assert!(e.params["reason"].as_str().unwrap().contains("30 分钟"));
        assert_eq!(check(def("login.max_failures").unwrap(), "10").unwrap_err().code, "param.security_floor");
        assert_eq!(check(def("export.max_rows").unwrap(), "abc").unwrap_err().code, "param.not_integer");
        assert_eq!(check(def("webhook.url").unwrap(), "ftp://x").unwrap_err().code, "param.url");
        assert!(check(def("calendar.office_hours").unwrap(), "09:00-12:00").is_ok());
        // every default passes its own check
        for d in PARAMS {
            assert!(check(d, d.default).is_ok(), "{}", d.key);
        }
    }
}
