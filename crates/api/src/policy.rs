//! `/api/policies`: the policy library (M8). Policies with their documents and versioned
//! eligibility rules; rules checked against the archive's fields when saved; matching one
//! enterprise against every live policy, one policy against every enterprise in scope (eligible,
//! undetermined, near misses, export), and stored runs whose changes reach the enterprise
//! timeline. The engine is `zt_policy`.

use crate::archive::{date_field, one_of};
use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Id, Page, Paging, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json_, json};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::archive::{self as archive_repo, TimelineEntry};
use zt_db::policy::{self as repo, Facts, MatchRow, PolicyRow, RuleRow};
use zt_db::{Day, Tx};
use zt_domain::check::Checks;
use zt_domain::scope::{Actor, Scope};
use zt_domain::{Error, FieldError};
use zt_policy::eval::match_all;
use zt_policy::explain::{Lang, PolicyResult, explain_with, wording};
use zt_policy::rule::{OPS, RuleError};
use zt_policy::{Field, FieldType, RuleSet, Schema, Table, Val};

pub const LEVELS: [&str; 4] = ["national", "city", "district", "town"];

/// GB/T 4754 sections (门类): the first letter of an industry code.
const SECTIONS: [(&str, &str, &str); 20] = [
    ("A", "农、林、牧、渔业", "Agriculture"),
    ("B", "采矿业", "Mining"),
    ("C", "制造业", "Manufacturing"),
    ("D", "电力、热力、燃气及水生产和供应业", "Utilities"),
    ("E", "建筑业", "Construction"),
    ("F", "批发和零售业", "Wholesale and retail"),
    ("G", "交通运输、仓储和邮政业", "Transport and storage"),
    ("H", "住宿和餐饮业", "Hotels and catering"),
    ("I", "信息传输、软件和信息技术服务业", "Information technology"),
    ("J", "金融业", "Finance"),
    ("K", "房地产业", "Real estate"),
    ("L", "租赁和商务服务业", "Leasing and business services"),
    ("M", "科学研究和技术服务业", "Research and technical services"),
    ("N", "水利、环境和公共设施管理业", "Water and environment"),
    ("O", "居民服务、修理和其他服务业", "Household services"),
    ("P", "教育", "Education"),
    ("Q", "卫生和社会工作", "Health and social work"),
    ("R", "文化、体育和娱乐业", "Culture and sports"),
    ("S", "公共管理、社会保障和社会组织", "Public administration"),
    ("T", "国际组织", "International organisations"),
];

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// The fields rules test, as this bureau's archive has them (its stations, its labels).
async fn archive_schema(st: &AppState, tx: &mut Tx, bureau: Uuid) -> Result<Schema, Error> {
    let stations: Vec<(Uuid, String)> =
        tx.all(&zt_db::Sql::new("SELECT id, name FROM station WHERE bureau_id = $1 ORDER BY name, id").bind(bureau)).await?;
    let labels = crate::dicts::entries(st, tx, "enterprise_label").await?;
    let num = |name: &str, ty: FieldType, zh: &str, en: &str, uz: &str, ue: &str| Field::new(name, ty).labelled(zh, en, uz, ue);
    let fields =
        vec![
            Field::new("industry", FieldType::Enum(SECTIONS.iter().map(|s| s.0.to_string()).collect()))
                .labelled("所属行业门类", "industry section", "", "")
                .with_value_labels(SECTIONS.iter().map(|s| (s.1.to_string(), s.2.to_string())).collect()),
            Field::new("station", FieldType::Enum(stations.iter().map(|s| s.0.to_string()).take(64).collect()))
                .labelled("所属站点", "station", "", "")
                .with_value_labels(stations.iter().map(|s| (s.1.clone(), s.1.clone())).take(64).collect()),
            Field::new("size", FieldType::Enum(strings(&["above", "below"])))
                .labelled("规模", "size", "", "")
                .with_value_labels(pairs(&[("规上企业", "above designated size"), ("规下企业", "below designated size")])),
            Field::new("stage", FieldType::Enum(strings(&["startup", "growth", "mature"])))
                .labelled("发展阶段", "stage", "", "")
                .with_value_labels(pairs(&[("初创期", "start-up"), ("成长期", "growth"), ("成熟期", "mature")])),
            Field::new("grade", FieldType::Enum(strings(&["A", "B", "C"])))
                .labelled("分类等级", "grade", "", "")
                .with_value_labels(pairs(&[("A 类", "A"), ("B 类", "B"), ("C 类", "C")])),
            Field::new("upgrade_potential", FieldType::Bool).labelled("小升规潜力", "could rise above designated size", "", ""),
            Field::new("founded_on", FieldType::Date).labelled("成立日期", "founded on", "", ""),
            num("invention_patents", FieldType::Int, "有效发明专利", "granted invention patents", "件", ""),
            num("utility_patents", FieldType::Int, "实用新型专利", "utility-model patents", "件", ""),
            num("design_patents", FieldType::Int, "外观设计专利", "design patents", "件", ""),
            num("trademarks", FieldType::Int, "注册商标", "trademarks", "件", ""),
            num("software_copyrights", FieldType::Int, "软件著作权", "software copyrights", "件", ""),
            num("revenue_last_year", FieldType::Float, "上年营业收入", "revenue last year", "万元", "10k yuan"),
            num("rd_spend_last_year", FieldType::Float, "上年研发投入", "R&D spend last year", "万元", "10k yuan"),
            num("rd_ratio_last_year", FieldType::Float, "上年研发投入占营收比例", "R&D share of revenue last year", "%", "%"),
            num("employees_last_year", FieldType::Int, "上年从业人数", "employees last year", "人", "people"),
            num("tax_paid_last_year", FieldType::Float, "上年纳税额", "tax paid last year", "万元", "10k yuan"),
            Field::new("labels", FieldType::Set(labels.iter().map(|l| l.code.clone()).take(64).collect()))
                .labelled("持有资质标签", "labels held", "", "")
                .with_value_labels(labels.iter().map(|l| (l.name_zh.clone(), l.name_en.clone())).take(64).collect()),
        ];
    Schema::new(fields).map_err(Error::internal)
}

fn wan(yuan: Option<i64>) -> Option<Val> {
    yuan.map(|y| Val::Float(y as f64 / 10_000.0))
}

/// One enterprise's facts as a row of the archive schema.
fn row_of(schema: &Schema, f: &Facts) -> Vec<Option<Val>> {
    let code = |field: &str, v: &str| -> Option<Val> {
        let (_, fd) = schema.get(field)?;
        match &fd.ty {
            FieldType::Enum(vals) => vals.iter().position(|x| x == v).map(|i| Val::Code(i as u8)),
            _ => None,
        }
    };
    let ip = |k: &str| Some(Val::Int(f.ip.get(k).copied().unwrap_or(0)));
    let labels = match schema.get("labels").map(|(_, fd)| &fd.ty) {
        Some(FieldType::Set(vals)) => {
            Some(Val::Set(f.labels.iter().filter_map(|l| vals.iter().position(|v| v == l)).fold(0u64, |m, i| m | 1 << i)))
        }
        _ => None,
    };
    let section = f.industry_code.chars().next().map(|c| c.to_string()).unwrap_or_default();
    let ratio = match (f.rd_spend, f.revenue) {
        (Some(rd), Some(rev)) if rev > 0 => Some(Val::Float((rd as f64 / rev as f64 * 10_000.0).round() / 100.0)),
        _ => None,
    };
    vec![
        code("industry", &section),
        code("station", &f.station_id.to_string()),
        code("size", &f.size),
        code("stage", &f.stage),
        f.grade.as_deref().and_then(|g| code("grade", g)),
        Some(Val::Bool(f.upgrade_potential)),
        f.registered_on.map(|d| Val::Date(to_day(d))),
        ip("invention"),
        ip("utility_model"),
        ip("design"),
        ip("trademark"),
        ip("software"),
        wan(f.revenue),
        wan(f.rd_spend),
        ratio,
        f.employees.map(Val::Int),
        wan(f.tax_paid),
        labels,
    ]
}

fn to_day(d: Day) -> zt_policy::Day {
    zt_policy::Day::from_ymd(d.0.year() as i32, d.0.month() as u32, d.0.day() as u32)
}

/// Rule errors as field errors: the field is the path of the bad node.
fn rule_errors(errs: Vec<RuleError>) -> Error {
    Error::validation(errs.into_iter().map(|e| FieldError::new(&e.path, e.code).with("detail", e.detail)).collect())
}

/// A rule set of one policy, as written.
fn rule_set(id: &str, title: &str, rule: &Json_, params: &Json_) -> Json_ {
    json!({"parameters": params, "policies": [{"id": id, "title": title, "rule": rule}]})
}

fn lang_of(ctx: &crate::context::Ctx) -> Lang {
    if ctx.lang == zt_domain::messages::Lang::En { Lang::En } else { Lang::Zh }
}

// ------------------------------------------------------------------ fields

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldValue {
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldView {
    pub name: String,
    /// int · float · bool · enum · date · set
    #[serde(rename = "type")]
    pub ty: String,
    pub label_zh: String,
    pub label_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub values: Vec<FieldValue>,
    /// The operators this field takes.
    pub ops: Vec<String>,
}

/// The fields a rule may test, with their operators and values (the rule builder's palette).
#[utoipa::path(get, path = "/api/policies/fields", tag = "policy", responses((status = 200, body = Vec<FieldView>)))]
pub async fn fields(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<Vec<FieldView>>> {
    s.actor.require("policy.read")?;
    let bureau = s.actor.scope.bureau().ok_or_else(Error::forbidden)?;
    let mut tx = st.db.read().await?;
    let schema = archive_schema(&st, &mut tx, bureau).await?;
    tx.commit().await?;
    Ok(Json(
        schema
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                ty: f.ty.name().into(),
                label_zh: f.label_zh.clone(),
                label_en: f.label_en.clone(),
                unit_zh: f.unit_zh.clone(),
                unit_en: f.unit_en.clone(),
                values: match &f.ty {
                    FieldType::Enum(v) | FieldType::Set(v) => v
                        .iter()
                        .enumerate()
                        .map(|(i, x)| FieldValue {
                            value: x.clone(),
                            label_zh: f.value_name(i, true).unwrap_or(x).to_string(),
                            label_en: f.value_name(i, false).unwrap_or(x).to_string(),
                        })
                        .collect(),
                    _ => vec![],
                },
                ops: OPS.iter().filter(|(_, o)| o.applies_to(&f.ty)).map(|(k, _)| k.to_string()).collect(),
            })
            .collect(),
    ))
}

// ------------------------------------------------------------------ the library

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: PolicyRow,
    pub tags: Vec<String>,
    pub level_name: String,
    pub item_name: Option<String>,
    /// The current rule and its dated parameters (absent in lists).
    #[schema(value_type = Option<Object>)]
    pub rule: Option<Json_>,
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<Json_>,
    /// Earlier rule versions, newest first (detail only).
    pub versions: Vec<RuleVersion>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleVersion {
    pub rule_version: i64,
    pub created_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: zt_db::Ts,
}

fn level_zh(l: &str) -> &'static str {
    match l {
        "national" => "国家级",
        "city" => "市级",
        "district" => "区级",
        _ => "镇街级",
    }
}

async fn view(tx: &mut Tx, p: PolicyRow, detail: bool) -> Result<PolicyView, Error> {
    let item_name = match p.item_id {
        Some(i) => zt_db::catalog::get(tx, &Scope::Bureau { bureau: p.bureau_id }, i).await.ok().map(|i| i.name),
        None => None,
    };
    let (mut rule, mut parameters, mut versions) = (None, None, vec![]);
    if detail {
        let rows = repo::rules(tx, p.id).await?;
        if let Some(cur) = rows.iter().find(|r| r.rule_version == p.rule_version) {
            rule = serde_json::from_str(&cur.rule).ok();
            parameters = serde_json::from_str(&cur.parameters).ok();
        }
        versions = rows
            .into_iter()
            .map(|r| RuleVersion { rule_version: r.rule_version, created_by_name: r.created_by_name, created_at: r.created_at })
            .collect();
    }
    Ok(PolicyView {
        tags: serde_json::from_str(&p.tags).unwrap_or_default(),
        level_name: level_zh(&p.level).into(),
        item_name,
        rule,
        parameters,
        versions,
        policy: p,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyQuery {
    pub q: Option<String>,
    /// draft · published · withdrawn
    pub status: Option<String>,
    pub level: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/policies", tag = "policy", params(PolicyQuery), responses((status = 200, body = Page<PolicyView>)))]
pub async fn list(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<PolicyQuery>) -> ApiResult<Json<Page<PolicyView>>> {
    s.actor.require("policy.read")?;
    let (limit, offset, page, page_size) = Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let mut tx = st.db.read().await?;
    let f = repo::Filter { q: q.q, status: q.status, level: q.level };
    let (rows, total) = repo::list(&mut tx, &s.actor.scope, &f, limit, offset).await?;
    let mut items = Vec::new();
    for p in rows {
        items.push(view(&mut tx, p, false).await?);
    }
    tx.commit().await?;
    Ok(Json(Page { items, total, total_capped: false, page, page_size }))
}

async fn visible(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<PolicyRow, Error> {
    actor.require("policy.read")?;
    let read = repo::get(tx, &actor.scope, id).await;
    crate::org::or_denied(tx, read, "policy", id).await
}

#[utoipa::path(get, path = "/api/policies/{id}", tag = "policy", params(("id" = Uuid, Path)), responses((status = 200, body = PolicyView)))]
pub async fn get(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<PolicyView>> {
    let mut tx = st.db.read().await?;
    let p = visible(&mut tx, &s.actor, id).await?;
    let v = view(&mut tx, p, true).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub title: Option<String>,
    /// national · city · district · town
    pub level: Option<String>,
    pub issuer: Option<String>,
    pub document_no: Option<String>,
    pub published_on: Option<String>,
    pub effective_from: Option<String>,
    pub expires_on: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    /// The catalog item through which applications are accepted (one-door).
    pub item_id: Option<Uuid>,
    pub version: Option<i64>,
}

async fn apply(tx: &mut Tx, p: &mut PolicyRow, i: PolicyInput, create: bool) -> Result<(), Error> {
    let mut c = Checks::new();
    if let Some(t) = i.title.or(create.then(String::new)) {
        p.title = t.trim().to_string();
        c.text("title", &p.title, 200);
    }
    if let Some(l) = i.level.or(create.then(|| "district".to_string())) {
        one_of(&mut c, "level", &l, &LEVELS);
        p.level = l;
    }
    if let Some(v) = i.issuer {
        p.issuer = v.trim().to_string();
        c.opt_text("issuer", Some(&p.issuer), 100);
    }
    if let Some(v) = i.document_no {
        p.document_no = v.trim().to_string();
        c.opt_text("document_no", Some(&p.document_no), 100);
    }
    if let Some(v) = i.summary {
        p.summary = v.trim().to_string();
        c.opt_text("summary", Some(&p.summary), 2000);
    }
    if let Some(v) = i.body {
        p.body = v;
        c.opt_text("body", Some(&p.body), 100_000);
    }
    if let Some(v) = i.published_on {
        p.published_on = date_field(&mut c, "published_on", Some(&v));
    }
    if let Some(v) = i.effective_from {
        p.effective_from = date_field(&mut c, "effective_from", Some(&v));
    }
    if let Some(v) = i.expires_on {
        p.expires_on = date_field(&mut c, "expires_on", Some(&v));
    }
    if let (Some(a), Some(b)) = (p.effective_from, p.expires_on) {
        if b < a {
            c.add("expires_on", "policy.expires_before_effective");
        }
    }
    if let Some(tags) = i.tags {
        let tags: Vec<String> = tags.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        if tags.len() > 20 || tags.iter().any(|t| t.chars().count() > 20) {
            c.add("tags", "policy.tags");
        }
        p.tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
    }
    if let Some(item) = i.item_id {
        if zt_db::catalog::get(tx, &Scope::Bureau { bureau: p.bureau_id }, item).await.is_err() {
            c.add("item_id", "ref.not_found");
        }
        p.item_id = Some(item);
    }
    c.finish()
}

#[utoipa::path(post, path = "/api/policies", tag = "policy", request_body = PolicyInput,
    responses((status = 201, body = PolicyView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    Authed(s): Authed,
    Body(i): Body<PolicyInput>,
) -> ApiResult<(StatusCode, Json<PolicyView>)> {
    s.actor.require("policy.manage")?;
    let bureau = s.actor.scope.bureau().ok_or_else(Error::forbidden)?;
    let now = st.now();
    let mut p = PolicyRow {
        id: Uuid::now_v7(),
        bureau_id: bureau,
        title: String::new(),
        level: "district".into(),
        issuer: String::new(),
        document_no: String::new(),
        published_on: None,
        effective_from: None,
        expires_on: None,
        summary: String::new(),
        body: String::new(),
        tags: "[]".into(),
        item_id: None,
        status: "draft".into(),
        rule_version: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut tx = st.db.write().await?;
    apply(&mut tx, &mut p, i, true).await?;
    repo::insert(&mut tx, &p).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "policy.create",
        "policy",
        Some(p.id.to_string()),
        format!("新建政策 {}", p.title),
        json!({"after": &p}),
    )
    .await?;
    let v = view(&mut tx, p, true).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}

fn expect_version(p: &PolicyRow, v: Option<i64>) -> Result<i64, Error> {
    match v {
        None => Err(Error::field("version", "required")),
        Some(v) if v != p.version => Err(Error::conflict("conflict.version")),
        Some(v) => Ok(v),
    }
}

async fn save(
    st: &AppState,
    tx: &mut Tx,
    actor: &Actor,
    mut p: PolicyRow,
    expected: i64,
    action: &str,
    summary: String,
) -> Result<PolicyView, Error> {
    p.version = expected + 1;
    p.updated_at = st.now();
    repo::save(tx, &p, expected).await?;
    record(tx, st, actor, action, "policy", Some(p.id.to_string()), summary, json!({"after": &p})).await?;
    view(tx, p, true).await
}

#[utoipa::path(patch, path = "/api/policies/{id}", tag = "policy", params(("id" = Uuid, Path)), request_body = PolicyInput,
    responses((status = 200, body = PolicyView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<PolicyInput>) -> ApiResult<Json<PolicyView>> {
    let mut tx = st.db.write().await?;
    let mut p = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("policy.manage")?;
    let expected = expect_version(&p, i.version)?;
    apply(&mut tx, &mut p, i, false).await?;
    let summary = format!("修改政策 {}", p.title);
    let v = save(&st, &mut tx, &s.actor, p, expected, "policy.update", summary).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// The rule tree: `{"all": [...]}`, `{"any": [...]}`, `{"not": node}` or a condition
    /// `{"id", "field", "op", "value" | "param", "label"?}`.
    #[schema(value_type = Object)]
    pub rule: Json_,
    /// Dated parameters: `{"name": {"2020-01-01": 2, "2024-01-01": 1}}`.
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<Json_>,
    pub version: Option<i64>,
}

/// Checks a rule against the bureau's fields and compiles it for `at`.
async fn checked(
    st: &AppState,
    tx: &mut Tx,
    bureau: Uuid,
    rule: &Json_,
    params: &Json_,
    at: Day,
) -> Result<(Schema, zt_policy::Compiled), Error> {
    let schema = archive_schema(st, tx, bureau).await?;
    let rs =
        RuleSet::from_json(&rule_set("policy", "", rule, params), &schema).map_err(|e| rule_errors(e.into_iter().map(strip).collect()))?;
    let compiled = rs.compile(&schema, to_day(at)).map_err(|e| rule_errors(e.into_iter().map(strip).collect()))?;
    Ok((schema, compiled))
}

/// Paths relative to the rule: `rule.all[0]` rather than `policies[0].rule.all[0]`.
fn strip(mut e: RuleError) -> RuleError {
    if let Some(rest) = e.path.strip_prefix("policies[0].") {
        e.path = rest.to_string();
    }
    e
}

/// Saves a new version of the rule; the old one and the results computed with it are kept.
#[utoipa::path(put, path = "/api/policies/{id}/rule", tag = "policy", params(("id" = Uuid, Path)), request_body = RuleInput,
    responses((status = 200, body = PolicyView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_rule(State(st): State<AppState>, Authed(s): Authed, Id(id): Id, Body(i): Body<RuleInput>) -> ApiResult<Json<PolicyView>> {
    let mut tx = st.db.write().await?;
    let mut p = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("policy.manage")?;
    let expected = expect_version(&p, i.version)?;
    let params = i.parameters.clone().unwrap_or_else(|| json!({}));
    checked(&st, &mut tx, p.bureau_id, &i.rule, &params, st.today()).await?;
    p.rule_version += 1;
    repo::insert_rule(
        &mut tx,
        &RuleRow {
            id: Uuid::now_v7(),
            policy_id: p.id,
            rule_version: p.rule_version,
            rule: i.rule.to_string(),
            parameters: params.to_string(),
            created_by_name: s.actor.display_name.clone(),
            created_at: st.now(),
        },
    )
    .await?;
    let summary = format!("修改政策 {} 的申报条件（第 {} 版）", p.title, p.rule_version);
    let v = save(&st, &mut tx, &s.actor, p, expected, "policy.rule", summary).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    pub version: Option<i64>,
}

async fn set_status(st: &AppState, actor: &Actor, id: Uuid, status: &str, v: Option<i64>) -> Result<PolicyView, Error> {
    let mut tx = st.db.write().await?;
    let mut p = visible(&mut tx, actor, id).await?;
    actor.require("policy.manage")?;
    let expected = expect_version(&p, v)?;
    if status == "published" && p.rule_version == 0 {
        return Err(Error::conflict("policy.no_rule"));
    }
    p.status = status.into();
    let summary = format!("{}政策 {}", if status == "published" { "发布" } else { "撤回" }, p.title);
    let action = if status == "published" { "policy.publish" } else { "policy.withdraw" };
    let view = save(st, &mut tx, actor, p, expected, action, summary).await?;
    tx.commit().await?;
    Ok(view)
}

#[utoipa::path(post, path = "/api/policies/{id}/publish", tag = "policy", params(("id" = Uuid, Path)), request_body = VersionInput,
    responses((status = 200, body = PolicyView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn publish(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<VersionInput>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(set_status(&st, &s.actor, id, "published", i.version).await?))
}

#[utoipa::path(post, path = "/api/policies/{id}/withdraw", tag = "policy", params(("id" = Uuid, Path)), request_body = VersionInput,
    responses((status = 200, body = PolicyView)))]
pub async fn withdraw(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<VersionInput>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(set_status(&st, &s.actor, id, "withdrawn", i.version).await?))
}

// ------------------------------------------------------------------ matching

#[derive(Debug, Serialize, ToSchema)]
pub struct CondCount {
    pub id: String,
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Preview {
    /// Enterprises in the caller's scope the rule was run over.
    pub enterprises: usize,
    pub eligible: usize,
    pub not_eligible: usize,
    pub undetermined: usize,
    pub near_miss: usize,
    pub conditions: Vec<CondCount>,
    /// The one enterprise asked about, explained.
    #[schema(value_type = Option<Object>)]
    pub enterprise: Option<PolicyResult>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    #[schema(value_type = Object)]
    pub rule: Json_,
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<Json_>,
    /// Evaluation date (default today).
    pub at: Option<String>,
    /// Also explain the rule for this enterprise.
    pub enterprise_id: Option<Uuid>,
}

/// Runs a rule being written over the enterprises the caller sees: how many it selects, each
/// condition's pass / fail / missing counts, and optionally one enterprise explained.
#[utoipa::path(post, path = "/api/policies/preview", tag = "policy", request_body = PreviewInput,
    responses((status = 200, body = Preview), (status = 422, body = crate::error::ErrorBody)))]
pub async fn preview(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: crate::context::Ctx,
    Body(i): Body<PreviewInput>,
) -> ApiResult<Json<Preview>> {
    s.actor.require("policy.read")?;
    s.actor.require("enterprise.read")?;
    let bureau = s.actor.scope.bureau().ok_or_else(Error::forbidden)?;
    let mut c = Checks::new();
    let at = date_field(&mut c, "at", i.at.as_deref()).unwrap_or_else(|| st.today());
    c.finish()?;
    let mut tx = st.db.read().await?;
    let params = i.parameters.clone().unwrap_or_else(|| json!({}));
    let (schema, compiled) = checked(&st, &mut tx, bureau, &i.rule, &params, at).await?;
    let facts = repo::facts(&mut tx, &s.actor.scope, None, at).await?;
    let enterprise = match i.enterprise_id {
        Some(e) => {
            crate::archive::visible(&mut tx, &s.actor, e).await?;
            let f = repo::facts(&mut tx, &s.actor.scope, Some(e), at).await?;
            let w = wording(&compiled, lang_of(&ctx));
            f.first().map(|f| explain_with(&compiled, &w, &row_of(&schema, f)).remove(0))
        }
        None => None,
    };
    tx.commit().await?;
    let table = Table::from_rows(&schema, &facts.iter().map(|f| row_of(&schema, f)).collect::<Vec<_>>());
    let r = match_all(&compiled, &table, false);
    let p = &r.policies[0];
    Ok(Json(Preview {
        enterprises: table.n,
        eligible: p.eligible,
        not_eligible: p.not_eligible,
        undetermined: p.undetermined,
        near_miss: p.near_miss,
        conditions: p
            .conditions
            .iter()
            .map(|(id, c)| CondCount { id: id.clone(), pass: c.pass, fail: c.fail, missing: c.missing })
            .collect(),
        enterprise,
    }))
}

/// A policy's current rule, compiled for `at` against its bureau's schema (read once by callers
/// that compile several policies).
async fn compiled_policy(tx: &mut Tx, schema: &Schema, p: &PolicyRow, at: Day) -> Result<Option<zt_policy::Compiled>, Error> {
    let Some(r) = repo::rule(tx, p.id, p.rule_version).await? else { return Ok(None) };
    let rule: Json_ = serde_json::from_str(&r.rule).map_err(|e| Error::internal(e.to_string()))?;
    let params: Json_ = serde_json::from_str(&r.parameters).unwrap_or_else(|_| json!({}));
    let rs = RuleSet::from_json(&rule_set(&p.id.to_string(), &p.title, &rule, &params), schema);
    // a rule that no longer fits the archive (a station renamed, a label removed) matches nobody
    Ok(rs.ok().and_then(|rs| rs.compile(schema, to_day(at)).ok()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// eligible · near_miss · undetermined · not_eligible (default: eligible)
    pub verdict: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedEnterprise {
    pub enterprise_id: Uuid,
    pub name: String,
    pub uscc: String,
    pub station_name: String,
    pub verdict: String,
    pub near_miss: bool,
    /// The conditions failed or undetermined, explained; gaps for near misses.
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchPage {
    pub eligible: usize,
    pub not_eligible: usize,
    pub undetermined: usize,
    pub near_miss: usize,
    pub conditions: Vec<CondCount>,
    pub items: Vec<MatchedEnterprise>,
    /// Rows of the chosen verdict.
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Everything the policy page lists: counts, and the enterprises of one verdict with reasons.
async fn match_policy(
    st: &AppState,
    actor: &Actor,
    id: Uuid,
    lang: Lang,
) -> Result<(PolicyRow, Vec<(Facts, PolicyResult)>, MatchAll2), Error> {
    actor.require("enterprise.read")?;
    let mut tx = st.db.read().await?;
    let p = visible(&mut tx, actor, id).await?;
    let today = st.today();
    let schema = archive_schema(st, &mut tx, p.bureau_id).await?;
    let Some(compiled) = compiled_policy(&mut tx, &schema, &p, today).await? else {
        return Err(Error::conflict("policy.no_rule"));
    };
    let facts = repo::facts(&mut tx, &actor.scope, None, today).await?;
    tx.commit().await?;
    let rows: Vec<Vec<Option<Val>>> = facts.iter().map(|f| row_of(&schema, f)).collect();
    let table = Table::from_rows(&schema, &rows);
    let all = match_all(&compiled, &table, false);
    let w = wording(&compiled, lang);
    let explained = facts.into_iter().zip(&rows).map(|(f, r)| (f, explain_with(&compiled, &w, r).remove(0))).collect();
    let pc = &all.policies[0];
    let counts = MatchAll2 {
        eligible: pc.eligible,
        not_eligible: pc.not_eligible,
        undetermined: pc.undetermined,
        near_miss: pc.near_miss,
        conditions: pc
            .conditions
            .iter()
            .map(|(id, c)| CondCount { id: id.clone(), pass: c.pass, fail: c.fail, missing: c.missing })
            .collect(),
    };
    Ok((p, explained, counts))
}

struct MatchAll2 {
    eligible: usize,
    not_eligible: usize,
    undetermined: usize,
    near_miss: usize,
    conditions: Vec<CondCount>,
}

fn reasons(r: &PolicyResult) -> Vec<String> {
    r.conditions
        .iter()
        .filter(|c| c.relevant)
        .map(|c| match &c.gap {
            Some(g) => format!("{}（{g}）", c.text),
            None => c.text.clone(),
        })
        .collect()
}

fn wanted(verdict: &str, r: &PolicyResult) -> bool {
    match verdict {
        "near_miss" => r.near_miss,
        v => r.verdict == v,
    }
}

async fn station_names(st: &AppState, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, String>, Error> {
    let mut tx = st.db.read().await?;
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            e.insert(archive_repo::station_name(&mut tx, id).await?);
        }
    }
    tx.commit().await?;
    Ok(out)
}

#[utoipa::path(get, path = "/api/policies/{id}/matches", tag = "policy", params(("id" = Uuid, Path), MatchQuery),
    responses((status = 200, body = MatchPage)))]
pub async fn matches(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: crate::context::Ctx,
    Id(id): Id,
    Q(q): Q<MatchQuery>,
) -> ApiResult<Json<MatchPage>> {
    let verdict = q.verdict.clone().unwrap_or_else(|| "eligible".into());
    let mut c = Checks::new();
    one_of(&mut c, "verdict", &verdict, &["eligible", "near_miss", "undetermined", "not_eligible"]);
    c.finish()?;
    let (limit, offset, page, page_size) = Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let (_, explained, counts) = match_policy(&st, &s.actor, id, lang_of(&ctx)).await?;
    let chosen: Vec<&(Facts, PolicyResult)> = explained.iter().filter(|(_, r)| wanted(&verdict, r)).collect();
    let total = chosen.len() as i64;
    let slice: Vec<&(Facts, PolicyResult)> = chosen.into_iter().skip(offset as usize).take(limit as usize).collect();
    let names = station_names(&st, slice.iter().map(|(f, _)| f.station_id)).await?;
    let mut tx = st.db.read().await?;
    let mut items = Vec::new();
    for (f, r) in slice {
        let e = archive_repo::get_unscoped(&mut tx, f.id).await?.ok_or_else(Error::not_found)?;
        items.push(MatchedEnterprise {
            enterprise_id: f.id,
            name: e.name,
            uscc: e.uscc,
            station_name: names.get(&f.station_id).cloned().unwrap_or_default(),
            verdict: r.verdict.into(),
            near_miss: r.near_miss,
            reasons: reasons(r),
        });
    }
    tx.commit().await?;
    Ok(Json(MatchPage {
        eligible: counts.eligible,
        not_eligible: counts.not_eligible,
        undetermined: counts.undetermined,
        near_miss: counts.near_miss,
        conditions: counts.conditions,
        items,
        total,
        page,
        page_size,
    }))
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The enterprises of one verdict as CSV (UTF-8 with BOM, opens in Excel); audited.
#[utoipa::path(get, path = "/api/policies/{id}/matches/export", tag = "policy", params(("id" = Uuid, Path), MatchQuery),
    responses((status = 200, content_type = "text/csv")))]
pub async fn export(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: crate::context::Ctx,
    Id(id): Id,
    Q(q): Q<MatchQuery>,
) -> ApiResult<Response> {
    s.actor.require("enterprise.export")?;
    let verdict = q.verdict.clone().unwrap_or_else(|| "eligible".into());
    let mut c = Checks::new();
    one_of(&mut c, "verdict", &verdict, &["eligible", "near_miss", "undetermined", "not_eligible"]);
    c.finish()?;
    let (p, explained, _) = match_policy(&st, &s.actor, id, lang_of(&ctx)).await?;
    let chosen: Vec<&(Facts, PolicyResult)> = explained.iter().filter(|(_, r)| wanted(&verdict, r)).collect();
    let names = station_names(&st, chosen.iter().map(|(f, _)| f.station_id)).await?;
    let mut out = String::from("\u{feff}统一社会信用代码,企业名称,所属站点,结论,未满足或待补充的条件\n");
    let mut tx = st.db.write().await?;
    for (f, r) in &chosen {
        let e = archive_repo::get_unscoped(&mut tx, f.id).await?.ok_or_else(Error::not_found)?;
        let v = match (r.verdict, r.near_miss) {
            (_, true) => "差一点符合",
            ("eligible", _) => "符合",
            ("not_eligible", _) => "不符合",
            _ => "待补充数据",
        };
        let row = [e.uscc, e.name, names.get(&f.station_id).cloned().unwrap_or_default(), v.to_string(), reasons(r).join("；")];
        out.push_str(&row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    let summary = format!("导出政策 {} 的匹配企业（{verdict}，{} 家）", p.title, chosen.len());
    record(
        &mut tx,
        &st,
        &s.actor,
        "policy.export",
        "policy",
        Some(p.id.to_string()),
        summary,
        json!({"verdict": verdict, "rows": chosen.len()}),
    )
    .await?;
    tx.commit().await?;
    let name = format!("attachment; filename=\"policy-matches.csv\"; filename*=UTF-8''policy-{}-{verdict}.csv", p.id);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], out).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePolicy {
    pub policy_id: Uuid,
    pub title: String,
    /// national · city · district · town
    pub level: String,
    pub level_name: String,
    pub document_no: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Day>,
    pub item_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub result: PolicyResult,
}

/// One enterprise against every live policy of its bureau, explained; eligible first, then near
/// misses, undetermined, the rest.
pub(crate) async fn for_enterprise(
    st: &AppState,
    tx: &mut Tx,
    enterprise: Uuid,
    bureau: Uuid,
    lang: Lang,
) -> Result<Vec<EnterprisePolicy>, Error> {
    let today = st.today();
    let mut out = Vec::new();
    let facts = repo::facts(tx, &Scope::Bureau { bureau }, Some(enterprise), today).await?;
    let Some(f) = facts.first() else { return Ok(out) };
    let schema = archive_schema(st, tx, bureau).await?;
    let row = row_of(&schema, f);
    for p in repo::live(tx, bureau, today).await? {
        if let Some(compiled) = compiled_policy(tx, &schema, &p, today).await? {
            let w = wording(&compiled, lang);
            let result = explain_with(&compiled, &w, &row).remove(0);
            out.push(EnterprisePolicy {
                policy_id: p.id,
                level_name: level_zh(&p.level).into(),
                level: p.level.clone(),
                title: p.title,
                document_no: p.document_no,
                expires_on: p.expires_on,
                item_id: p.item_id,
                result,
            });
        }
    }
    let rank = |r: &PolicyResult| match (r.verdict, r.near_miss) {
        ("eligible", _) => 0,
        (_, true) => 1,
        ("undetermined", _) => 2,
        _ => 3,
    };
    out.sort_by_key(|p| rank(&p.result));
    Ok(out)
}

#[utoipa::path(get, path = "/api/enterprises/{id}/policies", tag = "policy", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EnterprisePolicy>)))]
pub async fn enterprise_policies(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: crate::context::Ctx,
    Id(id): Id,
) -> ApiResult<Json<Vec<EnterprisePolicy>>> {
    s.actor.require("policy.read")?;
    let mut tx = st.db.read().await?;
    let e = crate::archive::visible(&mut tx, &s.actor, id).await?;
    let station = zt_db::org::get::<zt_db::org::Station>(&mut tx, "station", None, e.station_id).await?;
    let out = for_enterprise(&st, &mut tx, e.id, station.bureau_id, lang_of(&ctx)).await?;
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResult {
    pub policies: usize,
    pub enterprises: usize,
    /// Stored results whose verdict changed (each on the enterprise's timeline).
    pub changed: usize,
    pub eval_ms: f64,
}

/// Matches every live policy of the bureau against every enterprise of the bureau, stores the
/// results with their explanations, rule version and date, and writes each change to the
/// enterprise's timeline. Used on demand and by the nightly job.
pub async fn run_all(st: &AppState, bureau: Uuid, actor: Option<&Actor>) -> Result<RunResult, Error> {
    let today = st.today();
    let now = st.now();
    let mut tx = st.db.write().await?;
    let scope = Scope::Bureau { bureau };
    let facts = repo::facts(&mut tx, &scope, None, today).await?;
    let policies = repo::live(&mut tx, bureau, today).await?;
    let mut changed = 0;
    let mut eval = std::time::Duration::ZERO;
    let mut n_policies = 0;
    let schema = archive_schema(st, &mut tx, bureau).await?;
    let rows: Vec<Vec<Option<Val>>> = facts.iter().map(|f| row_of(&schema, f)).collect();
    for p in &policies {
        let Some(compiled) = compiled_policy(&mut tx, &schema, p, today).await? else { continue };
        n_policies += 1;
        let t = std::time::Instant::now();
        let w = wording(&compiled, Lang::Zh);
        let results: Vec<PolicyResult> = rows.iter().map(|r| explain_with(&compiled, &w, r).remove(0)).collect();
        eval += t.elapsed();
        let before = repo::matches_of_policy(&mut tx, p.id).await?;
        let mut store = Vec::with_capacity(results.len());
        let mut timeline = Vec::new();
        for (f, r) in facts.iter().zip(&results) {
            let old = before.get(&f.id);
            if old.is_none_or(|o| o.verdict != r.verdict || o.near_miss != r.near_miss)
                && (old.is_some() || r.verdict == "eligible" || r.near_miss)
            {
                let what = match (r.verdict, r.near_miss) {
                    ("eligible", _) => "符合申报条件",
                    (_, true) => "差一点符合申报条件",
                    ("undetermined", _) => "待补充数据后判断",
                    _ => "不再符合申报条件",
                };
                timeline.push(TimelineEntry {
                    id: Uuid::now_v7(),
                    enterprise_id: f.id,
                    at: now,
                    kind: "policy".into(),
                    summary: format!("政策匹配：{}（{what}）", p.title),
                    actor_id: actor.map(|a| a.account_id),
                    actor_name: actor.map(|a| a.display_name.clone()).unwrap_or_else(|| "系统".into()),
                    ref_type: "policy".into(),
                    ref_id: Some(p.id.to_string()),
                });
                changed += 1;
            }
            store.push(MatchRow {
                policy_id: p.id,
                enterprise_id: f.id,
                rule_version: p.rule_version,
                evaluated_on: today,
                verdict: r.verdict.into(),
                near_miss: r.near_miss,
                detail: serde_json::to_string(r).unwrap_or_default(),
                computed_at: now,
            });
        }
        repo::store_matches(&mut tx, p.id, &store).await?;
        for t in &timeline {
            archive_repo::record(&mut tx, t).await?;
        }
    }
    if let Some(a) = actor {
        let summary = format!("运行政策匹配：{n_policies} 项政策 × {} 家企业，{changed} 处变化", facts.len());
        record(
            &mut tx,
            st,
            a,
            "policy.run",
            "policy",
            None,
            summary,
            json!({"policies": n_policies, "enterprises": facts.len(), "changed": changed}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(RunResult { policies: n_policies, enterprises: facts.len(), changed, eval_ms: eval.as_secs_f64() * 1e3 })
}

#[utoipa::path(post, path = "/api/policies/run", tag = "policy", responses((status = 200, body = RunResult)))]
pub async fn run(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<RunResult>> {
    s.actor.require("policy.manage")?;
    let bureau = s.actor.scope.bureau().ok_or_else(Error::forbidden)?;
    Ok(Json(run_all(&st, bureau, Some(&s.actor)).await?))
}

// ------------------------------------------------------------------ the nightly run

/// The next 02:00 in Shanghai after `now`.
fn next_night(now: zt_db::Ts) -> zt_db::Ts {
    let z = now.0.to_zoned(crate::shanghai());
    let today = z.date().at(2, 0, 0, 0);
    let at = match today.to_zoned(crate::shanghai()) {
        Ok(t) if t.timestamp() > now.0 => t.timestamp(),
        _ => today
            .checked_add(jiff::Span::new().days(1))
            .ok()
            .and_then(|d| d.to_zoned(crate::shanghai()).ok())
            .map(|t| t.timestamp())
            .unwrap_or(now.0),
    };
    zt_db::Ts(zt_domain::clock::micros(at))
}

fn nightly_payload(bureau: Uuid) -> Json_ {
    json!({"bureau": bureau, "nightly": true})
}

/// Makes sure every bureau has its nightly policy run queued (one, whatever the number of
/// server instances: the check and the insert share a write transaction).
pub async fn ensure_nightly(st: &AppState) -> Result<(), Error> {
    let mut tx = st.db.write().await?;
    let bureaus: Vec<(Uuid,)> = tx.all(&zt_db::Sql::new("SELECT id FROM bureau ORDER BY id")).await?;
    for (b,) in bureaus {
        let payload = nightly_payload(b);
        if !zt_db::jobs::pending(&mut tx, "policy.match_all", &payload).await? {
            zt_db::jobs::enqueue_at(&mut tx, "policy.match_all", &payload, None, st.now(), next_night(st.now())).await?;
        }
    }
    tx.commit().await
}

/// Runs a queued `policy.match_all` job; a nightly one queues the next night's.
pub async fn run_job(st: &AppState, job: &zt_db::jobs::Job) -> Result<(), Error> {
    let payload: Json_ = serde_json::from_str(&job.payload).map_err(|e| Error::internal(e.to_string()))?;
    let bureau =
        payload["bureau"].as_str().and_then(|b| b.parse::<Uuid>().ok()).ok_or_else(|| Error::internal("policy job without bureau"))?;
    let r = run_all(st, bureau, None).await?;
    let mut tx = st.db.write().await?;
    zt_db::jobs::finish(&mut tx, job.id, &json!({"policies": r.policies, "enterprises": r.enterprises, "changed": r.changed}), st.now())
        .await?;
    if payload["nightly"] == true {
        zt_db::jobs::enqueue_at(&mut tx, "policy.match_all", &nightly_payload(bureau), None, st.now(), next_night(st.now())).await?;
    }
    tx.commit().await
}

// ------------------------------------------------------------------ targeted push

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushInput {
    /// eligible (default) · eligible_and_near
    pub target: Option<String>,
    /// A note from the station, above the policy's summary.
    pub message: Option<String>,
    /// Besides the portal inbox (always): `email` and/or `webhook` to the enterprise's contacts.
    pub channels: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushView {
    #[serde(flatten)]
    pub push: zt_db::push::Push,
    pub sent: usize,
    pub failed: usize,
    pub read: usize,
    pub channels: Vec<String>,
    /// E-mail and webhook messages to contacts by channel and state (queued, sending, sent, failed).
    pub outbox: Vec<OutboxCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxCount {
    pub channel: String,
    pub status: String,
    pub count: i64,
}

async fn push_view(tx: &mut Tx, p: zt_db::push::Push) -> Result<PushView, Error> {
    let d = zt_db::push::deliveries(tx, p.id).await?;
    let count = |s: &str| d.iter().filter(|x| x.status == s).count();
    let outbox =
        zt_db::notify::counts(tx, p.id).await?.into_iter().map(|(channel, status, count)| OutboxCount { channel, status, count }).collect();
    Ok(PushView {
        sent: count("sent") + count("read"),
        failed: count("failed"),
        read: count("read"),
        channels: p.channels.split(',').map(str::to_string).collect(),
        outbox,
        push: p,
    })
}

/// Sends a live policy to the enterprises it matches (or nearly matches) through the portal
/// inbox, as a background job: an enterprise gets one message per push, however often the job
/// runs.
#[utoipa::path(post, path = "/api/policies/{id}/push", tag = "policy", params(("id" = Uuid, Path)), request_body = PushInput,
    responses((status = 202, body = PushView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn push(
    State(st): State<AppState>,
    Authed(s): Authed,
    Id(id): Id,
    Body(i): Body<PushInput>,
) -> ApiResult<(StatusCode, Json<PushView>)> {
    let mut tx = st.db.write().await?;
    let p = visible(&mut tx, &s.actor, id).await?;
    s.actor.require("policy.manage")?;
    let target = i.target.unwrap_or_else(|| "eligible".into());
    let message = i.message.unwrap_or_default().trim().to_string();
    let mut c = Checks::new();
    one_of(&mut c, "target", &target, &["eligible", "eligible_and_near"]);
    c.opt_text("message", Some(&message), 1000);
    let mut channels = vec!["inbox".to_string()];
    for ch in i.channels.unwrap_or_default() {
        if !zt_domain::reminders::CHANNELS.contains(&ch.as_str()) {
            c.add("channels", "reminder.channels");
        } else if !channels.contains(&ch) {
            channels.push(ch);
        }
    }
    c.finish()?;
    if p.status != "published" || repo::live(&mut tx, p.bureau_id, st.today()).await?.iter().all(|l| l.id != p.id) {
        return Err(Error::conflict("policy.not_live").into());
    }
    let push_id = Uuid::now_v7();
    let job = zt_db::jobs::enqueue(&mut tx, "policy.push", &json!({"push": push_id}), Some(s.actor.account_id), st.now()).await?;
    let row = zt_db::push::Push {
        id: push_id,
        policy_id: p.id,
        target,
        message,
        status: "queued".into(),
        job_id: Some(job),
        created_by: Some(s.actor.account_id),
        created_by_name: s.actor.display_name.clone(),
        created_at: st.now(),
        finished_at: None,
        channels: channels.join(","),
    };
    zt_db::push::insert_push(&mut tx, &row).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "policy.push",
        "policy",
        Some(p.id.to_string()),
        format!("推送政策 {}（{}）", p.title, row.target),
        json!({"push": push_id}),
    )
    .await?;
    let v = push_view(&mut tx, row).await?;
    tx.commit().await?;
    st.jobs_notify.notify_one();
    Ok((StatusCode::ACCEPTED, Json(v)))
}

#[utoipa::path(get, path = "/api/policies/{id}/pushes", tag = "policy", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<PushView>)))]
pub async fn pushes(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<PushView>>> {
    let mut tx = st.db.read().await?;
    let p = visible(&mut tx, &s.actor, id).await?;
    let mut out = Vec::new();
    for row in zt_db::push::pushes(&mut tx, p.id).await? {
        out.push(push_view(&mut tx, row).await?);
    }
    tx.commit().await?;
    Ok(Json(out))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    #[serde(flatten)]
    pub delivery: zt_db::push::Delivery,
    pub enterprise_name: String,
    pub uscc: String,
}

/// A push's deliveries, one per enterprise: sent, failed (with the reason) or read.
#[utoipa::path(get, path = "/api/pushes/{id}/deliveries", tag = "policy", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<DeliveryView>)))]
pub async fn deliveries(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<Vec<DeliveryView>>> {
    let mut tx = st.db.read().await?;
    let push = zt_db::push::push(&mut tx, id).await?;
    visible(&mut tx, &s.actor, push.policy_id).await?;
    s.actor.require("enterprise.read")?;
    let mut out = Vec::new();
    for d in zt_db::push::deliveries(&mut tx, id).await? {
        let e = archive_repo::get_unscoped(&mut tx, d.enterprise_id).await?.ok_or_else(Error::not_found)?;
        out.push(DeliveryView { delivery: d, enterprise_name: e.name, uscc: e.uscc });
    }
    tx.commit().await?;
    Ok(Json(out))
}

/// Runs a `policy.push` job: every target enterprise not yet reached gets one inbox message and
/// one delivery record, a batch per transaction; a rerun after a crash skips those reached.
pub async fn run_push(st: &AppState, job: &zt_db::jobs::Job) -> Result<(), Error> {
    let payload: Json_ = serde_json::from_str(&job.payload).map_err(|e| Error::internal(e.to_string()))?;
    let push_id = payload["push"].as_str().and_then(|p| p.parse::<Uuid>().ok()).ok_or_else(|| Error::internal("push job without push"))?;
    let today = st.today();
    let mut tx = st.db.read().await?;
    let push = zt_db::push::push(&mut tx, push_id).await?;
    let p = repo::get_unscoped(&mut tx, push.policy_id).await?;
    let schema = archive_schema(st, &mut tx, p.bureau_id).await?;
    let compiled = compiled_policy(&mut tx, &schema, &p, today).await?;
    let facts = repo::facts(&mut tx, &Scope::Bureau { bureau: p.bureau_id }, None, today).await?;
    let done: std::collections::HashSet<Uuid> = zt_db::push::delivered_to(&mut tx, push_id).await?.into_iter().collect();
    tx.commit().await?;
    let mut targets = Vec::new();
    if let Some(compiled) = compiled {
        let w = wording(&compiled, Lang::Zh);
        for f in &facts {
            if done.contains(&f.id) {
                continue;
            }
            let r = explain_with(&compiled, &w, &row_of(&schema, f)).remove(0);
            let near = push.target == "eligible_and_near" && r.near_miss;
            if r.verdict == "eligible" || near {
                let gaps: Vec<String> = r.conditions.iter().filter_map(|c| c.gap.clone()).collect();
                targets.push((f.id, near, gaps));
            }
        }
    }
    let cfg = crate::notify::Channels::load(st).await?;
    let external: Vec<&str> = push.channels.split(',').filter(|c| *c != "inbox").collect();
    for batch in targets.chunks(500) {
        let mut tx = st.db.write().await?;
        let now = st.now();
        let mut outbox = Vec::new();
        for (e, near, gaps) in batch {
            let lead = if *near {
                format!("贵企业差一点符合申报条件：{}。", gaps.join("；"))
            } else {
                "贵企业符合申报条件。".to_string()
            };
            let body = [push.message.as_str(), lead.as_str(), p.summary.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n");
            let m = zt_db::push::InboxMessage {
                id: Uuid::now_v7(),
                enterprise_id: *e,
                kind: "policy_push".into(),
                title: format!("政策推送：{}", p.title),
                body,
                ref_type: "policy".into(),
                ref_id: Some(p.id.to_string()),
                created_at: now,
                read_at: None,
                read_by: None,
            };
            zt_db::push::insert_message(&mut tx, &m).await?;
            zt_db::push::insert_delivery(
                &mut tx,
                &zt_db::push::Delivery {
                    push_id,
                    enterprise_id: *e,
                    channel: "inapp".into(),
                    status: "sent".into(),
                    error: None,
                    message_id: Some(m.id),
                    sent_at: Some(now),
                    read_at: None,
                },
            )
            .await?;
            if !external.is_empty() {
                let text = crate::notify::Text {
                    title: m.title.clone(),
                    body: m.body.clone(),
                    title_en: format!("Policy: {}", p.title),
                    body_en: if *near {
                        "Your enterprise nearly qualifies for this policy.".into()
                    } else {
                        "Your enterprise qualifies for this policy.".into()
                    },
                };
                let about = crate::notify::About {
                    source_type: "policy_push",
                    source_id: push_id,
                    bureau_id: p.bureau_id,
                    enterprise_id: *e,
                    level: 0,
                    ack: None,
                };
                for to in crate::notify::contacts(&mut tx, *e).await? {
                    for ch in &external {
                        outbox.extend(crate::notify::message(&cfg, &about, ch, &to, &text, now));
                    }
                }
            }
        }
        zt_db::notify::insert(&mut tx, &outbox).await?;
        tx.commit().await?;
    }
    // staff sent it on purpose: e-mail and webhook go out now, not in the next reminder cycle
    let d = crate::notify::deliver(st, &cfg, Some(push_id), i64::MAX).await?;
    let mut tx = st.db.write().await?;
    zt_db::push::finish_push(&mut tx, push_id, st.now()).await?;
    zt_db::jobs::finish(&mut tx, job.id, &json!({"sent": targets.len(), "external_sent": d.sent, "external_failed": d.failed}), st.now())
        .await?;
    tx.commit().await
}
