//! The working-day calendar, the service catalog and one-door requests over HTTP, on SQLite and
//! PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zt_testkit::{TestApp, both, field_codes};

/// A published demo item of a process type, with its slip.
async fn item(app: &TestApp, c: &reqwest::Client, process: &str) -> Value {
    let (s, v) = app.get(c, &format!("/api/catalog/items?process_type={process}&status=published")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["items"][0]["id"].as_str().unwrap_or_else(|| panic!("no {process} item: {v}")).to_string();
    app.get(c, &format!("/api/catalog/items/{id}")).await.1
}

/// A Zhangjiang enterprise's USCC.
async fn zj_uscc(app: &TestApp, c: &reqwest::Client) -> String {
    let (_, v) = app.get(c, "/api/enterprises?page_size=1").await;
    v["items"][0]["uscc"].as_str().unwrap().to_string()
}

fn required_keys(item: &Value) -> Vec<String> {
    item["slip"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["required"] == true)
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect()
}

async fn intake(app: &TestApp, c: &reqwest::Client, item: &Value, uscc: &str) -> Value {
    let (s, v) = app
        .post(
            c,
            "/api/requests",
            json!({"item_id": item["id"], "slip_version": item["slip"]["version"], "uscc": uscc, "applicant_name": "王小二", "applicant_phone": "13912345678", "window_no": "2"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], "received");
    v
}

async fn step(app: &TestApp, c: &reqwest::Client, r: &Value, action: &str, mut body: Value) -> Value {
    body["version"] = r["version"].clone();
    let (s, v) = app.post(c, &format!("/api/requests/{}/{action}", r["id"].as_str().unwrap()), body).await;
    assert_eq!(s, StatusCode::OK, "{action}: {v}");
    v
}

both!(calendar_counts_golden_week_and_flags_missing_years, |app| {
    let c = app.login("zhangwei").await;
    let (s, v) = app.get(&c, "/api/calendar/add-working-days?from=2024-09-30&days=1").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["date"], "2024-10-08");
    assert_eq!(v["missing_years"], json!([]));
    // a make-up Saturday counts
    assert_eq!(app.get(&c, "/api/calendar/add-working-days?from=2024-10-11&days=1").await.1["date"], "2024-10-12");
    // (09-30, 10-12]: Tuesday 10-08 to Friday 10-11 and the make-up Saturday
    assert_eq!(app.get(&c, "/api/calendar/working-days?from=2024-09-30&to=2024-10-12").await.1["working_days"], 5);
    // beyond the shipped data: weekends only, and said so
    let (_, v) = app.get(&c, "/api/calendar/add-working-days?from=2026-12-28&days=5").await;
    assert_eq!(v["date"], "2027-01-04");
    assert_eq!(v["missing_years"], json!([2027]));
    let (_, v) = app.get(&c, "/api/calendar/deadline?from=2024-09-28&limit=5&unit=natural_days").await;
    assert_eq!(v["date"], "2024-10-08");
    // bad input names the field
    let (s, v) = app.get(&c, "/api/calendar/deadline?from=2024-13-01&limit=0&unit=hours").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["from", "limit", "unit"]);
    // the shipped years cite their notices
    let (_, years) = app.get(&c, "/api/calendar/years").await;
    let y2026 = years.as_array().unwrap().iter().find(|y| y["year"] == 2026).unwrap().clone();
    assert!(y2026["document_no"].as_str().unwrap().starts_with("国办发明电"));
    assert_eq!(y2026["source"], "builtin");
    // only the administrator declares a year; the station manager adds a closure for its station
    let (s, _) = app.post(&c, "/api/calendar/years", json!({"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.login("sysadmin").await;
    let (s, v) = app
        .post(
            &admin,
            "/api/calendar/years",
            json!({"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知", "document_no": "国办发明电〔2026〕1号"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app.post(&admin, "/api/calendar/days", json!({"day": "2027-01-01", "kind": "holiday", "name": "元旦"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = app.get(&c, "/api/calendar/add-working-days?from=2026-12-31&days=1").await;
    assert_eq!(v["date"], "2027-01-04", "{v}");
    assert_eq!(v["missing_years"], json!([]));
    let mgr = app.login("zhangjiang").await;
    let zj = app.id_by_name(&mgr, "stations", "张江科学城服务直通站").await;
    let (s, v) = app
        .post(&mgr, "/api/calendar/days", json!({"day": "2025-03-12", "kind": "closure", "name": "站点搬迁停办", "station_id": zj}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = app.get(&c, &format!("/api/calendar/add-working-days?from=2025-03-11&days=1&station_id={zj}")).await;
    assert_eq!(v["date"], "2025-03-13");
    let (_, v) = app.get(&c, "/api/calendar/add-working-days?from=2025-03-11&days=1").await;
    assert_eq!(v["date"], "2025-03-12");
    // office hours and the near-due warning are the administrator's
    let (s, v) = app.put(&admin, "/api/calendar/settings", json!({"office_hours": "12:00-09:00", "near_due_days": 30})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["office_hours", "near_due_days"]);
    let (s, v) = app.put(&admin, "/api/calendar/settings", json!({"office_hours": "8:30-12:00, 13:00-17:00", "near_due_days": 3})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["office_hours"], "08:30-12:00,13:00-17:00");
    assert_eq!(app.get(&c, "/api/calendar/settings").await.1["near_due_days"], 3);
    let (s, _) = app.put(&c, "/api/calendar/settings", json!({"office_hours": "09:00-17:00", "near_due_days": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, audit) = app.get(&app.login("auditor").await, "/api/audit?action=calendar.").await;
    assert!(audit["total"].as_i64().unwrap() >= 3, "{audit}");
});

both!(every_process_type_walks_from_intake_to_its_end, |app| {
    let zw = app.login("zhangwei").await;
    let uscc = zj_uscc(app, &zw).await;
    let (_, depts) = app.get(&zw, "/api/departments").await;
    let std_dept = depts["items"].as_array().unwrap().iter().find(|d| d["name"] == "标准化科").unwrap()["id"].clone();
    for process in ["on_spot", "window_backoffice_complete", "window_backoffice_window", "window_division"] {
        let it = item(app, &zw, process).await;
        let r = intake(app, &zw, &it, &uscc).await;
        let r = step(app, &zw, &r, "accept", json!({"checked": required_keys(&it)})).await;
        assert!(r["deadline"].is_string(), "{r}");
        if process == "on_spot" {
            assert_eq!(r["state"], "delivered");
            continue;
        }
        assert_eq!((r["state"].as_str(), r["stage"].as_str()), (Some("in_progress"), Some("window")));
        let body = if process == "window_division" {
            json!({"department_id": std_dept, "note": "请核查"})
        } else {
            json!({"note": "转后台"})
        };
        let r = step(app, &zw, &r, "route", body).await;
        assert_eq!(r["stage"], if process == "window_division" { "division" } else { "backoffice" });
        // a division's request is in that department's queue, and its handler completes it
        let handler = if process == "window_division" { app.login("biaozhun").await } else { zw.clone() };
        if process == "window_division" {
            let (_, q) = app.get(&handler, "/api/requests?state=open&page_size=100").await;
            assert!(q["items"].as_array().unwrap().iter().any(|x| x["id"] == r["id"]), "{q}");
            let (s, _) = app.get(&app.login("zhiliang").await, &format!("/api/requests/{}", r["id"].as_str().unwrap())).await;
            assert_eq!(s, StatusCode::NOT_FOUND);
        }
        let r = step(app, &handler, &r, "complete", json!({"result": "准予办理"})).await;
        assert_eq!(r["state"], "completed");
        if process == "window_backoffice_complete" {
            assert_eq!(r["stage"], "backoffice");
            let (s, _) = app
                .post(
                    &zw,
                    &format!("/api/requests/{}/deliver", r["id"].as_str().unwrap()),
                    json!({"delivered_to": "x", "version": r["version"]}),
                )
                .await;
            assert_eq!(s, StatusCode::CONFLICT);
            continue;
        }
        assert_eq!(r["stage"], "delivery");
        let r = step(app, &zw, &r, "deliver", json!({"delivered_to": "王小二", "method": "window"})).await;
        assert_eq!(r["state"], "delivered");
        let (_, d) = app.get(&zw, &format!("/api/requests/{}", r["id"].as_str().unwrap())).await;
        let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["intake", "accept", "route", "complete", "deliver"]);
        let stages: Vec<&str> = d["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
        assert_eq!(stages.first(), Some(&"window"));
        assert!(stages.contains(&(if process == "window_division" { "division" } else { "backoffice" })), "{stages:?}");
    }
    // back office direct: a department handler takes it in and completes it
    let ipd = app.login("ipdept").await;
    let it = item(app, &ipd, "backoffice_direct").await;
    let r = intake(app, &ipd, &it, &uscc).await;
    assert_eq!(r["stage"], "backoffice");
    let r = step(app, &ipd, &r, "accept", json!({"checked": required_keys(&it)})).await;
    let r = step(app, &ipd, &r, "complete", json!({"result": "诊断报告已出具"})).await;
    assert_eq!(r["state"], "completed");
    // every step is on the enterprise's timeline
    let (_, e) = app.get(&zw, &format!("/api/enterprises/by-uscc/{uscc}")).await;
    let (_, tl) = app.get(&zw, &format!("/api/enterprises/{}/timeline?kind=request&page_size=100", e["id"].as_str().unwrap())).await;
    assert!(tl["total"].as_i64().unwrap() >= 15, "{tl}");
    // and in the figures
    let (_, f) = app.get(&app.login("leader").await, "/api/requests/figures?by=item").await;
    assert!(f["totals"]["completed"].as_i64().unwrap() >= 5, "{f}");
});

both!(refusal_is_kept_and_printable, |app| {
    let zw = app.login("zhangwei").await;
    let uscc = zj_uscc(app, &zw).await;
    let it = item(app, &zw, "window_backoffice_window").await;
    let r = intake(app, &zw, &it, &uscc).await;
    let id = r["id"].as_str().unwrap().to_string();
    // accepting with a required entry unticked names it
    let (s, v) = app.post(&zw, &format!("/api/requests/{id}/accept"), json!({"checked": [], "version": r["version"]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("checked".into(), "request.unticked".into())]);
    // a refusal must cite entries and a reason
    let (s, v) = app.post(&zw, &format!("/api/requests/{id}/refuse"), json!({"version": r["version"]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["reason", "unchecked"]);
    let r = step(app, &zw, &r, "refuse", json!({"unchecked": ["e4"], "reason": "缺少产品检验报告"})).await;
    assert_eq!(r["state"], "refused");
    let res = zw.get(app.url(&format!("/api/requests/{id}/refusal-notice"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("不予受理告知书")
            && html.contains("缺少产品检验报告")
            && html.contains("产品检验报告")
            && html.contains(r["number"].as_str().unwrap())
    );
    // refused is final
    let (s, v) =
        app.post(&zw, &format!("/api/requests/{id}/accept"), json!({"checked": required_keys(&it), "version": r["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "request.transition");
    let (_, list) = app.get(&zw, "/api/requests?state=refused").await;
    assert!(list["items"].as_array().unwrap().iter().any(|x| x["id"] == id.as_str()));
});

both!(paused_clock_moves_the_deadline, |app| {
    let zw = app.login("zhangwei").await;
    let uscc = zj_uscc(app, &zw).await;
    let it = item(app, &zw, "window_division").await;
    let r = intake(app, &zw, &it, &uscc).await;
    let r = step(app, &zw, &r, "accept", json!({"checked": required_keys(&it)})).await;
    let deadline = r["deadline"].as_str().unwrap().to_string();
    let r = step(app, &zw, &r, "suspend", json!({"reason": "等待专家意见"})).await;
    assert_eq!(r["state"], "suspended");
    assert_eq!(r["paused"], true);
    let (s, _) = app
        .post(&zw, &format!("/api/requests/{}/complete", r["id"].as_str().unwrap()), json!({"result": "x", "version": r["version"]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // a week later (five working days at least)
    app.clock.advance_secs(7 * 86_400);
    let zw = app.login("zhangwei").await;
    let r = step(app, &zw, &r, "resume", json!({})).await;
    assert_eq!(r["state"], "in_progress");
    let paused = r["paused_days"].as_i64().unwrap();
    assert!(paused >= 3, "{r}");
    let (_, v) = app.get(&zw, &format!("/api/calendar/add-working-days?from={deadline}&days={paused}")).await;
    assert_eq!(r["deadline"], v["date"], "{r}");
});

both!(concurrent_steps_conflict_and_slips_are_versioned, |app| {
    let zw = app.login("zhangwei").await;
    let ln = app.login("lina").await;
    let mgr = app.login("zhangjiang").await;
    let uscc = zj_uscc(app, &zw).await;
    let it = item(app, &zw, "window_backoffice_window").await;
    let r = intake(app, &zw, &it, &uscc).await;
    let id = r["id"].as_str().unwrap().to_string();
    let _ = step(app, &zw, &r, "accept", json!({"checked": required_keys(&it)})).await;
    // the second officer still holds version 1
    let (s, v) =
        app.post(&ln, &format!("/api/requests/{id}/refuse"), json!({"unchecked": ["e1"], "reason": "x", "version": r["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "conflict.version");
    // a bureau-wide item is managed by the bureau, not the station
    let (s, _) = app
        .put(
            &mgr,
            &format!("/api/catalog/items/{}/slip", it["id"].as_str().unwrap()),
            json!({"entries": [{"kind": "material", "text": "x"}], "version": it["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let leader = app.login("leader").await;
    let (s, v) = app
        .put(
            &leader,
            &format!("/api/catalog/items/{}/slip", it["id"].as_str().unwrap()),
            json!({"entries": [{"kind": "material", "text": "生产许可证申请书"}, {"kind": "paper", "text": ""}], "version": it["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["slip[1].kind", "slip[1].text"]);
    let (s, v) = app
        .put(&leader, &format!("/api/catalog/items/{}/slip", it["id"].as_str().unwrap()), json!({"entries": [{"kind": "material", "text": "生产许可证申请书"}, {"kind": "material", "text": "营业执照复印件"}], "version": it["version"]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["slip"]["version"], it["slip"]["version"].as_i64().unwrap() + 1);
    // a form opened on the old slip is told so
    let (s, v) = app
        .post(
            &zw,
            "/api/requests",
            json!({"item_id": it["id"], "slip_version": it["slip"]["version"], "uscc": uscc, "applicant_name": "王小二"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "request.slip_changed");
    // the accepted request keeps the version it was checked against
    let (_, d) = app.get(&zw, &format!("/api/requests/{id}")).await;
    assert_eq!(d["slip"]["version"], it["slip"]["version"]);
    assert_eq!(d["slip"]["entries"].as_array().unwrap().len(), it["slip"]["entries"].as_array().unwrap().len());
    // categories: the four of seed 001, plus the bureau's own
    let (s, v) = app.post(&leader, "/api/catalog/categories", json!({"code": "ip", "name_zh": "知识产权"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&v), vec![("code".into(), "conflict.duplicate".into())]);
    let (s, v) = app.post(&leader, "/api/catalog/categories", json!({"code": "metrology", "name_zh": "计量服务"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, cats) = app.get(&zw, "/api/catalog/categories").await;
    let names: Vec<&str> = cats.as_array().unwrap().iter().map(|c| c["name_zh"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["知识产权保护与运用", "质量提升", "标准化", "产品质量认证", "计量服务"]);
    // bad catalog input: every field named
    let (s, v) = app.post(&leader, "/api/catalog/items", json!({"name": "", "category_code": "nope", "process_type": "fast", "limit_value": 0, "limit_unit": "hours", "fee_kind": "paid", "slip": []})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    for f in ["name", "category_code", "process_type", "limit_value", "limit_unit", "fee_yuan", "slip"] {
        assert!(fields.contains(&f.to_string()), "{f} missing in {fields:?}");
    }
});

both!(extensions_need_another_approver_and_scope_holds, |app| {
    let zw = app.login("zhangwei").await;
    let uscc = zj_uscc(app, &zw).await;
    let it = item(app, &zw, "window_backoffice_window").await;
    let r = intake(app, &zw, &it, &uscc).await;
    let r = step(app, &zw, &r, "accept", json!({"checked": required_keys(&it)})).await;
    let id = r["id"].as_str().unwrap().to_string();
    let (s, x) = app
        .post(&zw, &format!("/api/requests/{id}/extensions"), json!({"days": 5, "reason": "需组织实地核查", "version": r["version"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{x}");
    let eid = x["id"].as_str().unwrap();
    let (s, _) = app.post(&zw, &format!("/api/requests/{id}/extensions/{eid}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mgr = app.login("zhangjiang").await;
    let (s, v) = app.post(&mgr, &format!("/api/requests/{id}/extensions/{eid}/approve"), json!({"note": "同意"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["extended_days"], 5);
    let (_, expect) = app.get(&zw, &format!("/api/calendar/add-working-days?from={}&days=5", r["deadline"].as_str().unwrap())).await;
    assert_eq!(v["deadline"], expect["date"]);
    let (s, _) = app.post(&mgr, &format!("/api/requests/{id}/extensions/{eid}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // another station's request is not there at all
    let jq = app.login("jinqiao").await;
    let (s, _) = app.get(&jq, &format!("/api/requests/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.post(&jq, &format!("/api/requests/{id}/suspend"), json!({"reason": "x", "version": v["version"]})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // the queue: open requests first by deadline, with warnings; the demo has overdue ones
    let (_, q) = app.get(&zw, "/api/requests?state=open&page_size=100").await;
    let deadlines: Vec<&str> = q["items"].as_array().unwrap().iter().filter_map(|x| x["deadline"].as_str()).collect();
    let mut sorted = deadlines.clone();
    sorted.sort();
    assert_eq!(deadlines, sorted);
    let (_, near) = app.get(&zw, "/api/requests?warning=near_due&page_size=100").await;
    assert!(near["items"].as_array().unwrap().iter().all(|x| x["warning"] == "near_due"), "{near}");
    assert_eq!(near["total"].as_u64().unwrap() as usize, near["items"].as_array().unwrap().len());
    let (_, over) = app.get(&zw, "/api/requests?warning=overdue").await;
    assert!(over["items"].as_array().unwrap().iter().all(|x| x["warning"] == "overdue"));
    assert!(over["total"].as_i64().unwrap() >= 1, "{over}");
});
