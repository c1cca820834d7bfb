//! `/api/dicts` (字典管理): one service for every enumeration an administrator may extend.
//! Modules read entries through [`entries`]: a snapshot of all dictionaries kept per instance and
//! reloaded when the dictionary version in the database moves (a change on any instance bumps
//! it in the changing transaction), so a change shows everywhere on the next read.

use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::Body;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::ToSchema;
use zt_db::Tx;
use zt_db::dicts::{self as repo, Entry};
use zt_domain::Error;
use zt_domain::check::Checks;
use zt_domain::dicts::{DICTS, check_entry, dict};

/// All dictionaries at one version.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub version: i64,
    pub dicts: Arc<HashMap<&'static str, Arc<Vec<Entry>>>>,
}

/// A dictionary's entries, enabled or not, in display order (through the instance's cache).
pub async fn entries(st: &AppState, tx: &mut Tx, code: &str) -> Result<Arc<Vec<Entry>>, Error> {
    let def = dict(code).ok_or_else(|| Error::internal(format!("unknown dictionary {code}")))?;
    let version = repo::version(tx).await?;
    if let Some(s) = st.dicts.read().unwrap().as_ref().filter(|s| s.version == version) {
        return Ok(s.dicts[def.code].clone());
    }
    let mut all = HashMap::new();
    for d in DICTS {
        all.insert(d.code, Arc::new(repo::entries(tx, d.code).await?));
    }
    let snap = Snapshot { version, dicts: Arc::new(all) };
    let out = snap.dicts[def.code].clone();
    *st.dicts.write().unwrap() = Some(snap);
    Ok(out)
}

/// Checks that `value` is an enabled entry of `code` (a new record may not use a disabled one).
pub async fn require_enabled(st: &AppState, tx: &mut Tx, code: &str, field: &str, value: &str, c: &mut Checks) -> Result<(), Error> {
    let es = entries(st, tx, code).await?;
    match es.iter().find(|e| e.code == value) {
        None => c.add(field, "dict.unknown_entry"),
        Some(e) if !e.enabled => c.add(field, "dict.disabled"),
        Some(_) => {}
    }
    Ok(())
}

/// The Chinese name of an entry (its code when unknown): for old records, disabled ones too.
pub fn name_of(es: &[Entry], code: &str) -> String {
    es.iter().find(|e| e.code == code).map(|e| e.name_zh.clone()).unwrap_or_else(|| code.to_string())
}

/// Writes a new entry and moves the dictionary version, in the caller's transaction.
pub async fn add(tx: &mut Tx, code: &str, e: &Entry) -> Result<(), Error> {
    repo::insert(tx, code, e).await?;
    repo::bump(tx).await.map(|_| ())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DictView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub used_by_zh: String,
    pub used_by_en: String,
    pub entries: usize,
    pub enabled: usize,
}

/// The dictionaries, with how many entries each has.
#[utoipa::path(get, path = "/api/dicts", tag = "system", responses((status = 200, body = Vec<DictView>)))]
pub async fn list(State(st): State<AppState>, Authed(_s): Authed) -> ApiResult<Json<Vec<DictView>>> {
    let mut tx = st.db.read().await?;
    let mut out = Vec::new();
    for d in DICTS {
        let es = entries(&st, &mut tx, d.code).await?;
        out.push(DictView {
            code: d.code.into(),
            name_zh: d.name_zh.into(),
            name_en: d.name_en.into(),
            used_by_zh: d.used_by_zh.into(),
            used_by_en: d.used_by_en.into(),
            entries: es.len(),
            enabled: es.iter().filter(|e| e.enabled).count(),
        });
    }
    tx.commit().await?;
    Ok(Json(out))
}

/// A dictionary's entries (disabled ones too, marked: old records still show them).
#[utoipa::path(get, path = "/api/dicts/{dict}", tag = "system", params(("dict" = String, Path)), responses((status = 200, body = Vec<Entry>)))]
pub async fn get(State(st): State<AppState>, Authed(_s): Authed, Path(code): Path<String>) -> ApiResult<Json<Vec<Entry>>> {
    dict(&code).ok_or_else(Error::not_found)?;
    let mut tx = st.db.read().await?;
    let es = entries(&st, &mut tx, &code).await?;
    tx.commit().await?;
    Ok(Json(es.as_ref().clone()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// New entries only: letters, digits and `_`, at most 32; it never changes afterwards.
    pub code: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub sort_order: Option<i64>,
    pub color: Option<String>,
    pub enabled: Option<bool>,
    /// The version read (updates only).
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/dicts/{dict}/entries", tag = "system", params(("dict" = String, Path)), request_body = EntryInput,
    responses((status = 201, body = Entry), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path(code): Path<String>,
    Body(i): Body<EntryInput>,
) -> ApiResult<(StatusCode, Json<Entry>)> {
    s.actor.require("dict.manage")?;
    let def = dict(&code).ok_or_else(Error::not_found)?;
    let mut tx = st.db.write().await?;
    let existing = repo::entries(&mut tx, def.code).await?;
    let e = Entry {
        code: i.code.unwrap_or_default().trim().to_string(),
        name_zh: i.name_zh.trim().to_string(),
        name_en: i.name_en.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| i.name_zh.trim().to_string()),
        builtin: false,
        sort_order: i.sort_order.unwrap_or_else(|| existing.iter().map(|e| e.sort_order).max().unwrap_or(0) + 10),
        color: i.color.unwrap_or_default(),
        enabled: i.enabled.unwrap_or(true),
        version: 1,
    };
    let mut c = Checks::new();
    check_entry(&mut c, Some(&e.code), &e.name_zh, &e.name_en, &e.color, e.sort_order);
    if existing.iter().any(|x| x.code.eq_ignore_ascii_case(&e.code)) {
        c.add("code", "conflict.duplicate");
    }
    if existing.iter().any(|x| x.name_zh == e.name_zh) {
        c.add("name_zh", "name.taken");
    }
    c.finish()?;
    add(&mut tx, def.code, &e).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "dict.create",
        "dict_entry",
        Some(format!("{}:{}", def.code, e.code)),
        format!("新增字典项：{} / {}", def.name_zh, e.name_zh),
        json!({"after": &e}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[utoipa::path(put, path = "/api/dicts/{dict}/entries/{code}", tag = "system", params(("dict" = String, Path), ("code" = String, Path)), request_body = EntryInput,
    responses((status = 200, body = Entry), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((code, entry)): Path<(String, String)>,
    Body(i): Body<EntryInput>,
) -> ApiResult<Json<Entry>> {
    s.actor.require("dict.manage")?;
    let def = dict(&code).ok_or_else(Error::not_found)?;
    let mut tx = st.db.write().await?;
    let existing = repo::entries(&mut tx, def.code).await?;
    let old = existing.iter().find(|e| e.code == entry).cloned().ok_or_else(Error::not_found)?;
    let expected = i.version.unwrap_or(old.version);
    let e = Entry {
        name_zh: i.name_zh.trim().to_string(),
        name_en: i.name_en.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| old.name_en.clone()),
        sort_order: i.sort_order.unwrap_or(old.sort_order),
        color: i.color.unwrap_or_else(|| old.color.clone()),
        enabled: i.enabled.unwrap_or(old.enabled),
        version: expected + 1,
        ..old.clone()
    };
    let mut c = Checks::new();
    if i.code.as_deref().is_some_and(|x| x != old.code) {
        c.add("code", "dict.code_fixed");
    }
    check_entry(&mut c, None, &e.name_zh, &e.name_en, &e.color, e.sort_order);
    if existing.iter().any(|x| x.code != e.code && x.name_zh == e.name_zh) {
        c.add("name_zh", "name.taken");
    }
    c.finish()?;
    repo::update(&mut tx, def.code, &e, expected).await?;
    repo::bump(&mut tx).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        if old.enabled && !e.enabled { "dict.disable" } else { "dict.update" },
        "dict_entry",
        Some(format!("{}:{}", def.code, e.code)),
        format!("修改字典项：{} / {}", def.name_zh, e.name_zh),
        crate::audit_log::changes(&old, &e),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(e))
}
