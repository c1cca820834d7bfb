//! The service catalog (服务清单): categories, items with their handling guide, and the
//! versioned acceptance slips (受理单) requests are checked against.

use crate::{Sql, Ts, Tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::scope::Scope;

/// A catalog category (the `catalog_category` dictionary).
pub type Category = crate::dicts::Entry;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Item {
    pub id: Uuid,
    pub bureau_id: Uuid,
    /// None: offered by every station of the bureau (通办).
    pub station_id: Option<Uuid>,
    pub category_code: String,
    pub name: String,
    /// `draft` or `published`.
    pub status: String,
    pub conditions: String,
    pub guide: String,
    pub legal_basis: String,
    /// `free` (public service) or `paid` (value-added service).
    pub fee_kind: String,
    /// Fen (1/100 yuan), paid items only.
    pub fee_cents: Option<i64>,
    pub provider: String,
    pub department_id: Option<Uuid>,
    pub process_type: String,
    pub limit_value: i64,
    /// `working_days` or `natural_days`.
    pub limit_unit: String,
    pub slip_version: i64,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

/// One line of an acceptance slip: a condition to meet or a material to hand in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct SlipEntry {
    pub key: String,
    /// `condition` or `material`.
    pub kind: String,
    pub text: String,
    pub required: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlipRow {
    pub id: Uuid,
    pub item_id: Uuid,
    pub slip_version: i64,
    pub entries: String,
    pub created_by_name: String,
    pub created_at: Ts,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slip {
    pub version: i64,
    pub entries: Vec<SlipEntry>,
    pub created_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

impl SlipRow {
    pub fn slip(&self) -> Slip {
        Slip {
            version: self.slip_version,
            entries: serde_json::from_str(&self.entries).unwrap_or_default(),
            created_by_name: self.created_by_name.clone(),
            created_at: self.created_at,
        }
    }
}

pub async fn categories(tx: &mut Tx) -> Result<Vec<Category>, Error> {
    crate::dicts::entries(tx, "catalog_category").await
}

pub async fn insert_category(tx: &mut Tx, c: &Category) -> Result<(), Error> {
    crate::dicts::insert(tx, "catalog_category", c).await
}

/// Items the scope may see: its bureau's bureau-wide items and its station's own.
pub fn scope_predicate(s: &mut Sql, scope: &Scope) {
    match *scope {
        Scope::Station { station, bureau } | Scope::Department { station: Some(station), bureau, .. } => {
            s.push(" AND i.bureau_id = ").param(bureau).push(" AND (i.station_id IS NULL OR i.station_id = ").param(station).push(")");
        }
        Scope::Bureau { bureau } | Scope::Department { bureau, station: None, .. } => {
            s.push(" AND i.bureau_id = ").param(bureau);
        }
        Scope::All | Scope::None => {
            s.push(" AND 1 = 0");
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct ItemFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub station_id: Option<Uuid>,
    pub process_type: Option<String>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, f: &ItemFilter, limit: i64, offset: i64) -> Result<(Vec<Item>, i64), Error> {
    let mut s = Sql::new(" FROM service_item i WHERE 1 = 1");
    scope_predicate(&mut s, scope);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        s.push(" AND i.name LIKE ").param(format!("%{}%", q.replace('%', "").replace('_', "")));
    }
    if let Some(c) = &f.category {
        s.push(" AND i.category_code = ").param(c.as_str());
    }
    if let Some(st) = &f.status {
        s.push(" AND i.status = ").param(st.as_str());
    }
    if let Some(p) = &f.process_type {
        s.push(" AND i.process_type = ").param(p.as_str());
    }
    if let Some(st) = f.station_id {
        s.push(" AND (i.station_id IS NULL OR i.station_id = ").param(st).push(")");
    }
    tx.page("i.*", s, "i.category_code, i.name, i.id", limit, offset).await
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<Item, Error> {
    let mut s = Sql::new("SELECT i.* FROM service_item i WHERE i.id = ");
    s.param(id);
    scope_predicate(&mut s, scope);
    tx.one(&s).await
}

pub async fn insert(tx: &mut Tx, i: &Item) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO service_item (id, bureau_id, station_id, category_code, name, status, conditions, guide, legal_basis, fee_kind, fee_cents, \
         provider, department_id, process_type, limit_value, limit_unit, slip_version, version, created_at, updated_at)",
        &[i],
        |i| {
            vec![
                i.id.into(),
                i.bureau_id.into(),
                i.station_id.into(),
                (&i.category_code).into(),
                (&i.name).into(),
                (&i.status).into(),
                (&i.conditions).into(),
                (&i.guide).into(),
                (&i.legal_basis).into(),
                (&i.fee_kind).into(),
                i.fee_cents.into(),
                (&i.provider).into(),
                i.department_id.into(),
                (&i.process_type).into(),
                i.limit_value.into(),
                (&i.limit_unit).into(),
                i.slip_version.into(),
                i.version.into(),
                i.created_at.into(),
                i.updated_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn save(tx: &mut Tx, i: &Item, expected: i64) -> Result<(), Error> {
    tx.update_row(
        "service_item",
        i.id,
        expected,
        vec![
            ("station_id", i.station_id.into()),
            ("category_code", (&i.category_code).into()),
            ("name", (&i.name).into()),
            ("status", (&i.status).into()),
            ("conditions", (&i.conditions).into()),
            ("guide", (&i.guide).into()),
            ("legal_basis", (&i.legal_basis).into()),
            ("fee_kind", (&i.fee_kind).into()),
            ("fee_cents", i.fee_cents.into()),
            ("provider", (&i.provider).into()),
            ("department_id", i.department_id.into()),
            ("process_type", (&i.process_type).into()),
            ("limit_value", i.limit_value.into()),
            ("limit_unit", (&i.limit_unit).into()),
            ("slip_version", i.slip_version.into()),
            ("version", i.version.into()),
            ("updated_at", i.updated_at.into()),
        ],
    )
    .await
}

pub async fn insert_slip(tx: &mut Tx, s: &SlipRow) -> Result<(), Error> {
    tx.insert_many("INSERT INTO service_slip (id, item_id, slip_version, entries, created_by_name, created_at)", &[s], |s| {
        vec![s.id.into(), s.item_id.into(), s.slip_version.into(), (&s.entries).into(), (&s.created_by_name).into(), s.created_at.into()]
    })
    .await
    .map(|_| ())
}

pub async fn slip(tx: &mut Tx, item: Uuid, version: i64) -> Result<Option<Slip>, Error> {
    let r: Option<SlipRow> =
        tx.opt(&Sql::new("SELECT * FROM service_slip WHERE item_id = $1 AND slip_version = $2").bind(item).bind(version)).await?;
    Ok(r.map(|r| r.slip()))
}
