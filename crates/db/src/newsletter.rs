//! 政策服务专递 issues and their deliveries.

use crate::{Arg, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Newsletter {
    pub id: Uuid,
    pub bureau_id: Uuid,
    /// e.g. 2026年第12期
    pub issue_no: String,
    pub title: String,
    pub intro: String,
    /// JSON list of items: `{kind: policy|news, policy_id?, title, body}`.
    #[serde(skip)]
    #[schema(ignore)]
    pub items: String,
    /// JSON: `{station_id?, label?, industry?}`; empty: every enterprise of the bureau.
    #[serde(skip)]
    #[schema(ignore)]
    pub audience: String,
    /// draft · sending · sent
    pub status: String,
    pub job_id: Option<Uuid>,
    pub created_by_name: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Ts>,
}

const COLUMNS: &str =
    "id, bureau_id, issue_no, title, intro, items, audience, status, job_id, created_by_name, version, created_at, updated_at, sent_at";

fn values(n: &Newsletter) -> Vec<Arg> {
    vec![
        n.id.into(),
        n.bureau_id.into(),
        (&n.issue_no).into(),
        (&n.title).into(),
        (&n.intro).into(),
        (&n.items).into(),
        (&n.audience).into(),
        (&n.status).into(),
        n.job_id.into(),
        (&n.created_by_name).into(),
        n.version.into(),
        n.created_at.into(),
        n.updated_at.into(),
        n.sent_at.into(),
    ]
}

pub async fn insert(tx: &mut Tx, n: &Newsletter) -> Result<(), Error> {
    tx.insert_many(&format!("INSERT INTO newsletter ({COLUMNS})"), std::slice::from_ref(n), values).await.map(|_| ())
}

pub async fn save(tx: &mut Tx, n: &Newsletter, expected: i64) -> Result<(), Error> {
    tx.save_row("newsletter", COLUMNS, values(n), n.id, expected, &["id", "bureau_id", "created_at"]).await
}

pub async fn get(tx: &mut Tx, bureau: Option<Uuid>, id: Uuid) -> Result<Newsletter, Error> {
    let mut s = Sql::new("SELECT * FROM newsletter WHERE id = ");
    s.param(id);
    if let Some(b) = bureau {
        s.push(" AND bureau_id = ").param(b);
    }
    tx.one(&s).await
}

/// A bureau's issues, newest first; only the sent ones for `sent_only` (the portal's archive).
pub async fn list(tx: &mut Tx, bureau: Uuid, sent_only: bool) -> Result<Vec<Newsletter>, Error> {
    let mut s = Sql::new("SELECT * FROM newsletter WHERE bureau_id = ");
    s.param(bureau);
    if sent_only {
        s.push(" AND status = 'sent'");
    }
    s.push(" ORDER BY created_at DESC, id LIMIT 500");
    tx.all(&s).await
}

pub async fn delivered_to(tx: &mut Tx, id: Uuid) -> Result<Vec<Uuid>, Error> {
    let r: Vec<(Uuid,)> = tx.all(&Sql::new("SELECT enterprise_id FROM newsletter_delivery WHERE newsletter_id = $1").bind(id)).await?;
    Ok(r.into_iter().map(|r| r.0).collect())
}

pub async fn insert_delivery(tx: &mut Tx, newsletter: Uuid, enterprise: Uuid, message: Uuid, at: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "INSERT INTO newsletter_delivery (newsletter_id, enterprise_id, status, message_id, sent_at, read_at) VALUES ($1, $2, 'sent', $3, $4, NULL)",
        )
        .bind(newsletter)
        .bind(enterprise)
        .bind(message)
        .bind(at),
    )
    .await
    .map(|_| ())
}

/// (sent, read) counts.
pub async fn counts(tx: &mut Tx, id: Uuid) -> Result<(i64, i64), Error> {
    let sent = tx.count(&Sql::new("SELECT count(*) FROM newsletter_delivery WHERE newsletter_id = $1").bind(id)).await?;
    let read =
        tx.count(&Sql::new("SELECT count(*) FROM newsletter_delivery WHERE newsletter_id = $1 AND status = 'read'").bind(id)).await?;
    Ok((sent, read))
}

/// The enterprises of a bureau on a list: a station, a label held today, an industry section.
pub async fn audience(
    tx: &mut Tx,
    bureau: Uuid,
    station: Option<Uuid>,
    label: Option<&str>,
    industry: Option<&str>,
    today: crate::Day,
) -> Result<Vec<Uuid>, Error> {
    let mut s = Sql::new("SELECT e.id FROM enterprise e JOIN station s ON s.id = e.station_id WHERE s.bureau_id = ");
    s.param(bureau);
    if let Some(st) = station {
        s.push(" AND e.station_id = ").param(st);
    }
    if let Some(l) = label {
        s.push(" AND EXISTS (SELECT 1 FROM enterprise_label l WHERE l.enterprise_id = e.id AND l.label = ")
            .param(l)
            .push(" AND l.valid_from <= ")
            .param(today)
            .push(" AND (l.valid_to IS NULL OR l.valid_to >= ")
            .param(today)
            .push("))");
    }
    if let Some(i) = industry {
        s.push(" AND e.industry_code LIKE ").param(format!("{}%", i.replace('%', "")));
    }
    s.push(" ORDER BY e.id");
    let r: Vec<(Uuid,)> = tx.all(&s).await?;
    Ok(r.into_iter().map(|r| r.0).collect())
}
