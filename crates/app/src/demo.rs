//! The demo district: 浦东新区 with its market-regulation bureau, four stations, departments,
//! staff accounts with known passwords (demo only), and this and next week's window duty.
//! Loaded only on request (`serve --demo` or `demo load`) and only into an empty database.

use jiff::civil::Date;
use serde_json::json;
use uuid::Uuid;
use zt_db::accounts::{self, Account};
use zt_db::audit::{self, Entry};
use zt_db::org::{self, Bureau, Department, Region, Station};
use zt_db::{Day, Db, Ts, Tx, duty, meta};
use zt_domain::Error;
use zt_domain::clock::Clock;
use zt_domain::crypto::Cipher;

/// How many enterprises the demo district has.
pub const DEMO_ENTERPRISES: usize = 2000;

pub const DEMO_PASSWORD: &str = "Zhitong@Demo2026";
/// TOTP secret of the three demo admin accounts (base32).
pub const DEMO_TOTP_SECRET: &str = "ZHITONGDEMOTOTPSECRET234";

pub async fn is_empty(db: &Db) -> Result<bool, Error> {
    let mut tx = db.read().await?;
    let n = accounts::count(&mut tx).await? + tx.count(&zt_db::Sql::new("SELECT count(*) FROM region")).await?;
    tx.commit().await?;
    Ok(n == 0)
}

/// Loads the demo district when the database holds no accounts and no regions yet.
pub async fn load_if_empty(db: &Db, clock: &dyn Clock, cipher: &Cipher, enterprises: usize) -> Result<bool, Error> {
    if !is_empty(db).await? {
        return Ok(false);
    }
    load(db, clock, cipher, enterprises).await?;
    Ok(true)
}

struct Ctx {
    now: Ts,
}

impl Ctx {
    fn station(&self, bureau: Uuid, name: &str, kind: &str, address: &str, contact: &str, phone: &str, windows: i64) -> Station {
        Station {
            id: Uuid::now_v7(),
            bureau_id: bureau,
            name: name.into(),
            kind: kind.into(),
            address: address.into(),
            contact_name: contact.into(),
            contact_phone: phone.into(),
            window_count: windows,
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        }
    }
    fn department(&self, bureau: Uuid, station: Option<Uuid>, name: &str, kind: &str, contact: &str, phone: &str) -> Department {
        Department {
            id: Uuid::now_v7(),
            bureau_id: bureau,
            station_id: station,
            name: name.into(),
            kind: kind.into(),
            contact_name: contact.into(),
            contact_phone: phone.into(),
            version: 1,
            created_at: self.now,
            updated_at: self.now,
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn account(
        &self,
        username: &str,
        name: &str,
        phone: &str,
        bureau: Option<Uuid>,
        station: Option<Uuid>,
        department: Option<Uuid>,
        hash: &str,
        admin: bool,
        cipher: &Cipher,
    ) -> Account {
        Account {
            phone: Some(phone.into()),
            email: Some(format!("{username}@demo.zhitong.local")),
            bureau_id: bureau,
            station_id: station,
            department_id: department,
            totp_secret: admin.then(|| cipher.encrypt(DEMO_TOTP_SECRET)),
            totp_enabled: admin,
            is_demo: true,
            ..Account::new(username, name, hash.to_string(), self.now)
        }
    }
}

async fn add_account(tx: &mut Tx, a: &Account, roles: &[&str]) -> Result<(), Error> {
    accounts::insert(tx, a).await?;
    accounts::set_roles(tx, a.id, &roles.iter().map(|r| r.to_string()).collect::<Vec<_>>()).await
}

pub async fn load(db: &Db, clock: &dyn Clock, cipher: &Cipher, enterprises: usize) -> Result<(), Error> {
    let c = Ctx { now: Ts(clock.now()) };
    let hash = zt_api::passwords::hash(DEMO_PASSWORD)?;
    let mut tx = db.write().await?;

    let sh = Region {
        id: Uuid::now_v7(),
        code: "310000".into(),
        name: "上海市".into(),
        parent_id: None,
        version: 1,
        created_at: c.now,
        updated_at: c.now,
    };
    let pd = Region {
        id: Uuid::now_v7(),
        code: "310115".into(),
        name: "浦东新区".into(),
        parent_id: Some(sh.id),
        version: 1,
        created_at: c.now,
        updated_at: c.now,
    };
    org::insert_region(&mut tx, &sh).await?;
    org::insert_region(&mut tx, &pd).await?;
    let bureau = Bureau {
        id: Uuid::now_v7(),
        region_id: pd.id,
        name: "浦东新区市场监督管理局".into(),
        address: "上海市浦东新区合欢路2号".into(),
        contact_name: "办公室".into(),
        contact_phone: "021-58881234".into(),
        version: 1,
        created_at: c.now,
        updated_at: c.now,
    };
    org::insert_bureau(&mut tx, &bureau).await?;
    let b = bureau.id;
    let zj = c.station(b, "张江科学城服务直通站", "park", "上海市浦东新区张江路665号", "陈静", "021-50801234", 3);
    let jq = c.station(b, "金桥开发区服务直通站", "park", "上海市浦东新区新金桥路27号", "刘洋", "021-50302345", 2);
    let bio = c.station(b, "生物医药产业集群服务站", "cluster", "上海市浦东新区哈雷路998号", "周敏", "021-50273456", 2);
    let cs = c.station(b, "川沙新镇企业服务站", "town", "上海市浦东新区川沙路5558号", "吴刚", "021-58924567", 1);
    for s in [&zj, &jq, &bio, &cs] {
        org::insert_station(&mut tx, s).await?;
    }
    let ip = c.department(b, None, "知识产权科", "section", "孙丽", "021-58881301");
    let quality = c.department(b, None, "质量发展科", "section", "钱伟", "021-58881302");
    let standard = c.department(b, None, "标准化科", "section", "郑红", "021-58881303");
    let registry = c.department(b, None, "登记注册科", "section", "冯涛", "021-58881304");
    let zj_team = c.department(b, Some(zj.id), "张江市场监管所", "team", "韩冰", "021-50801300");
    let jq_team = c.department(b, Some(jq.id), "金桥市场监管所", "team", "杨帆", "021-50302300");
    for d in [&ip, &quality, &standard, &registry, &zj_team, &jq_team] {
        org::insert_department(&mut tx, d).await?;
    }

    use zt_domain::auth::*;
    let accounts_list: Vec<(Account, Vec<&str>)> = vec![
        (c.account("sysadmin", "系统管理员", "13800000001", None, None, None, &hash, true, cipher), vec![SYSTEM_ADMIN]),
        (c.account("secadmin", "安全管理员", "13800000002", None, None, None, &hash, true, cipher), vec![SECURITY_ADMIN]),
        (c.account("auditor", "审计管理员", "13800000003", None, None, None, &hash, true, cipher), vec![AUDITOR]),
        (c.account("leader", "王建国", "13900000001", Some(b), None, None, &hash, false, cipher), vec![BUREAU_LEADER]),
        (c.account("zhangjiang", "陈静", "13900000002", Some(b), Some(zj.id), None, &hash, false, cipher), vec![STATION_MANAGER]),
        (c.account("zhangwei", "张伟", "13900000003", Some(b), Some(zj.id), None, &hash, false, cipher), vec![SPECIALIST]),
        (c.account("lina", "李娜", "13900000004", Some(b), Some(zj.id), None, &hash, false, cipher), vec![SPECIALIST]),
        (c.account("wangfang", "王芳", "13900000005", Some(b), Some(zj.id), None, &hash, false, cipher), vec![SPECIALIST]),
        (c.account("jinqiao", "刘洋", "13900000006", Some(b), Some(jq.id), None, &hash, false, cipher), vec![STATION_MANAGER]),
        (c.account("zhaolei", "赵磊", "13900000007", Some(b), Some(jq.id), None, &hash, false, cipher), vec![SPECIALIST]),
        (c.account("zhoumin", "周敏", "13900000008", Some(b), Some(bio.id), None, &hash, false, cipher), vec![STATION_MANAGER]),
        (c.account("wugang", "吴刚", "13900000009", Some(b), Some(cs.id), None, &hash, false, cipher), vec![STATION_MANAGER]),
        (c.account("ipdept", "孙丽", "13900000010", Some(b), None, Some(ip.id), &hash, false, cipher), vec![DEPARTMENT_HANDLER]),
        (c.account("zhiliang", "钱伟", "13900000011", Some(b), None, Some(quality.id), &hash, false, cipher), vec![DEPARTMENT_HANDLER]),
        (c.account("biaozhun", "郑红", "13900000012", Some(b), None, Some(standard.id), &hash, false, cipher), vec![DEPARTMENT_HANDLER]),
        // the liaison of the first Zhangjiang enterprise, on the portal
        (c.account("qiye", "李明", "13900000020", None, None, None, &hash, false, cipher), vec![ENTERPRISE_USER]),
    ];
    for (a, roles) in &accounts_list {
        add_account(&mut tx, a, roles).await?;
    }
    let id_of = |u: &str| accounts_list.iter().find(|(a, _)| a.username == u).map(|(a, _)| a.id).expect("demo account");

    // Window duty for this week and next, Monday to Friday, rotating the Zhangjiang specialists.
    let today = clock.now().to_zoned(zt_api::shanghai()).date();
    let monday = zt_api::duty::monday_of(today);
    let rota = [("zhangjiang", 1), ("zhangwei", 2), ("lina", 3), ("wangfang", 1), ("zhangwei", 3)];
    for week in 0..2 {
        for wd in 0..5i64 {
            let day: Date = monday.checked_add(jiff::Span::new().days(week * 7 + wd)).map_err(|e| Error::internal(e.to_string()))?;
            for k in 0..3 {
                let (who, _) = rota[((wd + k + week) % 5) as usize];
                let window = k + 1;
                if !duty::person_busy(&mut tx, id_of(who), Day(day)).await? {
                    duty::insert(&mut tx, Uuid::now_v7(), zj.id, Day(day), window, id_of(who), "", c.now).await?;
                }
            }
            let jq_who = if wd % 2 == 0 { "jinqiao" } else { "zhaolei" };
            duty::insert(&mut tx, Uuid::now_v7(), jq.id, Day(day), 1, id_of(jq_who), "", c.now).await?;
        }
    }

    let stations = [(zj.id, 45), (jq.id, 25), (bio.id, 20), (cs.id, 10)];
    let n = crate::demo_archive::generate(&mut tx, cipher, c.now, today, &stations, enterprises, 20261125, 0).await?;

    // the demo requests' deadlines use the calendar `open_database` loaded
    let sample: Vec<Uuid> = zt_db::archive::list(
        &mut tx,
        &zt_domain::scope::Scope::Station { bureau: b, station: zj.id },
        &Default::default(),
        zt_db::archive::Sort::Name,
        false,
        12,
        0,
        Day(today),
    )
    .await?
    .0
    .into_iter()
    .map(|r| r.e.id)
    .collect();
    if let Some(first) = sample.first() {
        zt_db::portal::link(&mut tx, id_of("qiye"), *first, None, c.now).await?;
        // a permit of the portal's enterprise runs out soon: its alarm clock has rung
        let issued = today.checked_sub(jiff::Span::new().days(5 * 365 - 25)).unwrap_or(today);
        zt_db::archive::insert_children(
            &mut tx,
            &[zt_db::archive::Certificate {
                id: Uuid::now_v7(),
                enterprise_id: *first,
                kind: "排污许可证".into(),
                name: "排污许可证".into(),
                number: "91310115MA1K4PW01X001V".into(),
                issuer: "上海市浦东新区生态环境局".into(),
                issued_on: Some(Day(issued)),
                expires_on: Some(Day(today.checked_add(jiff::Span::new().days(25)).unwrap_or(today))),
                version: 1,
                created_at: c.now,
                updated_at: c.now,
            }],
        )
        .await?;
    }
    crate::demo_catalog::load(
        &mut tx,
        cipher,
        c.now,
        today,
        b,
        [ip.id, quality.id, standard.id],
        zj.id,
        [(id_of("zhangwei"), "张伟"), (id_of("qiye"), "李明")],
        &sample,
    )
    .await?;

    crate::demo_policy::load(&mut tx, b, c.now, Day(today)).await?;
    crate::demo_reminders::load(&mut tx, b, c.now).await?;
    meta::set(&mut tx, "demo", "true").await?;
    audit::append(
        &mut tx,
        &Entry {
            at: c.now,
            actor_id: None,
            actor_name: "系统".into(),
            action: "system.demo_load".into(),
            target_type: "system".into(),
            target_id: None,
            summary: "载入演示数据：浦东新区（演示）".into(),
            detail: json!({"accounts": accounts_list.len(), "stations": 4, "departments": 6, "enterprises": n}),
            ip: None,
            request_id: None,
        },
    )
    .await?;
    tx.commit().await
}
