//! The message catalogue: every error and field code in Chinese (default) and English.
//! Parameters appear as `{name}` and are filled from the error's params.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header: English only when English comes
    /// before any Chinese tag; Chinese otherwise.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Zh };
        for part in h.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }
}

/// (code, zh-CN, en)
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    ("validation.failed", "提交的数据有误，请按提示修改", "Some fields are invalid; please correct them"),
    (
        "internal",
        "系统内部错误，请联系管理员并提供请求编号 {request_id}",
        "Internal error; please contact the administrator with request id {request_id}",
    ),
    ("bad_request.json", "请求内容不是有效的 JSON：{reason}", "The request body is not valid JSON: {reason}"),
    ("bad_request.query", "查询参数有误：{reason}", "Invalid query parameters: {reason}"),
    ("bad_request.body_too_large", "请求内容过大", "The request body is too large"),
    ("not_found.route", "接口不存在", "No such endpoint"),
    ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
    ("auth.unauthenticated", "请先登录", "Please sign in"),
    ("auth.session_expired", "登录已过期，请重新登录", "Your session has expired; please sign in again"),
    ("auth.invalid_credentials", "用户名或密码错误", "Wrong user name or password"),
    ("auth.totp_required", "请输入动态验证码", "Enter your one-time code"),
    ("auth.totp_invalid", "动态验证码错误或已使用", "The one-time code is wrong or was already used"),
    ("auth.locked", "登录失败次数过多，账号已锁定至 {until_local}", "Too many failed sign-ins; the account is locked until {until_local}"),
    ("auth.rate_limited", "尝试过于频繁，请 {retry_after} 秒后再试", "Too many attempts; try again in {retry_after} seconds"),
    ("auth.forbidden", "没有执行此操作的权限", "You are not allowed to do this"),
    ("auth.password_change_required", "请先修改初始密码", "Please change your initial password first"),
    ("auth.totp_enrollment_required", "请先绑定动态验证码（双因素认证）", "Please set up two-factor authentication first"),
    ("auth.totp_required_for_role", "管理员账号必须启用动态验证码", "Administrator accounts must keep two-factor authentication"),
    ("auth.self_grant", "不能给自己分配角色或权限", "You cannot grant roles or permissions to yourself"),
    ("auth.admin_role_fixed", "三员角色的权限不可修改", "The permissions of the three administrator roles cannot be changed"),
    ("csrf.origin", "请求来源不被允许", "Request origin not allowed"),
    ("scope.not_found", "记录不存在或无权访问", "Record not found"),
    ("calendar.day_fixed", "日期和站点不能修改，请删除后重新添加", "The day and station cannot change; delete it and add it again"),
    (
        "calendar.office_hours_invalid",
        "办公时间格式应为“09:00-12:00,13:30-17:30”，时段按先后且不重叠",
        "Office hours look like \"09:00-12:00,13:30-17:30\": ordered periods that do not overlap",
    ),
    ("calendar.span_too_long", "时间跨度过长（最多 20 年）", "The span is too long (20 years at most)"),
    ("calendar.station_only_for_closure", "只有站点停办日可以指定站点", "Only a closure names a station"),
    ("calendar.year_not_covered", "{year} 年尚未登记放假通知，请先新增该年度", "No notice is recorded for {year}; add the year first"),
    ("datetime.invalid", "时间格式应为 RFC 3339（如 2026-11-25T09:30:00+08:00）", "Use an RFC 3339 time (e.g. 2026-11-25T09:30:00+08:00)"),
    ("money.invalid", "金额格式不正确（元，最多两位小数）", "Not an amount (yuan, at most two decimals)"),
    ("request.arrived_out_of_range", "取号时间应在过去 24 小时内", "The ticket time must be within the past 24 hours"),
    (
        "request.backoffice_only",
        "该事项为后台直接办理，需由后台经办人录入",
        "This item is handled directly in the back office; a back-office handler enters it",
    ),
    ("request.enterprise_not_found", "未找到该企业档案，请先建档", "No archive for this enterprise; create it first"),
    ("request.extension_decided", "该延期申请已处理", "This extension has already been decided"),
    ("request.extension_pending", "已有待审批的延期申请", "An extension is already waiting for approval"),
    ("request.extension_self", "不能审批本人提出的延期申请", "You cannot approve your own extension"),
    ("param.not_integer", "请输入整数", "Enter a whole number"),
    ("param.out_of_range", "取值须在 {min} 到 {max} 之间", "Must be between {min} and {max}"),
    ("param.security_floor", "取值须在 {min} 到 {max} 之间：{reason}", "Must be between {min} and {max} (security baseline: {reason})"),
    ("param.url", "须以 http:// 或 https:// 开头", "Must start with http:// or https://"),
    ("param.unknown", "没有这个参数", "No such parameter"),
    ("job.state", "任务当前状态（{state}）不能这样操作", "Not possible for a job in this state ({state})"),
    ("rule.shape", "规则结构有误：{detail}", "Malformed rule: {detail}"),
    ("rule.id", "条件编号缺失或重复：{detail}", "Condition id missing or repeated: {detail}"),
    ("rule.field_unknown", "没有这个字段：{detail}", "No such field: {detail}"),
    ("rule.op_invalid", "该字段不支持这个运算符：{detail}", "This operator does not apply: {detail}"),
    ("rule.value_type", "取值与字段类型不符：{detail}", "The value does not fit the field: {detail}"),
    ("rule.param_unknown", "没有这个参数：{detail}", "No such parameter: {detail}"),
    ("rule.param_undated", "参数在评估日期没有生效的取值：{detail}", "The parameter has no value in force then: {detail}"),
    ("policy.not_live", "政策未发布或不在有效期内，不能推送", "The policy is not published or not in force; it cannot be pushed"),
    ("newsletter.items", "每期须有 1 到 30 条内容", "An issue needs 1 to 30 items"),
    ("newsletter.sent", "这一期已经发送，不能再修改或重发", "This issue has been sent; it cannot be changed or sent again"),
    ("policy.no_rule", "政策还没有申报条件，不能发布或匹配", "The policy has no criteria yet; it cannot be published or matched"),
    ("policy.expires_before_effective", "失效日期早于生效日期", "The expiry date is before the effective date"),
    ("reminder.watch_unknown", "不支持的提醒对象", "Unknown thing to watch"),
    ("reminder.offset_unit", "提前量单位须为“天”或“工作日”", "The offset unit must be days or working days"),
    ("reminder.offsets_count", "请填写 1 至 6 个提前量", "Give one to six offsets"),
    ("reminder.offset_range", "提前量须在 0 至 366 之间", "Offsets must be between 0 and 366"),
    ("reminder.recipients", "请选择接收人（企业联系人、服务专员、站长）", "Choose recipients: contacts, specialist, station manager"),
    ("reminder.channels", "请选择发送渠道（站内消息、邮件、Webhook）", "Choose channels: inbox, e-mail, webhook"),
    ("reminder.placeholder", "模板中的占位符「{name}」不存在", "The template has an unknown placeholder \"{name}\""),
    ("dict.unknown", "没有这个字典", "No such dictionary"),
    (
        "dict.color",
        "颜色须为 primary、success、info、warning、danger 之一或留空",
        "The colour must be primary, success, info, warning, danger or empty",
    ),
    ("dict.disabled", "该字典项已停用，只能在旧记录中保留", "This entry is disabled; it stays on old records only"),
    ("dict.code_fixed", "字典项代码一经创建不可修改", "An entry's code cannot change once made"),
    ("dict.unknown_entry", "字典中没有这一项", "The dictionary has no such entry"),
    (
        "reminder.bureau_rule",
        "全局提醒规则由局领导维护，站长可新建本站规则",
        "Bureau-wide rules are kept by the bureau leaders; station managers make their station's own",
    ),
    ("reminder.range", "日期范围须在 0 至 92 天之间", "The date range must be 0 to 92 days"),
    ("reminder.already_acknowledged", "该提醒已处理", "This reminder has already been acknowledged"),
    ("reminder.ack_link", "确认链接无效或已过期", "The acknowledgement link is invalid or has expired"),
    ("policy.tags", "标签最多 20 个，每个不超过 20 字", "At most 20 tags of at most 20 characters"),
    ("request.attachment_closed", "办件当前状态（{state}）不能再上传材料", "Materials can no longer be attached in this state ({state})"),
    ("request.entry_unknown", "受理单中没有这一项材料", "The slip has no such entry"),
    ("attachment.empty", "文件是空的", "The file is empty"),
    ("attachment.type", "只接受以下格式：{allowed}", "Only these formats are accepted: {allowed}"),
    ("request.item_not_offered", "该事项未发布或不在本站点办理", "The item is not published or not offered at this station"),
    ("request.not_accepted", "办件尚未受理，没有受理回执", "The request has not been accepted; there is no receipt"),
    ("request.not_refused", "办件未被不予受理", "The request was not refused"),
    ("request.refusal_needs_entries", "不予受理须列明未满足的条件或材料", "A refusal must cite the unmet conditions or materials"),
    ("request.route_needs_target", "请选择接收科室或经办人", "Choose the receiving department or handler"),
    (
        "request.slip_changed",
        "受理单已更新为第 {version} 版，请刷新后重新核对",
        "The slip changed to version {version}; reload and check again",
    ),
    ("request.transition", "办件当前状态为“{state}”，不能执行该操作", "The request is \"{state}\"; this step is not allowed now"),
    ("request.unknown_entries", "包含受理单中不存在的条目", "Names entries that are not on the slip"),
    ("request.unticked", "以下必备条件或材料未勾选：{entries}", "These required entries are not ticked: {entries}"),
    ("slip.empty", "受理单至少需要一项条件或材料", "A slip needs at least one condition or material"),
    ("slip.use_slip_endpoint", "受理单请通过“保存为新版本”修改", "Change the slip by saving a new version"),
    ("conflict.version", "该记录已被他人修改，请刷新后重试", "The record was changed by someone else; reload and try again"),
    ("conflict.duplicate", "记录已存在", "The record already exists"),
    ("conflict.in_use", "该记录仍被其他数据引用，不能删除", "The record is still in use and cannot be deleted"),
    // field codes
    ("required", "必填", "Required"),
    ("too_long", "不能超过 {max} 个字符", "At most {max} characters"),
    ("out_of_range", "应在 {min} 到 {max} 之间", "Must be between {min} and {max}"),
    ("invalid_format", "格式不正确", "Invalid format"),
    ("invalid_type", "类型不正确：{reason}", "Wrong type: {reason}"),
    ("unknown_field", "不认识的字段", "Unknown field"),
    ("phone.invalid", "电话号码格式不正确（手机 11 位或区号-号码）", "Invalid phone number (11-digit mobile or area code-number)"),
    ("email.invalid", "电子邮箱格式不正确", "Invalid e-mail address"),
    ("date.invalid", "日期格式应为 YYYY-MM-DD", "Dates are written YYYY-MM-DD"),
    ("date.not_monday", "周起始日应为星期一", "A week starts on a Monday"),
    ("uuid.invalid", "编号格式不正确", "Invalid identifier"),
    ("ref.not_found", "引用的记录不存在或无权访问", "The referenced record does not exist or is not visible to you"),
    ("password.too_short", "密码至少 {min} 位", "The password needs at least {min} characters"),
    (
        "password.classes",
        "密码须包含大写字母、小写字母、数字、符号中的至少三类",
        "Use at least three of: upper case, lower case, digits, symbols",
    ),
    ("password.contains_username", "密码不能包含用户名", "The password must not contain the user name"),
    ("password.common", "密码过于常见，请换一个", "This password is too common"),
    ("password.wrong_current", "当前密码不正确", "The current password is wrong"),
    ("password.reused", "新密码不能与当前密码相同", "The new password must differ from the current one"),
    ("username.invalid", "用户名为 3–32 位小写字母、数字或 . _ -", "User names are 3–32 lower-case letters, digits or . _ -"),
    ("username.taken", "用户名已被使用", "This user name is taken"),
    ("role.unknown", "未知角色：{role}", "Unknown role: {role}"),
    (
        "role.admin_separation",
        "系统管理员、安全管理员、审计管理员三员分立，一个账号只能担任其一",
        "The system, security and audit administrator roles are separate; an account holds at most one",
    ),
    ("role.admin_exclusive", "三员账号不能兼任业务角色", "An administrator account cannot also hold business roles"),
    (
        "role.affiliation_missing",
        "该角色需要先设置所属单位（局、站点或科室）",
        "This role needs the account's bureau, station or department first",
    ),
    ("permission.unknown", "未知权限：{permission}", "Unknown permission: {permission}"),
    ("permission.admin_only", "权限 {permission} 只属于三员角色", "Permission {permission} belongs to an administrator role only"),
    ("region.code_invalid", "行政区划代码应为 6 位数字", "Region codes are 6 digits"),
    ("region.code_taken", "该行政区划代码已存在", "This region code already exists"),
    ("region.cycle", "上级区划不能是自己或自己的下级", "A region cannot be its own ancestor"),
    ("station.kind_invalid", "站点类型应为园区、集群、商务载体或镇街", "Station kind must be park, cluster, carrier or town"),
    ("department.kind_invalid", "部门类型应为科室或所队", "Department kind must be section or team"),
    ("department.station_bureau_mismatch", "站点不属于该局", "The station does not belong to this bureau"),
    ("name.taken", "同级下已有同名记录", "A record with this name already exists here"),
    ("duty.window_out_of_range", "窗口号应在 1 到 {max} 之间", "Window number must be between 1 and {max}"),
    ("duty.account_not_in_station", "该人员不属于本站点", "This person does not belong to the station"),
    ("duty.account_busy", "该人员当天已在其他窗口值班", "This person is already on duty at another window that day"),
    ("duty.taken", "该窗口当天已有值班人员", "Someone is already on duty at this window that day"),
    ("totp.invalid", "验证码不正确", "The code is not correct"),
    ("totp.not_set_up", "请先获取密钥", "Request a secret first"),
    (
        "uscc.length",
        "统一社会信用代码应为 18 位（当前 {length} 位）",
        "A unified social credit code has 18 characters (this one has {length})",
    ),
    (
        "uscc.charset",
        "统一社会信用代码第 {position} 位“{char}”不是允许的字符（不用 I、O、S、V、Z）",
        "Character {position} (\"{char}\") is not allowed in a unified social credit code (no I, O, S, V, Z)",
    ),
    ("uscc.authority", "登记管理部门代码“{char}”无效", "Unknown registration authority code \"{char}\""),
    ("uscc.type", "机构类别代码“{char}”与登记管理部门不符", "Organisation type \"{char}\" does not belong to this registration authority"),
    ("uscc.region", "第 3–8 位应为 6 位行政区划代码", "Characters 3–8 must be a 6-digit region code"),
    (
        "uscc.org_check",
        "组织机构代码校验位错误：第 17 位应为“{expected}”",
        "The organisation code check character is wrong: character 17 should be \"{expected}\"",
    ),
    (
        "uscc.check_char",
        "校验位错误：第 18 位应为“{expected}”，不是“{got}”",
        "Wrong check character: character 18 should be \"{expected}\", not \"{got}\"",
    ),
    ("uscc.taken", "该统一社会信用代码已登记：{name}", "This code is already registered: {name}"),
    (
        "excel.mangled_number",
        "数字被表格软件改成了科学计数法（如 9.13501E+17），请把该列设为文本后重新填写",
        "A spreadsheet turned this number into scientific notation (e.g. 9.13501E+17); format the column as text and enter it again",
    ),
    ("id_number.format", "身份证号应为 18 位（最后一位可为 X）", "An ID number has 18 characters (the last may be X)"),
    ("id_number.birth_date", "身份证号中的出生日期无效", "The birth date in this ID number is not a real date"),
    ("id_number.check_char", "身份证号校验位错误，应为“{expected}”", "Wrong ID number check character; expected \"{expected}\""),
    ("one_of", "取值应为以下之一：{allowed}", "Must be one of: {allowed}"),
    (
        "industry.code_invalid",
        "行业代码应为 GB/T 4754 门类字母加至多 4 位数字，如 C2710",
        "Industry codes are a GB/T 4754 section letter and up to 4 digits, e.g. C2710",
    ),
    ("label.unknown", "未知标签", "Unknown label"),
    ("label.overlap", "该标签在这段时间已有记录", "This label already has a period overlapping these dates"),
    ("date.before_start", "结束日期不能早于开始日期", "The end date cannot be before the start date"),
    ("file.too_large", "文件超过 {max_mb} MB", "The file is larger than {max_mb} MB"),
    (
        "file.unreadable",
        "无法读取该文件，请确认是 .xlsx 或 .csv 格式且未损坏",
        "The file cannot be read; use an undamaged .xlsx or .csv file",
    ),
    ("file.zip_bomb", "文件解压后过大或压缩比异常，已拒绝", "The file unpacks too large or with a suspicious compression ratio; refused"),
    ("file.xml_entities", "文件含有 XML 实体声明，已拒绝", "The file declares XML entities; refused"),
    ("file.encoding", "无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV", "Unknown text encoding; save the CSV as UTF-8 or GBK"),
    ("file.format", "只支持 .xlsx 和 .csv 文件", "Only .xlsx and .csv files are accepted"),
    ("file.empty", "文件中没有数据", "The file holds no data"),
    ("file.too_many_rows", "文件有 {rows} 行，超过上限 {max} 行", "The file has {rows} rows, more than the limit of {max}"),
    ("import.unknown_columns", "文件中有无法识别的列：{columns}", "Unknown columns in the file: {columns}"),
    ("import.missing_columns", "文件缺少必填列：{columns}", "Required columns missing: {columns}"),
    ("import.duplicate_in_file", "该统一社会信用代码在文件中重复出现", "This code appears more than once in the file"),
    (
        "export.too_many",
        "将导出 {rows} 行，超过 {max} 行的上限；请缩小筛选范围或申请批量导出权限",
        "The export would have {rows} rows, more than {max}; narrow the filter or ask for the bulk-export permission",
    ),
    ("account.cannot_disable_self", "不能停用自己的账号", "You cannot disable your own account"),
];

fn lookup(code: &str, lang: Lang) -> Option<&'static str> {
    CATALOGUE.iter().find(|(c, _, _)| *c == code).map(|(_, zh, en)| if lang == Lang::Zh { *zh } else { *en })
}

/// Renders `code` in `lang`, filling `{param}` placeholders. An unknown code renders as itself
/// (a test keeps the catalogue complete for the codes the code base uses).
pub fn render(code: &str, lang: Lang, params: &Map<String, Value>) -> String {
    let mut s = lookup(code, lang).unwrap_or(code).to_string();
    for (k, v) in params {
        let val = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        s = s.replace(&format!("{{{k}}}"), &val);
    }
    s
}

pub fn is_known(code: &str) -> bool {
    lookup(code, Lang::Zh).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Zh);
    }

    #[test]
    fn render_params() {
        let mut p = Map::new();
        p.insert("max".into(), 20.into());
        assert_eq!(render("too_long", Lang::Zh, &p), "不能超过 20 个字符");
        assert_eq!(render("too_long", Lang::En, &p), "At most 20 characters");
    }

    #[test]
    fn catalogue_codes_unique_and_filled() {
        let mut seen = std::collections::HashSet::new();
        for (c, zh, en) in CATALOGUE {
            assert!(seen.insert(*c), "duplicate code {c}");
            assert!(!zh.is_empty() && !en.is_empty());
            // the same placeholders in both languages
            let ph = |s: &str| {
                let mut v: Vec<String> = s.split('{').skip(1).filter_map(|x| x.split('}').next().map(String::from)).collect();
                v.sort();
                v
            };
            assert_eq!(ph(zh), ph(en), "placeholders differ for {c}");
        }
    }

    #[test]
    fn every_code_used_in_the_source_is_in_the_catalogue() {
        // Scan the workspace sources for string literals that look like error codes we emit.
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("tests") && !path.ends_with("target") {
                        stack.push(path);
                    }
                } else if path.extension().is_some_and(|x| x == "rs") && !path.ends_with("messages.rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    for marker in ["Error::field(\"", "FieldError::new(\"", "add(\""] {
                        for chunk in src.split(marker).skip(1) {
                            // Error::field("field", "code") and FieldError::new("field", "code")
                            let rest: Vec<&str> = chunk.splitn(4, '"').collect();
                            if rest.len() >= 3 {
                                let code = rest[2];
                                if code.contains('.') || code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                                    if !code.is_empty() && !is_known(code) && !code.contains(' ') {
                                        missing.push(format!("{}: {code}", path.display()));
                                    }
                                }
                            }
                        }
                    }
                    for marker in
                        ["conflict(\"", "unauthenticated(\"", "bad_request(\"", "ErrorKind::Forbidden, \"", "ErrorKind::Validation, \""]
                    {
                        for chunk in src.split(marker).skip(1) {
                            let code = chunk.split('"').next().unwrap_or("");
                            if !is_known(code) {
                                missing.push(format!("{}: {code}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "codes missing from the catalogue: {missing:#?}");
    }
}
