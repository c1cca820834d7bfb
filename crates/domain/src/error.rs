//! The one error type of the domain. Every failure carries a stable code; the API layer maps
//! the kind to an HTTP status and renders the message from [`crate::messages`].

use serde_json::{Map, Value};
use std::borrow::Cow;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 422: one or more fields are wrong.
    Validation,
    /// 400: the request itself is malformed (bad JSON, bad query string).
    BadRequest,
    /// 401: no session, session expired, wrong credentials.
    Unauthenticated,
    /// 403: the caller lacks a permission, or must first finish a security step.
    Forbidden,
    /// 404: absent, or outside the caller's scope; the two are indistinguishable.
    NotFound,
    /// 409: stale version, duplicate, still in use.
    Conflict,
    /// 423: the account is locked.
    Locked,
    /// 429: too many attempts.
    RateLimited,
    /// 500: a bug or an unavailable database; the detail is logged, never shown.
    Internal,
}

/// One wrong field: which field, a code from the catalogue, and the code's parameters.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), params: Map::new() }
    }
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub code: Cow<'static, str>,
    pub params: Map<String, Value>,
    pub fields: Vec<FieldError>,
    /// Internal detail for the log; never sent to a client.
    pub detail: Option<String>,
    /// Set when a record exists but lies outside the caller's scope: (target type, id). The API
    /// layer answers 404 as for a missing record and writes a `scope.denied` audit row.
    pub denied: Option<(String, String)>,
}

impl Error {
    pub fn new(kind: ErrorKind, code: impl Into<Cow<'static, str>>) -> Self {
        Self { kind, code: code.into(), params: Map::new(), fields: Vec::new(), detail: None, denied: None }
    }
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound, "scope.not_found")
    }
    /// Not found, for a record that exists outside the caller's scope.
    pub fn denied(target_type: &str, id: impl ToString) -> Self {
        let mut e = Self::not_found();
        e.denied = Some((target_type.to_string(), id.to_string()));
        e
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorKind::Forbidden, "auth.forbidden")
    }
    pub fn unauthenticated(code: &'static str) -> Self {
        Self::new(ErrorKind::Unauthenticated, code)
    }
    pub fn conflict(code: &'static str) -> Self {
        Self::new(ErrorKind::Conflict, code)
    }
    pub fn bad_request(code: &'static str) -> Self {
        Self::new(ErrorKind::BadRequest, code)
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::Internal, "internal");
        e.detail = Some(detail.into());
        e
    }
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let mut e = Self::new(ErrorKind::Validation, "validation.failed");
        e.fields = fields;
        e
    }
    /// A single bad field.
    pub fn field(field: &str, code: &str) -> Self {
        Self::validation(vec![FieldError::new(field, code)])
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}", self.kind, self.code)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
