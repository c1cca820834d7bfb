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
}
