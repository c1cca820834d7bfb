//! Staff and user accounts, their roles, and the permissions of each role.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::auth::FailureState;
use zt_domain::scope::Scope;

/// An account row. Secrets (password hash, TOTP secrets) are never serialised.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Account {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: String,
    /// active · disabled
    pub status: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub failed_count: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub failed_first_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Ts>,
    #[serde(skip)]
    #[schema(ignore)]
    pub totp_secret: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub totp_pending: Option<String>,
    pub totp_enabled: bool,
    #[serde(skip)]
    #[schema(ignore)]
    pub totp_last_step: Option<i64>,
    pub password_change_required: bool,
    #[schema(value_type = String, format = DateTime)]
    pub password_changed_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_login_at: Option<Ts>,
    pub last_login_ip: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub prev_login_at: Option<Ts>,
    #[serde(skip)]
    #[schema(ignore)]
    pub prev_login_ip: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub is_demo: bool,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

impl Account {
    /// A new active account with no affiliation, no second factor and no sign-in yet.
    pub fn new(username: &str, display_name: &str, password_hash: String, now: Ts) -> Account {
        Account {
            id: Uuid::now_v7(),
            username: username.to_string(),
            display_name: display_name.to_string(),
            phone: None,
            email: None,
            bureau_id: None,
            station_id: None,
            department_id: None,
            password_hash,
            status: "active".into(),
            failed_count: 0,
            failed_first_at: None,
            locked_until: None,
            totp_secret: None,
            totp_pending: None,
            totp_enabled: false,
            totp_last_step: None,
            password_change_required: false,
            password_changed_at: now,
            last_login_at: None,
            last_login_ip: None,
            prev_login_at: None,
            prev_login_ip: None,
            is_demo: false,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn failures(&self) -> FailureState {
        FailureState { count: self.failed_count, first_at: self.failed_first_at.map(|t| t.0), locked_until: self.locked_until.map(|t| t.0) }
    }
}

fn scope_predicate(s: &mut Sql, scope: &Scope) {
    match *scope {
        Scope::All => {}
        Scope::Bureau { bureau } => {
            s.push(" AND bureau_id = ").param(bureau);
        }
        Scope::Station { station, .. } => {
            s.push(" AND station_id = ").param(station);
        }
        Scope::Department { department, .. } => {
            s.push(" AND department_id = ").param(department);
        }
        Scope::None => {
            s.push(" AND 1 = 0");
        }
    }
}

pub async fn by_username(tx: &mut Tx, username: &str) -> Result<Option<Account>, Error> {
    tx.opt(&Sql::new("SELECT * FROM account WHERE username = $1").bind(username)).await
}

/// For the session extractor and the login path only: the account behind a session.
pub async fn by_id_unscoped(tx: &mut Tx, id: Uuid) -> Result<Option<Account>, Error> {
    tx.opt(&Sql::new("SELECT * FROM account WHERE id = $1").bind(id)).await
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<Account, Error> {
    let mut s = Sql::new("SELECT * FROM account WHERE id = ");
    s.param(id);
    scope_predicate(&mut s, scope);
    tx.one(&s).await
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub status: Option<String>,
}

fn filtered(select: &str, scope: &Scope, f: &Filter) -> Sql {
    let mut s = Sql::new(select);
    s.push(" WHERE 1 = 1");
    scope_predicate(&mut s, scope);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pat = format!("%{}%", crate::audit::escape_like(q));
        s.push(" AND (username LIKE ").param(pat.clone()).push(" ESCAPE '\\' OR display_name LIKE ").param(pat).push(" ESCAPE '\\')");
    }
    if let Some(b) = f.bureau_id {
        s.push(" AND bureau_id = ").param(b);
    }
    if let Some(st) = f.station_id {
        s.push(" AND station_id = ").param(st);
    }
    if let Some(status) = &f.status {
        s.push(" AND status = ").param(status.as_str());
    }
    s
}

pub async fn list(tx: &mut Tx, scope: &Scope, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<Account>, i64), Error> {
    let total = tx.count(&filtered("SELECT count(*) FROM account", scope, f)).await?;
    let mut s = filtered("SELECT * FROM account", scope, f);
    s.push(" ORDER BY username LIMIT ").param(limit).push(" OFFSET ").param(offset);
    Ok((tx.all(&s).await?, total))
}

pub async fn insert(tx: &mut Tx, a: &Account) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "INSERT INTO account (id, username, display_name, phone, email, bureau_id, station_id, department_id, password_hash, status, \
             failed_count, failed_first_at, locked_until, totp_secret, totp_pending, totp_enabled, totp_last_step, password_change_required, \
             password_changed_at, last_login_at, last_login_ip, prev_login_at, prev_login_ip, is_demo, version, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27)",
        )
        .bind(a.id)
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(a.phone.clone())
        .bind(a.email.clone())
        .bind(a.bureau_id)
        .bind(a.station_id)
        .bind(a.department_id)
        .bind(&a.password_hash)
        .bind(&a.status)
        .bind(a.failed_count)
        .bind(a.failed_first_at)
        .bind(a.locked_until)
        .bind(a.totp_secret.clone())
        .bind(a.totp_pending.clone())
        .bind(a.totp_enabled)
        .bind(a.totp_last_step)
        .bind(a.password_change_required)
        .bind(a.password_changed_at)
        .bind(a.last_login_at)
        .bind(a.last_login_ip.clone())
        .bind(a.prev_login_at)
        .bind(a.prev_login_ip.clone())
        .bind(a.is_demo)
        .bind(a.version)
        .bind(a.created_at)
        .bind(a.updated_at),
    )
    .await
    .map(|_| ())
}

/// Writes every mutable column of `a` if the stored version is `expected_version`; the caller
/// has already bumped `a.version`.
pub async fn save(tx: &mut Tx, a: &Account, expected_version: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE account SET display_name = $1, phone = $2, email = $3, bureau_id = $4, station_id = $5, department_id = $6, \
                 password_hash = $7, status = $8, failed_count = $9, failed_first_at = $10, locked_until = $11, totp_secret = $12, \
                 totp_pending = $13, totp_enabled = $14, totp_last_step = $15, password_change_required = $16, password_changed_at = $17, \
                 last_login_at = $18, last_login_ip = $19, prev_login_at = $20, prev_login_ip = $21, version = $22, updated_at = $23 WHERE id = $24 AND version = $25",
            )
            .bind(&a.display_name)
            .bind(a.phone.clone())
            .bind(a.email.clone())
            .bind(a.bureau_id)
            .bind(a.station_id)
            .bind(a.department_id)
            .bind(&a.password_hash)
            .bind(&a.status)
            .bind(a.failed_count)
            .bind(a.failed_first_at)
            .bind(a.locked_until)
            .bind(a.totp_secret.clone())
            .bind(a.totp_pending.clone())
            .bind(a.totp_enabled)
            .bind(a.totp_last_step)
            .bind(a.password_change_required)
            .bind(a.password_changed_at)
            .bind(a.last_login_at)
            .bind(a.last_login_ip.clone())
            .bind(a.prev_login_at)
            .bind(a.prev_login_ip.clone())
            .bind(a.version)
            .bind(a.updated_at)
            .bind(a.id)
            .bind(expected_version),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn roles_of(tx: &mut Tx, id: Uuid) -> Result<Vec<String>, Error> {
    let rows: Vec<(String,)> = tx.all(&Sql::new("SELECT role FROM account_role WHERE account_id = $1 ORDER BY role").bind(id)).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn set_roles(tx: &mut Tx, id: Uuid, roles: &[String]) -> Result<(), Error> {
    tx.exec(&Sql::new("DELETE FROM account_role WHERE account_id = $1").bind(id)).await?;
    for r in roles {
        tx.exec(&Sql::new("INSERT INTO account_role (account_id, role) VALUES ($1, $2)").bind(id).bind(r.as_str())).await?;
    }
    Ok(())
}

pub async fn permissions_of_roles(tx: &mut Tx, roles: &[String]) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    for r in roles {
        let rows: Vec<(String,)> = tx.all(&Sql::new("SELECT permission FROM role_permission WHERE role = $1").bind(r.as_str())).await?;
        out.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(out)
}

pub async fn role_permissions(tx: &mut Tx) -> Result<Vec<(String, String)>, Error> {
    tx.all(&Sql::new("SELECT role, permission FROM role_permission ORDER BY role, permission")).await
}

pub async fn set_role_permissions(tx: &mut Tx, role: &str, perms: &[String]) -> Result<(), Error> {
    tx.exec(&Sql::new("DELETE FROM role_permission WHERE role = $1").bind(role)).await?;
    for p in perms {
        tx.exec(&Sql::new("INSERT INTO role_permission (role, permission) VALUES ($1, $2)").bind(role).bind(p.as_str())).await?;
    }
    Ok(())
}

/// Fills in the default permissions of each built-in role that has none yet (first start, or a
/// role added by an upgrade), and grants permissions new in this release to the roles whose
/// defaults include them, once (later edits by the security admin stand). The admin roles are
/// always reset to their fixed sets.
pub async fn ensure_role_permissions(tx: &mut Tx) -> Result<(), Error> {
    use zt_domain::auth::{FIRST_RELEASE_PERMISSIONS, PERMISSIONS, ROLES, is_admin_role};
    let offered: Vec<String> = match crate::meta::get(tx, "permissions_offered").await? {
        Some(v) => v.split(',').map(str::to_string).collect(),
        None => FIRST_RELEASE_PERMISSIONS.iter().map(|p| p.to_string()).collect(),
    };
    for r in ROLES {
        let current: Vec<(String,)> = tx.all(&Sql::new("SELECT permission FROM role_permission WHERE role = $1").bind(r.code)).await?;
        let mut perms: Vec<String> = current.into_iter().map(|p| p.0).collect();
        if perms.is_empty() || is_admin_role(r.code) {
            perms = r.default_permissions.iter().map(|p| p.to_string()).collect();
        } else {
            let new: Vec<String> =
                r.default_permissions.iter().filter(|p| !offered.iter().any(|o| o == *p)).map(|p| p.to_string()).collect();
            if new.is_empty() {
                continue;
            }
            perms.extend(new.into_iter().filter(|p| !perms.contains(p)).collect::<Vec<_>>());
        }
        set_role_permissions(tx, r.code, &perms).await?;
    }
    let all: Vec<&str> = PERMISSIONS.iter().map(|p| p.code).collect();
    crate::meta::set(tx, "permissions_offered", &all.join(",")).await
}

pub async fn count(tx: &mut Tx) -> Result<i64, Error> {
    tx.count(&Sql::new("SELECT count(*) FROM account")).await
}
