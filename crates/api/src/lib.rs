//! The HTTP API: routers per module, the session context, the error mapping and the OpenAPI
//! document.

pub mod accounts;
pub mod archive;
pub mod archive_io;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod context;
pub mod dicts;
pub mod duty;
pub mod error;
pub mod extract;
pub mod newsletter;
pub mod notice;
pub mod notify;
pub mod org;
pub mod params;
pub mod passwords;
pub mod policy;
pub mod portal;
pub mod ratelimit;
pub mod reminders;
pub mod requests;
pub mod state;
pub mod system;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::openapi::OpenApi;
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use state::AppState;

pub fn shanghai() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai").expect("the bundled tz database has Asia/Shanghai")
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "直通 Zhitong API", description = "Enterprise service platform for government service stations. Errors share one shape (ErrorBody); lists share page/page_size; updates carry the record's version."),
    tags(
        (name = "auth", description = "Sign-in, sessions, the current user"),
        (name = "org", description = "Regions, bureaus, stations, departments"),
        (name = "accounts", description = "Accounts, roles, permissions"),
        (name = "duty", description = "Window duty roster"),
        (name = "audit", description = "Audit trail (auditor)"),
        (name = "archive", description = "Enterprise growth archive (一企一档)"),
        (name = "system", description = "Online sessions and the server monitor (admin console)"),
        (name = "policy", description = "Policy library, eligibility rules and matching (M8)"),
        (name = "portal", description = "Enterprise portal (线上办事): guide, online requests, portal accounts"),
        (name = "meta", description = "About this installation"),
    ),
    components(schemas(error::ErrorBody, error::FieldErrorBody))
)]
struct ApiDoc;

/// About this installation (no sign-in needed).
#[derive(Debug, Serialize, ToSchema)]
pub struct Meta {
    pub product: &'static str,
    pub version: &'static str,
    /// Demo data loaded: the UI shows a banner and the demo accounts.
    pub demo: bool,
}

#[utoipa::path(get, path = "/api/meta", tag = "meta", responses((status = 200, body = Meta)))]
async fn meta(State(st): State<AppState>) -> error::ApiResult<Json<Meta>> {
    let mut tx = st.db.read().await?;
    let demo = zt_db::meta::get(&mut tx, "demo").await?.is_some_and(|v| v == "true");
    tx.commit().await?;
    Ok(Json(Meta { product: "直通 · 企业服务平台", version: st.version, demo }))
}

async fn api_not_found() -> error::ApiError {
    error::ApiError(zt_domain::Error::new(zt_domain::ErrorKind::NotFound, "not_found.route"))
}

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::totp_setup))
        .routes(routes!(auth::totp_enable))
        .routes(routes!(org::tree))
        .routes(routes!(org::list_regions, org::create_region))
        .routes(routes!(org::get_region, org::update_region, org::delete_region))
        .routes(routes!(org::list_bureaus, org::create_bureau))
        .routes(routes!(org::get_bureau, org::update_bureau, org::delete_bureau))
        .routes(routes!(org::list_stations, org::create_station))
        .routes(routes!(org::get_station, org::update_station, org::delete_station))
        .routes(routes!(org::list_departments, org::create_department))
        .routes(routes!(org::get_department, org::update_department, org::delete_department))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::get, accounts::update))
        .routes(routes!(accounts::disable))
        .routes(routes!(accounts::enable))
        .routes(routes!(accounts::unlock))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::set_roles))
        .routes(routes!(accounts::roles))
        .routes(routes!(accounts::permissions))
        .routes(routes!(accounts::set_role_permissions))
        .routes(routes!(duty::week, duty::assign))
        .routes(routes!(duty::remove))
        .routes(routes!(duty::staff))
        .routes(routes!(audit_log::list))
        .routes(routes!(audit_log::verify))
        .routes(routes!(archive::list, archive::create))
        .routes(routes!(archive::get, archive::update))
        .routes(routes!(archive::by_uscc))
        .routes(routes!(archive::unmask))
        .routes(routes!(archive::label_defs, archive::add_label_def))
        .routes(routes!(archive::grade_defs))
        .routes(routes!(archive::labels, archive::add_label))
        .routes(routes!(archive::end_label))
        .routes(routes!(archive::grades, archive::add_grade))
        .routes(routes!(archive::contacts, archive::add_contact))
        .routes(routes!(archive::update_contact, archive::delete_contact))
        .routes(routes!(archive::certificates, archive::add_certificate))
        .routes(routes!(archive::update_certificate, archive::delete_certificate))
        .routes(routes!(archive::ip_assets, archive::add_ip))
        .routes(routes!(archive::update_ip, archive::delete_ip))
        .routes(routes!(archive::figures))
        .routes(routes!(archive::put_figures))
        .routes(routes!(archive::timeline))
        .routes(routes!(archive_io::download_template))
        .routes(routes!(archive_io::upload))
        .routes(routes!(archive_io::export))
        .routes(routes!(archive_io::job))
        .routes(routes!(archive_io::error_report))
        .routes(routes!(calendar::years, calendar::add_year))
        .routes(routes!(calendar::days, calendar::add_day))
        .routes(routes!(calendar::update_day, calendar::delete_day))
        .routes(routes!(calendar::add_working_days))
        .routes(routes!(calendar::working_days))
        .routes(routes!(calendar::deadline))
        .routes(routes!(calendar::settings, calendar::put_settings))
        .routes(routes!(catalog::categories, catalog::add_category))
        .routes(routes!(catalog::list, catalog::create))
        .routes(routes!(catalog::get, catalog::update))
        .routes(routes!(catalog::publish))
        .routes(routes!(catalog::unpublish))
        .routes(routes!(catalog::put_slip))
        .routes(routes!(catalog::get_slip))
        .routes(routes!(requests::list, requests::intake))
        .routes(routes!(requests::get))
        .routes(routes!(requests::accept))
        .routes(routes!(requests::refuse))
        .routes(routes!(requests::request_materials))
        .routes(routes!(requests::materials_received))
        .routes(routes!(requests::route))
        .routes(routes!(requests::suspend))
        .routes(routes!(requests::resume))
        .routes(routes!(requests::complete))
        .routes(routes!(requests::deliver))
        .routes(routes!(requests::request_extension))
        .routes(routes!(requests::approve_extension))
        .routes(routes!(requests::reject_extension))
        .routes(routes!(requests::receipt))
        .routes(routes!(requests::refusal_notice))
        .routes(routes!(requests::figures))
        .routes(routes!(requests::queue))
        .routes(routes!(system::online))
        .routes(routes!(system::end))
        .routes(routes!(system::end_many))
        .routes(routes!(system::status))
        .routes(routes!(system::jobs))
        .routes(routes!(notice::mine, notice::create))
        .routes(routes!(notice::manage))
        .routes(routes!(notice::mark_read))
        .routes(routes!(notice::update))
        .routes(routes!(notice::publish))
        .routes(routes!(notice::withdraw))
        .routes(routes!(notice::receipts))
        .routes(routes!(params::list))
        .routes(routes!(params::update))
        .routes(routes!(system::retry))
        .routes(routes!(system::pause))
        .routes(routes!(system::resume))
        .routes(routes!(policy::fields))
        .routes(routes!(policy::list, policy::create))
        .routes(routes!(policy::preview))
        .routes(routes!(policy::run))
        .routes(routes!(policy::get, policy::update))
        .routes(routes!(policy::put_rule))
        .routes(routes!(policy::publish))
        .routes(routes!(policy::withdraw))
        .routes(routes!(policy::matches))
        .routes(routes!(policy::export))
        .routes(routes!(policy::enterprise_policies))
        .routes(routes!(policy::push))
        .routes(routes!(policy::pushes))
        .routes(routes!(policy::deliveries))
        .routes(routes!(newsletter::list, newsletter::create))
        .routes(routes!(newsletter::get, newsletter::update))
        .routes(routes!(newsletter::send))
        .routes(routes!(newsletter::portal_archive))
        .routes(routes!(portal::inbox))
        .routes(routes!(portal::read_message))
        .routes(routes!(portal::upload))
        .routes(routes!(portal::download))
        .routes(routes!(portal::me))
        .routes(routes!(portal::items))
        .routes(routes!(portal::item))
        .routes(routes!(portal::submit))
        .routes(routes!(portal::policies))
        .routes(routes!(portal::accounts_of, portal::open_account))
        .routes(routes!(portal::close_account))
        .routes(routes!(portal::reopen_account))
        .routes(routes!(dicts::list))
        .routes(routes!(dicts::get))
        .routes(routes!(dicts::create))
        .routes(routes!(dicts::update))
        .routes(routes!(reminders::watches))
        .routes(routes!(reminders::rules, reminders::create_rule))
        .routes(routes!(reminders::update_rule))
        .routes(routes!(reminders::preview))
        .routes(routes!(reminders::list))
        .routes(routes!(reminders::of_enterprise))
        .routes(routes!(reminders::acknowledge))
        .routes(routes!(reminders::portal_ack))
        .routes(routes!(reminders::portal_list))
        .routes(routes!(reminders::upcoming))
        .routes(routes!(reminders::inbox))
        .routes(routes!(reminders::inbox_read))
        .routes(routes!(reminders::deliveries))
        .routes(routes!(reminders::retry_delivery))
        .routes(routes!(reminders::ack_link))
        .routes(routes!(reminders::run_now))
}

/// The `/api` router (with the context middleware) and its OpenAPI document.
pub fn router(state: AppState) -> (Router, OpenApi) {
    let (r, doc) = routes().split_for_parts();
    let r = r
        .route("/api/{*rest}", get(api_not_found).post(api_not_found).put(api_not_found).patch(api_not_found).delete(api_not_found))
        .layer(axum::extract::DefaultBodyLimit::max(archive_io::MAX_FILE_BYTES + 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), context::context))
        .with_state(state);
    (r, doc)
}

/// The OpenAPI document alone (for `zhitong openapi`).
pub fn openapi() -> OpenApi {
    routes().split_for_parts().1
}
