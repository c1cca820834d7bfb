//! Per-request context: language, request id, client address, the session behind the cookie,
//! the cross-origin check, and the rendering of errors (including the audit of scope denials).

use crate::audit_log;
use crate::error::{ApiError, PendingError, body_of};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use zt_db::accounts::{self, Account};
use zt_db::{Ts, sessions};
use zt_domain::messages::Lang;
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, ErrorKind};

pub const SESSION_COOKIE: &str = "zt_session";

/// Re-touch a session at most this often, so that reads do not all become writes.
const TOUCH_EVERY_SECS: i64 = 60;

#[derive(Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub account: Account,
    /// SHA-256 of the cookie token: the session row's key.
    pub session_id: String,
    pub expires_at: Ts,
    /// A security step the account must finish before anything else.
    pub pending: Option<&'static str>,
}

#[derive(Clone)]
pub enum Auth {
    None,
    Expired,
    Active(Box<SessionInfo>),
}

#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub auth: Auth,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_string())
    })
}

fn client_ip(st: &AppState, req: &Request) -> Option<String> {
    if st.trust_proxy {
        if let Some(ff) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            if let Some(first) = ff.split(',').next().map(str::trim).filter(|s| !s.is_empty()) {
                return Some(first.to_string());
            }
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// A state-changing request whose `Origin` names another host is refused (CSRF defence on top
/// of SameSite cookies).
fn origin_ok(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, h)| h.trim_end_matches('/')).unwrap_or("");
    !origin_host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// Builds the actor for an account: roles, permissions and scope.
pub async fn actor_for(tx: &mut zt_db::Tx, a: &Account, ip: Option<String>, request_id: Option<String>) -> Result<Actor, Error> {
    let roles = accounts::roles_of(tx, a.id).await?;
    let permissions = accounts::permissions_of_roles(tx, &roles).await?;
    let scope = Scope::derive(&roles, a.bureau_id, a.station_id, a.department_id);
    Ok(Actor {
        account_id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        roles,
        permissions,
        scope,
        ip,
        request_id,
    })
}

/// The security step an account must finish first, if any.
pub fn pending_step(a: &Account, roles: &[String]) -> Option<&'static str> {
    if a.password_change_required {
        Some("auth.password_change_required")
    } else if !a.totp_enabled && roles.iter().any(|r| zt_domain::auth::is_admin_role(r)) {
        Some("auth.totp_enrollment_required")
    } else {
        None
    }
}

async fn load_session(st: &AppState, token: &str, ip: Option<String>, request_id: Option<String>) -> Result<Auth, Error> {
    let id = token_hash(token);
    let now = st.now();
    let mut tx = st.db.read().await?;
    let Some(s) = sessions::get(&mut tx, &id).await? else {
        return Ok(Auth::Expired);
    };
    let idle_over = now.0.duration_since(s.last_seen_at.0) >= st.security().session_idle;
    let account = accounts::by_id_unscoped(&mut tx, s.account_id).await?;
    let live = !idle_over && now < s.expires_at && account.as_ref().is_some_and(|a| a.status == "active");
    if !live {
        drop(tx);
        let mut w = st.db.write().await?;
        sessions::delete(&mut w, &id).await?;
        w.commit().await?;
        return Ok(Auth::Expired);
    }
    let account = account.expect("checked above");
    let actor = actor_for(&mut tx, &account, ip, request_id).await?;
    drop(tx);
    if now.0.duration_since(s.last_seen_at.0).as_secs() >= TOUCH_EVERY_SECS {
        let mut w = st.db.write().await?;
        sessions::touch(&mut w, &id, now).await?;
        w.commit().await?;
    }
    let pending = pending_step(&account, &actor.roles);
    Ok(Auth::Active(Box::new(SessionInfo { actor, account, session_id: id, expires_at: s.expires_at, pending })))
}

pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let lang = Lang::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let ip = client_ip(&st, &req);
    let user_agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect());

    let response = if !origin_ok(&req) {
        ApiError(Error::new(ErrorKind::Forbidden, "csrf.origin")).into_response()
    } else {
        let auth = match cookie_token(req.headers()) {
            None => Ok(Auth::None),
            Some(token) => load_session(&st, &token, ip.clone(), request_id.clone()).await,
        };
        match auth {
            Err(e) => ApiError(e).into_response(),
            Ok(auth) => {
                req.extensions_mut().insert(Ctx { lang, request_id: request_id.clone(), ip: ip.clone(), user_agent, auth: auth.clone() });
                let mut resp = next.run(req).await;
                if let (Some(PendingError(e)), Auth::Active(s)) = (resp.extensions().get::<PendingError>(), &auth) {
                    if let Some((kind, id)) = &e.denied {
                        if let Err(err) = audit_log::record_denial(&st, &s.actor, kind, id).await {
                            tracing::error!(request_id = ?request_id, error = %err, "could not audit a scope denial");
                        }
                    }
                }
                if let Some(PendingError(e)) = resp.extensions_mut().remove::<PendingError>() {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    resp = render(&e, lang, request_id.as_deref(), status, headers);
                }
                return resp;
            }
        }
    };
    match response.extensions().get::<PendingError>().cloned() {
        Some(PendingError(e)) => {
            let status = response.status();
            let headers = response.headers().clone();
            render(&e, lang, request_id.as_deref(), status, headers)
        }
        None => response,
    }
}

fn render(e: &Error, lang: Lang, request_id: Option<&str>, status: axum::http::StatusCode, headers: HeaderMap) -> Response {
    if e.kind == ErrorKind::Internal {
        tracing::error!(request_id = ?request_id, detail = ?e.detail, "internal error");
    }
    let mut r = (status, axum::Json(body_of(e, lang, request_id))).into_response();
    for (k, v) in headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            r.headers_mut().insert(k.clone(), v.clone());
        }
    }
    r
}

/// The caller, who must be signed in and have finished any pending security step.
pub struct Authed(pub SessionInfo);

/// The caller, who must be signed in; pending security steps allowed (for `/api/me…`).
pub struct AnyAuthed(pub SessionInfo);

fn ctx_of(parts: &Parts) -> Result<&Ctx, ApiError> {
    parts.extensions.get::<Ctx>().ok_or_else(|| ApiError(Error::internal("context middleware missing")))
}

fn session_of(parts: &Parts) -> Result<SessionInfo, ApiError> {
    match &ctx_of(parts)?.auth {
        Auth::None => Err(ApiError(Error::unauthenticated("auth.unauthenticated"))),
        Auth::Expired => Err(ApiError(Error::unauthenticated("auth.session_expired"))),
        Auth::Active(s) => Ok((**s).clone()),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AnyAuthed {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        session_of(parts).map(AnyAuthed)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let s = session_of(parts)?;
        if let Some(step) = s.pending {
            return Err(ApiError(Error::new(ErrorKind::Forbidden, step)));
        }
        Ok(Authed(s))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        ctx_of(parts).cloned()
    }
}
