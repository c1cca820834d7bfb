//! Demo policies of the district, with criteria over the archive's fields, published.

use serde_json::{Value, json};
use uuid::Uuid;
use zt_db::policy::{self, PolicyRow, RuleRow};
use zt_db::{Day, Ts, Tx};
use zt_domain::Error;

struct Spec {
    title: &'static str,
    level: &'static str,
    issuer: &'static str,
    document_no: &'static str,
    summary: &'static str,
    tags: &'static [&'static str],
    rule: fn() -> Value,
    parameters: fn() -> Value,
}

fn none() -> Value {
    json!({})
}

const SPECS: &[Spec] = &[
    Spec {
        title: "高新技术企业认定培育奖励",
        level: "district",
        issuer: "浦东新区科技和经济委员会",
        document_no: "浦科经委〔2025〕12号",
        summary: "对首次通过高新技术企业认定的培育库企业给予一次性奖励。",
        tags: &["科技创新", "高企"],
        rule: || {
            json!({"all": [
                {"id": "age", "field": "founded_on", "op": "years_ago>=", "value": 1, "label": "注册成立"},
                {"id": "patents", "field": "invention_patents", "op": ">=", "param": "min_invention_patents"},
                {"id": "rd", "field": "rd_ratio_last_year", "op": ">=", "value": 5},
                {"id": "not_yet", "field": "labels", "op": "not_has", "value": "high_tech"}
            ]})
        },
        parameters: || json!({"min_invention_patents": {"2020-01-01": 2, "2024-01-01": 1}}),
    },
    Spec {
        title: "专精特新中小企业培育支持",
        level: "city",
        issuer: "上海市经济和信息化委员会",
        document_no: "沪经信企〔2024〕587号",
        summary: "支持专注细分市场、创新能力强的中小企业申报专精特新，给予培育服务和资金支持。",
        tags: &["专精特新", "中小企业"],
        rule: || {
            json!({"all": [
                {"id": "age", "field": "founded_on", "op": "years_ago>=", "value": 2},
                {"id": "revenue", "field": "revenue_last_year", "op": ">=", "value": 1000},
                {"any": [
                    {"id": "rd", "field": "rd_ratio_last_year", "op": ">=", "value": 3},
                    {"id": "ip", "field": "invention_patents", "op": ">=", "value": 1}
                ]},
                {"id": "not_yet", "field": "labels", "op": "not_has", "value": "srdi"}
            ]})
        },
        parameters: none,
    },
    Spec {
        title: "企业研发费用投入补贴",
        level: "district",
        issuer: "浦东新区科技和经济委员会",
        document_no: "浦科经委〔2025〕30号",
        summary: "对上年度研发投入达到一定规模和比例的企业，按研发投入的一定比例给予补贴。",
        tags: &["研发", "资金补贴"],
        rule: || {
            json!({"all": [
                {"id": "rd_spend", "field": "rd_spend_last_year", "op": ">=", "value": 100},
                {"id": "rd_ratio", "field": "rd_ratio_last_year", "op": ">=", "value": 4},
                {"id": "industry", "field": "industry", "op": "in", "value": ["C", "I", "M"]}
            ]})
        },
        parameters: none,
    },
    Spec {
        title: "小升规企业奖励",
        level: "district",
        issuer: "浦东新区商务委员会",
        document_no: "浦商务〔2025〕8号",
        summary: "对首次纳入规模以上统计的企业给予奖励，培育库企业优先服务。",
        tags: &["小升规", "企业培育"],
        rule: || {
            json!({"all": [
                {"id": "size", "field": "size", "op": "==", "value": "below"},
                {"id": "potential", "field": "upgrade_potential", "op": "==", "value": true},
                {"id": "revenue", "field": "revenue_last_year", "op": ">=", "value": 1500}
            ]})
        },
        parameters: none,
    },
    Spec {
        title: "知识产权示范企业资助",
        level: "district",
        issuer: "浦东新区知识产权局",
        document_no: "浦知局〔2025〕5号",
        summary: "资助拥有较多有效发明专利、知识产权管理规范的企业。",
        tags: &["知识产权"],
        rule: || {
            json!({"all": [
                {"id": "patents", "field": "invention_patents", "op": ">=", "value": 3},
                {"any": [
                    {"id": "trademarks", "field": "trademarks", "op": ">=", "value": 1},
                    {"id": "software", "field": "software_copyrights", "op": ">=", "value": 2}
                ]}
            ]})
        },
        parameters: none,
    },
];

/// Inserts the demo policies for `bureau`.
pub async fn load(tx: &mut Tx, bureau: Uuid, now: Ts, today: Day) -> Result<usize, Error> {
    for s in SPECS {
        let p = PolicyRow {
            id: Uuid::now_v7(),
            bureau_id: bureau,
            title: s.title.into(),
            level: s.level.into(),
            issuer: s.issuer.into(),
            document_no: s.document_no.into(),
            published_on: Some(Day(today.0.saturating_sub(jiff::Span::new().days(60)))),
            effective_from: Some(Day(today.0.saturating_sub(jiff::Span::new().days(30)))),
            expires_on: Some(Day(today.0.saturating_add(jiff::Span::new().days(400)))),
            summary: s.summary.into(),
            body: format!(
                "{}\n\n一、支持对象\n符合申报条件的本区企业。\n\n二、申报方式\n通过服务直通站窗口或企业门户网上申报。",
                s.summary
            ),
            tags: serde_json::to_string(s.tags).unwrap_or_else(|_| "[]".into()),
            item_id: None,
            status: "published".into(),
            rule_version: 1,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        policy::insert(tx, &p).await?;
        policy::insert_rule(
            tx,
            &RuleRow {
                id: Uuid::now_v7(),
                policy_id: p.id,
                rule_version: 1,
                rule: (s.rule)().to_string(),
                parameters: (s.parameters)().to_string(),
                created_by_name: "系统（演示数据）".into(),
                created_at: now,
            },
        )
        .await?;
    }
    Ok(SPECS.len())
}
