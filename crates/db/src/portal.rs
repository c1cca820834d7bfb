//! The enterprise portal: which enterprise a portal account acts for, and the files attached
//! to requests.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

/// The enterprise a portal account acts for, if it is one.
pub async fn enterprise_of(tx: &mut Tx, account: Uuid) -> Result<Option<Uuid>, Error> {
    let r: Option<(Uuid,)> = tx.opt(&Sql::new("SELECT enterprise_id FROM portal_account WHERE account_id = $1").bind(account)).await?;
    Ok(r.map(|r| r.0))
}

pub async fn link(tx: &mut Tx, account: Uuid, enterprise: Uuid, by: Option<Uuid>, at: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO portal_account (account_id, enterprise_id, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(account)
            .bind(enterprise)
            .bind(by)
            .bind(at),
    )
    .await
    .map(|_| ())
}

/// The portal accounts of an enterprise, oldest first.
pub async fn accounts_of(tx: &mut Tx, enterprise: Uuid) -> Result<Vec<Uuid>, Error> {
    let r: Vec<(Uuid,)> = tx
        .all(&Sql::new("SELECT account_id FROM portal_account WHERE enterprise_id = $1 ORDER BY created_at, account_id").bind(enterprise))
        .await?;
    Ok(r.into_iter().map(|r| r.0).collect())
}

/// A file attached to a request, without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub request_id: Uuid,
    /// The slip entry it answers (empty: other material).
    pub entry_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

const ATTACHMENT_COLUMNS: &str =
    "id, request_id, entry_key, file_name, content_type, size, sha256, uploaded_by, uploaded_by_name, created_at";

pub async fn insert_attachment(tx: &mut Tx, a: &Attachment, data: Vec<u8>) -> Result<(), Error> {
    let s = Sql::new(&format!(
        "INSERT INTO request_attachment ({ATTACHMENT_COLUMNS}, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(a.id)
    .bind(a.request_id)
    .bind(a.entry_key.as_str())
    .bind(a.file_name.as_str())
    .bind(a.content_type.as_str())
    .bind(a.size)
    .bind(a.sha256.as_str())
    .bind(a.uploaded_by)
    .bind(a.uploaded_by_name.as_str())
    .bind(a.created_at)
    .bind(data);
    tx.exec(&s).await.map(|_| ())
}

pub async fn attachments(tx: &mut Tx, request: Uuid) -> Result<Vec<Attachment>, Error> {
    tx.all(
        &Sql::new(&format!("SELECT {ATTACHMENT_COLUMNS} FROM request_attachment WHERE request_id = $1 ORDER BY created_at, id"))
            .bind(request),
    )
    .await
}

/// One attachment of a request with its bytes; `NotFound` if it belongs to another request.
pub async fn attachment(tx: &mut Tx, request: Uuid, id: Uuid) -> Result<(Attachment, Vec<u8>), Error> {
    let a: Attachment = tx
        .one(
            &Sql::new(&format!("SELECT {ATTACHMENT_COLUMNS} FROM request_attachment WHERE id = $1 AND request_id = $2"))
                .bind(id)
                .bind(request),
        )
        .await?;
    let (data,): (Vec<u8>,) = tx.one(&Sql::new("SELECT data FROM request_attachment WHERE id = $1").bind(id)).await?;
    Ok((a, data))
}
