//! Notices (通知公告) and their read receipts.

use crate::{Arg, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Notice {
    pub id: Uuid,
    /// None: every bureau (posted by the system administrator).
    pub bureau_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    /// staff · portal · all
    pub audience: String,
    /// JSON list of role codes the notice is for (staff); empty: every role.
    #[serde(skip)]
    #[schema(ignore)]
    pub roles: String,
    pub station_id: Option<Uuid>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_from: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_to: Option<Ts>,
    /// draft · published · withdrawn
    pub status: String,
    pub pinned: bool,
    pub created_by_name: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

const COLUMNS: &str = "id, bureau_id, title, body, audience, roles, station_id, publish_from, publish_to, status, pinned, created_by_name, version, created_at, updated_at";

fn values(n: &Notice) -> Vec<Arg> {
    vec![
        n.id.into(),
        n.bureau_id.into(),
        (&n.title).into(),
        (&n.body).into(),
        (&n.audience).into(),
        (&n.roles).into(),
        n.station_id.into(),
        n.publish_from.into(),
        n.publish_to.into(),
        (&n.status).into(),
        n.pinned.into(),
        (&n.created_by_name).into(),
        n.version.into(),
        n.created_at.into(),
        n.updated_at.into(),
    ]
}

pub async fn insert(tx: &mut Tx, n: &Notice) -> Result<(), Error> {
    tx.insert_many(&format!("INSERT INTO notice ({COLUMNS})"), std::slice::from_ref(n), values).await.map(|_| ())
}

pub async fn save(tx: &mut Tx, n: &Notice, expected: i64) -> Result<(), Error> {
    tx.save_row("notice", COLUMNS, values(n), n.id, expected, &["id", "created_at"]).await
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Notice, Error> {
    tx.one(&Sql::new("SELECT * FROM notice WHERE id = $1").bind(id)).await
}

/// The notices of a bureau and the system-wide ones (every bureau's for `None`), newest first.
pub async fn list(tx: &mut Tx, bureau: Option<Uuid>) -> Result<Vec<Notice>, Error> {
    let mut s = Sql::new("SELECT * FROM notice WHERE 1 = 1");
    if let Some(b) = bureau {
        s.push(" AND (bureau_id IS NULL OR bureau_id = ").param(b).push(")");
    }
    s.push(" ORDER BY pinned DESC, created_at DESC, id LIMIT 500");
    tx.all(&s).await
}

/// Published notices in their window at `now`.
pub async fn live(tx: &mut Tx, now: Ts) -> Result<Vec<Notice>, Error> {
    tx.all(
        &Sql::new(
            "SELECT * FROM notice WHERE status = 'published' AND (publish_from IS NULL OR publish_from <= $1) \
             AND (publish_to IS NULL OR publish_to > $1) ORDER BY pinned DESC, publish_from DESC, created_at DESC, id",
        )
        .bind(now),
    )
    .await
}

/// Records a read once; later reads keep the first time.
pub async fn mark_read(tx: &mut Tx, notice: Uuid, account: Uuid, at: Ts) -> Result<(), Error> {
    if tx.exists(&Sql::new("SELECT count(*) FROM notice_read WHERE notice_id = $1 AND account_id = $2").bind(notice).bind(account)).await? {
        return Ok(());
    }
    tx.exec(&Sql::new("INSERT INTO notice_read (notice_id, account_id, read_at) VALUES ($1, $2, $3)").bind(notice).bind(account).bind(at))
        .await
        .map(|_| ())
}

pub async fn read_by(tx: &mut Tx, account: Uuid) -> Result<Vec<Uuid>, Error> {
    let r: Vec<(Uuid,)> = tx.all(&Sql::new("SELECT notice_id FROM notice_read WHERE account_id = $1").bind(account)).await?;
    Ok(r.into_iter().map(|r| r.0).collect())
}

/// Who read a notice, and when.
pub async fn receipts(tx: &mut Tx, notice: Uuid) -> Result<Vec<(Uuid, String, String, Ts)>, Error> {
    tx.all(
        &Sql::new(
            "SELECT a.id, a.username, a.display_name, r.read_at FROM notice_read r JOIN account a ON a.id = r.account_id \
             WHERE r.notice_id = $1 ORDER BY r.read_at, a.username",
        )
        .bind(notice),
    )
    .await
}
