//! `zhitong backup` and `zhitong restore`. SQLite: an online, consistent copy (`VACUUM INTO`)
//! and a restore that replaces the file atomically; PostgreSQL: `pg_dump` in its custom format
//! and `pg_restore`. A restore refuses to overwrite a database holding data unless forced.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug)]
pub struct BackupError(pub String);

impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(e: impl std::fmt::Display) -> BackupError {
    BackupError(e.to_string())
}

/// The file of a `sqlite://` URL.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn run(cmd: &mut Command) -> Result<(), BackupError> {
    let out = cmd.output().map_err(|e| BackupError(format!("{:?}: {e}", cmd.get_program())))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError(format!("{:?} failed: {}", cmd.get_program(), String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Writes a consistent copy of the database to `out` (which must not exist); returns its size.
pub async fn backup(url: &str, out: &Path) -> Result<u64, BackupError> {
    if out.exists() {
        return Err(BackupError(format!("{} exists; choose a new file", out.display())));
    }
    match zt_db::backend_of(url).map_err(err)? {
        zt_db::Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.map_err(err)?;
            let target = out.to_str().ok_or_else(|| BackupError("the backup path is not UTF-8".into()))?;
            sqlx::query("VACUUM INTO ?").bind(target).execute(&pool).await.map_err(err)?;
            pool.close().await;
        }
        zt_db::Backend::Postgres => {
            run(Command::new("pg_dump").arg("--format=custom").arg("--no-owner").arg("--file").arg(out).arg(url))?;
        }
    }
    Ok(std::fs::metadata(out).map_err(err)?.len())
}

/// Replaces the database with the backup in `from`. The server must be stopped. Refuses a
/// database that holds data unless `force`.
pub async fn restore(url: &str, from: &Path, force: bool) -> Result<(), BackupError> {
    if !from.is_file() {
        return Err(BackupError(format!("{} is not a file", from.display())));
    }
    match zt_db::backend_of(url).map_err(err)? {
        zt_db::Backend::Sqlite => {
            let file = sqlite_file(url).ok_or_else(|| BackupError(format!("no file in {url}")))?;
            if file.exists() && std::fs::metadata(&file).map_err(err)?.len() > 0 && !force {
                return Err(BackupError(format!("{} holds a database; add --force to replace it", file.display())));
            }
            // copy beside it, then rename over it: a crash leaves the old or the new, never half
            let tmp = file.with_extension("restoring");
            std::fs::copy(from, &tmp).map_err(err)?;
            for suffix in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{suffix}", file.display()));
                if side.exists() {
                    std::fs::remove_file(&side).map_err(err)?;
                }
            }
            std::fs::rename(&tmp, &file).map_err(err)?;
        }
        zt_db::Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.map_err(err)?;
            let (tables,): (i64,) = sqlx::query_as("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
                .fetch_one(&pool)
                .await
                .map_err(err)?;
            pool.close().await;
            if tables > 0 && !force {
                return Err(BackupError("the database holds tables; add --force to replace them".into()));
            }
            run(Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--exit-on-error", "--dbname"])
                .arg(url)
                .arg(from))?;
        }
    }
    Ok(())
}
