//! Roster import and export for the enterprise archive: an .xlsx template, .xlsx/.csv import
//! (UTF-8, UTF-8 with BOM, GB18030) run as a background job in one transaction per chosen mode,
//! a report of every bad row, and exports that are masked, formula-safe, capped and audited.

use crate::archive::{EnterpriseInput, EnterpriseQuery, Refs, apply_with, blank_row, filter_of};
use crate::audit_log::record;
use crate::context::{Authed, Ctx, actor_for};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Id, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::accounts;
use zt_db::archive::{self as repo, ContactRow, EnterpriseRow, TimelineEntry};
use zt_db::jobs::{self, Job};
use zt_db::org::Station;
use zt_domain::messages::{Lang, render};
use zt_domain::scope::Actor;
use zt_domain::{Error, ErrorKind, FieldError};

pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
pub const MAX_RATIO: u64 = 100;
pub const MAX_ROWS: usize = 100_000;
/// The default cap on rows per export without `pi.export.bulk` (parameter `export.max_rows`).
pub const EXPORT_CAP: i64 = 5_000;

#[derive(Debug)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

pub const COLUMNS: &[Column] = &[
    Column { key: "uscc", zh: "统一社会信用代码", en: "USCC", required: true },
    Column { key: "name", zh: "企业名称", en: "Name", required: true },
    Column { key: "station", zh: "所属站点", en: "Station", required: true },
    Column { key: "registered_on", zh: "注册日期", en: "Registered on", required: false },
    Column { key: "registered_address", zh: "注册地址", en: "Registered address", required: false },
    Column { key: "operating_address", zh: "经营地址", en: "Operating address", required: false },
    Column { key: "cluster", zh: "产业集群", en: "Cluster", required: false },
    Column { key: "industry_code", zh: "行业代码", en: "Industry code", required: false },
    Column { key: "industry_name", zh: "行业名称", en: "Industry", required: false },
    Column { key: "size", zh: "规模（规上/规下）", en: "Size (above/below)", required: true },
    Column { key: "upgrade_potential", zh: "升规潜力（是/否）", en: "Upgrade potential (yes/no)", required: false },
    Column { key: "stage", zh: "发展阶段（初创/成长/成熟）", en: "Stage (startup/growth/mature)", required: true },
    Column { key: "legal_rep_name", zh: "法定代表人", en: "Legal representative", required: false },
    Column { key: "legal_rep_id_number", zh: "法定代表人身份证号", en: "Legal representative ID number", required: false },
    Column { key: "legal_rep_phone", zh: "法定代表人电话", en: "Legal representative phone", required: false },
    Column { key: "liaison_name", zh: "联络员", en: "Liaison", required: false },
    Column { key: "liaison_phone", zh: "联络员电话", en: "Liaison phone", required: false },
];

fn header_of(c: &Column) -> String {
    if c.required { format!("{}*", c.zh) } else { c.zh.to_string() }
}

fn err(code: &'static str) -> Error {
    Error::new(ErrorKind::Validation, code)
}

/// The import template: the headers, a sample row, and a notes sheet.
pub fn template() -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| Error::internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet().set_name("企业名录").map_err(x)?;
    for (i, c) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, header_of(c), &bold).map_err(x)?;
        ws.set_column_width(i as u16, 18).map_err(x)?;
        // text cells, so that codes and phones are not turned into numbers
        ws.set_column_format(i as u16, &text).map_err(x)?;
    }
    let sample = [
        "91350100M000100Y43",
        "示例科技有限公司",
        "张江科学城服务直通站",
        "2020-05-18",
        "上海市浦东新区张江路1号",
        "",
        "生物医药",
        "C2761",
        "生物药品制造",
        "规下",
        "是",
        "成长",
        "张三",
        "",
        "",
        "李四",
        "13800000000",
    ];
    for (i, v) in sample.iter().enumerate() {
        ws.write_string(1, i as u16, *v).map_err(x)?;
    }
    let notes = wb.add_worksheet().set_name("填写说明").map_err(x)?;
    let lines = [
        "带 * 的列必填；统一社会信用代码按 GB 32100-2015 校验，已存在的企业按代码更新。",
        "所属站点填写站点全称；规模填“规上”或“规下”；发展阶段填“初创”“成长”或“成熟”；日期写作 2020-05-18。",
        "请把代码、电话列设为“文本”格式，避免被表格软件改成科学计数法。",
        "每个文件不超过 10 MB、100,000 行。",
    ];
    for (i, l) in lines.iter().enumerate() {
        notes.write_string(i as u32, 0, *l).map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

pub struct Table {
    pub headers: Vec<String>,
    /// (spreadsheet row number, cells)
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Refuses archives that unpack too far or too steeply, and XML with entity declarations.
fn check_zip(bytes: &[u8]) -> Result<(), Error> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| err("file.unreadable"))?;
    let mut total = 0u64;
    for i in 0..z.len() {
        let f = z.by_index(i).map_err(|_| err("file.unreadable"))?;
        total += f.size();
        if f.size() > 1024 * 1024 && f.size() / f.compressed_size().max(1) > MAX_RATIO {
            return Err(err("file.zip_bomb"));
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(err("file.zip_bomb"));
    }
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|_| err("file.unreadable"))?;
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut s = Vec::new();
            f.by_ref().take(MAX_UNPACKED_BYTES).read_to_end(&mut s).map_err(|_| err("file.unreadable"))?;
            let head = String::from_utf8_lossy(&s[..s.len().min(4096)]).to_uppercase();
            if head.contains("<!DOCTYPE") || head.contains("<!ENTITY") {
                return Err(err("file.xml_entities"));
            }
        }
    }
    Ok(())
}

fn excel_serial_to_date(v: f64) -> Option<String> {
    let base = jiff::civil::date(1899, 12, 30);
    base.checked_add(jiff::Span::new().days(v.floor() as i64)).ok().map(|d| d.to_string())
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // a long number in a numeric cell has lost digits: show it the way the sheet does
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}").replace('E', "E+"),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => excel_serial_to_date(dt.as_f64()).unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), else GB18030 (which covers GBK).
pub fn decode_text(bytes: &[u8]) -> Result<String, Error> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok(s.to_string());
    }
    let (s, _, bad) = encoding_rs::GB18030.decode(b);
    if bad {
        return Err(err("file.encoding"));
    }
    Ok(s.into_owned())
}

/// RFC 4180 CSV: quoted fields with doubled quotes and line breaks inside quotes.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else {
            match c {
                '"' if field.is_empty() => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Reads a roster file into a table, refusing what is too large, unsafe or not a table.
pub fn read_table(name: &str, bytes: &[u8]) -> Result<Table, Error> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(err("file.too_large").with("max_mb", 10));
    }
    let lower = name.to_lowercase();
    let mut rows: Vec<Vec<String>> = if bytes.starts_with(b"PK\x03\x04") {
        check_zip(bytes)?;
        use calamine::{Reader, Xlsx, open_workbook_from_rs};
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| err("file.unreadable"))?;
        let range = wb.worksheet_range_at(0).ok_or_else(|| err("file.empty"))?.map_err(|_| err("file.unreadable"))?;
        range.rows().map(|r| r.iter().map(cell_text).collect()).collect()
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") || !lower.contains('.') {
        parse_csv(&decode_text(bytes)?)
    } else {
        return Err(err("file.format"));
    };
    if rows.is_empty() {
        return Err(err("file.empty"));
    }
    let headers: Vec<String> = rows.remove(0).into_iter().map(|h| h.trim().to_string()).collect();
    let body: Vec<(usize, Vec<String>)> =
        rows.into_iter().enumerate().map(|(i, r)| (i + 2, r)).filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty())).collect();
    if body.len() > MAX_ROWS {
        return Err(err("file.too_many_rows").with("max", MAX_ROWS).with("rows", body.len()));
    }
    Ok(Table { headers, rows: body })
}

/// Whether an updated row says what the stored one says: the sealed personal data differs with
/// every sealing, so it counts as the same when its lookup hash is.
fn same_content(before: &EnterpriseRow, after: &EnterpriseRow) -> bool {
    let mut a = after.clone();
    if a.legal_rep_id_hash == before.legal_rep_id_hash {
        a.legal_rep_id_enc.clone_from(&before.legal_rep_id_enc);
    }
    if a.legal_rep_phone_hash == before.legal_rep_phone_hash {
        a.legal_rep_phone_enc.clone_from(&before.legal_rep_phone_enc);
    }
    a == *before
}

/// What an import row needs that does not depend on the database: its search words (from the
/// name, legal representative and liaison as written) and the liaison's phone sealed and hashed.
struct RowPrep {
    words: [String; 3],
    tokens: String,
    /// (phone as written, sealed, lookup hash)
    phone: Option<(String, String, String)>,
}

/// Works out [`RowPrep`] a batch at a time on a blocking thread, a few batches ahead of the
/// writer; `cols` are the columns of name, legal representative, liaison and liaison phone.
fn prepare_ahead(
    table: Arc<Table>,
    cipher: Arc<zt_domain::crypto::Cipher>,
    cols: [Option<usize>; 4],
) -> tokio::sync::mpsc::Receiver<Vec<RowPrep>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        for chunk in table.rows.chunks(IMPORT_BATCH) {
            let batch = chunk
                .iter()
                .map(|(_, cells)| {
                    let cell = |i: usize| cols[i].and_then(|c| cells.get(c)).map(|v| v.trim().to_string()).unwrap_or_default();
                    let words = [cell(0), cell(1), cell(2)];
                    let tokens = zt_db::search::index_tokens(&[&words[0], &words[1], &words[2]]);
                    let phone = Some(cell(3)).filter(|p| !p.is_empty()).map(|p| {
                        let (enc, hash) = (cipher.encrypt(&p), cipher.lookup_hash(&p));
                        (p, enc, hash)
                    });
                    RowPrep { words, tokens, phone }
                })
                .collect();
            if tx.blocking_send(batch).is_err() {
                return; // the import stopped
            }
        }
    });
    rx
}

/// [`read_table`] on a blocking thread (100,000 rows take about a second), handing back the
/// name and bytes.
async fn parse_off_runtime(name: String, bytes: Vec<u8>) -> Result<(Table, String, Vec<u8>), Error> {
    tokio::task::spawn_blocking(move || read_table(&name, &bytes).map(|t| (t, name, bytes)))
        .await
        .map_err(|e| Error::internal(e.to_string()))?
}

/// Maps each header to a column; unknown and missing required columns are refused, all named.
pub fn map_headers(headers: &[String]) -> Result<Vec<Option<&'static Column>>, Error> {
    let norm = |s: &str| s.trim().trim_end_matches('*').trim().to_lowercase();
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for h in headers {
        if h.is_empty() {
            out.push(None);
            continue;
        }
        let n = norm(h);
        match COLUMNS.iter().find(|c| norm(c.zh) == n || norm(c.en) == n || c.key == n || norm(c.zh.split('（').next().unwrap_or("")) == n)
        {
            Some(c) => out.push(Some(c)),
            None => {
                unknown.push(h.clone());
                out.push(None);
            }
        }
    }
    if !unknown.is_empty() {
        return Err(err("import.unknown_columns").with("columns", unknown.join("、")));
    }
    let missing: Vec<&str> =
        COLUMNS.iter().filter(|c| c.required && !out.iter().any(|o| o.is_some_and(|x| x.key == c.key))).map(|c| c.zh).collect();
    if !missing.is_empty() {
        return Err(err("import.missing_columns").with("columns", missing.join("、")));
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    pub mode: String,
    pub rows: usize,
    pub valid: usize,
    pub invalid: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows of enterprises on file that change nothing (not written, no timeline entry).
    #[serde(default)]
    pub unchanged: usize,
    pub written: usize,
    pub errors: Vec<RowError>,
}

fn yes_no(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "是" | "yes" | "y" | "true" | "1" | "有" => Some(true),
        "否" | "no" | "n" | "false" | "0" | "无" | "" => Some(false),
        _ => None,
    }
}

fn size_code(v: &str) -> String {
    match v.trim() {
        "规上" | "规模以上" => "above".into(),
        "规下" | "规模以下" => "below".into(),
        other => other.to_lowercase(),
    }
}

fn stage_code(v: &str) -> String {
    match v.trim() {
        "初创" | "初创期" => "startup".into(),
        "成长" | "成长期" => "growth".into(),
        "成熟" | "成熟期" => "mature".into(),
        other => other.to_lowercase(),
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ImportPayload {
    pub mode: String,
    pub lang: String,
}

/// Rows checked and written together by an import.
const IMPORT_BATCH: usize = 1_000;

/// The page cache an import writes through (see `Tx::widen_cache`): 100,000 rows into a large
/// archive take a third less time than with the default 2 MiB.
const IMPORT_CACHE_MIB: u32 = 32;

/// Runs an import job: validates every row, writes per the mode in one transaction that also
/// marks the job done, and keeps every bad row in the result.
pub async fn run_import(st: &AppState, job: &Job) -> Result<(), Error> {
    let payload: ImportPayload = serde_json::from_str(&job.payload).map_err(|e| Error::internal(e.to_string()))?;
    let lang = if payload.lang == "en" { Lang::En } else { Lang::Zh };
    let mut tx = st.db.write().await?;
    tx.widen_cache(IMPORT_CACHE_MIB).await?;
    let (name, bytes) = jobs::file(&mut tx, job.id).await?;
    let account = accounts::by_id_unscoped(&mut tx, job.created_by.ok_or_else(|| Error::internal("import without creator"))?)
        .await?
        .ok_or_else(Error::not_found)?;
    let actor = actor_for(&mut tx, &account, None, None).await?;
    let t0 = std::time::Instant::now();
    let table = match st.take_parsed(job.id) {
        Some(t) => t,
        None => Arc::new(parse_off_runtime(name.clone(), bytes).await?.0),
    };
    let cols = map_headers(&table.headers)?;
    let stations: Vec<Station> = zt_db::org::all_in_scope(&mut tx, "station", &actor.scope).await?;
    let by_name: HashMap<&str, uuid::Uuid> = stations.iter().map(|s| (s.name.as_str(), s.id)).collect();
    let total = table.rows.len();
    st.set_progress(job.id, 0, total as i64);
    let mut result = ImportResult {
        mode: payload.mode.clone(),
        rows: total,
        valid: 0,
        invalid: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        written: 0,
        errors: vec![],
    };
    let mut seen = HashSet::new();
    let now = st.now();
    let header_for = |key: &str| {
        table
            .headers
            .get(cols.iter().position(|c| c.is_some_and(|c| c.key == key)).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    let col_of = |key: &str| cols.iter().position(|c| c.is_some_and(|c| c.key == key));
    let uscc_col = col_of("uscc");
    let mut done = 0;
    // what each row needs that no database answer changes (search words, the liaison's phone
    // sealed and hashed) is worked out a few batches ahead on another thread
    let mut preps = prepare_ahead(
        table.clone(),
        st.cipher.clone(),
        [col_of("name"), col_of("legal_rep_name"), col_of("liaison_name"), col_of("liaison_phone")],
    );
    // a batch at a time: one lookup of the codes it names, then multi-row writes
    for chunk in table.rows.chunks(IMPORT_BATCH) {
        let prep = preps.recv().await.ok_or_else(|| Error::internal("import preparation stopped"))?;
        st.set_progress(job.id, done as i64, total as i64);
        done += chunk.len();
        let code_of = |cells: &Vec<String>| -> String {
            let raw = uscc_col.and_then(|i| cells.get(i)).map(|s| s.trim()).unwrap_or("");
            zt_domain::ident::uscc(raw, "uscc").unwrap_or_else(|_| raw.to_uppercase())
        };
        let codes: Vec<String> = chunk.iter().map(|(_, cells)| code_of(cells)).filter(|c| !c.is_empty()).collect();
        let known: HashMap<String, EnterpriseRow> =
            repo::by_usccs_unscoped(&mut tx, &codes).await?.into_iter().map(|e| (e.uscc.clone(), e)).collect();
        let known_ids: Vec<Uuid> = known.values().map(|e| e.id).collect();
        let visible = repo::visible_ids(&mut tx, &actor.scope, &known_ids).await?;
        let visible_ids: Vec<Uuid> = visible.iter().copied().collect();
        let on_file = repo::liaison_names(&mut tx, &visible_ids).await?;
        let mut creates: Vec<EnterpriseRow> = Vec::new();
        let mut updates: Vec<(EnterpriseRow, i64)> = Vec::new();
        let mut liaisons: Vec<(Uuid, String, String, Option<(String, String)>)> = Vec::new();
        let mut docs: Vec<(Uuid, String)> = Vec::new();
        // updated enterprises whose search words change
        let mut rewords: Vec<Uuid> = Vec::new();
        let mut entries: Vec<TimelineEntry> = Vec::new();
        for ((row_no, cells), prep) in chunk.iter().zip(prep) {
            let get = |key: &str| -> String { col_of(key).and_then(|i| cells.get(i)).map(|s| s.trim().to_string()).unwrap_or_default() };
            let mut row_errors: Vec<FieldError> = Vec::new();
            let uscc = code_of(cells);
            if !uscc.is_empty() && !seen.insert(uscc.clone()) {
                row_errors.push(FieldError::new("uscc", "import.duplicate_in_file"));
            }
            let station_name = get("station");
            let station_id = match by_name.get(station_name.as_str()) {
                Some(id) => Some(*id),
                None => {
                    row_errors.push(FieldError::new("station", if station_name.is_empty() { "required" } else { "ref.not_found" }));
                    None
                }
            };
            let upgrade = match yes_no(&get("upgrade_potential")) {
                Some(b) => Some(b),
                None => {
                    row_errors.push(FieldError::new("upgrade_potential", "invalid_format"));
                    None
                }
            };
            let opt = |v: String| if v.is_empty() { None } else { Some(v) };
            // an enterprise on file is updated if the importer may see it; otherwise its code is taken
            let existing = known.get(&uscc).filter(|e| visible.contains(&e.id));
            let creating = existing.is_none();
            let input = EnterpriseInput {
                uscc: creating.then(|| uscc.clone()),
                name: Some(get("name")),
                registered_on: Some(opt(get("registered_on"))),
                registered_address: Some(get("registered_address")),
                operating_address: Some(get("operating_address")),
                station_id,
                cluster: Some(get("cluster")),
                industry_code: Some(get("industry_code")),
                industry_name: Some(get("industry_name")),
                size: Some(size_code(&get("size"))),
                upgrade_potential: upgrade,
                stage: Some(stage_code(&get("stage"))),
                legal_rep_name: Some(get("legal_rep_name")),
                legal_rep_id_number: opt(get("legal_rep_id_number")).map(Some),
                legal_rep_phone: opt(get("legal_rep_phone")).map(Some),
                version: None,
            };
            let liaison = (get("liaison_name"), get("liaison_phone"));
            if !liaison.1.is_empty() && (zt_domain::ident::looks_like_excel_number(&liaison.1) || !zt_domain::check::is_phone(&liaison.1)) {
                row_errors.push(FieldError::new(
                    "liaison_phone",
                    if zt_domain::ident::looks_like_excel_number(&liaison.1) { "excel.mangled_number" } else { "phone.invalid" },
                ));
            }
            let mut e = existing.cloned().unwrap_or_else(|| blank_row(now));
            let refs = Refs {
                uscc_owner: &|code| known.get(code).map(|o| (o.id, o.name.clone())),
                station_writable: &|sid| by_name.values().any(|v| *v == sid),
            };
            if let Err(fe) = apply_with(st, &mut e, input, creating, &refs) {
                if fe.kind != ErrorKind::Validation {
                    return Err(fe);
                }
                // the station column is named once
                for f in fe.fields {
                    if !(f.field == "station_id" && row_errors.iter().any(|r| r.field == "station")) {
                        row_errors.push(f);
                    }
                }
            }
            if !row_errors.is_empty() {
                result.invalid += 1;
                for f in row_errors {
                    let key = if f.field == "station_id" { "station".to_string() } else { f.field.clone() };
                    // the sheet's own words for the allowed values
                    let mut f = f;
                    if f.code == "one_of" {
                        let allowed = match (f.field.as_str(), lang) {
                            ("size", Lang::Zh) => Some("规上, 规下"),
                            ("stage", Lang::Zh) => Some("初创, 成长, 成熟"),
                            _ => None,
                        };
                        if let Some(a) = allowed {
                            f.params.insert("allowed".into(), a.into());
                        }
                    }
                    result.errors.push(RowError {
                        row: *row_no,
                        column: header_for(&key),
                        code: f.code.clone(),
                        message: render(&f.code, lang, &f.params),
                    });
                }
                continue;
            }
            result.valid += 1;
            // a row that says what the archive already says is not written again
            if existing.is_some_and(|before| same_content(before, &e))
                && (liaison.0.is_empty() || on_file.contains(&(e.id, liaison.0.clone())))
            {
                result.unchanged += 1;
                continue;
            }
            if payload.mode == "dry_run" || (payload.mode == "all_or_nothing" && result.invalid > 0) {
                continue;
            }
            if creating {
                // a new enterprise's search words are all in hand
                let tokens = if prep.words == [e.name.as_str(), e.legal_rep_name.as_str(), liaison.0.as_str()] {
                    prep.tokens
                } else {
                    zt_db::search::index_tokens(&[&e.name, &e.legal_rep_name, &liaison.0])
                };
                docs.push((e.id, tokens));
            }
            if !liaison.0.is_empty() {
                let sealed = prep.phone.filter(|(p, _, _)| *p == liaison.1).map(|(_, enc, hash)| (enc, hash));
                liaisons.push((e.id, liaison.0, liaison.1, sealed));
            }
            entries.push(TimelineEntry {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                at: now,
                kind: "import".into(),
                summary: format!("{}：名录导入（{}，第 {} 行）", if creating { "建立档案" } else { "更新档案" }, name, row_no),
                actor_id: Some(actor.account_id),
                actor_name: actor.display_name.clone(),
                ref_type: "job".into(),
                ref_id: Some(job.id.to_string()),
            });
            if creating {
                creates.push(e);
            } else {
                if existing.is_some_and(|before| before.name != e.name || before.legal_rep_name != e.legal_rep_name) {
                    rewords.push(e.id);
                }
                let expected = e.version;
                e.version += 1;
                e.updated_at = now;
                updates.push((e, expected));
            }
        }
        if entries.is_empty() {
            continue;
        }
        result.created += creates.len();
        result.updated += updates.len();
        repo::insert_many(&mut tx, &creates).await?;
        repo::save_many(&mut tx, &updates).await?;
        let contacts: Vec<ContactRow> = liaisons
            .into_iter()
            .filter(|(id, name, _, _)| !on_file.contains(&(*id, name.clone())))
            .map(|(enterprise_id, name, phone, sealed)| {
                let phone = (!phone.is_empty()).then_some(phone);
                let (phone_enc, phone_hash) = match (sealed, phone.as_deref()) {
                    (Some((enc, hash)), _) => (Some(enc), Some(hash)),
                    (None, Some(p)) => (Some(st.cipher.encrypt(p)), Some(st.cipher.lookup_hash(p))),
                    (None, None) => (None, None),
                };
                ContactRow {
                    id: Uuid::now_v7(),
                    enterprise_id,
                    role: "liaison".into(),
                    name,
                    position: String::new(),
                    phone_enc,
                    phone_hash,
                    email: String::new(),
                    note: String::new(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        repo::insert_children(&mut tx, &contacts).await?;
        zt_db::search::upsert_many(&mut tx, &docs).await?;
        // an updated enterprise's words (it may have former names and other contacts on file)
        // are read back when its name, legal representative or contacts changed
        let new_ids: HashSet<Uuid> = creates.iter().map(|e| e.id).collect();
        rewords.extend(contacts.iter().map(|c| c.enterprise_id).filter(|id| !new_ids.contains(id)));
        rewords.sort();
        rewords.dedup();
        repo::reindex_many(&mut tx, &rewords).await?;
        repo::record_many(&mut tx, &entries).await?;
    }
    let commit_rows = match payload.mode.as_str() {
        "dry_run" => false,
        "all_or_nothing" => result.invalid == 0,
        _ => true,
    };
    result.written = if commit_rows { result.created + result.updated } else { 0 };
    if !commit_rows {
        result.created = 0;
        result.updated = 0;
    }
    let value = serde_json::to_value(&result).map_err(|e| Error::internal(e.to_string()))?;
    let summary = format!(
        "企业名录导入（{}）：{} 行，正确 {}，错误 {}，写入 {}",
        payload.mode, result.rows, result.valid, result.invalid, result.written
    );
    let detail = json!({"file": name, "mode": payload.mode, "rows": result.rows, "valid": result.valid, "invalid": result.invalid, "written": result.written});
    if commit_rows {
        record(&mut tx, st, &actor, "enterprise.import", "job", Some(job.id.to_string()), summary, detail).await?;
        jobs::finish(&mut tx, job.id, &value, st.now()).await?;
        tx.commit().await?;
    } else {
        drop(tx); // rolls back every row written
        let mut tx = st.db.write().await?;
        record(&mut tx, st, &actor, "enterprise.import", "job", Some(job.id.to_string()), summary, detail).await?;
        jobs::finish(&mut tx, job.id, &value, st.now()).await?;
        tx.commit().await?;
    }
    tracing::info!(job = %job.id, rows = result.rows, written = result.written, ms = t0.elapsed().as_millis() as u64, "roster import finished");
    st.clear_progress(job.id);
    if commit_rows && result.written > 1000 {
        st.db.optimize().await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- HTTP

fn file_response(bytes: Vec<u8>, mime: &'static str, filename: &str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let encoded: String = filename
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"export.{}\"; filename*=UTF-8''{encoded}",
        filename.rsplit('.').next().unwrap_or("bin")
    )) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(get, path = "/api/enterprises/import/template", tag = "archive", responses((status = 200, description = "The .xlsx template")))]
pub async fn download_template(Authed(s): Authed) -> ApiResult<Response> {
    s.actor.require("enterprise.write")?;
    Ok(file_response(template()?, XLSX, "企业名录导入模板.xlsx"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// dry_run 仅校验 · all_or_nothing 全部正确才导入 · valid_only 仅导入正确行
    pub mode: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobAccepted {
    pub job_id: Uuid,
}

/// Uploads a roster (.xlsx or .csv, at most 10 MB and 100,000 rows); the import runs as a job.
#[utoipa::path(post, path = "/api/enterprises/import", tag = "archive", params(ImportQuery),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 202, body = JobAccepted), (status = 422, body = crate::error::ErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    Authed(s): Authed,
    ctx: Ctx,
    Q(q): Q<ImportQuery>,
    mut mp: Multipart,
) -> ApiResult<(StatusCode, Json<JobAccepted>)> {
    s.actor.require("enterprise.write")?;
    let mode = q.mode.unwrap_or_else(|| "dry_run".into());
    if !["dry_run", "all_or_nothing", "valid_only"].contains(&mode.as_str()) {
        return Err(
            Error::validation(vec![FieldError::new("mode", "one_of").with("allowed", "dry_run, all_or_nothing, valid_only")]).into()
        );
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = mp.next_field().await.map_err(|_| ApiError(err("file.unreadable")))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.csv").to_string();
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| ApiError(err("file.too_large").with("max_mb", 10)))? {
            data.extend_from_slice(&chunk);
            if data.len() > MAX_FILE_BYTES {
                return Err(err("file.too_large").with("max_mb", 10).into());
            }
        }
        file = Some((name, data));
    }
    let Some((name, data)) = file else { return Err(Error::field("file", "required").into()) };
    // the checks that need no database answer at once
    let (table, name, data) = parse_off_runtime(name, data).await?;
    map_headers(&table.headers)?;
    let lang = if ctx.lang == Lang::En { "en" } else { "zh" };
    let mut tx = st.db.write().await?;
    let id = jobs::enqueue(&mut tx, "enterprise.import", &json!({"mode": mode, "lang": lang}), Some(s.actor.account_id), st.now()).await?;
    jobs::attach_file(&mut tx, id, &name, data).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "enterprise.import_upload",
        "job",
        Some(id.to_string()),
        format!("上传企业名录 {name}（{} 行，{mode}）", table.rows.len()),
        json!({"file": name, "rows": table.rows.len(), "mode": mode}),
    )
    .await?;
    tx.commit().await?;
    st.keep_parsed(id, Arc::new(table));
    st.jobs_notify.notify_one();
    Ok((StatusCode::ACCEPTED, Json(JobAccepted { job_id: id })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub job: Job,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

async fn own_job(st: &AppState, actor: &Actor, id: Uuid) -> Result<Job, Error> {
    let mut tx = st.db.read().await?;
    let job = jobs::get(&mut tx, id).await?;
    tx.commit().await?;
    if job.created_by != Some(actor.account_id) {
        return Err(Error::denied("job", id));
    }
    Ok(job)
}

/// A job the caller started: status, progress, and the result when done.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, body = JobView)))]
pub async fn job(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Json<JobView>> {
    let mut job = own_job(&st, &s.actor, id).await?;
    if let Some((p, t)) = st.progress_of(id) {
        job.progress = p;
        job.total = t;
    }
    let result = job.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
    Ok(Json(JobView { job, result }))
}

/// The bad rows of an import as an .xlsx report.
#[utoipa::path(get, path = "/api/jobs/{id}/errors.xlsx", tag = "archive", params(("id" = Uuid, Path)), responses((status = 200, description = ".xlsx")))]
pub async fn error_report(State(st): State<AppState>, Authed(s): Authed, Id(id): Id) -> ApiResult<Response> {
    let job = own_job(&st, &s.actor, id).await?;
    let result: ImportResult = job.result.as_deref().and_then(|r| serde_json::from_str(r).ok()).ok_or_else(Error::not_found)?;
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| Error::internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name("错误行").map_err(x)?;
    for (i, h) in ["行号", "列", "错误代码", "说明"].iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(x)?;
    }
    for (i, e) in result.errors.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, e.row as f64).map_err(x)?;
        ws.write_string(r, 1, safe_cell(&e.column)).map_err(x)?;
        ws.write_string(r, 2, &e.code).map_err(x)?;
        ws.write_string(r, 3, safe_cell(&e.message)).map_err(x)?;
    }
    ws.set_column_width(3, 60).map_err(x)?;
    Ok(file_response(wb.save_to_buffer().map_err(x)?, XLSX, "导入错误报告.xlsx"))
}

/// A cell a spreadsheet will not run as a formula.
pub fn safe_cell(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// xlsx (default) · csv
    pub format: Option<String>,
    pub q: Option<String>,
    pub station_id: Option<Uuid>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub stage: Option<String>,
    pub label: Option<String>,
    pub grade: Option<String>,
    pub as_of: Option<String>,
    pub expiring: Option<bool>,
}

/// Exports the filtered list: personal data masked, formula-safe cells, at most 5,000 rows
/// without `pi.export.bulk`; every export is audited with its filter and row count.
#[utoipa::path(get, path = "/api/enterprises/export", tag = "archive", params(ExportQuery), responses((status = 200, description = "file"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn export(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<ExportQuery>) -> ApiResult<Response> {
    s.actor.require("enterprise.export")?;
    let format = q.format.clone().unwrap_or_else(|| "xlsx".into());
    if !["xlsx", "csv"].contains(&format.as_str()) {
        return Err(Error::validation(vec![FieldError::new("format", "one_of").with("allowed", "xlsx, csv")]).into());
    }
    let lq = EnterpriseQuery {
        q: q.q.clone(),
        station_id: q.station_id,
        industry: q.industry.clone(),
        size: q.size.clone(),
        stage: q.stage.clone(),
        label: q.label.clone(),
        grade: q.grade.clone(),
        as_of: q.as_of.clone(),
        expiring: q.expiring,
        sort: None,
        order: None,
        page: None,
        page_size: None,
    };
    let (f, sort, desc) = filter_of(&st, &lq)?;
    let mut tx = st.db.write().await?;
    let bulk = s.actor.can("pi.export.bulk");
    let cap = crate::params::get_int(&st, &mut tx, "export.max_rows").await?;
    let (total, capped) = repo::count_matches(&mut tx, &s.actor.scope, &f, st.today(), if bulk { i64::MAX - 1 } else { cap }).await?;
    if capped {
        return Err(Error::new(ErrorKind::Validation, "export.too_many").with("rows", format!("{cap}+")).with("max", cap).into());
    }
    let (rows, _, _) = repo::list(&mut tx, &s.actor.scope, &f, sort, desc, total.max(1), 0, st.today()).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.e.id).collect();
    let mut labels: HashMap<Uuid, Vec<String>> = HashMap::new();
    let defs: HashMap<String, String> =
        crate::dicts::entries(&st, &mut tx, "enterprise_label").await?.iter().map(|d| (d.code.clone(), d.name_zh.clone())).collect();
    for chunk in ids.chunks(500) {
        for (id, l) in repo::labels_on(&mut tx, chunk, st.today()).await? {
            labels.entry(id).or_default().push(defs.get(&l).cloned().unwrap_or(l));
        }
    }
    let headers: Vec<String> = [
        "统一社会信用代码",
        "企业名称",
        "所属站点",
        "注册日期",
        "注册地址",
        "经营地址",
        "产业集群",
        "行业代码",
        "行业名称",
        "规模",
        "升规潜力",
        "发展阶段",
        "法定代表人",
        "法定代表人电话（脱敏）",
        "标签",
        "分类分级",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for r in &rows {
        let e = &r.e;
        let phone = e
            .legal_rep_phone_enc
            .as_deref()
            .map(|v| st.cipher.decrypt(v).map(|p| zt_domain::ident::mask_phone(&p)))
            .transpose()?
            .unwrap_or_default();
        table.push(vec![
            e.uscc.clone(),
            e.name.clone(),
            r.station_name.clone(),
            e.registered_on.map(|d| d.0.to_string()).unwrap_or_default(),
            e.registered_address.clone(),
            e.operating_address.clone(),
            e.cluster.clone(),
            e.industry_code.clone(),
            e.industry_name.clone(),
            if e.size == "above" { "规上" } else { "规下" }.into(),
            if e.upgrade_potential { "是" } else { "否" }.into(),
            match e.stage.as_str() {
                "startup" => "初创",
                "growth" => "成长",
                _ => "成熟",
            }
            .into(),
            e.legal_rep_name.clone(),
            phone,
            labels.remove(&e.id).unwrap_or_default().join("、"),
            e.grade.clone().unwrap_or_default(),
        ]);
    }
    record(
        &mut tx,
        &st,
        &s.actor,
        "enterprise.export",
        "enterprise",
        None,
        format!("导出企业名录 {} 行（{format}）", table.len()),
        json!({"rows": table.len(), "format": format, "filter": {"q": q.q, "station_id": q.station_id, "industry": q.industry, "size": q.size, "stage": q.stage, "label": q.label, "grade": q.grade, "as_of": q.as_of, "expiring": q.expiring}}),
    )
    .await?;
    tx.commit().await?;
    if format == "csv" {
        let mut out = String::from("\u{FEFF}");
        for line in std::iter::once(&headers).chain(table.iter()) {
            let cells: Vec<String> = line
                .iter()
                .map(|c| {
                    let c = safe_cell(c);
                    if c.contains([',', '"', '\n', '\r']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        return Ok(file_response(out.into_bytes(), "text/csv; charset=utf-8", "企业名录.csv"));
    }
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| Error::internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let ws = wb.add_worksheet().set_name("企业名录").map_err(x)?;
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &bold).map_err(x)?;
        ws.set_column_width(i as u16, 16).map_err(x)?;
    }
    for (r, line) in table.iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, safe_cell(v)).map_err(x)?;
        }
    }
    Ok(file_response(wb.save_to_buffer().map_err(x)?, XLSX, "企业名录.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_encodings() {
        let rows = parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,2,3\n");
        assert_eq!(rows, vec![vec!["a", "b,c", "say \"hi\""], vec!["1", "2", "3"]]);
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,统一社会信用代码");
        assert_eq!(decode_text(&gbk).unwrap(), "企业名称,统一社会信用代码");
        assert_eq!(decode_text("\u{FEFF}名称".as_bytes()).unwrap(), "名称");
    }

    #[test]
    fn headers_are_mapped_and_unknown_ones_named() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(map_headers(&h(&["统一社会信用代码*", "企业名称", "所属站点", "规模", "发展阶段"])).is_ok());
        let e = map_headers(&h(&["统一社会信用代码", "企业名称", "所属站点", "规模", "发展阶段", "备注", "颜色"])).unwrap_err();
        assert_eq!(e.code, "import.unknown_columns");
        assert_eq!(e.params["columns"], "备注、颜色");
        let e = map_headers(&h(&["企业名称"])).unwrap_err();
        assert_eq!(e.code, "import.missing_columns");
    }

    #[test]
    fn template_reads_back() {
        let t = read_table("t.xlsx", &template().unwrap()).unwrap();
        assert!(map_headers(&t.headers).is_ok());
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].1[0], "91350100M000100Y43");
    }

    fn zip_of(name: &str, data: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut w, data).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn unsafe_archives_are_refused() {
        let entities = zip_of("xl/workbook.xml", b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><workbook/>");
        assert_eq!(read_table("x.xlsx", &entities).err().unwrap().code, "file.xml_entities");
        let bomb = zip_of("xl/worksheets/sheet1.xml", &vec![b'0'; 4 * 1024 * 1024]);
        assert!(bomb.len() < 40 * 1024, "compresses well: {}", bomb.len());
        assert_eq!(read_table("x.xlsx", &bomb).err().unwrap().code, "file.zip_bomb");
        assert_eq!(read_table("x.xlsx", b"PK\x03\x04garbage").err().unwrap().code, "file.unreadable");
    }

    #[test]
    fn formula_cells_are_escaped() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("张江"), "张江");
    }

    #[test]
    fn excel_numbers_are_recognised() {
        assert_eq!(cell_text(&calamine::Data::Float(9.13501e17)), "9.13501E+17");
        assert!(zt_domain::ident::looks_like_excel_number(&cell_text(&calamine::Data::Float(9.13501e17))));
        assert_eq!(cell_text(&calamine::Data::Float(13812345678.0)), "13812345678");
    }
}
