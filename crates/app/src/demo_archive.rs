//! Demo enterprises: realistic names, valid codes, industries, labels, grades with history,
//! contacts, certificates (some expiring soon), patents and three years of figures. Seeded, so
//! the same call gives the same district.

use jiff::civil::Date;
use uuid::Uuid;
use zt_api::archive::blank_row;
use zt_db::archive::{self as repo, Certificate, ContactRow, EnterpriseRow, GradeRecord, IpAsset, LabelPeriod, TimelineEntry, YearFigures};
use zt_db::{Day, Ts, Tx};
use zt_domain::Error;
use zt_domain::crypto::Cipher;

/// A small deterministic generator (xorshift64*), enough for demo data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const BRAND_A: &[&str] = &[
    "华", "瑞", "联", "微", "海", "睿", "凯", "中", "和", "君", "复", "天", "星", "云", "达", "芯", "翱", "思", "博", "恒", "鼎", "锐",
    "晶", "泰", "康", "迈", "图", "启", "新", "源",
];
const BRAND_B: &[&str] = &[
    "芯", "博", "影", "创", "正", "智", "赛", "元", "实", "宏", "岳", "环", "从", "闼", "原", "捷", "朗", "德", "通", "科", "医", "光",
    "研", "和", "润", "锋", "灵", "安", "森", "辰",
];
const INDUSTRIES: &[(&str, &str, &str)] = &[
    ("C2710", "化学药品原料药制造", "医药"),
    ("C2720", "化学药品制剂制造", "制药"),
    ("C2761", "生物药品制造", "生物医药"),
    ("C3581", "医疗诊断、监护及治疗设备制造", "医疗器械"),
    ("C3973", "集成电路制造", "集成电路"),
    ("I6520", "集成电路设计", "微电子"),
    ("I6510", "软件开发", "软件"),
    ("I6531", "信息系统集成服务", "信息技术"),
    ("M7320", "工程和技术研究和试验发展", "科技"),
    ("M7452", "检测服务", "检测技术"),
    ("C3490", "其他通用设备制造业", "智能装备"),
    ("C2929", "塑料零件及其他塑料制品制造", "新材料"),
];
const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "慧", "建华",
    "晓东", "海燕", "志强",
];
const USCC_BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

pub fn person(r: &mut Rng) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

fn mobile(r: &mut Rng) -> String {
    format!("1{}{:09}", r.pick(&["38", "39", "50", "58", "86", "88", "35", "37"]), r.below(1_000_000_000))[..11].to_string()
}

fn day(d: Date, offset_days: i64) -> Day {
    Day(d.checked_add(jiff::Span::new().days(offset_days)).unwrap_or(d))
}

/// Generated rows waiting to be written together.
#[derive(Default)]
struct Batch {
    enterprises: Vec<EnterpriseRow>,
    grades: Vec<GradeRecord>,
    certificates: Vec<Certificate>,
    labels: Vec<LabelPeriod>,
    contacts: Vec<ContactRow>,
    ips: Vec<IpAsset>,
    figures: Vec<YearFigures>,
    timeline: Vec<TimelineEntry>,
}

impl Batch {
    async fn flush(&mut self, tx: &mut Tx) -> Result<(), Error> {
        let b = std::mem::take(self);
        repo::insert_many(tx, &b.enterprises).await?;
        repo::insert_grades(tx, &b.grades).await?;
        repo::insert_children(tx, &b.certificates).await?;
        repo::insert_labels(tx, &b.labels).await?;
        repo::insert_children(tx, &b.contacts).await?;
        repo::insert_children(tx, &b.ips).await?;
        repo::insert_figures(tx, &b.figures).await?;
        repo::record_many(tx, &b.timeline).await?;
        let ids: Vec<Uuid> = b.enterprises.iter().map(|e| e.id).collect();
        repo::reindex_many(tx, &ids).await
    }
}

/// Inserts `n` enterprises spread over `stations` (id, share in percent) in the caller's
/// transaction. Returns how many were written.
/// `series` (0–960) goes into the organisation code, so that batches never share a code.
#[allow(clippy::too_many_arguments)]
pub async fn generate(
    tx: &mut Tx,
    cipher: &Cipher,
    now: Ts,
    today: Date,
    stations: &[(Uuid, u64)],
    n: usize,
    seed: u64,
    series: u32,
) -> Result<usize, Error> {
    let series_chars: String = [series / 31 % 31, series % 31].iter().map(|i| USCC_BODY[*i as usize] as char).collect();
    let mut r = Rng::new(seed);
    let mut used = std::collections::HashSet::new();
    let mut written = 0;
    let system = "系统（演示数据）".to_string();
    let mut b = Batch::default();
    while written < n {
        let (code, ind_name, word) = *r.pick(INDUSTRIES);
        let brand = format!("{}{}", r.pick(BRAND_A), r.pick(BRAND_B));
        let suffix = if r.chance(25) { "股份有限公司" } else { "有限公司" };
        let prefix = if r.chance(50) { "上海" } else { "" };
        let mut name = format!("{prefix}{brand}{word}{suffix}");
        if used.contains(&name) {
            name = format!("{prefix}{brand}{word}（上海）{suffix}");
            if used.contains(&name) {
                continue;
            }
        }
        let body: String = (0..5).map(|_| USCC_BODY[r.below(USCC_BODY.len() as u64) as usize] as char).collect();
        let Some(uscc) = zt_domain::ident::uscc_for("91", "310115", &format!("M{series_chars}{body}")) else { continue };
        if !used.insert(uscc.clone()) {
            continue;
        }
        used.insert(name.clone());
        let roll = r.below(100);
        let mut acc = 0;
        let station = stations
            .iter()
            .find(|(_, share)| {
                acc += share;
                roll < acc
            })
            .unwrap_or(&stations[0])
            .0;
        let registered = day(today, -(365 + r.below(365 * 15) as i64));
        let age_years = (today.year() - registered.0.year()) as i64;
        let mut e = blank_row(now);
        e.uscc = uscc;
        e.name = name.clone();
        e.registered_on = Some(registered);
        e.registered_address = format!(
            "上海市浦东新区{}路{}号",
            r.pick(&["张江", "科苑", "蔡伦", "哈雷", "金科", "碧波", "郭守敬", "祖冲之", "金海", "川沙"]),
            1 + r.below(999)
        );
        e.operating_address = e.registered_address.clone();
        e.station_id = station;
        e.cluster = r.pick(&["生物医药", "集成电路", "人工智能", "智能制造", ""]).to_string();
        e.industry_code = code.into();
        e.industry_name = ind_name.into();
        e.size = if r.chance(30) { "above".into() } else { "below".into() };
        e.upgrade_potential = e.size == "below" && r.chance(20);
        e.stage = if age_years < 3 {
            "startup".into()
        } else if age_years < 10 {
            "growth".into()
        } else {
            "mature".into()
        };
        e.legal_rep_name = person(&mut r);
        let id_no = {
            let birth = format!("{}{:02}{:02}", 1960 + r.below(35), 1 + r.below(12), 1 + r.below(28));
            let first17 = format!("310115{birth}{:03}", r.below(1000));
            let sum: u32 =
                first17.bytes().zip([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]).map(|(b, w)| (b - b'0') as u32 * w).sum();
            format!("{first17}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
        };
        e.legal_rep_id_enc = Some(cipher.encrypt(&id_no));
        e.legal_rep_id_hash = Some(cipher.lookup_hash(&id_no));
        let rep_phone = mobile(&mut r);
        e.legal_rep_phone_enc = Some(cipher.encrypt(&rep_phone));
        e.legal_rep_phone_hash = Some(cipher.lookup_hash(&rep_phone));

        // grade history
        let final_grade = if r.chance(10) {
            "A"
        } else if r.chance(28) {
            "B"
        } else {
            "C"
        };
        let mut grades = vec![("C", day(today, -(900 + r.below(300) as i64)), "首次分类分级")];
        if final_grade != "C" {
            grades.push(("B", day(today, -(450 + r.below(400) as i64)), "营收增长，列入重点关注"));
        }
        if final_grade == "A" {
            grades.push(("A", day(today, -(r.below(420) as i64 + 10)), "认定为高新技术企业，列入重点服务"));
        }
        e.grade = Some(final_grade.into());
        let mut story: Vec<(Day, &str, String)> = vec![(registered, "profile", format!("企业注册成立：{name}"))];
        let mut prev_grade = "未分级";
        for (g, on, reason) in &grades {
            story.push((*on, "grade", format!("分类分级：{prev_grade} → {g}（{reason}）")));
            prev_grade = g;
        }
        for (k, (g, on, reason)) in grades.iter().enumerate() {
            b.grades.push(GradeRecord {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                grade: g.to_string(),
                effective_on: *on,
                reason: reason.to_string(),
                actor_id: None,
                actor_name: system.clone(),
                created_at: now,
                superseded_on: grades.get(k + 1).map(|next| next.1),
            });
        }

        // labels, with the certificates that prove them
        let high_tech = final_grade == "A" || r.chance(15);
        let mut labels: Vec<(&str, Day, Option<Day>)> = Vec::new();
        if high_tech {
            let from = day(today, -(r.below(1000) as i64 + 30));
            labels.push(("high_tech", from, None));
            let expires = day(from.0, 3 * 365);
            b.certificates.push(Certificate {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                kind: "高新技术企业证书".into(),
                name: "高新技术企业证书".into(),
                number: format!("GR{}31{:06}", from.0.year(), r.below(1_000_000)),
                issuer: "上海市科学技术委员会".into(),
                issued_on: Some(from),
                expires_on: Some(expires),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }
        if r.chance(20) {
            labels.push(("tech_sme", day(today, -(r.below(700) as i64)), None));
        }
        if r.chance(8) {
            labels.push(("srdi", day(today, -(r.below(900) as i64)), None));
            if r.chance(25) {
                labels.push(("little_giant", day(today, -(r.below(400) as i64)), None));
            }
        }
        if r.chance(3) {
            labels.push(("gazelle", day(today, -1200), Some(day(today, -500))));
        }
        for (label, from, to) in &labels {
            let zh = match *label {
                "high_tech" => "高新技术企业",
                "tech_sme" => "科技型中小企业",
                "srdi" => "专精特新",
                "little_giant" => "专精特新“小巨人”",
                _ => "瞪羚企业",
            };
            story.push((*from, "label", format!("认定为{zh}")));
            if let Some(t) = to {
                story.push((*t, "label", format!("{zh}有效期届满")));
            }
            b.labels.push(LabelPeriod {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                label: label.to_string(),
                valid_from: *from,
                valid_to: *to,
                note: String::new(),
                version: 1,
                created_at: now,
            });
        }
        if r.chance(35) {
            let issued = day(today, -(r.below(1000) as i64 + 30));
            // a share expire within the next 90 days, for the alarm clock
            let expires = if r.chance(20) { day(today, r.below(90) as i64 + 1) } else { day(issued.0, 3 * 365) };
            b.certificates.push(Certificate {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                kind: "ISO 9001 质量管理体系认证".into(),
                name: "质量管理体系认证证书".into(),
                number: format!("0{}Q{:05}R0M", issued.0.year() % 100, r.below(100_000)),
                issuer: "中国质量认证中心".into(),
                issued_on: Some(issued),
                expires_on: Some(expires),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }

        // contacts
        let roles: &[&str] = if r.chance(40) { &["liaison", "policy_expert", "cqo"] } else { &["liaison"] };
        for role in roles {
            let phone = mobile(&mut r);
            let name = person(&mut r);
            b.contacts.push(ContactRow {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                role: role.to_string(),
                name,
                position: r.pick(&["综合部经理", "行政主管", "总经理助理", "质量总监", "财务经理"]).to_string(),
                phone_enc: Some(cipher.encrypt(&phone)),
                phone_hash: Some(cipher.lookup_hash(&phone)),
                // (reserved example domain: the demo never mails a real company)
                email: format!("{role}@{}.example.com", e.uscc.to_lowercase()),
                note: String::new(),
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }

        // IP assets
        for k in 0..r.below(if high_tech { 8 } else { 3 }) {
            let kind = *r.pick(&["invention", "utility_model", "utility_model", "software", "trademark", "design"]);
            let filed = day(today, -(r.below(2000) as i64 + 60));
            let granted = (kind != "invention" || r.chance(60)).then(|| day(filed.0, 200 + r.below(500) as i64)).filter(|g| g.0 <= today);
            b.ips.push(IpAsset {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                kind: kind.into(),
                number: format!("ZL{}{:08}.{}", filed.0.year(), r.below(100_000_000), k % 10),
                title: format!(
                    "一种{}{}",
                    r.pick(&["高效", "智能", "低功耗", "高通量", "微型", "可降解"]),
                    r.pick(&["检测装置", "制备方法", "控制系统", "芯片封装结构", "分析软件", "给药装置"])
                ),
                filed_on: Some(filed),
                granted_on: granted,
                status: if granted.is_some() { "granted".into() } else { "pending".into() },
                version: 1,
                created_at: now,
                updated_at: now,
            });
        }

        // three years of figures (yuan)
        let mut revenue = 2_000_000 + r.below(if e.size == "above" { 900_000_000 } else { 20_000_000 }) as i64;
        let mut staff = 5 + r.below(if e.size == "above" { 800 } else { 60 }) as i64;
        for year in (today.year() as i64 - 3)..(today.year() as i64) {
            let rd = revenue * (3 + r.below(15) as i64) / 100;
            b.figures.push(YearFigures {
                enterprise_id: e.id,
                year,
                revenue: Some(revenue),
                rd_spend: Some(rd),
                employees: Some(staff),
                tax_paid: Some(revenue * (2 + r.below(6) as i64) / 100),
                output_value: Some(revenue * (90 + r.below(30) as i64) / 100),
                updated_at: now,
            });
            revenue = revenue * (85 + r.below(45) as i64) / 100;
            staff = (staff * (90 + r.below(30) as i64) / 100).max(3);
        }
        story.sort_by_key(|(d, _, _)| *d);
        for (d, kind, summary) in story {
            let at = d.0.to_zoned(zt_api::shanghai()).map(|z| Ts(z.timestamp())).unwrap_or(now);
            b.timeline.push(TimelineEntry {
                id: Uuid::now_v7(),
                enterprise_id: e.id,
                at,
                kind: kind.into(),
                summary,
                actor_id: None,
                actor_name: system.clone(),
                ref_type: "enterprise".into(),
                ref_id: Some(e.id.to_string()),
            });
        }
        b.timeline.push(TimelineEntry {
            id: Uuid::now_v7(),
            enterprise_id: e.id,
            at: now,
            kind: "profile".into(),
            summary: format!("建立企业档案：{name}（演示数据）"),
            actor_id: None,
            actor_name: system.clone(),
            ref_type: "enterprise".into(),
            ref_id: Some(e.id.to_string()),
        });
        b.enterprises.push(e);
        written += 1;
        if b.enterprises.len() >= 2_000 {
            b.flush(tx).await?;
        }
    }
    b.flush(tx).await?;
    Ok(written)
}
