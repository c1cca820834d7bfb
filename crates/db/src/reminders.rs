//! Reminder rules, the reminders they fire (one per rule, subject, due date and offset: a unique
//! key, so a sweep run twice or by two instances fires once), and what a sweep looks for.

use crate::sql::Arg;
use crate::{Day, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Rule {
    pub id: Uuid,
    pub bureau_id: Uuid,
    /// A station's own rule; none: the whole bureau's.
    pub station_id: Option<Uuid>,
    pub name: String,
    pub watch: String,
    pub subject_filter: Option<String>,
    /// JSON array, largest first
    #[serde(skip)]
    pub offsets: String,
    pub offset_unit: String,
    /// comma-separated
    #[serde(skip)]
    pub recipients: String,
    #[serde(skip)]
    pub channels: String,
    pub escalate_after: Option<i64>,
    pub title_zh: String,
    pub body_zh: String,
    pub title_en: String,
    pub body_en: String,
    pub enabled: bool,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

impl Rule {
    pub fn offset_list(&self) -> Vec<i64> {
        serde_json::from_str(&self.offsets).unwrap_or_default()
    }
    pub fn recipient_list(&self) -> Vec<String> {
        split(&self.recipients)
    }
    pub fn channel_list(&self) -> Vec<String> {
        split(&self.channels)
    }
    pub fn working_days(&self) -> bool {
        self.offset_unit == "working_days"
    }
}

fn split(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()
}

const RULE_COLUMNS: &str = "id, bureau_id, station_id, name, watch, subject_filter, offsets, offset_unit, recipients, channels, escalate_after, \
     title_zh, body_zh, title_en, body_en, enabled, version, created_at, updated_at";

fn rule_values(r: &Rule) -> Vec<Arg> {
    vec![
        r.id.into(),
        r.bureau_id.into(),
        r.station_id.into(),
        (&r.name).into(),
        (&r.watch).into(),
        r.subject_filter.clone().into(),
        (&r.offsets).into(),
        (&r.offset_unit).into(),
        (&r.recipients).into(),
        (&r.channels).into(),
        r.escalate_after.into(),
        (&r.title_zh).into(),
        (&r.body_zh).into(),
        (&r.title_en).into(),
        (&r.body_en).into(),
        r.enabled.into(),
        r.version.into(),
        r.created_at.into(),
        r.updated_at.into(),
    ]
}

pub async fn insert_rule(tx: &mut Tx, r: &Rule) -> Result<(), Error> {
    tx.insert_many(&format!("INSERT INTO reminder_rule ({RULE_COLUMNS})"), std::slice::from_ref(r), rule_values).await.map(|_| ())
}

/// Saves a rule read at `expected` (409 when someone saved it first).
pub async fn save_rule(tx: &mut Tx, r: &Rule, expected: i64) -> Result<(), Error> {
    tx.save_row("reminder_rule", RULE_COLUMNS, rule_values(r), r.id, expected, &["id", "bureau_id", "station_id", "created_at"]).await
}

pub async fn rules(tx: &mut Tx, bureau: Uuid) -> Result<Vec<Rule>, Error> {
    tx.all(&Sql::new("SELECT * FROM reminder_rule WHERE bureau_id = $1 ORDER BY created_at, id").bind(bureau)).await
}

pub async fn enabled_rules(tx: &mut Tx) -> Result<Vec<Rule>, Error> {
    tx.all(&Sql::new("SELECT * FROM reminder_rule WHERE enabled = TRUE ORDER BY bureau_id, created_at, id")).await
}

pub async fn rule(tx: &mut Tx, id: Uuid) -> Result<Option<Rule>, Error> {
    tx.opt(&Sql::new("SELECT * FROM reminder_rule WHERE id = $1").bind(id)).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Reminder {
    pub id: Uuid,
    pub rule_id: Uuid,
    #[serde(skip)]
    pub bureau_id: Uuid,
    pub station_id: Uuid,
    pub enterprise_id: Uuid,
    pub subject_id: Uuid,
    pub subject: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Day,
    #[serde(rename = "offset")]
    pub offset_days: i64,
    #[schema(value_type = String, format = Date)]
    pub fire_on: Day,
    /// due (found, nobody told yet) · notified · acknowledged
    pub status: String,
    /// 0: the rule's recipients; 1, 2: escalated up the chain
    pub level: i64,
    #[serde(skip)]
    pub handler_id: Option<Uuid>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub notified_at: Option<Ts>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acked_at: Option<Ts>,
    #[serde(skip)]
    pub acked_by: Option<Uuid>,
    pub acked_by_name: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

/// Inserts reminders, skipping any whose key already exists; returns how many were new.
pub async fn insert_reminders(tx: &mut Tx, rs: &[Reminder]) -> Result<u64, Error> {
    tx.insert_many_ignoring_duplicates(
        "INSERT INTO reminder (id, rule_id, bureau_id, station_id, enterprise_id, subject_id, subject, due_on, offset_days, fire_on, status, level, \
         handler_id, notified_at, acked_at, acked_by, acked_by_name, created_at)",
        rs,
        |r| {
            vec![
                r.id.into(),
                r.rule_id.into(),
                r.bureau_id.into(),
                r.station_id.into(),
                r.enterprise_id.into(),
                r.subject_id.into(),
                (&r.subject).into(),
                r.due_on.into(),
                r.offset_days.into(),
                r.fire_on.into(),
                (&r.status).into(),
                r.level.into(),
                r.handler_id.into(),
                r.notified_at.into(),
                r.acked_at.into(),
                r.acked_by.into(),
                r.acked_by_name.clone().into(),
                r.created_at.into(),
            ]
        },
    )
    .await
}

/// Something a rule watches, due on `due_on`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub enterprise_id: Uuid,
    pub station_id: Uuid,
    pub subject_id: Uuid,
    pub subject: String,
    pub due_on: Day,
    pub handler_id: Option<Uuid>,
}

/// The subjects of `rule` due in `(after, upto]` that have no reminder for `offset` yet.
pub async fn candidates(tx: &mut Tx, rule: &Rule, after: Day, upto: Day, offset: i64, report_year: i32) -> Result<Vec<Candidate>, Error> {
    let fresh = "NOT EXISTS (SELECT 1 FROM reminder r WHERE r.rule_id = $1 AND r.subject_id = {subject} AND r.due_on = {due} AND r.offset_days = $2)";
    let in_bureau = "e.station_id IN (SELECT id FROM station WHERE bureau_id = $3)";
    let mut s = match rule.watch.as_str() {
        "certificate_expiry" => Sql::new(&format!(
            "SELECT c.enterprise_id, e.station_id, c.id AS subject_id, c.name AS subject, c.expires_on AS due_on, CAST(NULL AS UUID) AS handler_id \
             FROM certificate c JOIN enterprise e ON e.id = c.enterprise_id \
             WHERE {in_bureau} AND c.expires_on > $4 AND c.expires_on <= $5 AND {}",
            fresh.replace("{subject}", "c.id").replace("{due}", "c.expires_on")
        )),
        "label_recert" => Sql::new(&format!(
            "SELECT l.enterprise_id, e.station_id, l.id AS subject_id, d.name_zh AS subject, l.valid_to AS due_on, CAST(NULL AS UUID) AS handler_id \
             FROM enterprise_label l JOIN enterprise e ON e.id = l.enterprise_id JOIN label_def d ON d.code = l.label \
             WHERE {in_bureau} AND l.valid_to > $4 AND l.valid_to <= $5 AND {} \
             AND NOT EXISTS (SELECT 1 FROM enterprise_label n WHERE n.enterprise_id = l.enterprise_id AND n.label = l.label AND n.valid_from > l.valid_from)",
            fresh.replace("{subject}", "l.id").replace("{due}", "l.valid_to")
        )),
        "annual_report" => {
            // every enterprise reports on the year before by 30 June: one subject per enterprise
            let due = jiff::civil::Date::new(report_year as i16 + 1, 6, 30).map_err(|e| Error::internal(e.to_string()))?;
            if !(after.0 < due && due <= upto.0) {
                return Ok(Vec::new());
            }
            let s = Sql::new(&format!(
                "SELECT e.id AS enterprise_id, e.station_id, e.id AS subject_id, $6 AS subject, $7 AS due_on, CAST(NULL AS UUID) AS handler_id \
                 FROM enterprise e WHERE {in_bureau} AND $4 < $7 AND $7 <= $5 AND {} AND ($8 IS NULL OR e.station_id = $8)",
                fresh.replace("{subject}", "e.id").replace("{due}", "$7")
            ));
            return tx
                .all(
                    &s.bind(rule.id)
                        .bind(offset)
                        .bind(rule.bureau_id)
                        .bind(after)
                        .bind(upto)
                        .bind(format!("{report_year}年度报告"))
                        .bind(Day(due))
                        .bind(rule.station_id),
                )
                .await;
        }
        "request_deadline" => Sql::new(&format!(
            "SELECT q.enterprise_id, q.station_id, q.id AS subject_id, q.number AS subject, q.deadline AS due_on, q.handler_id \
             FROM service_request q JOIN enterprise e ON e.id = q.enterprise_id \
             WHERE {in_bureau} AND q.state = 'in_progress' AND q.deadline > $4 AND q.deadline <= $5 AND {}",
            fresh.replace("{subject}", "q.id").replace("{due}", "q.deadline")
        )),
        other => return Err(Error::internal(format!("unknown watch {other}"))),
    };
    s = s.bind(rule.id).bind(offset).bind(rule.bureau_id).bind(after).bind(upto);
    if let Some(station) = rule.station_id {
        s.push(" AND e.station_id = ").param(station);
    }
    if let Some(f) = rule.subject_filter.as_deref().filter(|f| !f.is_empty()) {
        let col = if rule.watch == "label_recert" { "l.label" } else { "c.kind" };
        if matches!(rule.watch.as_str(), "certificate_expiry" | "label_recert") {
            s.push(&format!(" AND {col} = ")).param(f);
        }
    }
    tx.all(&s).await
}

/// Reminders found but not yet told to anyone, oldest first.
pub async fn due(tx: &mut Tx, limit: i64) -> Result<Vec<Reminder>, Error> {
    tx.all(&Sql::new("SELECT * FROM reminder WHERE status = 'due' ORDER BY created_at, id LIMIT $1").bind(limit)).await
}

/// Notified reminders nobody acknowledged whose rule escalates, told before `before` and not yet
/// at the top of the chain (`top`).
pub async fn unacknowledged(tx: &mut Tx, before: Ts, top: i64) -> Result<Vec<Reminder>, Error> {
    tx.all(
        &Sql::new(
            "SELECT r.* FROM reminder r JOIN reminder_rule u ON u.id = r.rule_id \
             WHERE r.status = 'notified' AND r.notified_at < $1 AND r.level < $2 AND u.escalate_after IS NOT NULL ORDER BY r.notified_at, r.id",
        )
        .bind(before)
        .bind(top),
    )
    .await
}

/// Claims a found reminder for telling (`due` → `notified`); false when another instance did.
pub async fn claim_due(tx: &mut Tx, id: Uuid, at: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(&Sql::new("UPDATE reminder SET status = 'notified', notified_at = $1 WHERE id = $2 AND status = 'due'").bind(at).bind(id))
        .await?;
    Ok(n == 1)
}

/// Moves a told reminder from `level` one up; false when another instance did, or it was handled.
pub async fn escalate(tx: &mut Tx, id: Uuid, level: i64, at: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE reminder SET level = level + 1, notified_at = $1 WHERE id = $2 AND level = $3 AND status = 'notified'")
                .bind(at)
                .bind(id)
                .bind(level),
        )
        .await?;
    Ok(n == 1)
}

/// Marks a reminder handled; false when it already was.
pub async fn acknowledge(tx: &mut Tx, id: Uuid, by: Option<Uuid>, by_name: &str, at: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE reminder SET status = 'acknowledged', acked_at = $1, acked_by = $2, acked_by_name = $3 WHERE id = $4 AND status <> 'acknowledged'",
            )
            .bind(at)
            .bind(by)
            .bind(by_name)
            .bind(id),
        )
        .await?;
    Ok(n == 1)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<Reminder>, Error> {
    tx.opt(&Sql::new("SELECT * FROM reminder WHERE id = $1").bind(id)).await
}

/// A filter over the reminders a caller may see.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub bureau: Option<Uuid>,
    pub stations: Option<Vec<Uuid>>,
    pub enterprise: Option<Uuid>,
    pub status: Option<String>,
    pub fire_from: Option<Day>,
    pub fire_to: Option<Day>,
}

fn where_of(f: &Filter) -> Sql {
    let mut w = Sql::new(" FROM reminder WHERE 1 = 1");
    if let Some(b) = f.bureau {
        w.push(" AND bureau_id = ").param(b);
    }
    if let Some(st) = &f.stations {
        if st.is_empty() {
            w.push(" AND 1 = 0");
        } else {
            w.push(" AND station_id IN ");
            crate::sql::in_list(&mut w, st);
        }
    }
    if let Some(e) = f.enterprise {
        w.push(" AND enterprise_id = ").param(e);
    }
    if let Some(s) = &f.status {
        w.push(" AND status = ").param(s.as_str());
    }
    if let Some(d) = f.fire_from {
        w.push(" AND fire_on >= ").param(d);
    }
    if let Some(d) = f.fire_to {
        w.push(" AND fire_on <= ").param(d);
    }
    w
}

pub async fn list(tx: &mut Tx, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<Reminder>, i64), Error> {
    let w = where_of(f);
    tx.page("*", w, "due_on DESC, created_at DESC, id", limit, offset).await
}
