//! The one mapping from domain errors to HTTP responses. A handler returns `ApiError`; the
//! response carries the error as an extension, and the context middleware renders it as JSON in
//! the caller's language with the request id (see `context.rs`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;
use zt_domain::messages::{Lang, render};
use zt_domain::{Error, ErrorKind};

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

/// Marks a response whose body is still to be rendered from this error.
#[derive(Clone)]
pub struct PendingError(pub Arc<Error>);

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Locked => StatusCode::LOCKED,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = status_of(self.0.kind).into_response();
        if let Some(secs) = self.0.params.get("retry_after").and_then(|v| v.as_u64()) {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r.extensions_mut().insert(PendingError(Arc::new(self.0)));
        r
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The error shape of every failure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `validation.failed`, `scope.not_found`, `auth.locked`.
    pub code: String,
    /// Human message in zh-CN (default) or English (`Accept-Language: en`).
    pub message: String,
    pub fields: Vec<FieldErrorBody>,
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub request_id: Option<String>,
}

pub fn body_of(e: &Error, lang: Lang, request_id: Option<&str>) -> ErrorBody {
    let mut params = e.params.clone();
    if let Some(rid) = request_id {
        params.entry("request_id").or_insert_with(|| rid.into());
    }
    // An instant shown to a person is in Beijing time.
    if let Some(until) = params.get("until").and_then(|v| v.as_str()).and_then(|s| s.parse::<jiff::Timestamp>().ok()) {
        let local = until.to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC));
        params.insert("until_local".into(), local.strftime("%Y-%m-%d %H:%M").to_string().into());
    }
    let message = render(&e.code, lang, &params);
    params.remove("request_id");
    ErrorBody {
        code: e.code.to_string(),
        message,
        fields: e
            .fields
            .iter()
            .map(|f| FieldErrorBody { field: f.field.clone(), code: f.code.clone(), message: render(&f.code, lang, &f.params) })
            .collect(),
        params: if e.kind == ErrorKind::Internal { Default::default() } else { params },
        request_id: request_id.map(str::to_string),
    }
}
