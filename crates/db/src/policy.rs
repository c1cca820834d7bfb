//! The policy library: policies, their rule versions, stored match results, and the archive
//! figures the rules test, read for many enterprises at once.

use crate::{Arg, Day, Sql, Ts, Tx};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::scope::Scope;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PolicyRow {
    pub id: Uuid,
    pub bureau_id: Uuid,
    pub title: String,
    /// national · city · district · town
    pub level: String,
    pub issuer: String,
    pub document_no: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub published_on: Option<Day>,
    #[schema(value_type = Option<String>, format = Date)]
    pub effective_from: Option<Day>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Day>,
    pub summary: String,
    pub body: String,
    /// JSON array of tags.
    #[serde(skip)]
    #[schema(ignore)]
    pub tags: String,
    pub item_id: Option<Uuid>,
    /// draft · published · withdrawn
    pub status: String,
    pub rule_version: i64,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

const COLUMNS: &str = "id, bureau_id, title, level, issuer, document_no, published_on, effective_from, expires_on, summary, body, tags, \
    item_id, status, rule_version, version, created_at, updated_at";

fn values(p: &PolicyRow) -> Vec<Arg> {
    vec![
        p.id.into(),
        p.bureau_id.into(),
        (&p.title).into(),
        (&p.level).into(),
        (&p.issuer).into(),
        (&p.document_no).into(),
        Arg::Day(p.published_on),
        Arg::Day(p.effective_from),
        Arg::Day(p.expires_on),
        (&p.summary).into(),
        (&p.body).into(),
        (&p.tags).into(),
        p.item_id.into(),
        (&p.status).into(),
        p.rule_version.into(),
        p.version.into(),
        p.created_at.into(),
        p.updated_at.into(),
    ]
}

pub async fn insert(tx: &mut Tx, p: &PolicyRow) -> Result<(), Error> {
    tx.insert_many(&format!("INSERT INTO policy ({COLUMNS})"), std::slice::from_ref(p), values).await.map(|_| ())
}

pub async fn save(tx: &mut Tx, p: &PolicyRow, expected: i64) -> Result<(), Error> {
    tx.save_row("policy", COLUMNS, values(p), p.id, expected, &["id", "bureau_id", "created_at"]).await
}

/// Policies are the bureau's: every account of the bureau (station, department) sees them.
fn scope_predicate(s: &mut Sql, scope: &Scope) {
    match scope.bureau() {
        Some(b) => s.push(" AND p.bureau_id = ").param(b),
        None => s.push(" AND 1 = 0"),
    };
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<PolicyRow, Error> {
    let mut s = Sql::new("SELECT p.* FROM policy p WHERE p.id = ");
    s.param(id);
    scope_predicate(&mut s, scope);
    tx.one(&s).await
}

/// One policy whatever the scope (background jobs).
pub async fn get_unscoped(tx: &mut Tx, id: Uuid) -> Result<PolicyRow, Error> {
    tx.one(&Sql::new("SELECT * FROM policy WHERE id = $1").bind(id)).await
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub level: Option<String>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<PolicyRow>, i64), Error> {
    let mut w = Sql::new(" FROM policy p WHERE 1 = 1");
    scope_predicate(&mut w, scope);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{}%", q.replace('%', "").replace('_', ""));
        w.push(" AND (p.title LIKE ").param(like.as_str()).push(" OR p.document_no LIKE ").param(like.as_str()).push(")");
    }
    if let Some(st) = &f.status {
        w.push(" AND p.status = ").param(st.as_str());
    }
    if let Some(l) = &f.level {
        w.push(" AND p.level = ").param(l.as_str());
    }
    tx.page("p.*", w, "p.updated_at DESC, p.id", limit, offset).await
}

/// The published policies of a bureau in force on `on`.
pub async fn live(tx: &mut Tx, bureau: Uuid, on: Day) -> Result<Vec<PolicyRow>, Error> {
    tx.all(
        &Sql::new(
            "SELECT * FROM policy WHERE bureau_id = $1 AND status = 'published' AND (effective_from IS NULL OR effective_from <= $2) \
             AND (expires_on IS NULL OR expires_on >= $2) ORDER BY title, id",
        )
        .bind(bureau)
        .bind(on),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct RuleRow {
    pub id: Uuid,
    pub policy_id: Uuid,
    pub rule_version: i64,
    /// The rule tree, JSON.
    pub rule: String,
    /// Dated parameters, JSON.
    pub parameters: String,
    pub created_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

pub async fn insert_rule(tx: &mut Tx, r: &RuleRow) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO policy_rule (id, policy_id, rule_version, rule, parameters, created_by_name, created_at)",
        std::slice::from_ref(r),
        |r| {
            vec![
                r.id.into(),
                r.policy_id.into(),
                r.rule_version.into(),
                (&r.rule).into(),
                (&r.parameters).into(),
                (&r.created_by_name).into(),
                r.created_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn rule(tx: &mut Tx, policy: Uuid, version: i64) -> Result<Option<RuleRow>, Error> {
    tx.opt(&Sql::new("SELECT * FROM policy_rule WHERE policy_id = $1 AND rule_version = $2").bind(policy).bind(version)).await
}

pub async fn rules(tx: &mut Tx, policy: Uuid) -> Result<Vec<RuleRow>, Error> {
    tx.all(&Sql::new("SELECT * FROM policy_rule WHERE policy_id = $1 ORDER BY rule_version DESC").bind(policy)).await
}

/// One stored result of matching an enterprise against a policy.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct MatchRow {
    pub policy_id: Uuid,
    pub enterprise_id: Uuid,
    pub rule_version: i64,
    #[schema(value_type = String, format = Date)]
    pub evaluated_on: Day,
    pub verdict: String,
    pub near_miss: bool,
    /// The explanation (JSON), as computed then.
    pub detail: String,
    #[schema(value_type = String, format = DateTime)]
    pub computed_at: Ts,
}

pub async fn matches_of_policy(tx: &mut Tx, policy: Uuid) -> Result<HashMap<Uuid, MatchRow>, Error> {
    let rows: Vec<MatchRow> = tx.all(&Sql::new("SELECT * FROM policy_match WHERE policy_id = $1").bind(policy)).await?;
    Ok(rows.into_iter().map(|r| (r.enterprise_id, r)).collect())
}

pub async fn matches_of_enterprise(tx: &mut Tx, enterprise: Uuid) -> Result<Vec<MatchRow>, Error> {
    tx.all(&Sql::new("SELECT * FROM policy_match WHERE enterprise_id = $1").bind(enterprise)).await
}

/// Replaces the stored results of a policy for these enterprises.
pub async fn store_matches(tx: &mut Tx, policy: Uuid, rows: &[MatchRow]) -> Result<(), Error> {
    for chunk in rows.chunks(crate::sql::IN_CHUNK) {
        let mut s = Sql::new("DELETE FROM policy_match WHERE policy_id = ");
        s.param(policy).push(" AND enterprise_id IN ");
        let ids: Vec<Uuid> = chunk.iter().map(|r| r.enterprise_id).collect();
        crate::sql::in_list(&mut s, &ids);
        tx.exec(&s).await?;
    }
    tx.insert_many(
        "INSERT INTO policy_match (policy_id, enterprise_id, rule_version, evaluated_on, verdict, near_miss, detail, computed_at)",
        rows,
        |r| {
            vec![
                r.policy_id.into(),
                r.enterprise_id.into(),
                r.rule_version.into(),
                r.evaluated_on.into(),
                (&r.verdict).into(),
                r.near_miss.into(),
                (&r.detail).into(),
                r.computed_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

// ------------------------------------------------------------------ archive figures for rules

/// What the rules test about one enterprise, as the archive records it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub id: Uuid,
    pub station_id: Uuid,
    pub industry_code: String,
    pub size: String,
    pub stage: String,
    pub upgrade_potential: bool,
    pub registered_on: Option<Day>,
    pub grade: Option<String>,
    /// Granted IP assets by kind.
    pub ip: HashMap<String, i64>,
    /// Last year's figures (yuan, people).
    pub revenue: Option<i64>,
    pub rd_spend: Option<i64>,
    pub employees: Option<i64>,
    pub tax_paid: Option<i64>,
    /// Labels held on the evaluation day.
    pub labels: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Base {
    id: Uuid,
    station_id: Uuid,
    industry_code: String,
    size: String,
    stage: String,
    upgrade_potential: bool,
    registered_on: Option<Day>,
    grade: Option<String>,
}

/// The facts of every enterprise in scope (or just `only`), for evaluating rules on `on`:
/// figures of the year before, labels held that day.
pub async fn facts(tx: &mut Tx, scope: &Scope, only: Option<Uuid>, on: Day) -> Result<Vec<Facts>, Error> {
    let mut s = Sql::new(
        "SELECT e.id, e.station_id, e.industry_code, e.size, e.stage, e.upgrade_potential, e.registered_on, e.grade FROM enterprise e \
         WHERE 1 = 1",
    );
    crate::archive::scope_predicate(&mut s, scope, "e.station_id");
    if let Some(id) = only {
        s.push(" AND e.id = ").param(id);
    }
    s.push(" ORDER BY e.name, e.id");
    let base: Vec<Base> = tx.all(&s).await?;
    let mut out: Vec<Facts> = base
        .into_iter()
        .map(|b| Facts {
            id: b.id,
            station_id: b.station_id,
            industry_code: b.industry_code,
            size: b.size,
            stage: b.stage,
            upgrade_potential: b.upgrade_potential,
            registered_on: b.registered_on,
            grade: b.grade,
            ..Default::default()
        })
        .collect();
    let index: HashMap<Uuid, usize> = out.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let year = on.0.year() as i64 - 1;
    // read per chunk of enterprises, so one enterprise costs one probe and a district a few
    let ids: Vec<Uuid> = out.iter().map(|f| f.id).collect();
    for chunk in ids.chunks(crate::sql::IN_CHUNK) {
        let mut q = Sql::new("SELECT enterprise_id, kind, COUNT(*) FROM ip_asset WHERE status = 'granted' AND enterprise_id IN ");
        crate::sql::in_list(&mut q, chunk);
        q.push(" GROUP BY enterprise_id, kind");
        let rows: Vec<(Uuid, String, i64)> = tx.all(&q).await?;
        for (e, kind, n) in rows {
            out[index[&e]].ip.insert(kind, n);
        }
        let mut q = Sql::new("SELECT enterprise_id, revenue, rd_spend, employees, tax_paid FROM enterprise_figure WHERE year = ");
        q.param(year).push(" AND enterprise_id IN ");
        crate::sql::in_list(&mut q, chunk);
        let rows: Vec<(Uuid, Option<i64>, Option<i64>, Option<i64>, Option<i64>)> = tx.all(&q).await?;
        for (e, revenue, rd, emp, tax) in rows {
            let f = &mut out[index[&e]];
            (f.revenue, f.rd_spend, f.employees, f.tax_paid) = (revenue, rd, emp, tax);
        }
        let mut q = Sql::new("SELECT enterprise_id, label FROM enterprise_label WHERE valid_from <= ");
        q.param(on).push(" AND (valid_to IS NULL OR valid_to >= ").param(on).push(") AND enterprise_id IN ");
        crate::sql::in_list(&mut q, chunk);
        let rows: Vec<(Uuid, String)> = tx.all(&q).await?;
        for (e, label) in rows {
            out[index[&e]].labels.push(label);
        }
    }
    Ok(out)
}
