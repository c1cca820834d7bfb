//! `/api/portal`: the enterprise portal (线上办事). A portal account acts for one enterprise:
//! it reads the service guide of its station, submits requests online (网上申报) with their
//! materials, follows them, and prints their receipts. Staff open and close portal accounts
//! from the enterprise's archive. Attachments (`/api/requests/{id}/attachments`) serve both.

use crate::audit_log::record;
use crate::catalog::{ItemQuery, ItemView, view, view_with};
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::requests::{NewRequest, RequestView, full_view, load, take_in};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;
use zt_db::accounts::{self, Account};
use zt_db::archive::{self as archive_repo, EnterpriseRow};
use zt_db::catalog::{self as catalog_repo, Item, ItemFilter};
use zt_db::org::Station;
use zt_db::portal::{self as repo, Attachment};
use zt_db::{Tx, sessions};
use zt_domain::auth::{ENTERPRISE_USER, check_password, normalise_username};
use zt_domain::check::{Checks, is_phone};
use zt_domain::requests::State as RState;
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, ErrorKind};

/// The enterprise a portal account acts for (none for staff and unlinked accounts).
pub(crate) async fn own_enterprise(tx: &mut Tx, actor: &Actor) -> Result<Option<EnterpriseRow>, Error> {
    if !actor.can("portal.use") {
        return Ok(None);
    }
    match repo::enterprise_of(tx, actor.account_id).await? {
        Some(id) => archive_repo::get_unscoped(tx, id).await,
        None => Ok(None),
    }
}

/// The caller's enterprise and its station; `Forbidden` for anyone but a linked portal account.
async fn mine(tx: &mut Tx, actor: &Actor) -> Result<(EnterpriseRow, Station), Error> {
    let e = own_enterprise(tx, actor).await?.ok_or_else(|| Error::forbidden().with("permission", "portal.use"))?;
    let station = zt_db::org::get::<Station>(tx, "station", None, e.station_id).await?;
    Ok((e, station))
}

fn station_scope(s: &Station) -> Scope {
    Scope::Station { bureau: s.bureau_id, station: s.id }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalMe {
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub uscc: String,
    pub station_id: Uuid,
    pub station_name: String,
    pub station_address: String,
    pub station_phone: String,
    pub display_name: String,
    /// The account's own phone (to prefill forms).
    pub phone: Option<String>,
}

/// The enterprise the signed-in portal account acts for.
#[utoipa::path(get, path = "/api/portal/me", tag = "portal", responses((status = 200, body = PortalMe), (status = 403, body = crate::error::ErrorBody)))]
pub async fn me(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<PortalMe>> {
    let mut tx = st.db.read().await?;
    let (e, station) = mine(&mut tx, &s.actor).await?;
    let account = accounts::by_id_unscoped(&mut tx, s.actor.account_id).await?;
    tx.commit().await?;
    Ok(Json(PortalMe {
        phone: account.and_then(|a| a.phone),
        enterprise_id: e.id,
        enterprise_name: e.name,
        uscc: e.uscc,
        station_id: station.id,
        station_name: station.name,
        station_address: station.address,
        station_phone: station.contact_phone,
        display_name: s.actor.display_name.clone(),
    }))
}

/// The published items the enterprise's station offers (the service guide, 办事指南).
#[utoipa::path(get, path = "/api/portal/items", tag = "portal", params(ItemQuery), responses((status = 200, body = Page<ItemView>)))]
pub async fn items(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<ItemQuery>) -> ApiResult<Json<Page<ItemView>>> {
    let (limit, offset, page, page_size) = Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let mut tx = st.db.read().await?;
    let (_, station) = mine(&mut tx, &s.actor).await?;
    let f = ItemFilter { q: q.q, category: q.category, status: Some("published".into()), station_id: None, process_type: q.process_type };
    let (rows, total) = catalog_repo::list(&mut tx, &station_scope(&station), &f, limit, offset).await?;
    let cats = crate::dicts::entries(&st, &mut tx, "catalog_category").await?;
    let mut out = Vec::new();
    for i in rows {
        out.push(view_with(&mut tx, &cats, i, false).await?);
    }
    tx.commit().await?;
    Ok(Json(Page { items: out, total, total_capped: false, page, page_size }))
}

/// A published item offered to the enterprise, or `NotFound`.
async fn offered(tx: &mut Tx, station: &Station, id: Uuid) -> Result<Item, Error> {
    match catalog_repo::get(tx, &station_scope(station), id).await {
        Ok(i) if i.status == "published" => Ok(i),
        Ok(_) => Err(Error::not_found()),
        Err(e) => Err(e),
    }
}

/// One item of the guide with its current slip (the materials to prepare).
#[utoipa::path(get, path = "/api/portal/items/{id}", tag = "portal", params(("id" = Uuid, Path)), responses((status = 200, body = ItemView)))]
pub async fn item(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<ItemView>> {
    let mut tx = st.db.read().await?;
    let (_, station) = mine(&mut tx, &s.actor).await?;
    let i = offered(&mut tx, &station, id).await?;
    let v = view(&st, &mut tx, i).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnlineInput {
    pub item_id: Option<Uuid>,
    /// The slip version the form showed; a newer one is a 409 `request.slip_changed`.
    pub slip_version: Option<i64>,
    /// Who applies (default: the account's name).
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub note: Option<String>,
}

/// Submits a request online (网上申报). It waits, 待受理, for a window officer of the
/// enterprise's station to check the slip against the attached materials.
#[utoipa::path(post, path = "/api/portal/requests", tag = "portal", request_body = OnlineInput,
    responses((status = 201, body = RequestView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn submit(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<OnlineInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let mut tx = st.db.write().await?;
    let (e, station) = mine(&mut tx, &s.actor).await?;
    let account = accounts::by_id_unscoped(&mut tx, s.actor.account_id).await?.ok_or_else(Error::not_found)?;
    let mut c = Checks::new();
    let item = match i.item_id {
        None => {
            c.add("item_id", "required");
            None
        }
        Some(id) => match offered(&mut tx, &station, id).await {
            Ok(it) => Some(it),
            Err(_) => {
                c.add("item_id", "request.item_not_offered");
                None
            }
        },
    };
    let applicant = i.applicant_name.as_deref().map(str::trim).filter(|v| !v.is_empty()).unwrap_or(&account.display_name).to_string();
    c.text("applicant_name", &applicant, 50);
    let phone = i.applicant_phone.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).or(account.phone.clone());
    let phone = phone.unwrap_or_default();
    if phone.is_empty() {
        c.add("applicant_phone", "required");
    } else if !is_phone(&phone) {
        c.add("applicant_phone", "phone.invalid");
    }
    let note = i.note.clone().unwrap_or_default().trim().to_string();
    c.opt_text("note", Some(&note), 500);
    if i.slip_version.is_none() {
        c.add("slip_version", "required");
    }
    c.finish()?;
    let item = item.expect("checked");
    if i.slip_version != Some(item.slip_version) {
        return Err(Error::conflict("request.slip_changed").with("version", item.slip_version).into());
    }
    let new = NewRequest {
        bureau: station.bureau_id,
        station: station.id,
        item: &item,
        enterprise: e.id,
        channel: "online".into(),
        window_no: String::new(),
        applicant,
        phone,
        note,
        arrived_at: None,
        // a value-added service goes straight to the back office that provides it
        department_id: (item.process_type == "backoffice_direct").then_some(item.department_id).flatten(),
        handler_id: None,
        intake_by: None,
    };
    let r = take_in(&st, &mut tx, &s.actor, new).await?;
    let v = full_view(&st, &mut tx, &r).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The live policies of the district the enterprise qualifies for, nearly qualifies for, or
/// could once data is added, each explained (the portal's 可享政策).
#[utoipa::path(get, path = "/api/portal/policies", tag = "portal", responses((status = 200, body = Vec<crate::policy::EnterprisePolicy>)))]
pub async fn policies(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: crate::context::Ctx,
) -> ApiResult<Json<Vec<crate::policy::EnterprisePolicy>>> {
    let mut tx = st.db.read().await?;
    let (e, station) = mine(&mut tx, &s.actor).await?;
    let lang = if ctx.lang == zt_domain::messages::Lang::En { zt_policy::Lang::En } else { zt_policy::Lang::Zh };
    let out = crate::policy::for_enterprise(&st, &mut tx, e.id, station.bureau_id, lang).await?;
    tx.commit().await?;
    Ok(Json(out))
}

/// The enterprise's inbox: policy pushes and other messages, newest first.
#[utoipa::path(get, path = "/api/portal/inbox", tag = "portal", responses((status = 200, body = Vec<zt_db::push::InboxMessage>)))]
pub async fn inbox(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<zt_db::push::InboxMessage>>> {
    let mut tx = st.db.read().await?;
    let (e, _) = mine(&mut tx, &s.actor).await?;
    let v = zt_db::push::inbox(&mut tx, e.id).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// Marks a message read (the push's delivery becomes `read`).
#[utoipa::path(post, path = "/api/portal/inbox/{id}/read", tag = "portal", params(("id" = Uuid, Path)), responses((status = 204)))]
pub async fn read_message(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<StatusCode> {
    let mut tx = st.db.write().await?;
    let (e, _) = mine(&mut tx, &s.actor).await?;
    if !zt_db::push::read_message(&mut tx, e.id, id, s.actor.account_id, st.now()).await? {
        return Err(Error::not_found().into());
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ portal accounts (staff)

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalAccount {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Masked (138****5678).
    pub phone: Option<String>,
    /// active · disabled
    pub status: String,
    pub password_change_required: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_login_at: Option<zt_db::Ts>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: zt_db::Ts,
}

fn account_view(a: Account) -> PortalAccount {
    PortalAccount {
        id: a.id,
        username: a.username,
        display_name: a.display_name,
        phone: a.phone.as_deref().map(zt_domain::ident::mask_phone),
        status: a.status,
        password_change_required: a.password_change_required,
        last_login_at: a.last_login_at,
        created_at: a.created_at,
    }
}

/// The portal accounts of an enterprise.
#[utoipa::path(get, path = "/api/enterprises/{id}/portal-accounts", tag = "portal", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<PortalAccount>)))]
pub async fn accounts_of(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<PortalAccount>>> {
    let mut tx = st.db.read().await?;
    let e = crate::archive::visible(&mut tx, &s.actor, id).await?;
    let mut out = Vec::new();
    for aid in repo::accounts_of(&mut tx, e.id).await? {
        if let Some(a) = accounts::by_id_unscoped(&mut tx, aid).await? {
            out.push(account_view(a));
        }
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalAccountInput {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    /// The initial password; the user must change it at first sign-in.
    pub password: Option<String>,
}

/// Opens a portal account for an enterprise's liaison (开通门户账号): role 企业用户, bound to
/// this enterprise, initial password to be changed at first sign-in.
#[utoipa::path(post, path = "/api/enterprises/{id}/portal-accounts", tag = "portal", params(("id" = Uuid, Path)), request_body = PortalAccountInput,
    responses((status = 201, body = PortalAccount), (status = 422, body = crate::error::ErrorBody)))]
pub async fn open_account(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<PortalAccountInput>,
) -> ApiResult<(StatusCode, Json<PortalAccount>)> {
    let mut tx = st.db.write().await?;
    let e = crate::archive::visible(&mut tx, &s.actor, id).await?;
    s.actor.require("portal.manage")?;
    let mut c = Checks::new();
    let username = match normalise_username(i.username.as_deref().unwrap_or("")) {
        Ok(u) => u,
        Err(fe) => {
            c.push(fe);
            String::new()
        }
    };
    if !username.is_empty() && accounts::by_username(&mut tx, &username).await?.is_some() {
        c.add("username", "username.taken");
    }
    let display_name = i.display_name.as_deref().unwrap_or("").trim().to_string();
    c.text("display_name", &display_name, 50);
    let phone = i.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    match phone.as_deref() {
        None => c.add("phone", "required"),
        Some(p) if !is_phone(p) => c.add("phone", "phone.invalid"),
        _ => {}
    }
    let password = i.password.clone().unwrap_or_default();
    if password.is_empty() {
        c.add("password", "required");
    } else if let Err(fe) = check_password(&password, &username, false) {
        c.push(fe);
    }
    c.finish()?;
    let now = st.now();
    // no bureau or station: a portal account is nobody's staff (duty rosters, handler pickers)
    let mut a = Account { phone, password_change_required: true, ..Account::new(&username, &display_name, String::new(), now) };
    a.password_hash = crate::passwords::hash(&password)?;
    accounts::insert(&mut tx, &a).await?;
    accounts::set_roles(&mut tx, a.id, &[ENTERPRISE_USER.to_string()]).await?;
    repo::link(&mut tx, a.id, e.id, Some(s.actor.account_id), now).await?;
    crate::archive::story(
        &mut tx,
        &st,
        &s.actor,
        e.id,
        "portal",
        "portal.account_open",
        "account",
        Some(a.id.to_string()),
        format!("开通企业门户账号 {}（{}）", a.display_name, a.username),
        json!({"enterprise": e.id, "username": a.username, "display_name": a.display_name}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(account_view(a))))
}

/// The portal account of this enterprise, or `NotFound`.
async fn enterprise_account(tx: &mut Tx, enterprise: Uuid, account: Uuid) -> Result<Account, Error> {
    if repo::enterprise_of(tx, account).await? != Some(enterprise) {
        return Err(Error::not_found());
    }
    accounts::by_id_unscoped(tx, account).await?.ok_or_else(Error::not_found)
}

/// Closes (disables) or reopens a portal account; closing ends its sessions at once.
async fn set_status(st: &AppState, actor: &Actor, enterprise: Uuid, account: Uuid, status: &str) -> Result<PortalAccount, Error> {
    let mut tx = st.db.write().await?;
    let e = crate::archive::visible(&mut tx, actor, enterprise).await?;
    actor.require("portal.manage")?;
    let mut a = enterprise_account(&mut tx, e.id, account).await?;
    let expected = a.version;
    a.status = status.into();
    a.version += 1;
    a.updated_at = st.now();
    accounts::save(&mut tx, &a, expected).await?;
    if status == "disabled" {
        sessions::delete_for_account(&mut tx, a.id).await?;
    }
    let (action, verb) = if status == "disabled" { ("portal.account_close", "停用") } else { ("portal.account_reopen", "启用") };
    let summary = format!("{verb}企业门户账号 {}（{}）", a.display_name, a.username);
    crate::archive::story(
        &mut tx,
        st,
        actor,
        e.id,
        "portal",
        action,
        "account",
        Some(a.id.to_string()),
        summary,
        json!({"status": status}),
    )
    .await?;
    tx.commit().await?;
    Ok(account_view(a))
}

#[utoipa::path(post, path = "/api/enterprises/{id}/portal-accounts/{account_id}/disable", tag = "portal",
    params(("id" = Uuid, Path), ("account_id" = Uuid, Path)), responses((status = 200, body = PortalAccount)))]
pub async fn close_account(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((id, account)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<PortalAccount>> {
    Ok(Json(set_status(&st, &s.actor, id, account, "disabled").await?))
}

#[utoipa::path(post, path = "/api/enterprises/{id}/portal-accounts/{account_id}/enable", tag = "portal",
    params(("id" = Uuid, Path), ("account_id" = Uuid, Path)), responses((status = 200, body = PortalAccount)))]
pub async fn reopen_account(
    State(st): State<AppState>,
    Authed(s): Authed,
    Path((id, account)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<PortalAccount>> {
    Ok(Json(set_status(&st, &s.actor, id, account, "active").await?))
}

// ------------------------------------------------------------------ attachments

/// The largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The file types materials come in, by extension, with the type they are served as.
const FILE_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("ofd", "application/ofd"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("zip", "application/zip"),
];

fn content_type_of(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    FILE_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t)
}

fn invalid(field: &str, code: &str) -> Error {
    Error::field(field, code)
}

/// Attaches a material to a request (multipart fields `file` and optional `entry_key`, the slip
/// line it answers). The enterprise may attach while its request waits for acceptance or for
/// 补正; window staff while the request is open.
#[utoipa::path(post, path = "/api/requests/{id}/attachments", tag = "requests", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "fields `file` and `entry_key`"),
    responses((status = 201, body = Attachment), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    mut mp: Multipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut entry_key = String::new();
    while let Some(mut field) = mp.next_field().await.map_err(|_| invalid("file", "file.unreadable"))? {
        match field.name() {
            Some("entry_key") => entry_key = field.text().await.map_err(|_| invalid("entry_key", "file.unreadable"))?.trim().to_string(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").trim().to_string();
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| invalid("file", "file.too_large").with("max_mb", 10))? {
                    data.extend_from_slice(&chunk);
                    if data.len() > MAX_ATTACHMENT_BYTES {
                        return Err(invalid("file", "file.too_large").with("max_mb", 10).into());
                    }
                }
                file = Some((name, data));
            }
            _ => {}
        }
    }
    let Some((name, data)) = file else { return Err(invalid("file", "required").into()) };
    if data.is_empty() {
        return Err(invalid("file", "attachment.empty").into());
    }
    let name: String = name.rsplit(['/', '\\']).next().unwrap_or("").chars().take(120).collect();
    let Some(content_type) = content_type_of(&name) else {
        return Err(invalid("file", "attachment.type").with("allowed", "pdf, ofd, jpg, png, doc, docx, xls, xlsx, zip").into());
    };
    let mut tx = st.db.write().await?;
    let r = load(&mut tx, &s.actor, id).await?;
    let state = RState::parse(&r.state).unwrap_or(RState::Received);
    let portal = !s.actor.can("request.read");
    let may = if portal {
        matches!(state, RState::Received | RState::AwaitingMaterials)
    } else {
        (s.actor.can("request.intake") || s.actor.can("request.handle")) && state.is_open()
    };
    if !may {
        return Err(Error::new(ErrorKind::Conflict, "request.attachment_closed").with("state", r.state.as_str()).into());
    }
    if !entry_key.is_empty() {
        let slip = catalog_repo::slip(&mut tx, r.item_id, r.slip_version).await?;
        if !slip.is_some_and(|sl| sl.entries.iter().any(|e| e.key == entry_key)) {
            return Err(invalid("entry_key", "request.entry_unknown").into());
        }
    }
    let a = Attachment {
        id: Uuid::now_v7(),
        request_id: r.id,
        entry_key,
        file_name: name,
        content_type: content_type.into(),
        size: data.len() as i64,
        sha256: hex::encode(Sha256::digest(&data)),
        uploaded_by: Some(s.actor.account_id),
        uploaded_by_name: s.actor.display_name.clone(),
        created_at: st.now(),
    };
    repo::insert_attachment(&mut tx, &a, data).await?;
    let summary = format!("上传办件材料 {}（{}）", a.file_name, r.number);
    record(
        &mut tx,
        &st,
        &s.actor,
        "request.attachment_upload",
        "service_request",
        Some(r.id.to_string()),
        summary,
        json!({"attachment": &a}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn disposition(name: &str) -> String {
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"attachment\"; filename*=UTF-8''{enc}")
}

/// Downloads a material. Materials may hold personal data (ID cards, licences): every download
/// is in the audit trail.
#[utoipa::path(get, path = "/api/requests/{id}/attachments/{attachment_id}", tag = "requests",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)), responses((status = 200, content_type = "application/octet-stream")))]
pub async fn download(State(st): State<AppState>, Authed(s): Authed, Path((id, aid)): Path<(Uuid, Uuid)>) -> ApiResult<Response> {
    let mut tx = st.db.write().await?;
    let r = load(&mut tx, &s.actor, id).await?;
    let (a, data) = repo::attachment(&mut tx, r.id, aid).await?;
    let summary = format!("下载办件材料 {}（{}）", a.file_name, r.number);
    record(
        &mut tx,
        &st,
        &s.actor,
        "request.attachment_download",
        "service_request",
        Some(r.id.to_string()),
        summary,
        json!({"attachment": a.id}),
    )
    .await?;
    tx.commit().await?;
    Ok(([(header::CONTENT_TYPE, a.content_type.clone()), (header::CONTENT_DISPOSITION, disposition(&a.file_name))], data).into_response())
}
