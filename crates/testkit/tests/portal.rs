//! The enterprise portal over HTTP, on SQLite and PostgreSQL: an enterprise submits a request
//! online with its materials, follows it and prints its receipt, and sees nothing of anyone
//! else; staff open and close portal accounts.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use zt_testkit::{TestApp, both, field_codes};

async fn attach(app: &TestApp, c: &reqwest::Client, request: &str, entry: &str, name: &str, data: &[u8]) -> (StatusCode, Value) {
    let form = Form::new().text("entry_key", entry.to_string()).part("file", Part::bytes(data.to_vec()).file_name(name.to_string()));
    zt_testkit::body(c.post(app.url(&format!("/api/requests/{request}/attachments"))).multipart(form).send().await.unwrap()).await
}

both!(an_enterprise_submits_online_and_follows_its_request, |app| {
    let portal = app.login("qiye").await;
    let (s, me) = app.get(&portal, "/api/portal/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    let mine = me["enterprise_id"].as_str().unwrap().to_string();
    assert_eq!(me["station_name"], "张江科学城服务直通站");
    assert_eq!(me["phone"], "13900000020");
    assert_eq!(app.get(&portal, "/api/catalog/categories").await.0, StatusCode::OK);

    // the guide: the published items its station offers
    let (s, items) = app.get(&portal, "/api/portal/items").await;
    assert_eq!(s, StatusCode::OK, "{items}");
    let list = items["items"].as_array().unwrap();
    assert_eq!(list.len(), 6, "{items}");
    assert!(list.iter().all(|i| i["status"] == "published"));
    let id = list.iter().find(|i| i["process_type"] == "window_backoffice_window").unwrap()["id"].as_str().unwrap().to_string();
    let (_, item) = app.get(&portal, &format!("/api/portal/items/{id}")).await;
    let version = item["slip"]["version"].clone();
    assert!(item["slip"]["entries"].as_array().unwrap().len() >= 2);

    // bad input names the fields; a stale slip is a conflict
    let (s, v) = app.post(&portal, "/api/portal/requests", json!({"applicant_phone": "12345"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["item_id", "applicant_phone", "slip_version"], "{v}");
    let (s, v) = app.post(&portal, "/api/portal/requests", json!({"item_id": id, "slip_version": 0})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "request.slip_changed");

    // submitted: waiting for a window officer, filed under its own enterprise and station
    let (s, r) = app.post(&portal, "/api/portal/requests", json!({"item_id": id, "slip_version": version, "note": "请尽快审核"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["channel"], "online");
    assert_eq!(r["state"], "received");
    assert_eq!(r["enterprise_id"], mine.as_str());
    assert_eq!(r["applicant_name"], "李明");
    assert_eq!(r["applicant_phone"], "139****0020");
    let rid = r["id"].as_str().unwrap().to_string();

    // materials: only the accepted formats, only the slip's entries
    let (s, v) = attach(&app, &portal, &rid, "e1", "virus.exe", b"MZ").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field_codes(&v), vec![("file".to_string(), "attachment.type".to_string())]);
    let (s, v) = attach(&app, &portal, &rid, "e99", "营业执照.pdf", b"%PDF-1.4 x").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field_codes(&v), vec![("entry_key".to_string(), "request.entry_unknown".to_string())]);
    let pdf = b"%PDF-1.4 licence of the enterprise".to_vec();
    let (s, a) = attach(&app, &portal, &rid, "e1", "营业执照.pdf", &pdf).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["size"], pdf.len() as i64);
    assert_eq!(a["content_type"], "application/pdf");

    // its list holds its own requests only, the demo's 补正 request among them
    let (s, v) = app.get(&portal, "/api/requests?page_size=100").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let own = v["items"].as_array().unwrap();
    assert!(own.iter().all(|x| x["enterprise_id"] == mine.as_str()), "{v}");
    assert!(own.iter().any(|x| x["id"] == rid.as_str()));
    assert!(own.iter().any(|x| x["state"] == "awaiting_materials"));

    // the window sees it, checks the slip against the file, and accepts
    let staff = app.login("zhangwei").await;
    let (s, d) = app.get(&staff, &format!("/api/requests/{rid}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["intake_by_name"], "李明");
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1);
    assert!(d["actions"].as_array().unwrap().iter().any(|a| a == "accept"), "{d}");
    let aid = d["attachments"][0]["id"].as_str().unwrap().to_string();
    let got = staff.get(app.url(&format!("/api/requests/{rid}/attachments/{aid}"))).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert!(got.headers()["content-disposition"].to_str().unwrap().contains("UTF-8''%E8%90%A5"));
    assert_eq!(got.bytes().await.unwrap().to_vec(), pdf);
    let keys: Vec<Value> = d["slip"]["entries"].as_array().unwrap().iter().map(|e| e["key"].clone()).collect();
    let (s, v) = app.post(&staff, &format!("/api/requests/{rid}/accept"), json!({"checked": keys, "version": d["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // the enterprise follows it and prints its receipt, but takes no officer's step
    let (_, d) = app.get(&portal, &format!("/api/requests/{rid}")).await;
    assert_eq!(d["state"], "in_progress");
    assert!(d["deadline"].is_string());
    assert_eq!(d["actions"], json!([]));
    let receipt = portal.get(app.url(&format!("/api/requests/{rid}/receipt"))).send().await.unwrap();
    assert_eq!(receipt.status(), StatusCode::OK);
    let text = receipt.text().await.unwrap();
    assert!(text.contains(d["number"].as_str().unwrap()));
    // the officer who accepted it signs the receipt, taken in online rather than at a window
    assert!(text.contains("张江科学城服务直通站（网上受理），经办人 张伟"), "{text}");
    let (s, _) = app.post(&portal, &format!("/api/requests/{rid}/complete"), json!({"result": "准予", "version": d["version"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = attach(&app, &portal, &rid, "e1", "补充.pdf", b"%PDF late").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "request.attachment_closed");

    // another enterprise's request, the archive and the staff catalog are closed to it
    let (_, all) = app.get(&staff, "/api/requests?page_size=100").await;
    let other =
        all["items"].as_array().unwrap().iter().find(|x| x["enterprise_id"] != mine.as_str()).unwrap()["id"].as_str().unwrap().to_string();
    let (s, _) = app.get(&portal, &format!("/api/requests/{other}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = portal.get(app.url(&format!("/api/requests/{other}/receipt"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&portal, "/api/enterprises").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&portal, "/api/catalog/items").await.0, StatusCode::FORBIDDEN);
    // and staff have no portal of their own
    assert_eq!(app.get(&staff, "/api/portal/me").await.0, StatusCode::FORBIDDEN);

    // the download is in the audit trail
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=request.attachment_download").await;
    assert_eq!(rows["items"].as_array().unwrap().len(), 1, "{rows}");
});

both!(staff_open_and_close_portal_accounts, |app| {
    let staff = app.login("zhangjiang").await;
    let (_, list) = app.get(&staff, "/api/enterprises?page_size=3").await;
    let eid = list["items"][2]["id"].as_str().unwrap().to_string();
    let path = format!("/api/enterprises/{eid}/portal-accounts");

    let (s, v) = app.post(&staff, &path, json!({"username": "x", "display_name": "", "phone": "123", "password": "short"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    fields.dedup();
    assert_eq!(fields, vec!["username", "display_name", "phone", "password"], "{v}");
    let (s, v) = app
        .post(&staff, &path, json!({"username": "qiye", "display_name": "赵六", "phone": "13912340000", "password": "Liaison#2026x"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("username".to_string(), "username.taken".to_string())]);

    let (s, a) = app
        .post(&staff, &path, json!({"username": "zhaoliu", "display_name": "赵六", "phone": "13912340000", "password": "Liaison#2026x"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["phone"], "139****0000");
    assert_eq!(a["password_change_required"], true);
    let aid = a["id"].as_str().unwrap().to_string();

    // another station's manager neither sees nor opens accounts for this enterprise
    let other = app.login("jinqiao").await;
    assert_eq!(app.get(&other, &path).await.0, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(&other, &path, json!({"username": "zhaoqi", "display_name": "赵七", "phone": "13912340001", "password": "Liaison#2026x"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // the liaison signs in, changes the initial password, and acts for the enterprise
    let c = app.client();
    let r = c.post(app.url("/api/auth/login")).json(&json!({"username": "zhaoliu", "password": "Liaison#2026x"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get(&c, "/api/portal/me").await.0, StatusCode::FORBIDDEN, "the initial password must be changed first");
    let (s, v) = app.post(&c, "/api/me/password", json!({"current_password": "Liaison#2026x", "new_password": "Liaison@Portal9"})).await;
    assert!(s.is_success(), "{v}");
    let (s, me) = app.get(&c, "/api/portal/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["enterprise_id"], eid.as_str());

    // closed: its session ends and it cannot sign in; the archive's timeline tells the story
    let (s, v) = app.post(&staff, &format!("{path}/{aid}/disable"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "disabled");
    assert_eq!(app.get(&c, "/api/portal/me").await.0, StatusCode::UNAUTHORIZED);
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "zhaoliu", "password": "Liaison@Portal9"}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::OK);
    let (_, accounts) = app.get(&staff, &path).await;
    assert_eq!(accounts.as_array().unwrap().len(), 1);
    assert_eq!(accounts[0]["status"], "disabled");
    let (_, tl) = app.get(&staff, &format!("/api/enterprises/{eid}/timeline")).await;
    let text = tl.to_string();
    assert!(text.contains("开通企业门户账号 赵六") && text.contains("停用企业门户账号 赵六"), "{tl}");
    // a reopened account signs in again
    let (s, _) = app.post(&staff, &format!("{path}/{aid}/enable"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "zhaoliu", "password": "Liaison@Portal9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
});
