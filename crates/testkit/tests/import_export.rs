//! Roster import (as a background job) and export, on SQLite and PostgreSQL.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use zt_testkit::{TestApp, both};

async fn upload(app: &TestApp, c: &reqwest::Client, name: &str, bytes: Vec<u8>, mode: &str) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    zt_testkit::body(c.post(app.url(&format!("/api/enterprises/import?mode={mode}"))).multipart(form).send().await.unwrap()).await
}

async fn wait(app: &TestApp, c: &reqwest::Client, job: &str) -> Value {
    for _ in 0..200 {
        let (s, v) = app.get(c, &format!("/api/jobs/{job}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if v["status"] == "done" || v["status"] == "failed" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("job {job} did not finish");
}

const HEADER: &str =
    "统一社会信用代码*,企业名称*,所属站点*,规模（规上/规下）*,发展阶段（初创/成长/成熟）*,法定代表人电话,联络员,联络员电话";

fn roster() -> String {
    [
        HEADER,
        "91350100M000100Y43,导入测试科技有限公司,张江科学城服务直通站,规上,成长,13912345678,钱多多,13700001111",
        "91350100M000100Y44,校验位错误有限公司,张江科学城服务直通站,规下,初创,,,",
        "91310115MA1FL8XB99,站点错误有限公司,不存在的站,规下,成熟,9.13501E+17,,",
    ]
    .join("\r\n")
}

async fn count(app: &TestApp, c: &reqwest::Client, q: &str) -> i64 {
    app.get(c, &format!("/api/enterprises?q={q}")).await.1["total"].as_i64().unwrap()
}

both!(dry_run_reports_every_bad_row_and_writes_nothing, |app| {
    let mgr = app.login("zhangjiang").await;
    let text = roster();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (s, v) = upload(app, &mgr, "名录.csv", gbk.into_owned(), "dry_run").await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    let r = &job["result"];
    assert_eq!(
        (r["rows"].as_i64(), r["valid"].as_i64(), r["invalid"].as_i64(), r["written"].as_i64()),
        (Some(3), Some(1), Some(2), Some(0)),
        "{job}"
    );
    let errs: Vec<(i64, String, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect();
    assert!(errs.contains(&(3, "统一社会信用代码*".into(), "uscc.check_char".into())), "{errs:?}");
    assert!(errs.contains(&(4, "所属站点*".into(), "ref.not_found".into())), "{errs:?}");
    assert!(errs.contains(&(4, "法定代表人电话".into(), "excel.mangled_number".into())), "{errs:?}");
    assert!(r["errors"][0]["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    assert_eq!(count(app, &mgr, "91350100M0").await, 0, "a dry run writes nothing");
    // the error report
    let rep = mgr.get(app.url(&format!("/api/jobs/{}/errors.xlsx", job["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(rep.status(), StatusCode::OK);
    assert!(rep.bytes().await.unwrap().starts_with(b"PK"));
    // someone else's job is not found
    let zw = app.login("zhangwei").await;
    assert_eq!(app.get(&zw, &format!("/api/jobs/{}", job["id"].as_str().unwrap())).await.0, StatusCode::NOT_FOUND);
});

both!(all_or_nothing_writes_none_and_valid_only_writes_the_good_rows, |app| {
    let mgr = app.login("zhangjiang").await;
    let (_, v) = upload(app, &mgr, "roster.csv", roster().into_bytes(), "all_or_nothing").await;
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    assert_eq!(job["result"]["written"], 0, "{job}");
    assert_eq!(count(app, &mgr, "91350100M0").await, 0);
    let (_, v) = upload(app, &mgr, "roster.csv", roster().into_bytes(), "valid_only").await;
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    assert_eq!((job["result"]["written"].as_i64(), job["result"]["created"].as_i64()), (Some(1), Some(1)), "{job}");
    let (_, list) = app.get(&mgr, "/api/enterprises?q=91350100M0").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let (_, contacts) = app.get(&mgr, &format!("/api/enterprises/{id}/contacts")).await;
    assert_eq!(contacts[0]["name"], "钱多多");
    assert_eq!(contacts[0]["phone"], "137****1111");
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline?kind=import")).await;
    assert_eq!(tl["total"], 1);
    let (_, before) = app.get(&mgr, &format!("/api/enterprises/{id}")).await;
    // the same file again changes nothing: not written, no timeline entry, the same version
    // (the legal representative's phone is sealed anew each time, and still counts as the same)
    let (_, v) = upload(app, &mgr, "roster.csv", roster().into_bytes(), "valid_only").await;
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    let r = &job["result"];
    assert_eq!(
        (r["unchanged"].as_i64(), r["updated"].as_i64(), r["created"].as_i64(), r["written"].as_i64()),
        (Some(1), Some(0), Some(0), Some(0)),
        "{job}"
    );
    let (_, tl) = app.get(&mgr, &format!("/api/enterprises/{id}/timeline?kind=import")).await;
    assert_eq!(tl["total"], 1);
    let (_, after) = app.get(&mgr, &format!("/api/enterprises/{id}")).await;
    assert_eq!(after["version"], before["version"]);
    let (_, contacts) = app.get(&mgr, &format!("/api/enterprises/{id}/contacts")).await;
    assert_eq!(contacts.as_array().unwrap().len(), 1, "{contacts}");
    // the same code again updates instead of duplicating, and keeps the old name
    let again = format!("{HEADER}\n91350100M000100Y43,导入测试（更名）科技有限公司,张江科学城服务直通站,规上,成熟,,,");
    let (_, v) = upload(app, &mgr, "again.csv", again.into_bytes(), "valid_only").await;
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    assert_eq!((job["result"]["updated"].as_i64(), job["result"]["created"].as_i64()), (Some(1), Some(0)), "{job}");
    let (_, e) = app.get(&mgr, &format!("/api/enterprises/{id}")).await;
    assert_eq!(e["stage"], "mature");
    // the new name is searchable at once
    let (_, found) = app.get(&mgr, &format!("/api/enterprises?q={}", "更名")).await;
    assert_eq!(found["items"][0]["id"].as_str(), Some(id.as_str()), "{found}");
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=enterprise.import").await;
    assert!(rows["total"].as_i64().unwrap() >= 3, "{rows}");
});

both!(bad_files_are_refused_at_once, |app| {
    let mgr = app.login("zhangjiang").await;
    let (s, v) =
        upload(app, &mgr, "x.csv", "统一社会信用代码,企业名称,所属站点,规模,发展阶段,备注,颜色\n".as_bytes().to_vec(), "dry_run").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("import.unknown_columns")));
    assert!(v["message"].as_str().unwrap().contains("备注、颜色"), "{v}");
    let (_, v) = upload(app, &mgr, "x.csv", "企业名称\n张三\n".as_bytes().to_vec(), "dry_run").await;
    assert_eq!(v["code"], "import.missing_columns");
    let big = vec![b'a'; 10 * 1024 * 1024 + 10];
    let (s, v) = upload(app, &mgr, "big.csv", big, "dry_run").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file.too_large")), "{v}");
    let (_, v) = upload(app, &mgr, "x.pdf", b"%PDF-1.4".to_vec(), "dry_run").await;
    assert_eq!(v["code"], "file.format");
    let (s, v) = upload(app, &mgr, "x.csv", roster().into_bytes(), "everything").await;
    assert_eq!((s, v["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("mode")));
    let zw = app.login("ipdept").await;
    assert_eq!(upload(app, &zw, "x.csv", roster().into_bytes(), "dry_run").await.0, StatusCode::FORBIDDEN);
});

both!(the_template_imports_as_xlsx, |app| {
    let mgr = app.login("zhangjiang").await;
    let t = mgr.get(app.url("/api/enterprises/import/template")).send().await.unwrap();
    assert_eq!(t.status(), StatusCode::OK);
    let bytes = t.bytes().await.unwrap().to_vec();
    let (s, v) = upload(app, &mgr, "模板.xlsx", bytes, "valid_only").await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = wait(app, &mgr, v["job_id"].as_str().unwrap()).await;
    assert_eq!(job["result"]["created"], 1, "{job}");
    let (_, e) = app.get(&mgr, "/api/enterprises/by-uscc/91350100M000100Y43").await;
    assert_eq!(e["registered_on"], "2020-05-18");
    assert_eq!(e["upgrade_potential"], true);
});

both!(exports_are_masked_formula_safe_and_audited, |app| {
    let mgr = app.login("zhangjiang").await;
    let zj = app.id_by_name(&mgr, "stations", "张江科学城服务直通站").await;
    let (s, _) = app.post(&mgr, "/api/enterprises", serde_json::json!({"uscc": "91350100M000100Y43", "name": "=HYPERLINK(\"http://x\")公司", "station_id": zj, "size": "below", "stage": "growth", "legal_rep_phone": "13812345678"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let r = mgr.get(app.url("/api/enterprises/export?format=csv&q=91350100M0")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text.starts_with('\u{FEFF}'), "BOM for Excel");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")公司\""), "{text}");
    assert!(text.contains("138****5678") && !text.contains("13812345678"), "{text}");
    let r = mgr.get(app.url("/api/enterprises/export")).send().await.unwrap();
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=enterprise.export").await;
    assert_eq!(rows["total"], 2);
    let first = &rows["items"][1];
    assert_eq!(first["detail"]["rows"], 1);
    assert_eq!(first["detail"]["filter"]["q"], "91350100M0");
    // a specialist has no export permission
    let zw = app.login("zhangwei").await;
    assert_eq!(zw.get(app.url("/api/enterprises/export")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
});
