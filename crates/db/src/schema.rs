//! The logical schema of a migrated database (tables, columns, nullability, primary keys,
//! named indexes, foreign keys), read the same way from both backends so that a test can prove
//! that `migrations/sqlite` and `migrations/postgres` describe the same database.

use crate::{Db, Sql};
use std::collections::BTreeSet;
use zt_domain::Error;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// (table, column, nullable)
    pub columns: BTreeSet<(String, String, bool)>,
    /// (table, column)
    pub primary_keys: BTreeSet<(String, String)>,
    /// (table, index name, unique, columns joined by ',')
    pub indexes: BTreeSet<(String, String, bool, String)>,
    /// (table, column, referenced table)
    pub foreign_keys: BTreeSet<(String, String, String)>,
}

pub async fn read(db: &Db) -> Result<Schema, Error> {
    let mut tx = db.read().await?;
    let mut s = Schema::default();
    match db {
        Db::Sqlite(_) => {
            let tables: Vec<(String,)> = tx
                .all(&Sql::new("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"))
                .await?;
            for (t,) in tables {
                let cols: Vec<(String, i64, i64)> =
                    tx.all(&Sql::new("SELECT name, \"notnull\", pk FROM pragma_table_info($1)").bind(t.as_str())).await?;
                for (c, notnull, pk) in cols {
                    s.columns.insert((t.clone(), c.clone(), notnull == 0 && pk == 0));
                    if pk > 0 {
                        s.primary_keys.insert((t.clone(), c));
                    }
                }
                let idx: Vec<(String, i64)> =
                    tx.all(&Sql::new("SELECT name, \"unique\" FROM pragma_index_list($1) WHERE origin = 'c'").bind(t.as_str())).await?;
                for (name, unique) in idx {
                    let cols: Vec<(String,)> =
                        tx.all(&Sql::new("SELECT name FROM pragma_index_info($1) ORDER BY seqno").bind(name.as_str())).await?;
                    let cols = cols.into_iter().map(|c| c.0).collect::<Vec<_>>().join(",");
                    s.indexes.insert((t.clone(), name, unique != 0, cols));
                }
                let fks: Vec<(String, String)> =
                    tx.all(&Sql::new("SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)").bind(t.as_str())).await?;
                for (col, rt) in fks {
                    s.foreign_keys.insert((t.clone(), col, rt));
                }
            }
        }
        Db::Postgres(_) => {
            let cols: Vec<(String, String, String)> = tx
                .all(&Sql::new(
                    "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
                ))
                .await?;
            for (t, c, n) in cols {
                s.columns.insert((t, c, n == "YES"));
            }
            let pks: Vec<(String, String)> = tx
                .all(&Sql::new(
                    "SELECT k.table_name::text, k.column_name::text FROM information_schema.table_constraints c \
                     JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema \
                     WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name <> '_sqlx_migrations'",
                ))
                .await?;
            s.primary_keys.extend(pks);
            let idx: Vec<(String, String, String)> = tx
                .all(&Sql::new(
                    "SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes \
                     WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'",
                ))
                .await?;
            for (t, name, def) in idx {
                let unique = def.starts_with("CREATE UNIQUE INDEX");
                // the column list follows USING …; a partial index's WHERE clause comes after it
                let cols = def
                    .split(" WHERE ")
                    .next()
                    .unwrap_or(&def)
                    .rsplit_once('(')
                    .and_then(|(_, r)| r.split_once(')'))
                    .map(|(c, _)| c.split(',').map(|x| x.trim().trim_matches('"')).collect::<Vec<_>>().join(","))
                    .unwrap_or_default();
                s.indexes.insert((t, name, unique, cols));
            }
            let fks: Vec<(String, String, String)> = tx
                .all(&Sql::new(
                    "SELECT k.table_name::text, k.column_name::text, u.table_name::text FROM information_schema.referential_constraints r \
                     JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name AND k.constraint_schema = r.constraint_schema \
                     JOIN information_schema.constraint_column_usage u ON u.constraint_name = r.unique_constraint_name AND u.constraint_schema = r.unique_constraint_schema \
                     WHERE r.constraint_schema = current_schema()",
                ))
                .await?;
            s.foreign_keys.extend(fks);
        }
    }
    tx.commit().await?;
    // Full-text objects differ by design (FTS5 virtual table vs a GIN expression index).
    let keep = |name: &str| !name.contains("_fts");
    s.columns.retain(|(t, _, _)| keep(t));
    s.primary_keys.retain(|(t, _)| keep(t));
    s.indexes.retain(|(t, n, _, _)| keep(t) && keep(n));
    s.foreign_keys.retain(|(t, _, _)| keep(t));
    Ok(s)
}
