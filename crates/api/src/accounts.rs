//! Accounts and roles, with the separation of duties of 等保 level 3: the system admin creates,
//! edits and disables accounts; the security admin grants roles, sets role permissions and
//! unlocks accounts; nobody grants anything to themselves.

use crate::audit_log::{changes, record};
use crate::auth::rename;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::org::nullable;
use crate::passwords;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::accounts::{self, Account, Filter};
use zt_db::org::{self, Department, Station};
use zt_db::{Tx, sessions};
use zt_domain::auth::{self as policy, check_password, check_permission_set, check_role_set, is_admin_role, normalise_username};
use zt_domain::check::Checks;
use zt_domain::scope::Actor;
use zt_domain::{Error, ErrorKind};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: Account,
    pub roles: Vec<String>,
}

async fn view(tx: &mut Tx, a: Account) -> Result<AccountView, Error> {
    let roles = accounts::roles_of(tx, a.id).await?;
    Ok(AccountView { account: a, roles })
}

async fn visible(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Account, Error> {
    let read = accounts::get(tx, &actor.scope, id).await;
    crate::org::or_denied(tx, read, "account", id).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Part of the login or display name.
    pub q: Option<String>,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    /// active · disabled
    pub status: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/accounts", tag = "accounts", params(AccountQuery), responses((status = 200, body = Page<AccountView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<AccountQuery>) -> ApiResult<Json<Page<AccountView>>> {
    s.actor.require("account.read")?;
    let p = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = p.limit_offset();
    let f = Filter { q: q.q, bureau_id: q.bureau_id, station_id: q.station_id, status: q.status.filter(|s| !s.is_empty()) };
    let mut tx = st.db.read().await?;
    let (rows, total) = accounts::list(&mut tx, &s.actor.scope, &f, limit, offset).await?;
    let mut items = Vec::with_capacity(rows.len());
    for a in rows {
        items.push(view(&mut tx, a).await?);
    }
    tx.commit().await?;
    Ok(Json(Page::new(items, total, &p)))
}

#[utoipa::path(get, path = "/api/accounts/{id}", tag = "accounts", params(("id" = Uuid, Path)), responses((status = 200, body = AccountView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<AccountView>> {
    s.actor.require("account.read")?;
    let mut tx = st.db.read().await?;
    let a = visible(&mut tx, &s.actor, id).await?;
    let v = view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// Login name (create only): 3–32 lower-case letters, digits, `.`, `_`, `-`.
    pub username: Option<String>,
    pub display_name: Option<String>,
    /// Initial password (create only); the user must change it at first sign-in.
    pub password: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub bureau_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub station_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub department_id: Option<Option<Uuid>>,
    pub version: Option<i64>,
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Checks the profile fields and fills the bureau from the station or department when absent.
async fn check_profile(tx: &mut Tx, a: &mut Account, c: &mut Checks) -> Result<(), Error> {
    c.text("display_name", &a.display_name, 50);
    c.opt_phone("phone", a.phone.as_deref());
    c.opt_email("email", a.email.as_deref());
    if let Some(sid) = a.station_id {
        match org::get::<Station>(tx, "station", None, sid).await {
            Ok(s) if a.bureau_id.is_some_and(|b| b != s.bureau_id) => c.add("station_id", "department.station_bureau_mismatch"),
            Ok(s) => a.bureau_id = Some(s.bureau_id),
            Err(_) => c.add("station_id", "ref.not_found"),
        }
    }
    if let Some(did) = a.department_id {
        match org::get::<Department>(tx, "department", None, did).await {
            Ok(d) if a.bureau_id.is_some_and(|b| b != d.bureau_id) => c.add("department_id", "department.station_bureau_mismatch"),
            Ok(d) => a.bureau_id = Some(d.bureau_id),
            Err(_) => c.add("department_id", "ref.not_found"),
        }
    }
    if let Some(bid) = a.bureau_id {
        if org::get::<zt_db::org::Bureau>(tx, "bureau", None, bid).await.is_err() {
            c.add("bureau_id", "ref.not_found");
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/accounts", tag = "accounts", request_body = AccountInput,
    responses((status = 201, body = AccountView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<AccountInput>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    s.actor.require("account.manage")?;
    let mut c = Checks::new();
    let username = match normalise_username(i.username.as_deref().unwrap_or("")) {
        Ok(u) => u,
        Err(e) => {
            c.push(e);
            String::new()
        }
    };
    let password = i.password.clone().unwrap_or_default();
    if password.is_empty() {
        c.add("password", "required");
    } else if let Err(e) = check_password(&password, &username, false) {
        c.push(e);
    }
    let now = st.now();
    let mut a = Account {
        phone: clean(i.phone.flatten()),
        email: clean(i.email.flatten()),
        bureau_id: i.bureau_id.flatten(),
        station_id: i.station_id.flatten(),
        department_id: i.department_id.flatten(),
        password_change_required: true,
        ..Account::new(&username, i.display_name.as_deref().unwrap_or("").trim(), String::new(), now)
    };
    let mut tx = st.db.write().await?;
    if !username.is_empty() && accounts::by_username(&mut tx, &username).await?.is_some() {
        c.add("username", "username.taken");
    }
    check_profile(&mut tx, &mut a, &mut c).await?;
    c.finish()?;
    a.password_hash = passwords::hash(&password)?;
    accounts::insert(&mut tx, &a).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "account.create",
        "account",
        Some(a.id.to_string()),
        format!("新建账号 {}（{}）", a.display_name, a.username),
        json!({"after": &a}),
    )
    .await?;
    let v = view(&mut tx, a).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[utoipa::path(patch, path = "/api/accounts/{id}", tag = "accounts", params(("id" = Uuid, Path)), request_body = AccountInput,
    responses((status = 200, body = AccountView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<AccountInput>,
) -> ApiResult<Json<AccountView>> {
    s.actor.require("account.read")?;
    let expected = i.version.ok_or_else(|| Error::field("version", "required"))?;
    let mut tx = st.db.write().await?;
    let before = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("account.manage")?;
    if i.username.is_some() || i.password.is_some() {
        let mut c = Checks::new();
        if i.username.is_some() {
            c.add("username", "unknown_field");
        }
        if i.password.is_some() {
            c.add("password", "unknown_field");
        }
        c.finish()?;
    }
    let mut a = before.clone();
    if let Some(n) = i.display_name {
        a.display_name = n.trim().to_string();
    }
    if let Some(p) = i.phone {
        a.phone = clean(p);
    }
    if let Some(e) = i.email {
        a.email = clean(e);
    }
    let moved = i.bureau_id.is_some() || i.station_id.is_some() || i.department_id.is_some();
    if let Some(b) = i.bureau_id {
        a.bureau_id = b;
    }
    if let Some(x) = i.station_id {
        a.station_id = x;
    }
    if let Some(d) = i.department_id {
        a.department_id = d;
    }
    let mut c = Checks::new();
    check_profile(&mut tx, &mut a, &mut c).await?;
    c.finish()?;
    a.version = expected + 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    if moved && (a.bureau_id != before.bureau_id || a.station_id != before.station_id || a.department_id != before.department_id) {
        // the scope changed: sign the account out everywhere
        sessions::delete_for_account(&mut tx, id).await?;
    }
    record(
        &mut tx,
        &st,
        &s.actor,
        "account.update",
        "account",
        Some(id.to_string()),
        format!("修改账号 {}", a.username),
        changes(&before, &a),
    )
    .await?;
    let v = view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(v))
}

async fn act(
    st: &AppState,
    actor: &Actor,
    id: Uuid,
    perm: &str,
    f: impl FnOnce(&mut Account) -> Result<(&'static str, String), Error>,
    end_sessions: bool,
) -> ApiResult<Json<AccountView>> {
    actor.require("account.read")?;
    let mut tx = st.db.write().await?;
    let before = visible(&mut tx, actor, id).await?;
    actor.require(perm)?;
    let mut a = before.clone();
    let (action, summary) = f(&mut a)?;
    let expected = a.version;
    a.version += 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    if end_sessions {
        sessions::delete_for_account(&mut tx, id).await?;
    }
    record(&mut tx, st, actor, action, "account", Some(id.to_string()), summary, changes(&before, &a)).await?;
    let v = view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// Disables an account; its sessions end at once.
#[utoipa::path(post, path = "/api/accounts/{id}/disable", tag = "accounts", params(("id" = Uuid, Path)), responses((status = 200, body = AccountView)))]
pub async fn disable(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<AccountView>> {
    if id == s.actor.account_id {
        return Err(Error::field("id", "account.cannot_disable_self").into());
    }
    act(
        &st,
        &s.actor,
        id,
        "account.manage",
        |a| {
            a.status = "disabled".into();
            Ok(("account.disable", format!("停用账号 {}", a.username)))
        },
        true,
    )
    .await
}

#[utoipa::path(post, path = "/api/accounts/{id}/enable", tag = "accounts", params(("id" = Uuid, Path)), responses((status = 200, body = AccountView)))]
pub async fn enable(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<AccountView>> {
    act(
        &st,
        &s.actor,
        id,
        "account.manage",
        |a| {
            a.status = "active".into();
            Ok(("account.enable", format!("启用账号 {}", a.username)))
        },
        false,
    )
    .await
}

/// Lifts a lockout (security admin).
#[utoipa::path(post, path = "/api/accounts/{id}/unlock", tag = "accounts", params(("id" = Uuid, Path)), responses((status = 200, body = AccountView)))]
pub async fn unlock(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<AccountView>> {
    act(
        &st,
        &s.actor,
        id,
        "account.unlock",
        |a| {
            a.locked_until = None;
            a.failed_count = 0;
            a.failed_first_at = None;
            Ok(("account.unlock", format!("解锁账号 {}", a.username)))
        },
        false,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordInput {
    pub password: String,
}

/// Sets a new initial password; the user must change it at next sign-in; sessions end.
#[utoipa::path(post, path = "/api/accounts/{id}/reset-password", tag = "accounts", params(("id" = Uuid, Path)), request_body = ResetPasswordInput,
    responses((status = 200, body = AccountView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reset_password(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<ResetPasswordInput>,
) -> ApiResult<Json<AccountView>> {
    if id == s.actor.account_id {
        return Err(Error::new(ErrorKind::Forbidden, "auth.self_grant").into());
    }
    let mut tx = st.db.read().await?;
    let target = visible(&mut tx, &s.actor, id).await?;
    let roles = accounts::roles_of(&mut tx, id).await?;
    tx.commit().await?;
    let admin = roles.iter().any(|r| is_admin_role(r));
    check_password(&i.password, &target.username, admin).map_err(|e| rename(e, "password"))?;
    let hash = passwords::hash(&i.password)?;
    let now = st.now();
    act(
        &st,
        &s.actor,
        id,
        "account.manage",
        move |a| {
            a.password_hash = hash;
            a.password_change_required = true;
            a.password_changed_at = now;
            Ok(("account.reset_password", format!("重置账号 {} 的密码", a.username)))
        },
        true,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesInput {
    pub roles: Vec<String>,
}

/// Replaces an account's roles (security admin). The three admin roles are exclusive; nobody
/// grants to themselves; a business role needs the matching affiliation. Sessions end.
#[utoipa::path(put, path = "/api/accounts/{id}/roles", tag = "accounts", params(("id" = Uuid, Path)), request_body = RolesInput,
    responses((status = 200, body = AccountView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_roles(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<RolesInput>,
) -> ApiResult<Json<AccountView>> {
    s.actor.require("account.read")?;
    let mut tx = st.db.write().await?;
    let a = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("account.grant")?;
    if id == s.actor.account_id {
        return Err(Error::new(ErrorKind::Forbidden, "auth.self_grant").into());
    }
    let mut roles: Vec<String> = i.roles.iter().map(|r| r.trim().to_string()).collect();
    roles.sort();
    roles.dedup();
    check_role_set(&roles).map_err(|e| crate::error::ApiError(Error::validation(vec![e])))?;
    let needs = |r: &str| match r {
        policy::BUREAU_LEADER => a.bureau_id.is_some(),
        policy::STATION_MANAGER | policy::SPECIALIST => a.station_id.is_some(),
        policy::DEPARTMENT_HANDLER => a.department_id.is_some(),
        _ => true,
    };
    if let Some(bad) = roles.iter().find(|r| !needs(r)) {
        return Err(
            Error::validation(vec![zt_domain::FieldError::new("roles", "role.affiliation_missing").with("role", bad.as_str())]).into()
        );
    }
    let before = accounts::roles_of(&mut tx, id).await?;
    accounts::set_roles(&mut tx, id, &roles).await?;
    sessions::delete_for_account(&mut tx, id).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "account.roles",
        "account",
        Some(id.to_string()),
        format!("调整账号 {} 的角色：{}", a.username, roles.join("、")),
        json!({"roles": [before, &roles]}),
    )
    .await?;
    let v = view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// One of the three separated administrator roles (三员).
    pub admin: bool,
    pub permissions: Vec<String>,
}

#[utoipa::path(get, path = "/api/roles", tag = "accounts", responses((status = 200, body = Vec<RoleView>)))]
pub async fn roles(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<RoleView>>> {
    if !s.actor.can("account.read") && !s.actor.can("role.manage") {
        return Err(Error::forbidden().into());
    }
    let mut tx = st.db.read().await?;
    let rp = accounts::role_permissions(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(
        policy::ROLES
            .iter()
            .map(|r| RoleView {
                code: r.code.into(),
                name_zh: r.name_zh.into(),
                name_en: r.name_en.into(),
                admin: is_admin_role(r.code),
                permissions: rp.iter().filter(|(role, _)| role == r.code).map(|(_, p)| p.clone()).collect(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[utoipa::path(get, path = "/api/permissions", tag = "accounts", responses((status = 200, body = Vec<PermissionView>)))]
pub async fn permissions(Authed(_s): Authed) -> Json<Vec<PermissionView>> {
    Json(
        policy::PERMISSIONS
            .iter()
            .map(|p| PermissionView { code: p.code.into(), name_zh: p.name_zh.into(), name_en: p.name_en.into() })
            .collect(),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePermissionsInput {
    pub permissions: Vec<String>,
}

/// Sets the permissions of a business role (security admin).
#[utoipa::path(put, path = "/api/roles/{code}/permissions", tag = "accounts", params(("code" = String, Path)), request_body = RolePermissionsInput,
    responses((status = 200, body = RoleView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn set_role_permissions(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path(code): Path<String>,
    Body(i): Body<RolePermissionsInput>,
) -> ApiResult<Json<RoleView>> {
    s.actor.require("role.manage")?;
    let Some(role) = policy::role(&code) else { return Err(Error::not_found().into()) };
    if is_admin_role(role.code) {
        return Err(Error::new(ErrorKind::Forbidden, "auth.admin_role_fixed").into());
    }
    if s.actor.has_role(role.code) {
        return Err(Error::new(ErrorKind::Forbidden, "auth.self_grant").into());
    }
    let mut perms: Vec<String> = i.permissions.iter().map(|p| p.trim().to_string()).collect();
    perms.sort();
    perms.dedup();
    check_permission_set(&perms).map_err(|e| crate::error::ApiError(Error::validation(vec![e])))?;
    let mut tx = st.db.write().await?;
    let before: Vec<String> =
        accounts::role_permissions(&mut tx).await?.into_iter().filter(|(r, _)| r == role.code).map(|(_, p)| p).collect();
    accounts::set_role_permissions(&mut tx, role.code, &perms).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "role.permissions",
        "role",
        Some(role.code.into()),
        format!("调整角色 {} 的权限", role.name_zh),
        json!({"permissions": [before, &perms]}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(RoleView {
        code: role.code.into(),
        name_zh: role.name_zh.into(),
        name_en: role.name_en.into(),
        admin: false,
        permissions: perms,
    }))
}
