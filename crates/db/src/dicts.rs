//! Dictionary entries. Every dictionary has the same entry shape; enterprise labels and catalog
//! categories live in their own tables (records reference them), the rest in `dict_entry`.

use crate::{Sql, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Entry {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Shipped with the system (its code is part of the standard; it can still be disabled).
    pub builtin: bool,
    pub sort_order: i64,
    /// Element Plus tag type: "" · primary · success · info · warning · danger
    pub color: String,
    /// A disabled entry stays readable on old records but is offered no more.
    pub enabled: bool,
    pub version: i64,
}

/// The table holding a dictionary, and the `dict` filter for the shared one.
fn source(dict: &str) -> (&'static str, bool) {
    match dict {
        "enterprise_label" => ("label_def", false),
        "catalog_category" => ("service_category", false),
        _ => ("dict_entry", true),
    }
}

const COLUMNS: &str = "code, name_zh, name_en, builtin, sort_order, color, enabled, version";

pub async fn entries(tx: &mut Tx, dict: &str) -> Result<Vec<Entry>, Error> {
    let (table, shared) = source(dict);
    let mut s = Sql::new(&format!("SELECT {COLUMNS} FROM {table}"));
    if shared {
        s.push(" WHERE dict = ").param(dict);
    }
    s.push(" ORDER BY sort_order, code");
    tx.all(&s).await
}

pub async fn insert(tx: &mut Tx, dict: &str, e: &Entry) -> Result<(), Error> {
    let (table, shared) = source(dict);
    let head = if shared { format!("INSERT INTO {table} (dict, {COLUMNS})") } else { format!("INSERT INTO {table} ({COLUMNS})") };
    tx.insert_many(&head, std::slice::from_ref(e), |e| {
        let mut v: Vec<crate::sql::Arg> = if shared { vec![dict.into()] } else { Vec::new() };
        v.extend([
            (&e.code).into(),
            (&e.name_zh).into(),
            (&e.name_en).into(),
            e.builtin.into(),
            e.sort_order.into(),
            (&e.color).into(),
            e.enabled.into(),
            e.version.into(),
        ]);
        v
    })
    .await
    .map(|_| ())
}

/// Saves an entry read at `expected` (409 `conflict.version` when someone saved it first).
pub async fn update(tx: &mut Tx, dict: &str, e: &Entry, expected: i64) -> Result<(), Error> {
    let (table, shared) = source(dict);
    let mut s = Sql::new(&format!("UPDATE {table} SET name_zh = "));
    s.param(e.name_zh.as_str())
        .push(", name_en = ")
        .param(e.name_en.as_str())
        .push(", sort_order = ")
        .param(e.sort_order)
        .push(", color = ")
        .param(e.color.as_str())
        .push(", enabled = ")
        .param(e.enabled)
        .push(", version = ")
        .param(expected + 1)
        .push(" WHERE code = ")
        .param(e.code.as_str())
        .push(" AND version = ")
        .param(expected);
    if shared {
        s.push(" AND dict = ").param(dict);
    }
    crate::expect_one(tx.exec(&s).await?)
}

/// The dictionaries' version: bumped by every change, so each instance knows when its cache is old.
pub async fn version(tx: &mut Tx) -> Result<i64, Error> {
    Ok(crate::meta::get(tx, "dict.version").await?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

pub async fn bump(tx: &mut Tx) -> Result<i64, Error> {
    let v = version(tx).await? + 1;
    crate::meta::set(tx, "dict.version", &v.to_string()).await?;
    Ok(v)
}
