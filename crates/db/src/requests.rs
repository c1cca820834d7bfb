//! One-door requests (一门式): the request row with its clock, the event log of every step
//! (who, when, which stage and department), and extension requests.

use crate::{Arg, Day, Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::scope::Scope;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: Uuid,
    pub number: String,
    pub bureau_id: Uuid,
    pub station_id: Uuid,
    pub item_id: Uuid,
    pub slip_version: i64,
    pub enterprise_id: Uuid,
    pub process_type: String,
    pub channel: String,
    pub window_no: String,
    pub applicant_name: String,
    pub applicant_phone_enc: Option<String>,
    pub applicant_phone_hash: Option<String>,
    pub state: String,
    pub stage: String,
    pub department_id: Option<Uuid>,
    pub handler_id: Option<Uuid>,
    pub intake_by: Option<Uuid>,
    pub intake_by_name: String,
    pub arrived_at: Option<Ts>,
    pub received_at: Ts,
    pub decided_at: Option<Ts>,
    pub accepted_on: Option<Day>,
    pub limit_value: i64,
    pub limit_unit: String,
    pub paused_days: i64,
    pub paused_since: Option<Ts>,
    pub resume_state: Option<String>,
    pub extended_days: i64,
    pub deadline: Option<Day>,
    pub missing_years: String,
    /// JSON array of the slip entry keys ticked at acceptance.
    pub checked: String,
    pub refusal_reason: String,
    pub refused_entries: String,
    pub missing_entries: String,
    pub result: String,
    pub completed_at: Option<Ts>,
    pub delivered_at: Option<Ts>,
    pub delivered_to: String,
    pub delivery_method: String,
    pub delivered_by_name: String,
    pub note: String,
    pub version: i64,
    pub created_at: Ts,
    pub updated_at: Ts,
}

const COLUMNS: &str = "id, number, bureau_id, station_id, item_id, slip_version, enterprise_id, process_type, channel, window_no, applicant_name, \
    applicant_phone_enc, applicant_phone_hash, state, stage, department_id, handler_id, intake_by, intake_by_name, arrived_at, received_at, \
    decided_at, accepted_on, limit_value, limit_unit, paused_days, paused_since, resume_state, extended_days, deadline, missing_years, checked, \
    refusal_reason, refused_entries, missing_entries, result, completed_at, delivered_at, delivered_to, delivery_method, delivered_by_name, note, \
    version, created_at, updated_at";

fn values(r: &RequestRow) -> Vec<Arg> {
    vec![
        r.id.into(),
        (&r.number).into(),
        r.bureau_id.into(),
        r.station_id.into(),
        r.item_id.into(),
        r.slip_version.into(),
        r.enterprise_id.into(),
        (&r.process_type).into(),
        (&r.channel).into(),
        (&r.window_no).into(),
        (&r.applicant_name).into(),
        r.applicant_phone_enc.clone().into(),
        r.applicant_phone_hash.clone().into(),
        (&r.state).into(),
        (&r.stage).into(),
        r.department_id.into(),
        r.handler_id.into(),
        r.intake_by.into(),
        (&r.intake_by_name).into(),
        r.arrived_at.into(),
        r.received_at.into(),
        r.decided_at.into(),
        Arg::Day(r.accepted_on),
        r.limit_value.into(),
        (&r.limit_unit).into(),
        r.paused_days.into(),
        r.paused_since.into(),
        r.resume_state.clone().into(),
        r.extended_days.into(),
        Arg::Day(r.deadline),
        (&r.missing_years).into(),
        (&r.checked).into(),
        (&r.refusal_reason).into(),
        (&r.refused_entries).into(),
        (&r.missing_entries).into(),
        (&r.result).into(),
        r.completed_at.into(),
        r.delivered_at.into(),
        (&r.delivered_to).into(),
        (&r.delivery_method).into(),
        (&r.delivered_by_name).into(),
        (&r.note).into(),
        r.version.into(),
        r.created_at.into(),
        r.updated_at.into(),
    ]
}

pub async fn insert_many(tx: &mut Tx, rows: &[RequestRow]) -> Result<(), Error> {
    tx.insert_many(&format!("INSERT INTO service_request ({COLUMNS})"), rows, values).await.map(|_| ())
}

/// Writes every column but the identity; exactly one row at `expected` version, else 409.
pub async fn save(tx: &mut Tx, r: &RequestRow, expected: i64) -> Result<(), Error> {
    tx.save_row("service_request", COLUMNS, values(r), r.id, expected, &["id", "number", "created_at"]).await
}

/// What the scope may see: a station its own, a bureau all of its stations', a department the
/// requests routed to it or to its people.
pub fn scope_predicate(s: &mut Sql, scope: &Scope, me: Uuid) {
    match *scope {
        Scope::Station { station, .. } => {
            s.push(" AND r.station_id = ").param(station);
        }
        Scope::Bureau { bureau } => {
            s.push(" AND r.bureau_id = ").param(bureau);
        }
        Scope::Department { department, .. } => {
            s.push(" AND (r.department_id = ")
                .param(department)
                .push(" OR r.handler_id = ")
                .param(me)
                .push(" OR r.intake_by = ")
                .param(me)
                .push(")");
        }
        Scope::All | Scope::None => {
            s.push(" AND 1 = 0");
        }
    }
}

pub async fn get(tx: &mut Tx, scope: &Scope, me: Uuid, id: Uuid) -> Result<RequestRow, Error> {
    let mut s = Sql::new("SELECT r.* FROM service_request r WHERE r.id = ");
    s.param(id);
    scope_predicate(&mut s, scope, me);
    tx.one(&s).await
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub states: Vec<String>,
    pub stage: Option<String>,
    pub item_id: Option<Uuid>,
    pub station_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// Requests assigned to this account (or taken in by it and not routed on).
    pub mine: Option<Uuid>,
    /// Open requests whose deadline is on or before this day…
    pub due_by: Option<Day>,
    /// …and on or after this one.
    pub due_from: Option<Day>,
    pub received_from: Option<Ts>,
    pub received_to: Option<Ts>,
}

fn filtered(select: &str, scope: &Scope, me: Uuid, f: &Filter) -> Sql {
    let mut s = Sql::new(select);
    s.push(" FROM service_request r JOIN enterprise e ON e.id = r.enterprise_id JOIN service_item i ON i.id = r.item_id WHERE 1 = 1");
    scope_predicate(&mut s, scope, me);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{}%", q.replace(['%', '_'], ""));
        s.push(" AND (r.number LIKE ")
            .param(like.clone())
            .push(" OR e.name LIKE ")
            .param(like.clone())
            .push(" OR e.uscc LIKE ")
            .param(like);
        s.push(")");
    }
    if !f.states.is_empty() {
        s.push(" AND r.state IN ");
        crate::sql::in_list(&mut s, &f.states);
    }
    if let Some(v) = &f.stage {
        s.push(" AND r.stage = ").param(v.as_str());
    }
    if let Some(v) = f.item_id {
        s.push(" AND r.item_id = ").param(v);
    }
    if let Some(v) = f.station_id {
        s.push(" AND r.station_id = ").param(v);
    }
    if let Some(v) = f.enterprise_id {
        s.push(" AND r.enterprise_id = ").param(v);
    }
    if let Some(me) = f.mine {
        s.push(" AND (r.handler_id = ").param(me).push(" OR (r.handler_id IS NULL AND r.intake_by = ").param(me).push("))");
    }
    if let Some(d) = f.due_by {
        s.push(" AND r.state IN ('received', 'in_progress', 'awaiting_materials', 'suspended') AND r.deadline <= ").param(d);
    }
    if let Some(d) = f.due_from {
        s.push(" AND r.deadline >= ").param(d);
    }
    if let Some(t) = f.received_from {
        s.push(" AND r.received_at >= ").param(t);
    }
    if let Some(t) = f.received_to {
        s.push(" AND r.received_at < ").param(t);
    }
    s
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    #[sqlx(flatten)]
    pub r: RequestRow,
    pub enterprise_name: String,
    pub enterprise_uscc: String,
    pub item_name: String,
}

/// A page of requests: open ones first, by deadline (earliest first), then the newest.
pub async fn list(tx: &mut Tx, scope: &Scope, me: Uuid, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<ListRow>, i64), Error> {
    let c = filtered("SELECT count(*)", scope, me, f);
    let total = tx.count(&c).await?;
    let mut s = filtered("SELECT r.*, e.name AS enterprise_name, e.uscc AS enterprise_uscc, i.name AS item_name", scope, me, f);
    s.push(&format!(
        " ORDER BY CASE WHEN r.state IN ('received', 'in_progress', 'awaiting_materials', 'suspended') THEN 0 ELSE 1 END, \
         CASE WHEN r.deadline IS NULL THEN 1 ELSE 0 END, r.deadline, r.received_at DESC, r.id LIMIT {} OFFSET {}",
        limit.max(0),
        offset.max(0)
    ));
    Ok((tx.all(&s).await?, total))
}

/// Every request of the scope received in a period (for figures), with item names.
pub async fn in_period(tx: &mut Tx, scope: &Scope, me: Uuid, from: Ts, to: Ts) -> Result<Vec<ListRow>, Error> {
    let f = Filter { received_from: Some(from), received_to: Some(to), ..Default::default() };
    let s = filtered("SELECT r.*, e.name AS enterprise_name, e.uscc AS enterprise_uscc, i.name AS item_name", scope, me, &f);
    tx.all(&s).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Event {
    pub id: Uuid,
    pub request_id: Uuid,
    #[schema(value_type = String, format = DateTime)]
    pub at: Ts,
    pub kind: String,
    pub from_state: String,
    pub to_state: String,
    pub stage: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub department_id: Option<Uuid>,
    pub department_name: String,
    pub note: String,
}

pub async fn insert_events(tx: &mut Tx, es: &[Event]) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO request_event (id, request_id, at, kind, from_state, to_state, stage, actor_id, actor_name, department_id, department_name, note)",
        es,
        |e| {
            vec![
                e.id.into(),
                e.request_id.into(),
                e.at.into(),
                (&e.kind).into(),
                (&e.from_state).into(),
                (&e.to_state).into(),
                (&e.stage).into(),
                e.actor_id.into(),
                (&e.actor_name).into(),
                e.department_id.into(),
                (&e.department_name).into(),
                (&e.note).into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn events(tx: &mut Tx, request: Uuid) -> Result<Vec<Event>, Error> {
    tx.all(&Sql::new("SELECT * FROM request_event WHERE request_id = $1 ORDER BY at, id").bind(request)).await
}

/// The events of many requests (figures: stage durations).
pub async fn events_of(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<Event>, Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::sql::IN_CHUNK) {
        let mut s = Sql::new("SELECT * FROM request_event WHERE request_id IN ");
        crate::sql::in_list(&mut s, chunk);
        s.push(" ORDER BY at, id");
        out.extend(tx.all::<Event>(&s).await?);
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Extension {
    pub id: Uuid,
    pub request_id: Uuid,
    pub days: i64,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub requested_by: Option<Uuid>,
    pub requested_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: Ts,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Ts>,
    pub decision_note: String,
}

pub async fn insert_extension(tx: &mut Tx, x: &Extension) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO request_extension (id, request_id, days, reason, state, requested_by, requested_by_name, requested_at, decided_by, decided_by_name, decided_at, decision_note)",
        &[x],
        |x| {
            vec![
                x.id.into(),
                x.request_id.into(),
                x.days.into(),
                (&x.reason).into(),
                (&x.state).into(),
                x.requested_by.into(),
                (&x.requested_by_name).into(),
                x.requested_at.into(),
                x.decided_by.into(),
                (&x.decided_by_name).into(),
                x.decided_at.into(),
                (&x.decision_note).into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

/// Decides a pending extension; false when it was no longer pending (someone decided first).
pub async fn decide_extension(tx: &mut Tx, x: &Extension) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new(
                "UPDATE request_extension SET state = $1, decided_by = $2, decided_by_name = $3, decided_at = $4, decision_note = $5 \
                 WHERE id = $6 AND state = 'pending'",
            )
            .bind(&x.state)
            .bind(x.decided_by)
            .bind(&x.decided_by_name)
            .bind(x.decided_at)
            .bind(&x.decision_note)
            .bind(x.id),
        )
        .await?;
    Ok(n == 1)
}

pub async fn extensions(tx: &mut Tx, request: Uuid) -> Result<Vec<Extension>, Error> {
    tx.all(&Sql::new("SELECT * FROM request_extension WHERE request_id = $1 ORDER BY requested_at").bind(request)).await
}

/// The next number of a day's sequence (request numbers): one counter row per day.
pub async fn next_number(tx: &mut Tx, day: &str) -> Result<i64, Error> {
    let name = format!("request_no:{day}");
    tx.exec(&Sql::new("INSERT INTO counter (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING").bind(name.as_str())).await?;
    let (n,): (i64,) =
        tx.one(&Sql::new("UPDATE counter SET value = value + 1 WHERE name = $1 RETURNING value").bind(name.as_str())).await?;
    Ok(n)
}
