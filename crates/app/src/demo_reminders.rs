//! The district's demo reminder rules (闹钟式提醒): certificates, high-tech re-certification,
//! the annual report and request deadlines.

use uuid::Uuid;
use zt_db::reminders::{self, Rule};
use zt_db::{Ts, Tx};
use zt_domain::Error;

struct Spec {
    name: &'static str,
    watch: &'static str,
    filter: Option<&'static str>,
    offsets: &'static str,
    unit: &'static str,
    recipients: &'static str,
    channels: &'static str,
    escalate_after: Option<i64>,
    title_zh: &'static str,
    body_zh: &'static str,
    title_en: &'static str,
    body_en: &'static str,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "证照到期提醒",
        watch: "certificate_expiry",
        filter: None,
        offsets: "[90,30,7]",
        unit: "days",
        recipients: "contacts,specialist",
        channels: "inbox,email",
        escalate_after: Some(3),
        title_zh: "{enterprise}：{subject}将于{due_date}到期",
        body_zh: "{enterprise}的{subject}将于{due_date}到期（还有 {days_left} 天），请及时办理延续或换证。如需帮助请联系{station}。",
        title_en: "{enterprise}: {subject} expires on {due_date}",
        body_en: "The {subject} of {enterprise} expires on {due_date} ({days_left} days left). Please renew it in time; {station} can help.",
    },
    Spec {
        name: "高新技术企业复审提醒",
        watch: "label_recert",
        filter: Some("high_tech"),
        offsets: "[90,30]",
        unit: "days",
        recipients: "contacts,specialist",
        channels: "inbox",
        escalate_after: Some(5),
        title_zh: "{enterprise}的高新技术企业资格将于{due_date}到期",
        body_zh: "高新技术企业资格有效期三年，{enterprise}的资格将于{due_date}到期（还有 {days_left} 天）。请准备重新认定材料，服务专员可协助辅导。",
        title_en: "High-tech status of {enterprise} ends on {due_date}",
        body_en: "High-tech status lasts three years; that of {enterprise} ends on {due_date} ({days_left} days left). Please prepare the re-certification.",
    },
    Spec {
        name: "企业年报提醒",
        watch: "annual_report",
        filter: None,
        offsets: "[60,30,7]",
        unit: "days",
        recipients: "contacts",
        channels: "inbox,email",
        escalate_after: None,
        title_zh: "请于{due_date}前报送{subject}",
        body_zh: "每年1月1日至6月30日报送上一年度年度报告。{enterprise}的{subject}截止日期为{due_date}（还有 {days_left} 天），逾期将被列入经营异常名录。",
        title_en: "Annual report due by {due_date}",
        body_en: "Annual reports are filed from 1 January to 30 June. The report of {enterprise} is due by {due_date} ({days_left} days left).",
    },
    Spec {
        name: "办件到期提醒",
        watch: "request_deadline",
        filter: None,
        offsets: "[3,1]",
        unit: "working_days",
        recipients: "specialist",
        channels: "inbox",
        escalate_after: Some(1),
        title_zh: "办件 {subject} 将于{due_date}到期",
        body_zh: "{enterprise}的办件 {subject} 办理时限至{due_date}，请按时办结。",
        title_en: "Request {subject} is due on {due_date}",
        body_en: "Request {subject} of {enterprise} must be finished by {due_date}.",
    },
];

pub async fn load(tx: &mut Tx, bureau: Uuid, now: Ts) -> Result<(), Error> {
    for s in SPECS {
        reminders::insert_rule(
            tx,
            &Rule {
                id: Uuid::now_v7(),
                bureau_id: bureau,
                station_id: None,
                name: s.name.into(),
                watch: s.watch.into(),
                subject_filter: s.filter.map(str::to_string),
                offsets: s.offsets.into(),
                offset_unit: s.unit.into(),
                recipients: s.recipients.into(),
                channels: s.channels.into(),
                escalate_after: s.escalate_after,
                title_zh: s.title_zh.into(),
                body_zh: s.body_zh.into(),
                title_en: s.title_en.into(),
                body_en: s.body_en.into(),
                enabled: true,
                version: 1,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
    }
    Ok(())
}
