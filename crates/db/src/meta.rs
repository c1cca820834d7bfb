//! Installation facts kept in the `meta` table (demo mode, install time).

use crate::{Sql, Tx};
use zt_domain::Error;

pub async fn get(tx: &mut Tx, key: &str) -> Result<Option<String>, Error> {
    let row: Option<(String,)> = tx.opt(&Sql::new("SELECT value FROM meta WHERE key = $1").bind(key)).await?;
    Ok(row.map(|r| r.0))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value),
    )
    .await?;
    Ok(())
}
