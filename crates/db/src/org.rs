//! Regions, bureaus, stations and departments, each read through the caller's scope.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::scope::Scope;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Region {
    pub id: Uuid,
    /// 6-digit administrative division code (行政区划代码).
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Bureau {
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Station {
    pub id: Uuid,
    pub bureau_id: Uuid,
    pub name: String,
    /// park 园区 · cluster 集群 · carrier 商务载体 · town 镇街
    pub kind: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// Number of service windows at the station (1–20).
    pub window_count: i64,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Department {
    pub id: Uuid,
    pub bureau_id: Uuid,
    /// Set for a team attached to one station (e.g. a 市场监管所); empty for a bureau section.
    pub station_id: Option<Uuid>,
    pub name: String,
    /// section 科室 · team 所队
    pub kind: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

pub const STATION_KINDS: [&str; 4] = ["park", "cluster", "carrier", "town"];
pub const DEPARTMENT_KINDS: [&str; 2] = ["section", "team"];

/// Appends the scope predicate for rows of `table` (one of bureau, station, department).
pub fn scope_predicate(s: &mut Sql, table: &str, scope: &Scope) {
    match (*scope, table) {
        (Scope::All, _) => {
            s.push(" AND 1 = 1");
        }
        (Scope::None, _) => {
            s.push(" AND 1 = 0");
        }
        (_, "bureau") => {
            s.push(" AND id = ").param(scope.bureau());
        }
        (Scope::Bureau { bureau }, _) => {
            s.push(" AND bureau_id = ").param(bureau);
        }
        (Scope::Station { station, .. }, "station") => {
            s.push(" AND id = ").param(station);
        }
        (Scope::Station { bureau, station }, "department") => {
            s.push(" AND (station_id = ").param(station).push(" OR (station_id IS NULL AND bureau_id = ").param(bureau).push("))");
        }
        (Scope::Department { station, .. }, "station") => {
            s.push(" AND id = ").param(station);
        }
        (Scope::Department { department, .. }, "department") => {
            s.push(" AND id = ").param(department);
        }
        _ => {
            s.push(" AND 1 = 0");
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub q: Option<String>,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
}

fn list_sql(select: &str, table: &str, scope: Option<&Scope>, f: &ListFilter) -> Sql {
    let mut s = Sql::new(select);
    s.push(" WHERE 1 = 1");
    if let Some(scope) = scope {
        scope_predicate(&mut s, table, scope);
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        s.push(" AND name LIKE ").param(format!("%{}%", crate::audit::escape_like(q.trim()))).push(" ESCAPE '\\'");
    }
    if let Some(b) = f.bureau_id.filter(|_| table != "bureau" && table != "region") {
        s.push(" AND bureau_id = ").param(b);
    }
    if let Some(st) = f.station_id.filter(|_| table == "department") {
        s.push(" AND station_id = ").param(st);
    }
    if let Some(r) = f.region_id.filter(|_| table == "bureau") {
        s.push(" AND region_id = ").param(r);
    }
    s
}

/// One page of a table's rows visible in `scope` (regions are visible to everyone who may read
/// the organisation, so they take no scope).
pub async fn list<T: crate::sql::Row>(
    tx: &mut Tx,
    table: &'static str,
    scope: Option<&Scope>,
    f: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), Error> {
    let total = tx.count(&list_sql(&format!("SELECT count(*) FROM {table}"), table, scope, f)).await?;
    let mut s = list_sql(&format!("SELECT * FROM {table}"), table, scope, f);
    s.push(" ORDER BY name, id LIMIT ").param(limit).push(" OFFSET ").param(offset);
    Ok((tx.all(&s).await?, total))
}

/// One row by id, if it is visible in `scope`.
pub async fn get<T: crate::sql::Row>(tx: &mut Tx, table: &'static str, scope: Option<&Scope>, id: Uuid) -> Result<T, Error> {
    let mut s = Sql::new(&format!("SELECT * FROM {table} WHERE id = "));
    s.param(id);
    if let Some(scope) = scope {
        scope_predicate(&mut s, table, scope);
    }
    tx.one(&s).await
}

/// Whether a row exists at all, ignoring scope: used only to tell an out-of-scope probe (which
/// is audited) from a plain miss. Never returns the row.
pub async fn exists_unscoped(tx: &mut Tx, table: &'static str, id: Uuid) -> Result<bool, Error> {
    tx.exists(&Sql::new(&format!("SELECT count(*) FROM {table} WHERE id = $1")).bind(id)).await
}

pub async fn insert_region(tx: &mut Tx, r: &Region) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO region (id, code, name, parent_id, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(r.id)
            .bind(&r.code)
            .bind(&r.name)
            .bind(r.parent_id)
            .bind(r.version)
            .bind(r.created_at)
            .bind(r.updated_at),
    )
    .await
    .map(|_| ())
}

pub async fn update_region(tx: &mut Tx, r: &Region, expected_version: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE region SET code = $1, name = $2, parent_id = $3, version = $4, updated_at = $5 WHERE id = $6 AND version = $7",
            )
            .bind(&r.code)
            .bind(&r.name)
            .bind(r.parent_id)
            .bind(r.version)
            .bind(r.updated_at)
            .bind(r.id)
            .bind(expected_version),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn insert_bureau(tx: &mut Tx, b: &Bureau) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO bureau (id, region_id, name, address, contact_name, contact_phone, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
            .bind(b.id)
            .bind(b.region_id)
            .bind(&b.name)
            .bind(&b.address)
            .bind(&b.contact_name)
            .bind(&b.contact_phone)
            .bind(b.version)
            .bind(b.created_at)
            .bind(b.updated_at),
    )
    .await
    .map(|_| ())
}

pub async fn update_bureau(tx: &mut Tx, b: &Bureau, expected_version: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE bureau SET region_id = $1, name = $2, address = $3, contact_name = $4, contact_phone = $5, version = $6, updated_at = $7 WHERE id = $8 AND version = $9")
                .bind(b.region_id)
                .bind(&b.name)
                .bind(&b.address)
                .bind(&b.contact_name)
                .bind(&b.contact_phone)
                .bind(b.version)
                .bind(b.updated_at)
                .bind(b.id)
                .bind(expected_version),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn insert_station(tx: &mut Tx, s: &Station) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO station (id, bureau_id, name, kind, address, contact_name, contact_phone, window_count, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
            .bind(s.id)
            .bind(s.bureau_id)
            .bind(&s.name)
            .bind(&s.kind)
            .bind(&s.address)
            .bind(&s.contact_name)
            .bind(&s.contact_phone)
            .bind(s.window_count)
            .bind(s.version)
            .bind(s.created_at)
            .bind(s.updated_at),
    )
    .await
    .map(|_| ())
}

pub async fn update_station(tx: &mut Tx, s: &Station, expected_version: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE station SET name = $1, kind = $2, address = $3, contact_name = $4, contact_phone = $5, window_count = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10")
                .bind(&s.name)
                .bind(&s.kind)
                .bind(&s.address)
                .bind(&s.contact_name)
                .bind(&s.contact_phone)
                .bind(s.window_count)
                .bind(s.version)
                .bind(s.updated_at)
                .bind(s.id)
                .bind(expected_version),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn insert_department(tx: &mut Tx, d: &Department) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO department (id, bureau_id, station_id, name, kind, contact_name, contact_phone, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
            .bind(d.id)
            .bind(d.bureau_id)
            .bind(d.station_id)
            .bind(&d.name)
            .bind(&d.kind)
            .bind(&d.contact_name)
            .bind(&d.contact_phone)
            .bind(d.version)
            .bind(d.created_at)
            .bind(d.updated_at),
    )
    .await
    .map(|_| ())
}

pub async fn update_department(tx: &mut Tx, d: &Department, expected_version: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE department SET station_id = $1, name = $2, kind = $3, contact_name = $4, contact_phone = $5, version = $6, updated_at = $7 WHERE id = $8 AND version = $9")
                .bind(d.station_id)
                .bind(&d.name)
                .bind(&d.kind)
                .bind(&d.contact_name)
                .bind(&d.contact_phone)
                .bind(d.version)
                .bind(d.updated_at)
                .bind(d.id)
                .bind(expected_version),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn delete(tx: &mut Tx, table: &'static str, id: Uuid) -> Result<(), Error> {
    tx.exec(&Sql::new(&format!("DELETE FROM {table} WHERE id = $1")).bind(id)).await.map(|_| ())
}

/// Whether a name is already used among siblings (same parent column value), other than `except`.
pub async fn name_taken(
    tx: &mut Tx,
    table: &'static str,
    parent_col: &str,
    parent: Option<Uuid>,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, Error> {
    let mut s = Sql::new(&format!("SELECT count(*) FROM {table} WHERE name = "));
    s.param(name.trim());
    if parent_col.is_empty() {
        // globally unique
    } else if let Some(p) = parent {
        s.push(&format!(" AND {parent_col} = ")).param(p);
    } else {
        s.push(&format!(" AND {parent_col} IS NULL"));
    }
    if let Some(e) = except {
        s.push(" AND id <> ").param(e);
    }
    tx.exists(&s).await
}

pub async fn all_regions(tx: &mut Tx) -> Result<Vec<Region>, Error> {
    tx.all(&Sql::new("SELECT * FROM region ORDER BY code")).await
}

pub async fn all_in_scope<T: crate::sql::Row>(tx: &mut Tx, table: &'static str, scope: &Scope) -> Result<Vec<T>, Error> {
    let mut s = Sql::new(&format!("SELECT * FROM {table} WHERE 1 = 1"));
    scope_predicate(&mut s, table, scope);
    s.push(" ORDER BY name");
    tx.all(&s).await
}
