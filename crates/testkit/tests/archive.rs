//! The enterprise archive over HTTP, on SQLite and PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zt_testkit::{TestApp, both, field_codes};

async fn station(app: &TestApp, c: &reqwest::Client, name: &str) -> String {
    app.id_by_name(c, "stations", name).await
}

async fn create(app: &TestApp, c: &reqwest::Client, body: Value) -> Value {
    let (s, v) = app.post(c, "/api/enterprises", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

both!(uscc_is_validated_and_unique, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let (s, v) = app
        .post(
            &mgr,
            "/api/enterprises",
            json!({"uscc": "91350100M000100Y44", "name": "校验测试有限公司", "station_id": zj, "size": "below", "stage": "startup"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("uscc".into(), "uscc.check_char".into())]);
    assert_eq!(v["fields"][0]["message"], "校验位错误：第 18 位应为“3”，不是“4”");
    let (_, v) = app
        .post(&mgr, "/api/enterprises", json!({"uscc": "9.13501E+17", "name": "x", "station_id": zj, "size": "below", "stage": "startup"}))
        .await;
    assert_eq!(field_codes(&v), vec![("uscc".into(), "excel.mangled_number".into())]);
    // every wrong field at once
    let (_, v) = app.post(&mgr, "/api/enterprises", json!({"uscc": "9135", "name": "", "size": "huge", "stage": "old", "industry_code": "27", "legal_rep_id_number": "110105194912310021", "legal_rep_phone": "12345"})).await;
    let got = field_codes(&v);
    for want in [
        ("uscc", "uscc.length"),
        ("name", "required"),
        ("station_id", "required"),
        ("size", "one_of"),
        ("stage", "one_of"),
        ("industry_code", "industry.code_invalid"),
        ("legal_rep_id_number", "id_number.check_char"),
        ("legal_rep_phone", "phone.invalid"),
    ] {
        assert!(got.contains(&(want.0.into(), want.1.into())), "{want:?} not in {got:?}");
    }
    let e = create(app, &mgr, json!({"uscc": "91350100m000100y43", "name": "福建测试科技有限公司", "station_id": zj, "size": "below", "stage": "growth", "industry_code": "i6510"})).await;
    assert_eq!(e["uscc"], "91350100M000100Y43", "upper-cased");
    assert_eq!(e["industry_code"], "I6510");
    let (s, v) = app
        .post(
            &mgr,
            "/api/enterprises",
            json!({"uscc": "91350100M000100Y43", "name": "重复", "station_id": zj, "size": "below", "stage": "growth"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("uscc".into(), "uscc.taken".into())]);
    assert!(v["fields"][0]["message"].as_str().unwrap().contains("福建测试科技有限公司"), "{v}");
    let (s, v) = app.get(&mgr, "/api/enterprises/by-uscc/91350100m000100y43").await;
    assert_eq!((s, v["id"].clone()), (StatusCode::OK, e["id"].clone()));
});

both!(search_by_word_full_name_uscc_prefix_and_contact, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(
        app,
        &mgr,
        json!({"uscc": "91310115MA1FL8XB99", "name": "上海华为技术有限公司", "station_id": zj, "size": "above", "stage": "mature"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    let uscc = e["uscc"].as_str().unwrap();
    let hits = |v: &Value| v["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    for q in ["华为", "上海华为技术有限公司", "华为 技术", &uscc[..10]] {
        let (s, v) = app.get(&mgr, &format!("/api/enterprises?q={}", urlencode(q))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(hits(&v).contains(&id.to_string()), "{q} did not find it: {v}");
    }
    let (_, v) = app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("华为 医药"))).await;
    assert!(!hits(&v).contains(&id.to_string()), "all words must match");
    // a contact's name finds the enterprise
    let (s, contact) = app
        .post(&mgr, &format!("/api/enterprises/{id}/contacts"), json!({"role": "liaison", "name": "欧阳娜娜", "phone": "13912345678"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(contact["phone"], "139****5678");
    let (_, v) = app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("欧阳娜娜"))).await;
    assert_eq!(hits(&v), vec![id.to_string()]);
    // … under the name it has now, and not once it is gone
    let cid = contact["id"].as_str().unwrap();
    let (s, v) = app.patch(&mgr, &format!("/api/enterprise-contacts/{cid}"), json!({"name": "欧阳菲菲", "version": 1})).await;
    assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)), "{v}");
    assert!(hits(&app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("欧阳娜娜"))).await.1).is_empty());
    assert_eq!(hits(&app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("欧阳菲菲"))).await.1), vec![id.to_string()]);
    assert_eq!(app.delete(&mgr, &format!("/api/enterprise-contacts/{cid}")).await.0, StatusCode::NO_CONTENT);
    assert!(hits(&app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("欧阳菲菲"))).await.1).is_empty());
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline")).await;
    assert_eq!(tl["items"][0]["summary"], "删除联络员 欧阳菲菲", "{tl}");
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, &format!("/api/audit?action=enterprise.contact_delete&target_id={cid}")).await;
    assert_eq!(rows["total"], 1, "{rows}");
    let detail = rows["items"][0]["detail"].to_string();
    assert!(!detail.contains("13912345678") && detail.contains("139****5678"), "the audit keeps the masked phone: {detail}");
    // a rename keeps the former name searchable
    let (s, v) = app.patch(&mgr, &format!("/api/enterprises/{id}"), json!({"name": "上海鸿蒙软件有限公司", "version": e["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["former_names"][0]["name"], "上海华为技术有限公司");
    let (_, v) = app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("华为"))).await;
    assert!(hits(&v).contains(&id.to_string()), "former name search: {v}");
    let (_, v) = app.get(&mgr, &format!("/api/enterprises?q={}", urlencode("鸿蒙"))).await;
    assert!(hits(&v).contains(&id.to_string()));
});

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

both!(filters_paging_and_scope, |app| {
    let leader = app.login("leader").await;
    let (_, all) = app.get(&leader, "/api/enterprises?page_size=200").await;
    assert_eq!(all["total"], zt_testkit::DEMO_ENTERPRISES as i64);
    let zw = app.login("zhangwei").await;
    let zj = station(app, &leader, "张江科学城服务直通站").await;
    let (_, own) = app.get(&zw, "/api/enterprises?page_size=200").await;
    let n_own = own["total"].as_i64().unwrap();
    assert!(n_own > 0 && n_own < zt_testkit::DEMO_ENTERPRISES as i64);
    assert!(own["items"].as_array().unwrap().iter().all(|e| e["station_id"] == zj.as_str()));
    let (_, filtered) = app.get(&leader, &format!("/api/enterprises?station_id={zj}&page_size=200")).await;
    assert_eq!(filtered["total"].as_i64().unwrap(), n_own);
    // stable paging: two pages never share a row and together make the first 20 of one list
    let (_, p1) = app.get(&leader, "/api/enterprises?page=1&page_size=10&sort=name").await;
    let (_, p2) = app.get(&leader, "/api/enterprises?page=2&page_size=10&sort=name").await;
    let (_, both) = app.get(&leader, "/api/enterprises?page=1&page_size=20&sort=name").await;
    let ids = |v: &Value| v["items"].as_array().unwrap().iter().map(|x| x["id"].clone()).collect::<Vec<_>>();
    assert_eq!([ids(&p1), ids(&p2)].concat(), ids(&both));
    // other station's enterprise: 404 and audited
    let other =
        all["items"].as_array().unwrap().iter().find(|e| e["station_id"] != zj.as_str()).unwrap()["id"].as_str().unwrap().to_string();
    let (s, v) = app.get(&zw, &format!("/api/enterprises/{other}")).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("scope.not_found")));
    assert_eq!(app.get(&zw, &format!("/api/enterprises/{other}/contacts")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.patch(&zw, &format!("/api/enterprises/{other}"), json!({"name": "x", "version": 1})).await.0, StatusCode::NOT_FOUND);
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=scope.denied").await;
    assert_eq!(rows["total"], 3);
    // label and grade filters agree with each profile
    let (_, ht) = app.get(&leader, "/api/enterprises?label=high_tech&page_size=200").await;
    assert!(ht["total"].as_i64().unwrap() > 0);
    assert!(ht["items"].as_array().unwrap().iter().all(|e| e["labels"].as_array().unwrap().contains(&json!("high_tech"))));
    let (_, a) = app.get(&leader, "/api/enterprises?grade=A&page_size=200").await;
    assert!(a["items"].as_array().unwrap().iter().all(|e| e["grade"] == "A"));
    let (_, exp) = app.get(&leader, "/api/enterprises?expiring=true&page_size=200").await;
    assert!(exp["items"].as_array().unwrap().iter().all(|e| e["expiring_certificates"].as_i64().unwrap() > 0));
    let (s, v) = app.get(&leader, "/api/enterprises?as_of=2025-13-01").await;
    assert_eq!((s, field_codes(&v)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("as_of".into(), "date.invalid".into())]));
});

both!(grades_keep_history_and_answer_as_of, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(
        app,
        &mgr,
        json!({"uscc": "91310115MA1FL8XB99", "name": "分级测试有限公司", "station_id": zj, "size": "below", "stage": "growth"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    for (g, on, why) in [("C", "2024-01-01", "首次分级"), ("B", "2025-03-01", "营收增长"), ("A", "2025-09-01", "认定高企")] {
        let (s, v) = app.post(&mgr, &format!("/api/enterprises/{id}/grades"), json!({"grade": g, "effective_on": on, "reason": why})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, v) = app.post(&mgr, &format!("/api/enterprises/{id}/grades"), json!({"grade": "S", "effective_on": "x", "reason": ""})).await;
    assert_eq!(
        field_codes(&v),
        vec![
            ("grade".into(), "dict.unknown_entry".into()),
            ("effective_on".into(), "date.invalid".into()),
            ("reason".into(), "required".into())
        ]
    );
    let (_, hist) = app.get(&mgr, &format!("/api/enterprises/{id}/grades")).await;
    let grades: Vec<&str> = hist.as_array().unwrap().iter().map(|g| g["grade"].as_str().unwrap()).collect();
    assert_eq!(grades, vec!["A", "B", "C"]);
    assert_eq!(hist[0]["actor_name"], "陈静");
    let (_, now) = app.get(&mgr, &format!("/api/enterprises/{id}")).await;
    assert_eq!(now["grade"], "A");
    let has = |v: &Value| v["items"].as_array().unwrap().iter().any(|x| x["id"] == id);
    for (as_of, grade, expect) in
        [("2025-06-30", "B", true), ("2025-06-30", "A", false), ("2024-06-30", "C", true), ("2023-06-30", "C", false)]
    {
        let (_, v) = app.get(&mgr, &format!("/api/enterprises?grade={grade}&as_of={as_of}&page_size=200")).await;
        assert_eq!(has(&v), expect, "grade {grade} as of {as_of}");
        // the count (read along the grade periods) agrees with the rows
        assert_eq!(v["total"].as_u64().unwrap() as usize, v["items"].as_array().unwrap().len(), "grade {grade} as of {as_of}");
    }
    // a back-dated record splits the period it falls in
    let (s, v) = app
        .post(&mgr, &format!("/api/enterprises/{id}/grades"), json!({"grade": "A", "effective_on": "2024-06-01", "reason": "补录"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    for (as_of, grade, expect) in
        [("2024-03-01", "C", true), ("2024-12-31", "A", true), ("2024-12-31", "C", false), ("2025-06-30", "B", true)]
    {
        let (_, v) = app.get(&mgr, &format!("/api/enterprises?grade={grade}&as_of={as_of}&page_size=200")).await;
        assert_eq!(has(&v), expect, "after back-dating: grade {grade} as of {as_of}");
    }
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline?kind=grade")).await;
    assert_eq!(tl["total"], 4);
    assert!(tl["items"].as_array().unwrap().iter().any(|t| t["summary"].as_str().unwrap().contains("B → A")), "{tl}");
});

both!(labels_have_periods, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(
        app,
        &mgr,
        json!({"uscc": "91310115MA1FL8XB99", "name": "标签测试有限公司", "station_id": zj, "size": "below", "stage": "growth"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    let (s, l) = app.post(&mgr, &format!("/api/enterprises/{id}/labels"), json!({"label": "srdi", "valid_from": "2023-01-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let (_, v) = app.post(&mgr, &format!("/api/enterprises/{id}/labels"), json!({"label": "srdi", "valid_from": "2024-01-01"})).await;
    assert_eq!(field_codes(&v), vec![("valid_from".into(), "label.overlap".into())]);
    let (_, v) = app
        .post(
            &mgr,
            &format!("/api/enterprises/{id}/labels"),
            json!({"label": "nobel", "valid_from": "2024-01-01", "valid_to": "2023-01-01"}),
        )
        .await;
    assert_eq!(field_codes(&v), vec![("label".into(), "label.unknown".into()), ("valid_to".into(), "date.before_start".into())]);
    let (s, ended) = app
        .patch(&mgr, &format!("/api/enterprise-labels/{}", l["id"].as_str().unwrap()), json!({"valid_to": "2025-12-31", "version": 1}))
        .await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    let has = |v: &Value| v["items"].as_array().unwrap().iter().any(|x| x["id"] == id);
    let (_, v) = app.get(&mgr, "/api/enterprises?label=srdi&as_of=2025-06-30&page_size=200").await;
    assert!(has(&v));
    let (_, v) = app.get(&mgr, "/api/enterprises?label=srdi&as_of=2026-01-01&page_size=200").await;
    assert!(!has(&v));
});

both!(personal_data_is_encrypted_masked_and_unmasking_is_audited, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(app, &mgr, json!({"uscc": "91310115MA1FL8XB99", "name": "隐私测试有限公司", "station_id": zj, "size": "below", "stage": "growth", "legal_rep_name": "赵六", "legal_rep_id_number": "11010519491231002x", "legal_rep_phone": "13812345678"})).await;
    let id = e["id"].as_str().unwrap();
    assert_eq!(e["legal_rep_id_number"], "110105********002X");
    assert_eq!(e["legal_rep_phone"], "138****5678");
    // nothing readable at rest
    let mut tx = app.db.read().await.unwrap();
    let (enc,): (Option<String>,) =
        tx.one(&zt_db::Sql::new("SELECT legal_rep_phone_enc FROM enterprise WHERE uscc = '91310115MA1FL8XB99'")).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!enc.clone().unwrap().contains("13812345678") && enc.unwrap().starts_with("v1:"));
    // a specialist may not unmask
    let zw = app.login("zhangwei").await;
    assert_eq!(app.post(&zw, &format!("/api/enterprises/{id}/unmask"), json!({})).await.0, StatusCode::FORBIDDEN);
    let (s, v) = app.post(&mgr, &format!("/api/enterprises/{id}/unmask"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["legal_rep_phone"], "13812345678");
    assert_eq!(v["legal_rep_id_number"], "11010519491231002X");
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=enterprise.unmask").await;
    assert_eq!(rows["total"], 1);
    assert!(rows["items"][0]["actor_name"].as_str().unwrap().contains("zhangjiang"));
    // the audit of the creation holds the masked form only
    let (_, created) = app.get(&aud, &format!("/api/audit?action=enterprise.create&target_id={id}")).await;
    let detail = created["items"][0]["detail"].to_string();
    assert!(!detail.contains("13812345678") && detail.contains("138****5678"), "{detail}");
});

both!(figures_growth_certificates_ip_and_timeline, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(
        app,
        &mgr,
        json!({"uscc": "91310115MA1FL8XB99", "name": "成长测试有限公司", "station_id": zj, "size": "below", "stage": "growth"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    assert_eq!(
        app.put(&mgr, &format!("/api/enterprises/{id}/figures/2024"), json!({"revenue": 10_000_000, "employees": 40})).await.0,
        StatusCode::OK
    );
    let (s, v) = app.put(&mgr, &format!("/api/enterprises/{id}/figures/2025"), json!({"revenue": 12_500_000, "employees": 50})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v[1]["growth"]["revenue"], 0.25);
    assert_eq!(v[1]["growth"]["employees"], 0.25);
    let (_, v) = app.put(&mgr, &format!("/api/enterprises/{id}/figures/1900"), json!({"revenue": -1})).await;
    assert_eq!(field_codes(&v), vec![("year".into(), "out_of_range".into()), ("revenue".into(), "out_of_range".into())]);
    let soon = (jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()).date() + jiff::Span::new().days(30))
        .to_string();
    let (s, c) = app
        .post(
            &mgr,
            &format!("/api/enterprises/{id}/certificates"),
            json!({"kind": "ISO 9001", "issued_on": "2023-12-01", "expires_on": soon}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (_, v) = app
        .post(
            &mgr,
            &format!("/api/enterprises/{id}/certificates"),
            json!({"kind": "", "issued_on": "2024-01-01", "expires_on": "2023-01-01"}),
        )
        .await;
    assert_eq!(field_codes(&v), vec![("kind".into(), "required".into()), ("expires_on".into(), "date.before_start".into())]);
    let (_, p) = app.get(&mgr, &format!("/api/enterprises/{id}")).await;
    assert_eq!(p["expiring_certificates"], 1);
    let (s, ip) = app
        .post(
            &mgr,
            &format!("/api/enterprises/{id}/ip-assets"),
            json!({"kind": "invention", "title": "一种检测装置", "status": "granted", "filed_on": "2024-02-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ip}");
    let ip_id = ip["id"].as_str().unwrap();
    let (s, _) = app.patch(&mgr, &format!("/api/ip-assets/{ip_id}"), json!({"status": "transferred", "version": 1})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.patch(&mgr, &format!("/api/ip-assets/{ip_id}"), json!({"status": "expired", "version": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline")).await;
    let kinds: Vec<&str> = tl["items"].as_array().unwrap().iter().map(|x| x["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["ip", "ip", "certificate", "figures", "figures", "profile"], "newest first: {tl}");
    // a specialist reads, but another station's manager does not
    let jq = app.login("jinqiao").await;
    let (s, _) = app.patch(&jq, &format!("/api/certificates/{}", c["id"].as_str().unwrap()), json!({"kind": "x", "version": 1})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&jq, &format!("/api/ip-assets/{ip_id}")).await.0, StatusCode::NOT_FOUND);
    // the station's manager removes it: gone from the list, told on the timeline
    assert_eq!(app.delete(&mgr, &format!("/api/ip-assets/{ip_id}")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&mgr, &format!("/api/enterprises/{id}/ip-assets")).await.1, json!([]));
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline")).await;
    let summary = tl["items"][0]["summary"].as_str().unwrap();
    assert!(summary.starts_with("删除") && summary.contains("《一种检测装置》"), "{summary}");
});

both!(administrators_add_labels, |app| {
    let leader = app.login("leader").await;
    let (s, v) = app.post(&leader, "/api/labels", json!({"code": "pudong_key", "name_zh": "浦东重点企业"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["builtin"], false);
    let (_, v) = app.post(&leader, "/api/labels", json!({"code": "Bad Code!", "name_zh": ""})).await;
    assert_eq!(field_codes(&v), vec![("code".into(), "invalid_format".into()), ("name_zh".into(), "required".into())]);
    let mgr = app.login("zhangjiang").await;
    assert_eq!(app.post(&mgr, "/api/labels", json!({"code": "mine", "name_zh": "我的"})).await.0, StatusCode::FORBIDDEN);
    let zj = station(app, &mgr, "张江科学城服务直通站").await;
    let e = create(
        app,
        &mgr,
        json!({"uscc": "91310115MA1FL8XB99", "name": "自定义标签测试有限公司", "station_id": zj, "size": "below", "stage": "growth"}),
    )
    .await;
    let (s, _) = app
        .post(
            &mgr,
            &format!("/api/enterprises/{}/labels", e["id"].as_str().unwrap()),
            json!({"label": "pudong_key", "valid_from": "2026-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = app.get(&mgr, "/api/enterprises?label=pudong_key").await;
    assert_eq!(v["total"], 1);
});
