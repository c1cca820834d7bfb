//! Figures about the installation itself for the server monitor.

use crate::{Db, Sql, Tx};
use zt_domain::Error;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Migration {
    pub version: i64,
    pub description: String,
}

pub async fn migrations(tx: &mut Tx) -> Result<Vec<Migration>, Error> {
    tx.all(&Sql::new("SELECT version, description FROM _sqlx_migrations WHERE success = TRUE ORDER BY version")).await
}

/// The database's size in bytes.
pub async fn size(db: &Db, tx: &mut Tx) -> Result<i64, Error> {
    match db {
        Db::Sqlite(_) => {
            let (pages,): (i64,) = tx.one(&Sql::new("SELECT page_count FROM pragma_page_count()")).await?;
            let (size,): (i64,) = tx.one(&Sql::new("SELECT page_size FROM pragma_page_size()")).await?;
            Ok(pages * size)
        }
        Db::Postgres(_) => tx.count(&Sql::new("SELECT pg_database_size(current_database())::BIGINT")).await,
    }
}

/// Jobs by status, and the oldest queued job that is already due (a stuck queue).
pub async fn job_counts(tx: &mut Tx) -> Result<Vec<(String, i64)>, Error> {
    tx.all(&Sql::new("SELECT status, count(*) FROM job GROUP BY status ORDER BY status")).await
}

pub async fn oldest_due(tx: &mut Tx, now: crate::Ts) -> Result<Option<crate::Ts>, Error> {
    let r: Option<(crate::Ts,)> =
        tx.opt(&Sql::new("SELECT run_at FROM job WHERE status = 'queued' AND run_at <= $1 ORDER BY run_at LIMIT 1").bind(now)).await?;
    Ok(r.map(|r| r.0))
}
