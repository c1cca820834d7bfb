//! `/api/calendar`: the working-day calendar (statutory holidays, 调休 make-up days, station
//! closures), its administration, and the deadline arithmetic other modules and clients use.

use crate::archive::date_field;
use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::calendar::{self as repo, CalendarDay, CalendarYear};
use zt_db::org::Station;
use zt_db::{Day, Tx};
use zt_domain::Error;
use zt_domain::calendar::{Calendar, LimitUnit};
use zt_domain::check::Checks;
use zt_domain::scope::Actor;

/// The calendar a station works by (national data plus its closures), as stored now.
pub async fn calendar_for(tx: &mut Tx, station: Option<Uuid>) -> Result<Calendar, Error> {
    repo::load(tx, station).await
}

fn years_list(missing: &std::collections::BTreeSet<i16>) -> Vec<i64> {
    missing.iter().map(|y| *y as i64).collect()
}

/// Some station of the caller's reach, or none; another bureau's station is a 404.
async fn station_param(tx: &mut Tx, actor: &Actor, station: Option<Uuid>) -> Result<Option<Uuid>, Error> {
    match station {
        None => Ok(None),
        Some(id) => zt_db::org::get::<Station>(tx, "station", Some(&actor.scope), id).await.map(|s| Some(s.id)),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearView {
    #[serde(flatten)]
    pub year: CalendarYear,
    pub holidays: i64,
    pub workdays: i64,
}

#[utoipa::path(get, path = "/api/calendar/years", tag = "calendar", responses((status = 200, body = Vec<YearView>)))]
pub async fn years(State(st): State<AppState>, Authed(_s): Authed) -> ApiResult<Json<Vec<YearView>>> {
    let mut tx = st.db.read().await?;
    let ys = repo::years(&mut tx).await?;
    let mut out = Vec::new();
    for y in ys {
        let from = Day(jiff::civil::date(y.year as i16, 1, 1));
        let to = Day(jiff::civil::date(y.year as i16, 12, 31));
        let days = repo::days_between(&mut tx, from, to, None).await?;
        let holidays = days.iter().filter(|d| d.kind == "holiday").count() as i64;
        let workdays = days.iter().filter(|d| d.kind == "workday").count() as i64;
        out.push(YearView { year: y, holidays, workdays });
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DaysQuery {
    pub year: i64,
    pub station_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DaysView {
    pub year: i64,
    pub covered: bool,
    pub notice: Option<CalendarYear>,
    pub days: Vec<CalendarDay>,
}

#[utoipa::path(get, path = "/api/calendar/days", tag = "calendar", params(DaysQuery), responses((status = 200, body = DaysView)))]
pub async fn days(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<DaysQuery>) -> ApiResult<Json<DaysView>> {
    if !(1900..=2200).contains(&q.year) {
        return Err(Error::validation(vec![zt_domain::FieldError::new("year", "out_of_range").with("min", 1900).with("max", 2200)]).into());
    }
    let mut tx = st.db.read().await?;
    let station = station_param(&mut tx, &s.actor, q.station_id).await?;
    let notice = repo::year(&mut tx, q.year).await?;
    let from = Day(jiff::civil::date(q.year as i16, 1, 1));
    let to = Day(jiff::civil::date(q.year as i16, 12, 31));
    let days = repo::days_between(&mut tx, from, to, station).await?;
    tx.commit().await?;
    Ok(Json(DaysView { year: q.year, covered: notice.is_some(), notice, days }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearInput {
    pub year: i64,
    pub notice: String,
    pub document_no: Option<String>,
    pub published_on: Option<String>,
}

/// Declares a year covered by a notice (then add its days); administrators only.
#[utoipa::path(post, path = "/api/calendar/years", tag = "calendar", request_body = YearInput,
    responses((status = 201, body = CalendarYear), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_year(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<YearInput>,
) -> ApiResult<(StatusCode, Json<CalendarYear>)> {
    s.actor.require("calendar.manage")?;
    let mut c = Checks::new();
    c.range("year", i.year, 2000, 2200);
    c.text("notice", &i.notice, 200);
    let doc = i.document_no.clone().unwrap_or_default().trim().to_string();
    c.opt_text("document_no", Some(&doc), 60);
    let published = date_field(&mut c, "published_on", i.published_on.as_deref());
    let mut tx = st.db.write().await?;
    if repo::year(&mut tx, i.year).await?.is_some() {
        c.add("year", "conflict.duplicate");
    }
    c.finish()?;
    let now = st.now();
    let y = CalendarYear {
        year: i.year,
        notice: i.notice.trim().to_string(),
        document_no: doc,
        published_on: published,
        source: "admin".into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert_year(&mut tx, &y).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "calendar.year.create",
        "calendar_year",
        Some(y.year.to_string()),
        format!("新增工作日历年度：{}（{}）", y.year, y.notice),
        json!({"after": &y}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(y)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// Required when adding; a day cannot be moved (delete it and add another).
    #[schema(value_type = Option<String>, format = Date)]
    pub day: Option<String>,
    /// `holiday`, `workday` or `closure`.
    pub kind: Option<String>,
    pub name: Option<String>,
    /// Required for a closure: the station that is closed.
    pub station_id: Option<Uuid>,
    pub version: Option<i64>,
}

/// Who may change a day: national data needs `calendar.manage`; a station's closure needs
/// `roster.manage` over that station (or `calendar.manage`).
async fn may_edit(tx: &mut Tx, actor: &Actor, station: Option<Uuid>) -> Result<(), Error> {
    match station {
        None => actor.require("calendar.manage"),
        Some(id) => {
            if actor.can("calendar.manage") {
                return Ok(());
            }
            actor.require("roster.manage")?;
            zt_db::org::get::<Station>(tx, "station", Some(&actor.scope), id).await.map(|_| ())
        }
    }
}

fn check_kind(c: &mut Checks, kind: &str, station: Option<Uuid>) {
    if repo::kind_of(kind).is_none() {
        crate::archive::one_of(c, "kind", kind, &["holiday", "workday", "closure"]);
    } else if (kind == "closure") != station.is_some() {
        let code = if station.is_none() { "required" } else { "calendar.station_only_for_closure" };
        c.add("station_id", code);
    }
}

#[utoipa::path(post, path = "/api/calendar/days", tag = "calendar", request_body = DayInput,
    responses((status = 201, body = CalendarDay), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_day(State(st): State<AppState>, Authed(s): Authed, Body(i): Body<DayInput>) -> ApiResult<(StatusCode, Json<CalendarDay>)> {
    let mut tx = st.db.write().await?;
    may_edit(&mut tx, &s.actor, i.station_id).await?;
    let mut c = Checks::new();
    let day = date_field(&mut c, "day", i.day.as_deref());
    if i.day.as_deref().is_none_or(|d| d.trim().is_empty()) {
        c.add("day", "required");
    }
    let kind = i.kind.clone().unwrap_or_default();
    check_kind(&mut c, &kind, i.station_id);
    let name = i.name.clone().unwrap_or_default().trim().to_string();
    c.text("name", &name, 40);
    if let Some(d) = day {
        if repo::year(&mut tx, d.0.year() as i64).await?.is_none() && kind != "closure" {
            c.push(zt_domain::FieldError::new("day", "calendar.year_not_covered").with("year", d.0.year()));
        }
        let existing = repo::days_between(&mut tx, d, d, i.station_id).await?;
        if existing.iter().any(|e| e.station_id == i.station_id) {
            c.add("day", "conflict.duplicate");
        }
    }
    c.finish()?;
    let now = st.now();
    let d = CalendarDay {
        id: Uuid::now_v7(),
        day: day.expect("checked"),
        kind,
        name,
        station_id: i.station_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert_days(&mut tx, std::slice::from_ref(&d)).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "calendar.day.create",
        "calendar_day",
        Some(d.id.to_string()),
        format!("工作日历：{} 设为{}（{}）", d.day.0, kind_zh(&d.kind), d.name),
        json!({"after": &d}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(d)))
}

fn kind_zh(k: &str) -> &'static str {
    match k {
        "holiday" => "法定节假日",
        "workday" => "调休上班日",
        _ => "站点停办日",
    }
}

#[utoipa::path(patch, path = "/api/calendar/days/{id}", tag = "calendar", params(("id" = Uuid, Path)), request_body = DayInput,
    responses((status = 200, body = CalendarDay), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_day(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<DayInput>,
) -> ApiResult<Json<CalendarDay>> {
    let mut tx = st.db.write().await?;
    let mut d = repo::day(&mut tx, id).await?;
    may_edit(&mut tx, &s.actor, d.station_id).await?;
    let before = d.clone();
    let mut c = Checks::new();
    let expected = match i.version {
        Some(v) => v,
        None => {
            c.add("version", "required");
            0
        }
    };
    if i.day.is_some() || i.station_id.is_some() {
        c.add("day", "calendar.day_fixed");
    }
    if let Some(k) = &i.kind {
        d.kind = k.clone();
        check_kind(&mut c, k, d.station_id);
    }
    if let Some(n) = &i.name {
        d.name = n.trim().to_string();
        c.text("name", &d.name, 40);
    }
    c.finish()?;
    d.version += 1;
    d.updated_at = st.now();
    repo::save_day(&mut tx, &d, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "calendar.day.update",
        "calendar_day",
        Some(d.id.to_string()),
        format!("更正工作日历：{} 改为{}（{}）", d.day.0, kind_zh(&d.kind), d.name),
        json!({"before": before, "after": &d}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(d))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    pub version: i64,
}

#[utoipa::path(delete, path = "/api/calendar/days/{id}", tag = "calendar", params(("id" = Uuid, Path), VersionQuery),
    responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_day(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Q(q): Q<VersionQuery>) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let d = repo::day(&mut tx, id).await?;
    may_edit(&mut tx, &s.actor, d.station_id).await?;
    repo::delete_day(&mut tx, id, q.version).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "calendar.day.delete",
        "calendar_day",
        Some(d.id.to_string()),
        format!("删除工作日历记录：{}（{}）", d.day.0, d.name),
        json!({"before": &d}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AddQuery {
    /// Start date (not counted).
    pub from: String,
    pub days: i64,
    pub station_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DateAnswer {
    #[schema(value_type = String, format = Date)]
    pub date: Day,
    /// Years the calendar does not cover that the answer passed through (judged by weekends only).
    pub missing_years: Vec<i64>,
}

fn parse_day(c: &mut Checks, field: &str, v: &str) -> Option<Day> {
    if v.trim().is_empty() {
        c.add(field, "required");
        return None;
    }
    let d = date_field(c, field, Some(v))?;
    if !(2000..=2200).contains(&d.0.year()) {
        c.push(zt_domain::FieldError::new(field, "out_of_range").with("min", "2000-01-01").with("max", "2200-12-31"));
        return None;
    }
    Some(d)
}

#[utoipa::path(get, path = "/api/calendar/add-working-days", tag = "calendar", params(AddQuery),
    responses((status = 200, body = DateAnswer), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_working_days(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<AddQuery>) -> ApiResult<Json<DateAnswer>> {
    let mut c = Checks::new();
    let from = parse_day(&mut c, "from", &q.from);
    c.range("days", q.days, -3650, 3650);
    c.finish()?;
    let mut tx = st.db.read().await?;
    let station = station_param(&mut tx, &s.actor, q.station_id).await?;
    let cal = calendar_for(&mut tx, station).await?;
    tx.commit().await?;
    let r = cal.add_working_days(from.expect("checked").0, q.days);
    Ok(Json(DateAnswer { date: Day(r.value), missing_years: years_list(&r.missing_years) }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BetweenQuery {
    pub from: String,
    pub to: String,
    pub station_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountAnswer {
    /// Working days in (from, to].
    pub working_days: i64,
    pub missing_years: Vec<i64>,
}

#[utoipa::path(get, path = "/api/calendar/working-days", tag = "calendar", params(BetweenQuery),
    responses((status = 200, body = CountAnswer), (status = 422, body = crate::error::ErrorBody)))]
pub async fn working_days(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<BetweenQuery>) -> ApiResult<Json<CountAnswer>> {
    let mut c = Checks::new();
    let from = parse_day(&mut c, "from", &q.from);
    let to = parse_day(&mut c, "to", &q.to);
    if let (Some(a), Some(b)) = (from, to) {
        if (b.0 - a.0).get_days().abs() > 3650 * 2 {
            c.add("to", "calendar.span_too_long");
        }
    }
    c.finish()?;
    let mut tx = st.db.read().await?;
    let station = station_param(&mut tx, &s.actor, q.station_id).await?;
    let cal = calendar_for(&mut tx, station).await?;
    tx.commit().await?;
    let r = cal.working_days_between(from.expect("checked").0, to.expect("checked").0);
    Ok(Json(CountAnswer { working_days: r.value, missing_years: years_list(&r.missing_years) }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeadlineQuery {
    pub from: String,
    pub limit: i64,
    /// `working_days` (default) or `natural_days`.
    pub unit: Option<String>,
    pub station_id: Option<Uuid>,
}

pub fn unit_of(code: &str) -> Option<LimitUnit> {
    match code {
        "working_days" => Some(LimitUnit::WorkingDays),
        "natural_days" => Some(LimitUnit::NaturalDays),
        _ => None,
    }
}

#[utoipa::path(get, path = "/api/calendar/deadline", tag = "calendar", params(DeadlineQuery),
    responses((status = 200, body = DateAnswer), (status = 422, body = crate::error::ErrorBody)))]
pub async fn deadline(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<DeadlineQuery>) -> ApiResult<Json<DateAnswer>> {
    let mut c = Checks::new();
    let from = parse_day(&mut c, "from", &q.from);
    c.range("limit", q.limit, 1, 3650);
    let unit_code = q.unit.clone().unwrap_or_else(|| "working_days".into());
    let unit = unit_of(&unit_code);
    if unit.is_none() {
        crate::archive::one_of(&mut c, "unit", &unit_code, &["working_days", "natural_days"]);
    }
    c.finish()?;
    let mut tx = st.db.read().await?;
    let station = station_param(&mut tx, &s.actor, q.station_id).await?;
    let cal = calendar_for(&mut tx, station).await?;
    tx.commit().await?;
    let r = cal.deadline(from.expect("checked").0, q.limit, unit.expect("checked"));
    Ok(Json(DateAnswer { date: Day(r.value), missing_years: years_list(&r.missing_years) }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockSettings {
    /// Office hours for clocks counted in hours, e.g. "09:00-12:00,13:30-17:30".
    pub office_hours: String,
    /// Working days before a deadline that count as near-due (0–10).
    pub near_due_days: i64,
}

pub async fn clock_settings(tx: &mut Tx) -> Result<ClockSettings, Error> {
    let param = |k: &str| format!("param.{k}");
    let hours = match zt_db::meta::get(tx, &param("calendar.office_hours")).await? {
        Some(v) => v,
        None => zt_db::meta::get(tx, "calendar.office_hours").await?.unwrap_or_else(|| "09:00-12:00,13:30-17:30".into()),
    };
    let near = match zt_db::meta::get(tx, &param("request.near_due_days")).await? {
        Some(v) => Some(v),
        None => zt_db::meta::get(tx, "request.near_due_days").await?,
    }
    .and_then(|v| v.parse().ok())
    .unwrap_or(crate::requests::NEAR_DUE_DAYS);
    Ok(ClockSettings { office_hours: hours, near_due_days: near })
}

#[utoipa::path(get, path = "/api/calendar/settings", tag = "calendar", responses((status = 200, body = ClockSettings)))]
pub async fn settings(State(st): State<AppState>, Authed(_s): Authed) -> ApiResult<Json<ClockSettings>> {
    let mut tx = st.db.read().await?;
    let v = clock_settings(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// Office hours and the near-due warning (administrators).
#[utoipa::path(put, path = "/api/calendar/settings", tag = "calendar", request_body = ClockSettings,
    responses((status = 200, body = ClockSettings), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_settings(State(st): State<AppState>, Authed(s): Authed, Body(i): Body<ClockSettings>) -> ApiResult<Json<ClockSettings>> {
    s.actor.require("calendar.manage")?;
    let mut c = Checks::new();
    let hours = zt_domain::calendar::OfficeHours::parse(&i.office_hours);
    if hours.is_none() {
        c.add("office_hours", "calendar.office_hours_invalid");
    }
    c.range("near_due_days", i.near_due_days, 0, 10);
    c.finish()?;
    let text = hours
        .expect("checked")
        .periods
        .iter()
        .map(|(a, b)| format!("{}-{}", a.strftime("%H:%M"), b.strftime("%H:%M")))
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = st.db.write().await?;
    let before = clock_settings(&mut tx).await?;
    // the same parameters the admin console's 参数设置 shows
    for (key, value) in [("calendar.office_hours", text.clone()), ("request.near_due_days", i.near_due_days.to_string())] {
        let d = zt_domain::params::def(key).expect("a known parameter");
        crate::params::put(&st, &mut tx, d, &value).await?;
    }
    let after = ClockSettings { office_hours: text, near_due_days: i.near_due_days };
    record(
        &mut tx,
        &st,
        &s.actor,
        "calendar.settings.update",
        "settings",
        None,
        format!("办件时钟设置：办公时间 {}，临期提前 {} 个工作日", after.office_hours, after.near_due_days),
        json!({"before": before, "after": &after}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(after))
}
