//! Dictionaries (字典管理): the enumerations an administrator may extend. Codes are stable once
//! made; an entry is disabled, never deleted, so old records stay readable.

use crate::check::Checks;

pub struct DictDef {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Where it is used, for the administrator.
    pub used_by_zh: &'static str,
    pub used_by_en: &'static str,
}

pub const DICTS: &[DictDef] = &[
    DictDef {
        code: "enterprise_label",
        name_zh: "企业标签",
        name_en: "Enterprise labels",
        used_by_zh: "企业档案、政策匹配、导入",
        used_by_en: "Archive, policy matching, import",
    },
    DictDef {
        code: "grade",
        name_zh: "重点企业分级",
        name_en: "Key-enterprise grades",
        used_by_zh: "企业档案（分类分级）",
        used_by_en: "Archive (grading)",
    },
    DictDef {
        code: "catalog_category",
        name_zh: "服务清单类别",
        name_en: "Catalog categories",
        used_by_zh: "服务清单、企业门户办事指南",
        used_by_en: "Service catalog, portal guide",
    },
    DictDef {
        code: "certificate_type",
        name_zh: "证照资质类型",
        name_en: "Certificate types",
        used_by_zh: "企业档案（证照）、闹钟提醒",
        used_by_en: "Archive (certificates), reminders",
    },
    DictDef {
        code: "industry",
        name_zh: "国民经济行业分类（GB/T 4754-2017）",
        name_en: "Industries (GB/T 4754-2017)",
        used_by_zh: "企业档案、筛选、政策匹配",
        used_by_en: "Archive, filters, policy matching",
    },
    DictDef {
        code: "need_category",
        name_zh: "企业诉求类别",
        name_en: "Need categories",
        used_by_zh: "走访与诉求",
        used_by_en: "Visits and needs",
    },
    DictDef { code: "event_kind", name_zh: "活动类型", name_en: "Event kinds", used_by_zh: "活动管理", used_by_en: "Events" },
    DictDef {
        code: "capability_tag",
        name_zh: "资源能力标签",
        name_en: "Resource capability tags",
        used_by_zh: "资源对接",
        used_by_en: "Resource matching",
    },
    DictDef {
        code: "circle_layer", name_zh: "服务圈层", name_en: "Circle layers", used_by_zh: "服务圈层", used_by_en: "Service circles"
    },
];

pub fn dict(code: &str) -> Option<&'static DictDef> {
    DICTS.iter().find(|d| d.code == code)
}

pub const COLORS: &[&str] = &["", "primary", "success", "info", "warning", "danger"];

/// Checks an entry's fields (the code only when it is new).
pub fn check_entry(c: &mut Checks, code: Option<&str>, name_zh: &str, name_en: &str, color: &str, sort_order: i64) {
    if let Some(code) = code {
        if code.is_empty() {
            c.add("code", "required");
        } else if code.len() > 32 || !code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            c.add("code", "invalid_format");
        }
    }
    c.text("name_zh", name_zh, 60);
    // an empty English name falls back to the Chinese one: no second error for the same blank
    if !c.has("name_zh") {
        c.text("name_en", name_en, 120);
    }
    if !COLORS.contains(&color) {
        c.add("color", "dict.color");
    }
    c.range("sort_order", sort_order, 0, 100_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_checked_by_field() {
        let mut c = Checks::new();
        check_entry(&mut c, Some("bad code"), "", "Label", "pink", -1);
        let e = c.finish().unwrap_err();
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["code", "name_zh", "color", "sort_order"]);
        let mut ok = Checks::new();
        check_entry(&mut ok, Some("C27"), "医药制造业", "Pharmaceuticals", "success", 10);
        assert!(ok.finish().is_ok());
    }
}
