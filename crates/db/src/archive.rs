//! The enterprise growth archive (一企一档): profile, former names, label periods, grade history,
//! contacts, certificates, IP assets, yearly figures and the timeline, read through the scope.

use crate::sql::{Arg, IN_CHUNK, in_list};
use crate::{Day, Sql, Ts, Tx, search};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;
use zt_domain::scope::Scope;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EnterpriseRow {
    pub id: Uuid,
    pub uscc: String,
    pub name: String,
    pub registered_on: Option<Day>,
    pub registered_address: String,
    pub operating_address: String,
    pub station_id: Uuid,
    pub cluster: String,
    pub industry_code: String,
    pub industry_name: String,
    pub size: String,
    pub upgrade_potential: bool,
    pub stage: String,
    pub legal_rep_name: String,
    pub legal_rep_id_enc: Option<String>,
    pub legal_rep_id_hash: Option<String>,
    pub legal_rep_phone_enc: Option<String>,
    pub legal_rep_phone_hash: Option<String>,
    pub grade: Option<String>,
    pub version: i64,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// Appends the scope predicate on an enterprise's station column.
pub fn scope_predicate(s: &mut Sql, scope: &Scope, station_col: &str) {
    match *scope {
        Scope::Station { station, .. } | Scope::Department { station: Some(station), .. } => {
            s.push(&format!(" AND {station_col} = ")).param(station);
        }
        Scope::Bureau { bureau } | Scope::Department { bureau, station: None, .. } => {
            s.push(&format!(" AND {station_col} IN (SELECT id FROM station WHERE bureau_id = ")).param(bureau).push(")");
        }
        // the admin roles hold no enterprise permission; nothing to see either way
        Scope::All | Scope::None => {
            s.push(" AND 1 = 0");
        }
    }
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<EnterpriseRow, Error> {
    let mut s = Sql::new("SELECT * FROM enterprise WHERE id = ");
    s.param(id);
    scope_predicate(&mut s, scope, "station_id");
    tx.one(&s).await
}

pub async fn get_unscoped(tx: &mut Tx, id: Uuid) -> Result<Option<EnterpriseRow>, Error> {
    tx.opt(&Sql::new("SELECT * FROM enterprise WHERE id = $1").bind(id)).await
}

pub async fn by_uscc_unscoped(tx: &mut Tx, uscc: &str) -> Result<Option<EnterpriseRow>, Error> {
    tx.opt(&Sql::new("SELECT * FROM enterprise WHERE uscc = $1").bind(uscc)).await
}

/// The enterprises holding any of `codes` (a batch of an import).
pub async fn by_usccs_unscoped(tx: &mut Tx, codes: &[String]) -> Result<Vec<EnterpriseRow>, Error> {
    let mut out = Vec::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let mut q = Sql::new("SELECT * FROM enterprise WHERE uscc IN ");
        in_list(&mut q, chunk);
        out.extend(tx.all::<EnterpriseRow>(&q).await?);
    }
    Ok(out)
}

/// Which of `ids` the scope may see.
pub async fn visible_ids(tx: &mut Tx, scope: &Scope, ids: &[Uuid]) -> Result<HashSet<Uuid>, Error> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let mut q = Sql::new("SELECT id FROM enterprise WHERE id IN ");
        in_list(&mut q, chunk);
        scope_predicate(&mut q, scope, "station_id");
        out.extend(tx.all::<(Uuid,)>(&q).await?.into_iter().map(|r| r.0));
    }
    Ok(out)
}

/// The names of the liaisons already on file for each of `ids`.
pub async fn liaison_names(tx: &mut Tx, ids: &[Uuid]) -> Result<HashSet<(Uuid, String)>, Error> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let mut q = Sql::new("SELECT enterprise_id, name FROM enterprise_contact WHERE role = 'liaison' AND enterprise_id IN ");
        in_list(&mut q, chunk);
        out.extend(tx.all::<(Uuid, String)>(&q).await?);
    }
    Ok(out)
}

pub async fn insert(tx: &mut Tx, e: &EnterpriseRow) -> Result<(), Error> {
    insert_many(tx, std::slice::from_ref(e)).await
}

/// New enterprises, in as few statements as the bind limits allow.
pub async fn insert_many(tx: &mut Tx, es: &[EnterpriseRow]) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO enterprise (id, uscc, name, registered_on, registered_address, operating_address, station_id, cluster, industry_code, \
         industry_name, size, upgrade_potential, stage, legal_rep_name, legal_rep_id_enc, legal_rep_id_hash, legal_rep_phone_enc, \
         legal_rep_phone_hash, grade, version, created_at, updated_at)",
        es,
        |e| {
            vec![
                e.id.into(),
                (&e.uscc).into(),
                (&e.name).into(),
                Arg::Day(e.registered_on),
                (&e.registered_address).into(),
                (&e.operating_address).into(),
                e.station_id.into(),
                (&e.cluster).into(),
                (&e.industry_code).into(),
                (&e.industry_name).into(),
                (&e.size).into(),
                e.upgrade_potential.into(),
                (&e.stage).into(),
                (&e.legal_rep_name).into(),
                e.legal_rep_id_enc.clone().into(),
                e.legal_rep_id_hash.clone().into(),
                e.legal_rep_phone_enc.clone().into(),
                e.legal_rep_phone_hash.clone().into(),
                e.grade.clone().into(),
                e.version.into(),
                e.created_at.into(),
                e.updated_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

pub async fn save(tx: &mut Tx, e: &EnterpriseRow, expected_version: i64) -> Result<(), Error> {
    save_many(tx, &[(e.clone(), expected_version)]).await
}

/// Writes changed enterprises, each `(row, the version it was read at)`: one statement prepared
/// once, or 409 `conflict.version` if any was changed by someone else meanwhile.
pub async fn save_many(tx: &mut Tx, es: &[(EnterpriseRow, i64)]) -> Result<(), Error> {
    let rows: Vec<Vec<Arg>> = es
        .iter()
        .map(|(e, expected)| {
            vec![
                (&e.uscc).into(),
                (&e.name).into(),
                Arg::Day(e.registered_on),
                (&e.registered_address).into(),
                (&e.operating_address).into(),
                e.station_id.into(),
                (&e.cluster).into(),
                (&e.industry_code).into(),
                (&e.industry_name).into(),
                (&e.size).into(),
                e.upgrade_potential.into(),
                (&e.stage).into(),
                (&e.legal_rep_name).into(),
                e.legal_rep_id_enc.clone().into(),
                e.legal_rep_id_hash.clone().into(),
                e.legal_rep_phone_enc.clone().into(),
                e.legal_rep_phone_hash.clone().into(),
                e.grade.clone().into(),
                e.version.into(),
                e.updated_at.into(),
                e.id.into(),
                (*expected).into(),
            ]
        })
        .collect();
    let changed = tx
        .run_each(
            "UPDATE enterprise SET uscc = $1, name = $2, registered_on = $3, registered_address = $4, operating_address = $5, station_id = $6, \
             cluster = $7, industry_code = $8, industry_name = $9, size = $10, upgrade_potential = $11, stage = $12, legal_rep_name = $13, \
             legal_rep_id_enc = $14, legal_rep_id_hash = $15, legal_rep_phone_enc = $16, legal_rep_phone_hash = $17, grade = $18, \
             version = $19, updated_at = $20 WHERE id = $21 AND version = $22",
            rows,
        )
        .await?;
    changed.into_iter().try_for_each(crate::expect_one)
}

/// Rewrites the search document: name, legal representative, former names and contact names.
pub async fn reindex(tx: &mut Tx, id: Uuid) -> Result<(), Error> {
    reindex_many(tx, &[id]).await
}

/// Rewrites the search documents of many enterprises with a few queries per thousand.
pub async fn reindex_many(tx: &mut Tx, ids: &[Uuid]) -> Result<(), Error> {
    for chunk in ids.chunks(IN_CHUNK) {
        let mut texts: HashMap<Uuid, Vec<String>> = HashMap::new();
        for sql in [
            "SELECT id, name FROM enterprise WHERE id IN ",
            "SELECT id, legal_rep_name FROM enterprise WHERE id IN ",
            "SELECT enterprise_id, name FROM enterprise_former_name WHERE enterprise_id IN ",
            "SELECT enterprise_id, name FROM enterprise_contact WHERE enterprise_id IN ",
        ] {
            let mut q = Sql::new(sql);
            in_list(&mut q, chunk);
            for (id, text) in tx.all::<(Uuid, String)>(&q).await? {
                texts.entry(id).or_default().push(text);
            }
        }
        let docs: Vec<(Uuid, String)> = chunk
            .iter()
            .filter_map(|id| texts.get(id).map(|t| (*id, search::index_tokens(&t.iter().map(String::as_str).collect::<Vec<_>>()))))
            .collect();
        search::upsert_many(tx, &docs).await?;
    }
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub station_id: Option<Uuid>,
    /// GB/T 4754 code prefix, e.g. "C27".
    pub industry: Option<String>,
    pub size: Option<String>,
    pub stage: Option<String>,
    pub label: Option<String>,
    pub grade: Option<String>,
    /// Labels and grades as they held on this date (default: today).
    pub as_of: Option<Day>,
    /// Only enterprises with a certificate expiring between today and `expiring_until`.
    pub expiring_until: Option<Day>,
    pub ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    RegisteredOn,
    UpdatedAt,
    /// Search-index order, newest documents first: the cheap order for word searches, which
    /// needs no sort of all matches.
    Relevance,
    /// Code order, for USCC prefix searches.
    Uscc,
}

/// Counts stop here: a list says "1,000+" rather than counting a million rows (the figures
/// module gives exact numbers).
pub const COUNT_CAP: i64 = 1_000;

pub fn is_uscc_prefix(q: &str) -> bool {
    let q = q.trim().to_uppercase();
    let n = q.chars().count();
    (2..=18).contains(&n) && q.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) && q.chars().any(|c| c.is_ascii_digit())
}

/// What a text query becomes: a USCC prefix range, words for the full-text index, or nothing.
enum Text {
    None,
    Uscc(String),
    Words(Vec<String>),
    Nothing,
}

fn text_of(f: &Filter) -> Text {
    match f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => Text::None,
        Some(q) if is_uscc_prefix(q) => Text::Uscc(q.to_uppercase()),
        Some(q) => {
            let words = search::query_words(q);
            if words.is_empty() { Text::Nothing } else { Text::Words(words) }
        }
    }
}

/// FROM and WHERE for a list: driven by the full-text index when there are words, so the cost
/// follows the matches rather than the size of the table.
/// `page`: the statement reads one page in list order (filters as correlated probes that stop
/// early); otherwise it counts (filters as sets read from their own index).
fn filtered(select: &str, scope: &Scope, f: &Filter, today: Day, sqlite: bool, page: bool) -> Sql {
    let text = text_of(f);
    // periods never overlap, so one grade row per enterprise matches a day
    let driven_by_grade = !page && matches!(text, Text::None) && f.grade.is_some() && f.as_of.is_some();
    let mut s = Sql::new(select);
    match (&text, sqlite) {
        (Text::Words(words), true) => {
            let q = words.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND ");
            s.push(" FROM enterprise_search_fts f JOIN enterprise_search es ON es.doc_no = f.rowid JOIN enterprise e ON e.id = es.enterprise_id WHERE enterprise_search_fts MATCH ").param(q);
        }
        (Text::Words(words), false) => {
            let q = words.iter().map(|w| format!("'{}'", w.replace('\'', "''").replace('\\', "\\\\"))).collect::<Vec<_>>().join(" & ");
            s.push(" FROM enterprise_search es JOIN enterprise e ON e.id = es.enterprise_id WHERE to_tsvector('simple', es.tokens) @@ to_tsquery('simple', ").param(q).push(")");
        }
        (Text::Uscc(p), _) => {
            s.push(" FROM enterprise e WHERE e.uscc >= ").param(p.clone()).push(" AND e.uscc < ").param(format!("{p}~"));
        }
        (Text::Nothing, _) => {
            s.push(" FROM enterprise e WHERE 1 = 0");
        }
        (Text::None, _) if driven_by_grade => {
            // counting "grade X on day D": walk that grade's periods and stop at the cap
            let as_of = f.as_of.unwrap_or(today);
            s.push(" FROM enterprise_grade g JOIN enterprise e ON e.id = g.enterprise_id WHERE g.grade = ")
                .param(f.grade.clone().unwrap_or_default())
                .push(" AND g.effective_on <= ")
                .param(as_of)
                .push(" AND (g.superseded_on IS NULL OR g.superseded_on > ")
                .param(as_of)
                .push(")");
        }
        (Text::None, _) => {
            s.push(" FROM enterprise e WHERE 1 = 1");
        }
    }
    match scope {
        // a bureau's stations hold most rows: SQLite should walk the order's index and filter,
        // not read them all through the station index and sort
        Scope::Bureau { .. } | Scope::Department { station: None, .. } if sqlite => scope_predicate(&mut s, scope, "+e.station_id"),
        _ => scope_predicate(&mut s, scope, "e.station_id"),
    }
    let as_of = f.as_of.unwrap_or(today);
    if let Some(st) = f.station_id {
        s.push(" AND e.station_id = ").param(st);
    }
    if let Some(ind) = f.industry.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        let p = ind.to_uppercase();
        s.push(" AND e.industry_code >= ").param(p.clone()).push(" AND e.industry_code < ").param(format!("{p}~"));
    }
    if let Some(size) = &f.size {
        s.push(" AND e.size = ").param(size.as_str());
    }
    if let Some(stage) = &f.stage {
        s.push(" AND e.stage = ").param(stage.as_str());
    }
    // Correlated EXISTS probes: the planner can walk the page order and stop early.
    if let Some(label) = &f.label {
        s.push(" AND EXISTS (SELECT 1 FROM enterprise_label l WHERE l.enterprise_id = e.id AND l.label = ")
            .param(label.as_str())
            .push(" AND l.valid_from <= ")
            .param(as_of)
            .push(" AND (l.valid_to IS NULL OR l.valid_to >= ")
            .param(as_of)
            .push("))");
    }
    if let (Some(grade), None) = (&f.grade, f.as_of) {
        // today's grade is kept on the row (see `refresh_current_grades`)
        s.push(" AND e.grade = ").param(grade.as_str());
    }
    if let (Some(grade), Some(_), true) = (&f.grade, f.as_of, page) {
        // the grade in force on the date, probed per row along the page's order
        s.push(" AND EXISTS (SELECT 1 FROM enterprise_grade g WHERE g.enterprise_id = e.id AND g.grade = ")
            .param(grade.as_str())
            .push(" AND g.effective_on <= ")
            .param(as_of)
            .push(" AND (g.superseded_on IS NULL OR g.superseded_on > ")
            .param(as_of)
            .push("))");
    }
    if let (Some(grade), Some(_), false, false) = (&f.grade, f.as_of, page, driven_by_grade) {
        // counting: the records whose period covers the date, read from the grade index
        s.push(" AND e.id IN (SELECT g.enterprise_id FROM enterprise_grade g WHERE g.grade = ")
            .param(grade.as_str())
            .push(" AND g.effective_on <= ")
            .param(as_of)
            .push(" AND (g.superseded_on IS NULL OR g.superseded_on > ")
            .param(as_of)
            .push("))");
    }
    if let Some(until) = f.expiring_until {
        s.push(" AND EXISTS (SELECT 1 FROM certificate c WHERE c.enterprise_id = e.id AND c.expires_on >= ")
            .param(today)
            .push(" AND c.expires_on <= ")
            .param(until)
            .push(")");
    }
    if let Some(ids) = &f.ids {
        if ids.is_empty() {
            s.push(" AND 1 = 0");
        } else {
            s.push(" AND e.id IN ");
            in_list(&mut s, ids);
        }
    }
    s
}

#[derive(Debug, Clone)]
pub struct ListRow {
    pub e: EnterpriseRow,
    pub station_name: String,
}

/// The default order for a filter: search-index order for words, code order for a USCC prefix,
/// otherwise by name.
pub fn default_sort(f: &Filter) -> Sort {
    match text_of(f) {
        Text::Words(_) => Sort::Relevance,
        Text::Uscc(_) => Sort::Uscc,
        _ => Sort::Name,
    }
}

fn count_sql(scope: &Scope, f: &Filter, today: Day, cap: i64, sqlite: bool) -> Sql {
    let mut inner = filtered("SELECT 1", scope, f, today, sqlite, false);
    // literal limits: SQLite picks an ordered, early-stopping plan only when it sees them
    inner.push(&format!(" LIMIT {}", cap.saturating_add(1)));
    Sql { text: format!("SELECT count(*) FROM ({}) t", inner.text), args: inner.args }
}

#[allow(clippy::too_many_arguments)]
fn page_sql(scope: &Scope, f: &Filter, sort: Sort, desc: bool, limit: i64, offset: i64, today: Day, sqlite: bool) -> Sql {
    let mut s = filtered("SELECT e.*", scope, f, today, sqlite, true);
    let words = matches!(text_of(f), Text::Words(_));
    let col = match sort {
        Sort::Name => "e.name",
        Sort::RegisteredOn => "e.registered_on",
        Sort::UpdatedAt => "e.updated_at",
        Sort::Uscc => "e.uscc",
        Sort::Relevance if words && sqlite => "f.rowid",
        Sort::Relevance if words => "es.doc_no",
        Sort::Relevance => "e.name",
    };
    let dir = if desc || (sort == Sort::Relevance && words) { "DESC" } else { "ASC" };
    if col == "f.rowid" {
        s.push(&format!(" ORDER BY {col} {dir} LIMIT {} OFFSET {}", limit.max(0), offset.max(0)));
    } else {
        s.push(&format!(" ORDER BY {col} {dir}, e.id {dir} LIMIT {} OFFSET {}", limit.max(0), offset.max(0)));
    }
    s
}

/// The count and page statements of a list, for `EXPLAIN` in benchmarks.
#[allow(clippy::too_many_arguments)]
pub fn list_statements(scope: &Scope, f: &Filter, sort: Sort, desc: bool, limit: i64, offset: i64, today: Day, sqlite: bool) -> [Sql; 2] {
    [count_sql(scope, f, today, COUNT_CAP, sqlite), page_sql(scope, f, sort, desc, limit, offset, today, sqlite)]
}

/// The number of matches, counted up to `cap` (then `(cap, true)`).
pub async fn count_matches(tx: &mut Tx, scope: &Scope, f: &Filter, today: Day, cap: i64) -> Result<(i64, bool), Error> {
    let sqlite = matches!(tx, Tx::Sqlite(_));
    let n = tx.count(&count_sql(scope, f, today, cap, sqlite)).await?;
    Ok(if n > cap { (cap, true) } else { (n, false) })
}

/// One page of enterprises and the (capped) number of matches.
#[allow(clippy::too_many_arguments)]
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &Filter,
    sort: Sort,
    desc: bool,
    limit: i64,
    offset: i64,
    today: Day,
) -> Result<(Vec<ListRow>, i64, bool), Error> {
    let sqlite = matches!(tx, Tx::Sqlite(_));
    let (total, capped) = count_matches(tx, scope, f, today, COUNT_CAP).await?;
    let rows: Vec<EnterpriseRow> = tx.all(&page_sql(scope, f, sort, desc, limit, offset, today, sqlite)).await?;
    let names: std::collections::HashMap<Uuid, String> =
        tx.all::<(Uuid, String)>(&Sql::new("SELECT id, name FROM station")).await?.into_iter().collect();
    let rows = rows.into_iter().map(|e| ListRow { station_name: names.get(&e.station_id).cloned().unwrap_or_default(), e }).collect();
    Ok((rows, total, capped))
}

/// Labels in force on `on` for each of `ids`.
pub async fn labels_on(tx: &mut Tx, ids: &[Uuid], on: Day) -> Result<Vec<(Uuid, String)>, Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut s =
        Sql::new("SELECT l.enterprise_id, l.label FROM enterprise_label l JOIN label_def d ON d.code = l.label WHERE l.valid_from <= ");
    s.param(on).push(" AND (l.valid_to IS NULL OR l.valid_to >= ").param(on).push(") AND l.enterprise_id IN ");
    in_list(&mut s, ids);
    s.push(" ORDER BY d.sort_order");
    tx.all(&s).await
}

/// Certificates expiring in [from, until] per enterprise.
pub async fn expiring_counts(tx: &mut Tx, ids: &[Uuid], from: Day, until: Day) -> Result<Vec<(Uuid, i64)>, Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut s = Sql::new("SELECT enterprise_id, count(*) FROM certificate WHERE expires_on >= ");
    s.param(from).push(" AND expires_on <= ").param(until).push(" AND enterprise_id IN ");
    in_list(&mut s, ids);
    s.push(" GROUP BY enterprise_id");
    tx.all(&s).await
}

pub async fn station_name(tx: &mut Tx, station: Uuid) -> Result<String, Error> {
    let (n,): (String,) = tx.one(&Sql::new("SELECT name FROM station WHERE id = $1").bind(station)).await?;
    Ok(n)
}

// ------------------------------------------------------------------ former names

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct FormerName {
    pub name: String,
    /// The last day the name was used.
    #[schema(value_type = String, format = Date)]
    pub until: Day,
}

pub async fn former_names(tx: &mut Tx, id: Uuid) -> Result<Vec<FormerName>, Error> {
    tx.all(&Sql::new("SELECT name, until FROM enterprise_former_name WHERE enterprise_id = $1 ORDER BY until DESC").bind(id)).await
}

pub async fn add_former_name(tx: &mut Tx, id: Uuid, name: &str, until: Day) -> Result<(), Error> {
    tx.exec(
        &Sql::new("INSERT INTO enterprise_former_name (id, enterprise_id, name, until) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(name)
            .bind(until),
    )
    .await
    .map(|_| ())
}

// ------------------------------------------------------------------ labels

/// An enterprise label (the `enterprise_label` dictionary).
pub type LabelDef = crate::dicts::Entry;

pub async fn label_defs(tx: &mut Tx) -> Result<Vec<LabelDef>, Error> {
    crate::dicts::entries(tx, "enterprise_label").await
}

pub async fn insert_label_def(tx: &mut Tx, d: &LabelDef) -> Result<(), Error> {
    crate::dicts::insert(tx, "enterprise_label", d).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LabelPeriod {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub label: String,
    #[schema(value_type = String, format = Date)]
    pub valid_from: Day,
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<Day>,
    pub note: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
}

pub async fn labels(tx: &mut Tx, id: Uuid) -> Result<Vec<LabelPeriod>, Error> {
    tx.all(&Sql::new("SELECT * FROM enterprise_label WHERE enterprise_id = $1 ORDER BY valid_from DESC, created_at DESC").bind(id)).await
}

pub async fn insert_label(tx: &mut Tx, l: &LabelPeriod) -> Result<(), Error> {
    insert_labels(tx, std::slice::from_ref(l)).await
}

pub async fn insert_labels(tx: &mut Tx, ls: &[LabelPeriod]) -> Result<(), Error> {
    tx.insert_many("INSERT INTO enterprise_label (id, enterprise_id, label, valid_from, valid_to, note, version, created_at)", ls, |l| {
        vec![
            l.id.into(),
            l.enterprise_id.into(),
            (&l.label).into(),
            l.valid_from.into(),
            Arg::Day(l.valid_to),
            (&l.note).into(),
            l.version.into(),
            l.created_at.into(),
        ]
    })
    .await
    .map(|_| ())
}

pub async fn save_label(tx: &mut Tx, l: &LabelPeriod, expected: i64) -> Result<(), Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE enterprise_label SET valid_to = $1, note = $2, version = $3 WHERE id = $4 AND version = $5")
                .bind(crate::sql::Arg::Day(l.valid_to))
                .bind(&l.note)
                .bind(l.version)
                .bind(l.id)
                .bind(expected),
        )
        .await?;
    crate::expect_one(n)
}

pub async fn label_period(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<LabelPeriod, Error> {
    let mut s = Sql::new("SELECT l.* FROM enterprise_label l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.id = ");
    s.param(id);
    scope_predicate(&mut s, scope, "e.station_id");
    tx.one(&s).await
}

// ------------------------------------------------------------------ grades

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct GradeRecord {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub grade: String,
    #[schema(value_type = String, format = Date)]
    pub effective_on: Day,
    pub reason: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    /// The day the next record replaced this one (exclusive); none while it holds.
    #[schema(value_type = Option<String>, format = Date)]
    pub superseded_on: Option<Day>,
}

pub async fn grades(tx: &mut Tx, id: Uuid) -> Result<Vec<GradeRecord>, Error> {
    tx.all(&Sql::new("SELECT * FROM enterprise_grade WHERE enterprise_id = $1 ORDER BY effective_on DESC, created_at DESC").bind(id)).await
}

pub async fn insert_grade(tx: &mut Tx, g: &GradeRecord) -> Result<(), Error> {
    insert_grades(tx, std::slice::from_ref(g)).await?;
    // re-derive the enterprise's periods: a record may be back-dated between two others
    tx.exec(
        &Sql::new(
            "UPDATE enterprise_grade SET superseded_on = (SELECT g2.effective_on FROM enterprise_grade g2 \
             WHERE g2.enterprise_id = enterprise_grade.enterprise_id AND (g2.effective_on > enterprise_grade.effective_on \
             OR (g2.effective_on = enterprise_grade.effective_on AND g2.created_at > enterprise_grade.created_at)) \
             ORDER BY g2.effective_on, g2.created_at LIMIT 1) WHERE enterprise_id = $1",
        )
        .bind(g.enterprise_id),
    )
    .await
    .map(|_| ())
}

/// Grade records with their periods as given: whole histories from generators and bulk loads
/// (a single record goes through [`insert_grade`], which re-derives the periods).
pub async fn insert_grades(tx: &mut Tx, gs: &[GradeRecord]) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO enterprise_grade (id, enterprise_id, grade, effective_on, reason, actor_id, actor_name, created_at, superseded_on)",
        gs,
        |g| {
            vec![
                g.id.into(),
                g.enterprise_id.into(),
                (&g.grade).into(),
                g.effective_on.into(),
                (&g.reason).into(),
                g.actor_id.into(),
                (&g.actor_name).into(),
                g.created_at.into(),
                Arg::Day(g.superseded_on),
            ]
        },
    )
    .await
    .map(|_| ())
}

/// Brings `enterprise.grade` up to date for grades that took effect since `since` (a grade
/// may be recorded ahead of its effective date). Run by the housekeeping task.
pub async fn refresh_current_grades(tx: &mut Tx, since: Day, today: Day) -> Result<u64, Error> {
    tx.exec(
        &Sql::new(
            "UPDATE enterprise SET grade = (SELECT g.grade FROM enterprise_grade g WHERE g.enterprise_id = enterprise.id AND g.effective_on <= $1 \
             ORDER BY g.effective_on DESC, g.created_at DESC LIMIT 1) \
             WHERE id IN (SELECT enterprise_id FROM enterprise_grade WHERE effective_on > $2 AND effective_on <= $1)",
        )
        .bind(today)
        .bind(since),
    )
    .await
}

/// The grade in force on `on`.
pub async fn grade_on(tx: &mut Tx, id: Uuid, on: Day) -> Result<Option<String>, Error> {
    let r: Option<(String,)> = tx
        .opt(&Sql::new("SELECT grade FROM enterprise_grade WHERE enterprise_id = $1 AND effective_on <= $2 ORDER BY effective_on DESC, created_at DESC LIMIT 1").bind(id).bind(on))
        .await?;
    Ok(r.map(|x| x.0))
}

// ------------------------------------------------------------------ contacts, certificates, IP

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactRow {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub role: String,
    pub name: String,
    pub position: String,
    pub phone_enc: Option<String>,
    pub phone_hash: Option<String>,
    pub email: String,
    pub note: String,
    pub version: i64,
    pub created_at: Ts,
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Certificate {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub kind: String,
    pub name: String,
    pub number: String,
    pub issuer: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<Day>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Day>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct IpAsset {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    /// invention · utility_model · design · trademark · software
    pub kind: String,
    pub number: String,
    pub title: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub filed_on: Option<Day>,
    #[schema(value_type = Option<String>, format = Date)]
    pub granted_on: Option<Day>,
    /// pending · granted · expired · transferred
    pub status: String,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

/// A row of a child table (contact, certificate, IP asset) whose enterprise is in scope.
pub async fn child<T: ChildRecord>(tx: &mut Tx, scope: &Scope, id: Uuid) -> Result<T, Error> {
    let mut s = Sql::new(&format!("SELECT c.* FROM {} c JOIN enterprise e ON e.id = c.enterprise_id WHERE c.id = ", T::TABLE));
    s.param(id);
    scope_predicate(&mut s, scope, "e.station_id");
    tx.one(&s).await
}

pub async fn children<T: ChildRecord>(tx: &mut Tx, enterprise: Uuid, order: &str) -> Result<Vec<T>, Error> {
    tx.all(&Sql::new(&format!("SELECT * FROM {} WHERE enterprise_id = $1 ORDER BY {order}", T::TABLE)).bind(enterprise)).await
}

pub async fn delete_child<T: ChildRecord>(tx: &mut Tx, id: Uuid) -> Result<(), Error> {
    tx.exec(&Sql::new(&format!("DELETE FROM {} WHERE id = $1", T::TABLE)).bind(id)).await.map(|_| ())
}

/// A record of an enterprise's archive in a table of its own (contacts, certificates, IP
/// assets): the table and the columns a change may set are named once, and one insert and one
/// versioned update serve every kind.
pub trait ChildRecord: crate::sql::Row + Sync {
    const TABLE: &'static str;
    /// The columns between `enterprise_id` and `version`, in the order of [`Self::fields`].
    const FIELDS: &'static [&'static str];
    fn id(&self) -> Uuid;
    fn enterprise_id(&self) -> Uuid;
    fn fields(&self) -> Vec<Arg>;
    /// Version, created and updated.
    fn stamps(&self) -> (i64, Ts, Ts);
    /// Marks a change: the next version, made at `at`.
    fn touch(&mut self, version: i64, at: Ts);
}

macro_rules! child_record {
    ($t:ty, $table:literal, $($f:ident),+) => {
        impl ChildRecord for $t {
            const TABLE: &'static str = $table;
            const FIELDS: &'static [&'static str] = &[$(stringify!($f)),+];
            fn id(&self) -> Uuid {
                self.id
            }
            fn enterprise_id(&self) -> Uuid {
                self.enterprise_id
            }
            fn fields(&self) -> Vec<Arg> {
                vec![$(self.$f.clone().into()),+]
            }
            fn stamps(&self) -> (i64, Ts, Ts) {
                (self.version, self.created_at, self.updated_at)
            }
            fn touch(&mut self, version: i64, at: Ts) {
                self.version = version;
                self.updated_at = at;
            }
        }
    };
}
child_record!(ContactRow, "enterprise_contact", role, name, position, phone_enc, phone_hash, email, note);
child_record!(Certificate, "certificate", kind, name, number, issuer, issued_on, expires_on);
child_record!(IpAsset, "ip_asset", kind, number, title, filed_on, granted_on, status);

pub async fn insert_children<T: ChildRecord>(tx: &mut Tx, rows: &[T]) -> Result<(), Error> {
    let head = format!("INSERT INTO {} (id, enterprise_id, {}, version, created_at, updated_at)", T::TABLE, T::FIELDS.join(", "));
    tx.insert_many(&head, rows, |c| {
        let (version, created, updated) = c.stamps();
        let mut v = Vec::with_capacity(T::FIELDS.len() + 5);
        v.extend([c.id().into(), c.enterprise_id().into()]);
        v.extend(c.fields());
        v.extend([version.into(), created.into(), updated.into()]);
        v
    })
    .await
    .map(|_| ())
}

/// Writes a changed record if it is still at version `expected`; else a conflict.
pub async fn save_child<T: ChildRecord>(tx: &mut Tx, c: &T, expected: i64) -> Result<(), Error> {
    let n = T::FIELDS.len();
    let sets: Vec<String> = T::FIELDS.iter().enumerate().map(|(i, f)| format!("{f} = ${}", i + 1)).collect();
    let mut q = Sql::new(&format!(
        "UPDATE {} SET {}, version = ${}, updated_at = ${} WHERE id = ${} AND version = ${}",
        T::TABLE,
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4
    ));
    q.args.extend(c.fields());
    let (version, _, updated) = c.stamps();
    let q = q.bind(version).bind(updated).bind(c.id()).bind(expected);
    crate::expect_one(tx.exec(&q).await?)
}

// ------------------------------------------------------------------ figures

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct YearFigures {
    #[serde(skip)]
    pub enterprise_id: Uuid,
    pub year: i64,
    /// Yuan.
    pub revenue: Option<i64>,
    pub rd_spend: Option<i64>,
    pub employees: Option<i64>,
    pub tax_paid: Option<i64>,
    pub output_value: Option<i64>,
    #[serde(skip)]
    pub updated_at: Ts,
}

pub async fn figures(tx: &mut Tx, id: Uuid) -> Result<Vec<YearFigures>, Error> {
    tx.all(&Sql::new("SELECT * FROM enterprise_figure WHERE enterprise_id = $1 ORDER BY year").bind(id)).await
}

pub async fn upsert_figures(tx: &mut Tx, f: &YearFigures) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "INSERT INTO enterprise_figure (enterprise_id, year, revenue, rd_spend, employees, tax_paid, output_value, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) \
             ON CONFLICT (enterprise_id, year) DO UPDATE SET revenue = excluded.revenue, rd_spend = excluded.rd_spend, employees = excluded.employees, \
             tax_paid = excluded.tax_paid, output_value = excluded.output_value, updated_at = excluded.updated_at",
        )
        .bind(f.enterprise_id)
        .bind(f.year)
        .bind(f.revenue)
        .bind(f.rd_spend)
        .bind(f.employees)
        .bind(f.tax_paid)
        .bind(f.output_value)
        .bind(f.updated_at),
    )
    .await
    .map(|_| ())
}

/// Figures of enterprises that have none yet (generators, bulk loads).
pub async fn insert_figures(tx: &mut Tx, fs: &[YearFigures]) -> Result<(), Error> {
    tx.insert_many(
        "INSERT INTO enterprise_figure (enterprise_id, year, revenue, rd_spend, employees, tax_paid, output_value, updated_at)",
        fs,
        |f| {
            vec![
                f.enterprise_id.into(),
                f.year.into(),
                f.revenue.into(),
                f.rd_spend.into(),
                f.employees.into(),
                f.tax_paid.into(),
                f.output_value.into(),
                f.updated_at.into(),
            ]
        },
    )
    .await
    .map(|_| ())
}

// ------------------------------------------------------------------ timeline

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct TimelineEntry {
    pub id: Uuid,
    #[serde(skip)]
    pub enterprise_id: Uuid,
    #[schema(value_type = String, format = DateTime)]
    pub at: Ts,
    /// profile · label · grade · contact · certificate · ip · figures · import, and later modules' kinds
    pub kind: String,
    pub summary: String,
    #[serde(skip)]
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub ref_type: String,
    pub ref_id: Option<String>,
}

/// The one way a module tells an enterprise's story.
pub async fn record(tx: &mut Tx, e: &TimelineEntry) -> Result<(), Error> {
    record_many(tx, std::slice::from_ref(e)).await
}

pub async fn record_many(tx: &mut Tx, es: &[TimelineEntry]) -> Result<(), Error> {
    tx.insert_many("INSERT INTO timeline (id, enterprise_id, at, kind, summary, actor_id, actor_name, ref_type, ref_id)", es, |e| {
        vec![
            e.id.into(),
            e.enterprise_id.into(),
            e.at.into(),
            (&e.kind).into(),
            (&e.summary).into(),
            e.actor_id.into(),
            (&e.actor_name).into(),
            (&e.ref_type).into(),
            e.ref_id.clone().into(),
        ]
    })
    .await
    .map(|_| ())
}

pub async fn timeline(tx: &mut Tx, id: Uuid, kind: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<TimelineEntry>, i64), Error> {
    let mut base = Sql::new(" FROM timeline WHERE enterprise_id = ");
    base.param(id);
    if let Some(k) = kind {
        base.push(" AND kind = ").param(k);
    }
    let mut c = Sql { text: format!("SELECT count(*){}", base.text), args: base.args.clone() };
    let total = tx.count(&c).await?;
    c = Sql { text: format!("SELECT *{}", base.text), args: base.args };
    c.push(" ORDER BY at DESC, id DESC LIMIT ").param(limit).push(" OFFSET ").param(offset);
    Ok((tx.all(&c).await?, total))
}
