//! The demo district's service catalog (seed 001's four categories, seed 003's five process
//! types) and a morning's worth of one-door requests in every state, so the work queue, the
//! warnings and the figures have something to show.

use jiff::civil::Date;
use uuid::Uuid;
use zt_db::catalog::{self, Item, SlipEntry, SlipRow};
use zt_db::requests::{self, Event, RequestRow};
use zt_db::{Day, Ts, Tx};
use zt_domain::Error;
use zt_domain::calendar::LimitUnit;
use zt_domain::crypto::Cipher;

struct Spec {
    name: &'static str,
    category: &'static str,
    process: &'static str,
    limit: i64,
    unit: &'static str,
    fee: Option<i64>,
    department: usize,
    provider: &'static str,
    guide: &'static str,
    basis: &'static str,
    slip: &'static [(&'static str, &'static str, bool)],
}

const SPECS: &[Spec] = &[
    Spec {
        name: "商标注册申请受理",
        category: "ip",
        process: "on_spot",
        limit: 1,
        unit: "working_days",
        fee: None,
        department: 0,
        provider: "知识产权科（商标受理窗口）",
        guide: "申请人持申请材料到窗口提交，材料齐全、符合法定形式的当场受理并出具受理通知。",
        basis: "《中华人民共和国商标法》第二十二条",
        slip: &[
            ("condition", "申请人为依法登记的企业或个体工商户", true),
            ("material", "商标注册申请书", true),
            ("material", "商标图样", true),
            ("material", "营业执照复印件", true),
            ("material", "代理委托书（委托代理的）", false),
        ],
    },
    Spec {
        name: "专利费用减缴备案",
        category: "ip",
        process: "window_backoffice_complete",
        limit: 15,
        unit: "working_days",
        fee: None,
        department: 0,
        provider: "知识产权科",
        guide: "窗口受理后转后台审核，审核结果通过专利业务办理系统告知申请人。",
        basis: "《专利收费减缴办法》",
        slip: &[
            ("condition", "上年度企业应纳税所得额低于100万元", true),
            ("material", "费用减缴请求书", true),
            ("material", "上年度企业所得税年度纳税申报表复印件", true),
        ],
    },
    Spec {
        name: "工业产品生产许可证核发",
        category: "certification",
        process: "window_backoffice_window",
        limit: 20,
        unit: "working_days",
        fee: None,
        department: 1,
        provider: "质量发展科",
        guide: "窗口受理后由后台组织审查和实地核查，办结后申请人凭受理回执到窗口领取许可证。",
        basis: "《中华人民共和国工业产品生产许可证管理条例》",
        slip: &[
            ("condition", "有与所生产产品相适应的专业技术人员", true),
            ("material", "生产许可证申请书", true),
            ("material", "营业执照复印件", true),
            ("material", "产品检验报告", true),
        ],
    },
    Spec {
        name: "企业标准自我声明公开核查",
        category: "standard",
        process: "window_division",
        limit: 10,
        unit: "working_days",
        fee: None,
        department: 2,
        provider: "标准化科",
        guide: "窗口受理后转标准化科核查，核查意见书由窗口送达。",
        basis: "《企业标准化促进办法》",
        slip: &[("material", "企业标准文本", true), ("material", "自我声明公开承诺书", true)],
    },
    Spec {
        name: "企业质量管理体系诊断服务",
        category: "quality",
        process: "backoffice_direct",
        limit: 30,
        unit: "natural_days",
        fee: Some(200_000),
        department: 1,
        provider: "上海市质量协会（成员单位）",
        guide: "增值服务：由后台直接受理，专家入企诊断并出具诊断报告。",
        basis: "《质量强国建设纲要》",
        slip: &[("condition", "企业书面委托", true), ("material", "质量管理体系文件", true)],
    },
    Spec {
        name: "强制性产品认证（CCC）咨询与材料预审",
        category: "certification",
        process: "window_backoffice_window",
        limit: 5,
        unit: "working_days",
        fee: None,
        department: 1,
        provider: "质量发展科",
        guide: "窗口受理后由后台预审，预审意见窗口送达。",
        basis: "《强制性产品认证管理规定》",
        slip: &[("material", "产品描述与型号清单", true), ("material", "营业执照复印件", true)],
    },
];

/// Loads the catalog for `bureau` (departments: IP, quality, standardisation) and demo requests
/// over `enterprises` taken in at `station` by `people[0]`, the officer; the request waiting for
/// acceptance was submitted online by `people[1]`, the first enterprise's portal account.
#[allow(clippy::too_many_arguments)]
pub async fn load(
    tx: &mut Tx,
    cipher: &Cipher,
    now: Ts,
    today: Date,
    bureau: Uuid,
    departments: [Uuid; 3],
    station: Uuid,
    people: [(Uuid, &str); 2],
    enterprises: &[Uuid],
) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    for s in SPECS {
        let it = Item {
            id: Uuid::now_v7(),
            bureau_id: bureau,
            station_id: None,
            category_code: s.category.into(),
            name: s.name.into(),
            status: "published".into(),
            conditions: s.slip.iter().filter(|e| e.0 == "condition").map(|e| e.1).collect::<Vec<_>>().join("；"),
            guide: s.guide.into(),
            legal_basis: s.basis.into(),
            fee_kind: if s.fee.is_some() { "paid".into() } else { "free".into() },
            fee_cents: s.fee,
            provider: s.provider.into(),
            department_id: Some(departments[s.department]),
            process_type: s.process.into(),
            limit_value: s.limit,
            limit_unit: s.unit.into(),
            slip_version: 1,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        catalog::insert(tx, &it).await?;
        let entries: Vec<SlipEntry> = s
            .slip
            .iter()
            .enumerate()
            .map(|(i, e)| SlipEntry { key: format!("e{}", i + 1), kind: e.0.into(), text: e.1.into(), required: e.2 })
            .collect();
        catalog::insert_slip(
            tx,
            &SlipRow {
                id: Uuid::now_v7(),
                item_id: it.id,
                slip_version: 1,
                entries: serde_json::to_string(&entries).unwrap_or_default(),
                created_by_name: "系统（演示数据）".into(),
                created_at: now,
            },
        )
        .await?;
        items.push(it);
    }
    if enterprises.is_empty() {
        return Ok(items);
    }
    // requests accepted over the last weeks, in every state
    let cal = zt_db::calendar::load(tx, Some(station)).await?;
    let tz = zt_api::shanghai();
    let mut rows = Vec::new();
    let mut events = Vec::new();
    let plan: &[(usize, i64, &str)] = &[
        (2, 18, "in_progress"),
        (2, 3, "in_progress"),
        (3, 9, "in_progress"),
        (3, 12, "in_progress"),
        (1, 14, "suspended"),
        (5, 2, "awaiting_materials"),
        (2, 25, "completed"),
        (3, 12, "delivered"),
        (0, 1, "delivered"),
        (1, 20, "completed"),
        (5, 0, "received"),
        (0, 0, "refused"),
    ];
    let officer = people[0];
    for (n, (item_i, days_ago, state)) in plan.iter().enumerate() {
        // the first enterprise's liaison submitted the waiting one online and owes 补正 on another
        let online = *state == "received";
        let enterprise = if online || *state == "awaiting_materials" { enterprises[0] } else { enterprises[n % enterprises.len()] };
        let taker = if online { people[1] } else { officer };
        let it = &items[*item_i];
        let accepted = cal.add_working_days(today, -days_ago).value;
        let at = |d: Date, h: i8| Ts(d.at(h, 30, 0, 0).to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or(now.0));
        let unit = if it.limit_unit == "natural_days" { LimitUnit::NaturalDays } else { LimitUnit::WorkingDays };
        let started = *state != "received" && *state != "refused";
        let deadline = started.then(|| cal.deadline(accepted, it.limit_value, unit));
        let process = zt_domain::requests::ProcessType::parse(&it.process_type).expect("demo process type");
        let (stage, dept) = match *state {
            "in_progress" | "suspended" | "awaiting_materials" => {
                let s = zt_domain::requests::route_target(process, process.first_stage());
                (s.code(), (s != zt_domain::requests::Stage::Window).then_some(it.department_id).flatten())
            }
            "completed" if process.delivers_at_window() => ("delivery", it.department_id),
            "completed" | "delivered" => (process.work_stage().code(), it.department_id),
            _ => (process.first_stage().code(), None),
        };
        let phone = format!("139{:08}", 16_000_000 + n as i64);
        // never later than now (the demo may load before nine in the morning)
        let received = Ts(at(accepted, 9).0.min(now.0 - jiff::SignedDuration::from_mins(20 + 7 * n as i64)));
        let r = RequestRow {
            id: Uuid::now_v7(),
            number: format!("SL{}{:04}", accepted.strftime("%Y%m%d"), 9000 + n),
            bureau_id: bureau,
            station_id: station,
            item_id: it.id,
            slip_version: 1,
            enterprise_id: enterprise,
            process_type: it.process_type.clone(),
            channel: match process {
                _ if online => "online".into(),
                zt_domain::requests::ProcessType::BackofficeDirect => "backoffice".into(),
                _ => "window".into(),
            },
            window_no: if online { String::new() } else { format!("{}", 1 + n % 3) },
            applicant_name: if online {
                taker.1.into()
            } else {
                crate::demo_archive::person(&mut crate::demo_archive::Rng::new(n as u64 + 7))
            },
            applicant_phone_enc: Some(cipher.encrypt(&phone)),
            applicant_phone_hash: Some(cipher.lookup_hash(&phone)),
            state: state.to_string(),
            stage: stage.into(),
            department_id: dept,
            handler_id: None,
            intake_by: (!online).then_some(officer.0),
            intake_by_name: taker.1.into(),
            arrived_at: (!online).then(|| Ts(received.0 - jiff::SignedDuration::from_mins(6 + n as i64))),
            received_at: received,
            decided_at: (*state != "received").then(|| Ts(received.0 + jiff::SignedDuration::from_mins(8))),
            accepted_on: started.then_some(Day(accepted)),
            limit_value: it.limit_value,
            limit_unit: it.limit_unit.clone(),
            paused_days: 0,
            paused_since: (*state == "suspended" || (*state == "awaiting_materials" && started))
                .then(|| at(cal.add_working_days(today, -1).value, 15)),
            resume_state: (*state == "awaiting_materials").then(|| "in_progress".to_string()),
            extended_days: 0,
            deadline: deadline.as_ref().map(|d| Day(d.value)),
            missing_years: deadline
                .as_ref()
                .map(|d| d.missing_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(","))
                .unwrap_or_default(),
            checked: if started { "[\"e1\",\"e2\",\"e3\"]".into() } else { "[]".into() },
            refusal_reason: if *state == "refused" {
                "申请人非商标注册申请主体，营业执照已注销".into()
            } else {
                String::new()
            },
            refused_entries: if *state == "refused" { "[\"e1\",\"e4\"]".into() } else { "[]".into() },
            missing_entries: if *state == "awaiting_materials" { "[\"e2\"]".into() } else { "[]".into() },
            result: if matches!(*state, "completed" | "delivered") { "准予许可".into() } else { String::new() },
            completed_at: matches!(*state, "completed" | "delivered")
                .then(|| at(cal.add_working_days(accepted, it.limit_value.min(*days_ago).max(0) / 2).value, 16)),
            delivered_at: (*state == "delivered")
                .then(|| at(cal.add_working_days(accepted, it.limit_value.min(*days_ago).max(0) / 2 + 1).value.min(today), 10)),
            delivered_to: if *state == "delivered" { "企业经办人".into() } else { String::new() },
            delivery_method: if *state == "delivered" { "window".into() } else { String::new() },
            delivered_by_name: if *state == "delivered" { officer.1.into() } else { String::new() },
            note: String::new(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let ev = |kind: &str, from: &str, to: &str, stage: &str, when: Ts, note: &str| Event {
            id: Uuid::now_v7(),
            request_id: r.id,
            at: when,
            kind: kind.into(),
            from_state: from.into(),
            to_state: to.into(),
            stage: stage.into(),
            actor_id: Some(officer.0),
            actor_name: officer.1.into(),
            department_id: None,
            department_name: String::new(),
            note: note.into(),
        };
        let mut intake = ev("intake", "", "received", process.first_stage().code(), r.received_at, if online { "网上申报" } else { "" });
        (intake.actor_id, intake.actor_name) = (Some(taker.0), taker.1.into());
        events.push(intake);
        if let Some(d) = r.decided_at {
            if *state == "refused" {
                events.push(ev("refuse", "received", "refused", "window", d, &r.refusal_reason));
            } else {
                events.push(ev("accept", "received", "in_progress", process.first_stage().code(), d, ""));
                if stage != process.first_stage().code() {
                    events.push(ev(
                        "route",
                        "in_progress",
                        "in_progress",
                        process.work_stage().code(),
                        Ts(d.0 + jiff::SignedDuration::from_mins(30)),
                        "转后台办理",
                    ));
                }
            }
        }
        if let Some(t) = r.completed_at {
            events.push(ev(
                "complete",
                "in_progress",
                "completed",
                if process.delivers_at_window() { "delivery" } else { process.work_stage().code() },
                t,
                "准予许可",
            ));
        }
        if let Some(t) = r.delivered_at {
            events.push(ev("deliver", "completed", "delivered", "delivery", t, "领取人：企业经办人"));
        }
        if let Some(t) = r.paused_since {
            events.push(ev(
                if *state == "suspended" { "suspend" } else { "request_materials" },
                "in_progress",
                state,
                stage,
                t,
                "等待企业补充说明",
            ));
        }
        rows.push(r);
    }
    requests::insert_many(tx, &rows).await?;
    requests::insert_events(tx, &events).await?;
    Ok(items)
}
