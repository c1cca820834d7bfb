//! The weekly window duty roster of a station (窗口值班).

use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Q};
use crate::org::visible;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::duty::{self, DutyEntry};
use zt_db::org::Station;
use zt_db::{Day, accounts};
use zt_domain::check::Checks;
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, FieldError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Monday of the week (YYYY-MM-DD); default this week in Beijing time.
    pub week_start: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Week {
    pub station_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub week_start: Date,
    pub window_count: i64,
    #[schema(value_type = Vec<String>)]
    pub days: Vec<Date>,
    pub entries: Vec<DutyEntry>,
}

/// The Monday of the week holding `d`.
pub fn monday_of(d: Date) -> Date {
    let back = d.weekday().to_monday_zero_offset();
    d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d)
}

fn parse_date(field: &str, s: &str) -> Result<Date, Error> {
    s.trim().parse::<Date>().map_err(|_| Error::field(field, "date.invalid"))
}

fn manages(actor: &Actor, st: &Station) -> Result<(), Error> {
    actor.require("roster.manage")?;
    let ok = match actor.scope {
        Scope::All => true,
        Scope::Bureau { bureau } => bureau == st.bureau_id,
        Scope::Station { station, .. } => station == st.id,
        _ => false,
    };
    if ok { Ok(()) } else { Err(Error::forbidden()) }
}

#[utoipa::path(get, path = "/api/stations/{id}/duty", tag = "duty", params(("id" = Uuid, Path), WeekQuery), responses((status = 200, body = Week)))]
pub async fn week(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Q(q): Q<WeekQuery>) -> ApiResult<Json<Week>> {
    s.actor.require("roster.read")?;
    let start = match q.week_start.as_deref().filter(|s| !s.is_empty()) {
        Some(w) => {
            let d = parse_date("week_start", w)?;
            if d.weekday() != Weekday::Monday {
                return Err(Error::field("week_start", "date.not_monday").into());
            }
            d
        }
        None => monday_of(st.clock.now().to_zoned(crate::shanghai()).date()),
    };
    let end = start.checked_add(jiff::Span::new().days(7)).map_err(|_| Error::field("week_start", "date.invalid"))?;
    let mut tx = st.db.read().await?;
    let station: Station = visible(&mut tx, "station", Some(&s.actor.scope), id).await?;
    let entries = duty::week(&mut tx, id, Day(start), Day(end)).await?;
    tx.commit().await?;
    let days = (0..7).filter_map(|i| start.checked_add(jiff::Span::new().days(i)).ok()).collect();
    Ok(Json(Week { station_id: id, week_start: start, window_count: station.window_count, days, entries }))
}

/// A person who can sit at a station's window.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMember {
    pub id: Uuid,
    pub display_name: String,
    pub username: String,
}

/// The active staff of a station, for planning its duty (needs `roster.read`, not `account.read`).
#[utoipa::path(get, path = "/api/stations/{id}/staff", tag = "duty", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<StaffMember>)))]
pub async fn staff(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<StaffMember>>> {
    s.actor.require("roster.read")?;
    let mut tx = st.db.read().await?;
    let _: Station = visible(&mut tx, "station", Some(&s.actor.scope), id).await?;
    let f = accounts::Filter { station_id: Some(id), status: Some("active".into()), ..Default::default() };
    let (rows, _) = accounts::list(&mut tx, &Scope::All, &f, 500, 0).await?;
    tx.commit().await?;
    Ok(Json(rows.into_iter().map(|a| StaffMember { id: a.id, display_name: a.display_name, username: a.username }).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyInput {
    /// YYYY-MM-DD
    pub date: String,
    pub window_no: i64,
    pub account_id: Uuid,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/stations/{id}/duty", tag = "duty", params(("id" = Uuid, Path)), request_body = DutyInput,
    responses((status = 201, body = DutyEntry), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn assign(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<DutyInput>,
) -> ApiResult<(StatusCode, Json<DutyEntry>)> {
    s.actor.require("roster.read")?;
    let mut tx = st.db.write().await?;
    let station: Station = visible(&mut tx, "station", Some(&s.actor.scope), id).await?;
    manages(&s.actor, &station)?;
    let mut c = Checks::new();
    let day = match parse_date("date", &i.date) {
        Ok(d) => Some(Day(d)),
        Err(_) => {
            c.add("date", "date.invalid");
            None
        }
    };
    if i.window_no < 1 || i.window_no > station.window_count {
        c.push(FieldError::new("window_no", "duty.window_out_of_range").with("max", station.window_count));
    }
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 200);
    match accounts::by_id_unscoped(&mut tx, i.account_id).await? {
        Some(a) if a.station_id == Some(id) && a.status == "active" => {}
        _ => c.add("account_id", "duty.account_not_in_station"),
    }
    c.finish()?;
    let day = day.expect("checked");
    if duty::window_taken(&mut tx, id, day, i.window_no).await? {
        return Err(Error::conflict("conflict.duplicate").with("reason", "duty.taken").into());
    }
    if duty::person_busy(&mut tx, i.account_id, day).await? {
        return Err(Error::field("account_id", "duty.account_busy").into());
    }
    let entry_id = Uuid::now_v7();
    duty::insert(&mut tx, entry_id, id, day, i.window_no, i.account_id, &note, st.now()).await?;
    let entry = duty::get(&mut tx, entry_id).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "duty.assign",
        "station",
        Some(id.to_string()),
        format!("排班：{} {} 窗口 {}：{}", station.name, day.0, i.window_no, entry.account_name),
        json!({"after": &entry}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[utoipa::path(delete, path = "/api/duty/{id}", tag = "duty", params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    s.actor.require("roster.read")?;
    let mut tx = st.db.write().await?;
    let entry = duty::get(&mut tx, id).await?;
    let station: Station = match visible(&mut tx, "station", Some(&s.actor.scope), entry.station_id).await {
        Ok(x) => x,
        Err(e) if e.denied.is_some() => return Err(Error::denied("duty", id).into()),
        Err(e) => return Err(e.into()),
    };
    manages(&s.actor, &station)?;
    duty::delete(&mut tx, id).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "duty.remove",
        "station",
        Some(station.id.to_string()),
        format!("取消排班：{} {} 窗口 {}：{}", station.name, entry.day.0, entry.window_no, entry.account_name),
        json!({"before": &entry}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mondays() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(monday_of(d("2026-11-25")), d("2026-11-23"));
        assert_eq!(monday_of(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(monday_of(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(monday_of(d("2027-01-01")), d("2026-12-28"));
    }
}
