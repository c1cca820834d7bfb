//! The data layer: one `Db` over a SQLite or a PostgreSQL pool, chosen from the URL's scheme;
//! transactions; migrations; one module of plain SQL per aggregate. The same SQL string serves
//! both backends (`$1` placeholders, portable types); `on_db!`/`on_tx!` compile it for each.

pub mod accounts;
pub mod archive;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod dicts;
pub mod duty;
pub mod jobs;
pub mod meta;
pub mod newsletter;
pub mod notice;
pub mod notify;
pub mod org;
pub mod policy;
pub mod portal;
pub mod push;
pub mod reminders;
pub mod requests;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod sql;
mod sqlite_bulk;
pub mod system;
pub mod types;

pub use sql::{Arg, Sql};
pub use sqlite_bulk::MIN_ROWS as SQLITE_BULK_MIN_ROWS;
pub use types::{Day, Ts};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;
use zt_domain::Error;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$p` bound to the concrete pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's concrete connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL scheme in {0:?}: use sqlite://path/to/file.db or postgres://user@host/db")]
    Scheme(String),
    #[error("cannot open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Which backend a URL names; anything else is refused (never a silently created database).
pub fn backend_of(url: &str) -> Result<Backend, ConnectError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(ConnectError::Scheme(redact(url)))
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        match backend_of(url)? {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: an acknowledged commit survives a power cut, not only a crash.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                if let Some(parent) = opts.get_filename().parent() {
                    if !parent.as_os_str().is_empty() && !parent.exists() {
                        std::fs::create_dir_all(parent).map_err(|e| ConnectError::Folder(parent.display().to_string(), e))?;
                    }
                }
                // Connections are renewed every five minutes: SQLite loads the planner's statistics when
                // a connection opens, so a long-lived connection would keep planning with old ones.
                let pool = SqlitePoolOptions::new().max_connections(8).max_lifetime(Duration::from_secs(300)).connect_with(opts).await?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Db::Postgres(p) => PG_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), which avoids lock-upgrade failures under concurrency.
    pub async fn write(&self) -> Result<Tx, Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await.map_err(db_err)?),
        })
    }

    /// A transaction that only reads: one consistent snapshot, no write lock.
    pub async fn read(&self) -> Result<Tx, Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await.map_err(db_err)?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await.map_err(db_err)?),
        })
    }

    /// Refreshes the query planner's statistics. SQLite has none until asked (then a plan may
    /// scan a whole index where a range would do); a bounded ANALYZE takes well under a second
    /// even for a million enterprises. PostgreSQL's autovacuum does this by itself.
    pub async fn optimize(&self) -> Result<(), Error> {
        if let Db::Sqlite(p) = self {
            let mut c = p.acquire().await.map_err(db_err)?;
            sqlx::query("PRAGMA analysis_limit = 2000").execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("ANALYZE").execute(&mut *c).await.map_err(db_err)?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), Error> {
        on_db!(self, |p| sqlx::query("SELECT 1").execute(p).await.map(|_| ())).map_err(db_err)
    }

    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }
}

impl Tx {
    /// For a bulk write: SQLite may keep up to `mib` MiB of pages for this transaction's
    /// connection instead of the default 2 MiB, so that inserting into indexes keyed at random
    /// (codes, names, hashes) does not read the same pages again and again. The connection keeps
    /// the setting until the pool renews it (within five minutes). PostgreSQL: nothing to do.
    pub async fn widen_cache(&mut self, mib: u32) -> Result<(), Error> {
        if let Tx::Sqlite(t) = self {
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{}", mib * 1024))).execute(&mut **t).await.map_err(db_err)?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
        .map_err(db_err)
    }
}

/// Maps a database error to the domain error: a unique violation is a conflict, a missing row
/// is not-found, anything else is internal (logged, never shown).
pub fn db_err(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::RowNotFound => Error::not_found(),
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            let mut err = Error::conflict("conflict.duplicate");
            err.detail = Some(d.message().to_string());
            err
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            let mut err = Error::conflict("conflict.in_use");
            err.detail = Some(d.message().to_string());
            err
        }
        _ => Error::internal(e.to_string()),
    }
}

/// `result.db()?` maps a sqlx error with [`db_err`].
pub trait DbResult<T> {
    fn db(self) -> Result<T, Error>;
}

impl<T> DbResult<T> for Result<T, sqlx::Error> {
    fn db(self) -> Result<T, Error> {
        self.map_err(db_err)
    }
}

/// Checks an optimistic-concurrency update: no row touched means the version was stale (or
/// the row vanished, which the caller has already ruled out by reading it in scope).
pub fn expect_one(rows: u64) -> Result<(), Error> {
    if rows == 1 { Ok(()) } else { Err(Error::conflict("conflict.version")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(backend_of("sqlite://./data/z.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(backend_of("postgresql://u@h/db").unwrap(), Backend::Postgres);
        assert!(backend_of("mysql://u@h/db").is_err());
        assert!(backend_of("./data/z.db").is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }

    #[test]
    fn migration_folders_pair_up() {
        let names = |dir: &str| {
            let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names("sqlite"), names("postgres"));
        assert!(!names("sqlite").is_empty());
    }
}
