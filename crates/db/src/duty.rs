//! The weekly window duty roster (窗口值班): who sits at which window of a station on which day.

use crate::{Day, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct DutyEntry {
    pub id: Uuid,
    pub station_id: Uuid,
    #[serde(rename = "date")]
    #[schema(value_type = String, format = Date)]
    pub day: Day,
    pub window_no: i64,
    pub account_id: Uuid,
    pub account_name: String,
    pub note: String,
}

const SELECT: &str = "SELECT d.id, d.station_id, d.day, d.window_no, d.account_id, a.display_name AS account_name, d.note \
                      FROM duty_assignment d JOIN account a ON a.id = d.account_id";

pub async fn week(tx: &mut Tx, station: Uuid, from: Day, to_exclusive: Day) -> Result<Vec<DutyEntry>, Error> {
    tx.all(
        &Sql::new(&format!("{SELECT} WHERE d.station_id = $1 AND d.day >= $2 AND d.day < $3 ORDER BY d.day, d.window_no"))
            .bind(station)
            .bind(from)
            .bind(to_exclusive),
    )
    .await
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<DutyEntry, Error> {
    tx.one(&Sql::new(&format!("{SELECT} WHERE d.id = $1")).bind(id)).await
}

pub async fn window_taken(tx: &mut Tx, station: Uuid, day: Day, window_no: i64) -> Result<bool, Error> {
    tx.exists(
        &Sql::new("SELECT count(*) FROM duty_assignment WHERE station_id = $1 AND day = $2 AND window_no = $3")
            .bind(station)
            .bind(day)
            .bind(window_no),
    )
    .await
}

pub async fn person_busy(tx: &mut Tx, account: Uuid, day: Day) -> Result<bool, Error> {
    tx.exists(&Sql::new("SELECT count(*) FROM duty_assignment WHERE account_id = $1 AND day = $2").bind(account).bind(day)).await
}

pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    station: Uuid,
    day: Day,
    window_no: i64,
    account: Uuid,
    note: &str,
    at: Ts,
) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "INSERT INTO duty_assignment (id, station_id, day, window_no, account_id, note, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(id)
        .bind(station)
        .bind(day)
        .bind(window_no)
        .bind(account)
        .bind(note)
        .bind(at),
    )
    .await
    .map(|_| ())
}

pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), Error> {
    tx.exec(&Sql::new("DELETE FROM duty_assignment WHERE id = $1").bind(id)).await.map(|_| ())
}
