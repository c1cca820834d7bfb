//! Organisation (M1): regions → bureaus → stations → departments, read and changed within the
//! caller's scope. Out of scope is 404; in scope but not the caller's to change is 403.

use crate::audit_log::{changes, record};
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::org::{self, Bureau, DEPARTMENT_KINDS, Department, ListFilter, Region, STATION_KINDS, Station};
use zt_db::{Tx, sql::Row};
use zt_domain::check::Checks;
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, ErrorKind};

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`) in a PATCH.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Turns a scoped read that found nothing into a denial when the row exists outside the scope
/// (404 all the same, plus a `scope.denied` audit row); a plain miss stays a plain miss.
pub async fn or_denied<T>(tx: &mut Tx, read: Result<T, Error>, table: &'static str, id: Uuid) -> Result<T, Error> {
    match read {
        Err(e) if e.kind == ErrorKind::NotFound => {
            if org::exists_unscoped(tx, table, id).await? {
                Err(Error::denied(table, id))
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Reads one row in scope; a row that exists outside the scope is reported as a denial.
pub async fn visible<T: Row>(tx: &mut Tx, table: &'static str, scope: Option<&Scope>, id: Uuid) -> Result<T, Error> {
    let read = org::get::<T>(tx, table, scope, id).await;
    or_denied(tx, read, table, id).await
}

/// A referenced record must be visible too; otherwise the field is wrong.
async fn reference<T: Row>(tx: &mut Tx, table: &'static str, scope: Option<&Scope>, id: Uuid, field: &str) -> Result<T, Error> {
    org::get::<T>(tx, table, scope, id)
        .await
        .map_err(|e| if e.kind == ErrorKind::NotFound { Error::field(field, "ref.not_found") } else { e })
}

fn require_all(actor: &Actor) -> Result<(), Error> {
    actor.require("org.manage")?;
    if actor.scope == Scope::All { Ok(()) } else { Err(Error::forbidden()) }
}

/// May the actor change things of this bureau / station?
fn manages(actor: &Actor, bureau: Uuid, station: Option<Uuid>) -> Result<(), Error> {
    actor.require("org.manage")?;
    let ok = match actor.scope {
        Scope::All => true,
        Scope::Bureau { bureau: b } => b == bureau,
        Scope::Station { station: s, .. } => station == Some(s),
        _ => false,
    };
    if ok { Ok(()) } else { Err(Error::forbidden()) }
}

fn text(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_string()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// Part of the name.
    pub q: Option<String>,
    pub region_id: Option<Uuid>,
    pub bureau_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

impl OrgQuery {
    fn split(&self) -> (ListFilter, Paging) {
        (
            ListFilter { q: self.q.clone(), bureau_id: self.bureau_id, station_id: self.station_id, region_id: self.region_id },
            Paging { page: self.page, page_size: self.page_size },
        )
    }
}

async fn list_of<T: Row + Serialize>(st: &AppState, actor: &Actor, table: &'static str, q: &OrgQuery) -> ApiResult<Json<Page<T>>> {
    actor.require("org.read")?;
    let (f, p) = q.split();
    let (limit, offset, _, _) = p.limit_offset();
    let mut tx = st.db.read().await?;
    let scope = if table == "region" { None } else { Some(&actor.scope) };
    let (items, total) = org::list::<T>(&mut tx, table, scope, &f, limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(items, total, &p)))
}

async fn get_of<T: Row + Serialize>(st: &AppState, actor: &Actor, table: &'static str, id: Uuid) -> ApiResult<Json<T>> {
    actor.require("org.read")?;
    let mut tx = st.db.read().await?;
    let scope = if table == "region" { None } else { Some(&actor.scope) };
    let row = visible::<T>(&mut tx, table, scope, id).await?;
    tx.commit().await?;
    Ok(Json(row))
}

// ---------------------------------------------------------------- regions

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionInput {
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    /// Required on PATCH: the version last read.
    pub version: Option<i64>,
}

async fn check_region(tx: &mut Tx, r: &Region) -> Result<(), Error> {
    let mut c = Checks::new();
    if !(r.code.len() == 6 && r.code.bytes().all(|b| b.is_ascii_digit())) {
        c.add("code", if r.code.is_empty() { "required" } else { "region.code_invalid" });
    } else if tx
        .exists(&zt_db::Sql::new("SELECT count(*) FROM region WHERE code = $1 AND id <> $2").bind(r.code.as_str()).bind(r.id))
        .await?
    {
        c.add("code", "region.code_taken");
    }
    c.text("name", &r.name, 50);
    if let Some(parent) = r.parent_id {
        // walk up: the parent must exist and must not lead back to this region
        let mut cur = Some(parent);
        let mut hops = 0;
        while let Some(p) = cur {
            if p == r.id || hops > 20 {
                c.add("parent_id", "region.cycle");
                break;
            }
            match org::get::<Region>(tx, "region", None, p).await {
                Ok(pr) => cur = pr.parent_id,
                Err(_) => {
                    c.add("parent_id", "ref.not_found");
                    break;
                }
            }
            hops += 1;
        }
    }
    c.finish()
}

#[utoipa::path(get, path = "/api/regions", tag = "org", params(OrgQuery), responses((status = 200, body = Page<Region>)))]
pub async fn list_regions(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<OrgQuery>) -> ApiResult<Json<Page<Region>>> {
    list_of(&st, &s.actor, "region", &q).await
}

#[utoipa::path(get, path = "/api/regions/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 200, body = Region), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_region(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Region>> {
    get_of(&st, &s.actor, "region", id).await
}

#[utoipa::path(post, path = "/api/regions", tag = "org", request_body = RegionInput,
    responses((status = 201, body = Region), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_region(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<RegionInput>,
) -> ApiResult<(StatusCode, Json<Region>)> {
    require_all(&s.actor)?;
    let now = st.now();
    let r = Region {
        id: Uuid::now_v7(),
        code: text(&i.code),
        name: text(&i.name),
        parent_id: i.parent_id.flatten(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut tx = st.db.write().await?;
    check_region(&mut tx, &r).await?;
    org::insert_region(&mut tx, &r).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "region.create",
        "region",
        Some(r.id.to_string()),
        format!("新增行政区划 {} {}", r.code, r.name),
        json!({"after": &r}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// The `version` a change must carry (optimistic concurrency).
pub(crate) fn version_of(v: Option<i64>) -> Result<i64, Error> {
    v.ok_or_else(|| Error::field("version", "required"))
}

#[utoipa::path(patch, path = "/api/regions/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = RegionInput,
    responses((status = 200, body = Region), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_region(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<RegionInput>,
) -> ApiResult<Json<Region>> {
    s.actor.require("org.read")?;
    let expected = version_of(i.version)?;
    let mut tx = st.db.write().await?;
    let before: Region = visible(&mut tx, "region", None, id).await?;
    require_all(&s.actor)?;
    let mut r = before.clone();
    if i.code.is_some() {
        r.code = text(&i.code);
    }
    if i.name.is_some() {
        r.name = text(&i.name);
    }
    if let Some(p) = i.parent_id {
        r.parent_id = p;
    }
    check_region(&mut tx, &r).await?;
    r.version = expected + 1;
    r.updated_at = st.now();
    org::update_region(&mut tx, &r, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "region.update",
        "region",
        Some(id.to_string()),
        format!("修改行政区划 {}", r.name),
        changes(&before, &r),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(r))
}

async fn delete_of<T: Row + Serialize>(
    st: &AppState,
    actor: &Actor,
    table: &'static str,
    id: Uuid,
    may: impl Fn(&T) -> Result<(), Error>,
    label: impl Fn(&T) -> String,
) -> ApiResult<StatusCode> {
    actor.require("org.read")?;
    let mut tx = st.db.write().await?;
    let scope = if table == "region" { None } else { Some(&actor.scope) };
    let row: T = visible(&mut tx, table, scope, id).await?;
    may(&row)?;
    org::delete(&mut tx, table, id).await?;
    record(
        &mut tx,
        st,
        actor,
        &format!("{table}.delete"),
        table,
        Some(id.to_string()),
        format!("删除 {}", label(&row)),
        json!({"before": &row}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/regions/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_region(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_of::<Region>(&st, &s.actor, "region", id, |_| require_all(&s.actor), |r| format!("行政区划 {}", r.name)).await
}

// ---------------------------------------------------------------- bureaus

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BureauInput {
    pub region_id: Option<Uuid>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub version: Option<i64>,
}

async fn check_bureau(tx: &mut Tx, b: &Bureau, region_given: bool) -> Result<(), Error> {
    let mut c = Checks::new();
    if !region_given {
        c.add("region_id", "required");
    } else if reference::<Region>(tx, "region", None, b.region_id, "region_id").await.is_err() {
        c.add("region_id", "ref.not_found");
    }
    c.text("name", &b.name, 100);
    if !b.name.is_empty() && org::name_taken(tx, "bureau", "", None, &b.name, Some(b.id)).await? {
        c.add("name", "name.taken");
    }
    c.opt_text("address", Some(&b.address), 200);
    c.opt_text("contact_name", Some(&b.contact_name), 50);
    c.opt_phone("contact_phone", Some(&b.contact_phone));
    c.finish()
}

#[utoipa::path(get, path = "/api/bureaus", tag = "org", params(OrgQuery), responses((status = 200, body = Page<Bureau>)))]
pub async fn list_bureaus(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<OrgQuery>) -> ApiResult<Json<Page<Bureau>>> {
    list_of(&st, &s.actor, "bureau", &q).await
}

#[utoipa::path(get, path = "/api/bureaus/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 200, body = Bureau), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_bureau(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Bureau>> {
    get_of(&st, &s.actor, "bureau", id).await
}

#[utoipa::path(post, path = "/api/bureaus", tag = "org", request_body = BureauInput,
    responses((status = 201, body = Bureau), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_bureau(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<BureauInput>,
) -> ApiResult<(StatusCode, Json<Bureau>)> {
    require_all(&s.actor)?;
    let now = st.now();
    let b = Bureau {
        id: Uuid::now_v7(),
        region_id: i.region_id.unwrap_or(Uuid::nil()),
        name: text(&i.name),
        address: text(&i.address),
        contact_name: text(&i.contact_name),
        contact_phone: text(&i.contact_phone),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut tx = st.db.write().await?;
    check_bureau(&mut tx, &b, i.region_id.is_some()).await?;
    org::insert_bureau(&mut tx, &b).await?;
    record(&mut tx, &st, &s.actor, "bureau.create", "bureau", Some(b.id.to_string()), format!("新增机构 {}", b.name), json!({"after": &b}))
        .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[utoipa::path(patch, path = "/api/bureaus/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = BureauInput,
    responses((status = 200, body = Bureau), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_bureau(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<BureauInput>,
) -> ApiResult<Json<Bureau>> {
    s.actor.require("org.read")?;
    let expected = version_of(i.version)?;
    let mut tx = st.db.write().await?;
    let before: Bureau = visible(&mut tx, "bureau", Some(&s.actor.scope), id).await?;
    manages(&s.actor, before.id, None)?;
    let mut b = before.clone();
    if let Some(r) = i.region_id {
        b.region_id = r;
    }
    if i.name.is_some() {
        b.name = text(&i.name);
    }
    if i.address.is_some() {
        b.address = text(&i.address);
    }
    if i.contact_name.is_some() {
        b.contact_name = text(&i.contact_name);
    }
    if i.contact_phone.is_some() {
        b.contact_phone = text(&i.contact_phone);
    }
    check_bureau(&mut tx, &b, true).await?;
    b.version = expected + 1;
    b.updated_at = st.now();
    org::update_bureau(&mut tx, &b, expected).await?;
    record(&mut tx, &st, &s.actor, "bureau.update", "bureau", Some(id.to_string()), format!("修改机构 {}", b.name), changes(&before, &b))
        .await?;
    tx.commit().await?;
    Ok(Json(b))
}

#[utoipa::path(delete, path = "/api/bureaus/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_bureau(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_of::<Bureau>(&st, &s.actor, "bureau", id, |_| require_all(&s.actor), |b| format!("机构 {}", b.name)).await
}

// ---------------------------------------------------------------- stations

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationInput {
    pub bureau_id: Option<Uuid>,
    pub name: Option<String>,
    /// park · cluster · carrier · town
    pub kind: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// 1–20, default 3.
    pub window_count: Option<i64>,
    pub version: Option<i64>,
}

async fn check_station(tx: &mut Tx, s: &Station) -> Result<(), Error> {
    let mut c = Checks::new();
    c.text("name", &s.name, 100);
    if !s.name.is_empty() && org::name_taken(tx, "station", "bureau_id", Some(s.bureau_id), &s.name, Some(s.id)).await? {
        c.add("name", "name.taken");
    }
    if s.kind.is_empty() {
        c.add("kind", "required");
    } else if !STATION_KINDS.contains(&s.kind.as_str()) {
        c.add("kind", "station.kind_invalid");
    }
    c.opt_text("address", Some(&s.address), 200);
    c.opt_text("contact_name", Some(&s.contact_name), 50);
    c.opt_phone("contact_phone", Some(&s.contact_phone));
    c.range("window_count", s.window_count, 1, 20);
    c.finish()
}

#[utoipa::path(get, path = "/api/stations", tag = "org", params(OrgQuery), responses((status = 200, body = Page<Station>)))]
pub async fn list_stations(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<OrgQuery>) -> ApiResult<Json<Page<Station>>> {
    list_of(&st, &s.actor, "station", &q).await
}

#[utoipa::path(get, path = "/api/stations/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 200, body = Station), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_station(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Station>> {
    get_of(&st, &s.actor, "station", id).await
}

#[utoipa::path(post, path = "/api/stations", tag = "org", request_body = StationInput,
    responses((status = 201, body = Station), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_station(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<StationInput>,
) -> ApiResult<(StatusCode, Json<Station>)> {
    s.actor.require("org.manage")?;
    let mut tx = st.db.write().await?;
    let now = st.now();
    let mut row = Station {
        id: Uuid::now_v7(),
        bureau_id: i.bureau_id.unwrap_or(Uuid::nil()),
        name: text(&i.name),
        kind: text(&i.kind),
        address: text(&i.address),
        contact_name: text(&i.contact_name),
        contact_phone: text(&i.contact_phone),
        window_count: i.window_count.unwrap_or(3),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let Some(bureau_id) = i.bureau_id else {
        let mut e = check_station(&mut tx, &row).await.err().unwrap_or_else(|| Error::validation(vec![]));
        e.fields.insert(0, zt_domain::FieldError::new("bureau_id", "required"));
        return Err(e.into());
    };
    let bureau: Bureau = reference(&mut tx, "bureau", Some(&s.actor.scope), bureau_id, "bureau_id").await?;
    manages(&s.actor, bureau.id, None)?;
    row.bureau_id = bureau_id;
    check_station(&mut tx, &row).await?;
    org::insert_station(&mut tx, &row).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "station.create",
        "station",
        Some(row.id.to_string()),
        format!("新增站点 {}", row.name),
        json!({"after": &row}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(patch, path = "/api/stations/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = StationInput,
    responses((status = 200, body = Station), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_station(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<StationInput>,
) -> ApiResult<Json<Station>> {
    s.actor.require("org.read")?;
    let expected = version_of(i.version)?;
    let mut tx = st.db.write().await?;
    let before: Station = visible(&mut tx, "station", Some(&s.actor.scope), id).await?;
    manages(&s.actor, before.bureau_id, Some(before.id))?;
    if i.bureau_id.is_some_and(|b| b != before.bureau_id) {
        return Err(Error::field("bureau_id", "invalid_format").into());
    }
    let mut row = before.clone();
    if i.name.is_some() {
        row.name = text(&i.name);
    }
    if i.kind.is_some() {
        row.kind = text(&i.kind);
    }
    if i.address.is_some() {
        row.address = text(&i.address);
    }
    if i.contact_name.is_some() {
        row.contact_name = text(&i.contact_name);
    }
    if i.contact_phone.is_some() {
        row.contact_phone = text(&i.contact_phone);
    }
    if let Some(w) = i.window_count {
        row.window_count = w;
    }
    check_station(&mut tx, &row).await?;
    row.version = expected + 1;
    row.updated_at = st.now();
    org::update_station(&mut tx, &row, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "station.update",
        "station",
        Some(id.to_string()),
        format!("修改站点 {}", row.name),
        changes(&before, &row),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(row))
}

#[utoipa::path(delete, path = "/api/stations/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_station(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_of::<Station>(&st, &s.actor, "station", id, |row| manages(&s.actor, row.bureau_id, None), |r| format!("站点 {}", r.name)).await
}

// ---------------------------------------------------------------- departments

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub bureau_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub station_id: Option<Option<Uuid>>,
    pub name: Option<String>,
    /// section · team
    pub kind: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub version: Option<i64>,
}

async fn check_department(tx: &mut Tx, actor: &Actor, d: &Department) -> Result<(), Error> {
    let mut c = Checks::new();
    c.text("name", &d.name, 100);
    if d.kind.is_empty() {
        c.add("kind", "required");
    } else if !DEPARTMENT_KINDS.contains(&d.kind.as_str()) {
        c.add("kind", "department.kind_invalid");
    }
    if let Some(sid) = d.station_id {
        match org::get::<Station>(tx, "station", Some(&actor.scope), sid).await {
            Ok(s) if s.bureau_id != d.bureau_id => c.add("station_id", "department.station_bureau_mismatch"),
            Ok(_) => {}
            Err(_) => c.add("station_id", "ref.not_found"),
        }
    }
    if !d.name.is_empty() && c.is_empty() {
        let mut s = zt_db::Sql::new("SELECT count(*) FROM department WHERE name = ");
        s.param(d.name.as_str()).push(" AND bureau_id = ").param(d.bureau_id).push(" AND id <> ").param(d.id);
        match d.station_id {
            Some(sid) => s.push(" AND station_id = ").param(sid),
            None => s.push(" AND station_id IS NULL"),
        };
        if tx.exists(&s).await? {
            c.add("name", "name.taken");
        }
    }
    c.opt_text("contact_name", Some(&d.contact_name), 50);
    c.opt_phone("contact_phone", Some(&d.contact_phone));
    c.finish()
}

#[utoipa::path(get, path = "/api/departments", tag = "org", params(OrgQuery), responses((status = 200, body = Page<Department>)))]
pub async fn list_departments(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<OrgQuery>) -> ApiResult<Json<Page<Department>>> {
    list_of(&st, &s.actor, "department", &q).await
}

#[utoipa::path(get, path = "/api/departments/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 200, body = Department), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_department(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Department>> {
    get_of(&st, &s.actor, "department", id).await
}

#[utoipa::path(post, path = "/api/departments", tag = "org", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_department(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    s.actor.require("org.manage")?;
    let mut tx = st.db.write().await?;
    let Some(bureau_id) = i.bureau_id else {
        return Err(Error::field("bureau_id", "required").into());
    };
    reference::<Bureau>(&mut tx, "bureau", Some(&s.actor.scope), bureau_id, "bureau_id").await?;
    let station_id = i.station_id.flatten();
    manages(&s.actor, bureau_id, station_id)?;
    let now = st.now();
    let d = Department {
        id: Uuid::now_v7(),
        bureau_id,
        station_id,
        name: text(&i.name),
        kind: text(&i.kind),
        contact_name: text(&i.contact_name),
        contact_phone: text(&i.contact_phone),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    check_department(&mut tx, &s.actor, &d).await?;
    org::insert_department(&mut tx, &d).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "department.create",
        "department",
        Some(d.id.to_string()),
        format!("新增部门 {}", d.name),
        json!({"after": &d}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(patch, path = "/api/departments/{id}", tag = "org", params(("id" = Uuid, Path)), request_body = DepartmentInput,
    responses((status = 200, body = Department), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_department(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<DepartmentInput>,
) -> ApiResult<Json<Department>> {
    s.actor.require("org.read")?;
    let expected = version_of(i.version)?;
    let mut tx = st.db.write().await?;
    let before: Department = visible(&mut tx, "department", Some(&s.actor.scope), id).await?;
    manages(&s.actor, before.bureau_id, before.station_id)?;
    let mut d = before.clone();
    if let Some(sid) = i.station_id {
        d.station_id = sid;
        manages(&s.actor, d.bureau_id, d.station_id)?;
    }
    if i.name.is_some() {
        d.name = text(&i.name);
    }
    if i.kind.is_some() {
        d.kind = text(&i.kind);
    }
    if i.contact_name.is_some() {
        d.contact_name = text(&i.contact_name);
    }
    if i.contact_phone.is_some() {
        d.contact_phone = text(&i.contact_phone);
    }
    check_department(&mut tx, &s.actor, &d).await?;
    d.version = expected + 1;
    d.updated_at = st.now();
    org::update_department(&mut tx, &d, expected).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "department.update",
        "department",
        Some(id.to_string()),
        format!("修改部门 {}", d.name),
        changes(&before, &d),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(d))
}

#[utoipa::path(delete, path = "/api/departments/{id}", tag = "org", params(("id" = Uuid, Path)), responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_department(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_of::<Department>(
        &st,
        &s.actor,
        "department",
        id,
        |d| manages(&s.actor, d.bureau_id, d.station_id),
        |d| format!("部门 {}", d.name),
    )
    .await
}

// ---------------------------------------------------------------- tree

/// A node of the organisation tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgNode {
    /// region · bureau · station · department
    #[serde(rename = "type")]
    pub node_type: &'static str,
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
    pub kind: Option<String>,
    #[schema(no_recursion)]
    pub children: Vec<OrgNode>,
}

fn leaf(node_type: &'static str, id: Uuid, name: &str, code: Option<&str>, kind: Option<&str>) -> OrgNode {
    OrgNode { node_type, id, name: name.to_string(), code: code.map(String::from), kind: kind.map(String::from), children: vec![] }
}

/// The organisation the caller may see, as a tree.
#[utoipa::path(get, path = "/api/org/tree", tag = "org", responses((status = 200, body = Vec<OrgNode>)))]
pub async fn tree(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<OrgNode>>> {
    s.actor.require("org.read")?;
    let scope = s.actor.scope;
    let mut tx = st.db.read().await?;
    let regions = org::all_regions(&mut tx).await?;
    let bureaus: Vec<Bureau> = org::all_in_scope(&mut tx, "bureau", &scope).await?;
    let stations: Vec<Station> = org::all_in_scope(&mut tx, "station", &scope).await?;
    let departments: Vec<Department> = org::all_in_scope(&mut tx, "department", &scope).await?;
    tx.commit().await?;
    let station_node = |x: &Station| {
        let mut n = leaf("station", x.id, &x.name, None, Some(&x.kind));
        n.children = departments
            .iter()
            .filter(|d| d.station_id == Some(x.id))
            .map(|d| leaf("department", d.id, &d.name, None, Some(&d.kind)))
            .collect();
        n
    };
    let bureau_node = |b: &Bureau| {
        let mut n = leaf("bureau", b.id, &b.name, None, None);
        n.children = stations.iter().filter(|x| x.bureau_id == b.id).map(station_node).collect();
        // departments of the bureau itself, and those of stations the caller cannot see
        let seen: Vec<Uuid> = stations.iter().map(|x| x.id).collect();
        n.children.extend(
            departments
                .iter()
                .filter(|d| d.bureau_id == b.id && d.station_id.is_none_or(|sid| !seen.contains(&sid)))
                .map(|d| leaf("department", d.id, &d.name, None, Some(&d.kind))),
        );
        n
    };
    fn region_node(r: &Region, regions: &[Region], bureaus: &[OrgNode], bureau_rows: &[Bureau], show_empty: bool) -> Option<OrgNode> {
        let mut n = leaf("region", r.id, &r.name, Some(&r.code), None);
        n.children = regions
            .iter()
            .filter(|c| c.parent_id == Some(r.id))
            .filter_map(|c| region_node(c, regions, bureaus, bureau_rows, show_empty))
            .collect();
        for (row, node) in bureau_rows.iter().zip(bureaus) {
            if row.region_id == r.id {
                n.children.push(OrgNode {
                    node_type: node.node_type,
                    id: node.id,
                    name: node.name.clone(),
                    code: None,
                    kind: None,
                    children: clone_nodes(&node.children),
                });
            }
        }
        (show_empty || !n.children.is_empty()).then_some(n)
    }
    fn clone_nodes(v: &[OrgNode]) -> Vec<OrgNode> {
        v.iter()
            .map(|n| OrgNode {
                node_type: n.node_type,
                id: n.id,
                name: n.name.clone(),
                code: n.code.clone(),
                kind: n.kind.clone(),
                children: clone_nodes(&n.children),
            })
            .collect()
    }
    let bureau_nodes: Vec<OrgNode> = bureaus.iter().map(bureau_node).collect();
    let show_empty = scope == Scope::All;
    let ids: Vec<Uuid> = regions.iter().map(|r| r.id).collect();
    let roots = regions
        .iter()
        .filter(|r| r.parent_id.is_none_or(|p| !ids.contains(&p)))
        .filter_map(|r| region_node(r, &regions, &bureau_nodes, &bureaus, show_empty))
        .collect();
    Ok(Json(roots))
}
