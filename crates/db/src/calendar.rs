//! The working-day calendar's storage: covered years (with their notices) and special days
//! (holidays, make-up working days, station closures). The shipped notices are loaded into it
//! on start for years it does not have yet, so an administrator's corrections stand.

use crate::{Arg, Day, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::calendar::{Calendar, DayKind};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CalendarYear {
    pub year: i64,
    pub notice: String,
    pub document_no: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub published_on: Option<Day>,
    /// `builtin` (shipped) or `admin`.
    pub source: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CalendarDay {
    pub id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub day: Day,
    /// `holiday`, `workday` (make-up working day) or `closure`.
    pub kind: String,
    pub name: String,
    pub station_id: Option<Uuid>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

pub fn kind_of(code: &str) -> Option<DayKind> {
    match code {
        "holiday" => Some(DayKind::Holiday),
        "workday" => Some(DayKind::Workday),
        "closure" => Some(DayKind::Closure),
        _ => None,
    }
}

pub async fn years(tx: &mut Tx) -> Result<Vec<CalendarYear>, Error> {
    tx.all(&Sql::new("SELECT * FROM calendar_year ORDER BY year")).await
}

pub async fn year(tx: &mut Tx, year: i64) -> Result<Option<CalendarYear>, Error> {
    tx.opt(&Sql::new("SELECT * FROM calendar_year WHERE year = $1").bind(year)).await
}

pub async fn insert_year(tx: &mut Tx, y: &CalendarYear) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO calendar_year (year, notice, document_no, published_on, source, version, created_at, updated_at)",
        &[y],
        |y| {
            vec![
                y.year.into(),
                (&y.notice).into(),
                (&y.document_no).into(),
                Arg::Day(y.published_on),
                (&y.source).into(),
                y.version.into(),
                y.created_at.into(),
                y.updated_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn insert_days(tx: &mut Tx, days: &[CalendarDay]) -> Result<(), Error> {
    tx.insert_many("INSERT INTO calendar_day (id, day, kind, name, station_id, version, created_at, updated_at)", days, |d| {
        vec![
            d.id.into(),
            d.day.into(),
            (&d.kind).into(),
            (&d.name).into(),
            d.station_id.into(),
            d.version.into(),
            d.created_at.into(),
            d.updated_at.into(),
        ]
    })
    .await
    .map(|_| ())
}

pub async fn save_day(tx: &mut Tx, d: &CalendarDay, expected: i64) -> Result<(), Error> {
    tx.update_row(
        "calendar_day",
        d.id,
        expected,
        vec![("kind", (&d.kind).into()), ("name", (&d.name).into()), ("version", d.version.into()), ("updated_at", d.updated_at.into())],
    )
    .await
}

pub async fn delete_day(tx: &mut Tx, id: Uuid, expected: i64) -> Result<(), Error> {
    crate::expect_one(tx.exec(&Sql::new("DELETE FROM calendar_day WHERE id = $1 AND version = $2").bind(id).bind(expected)).await?)
}

pub async fn day(tx: &mut Tx, id: Uuid) -> Result<CalendarDay, Error> {
    tx.one(&Sql::new("SELECT * FROM calendar_day WHERE id = $1").bind(id)).await
}

/// The special days between two dates (inclusive): the national ones and, with `station`,
/// that station's closures.
pub async fn days_between(tx: &mut Tx, from: Day, to: Day, station: Option<Uuid>) -> Result<Vec<CalendarDay>, Error> {
    let mut s = Sql::new("SELECT * FROM calendar_day WHERE day >= ");
    s.param(from).push(" AND day <= ").param(to);
    match station {
        Some(st) => s.push(" AND (station_id IS NULL OR station_id = ").param(st).push(")"),
        None => s.push(" AND station_id IS NULL"),
    };
    s.push(" ORDER BY day, station_id");
    tx.all(&s).await
}

/// The calendar as stored: every covered year, every national day, and one station's closures.
pub async fn load(tx: &mut Tx, station: Option<Uuid>) -> Result<Calendar, Error> {
    let mut c = Calendar::new();
    for y in years(tx).await? {
        c.cover(y.year as i16);
    }
    let mut s = Sql::new("SELECT * FROM calendar_day WHERE station_id IS NULL");
    if let Some(st) = station {
        s.push(" OR station_id = ").param(st);
    }
    let days: Vec<CalendarDay> = tx.all(&s).await?;
    // national data first, so a closure never hides a make-up working day's record
    for d in days.iter().filter(|d| d.station_id.is_none()).chain(days.iter().filter(|d| d.station_id.is_some())) {
        if let Some(k) = kind_of(&d.kind) {
            if d.station_id.is_some() && c.kind(d.day.0).is_some() {
                continue;
            }
            c.set(d.day.0, k);
        }
    }
    Ok(c)
}

/// Loads the shipped notices for the years not stored yet. Returns the years added.
pub async fn seed_builtin(tx: &mut Tx, now: Ts) -> Result<Vec<i64>, Error> {
    let mut added = Vec::new();
    for y in zt_domain::calendar::builtin().years {
        if year(tx, y.year as i64).await?.is_some() {
            continue;
        }
        insert_year(
            tx,
            &CalendarYear {
                year: y.year as i64,
                notice: y.notice.clone(),
                document_no: y.document_no.clone(),
                published_on: y.published_on.parse().ok().map(Day),
                source: "builtin".into(),
                version: 1,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        let mut days = Vec::new();
        for h in &y.holidays {
            for d in &h.days {
                let day = Day(d.parse().map_err(|e| Error::internal(format!("holiday data: {e}")))?);
                days.push(CalendarDay {
                    id: Uuid::now_v7(),
                    day,
                    kind: "holiday".into(),
                    name: h.name.clone(),
                    station_id: None,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        for w in &y.workdays {
            let day = Day(w.day.parse().map_err(|e| Error::internal(format!("holiday data: {e}")))?);
            days.push(CalendarDay {
                id: Uuid::now_v7(),
                day,
                kind: "workday".into(),
                name: format!("{}调休上班", w.for_holiday),
                station_id: None,
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        insert_days(tx, &days).await?;
        added.push(y.year as i64);
    }
    Ok(added)
}
