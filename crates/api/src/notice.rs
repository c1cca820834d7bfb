//! `/api/notices` (通知公告): announcements to staff, to enterprises on the portal, or both;
//! limited to roles and a station, shown within a publish window, with read receipts.

use crate::archive::one_of;
use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_db::notice::{self as repo, Notice};
use zt_db::{Ts, Tx};
use zt_domain::check::Checks;
use zt_domain::scope::Actor;
use zt_domain::{Error, auth};

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    #[serde(flatten)]
    pub notice: Notice,
    pub roles: Vec<String>,
    /// Read by the caller (reader's list) or how many have read it (manager's list).
    pub read: bool,
    pub read_count: Option<usize>,
}

fn roles_of(n: &Notice) -> Vec<String> {
    serde_json::from_str(&n.roles).unwrap_or_default()
}

/// Who is reading: roles, bureau and station, and whether on the portal.
struct Reader {
    roles: Vec<String>,
    bureau: Option<Uuid>,
    station: Option<Uuid>,
    portal: bool,
}

async fn reader(tx: &mut Tx, actor: &Actor) -> Result<Reader, Error> {
    if let Some(e) = crate::portal::own_enterprise(tx, actor).await? {
        let st = zt_db::org::get::<zt_db::org::Station>(tx, "station", None, e.station_id).await?;
        return Ok(Reader { roles: actor.roles.clone(), bureau: Some(st.bureau_id), station: Some(st.id), portal: true });
    }
    Ok(Reader { roles: actor.roles.clone(), bureau: actor.scope.bureau(), station: actor.scope.station(), portal: false })
}

fn addressed(n: &Notice, r: &Reader) -> bool {
    let audience = match n.audience.as_str() {
        "all" => true,
        "portal" => r.portal,
        _ => !r.portal,
    };
    let roles = roles_of(n);
    audience
        && (roles.is_empty() || r.portal || roles.iter().any(|x| r.roles.contains(x)))
        && n.bureau_id.is_none_or(|b| r.bureau == Some(b))
        && n.station_id.is_none_or(|s| r.station == Some(s))
}

/// The notices addressed to the caller now, unread first within pinned / newest order.
#[utoipa::path(get, path = "/api/notices", tag = "system", responses((status = 200, body = Vec<NoticeView>)))]
pub async fn mine(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<NoticeView>>> {
    let mut tx = st.db.read().await?;
    let r = reader(&mut tx, &s.actor).await?;
    let read = repo::read_by(&mut tx, s.actor.account_id).await?;
    let live = repo::live(&mut tx, st.now()).await?;
    tx.commit().await?;
    Ok(Json(
        live.into_iter()
            .filter(|n| addressed(n, &r))
            .map(|n| NoticeView { read: read.contains(&n.id), roles: roles_of(&n), read_count: None, notice: n })
            .collect(),
    ))
}

/// Marks a notice read by the caller (a receipt); a notice not addressed to them is a 404.
#[utoipa::path(post, path = "/api/notices/{id}/read", tag = "system", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn mark_read(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let r = reader(&mut tx, &s.actor).await?;
    let live = repo::live(&mut tx, st.now()).await?;
    if !live.iter().any(|n| n.id == id && addressed(n, &r)) {
        return Err(Error::not_found().into());
    }
    repo::mark_read(&mut tx, id, s.actor.account_id, st.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The bureau a manager posts for (none: the system administrator, every bureau).
fn managed_bureau(actor: &Actor) -> Result<Option<Uuid>, Error> {
    actor.require("notice.manage")?;
    Ok(actor.scope.bureau())
}

async fn editable(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Notice, Error> {
    let bureau = managed_bureau(actor)?;
    let n = repo::get(tx, id).await?;
    if bureau.is_some() && n.bureau_id != bureau {
        return Err(Error::not_found());
    }
    Ok(n)
}

/// Every notice the manager looks after, with how many have read each.
#[utoipa::path(get, path = "/api/notices/manage", tag = "system", responses((status = 200, body = Vec<NoticeView>)))]
pub async fn manage(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<NoticeView>>> {
    let bureau = managed_bureau(&s.actor)?;
    let mut tx = st.db.read().await?;
    let mut out = Vec::new();
    for n in repo::list(&mut tx, bureau).await? {
        let count = repo::receipts(&mut tx, n.id).await?.len();
        out.push(NoticeView { read: false, roles: roles_of(&n), read_count: Some(count), notice: n });
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    pub title: Option<String>,
    pub body: Option<String>,
    /// staff · portal · all
    pub audience: Option<String>,
    /// Role codes (staff); empty: every role.
    pub roles: Option<Vec<String>>,
    pub station_id: Option<Option<Uuid>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_from: Option<Option<String>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_to: Option<Option<String>>,
    pub pinned: Option<bool>,
    pub version: Option<i64>,
}

fn instant(c: &mut Checks, field: &str, v: Option<&str>) -> Option<Ts> {
    let v = v.map(str::trim).filter(|v| !v.is_empty())?;
    if let Ok(t) = v.parse::<jiff::Timestamp>() {
        return Some(Ts(zt_domain::clock::micros(t)));
    }
    match v.parse::<jiff::civil::Date>().ok().and_then(|d| d.to_zoned(crate::shanghai()).ok()) {
        Some(z) => Some(Ts(z.timestamp())),
        None => {
            c.add(field, "datetime.invalid");
            None
        }
    }
}

async fn apply(tx: &mut Tx, n: &mut Notice, i: NoticeInput) -> Result<(), Error> {
    let mut c = Checks::new();
    if let Some(t) = i.title {
        n.title = t.trim().to_string();
    }
    c.text("title", &n.title, 100);
    if let Some(b) = i.body {
        n.body = b;
    }
    c.text("body", &n.body, 20_000);
    if let Some(a) = i.audience {
        one_of(&mut c, "audience", &a, &["staff", "portal", "all"]);
        n.audience = a;
    }
    if let Some(roles) = i.roles {
        if let Some(bad) = roles.iter().find(|r| auth::role(r).is_none()) {
            c.push(zt_domain::FieldError::new("roles", "role.unknown").with("role", bad.as_str()));
        }
        n.roles = serde_json::to_string(&roles).unwrap_or_else(|_| "[]".into());
    }
    if let Some(sid) = i.station_id {
        if let Some(sid) = sid {
            match zt_db::org::get::<zt_db::org::Station>(tx, "station", None, sid).await {
                Ok(s) if n.bureau_id.is_none_or(|b| b == s.bureau_id) => {}
                _ => c.add("station_id", "ref.not_found"),
            }
        }
        n.station_id = sid;
    }
    if let Some(v) = i.publish_from {
        n.publish_from = instant(&mut c, "publish_from", v.as_deref());
    }
    if let Some(v) = i.publish_to {
        n.publish_to = instant(&mut c, "publish_to", v.as_deref());
    }
    if let (Some(a), Some(b)) = (n.publish_from, n.publish_to) {
        if b <= a {
            c.add("publish_to", "date.before_start");
        }
    }
    if let Some(p) = i.pinned {
        n.pinned = p;
    }
    c.finish()
}

#[utoipa::path(post, path = "/api/notices", tag = "system", request_body = NoticeInput,
    responses((status = 201, body = NoticeView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<NoticeInput>,
) -> ApiResult<(StatusCode, Json<NoticeView>)> {
    let bureau = managed_bureau(&s.actor)?;
    let now = st.now();
    let mut n = Notice {
        id: Uuid::now_v7(),
        bureau_id: bureau,
        title: String::new(),
        body: String::new(),
        audience: "staff".into(),
        roles: "[]".into(),
        station_id: None,
        publish_from: None,
        publish_to: None,
        status: "draft".into(),
        pinned: false,
        created_by_name: s.actor.display_name.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut tx = st.db.write().await?;
    apply(&mut tx, &mut n, i).await?;
    repo::insert(&mut tx, &n).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "notice.create",
        "notice",
        Some(n.id.to_string()),
        format!("起草通知公告 {}", n.title),
        json!({"after": &n}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(NoticeView { read: false, roles: roles_of(&n), read_count: Some(0), notice: n })))
}

async fn change(st: &AppState, actor: &Actor, id: Uuid, i: NoticeInput, status: Option<&str>) -> Result<NoticeView, Error> {
    let mut tx = st.db.write().await?;
    let mut n = editable(&mut tx, actor, id).await?;
    let expected = i.version.ok_or_else(|| Error::field("version", "required"))?;
    if expected != n.version {
        return Err(Error::conflict("conflict.version"));
    }
    apply(&mut tx, &mut n, i).await?;
    if let Some(s) = status {
        n.status = s.into();
    }
    n.version += 1;
    n.updated_at = st.now();
    repo::save(&mut tx, &n, expected).await?;
    let (action, verb) = match status {
        Some("published") => ("notice.publish", "发布"),
        Some(_) => ("notice.withdraw", "撤回"),
        None => ("notice.update", "修改"),
    };
    record(&mut tx, st, actor, action, "notice", Some(n.id.to_string()), format!("{verb}通知公告 {}", n.title), json!({"after": &n}))
        .await?;
    let count = repo::receipts(&mut tx, n.id).await?.len();
    tx.commit().await?;
    Ok(NoticeView { read: false, roles: roles_of(&n), read_count: Some(count), notice: n })
}

#[utoipa::path(patch, path = "/api/notices/{id}", tag = "system", params(("id" = Uuid, Path)), request_body = NoticeInput,
    responses((status = 200, body = NoticeView)))]
pub async fn update(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<NoticeInput>) -> ApiResult<Json<NoticeView>> {
    Ok(Json(change(&st, &s.actor, id, i, None).await?))
}

#[utoipa::path(post, path = "/api/notices/{id}/publish", tag = "system", params(("id" = Uuid, Path)), request_body = NoticeInput,
    responses((status = 200, body = NoticeView)))]
pub async fn publish(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<NoticeInput>) -> ApiResult<Json<NoticeView>> {
    Ok(Json(change(&st, &s.actor, id, i, Some("published")).await?))
}

#[utoipa::path(post, path = "/api/notices/{id}/withdraw", tag = "system", params(("id" = Uuid, Path)), request_body = NoticeInput,
    responses((status = 200, body = NoticeView)))]
pub async fn withdraw(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<NoticeInput>,
) -> ApiResult<Json<NoticeView>> {
    Ok(Json(change(&st, &s.actor, id, i, Some("withdrawn")).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub read_at: Ts,
}

#[utoipa::path(get, path = "/api/notices/{id}/receipts", tag = "system", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Receipt>)))]
pub async fn receipts(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<Receipt>>> {
    let mut tx = st.db.read().await?;
    let n = editable(&mut tx, &s.actor, id).await?;
    let rows = repo::receipts(&mut tx, n.id).await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|(account_id, username, display_name, read_at)| Receipt { account_id, username, display_name, read_at })
            .collect(),
    ))
}
