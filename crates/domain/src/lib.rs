//! Pure domain types and rules for Zhitong: errors and their message catalogue, the clock,
//! roles, permissions and data scopes, password policy and TOTP. No IO here.

pub mod auth;
pub mod calendar;
pub mod check;
pub mod clock;
pub mod crypto;
pub mod dicts;
pub mod error;
pub mod ident;
pub mod messages;
pub mod params;
pub mod reminders;
pub mod requests;
pub mod scope;
pub mod totp;

pub use error::{Error, ErrorKind, FieldError, Result};
