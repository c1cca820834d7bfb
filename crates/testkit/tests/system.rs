//! The admin console's runtime views over HTTP, on SQLite and PostgreSQL: online sessions that
//! the security admin ends (the user is signed out on the next request), and the server monitor.

use reqwest::StatusCode;
use serde_json::json;
use zt_testkit::both;

both!(the_security_admin_sees_and_ends_sessions, |app| {
    let user = app.login("zhangwei").await;
    let other = app.login("lina").await;
    let sec = app.login("secadmin").await;
    let (s, list) = app.get(&sec, "/api/sessions").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let rows = list.as_array().unwrap();
    assert!(rows.iter().any(|r| r["username"] == "zhangwei"));
    assert_eq!(rows.iter().filter(|r| r["current"] == true).count(), 1);
    assert!(rows.iter().find(|r| r["current"] == true).unwrap()["username"] == "secadmin");
    // nobody else may look
    assert_eq!(app.get(&user, "/api/sessions").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&app.login("sysadmin").await, "/api/sessions").await.0, StatusCode::FORBIDDEN);

    // one session ended: that user is signed out on the next request, the others are not
    let id = rows.iter().find(|r| r["username"] == "zhangwei").unwrap()["id"].as_str().unwrap().to_string();
    let (s, _) = app.delete(&sec, &format!("/api/sessions/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get(&user, "/api/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&other, "/api/me").await.0, StatusCode::OK);

    // everyone else's: the security admin stays
    let (s, v) = app.post(&sec, "/api/sessions/end", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["sessions"].as_u64().unwrap() >= 1);
    assert_eq!(app.get(&other, "/api/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&sec, "/api/me").await.0, StatusCode::OK);
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=session.").await;
    assert_eq!(rows["items"].as_array().unwrap().len(), 2, "{rows}");
});

both!(the_server_monitor_reports_the_installation, |app| {
    let admin = app.login("sysadmin").await;
    let (s, v) = app.get(&admin, "/api/system/status").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["database_bytes"].as_i64().unwrap() > 0);
    let migrations = v["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../db/migrations/sqlite")).unwrap().count());
    assert!(v["sessions_online"].as_u64().unwrap() >= 1);
    assert!(["sqlite", "postgres"].contains(&v["backend"].as_str().unwrap()));
    if v["backend"] == "sqlite" {
        assert!(v["disk_free_bytes"].as_u64().unwrap() > 0);
    }
    // the nightly policy job is queued from the start
    assert!(v["jobs"].as_array().unwrap().iter().any(|j| j[0] == "queued"), "{v}");
    assert_eq!(app.get(&app.login("leader").await, "/api/system/status").await.0, StatusCode::FORBIDDEN);
});

both!(jobs_are_listed_paused_resumed_and_retried, |app| {
    let admin = app.login("sysadmin").await;
    let (s, v) = app.get(&admin, "/api/jobs?kind=policy.match_all").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let job = v["items"][0].clone();
    assert_eq!(job["status"], "queued", "the nightly run waits: {v}");
    let id = job["id"].as_str().unwrap().to_string();
    let (s, j) = app.post(&admin, &format!("/api/jobs/{id}/pause"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{j}");
    assert_eq!(j["status"], "paused");
    let (s, e) = app.post(&admin, &format!("/api/jobs/{id}/retry"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["code"], "job.state");
    let (_, j) = app.post(&admin, &format!("/api/jobs/{id}/resume"), json!({})).await;
    assert_eq!(j["status"], "queued");
    // a dead letter: every attempt failed; retried with fresh attempts
    app.exec_sql(&format!("UPDATE job SET status = 'failed', attempts = 3, error = 'boom' WHERE kind = 'policy.match_all'")).await;
    let (_, v) = app.get(&admin, "/api/jobs?status=failed").await;
    assert_eq!(v["items"][0]["error"], "boom");
    let (s, j) = app.post(&admin, &format!("/api/jobs/{id}/retry"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{j}");
    assert_eq!((j["status"].as_str(), j["attempts"].as_i64()), (Some("queued"), Some(0)));
    // the security admin sees sessions, not jobs
    assert_eq!(app.get(&app.login("secadmin").await, "/api/jobs").await.0, StatusCode::FORBIDDEN);
});

both!(parameters_are_typed_bounded_by_the_baseline_and_applied, |app| {
    let admin = app.login("sysadmin").await;
    let (s, list) = app.get(&admin, "/api/parameters").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let idle = list.as_array().unwrap().iter().find(|p| p["key"] == "session.idle_minutes").unwrap().clone();
    assert_eq!((idle["value"].as_str(), idle["max"].as_i64()), (Some("30"), Some(30)));
    // beyond the security floor: refused with the reason
    let (s, v) = app.put(&admin, "/api/parameters/session.idle_minutes", json!({"value": "120"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["fields"][0]["code"], "param.security_floor");
    assert!(v["fields"][0]["message"].as_str().unwrap().contains("30 分钟"), "{v}");
    // a shorter idle timeout applies at once: a session idle for 11 minutes has ended
    let (s, v) = app.put(&admin, "/api/parameters/session.idle_minutes", json!({"value": "10"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let user = app.login("zhangwei").await;
    assert_eq!(app.get(&user, "/api/me").await.0, StatusCode::OK);
    app.clock.advance_secs(11 * 60);
    assert_eq!(app.get(&user, "/api/me").await.0, StatusCode::UNAUTHORIZED);
    // a secret is stored but never shown back, nor written to the audit trail
    let admin = app.login("sysadmin").await;
    let (s, v) = app.put(&admin, "/api/parameters/smtp.password", json!({"value": "s3cret-Pa55"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["set"].as_bool(), v["value"].is_null()), (Some(true), true));
    let (_, list) = app.get(&admin, "/api/parameters").await;
    assert!(!list.to_string().contains("s3cret"));
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=param.").await;
    assert_eq!(rows["items"].as_array().unwrap().len(), 2, "{rows}");
    assert!(!rows.to_string().contains("s3cret"));
    // the near-due days are the calendar settings' own
    let (s, _) = app.put(&admin, "/api/parameters/request.near_due_days", json!({"value": "4"})).await;
    assert_eq!(s, StatusCode::OK);
    let mgr = app.login("zhangjiang").await;
    let (_, cs) = app.get(&mgr, "/api/calendar/settings").await;
    assert_eq!(cs["near_due_days"], 4, "{cs}");
    assert_eq!(app.get(&mgr, "/api/parameters").await.0, StatusCode::FORBIDDEN);
});

both!(notices_reach_their_audience_and_record_who_read_them, |app| {
    let leader = app.login("leader").await;
    let zj = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    // bad input names the fields
    let (s, v) = app.post(&leader, "/api/notices", json!({"title": "", "body": "x", "audience": "everyone", "roles": ["king"]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = zt_testkit::field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["title", "audience", "roles"], "{v}");
    // one for Zhangjiang's specialists, one for the portal
    let (s, staff) = app
        .post(&leader, "/api/notices", json!({"title": "本周窗口值班调整", "body": "请各位专员查看新的排班。", "audience": "staff", "roles": ["specialist"], "station_id": zj, "pinned": true}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{staff}");
    let (_, portal) = app
        .post(
            &leader,
            "/api/notices",
            json!({"title": "高新技术企业申报开始", "body": "请符合条件的企业于月底前申报。", "audience": "portal"}),
        )
        .await;
    // drafts reach nobody
    let spec = app.login("zhangwei").await;
    assert_eq!(app.get(&spec, "/api/notices").await.1, json!([]));
    for n in [&staff, &portal] {
        let (s, v) =
            app.post(&leader, &format!("/api/notices/{}/publish", n["id"].as_str().unwrap()), json!({"version": n["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let titles = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(titles(&app.get(&spec, "/api/notices").await.1), vec!["本周窗口值班调整"]);
    // not a specialist, another station, an enterprise: each sees what is theirs
    assert_eq!(titles(&app.get(&app.login("zhangjiang").await, "/api/notices").await.1), Vec::<String>::new());
    assert_eq!(titles(&app.get(&app.login("zhaolei").await, "/api/notices").await.1), Vec::<String>::new());
    let ent = app.login("qiye").await;
    assert_eq!(titles(&app.get(&ent, "/api/notices").await.1), vec!["高新技术企业申报开始"]);
    // read receipts, once each; a notice not addressed to the reader is a 404
    let sid = staff["id"].as_str().unwrap();
    assert_eq!(app.post(&spec, &format!("/api/notices/{sid}/read"), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.post(&spec, &format!("/api/notices/{sid}/read"), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.post(&ent, &format!("/api/notices/{sid}/read"), json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&spec, "/api/notices").await.1[0]["read"], true);
    let (_, r) = app.get(&leader, &format!("/api/notices/{sid}/receipts")).await;
    assert_eq!(r.as_array().unwrap().len(), 1);
    assert_eq!(r[0]["username"], "zhangwei");
    let (_, m) = app.get(&leader, "/api/notices/manage").await;
    assert_eq!(m.as_array().unwrap().iter().find(|n| n["id"] == sid).unwrap()["read_count"], 1);
    // a window that has ended hides it
    let (_, cur) = app.get(&leader, "/api/notices/manage").await;
    let v = cur.as_array().unwrap().iter().find(|n| n["id"] == sid).unwrap()["version"].clone();
    let (s, _) = app.patch(&leader, &format!("/api/notices/{sid}"), json!({"publish_to": "2020-01-01T00:00:00Z", "version": v})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get(&spec, "/api/notices").await.1, json!([]));
    assert_eq!(app.post(&spec, "/api/notices", json!({"title": "x", "body": "y"})).await.0, StatusCode::FORBIDDEN);
});

both!(a_dictionary_entry_reaches_its_module_and_a_disabled_one_stays_readable, |app| {
    let admin = app.login("sysadmin").await;
    let (s, dicts) = app.get(&admin, "/api/dicts").await;
    assert_eq!(s, StatusCode::OK, "{dicts}");
    let codes: Vec<&str> = dicts.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    for want in [
        "enterprise_label",
        "grade",
        "catalog_category",
        "certificate_type",
        "industry",
        "need_category",
        "event_kind",
        "capability_tag",
        "circle_layer",
    ] {
        assert!(codes.contains(&want), "{want}: {codes:?}");
    }
    let (_, industries) = app.get(&admin, "/api/dicts/industry").await;
    let ind = industries.as_array().unwrap();
    assert_eq!(ind.iter().filter(|e| e["code"].as_str().unwrap().len() == 1).count(), 20, "GB/T 4754-2017 has 20 sections");
    assert!(ind.iter().any(|e| e["code"] == "C27" && e["name_zh"] == "医药制造业"));

    // bad entries are refused by field; a specialist may not add any
    let (s, v) = app.post(&admin, "/api/dicts/enterprise_label/entries", json!({"code": "bad code", "name_zh": "", "color": "pink"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = zt_testkit::field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["code", "name_zh", "color"], "{v}");
    let specialist = app.login("zhangwei").await;
    assert_eq!(app.post(&specialist, "/api/dicts/grade/entries", json!({"code": "D", "name_zh": "D 类"})).await.0, StatusCode::FORBIDDEN);

    // a new label, through a second instance too, is offered by the archive at once
    let other = app.another_instance().await;
    let leader_elsewhere = other.login("leader").await;
    assert!(!other.get(&leader_elsewhere, "/api/labels").await.1.to_string().contains("pudong_star"));
    let (s, e) = app
        .post(
            &admin,
            "/api/dicts/enterprise_label/entries",
            json!({"code": "pudong_star", "name_zh": "浦东明星企业", "name_en": "Pudong star", "color": "success"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (_, labels) = other.get(&leader_elsewhere, "/api/labels").await;
    assert!(labels.as_array().unwrap().iter().any(|l| l["code"] == "pudong_star" && l["enabled"] == true), "{labels}");
    // a code the dictionary holds in capitals is taken for the label form's lower-case one too
    let (s, e) = app.post(&admin, "/api/dicts/enterprise_label/entries", json!({"code": "PD_CHAMP", "name_zh": "浦东冠军企业"})).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, v) = other.post(&leader_elsewhere, "/api/labels", json!({"code": "pd_champ", "name_zh": "浦东冠军企业（二）"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(zt_testkit::field_codes(&v), vec![("code".to_string(), "conflict.duplicate".to_string())]);
    let manager = app.login("zhangjiang").await;
    let (_, list) = app.get(&manager, "/api/enterprises?page_size=2").await;
    let (e1, e2) = (list["items"][0]["id"].as_str().unwrap().to_string(), list["items"][1]["id"].as_str().unwrap().to_string());
    let (s, v) =
        app.post(&manager, &format!("/api/enterprises/{e1}/labels"), json!({"label": "pudong_star", "valid_from": "2026-01-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // and a new grade is one the archive accepts
    let (s, _) = app.post(&admin, "/api/dicts/grade/entries", json!({"code": "D", "name_zh": "D 类（观察）", "color": "info"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = app
        .post(
            &manager,
            &format!("/api/enterprises/{e1}/grades"),
            json!({"grade": "D", "effective_on": "2026-11-01", "reason": "新设观察类"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // disabled: the old records keep it, readable; nobody can give it anew
    let (s, v) = app
        .put(
            &admin,
            "/api/dicts/enterprise_label/entries/pudong_star",
            json!({"name_zh": "浦东明星企业", "enabled": false, "version": e["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) =
        app.put(&admin, "/api/dicts/enterprise_label/entries/pudong_star", json!({"name_zh": "浦东明星", "version": e["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "a stale version: {v}");
    let (_, labels) = app.get(&manager, "/api/labels").await;
    assert!(
        labels.as_array().unwrap().iter().any(|l| l["code"] == "pudong_star" && l["enabled"] == false && l["name_zh"] == "浦东明星企业")
    );
    let (_, held) = app.get(&manager, &format!("/api/enterprises/{e1}/labels")).await;
    assert!(held.as_array().unwrap().iter().any(|l| l["label"] == "pudong_star"), "{held}");
    let (s, v) =
        app.post(&manager, &format!("/api/enterprises/{e2}/labels"), json!({"label": "pudong_star", "valid_from": "2026-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(zt_testkit::field_codes(&v), vec![("label".to_string(), "dict.disabled".to_string())]);
    let (_, g) = app.get(&manager, "/api/grades").await;
    assert!(g.as_array().unwrap().iter().any(|x| x["code"] == "D" && x["enabled"] == true));
    other.cleanup().await;
});

both!(a_running_job_keeps_its_lease_while_it_is_its_own, |app| {
    use zt_db::{Ts, jobs};
    let now = Ts(zt_domain::clock::Clock::now(app.clock.as_ref()));
    let later = |mins: i64| Ts(now.0 + jiff::SignedDuration::from_mins(mins));
    let long_ago = Ts(now.0 - jiff::SignedDuration::from_hours(24 * 365));
    let mut tx = app.db.write().await.unwrap();
    let id = jobs::enqueue_at(&mut tx, "test.long", &json!({}), None, now, long_ago).await.unwrap();
    let job = jobs::claim(&mut tx, "worker-a", now, later(5)).await.unwrap().unwrap();
    assert_eq!(job.id, id);
    // the runner renews; nobody else can
    assert!(jobs::renew(&mut tx, id, "worker-a", later(10)).await.unwrap());
    assert!(!jobs::renew(&mut tx, id, "worker-b", later(60)).await.unwrap());
    tx.commit().await.unwrap();
    // renewed: at minute 7 the job is not up for grabs
    let mut tx = app.db.write().await.unwrap();
    let other = jobs::claim(&mut tx, "worker-b", later(7), later(12)).await.unwrap();
    assert!(other.is_none_or(|j| j.id != id));
    tx.commit().await.unwrap();
    // not renewed (its worker died): after the lease another worker takes it over
    let mut tx = app.db.write().await.unwrap();
    let mut taken = None;
    while let Some(j) = jobs::claim(&mut tx, "worker-b", later(11), later(16)).await.unwrap() {
        if j.id == id {
            taken = Some(j);
            break;
        }
    }
    let taken = taken.expect("taken over after the lease");
    assert_eq!((taken.leased_by.as_deref(), taken.attempts), (Some("worker-b"), 2));
    assert!(!jobs::renew(&mut tx, id, "worker-a", later(20)).await.unwrap(), "the old runner has lost it");
    tx.commit().await.unwrap();
});
