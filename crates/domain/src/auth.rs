//! Roles, permissions, the password policy and the login-failure rule (等保 2.0 level 3 figures
//! from `shared/design/security-baseline.md`: DJ-02, DJ-04, DJ-06, DJ-12).

use crate::error::FieldError;
use jiff::{SignedDuration, Timestamp};

/// A named permission with its Chinese and English labels.
pub struct Permission {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

pub const PERMISSIONS: &[Permission] = &[
    Permission { code: "org.read", name_zh: "查看组织机构", name_en: "View organisation" },
    Permission { code: "org.manage", name_zh: "维护组织机构", name_en: "Manage organisation" },
    Permission { code: "account.read", name_zh: "查看账号", name_en: "View accounts" },
    Permission { code: "account.manage", name_zh: "创建和停用账号", name_en: "Create and disable accounts" },
    Permission { code: "account.grant", name_zh: "分配角色", name_en: "Assign roles" },
    Permission { code: "account.unlock", name_zh: "解锁账号", name_en: "Unlock accounts" },
    Permission { code: "role.manage", name_zh: "配置角色权限", name_en: "Configure role permissions" },
    Permission { code: "roster.read", name_zh: "查看窗口值班", name_en: "View window duty roster" },
    Permission { code: "roster.manage", name_zh: "排定窗口值班", name_en: "Plan window duty roster" },
    Permission { code: "audit.read", name_zh: "查阅审计日志", name_en: "Read the audit trail" },
    Permission { code: "enterprise.read", name_zh: "查看企业档案", name_en: "View enterprise archives" },
    Permission { code: "enterprise.write", name_zh: "维护企业档案", name_en: "Edit enterprise archives" },
    Permission { code: "enterprise.export", name_zh: "导出企业数据", name_en: "Export enterprise data" },
    Permission { code: "pi.unmask", name_zh: "查看未脱敏个人信息", name_en: "View unmasked personal data" },
    Permission { code: "pi.export.bulk", name_zh: "大批量导出个人信息", name_en: "Bulk export of personal data" },
    Permission { code: "calendar.manage", name_zh: "维护工作日历", name_en: "Maintain the working-day calendar" },
    Permission { code: "catalog.read", name_zh: "查看服务清单", name_en: "View the service catalog" },
    Permission { code: "catalog.manage", name_zh: "维护服务清单和受理单", name_en: "Maintain the service catalog and slips" },
    Permission { code: "request.read", name_zh: "查看办件", name_en: "View requests" },
    Permission { code: "request.intake", name_zh: "窗口受理", name_en: "Take requests at the window" },
    Permission { code: "request.handle", name_zh: "办理办件", name_en: "Handle requests" },
    Permission { code: "request.approve", name_zh: "审批延期", name_en: "Approve extensions" },
    Permission {
        code: "portal.use", name_zh: "使用企业门户（本企业办事）", name_en: "Use the enterprise portal (own enterprise)"
    },
    Permission { code: "portal.manage", name_zh: "为企业开通门户账号", name_en: "Open portal accounts for enterprises" },
    Permission { code: "session.manage", name_zh: "查看和结束在线会话", name_en: "View and end online sessions" },
    Permission { code: "system.monitor", name_zh: "查看服务监控", name_en: "View the server monitor" },
    Permission { code: "job.manage", name_zh: "重试和暂停后台任务", name_en: "Retry and pause background jobs" },
    Permission { code: "param.manage", name_zh: "修改系统参数", name_en: "Change system parameters" },
    Permission { code: "notice.manage", name_zh: "发布通知公告", name_en: "Publish notices" },
    Permission { code: "policy.read", name_zh: "查看政策库和政策匹配", name_en: "View policies and matches" },
    Permission { code: "policy.manage", name_zh: "维护政策和申报条件", name_en: "Maintain policies and their criteria" },
    Permission {
        code: "reminder.read", name_zh: "查看提醒、提醒日历和发送记录", name_en: "View reminders, their calendar and deliveries"
    },
    Permission { code: "reminder.manage", name_zh: "维护提醒规则和模板", name_en: "Maintain reminder rules and templates" },
    Permission { code: "dict.manage", name_zh: "维护数据字典", name_en: "Maintain dictionaries" },
];

/// The permissions of the first release, before the service catalog: an installation without a
/// record of offered permissions has seen exactly these (see `ensure_role_permissions`).
pub const FIRST_RELEASE_PERMISSIONS: &[&str] = &[
    "org.read",
    "org.manage",
    "account.read",
    "account.manage",
    "account.grant",
    "account.unlock",
    "role.manage",
    "roster.read",
    "roster.manage",
    "audit.read",
    "enterprise.read",
    "enterprise.write",
    "enterprise.export",
    "pi.unmask",
    "pi.export.bulk",
];

pub fn is_permission(code: &str) -> bool {
    PERMISSIONS.iter().any(|p| p.code == code)
}

pub const SYSTEM_ADMIN: &str = "system_admin";
pub const SECURITY_ADMIN: &str = "security_admin";
pub const AUDITOR: &str = "auditor";
pub const BUREAU_LEADER: &str = "bureau_leader";
pub const STATION_MANAGER: &str = "station_manager";
pub const SPECIALIST: &str = "specialist";
pub const DEPARTMENT_HANDLER: &str = "department_handler";
pub const MEMBER_USER: &str = "member_user";
pub const ENTERPRISE_USER: &str = "enterprise_user";

/// The three separated management roles (三员). One account holds at most one of them.
pub const ADMIN_ROLES: [&str; 3] = [SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR];

pub struct RoleDef {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// The permissions a fresh installation grants; the security admin may change them for
    /// business roles, never for the three admin roles.
    pub default_permissions: &'static [&'static str],
}

pub const ROLES: &[RoleDef] = &[
    RoleDef {
        code: SYSTEM_ADMIN,
        name_zh: "系统管理员",
        name_en: "System administrator",
        default_permissions: &[
            "org.read",
            "org.manage",
            "account.read",
            "account.manage",
            "calendar.manage",
            "system.monitor",
            "job.manage",
            "param.manage",
            "notice.manage",
            "dict.manage",
        ],
    },
    RoleDef {
        code: SECURITY_ADMIN,
        name_zh: "安全管理员",
        name_en: "Security administrator",
        default_permissions: &["org.read", "account.read", "account.grant", "account.unlock", "role.manage", "session.manage"],
    },
    RoleDef { code: AUDITOR, name_zh: "审计管理员", name_en: "Auditor", default_permissions: &["audit.read"] },
    RoleDef {
        code: BUREAU_LEADER,
        name_zh: "局领导",
        name_en: "Bureau leader",
        default_permissions: &[
            "org.read",
            "org.manage",
            "account.read",
            "roster.read",
            "roster.manage",
            "enterprise.read",
            "enterprise.export",
            "catalog.read",
            "catalog.manage",
            "request.read",
            "request.approve",
            "policy.read",
            "policy.manage",
            "notice.manage",
            "reminder.read",
            "reminder.manage",
        ],
    },
    RoleDef {
        code: STATION_MANAGER,
        name_zh: "站长",
        name_en: "Station manager",
        default_permissions: &[
            "org.read",
            "org.manage",
            "account.read",
            "roster.read",
            "roster.manage",
            "enterprise.read",
            "enterprise.write",
            "enterprise.export",
            "pi.unmask",
            "catalog.read",
            "catalog.manage",
            "request.read",
            "request.intake",
            "request.handle",
            "request.approve",
            "portal.manage",
            "policy.read",
            "policy.manage",
            "reminder.read",
            "reminder.manage",
        ],
    },
    RoleDef {
        code: SPECIALIST,
        name_zh: "服务专员",
        name_en: "Service specialist",
        default_permissions: &[
            "org.read",
            "roster.read",
            "enterprise.read",
            "enterprise.write",
            "catalog.read",
            "request.read",
            "request.intake",
            "request.handle",
            "portal.manage",
            "policy.read",
            "reminder.read",
        ],
    },
    RoleDef {
        code: DEPARTMENT_HANDLER,
        name_zh: "科室经办人",
        name_en: "Department handler",
        default_permissions: &["org.read", "enterprise.read", "catalog.read", "request.read", "request.handle", "policy.read"],
    },
    RoleDef { code: MEMBER_USER, name_zh: "成员单位用户", name_en: "Member-unit user", default_permissions: &[] },
    RoleDef { code: ENTERPRISE_USER, name_zh: "企业用户", name_en: "Enterprise user", default_permissions: &["portal.use"] },
];

pub fn role(code: &str) -> Option<&'static RoleDef> {
    ROLES.iter().find(|r| r.code == code)
}

pub fn is_admin_role(code: &str) -> bool {
    ADMIN_ROLES.contains(&code)
}

/// Permissions that belong to one admin role only and must never be granted to business roles
/// (separation of duties: the auditor alone reads the audit trail, and so on).
pub const ADMIN_ONLY_PERMISSIONS: &[&str] = &[
    "account.manage",
    "account.grant",
    "account.unlock",
    "role.manage",
    "audit.read",
    "session.manage",
    "system.monitor",
    "job.manage",
    "param.manage",
];

/// Permissions that read enterprise data, which none of the three admin roles may hold.
pub const BUSINESS_DATA_PERMISSIONS: &[&str] = &[
    "enterprise.read",
    "enterprise.write",
    "enterprise.export",
    "pi.unmask",
    "pi.export.bulk",
    "request.read",
    "request.intake",
    "request.handle",
    "request.approve",
    "portal.use",
    "portal.manage",
    "policy.read",
    "policy.manage",
];

/// Checks a role assignment: every code known, at most one admin role, an admin role alone.
pub fn check_role_set(roles: &[String]) -> Result<(), FieldError> {
    if let Some(bad) = roles.iter().find(|r| role(r).is_none()) {
        return Err(FieldError::new("roles", "role.unknown").with("role", bad.as_str()));
    }
    let admin = roles.iter().filter(|r| is_admin_role(r)).count();
    if admin > 1 {
        return Err(FieldError::new("roles", "role.admin_separation"));
    }
    if admin == 1 && roles.len() > 1 {
        return Err(FieldError::new("roles", "role.admin_exclusive"));
    }
    Ok(())
}

/// Checks a permission set for a business role.
pub fn check_permission_set(perms: &[String]) -> Result<(), FieldError> {
    if let Some(bad) = perms.iter().find(|p| !is_permission(p)) {
        return Err(FieldError::new("permissions", "permission.unknown").with("permission", bad.as_str()));
    }
    if let Some(bad) = perms.iter().find(|p| ADMIN_ONLY_PERMISSIONS.contains(&p.as_str())) {
        return Err(FieldError::new("permissions", "permission.admin_only").with("permission", bad.as_str()));
    }
    Ok(())
}

/// Password policy (DJ-02): at least 8 characters (12 for the admin roles), three of the four
/// classes, not containing the login name, not a well-known password, at most 128 characters.
pub fn check_password(password: &str, username: &str, admin: bool) -> Result<(), FieldError> {
    let min = if admin { 12 } else { 8 };
    let len = password.chars().count();
    if len < min {
        return Err(FieldError::new("password", "password.too_short").with("min", min));
    }
    if len > 128 {
        return Err(FieldError::new("password", "too_long").with("max", 128));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|b| **b).count() < 3 {
        return Err(FieldError::new("password", "password.classes"));
    }
    let lower = password.to_lowercase();
    let name = username.trim().to_lowercase();
    if name.chars().count() >= 3 && lower.contains(&name) {
        return Err(FieldError::new("password", "password.contains_username"));
    }
    const COMMON: &[&str] = &[
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty", "admin", "abc123", "123456", "12345678", "iloveyou", "welcome",
        "letmein", "zhitong",
    ];
    let stripped: String = lower.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '@').collect();
    if COMMON.iter().any(|c| stripped == *c || stripped.trim_end_matches(|c: char| c.is_ascii_digit()) == *c) {
        return Err(FieldError::new("password", "password.common"));
    }
    Ok(())
}

/// Login names: 3–32 characters of lower-case letters, digits, `.`, `_`, `-`; stored lower-case.
pub fn normalise_username(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_lowercase();
    let n = name.chars().count();
    if n == 0 {
        return Err(FieldError::new("username", "required"));
    }
    if !(3..=32).contains(&n)
        || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(FieldError::new("username", "username.invalid"));
    }
    Ok(name)
}

/// Lockout policy (DJ-04) and session lifetimes (DJ-06). Configurable; these are the defaults.
#[derive(Debug, Clone)]
pub struct SecurityPolicy {
    pub max_failures: i64,
    pub failure_window: SignedDuration,
    pub lock_duration: SignedDuration,
    pub session_idle: SignedDuration,
    pub session_absolute: SignedDuration,
    pub login_attempts_per_minute_per_ip: u32,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            failure_window: SignedDuration::from_mins(15),
            lock_duration: SignedDuration::from_mins(30),
            session_idle: SignedDuration::from_mins(30),
            session_absolute: SignedDuration::from_hours(12),
            login_attempts_per_minute_per_ip: 10,
        }
    }
}

/// The failure counter of an account, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureState {
    pub count: i64,
    pub first_at: Option<Timestamp>,
    pub locked_until: Option<Timestamp>,
}

impl FailureState {
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|u| u > now)
    }

    /// The state after one more failed attempt at `now`. A failure outside the window starts a
    /// new count; reaching the limit locks the account.
    pub fn after_failure(self, now: Timestamp, p: &SecurityPolicy) -> FailureState {
        let fresh = match self.first_at {
            Some(first) => now.duration_since(first) > p.failure_window,
            None => true,
        };
        let (count, first_at) = if fresh { (1, now) } else { (self.count + 1, self.first_at.unwrap()) };
        let locked_until = if count >= p.max_failures { Some(now.checked_add(p.lock_duration).expect("time overflow")) } else { None };
        FailureState {
            count: if locked_until.is_some() { 0 } else { count },
            first_at: if locked_until.is_some() { None } else { Some(first_at) },
            locked_until,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_default_permission_is_a_known_one() {
        for r in ROLES {
            for p in r.default_permissions {
                assert!(is_permission(p), "{} grants unknown {p}", r.code);
            }
            let mut seen = std::collections::BTreeSet::new();
            assert!(r.default_permissions.iter().all(|p| seen.insert(*p)), "{} repeats a permission", r.code);
        }
    }

    use super::*;

    #[test]
    fn password_policy() {
        assert!(check_password("Zhitong@Demo2026", "leader", true).is_ok());
        assert_eq!(check_password("Ab1!", "x", false).unwrap_err().code, "password.too_short");
        assert_eq!(check_password("Abcdef1!x", "x", true).unwrap_err().code, "password.too_short");
        assert_eq!(check_password("abcdefgh1", "x", false).unwrap_err().code, "password.classes");
        assert!(check_password("abcdefg1!", "x", false).is_ok());
        assert_eq!(check_password("Zhangwei#2026", "zhangwei", false).unwrap_err().code, "password.contains_username");
        assert_eq!(check_password("P@ssw0rd", "x", false).unwrap_err().code, "password.common");
    }

    #[test]
    fn role_sets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(check_role_set(&s(&["specialist", "station_manager"])).is_ok());
        assert_eq!(check_role_set(&s(&["auditor", "system_admin"])).unwrap_err().code, "role.admin_separation");
        assert_eq!(check_role_set(&s(&["auditor", "specialist"])).unwrap_err().code, "role.admin_exclusive");
        assert_eq!(check_role_set(&s(&["root"])).unwrap_err().code, "role.unknown");
        assert_eq!(check_permission_set(&s(&["audit.read"])).unwrap_err().code, "permission.admin_only");
    }

    #[test]
    fn admin_roles_hold_no_business_data_permission() {
        for r in ROLES.iter().filter(|r| is_admin_role(r.code)) {
            for p in r.default_permissions {
                assert!(!BUSINESS_DATA_PERMISSIONS.contains(p), "{} holds {}", r.code, p);
            }
        }
        // and only the auditor reads the audit trail
        for r in ROLES {
            assert_eq!(r.default_permissions.contains(&"audit.read"), r.code == AUDITOR);
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(normalise_username(" ZhangWei ").unwrap(), "zhangwei");
        assert_eq!(normalise_username("ab").unwrap_err().code, "username.invalid");
        assert_eq!(normalise_username("张伟").unwrap_err().code, "username.invalid");
    }

    #[test]
    fn five_failures_in_window_lock() {
        let p = SecurityPolicy::default();
        let t0: Timestamp = "2026-11-25T01:00:00Z".parse().unwrap();
        let mut s = FailureState::default();
        for i in 0..4 {
            s = s.after_failure(t0 + SignedDuration::from_mins(i), &p);
            assert!(!s.is_locked(t0 + SignedDuration::from_mins(i)));
        }
        let t5 = t0 + SignedDuration::from_mins(4);
        s = s.after_failure(t5, &p);
        assert!(s.is_locked(t5));
        assert!(s.is_locked(t5 + SignedDuration::from_mins(29)));
        assert!(!s.is_locked(t5 + SignedDuration::from_mins(30)));
    }

    #[test]
    fn failures_spread_beyond_window_do_not_lock() {
        let p = SecurityPolicy::default();
        let t0: Timestamp = "2026-11-25T01:00:00Z".parse().unwrap();
        let mut s = FailureState::default();
        for i in 0..10 {
            let t = t0 + SignedDuration::from_mins(i * 4);
            s = s.after_failure(t, &p);
            assert!(!s.is_locked(t), "locked at failure {i}");
        }
    }
}
