//! The audit trail: append-only, written in the same transaction as the change it records, each
//! row carrying the hash of the previous one. `verify` recomputes the chain and finds any edited,
//! inserted or deleted row.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zt_domain::Error;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, to what. `detail` must hold no secrets and only masked personal data.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Ts,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Record {
    pub seq: i64,
    pub at: Ts,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    pub detail: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

fn chain_hash(prev: &str, seq: i64, r: &RecordFields<'_>) -> String {
    let mut h = Sha256::new();
    // Unit separator between fields; None and "" differ by a marker.
    let opt = |v: Option<&str>| v.map(|s| format!("+{s}")).unwrap_or_else(|| "-".into());
    let parts = [
        prev.to_string(),
        seq.to_string(),
        r.at.to_sqlite_text(),
        opt(r.actor_id.map(|u| u.to_string()).as_deref()),
        r.actor_name.to_string(),
        r.action.to_string(),
        r.target_type.to_string(),
        opt(r.target_id),
        r.summary.to_string(),
        r.detail.to_string(),
        opt(r.ip),
        opt(r.request_id),
    ];
    h.update(parts.join("\u{1f}").as_bytes());
    hex::encode(h.finalize())
}

struct RecordFields<'a> {
    at: Ts,
    actor_id: Option<Uuid>,
    actor_name: &'a str,
    action: &'a str,
    target_type: &'a str,
    target_id: Option<&'a str>,
    summary: &'a str,
    detail: &'a str,
    ip: Option<&'a str>,
    request_id: Option<&'a str>,
}

impl Record {
    fn fields(&self) -> RecordFields<'_> {
        RecordFields {
            at: self.at,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            action: &self.action,
            target_type: &self.target_type,
            target_id: self.target_id.as_deref(),
            summary: &self.summary,
            detail: &self.detail,
            ip: self.ip.as_deref(),
            request_id: self.request_id.as_deref(),
        }
    }
}

/// Appends one row. The head row is updated first, which locks it until commit, so concurrent
/// writers on PostgreSQL take turns and the chain never forks.
pub async fn append(tx: &mut Tx, e: &Entry) -> Result<i64, Error> {
    let (seq, prev): (i64, String) = tx.one(&Sql::new("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")).await?;
    let detail = e.detail.to_string();
    let fields = RecordFields {
        at: e.at,
        actor_id: e.actor_id,
        actor_name: &e.actor_name,
        action: &e.action,
        target_type: &e.target_type,
        target_id: e.target_id.as_deref(),
        summary: &e.summary,
        detail: &detail,
        ip: e.ip.as_deref(),
        request_id: e.request_id.as_deref(),
    };
    let hash = chain_hash(&prev, seq, &fields);
    tx.exec(
        &Sql::new(
            "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, target_type, target_id, summary, detail, ip, request_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(seq)
        .bind(e.at)
        .bind(e.actor_id)
        .bind(e.actor_name.as_str())
        .bind(e.action.as_str())
        .bind(e.target_type.as_str())
        .bind(e.target_id.clone())
        .bind(e.summary.as_str())
        .bind(detail.as_str())
        .bind(e.ip.clone())
        .bind(e.request_id.clone())
        .bind(prev)
        .bind(hash.as_str()),
    )
    .await?;
    tx.exec(&Sql::new("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(hash)).await?;
    Ok(seq)
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<Ts>,
    pub to: Option<Ts>,
    pub q: Option<String>,
}

fn filtered(select: &str, f: &Filter) -> Sql {
    let mut s = Sql::new(select);
    s.push(" WHERE 1 = 1");
    if let Some(a) = &f.action {
        s.push(" AND action LIKE ").param(format!("{}%", escape_like(a))).push(" ESCAPE '\\'");
    }
    if let Some(a) = &f.actor {
        s.push(" AND actor_name LIKE ").param(format!("%{}%", escape_like(a))).push(" ESCAPE '\\'");
    }
    if let Some(t) = &f.target_id {
        s.push(" AND target_id = ").param(t.as_str());
    }
    if let Some(from) = f.from {
        s.push(" AND at >= ").param(from);
    }
    if let Some(to) = f.to {
        s.push(" AND at < ").param(to);
    }
    if let Some(q) = &f.q {
        s.push(" AND summary LIKE ").param(format!("%{}%", escape_like(q))).push(" ESCAPE '\\'");
    }
    s
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub async fn list(tx: &mut Tx, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<Record>, i64), Error> {
    let total = tx.count(&filtered("SELECT count(*) FROM audit_log", f)).await?;
    let mut s = filtered("SELECT * FROM audit_log", f);
    s.push(" ORDER BY seq DESC LIMIT ").param(limit).push(" OFFSET ").param(offset);
    Ok((tx.all(&s).await?, total))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verification {
    pub ok: bool,
    pub rows_checked: i64,
    pub broken_at_seq: Option<i64>,
    pub reason: Option<String>,
}

/// Recomputes the whole chain in pages of 1,000 rows.
pub async fn verify(tx: &mut Tx) -> Result<Verification, Error> {
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1i64;
    let mut checked = 0i64;
    let broken = |seq: i64, checked: i64, reason: &str| Verification {
        ok: false,
        rows_checked: checked,
        broken_at_seq: Some(seq),
        reason: Some(reason.to_string()),
    };
    loop {
        let page: Vec<Record> =
            tx.all(&Sql::new("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 1000").bind(expected_seq)).await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            if r.seq != expected_seq {
                return Ok(broken(expected_seq, checked, "missing row (deleted)"));
            }
            if r.prev_hash != prev_hash {
                return Ok(broken(r.seq, checked, "previous-hash link broken"));
            }
            if chain_hash(&prev_hash, r.seq, &r.fields()) != r.hash {
                return Ok(broken(r.seq, checked, "row content does not match its hash (edited)"));
            }
            prev_hash = r.hash.clone();
            expected_seq += 1;
            checked += 1;
        }
    }
    let (head_seq, head_hash): (i64, String) = tx.one(&Sql::new("SELECT seq, hash FROM audit_head WHERE id = 1")).await?;
    if head_seq != expected_seq - 1 || head_hash != prev_hash {
        return Ok(broken(expected_seq, checked, "newest rows missing (deleted at the end)"));
    }
    Ok(Verification { ok: true, rows_checked: checked, broken_at_seq: None, reason: None })
}
