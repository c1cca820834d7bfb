//! Policy pushes, their per-enterprise deliveries, and the enterprise inbox.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct InboxMessage {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    /// policy_push · notice · reminder
    pub kind: String,
    pub title: String,
    pub body: String,
    pub ref_type: String,
    pub ref_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<Ts>,
    pub read_by: Option<Uuid>,
}

pub async fn insert_message(tx: &mut Tx, m: &InboxMessage) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO inbox_message (id, enterprise_id, kind, title, body, ref_type, ref_id, created_at, read_at, read_by)",
        std::slice::from_ref(m),
        |m| {
            vec![
                m.id.into(),
                m.enterprise_id.into(),
                (&m.kind).into(),
                (&m.title).into(),
                (&m.body).into(),
                (&m.ref_type).into(),
                m.ref_id.clone().into(),
                m.created_at.into(),
                m.read_at.into(),
                m.read_by.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn inbox(tx: &mut Tx, enterprise: Uuid) -> Result<Vec<InboxMessage>, Error> {
    tx.all(&Sql::new("SELECT * FROM inbox_message WHERE enterprise_id = $1 ORDER BY created_at DESC, id LIMIT 200").bind(enterprise)).await
}

/// Marks a message of this enterprise read (first reader, first time); false if not its.
pub async fn read_message(tx: &mut Tx, enterprise: Uuid, id: Uuid, by: Uuid, at: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE inbox_message SET read_at = $1, read_by = $2 WHERE id = $3 AND enterprise_id = $4 AND read_at IS NULL")
                .bind(at)
                .bind(by)
                .bind(id)
                .bind(enterprise),
        )
        .await?;
    if n == 1 {
        tx.exec(&Sql::new("UPDATE push_delivery SET status = 'read', read_at = $1 WHERE message_id = $2").bind(at).bind(id)).await?;
        tx.exec(&Sql::new("UPDATE newsletter_delivery SET status = 'read', read_at = $1 WHERE message_id = $2").bind(at).bind(id)).await?;
    }
    tx.exists(&Sql::new("SELECT count(*) FROM inbox_message WHERE id = $1 AND enterprise_id = $2").bind(id).bind(enterprise)).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Push {
    pub id: Uuid,
    pub policy_id: Uuid,
    /// eligible · eligible_and_near
    pub target: String,
    pub message: String,
    /// queued · done
    pub status: String,
    pub job_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Ts>,
    /// comma-separated: inbox, and email / webhook to the enterprise's contacts
    #[serde(skip)]
    pub channels: String,
}

pub async fn insert_push(tx: &mut Tx, p: &Push) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO policy_push (id, policy_id, target, message, status, job_id, created_by, created_by_name, created_at, finished_at, channels)",
        std::slice::from_ref(p),
        |p| {
            vec![
                p.id.into(),
                p.policy_id.into(),
                (&p.target).into(),
                (&p.message).into(),
                (&p.status).into(),
                p.job_id.into(),
                p.created_by.into(),
                (&p.created_by_name).into(),
                p.created_at.into(),
                p.finished_at.into(),
                (&p.channels).into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn push(tx: &mut Tx, id: Uuid) -> Result<Push, Error> {
    tx.one(&Sql::new("SELECT * FROM policy_push WHERE id = $1").bind(id)).await
}

pub async fn pushes(tx: &mut Tx, policy: Uuid) -> Result<Vec<Push>, Error> {
    tx.all(&Sql::new("SELECT * FROM policy_push WHERE policy_id = $1 ORDER BY created_at DESC, id").bind(policy)).await
}

pub async fn finish_push(tx: &mut Tx, id: Uuid, at: Ts) -> Result<(), Error> {
    tx.exec(&Sql::new("UPDATE policy_push SET status = 'done', finished_at = $1 WHERE id = $2").bind(at).bind(id)).await.map(|_| ())
}

/// The enterprises a push already reached (or tried to).
pub async fn delivered_to(tx: &mut Tx, push: Uuid) -> Result<Vec<Uuid>, Error> {
    let r: Vec<(Uuid,)> = tx.all(&Sql::new("SELECT enterprise_id FROM push_delivery WHERE push_id = $1").bind(push)).await?;
    Ok(r.into_iter().map(|r| r.0).collect())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Delivery {
    pub push_id: Uuid,
    pub enterprise_id: Uuid,
    pub channel: String,
    /// queued · sent · failed · read
    pub status: String,
    pub error: Option<String>,
    pub message_id: Option<Uuid>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<Ts>,
}

pub async fn insert_delivery(tx: &mut Tx, d: &Delivery) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO push_delivery (push_id, enterprise_id, channel, status, error, message_id, sent_at, read_at)",
        std::slice::from_ref(d),
        |d| {
            vec![
                d.push_id.into(),
                d.enterprise_id.into(),
                (&d.channel).into(),
                (&d.status).into(),
                d.error.clone().into(),
                d.message_id.into(),
                d.sent_at.into(),
                d.read_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn deliveries(tx: &mut Tx, push: Uuid) -> Result<Vec<Delivery>, Error> {
    tx.all(&Sql::new("SELECT * FROM push_delivery WHERE push_id = $1 ORDER BY sent_at, enterprise_id").bind(push)).await
}
