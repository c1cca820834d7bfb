//! `/api/newsletters` (政策服务专递): an issue composed of policies and news items, sent to a list
//! of enterprises (a station's, a label's, an industry's, or all the bureau's) through the portal
//! inbox as a background job, with one delivery per enterprise (sent, read), and an archive the
//! enterprises read in the portal.

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
use serde_json::{Value as Json_, json};
use utoipa::ToSchema;
use uuid::Uuid;
use zt_db::Tx;
use zt_db::newsletter::{self as repo, Newsletter};
use zt_domain::check::Checks;
use zt_domain::scope::Actor;
use zt_domain::{Error, FieldError};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Item {
    /// policy · news
    pub kind: String,
    pub policy_id: Option<Uuid>,
    pub title: String,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Audience {
    pub station_id: Option<Uuid>,
    /// A label code held today.
    pub label: Option<String>,
    /// A GB/T 4754 section letter or code prefix.
    pub industry: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewsletterView {
    #[serde(flatten)]
    pub newsletter: Newsletter,
    pub items: Vec<Item>,
    pub audience: Audience,
    pub sent: i64,
    pub read: i64,
}

async fn view(tx: &mut Tx, n: Newsletter) -> Result<NewsletterView, Error> {
    let (sent, read) = repo::counts(tx, n.id).await?;
    Ok(NewsletterView {
        items: serde_json::from_str(&n.items).unwrap_or_default(),
        audience: serde_json::from_str(&n.audience).unwrap_or_default(),
        sent,
        read,
        newsletter: n,
    })
}

fn bureau_of(actor: &Actor) -> Result<Uuid, Error> {
    actor.scope.bureau().ok_or_else(Error::forbidden)
}

#[utoipa::path(get, path = "/api/newsletters", tag = "policy", responses((status = 200, body = Vec<NewsletterView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<NewsletterView>>> {
    s.actor.require("policy.read")?;
    let bureau = bureau_of(&s.actor)?;
    let mut tx = st.db.read().await?;
    let mut out = Vec::new();
    for n in repo::list(&mut tx, bureau, false).await? {
        out.push(view(&mut tx, n).await?);
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/newsletters/{id}", tag = "policy", params(("id" = Uuid, Path)), responses((status = 200, body = NewsletterView)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<NewsletterView>> {
    s.actor.require("policy.read")?;
    let mut tx = st.db.read().await?;
    let n = repo::get(&mut tx, Some(bureau_of(&s.actor)?), id).await?;
    let v = view(&mut tx, n).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsletterInput {
    pub issue_no: Option<String>,
    pub title: Option<String>,
    pub intro: Option<String>,
    pub items: Option<Vec<Item>>,
    pub audience: Option<Audience>,
    pub version: Option<i64>,
}

async fn apply(tx: &mut Tx, n: &mut Newsletter, i: NewsletterInput) -> Result<(), Error> {
    let mut c = Checks::new();
    if let Some(v) = i.issue_no {
        n.issue_no = v.trim().to_string();
    }
    c.text("issue_no", &n.issue_no, 40);
    if let Some(v) = i.title {
        n.title = v.trim().to_string();
    }
    c.text("title", &n.title, 100);
    if let Some(v) = i.intro {
        n.intro = v;
        c.opt_text("intro", Some(&n.intro), 5000);
    }
    if let Some(items) = i.items {
        for (k, it) in items.iter().enumerate() {
            let f = |x: &str| format!("items[{k}].{x}");
            one_of(&mut c, &f("kind"), &it.kind, &["policy", "news"]);
            if it.title.trim().is_empty() {
                c.push(FieldError::new(&f("title"), "required"));
            }
            if it.kind == "policy" {
                match it.policy_id {
                    Some(p) if zt_db::policy::get(tx, &zt_domain::scope::Scope::Bureau { bureau: n.bureau_id }, p).await.is_ok() => {}
                    _ => c.push(FieldError::new(&f("policy_id"), "ref.not_found")),
                }
            }
        }
        if items.is_empty() || items.len() > 30 {
            c.add("items", "newsletter.items");
        }
        n.items = serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    }
    if let Some(a) = i.audience {
        if let Some(sid) = a.station_id {
            match zt_db::org::get::<zt_db::org::Station>(tx, "station", None, sid).await {
                Ok(s) if s.bureau_id == n.bureau_id => {}
                _ => c.add("audience.station_id", "ref.not_found"),
            }
        }
        n.audience = serde_json::to_string(&a).unwrap_or_else(|_| "{}".into());
    }
    c.finish()
}

#[utoipa::path(post, path = "/api/newsletters", tag = "policy", request_body = NewsletterInput,
    responses((status = 201, body = NewsletterView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<NewsletterInput>,
) -> ApiResult<(StatusCode, Json<NewsletterView>)> {
    s.actor.require("policy.manage")?;
    let now = st.now();
    let mut n = Newsletter {
        id: Uuid::now_v7(),
        bureau_id: bureau_of(&s.actor)?,
        issue_no: String::new(),
        title: String::new(),
        intro: String::new(),
        items: "[]".into(),
        audience: "{}".into(),
        status: "draft".into(),
        job_id: None,
        created_by_name: s.actor.display_name.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
        sent_at: None,
    };
    let mut tx = st.db.write().await?;
    apply(&mut tx, &mut n, i).await?;
    if n.items == "[]" {
        return Err(Error::field("items", "newsletter.items").into());
    }
    repo::insert(&mut tx, &n).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "newsletter.create",
        "newsletter",
        Some(n.id.to_string()),
        format!("编辑政策服务专递 {}", n.issue_no),
        json!({"title": n.title}),
    )
    .await?;
    let v = view(&mut tx, n).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

async fn draft(tx: &mut Tx, actor: &Actor, id: Uuid, version: Option<i64>) -> Result<(Newsletter, i64), Error> {
    actor.require("policy.manage")?;
    let n = repo::get(tx, Some(bureau_of(actor)?), id).await?;
    let expected = version.ok_or_else(|| Error::field("version", "required"))?;
    if expected != n.version {
        return Err(Error::conflict("conflict.version"));
    }
    if n.status != "draft" {
        return Err(Error::conflict("newsletter.sent"));
    }
    Ok((n, expected))
}

#[utoipa::path(patch, path = "/api/newsletters/{id}", tag = "policy", params(("id" = Uuid, Path)), request_body = NewsletterInput,
    responses((status = 200, body = NewsletterView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<NewsletterInput>,
) -> ApiResult<Json<NewsletterView>> {
    let mut tx = st.db.write().await?;
    let (mut n, expected) = draft(&mut tx, &s.actor, id, i.version).await?;
    apply(&mut tx, &mut n, i).await?;
    n.version += 1;
    n.updated_at = st.now();
    repo::save(&mut tx, &n, expected).await?;
    let v = view(&mut tx, n).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    pub version: Option<i64>,
}

/// Sends the issue to its list as a background job.
#[utoipa::path(post, path = "/api/newsletters/{id}/send", tag = "policy", params(("id" = Uuid, Path)), request_body = SendInput,
    responses((status = 202, body = NewsletterView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn send(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<SendInput>,
) -> ApiResult<(StatusCode, Json<NewsletterView>)> {
    let mut tx = st.db.write().await?;
    let (mut n, expected) = draft(&mut tx, &s.actor, id, i.version).await?;
    let job = zt_db::jobs::enqueue(&mut tx, "newsletter.send", &json!({"newsletter": n.id}), Some(s.actor.account_id), st.now()).await?;
    n.status = "sending".into();
    n.job_id = Some(job);
    n.version += 1;
    n.updated_at = st.now();
    repo::save(&mut tx, &n, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "newsletter.send",
        "newsletter",
        Some(n.id.to_string()),
        format!("发送政策服务专递 {}", n.issue_no),
        json!({}),
    )
    .await?;
    let v = view(&mut tx, n).await?;
    tx.commit().await?;
    st.jobs_notify.notify_one();
    Ok((StatusCode::ACCEPTED, Json(v)))
}

fn render(n: &Newsletter, items: &[Item]) -> String {
    let mut out = String::new();
    if !n.intro.trim().is_empty() {
        out.push_str(n.intro.trim());
        out.push_str("\n\n");
    }
    for (k, it) in items.iter().enumerate() {
        let tag = if it.kind == "policy" { "【政策】" } else { "【资讯】" };
        out.push_str(&format!("{}. {tag}{}\n", k + 1, it.title));
        if !it.body.trim().is_empty() {
            out.push_str(it.body.trim());
            out.push('\n');
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Runs a `newsletter.send` job: every enterprise on the list not yet reached gets the issue in
/// its inbox, a batch per transaction; a rerun skips those reached.
pub async fn run_send(st: &AppState, job: &zt_db::jobs::Job) -> Result<(), Error> {
    let payload: Json_ = serde_json::from_str(&job.payload).map_err(|e| Error::internal(e.to_string()))?;
    let id =
        payload["newsletter"].as_str().and_then(|p| p.parse::<Uuid>().ok()).ok_or_else(|| Error::internal("newsletter job without id"))?;
    let mut tx = st.db.read().await?;
    let n = repo::get(&mut tx, None, id).await?;
    let items: Vec<Item> = serde_json::from_str(&n.items).unwrap_or_default();
    let a: Audience = serde_json::from_str(&n.audience).unwrap_or_default();
    let list = repo::audience(&mut tx, n.bureau_id, a.station_id, a.label.as_deref(), a.industry.as_deref(), st.today()).await?;
    let done: std::collections::HashSet<Uuid> = repo::delivered_to(&mut tx, id).await?.into_iter().collect();
    tx.commit().await?;
    let body = render(&n, &items);
    let todo: Vec<Uuid> = list.into_iter().filter(|e| !done.contains(e)).collect();
    for batch in todo.chunks(500) {
        let mut tx = st.db.write().await?;
        let now = st.now();
        for e in batch {
            let m = zt_db::push::InboxMessage {
                id: Uuid::now_v7(),
                enterprise_id: *e,
                kind: "newsletter".into(),
                title: format!("政策服务专递 {}：{}", n.issue_no, n.title),
                body: body.clone(),
                ref_type: "newsletter".into(),
                ref_id: Some(n.id.to_string()),
                created_at: now,
                read_at: None,
                read_by: None,
            };
            zt_db::push::insert_message(&mut tx, &m).await?;
            repo::insert_delivery(&mut tx, id, *e, m.id, now).await?;
        }
        tx.commit().await?;
    }
    let mut tx = st.db.write().await?;
    let mut n = repo::get(&mut tx, None, id).await?;
    let expected = n.version;
    n.status = "sent".into();
    n.sent_at = Some(st.now());
    n.version += 1;
    repo::save(&mut tx, &n, expected).await?;
    zt_db::jobs::finish(&mut tx, job.id, &json!({"sent": todo.len()}), st.now()).await?;
    tx.commit().await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalIssue {
    pub id: Uuid,
    pub issue_no: String,
    pub title: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<zt_db::Ts>,
    pub intro: String,
    pub items: Vec<Item>,
}

/// The archive of sent issues of the enterprise's district (the portal).
#[utoipa::path(get, path = "/api/portal/newsletters", tag = "portal", responses((status = 200, body = Vec<PortalIssue>)))]
pub async fn portal_archive(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<PortalIssue>>> {
    let mut tx = st.db.read().await?;
    let e = crate::portal::own_enterprise(&mut tx, &s.actor).await?.ok_or_else(|| Error::forbidden().with("permission", "portal.use"))?;
    let station = zt_db::org::get::<zt_db::org::Station>(&mut tx, "station", None, e.station_id).await?;
    let out = repo::list(&mut tx, station.bureau_id, true)
        .await?
        .into_iter()
        .map(|n| PortalIssue {
            id: n.id,
            items: serde_json::from_str(&n.items).unwrap_or_default(),
            issue_no: n.issue_no,
            title: n.title,
            sent_at: n.sent_at,
            intro: n.intro,
        })
        .collect();
    tx.commit().await?;
    Ok(Json(out))
}
