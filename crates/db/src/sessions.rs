//! Server-side sessions. The cookie holds a random token; the table holds only its SHA-256, so a
//! copy of the database does not yield live sessions.

use crate::{Sql, Ts, Tx};
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub account_id: Uuid,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub expires_at: Ts,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn insert(tx: &mut Tx, s: &Session) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "INSERT INTO session (id, account_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&s.id)
        .bind(s.account_id)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(s.ip.clone())
        .bind(s.user_agent.clone()),
    )
    .await
    .map(|_| ())
}

pub async fn get(tx: &mut Tx, id: &str) -> Result<Option<Session>, Error> {
    tx.opt(&Sql::new("SELECT * FROM session WHERE id = $1").bind(id)).await
}

pub async fn touch(tx: &mut Tx, id: &str, now: Ts) -> Result<(), Error> {
    tx.exec(&Sql::new("UPDATE session SET last_seen_at = $1 WHERE id = $2").bind(now).bind(id)).await.map(|_| ())
}

pub async fn delete(tx: &mut Tx, id: &str) -> Result<(), Error> {
    tx.exec(&Sql::new("DELETE FROM session WHERE id = $1").bind(id)).await.map(|_| ())
}

/// Ends every session of an account (logout everywhere, disable, role change).
pub async fn delete_for_account(tx: &mut Tx, account_id: Uuid) -> Result<u64, Error> {
    tx.exec(&Sql::new("DELETE FROM session WHERE account_id = $1").bind(account_id)).await
}

/// Removes sessions past their absolute expiry or idle since before `idle_cutoff`.
pub async fn purge(tx: &mut Tx, now: Ts, idle_cutoff: Ts) -> Result<u64, Error> {
    tx.exec(&Sql::new("DELETE FROM session WHERE expires_at <= $1 OR last_seen_at <= $2").bind(now).bind(idle_cutoff)).await
}

/// A live session with its account, for the online-users view.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Online {
    pub id: String,
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub expires_at: Ts,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Sessions still live at `now` (not past expiry, seen after `idle_cutoff`), newest first.
pub async fn online(tx: &mut Tx, now: Ts, idle_cutoff: Ts, q: Option<&str>) -> Result<Vec<Online>, Error> {
    let mut s = Sql::new(
        "SELECT s.id, s.account_id, a.username, a.display_name, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent \
         FROM session s JOIN account a ON a.id = s.account_id WHERE s.expires_at > ",
    );
    s.param(now).push(" AND s.last_seen_at > ").param(idle_cutoff);
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{}%", q.replace('%', "").replace('_', ""));
        s.push(" AND (a.username LIKE ").param(like.as_str()).push(" OR a.display_name LIKE ").param(like.as_str()).push(")");
    }
    s.push(" ORDER BY s.last_seen_at DESC, s.id LIMIT 1000");
    tx.all(&s).await
}

/// Ends every session but `keep` (the security admin's own).
pub async fn delete_all_but(tx: &mut Tx, keep: &str) -> Result<u64, Error> {
    tx.exec(&Sql::new("DELETE FROM session WHERE id <> $1").bind(keep)).await
}
