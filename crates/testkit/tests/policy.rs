//! The policy library over HTTP, on SQLite and PostgreSQL: rules checked with the path of the
//! bad node, versioned; an enterprise explained against a rule; a policy's matches, near misses
//! and export; stored runs whose changes reach the enterprise timeline.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zt_testkit::{TestApp, both, field_codes};

fn last_year() -> i64 {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()).date().year() as i64 - 1
}

/// A Zhangjiang enterprise with one granted invention patent and last year's revenue of 80 万元
/// and R&D of 6 万元 (7.5 %).
async fn known_enterprise(app: &TestApp, c: &reqwest::Client) -> String {
    let zj = app.id_by_name(c, "stations", "张江科学城服务直通站").await;
    let (s, e) = app
        .post(
            c,
            "/api/enterprises",
            json!({"uscc": "91310115MA1FL8XB99", "name": "政策匹配测试有限公司", "station_id": zj, "size": "below", "stage": "growth",
                   "industry_code": "I6510", "registered_on": "2019-03-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_string();
    let (s, v) =
        app.put(c, &format!("/api/enterprises/{id}/figures/{}", last_year()), json!({"revenue": 800_000, "rd_spend": 60_000})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app
        .post(c, &format!("/api/enterprises/{id}/ip-assets"), json!({"kind": "invention", "title": "一种检测装置", "status": "granted"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id
}

const RULE: &str = r#"{"all": [
    {"id": "patents", "field": "invention_patents", "op": ">=", "param": "min_patents"},
    {"id": "revenue", "field": "revenue_last_year", "op": ">=", "value": 100},
    {"id": "industry", "field": "industry", "op": "in", "value": ["I", "M"]},
    {"id": "age", "field": "founded_on", "op": "years_ago>=", "value": 3}
]}"#;

fn rule() -> Value {
    serde_json::from_str(RULE).unwrap()
}

both!(rules_are_checked_versioned_and_explained, |app| {
    let mgr = app.login("zhangjiang").await;
    let eid = known_enterprise(&app, &mgr).await;

    // the builder's palette
    let (s, fields) = app.get(&mgr, "/api/policies/fields").await;
    assert_eq!(s, StatusCode::OK, "{fields}");
    let patents = fields.as_array().unwrap().iter().find(|f| f["name"] == "invention_patents").unwrap().clone();
    assert_eq!(patents["type"], "int");
    assert!(patents["ops"].as_array().unwrap().iter().any(|o| o == ">="));
    let labels = fields.as_array().unwrap().iter().find(|f| f["name"] == "labels").unwrap().clone();
    assert!(labels["values"].as_array().unwrap().iter().any(|v| v["value"] == "high_tech" && v["label_zh"] == "高新技术企业"));

    // a policy: bad fields named, then made
    let (s, v) = app.post(&mgr, "/api/policies", json!({"title": "", "level": "galactic"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields_bad: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields_bad, vec!["title", "level"]);
    let (s, p) = app
        .post(&mgr, "/api/policies", json!({"title": "软件企业成长奖励", "level": "district", "issuer": "浦东新区科经委", "document_no": "浦科经委〔2026〕1号", "tags": ["软件"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_string();
    // no criteria yet: cannot be published
    let (s, v) = app.post(&mgr, &format!("/api/policies/{pid}/publish"), json!({"version": p["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "policy.no_rule");

    // a bad rule is refused with the path of each bad node
    let bad = json!({"all": [
        {"id": "a", "field": "invention_patents", "op": ">=", "value": 1},
        {"id": "b", "field": "no_such_field", "op": ">=", "value": 1},
        {"any": [{"id": "c", "field": "labels", "op": ">=", "value": 1}]}
    ]});
    let (s, v) = app.put(&mgr, &format!("/api/policies/{pid}/rule"), json!({"rule": bad, "version": p["version"]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&v),
        vec![
            ("rule.all[1]".to_string(), "rule.field_unknown".to_string()),
            ("rule.all[2].any[0]".to_string(), "rule.op_invalid".to_string())
        ]
    );
    assert!(v["fields"][0]["message"].as_str().unwrap().contains("no_such_field"), "{v}");

    // saved with a dated parameter: one patent is enough from 2024 on
    let params = json!({"min_patents": {"2020-01-01": 2, "2024-01-01": 1}});
    let (s, p) =
        app.put(&mgr, &format!("/api/policies/{pid}/rule"), json!({"rule": rule(), "parameters": params, "version": p["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["rule_version"], 1);

    // tried on the enterprise before publishing: explained condition by condition
    let (s, v) = app.post(&mgr, "/api/policies/preview", json!({"rule": rule(), "parameters": params, "enterprise_id": eid})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let n = v["enterprises"].as_u64().unwrap();
    assert!(n > 10);
    assert_eq!(n, ["eligible", "not_eligible", "undetermined"].iter().map(|k| v[k].as_u64().unwrap()).sum::<u64>());
    assert_eq!(v["conditions"].as_array().unwrap().len(), 4);
    let e = &v["enterprise"];
    assert_eq!(e["verdict"], "not_eligible");
    assert_eq!(e["near_miss"], true, "{e}");
    let conds = e["conditions"].as_array().unwrap();
    assert_eq!(conds[0]["outcome"], "pass");
    assert_eq!(conds[0]["text"], "有效发明专利 1 件，要求 ≥ 1 件");
    assert_eq!(conds[1]["outcome"], "fail");
    assert_eq!(conds[1]["text"], "上年营业收入 80 万元，要求 ≥ 100 万元");
    assert_eq!(conds[1]["gap"], "上年营业收入还差 20 万元");
    assert_eq!(
        conds[2]["text"],
        "所属行业门类 信息传输、软件和信息技术服务业，要求 属于 信息传输、软件和信息技术服务业、科学研究和技术服务业"
    );
    // before 2024 two patents were asked for
    let (_, v) = app
        .post(&mgr, "/api/policies/preview", json!({"rule": rule(), "parameters": params, "enterprise_id": eid, "at": "2023-06-30"}))
        .await;
    assert_eq!(v["enterprise"]["conditions"][0]["outcome"], "fail");

    // publish; the enterprise's page lists it, near misses first after the eligible ones
    let (s, p) = app.post(&mgr, &format!("/api/policies/{pid}/publish"), json!({"version": p["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, list) = app.get(&mgr, &format!("/api/enterprises/{eid}/policies")).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let mine = list.as_array().unwrap().iter().find(|x| x["policy_id"] == pid.as_str()).unwrap();
    assert_eq!(mine["result"]["near_miss"], true);
    let ranks: Vec<u8> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| match (x["result"]["verdict"].as_str().unwrap(), x["result"]["near_miss"].as_bool().unwrap()) {
            ("eligible", _) => 0,
            (_, true) => 1,
            ("undetermined", _) => 2,
            _ => 3,
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");

    // the policy's matches: counts, and the near misses with their reasons
    let (s, m) = app.get(&mgr, &format!("/api/policies/{pid}/matches?verdict=near_miss&page_size=200")).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["total"], m["near_miss"]);
    let me = m["items"].as_array().unwrap().iter().find(|x| x["enterprise_id"] == eid.as_str()).expect("listed as a near miss");
    assert!(me["reasons"][0].as_str().unwrap().contains("还差 20 万元"), "{me}");
    let (_, el) = app.get(&mgr, &format!("/api/policies/{pid}/matches?verdict=eligible&page_size=200")).await;
    assert!(el["items"].as_array().unwrap().iter().all(|x| x["verdict"] == "eligible"));
    assert_eq!(el["total"], el["eligible"]);

    // a new version of the criteria keeps the old one
    let looser = json!({"all": [{"id": "patents", "field": "invention_patents", "op": ">=", "value": 1}]});
    let (s, p) = app.put(&mgr, &format!("/api/policies/{pid}/rule"), json!({"rule": looser, "version": p["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["rule_version"], 2);
    assert_eq!(p["versions"].as_array().unwrap().len(), 2);
    let (_, list) = app.get(&mgr, &format!("/api/enterprises/{eid}/policies")).await;
    let mine = list.as_array().unwrap().iter().find(|x| x["policy_id"] == pid.as_str()).unwrap();
    assert_eq!(mine["result"]["verdict"], "eligible");

    // export: a CSV of the eligible, in the audit trail
    let r = mgr.get(app.url(&format!("/api/policies/{pid}/matches/export?verdict=eligible"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}统一社会信用代码,企业名称"));
    assert!(csv.contains("政策匹配测试有限公司"));
    let aud = app.login("auditor").await;
    let (_, rows) = app.get(&aud, "/api/audit?action=policy.export").await;
    assert_eq!(rows["items"].as_array().unwrap().len(), 1, "{rows}");
});

both!(stored_runs_write_changes_to_the_timeline, |app| {
    let leader = app.login("leader").await;
    let (_, policies) = app.get(&leader, "/api/policies?status=published").await;
    assert_eq!(policies["total"], 5, "the demo's policies");
    let (s, first) = app.post(&leader, "/api/policies/run", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert_eq!(first["policies"], 5);
    assert!(first["changed"].as_u64().unwrap() > 0, "{first}");
    // nothing changed since: nothing new on any timeline
    let (_, again) = app.post(&leader, "/api/policies/run", json!({})).await;
    assert_eq!(again["changed"], 0, "{again}");
    // the specialist cannot run or edit; a department handler reads
    let spec = app.login("zhangwei").await;
    assert_eq!(app.post(&spec, "/api/policies/run", json!({})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.post(&spec, "/api/policies", json!({"title": "x"})).await.0, StatusCode::FORBIDDEN);
    // an enterprise found eligible has it on its timeline
    let pid = policies["items"][0]["id"].as_str().unwrap();
    let (_, m) = app.get(&leader, &format!("/api/policies/{pid}/matches?verdict=eligible&page_size=1")).await;
    if let Some(e) = m["items"][0]["enterprise_id"].as_str() {
        let (_, tl) = app.get(&leader, &format!("/api/enterprises/{e}/timeline")).await;
        assert!(tl.to_string().contains("政策匹配"), "{tl}");
    }
    // an enterprise user has no policy library, but sees its own enterprise explained
    let portal = app.login("qiye").await;
    assert_eq!(app.get(&portal, "/api/policies").await.0, StatusCode::FORBIDDEN);
    let (s, own) = app.get(&portal, "/api/portal/policies").await;
    assert_eq!(s, StatusCode::OK, "{own}");
    assert_eq!(own.as_array().unwrap().len(), 5);
    assert!(own[0]["result"]["conditions"][0]["text"].as_str().unwrap().contains("要求"), "{own}");
});

both!(the_nightly_run_matches_every_policy_without_anyone, |app| {
    let leader = app.login("leader").await;
    // an enterprise the first policy with eligible enterprises finds eligible
    let (_, policies) = app.get(&leader, "/api/policies?status=published").await;
    let mut found = None;
    for p in policies["items"].as_array().unwrap() {
        let (_, m) = app.get(&leader, &format!("/api/policies/{}/matches?verdict=eligible&page_size=1", p["id"].as_str().unwrap())).await;
        if let Some(e) = m["items"][0]["enterprise_id"].as_str() {
            found = Some((e.to_string(), p["title"].as_str().unwrap().to_string()));
            break;
        }
    }
    let (eid, title) = found.expect("the demo has an eligible enterprise");
    let (_, tl) = app.get(&leader, &format!("/api/enterprises/{eid}/timeline")).await;
    assert!(!tl.to_string().contains("政策匹配"), "not before the night");
    // past two in the morning, the worker runs the queued job on its own
    app.clock.advance_secs(26 * 3600);
    // (a day later the session has ended)
    let leader = app.login("leader").await;
    let mut seen = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, tl) = app.get(&leader, &format!("/api/enterprises/{eid}/timeline")).await;
        let text = tl.to_string();
        if text.contains(&format!("政策匹配：{title}")) {
            assert!(text.contains("系统"), "{tl}");
            seen = true;
            break;
        }
    }
    assert!(seen, "the nightly run wrote the match to the timeline");
});

both!(a_push_reaches_each_matching_enterprise_once, |app| {
    let leader = app.login("leader").await;
    // a published policy the portal's enterprise qualifies for: anything with a granted patent
    let (_, p) = app.post(&leader, "/api/policies", json!({"title": "企业服务专递测试政策", "level": "district"})).await;
    let pid = p["id"].as_str().unwrap().to_string();
    let rule = json!({"all": [{"id": "any", "field": "founded_on", "op": "exists"}]});
    let (_, p) = app.put(&leader, &format!("/api/policies/{pid}/rule"), json!({"rule": rule, "version": p["version"]})).await;
    // a draft cannot be pushed
    let (s, v) = app.post(&leader, &format!("/api/policies/{pid}/push"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, p) = app.post(&leader, &format!("/api/policies/{pid}/publish"), json!({"version": p["version"]})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (_, m) = app.get(&leader, &format!("/api/policies/{pid}/matches?verdict=eligible&page_size=1")).await;
    let eligible = m["eligible"].as_u64().unwrap();
    assert!(eligible > 0);

    // e-mail and webhook go to the enterprises' contacts, besides the portal inbox
    let (smtp, hook) = (zt_testkit::sinks::SmtpSink::start().await, zt_testkit::sinks::WebhookSink::start().await);
    app.configure_channels(smtp.port, &hook.url, "push-secret").await;
    let (s, v) = app.post(&leader, &format!("/api/policies/{pid}/push"), json!({"channels": ["sms"]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, push) = app
        .post(
            &leader,
            &format!("/api/policies/{pid}/push"),
            json!({"message": "请有意向的企业联系服务专员。", "channels": ["email", "webhook"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{push}");
    assert_eq!(push["channels"], json!(["inbox", "email", "webhook"]));
    let push_id = push["id"].as_str().unwrap().to_string();
    // the worker sends it
    let mut done = serde_json::Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, list) = app.get(&leader, &format!("/api/policies/{pid}/pushes")).await;
        if list[0]["status"] == "done" {
            done = list[0].clone();
            break;
        }
    }
    assert_eq!(done["sent"].as_u64(), Some(eligible), "{done}");
    let outbox = |v: &serde_json::Value, ch: &str| -> i64 {
        v["outbox"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["channel"] == ch && o["status"] == "sent")
            .map(|o| o["count"].as_i64().unwrap())
            .sum()
    };
    let (emails, hooks) = (outbox(&done, "email"), outbox(&done, "webhook"));
    assert!(emails > 0 && hooks >= emails, "{done}");
    assert_eq!(smtp.mails().len() as i64, emails);
    assert_eq!(hook.hooks().len() as i64, hooks);
    assert!(hook.hooks().iter().all(|h| h.signed_with("push-secret") && h.json()["event"] == "policy_push"));
    // run the job again: nobody gets a second message, on any channel
    app.exec_sql(&format!("UPDATE job SET status = 'queued', attempts = 0 WHERE kind = 'policy.push'")).await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (_, d) = app.get(&leader, &format!("/api/pushes/{push_id}/deliveries")).await;
    assert_eq!(d.as_array().unwrap().len() as u64, eligible);
    let ids: std::collections::HashSet<String> = smtp.mails().iter().map(|m| m.header("message-id").unwrap()).collect();
    assert_eq!((ids.len() as i64, smtp.mails().len() as i64, hook.hooks().len() as i64), (emails, emails, hooks));

    // the portal's enterprise has it once in its inbox, and reading it shows on the delivery
    let portal = app.login("qiye").await;
    let (_, inbox) = app.get(&portal, "/api/portal/inbox").await;
    let mine: Vec<&serde_json::Value> = inbox.as_array().unwrap().iter().filter(|m| m["ref_id"] == pid.as_str()).collect();
    assert_eq!(mine.len(), 1, "{inbox}");
    assert!(mine[0]["body"].as_str().unwrap().contains("请有意向的企业联系服务专员"));
    let mid = mine[0]["id"].as_str().unwrap();
    assert_eq!(app.post(&portal, &format!("/api/portal/inbox/{mid}/read"), json!({})).await.0, StatusCode::NO_CONTENT);
    let (_, d) = app.get(&leader, &format!("/api/pushes/{push_id}/deliveries")).await;
    assert_eq!(d.as_array().unwrap().iter().filter(|x| x["status"] == "read").count(), 1);
    // another enterprise's message is a 404
    let other = app.login("zhangwei").await;
    assert_eq!(app.post(&other, &format!("/api/portal/inbox/{mid}/read"), json!({})).await.0, StatusCode::FORBIDDEN);
});

both!(a_newsletter_issue_reaches_its_list_once_and_stays_in_the_archive, |app| {
    let leader = app.login("leader").await;
    let zj = app.id_by_name(&leader, "stations", "张江科学城服务直通站").await;
    let (_, policies) = app.get(&leader, "/api/policies?status=published&page_size=2").await;
    let p0 = policies["items"][0].clone();
    // bad items are named
    let (s, v) = app.post(&leader, "/api/newsletters", json!({"issue_no": "2026年第12期", "title": "十二月政策", "items": [{"kind": "policy", "title": "x"}, {"kind": "gossip", "title": ""}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["items[0].policy_id", "items[1].kind", "items[1].title"], "{v}");
    let (s, n) = app
        .post(
            &leader,
            "/api/newsletters",
            json!({"issue_no": "2026年第12期", "title": "十二月政策速递", "intro": "本期汇总近期可申报政策。",
                   "items": [{"kind": "policy", "policy_id": p0["id"], "title": p0["title"], "body": "符合条件的企业请于月底前申报。"},
                             {"kind": "news", "title": "张江科学城举办专利运营沙龙", "body": "12 月 10 日下午，欢迎报名。"}],
                   "audience": {"station_id": zj}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let id = n["id"].as_str().unwrap().to_string();
    // the portal's archive holds sent issues only
    let portal = app.login("qiye").await;
    assert_eq!(app.get(&portal, "/api/portal/newsletters").await.1, json!([]));
    let (s, n) = app.post(&leader, &format!("/api/newsletters/{id}/send"), json!({"version": n["version"]})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{n}");
    let mut sent = serde_json::Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let (_, v) = app.get(&leader, &format!("/api/newsletters/{id}")).await;
        if v["status"] == "sent" {
            sent = v;
            break;
        }
    }
    // every Zhangjiang enterprise, and no other
    let (_, zj_list) = app.get(&app.login("zhangjiang").await, "/api/enterprises?page_size=1").await;
    assert_eq!(sent["sent"], zj_list["total"], "{sent}");
    // sent issues cannot be sent again; reruns reach nobody twice
    let (s, _) = app.post(&leader, &format!("/api/newsletters/{id}/send"), json!({"version": sent["version"]})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    app.exec_sql("UPDATE job SET status = 'queued', attempts = 0 WHERE kind = 'newsletter.send'").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (_, again) = app.get(&leader, &format!("/api/newsletters/{id}")).await;
    assert_eq!(again["sent"], sent["sent"]);
    // the enterprise reads it: an open is counted; the archive has it
    let (_, inbox) = app.get(&portal, "/api/portal/inbox").await;
    let msg = inbox.as_array().unwrap().iter().find(|m| m["ref_id"] == id.as_str()).expect("in the inbox").clone();
    assert!(msg["body"].as_str().unwrap().contains("【资讯】张江科学城举办专利运营沙龙"));
    app.post(&portal, &format!("/api/portal/inbox/{}/read", msg["id"].as_str().unwrap()), json!({})).await;
    let (_, v) = app.get(&leader, &format!("/api/newsletters/{id}")).await;
    assert_eq!(v["read"], 1);
    let (_, archive) = app.get(&portal, "/api/portal/newsletters").await;
    assert_eq!(archive[0]["issue_no"], "2026年第12期");
    assert_eq!(archive[0]["items"].as_array().unwrap().len(), 2);
});
