//! `/api/catalog`: the service catalog (服务清单) with handling guides and versioned acceptance
//! slips (受理单).

use crate::archive::one_of;
use crate::audit_log::{changes, record};
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::Tx;
use zt_db::catalog::{self as repo, Category, Item, ItemFilter, Slip, SlipEntry, SlipRow};
use zt_db::org::{Department, Station};
use zt_domain::check::Checks;
use zt_domain::requests::{PROCESS_TYPES, ProcessType};
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, FieldError};

#[utoipa::path(get, path = "/api/catalog/categories", tag = "catalog", responses((status = 200, body = Vec<Category>)))]
pub async fn categories(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<Category>>> {
    // the portal's service guide groups items by category too
    if !s.actor.can("portal.use") {
        s.actor.require("catalog.read")?;
    }
    let mut tx = st.db.read().await?;
    let v = crate::dicts::entries(&st, &mut tx, "catalog_category").await?;
    tx.commit().await?;
    Ok(Json(v.as_ref().clone()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
}

#[utoipa::path(post, path = "/api/catalog/categories", tag = "catalog", request_body = CategoryInput,
    responses((status = 201, body = Category), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_category(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<CategoryInput>,
) -> ApiResult<(StatusCode, Json<Category>)> {
    s.actor.require("catalog.manage")?;
    let mut c = Checks::new();
    let (code, name_en) = crate::archive::coded_name(&mut c, &i.code, &i.name_zh, &i.name_en);
    let mut tx = st.db.write().await?;
    let all = repo::categories(&mut tx).await?;
    if all.iter().any(|x| x.code == code) {
        c.add("code", "conflict.duplicate");
    }
    if all.iter().any(|x| x.name_zh == i.name_zh.trim()) {
        c.add("name_zh", "name.taken");
    }
    c.finish()?;
    let cat = Category {
        code,
        name_zh: i.name_zh.trim().into(),
        name_en: if name_en.is_empty() { i.name_zh.trim().into() } else { name_en },
        builtin: false,
        sort_order: 100 + all.len() as i64 * 10,
        color: String::new(),
        enabled: true,
        version: 1,
    };
    crate::dicts::add(&mut tx, "catalog_category", &cat).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "catalog.category.create",
        "service_category",
        Some(cat.code.clone()),
        format!("新增服务类别：{}", cat.name_zh),
        json!({"after": &cat}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(cat)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ItemQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub station_id: Option<Uuid>,
    pub process_type: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Rows per page, 1–200 (default 20).
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: Item,
    pub category_name: String,
    pub process_type_name: String,
    pub station_name: Option<String>,
    pub department_name: Option<String>,
    /// The current slip (absent in lists).
    pub slip: Option<Slip>,
}

/// One item with its current slip.
pub(crate) async fn view(st: &AppState, tx: &mut Tx, item: Item) -> Result<ItemView, Error> {
    let cats = crate::dicts::entries(st, tx, "catalog_category").await?;
    view_with(tx, &cats, item, true).await
}

pub(crate) async fn view_with(tx: &mut Tx, cats: &[Category], item: Item, with_slip: bool) -> Result<ItemView, Error> {
    let station_name = match item.station_id {
        Some(id) => zt_db::org::get::<Station>(tx, "station", None, id).await.ok().map(|s| s.name),
        None => None,
    };
    let department_name = match item.department_id {
        Some(id) => zt_db::org::get::<Department>(tx, "department", None, id).await.ok().map(|d| d.name),
        None => None,
    };
    let slip = if with_slip { repo::slip(tx, item.id, item.slip_version).await? } else { None };
    Ok(ItemView {
        category_name: cats.iter().find(|c| c.code == item.category_code).map(|c| c.name_zh.clone()).unwrap_or_default(),
        process_type_name: ProcessType::parse(&item.process_type).map(|p| p.name_zh().to_string()).unwrap_or_default(),
        station_name,
        department_name,
        slip,
        item,
    })
}

#[utoipa::path(get, path = "/api/catalog/items", tag = "catalog", params(ItemQuery), responses((status = 200, body = Page<ItemView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<ItemQuery>) -> ApiResult<Json<Page<ItemView>>> {
    s.actor.require("catalog.read")?;
    let (limit, offset, page, page_size) = Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let f = ItemFilter { q: q.q, category: q.category, status: q.status, station_id: q.station_id, process_type: q.process_type };
    let mut tx = st.db.read().await?;
    let (items, total) = repo::list(&mut tx, &s.actor.scope, &f, limit, offset).await?;
    let cats = crate::dicts::entries(&st, &mut tx, "catalog_category").await?;
    let mut out = Vec::new();
    for i in items {
        out.push(view_with(&mut tx, &cats, i, false).await?);
    }
    tx.commit().await?;
    Ok(Json(Page { items: out, total, total_capped: false, page, page_size }))
}

#[utoipa::path(get, path = "/api/catalog/items/{id}", tag = "catalog", params(("id" = Uuid, Path)), responses((status = 200, body = ItemView)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<ItemView>> {
    s.actor.require("catalog.read")?;
    let mut tx = st.db.read().await?;
    let read = repo::get(&mut tx, &s.actor.scope, id).await;
    let item = crate::org::or_denied(&mut tx, read, "service_item", id).await?;
    let v = view(&st, &mut tx, item).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub name: Option<String>,
    pub category_code: Option<String>,
    /// None or absent: bureau-wide (offered at every station, 通办).
    #[serde(default, deserialize_with = "crate::org::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub station_id: Option<Option<Uuid>>,
    pub conditions: Option<String>,
    pub guide: Option<String>,
    pub legal_basis: Option<String>,
    pub fee_kind: Option<String>,
    /// Yuan with up to two decimals, e.g. "300.00" (paid items).
    #[serde(default, deserialize_with = "crate::org::nullable")]
    #[schema(value_type = Option<String>)]
    pub fee_yuan: Option<Option<String>>,
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "crate::org::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub department_id: Option<Option<Uuid>>,
    pub process_type: Option<String>,
    pub limit_value: Option<i64>,
    pub limit_unit: Option<String>,
    /// The initial slip when creating.
    pub slip: Option<Vec<SlipEntryInput>>,
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipEntryInput {
    pub key: Option<String>,
    pub kind: String,
    pub text: String,
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// Parses "300", "300.5", "300.50" into fen.
pub fn yuan_to_cents(v: &str) -> Option<i64> {
    let v = v.trim().trim_start_matches('¥').replace(',', "");
    let (whole, frac) = v.split_once('.').unwrap_or((&v, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    w.checked_mul(100)?.checked_add(f)
}

fn check_slip(c: &mut Checks, entries: &[SlipEntryInput]) -> Vec<SlipEntry> {
    let mut out: Vec<SlipEntry> = Vec::new();
    if entries.is_empty() {
        c.add("slip", "slip.empty");
    }
    if entries.len() > 100 {
        c.push(FieldError::new("slip", "out_of_range").with("min", 1).with("max", 100));
    }
    for (n, e) in entries.iter().enumerate() {
        let field = format!("slip[{n}]");
        if !matches!(e.kind.as_str(), "condition" | "material") {
            one_of(c, &format!("{field}.kind"), &e.kind, &["condition", "material"]);
        }
        c.text(&format!("{field}.text"), e.text.trim(), 200);
        let key = e.key.clone().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).unwrap_or_else(|| format!("e{}", n + 1));
        if out.iter().any(|o| o.key == key) {
            c.add(&format!("{field}.key"), "conflict.duplicate");
        }
        out.push(SlipEntry { key, kind: e.kind.clone(), text: e.text.trim().to_string(), required: e.required });
    }
    out
}

/// Applies an input to an item, collecting every bad field.
async fn apply(st: &AppState, tx: &mut Tx, actor: &Actor, it: &mut Item, i: &ItemInput, creating: bool) -> Result<Vec<SlipEntry>, Error> {
    let mut c = Checks::new();
    let category_before = it.category_code.clone();
    let t = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string());
    if let Some(v) = t(&i.name) {
        it.name = v;
    }
    c.text("name", &it.name, 100);
    if let Some(v) = t(&i.category_code) {
        it.category_code = v;
    }
    let cats = crate::dicts::entries(st, tx, "catalog_category").await?;
    if it.category_code.is_empty() {
        c.add("category_code", "required");
    } else if !cats.iter().any(|x| x.code == it.category_code) {
        c.add("category_code", "ref.not_found");
    } else if (creating || it.category_code != category_before) && cats.iter().any(|x| x.code == it.category_code && !x.enabled) {
        c.add("category_code", "dict.disabled");
    }
    if let Some(v) = i.station_id {
        it.station_id = v;
    }
    if let Some(sid) = it.station_id {
        if zt_db::org::get::<Station>(tx, "station", Some(&actor.scope), sid).await.is_err() {
            c.add("station_id", "ref.not_found");
        }
    } else if matches!(actor.scope, Scope::Station { .. } | Scope::Department { .. }) {
        // a station manages its own items; bureau-wide ones belong to the bureau
        c.add("station_id", "required");
    }
    for (f, v, dst, max) in [
        ("conditions", &i.conditions, &mut it.conditions, 4000),
        ("guide", &i.guide, &mut it.guide, 20000),
        ("legal_basis", &i.legal_basis, &mut it.legal_basis, 4000),
        ("provider", &i.provider, &mut it.provider, 100),
    ] {
        if let Some(v) = t(v) {
            *dst = v;
        }
        c.opt_text(f, Some(dst), max);
    }
    if let Some(v) = t(&i.fee_kind) {
        it.fee_kind = v;
    }
    one_of(&mut c, "fee_kind", &it.fee_kind, &["free", "paid"]);
    if let Some(v) = &i.fee_yuan {
        it.fee_cents = match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(y) => match yuan_to_cents(y) {
                Some(cents) => Some(cents),
                None => {
                    c.add("fee_yuan", "money.invalid");
                    it.fee_cents
                }
            },
        };
    }
    if it.fee_kind == "paid" && it.fee_cents.is_none_or(|v| v <= 0) && !c.has("fee_yuan") {
        c.add("fee_yuan", "required");
    }
    if it.fee_kind == "free" {
        it.fee_cents = None;
    }
    if let Some(v) = i.department_id {
        it.department_id = v;
    }
    if let Some(d) = it.department_id {
        if zt_db::org::get::<Department>(tx, "department", Some(&actor.scope), d).await.is_err() {
            c.add("department_id", "ref.not_found");
        }
    }
    if let Some(v) = t(&i.process_type) {
        it.process_type = v;
    }
    if ProcessType::parse(&it.process_type).is_none() {
        let all: Vec<&str> = PROCESS_TYPES.iter().map(|p| p.code()).collect();
        one_of(&mut c, "process_type", &it.process_type, &all);
    }
    if let Some(v) = i.limit_value {
        it.limit_value = v;
    }
    if creating && i.limit_value.is_none() {
        c.add("limit_value", "required");
    } else {
        c.range("limit_value", it.limit_value, 1, 365);
    }
    if let Some(v) = t(&i.limit_unit) {
        it.limit_unit = v;
    }
    one_of(&mut c, "limit_unit", &it.limit_unit, &["working_days", "natural_days"]);
    let slip = match (&i.slip, creating) {
        (Some(entries), true) => check_slip(&mut c, entries),
        (None, true) => {
            c.add("slip", "slip.empty");
            vec![]
        }
        (Some(_), false) => {
            c.add("slip", "slip.use_slip_endpoint");
            vec![]
        }
        (None, false) => vec![],
    };
    c.finish()?;
    Ok(slip)
}

#[utoipa::path(post, path = "/api/catalog/items", tag = "catalog", request_body = ItemInput,
    responses((status = 201, body = ItemView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(State(st): State<AppState>, Authed(s): Authed, Body(i): Body<ItemInput>) -> ApiResult<(StatusCode, Json<ItemView>)> {
    s.actor.require("catalog.manage")?;
    let bureau = s.actor.scope.bureau().ok_or_else(Error::forbidden)?;
    let now = st.now();
    let mut it = Item {
        id: Uuid::now_v7(),
        bureau_id: bureau,
        station_id: match s.actor.scope {
            Scope::Station { station, .. } => Some(station),
            _ => None,
        },
        category_code: String::new(),
        name: String::new(),
        status: "draft".into(),
        conditions: String::new(),
        guide: String::new(),
        legal_basis: String::new(),
        fee_kind: "free".into(),
        fee_cents: None,
        provider: String::new(),
        department_id: None,
        process_type: String::new(),
        limit_value: 0,
        limit_unit: "working_days".into(),
        slip_version: 1,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut tx = st.db.write().await?;
    let slip = apply(&st, &mut tx, &s.actor, &mut it, &i, true).await?;
    repo::insert(&mut tx, &it).await?;
    let row = SlipRow {
        id: Uuid::now_v7(),
        item_id: it.id,
        slip_version: 1,
        entries: serde_json::to_string(&slip).map_err(|e| Error::internal(e.to_string()))?,
        created_by_name: s.actor.display_name.clone(),
        created_at: now,
    };
    repo::insert_slip(&mut tx, &row).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "catalog.item.create",
        "service_item",
        Some(it.id.to_string()),
        format!("新增服务事项：{}", it.name),
        json!({"after": &it, "slip": &slip}),
    )
    .await?;
    let v = view(&st, &mut tx, it).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Loads an item the caller may change: its bureau's, and a station only its own items.
async fn editable(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Item, Error> {
    actor.require("catalog.manage")?;
    let read = repo::get(tx, &actor.scope, id).await;
    let it = crate::org::or_denied(tx, read, "service_item", id).await?;
    if matches!(actor.scope, Scope::Station { .. } | Scope::Department { .. }) && it.station_id.is_none() {
        return Err(Error::forbidden());
    }
    Ok(it)
}

#[utoipa::path(patch, path = "/api/catalog/items/{id}", tag = "catalog", params(("id" = Uuid, Path)), request_body = ItemInput,
    responses((status = 200, body = ItemView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<ItemInput>) -> ApiResult<Json<ItemView>> {
    let mut tx = st.db.write().await?;
    let mut it = editable(&mut tx, &s.actor, id).await?;
    let expected = crate::org::version_of(i.version)?;
    let before = it.clone();
    apply(&st, &mut tx, &s.actor, &mut it, &i, false).await?;
    it.version += 1;
    it.updated_at = st.now();
    repo::save(&mut tx, &it, expected).await?;
    let diff = changes(&serde_json::to_value(&before).unwrap_or_default(), &serde_json::to_value(&it).unwrap_or_default());
    record(
        &mut tx,
        &st,
        &s.actor,
        "catalog.item.update",
        "service_item",
        Some(it.id.to_string()),
        format!("修改服务事项：{}", it.name),
        json!({"changes": diff}),
    )
    .await?;
    let v = view(&st, &mut tx, it).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    pub version: Option<i64>,
}

async fn set_status(st: &AppState, actor: &Actor, id: Uuid, version: Option<i64>, status: &str) -> Result<ItemView, Error> {
    let mut tx = st.db.write().await?;
    let mut it = editable(&mut tx, actor, id).await?;
    let expected = crate::org::version_of(version)?;
    it.status = status.into();
    it.version += 1;
    it.updated_at = st.now();
    repo::save(&mut tx, &it, expected).await?;
    let (action, zh) = if status == "published" { ("catalog.item.publish", "发布") } else { ("catalog.item.unpublish", "下架") };
    record(
        &mut tx,
        st,
        actor,
        action,
        "service_item",
        Some(it.id.to_string()),
        format!("{zh}服务事项：{}", it.name),
        json!({"status": status}),
    )
    .await?;
    let v = view(&st, &mut tx, it).await?;
    tx.commit().await?;
    Ok(v)
}

#[utoipa::path(post, path = "/api/catalog/items/{id}/publish", tag = "catalog", params(("id" = Uuid, Path)), request_body = VersionInput,
    responses((status = 200, body = ItemView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn publish(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<VersionInput>) -> ApiResult<Json<ItemView>> {
    Ok(Json(set_status(&st, &s.actor, id, i.version, "published").await?))
}

#[utoipa::path(post, path = "/api/catalog/items/{id}/unpublish", tag = "catalog", params(("id" = Uuid, Path)), request_body = VersionInput,
    responses((status = 200, body = ItemView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn unpublish(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<VersionInput>,
) -> ApiResult<Json<ItemView>> {
    Ok(Json(set_status(&st, &s.actor, id, i.version, "draft").await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipInput {
    pub entries: Vec<SlipEntryInput>,
    /// The item's version the editor loaded.
    pub version: Option<i64>,
}

/// Saves a new version of the acceptance slip; requests keep the version they were checked
/// against.
#[utoipa::path(put, path = "/api/catalog/items/{id}/slip", tag = "catalog", params(("id" = Uuid, Path)), request_body = SlipInput,
    responses((status = 200, body = ItemView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_slip(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<SlipInput>) -> ApiResult<Json<ItemView>> {
    let mut tx = st.db.write().await?;
    let mut it = editable(&mut tx, &s.actor, id).await?;
    let expected = crate::org::version_of(i.version)?;
    let mut c = Checks::new();
    let entries = check_slip(&mut c, &i.entries);
    c.finish()?;
    it.slip_version += 1;
    it.version += 1;
    it.updated_at = st.now();
    repo::save(&mut tx, &it, expected).await?;
    let row = SlipRow {
        id: Uuid::now_v7(),
        item_id: it.id,
        slip_version: it.slip_version,
        entries: serde_json::to_string(&entries).map_err(|e| Error::internal(e.to_string()))?,
        created_by_name: s.actor.display_name.clone(),
        created_at: it.updated_at,
    };
    repo::insert_slip(&mut tx, &row).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "catalog.slip.update",
        "service_item",
        Some(it.id.to_string()),
        format!("受理单新版本：{}（第 {} 版）", it.name, it.slip_version),
        json!({"slip_version": it.slip_version, "entries": &entries}),
    )
    .await?;
    let v = view(&st, &mut tx, it).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[utoipa::path(get, path = "/api/catalog/items/{id}/slip/{version}", tag = "catalog", params(("id" = Uuid, Path), ("version" = i64, Path)),
    responses((status = 200, body = Slip)))]
pub async fn get_slip(State(st): State<AppState>, Authed(s): Authed, Path((id, version)): Path<(Uuid, i64)>) -> ApiResult<Json<Slip>> {
    s.actor.require("catalog.read")?;
    let mut tx = st.db.read().await?;
    let read = repo::get(&mut tx, &s.actor.scope, id).await;
    crate::org::or_denied(&mut tx, read, "service_item", id).await?;
    let slip = repo::slip(&mut tx, id, version).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(slip))
}

#[cfg(test)]
mod tests {
    use super::yuan_to_cents;

    #[test]
    fn yuan_amounts() {
        assert_eq!(yuan_to_cents("300"), Some(30000));
        assert_eq!(yuan_to_cents("300.5"), Some(30050));
        assert_eq!(yuan_to_cents("¥1,200.05"), Some(120005));
        assert_eq!(yuan_to_cents("3.141"), None);
        assert_eq!(yuan_to_cents("-3"), None);
        assert_eq!(yuan_to_cents("abc"), None);
    }
}
