//! The SQLite and PostgreSQL migrations describe the same database.

use zt_testkit::{Backend, drop_database, fresh_database};

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let (sqlite_url, _, dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let Some((pg_url, cleanup, _)) = fresh_database(Backend::Postgres).await else { return };
    let lite = zt_app::open_database(&sqlite_url).await.unwrap();
    let pg = zt_app::open_database(&pg_url).await.unwrap();
    let a = zt_db::schema::read(&lite).await.unwrap();
    let b = zt_db::schema::read(&pg).await.unwrap();
    assert!(a.columns.len() > 50, "schema reader found too little: {:?}", a.columns.len());
    assert!(!a.indexes.is_empty() && !a.foreign_keys.is_empty());
    assert_eq!(
        a.columns.symmetric_difference(&b.columns).collect::<Vec<_>>(),
        Vec::<&(String, String, bool)>::new(),
        "columns/nullability differ"
    );
    assert_eq!(a.primary_keys, b.primary_keys, "primary keys differ");
    assert_eq!(a.indexes, b.indexes, "indexes differ");
    assert_eq!(a.foreign_keys, b.foreign_keys, "foreign keys differ");
    lite.close().await;
    pg.close().await;
    if let Some((admin, name)) = cleanup {
        drop_database(&admin, &name).await;
    }
    if let Some(d) = dir {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[tokio::test]
async fn unknown_database_schemes_are_refused() {
    for url in ["mysql://root@localhost/test", "./data/zhitong.db", "sqlit://x.db"] {
        let e = zt_db::Db::connect(url).await.unwrap_err();
        assert!(matches!(e, zt_db::ConnectError::Scheme(_)), "{url}: {e}");
    }
}
