//! `/api/requests`: one-door requests (一门式) — intake at any window (通办), the slip check,
//! acceptance with a numbered receipt or a refusal kept forever, 补正, internal routing per
//! process type, suspension and extensions on the working-day clock, completion and delivery,
//! the work queue with warnings, and the figures.

use crate::archive::one_of;
use crate::audit_log::record;
use crate::calendar::{calendar_for, unit_of};
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::archive::{self as archive_repo, EnterpriseRow, TimelineEntry};
use zt_db::catalog::{self as catalog_repo, Item, Slip, SlipEntry};
use zt_db::org::{Department, Station};
use zt_db::requests::{self as repo, Event, Extension, RequestRow};
use zt_db::{Day, Ts, Tx};
use zt_domain::calendar::{Calendar, LimitUnit, OfficeHours};
use zt_domain::check::{Checks, is_phone};
use zt_domain::ident::mask_phone;
use zt_domain::requests::{Action, ProcessType, Stage, State as RState, Warning, allowed, route_target, warning};
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, FieldError};

/// Working days before the deadline that count as near-due (meta `request.near_due_days`).
pub const NEAR_DUE_DAYS: i64 = 2;

fn pt(r: &RequestRow) -> ProcessType {
    ProcessType::parse(&r.process_type).unwrap_or(ProcessType::OnSpot)
}
fn state(r: &RequestRow) -> RState {
    RState::parse(&r.state).unwrap_or(RState::Received)
}
fn stage(r: &RequestRow) -> Stage {
    Stage::parse(&r.stage).unwrap_or(Stage::Window)
}
fn unit(r: &RequestRow) -> LimitUnit {
    unit_of(&r.limit_unit).unwrap_or(LimitUnit::WorkingDays)
}
fn day_of(t: Ts) -> jiff::civil::Date {
    t.0.to_zoned(crate::shanghai()).date()
}
fn years_text(ys: &std::collections::BTreeSet<i16>) -> String {
    ys.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",")
}
fn years_of(text: &str) -> Vec<i64> {
    text.split(',').filter_map(|y| y.trim().parse().ok()).collect()
}

// ------------------------------------------------------------------ the clock

/// Recomputes the deadline: the item's limit plus paused and extension days from acceptance.
fn recompute(cal: &Calendar, r: &mut RequestRow) {
    if let Some(on) = r.accepted_on {
        let d = cal.deadline(on.0, r.limit_value + r.extended_days + r.paused_days, unit(r));
        r.deadline = Some(Day(d.value));
        r.missing_years = years_text(&d.missing_years);
    }
}

fn pause(r: &mut RequestRow, now: Ts) {
    if r.accepted_on.is_some() && r.paused_since.is_none() {
        r.paused_since = Some(now);
    }
}

/// Ends a pause: its days (working or natural, as the item counts) extend the deadline.
fn unpause(cal: &Calendar, r: &mut RequestRow, now: Ts) {
    if let Some(since) = r.paused_since.take() {
        let (a, b) = (day_of(since), day_of(now));
        let days = match unit(r) {
            LimitUnit::WorkingDays => cal.working_days_between(a, b).value,
            LimitUnit::NaturalDays => (b - a).get_days() as i64,
        };
        r.paused_days += days.max(0);
        recompute(cal, r);
    }
}

/// Working days left until the deadline (negative: overdue), counted from today or from the
/// start of a pause.
fn remaining(cal: &Calendar, r: &RequestRow, today: jiff::civil::Date) -> Option<i64> {
    let deadline = r.deadline?;
    if !state(r).is_open() {
        return None;
    }
    let from = r.paused_since.map(day_of).unwrap_or(today);
    Some(cal.working_days_between(from, deadline.0).value)
}

// ------------------------------------------------------------------ views

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    pub number: String,
    pub station_id: Uuid,
    pub station_name: String,
    pub item_id: Uuid,
    pub item_name: String,
    pub slip_version: i64,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub enterprise_uscc: String,
    pub process_type: String,
    pub process_type_name: String,
    pub channel: String,
    pub window_no: String,
    pub applicant_name: String,
    /// Masked (138****5678).
    pub applicant_phone: Option<String>,
    pub state: String,
    pub state_name: String,
    pub stage: String,
    pub stage_name: String,
    pub department_id: Option<Uuid>,
    pub handler_id: Option<Uuid>,
    pub intake_by_name: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub arrived_at: Option<Ts>,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = Date)]
    pub accepted_on: Option<Day>,
    pub limit_value: i64,
    pub limit_unit: String,
    pub paused: bool,
    pub paused_days: i64,
    pub extended_days: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<Day>,
    /// Years the calendar does not cover that the deadline passed through: show
    /// "calendar missing for YYYY".
    pub missing_years: Vec<i64>,
    pub remaining_working_days: Option<i64>,
    /// `none`, `near_due` or `overdue`.
    #[schema(value_type = String)]
    pub warning: Warning,
    pub checked: Vec<String>,
    pub refusal_reason: String,
    pub refused_entries: Vec<String>,
    pub missing_entries: Vec<String>,
    pub result: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<Ts>,
    pub delivered_to: String,
    pub delivery_method: String,
    pub delivered_by_name: String,
    pub note: String,
    /// Completed by the deadline (completed requests only).
    pub on_time: Option<bool>,
    pub version: i64,
}

fn json_list(v: &str) -> Vec<String> {
    serde_json::from_str(v).unwrap_or_default()
}

/// What showing a request needs besides the row: its station's calendar and the clock settings.
struct Ctx {
    cal: Calendar,
    today: jiff::civil::Date,
    near_due: i64,
    hours: OfficeHours,
}

fn view(st: &AppState, ctx: &Ctx, r: &RequestRow, names: (&str, &str, &str, &str)) -> RequestView {
    let rem = remaining(&ctx.cal, r, ctx.today);
    let on_time = match (r.completed_at, r.deadline) {
        (Some(c), Some(d)) => Some(day_of(c) <= d.0),
        _ => None,
    };
    RequestView {
        id: r.id,
        number: r.number.clone(),
        station_id: r.station_id,
        station_name: names.3.to_string(),
        item_id: r.item_id,
        item_name: names.2.to_string(),
        slip_version: r.slip_version,
        enterprise_id: r.enterprise_id,
        enterprise_name: names.0.to_string(),
        enterprise_uscc: names.1.to_string(),
        process_type: r.process_type.clone(),
        process_type_name: pt(r).name_zh().into(),
        channel: r.channel.clone(),
        window_no: r.window_no.clone(),
        applicant_name: r.applicant_name.clone(),
        applicant_phone: r.applicant_phone_enc.as_deref().and_then(|p| st.cipher.decrypt(p).ok()).map(|p| mask_phone(&p)),
        state: r.state.clone(),
        state_name: state(r).name_zh().into(),
        stage: r.stage.clone(),
        stage_name: stage(r).name_zh().into(),
        department_id: r.department_id,
        handler_id: r.handler_id,
        intake_by_name: r.intake_by_name.clone(),
        arrived_at: r.arrived_at,
        received_at: r.received_at,
        decided_at: r.decided_at,
        accepted_on: r.accepted_on,
        limit_value: r.limit_value,
        limit_unit: r.limit_unit.clone(),
        paused: r.paused_since.is_some(),
        paused_days: r.paused_days,
        extended_days: r.extended_days,
        deadline: r.deadline,
        missing_years: years_of(&r.missing_years),
        remaining_working_days: rem,
        warning: rem.map(|n| warning(n, ctx.near_due)).unwrap_or(Warning::None),
        checked: json_list(&r.checked),
        refusal_reason: r.refusal_reason.clone(),
        refused_entries: json_list(&r.refused_entries),
        missing_entries: json_list(&r.missing_entries),
        result: r.result.clone(),
        completed_at: r.completed_at,
        delivered_at: r.delivered_at,
        delivered_to: r.delivered_to.clone(),
        delivery_method: r.delivery_method.clone(),
        delivered_by_name: r.delivered_by_name.clone(),
        note: r.note.clone(),
        on_time,
        version: r.version,
    }
}

async fn ctx(st: &AppState, tx: &mut Tx, station: Option<Uuid>) -> Result<Ctx, Error> {
    let settings = crate::calendar::clock_settings(tx).await?;
    Ok(Ctx {
        cal: calendar_for(tx, station).await?,
        today: st.today().0,
        near_due: settings.near_due_days,
        hours: OfficeHours::parse(&settings.office_hours).unwrap_or_default(),
    })
}

pub(crate) async fn full_view(st: &AppState, tx: &mut Tx, r: &RequestRow) -> Result<RequestView, Error> {
    let c = ctx(st, tx, Some(r.station_id)).await?;
    full_view_with(st, tx, &c, r).await
}

async fn full_view_with(st: &AppState, tx: &mut Tx, c: &Ctx, r: &RequestRow) -> Result<RequestView, Error> {
    let e = archive_repo::get_unscoped(tx, r.enterprise_id).await?.ok_or_else(Error::not_found)?;
    let item: Item = catalog_repo::get(tx, &Scope::Bureau { bureau: r.bureau_id }, r.item_id).await?;
    let sn = archive_repo::station_name(tx, r.station_id).await?;
    Ok(view(st, c, r, (&e.name, &e.uscc, &item.name, &sn)))
}

// ------------------------------------------------------------------ intake

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    pub item_id: Option<Uuid>,
    /// The slip version the form showed; a newer one is a 409 `request.slip_changed`.
    pub slip_version: Option<i64>,
    pub enterprise_id: Option<Uuid>,
    pub uscc: Option<String>,
    /// `window` (default), `online` or `backoffice`.
    pub channel: Option<String>,
    /// The station taking it in (needed only by bureau-wide accounts).
    pub station_id: Option<Uuid>,
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub window_no: Option<String>,
    /// When the applicant took a queue ticket (for waiting-time figures).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub arrived_at: Option<String>,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/requests", tag = "requests", request_body = IntakeInput,
    responses((status = 201, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn intake(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<IntakeInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let actor = &s.actor;
    if !actor.can("request.intake") && !actor.can("request.handle") {
        return Err(Error::forbidden().into());
    }
    let bureau = actor.scope.bureau().ok_or_else(Error::forbidden)?;
    let mut c = Checks::new();
    let mut tx = st.db.write().await?;
    // the station taking it in
    let station = match (actor.scope.clone(), i.station_id) {
        (Scope::Station { station, .. }, _) | (Scope::Department { station: Some(station), .. }, _) => Some(station),
        (_, Some(sid)) => match zt_db::org::get::<Station>(&mut tx, "station", Some(&actor.scope), sid).await {
            Ok(s) => Some(s.id),
            Err(_) => {
                c.add("station_id", "ref.not_found");
                None
            }
        },
        // a bureau-level account files it under the enterprise's own station
        _ => None,
    };
    // the item: published, offered here
    let item = match i.item_id {
        None => {
            c.add("item_id", "required");
            None
        }
        Some(id) => match catalog_repo::get(&mut tx, &Scope::Bureau { bureau }, id).await {
            Ok(it) if it.status == "published" && (it.station_id.is_none() || it.station_id == station) => Some(it),
            Ok(_) => {
                c.add("item_id", "request.item_not_offered");
                None
            }
            Err(_) => {
                c.add("item_id", "ref.not_found");
                None
            }
        },
    };
    let process = item.as_ref().and_then(|it| ProcessType::parse(&it.process_type));
    let channel = i
        .channel
        .clone()
        .unwrap_or_else(|| if process == Some(ProcessType::BackofficeDirect) { "backoffice".into() } else { "window".into() });
    one_of(&mut c, "channel", &channel, &["window", "online", "backoffice"]);
    if process == Some(ProcessType::BackofficeDirect) && !actor.can("request.handle") {
        c.add("item_id", "request.backoffice_only");
    } else if process.is_some() && process != Some(ProcessType::BackofficeDirect) && !actor.can("request.intake") {
        return Err(Error::forbidden().into());
    }
    // the enterprise: any of the bureau's (通办), by id or USCC
    let enterprise: Option<EnterpriseRow> = match (i.enterprise_id, i.uscc.as_deref().map(str::trim).filter(|u| !u.is_empty())) {
        (Some(id), _) => archive_repo::get_unscoped(&mut tx, id).await?,
        (None, Some(u)) => match zt_domain::ident::uscc(u, "uscc") {
            Ok(code) => archive_repo::by_uscc_unscoped(&mut tx, &code).await?,
            Err(fe) => {
                c.push(fe);
                None
            }
        },
        (None, None) => {
            c.add("uscc", "required");
            None
        }
    };
    let enterprise = match enterprise {
        Some(e) => {
            let st_of = zt_db::org::get::<Station>(&mut tx, "station", None, e.station_id).await?;
            if st_of.bureau_id == bureau {
                Some(e)
            } else {
                c.add(if i.enterprise_id.is_some() { "enterprise_id" } else { "uscc" }, "request.enterprise_not_found");
                None
            }
        }
        None => {
            if !c.has("uscc") {
                c.add(if i.enterprise_id.is_some() { "enterprise_id" } else { "uscc" }, "request.enterprise_not_found");
            }
            None
        }
    };
    let applicant = i.applicant_name.clone().unwrap_or_default().trim().to_string();
    c.text("applicant_name", &applicant, 50);
    let phone = i.applicant_phone.clone().unwrap_or_default().trim().to_string();
    if !phone.is_empty() && !is_phone(&phone) {
        c.add("applicant_phone", "phone.invalid");
    }
    let window_no = i.window_no.clone().unwrap_or_default().trim().to_string();
    c.opt_text("window_no", Some(&window_no), 10);
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 500);
    let arrived_at = match i.arrived_at.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match v.parse::<jiff::Timestamp>() {
            Ok(t) if t <= st.now().0 && st.now().0.duration_since(t).as_secs() < 86_400 => Some(Ts(zt_domain::clock::micros(t))),
            Ok(_) => {
                c.add("arrived_at", "request.arrived_out_of_range");
                None
            }
            Err(_) => {
                c.add("arrived_at", "datetime.invalid");
                None
            }
        },
    };
    if i.slip_version.is_none() {
        c.add("slip_version", "required");
    }
    c.finish()?;
    let (item, enterprise) = (item.expect("checked"), enterprise.expect("checked"));
    let station = station.unwrap_or(enterprise.station_id);
    if item.station_id.is_some_and(|s| s != station) {
        return Err(Error::field("item_id", "request.item_not_offered").into());
    }
    if i.slip_version != Some(item.slip_version) {
        return Err(Error::conflict("request.slip_changed").with("version", item.slip_version).into());
    }
    let process = process.expect("checked");
    let r = take_in(
        &st,
        &mut tx,
        actor,
        NewRequest {
            bureau,
            station,
            item: &item,
            enterprise: enterprise.id,
            channel,
            window_no,
            applicant,
            phone,
            note,
            arrived_at,
            // taken in by the back office: its own department handles it
            department_id: match (process, actor.scope) {
                (ProcessType::BackofficeDirect, Scope::Department { department, .. }) => Some(department),
                (ProcessType::BackofficeDirect, _) => item.department_id,
                _ => None,
            },
            handler_id: (process == ProcessType::BackofficeDirect).then_some(actor.account_id),
            intake_by: Some(actor.account_id),
        },
    )
    .await?;
    let v = full_view(&st, &mut tx, &r).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// What a new request is made from, whoever takes it in (a window or the portal).
pub(crate) struct NewRequest<'a> {
    pub bureau: Uuid,
    pub station: Uuid,
    pub item: &'a Item,
    pub enterprise: Uuid,
    pub channel: String,
    pub window_no: String,
    pub applicant: String,
    pub phone: String,
    pub note: String,
    pub arrived_at: Option<Ts>,
    pub department_id: Option<Uuid>,
    pub handler_id: Option<Uuid>,
    /// The officer who took it in (none for the portal: a window officer checks it).
    pub intake_by: Option<Uuid>,
}

/// Numbers and stores a new request in the 待受理 state, with its event, timeline entry and
/// audit row.
pub(crate) async fn take_in(st: &AppState, tx: &mut Tx, actor: &Actor, n: NewRequest<'_>) -> Result<RequestRow, Error> {
    let now = st.now();
    let ymd = st.today().0.strftime("%Y%m%d").to_string();
    let seq = repo::next_number(tx, &ymd).await?;
    let process = ProcessType::parse(&n.item.process_type).unwrap_or(ProcessType::OnSpot);
    let r = RequestRow {
        id: Uuid::now_v7(),
        number: format!("SL{ymd}{seq:04}"),
        bureau_id: n.bureau,
        station_id: n.station,
        item_id: n.item.id,
        slip_version: n.item.slip_version,
        enterprise_id: n.enterprise,
        process_type: n.item.process_type.clone(),
        channel: n.channel,
        window_no: n.window_no,
        applicant_name: n.applicant,
        applicant_phone_enc: (!n.phone.is_empty()).then(|| st.cipher.encrypt(&n.phone)),
        applicant_phone_hash: (!n.phone.is_empty()).then(|| st.cipher.lookup_hash(&n.phone)),
        state: RState::Received.code().into(),
        stage: process.first_stage().code().into(),
        department_id: n.department_id,
        handler_id: n.handler_id,
        intake_by: n.intake_by,
        intake_by_name: actor.display_name.clone(),
        arrived_at: n.arrived_at,
        received_at: now,
        decided_at: None,
        accepted_on: None,
        limit_value: n.item.limit_value,
        limit_unit: n.item.limit_unit.clone(),
        paused_days: 0,
        paused_since: None,
        resume_state: None,
        extended_days: 0,
        deadline: None,
        missing_years: String::new(),
        checked: "[]".into(),
        refusal_reason: String::new(),
        refused_entries: "[]".into(),
        missing_entries: "[]".into(),
        result: String::new(),
        completed_at: None,
        delivered_at: None,
        delivered_to: String::new(),
        delivery_method: String::new(),
        delivered_by_name: String::new(),
        note: n.note,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert_many(tx, std::slice::from_ref(&r)).await?;
    let mut log = Log::new(&r, actor, now);
    let how = if r.channel == "online" { "网上申报" } else { "收件" };
    log.event("intake", "", RState::Received, &r, if r.channel == "online" { how } else { "" });
    log.write(tx, st, format!("{how}：{}（{}）", n.item.name, r.number)).await?;
    Ok(r)
}

/// The events, timeline entry and audit row of one step.
struct Log {
    events: Vec<Event>,
    request: Uuid,
    enterprise: Uuid,
    actor: Actor,
    at: Ts,
    action: String,
}

impl Log {
    fn new(r: &RequestRow, actor: &Actor, at: Ts) -> Log {
        Log { events: vec![], request: r.id, enterprise: r.enterprise_id, actor: actor.clone(), at, action: String::new() }
    }
    fn event(&mut self, kind: &str, from: &str, to: RState, r: &RequestRow, note: &str) {
        if self.action.is_empty() {
            self.action = kind.to_string();
        }
        self.events.push(Event {
            id: Uuid::now_v7(),
            request_id: self.request,
            at: self.at,
            kind: kind.into(),
            from_state: from.into(),
            to_state: to.code().into(),
            stage: r.stage.clone(),
            actor_id: Some(self.actor.account_id),
            actor_name: self.actor.display_name.clone(),
            department_id: r.department_id,
            department_name: String::new(),
            note: note.into(),
        });
    }
    async fn write(mut self, tx: &mut Tx, st: &AppState, summary: String) -> Result<(), Error> {
        for e in &mut self.events {
            if let Some(d) = e.department_id {
                e.department_name = zt_db::org::get::<Department>(tx, "department", None, d).await.map(|d| d.name).unwrap_or_default();
            }
        }
        repo::insert_events(tx, &self.events).await?;
        archive_repo::record(
            tx,
            &TimelineEntry {
                id: Uuid::now_v7(),
                enterprise_id: self.enterprise,
                at: self.at,
                kind: "request".into(),
                summary: format!("一门式办件 · {summary}"),
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.display_name.clone(),
                ref_type: "request".into(),
                ref_id: Some(self.request.to_string()),
            },
        )
        .await?;
        let detail = json!({"events": self.events.iter().map(|e| json!({"kind": e.kind, "from": e.from_state, "to": e.to_state, "stage": e.stage, "note": e.note})).collect::<Vec<_>>()});
        record(tx, st, &self.actor, &format!("request.{}", self.action), "service_request", Some(self.request.to_string()), summary, detail)
            .await
    }
}

// ------------------------------------------------------------------ steps

/// Which requests the caller sees: staff those of their scope; a portal account its own
/// enterprise's, and nothing else.
pub(crate) struct Reach {
    scope: Scope,
    enterprise: Option<Uuid>,
}

pub(crate) async fn reach(tx: &mut Tx, actor: &Actor) -> Result<Reach, Error> {
    if !actor.can("request.read") {
        if let Some(e) = crate::portal::own_enterprise(tx, actor).await? {
            let station = zt_db::org::get::<Station>(tx, "station", None, e.station_id).await?;
            return Ok(Reach { scope: Scope::Bureau { bureau: station.bureau_id }, enterprise: Some(e.id) });
        }
    }
    actor.require("request.read")?;
    Ok(Reach { scope: actor.scope, enterprise: None })
}

/// The officer who checks an online submission becomes its intake officer (receipt, notice,
/// figures per person): the portal account only submitted it.
fn take_over(r: &mut RequestRow, actor: &Actor) {
    if r.intake_by.is_none() && r.channel == "online" {
        r.intake_by = Some(actor.account_id);
        r.intake_by_name = actor.display_name.clone();
    }
}

/// Where a request was taken in, for printed documents: a window, or online.
fn counter(station: &str, r: &RequestRow) -> String {
    if r.window_no.is_empty() { format!("{station}（网上受理）") } else { format!("{station} {}号窗口", r.window_no) }
}

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<RequestRow, Error> {
    let reach = reach(tx, actor).await?;
    let read = match repo::get(tx, &reach.scope, actor.account_id, id).await {
        Ok(r) if reach.enterprise.is_some_and(|e| e != r.enterprise_id) => Err(Error::not_found()),
        other => other,
    };
    crate::org::or_denied(tx, read, "service_request", id).await
}

/// The version the client saw must be the current one: two officers acting at once get a
/// conflict, and nothing is overwritten.
fn expect_version(r: &RequestRow, v: Option<i64>) -> Result<i64, Error> {
    let v = v.ok_or_else(|| Error::field("version", "required"))?;
    if v != r.version {
        return Err(Error::conflict("conflict.version"));
    }
    Ok(v)
}

fn ensure(r: &RequestRow, action: Action) -> Result<(), Error> {
    if allowed(pt(r), state(r), stage(r), r.accepted_on.is_some(), action) {
        Ok(())
    } else {
        Err(Error::conflict("request.transition").with("action", action.code()).with("state", state(r).name_zh()))
    }
}

/// Who may take a step: window steps need `request.intake`, back-office steps `request.handle`.
fn may(actor: &Actor, r: &RequestRow, action: Action) -> Result<(), Error> {
    let window = stage(r) == Stage::Window || stage(r) == Stage::Delivery;
    let perm = match action {
        Action::Accept | Action::Refuse | Action::MaterialsReceived | Action::RequestMaterials if window => "request.intake",
        Action::Deliver => "request.intake",
        Action::Route if window => "request.intake",
        Action::Extend if window => "request.intake",
        _ => "request.handle",
    };
    actor.require(perm)
}

/// Saves the row (version + 1), its events, the timeline entry and the audit row.
/// `c`: the context a step already loaded for its clock (else loaded here for the answer).
async fn commit(
    st: &AppState,
    mut tx: Tx,
    mut r: RequestRow,
    expected: i64,
    log: Log,
    summary: String,
    c: Option<Ctx>,
) -> Result<RequestView, Error> {
    r.version = expected + 1;
    r.updated_at = st.now();
    repo::save(&mut tx, &r, expected).await?;
    log.write(&mut tx, st, summary).await?;
    let c = match c {
        Some(c) => c,
        None => ctx(st, &mut tx, Some(r.station_id)).await?,
    };
    let v = full_view_with(st, &mut tx, &c, &r).await?;
    tx.commit().await?;
    Ok(v)
}

async fn item_name(tx: &mut Tx, r: &RequestRow) -> String {
    catalog_repo::get(tx, &Scope::Bureau { bureau: r.bureau_id }, r.item_id).await.map(|i| i.name).unwrap_or_default()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// Keys of the slip entries the officer ticked.
    #[serde(default)]
    pub checked: Vec<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/accept", tag = "requests", params(("id" = Uuid, Path)), request_body = AcceptInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn accept(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<AcceptInput>) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Accept)?;
    ensure(&r, Action::Accept)?;
    let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?.ok_or_else(|| Error::internal("slip version missing"))?;
    let unknown: Vec<&String> = i.checked.iter().filter(|k| !slip.entries.iter().any(|e| &e.key == *k)).collect();
    let unticked: Vec<&SlipEntry> = slip.entries.iter().filter(|e| e.required && !i.checked.contains(&e.key)).collect();
    let mut c = Checks::new();
    if !unknown.is_empty() {
        c.push(
            FieldError::new("checked", "request.unknown_entries")
                .with("keys", unknown.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")),
        );
    }
    if !unticked.is_empty() {
        c.push(
            FieldError::new("checked", "request.unticked")
                .with("entries", unticked.iter().map(|e| e.text.as_str()).collect::<Vec<_>>().join("；")),
        );
    }
    c.finish()?;
    let now = st.now();
    let c = ctx(&st, &mut tx, Some(r.station_id)).await?;
    r.checked = serde_json::to_string(&i.checked).unwrap_or_else(|_| "[]".into());
    r.decided_at = Some(now);
    take_over(&mut r, &s.actor);
    r.accepted_on = Some(st.today());
    r.missing_entries = "[]".into();
    recompute(&c.cal, &mut r);
    let mut log = Log::new(&r, &s.actor, now);
    let p = pt(&r);
    r.state = RState::InProgress.code().into();
    log.event("accept", "received", RState::InProgress, &r, "");
    let name = item_name(&mut tx, &r).await;
    let mut summary = format!("受理：{}（{}），办结时限 {}", name, r.number, r.deadline.map(|d| d.0.to_string()).unwrap_or_default());
    if p == ProcessType::OnSpot {
        // handled on the spot: completed and handed over in the same visit
        r.state = RState::Completed.code().into();
        r.completed_at = Some(now);
        r.result = "当场办结".into();
        log.event("complete", "in_progress", RState::Completed, &r, "当场办结");
        r.state = RState::Delivered.code().into();
        r.delivered_at = Some(now);
        r.delivered_to = r.applicant_name.clone();
        r.delivery_method = "window".into();
        r.delivered_by_name = s.actor.display_name.clone();
        log.event("deliver", "completed", RState::Delivered, &r, "窗口当场出件");
        summary = format!("当场办结并出件：{}（{}）", name, r.number);
    }
    Ok(Json(commit(&st, tx, r, expected, log, summary, Some(c)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseInput {
    /// Keys of the slip entries that were not met.
    #[serde(default)]
    pub unchecked: Vec<String>,
    pub reason: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/refuse", tag = "requests", params(("id" = Uuid, Path)), request_body = RefuseInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn refuse(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<RefuseInput>) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Refuse)?;
    ensure(&r, Action::Refuse)?;
    let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?.ok_or_else(|| Error::internal("slip version missing"))?;
    let mut c = Checks::new();
    let reason = i.reason.clone().unwrap_or_default().trim().to_string();
    c.text("reason", &reason, 500);
    if i.unchecked.is_empty() {
        c.add("unchecked", "request.refusal_needs_entries");
    }
    if i.unchecked.iter().any(|k| !slip.entries.iter().any(|e| &e.key == k)) {
        c.add("unchecked", "request.unknown_entries");
    }
    c.finish()?;
    let now = st.now();
    r.state = RState::Refused.code().into();
    r.decided_at = Some(now);
    take_over(&mut r, &s.actor);
    r.refusal_reason = reason.clone();
    r.refused_entries = serde_json::to_string(&i.unchecked).unwrap_or_else(|_| "[]".into());
    let mut log = Log::new(&r, &s.actor, now);
    log.event("refuse", "received", RState::Refused, &r, &reason);
    let name = item_name(&mut tx, &r).await;
    let summary = format!("不予受理：{}（{}），理由：{}", name, r.number, reason);
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsInput {
    /// Keys of the slip entries still missing (补正).
    #[serde(default)]
    pub missing: Vec<String>,
    pub note: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/request-materials", tag = "requests", params(("id" = Uuid, Path)), request_body = MaterialsInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn request_materials(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<MaterialsInput>,
) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::RequestMaterials)?;
    ensure(&r, Action::RequestMaterials)?;
    let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?.ok_or_else(|| Error::internal("slip version missing"))?;
    let mut c = Checks::new();
    if i.missing.is_empty() {
        c.add("missing", "required");
    }
    if i.missing.iter().any(|k| !slip.entries.iter().any(|e| &e.key == k)) {
        c.add("missing", "request.unknown_entries");
    }
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 500);
    c.finish()?;
    let now = st.now();
    let from = r.state.clone();
    r.resume_state = Some(from.clone());
    r.state = RState::AwaitingMaterials.code().into();
    r.missing_entries = serde_json::to_string(&i.missing).unwrap_or_else(|_| "[]".into());
    pause(&mut r, now);
    let mut log = Log::new(&r, &s.actor, now);
    let texts: Vec<&str> = slip.entries.iter().filter(|e| i.missing.contains(&e.key)).map(|e| e.text.as_str()).collect();
    log.event(
        "request_materials",
        &from,
        RState::AwaitingMaterials,
        &r,
        &format!("需补正：{}{}", texts.join("；"), if note.is_empty() { String::new() } else { format!("。{note}") }),
    );
    let summary = format!("一次性告知补正（{}）：{}", r.number, texts.join("；"));
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub note: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/materials-received", tag = "requests", params(("id" = Uuid, Path)), request_body = NoteInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn materials_received(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<NoteInput>,
) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::MaterialsReceived)?;
    ensure(&r, Action::MaterialsReceived)?;
    let now = st.now();
    let c = ctx(&st, &mut tx, Some(r.station_id)).await?;
    unpause(&c.cal, &mut r, now);
    let back = RState::parse(r.resume_state.as_deref().unwrap_or("received")).unwrap_or(RState::Received);
    r.state = back.code().into();
    r.resume_state = None;
    r.missing_entries = "[]".into();
    let note = i.note.clone().unwrap_or_default();
    let mut log = Log::new(&r, &s.actor, now);
    log.event("materials_received", "awaiting_materials", back, &r, note.trim());
    let summary = format!("补正材料已收齐（{}）", r.number);
    Ok(Json(commit(&st, tx, r, expected, log, summary, Some(c)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteInput {
    /// The department taking over (required when handing to a division).
    pub department_id: Option<Uuid>,
    pub handler_id: Option<Uuid>,
    pub note: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/route", tag = "requests", params(("id" = Uuid, Path)), request_body = RouteInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn route(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<RouteInput>) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Route)?;
    ensure(&r, Action::Route)?;
    let target = route_target(pt(&r), stage(&r));
    let mut c = Checks::new();
    let bureau = Scope::Bureau { bureau: r.bureau_id };
    let dept = match i.department_id {
        Some(d) => match zt_db::org::get::<Department>(&mut tx, "department", Some(&bureau), d).await {
            Ok(d) => Some(d),
            Err(_) => {
                c.add("department_id", "ref.not_found");
                None
            }
        },
        None => None,
    };
    if target == Stage::Division && dept.is_none() && !c.has("department_id") {
        c.add("department_id", "required");
    }
    if target == stage(&r) && dept.is_none() && i.handler_id.is_none() {
        c.add("department_id", "request.route_needs_target");
    }
    if let Some(h) = i.handler_id {
        match zt_db::accounts::by_id_unscoped(&mut tx, h).await? {
            Some(a) if a.bureau_id == Some(r.bureau_id) && a.status == "active" => {}
            _ => c.add("handler_id", "ref.not_found"),
        }
    }
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 500);
    c.finish()?;
    let now = st.now();
    let from_stage = stage(&r);
    r.stage = target.code().into();
    if let Some(d) = &dept {
        r.department_id = Some(d.id);
    }
    r.handler_id = i.handler_id;
    let mut log = Log::new(&r, &s.actor, now);
    let to_name = dept.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| target.name_zh().to_string());
    log.event(
        "route",
        "in_progress",
        RState::InProgress,
        &r,
        &format!(
            "{} → {}（{}）{}",
            from_stage.name_zh(),
            target.name_zh(),
            to_name,
            if note.is_empty() { String::new() } else { format!("：{note}") }
        ),
    );
    let summary = format!("内部流转（{}）：{} → {}", r.number, from_stage.name_zh(), to_name);
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/suspend", tag = "requests", params(("id" = Uuid, Path)), request_body = ReasonInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn suspend(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<ReasonInput>,
) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Suspend)?;
    ensure(&r, Action::Suspend)?;
    let reason = i.reason.clone().unwrap_or_default().trim().to_string();
    let mut c = Checks::new();
    c.text("reason", &reason, 500);
    c.finish()?;
    let now = st.now();
    r.state = RState::Suspended.code().into();
    pause(&mut r, now);
    let mut log = Log::new(&r, &s.actor, now);
    log.event("suspend", "in_progress", RState::Suspended, &r, &reason);
    let summary = format!("挂起计时（{}）：{}", r.number, reason);
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[utoipa::path(post, path = "/api/requests/{id}/resume", tag = "requests", params(("id" = Uuid, Path)), request_body = NoteInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn resume(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<NoteInput>) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Resume)?;
    ensure(&r, Action::Resume)?;
    let now = st.now();
    let c = ctx(&st, &mut tx, Some(r.station_id)).await?;
    let before = r.deadline;
    unpause(&c.cal, &mut r, now);
    r.state = RState::InProgress.code().into();
    let mut log = Log::new(&r, &s.actor, now);
    let moved = format!(
        "办结时限 {} → {}",
        before.map(|d| d.0.to_string()).unwrap_or_default(),
        r.deadline.map(|d| d.0.to_string()).unwrap_or_default()
    );
    log.event(
        "resume",
        "suspended",
        RState::InProgress,
        &r,
        &format!(
            "{}{}",
            i.note.clone().unwrap_or_default().trim(),
            if before != r.deadline { format!("（{moved}）") } else { String::new() }
        ),
    );
    let summary = format!("恢复计时（{}）：{}", r.number, moved);
    Ok(Json(commit(&st, tx, r, expected, log, summary, Some(c)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    pub result: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/complete", tag = "requests", params(("id" = Uuid, Path)), request_body = CompleteInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn complete(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<CompleteInput>,
) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Complete)?;
    ensure(&r, Action::Complete)?;
    let result = i.result.clone().unwrap_or_default().trim().to_string();
    let mut c = Checks::new();
    c.text("result", &result, 1000);
    c.finish()?;
    let now = st.now();
    r.state = RState::Completed.code().into();
    r.completed_at = Some(now);
    r.result = result.clone();
    if pt(&r).delivers_at_window() {
        r.stage = Stage::Delivery.code().into();
        r.handler_id = None;
    }
    let mut log = Log::new(&r, &s.actor, now);
    log.event("complete", "in_progress", RState::Completed, &r, &result);
    let summary = format!("办结（{}）：{}", r.number, result);
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverInput {
    pub delivered_to: Option<String>,
    /// `window`, `mail` or `online`.
    pub method: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/deliver", tag = "requests", params(("id" = Uuid, Path)), request_body = DeliverInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn deliver(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<DeliverInput>,
) -> ApiResult<Json<RequestView>> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, &s.actor, id).await?;
    let expected = expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Deliver)?;
    ensure(&r, Action::Deliver)?;
    let to = i.delivered_to.clone().unwrap_or_default().trim().to_string();
    let method = i.method.clone().unwrap_or_else(|| "window".into());
    let mut c = Checks::new();
    c.text("delivered_to", &to, 50);
    one_of(&mut c, "method", &method, &["window", "mail", "online"]);
    c.finish()?;
    let now = st.now();
    r.state = RState::Delivered.code().into();
    r.delivered_at = Some(now);
    r.delivered_to = to.clone();
    r.delivery_method = method;
    r.delivered_by_name = s.actor.display_name.clone();
    let mut log = Log::new(&r, &s.actor, now);
    log.event("deliver", "completed", RState::Delivered, &r, &format!("领取人：{to}"));
    let summary = format!("窗口出件（{}）：领取人 {}", r.number, to);
    Ok(Json(commit(&st, tx, r, expected, log, summary, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    pub days: Option<i64>,
    pub reason: Option<String>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/requests/{id}/extensions", tag = "requests", params(("id" = Uuid, Path)), request_body = ExtensionInput,
    responses((status = 201, body = Extension), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn request_extension(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<ExtensionInput>,
) -> ApiResult<(StatusCode, Json<Extension>)> {
    let mut tx = st.db.write().await?;
    let r = load(&mut tx, &s.actor, id).await?;
    expect_version(&r, i.version)?;
    may(&s.actor, &r, Action::Extend)?;
    ensure(&r, Action::Extend)?;
    let mut c = Checks::new();
    match i.days {
        None => c.add("days", "required"),
        Some(d) => c.range("days", d, 1, 60),
    }
    let reason = i.reason.clone().unwrap_or_default().trim().to_string();
    c.text("reason", &reason, 500);
    if repo::extensions(&mut tx, r.id).await?.iter().any(|x| x.state == "pending") {
        c.add("days", "request.extension_pending");
    }
    c.finish()?;
    let now = st.now();
    let x = Extension {
        id: Uuid::now_v7(),
        request_id: r.id,
        days: i.days.expect("checked"),
        reason: reason.clone(),
        state: "pending".into(),
        requested_by: Some(s.actor.account_id),
        requested_by_name: s.actor.display_name.clone(),
        requested_at: now,
        decided_by: None,
        decided_by_name: String::new(),
        decided_at: None,
        decision_note: String::new(),
    };
    repo::insert_extension(&mut tx, &x).await?;
    let mut log = Log::new(&r, &s.actor, now);
    log.event("extension_requested", &r.state, state(&r), &r, &format!("申请延期 {} 个工作日：{}", x.days, reason));
    log.write(&mut tx, &st, format!("申请延期（{}）：{} 天，{}", r.number, x.days, reason)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(x)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub note: Option<String>,
}

async fn decide(st: &AppState, actor: &Actor, id: Uuid, eid: Uuid, approve: bool, note: String) -> Result<RequestView, Error> {
    let mut tx = st.db.write().await?;
    let mut r = load(&mut tx, actor, id).await?;
    actor.require("request.approve")?;
    let mut x = repo::extensions(&mut tx, r.id).await?.into_iter().find(|x| x.id == eid).ok_or_else(Error::not_found)?;
    if x.state != "pending" {
        return Err(Error::conflict("request.extension_decided"));
    }
    if x.requested_by == Some(actor.account_id) {
        return Err(Error::conflict("request.extension_self"));
    }
    let now = st.now();
    x.state = if approve { "approved" } else { "rejected" }.into();
    x.decided_by = Some(actor.account_id);
    x.decided_by_name = actor.display_name.clone();
    x.decided_at = Some(now);
    x.decision_note = note.trim().to_string();
    if !repo::decide_extension(&mut tx, &x).await? {
        return Err(Error::conflict("request.extension_decided"));
    }
    let expected = r.version;
    let before = r.deadline;
    let c = ctx(st, &mut tx, Some(r.station_id)).await?;
    if approve {
        r.extended_days += x.days;
        recompute(&c.cal, &mut r);
    }
    let mut log = Log::new(&r, actor, now);
    let text = if approve {
        format!(
            "批准延期 {} 个工作日，办结时限 {} → {}",
            x.days,
            before.map(|d| d.0.to_string()).unwrap_or_default(),
            r.deadline.map(|d| d.0.to_string()).unwrap_or_default()
        )
    } else {
        format!("不批准延期：{}", x.decision_note)
    };
    log.event(if approve { "extension_approved" } else { "extension_rejected" }, &r.state, state(&r), &r, &text);
    let summary = format!("延期审批（{}）：{}", r.number, text);
    commit(st, tx, r, expected, log, summary, Some(c)).await
}

#[utoipa::path(post, path = "/api/requests/{id}/extensions/{eid}/approve", tag = "requests", params(("id" = Uuid, Path), ("eid" = Uuid, Path)), request_body = DecisionInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn approve_extension(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((id, eid)): Path<(Uuid, Uuid)>,
    Body(i): Body<DecisionInput>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(decide(&st, &s.actor, id, eid, true, i.note.unwrap_or_default()).await?))
}

#[utoipa::path(post, path = "/api/requests/{id}/extensions/{eid}/reject", tag = "requests", params(("id" = Uuid, Path), ("eid" = Uuid, Path)), request_body = DecisionInput,
    responses((status = 200, body = RequestView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reject_extension(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((id, eid)): Path<(Uuid, Uuid)>,
    Body(i): Body<DecisionInput>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(decide(&st, &s.actor, id, eid, false, i.note.unwrap_or_default()).await?))
}

// ------------------------------------------------------------------ reading

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    pub q: Option<String>,
    /// One state or several, comma-separated; `open` = every state still needing someone.
    pub state: Option<String>,
    pub stage: Option<String>,
    pub item_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// Only mine (assigned to me, or taken in by me and not handed on).
    pub mine: Option<bool>,
    /// `near_due` or `overdue`.
    pub warning: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Rows per page, 1–200 (default 20).
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/requests", tag = "requests", params(ListQuery), responses((status = 200, body = Page<RequestView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<ListQuery>) -> ApiResult<Json<Page<RequestView>>> {
    let (limit, offset, page, page_size) = Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let mut tx = st.db.read().await?;
    let reach = reach(&mut tx, &s.actor).await?;
    let c = ctx(&st, &mut tx, q.station_id).await?;
    let mut states: Vec<String> =
        q.state.as_deref().unwrap_or("").split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect();
    if states.iter().any(|x| x == "open") || q.warning.is_some() {
        states = ["received", "in_progress", "awaiting_materials", "suspended"].iter().map(|x| x.to_string()).collect();
    }
    let mut ck = Checks::new();
    for x in &states {
        if RState::parse(x).is_none() {
            ck.push(
                FieldError::new("state", "one_of")
                    .with("allowed", "received, in_progress, awaiting_materials, suspended, completed, delivered, refused, open"),
            );
        }
    }
    if let Some(w) = &q.warning {
        one_of(&mut ck, "warning", w, &["near_due", "overdue"]);
    }
    ck.finish()?;
    // a warning is a deadline bound: overdue = before today, near-due = within N working days
    let due_by = match q.warning.as_deref() {
        Some("overdue") => Some(Day(c.today.checked_sub(jiff::Span::new().days(1)).unwrap_or(c.today))),
        Some("near_due") => Some(Day(c.cal.add_working_days(c.today, c.near_due).value)),
        _ => None,
    };
    let f = repo::Filter {
        q: q.q.clone(),
        states,
        stage: q.stage.clone(),
        item_id: q.item_id,
        station_id: q.station_id,
        enterprise_id: reach.enterprise.or(q.enterprise_id),
        mine: q.mine.unwrap_or(false).then_some(s.actor.account_id),
        due_by,
        // near-due: from today on (the overdue ones are their own filter)
        due_from: (q.warning.as_deref() == Some("near_due")).then_some(Day(c.today)),
        ..Default::default()
    };
    let (rows, total) = repo::list(&mut tx, &reach.scope, s.actor.account_id, &f, limit, offset).await?;
    let mut names: HashMap<Uuid, String> = HashMap::new();
    let mut items = Vec::new();
    for row in rows {
        if !names.contains_key(&row.r.station_id) {
            let n = archive_repo::station_name(&mut tx, row.r.station_id).await?;
            names.insert(row.r.station_id, n);
        }
        let sn = names.get(&row.r.station_id).cloned().unwrap_or_default();
        items.push(view(&st, &c, &row.r, (&row.enterprise_name, &row.enterprise_uscc, &row.item_name, &sn)));
    }
    tx.commit().await?;
    Ok(Json(Page { items, total, total_capped: false, page, page_size }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageSpan {
    pub stage: String,
    pub stage_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<Ts>,
    /// Working time in the stage, in working days of office hours (e.g. 0.5 = half a day).
    pub working_days: f64,
}

/// The stages a request passed, from its events: a stage starts at the first event in it and
/// ends at the next stage's first event, or when the request is finished.
fn stage_spans(cal: &Calendar, hours: &OfficeHours, events: &[Event], now: Ts) -> Vec<StageSpan> {
    let tz = crate::shanghai();
    let mut spans: Vec<StageSpan> = Vec::new();
    for e in events.iter().filter(|e| e.kind != "intake" && e.kind != "refuse") {
        let finished = matches!(e.to_state.as_str(), "completed" | "delivered");
        match spans.last_mut() {
            Some(last) if last.stage == e.stage && last.ended_at.is_none() => {
                if finished && e.stage != "delivery" {
                    last.ended_at = Some(e.at);
                }
            }
            last => {
                if let Some(l) = last {
                    if l.ended_at.is_none() {
                        l.ended_at = Some(e.at);
                    }
                }
                let stage = Stage::parse(&e.stage).unwrap_or(Stage::Window);
                spans.push(StageSpan {
                    stage: e.stage.clone(),
                    stage_name: stage.name_zh().into(),
                    started_at: e.at,
                    ended_at: (finished && e.stage != "delivery").then_some(e.at),
                    working_days: 0.0,
                });
            }
        }
        if e.to_state == "delivered" {
            if let Some(l) = spans.last_mut() {
                l.ended_at = Some(e.at);
            }
        }
    }
    let per_day = hours.minutes_per_day().max(1) as f64;
    for s in &mut spans {
        let end = s.ended_at.unwrap_or(now);
        let minutes = cal.working_minutes_between(s.started_at.0, end.0, hours, &tz).value;
        s.working_days = (minutes as f64 / per_day * 100.0).round() / 100.0;
    }
    spans
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: RequestView,
    pub slip: Option<Slip>,
    pub events: Vec<Event>,
    pub extensions: Vec<Extension>,
    pub stages: Vec<StageSpan>,
    /// The steps the caller may take now.
    pub actions: Vec<String>,
    pub department_name: Option<String>,
    /// Materials attached (online submissions, 补正).
    pub attachments: Vec<zt_db::portal::Attachment>,
}

#[utoipa::path(get, path = "/api/requests/{id}", tag = "requests", params(("id" = Uuid, Path)), responses((status = 200, body = RequestDetail)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<RequestDetail>> {
    let mut tx = st.db.read().await?;
    let r = load(&mut tx, &s.actor, id).await?;
    let c = ctx(&st, &mut tx, Some(r.station_id)).await?;
    let v = full_view_with(&st, &mut tx, &c, &r).await?;
    let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?;
    let events = repo::events(&mut tx, r.id).await?;
    let extensions = repo::extensions(&mut tx, r.id).await?;
    let attachments = zt_db::portal::attachments(&mut tx, r.id).await?;
    let department_name = match r.department_id {
        Some(d) => zt_db::org::get::<Department>(&mut tx, "department", None, d).await.ok().map(|d| d.name),
        None => None,
    };
    tx.commit().await?;
    let actions = [
        Action::Accept,
        Action::Refuse,
        Action::RequestMaterials,
        Action::MaterialsReceived,
        Action::Route,
        Action::Suspend,
        Action::Resume,
        Action::Extend,
        Action::Complete,
        Action::Deliver,
    ]
    .into_iter()
    .filter(|a| ensure(&r, *a).is_ok() && may(&s.actor, &r, *a).is_ok())
    .map(|a| a.code().to_string())
    .collect();
    Ok(Json(RequestDetail {
        stages: stage_spans(&c.cal, &c.hours, &events, st.now()),
        request: v,
        slip,
        events,
        extensions,
        actions,
        department_name,
        attachments,
    }))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn print_page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title><style>\
         body{{font-family:'Noto Serif CJK SC','Songti SC','SimSun',serif;max-width:720px;margin:32px auto;color:#111;line-height:1.8}}\
         h1{{text-align:center;letter-spacing:4px;font-size:26px;margin-bottom:4px}} .no{{text-align:center;color:#444;margin-bottom:24px}}\
         table{{width:100%;border-collapse:collapse}} td,th{{border:1px solid #333;padding:6px 10px;vertical-align:top;text-align:left}}\
         th{{width:26%;background:#f4f4f4;font-weight:normal}} .sign{{margin-top:40px;text-align:right}} .note{{font-size:13px;color:#333;margin-top:16px}}\
         @media print{{.noprint{{display:none}} body{{margin:0 auto}}}}</style></head><body>\
         <p class=\"noprint\"><button onclick=\"window.print()\">打印 / 另存为 PDF</button></p>{body}</body></html>",
        t = esc(title)
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html).into_response()
}

async fn print_context(st: &AppState, actor: &Actor, id: Uuid) -> Result<(RequestRow, RequestView, Option<Slip>, Station), Error> {
    let mut tx = st.db.read().await?;
    let r = load(&mut tx, actor, id).await?;
    let v = full_view(st, &mut tx, &r).await?;
    let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?;
    let station = zt_db::org::get::<Station>(&mut tx, "station", None, r.station_id).await?;
    tx.commit().await?;
    Ok((r, v, slip, station))
}

fn local(t: Ts) -> String {
    t.0.to_zoned(crate::shanghai()).strftime("%Y年%m月%d日 %H:%M").to_string()
}

/// The acceptance receipt (受理回执), printable.
#[utoipa::path(get, path = "/api/requests/{id}/receipt", tag = "requests", params(("id" = Uuid, Path)), responses((status = 200, content_type = "text/html")))]
pub async fn receipt(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Response> {
    let (r, v, slip, station) = print_context(&st, &s.actor, id).await?;
    if r.accepted_on.is_none() {
        return Err(Error::conflict("request.not_accepted").into());
    }
    let checked = json_list(&r.checked);
    let materials: String = slip
        .map(|sl| sl.entries.iter().filter(|e| checked.contains(&e.key)).map(|e| format!("<li>{}</li>", esc(&e.text))).collect())
        .unwrap_or_default();
    let unit = if r.limit_unit == "natural_days" { "个自然日" } else { "个工作日" };
    let missing = if v.missing_years.is_empty() {
        String::new()
    } else {
        format!("（日历缺少 {} 年数据，按双休日推算）", v.missing_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、"))
    };
    let body = format!(
        "<h1>受理回执</h1><div class=\"no\">受理编号：{no}</div><table>\
         <tr><th>申请单位</th><td>{ent}（统一社会信用代码 {uscc}）</td></tr>\
         <tr><th>办理事项</th><td>{item}（{ptn}）</td></tr>\
         <tr><th>申请人</th><td>{app}</td></tr>\
         <tr><th>受理时间</th><td>{at}</td></tr>\
         <tr><th>承诺时限</th><td>{lim}{unit}，应于 {dl} 前办结{missing}</td></tr>\
         <tr><th>已收材料</th><td><ol>{materials}</ol></td></tr>\
         <tr><th>受理窗口</th><td>{counter}，经办人 {officer}</td></tr>\
         <tr><th>咨询电话</th><td>{phone}</td></tr></table>\
         <p class=\"note\">请妥善保管本回执，凭回执领取办理结果。办理进度可凭受理编号查询。</p>\
         <div class=\"sign\">{station}（盖章）<br>{date}</div>",
        no = esc(&r.number),
        ent = esc(&v.enterprise_name),
        uscc = esc(&v.enterprise_uscc),
        item = esc(&v.item_name),
        ptn = esc(&v.process_type_name),
        app = esc(&r.applicant_name),
        at = local(r.decided_at.unwrap_or(r.received_at)),
        lim = r.limit_value,
        dl = r.deadline.map(|d| d.0.strftime("%Y年%m月%d日").to_string()).unwrap_or_default(),
        station = esc(&station.name),
        counter = esc(&counter(&station.name, &r)),
        officer = esc(&r.intake_by_name),
        phone = esc(&station.contact_phone),
        date = r.decided_at.map(|t| t.0.to_zoned(crate::shanghai()).strftime("%Y年%m月%d日").to_string()).unwrap_or_default(),
    );
    Ok(print_page(&format!("受理回执 {}", r.number), &body))
}

/// The refusal notice (不予受理告知书): kept and printable forever.
#[utoipa::path(get, path = "/api/requests/{id}/refusal-notice", tag = "requests", params(("id" = Uuid, Path)), responses((status = 200, content_type = "text/html")))]
pub async fn refusal_notice(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Response> {
    let (r, v, slip, station) = print_context(&st, &s.actor, id).await?;
    if r.state != "refused" {
        return Err(Error::conflict("request.not_refused").into());
    }
    let refused = json_list(&r.refused_entries);
    let items: String = slip
        .map(|sl| sl.entries.iter().filter(|e| refused.contains(&e.key)).map(|e| format!("<li>{}</li>", esc(&e.text))).collect())
        .unwrap_or_default();
    let body = format!(
        "<h1>不予受理告知书</h1><div class=\"no\">编号：{no}</div>\
         <p>{ent}（统一社会信用代码 {uscc}）：</p>\
         <p>你单位于 {at} 申请办理“{item}”，经审查，不符合受理条件，决定不予受理。</p>\
         <table><tr><th>未满足的条件或材料</th><td><ol>{items}</ol></td></tr><tr><th>不予受理理由</th><td>{reason}</td></tr>\
         <tr><th>经办窗口</th><td>{counter}，经办人 {officer}</td></tr></table>\
         <p class=\"note\">补齐上述条件或材料后可重新申请。如对本决定有异议，可依法申请行政复议或者提起行政诉讼。</p>\
         <div class=\"sign\">{station}（盖章）<br>{date}</div>",
        no = esc(&r.number),
        ent = esc(&v.enterprise_name),
        uscc = esc(&v.enterprise_uscc),
        at = local(r.received_at),
        item = esc(&v.item_name),
        reason = esc(&r.refusal_reason),
        station = esc(&station.name),
        counter = esc(&counter(&station.name, &r)),
        officer = esc(&r.intake_by_name),
        date = r.decided_at.map(|t| t.0.to_zoned(crate::shanghai()).strftime("%Y年%m月%d日").to_string()).unwrap_or_default(),
    );
    Ok(print_page(&format!("不予受理告知书 {}", r.number), &body))
}

// ------------------------------------------------------------------ figures

#[derive(Debug, Deserialize, IntoParams)]
pub struct FiguresQuery {
    /// First day (default: the first of this month).
    pub from: Option<String>,
    /// Last day (default: today).
    pub to: Option<String>,
    /// `station` (default), `department`, `person` or `item`.
    pub by: Option<String>,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct FigureRow {
    pub key: String,
    pub name: String,
    pub received: i64,
    pub accepted: i64,
    pub refused: i64,
    pub completed: i64,
    pub on_time: i64,
    pub overdue_done: i64,
    pub overdue_open: i64,
    /// Average working days from acceptance to completion.
    pub avg_working_days: Option<f64>,
    #[serde(skip)]
    days_sum: i64,
}

impl FigureRow {
    fn absorb(&mut self, o: &FigureRow) {
        self.received += o.received;
        self.accepted += o.accepted;
        self.refused += o.refused;
        self.completed += o.completed;
        self.on_time += o.on_time;
        self.overdue_done += o.overdue_done;
        self.overdue_open += o.overdue_open;
        self.days_sum += o.days_sum;
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageFigure {
    pub stage: String,
    pub stage_name: String,
    pub count: i64,
    pub avg_working_days: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    #[schema(value_type = String, format = Date)]
    pub from: Day,
    #[schema(value_type = String, format = Date)]
    pub to: Day,
    pub by: String,
    pub rows: Vec<FigureRow>,
    pub totals: FigureRow,
    pub refused_by_reason: Vec<ReasonCount>,
    pub stages: Vec<StageFigure>,
}

fn period(st: &AppState, c: &mut Checks, from: Option<&str>, to: Option<&str>) -> (Day, Day, Ts, Ts) {
    let today = st.today();
    let from = crate::archive::date_field(c, "from", from).unwrap_or(Day(today.0.first_of_month()));
    let to = crate::archive::date_field(c, "to", to).unwrap_or(today);
    if to < from {
        c.add("to", "date.before_start");
    }
    let tz = crate::shanghai();
    let start = from.0.to_zoned(tz.clone()).map(|z| Ts(z.timestamp())).unwrap_or(st.now());
    let end =
        to.0.checked_add(jiff::Span::new().days(1)).ok().and_then(|d| d.to_zoned(tz).ok()).map(|z| Ts(z.timestamp())).unwrap_or(st.now());
    (from, to, start, end)
}

#[utoipa::path(get, path = "/api/requests/figures", tag = "requests", params(FiguresQuery),
    responses((status = 200, body = Figures), (status = 422, body = crate::error::ErrorBody)))]
pub async fn figures(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<FiguresQuery>) -> ApiResult<Json<Figures>> {
    s.actor.require("request.read")?;
    let mut c = Checks::new();
    let (from, to, start, end) = period(&st, &mut c, q.from.as_deref(), q.to.as_deref());
    let by = q.by.clone().unwrap_or_else(|| "station".into());
    one_of(&mut c, "by", &by, &["station", "department", "person", "item"]);
    c.finish()?;
    let mut tx = st.db.read().await?;
    let rows = repo::in_period(&mut tx, &s.actor.scope, s.actor.account_id, start, end).await?;
    let Ctx { cal, today, hours, .. } = ctx(&st, &mut tx, None).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.r.id).collect();
    let events = repo::events_of(&mut tx, &ids).await?;
    let mut dept_names: HashMap<Uuid, String> = HashMap::new();
    let mut station_names: HashMap<Uuid, String> = HashMap::new();
    for r in &rows {
        if let Some(d) = r.r.department_id {
            if let std::collections::hash_map::Entry::Vacant(e) = dept_names.entry(d) {
                e.insert(zt_db::org::get::<Department>(&mut tx, "department", None, d).await.map(|d| d.name).unwrap_or_default());
            }
        }
        if let std::collections::hash_map::Entry::Vacant(e) = station_names.entry(r.r.station_id) {
            e.insert(archive_repo::station_name(&mut tx, r.r.station_id).await?);
        }
    }
    tx.commit().await?;
    let mut groups: BTreeMap<String, FigureRow> = BTreeMap::new();
    let mut totals = FigureRow { key: "total".into(), name: "合计".into(), ..Default::default() };
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for row in &rows {
        let r = &row.r;
        let (key, name) = match by.as_str() {
            "department" => match r.department_id {
                Some(d) => (d.to_string(), dept_names.get(&d).cloned().unwrap_or_default()),
                None => ("window".into(), "窗口".into()),
            },
            "person" => (r.intake_by.map(|i| i.to_string()).unwrap_or_default(), r.intake_by_name.clone()),
            "item" => (r.item_id.to_string(), row.item_name.clone()),
            _ => (r.station_id.to_string(), station_names.get(&r.station_id).cloned().unwrap_or_default()),
        };
        // this request's contribution, added to its group and to the totals
        let mut one = FigureRow { received: 1, ..Default::default() };
        one.accepted = r.accepted_on.is_some() as i64;
        one.refused = (r.state == "refused") as i64;
        if let (Some(done), Some(on)) = (r.completed_at, r.accepted_on) {
            let done = day_of(done);
            one.completed = 1;
            if r.deadline.is_some_and(|d| done <= d.0) {
                one.on_time = 1;
            } else {
                one.overdue_done = 1;
            }
            one.days_sum = cal.working_days_between(on.0, done).value;
        } else if RState::parse(&r.state).is_some_and(|s| s.is_open()) && r.deadline.is_some_and(|d| d.0 < today) {
            one.overdue_open = 1;
        }
        groups.entry(key.clone()).or_insert_with(|| FigureRow { key, name, ..Default::default() }).absorb(&one);
        totals.absorb(&one);
        if r.state == "refused" {
            *reasons.entry(r.refusal_reason.clone()).or_default() += 1;
        }
    }
    let finish = |g: &mut FigureRow| {
        g.avg_working_days = (g.completed > 0).then(|| (g.days_sum as f64 / g.completed as f64 * 100.0).round() / 100.0);
    };
    let mut out: Vec<FigureRow> = groups.into_values().collect();
    out.iter_mut().for_each(finish);
    finish(&mut totals);
    out.sort_by(|a, b| b.received.cmp(&a.received).then(a.name.cmp(&b.name)));
    // per stage: average working time over every request that passed it
    let mut by_req: HashMap<Uuid, Vec<Event>> = HashMap::new();
    for e in events {
        by_req.entry(e.request_id).or_default().push(e);
    }
    let mut stage_sum: BTreeMap<String, (i64, f64)> = BTreeMap::new();
    for evs in by_req.values() {
        for sp in stage_spans(&cal, &hours, evs, st.now()) {
            if sp.ended_at.is_some() {
                let e = stage_sum.entry(sp.stage).or_default();
                e.0 += 1;
                e.1 += sp.working_days;
            }
        }
    }
    let stages = stage_sum
        .into_iter()
        .map(|(stage, (n, sum))| StageFigure {
            stage_name: Stage::parse(&stage).map(|s| s.name_zh().to_string()).unwrap_or_default(),
            stage,
            count: n,
            avg_working_days: (sum / n.max(1) as f64 * 100.0).round() / 100.0,
        })
        .collect();
    let mut refused_by_reason: Vec<ReasonCount> = reasons.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect();
    refused_by_reason.sort_by(|a, b| b.count.cmp(&a.count));
    Ok(Json(Figures { from, to, by, rows: out, totals, refused_by_reason, stages }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// The day (default: today).
    pub day: Option<String>,
    pub station_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueRow {
    pub window_no: String,
    /// Hour of the day (Asia/Shanghai), 0–23.
    pub hour: i64,
    pub received: i64,
    /// From the queue ticket to intake, where a ticket time was recorded.
    pub avg_wait_minutes: Option<f64>,
    /// From intake to the acceptance or refusal.
    pub avg_handle_minutes: Option<f64>,
}

/// Requests per window per hour, with waiting and handling times (peak windows).
#[utoipa::path(get, path = "/api/requests/queue", tag = "requests", params(QueueQuery),
    responses((status = 200, body = Vec<QueueRow>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn queue(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<QueueQuery>) -> ApiResult<Json<Vec<QueueRow>>> {
    s.actor.require("request.read")?;
    let mut c = Checks::new();
    let (_, _, start, end) = period(&st, &mut c, q.day.as_deref(), q.day.as_deref());
    c.finish()?;
    let mut tx = st.db.read().await?;
    let rows = repo::in_period(&mut tx, &s.actor.scope, s.actor.account_id, start, end).await?;
    tx.commit().await?;
    let tz = crate::shanghai();
    let mut g: BTreeMap<(String, i64), (i64, f64, i64, f64, i64)> = BTreeMap::new();
    for row in rows.iter().filter(|r| q.station_id.is_none_or(|s| s == r.r.station_id) && r.r.channel == "window") {
        let r = &row.r;
        let hour = r.received_at.0.to_zoned(tz.clone()).hour() as i64;
        let e = g.entry((if r.window_no.is_empty() { "-".into() } else { r.window_no.clone() }, hour)).or_default();
        e.0 += 1;
        if let Some(a) = r.arrived_at {
            e.1 += r.received_at.0.duration_since(a.0).as_secs_f64() / 60.0;
            e.2 += 1;
        }
        if let Some(d) = r.decided_at {
            e.3 += d.0.duration_since(r.received_at.0).as_secs_f64() / 60.0;
            e.4 += 1;
        }
    }
    let round = |sum: f64, n: i64| (n > 0).then(|| (sum / n as f64 * 10.0).round() / 10.0);
    Ok(Json(
        g.into_iter()
            .map(|((window_no, hour), (n, ws, wn, hs, hn))| QueueRow {
                window_no,
                hour,
                received: n,
                avg_wait_minutes: round(ws, wn),
                avg_handle_minutes: round(hs, hn),
            })
            .collect(),
    ))
}
