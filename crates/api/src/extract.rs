//! Extractors whose failures speak our error shape: a JSON body whose wrong fields are named,
//! query strings, ids in paths, and the shared list parameters.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use uuid::Uuid;
use zt_domain::{Error, FieldError};

/// A JSON request body. A missing or mistyped field is a 422 naming the field.
pub struct Body<T>(pub T);

const MAX_BODY: usize = 2 * 1024 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !json {
            return Err(ApiError(Error::bad_request("bad_request.json").with("reason", "Content-Type: application/json")));
        }
        let bytes =
            axum::body::Bytes::from_request(req, state).await.map_err(|_| ApiError(Error::bad_request("bad_request.body_too_large")))?;
        if bytes.len() > MAX_BODY {
            return Err(ApiError(Error::bad_request("bad_request.body_too_large")));
        }
        parse_json(&bytes).map(Body).map_err(ApiError)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Data => {
                let msg = inner.to_string();
                let (field, code) = if let Some(name) = between(&msg, "missing field `", "`") {
                    (join_path(&path, name), "required")
                } else if msg.starts_with("unknown field") {
                    // the path already ends with the unknown field's name
                    (path.clone(), "unknown_field")
                } else {
                    (path.clone(), "invalid_type")
                };
                let reason = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                let fe = FieldError::new(if field == "." { String::new() } else { field }, code);
                Error::validation(vec![if code == "invalid_type" { fe.with("reason", reason) } else { fe }])
            }
            _ => Error::bad_request("bad_request.json").with("reason", inner.to_string()),
        }
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." { name.to_string() } else { format!("{path}.{name}") }
}

/// A query string.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_compat(q).map(Q).map_err(|reason| ApiError(Error::bad_request("bad_request.query").with("reason", reason)))
    }
}

fn serde_urlencoded_compat<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(&format!("/?{q}").parse().map_err(|_| "bad query".to_string())?)
        .map(|axum::extract::Query(v)| v)
        .map_err(|e| e.body_text())
}

/// A record id from the path; a malformed one is simply not found.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw): axum::extract::Path<String> =
            axum::extract::Path::from_request_parts(parts, state).await.map_err(|_| ApiError(Error::not_found()))?;
        raw.parse::<Uuid>().map(Id).map_err(|_| ApiError(Error::not_found()))
    }
}

/// The shared list parameters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Rows per page, 1–200 (default 20).
    pub page_size: Option<i64>,
}

impl Paging {
    pub fn limit_offset(&self) -> (i64, i64, i64, i64) {
        let size = self.page_size.unwrap_or(20).clamp(1, 200);
        let page = self.page.unwrap_or(1).max(1);
        (size, (page - 1) * size, page, size)
    }
}

/// One page of a list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// True when counting stopped at `total` (show "10,000+").
    pub total_capped: bool,
    pub page: i64,
    pub page_size: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, p: &Paging) -> Self {
        let (_, _, page, page_size) = p.limit_offset();
        Page { items, total, total_capped: false, page, page_size }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        count: i64,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<Input>(br#"{"count": 1}"#).unwrap_err();
        assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("name", "required"));
        let e = parse_json::<Input>(br#"{"name": "x", "count": "many"}"#).unwrap_err();
        assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("count", "invalid_type"));
        let e = parse_json::<Input>(br#"{"name": "x", "count": 1, "evil": true}"#).unwrap_err();
        assert_eq!((e.fields[0].field.as_str(), e.fields[0].code.as_str()), ("evil", "unknown_field"));
        let e = parse_json::<Input>(br#"{"name": "#).unwrap_err();
        assert_eq!(e.code, "bad_request.json");
    }
}
