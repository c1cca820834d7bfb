//! SQLite's bulk path: one statement prepared once on the transaction's own connection, then
//! bound and stepped row by row, with no SQL text per row and no hop to the driver's worker
//! thread. Imports and generators write 100,000 rows this way in a fraction of the time the
//! generic path needs (which builds, parses and caches a statement per few thousand values and
//! copies every value twice on its way in).
//!
//! The handle is borrowed through sqlx's `lock_handle`, which parks the connection's worker for
//! as long as the guard lives; the statement is finalized before the guard is released, so the
//! driver never sees it. Values are encoded exactly as the sqlx encoders of [`Arg`] encode them
//! (UUIDs as 16-byte blobs, booleans as 0/1, instants and days as their text forms), so rows
//! written here read back through the ordinary queries.

use crate::sql::Arg;
use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;
use std::ffi::{CStr, CString, c_int};
use std::ptr::{self, NonNull};
use zt_domain::Error;

/// Fewer rows than this go the ordinary way: borrowing the handle costs two trips to the
/// connection's worker, which a handful of rows does not repay.
pub const MIN_ROWS: usize = 16;

/// A prepared statement on a locked connection; finalized when dropped.
struct Stmt {
    db: NonNull<ffi::sqlite3>,
    raw: NonNull<ffi::sqlite3_stmt>,
    /// The bind index of the n-th value (1-based `$n` names, or `?` in order).
    slots: Vec<c_int>,
}

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: `raw` came from sqlite3_prepare_v2 on `db` and is finalized exactly once.
        unsafe {
            ffi::sqlite3_finalize(self.raw.as_ptr());
        }
    }
}

fn error_of(db: NonNull<ffi::sqlite3>, code: c_int) -> Error {
    // SAFETY: the handle is open and locked for this thread; errmsg returns a NUL-terminated
    // string owned by SQLite, copied at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())).to_string_lossy().into_owned() };
    let extended = unsafe { ffi::sqlite3_extended_errcode(db.as_ptr()) };
    let mut err = match extended {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Error::conflict("conflict.duplicate"),
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Error::conflict("conflict.in_use"),
        _ => return Error::internal(format!("sqlite error {code} ({extended}): {message}")),
    };
    err.detail = Some(message);
    err
}

impl Stmt {
    fn prepare(db: NonNull<ffi::sqlite3>, sql: &str, values: usize) -> Result<Stmt, Error> {
        let text = CString::new(sql).map_err(|_| Error::internal("NUL in SQL text"))?;
        let mut raw = ptr::null_mut();
        // SAFETY: valid handle and NUL-terminated text; `raw` receives the statement or NULL.
        let rc = unsafe { ffi::sqlite3_prepare_v2(db.as_ptr(), text.as_ptr(), -1, &mut raw, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            return Err(error_of(db, rc));
        }
        let raw = NonNull::new(raw).ok_or_else(|| Error::internal("empty SQL statement"))?;
        // owned from here: finalized on every way out
        let mut stmt = Stmt { db, raw, slots: Vec::new() };
        // SAFETY: the statement is live.
        let count = unsafe { ffi::sqlite3_bind_parameter_count(raw.as_ptr()) };
        let mut slots = Vec::with_capacity(values);
        for n in 1..=values {
            let name = CString::new(format!("${n}")).expect("no NUL");
            // SAFETY: live statement, NUL-terminated name.
            let named = unsafe { ffi::sqlite3_bind_parameter_index(raw.as_ptr(), name.as_ptr()) };
            slots.push(if named > 0 { named } else { n as c_int });
        }
        if slots.iter().any(|s| *s > count) || (values as c_int) < count {
            return Err(Error::internal(format!("{values} values for {count} placeholders in: {sql}")));
        }
        stmt.slots = slots;
        Ok(stmt)
    }

    /// Binds one row's values, steps the statement to its end, and returns the rows it changed.
    fn run(&mut self, values: &[Arg]) -> Result<u64, Error> {
        let s = self.raw.as_ptr();
        // text forms of instants and days live until the step is done
        let mut texts: Vec<String> = Vec::new();
        let mut rc = ffi::SQLITE_OK;
        for (arg, slot) in values.iter().zip(&self.slots) {
            let i = *slot;
            // SAFETY: live statement; every pointer bound with SQLITE_STATIC points into `values`
            // or `texts`, both alive until the bindings are cleared below.
            rc = unsafe {
                match arg {
                    Arg::Text(None) | Arg::I64(None) | Arg::Uuid(None) | Arg::Ts(None) | Arg::Day(None) => ffi::sqlite3_bind_null(s, i),
                    Arg::Text(Some(t)) => bind_text(s, i, t),
                    Arg::I64(Some(v)) => ffi::sqlite3_bind_int64(s, i, *v),
                    Arg::Bool(b) => ffi::sqlite3_bind_int64(s, i, i64::from(*b)),
                    Arg::Uuid(Some(u)) => ffi::sqlite3_bind_blob(s, i, u.as_bytes().as_ptr().cast(), 16, ffi::SQLITE_STATIC()),
                    Arg::Bytes(b) => ffi::sqlite3_bind_blob(s, i, b.as_ptr().cast(), b.len() as c_int, ffi::SQLITE_STATIC()),
                    Arg::Ts(Some(t)) => {
                        texts.push(t.to_sqlite_text());
                        bind_text(s, i, texts.last().expect("pushed"))
                    }
                    Arg::Day(Some(d)) => {
                        texts.push(d.0.to_string());
                        bind_text(s, i, texts.last().expect("pushed"))
                    }
                }
            };
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        let result = if rc != ffi::SQLITE_OK {
            Err(error_of(self.db, rc))
        } else {
            // SAFETY: live statement with every value bound.
            let step = unsafe { ffi::sqlite3_step(s) };
            match step {
                ffi::SQLITE_DONE | ffi::SQLITE_ROW => Ok(unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) } as u64),
                other => Err(error_of(self.db, other)),
            }
        };
        // SAFETY: live statement; after this no binding points into `values` or `texts`.
        unsafe {
            ffi::sqlite3_reset(s);
            ffi::sqlite3_clear_bindings(s);
        }
        result
    }
}

/// # Safety
/// `t` must stay alive until the statement's bindings are cleared.
unsafe fn bind_text(s: *mut ffi::sqlite3_stmt, i: c_int, t: &str) -> c_int {
    // SAFETY: the caller keeps `t` alive; the length is given, so no NUL is needed.
    unsafe { ffi::sqlite3_bind_text(s, i, t.as_ptr().cast(), t.len() as c_int, ffi::SQLITE_STATIC()) }
}

/// Runs `sql` once per row of values on the connection's handle; the rows each run changed.
/// `sql` names its values `$1…$n` (or `?` in order), as many as each row has.
pub async fn run_each<I>(conn: &mut SqliteConnection, sql: &str, width: usize, rows: I) -> Result<Vec<u64>, Error>
where
    I: IntoIterator<Item = Vec<Arg>>,
{
    let mut handle = conn.lock_handle().await.map_err(crate::db_err)?;
    let result = step_all(handle.as_raw_handle(), sql, width, rows);
    drop(handle);
    // sqlx hands the handle over by sending its worker an unlock message *and* queueing for the
    // lock at once; if the worker is still taking the lock back from the previous hand-over, the
    // next `lock_handle` can get the lock before its message is read, leaving a stale message
    // behind. Enough of those fill the worker's command queue while the lock is held, and both
    // sides wait for ever. A ping returns only once the worker holds the lock again and has read
    // every message before it, so each hand-over starts from a quiet worker.
    sqlx::Connection::ping(conn).await.map_err(crate::db_err)?;
    result
}

/// Prepares `sql` on the locked handle and steps it once per row; the statement is finalized
/// before this returns, so the driver never sees it.
fn step_all<I>(db: NonNull<ffi::sqlite3>, sql: &str, width: usize, rows: I) -> Result<Vec<u64>, Error>
where
    I: IntoIterator<Item = Vec<Arg>>,
{
    let mut stmt = Stmt::prepare(db, sql, width)?;
    let mut changed = Vec::new();
    for row in rows {
        if row.len() != width {
            return Err(Error::internal(format!("{} values for {width} columns in: {sql}", row.len())));
        }
        changed.push(stmt.run(&row)?);
    }
    Ok(changed)
}
