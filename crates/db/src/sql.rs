//! A query with its bind values, run on either backend by the methods of [`Tx`]. Writing the
//! SQL once and binding through one enum keeps every repository backend-neutral, and compiles
//! each fetch once per backend here instead of at every call site.

use crate::{Day, DbResult, Ts, Tx};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow};
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone)]
pub enum Arg {
    Text(Option<String>),
    I64(Option<i64>),
    Bool(bool),
    Uuid(Option<Uuid>),
    Ts(Option<Ts>),
    Day(Option<Day>),
    Bytes(Vec<u8>),
}

macro_rules! arg_from {
    ($t:ty, $v:ident, $e:expr) => {
        impl From<$t> for Arg {
            fn from($v: $t) -> Arg {
                $e
            }
        }
    };
}
arg_from!(String, v, Arg::Text(Some(v)));
arg_from!(&str, v, Arg::Text(Some(v.to_string())));
arg_from!(&String, v, Arg::Text(Some(v.clone())));
arg_from!(Option<String>, v, Arg::Text(v));
arg_from!(Option<&str>, v, Arg::Text(v.map(str::to_string)));
arg_from!(i64, v, Arg::I64(Some(v)));
arg_from!(Option<i64>, v, Arg::I64(v));
arg_from!(bool, v, Arg::Bool(v));
arg_from!(Uuid, v, Arg::Uuid(Some(v)));
arg_from!(Option<Uuid>, v, Arg::Uuid(v));
arg_from!(Ts, v, Arg::Ts(Some(v)));
arg_from!(Option<Ts>, v, Arg::Ts(v));
arg_from!(Day, v, Arg::Day(Some(v)));
arg_from!(Option<Day>, v, Arg::Day(v));
arg_from!(Vec<u8>, v, Arg::Bytes(v));

/// SQL text with `$n` placeholders and the values to bind, in order.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql { text: text.to_string(), args: Vec::new() }
    }
    /// Appends raw SQL (never user input).
    pub fn push(&mut self, s: &str) -> &mut Sql {
        self.text.push_str(s);
        self
    }
    /// Appends a `$n` placeholder for `v`.
    pub fn param(&mut self, v: impl Into<Arg>) -> &mut Sql {
        self.args.push(v.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }
    /// Adds a value for a placeholder already written in the text.
    pub fn bind(mut self, v: impl Into<Arg>) -> Sql {
        self.args.push(v.into());
        self
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args.iter().cloned() {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::I64(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Uuid(v) => q.bind(v),
                Arg::Ts(v) => q.bind(v),
                Arg::Day(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// A row type readable from both backends.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

impl Tx {
    pub async fn all<T: Row>(&mut self, sql: &Sql) -> Result<Vec<T>, Error> {
        crate::on_tx!(self, |c| bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(sql.text.clone())), sql.args).fetch_all(c).await).db()
    }

    pub async fn opt<T: Row>(&mut self, sql: &Sql) -> Result<Option<T>, Error> {
        crate::on_tx!(self, |c| bind_all!(sqlx::query_as::<_, T>(AssertSqlSafe(sql.text.clone())), sql.args).fetch_optional(c).await).db()
    }

    /// Exactly one row, or `NotFound`.
    pub async fn one<T: Row>(&mut self, sql: &Sql) -> Result<T, Error> {
        self.opt(sql).await?.ok_or_else(Error::not_found)
    }

    /// Runs a statement; the number of rows it touched.
    pub async fn exec(&mut self, sql: &Sql) -> Result<u64, Error> {
        crate::on_tx!(self, |c| bind_all!(sqlx::query(AssertSqlSafe(sql.text.clone())), sql.args)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .db()
    }

    /// A single `BIGINT` (e.g. `count(*)`, cast to BIGINT for PostgreSQL sums).
    pub async fn count(&mut self, sql: &Sql) -> Result<i64, Error> {
        let (n,): (i64,) = self.one(sql).await?;
        Ok(n)
    }

    pub async fn exists(&mut self, sql: &Sql) -> Result<bool, Error> {
        Ok(self.count(sql).await? > 0)
    }

    /// The SQLite connection when `rows` rows take the bulk path (from
    /// [`crate::SQLITE_BULK_MIN_ROWS`] on); `None` sends them the ordinary way.
    fn bulk_connection(&mut self, rows: usize) -> Option<&mut sqlx::SqliteConnection> {
        match self {
            Tx::Sqlite(t) if rows >= crate::sqlite_bulk::MIN_ROWS => Some(&mut **t),
            _ => None,
        }
    }

    /// Inserts many rows: `head` is `INSERT INTO t (a, b, c)`, `values` gives one row's values
    /// in column order. From [`crate::SQLITE_BULK_MIN_ROWS`] rows on, SQLite prepares one
    /// single-row statement and steps it per row on the connection's handle; fewer rows, and
    /// PostgreSQL, get multi-row statements, as many values each as the bind limit allows. Bulk
    /// paths (imports, generators) cost no round trip per row.
    pub async fn insert_many<T>(&mut self, head: &str, items: &[T], values: impl Fn(&T) -> Vec<Arg>) -> Result<u64, Error> {
        self.insert_rows(head, "", items, values).await
    }

    async fn insert_rows<T>(&mut self, head: &str, tail: &str, items: &[T], values: impl Fn(&T) -> Vec<Arg>) -> Result<u64, Error> {
        let Some(first) = items.first() else { return Ok(0) };
        if let Some(conn) = self.bulk_connection(items.len()) {
            let width = values(first).len();
            let sql = format!("{head} VALUES ({}){tail}", vec!["?"; width].join(", "));
            let changed = crate::sqlite_bulk::run_each(conn, &sql, width, items.iter().map(values)).await?;
            return Ok(changed.iter().sum());
        }
        let mut written = 0;
        for mut s in insert_statements(head, items, values) {
            s.push(tail);
            written += self.exec(&s).await?;
        }
        Ok(written)
    }

    /// Runs one statement per row of values (`$1…$n` in the text), e.g. a batch of updates;
    /// the rows each run changed. From [`crate::SQLITE_BULK_MIN_ROWS`] rows on, SQLite prepares
    /// it once and steps it per row on the connection's handle.
    pub async fn run_each(&mut self, sql: &str, rows: Vec<Vec<Arg>>) -> Result<Vec<u64>, Error> {
        let Some(first) = rows.first() else { return Ok(Vec::new()) };
        if let Some(conn) = self.bulk_connection(rows.len()) {
            let width = first.len();
            return crate::sqlite_bulk::run_each(conn, sql, width, rows).await;
        }
        let mut changed = Vec::with_capacity(rows.len());
        for args in rows {
            changed.push(self.exec(&Sql { text: sql.to_string(), args }).await?);
        }
        Ok(changed)
    }

    /// One page of `SELECT {columns}{from_where} ORDER BY {order}` and the count of all its rows.
    /// `from_where` is the `FROM … WHERE …` part with its bind values.
    pub async fn page<T: Row>(
        &mut self,
        columns: &str,
        from_where: Sql,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<T>, i64), Error> {
        let total = self.count(&Sql { text: format!("SELECT count(*){}", from_where.text), args: from_where.args.clone() }).await?;
        let mut page = Sql { text: format!("SELECT {columns}{}", from_where.text), args: from_where.args };
        page.push(&format!(" ORDER BY {order} LIMIT {} OFFSET {}", limit.max(0), offset.max(0)));
        Ok((self.all(&page).await?, total))
    }

    /// [`Tx::insert_many`] that skips rows whose unique key exists (`ON CONFLICT DO NOTHING`);
    /// returns how many were new.
    pub async fn insert_many_ignoring_duplicates<T>(
        &mut self,
        head: &str,
        items: &[T],
        values: impl Fn(&T) -> Vec<Arg>,
    ) -> Result<u64, Error> {
        self.insert_rows(head, " ON CONFLICT DO NOTHING", items, values).await
    }
}

impl Tx {
    /// `UPDATE table SET col = value, … WHERE id = $id AND version = $expected`: exactly one row,
    /// or 409 `conflict.version` (someone else changed it first).
    /// `update_row` from a table's column list and one row's values in the same order, leaving
    /// the `fixed` columns (id, creation) as they are.
    pub async fn save_row(
        &mut self,
        table: &str,
        columns: &str,
        values: Vec<Arg>,
        id: Uuid,
        expected: i64,
        fixed: &[&str],
    ) -> Result<(), Error> {
        let set: Vec<(&str, Arg)> = columns.split(',').map(str::trim).zip(values).filter(|(c, _)| !fixed.contains(c)).collect();
        self.update_row(table, id, expected, set).await
    }

    pub async fn update_row(&mut self, table: &str, id: Uuid, expected_version: i64, cols: Vec<(&str, Arg)>) -> Result<(), Error> {
        let mut s = Sql::new(&format!("UPDATE {table} SET "));
        for (i, (c, v)) in cols.into_iter().enumerate() {
            if i > 0 {
                s.push(", ");
            }
            s.push(c).push(" = ").param(v);
        }
        s.push(" WHERE id = ").param(id).push(" AND version = ").param(expected_version);
        crate::expect_one(self.exec(&s).await?)
    }
}

/// PostgreSQL's statements of [`Tx::insert_many`], built before any is run.
fn insert_statements<T>(head: &str, items: &[T], values: impl Fn(&T) -> Vec<Arg>) -> Vec<Sql> {
    let mut out: Vec<Sql> = Vec::new();
    for item in items {
        let row = values(item);
        if out.last().is_none_or(|s| s.args.len() + row.len() > MAX_ARGS) {
            let mut s = Sql::new(head);
            s.push(" VALUES (");
            out.push(s);
        } else {
            out.last_mut().expect("a statement").push(", (");
        }
        let s = out.last_mut().expect("a statement");
        for (i, a) in row.into_iter().enumerate() {
            if i > 0 {
                s.push(",");
            }
            s.param(a);
        }
        s.push(")");
    }
    out
}

/// The most values one statement binds (SQLite allows 32,766, PostgreSQL 65,535).
pub const MAX_ARGS: usize = 30_000;

/// How many values an `IN` list of a bulk path carries: SQLite looks `$n` names up linearly, so
/// longer lists cost more per value than another round trip.
pub const IN_CHUNK: usize = 500;

/// Appends `(v1, v2, …)` for an `IN` list; callers keep lists to [`IN_CHUNK`].
pub fn in_list<T: Clone + Into<Arg>>(s: &mut Sql, values: &[T]) {
    s.push("(");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.param(v.clone());
    }
    s.push(")");
}
