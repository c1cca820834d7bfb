//! The fields a rule may test, with their types and the words used to explain them.

use serde_json::Value as Json;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Int,
    Float,
    Bool,
    /// One of a closed list of codes (industry, size, station…).
    Enum(Vec<String>),
    /// A calendar day.
    Date,
    /// A set of labels out of a closed list (at most 64).
    Set(Vec<String>),
}

impl FieldType {
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::Int => "int",
            FieldType::Float => "float",
            FieldType::Bool => "bool",
            FieldType::Enum(_) => "enum",
            FieldType::Date => "date",
            FieldType::Set(_) => "set",
        }
    }
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldType::Int | FieldType::Float)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub label_zh: String,
    pub label_en: String,
    /// Unit after a number ("件", "万元"), zh and en.
    pub unit_zh: String,
    pub unit_en: String,
    /// Display names of an enum's or set's values (zh, en), when the values are codes.
    pub value_labels: Vec<(String, String)>,
}

impl Field {
    pub fn new(name: &str, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            ty,
            label_zh: name.into(),
            label_en: name.into(),
            unit_zh: String::new(),
            unit_en: String::new(),
            value_labels: Vec::new(),
        }
    }
    pub fn with_value_labels(mut self, labels: Vec<(String, String)>) -> Field {
        self.value_labels = labels;
        self
    }
    /// The display name of the i-th value.
    pub fn value_name(&self, i: usize, zh: bool) -> Option<&str> {
        if let Some((z, e)) = self.value_labels.get(i) {
            return Some(if zh { z } else { e });
        }
        match &self.ty {
            FieldType::Enum(v) | FieldType::Set(v) => v.get(i).map(String::as_str),
            _ => None,
        }
    }
    pub fn labelled(mut self, zh: &str, en: &str, unit_zh: &str, unit_en: &str) -> Field {
        self.label_zh = zh.into();
        self.label_en = en.into();
        self.unit_zh = unit_zh.into();
        self.unit_en = unit_en.into();
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub fields: Vec<Field>,
    index: HashMap<String, usize>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Result<Schema, String> {
        let mut index = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            if let FieldType::Set(l) | FieldType::Enum(l) = &f.ty {
                if l.len() > 64 {
                    return Err(format!("field {}: at most 64 values", f.name));
                }
            }
            if index.insert(f.name.clone(), i).is_some() {
                return Err(format!("field {} is declared twice", f.name));
            }
        }
        Ok(Schema { fields, index })
    }
    pub fn get(&self, name: &str) -> Option<(usize, &Field)> {
        self.index.get(name).map(|&i| (i, &self.fields[i]))
    }

    /// Reads FIELDS.json: `{"column": "int" | "float" | "bool" | "date" | {"enum": [...]} |
    /// {"set": [...]} | {"type": ..., "values": [...], "label": "…", "label_en": "…", "unit": "…",
    /// "unit_en": "…"}}`. Fields are kept in column-name order.
    pub fn from_json(v: &Json) -> Result<Schema, String> {
        let obj = v.as_object().ok_or("FIELDS.json must be an object of column → type")?;
        let mut fields = Vec::new();
        for (name, spec) in obj {
            let bad = || format!("field {name}: type must be int, float, bool, date, {{\"enum\": [...]}} or {{\"set\": [...]}}");
            let values = |v: Option<&Json>| -> Result<Vec<String>, String> {
                v.and_then(Json::as_array).ok_or_else(bad)?.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(bad)).collect()
            };
            let (ty, o) = match spec {
                Json::String(t) => (simple(t).ok_or_else(bad)?, None),
                Json::Object(o) if o.contains_key("enum") => (FieldType::Enum(values(o.get("enum"))?), Some(o)),
                Json::Object(o) if o.contains_key("set") => (FieldType::Set(values(o.get("set"))?), Some(o)),
                Json::Object(o) => {
                    let t = o.get("type").and_then(Json::as_str).ok_or_else(bad)?;
                    let ty = match t {
                        "enum" => FieldType::Enum(values(o.get("values"))?),
                        "set" => FieldType::Set(values(o.get("values"))?),
                        t => simple(t).ok_or_else(bad)?,
                    };
                    (ty, Some(o))
                }
                _ => return Err(bad()),
            };
            let mut f = Field::new(name, ty);
            if let Some(o) = o {
                let s = |k: &str| o.get(k).and_then(Json::as_str).map(str::to_string);
                f.label_zh = s("label").unwrap_or(f.label_zh);
                f.label_en = s("label_en").unwrap_or(f.label_en);
                f.unit_zh = s("unit").unwrap_or_default();
                f.unit_en = s("unit_en").unwrap_or_default();
            }
            fields.push(f);
        }
        Schema::new(fields)
    }
}

fn simple(t: &str) -> Option<FieldType> {
    Some(match t {
        "int" => FieldType::Int,
        "float" => FieldType::Float,
        "bool" => FieldType::Bool,
        "date" => FieldType::Date,
        _ => return None,
    })
}
