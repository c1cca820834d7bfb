//! The notification outbox: one row per message to one recipient on one channel, with its
//! delivery record (queued, sending, sent, failed with the reason, read). A row's `dedupe_key`
//! is unique, so whatever decides to notify may run twice and still write one message. External
//! channels (e-mail, webhook) are claimed with a lease before sending: a sender that dies
//! mid-send leaves its row `sending` until the lease ends, and the row is sent once more then.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    #[serde(skip)]
    pub dedupe_key: String,
    /// reminder · policy_push
    pub source_type: String,
    pub source_id: Uuid,
    #[serde(skip)]
    pub bureau_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// inbox · email · webhook
    pub channel: String,
    /// account · contact · enterprise
    pub recipient_type: String,
    #[serde(skip)]
    pub recipient_id: Option<Uuid>,
    pub recipient_name: String,
    pub address: String,
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
    pub level: i64,
    /// queued · sending · sent · failed
    pub status: String,
    pub error: Option<String>,
    pub attempts: i64,
    #[serde(skip)]
    pub next_attempt_at: Ts,
    #[serde(skip)]
    pub claimed_until: Option<Ts>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<Ts>,
}

/// The most attempts an external message gets before it is failed for good.
pub const MAX_ATTEMPTS: i64 = 5;

/// Writes notifications, skipping those whose key exists; returns how many were new.
pub async fn insert(tx: &mut Tx, ns: &[Notification]) -> Result<u64, Error> {
    tx.insert_many_ignoring_duplicates(
        "INSERT INTO notification (id, dedupe_key, source_type, source_id, bureau_id, enterprise_id, channel, recipient_type, recipient_id, \
         recipient_name, address, title, body, title_en, body_en, level, status, error, attempts, next_attempt_at, claimed_until, created_at, sent_at, read_at)",
        ns,
        |n| {
            vec![
                n.id.into(),
                (&n.dedupe_key).into(),
                (&n.source_type).into(),
                n.source_id.into(),
                n.bureau_id.into(),
                n.enterprise_id.into(),
                (&n.channel).into(),
                (&n.recipient_type).into(),
                n.recipient_id.into(),
                (&n.recipient_name).into(),
                (&n.address).into(),
                (&n.title).into(),
                (&n.body).into(),
                (&n.title_en).into(),
                (&n.body_en).into(),
                n.level.into(),
                (&n.status).into(),
                n.error.clone().into(),
                n.attempts.into(),
                n.next_attempt_at.into(),
                n.claimed_until.into(),
                n.created_at.into(),
                n.sent_at.into(),
                n.read_at.into(),
            ]
        },
    )
    .await
}

/// External messages ready to send: queued and due, or left `sending` by a sender whose lease ended.
/// Only those of one source (a push) with `source`.
pub async fn ready(tx: &mut Tx, now: Ts, source: Option<Uuid>, limit: i64) -> Result<Vec<Uuid>, Error> {
    let mut s = Sql::new(
        "SELECT id FROM notification WHERE ((status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1))",
    )
    .bind(now);
    if let Some(src) = source {
        s.push(" AND source_id = ").param(src);
    }
    s.push(" ORDER BY next_attempt_at, id LIMIT ").param(limit);
    let rows: Vec<(Uuid,)> = tx.all(&s).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Makes a failed message ready to send again (the delivery log's 重发); false when it is not
/// a failed message of this bureau.
pub async fn requeue(tx: &mut Tx, id: Uuid, bureau: Uuid, now: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE notification SET status = 'queued', attempts = 0, error = NULL, next_attempt_at = $1 WHERE id = $2 AND bureau_id = $3 AND status = 'failed'",
            )
            .bind(now)
            .bind(id)
            .bind(bureau),
        )
        .await?;
    Ok(n == 1)
}

/// How many messages of a source are in each state, by channel.
pub async fn counts(tx: &mut Tx, source: Uuid) -> Result<Vec<(String, String, i64)>, Error> {
    tx.all(
        &Sql::new(
            "SELECT channel, status, count(*) FROM notification WHERE source_id = $1 GROUP BY channel, status ORDER BY channel, status",
        )
        .bind(source),
    )
    .await
}

/// Claims one message for sending until `lease`; `None` when another sender has it.
pub async fn claim(tx: &mut Tx, id: Uuid, now: Ts, lease: Ts) -> Result<Option<Notification>, Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE notification SET status = 'sending', attempts = attempts + 1, claimed_until = $1 \
                 WHERE id = $2 AND ((status = 'queued' AND next_attempt_at <= $3) OR (status = 'sending' AND claimed_until < $3))",
            )
            .bind(lease)
            .bind(id)
            .bind(now),
        )
        .await?;
    if n != 1 {
        return Ok(None);
    }
    tx.opt(&Sql::new("SELECT * FROM notification WHERE id = $1").bind(id)).await
}

pub async fn mark_sent(tx: &mut Tx, id: Uuid, at: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new("UPDATE notification SET status = 'sent', sent_at = $1, error = NULL, claimed_until = NULL WHERE id = $2")
            .bind(at)
            .bind(id),
    )
    .await
    .map(|_| ())
}

/// Records a failed attempt: queued again at `retry_at` until the attempts run out, or failed at
/// once when trying again cannot help (`retry_at` none: the channel is not configured).
pub async fn mark_failed(tx: &mut Tx, id: Uuid, error: &str, retry_at: Option<Ts>) -> Result<(), Error> {
    let last = if retry_at.is_some() { MAX_ATTEMPTS } else { 0 };
    tx.exec(
        &Sql::new(
            "UPDATE notification SET status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'queued' END, error = $2, next_attempt_at = COALESCE($3, next_attempt_at), claimed_until = NULL WHERE id = $4",
        )
        .bind(last)
        .bind(error)
        .bind(retry_at)
        .bind(id),
    )
    .await
    .map(|_| ())
}

/// A staff member's inbox, newest first, and how many are unread.
pub async fn inbox(tx: &mut Tx, account: Uuid, limit: i64) -> Result<(Vec<Notification>, i64), Error> {
    let items = tx
        .all(
            &Sql::new(
                "SELECT * FROM notification WHERE recipient_id = $1 AND channel = 'inbox' ORDER BY created_at DESC, id DESC LIMIT $2",
            )
            .bind(account)
            .bind(limit),
        )
        .await?;
    let unread = tx
        .count(
            &Sql::new("SELECT count(*) FROM notification WHERE recipient_id = $1 AND channel = 'inbox' AND read_at IS NULL").bind(account),
        )
        .await?;
    Ok((items, unread))
}

/// Marks one of `account`'s inbox messages read; false when it is not theirs.
pub async fn read(tx: &mut Tx, account: Uuid, id: Uuid, at: Ts) -> Result<bool, Error> {
    let mine = tx
        .exists(
            &Sql::new("SELECT count(*) FROM notification WHERE id = $1 AND recipient_id = $2 AND channel = 'inbox'").bind(id).bind(account),
        )
        .await?;
    if mine {
        tx.exec(&Sql::new("UPDATE notification SET read_at = $1 WHERE id = $2 AND read_at IS NULL").bind(at).bind(id)).await?;
    }
    Ok(mine)
}

/// The delivery log of a bureau (all bureaus with `None`), newest first.
pub async fn log(
    tx: &mut Tx,
    bureau: Option<Uuid>,
    channel: Option<&str>,
    status: Option<&str>,
    source: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Notification>, i64), Error> {
    let mut w = Sql::new(" FROM notification WHERE 1 = 1");
    if let Some(b) = bureau {
        w.push(" AND bureau_id = ").param(b);
    }
    if let Some(c) = channel {
        w.push(" AND channel = ").param(c);
    }
    if let Some(s) = status {
        w.push(" AND status = ").param(s);
    }
    if let Some(s) = source {
        w.push(" AND source_id = ").param(s);
    }
    tx.page("*", w, "created_at DESC, id DESC", limit, offset).await
}

/// Whether the reminders behind these notifications are acknowledged, by source id.
pub async fn acknowledged_sources(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<Uuid>, Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::sql::IN_CHUNK) {
        let mut s = Sql::new("SELECT id FROM reminder WHERE status = 'acknowledged' AND id IN ");
        crate::sql::in_list(&mut s, chunk);
        let rows: Vec<(Uuid,)> = tx.all(&s).await?;
        out.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(out)
}
