//! Sign-in, sign-out, the current user, password change and TOTP enrolment.

use crate::audit_log::record;
use crate::context::{AnyAuthed, Ctx, SESSION_COOKIE, actor_for, pending_step, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::extract::Body;
use crate::passwords;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_db::accounts::{self, Account};
use zt_db::audit::Entry;
use zt_db::sessions::{self, Session};
use zt_db::{Ts, audit};
use zt_domain::auth::{check_password, is_admin_role, normalise_username};
use zt_domain::scope::{Actor, ScopeView};
use zt_domain::{Error, ErrorKind, FieldError, totp};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    /// The 6-digit one-time code, when the account has TOTP.
    pub totp: Option<String>,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    #[schema(value_type = Object)]
    pub scope: ScopeView,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub totp_enabled: bool,
    pub totp_enrollment_required: bool,
    pub password_change_required: bool,
    /// The previous successful sign-in (DJ-10: shown after login).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_login_at: Option<Ts>,
    pub last_login_ip: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub session_expires_at: Option<Ts>,
    pub demo: bool,
}

pub fn me_of(a: &Account, actor: &Actor, last: (Option<Ts>, Option<String>), expires: Option<Ts>) -> Me {
    let pending = pending_step(a, &actor.roles);
    Me {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        roles: actor.roles.clone(),
        permissions: actor.permissions.iter().cloned().collect(),
        scope: actor.scope.into(),
        bureau_id: a.bureau_id,
        station_id: a.station_id,
        department_id: a.department_id,
        totp_enabled: a.totp_enabled,
        totp_enrollment_required: pending == Some("auth.totp_enrollment_required"),
        password_change_required: a.password_change_required,
        last_login_at: last.0,
        last_login_ip: last.1,
        session_expires_at: expires,
        demo: a.is_demo,
    }
}

fn anonymous_entry(
    st: &AppState,
    ctx: &Ctx,
    who: &str,
    actor_id: Option<Uuid>,
    action: &str,
    summary: String,
    detail: serde_json::Value,
) -> Entry {
    Entry {
        at: st.now(),
        actor_id,
        actor_name: who.to_string(),
        action: action.to_string(),
        target_type: "account".into(),
        target_id: actor_id.map(|u| u.to_string()),
        summary,
        detail,
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
    }
}

fn session_cookie(st: &AppState, token: &str) -> HeaderValue {
    let secure = if st.cookie_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")).expect("ascii cookie")
}

fn clear_cookie(st: &AppState) -> HeaderValue {
    let secure = if st.cookie_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")).expect("ascii cookie")
}

/// Signs in. Failures share one message whether the user exists or not; five failures in 15
/// minutes lock the account for 30; more than 10 attempts a minute from one address get 429.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginInput,
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody),
              (status = 423, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(State(st): State<AppState>, ctx: Ctx, Body(input): Body<LoginInput>) -> ApiResult<Response> {
    let key = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    if let Err(wait) = st.login_limiter.check(&key) {
        return Err(Error::new(ErrorKind::RateLimited, "auth.rate_limited").with("retry_after", wait).into());
    }
    let now = st.now();
    let typed = input.username.trim().chars().take(64).collect::<String>();
    let mut tx = st.db.write().await?;
    let account = match normalise_username(&input.username) {
        Ok(name) => accounts::by_username(&mut tx, &name).await?,
        Err(_) => None,
    };
    let Some(mut a) = account else {
        passwords::verify_dummy(&input.password);
        audit::append(
            &mut tx,
            &anonymous_entry(
                &st,
                &ctx,
                &typed,
                None,
                "auth.login_failed",
                format!("登录失败：用户名 {typed} 不存在"),
                json!({"reason": "unknown_user"}),
            ),
        )
        .await?;
        tx.commit().await?;
        return Err(Error::unauthenticated("auth.invalid_credentials").into());
    };
    let who = format!("{}（{}）", a.display_name, a.username);
    let failures = a.failures();
    if failures.is_locked(now.0) {
        let until = failures.locked_until.expect("locked");
        audit::append(
            &mut tx,
            &anonymous_entry(&st, &ctx, &who, Some(a.id), "auth.login_refused", "账号锁定期间尝试登录".into(), json!({"reason": "locked"})),
        )
        .await?;
        tx.commit().await?;
        return Err(Error::new(ErrorKind::Locked, "auth.locked").with("until", until.to_string()).into());
    }
    let password_ok = passwords::verify(&input.password, &a.password_hash);
    let mut reason = if !password_ok {
        Some("wrong_password")
    } else if a.status != "active" {
        Some("disabled")
    } else {
        None
    };
    let mut totp_step = None;
    if reason.is_none() && a.totp_enabled {
        match input.totp.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => {
                tx.commit().await?;
                return Err(Error::unauthenticated("auth.totp_required").into());
            }
            Some(code) => {
                let secret = match a.totp_secret.as_deref() {
                    Some(enc) => st.cipher.decrypt(enc)?,
                    None => String::new(),
                };
                match totp::verify(&secret, code, now.0.as_second(), a.totp_last_step) {
                    Some(step) => totp_step = Some(step),
                    None => reason = Some("wrong_totp"),
                }
            }
        }
    }
    let expected_version = a.version;
    a.version += 1;
    a.updated_at = now;
    if let Some(reason) = reason {
        let next = failures.after_failure(now.0, &st.security());
        a.failed_count = next.count;
        a.failed_first_at = next.first_at.map(Ts);
        a.locked_until = next.locked_until.map(Ts);
        accounts::save(&mut tx, &a, expected_version).await?;
        audit::append(
            &mut tx,
            &anonymous_entry(&st, &ctx, &who, Some(a.id), "auth.login_failed", format!("登录失败：{reason}"), json!({"reason": reason})),
        )
        .await?;
        if let Some(until) = next.locked_until {
            audit::append(
                &mut tx,
                &anonymous_entry(
                    &st,
                    &ctx,
                    &who,
                    Some(a.id),
                    "auth.locked",
                    format!("连续 {} 次登录失败，账号锁定至 {until}", st.security().max_failures),
                    json!({"until": until.to_string()}),
                ),
            )
            .await?;
            tx.commit().await?;
            return Err(Error::new(ErrorKind::Locked, "auth.locked").with("until", until.to_string()).into());
        }
        tx.commit().await?;
        let code = if reason == "wrong_totp" { "auth.totp_invalid" } else { "auth.invalid_credentials" };
        return Err(Error::unauthenticated(code).into());
    }
    // Success.
    let previous = (a.last_login_at, a.last_login_ip.clone());
    a.failed_count = 0;
    a.failed_first_at = None;
    a.locked_until = None;
    if totp_step.is_some() {
        a.totp_last_step = totp_step;
    }
    a.prev_login_at = a.last_login_at;
    a.prev_login_ip = a.last_login_ip.clone();
    a.last_login_at = Some(now);
    a.last_login_ip = ctx.ip.clone();
    accounts::save(&mut tx, &a, expected_version).await?;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let expires_at = Ts(now.0.checked_add(st.security().session_absolute).map_err(|e| Error::internal(e.to_string()))?);
    sessions::insert(
        &mut tx,
        &Session {
            id: token_hash(&token),
            account_id: a.id,
            created_at: now,
            last_seen_at: now,
            expires_at,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
        },
    )
    .await?;
    let actor = actor_for(&mut tx, &a, ctx.ip.clone(), ctx.request_id.clone()).await?;
    record(&mut tx, &st, &actor, "auth.login", "account", Some(a.id.to_string()), "登录成功".into(), json!({"totp": totp_step.is_some()}))
        .await?;
    tx.commit().await?;
    let me = me_of(&a, &actor, previous, Some(expires_at));
    let mut resp = Json(me).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, &token));
    Ok(resp)
}

/// Signs out: the session ends on the server at once.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(State(st): State<AppState>, AnyAuthed(s): AnyAuthed) -> ApiResult<Response> {
    let mut tx = st.db.write().await?;
    sessions::delete(&mut tx, &s.session_id).await?;
    record(&mut tx, &st, &s.actor, "auth.logout", "account", Some(s.actor.account_id.to_string()), "退出登录".into(), json!({})).await?;
    tx.commit().await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(&st));
    Ok(resp)
}

/// The signed-in user, roles, permissions and scope.
#[utoipa::path(get, path = "/api/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(AnyAuthed(s): AnyAuthed) -> Json<Me> {
    Json(me_of(&s.account, &s.actor, (s.account.prev_login_at, s.account.prev_login_ip.clone()), Some(s.expires_at)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Changes one's own password (policy: DJ-02). Other sessions of the account end.
#[utoipa::path(post, path = "/api/me/password", tag = "auth", request_body = PasswordInput,
    responses((status = 204), (status = 422, body = crate::error::ErrorBody)))]
pub async fn change_password(
    State(st): State<AppState>,
    AnyAuthed(s): AnyAuthed,
    Body(input): Body<PasswordInput>,
) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let mut a = accounts::by_id_unscoped(&mut tx, s.account.id).await?.ok_or_else(Error::not_found)?;
    if !passwords::verify(&input.current_password, &a.password_hash) {
        return Err(Error::field("current_password", "password.wrong_current").into());
    }
    let admin = s.actor.roles.iter().any(|r| is_admin_role(r));
    check_password(&input.new_password, &a.username, admin).map_err(|e| rename(e, "new_password"))?;
    if input.new_password == input.current_password {
        return Err(Error::field("new_password", "password.reused").into());
    }
    let expected = a.version;
    a.password_hash = passwords::hash(&input.new_password)?;
    a.password_change_required = false;
    a.password_changed_at = st.now();
    a.version += 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    zt_db::Tx::exec(
        &mut tx,
        &zt_db::Sql::new("DELETE FROM session WHERE account_id = $1 AND id <> $2").bind(a.id).bind(s.session_id.as_str()),
    )
    .await?;
    record(&mut tx, &st, &s.actor, "account.password_changed", "account", Some(a.id.to_string()), "修改本人密码".into(), json!({})).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn rename(mut e: FieldError, field: &str) -> ApiError {
    e.field = field.to_string();
    ApiError(Error::validation(vec![e]))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpSetup {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URI for a QR code.
    pub otpauth_uri: String,
}

/// Starts TOTP enrolment: a new secret, active once confirmed with a code.
#[utoipa::path(post, path = "/api/me/totp/setup", tag = "auth", responses((status = 200, body = TotpSetup)))]
pub async fn totp_setup(State(st): State<AppState>, AnyAuthed(s): AnyAuthed) -> ApiResult<Json<TotpSetup>> {
    let mut tx = st.db.write().await?;
    let mut a = accounts::by_id_unscoped(&mut tx, s.account.id).await?.ok_or_else(Error::not_found)?;
    let secret = totp::new_secret();
    let expected = a.version;
    a.totp_pending = Some(st.cipher.encrypt(&secret));
    a.version += 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    record(&mut tx, &st, &s.actor, "account.totp_setup", "account", Some(a.id.to_string()), "申请绑定动态验证码".into(), json!({})).await?;
    tx.commit().await?;
    Ok(Json(TotpSetup { otpauth_uri: totp::otpauth_uri("直通 Zhitong", &a.username, &secret), secret }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// Confirms TOTP enrolment with a current code.
#[utoipa::path(post, path = "/api/me/totp/enable", tag = "auth", request_body = TotpCode,
    responses((status = 204), (status = 422, body = crate::error::ErrorBody)))]
pub async fn totp_enable(State(st): State<AppState>, AnyAuthed(s): AnyAuthed, Body(input): Body<TotpCode>) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let mut a = accounts::by_id_unscoped(&mut tx, s.account.id).await?.ok_or_else(Error::not_found)?;
    let Some(secret) = a.totp_pending.as_deref().map(|p| st.cipher.decrypt(p)).transpose()? else {
        return Err(Error::field("code", "totp.not_set_up").into());
    };
    let Some(step) = totp::verify(&secret, &input.code, st.now().0.as_second(), None) else {
        return Err(Error::field("code", "totp.invalid").into());
    };
    let expected = a.version;
    a.totp_secret = Some(st.cipher.encrypt(&secret));
    a.totp_pending = None;
    a.totp_enabled = true;
    a.totp_last_step = Some(step);
    a.version += 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    record(&mut tx, &st, &s.actor, "account.totp_enabled", "account", Some(a.id.to_string()), "已启用动态验证码".into(), json!({})).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
