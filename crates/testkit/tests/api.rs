//! End-to-end API tests: the real application over HTTP, each body run on SQLite and PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zt_testkit::{PASSWORD, TestApp, both, field_codes};

async fn audit_actions(app: &TestApp, auditor: &reqwest::Client, action: &str) -> Vec<Value> {
    let (s, v) = app.get(auditor, &format!("/api/audit?action={action}&page_size=200")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

both!(health_metrics_and_openapi, |app| {
    let c = app.client();
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, doc) = app.get(&c, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for p in
        ["/api/auth/login", "/api/me", "/api/stations/{id}", "/api/accounts/{id}/roles", "/api/audit/verify", "/api/stations/{id}/duty"]
    {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
    let docs = c.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let (s, v) = app.get(&c, "/api/no-such-thing").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found.route")));
    let m = c.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(m.contains("http_requests_total"), "{m}");
});

both!(login_sets_a_safe_cookie_and_me_shows_scope, |app| {
    let c = app.client();
    let r = c.post(app.url("/api/auth/login")).json(&json!({"username": "Leader", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("zt_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-HTTP loopback must not set Secure: {cookie}");
    let (s, me) = app.get(&c, "/api/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], "leader");
    assert_eq!(me["roles"], json!(["bureau_leader"]));
    assert_eq!(me["scope"]["kind"], "bureau");
    assert!(me["permissions"].as_array().unwrap().contains(&json!("org.manage")));
    // the second sign-in shows the first one as the previous login
    app.clock.advance_secs(60);
    let c2 = app.login("leader").await;
    let (_, me2) = app.get(&c2, "/api/me").await;
    assert!(me2["last_login_at"].is_string(), "{me2}");
    assert_eq!(me2["last_login_ip"], "127.0.0.1");
});

both!(failures_are_generic_and_audited, |app| {
    let c = app.client();
    let (s1, v1) = app.post(&c, "/api/auth/login", json!({"username": "nobody", "password": "Whatever#1"})).await;
    let (s2, v2) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": "Wrong#Pass1"})).await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert_eq!(v1["code"], "auth.invalid_credentials");
    assert_eq!(v1["message"], v2["message"]);
    assert_eq!(v1["message"], "用户名或密码错误");
    let auditor = app.login("auditor").await;
    let rows = audit_actions(app, &auditor, "auth.login_failed").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["ip"] == "127.0.0.1"));
});

both!(five_failures_lock_the_account_for_thirty_minutes, |app| {
    let c = app.client();
    for i in 1..=4 {
        let (s, v) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": format!("Wrong#{i}xyz")})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {v}");
    }
    let (s, v) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": "Wrong#5xyz"})).await;
    assert_eq!(s, StatusCode::LOCKED, "{v}");
    assert_eq!(v["code"], "auth.locked");
    assert!(v["message"].as_str().unwrap().contains("锁定"), "{v}");
    // the right password does not help while locked
    let (s, _) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::LOCKED);
    app.clock.advance_secs(29 * 60);
    let (s, _) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::LOCKED);
    app.clock.advance_secs(61);
    let (s, v) = app.post(&c, "/api/auth/login", json!({"username": "zhangwei", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let auditor = app.login("auditor").await;
    assert_eq!(audit_actions(app, &auditor, "auth.locked").await.len(), 1);
});

both!(security_admin_unlocks, |app| {
    let c = app.client();
    for i in 1..=5 {
        app.post(&c, "/api/auth/login", json!({"username": "lina", "password": format!("Wrong#{i}xyz")})).await;
    }
    let sec = app.login("secadmin").await;
    let sys = app.login("sysadmin").await;
    let (_, list) = app.get(&sec, "/api/accounts?q=lina").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    assert!(list["items"][0]["locked_until"].is_string());
    // the system admin may not unlock (separation of duties)
    let (s, _) = app.post(&sys, &format!("/api/accounts/{id}/unlock"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.post(&sec, &format!("/api/accounts/{id}/unlock"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["locked_until"].is_null());
    let (s, _) = app.post(&c, "/api/auth/login", json!({"username": "lina", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::OK);
});

both!(more_than_ten_attempts_a_minute_get_429, |app| {
    let c = app.client();
    for i in 0..10 {
        let (s, _) = app.post(&c, "/api/auth/login", json!({"username": format!("ghost{i}"), "password": "x"})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let r = c.post(app.url("/api/auth/login")).json(&json!({"username": "leader", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "auth.rate_limited");
});

both!(sessions_expire_idle_and_absolute, |app| {
    let c = app.login("zhangwei").await;
    app.clock.advance_secs(29 * 60);
    assert_eq!(app.get(&c, "/api/me").await.0, StatusCode::OK);
    app.clock.advance_secs(30 * 60 + 1);
    let (s, v) = app.get(&c, "/api/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["code"], "auth.session_expired");
    assert_eq!(v["message"], "登录已过期，请重新登录");
    // absolute: active every 20 minutes, still ends after 12 hours
    let c = app.login("zhangwei").await;
    for _ in 0..35 {
        app.clock.advance_secs(20 * 60);
        assert_eq!(app.get(&c, "/api/me").await.0, StatusCode::OK);
    }
    app.clock.advance_secs(20 * 60);
    let (s, v) = app.get(&c, "/api/me").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.session_expired")));
});

both!(logout_and_disable_end_sessions_at_once, |app| {
    let c = app.login("zhangwei").await;
    assert_eq!(app.post(&c, "/api/auth/logout", json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&c, "/api/me").await.0, StatusCode::UNAUTHORIZED);
    // a copied cookie is dead too
    let c = app.client();
    let r = c.post(app.url("/api/auth/login")).json(&json!({"username": "lina", "password": PASSWORD})).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let sys = app.login("sysadmin").await;
    let id = app.get(&sys, "/api/accounts?q=lina").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = app.post(&sys, &format!("/api/accounts/{id}/disable"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "disabled");
    zt_api::notify::install_tls();
    let raw = reqwest::Client::new();
    let r = raw.get(app.url("/api/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (s, _) = app.post(&app.client(), "/api/auth/login", json!({"username": "lina", "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
});

both!(admin_roles_need_totp_and_codes_cannot_be_replayed, |app| {
    let c = app.client();
    let (s, v) = app.post(&c, "/api/auth/login", json!({"username": "sysadmin", "password": PASSWORD})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.totp_required")));
    let code = app.totp();
    let (s, _) = app.post(&c, "/api/auth/login", json!({"username": "sysadmin", "password": PASSWORD, "totp": code})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app.post(&app.client(), "/api/auth/login", json!({"username": "sysadmin", "password": PASSWORD, "totp": code})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.totp_invalid")));
});

both!(new_admin_must_change_password_and_enrol_totp, |app| {
    let sys = app.login("sysadmin").await;
    let sec = app.login("secadmin").await;
    let (s, v) =
        app.post(&sys, "/api/accounts", json!({"username": "newaudit", "display_name": "新审计员", "password": "Initial#Pass2026"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["password_change_required"], true);
    // the system admin cannot grant roles
    let (s, _) = app.put(&sys, &format!("/api/accounts/{id}/roles"), json!({"roles": ["auditor"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.put(&sec, &format!("/api/accounts/{id}/roles"), json!({"roles": ["auditor"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let c = app.client();
    let (s, _) = app.post(&c, "/api/auth/login", json!({"username": "newaudit", "password": "Initial#Pass2026"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app.get(&c, "/api/audit").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.password_change_required")));
    // admin passwords need 12 characters
    let (s, v) = app.post(&c, "/api/me/password", json!({"current_password": "Initial#Pass2026", "new_password": "Short#12a"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("new_password".into(), "password.too_short".into())]);
    let (s, v) = app.post(&c, "/api/me/password", json!({"current_password": "wrong", "new_password": "Better#Pass2026x"})).await;
    assert_eq!(field_codes(&v), vec![("current_password".into(), "password.wrong_current".into())], "{s}");
    let (s, _) =
        app.post(&c, "/api/me/password", json!({"current_password": "Initial#Pass2026", "new_password": "Better#Pass2026x"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = app.get(&c, "/api/audit").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.totp_enrollment_required")));
    let (s, setup) = app.post(&c, "/api/me/totp/setup", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let secret = setup["secret"].as_str().unwrap();
    assert!(setup["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    let (s, v) = app.post(&c, "/api/me/totp/enable", json!({"code": "000000"})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("code".into(), "totp.invalid".into())]));
    use zt_domain::clock::Clock;
    let code = zt_domain::totp::code_at(secret, app.clock.now().as_second()).unwrap();
    let (s, _) = app.post(&c, "/api/me/totp/enable", json!({"code": code})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&c, "/api/audit").await;
    assert_eq!(s, StatusCode::OK);
});

both!(separation_of_duties, |app| {
    let sys = app.login("sysadmin").await;
    let sec = app.login("secadmin").await;
    let aud = app.login("auditor").await;
    // only the auditor reads the audit trail
    assert_eq!(app.get(&sys, "/api/audit").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&sec, "/api/audit").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&aud, "/api/audit").await.0, StatusCode::OK);
    // the auditor reads nothing else
    assert_eq!(app.get(&aud, "/api/accounts").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&aud, "/api/stations").await.0, StatusCode::FORBIDDEN);
    // none of the three holds a business-data permission
    for c in [&sys, &sec, &aud] {
        let (_, me) = app.get(c, "/api/me").await;
        for p in me["permissions"].as_array().unwrap() {
            assert!(!p.as_str().unwrap().starts_with("enterprise.") && !p.as_str().unwrap().starts_with("pi."), "{me}");
        }
    }
    let (_, me) = app.get(&sec, "/api/me").await;
    let me_id = me["id"].as_str().unwrap().to_string();
    let (s, v) = app.put(&sec, &format!("/api/accounts/{me_id}/roles"), json!({"roles": ["security_admin", "auditor"]})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.self_grant")));
    let lina = app.get(&sec, "/api/accounts?q=lina").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = app.put(&sec, &format!("/api/accounts/{lina}/roles"), json!({"roles": ["auditor", "system_admin"]})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("roles".into(), "role.admin_separation".into())]));
    let (s, v) = app.put(&sec, &format!("/api/accounts/{lina}/roles"), json!({"roles": ["auditor", "specialist"]})).await;
    assert_eq!(field_codes(&v), vec![("roles".into(), "role.admin_exclusive".into())], "{s}");
    let (s, v) = app.put(&sec, "/api/roles/specialist/permissions", json!({"permissions": ["org.read", "audit.read"]})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("permissions".into(), "permission.admin_only".into())]));
    let (s, _) = app.put(&sec, "/api/roles/auditor/permissions", json!({"permissions": []})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // a permission change takes effect on the next request
    let zw = app.login("zhangwei").await;
    assert_eq!(app.get(&zw, "/api/stations").await.0, StatusCode::OK);
    let (s, _) = app.put(&sec, "/api/roles/specialist/permissions", json!({"permissions": ["roster.read"]})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get(&zw, "/api/stations").await.0, StatusCode::FORBIDDEN);
    let rows = audit_actions(app, &aud, "role.permissions").await;
    assert_eq!(rows.len(), 1);
});

both!(another_stations_records_are_404_and_audited, |app| {
    let leader = app.login("leader").await;
    let jq = app.id_by_name(&leader, "stations", "金桥开发区服务直通站").await;
    let zj = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    let jq_team = app.id_by_name(&leader, "departments", "金桥市场监管所").await;
    let ip = app.id_by_name(&leader, "departments", "知识产权科").await;
    let (_, all) = app.get(&leader, "/api/stations").await;
    assert_eq!(all["total"], 4);

    let zw = app.login("zhangwei").await;
    let (_, own) = app.get(&zw, "/api/stations").await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["id"], zj.as_str());
    assert_eq!(app.get(&zw, &format!("/api/stations/{zj}")).await.0, StatusCode::OK);
    assert_eq!(app.get(&zw, &format!("/api/departments/{ip}")).await.0, StatusCode::OK, "bureau sections are visible for routing");
    let missing = uuid::Uuid::now_v7();
    let (s_missing, v_missing) = app.get(&zw, &format!("/api/stations/{missing}")).await;
    for path in [format!("/api/stations/{jq}"), format!("/api/departments/{jq_team}"), format!("/api/stations/{jq}/duty")] {
        let (s, v) = app.get(&zw, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(v["code"], v_missing["code"], "an out-of-scope record looks like a missing one");
        assert_eq!(v["message"], v_missing["message"]);
    }
    assert_eq!(s_missing, StatusCode::NOT_FOUND);
    let (s, _) = app.patch(&zw, &format!("/api/stations/{jq}"), json!({"name": "改名", "version": 1})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.delete(&zw, &format!("/api/stations/{jq}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) =
        app.post(&zw, &format!("/api/stations/{jq}/duty"), json!({"date": "2026-12-01", "window_no": 1, "account_id": missing})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // the station manager of Jinqiao cannot see Zhangjiang's staff either
    let jqm = app.login("jinqiao").await;
    let zw_id = app.get(&leader, "/api/accounts?q=zhangwei").await.1["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&jqm, &format!("/api/accounts/{zw_id}")).await.0, StatusCode::NOT_FOUND);
    let (_, staff) = app.get(&jqm, "/api/accounts").await;
    assert!(staff["items"].as_array().unwrap().iter().all(|a| a["station_id"] == jq.as_str()), "{staff}");

    let aud = app.login("auditor").await;
    let denials = audit_actions(app, &aud, "scope.denied").await;
    assert_eq!(denials.len(), 7, "{denials:#?}");
    assert!(denials.iter().any(|d| d["target_id"] == jq.as_str() && d["actor_name"].as_str().unwrap().contains("zhangwei")));
    assert!(!denials.iter().any(|d| d["target_id"] == missing.to_string()), "a plain miss is not a denial");
});

both!(bad_input_gets_every_field_named_in_both_languages, |app| {
    let leader = app.login("leader").await;
    let bureau = app.get(&leader, "/api/bureaus").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let bad =
        json!({"bureau_id": bureau, "name": "", "kind": "mall", "window_count": 0, "contact_phone": "12345", "address": "路".repeat(201)});
    let (s, v) = app.post(&leader, "/api/stations", bad.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "validation.failed");
    let got = field_codes(&v);
    for want in [
        ("name", "required"),
        ("kind", "station.kind_invalid"),
        ("window_count", "out_of_range"),
        ("contact_phone", "phone.invalid"),
        ("address", "too_long"),
    ] {
        assert!(got.contains(&(want.0.into(), want.1.into())), "{want:?} not in {got:?}");
    }
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["message"] == "必填"));
    let r = leader.post(app.url("/api/stations")).header("accept-language", "en-US,en;q=0.9").json(&bad).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["message"], "Some fields are invalid; please correct them");
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["field"] == "window_count" && f["message"] == "Must be between 1 and 20"));
    // wrong JSON type, unknown field, broken JSON, duplicate name
    let (s, v) =
        app.post(&leader, "/api/stations", json!({"bureau_id": bureau, "name": "X站", "kind": "park", "window_count": "three"})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("window_count".into(), "invalid_type".into())]));
    let (s, v) = app.post(&leader, "/api/stations", json!({"bureau_id": bureau, "name": "X站", "kind": "park", "colour": "red"})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("colour".into(), "unknown_field".into())]));
    let r = leader.post(app.url("/api/stations")).header("content-type", "application/json").body("{\"name\": ").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (s, v) = app.post(&leader, "/api/stations", json!({"bureau_id": bureau, "name": "张江科学城服务直通站", "kind": "park"})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("name".into(), "name.taken".into())]));
    // nothing was written by any of the refused requests
    assert_eq!(app.get(&leader, "/api/stations").await.1["total"], 4);
});

both!(create_update_delete_with_versions_and_audit, |app| {
    let leader = app.login("leader").await;
    let bureau = app.get(&leader, "/api/bureaus").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let (s, st) = app
        .post(
            &leader,
            "/api/stations",
            json!({"bureau_id": bureau, "name": "外高桥服务站", "kind": "park", "window_count": 2, "contact_phone": "021-50461234"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{st}");
    let id = st["id"].as_str().unwrap().to_string();
    assert_eq!(st["version"], 1);
    let (s, v) = app.patch(&leader, &format!("/api/stations/{id}"), json!({"window_count": 4, "version": 1})).await;
    assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (s, v) = app.patch(&leader, &format!("/api/stations/{id}"), json!({"window_count": 5, "version": 1})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("conflict.version")));
    let (s, v) = app.patch(&leader, &format!("/api/stations/{id}"), json!({"window_count": 5})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("version".into(), "required".into())]));
    // a station manager cannot create stations, even in its bureau
    let zj = app.login("zhangjiang").await;
    let (s, _) = app.post(&zj, "/api/stations", json!({"bureau_id": bureau, "name": "越权站", "kind": "park"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // in use: a station with staff cannot be deleted
    let zj_id = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    let (s, v) = app.delete(&leader, &format!("/api/stations/{zj_id}")).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("conflict.in_use")));
    assert_eq!(app.delete(&leader, &format!("/api/stations/{id}")).await.0, StatusCode::NO_CONTENT);
    let aud = app.login("auditor").await;
    let rows = audit_actions(app, &aud, "station.").await;
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["station.delete", "station.update", "station.create"]);
    assert_eq!(rows[1]["detail"]["window_count"], json!([2, 4]), "the update records the changed field");
});

both!(foreign_origin_is_refused, |app| {
    let leader = app.login("leader").await;
    let r = leader.post(app.url("/api/auth/logout")).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "csrf.origin");
    assert_eq!(app.get(&leader, "/api/me").await.0, StatusCode::OK, "the refused logout did nothing");
    let r = leader.post(app.url("/api/auth/logout")).header("origin", app.base.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
});

both!(audit_chain_detects_edits_and_deletions, |app| {
    let leader = app.login("leader").await;
    app.get(&leader, "/api/stations").await;
    let aud = app.login("auditor").await;
    let (s, v) = app.get(&aud, "/api/audit/verify").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    let n = v["rows_checked"].as_i64().unwrap();
    assert!(n >= 3);
    app.exec_sql("UPDATE audit_log SET summary = '篡改' WHERE seq = 2").await;
    let (_, v) = app.get(&aud, "/api/audit/verify").await;
    assert_eq!((v["ok"].as_bool(), v["broken_at_seq"].as_i64()), (Some(false), Some(2)), "{v}");
    app.exec_sql("DELETE FROM audit_log WHERE seq = 2").await;
    let (_, v) = app.get(&aud, "/api/audit/verify").await;
    assert_eq!((v["ok"].as_bool(), v["broken_at_seq"].as_i64()), (Some(false), Some(2)), "{v}");
});

both!(deleting_the_newest_audit_row_is_detected, |app| {
    let aud = app.login("auditor").await;
    assert_eq!(app.get(&aud, "/api/audit/verify").await.1["ok"], true);
    app.exec_sql("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)").await;
    let (_, v) = app.get(&aud, "/api/audit/verify").await;
    assert_eq!(v["ok"], false, "{v}");
});

both!(duty_roster_rules, |app| {
    let leader = app.login("leader").await;
    let zj = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    let mgr = app.login("zhangjiang").await;
    let lina = app.get(&mgr, "/api/accounts?q=lina").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let jq_staff = app.get(&leader, "/api/accounts?q=zhaolei").await.1["items"][0]["id"].as_str().unwrap().to_string();
    let sunday = "2027-01-03";
    let (s, e) = app.post(&mgr, &format!("/api/stations/{zj}/duty"), json!({"date": sunday, "window_no": 2, "account_id": lina})).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["account_name"], "李娜");
    let (s, v) = app.post(&mgr, &format!("/api/stations/{zj}/duty"), json!({"date": sunday, "window_no": 2, "account_id": lina})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("conflict.duplicate")));
    let (s, v) = app.post(&mgr, &format!("/api/stations/{zj}/duty"), json!({"date": sunday, "window_no": 3, "account_id": lina})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("account_id".into(), "duty.account_busy".into())]));
    let (s, v) =
        app.post(&mgr, &format!("/api/stations/{zj}/duty"), json!({"date": "2027-02-30", "window_no": 9, "account_id": jq_staff})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&v),
        vec![
            ("date".into(), "date.invalid".into()),
            ("window_no".into(), "duty.window_out_of_range".into()),
            ("account_id".into(), "duty.account_not_in_station".into())
        ]
    );
    let (s, w) = app.get(&mgr, &format!("/api/stations/{zj}/duty?week_start=2026-12-28")).await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["days"].as_array().unwrap().len(), 7);
    assert_eq!(w["days"][6], sunday);
    assert_eq!(w["window_count"], 3);
    assert!(w["entries"].as_array().unwrap().iter().any(|x| x["date"] == sunday && x["window_no"] == 2));
    let (s, v) = app.get(&mgr, &format!("/api/stations/{zj}/duty?week_start=2026-12-29")).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("week_start".into(), "date.not_monday".into())]));
    // the default week is this week, with the demo rota in it
    let (_, this_week) = app.get(&mgr, &format!("/api/stations/{zj}/duty")).await;
    assert!(!this_week["entries"].as_array().unwrap().is_empty());
    // a specialist reads but does not plan; the staff list needs no account permission
    let zw = app.login("zhangwei").await;
    let (s, staff) = app.get(&zw, &format!("/api/stations/{zj}/staff")).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = staff.as_array().unwrap().iter().map(|x| x["display_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.contains(&"李娜") && !names.contains(&"赵磊"));
    let jq = app.id_by_name(&leader, "stations", "金桥开发区服务直通站").await;
    assert_eq!(app.get(&zw, &format!("/api/stations/{jq}/staff")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&zw, &format!("/api/stations/{zj}/duty")).await.0, StatusCode::OK);
    let entry = e["id"].as_str().unwrap();
    assert_eq!(app.delete(&zw, &format!("/api/duty/{entry}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&mgr, &format!("/api/duty/{entry}")).await.0, StatusCode::NO_CONTENT);
});

both!(accounts_are_validated, |app| {
    let sys = app.login("sysadmin").await;
    let (s, v) = app
        .post(&sys, "/api/accounts", json!({"username": "ab", "display_name": "", "password": "short", "phone": "123", "email": "x@"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let got = field_codes(&v);
    for want in [
        ("username", "username.invalid"),
        ("password", "password.too_short"),
        ("display_name", "required"),
        ("phone", "phone.invalid"),
        ("email", "email.invalid"),
    ] {
        assert!(got.contains(&(want.0.into(), want.1.into())), "{want:?} not in {got:?}");
    }
    let (s, v) = app.post(&sys, "/api/accounts", json!({"username": "Leader", "display_name": "重名", "password": "Good#Pass2026"})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("username".into(), "username.taken".into())]));
    // a station gives the bureau; a role that needs a station needs one
    let leader = app.login("leader").await;
    let zj = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    let (s, v) = app
        .post(&sys, "/api/accounts", json!({"username": "xiaoma", "display_name": "马小", "password": "Good#Pass2026", "station_id": zj}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["bureau_id"].is_string());
    let (s, v) = app.post(&sys, "/api/accounts", json!({"username": "xiaoniu", "display_name": "牛小", "password": "Good#Pass2026"})).await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(s, StatusCode::CREATED);
    let sec = app.login("secadmin").await;
    let (s, v) = app.put(&sec, &format!("/api/accounts/{id}/roles"), json!({"roles": ["specialist"]})).await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("roles".into(), "role.affiliation_missing".into())]));
});
