//! Enterprises as columns: one array per field and a validity bit set (a clear bit is a missing
//! value). Built from rows, or read from CSV with a FIELDS.json schema.

use crate::bits::Bits;
use crate::date::{Day, parse_day};
use crate::schema::{FieldType, Schema};

/// One value of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Index into the enum's values.
    Code(u8),
    Date(Day),
    /// Bit i: the set holds the field's i-th label.
    Set(u64),
}

#[derive(Debug, Clone)]
pub enum Data {
    /// Integers that all fit in 32 bits (twice as many per instruction).
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bool(Bits),
    Code(Vec<u8>),
    Date(Vec<i32>),
    Set(Vec<u64>),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub data: Data,
    pub valid: Bits,
}

impl Column {
    pub fn get(&self, i: usize) -> Option<Val> {
        if !self.valid.get(i) {
            return None;
        }
        Some(match &self.data {
            Data::I32(v) => Val::Int(v[i] as i64),
            Data::I64(v) => Val::Int(v[i]),
            Data::F64(v) => Val::Float(v[i]),
            Data::Bool(b) => Val::Bool(b.get(i)),
            Data::Code(v) => Val::Code(v[i]),
            Data::Date(v) => Val::Date(Day(v[i])),
            Data::Set(v) => Val::Set(v[i]),
        })
    }
    pub fn bytes(&self) -> usize {
        let data = match &self.data {
            Data::I32(v) => v.len() * 4,
            Data::I64(v) => v.len() * 8,
            Data::F64(v) => v.len() * 8,
            Data::Bool(b) => b.words.len() * 8,
            Data::Code(v) => v.len(),
            Data::Date(v) => v.len() * 4,
            Data::Set(v) => v.len() * 8,
        };
        data + self.valid.words.len() * 8
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub n: usize,
    pub cols: Vec<Column>,
}

/// Builds one column value by value.
#[derive(Debug)]
struct Builder {
    ty: FieldType,
    ints: Vec<i64>,
    floats: Vec<f64>,
    bools: Vec<bool>,
    codes: Vec<u8>,
    dates: Vec<i32>,
    sets: Vec<u64>,
    valid: Vec<bool>,
}

impl Builder {
    fn new(ty: &FieldType, cap: usize) -> Builder {
        let v = |on: bool| if on { cap } else { 0 };
        Builder {
            ty: ty.clone(),
            ints: Vec::with_capacity(v(matches!(ty, FieldType::Int))),
            floats: Vec::with_capacity(v(matches!(ty, FieldType::Float))),
            bools: Vec::with_capacity(v(matches!(ty, FieldType::Bool))),
            codes: Vec::with_capacity(v(matches!(ty, FieldType::Enum(_)))),
            dates: Vec::with_capacity(v(matches!(ty, FieldType::Date))),
            sets: Vec::with_capacity(v(matches!(ty, FieldType::Set(_)))),
            valid: Vec::with_capacity(cap),
        }
    }
    fn push(&mut self, v: Option<Val>) {
        self.valid.push(v.is_some());
        match (&self.ty, v) {
            (FieldType::Int, v) => self.ints.push(if let Some(Val::Int(x)) = v { x } else { 0 }),
            (FieldType::Float, v) => self.floats.push(match v {
                Some(Val::Float(x)) => x,
                Some(Val::Int(x)) => x as f64,
                _ => 0.0,
            }),
            (FieldType::Bool, v) => self.bools.push(matches!(v, Some(Val::Bool(true)))),
            (FieldType::Enum(_), v) => self.codes.push(if let Some(Val::Code(c)) = v { c } else { 0 }),
            (FieldType::Date, v) => self.dates.push(if let Some(Val::Date(d)) = v { d.0 } else { 0 }),
            (FieldType::Set(_), v) => self.sets.push(if let Some(Val::Set(s)) = v { s } else { 0 }),
        }
    }
    fn finish(self) -> Column {
        let n = self.valid.len();
        let bits = |v: &[bool]| {
            let mut b = Bits::zeros(n);
            v.iter().enumerate().filter(|(_, x)| **x).for_each(|(i, _)| b.set(i, true));
            b
        };
        let valid = bits(&self.valid);
        let data = match self.ty {
            FieldType::Int if self.ints.iter().all(|&x| i32::try_from(x).is_ok()) => {
                Data::I32(self.ints.iter().map(|&x| x as i32).collect())
            }
            FieldType::Int => Data::I64(self.ints),
            FieldType::Float => Data::F64(self.floats),
            FieldType::Bool => Data::Bool(bits(&self.bools)),
            FieldType::Enum(_) => Data::Code(self.codes),
            FieldType::Date => Data::Date(self.dates),
            FieldType::Set(_) => Data::Set(self.sets),
        };
        Column { data, valid }
    }
}

/// Reads one cell of a field of type `ty`; an empty cell is a missing value.
pub fn parse_cell(ty: &FieldType, s: &str) -> Result<Option<Val>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let v = match ty {
        FieldType::Int => Val::Int(s.parse().map_err(|_| format!("{s} is not an integer"))?),
        FieldType::Float => Val::Float(s.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("{s} is not a number"))?),
        FieldType::Bool => Val::Bool(match s {
            "true" | "1" | "是" | "yes" | "TRUE" => true,
            "false" | "0" | "否" | "no" | "FALSE" => false,
            _ => return Err(format!("{s} is not true or false")),
        }),
        FieldType::Enum(values) => {
            Val::Code(values.iter().position(|v| v == s).ok_or_else(|| format!("{s} is not one of {}", values.join(", ")))? as u8)
        }
        FieldType::Date => Val::Date(parse_day(s).ok_or_else(|| format!("{s} is not a date YYYY-MM-DD"))?),
        // an empty cell is a missing value; an empty set is written "-" (or 无, none)
        FieldType::Set(_) if matches!(s, "-" | "无" | "none") => Val::Set(0),
        FieldType::Set(values) => {
            let mut m = 0u64;
            for label in s.split([';', '|', '；']).map(str::trim).filter(|x| !x.is_empty()) {
                let i = values.iter().position(|v| v == label).ok_or_else(|| format!("{label} is not one of {}", values.join(", ")))?;
                m |= 1 << i;
            }
            Val::Set(m)
        }
    };
    Ok(Some(v))
}

/// Splits one CSV line (RFC 4180 quotes; no line breaks inside quotes).
pub fn split_csv(line: &str, out: &mut Vec<String>) {
    out.clear();
    if !line.contains('"') {
        out.extend(line.split(',').map(str::to_string));
        return;
    }
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', q) => quoted = !q,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
}

/// Builds a table row by row without holding the rows.
#[derive(Debug)]
pub struct TableBuilder {
    cols: Vec<Builder>,
    n: usize,
}

impl TableBuilder {
    pub fn new(schema: &Schema, capacity: usize) -> TableBuilder {
        TableBuilder { cols: schema.fields.iter().map(|f| Builder::new(&f.ty, capacity)).collect(), n: 0 }
    }
    /// One row, in schema order.
    pub fn push(&mut self, row: &[Option<Val>]) {
        for (col, v) in self.cols.iter_mut().zip(row) {
            col.push(*v);
        }
        self.n += 1;
    }
    pub fn finish(self) -> Table {
        Table { n: self.n, cols: self.cols.into_iter().map(Builder::finish).collect() }
    }
}

impl Table {
    pub fn from_rows(schema: &Schema, rows: &[Vec<Option<Val>>]) -> Table {
        let mut b = TableBuilder::new(schema, rows.len());
        rows.iter().for_each(|r| b.push(r));
        b.finish()
    }

    /// Reads CSV text whose header names every schema field (other columns are ignored). Bad
    /// cells are reported by line and column, up to `max_errors`.
    pub fn from_csv(schema: &Schema, text: &str, max_errors: usize) -> Result<Table, Vec<String>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines();
        let mut cells = Vec::new();
        split_csv(lines.next().unwrap_or(""), &mut cells);
        let header: Vec<String> = cells.iter().map(|h| h.trim().to_string()).collect();
        let mut errors = Vec::new();
        let pos: Vec<usize> = schema
            .fields
            .iter()
            .map(|f| {
                header.iter().position(|h| *h == f.name).unwrap_or_else(|| {
                    errors.push(format!("header: column {} missing", f.name));
                    usize::MAX
                })
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut order: Vec<usize> = (0..pos.len()).collect();
        order.sort_by_key(|&i| pos[i]);
        let cap = text.len() / 64;
        let mut b: Vec<Builder> = schema.fields.iter().map(|f| Builder::new(&f.ty, cap)).collect();
        let mut n = 0;
        for (ln, line) in lines.enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            split_csv(line, &mut cells);
            // in the file's column order, so that errors read left to right
            for &fi in &order {
                let (f, col, p) = (&schema.fields[fi], &mut b[fi], pos[fi]);
                let cell = cells.get(p).map(String::as_str).unwrap_or("");
                match parse_cell(&f.ty, cell) {
                    Ok(v) => col.push(v),
                    Err(e) => {
                        col.push(None);
                        if errors.len() < max_errors {
                            errors.push(format!("line {}, column {}: {e}", ln + 2, f.name));
                        }
                    }
                }
            }
            n += 1;
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Table { n, cols: b.into_iter().map(Builder::finish).collect() })
    }

    pub fn row(&self, i: usize) -> Vec<Option<Val>> {
        self.cols.iter().map(|c| c.get(i)).collect()
    }

    pub fn bytes(&self) -> usize {
        self.cols.iter().map(Column::bytes).sum()
    }
}
