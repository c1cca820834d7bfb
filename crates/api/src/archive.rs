//! The enterprise growth archive API (M2): profiles, labels, grades, contacts, certificates,
//! IP assets, yearly figures and the timeline. Personal data is encrypted at rest and masked
//! in every answer; the unmasked view needs `pi.unmask` and is audited.

use crate::audit_log::{changes, record};
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::org::{nullable, or_denied};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::archive::{
    self as repo, Certificate, ContactRow, EnterpriseRow, FormerName, GradeRecord, IpAsset, LabelDef, LabelPeriod, Sort, TimelineEntry,
    YearFigures,
};
use zt_db::org::Station;
use zt_db::{Day, Ts, Tx};
use zt_domain::check::{Checks, is_phone};
use zt_domain::ident::{self, mask_id_number, mask_phone};
use zt_domain::scope::Actor;
use zt_domain::{Error, ErrorKind, FieldError};

pub const SIZES: [&str; 2] = ["above", "below"];
pub const STAGES: [&str; 3] = ["startup", "growth", "mature"];
pub const CONTACT_ROLES: [&str; 4] = ["liaison", "policy_expert", "cqo", "other"];
pub const IP_KINDS: [&str; 5] = ["invention", "utility_model", "design", "trademark", "software"];
pub const IP_STATUSES: [&str; 4] = ["pending", "granted", "expired", "transferred"];
/// Certificates expiring within this many days count as expiring.
pub const EXPIRING_DAYS: i64 = 90;

fn add_days(d: Day, n: i64) -> Day {
    Day(d.0.checked_add(jiff::Span::new().days(n)).unwrap_or(d.0))
}

pub(crate) fn date_field(c: &mut Checks, field: &str, v: Option<&str>) -> Option<Day> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    match v.parse::<jiff::civil::Date>() {
        Ok(d) => Some(Day(d)),
        Err(_) => {
            c.add(field, "date.invalid");
            None
        }
    }
}

/// A stable code (lower-case letters, digits and `_`, at most 32) with its Chinese and English
/// names, as admin-defined labels and categories have: returns the code and the English name.
pub(crate) fn coded_name(c: &mut Checks, code: &str, name_zh: &str, name_en: &Option<String>) -> (String, String) {
    let code = code.trim().to_lowercase();
    if code.is_empty() {
        c.add("code", "required");
    } else if code.len() > 32 || !code.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_') {
        c.add("code", "invalid_format");
    }
    c.text("name_zh", name_zh, 30);
    let name_en = name_en.clone().unwrap_or_default().trim().to_string();
    c.opt_text("name_en", Some(&name_en), 60);
    (code, name_en)
}

pub(crate) fn one_of(c: &mut Checks, field: &str, v: &str, allowed: &[&str]) {
    if v.is_empty() {
        c.add(field, "required");
    } else if !allowed.contains(&v) {
        c.push(FieldError::new(field, "one_of").with("allowed", allowed.join(", ")));
    }
}

/// Reads an enterprise in scope; one outside it is a denial (404, audited).
pub async fn visible(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<EnterpriseRow, Error> {
    actor.require("enterprise.read")?;
    let read = repo::get(tx, &actor.scope, id).await;
    or_denied(tx, read, "enterprise", id).await
}

async fn visible_child<T: repo::ChildRecord>(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<T, Error> {
    actor.require("enterprise.read")?;
    let read = repo::child::<T>(tx, &actor.scope, id).await;
    or_denied(tx, read, T::TABLE, id).await
}

/// Writes a timeline entry and an audit row for a change to an enterprise's archive.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn story(
    tx: &mut Tx,
    st: &AppState,
    actor: &Actor,
    enterprise: Uuid,
    kind: &str,
    action: &str,
    ref_type: &str,
    ref_id: Option<String>,
    summary: String,
    detail: serde_json::Value,
) -> Result<(), Error> {
    repo::record(
        tx,
        &TimelineEntry {
            id: Uuid::now_v7(),
            enterprise_id: enterprise,
            at: st.now(),
            kind: kind.into(),
            summary: summary.clone(),
            actor_id: Some(actor.account_id),
            actor_name: actor.display_name.clone(),
            ref_type: ref_type.into(),
            ref_id: ref_id.clone(),
        },
    )
    .await?;
    record(tx, st, actor, action, ref_type, ref_id.or(Some(enterprise.to_string())), summary, detail).await
}

// ---------------------------------------------------------------- views

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseSummary {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub station_id: Uuid,
    pub station_name: String,
    pub industry_code: String,
    pub industry_name: String,
    /// above 规上 · below 规下
    pub size: String,
    /// startup 初创 · growth 成长 · mature 成熟
    pub stage: String,
    pub grade: Option<String>,
    pub labels: Vec<String>,
    /// Certificates expiring within 90 days.
    pub expiring_certificates: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub registered_on: Option<Day>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Enterprise {
    #[serde(flatten)]
    pub summary: EnterpriseSummary,
    pub former_names: Vec<FormerName>,
    pub registered_address: String,
    pub operating_address: String,
    pub cluster: String,
    pub upgrade_potential: bool,
    pub legal_rep_name: String,
    /// Masked: 110105********002X.
    pub legal_rep_id_number: Option<String>,
    /// Masked: 138****5678.
    pub legal_rep_phone: Option<String>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

async fn summaries(tx: &mut Tx, st: &AppState, rows: Vec<(EnterpriseRow, String)>) -> Result<Vec<EnterpriseSummary>, Error> {
    let today = st.today();
    let ids: Vec<Uuid> = rows.iter().map(|(e, _)| e.id).collect();
    let mut labels: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, l) in repo::labels_on(tx, &ids, today).await? {
        labels.entry(id).or_default().push(l);
    }
    let expiring: HashMap<Uuid, i64> = repo::expiring_counts(tx, &ids, today, add_days(today, EXPIRING_DAYS)).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|(e, station_name)| EnterpriseSummary {
            id: e.id,
            uscc: e.uscc,
            name: e.name,
            station_id: e.station_id,
            station_name,
            industry_code: e.industry_code,
            industry_name: e.industry_name,
            size: e.size,
            stage: e.stage,
            grade: e.grade,
            labels: labels.remove(&e.id).unwrap_or_default(),
            expiring_certificates: expiring.get(&e.id).copied().unwrap_or(0),
            registered_on: e.registered_on,
            updated_at: e.updated_at,
        })
        .collect())
}

fn masked(st: &AppState, enc: &Option<String>, mask: fn(&str) -> String) -> Result<Option<String>, Error> {
    enc.as_deref().map(|v| st.cipher.decrypt(v).map(|p| mask(&p))).transpose()
}

async fn detail(tx: &mut Tx, st: &AppState, e: EnterpriseRow) -> Result<Enterprise, Error> {
    let station_name = repo::station_name(tx, e.station_id).await?;
    let former_names = repo::former_names(tx, e.id).await?;
    let legal_rep_id_number = masked(st, &e.legal_rep_id_enc, mask_id_number)?;
    let legal_rep_phone = masked(st, &e.legal_rep_phone_enc, mask_phone)?;
    let (registered_address, operating_address, cluster, upgrade_potential, legal_rep_name, version, created_at) = (
        e.registered_address.clone(),
        e.operating_address.clone(),
        e.cluster.clone(),
        e.upgrade_potential,
        e.legal_rep_name.clone(),
        e.version,
        e.created_at,
    );
    let summary = summaries(tx, st, vec![(e, station_name)]).await?.pop().expect("one row");
    Ok(Enterprise {
        summary,
        former_names,
        registered_address,
        operating_address,
        cluster,
        upgrade_potential,
        legal_rep_name,
        legal_rep_id_number,
        legal_rep_phone,
        version,
        created_at,
    })
}

// ---------------------------------------------------------------- list and read

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// Words of the name or a former name, a contact's name, or a USCC prefix.
    pub q: Option<String>,
    pub station_id: Option<Uuid>,
    /// GB/T 4754-2017 industry code prefix, e.g. `C27`.
    pub industry: Option<String>,
    pub size: Option<String>,
    pub stage: Option<String>,
    pub label: Option<String>,
    pub grade: Option<String>,
    /// Labels and grades as they held on this date (YYYY-MM-DD).
    pub as_of: Option<String>,
    /// Only enterprises with a certificate expiring within 90 days.
    pub expiring: Option<bool>,
    /// name · registered_on · updated_at; default: search order for words, code order for a
    /// USCC prefix, name otherwise.
    pub sort: Option<String>,
    /// asc · desc
    pub order: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

pub fn filter_of(st: &AppState, q: &EnterpriseQuery) -> Result<(repo::Filter, Sort, bool), Error> {
    let mut c = Checks::new();
    let as_of = date_field(&mut c, "as_of", q.as_of.as_deref());
    let sort = match q.sort.as_deref().unwrap_or("") {
        "" => Sort::Relevance,
        "name" => Sort::Name,
        "registered_on" => Sort::RegisteredOn,
        "updated_at" => Sort::UpdatedAt,
        _ => {
            c.push(FieldError::new("sort", "one_of").with("allowed", "name, registered_on, updated_at"));
            Sort::Name
        }
    };
    c.finish()?;
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    Ok((
        repo::Filter {
            q: blank(&q.q),
            station_id: q.station_id,
            industry: blank(&q.industry),
            size: blank(&q.size),
            stage: blank(&q.stage),
            label: blank(&q.label),
            grade: blank(&q.grade),
            as_of,
            expiring_until: q.expiring.unwrap_or(false).then(|| add_days(st.today(), EXPIRING_DAYS)),
            ids: None,
        },
        sort,
        q.order.as_deref() == Some("desc"),
    ))
    .map(|(f, sort, desc)| {
        let sort = if sort == Sort::Relevance { repo::default_sort(&f) } else { sort };
        (f, sort, desc)
    })
}

#[utoipa::path(get, path = "/api/enterprises", tag = "archive", params(EnterpriseQuery), responses((status = 200, body = Page<EnterpriseSummary>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<EnterpriseQuery>) -> ApiResult<Json<Page<EnterpriseSummary>>> {
    s.actor.require("enterprise.read")?;
    let (f, sort, desc) = filter_of(&st, &q)?;
    let p = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = p.limit_offset();
    let mut tx = st.db.read().await?;
    let (rows, total, capped) = repo::list(&mut tx, &s.actor.scope, &f, sort, desc, limit, offset, st.today()).await?;
    let items = summaries(&mut tx, &st, rows.into_iter().map(|r| (r.e, r.station_name)).collect()).await?;
    tx.commit().await?;
    let mut page = Page::new(items, total, &p);
    page.total_capped = capped;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/api/enterprises/{id}", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Enterprise), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Enterprise>> {
    let mut tx = st.db.read().await?;
    let e = visible(&mut tx, &s.actor, id).await?;
    let d = detail(&mut tx, &st, e).await?;
    tx.commit().await?;
    Ok(Json(d))
}

#[utoipa::path(get, path = "/api/enterprises/by-uscc/{uscc}", tag = "archive", params(("uscc" = String, Path)), responses((status = 200, body = Enterprise), (status = 404, body = crate::error::ErrorBody)))]
pub async fn by_uscc(State(st): State<AppState>, Authed(s): Authed, Path(uscc): Path<String>) -> ApiResult<Json<Enterprise>> {
    s.actor.require("enterprise.read")?;
    let mut tx = st.db.read().await?;
    let code = uscc.trim().to_uppercase();
    let Some(row) = repo::by_uscc_unscoped(&mut tx, &code).await? else { return Err(Error::not_found().into()) };
    let e = visible(&mut tx, &s.actor, row.id).await?;
    let d = detail(&mut tx, &st, e).await?;
    tx.commit().await?;
    Ok(Json(d))
}

// ---------------------------------------------------------------- create and update

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    pub uscc: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub registered_on: Option<Option<String>>,
    pub registered_address: Option<String>,
    pub operating_address: Option<String>,
    pub station_id: Option<Uuid>,
    pub cluster: Option<String>,
    pub industry_code: Option<String>,
    pub industry_name: Option<String>,
    pub size: Option<String>,
    pub upgrade_potential: Option<bool>,
    pub stage: Option<String>,
    pub legal_rep_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub legal_rep_id_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub legal_rep_phone: Option<Option<String>>,
    pub version: Option<i64>,
}

/// May the actor put an enterprise at this station?
async fn writable_station(tx: &mut Tx, actor: &Actor, station: Uuid) -> Result<bool, Error> {
    match zt_db::org::get::<Station>(tx, "station", Some(&actor.scope), station).await {
        Ok(_) => Ok(true),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// What checking an input needs from the database, looked up beforehand: one row's worth for
/// the forms, a batch at a time for imports.
pub struct Refs<'a> {
    /// The enterprise holding a code, as (id, name).
    pub uscc_owner: &'a dyn Fn(&str) -> Option<(Uuid, String)>,
    /// Whether the caller may file enterprises under a station.
    pub station_writable: &'a dyn Fn(Uuid) -> bool,
}

/// Applies an input onto a row (new or existing), collecting every bad field.
pub async fn apply(
    tx: &mut Tx,
    st: &AppState,
    actor: &Actor,
    e: &mut EnterpriseRow,
    i: EnterpriseInput,
    creating: bool,
) -> Result<(), Error> {
    let code = (creating || i.uscc.is_some()).then(|| ident::uscc(i.uscc.as_deref().unwrap_or(""), "uscc").ok()).flatten();
    let owner = match code {
        Some(code) => repo::by_uscc_unscoped(tx, &code).await?.map(|o| (o.id, o.name)),
        None => None,
    };
    let station_ok = match i.station_id {
        Some(sid) => writable_station(tx, actor, sid).await?,
        None => true,
    };
    apply_with(st, e, i, creating, &Refs { uscc_owner: &|_| owner.clone(), station_writable: &|_| station_ok })
}

/// [`apply`] with the database lookups already done.
pub fn apply_with(st: &AppState, e: &mut EnterpriseRow, i: EnterpriseInput, creating: bool, refs: &Refs) -> Result<(), Error> {
    let mut c = Checks::new();
    let t = |v: Option<String>| v.map(|s| s.trim().to_string());
    if creating || i.uscc.is_some() {
        match ident::uscc(i.uscc.as_deref().unwrap_or(""), "uscc") {
            Ok(code) => {
                if let Some((_, name)) = (refs.uscc_owner)(&code).filter(|o| o.0 != e.id) {
                    c.push(FieldError::new("uscc", "uscc.taken").with("name", name));
                }
                e.uscc = code;
            }
            Err(fe) => c.push(fe),
        }
    }
    if let Some(n) = t(i.name) {
        e.name = n;
    }
    if creating || !e.name.is_empty() {
        c.text("name", &e.name, 100);
    }
    if let Some(r) = i.registered_on {
        e.registered_on = date_field(&mut c, "registered_on", r.as_deref());
    }
    if let Some(v) = t(i.registered_address) {
        e.registered_address = v;
    }
    if let Some(v) = t(i.operating_address) {
        e.operating_address = v;
    }
    c.opt_text("registered_address", Some(&e.registered_address), 200);
    c.opt_text("operating_address", Some(&e.operating_address), 200);
    if let Some(sid) = i.station_id {
        e.station_id = sid;
        if !(refs.station_writable)(sid) {
            c.add("station_id", "ref.not_found");
        }
    } else if creating {
        c.add("station_id", "required");
    }
    if let Some(v) = t(i.cluster) {
        e.cluster = v;
    }
    c.opt_text("cluster", Some(&e.cluster), 50);
    if let Some(v) = t(i.industry_code) {
        e.industry_code = v.to_uppercase();
    }
    if !e.industry_code.is_empty() {
        let mut chars = e.industry_code.chars();
        let ok = chars.next().is_some_and(|c| ('A'..='T').contains(&c)) && chars.clone().count() <= 4 && chars.all(|c| c.is_ascii_digit());
        if !ok {
            c.add("industry_code", "industry.code_invalid");
        }
    }
    if let Some(v) = t(i.industry_name) {
        e.industry_name = v;
    }
    c.opt_text("industry_name", Some(&e.industry_name), 100);
    if let Some(v) = t(i.size) {
        e.size = v;
    }
    one_of(&mut c, "size", &e.size, &SIZES);
    if let Some(v) = i.upgrade_potential {
        e.upgrade_potential = v;
    }
    if let Some(v) = t(i.stage) {
        e.stage = v;
    }
    one_of(&mut c, "stage", &e.stage, &STAGES);
    if let Some(v) = t(i.legal_rep_name) {
        e.legal_rep_name = v;
    }
    c.opt_text("legal_rep_name", Some(&e.legal_rep_name), 50);
    if let Some(v) = i.legal_rep_id_number {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.legal_rep_id_enc = None;
                e.legal_rep_id_hash = None;
            }
            Some(raw) => match ident::id_number(raw, "legal_rep_id_number") {
                Ok(n) => {
                    e.legal_rep_id_enc = Some(st.cipher.encrypt(&n));
                    e.legal_rep_id_hash = Some(st.cipher.lookup_hash(&n));
                }
                Err(fe) => c.push(fe),
            },
        }
    }
    if let Some(v) = i.legal_rep_phone {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.legal_rep_phone_enc = None;
                e.legal_rep_phone_hash = None;
            }
            Some(p) if ident::looks_like_excel_number(p) => c.add("legal_rep_phone", "excel.mangled_number"),
            Some(p) if !is_phone(p) => c.add("legal_rep_phone", "phone.invalid"),
            Some(p) => {
                e.legal_rep_phone_enc = Some(st.cipher.encrypt(p));
                e.legal_rep_phone_hash = Some(st.cipher.lookup_hash(p));
            }
        }
    }
    c.finish()
}

/// What the audit and timeline keep of a profile: no encrypted blobs, personal data masked.
fn audit_view(st: &AppState, e: &EnterpriseRow) -> serde_json::Value {
    json!({
        "uscc": e.uscc, "name": e.name, "registered_on": e.registered_on, "registered_address": e.registered_address,
        "operating_address": e.operating_address, "station_id": e.station_id, "cluster": e.cluster,
        "industry_code": e.industry_code, "industry_name": e.industry_name, "size": e.size,
        "upgrade_potential": e.upgrade_potential, "stage": e.stage, "legal_rep_name": e.legal_rep_name,
        "legal_rep_id_number": masked(st, &e.legal_rep_id_enc, mask_id_number).ok().flatten(),
        "legal_rep_phone": masked(st, &e.legal_rep_phone_enc, mask_phone).ok().flatten(),
    })
}

pub fn blank_row(now: Ts) -> EnterpriseRow {
    EnterpriseRow {
        id: Uuid::now_v7(),
        uscc: String::new(),
        name: String::new(),
        registered_on: None,
        registered_address: String::new(),
        operating_address: String::new(),
        station_id: Uuid::nil(),
        cluster: String::new(),
        industry_code: String::new(),
        industry_name: String::new(),
        size: "below".into(),
        upgrade_potential: false,
        stage: "startup".into(),
        legal_rep_name: String::new(),
        legal_rep_id_enc: None,
        legal_rep_id_hash: None,
        legal_rep_phone_enc: None,
        legal_rep_phone_hash: None,
        grade: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

#[utoipa::path(post, path = "/api/enterprises", tag = "archive", request_body = EnterpriseInput,
    responses((status = 201, body = Enterprise), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<EnterpriseInput>,
) -> ApiResult<(StatusCode, Json<Enterprise>)> {
    s.actor.require("enterprise.write")?;
    let mut tx = st.db.write().await?;
    let mut e = blank_row(st.now());
    apply(&mut tx, &st, &s.actor, &mut e, i, true).await?;
    repo::insert(&mut tx, &e).await?;
    repo::reindex(&mut tx, e.id).await?;
    story(
        &mut tx,
        &st,
        &s.actor,
        e.id,
        "profile",
        "enterprise.create",
        "enterprise",
        Some(e.id.to_string()),
        format!("建立企业档案：{}", e.name),
        json!({"after": audit_view(&st, &e)}),
    )
    .await?;
    let d = detail(&mut tx, &st, e).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(patch, path = "/api/enterprises/{id}", tag = "archive", params(("id" = Uuid, Path)), request_body = EnterpriseInput,
    responses((status = 200, body = Enterprise), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<EnterpriseInput>,
) -> ApiResult<Json<Enterprise>> {
    let expected = i.version.ok_or_else(|| Error::field("version", "required"))?;
    let mut tx = st.db.write().await?;
    let before = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("enterprise.write")?;
    let mut e = before.clone();
    apply(&mut tx, &st, &s.actor, &mut e, i, false).await?;
    if e.name != before.name {
        let yesterday = add_days(st.today(), -1);
        repo::add_former_name(&mut tx, id, &before.name, yesterday).await?;
    }
    e.version = expected + 1;
    e.updated_at = st.now();
    repo::save(&mut tx, &e, expected).await?;
    repo::reindex(&mut tx, id).await?;
    let diff = changes(&audit_view(&st, &before), &audit_view(&st, &e));
    let fields: Vec<String> = diff.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    story(
        &mut tx,
        &st,
        &s.actor,
        id,
        "profile",
        "enterprise.update",
        "enterprise",
        Some(id.to_string()),
        format!("修改企业档案：{}", fields.join("、")),
        diff,
    )
    .await?;
    let d = detail(&mut tx, &st, e).await?;
    tx.commit().await?;
    Ok(Json(d))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPhone {
    pub id: Uuid,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Unmasked {
    pub legal_rep_id_number: Option<String>,
    pub legal_rep_phone: Option<String>,
    pub contacts: Vec<ContactPhone>,
}

/// The personal data in full (needs `pi.unmask`); every call is audited.
#[utoipa::path(post, path = "/api/enterprises/{id}/unmask", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Unmasked), (status = 403, body = crate::error::ErrorBody)))]
pub async fn unmask(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Unmasked>> {
    let mut tx = st.db.write().await?;
    let e = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("pi.unmask")?;
    let dec = |v: &Option<String>| v.as_deref().map(|x| st.cipher.decrypt(x)).transpose();
    let contacts: Vec<ContactRow> = repo::children(&mut tx, id, "created_at").await?;
    let out = Unmasked {
        legal_rep_id_number: dec(&e.legal_rep_id_enc)?,
        legal_rep_phone: dec(&e.legal_rep_phone_enc)?,
        contacts: contacts.iter().map(|c| Ok(ContactPhone { id: c.id, phone: dec(&c.phone_enc)? })).collect::<Result<_, Error>>()?,
    };
    record(
        &mut tx,
        &st,
        &s.actor,
        "enterprise.unmask",
        "enterprise",
        Some(id.to_string()),
        format!("查看未脱敏个人信息：{}", e.name),
        json!({"fields": ["legal_rep_id_number", "legal_rep_phone", "contacts.phone"]}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(out))
}

// ---------------------------------------------------------------- labels and grades

#[utoipa::path(get, path = "/api/labels", tag = "archive", responses((status = 200, body = Vec<LabelDef>)))]
pub async fn label_defs(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<LabelDef>>> {
    if !s.actor.can("enterprise.read") && !s.actor.can("org.manage") {
        return Err(Error::forbidden().into());
    }
    let mut tx = st.db.read().await?;
    let v = crate::dicts::entries(&st, &mut tx, "enterprise_label").await?;
    tx.commit().await?;
    Ok(Json(v.as_ref().clone()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelDefInput {
    /// Stable code: lower-case letters, digits and `_`, e.g. `pudong_key`.
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
}

/// Adds a label of the administrator's own (bureau leaders and the system admin).
#[utoipa::path(post, path = "/api/labels", tag = "archive", request_body = LabelDefInput,
    responses((status = 201, body = LabelDef), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_label_def(
    State(st): State<AppState>,
    Authed(s): Authed,
    crate::extract::Body(i): crate::extract::Body<LabelDefInput>,
) -> ApiResult<(StatusCode, Json<LabelDef>)> {
    s.actor.require("org.manage")?;
    if !matches!(s.actor.scope, zt_domain::scope::Scope::All | zt_domain::scope::Scope::Bureau { .. }) {
        return Err(Error::forbidden().into());
    }
    let mut c = Checks::new();
    let (code, name_en) = coded_name(&mut c, &i.code, &i.name_zh, &i.name_en);
    let mut tx = st.db.write().await?;
    let defs = repo::label_defs(&mut tx).await?;
    // dictionary codes are kept as written (PD_CHAMP); a label code is lower case: one either way
    if defs.iter().any(|d| d.code.eq_ignore_ascii_case(&code)) {
        c.add("code", "conflict.duplicate");
    }
    if defs.iter().any(|d| d.name_zh == i.name_zh.trim()) {
        c.add("name_zh", "name.taken");
    }
    c.finish()?;
    let d = LabelDef {
        code,
        name_zh: i.name_zh.trim().to_string(),
        name_en: if name_en.is_empty() { i.name_zh.trim().to_string() } else { name_en },
        builtin: false,
        sort_order: 1000 + defs.len() as i64,
        color: String::new(),
        enabled: true,
        version: 1,
    };
    crate::dicts::add(&mut tx, "enterprise_label", &d).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "label.create",
        "label",
        Some(d.code.clone()),
        format!("新增企业标签：{}", d.name_zh),
        json!({"after": &d}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GradeDef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The dictionary's colour tag.
    pub color: String,
    pub enabled: bool,
}

/// The grades (the `grade` dictionary), disabled ones too (old records still carry them).
#[utoipa::path(get, path = "/api/grades", tag = "archive", responses((status = 200, body = Vec<GradeDef>)))]
pub async fn grade_defs(State(st): State<AppState>, Authed(_s): Authed) -> ApiResult<Json<Vec<GradeDef>>> {
    let mut tx = st.db.read().await?;
    let es = crate::dicts::entries(&st, &mut tx, "grade").await?;
    tx.commit().await?;
    Ok(Json(
        es.iter()
            .map(|e| GradeDef {
                code: e.code.clone(),
                name_zh: e.name_zh.clone(),
                name_en: e.name_en.clone(),
                color: e.color.clone(),
                enabled: e.enabled,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/enterprises/{id}/labels", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<LabelPeriod>)))]
pub async fn labels(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<LabelPeriod>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let v = repo::labels(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    pub label: Option<String>,
    pub valid_from: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<Option<String>>,
    pub note: Option<String>,
    pub version: Option<i64>,
}

fn overlaps(a_from: Day, a_to: Option<Day>, b_from: Day, b_to: Option<Day>) -> bool {
    a_to.is_none_or(|t| t >= b_from) && b_to.is_none_or(|t| t >= a_from)
}

#[utoipa::path(post, path = "/api/enterprises/{id}/labels", tag = "archive", params(("id" = Uuid, Path)), request_body = LabelInput,
    responses((status = 201, body = LabelPeriod), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_label(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<LabelInput>,
) -> ApiResult<(StatusCode, Json<LabelPeriod>)> {
    let mut tx = st.db.write().await?;
    let e = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("enterprise.write")?;
    let mut c = Checks::new();
    let label = i.label.clone().unwrap_or_default().trim().to_string();
    let defs = crate::dicts::entries(&st, &mut tx, "enterprise_label").await?;
    let def = defs.iter().find(|d| d.code == label);
    if label.is_empty() {
        c.add("label", "required");
    } else if def.is_none() {
        c.add("label", "label.unknown");
    } else if def.is_some_and(|d| !d.enabled) {
        c.add("label", "dict.disabled");
    }
    let from = date_field(&mut c, "valid_from", i.valid_from.as_deref());
    if from.is_none() && i.valid_from.as_deref().map(str::trim).unwrap_or("").is_empty() {
        c.add("valid_from", "required");
    }
    let to = date_field(&mut c, "valid_to", i.valid_to.clone().flatten().as_deref());
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            c.add("valid_to", "date.before_start");
        }
    }
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 200);
    if c.is_empty() {
        let existing = repo::labels(&mut tx, id).await?;
        if existing.iter().any(|l| l.label == label && overlaps(l.valid_from, l.valid_to, from.unwrap(), to)) {
            c.add("valid_from", "label.overlap");
        }
    }
    c.finish()?;
    let l = LabelPeriod {
        id: Uuid::now_v7(),
        enterprise_id: id,
        label,
        valid_from: from.unwrap(),
        valid_to: to,
        note,
        version: 1,
        created_at: st.now(),
    };
    repo::insert_label(&mut tx, &l).await?;
    let name = def.map(|d| d.name_zh.clone()).unwrap_or_default();
    story(
        &mut tx,
        &st,
        &s.actor,
        id,
        "label",
        "enterprise.label_add",
        "enterprise_label",
        Some(l.id.to_string()),
        format!("{}：认定为{}（{} 起）", e.name, name, l.valid_from.0),
        json!({"after": &l}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(l)))
}

/// Ends (or corrects the end of) a label period.
#[utoipa::path(patch, path = "/api/enterprise-labels/{id}", tag = "archive", params(("id" = Uuid, Path)), request_body = LabelInput,
    responses((status = 200, body = LabelPeriod), (status = 409, body = crate::error::ErrorBody)))]
pub async fn end_label(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<LabelInput>,
) -> ApiResult<Json<LabelPeriod>> {
    let expected = i.version.ok_or_else(|| Error::field("version", "required"))?;
    let mut tx = st.db.write().await?;
    s.actor.require("enterprise.read")?;
    let read = repo::label_period(&mut tx, &s.actor.scope, id).await;
    let before = or_denied(&mut tx, read, "enterprise_label", id).await?;
    s.actor.require("enterprise.write")?;
    let mut c = Checks::new();
    let mut l = before.clone();
    if let Some(t) = i.valid_to {
        l.valid_to = date_field(&mut c, "valid_to", t.as_deref());
    }
    if l.valid_to.is_some_and(|t| t < l.valid_from) {
        c.add("valid_to", "date.before_start");
    }
    if let Some(n) = i.note {
        l.note = n.trim().to_string();
    }
    c.finish()?;
    l.version = expected + 1;
    repo::save_label(&mut tx, &l, expected).await?;
    let label_name = crate::dicts::name_of(&crate::dicts::entries(&st, &mut tx, "enterprise_label").await?, &l.label);
    let summary =
        format!("{label_name}有效期调整为 {} 至 {}", l.valid_from.0, l.valid_to.map(|d| d.0.to_string()).unwrap_or_else(|| "长期".into()));
    story(
        &mut tx,
        &st,
        &s.actor,
        l.enterprise_id,
        "label",
        "enterprise.label_update",
        "enterprise_label",
        Some(id.to_string()),
        summary,
        changes(&before, &l),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(l))
}

#[utoipa::path(get, path = "/api/enterprises/{id}/grades", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<GradeRecord>)))]
pub async fn grades(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<GradeRecord>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let v = repo::grades(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeInput {
    pub grade: Option<String>,
    pub effective_on: Option<String>,
    pub reason: Option<String>,
}

/// Sets the key-enterprise grade from a date, with a reason; the history keeps every change.
#[utoipa::path(post, path = "/api/enterprises/{id}/grades", tag = "archive", params(("id" = Uuid, Path)), request_body = GradeInput,
    responses((status = 201, body = GradeRecord), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_grade(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<GradeInput>,
) -> ApiResult<(StatusCode, Json<GradeRecord>)> {
    let mut tx = st.db.write().await?;
    let mut e = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("enterprise.write")?;
    let mut c = Checks::new();
    let grade = i.grade.clone().unwrap_or_default().trim().to_uppercase();
    if grade.is_empty() {
        c.add("grade", "required");
    } else {
        crate::dicts::require_enabled(&st, &mut tx, "grade", "grade", &grade, &mut c).await?;
    }
    let on = date_field(&mut c, "effective_on", i.effective_on.as_deref());
    if on.is_none() && i.effective_on.as_deref().map(str::trim).unwrap_or("").is_empty() {
        c.add("effective_on", "required");
    }
    let reason = i.reason.clone().unwrap_or_default().trim().to_string();
    c.text("reason", &reason, 200);
    c.finish()?;
    let before = repo::grade_on(&mut tx, id, on.unwrap()).await?;
    let g = GradeRecord {
        id: Uuid::now_v7(),
        enterprise_id: id,
        grade: grade.clone(),
        effective_on: on.unwrap(),
        reason,
        actor_id: Some(s.actor.account_id),
        actor_name: s.actor.display_name.clone(),
        created_at: st.now(),
        superseded_on: None,
    };
    repo::insert_grade(&mut tx, &g).await?;
    let current = repo::grade_on(&mut tx, id, st.today()).await?;
    if current != e.grade {
        let expected = e.version;
        e.grade = current;
        e.version += 1;
        e.updated_at = st.now();
        repo::save(&mut tx, &e, expected).await?;
    }
    story(
        &mut tx,
        &st,
        &s.actor,
        id,
        "grade",
        "enterprise.grade",
        "enterprise_grade",
        Some(g.id.to_string()),
        format!("分类分级：{} → {}（{} 起，{}）", before.as_deref().unwrap_or("未分级"), g.grade, g.effective_on.0, g.reason),
        json!({"grade": [before, &g.grade], "effective_on": g.effective_on, "reason": g.reason}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(g)))
}

// ---------------------------------------------------------------- records of their own

/// A kind of record kept in a table of its own under an enterprise (contact, certificate, IP
/// asset): how a new one starts, how a form changes it, the form it is shown in, and what the
/// timeline says of it. One add, one update and one delete serve every kind.
trait ArchiveRecord: repo::ChildRecord + Clone {
    type Input;
    type View: Serialize;
    /// The timeline's kind; the audit actions are `enterprise.{KIND}_add`, `_update`, `_delete`.
    const KIND: &'static str;
    /// Whether the enterprise's search words include it.
    const SEARCHED: bool = false;
    fn blank(enterprise: Uuid, now: Ts) -> Self;
    fn version_of(i: &Self::Input) -> Option<i64>;
    fn apply(&mut self, st: &AppState, i: Self::Input) -> Result<(), Error>;
    fn view(&self, st: &AppState) -> Result<Self::View, Error>;
    /// The timeline's words: added to the enterprise named, changed, removed.
    fn added(&self, enterprise: &str) -> String;
    fn changed(&self) -> String;
    fn removed(&self) -> String;
}

async fn add_record<T: ArchiveRecord>(st: &AppState, actor: &Actor, enterprise: Uuid, i: T::Input) -> Result<T::View, Error> {
    let mut tx = st.db.write().await?;
    let e = visible(&mut tx, actor, enterprise).await?;
    actor.require("enterprise.write")?;
    let mut c = T::blank(enterprise, st.now());
    c.apply(st, i)?;
    repo::insert_children(&mut tx, std::slice::from_ref(&c)).await?;
    if T::SEARCHED {
        repo::reindex(&mut tx, enterprise).await?;
    }
    let v = c.view(st)?;
    let action = format!("enterprise.{}_add", T::KIND);
    story(&mut tx, st, actor, enterprise, T::KIND, &action, T::TABLE, Some(c.id().to_string()), c.added(&e.name), json!({"after": &v}))
        .await?;
    tx.commit().await?;
    Ok(v)
}

async fn update_record<T: ArchiveRecord>(st: &AppState, actor: &Actor, id: Uuid, i: T::Input) -> Result<T::View, Error> {
    let expected = T::version_of(&i).ok_or_else(|| Error::field("version", "required"))?;
    let mut tx = st.db.write().await?;
    let before: T = visible_child(&mut tx, actor, id).await?;
    actor.require("enterprise.write")?;
    let mut c = before.clone();
    c.apply(st, i)?;
    c.touch(expected + 1, st.now());
    repo::save_child(&mut tx, &c, expected).await?;
    if T::SEARCHED {
        repo::reindex(&mut tx, c.enterprise_id()).await?;
    }
    let (b, a) = (before.view(st)?, c.view(st)?);
    let action = format!("enterprise.{}_update", T::KIND);
    story(&mut tx, st, actor, c.enterprise_id(), T::KIND, &action, T::TABLE, Some(id.to_string()), c.changed(), changes(&b, &a)).await?;
    tx.commit().await?;
    Ok(a)
}

async fn delete_record<T: ArchiveRecord>(st: &AppState, actor: &Actor, id: Uuid) -> Result<(), Error> {
    let mut tx = st.db.write().await?;
    let c: T = visible_child(&mut tx, actor, id).await?;
    actor.require("enterprise.write")?;
    repo::delete_child::<T>(&mut tx, id).await?;
    if T::SEARCHED {
        repo::reindex(&mut tx, c.enterprise_id()).await?;
    }
    let v = c.view(st)?;
    let action = format!("enterprise.{}_delete", T::KIND);
    story(&mut tx, st, actor, c.enterprise_id(), T::KIND, &action, T::TABLE, Some(id.to_string()), c.removed(), json!({"before": v}))
        .await?;
    tx.commit().await
}

// ---------------------------------------------------------------- contacts

#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    /// liaison 联络员 · policy_expert 政策达人 · cqo 首席质量官 · other
    pub role: String,
    pub name: String,
    pub position: String,
    /// Masked: 138****5678.
    pub phone: Option<String>,
    pub email: String,
    pub note: String,
    pub version: i64,
}

fn contact_view(st: &AppState, c: &ContactRow) -> Result<Contact, Error> {
    Ok(Contact {
        id: c.id,
        enterprise_id: c.enterprise_id,
        role: c.role.clone(),
        name: c.name.clone(),
        position: c.position.clone(),
        phone: masked(st, &c.phone_enc, mask_phone)?,
        email: c.email.clone(),
        note: c.note.clone(),
        version: c.version,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub role: Option<String>,
    pub name: Option<String>,
    pub position: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    pub email: Option<String>,
    pub note: Option<String>,
    pub version: Option<i64>,
}

fn apply_contact(st: &AppState, c: &mut ContactRow, i: ContactInput) -> Result<(), Error> {
    let mut k = Checks::new();
    if let Some(v) = i.role {
        c.role = v.trim().to_string();
    }
    one_of(&mut k, "role", &c.role, &CONTACT_ROLES);
    if let Some(v) = i.name {
        c.name = v.trim().to_string();
    }
    k.text("name", &c.name, 50);
    if let Some(v) = i.position {
        c.position = v.trim().to_string();
    }
    k.opt_text("position", Some(&c.position), 50);
    if let Some(v) = i.email {
        c.email = v.trim().to_string();
    }
    k.opt_email("email", Some(&c.email));
    if let Some(v) = i.note {
        c.note = v.trim().to_string();
    }
    k.opt_text("note", Some(&c.note), 200);
    if let Some(p) = i.phone {
        match p.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                c.phone_enc = None;
                c.phone_hash = None;
            }
            Some(p) if ident::looks_like_excel_number(p) => k.add("phone", "excel.mangled_number"),
            Some(p) if !is_phone(p) => k.add("phone", "phone.invalid"),
            Some(p) => {
                c.phone_enc = Some(st.cipher.encrypt(p));
                c.phone_hash = Some(st.cipher.lookup_hash(p));
            }
        }
    }
    k.finish()
}

fn role_zh(role: &str) -> &'static str {
    match role {
        "liaison" => "联络员",
        "policy_expert" => "政策达人",
        "cqo" => "首席质量官",
        _ => "联系人",
    }
}

impl ArchiveRecord for ContactRow {
    type Input = ContactInput;
    type View = Contact;
    const KIND: &'static str = "contact";
    const SEARCHED: bool = true;
    fn blank(enterprise_id: Uuid, now: Ts) -> Self {
        ContactRow {
            id: Uuid::now_v7(),
            enterprise_id,
            role: String::new(),
            name: String::new(),
            position: String::new(),
            phone_enc: None,
            phone_hash: None,
            email: String::new(),
            note: String::new(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
    fn version_of(i: &ContactInput) -> Option<i64> {
        i.version
    }
    fn apply(&mut self, st: &AppState, i: ContactInput) -> Result<(), Error> {
        apply_contact(st, self, i)
    }
    fn view(&self, st: &AppState) -> Result<Contact, Error> {
        contact_view(st, self)
    }
    fn added(&self, enterprise: &str) -> String {
        format!("{enterprise}：新增{} {}", role_zh(&self.role), self.name)
    }
    fn changed(&self) -> String {
        format!("修改{} {}", role_zh(&self.role), self.name)
    }
    fn removed(&self) -> String {
        format!("删除{} {}", role_zh(&self.role), self.name)
    }
}

#[utoipa::path(get, path = "/api/enterprises/{id}/contacts", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Contact>)))]
pub async fn contacts(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<Contact>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let rows: Vec<ContactRow> = repo::children(&mut tx, id, "role, name").await?;
    tx.commit().await?;
    Ok(Json(rows.iter().map(|c| contact_view(&st, c)).collect::<Result<_, _>>()?))
}

#[utoipa::path(post, path = "/api/enterprises/{id}/contacts", tag = "archive", params(("id" = Uuid, Path)), request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_contact(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<ContactInput>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    Ok((StatusCode::CREATED, Json(add_record::<ContactRow>(&st, &s.actor, id, i).await?)))
}

#[utoipa::path(patch, path = "/api/enterprise-contacts/{id}", tag = "archive", params(("id" = Uuid, Path)), request_body = ContactInput,
    responses((status = 200, body = Contact), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_contact(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<ContactInput>,
) -> ApiResult<Json<Contact>> {
    Ok(Json(update_record::<ContactRow>(&st, &s.actor, id, i).await?))
}

#[utoipa::path(delete, path = "/api/enterprise-contacts/{id}", tag = "archive", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn delete_contact(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_record::<ContactRow>(&st, &s.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- certificates

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateInput {
    /// e.g. 高新技术企业证书, ISO 9001, 排污许可证
    pub kind: Option<String>,
    pub name: Option<String>,
    pub number: Option<String>,
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<String>>,
    pub version: Option<i64>,
}

fn apply_certificate(c: &mut Certificate, i: CertificateInput) -> Result<(), Error> {
    let mut k = Checks::new();
    let t = |v: Option<String>| v.map(|s| s.trim().to_string());
    if let Some(v) = t(i.kind) {
        c.kind = v;
    }
    k.text("kind", &c.kind, 50);
    if let Some(v) = t(i.name) {
        c.name = v;
    }
    k.opt_text("name", Some(&c.name), 100);
    if let Some(v) = t(i.number) {
        c.number = v;
    }
    k.opt_text("number", Some(&c.number), 100);
    if let Some(v) = t(i.issuer) {
        c.issuer = v;
    }
    k.opt_text("issuer", Some(&c.issuer), 100);
    if let Some(v) = i.issued_on {
        c.issued_on = date_field(&mut k, "issued_on", v.as_deref());
    }
    if let Some(v) = i.expires_on {
        c.expires_on = date_field(&mut k, "expires_on", v.as_deref());
    }
    if let (Some(a), Some(b)) = (c.issued_on, c.expires_on) {
        if b < a {
            k.add("expires_on", "date.before_start");
        }
    }
    k.finish()
}

impl ArchiveRecord for Certificate {
    type Input = CertificateInput;
    type View = Certificate;
    const KIND: &'static str = "certificate";
    fn blank(enterprise_id: Uuid, now: Ts) -> Self {
        Certificate {
            id: Uuid::now_v7(),
            enterprise_id,
            kind: String::new(),
            name: String::new(),
            number: String::new(),
            issuer: String::new(),
            issued_on: None,
            expires_on: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
    fn version_of(i: &CertificateInput) -> Option<i64> {
        i.version
    }
    fn apply(&mut self, _st: &AppState, i: CertificateInput) -> Result<(), Error> {
        apply_certificate(self, i)
    }
    fn view(&self, _st: &AppState) -> Result<Certificate, Error> {
        Ok(self.clone())
    }
    fn added(&self, enterprise: &str) -> String {
        let until = self.expires_on.map(|d| format!("，有效期至 {}", d.0)).unwrap_or_default();
        format!("{enterprise}：取得{}{until}", self.kind)
    }
    fn changed(&self) -> String {
        format!("修改资质证书 {}", self.kind)
    }
    fn removed(&self) -> String {
        format!("删除资质证书 {}", self.kind)
    }
}

#[utoipa::path(get, path = "/api/enterprises/{id}/certificates", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Certificate>)))]
pub async fn certificates(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<Certificate>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let v = repo::children::<Certificate>(&mut tx, id, "expires_on, kind").await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[utoipa::path(post, path = "/api/enterprises/{id}/certificates", tag = "archive", params(("id" = Uuid, Path)), request_body = CertificateInput,
    responses((status = 201, body = Certificate), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_certificate(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<CertificateInput>,
) -> ApiResult<(StatusCode, Json<Certificate>)> {
    Ok((StatusCode::CREATED, Json(add_record::<Certificate>(&st, &s.actor, id, i).await?)))
}

#[utoipa::path(patch, path = "/api/certificates/{id}", tag = "archive", params(("id" = Uuid, Path)), request_body = CertificateInput,
    responses((status = 200, body = Certificate), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_certificate(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<CertificateInput>,
) -> ApiResult<Json<Certificate>> {
    Ok(Json(update_record::<Certificate>(&st, &s.actor, id, i).await?))
}

#[utoipa::path(delete, path = "/api/certificates/{id}", tag = "archive", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn delete_certificate(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_record::<Certificate>(&st, &s.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- IP assets

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IpInput {
    pub kind: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub filed_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub granted_on: Option<Option<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn apply_ip(c: &mut IpAsset, i: IpInput) -> Result<(), Error> {
    let mut k = Checks::new();
    let t = |v: Option<String>| v.map(|s| s.trim().to_string());
    if let Some(v) = t(i.kind) {
        c.kind = v;
    }
    one_of(&mut k, "kind", &c.kind, &IP_KINDS);
    if let Some(v) = t(i.number) {
        c.number = v;
    }
    k.opt_text("number", Some(&c.number), 50);
    if let Some(v) = t(i.title) {
        c.title = v;
    }
    k.text("title", &c.title, 200);
    if let Some(v) = i.filed_on {
        c.filed_on = date_field(&mut k, "filed_on", v.as_deref());
    }
    if let Some(v) = i.granted_on {
        c.granted_on = date_field(&mut k, "granted_on", v.as_deref());
    }
    if let Some(v) = t(i.status) {
        c.status = v;
    }
    one_of(&mut k, "status", &c.status, &IP_STATUSES);
    k.finish()
}

fn ip_zh(kind: &str) -> &'static str {
    match kind {
        "invention" => "发明专利",
        "utility_model" => "实用新型专利",
        "design" => "外观设计专利",
        "trademark" => "商标",
        _ => "软件著作权",
    }
}

impl ArchiveRecord for IpAsset {
    type Input = IpInput;
    type View = IpAsset;
    const KIND: &'static str = "ip";
    fn blank(enterprise_id: Uuid, now: Ts) -> Self {
        IpAsset {
            id: Uuid::now_v7(),
            enterprise_id,
            kind: String::new(),
            number: String::new(),
            title: String::new(),
            filed_on: None,
            granted_on: None,
            status: "pending".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
    fn version_of(i: &IpInput) -> Option<i64> {
        i.version
    }
    fn apply(&mut self, _st: &AppState, i: IpInput) -> Result<(), Error> {
        apply_ip(self, i)
    }
    fn view(&self, _st: &AppState) -> Result<IpAsset, Error> {
        Ok(self.clone())
    }
    fn added(&self, enterprise: &str) -> String {
        format!("{enterprise}：{}《{}》", ip_zh(&self.kind), self.title)
    }
    fn changed(&self) -> String {
        format!("修改{}《{}》", ip_zh(&self.kind), self.title)
    }
    fn removed(&self) -> String {
        format!("删除{}《{}》", ip_zh(&self.kind), self.title)
    }
}

#[utoipa::path(get, path = "/api/enterprises/{id}/ip-assets", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<IpAsset>)))]
pub async fn ip_assets(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<IpAsset>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let v = repo::children::<IpAsset>(&mut tx, id, "kind, filed_on DESC").await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[utoipa::path(post, path = "/api/enterprises/{id}/ip-assets", tag = "archive", params(("id" = Uuid, Path)), request_body = IpInput,
    responses((status = 201, body = IpAsset), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_ip(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<IpInput>,
) -> ApiResult<(StatusCode, Json<IpAsset>)> {
    Ok((StatusCode::CREATED, Json(add_record::<IpAsset>(&st, &s.actor, id, i).await?)))
}

#[utoipa::path(patch, path = "/api/ip-assets/{id}", tag = "archive", params(("id" = Uuid, Path)), request_body = IpInput,
    responses((status = 200, body = IpAsset), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_ip(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<IpInput>) -> ApiResult<Json<IpAsset>> {
    Ok(Json(update_record::<IpAsset>(&st, &s.actor, id, i).await?))
}

#[utoipa::path(delete, path = "/api/ip-assets/{id}", tag = "archive", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn delete_ip(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    delete_record::<IpAsset>(&st, &s.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- yearly figures

#[derive(Debug, Serialize, ToSchema)]
pub struct Growth {
    pub revenue: Option<f64>,
    pub rd_spend: Option<f64>,
    pub employees: Option<f64>,
    pub tax_paid: Option<f64>,
    pub output_value: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearView {
    #[serde(flatten)]
    pub figures: YearFigures,
    /// Change against the previous year as a ratio (0.125 = +12.5 %); null without both years.
    pub growth: Growth,
}

/// Year-on-year change: (this − last) / last, when both exist and last is not zero.
pub fn growth(this: Option<i64>, last: Option<i64>) -> Option<f64> {
    match (this, last) {
        (Some(t), Some(l)) if l != 0 => Some(((t - l) as f64 / l.abs() as f64 * 10_000.0).round() / 10_000.0),
        _ => None,
    }
}

pub fn with_growth(rows: Vec<YearFigures>) -> Vec<YearView> {
    let mut out: Vec<YearView> = Vec::with_capacity(rows.len());
    let mut prev: Option<YearFigures> = None;
    for f in rows {
        let p = prev.as_ref().filter(|p| p.year == f.year - 1);
        let g = |a: fn(&YearFigures) -> Option<i64>| growth(a(&f), p.and_then(a));
        let growth = Growth {
            revenue: g(|x| x.revenue),
            rd_spend: g(|x| x.rd_spend),
            employees: g(|x| x.employees),
            tax_paid: g(|x| x.tax_paid),
            output_value: g(|x| x.output_value),
        };
        prev = Some(f.clone());
        out.push(YearView { figures: f, growth });
    }
    out
}

#[utoipa::path(get, path = "/api/enterprises/{id}/figures", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<YearView>)))]
pub async fn figures(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<YearView>>> {
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let rows = repo::figures(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(with_growth(rows)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresInput {
    /// Yuan.
    pub revenue: Option<i64>,
    pub rd_spend: Option<i64>,
    pub employees: Option<i64>,
    pub tax_paid: Option<i64>,
    pub output_value: Option<i64>,
}

#[utoipa::path(put, path = "/api/enterprises/{id}/figures/{year}", tag = "archive", params(("id" = Uuid, Path), ("year" = i64, Path)), request_body = FiguresInput,
    responses((status = 200, body = Vec<YearView>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_figures(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((id, year)): Path<(String, String)>,
    Body(i): Body<FiguresInput>,
) -> ApiResult<Json<Vec<YearView>>> {
    let id: Uuid = id.parse().map_err(|_| Error::not_found())?;
    let mut tx = st.db.write().await?;
    let e = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("enterprise.write")?;
    let mut c = Checks::new();
    let this_year = st.today().0.year() as i64;
    let year: i64 = match year.parse() {
        Ok(y) if (1949..=this_year + 1).contains(&y) => y,
        _ => {
            c.push(FieldError::new("year", "out_of_range").with("min", 1949).with("max", this_year + 1));
            0
        }
    };
    for (f, v) in [
        ("revenue", i.revenue),
        ("rd_spend", i.rd_spend),
        ("employees", i.employees),
        ("tax_paid", i.tax_paid),
        ("output_value", i.output_value),
    ] {
        if let Some(v) = v {
            c.range(f, v, 0, 10_000_000_000_000);
        }
    }
    c.finish()?;
    let before = repo::figures(&mut tx, id).await?.into_iter().find(|f| f.year == year);
    let f = YearFigures {
        enterprise_id: id,
        year,
        revenue: i.revenue,
        rd_spend: i.rd_spend,
        employees: i.employees,
        tax_paid: i.tax_paid,
        output_value: i.output_value,
        updated_at: st.now(),
    };
    repo::upsert_figures(&mut tx, &f).await?;
    let detail = match &before {
        Some(b) => changes(b, &f),
        None => json!({"after": &f}),
    };
    story(
        &mut tx,
        &st,
        &s.actor,
        id,
        "figures",
        "enterprise.figures",
        "enterprise",
        Some(id.to_string()),
        format!("{}：更新 {} 年经营数据", e.name, year),
        detail,
    )
    .await?;
    let rows = repo::figures(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(with_growth(rows)))
}

// ---------------------------------------------------------------- timeline

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    pub kind: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

/// Everything that happened with the enterprise, newest first.
#[utoipa::path(get, path = "/api/enterprises/{id}/timeline", tag = "archive", params(("id" = Uuid, Path), TimelineQuery), responses((status = 200, body = Page<TimelineEntry>)))]
pub async fn timeline(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Q(q): Q<TimelineQuery>,
) -> ApiResult<Json<Page<TimelineEntry>>> {
    let p = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = p.limit_offset();
    let mut tx = st.db.read().await?;
    visible(&mut tx, &s.actor, id).await?;
    let (rows, total) = repo::timeline(&mut tx, id, q.kind.as_deref().filter(|k| !k.is_empty()), limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(rows, total, &p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_on_year() {
        assert_eq!(growth(Some(112), Some(100)), Some(0.12));
        assert_eq!(growth(Some(90), Some(100)), Some(-0.1));
        assert_eq!(growth(Some(5), Some(0)), None);
        assert_eq!(growth(None, Some(3)), None);
        let f = |year, revenue| YearFigures {
            enterprise_id: Uuid::nil(),
            year,
            revenue,
            rd_spend: None,
            employees: None,
            tax_paid: None,
            output_value: None,
            updated_at: Ts(jiff::Timestamp::UNIX_EPOCH),
        };
        let v = with_growth(vec![f(2023, Some(100)), f(2024, Some(150)), f(2026, Some(300))]);
        assert_eq!(v[0].growth.revenue, None);
        assert_eq!(v[1].growth.revenue, Some(0.5));
        assert_eq!(v[2].growth.revenue, None, "2025 is missing: no growth against 2024");
    }

    #[test]
    fn overlapping_periods() {
        let d = |s: &str| Day(s.parse().unwrap());
        assert!(overlaps(d("2024-01-01"), None, d("2025-01-01"), None));
        assert!(!overlaps(d("2021-01-01"), Some(d("2023-12-31")), d("2024-01-01"), None));
        assert!(overlaps(d("2021-01-01"), Some(d("2024-01-01")), d("2024-01-01"), None));
    }
}
