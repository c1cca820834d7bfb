//! `/api/reminders` (闹钟式提醒): rules that watch dated events, the sweep that finds what is
//! due, telling the right people on the right channels in office hours on working days, the
//! escalation when nobody acts, acknowledgement (已处理), and the staff inbox.
//!
//! A `reminder.tick` job runs the cycle every quarter of an hour in office hours and sleeps to
//! the next opening outside them. Every step writes with a key (a reminder per rule, subject,
//! due date and offset; a notification per reminder, level, channel and recipient), so a cycle
//! run twice, after a crash or on two instances at once, tells nobody twice.

use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::notify::{About, Text, To};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::notify::{self as outbox, Notification};
use zt_db::reminders::{self as repo, Reminder, Rule};
use zt_db::{Day, Sql, Ts, Tx};
use zt_domain::calendar::{Calendar, OfficeHours};
use zt_domain::reminders::{self as dom, RuleSpec, Vars};
use zt_domain::scope::Actor;
use zt_domain::{Error, auth};

pub const TICK: &str = "reminder.tick";
/// Minutes between cycles in office hours.
const TICK_MINUTES: i64 = 15;

// ------------------------------------------------------------------ rules

#[derive(Debug, Serialize, ToSchema)]
pub struct WatchView {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub default_offsets: Vec<i64>,
    pub filter_kind: Option<String>,
    pub placeholders: Vec<String>,
}

/// What rules can watch, with their default offsets and template placeholders.
#[utoipa::path(get, path = "/api/reminders/watches", tag = "reminders", responses((status = 200, body = Vec<WatchView>)))]
pub async fn watches(Authed(s): Authed) -> ApiResult<Json<Vec<WatchView>>> {
    s.actor.require("reminder.read")?;
    Ok(Json(
        dom::WATCHES
            .iter()
            .map(|w| WatchView {
                code: w.code.into(),
                label_zh: w.label_zh.into(),
                label_en: w.label_en.into(),
                default_offsets: w.default_offsets.to_vec(),
                filter_kind: w.filter_kind.map(str::to_string),
                placeholders: w.placeholders.iter().map(|p| p.to_string()).collect(),
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    #[serde(flatten)]
    pub rule: Rule,
    pub offsets: Vec<i64>,
    pub recipients: Vec<String>,
    pub channels: Vec<String>,
    /// The caller may change it: a bureau-wide rule by the bureau's staff, a station's by its own.
    pub editable: bool,
}

fn rule_view(r: Rule, actor: &Actor) -> RuleView {
    RuleView {
        offsets: r.offset_list(),
        recipients: r.recipient_list(),
        channels: r.channel_list(),
        editable: actor.can("reminder.manage") && (actor.scope.station().is_none() || actor.scope.station() == r.station_id),
        rule: r,
    }
}

/// A rule the caller sees: the bureau's own, or its station's.
fn sees(actor: &Actor, r: &Rule) -> bool {
    Some(r.bureau_id) == actor.scope.bureau()
        && (r.station_id.is_none() || actor.scope.station().is_none() || actor.scope.station() == r.station_id)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub name: String,
    pub watch: String,
    pub subject_filter: Option<String>,
    pub offsets: Vec<i64>,
    pub offset_unit: String,
    pub recipients: Vec<String>,
    pub channels: Vec<String>,
    pub escalate_after: Option<i64>,
    pub title_zh: String,
    pub body_zh: String,
    pub title_en: String,
    pub body_en: String,
    pub enabled: Option<bool>,
    /// The version read (updates only).
    pub version: Option<i64>,
}

impl RuleInput {
    fn spec(&self) -> Result<RuleSpec, Error> {
        let mut s = RuleSpec {
            name: self.name.trim().to_string(),
            watch: self.watch.clone(),
            subject_filter: self.subject_filter.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_string),
            offsets: self.offsets.clone(),
            offset_unit: self.offset_unit.clone(),
            recipients: self.recipients.clone(),
            channels: self.channels.clone(),
            escalate_after: self.escalate_after,
            title_zh: self.title_zh.trim().to_string(),
            body_zh: self.body_zh.trim().to_string(),
            title_en: self.title_en.trim().to_string(),
            body_en: self.body_en.trim().to_string(),
        };
        s.check()?;
        Ok(s)
    }
}

#[allow(clippy::too_many_arguments)]
fn rule_from(spec: RuleSpec, id: Uuid, bureau: Uuid, station: Option<Uuid>, enabled: bool, version: i64, created_at: Ts, now: Ts) -> Rule {
    Rule {
        id,
        bureau_id: bureau,
        station_id: station,
        name: spec.name,
        watch: spec.watch,
        subject_filter: spec.subject_filter,
        offsets: serde_json::to_string(&spec.offsets).expect("json"),
        offset_unit: spec.offset_unit,
        recipients: spec.recipients.join(","),
        channels: spec.channels.join(","),
        escalate_after: spec.escalate_after,
        title_zh: spec.title_zh,
        body_zh: spec.body_zh,
        title_en: spec.title_en,
        body_en: spec.body_en,
        enabled,
        version,
        created_at,
        updated_at: now,
    }
}

/// The bureau whose reminders the caller sees (a 404 for anyone without one).
fn bureau_of(actor: &Actor, perm: &str) -> Result<Uuid, Error> {
    actor.require(perm)?;
    actor.scope.bureau().ok_or_else(Error::forbidden)
}

#[utoipa::path(get, path = "/api/reminders/rules", tag = "reminders", responses((status = 200, body = Vec<RuleView>)))]
pub async fn rules(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<RuleView>>> {
    let bureau = bureau_of(&s.actor, "reminder.read")?;
    let mut tx = st.db.read().await?;
    let out = repo::rules(&mut tx, bureau).await?.into_iter().filter(|r| sees(&s.actor, r)).map(|r| rule_view(r, &s.actor)).collect();
    tx.commit().await?;
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/reminders/rules", tag = "reminders", request_body = RuleInput,
    responses((status = 201, body = RuleView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_rule(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<RuleInput>,
) -> ApiResult<(StatusCode, Json<RuleView>)> {
    let bureau = bureau_of(&s.actor, "reminder.manage")?;
    let spec = i.spec()?;
    let now = st.now();
    // a station manager's rule is the station's; a bureau leader's, the bureau's
    let r = rule_from(spec, Uuid::now_v7(), bureau, s.actor.scope.station(), i.enabled.unwrap_or(true), 1, now, now);
    let mut tx = st.db.write().await?;
    repo::insert_rule(&mut tx, &r).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "reminder.rule_create",
        "reminder_rule",
        Some(r.id.to_string()),
        format!("新建提醒规则 {}", r.name),
        json!(&r),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(rule_view(r, &s.actor))))
}

#[utoipa::path(put, path = "/api/reminders/rules/{id}", tag = "reminders", params(("id" = Uuid, Path)), request_body = RuleInput,
    responses((status = 200, body = RuleView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_rule(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<RuleInput>) -> ApiResult<Json<RuleView>> {
    let bureau = bureau_of(&s.actor, "reminder.manage")?;
    let spec = i.spec()?;
    let mut tx = st.db.write().await?;
    let old = repo::rule(&mut tx, id).await?.filter(|r| r.bureau_id == bureau && sees(&s.actor, r)).ok_or_else(Error::not_found)?;
    if !rule_view(old.clone(), &s.actor).editable {
        return Err(Error::new(zt_domain::ErrorKind::Forbidden, "reminder.bureau_rule").into());
    }
    let expected = i.version.unwrap_or(old.version);
    let r = rule_from(spec, id, bureau, old.station_id, i.enabled.unwrap_or(old.enabled), expected + 1, old.created_at, st.now());
    repo::save_rule(&mut tx, &r, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "reminder.rule_update",
        "reminder_rule",
        Some(id.to_string()),
        format!("修改提醒规则 {}", r.name),
        crate::audit_log::changes(&old, &r),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(rule_view(r, &s.actor)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Preview {
    pub title_zh: String,
    pub body_zh: String,
    pub title_en: String,
    pub body_en: String,
}

/// The rule's message as a recipient would read it, with sample values.
#[utoipa::path(post, path = "/api/reminders/rules/preview", tag = "reminders", request_body = RuleInput,
    responses((status = 200, body = Preview), (status = 422, body = crate::error::ErrorBody)))]
pub async fn preview(State(st): State<AppState>, Authed(s): Authed, Body(i): Body<RuleInput>) -> ApiResult<Json<Preview>> {
    s.actor.require("reminder.read")?;
    let spec = i.spec()?;
    let days = spec.offsets.first().copied().unwrap_or(30);
    let due = st.today().0.checked_add(jiff::Span::new().days(days)).map_err(|e| Error::internal(e.to_string()))?;
    let v = Vars {
        enterprise: "上海示例科技有限公司", subject: "食品经营许可证", due, days_left: days, station: "张江服务站"
    };
    Ok(Json(Preview {
        title_zh: dom::render(&spec.title_zh, &v, true),
        body_zh: dom::render(&spec.body_zh, &v, true),
        title_en: dom::render(&spec.title_en, &v, false),
        body_en: dom::render(&spec.body_en, &v, false),
    }))
}

// ------------------------------------------------------------------ reminders

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderView {
    #[serde(flatten)]
    pub reminder: Reminder,
    pub rule_name: String,
    pub watch: String,
    pub enterprise_name: String,
}

async fn views(tx: &mut Tx, rs: Vec<Reminder>) -> Result<Vec<ReminderView>, Error> {
    let mut rules = HashMap::new();
    let mut names = Names::default();
    let mut out = Vec::with_capacity(rs.len());
    for r in rs {
        let rule = rule_of(tx, &mut rules, r.rule_id).await?;
        let (rule_name, watch) = (rule.name.clone(), rule.watch.clone());
        out.push(ReminderView { rule_name, watch, enterprise_name: names.of(tx, r.enterprise_id).await?, reminder: r });
    }
    Ok(out)
}

/// A reminder's rule, read once per list or cycle.
async fn rule_of<'a>(tx: &mut Tx, cache: &'a mut HashMap<Uuid, Rule>, id: Uuid) -> Result<&'a Rule, Error> {
    if !cache.contains_key(&id) {
        let rule = repo::rule(tx, id).await?.ok_or_else(|| Error::internal("reminder without rule"))?;
        cache.insert(id, rule);
    }
    Ok(&cache[&id])
}

/// Enterprise names, each looked up once however often it is asked for.
#[derive(Default)]
struct Names(HashMap<Uuid, String>);

impl Names {
    async fn of(&mut self, tx: &mut Tx, id: Uuid) -> Result<String, Error> {
        if let Some(n) = self.0.get(&id) {
            return Ok(n.clone());
        }
        let n: Option<(String,)> = tx.opt(&Sql::new("SELECT name FROM enterprise WHERE id = $1").bind(id)).await?;
        let n = n.map(|n| n.0).unwrap_or_default();
        self.0.insert(id, n.clone());
        Ok(n)
    }
}

fn scoped(actor: &Actor) -> Result<repo::Filter, Error> {
    let bureau = bureau_of(actor, "reminder.read")?;
    Ok(repo::Filter { bureau: Some(bureau), stations: actor.scope.station().map(|s| vec![s]), ..Default::default() })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderQuery {
    pub enterprise_id: Option<Uuid>,
    /// due · notified · acknowledged
    pub status: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/reminders", tag = "reminders", params(ReminderQuery), responses((status = 200, body = Page<ReminderView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<ReminderQuery>) -> ApiResult<Json<Page<ReminderView>>> {
    let mut f = scoped(&s.actor)?;
    f.enterprise = q.enterprise_id;
    f.status = q.status.clone();
    let paging = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = paging.limit_offset();
    let mut tx = st.db.read().await?;
    let (rows, total) = repo::list(&mut tx, &f, limit, offset).await?;
    let items = views(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(Json(Page::new(items, total, &paging)))
}

/// An enterprise's reminders (its page's 提醒 tab); another station's enterprise is a 404.
#[utoipa::path(get, path = "/api/enterprises/{id}/reminders", tag = "reminders", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<ReminderView>)))]
pub async fn of_enterprise(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<ReminderView>>> {
    let mut tx = st.db.read().await?;
    crate::archive::visible(&mut tx, &s.actor, id).await?;
    let mut f = scoped(&s.actor)?;
    f.enterprise = Some(id);
    let (rows, _) = repo::list(&mut tx, &f, 200, 0).await?;
    let out = views(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(Json(out))
}

async fn ack(st: &AppState, tx: &mut Tx, r: &Reminder, by: Option<Uuid>, by_name: &str) -> Result<(), Error> {
    if !repo::acknowledge(tx, r.id, by, by_name, st.now()).await? {
        return Err(Error::conflict("reminder.already_acknowledged"));
    }
    zt_db::archive::record(
        tx,
        &zt_db::archive::TimelineEntry {
            id: Uuid::now_v7(),
            enterprise_id: r.enterprise_id,
            at: st.now(),
            kind: "reminder".into(),
            summary: format!("提醒已处理：{}（{} 到期）", r.subject, r.due_on.0),
            actor_id: by,
            actor_name: by_name.to_string(),
            ref_type: "reminder".into(),
            ref_id: Some(r.id.to_string()),
        },
    )
    .await
}

/// Marks a reminder handled (已处理): escalation stops and the enterprise page shows who did it.
#[utoipa::path(post, path = "/api/reminders/{id}/ack", tag = "reminders", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReminderView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn acknowledge(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<ReminderView>> {
    let f = scoped(&s.actor)?;
    let mut tx = st.db.write().await?;
    let r = repo::get(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    if f.bureau != Some(r.bureau_id) || f.stations.as_ref().is_some_and(|s| !s.contains(&r.station_id)) {
        return Err(Error::not_found().into());
    }
    ack(&st, &mut tx, &r, Some(s.actor.account_id), &s.actor.display_name).await?;
    record(&mut tx, &st, &s.actor, "reminder.ack", "reminder", Some(id.to_string()), format!("确认处理提醒：{}", r.subject), json!({}))
        .await?;
    let r = repo::get(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let v = views(&mut tx, vec![r]).await?.remove(0);
    tx.commit().await?;
    Ok(Json(v))
}

/// The enterprise acknowledges a reminder of its own from the portal.
#[utoipa::path(post, path = "/api/portal/reminders/{id}/ack", tag = "portal", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn portal_ack(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let e = crate::portal::own_enterprise(&mut tx, &s.actor).await?.ok_or_else(Error::forbidden)?;
    let r = repo::get(&mut tx, id).await?.filter(|r| r.enterprise_id == e.id).ok_or_else(Error::not_found)?;
    ack(&st, &mut tx, &r, Some(s.actor.account_id), &format!("{}（企业）", s.actor.display_name)).await?;
    record(&mut tx, &st, &s.actor, "reminder.ack", "reminder", Some(id.to_string()), format!("企业确认处理提醒：{}", r.subject), json!({}))
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The enterprise's own reminders, for the portal.
#[utoipa::path(get, path = "/api/portal/reminders", tag = "portal", responses((status = 200, body = Vec<ReminderView>)))]
pub async fn portal_list(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<ReminderView>>> {
    let mut tx = st.db.read().await?;
    let e = crate::portal::own_enterprise(&mut tx, &s.actor).await?.ok_or_else(Error::forbidden)?;
    let f = repo::Filter { enterprise: Some(e.id), ..Default::default() };
    let (rows, _) = repo::list(&mut tx, &f, 200, 0).await?;
    let out = views(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(Json(out))
}

// ------------------------------------------------------------------ upcoming (calendar)

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpcomingQuery {
    #[param(value_type = String, format = Date)]
    pub from: jiff::civil::Date,
    #[param(value_type = String, format = Date)]
    pub to: jiff::civil::Date,
    pub station_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Upcoming {
    #[schema(value_type = String, format = Date)]
    pub fire_on: Day,
    #[schema(value_type = String, format = Date)]
    pub due_on: Day,
    pub rule_id: Uuid,
    pub rule_name: String,
    pub watch: String,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub station_name: String,
    pub subject: String,
    pub offset: i64,
    /// planned · notified · acknowledged
    pub status: String,
    pub reminder_id: Option<Uuid>,
}

/// The reminders that fire between two dates (at most 92 days): those already sent and those
/// the rules will send, on the working day each will go out.
#[utoipa::path(get, path = "/api/reminders/upcoming", tag = "reminders", params(UpcomingQuery), responses((status = 200, body = Vec<Upcoming>)))]
pub async fn upcoming(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<UpcomingQuery>) -> ApiResult<Json<Vec<Upcoming>>> {
    let mut f = scoped(&s.actor)?;
    if let Some(want) = q.station_id {
        if f.stations.as_ref().is_some_and(|s| !s.contains(&want)) {
            return Err(Error::not_found().into());
        }
        f.stations = Some(vec![want]);
    }
    let (from, to) = (Day(q.from), Day(q.to));
    let span = q.from.until(q.to).map(|s| s.get_days()).unwrap_or(-1);
    if !(0..=92).contains(&span) {
        return Err(Error::field("to", "reminder.range").into());
    }
    let today = st.today();
    let mut tx = st.db.read().await?;
    let cal = zt_db::calendar::load(&mut tx, None).await?;
    let rules = repo::rules(&mut tx, f.bureau.expect("scoped")).await?;
    let station_names: HashMap<Uuid, String> =
        tx.all::<(Uuid, String)>(&Sql::new("SELECT id, name FROM station")).await?.into_iter().collect();
    let mut out = Vec::new();
    // sent ones
    let sent = repo::list(&mut tx, &repo::Filter { fire_from: Some(from), fire_to: Some(to), ..f.clone() }, 5000, 0).await?.0;
    for v in views(&mut tx, sent).await? {
        out.push(Upcoming {
            fire_on: v.reminder.fire_on,
            due_on: v.reminder.due_on,
            rule_id: v.reminder.rule_id,
            rule_name: v.rule_name,
            watch: v.watch,
            enterprise_id: v.reminder.enterprise_id,
            enterprise_name: v.enterprise_name,
            station_name: station_names.get(&v.reminder.station_id).cloned().unwrap_or_default(),
            subject: v.reminder.subject,
            offset: v.reminder.offset_days,
            status: if v.reminder.status == "acknowledged" { "acknowledged".into() } else { "notified".into() },
            reminder_id: Some(v.reminder.id),
        });
    }
    // planned ones: each offset's fire day in the range, from today on
    let mut names = Names::default();
    let start = if q.from > today.0 { q.from } else { today.0 };
    for rule in rules.iter().filter(|r| r.enabled && sees(&s.actor, r)) {
        let wd = rule.working_days();
        for &k in &rule.offset_list() {
            // the due dates whose fire day for offset k can fall in [start, to]
            // (a fire day moved past a holiday week may come up to ten days after due - k)
            let lo = if wd {
                cal.add_working_days(start, k - 1).value
            } else {
                start.checked_add(jiff::Span::new().days(k - 10)).unwrap_or(start)
            };
            let hi = if wd { cal.add_working_days(q.to, k + 1).value } else { q.to.checked_add(jiff::Span::new().days(k)).unwrap_or(q.to) };
            let report_year = if today.0.month() <= 6 { today.0.year() as i32 - 1 } else { today.0.year() as i32 };
            let found = repo::candidates(&mut tx, rule, Day(lo.yesterday().unwrap_or(lo)), Day(hi), k, report_year).await?;
            for c in found {
                if f.stations.as_ref().is_some_and(|s| !s.contains(&c.station_id)) {
                    continue;
                }
                let fire = dom::fire_on(c.due_on.0, k, wd, &cal);
                if fire < start || fire > q.to || fire > c.due_on.0 {
                    continue;
                }
                let enterprise_name = names.of(&mut tx, c.enterprise_id).await?;
                out.push(Upcoming {
                    fire_on: Day(fire),
                    due_on: c.due_on,
                    rule_id: rule.id,
                    rule_name: rule.name.clone(),
                    watch: rule.watch.clone(),
                    enterprise_id: c.enterprise_id,
                    enterprise_name,
                    station_name: station_names.get(&c.station_id).cloned().unwrap_or_default(),
                    subject: c.subject,
                    offset: k,
                    status: "planned".into(),
                    reminder_id: None,
                });
                if out.len() >= 5000 {
                    break;
                }
            }
        }
    }
    tx.commit().await?;
    out.sort_by(|a, b| (a.fire_on.0, &a.enterprise_name).cmp(&(b.fire_on.0, &b.enterprise_name)));
    Ok(Json(out))
}

// ------------------------------------------------------------------ inbox and delivery log

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    #[serde(flatten)]
    pub notification: Notification,
    pub enterprise_name: Option<String>,
    /// For reminders: whether it has been handled.
    pub acknowledged: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub unread: i64,
}

/// The caller's messages (reminders and escalations), newest first, with the unread count.
#[utoipa::path(get, path = "/api/inbox", tag = "reminders", responses((status = 200, body = Inbox)))]
pub async fn inbox(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Inbox>> {
    let mut tx = st.db.read().await?;
    let (items, unread) = outbox::inbox(&mut tx, s.actor.account_id, 200).await?;
    let sources: Vec<Uuid> = items.iter().filter(|n| n.source_type == "reminder").map(|n| n.source_id).collect();
    let acked = outbox::acknowledged_sources(&mut tx, &sources).await?;
    let mut names = Names::default();
    let mut out = Vec::with_capacity(items.len());
    for n in items {
        let enterprise_name = match n.enterprise_id {
            Some(e) => Some(names.of(&mut tx, e).await?),
            None => None,
        };
        out.push(InboxItem { acknowledged: acked.contains(&n.source_id), enterprise_name, notification: n });
    }
    tx.commit().await?;
    Ok(Json(Inbox { items: out, unread }))
}

#[utoipa::path(post, path = "/api/inbox/{id}/read", tag = "reminders", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn inbox_read(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    if !outbox::read(&mut tx, s.actor.account_id, id, st.now()).await? {
        return Err(Error::not_found().into());
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// inbox · email · webhook
    pub channel: Option<String>,
    /// queued · sending · sent · failed
    pub status: Option<String>,
    /// One reminder's or push's messages.
    pub source_id: Option<Uuid>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

/// The delivery log (发送记录): every message with its channel, state and failure reason.
#[utoipa::path(get, path = "/api/reminders/deliveries", tag = "reminders", params(DeliveryQuery), responses((status = 200, body = Page<Notification>)))]
pub async fn deliveries(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<DeliveryQuery>) -> ApiResult<Json<Page<Notification>>> {
    let bureau = bureau_of(&s.actor, "reminder.read")?;
    let paging = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = paging.limit_offset();
    let mut tx = st.db.read().await?;
    let (mut rows, total) =
        outbox::log(&mut tx, Some(bureau), q.channel.as_deref(), q.status.as_deref(), q.source_id, limit, offset).await?;
    tx.commit().await?;
    for n in &mut rows {
        n.address = crate::notify::mask_address(&n.channel, &n.address);
    }
    Ok(Json(Page::new(rows, total, &paging)))
}

/// The acknowledgement link of a reminder e-mail (no sign-in: the token names the reminder and
/// the recipient and carries their keyed hash). Answers a small page.
#[utoipa::path(get, path = "/api/reminders/ack/{token}", tag = "reminders", params(("token" = String, Path)), responses((status = 200, description = "HTML page")))]
pub async fn ack_link(
    State(st): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> ApiResult<axum::response::Html<String>> {
    let page = |zh: &str, en: &str| {
        axum::response::Html(format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>直通 · 提醒确认</title>\
             <body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#303133\"><h2>直通 Zhitong</h2>\
             <p style=\"font-size:1.1rem\">{zh}</p><p style=\"color:#909399\">{en}</p></body></html>"
        ))
    };
    let invalid = || page("确认链接无效或已过期。", "The acknowledgement link is invalid or has expired.");
    let Some((rid, who)) = crate::notify::check_ack_token(&st.cipher, &token) else { return Ok(invalid()) };
    let mut tx = st.db.write().await?;
    let Some(r) = repo::get(&mut tx, rid).await? else { return Ok(invalid()) };
    let name: Option<(String,)> = tx
        .opt(
            &Sql::new("SELECT recipient_name FROM notification WHERE source_id = $1 AND recipient_id = $2 AND channel = 'email' LIMIT 1")
                .bind(rid)
                .bind(who),
        )
        .await?;
    let Some((name,)) = name else { return Ok(invalid()) };
    if r.status == "acknowledged" {
        let by = r.acked_by_name.clone().unwrap_or_default();
        return Ok(page(&format!("该提醒此前已确认处理（{by}）。"), "This reminder had already been acknowledged."));
    }
    let by = format!("{name}（邮件确认）");
    ack(&st, &mut tx, &r, None, &by).await?;
    zt_db::audit::append(
        &mut tx,
        &zt_db::audit::Entry {
            at: st.now(),
            actor_id: None,
            actor_name: by.clone(),
            action: "reminder.ack".into(),
            target_type: "reminder".into(),
            target_id: Some(rid.to_string()),
            summary: format!("通过邮件链接确认处理提醒：{}", r.subject),
            detail: json!({"recipient": who}),
            ip: None,
            request_id: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(page(&format!("已确认处理：{}（{} 到期）。谢谢！", r.subject, r.due_on.0), "Marked as handled. Thank you."))
}

/// Sends a failed message again (重发), e.g. after the SMTP settings were fixed.
#[utoipa::path(post, path = "/api/reminders/deliveries/{id}/retry", tag = "reminders", params(("id" = Uuid, Path)),
    responses((status = 202), (status = 404, body = crate::error::ErrorBody)))]
pub async fn retry_delivery(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    let bureau = bureau_of(&s.actor, "reminder.manage")?;
    let mut tx = st.db.write().await?;
    if !outbox::requeue(&mut tx, id, bureau, st.now()).await? {
        return Err(Error::not_found().into());
    }
    record(&mut tx, &st, &s.actor, "notify.retry", "notification", Some(id.to_string()), "重发失败的通知".into(), json!({})).await?;
    tx.commit().await?;
    let st2 = st.clone();
    tokio::spawn(async move {
        let sent = async { crate::notify::deliver(&st2, &crate::notify::Channels::load(&st2).await?, None, 100).await }.await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "resending");
        }
    });
    Ok(StatusCode::ACCEPTED)
}

// ------------------------------------------------------------------ the cycle

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct TickReport {
    /// Outside office hours or not a working day: nothing was sent.
    pub skipped: bool,
    pub found: u64,
    pub notified: u64,
    pub escalated: u64,
    pub sent: u64,
    pub failed: u64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_run: Option<Ts>,
}

async fn hours_and_calendar(st: &AppState) -> Result<(Calendar, OfficeHours), Error> {
    let mut tx = st.db.read().await?;
    let cal = zt_db::calendar::load(&mut tx, None).await?;
    let hours = crate::calendar::clock_settings(&mut tx).await?.office_hours;
    tx.commit().await?;
    Ok((cal, OfficeHours::parse(&hours).unwrap_or_default()))
}

/// One reminder cycle: sweep, tell, escalate, send. Outside office hours it does nothing unless
/// `anytime` (the demo loader, which writes history).
pub async fn cycle(st: &AppState, anytime: bool) -> Result<TickReport, Error> {
    let (cal, hours) = hours_and_calendar(st).await?;
    let now = st.now();
    let tz = crate::shanghai();
    if !anytime && !dom::in_working_hours(now.0, &cal, &hours, &tz) {
        return Ok(TickReport {
            skipped: true,
            next_run: Some(Ts(dom::next_working_moment(now.0, &cal, &hours, &tz))),
            ..Default::default()
        });
    }
    let channels = crate::notify::Channels::load(st).await?;
    let mut r = TickReport { found: sweep(st, &cal).await?, ..Default::default() };
    r.notified = dispatch(st, &channels).await?;
    r.escalated = escalate(st, &cal, &channels).await?;
    let d = crate::notify::deliver(st, &channels, None, 1000).await?;
    (r.sent, r.failed) = (d.sent, d.failed);
    Ok(r)
}

/// Finds what every enabled rule's offsets catch today and records each as a reminder, once.
pub async fn sweep(st: &AppState, cal: &Calendar) -> Result<u64, Error> {
    let today = st.today();
    let report_year = if today.0.month() <= 6 { today.0.year() as i32 - 1 } else { today.0.year() as i32 };
    let mut tx = st.db.read().await?;
    let rules = repo::enabled_rules(&mut tx).await?;
    tx.commit().await?;
    let mut found = 0;
    for rule in rules {
        let mut tx = st.db.write().await?;
        let now = st.now();
        for w in dom::windows(&rule.offset_list(), rule.working_days(), today.0, cal) {
            let cs = repo::candidates(&mut tx, &rule, Day(w.after), Day(w.upto), w.offset, report_year).await?;
            let rows: Vec<Reminder> = cs
                .into_iter()
                .map(|c| Reminder {
                    id: Uuid::now_v7(),
                    rule_id: rule.id,
                    bureau_id: rule.bureau_id,
                    station_id: c.station_id,
                    enterprise_id: c.enterprise_id,
                    subject_id: c.subject_id,
                    subject: c.subject,
                    due_on: c.due_on,
                    offset_days: w.offset,
                    fire_on: today,
                    status: "due".into(),
                    level: 0,
                    handler_id: c.handler_id,
                    notified_at: None,
                    acked_at: None,
                    acked_by: None,
                    acked_by_name: None,
                    created_at: now,
                })
                .collect();
            found += repo::insert_reminders(&mut tx, &rows).await?;
        }
        tx.commit().await?;
    }
    Ok(found)
}

async fn staff_with_role(tx: &mut Tx, role: &str, station: Option<Uuid>, bureau: Uuid) -> Result<Vec<To>, Error> {
    let mut s = Sql::new(
        "SELECT a.id, a.display_name, a.email FROM account a JOIN account_role r ON r.account_id = a.id WHERE r.role = $1 AND a.status = 'active' AND a.bureau_id = $2",
    )
    .bind(role)
    .bind(bureau);
    if let Some(st) = station {
        s.push(" AND a.station_id = ").param(st);
    }
    s.push(" ORDER BY a.username");
    let rows: Vec<(Uuid, String, Option<String>)> = tx.all(&s).await?;
    Ok(rows.into_iter().map(|(id, name, email)| To { kind: "account", id, name, email }).collect())
}

/// Who a reminder goes to at `level`: the rule's recipients, then up the escalation chain.
async fn recipients(tx: &mut Tx, rule: &Rule, r: &Reminder, level: i64) -> Result<Vec<To>, Error> {
    let roles: Vec<String> = if level == 0 {
        rule.recipient_list()
    } else {
        match dom::escalation_target(level, &rule.recipient_list()) {
            Some(role) => vec![role.to_string()],
            None => return Ok(Vec::new()),
        }
    };
    let mut out = Vec::new();
    for role in roles {
        match role.as_str() {
            "contacts" => {
                out.push(To { kind: "enterprise", id: r.enterprise_id, name: String::new(), email: None });
                out.extend(crate::notify::contacts(tx, r.enterprise_id).await?);
            }
            "specialist" => match r.handler_id {
                Some(h) => {
                    let row: Option<(Uuid, String, Option<String>)> = tx
                        .opt(&Sql::new("SELECT id, display_name, email FROM account WHERE id = $1 AND status = 'active'").bind(h))
                        .await?;
                    out.extend(row.map(|(id, name, email)| To { kind: "account", id, name, email }));
                }
                None => out.extend(staff_with_role(tx, auth::SPECIALIST, Some(r.station_id), r.bureau_id).await?),
            },
            "station_manager" => out.extend(staff_with_role(tx, auth::STATION_MANAGER, Some(r.station_id), r.bureau_id).await?),
            "bureau_leader" => out.extend(staff_with_role(tx, auth::BUREAU_LEADER, None, r.bureau_id).await?),
            _ => {}
        }
    }
    Ok(out)
}

/// The messages of one reminder at one level, for every recipient on every channel of its rule.
async fn tell(st: &AppState, tx: &mut Tx, rule: &Rule, r: &Reminder, level: i64, channels: &crate::notify::Channels) -> Result<(), Error> {
    let now = st.now();
    let (ename, station): (String, String) = tx
        .one(
            &Sql::new("SELECT e.name, s.name FROM enterprise e JOIN station s ON s.id = e.station_id WHERE e.id = $1")
                .bind(r.enterprise_id),
        )
        .await?;
    let days_left = st.today().0.until(r.due_on.0).map(|s| s.get_days() as i64).unwrap_or(0);
    let v = Vars { enterprise: &ename, subject: &r.subject, due: r.due_on.0, days_left, station: &station };
    let (mut title, mut body) = (dom::render(&rule.title_zh, &v, true), dom::render(&rule.body_zh, &v, true));
    let (mut title_en, mut body_en) = (dom::render(&rule.title_en, &v, false), dom::render(&rule.body_en, &v, false));
    if level > 0 {
        let waited = rule.escalate_after.unwrap_or(0);
        title = format!("【升级提醒】{title}");
        body = format!("以下提醒已超过 {waited} 个工作日无人确认处理，请督办。\n{body}");
        title_en = format!("[Escalated] {title_en}");
        body_en = format!("Nobody has acknowledged this reminder for {waited} working days; please follow up.\n{body_en}");
    }
    let text = Text { title, body, title_en, body_en };
    let ack = (!channels.public_url.is_empty()).then(|| (channels.public_url.clone(), st.cipher.clone()));
    let about = About { source_type: "reminder", source_id: r.id, bureau_id: r.bureau_id, enterprise_id: r.enterprise_id, level, ack };
    let mut rows = Vec::new();
    for mut who in recipients(tx, rule, r, level).await? {
        if who.kind == "enterprise" {
            who.name = ename.clone();
        }
        for ch in rule.channel_list() {
            if ch == "inbox" && who.kind == "enterprise" {
                zt_db::push::insert_message(
                    tx,
                    &zt_db::push::InboxMessage {
                        id: Uuid::now_v7(),
                        enterprise_id: r.enterprise_id,
                        kind: "reminder".into(),
                        title: text.title.clone(),
                        body: text.body.clone(),
                        ref_type: "reminder".into(),
                        ref_id: Some(r.id.to_string()),
                        created_at: now,
                        read_at: None,
                        read_by: None,
                    },
                )
                .await?;
            }
            rows.extend(crate::notify::message(channels, &about, &ch, &who, &text, now));
        }
    }
    outbox::insert(tx, &rows).await?;
    zt_db::archive::record(
        tx,
        &zt_db::archive::TimelineEntry {
            id: Uuid::now_v7(),
            enterprise_id: r.enterprise_id,
            at: now,
            kind: "reminder".into(),
            summary: text.title,
            actor_id: None,
            actor_name: "系统（闹钟提醒）".into(),
            ref_type: "reminder".into(),
            ref_id: Some(r.id.to_string()),
        },
    )
    .await
}

/// Tells the rule's recipients of every reminder found and not yet told.
pub async fn dispatch(st: &AppState, channels: &crate::notify::Channels) -> Result<u64, Error> {
    let mut told = 0;
    let mut rules: HashMap<Uuid, Rule> = HashMap::new();
    loop {
        let mut tx = st.db.write().await?;
        let batch = repo::due(&mut tx, 200).await?;
        if batch.is_empty() {
            tx.commit().await?;
            return Ok(told);
        }
        for r in &batch {
            // another instance that got here first has claimed it
            if !repo::claim_due(&mut tx, r.id, st.now()).await? {
                continue;
            }
            let rule = rule_of(&mut tx, &mut rules, r.rule_id).await?;
            tell(st, &mut tx, rule, r, 0, channels).await?;
            told += 1;
        }
        tx.commit().await?;
    }
}

/// Tells the next person up of every reminder nobody acknowledged within its rule's working days.
pub async fn escalate(st: &AppState, cal: &Calendar, channels: &crate::notify::Channels) -> Result<u64, Error> {
    let today = st.today();
    let tz = crate::shanghai();
    // told today: not due for escalation before a working day has passed
    let midnight = today.0.to_zoned(tz.clone()).map(|z| Ts(z.timestamp())).unwrap_or(st.now());
    let mut tx = st.db.write().await?;
    let waiting = repo::unacknowledged(&mut tx, midnight, dom::ESCALATION.len() as i64).await?;
    let mut escalated = 0;
    let mut rules: HashMap<Uuid, Rule> = HashMap::new();
    for r in waiting {
        let rule = rule_of(&mut tx, &mut rules, r.rule_id).await?;
        let (Some(after), Some(at)) = (rule.escalate_after, r.notified_at) else { continue };
        let since = at.0.to_zoned(tz.clone()).date();
        if cal.working_days_between(since, today.0).value < after || dom::escalation_target(r.level + 1, &rule.recipient_list()).is_none() {
            continue;
        }
        if !repo::escalate(&mut tx, r.id, r.level, st.now()).await? {
            continue;
        }
        tell(st, &mut tx, rule, &r, r.level + 1, channels).await?;
        escalated += 1;
    }
    tx.commit().await?;
    Ok(escalated)
}

/// Makes sure one `reminder.tick` is waiting (one, whatever the number of instances).
pub async fn ensure_tick(st: &AppState) -> Result<(), Error> {
    let mut tx = st.db.write().await?;
    let payload = json!({});
    if !zt_db::jobs::pending(&mut tx, TICK, &payload).await? {
        zt_db::jobs::enqueue(&mut tx, TICK, &payload, None, st.now()).await?;
    }
    tx.commit().await
}

/// Runs a `reminder.tick` job and queues the next: in a quarter of an hour in office hours, at
/// the next opening outside them.
/// A failed cycle fails its job (retried, then a dead letter for the admins) and still leaves
/// the next cycle queued: one bad cycle does not stop the alarm clock.
pub async fn run_tick(st: &AppState, job: &zt_db::jobs::Job) -> Result<(), Error> {
    let outcome = cycle(st, false).await;
    let next = match &outcome {
        Ok(r) => r.next_run.unwrap_or(Ts(st.now().0 + jiff::SignedDuration::from_mins(TICK_MINUTES))),
        Err(_) => Ts(st.now().0 + jiff::SignedDuration::from_mins(TICK_MINUTES)),
    };
    let mut tx = st.db.write().await?;
    if let Ok(r) = &outcome {
        zt_db::jobs::finish(&mut tx, job.id, &json!(r), st.now()).await?;
    }
    // the next one, unless one is waiting already (a retried failure must not fork the chain)
    let others: i64 = tx
        .count(
            &Sql::new("SELECT count(*) FROM job WHERE kind = $1 AND status IN ('queued', 'paused') AND id <> $2").bind(TICK).bind(job.id),
        )
        .await?;
    if others == 0 {
        zt_db::jobs::enqueue_at(&mut tx, TICK, &json!({}), None, st.now(), next).await?;
    }
    tx.commit().await?;
    outcome.map(|_| ())
}

/// Runs a reminder cycle now (the rule page's 立即执行): in office hours only, like the job.
#[utoipa::path(post, path = "/api/reminders/run", tag = "reminders", responses((status = 200, body = TickReport)))]
pub async fn run_now(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<TickReport>> {
    bureau_of(&s.actor, "reminder.manage")?;
    Ok(Json(cycle(&st, false).await?))
}
