//! `/api/parameters` (参数设置): the system admin reads and changes typed parameters. Values live
//! in the `meta` table; secrets are encrypted there and never shown back; security parameters
//! apply at once (and on other instances within a minute).

use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::Body;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use zt_db::Tx;
use zt_domain::params::{self, Kind, PARAMS, ParamDef};
use zt_domain::{Error, ErrorKind};

#[derive(Debug, Serialize, ToSchema)]
pub struct ParamView {
    pub key: String,
    /// request · data · security · notify
    pub group: String,
    pub label_zh: String,
    pub label_en: String,
    /// int · text · secret · hours · url · email
    pub kind: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Why the bounds are what they are (the security baseline), if they are its.
    pub floor: Option<String>,
    pub default: String,
    /// The value in force (never for secrets).
    pub value: Option<String>,
    /// Whether a value other than the default is stored (for secrets: whether one is set).
    pub set: bool,
}

/// The value of a parameter: stored, or its default. Secrets come back decrypted.
pub async fn get(st: &AppState, tx: &mut Tx, key: &str) -> Result<String, Error> {
    let d = params::def(key).ok_or_else(|| Error::internal(format!("unknown parameter {key}")))?;
    Ok(match zt_db::meta::get(tx, &format!("param.{key}")).await? {
        Some(v) if d.kind == Kind::Secret => st.cipher.decrypt(&v).unwrap_or_default(),
        Some(v) => v,
        None => legacy(tx, key).await?.unwrap_or_else(|| d.default.to_string()),
    })
}

/// Keys the calendar settings stored before parameters existed.
async fn legacy(tx: &mut Tx, key: &str) -> Result<Option<String>, Error> {
    match key {
        "request.near_due_days" | "calendar.office_hours" => zt_db::meta::get(tx, key).await,
        _ => Ok(None),
    }
}

pub async fn get_int(st: &AppState, tx: &mut Tx, key: &str) -> Result<i64, Error> {
    let v = get(st, tx, key).await?;
    Ok(v.parse().unwrap_or_else(|_| params::def(key).and_then(|d| d.default.parse().ok()).unwrap_or(0)))
}

/// Stores a value (already checked); the calendar's own keys are kept in step.
pub async fn put(st: &AppState, tx: &mut Tx, d: &ParamDef, value: &str) -> Result<(), Error> {
    let stored = if d.kind == Kind::Secret { st.cipher.encrypt(value) } else { value.to_string() };
    zt_db::meta::set(tx, &format!("param.{}", d.key), &stored).await?;
    if matches!(d.key, "request.near_due_days" | "calendar.office_hours") {
        zt_db::meta::set(tx, d.key, value).await?;
    }
    Ok(())
}

/// Reads the security parameters into the policy in force.
pub async fn load_security(st: &AppState) -> Result<(), Error> {
    let mut tx = st.db.read().await?;
    let idle = get_int(st, &mut tx, "session.idle_minutes").await?;
    let absolute = get_int(st, &mut tx, "session.absolute_hours").await?;
    let failures = get_int(st, &mut tx, "login.max_failures").await?;
    let lock = get_int(st, &mut tx, "login.lock_minutes").await?;
    tx.commit().await?;
    if let Ok(mut p) = st.policy.write() {
        p.session_idle = jiff::SignedDuration::from_mins(idle);
        p.session_absolute = jiff::SignedDuration::from_hours(absolute);
        p.max_failures = failures;
        p.lock_duration = jiff::SignedDuration::from_mins(lock);
    }
    Ok(())
}

async fn view(st: &AppState, tx: &mut Tx, d: &ParamDef) -> Result<ParamView, Error> {
    let stored = zt_db::meta::get(tx, &format!("param.{}", d.key)).await?;
    let (min, max, floor) = match d.kind {
        Kind::Int { min, max, floor } => (Some(min), Some(max), floor.map(str::to_string)),
        _ => (None, None, None),
    };
    let secret = d.kind == Kind::Secret;
    let value = if secret { None } else { Some(get(st, tx, d.key).await?) };
    Ok(ParamView {
        key: d.key.into(),
        group: d.group.into(),
        label_zh: d.label_zh.into(),
        label_en: d.label_en.into(),
        kind: match d.kind {
            Kind::Int { .. } => "int",
            Kind::Text { .. } => "text",
            Kind::Secret => "secret",
            Kind::Hours => "hours",
            Kind::Url => "url",
            Kind::Email => "email",
        }
        .into(),
        min,
        max,
        floor,
        default: if secret { String::new() } else { d.default.into() },
        set: if secret { stored.is_some_and(|v| !st.cipher.decrypt(&v).unwrap_or_default().is_empty()) } else { stored.is_some() },
        value,
    })
}

#[utoipa::path(get, path = "/api/parameters", tag = "system", responses((status = 200, body = Vec<ParamView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<ParamView>>> {
    s.actor.require("param.manage")?;
    let mut tx = st.db.read().await?;
    let mut out = Vec::new();
    for d in PARAMS {
        out.push(view(&st, &mut tx, d).await?);
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamInput {
    pub value: String,
}

/// Changes a parameter. A value outside the security baseline's bounds is refused with the
/// reason; the change is audited (a secret's value never is).
#[utoipa::path(put, path = "/api/parameters/{key}", tag = "system", params(("key" = String, Path)), request_body = ParamInput,
    responses((status = 200, body = ParamView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path(key): Path<String>,
    Body(i): Body<ParamInput>,
) -> ApiResult<Json<ParamView>> {
    s.actor.require("param.manage")?;
    let d = params::def(&key).ok_or_else(|| Error::new(ErrorKind::NotFound, "param.unknown"))?;
    let value = params::check(d, &i.value).map_err(|fe| Error::validation(vec![fe]))?;
    let mut tx = st.db.write().await?;
    let before = if d.kind == Kind::Secret { None } else { Some(get(&st, &mut tx, d.key).await?) };
    put(&st, &mut tx, d, &value).await?;
    let shown = if d.kind == Kind::Secret { json!("（已更新，不记录内容）") } else { json!(value) };
    record(
        &mut tx,
        &st,
        &s.actor,
        "param.update",
        "parameter",
        Some(d.key.to_string()),
        format!("修改参数 {}", d.label_zh),
        json!({"before": before, "after": shown}),
    )
    .await?;
    let v = view(&st, &mut tx, d).await?;
    tx.commit().await?;
    if d.group == "security" {
        load_security(&st).await?;
    }
    Ok(Json(v))
}
