//! The bulk-write path: SQLite steps one prepared statement on the connection's own handle. Many
//! bulk writes back to back in one transaction must all land and must never stall the
//! connection (sqlx's hand-over of the handle can leave its worker waiting for ever if a second
//! hand-over starts before the first one has settled).

use zt_db::{Arg, Sql};
use zt_testkit::{Backend, fresh_database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_bulk_writes_in_one_transaction_all_land() {
    let (url, _, dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let db = zt_db::Db::connect(&url).await.unwrap();
    let mut tx = db.write().await.unwrap();
    tx.exec(&Sql::new("CREATE TABLE bulk_probe (id BIGINT PRIMARY KEY, batch BIGINT NOT NULL, hits BIGINT NOT NULL)")).await.unwrap();
    let (batches, rows) = (2_000_i64, zt_db::SQLITE_BULK_MIN_ROWS as i64);
    let work = async {
        for b in 0..batches {
            let ids: Vec<i64> = (0..rows).map(|r| b * rows + r).collect();
            let n = tx
                .insert_many("INSERT INTO bulk_probe (id, batch, hits)", &ids, |id| vec![Arg::from(*id), Arg::from(b), Arg::from(0_i64)])
                .await
                .unwrap();
            assert_eq!(n, rows as u64);
            let changed = tx
                .run_each("UPDATE bulk_probe SET hits = hits + 1 WHERE id = $1", ids.iter().map(|id| vec![Arg::from(*id)]).collect())
                .await
                .unwrap();
            assert_eq!(changed, vec![1; rows as usize]);
        }
    };
    zt_testkit::within_limit(work).await;
    assert_eq!(tx.count(&Sql::new("SELECT count(*) FROM bulk_probe WHERE hits = 1")).await.unwrap(), batches * rows);
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert_eq!(tx.count(&Sql::new("SELECT count(*) FROM bulk_probe")).await.unwrap(), batches * rows);
    drop(tx);
    db.close().await;
    if let Some(d) = dir {
        let _ = std::fs::remove_dir_all(d);
    }
}
