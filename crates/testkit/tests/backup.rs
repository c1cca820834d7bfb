//! `zhitong backup` → `zhitong restore` on SQLite and PostgreSQL: the restored copy passes the
//! audit-chain check and holds the same data; a database holding data is not overwritten unforced.

use zt_app::backup::{backup, restore};
use zt_testkit::{Backend, both, drop_database, fresh_database};

async fn facts(db: &zt_db::Db) -> (i64, i64, bool) {
    let mut tx = db.read().await.unwrap();
    let enterprises = tx.count(&zt_db::Sql::new("SELECT count(*) FROM enterprise")).await.unwrap();
    let requests = tx.count(&zt_db::Sql::new("SELECT count(*) FROM service_request")).await.unwrap();
    let audit = zt_db::audit::verify(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    (enterprises, requests, audit.ok)
}

both!(backup_and_restore_round_trip, |app| {
    // some activity first, so that the copy has something recent
    let mgr = app.login("zhangjiang").await;
    let (s, _) = app.post(&mgr, "/api/policies/run", serde_json::json!({})).await;
    assert!(s.is_success());
    let before = facts(&app.db).await;
    assert!(before.2, "the audit chain is intact before");

    let dir = std::env::temp_dir().join(format!("zt-backup-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("backup.bin");
    let bytes = backup(&app.url, &file).await.expect("backup");
    assert!(bytes > 10_000, "{bytes}");
    assert!(backup(&app.url, &file).await.is_err(), "an existing file is not overwritten");

    // into a fresh database of the same backend
    let backend = if app.url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres };
    let (target, cleanup, tdir) = fresh_database(backend).await.expect("a fresh database");
    restore(&target, &file, false).await.expect("restore");
    let db = zt_db::Db::connect(&target).await.expect("restored database opens");
    assert_eq!(facts(&db).await, before);
    db.close().await;
    // a database holding data is refused without --force, accepted with it
    let e = restore(&target, &file, false).await.unwrap_err();
    assert!(e.0.contains("--force"), "{e}");
    restore(&target, &file, true).await.expect("forced restore");
    let db = zt_db::Db::connect(&target).await.unwrap();
    assert_eq!(facts(&db).await, before);
    db.close().await;

    if let Some((admin, name)) = cleanup {
        drop_database(&admin, &name).await;
    }
    if let Some(d) = tdir {
        let _ = std::fs::remove_dir_all(d);
    }
    let _ = std::fs::remove_dir_all(dir);
});
