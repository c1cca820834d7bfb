//! Alarm-clock reminders: office hours on working days only, exactly once (across repeated
//! cycles, a crash mid-send and two instances), the escalation chain, acknowledgement from the
//! inbox and the portal, e-mail over SMTP and a signed webhook.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use zt_testkit::sinks::{SmtpSink, WebhookSink};
use zt_testkit::{Backend, TestApp, both, field_codes};

const SECRET: &str = "hook-secret-for-tests";

fn at(s: &str) -> jiff::Timestamp {
    s.parse::<jiff::civil::DateTime>().unwrap().to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()).unwrap().timestamp()
}

/// The enterprise of the demo portal account, its station manager signed in.
async fn portal_enterprise(app: &TestApp) -> (String, Client) {
    let portal = app.login("qiye").await;
    let (_, me) = app.get(&portal, "/api/portal/me").await;
    let eid = me["enterprise_id"].as_str().unwrap().to_string();
    (eid, app.login("zhangjiang").await)
}

/// Switches the demo district's own rules off and marks what they sent handled, so that only
/// the test's rule speaks.
async fn quiet_demo_rules(app: &TestApp, manager: &Client) {
    app.exec_sql("UPDATE reminder SET status = 'acknowledged'").await;
    // the demo's rules are the bureau's: a station manager sees them but may not change them
    let (s, rules) = app.get(manager, "/api/reminders/rules").await;
    assert_eq!(s, StatusCode::OK, "{rules}");
    let first = &rules.as_array().unwrap()[0];
    assert_eq!(first["editable"], false);
    let mut body = first.clone();
    for k in ["id", "bureau_id", "station_id", "created_at", "updated_at", "editable"] {
        body.as_object_mut().unwrap().remove(k);
    }
    let (s, v) = app.put(manager, &format!("/api/reminders/rules/{}", first["id"].as_str().unwrap()), body).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("reminder.bureau_rule")));
    let leader = app.login("leader").await;
    let manager = &leader;
    let (s, rules) = app.get(manager, "/api/reminders/rules").await;
    assert_eq!(s, StatusCode::OK, "{rules}");
    for r in rules.as_array().unwrap() {
        let mut body = r.clone();
        for k in ["id", "bureau_id", "station_id", "created_at", "updated_at", "editable"] {
            body.as_object_mut().unwrap().remove(k);
        }
        body["enabled"] = json!(false);
        let (s, v) = app.put(manager, &format!("/api/reminders/rules/{}", r["id"].as_str().unwrap()), body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["enabled"], false);
    }
}

fn rule(kind: &str, channels: &[&str]) -> Value {
    json!({
        "name": format!("{kind}到期提醒"),
        "watch": "certificate_expiry",
        "subject_filter": kind,
        "offsets": [7, 30],
        "offset_unit": "days",
        "recipients": ["contacts", "specialist"],
        "channels": channels,
        "escalate_after": 2,
        "title_zh": "{subject}将于{due_date}到期",
        "body_zh": "{enterprise}的{subject}还有 {days_left} 天到期（{station}）",
        "title_en": "{subject} expires on {due_date}",
        "body_en": "{enterprise}: {days_left} days left",
    })
}

async fn certificate(app: &TestApp, c: &Client, eid: &str, kind: &str, name: &str, expires: &str) -> String {
    let (s, v) = app
        .post(
            c,
            &format!("/api/enterprises/{eid}/certificates"),
            json!({"kind": kind, "name": name, "number": format!("NO-{name}"), "issuer": "浦东新区市场监管局", "expires_on": expires}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_string()
}

async fn cycle(app: &TestApp, c: &Client) -> Value {
    let (s, v) = app.post(c, "/api/reminders/run", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// The enterprise's reminders of one rule.
async fn reminders_of(app: &TestApp, c: &Client, eid: &str, rule: &str) -> Vec<Value> {
    let (s, v) = app.get(c, &format!("/api/enterprises/{eid}/reminders")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().iter().filter(|r| r["rule_id"] == rule).cloned().collect()
}

/// The delivery log of one reminder or push.
async fn deliveries(app: &TestApp, c: &Client, source: &str) -> Vec<Value> {
    let (s, v) = app.get(c, &format!("/api/reminders/deliveries?source_id={source}&page_size=200")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

/// Every e-mail arrived once: one message per Message-ID, as many as were sent.
fn assert_each_mail_once(sink: &SmtpSink, sent: usize) {
    let ids: Vec<String> = sink.mails().iter().map(|m| m.header("message-id").expect("Message-ID")).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a message arrived twice: {ids:?}");
    assert_eq!(ids.len(), sent, "{ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_fire_once_in_office_hours_escalate_and_stop_when_handled_sqlite() {
    let app = TestApp::spawn_many_logins(Backend::Sqlite).await.unwrap();
    office_hours_once_and_escalation(&app).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_fire_once_in_office_hours_escalate_and_stop_when_handled_postgres() {
    let Some(app) = TestApp::spawn_many_logins(Backend::Postgres).await else { return };
    office_hours_once_and_escalation(&app).await;
    app.cleanup().await;
}

async fn office_hours_once_and_escalation(app: &TestApp) {
    let (smtp, hook) = (SmtpSink::start().await, WebhookSink::start().await);
    app.configure_channels(smtp.port, &hook.url, SECRET).await;
    let (eid, manager) = portal_enterprise(app).await;
    quiet_demo_rules(app, &manager).await;

    // a bad rule is refused field by field
    let mut bad = rule("排污许可证", &["inbox"]);
    bad["offsets"] = json!([]);
    bad["channels"] = json!(["fax"]);
    bad["title_zh"] = json!("{nope}到期");
    let (s, v) = app.post(&manager, "/api/reminders/rules", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let codes = field_codes(&v);
    for want in [("offsets", "reminder.offsets_count"), ("channels", "reminder.channels"), ("title_zh", "reminder.placeholder")] {
        assert!(codes.contains(&(want.0.to_string(), want.1.to_string())), "{v}");
    }
    // a specialist may read rules but not write them
    let specialist = app.login("zhangwei").await;
    assert_eq!(app.post(&specialist, "/api/reminders/rules", rule("排污许可证", &["inbox"])).await.0, StatusCode::FORBIDDEN);
    let (s, r) = app.post(&manager, "/api/reminders/rules", rule("排污许可证", &["inbox", "email", "webhook"])).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rule_id = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["offsets"], json!([30, 7]), "offsets are kept largest first");
    assert_eq!(
        (r["editable"].as_bool(), r["station_id"].is_string()),
        (Some(true), true),
        "a station manager's rule is the station's: {r}"
    );
    // another station neither sees nor changes it
    let other = app.login("jinqiao").await;
    assert!(!app.get(&other, "/api/reminders/rules").await.1.to_string().contains(&rule_id));
    assert_eq!(app.put(&other, &format!("/api/reminders/rules/{rule_id}"), rule("排污许可证", &["inbox"])).await.0, StatusCode::NOT_FOUND);
    let (s, p) = app.post(&manager, "/api/reminders/rules/preview", rule("排污许可证", &["inbox"])).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["title_zh"].as_str().unwrap().contains("年") && !p["title_zh"].as_str().unwrap().contains('{'), "{p}");

    // a contact with e-mail and phone, and two certificates due on 2026-11-06
    let (s, v) = app
        .post(
            &manager,
            &format!("/api/enterprises/{eid}/contacts"),
            json!({"role": "liaison", "name": "测试联络员", "email": "liaison@qiye.test", "phone": "13800138000"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    certificate(app, &manager, &eid, "排污许可证", "排污许可证A", "2026-11-06").await;
    certificate(app, &manager, &eid, "排污许可证", "排污许可证B", "2026-11-06").await;

    // on the National Day holiday, and at night on a working day, nothing goes out
    app.clock.set(at("2026-10-02T10:00"));
    let manager = app.login("zhangjiang").await;
    let v = cycle(app, &manager).await;
    assert_eq!(v["skipped"], true, "{v}");
    assert!(v["next_run"].as_str().unwrap().starts_with("2026-10-08T01:00"), "next opening is 10-08 09:00 Beijing: {v}");
    app.clock.set(at("2026-10-09T21:30"));
    let manager = app.login("zhangjiang").await;
    assert_eq!(cycle(app, &manager).await["skipped"], true);
    assert!(reminders_of(app, &manager, &eid, &rule_id).await.is_empty());
    assert!(smtp.mails().is_empty() && hook.hooks().is_empty());

    // 10:00 on a working day, 28 days before: the 30-day reminder of each, once
    app.clock.set(at("2026-10-09T10:00"));
    let manager = app.login("zhangjiang").await;
    cycle(app, &manager).await;
    cycle(app, &manager).await;
    let rs = reminders_of(app, &manager, &eid, &rule_id).await;
    assert_eq!(rs.len(), 2, "{rs:?}");
    assert!(rs.iter().all(|r| r["offset"] == 30 && r["status"] == "notified" && r["level"] == 0), "{rs:?}");
    let (a, b) = (rs[0]["id"].as_str().unwrap().to_string(), rs[1]["id"].as_str().unwrap().to_string());

    // every message of each went out once, on every channel
    let mut emails = 0;
    let mut hooks = 0;
    for rid in [&a, &b] {
        let d = deliveries(app, &manager, rid).await;
        assert!(d.iter().all(|n| n["status"] == "sent"), "{d:?}");
        assert!(d.iter().any(|n| n["channel"] == "inbox" && n["recipient_type"] == "enterprise"));
        assert!(d.iter().any(|n| n["channel"] == "inbox" && n["recipient_type"] == "account"), "the station's specialists");
        assert!(d.iter().any(|n| n["channel"] == "email" && n["address"] == "li***@qiye.test"), "addresses are masked in the log: {d:?}");
        emails += d.iter().filter(|n| n["channel"] == "email").count();
        hooks += d.iter().filter(|n| n["channel"] == "webhook").count();
    }
    assert_each_mail_once(&smtp, emails);
    assert_eq!(smtp.mails().iter().filter(|m| m.to == vec!["liaison@qiye.test".to_string()]).count(), 2);
    let got = hook.hooks();
    assert_eq!(got.len(), hooks);
    assert!(got.iter().all(|h| h.signed_with(SECRET)), "every webhook is signed");
    assert!(!got[0].signed_with("another secret"));
    let to_liaison: Vec<Value> = got.iter().map(|h| h.json()).filter(|j| j["recipient"]["name"] == "测试联络员").collect();
    assert_eq!(to_liaison.len(), 2);
    assert_eq!(to_liaison[0]["recipient"]["phone"], "13800138000", "the gateway gets the number to text");
    assert!(to_liaison[0]["text"].as_str().unwrap().starts_with("【直通】排污许可证"), "{}", to_liaison[0]);

    // the specialist's inbox has it, unread; reading it counts down
    let specialist = app.login("zhangwei").await;
    let (_, inbox) = app.get(&specialist, "/api/inbox").await;
    let item = inbox["items"].as_array().unwrap().iter().find(|n| n["source_id"] == a.as_str()).expect("in the specialist's inbox").clone();
    assert!(item["title"].as_str().unwrap().contains("2026年11月6日"), "{item}");
    assert_eq!(item["acknowledged"], false);
    let unread = inbox["unread"].as_i64().unwrap();
    assert_eq!(
        app.post(&specialist, &format!("/api/inbox/{}/read", item["id"].as_str().unwrap()), json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&specialist, "/api/inbox").await.1["unread"].as_i64().unwrap(), unread - 1);
    // someone else's message is a 404
    assert_eq!(app.post(&manager, &format!("/api/inbox/{}/read", item["id"].as_str().unwrap()), json!({})).await.0, StatusCode::NOT_FOUND);

    // the enterprise handles B from the portal; another station's manager cannot touch A
    let portal = app.login("qiye").await;
    let (_, pin) = app.get(&portal, "/api/portal/inbox").await;
    assert!(pin.as_array().unwrap().iter().any(|m| m["kind"] == "reminder" && m["ref_id"] == b.as_str()), "{pin}");
    assert_eq!(app.post(&portal, &format!("/api/portal/reminders/{b}/ack"), json!({})).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.post(&portal, &format!("/api/portal/reminders/{b}/ack"), json!({})).await.0, StatusCode::CONFLICT);
    let other = app.login("jinqiao").await;
    assert_eq!(app.post(&other, &format!("/api/reminders/{a}/ack"), json!({})).await.0, StatusCode::NOT_FOUND);

    // two working days later nobody handled A: the station manager hears of it; B stays quiet
    app.clock.set(at("2026-10-13T10:00"));
    let manager = app.login("zhangjiang").await;
    cycle(app, &manager).await;
    cycle(app, &manager).await;
    let rs = reminders_of(app, &manager, &eid, &rule_id).await;
    let ra = rs.iter().find(|r| r["id"] == a.as_str()).unwrap();
    let rb = rs.iter().find(|r| r["id"] == b.as_str()).unwrap();
    assert_eq!((ra["level"].as_i64(), rb["level"].as_i64()), (Some(1), Some(0)), "{rs:?}");
    assert_eq!(rb["status"], "acknowledged");
    assert!(rb["acked_by_name"].as_str().unwrap().contains("企业"));
    let (_, inbox) = app.get(&manager, "/api/inbox").await;
    let up: Vec<&Value> = inbox["items"].as_array().unwrap().iter().filter(|n| n["source_id"] == a.as_str()).collect();
    assert_eq!(up.len(), 1, "{inbox}");
    assert!(up[0]["title"].as_str().unwrap().starts_with("【升级提醒】"));
    // then the bureau leader, once
    app.clock.set(at("2026-10-15T10:00"));
    let leader = app.login("leader").await;
    cycle(app, &leader).await;
    cycle(app, &leader).await;
    let (_, inbox) = app.get(&leader, "/api/inbox").await;
    let up: Vec<&Value> = inbox["items"].as_array().unwrap().iter().filter(|n| n["source_id"] == a.as_str()).collect();
    assert_eq!(up.len(), 1, "{inbox}");
    // the leader handles it; it shows on the enterprise page and the timeline
    let (s, v) = app.post(&leader, &format!("/api/reminders/{a}/ack"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["level"].as_i64()), (Some("acknowledged"), Some(2)));
    let (_, tl) = app.get(&leader, &format!("/api/enterprises/{eid}/timeline?kind=reminder")).await;
    assert!(tl.to_string().contains("提醒已处理"), "{tl}");

    // 7 days before (10-30): the 7-day reminders come, for A and B alike
    app.clock.set(at("2026-10-30T10:00"));
    let manager = app.login("zhangjiang").await;
    cycle(app, &manager).await;
    let rs = reminders_of(app, &manager, &eid, &rule_id).await;
    assert_eq!(rs.iter().filter(|r| r["offset"] == 7).count(), 2, "{rs:?}");
    assert_eq!(rs.len(), 4);

    // the liaison handles one from the link in the e-mail, without signing in
    let week = rs.iter().find(|r| r["offset"] == 7).unwrap()["id"].as_str().unwrap().to_string();
    let d = deliveries(app, &manager, &week).await;
    let mail = d.iter().find(|n| n["channel"] == "email" && n["address"] == "li***@qiye.test").expect("mailed to the liaison");
    let body = mail["body"].as_str().unwrap();
    let at_link = body.find("/api/reminders/ack/").expect("the e-mail has the link");
    let token: String = body[at_link + "/api/reminders/ack/".len()..].chars().take_while(|c| !c.is_whitespace()).collect();
    let anonymous = app.client();
    let last = if token.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    let page = anonymous.get(app.url(&format!("/api/reminders/ack/{forged}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("无效"), "{page}");
    let page = anonymous.get(app.url(&format!("/api/reminders/ack/{token}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已确认处理"), "{page}");
    let rs = reminders_of(app, &manager, &eid, &rule_id).await;
    let done = rs.iter().find(|r| r["id"] == week.as_str()).unwrap();
    assert_eq!((done["status"].as_str(), done["acked_by_name"].as_str()), (Some("acknowledged"), Some("测试联络员（邮件确认）")));
    let page = anonymous.get(app.url(&format!("/api/reminders/ack/{token}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("此前已确认"), "{page}");
}

both!(reminders_planned_for_a_month_show_on_the_calendar, |app| {
    let (eid, manager) = portal_enterprise(app).await;
    quiet_demo_rules(app, &manager).await;
    let (s, _) = app.post(&manager, "/api/reminders/rules", rule("特种设备使用登记证", &["inbox"])).await;
    assert_eq!(s, StatusCode::CREATED);
    // due Sunday 2026-11-15: 30 days before is Friday 10-16; 7 days before is Sunday 11-08 → Monday 11-09
    certificate(app, &manager, &eid, "特种设备使用登记证", "锅炉登记证", "2026-11-15").await;
    app.clock.set(at("2026-10-12T10:00"));
    let manager = app.login("zhangjiang").await;
    let (s, v) = app.get(&manager, "/api/reminders/upcoming?from=2026-10-12&to=2026-11-30").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mine: Vec<(String, i64, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["subject"] == "锅炉登记证")
        .map(|u| (u["fire_on"].as_str().unwrap().to_string(), u["offset"].as_i64().unwrap(), u["status"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(mine, vec![("2026-10-16".to_string(), 30, "planned".to_string()), ("2026-11-09".to_string(), 7, "planned".to_string())]);
    // another station sees none of it; too long a range is refused
    let other = app.login("jinqiao").await;
    let (_, v) = app.get(&other, "/api/reminders/upcoming?from=2026-10-12&to=2026-11-30").await;
    assert!(v.as_array().unwrap().iter().all(|u| u["subject"] != "锅炉登记证"));
    assert_eq!(app.get(&manager, "/api/reminders/upcoming?from=2026-01-01&to=2026-12-31").await.0, StatusCode::UNPROCESSABLE_ENTITY);
});

/// Sets up one reminder rule over a certificate kind with e-mail to the contacts and runs
/// nothing yet; returns the enterprise.
async fn mail_only(app: &TestApp, smtp: &SmtpSink, kind: &str) -> (String, String) {
    app.configure_channels(smtp.port, "", "").await;
    let (eid, manager) = portal_enterprise(app).await;
    quiet_demo_rules(app, &manager).await;
    let mut r = rule(kind, &["email"]);
    r["recipients"] = json!(["contacts"]);
    let (s, v) = app.post(&manager, "/api/reminders/rules", r).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rule_id = v["id"].as_str().unwrap().to_string();
    for (name, email) in [("联络员甲", "a@qiye.test"), ("联络员乙", "b@qiye.test"), ("联络员丙", "c@qiye.test")] {
        let (s, _) =
            app.post(&manager, &format!("/api/enterprises/{eid}/contacts"), json!({"role": "liaison", "name": name, "email": email})).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    certificate(app, &manager, &eid, kind, &format!("{kind}1"), "2026-11-06").await;
    app.clock.set(at("2026-10-09T10:00"));
    (eid, rule_id)
}

/// The server dies between claiming a message and recording it sent (the SMTP server had the
/// data but never answered). After a restart and the lease, it is sent once, and nothing else twice.
async fn crash_mid_send(backend: Backend) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(app) = TestApp::spawn_in(backend, &rt).await else { return };
    let smtp = SmtpSink::start().await;
    let (eid, rule_id) = mail_only(&app, &smtp, "食品经营许可证").await;
    smtp.hold(true);
    let manager = app.login("zhangjiang").await;
    let url = app.url("/api/reminders/run");
    let hung = tokio::spawn(async move { manager.post(url).json(&json!({})).send().await });
    for _ in 0..200 {
        if smtp.held() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(smtp.held(), 1, "the first message is in flight");
    // the crash: every task of the server stops where it is
    rt.shutdown_background();
    let _ = hung.await;
    smtp.hold(false);

    let again = app.another_instance().await;
    let manager = again.login("zhangjiang").await;
    let rs = reminders_of(&again, &manager, &eid, &rule_id).await;
    assert_eq!(rs.len(), 1, "{rs:?}");
    let rid = rs[0]["id"].as_str().unwrap().to_string();
    let d = deliveries(&again, &manager, &rid).await;
    assert_eq!(d.iter().filter(|n| n["status"] == "sending").count(), 1, "{d:?}");
    // before the lease ends nobody takes it over; after, it goes once
    cycle(&again, &manager).await;
    assert_eq!(deliveries(&again, &manager, &rid).await.iter().filter(|n| n["status"] == "sending").count(), 1);
    again.clock.advance_secs(zt_api::notify::LEASE_SECS + 1);
    let manager = again.login("zhangjiang").await;
    cycle(&again, &manager).await;
    cycle(&again, &manager).await;
    let d = deliveries(&again, &manager, &rid).await;
    let emails: Vec<&Value> = d.iter().filter(|n| n["channel"] == "email").collect();
    assert!(emails.len() >= 3, "{d:?}");
    assert!(emails.iter().all(|n| n["status"] == "sent"), "{d:?}");
    assert_eq!(emails.iter().filter(|n| n["attempts"] == 2).count(), 1, "the one cut off was tried twice: {d:?}");
    assert_each_mail_once(&smtp, emails.len());
    again.cleanup().await;
    app.forget().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_cut_off_by_a_crash_goes_out_once_after_restart_sqlite() {
    crash_mid_send(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_cut_off_by_a_crash_goes_out_once_after_restart_postgres() {
    crash_mid_send(Backend::Postgres).await;
}

/// Two servers on one database run cycles at once: every reminder and message exists once and
/// every e-mail arrives once.
async fn two_instances(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let smtp = SmtpSink::start().await;
    app.configure_channels(smtp.port, "", "").await;
    let (_, manager) = portal_enterprise(&app).await;
    quiet_demo_rules(&app, &manager).await;
    // every certificate of the district due within a year, to every contact by e-mail
    let mut r = rule("", &["email", "inbox"]);
    r["subject_filter"] = Value::Null;
    r["offsets"] = json!([366]);
    r["recipients"] = json!(["contacts", "station_manager"]);
    let (s, v) = app.post(&manager, "/api/reminders/rules", r).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rule_id = v["id"].as_str().unwrap().to_string();
    app.clock.set(at("2026-12-07T10:00"));
    let other = app.another_instance().await;
    let (c1, c2) = (app.login("leader").await, other.login("leader").await);
    tokio::join!(cycle(&app, &c1), cycle(&other, &c2), cycle(&app, &c1), cycle(&other, &c2));
    let of_rule = format!("SELECT id FROM reminder WHERE rule_id = '{rule_id}'");
    let of_rule = if backend == Backend::Sqlite {
        of_rule.replace(&format!("'{rule_id}'"), &format!("X'{}'", rule_id.replace('-', "")))
    } else {
        of_rule
    };
    let found = app.count_sql(&format!("SELECT count(*) FROM reminder WHERE id IN ({of_rule})")).await;
    assert!(found > 5, "{found}");
    assert_eq!(
        app.count_sql(&format!("SELECT count(*) FROM reminder WHERE id IN ({of_rule}) AND status = 'notified'")).await,
        found,
        "every one told"
    );
    // each station manager has one inbox message per reminder of their station
    let inbox = app
        .count_sql(&format!(
            "SELECT count(*) FROM notification WHERE source_id IN ({of_rule}) AND channel = 'inbox' AND recipient_type = 'account'"
        ))
        .await;
    let pairs = app
        .count_sql(&format!(
            "SELECT count(*) FROM (SELECT DISTINCT source_id, recipient_id FROM notification WHERE source_id IN ({of_rule}) AND channel = 'inbox' AND recipient_type = 'account') x"
        ))
        .await;
    assert!(inbox >= found);
    assert_eq!(inbox, pairs);
    // every e-mail sent, and received, exactly once
    let mails = app.count_sql(&format!("SELECT count(*) FROM notification WHERE source_id IN ({of_rule}) AND channel = 'email'")).await;
    // (the instances' own reminder jobs may still be finishing a send)
    let mut sent = 0;
    for _ in 0..100 {
        sent = app
            .count_sql(&format!(
                "SELECT count(*) FROM notification WHERE source_id IN ({of_rule}) AND channel = 'email' AND status = 'sent'"
            ))
            .await;
        if sent == mails {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(mails > 0);
    assert_eq!(sent, mails, "nothing left half-sent");
    assert_each_mail_once(&smtp, mails as usize);
    other.cleanup().await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_send_the_same_reminder_twice_postgres() {
    two_instances(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_send_the_same_reminder_twice_sqlite() {
    two_instances(Backend::Sqlite).await;
}
