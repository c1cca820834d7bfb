//! Writing audit rows from handlers, and the auditor's endpoints.

use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Page, Paging, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use zt_db::audit::{self, Entry, Filter, Record, Verification};
use zt_db::{Ts, Tx};
use zt_domain::Error;
use zt_domain::scope::Actor;

/// Masks personal data inside an audit detail: personal phone numbers keep their first three and
/// last four digits (138****5678), e-mail addresses their first character and domain.
pub fn mask_personal(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let masked = match (k.as_str(), &v) {
                        ("phone", _) | ("email", _) => mask_leaf(&k, v),
                        _ => mask_personal(v),
                    };
                    (k, masked)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(mask_personal).collect()),
        other => other,
    }
}

fn mask_leaf(key: &str, v: Value) -> Value {
    match v {
        Value::String(s) if key == "phone" => {
            let chars: Vec<char> = s.chars().collect();
            if chars.len() > 7 {
                Value::String(format!(
                    "{}****{}",
                    chars[..3].iter().collect::<String>(),
                    chars[chars.len() - 4..].iter().collect::<String>()
                ))
            } else {
                Value::String("****".into())
            }
        }
        Value::String(s) if key == "email" => match s.split_once('@') {
            Some((user, domain)) => Value::String(format!("{}***@{domain}", user.chars().next().unwrap_or('*'))),
            None => Value::String("***".into()),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(|x| mask_leaf(key, x)).collect()),
        other => other,
    }
}

/// Appends an audit row for an action of `actor`, inside the caller's transaction. Personal data
/// in `detail` is masked here, once for every module.
pub async fn record(
    tx: &mut Tx,
    st: &AppState,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: Option<String>,
    summary: String,
    detail: Value,
) -> Result<(), Error> {
    audit::append(
        tx,
        &Entry {
            at: st.now(),
            actor_id: Some(actor.account_id),
            actor_name: format!("{}（{}）", actor.display_name, actor.username),
            action: action.to_string(),
            target_type: target_type.to_string(),
            target_id,
            summary,
            detail: mask_personal(detail),
            ip: actor.ip.clone(),
            request_id: actor.request_id.clone(),
        },
    )
    .await
    .map(|_| ())
}

/// Records that `actor` asked for a record outside its scope (its own transaction).
pub async fn record_denial(st: &AppState, actor: &Actor, target_type: &str, id: &str) -> Result<(), Error> {
    let mut tx = st.db.write().await?;
    record(
        &mut tx,
        st,
        actor,
        "scope.denied",
        target_type,
        Some(id.to_string()),
        format!("越权访问被拒绝：{target_type} {id}"),
        serde_json::json!({ "scope": actor.scope.kind() }),
    )
    .await?;
    tx.commit().await
}

/// The fields that changed between two serialised versions of a record, as
/// `{field: [before, after]}`, leaving out bookkeeping fields.
pub fn changes(before: &impl serde::Serialize, after: &impl serde::Serialize) -> Value {
    let b = serde_json::to_value(before).unwrap_or_default();
    let a = serde_json::to_value(after).unwrap_or_default();
    let mut out = serde_json::Map::new();
    if let (Value::Object(b), Value::Object(a)) = (b, a) {
        for (k, av) in a {
            if matches!(k.as_str(), "version" | "updated_at" | "created_at") {
                continue;
            }
            let bv = b.get(&k).cloned().unwrap_or(Value::Null);
            if bv != av {
                out.insert(k, serde_json::json!([bv, av]));
            }
        }
    }
    Value::Object(out)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Action prefix, e.g. `auth.` or `station.create`.
    pub action: Option<String>,
    /// Part of the actor's name or login.
    pub actor: Option<String>,
    pub target_id: Option<String>,
    /// From this instant (RFC 3339) or date (YYYY-MM-DD, Beijing time).
    pub from: Option<String>,
    /// Before this instant or up to the end of this date.
    pub to: Option<String>,
    /// Words in the summary.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

fn parse_bound(field: &str, v: &Option<String>, end: bool) -> Result<Option<Ts>, Error> {
    let Some(s) = v.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(Some(Ts(t)));
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        let d = if end { d.tomorrow().map_err(|_| Error::field(field, "date.invalid"))? } else { d };
        let z = d.to_zoned(crate::shanghai()).map_err(|_| Error::field(field, "date.invalid"))?;
        return Ok(Some(Ts(z.timestamp())));
    }
    Err(Error::field(field, "date.invalid"))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AuditRow {
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Ts,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    #[schema(value_type = Object)]
    pub detail: Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub hash: String,
}

impl From<Record> for AuditRow {
    fn from(r: Record) -> Self {
        AuditRow {
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            summary: r.summary,
            detail: serde_json::from_str(&r.detail).unwrap_or(Value::String(r.detail)),
            ip: r.ip,
            request_id: r.request_id,
            hash: r.hash,
        }
    }
}

/// The audit trail, newest first (auditor only).
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditRow>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<AuditQuery>) -> ApiResult<Json<Page<AuditRow>>> {
    s.actor.require("audit.read")?;
    let f = Filter {
        action: q.action.clone().filter(|s| !s.is_empty()),
        actor: q.actor.clone().filter(|s| !s.is_empty()),
        target_id: q.target_id.clone().filter(|s| !s.is_empty()),
        from: parse_bound("from", &q.from, false)?,
        to: parse_bound("to", &q.to, true)?,
        q: q.q.clone().filter(|s| !s.is_empty()),
    };
    let paging = Paging { page: q.page, page_size: q.page_size };
    let (limit, offset, _, _) = paging.limit_offset();
    let mut tx = st.db.read().await?;
    let (rows, total) = audit::list(&mut tx, &f, limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(rows.into_iter().map(AuditRow::from).collect(), total, &paging)))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct VerificationView {
    pub ok: bool,
    pub rows_checked: i64,
    pub broken_at_seq: Option<i64>,
    pub reason: Option<String>,
}

/// Recomputes the hash chain and reports the first edited or missing row (auditor only).
/// The check itself is audited.
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit", responses((status = 200, body = VerificationView)))]
pub async fn verify(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<VerificationView>> {
    s.actor.require("audit.read")?;
    let mut tx = st.db.read().await?;
    let v: Verification = audit::verify(&mut tx).await?;
    tx.commit().await?;
    let mut w = st.db.write().await?;
    record(
        &mut w,
        &st,
        &s.actor,
        "audit.verify",
        "audit",
        None,
        if v.ok {
            format!("审计日志完整性校验通过（{} 条）", v.rows_checked)
        } else {
            format!("审计日志完整性校验失败：第 {:?} 条", v.broken_at_seq)
        },
        serde_json::to_value(&v).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    Ok(Json(VerificationView { ok: v.ok, rows_checked: v.rows_checked, broken_at_seq: v.broken_at_seq, reason: v.reason }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_masked() {
        let d = serde_json::json!({"after": {"phone": "13912345678", "email": "zhang@demo.cn", "contact_phone": "021-58881234"},
                                   "phone": [null, "13800001111"]});
        let m = mask_personal(d);
        assert_eq!(m["after"]["phone"], "139****5678");
        assert_eq!(m["after"]["email"], "z***@demo.cn");
        assert_eq!(m["after"]["contact_phone"], "021-58881234", "office numbers stay");
        assert_eq!(m["phone"], serde_json::json!([null, "138****1111"]));
    }
}
