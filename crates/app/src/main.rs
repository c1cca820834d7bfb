//! `zhitong`: the enterprise service platform in one binary.

use clap::{Parser, Subcommand};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use zt_app::{Application, Config, StartError, demo, open_database, telemetry};
use zt_db::accounts::{self, Account};
use zt_db::audit::{self, Entry};
use zt_db::{Db, Ts};
use zt_domain::auth::{self, check_password, normalise_username};
use zt_domain::clock::{Clock, SystemClock};

#[derive(Parser)]
#[command(name = "zhitong", version, about = "直通 Zhitong — enterprise service platform for government service stations")]
struct Cli {
    /// sqlite://path/to/file.db (default: <data-dir>/zhitong.db) or postgres://user@host/db
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Folder for the embedded database and other files.
    #[arg(long, env = "ZT_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Create an administrator account (system, security or audit admin).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
        /// system_admin, security_admin or auditor
        #[arg(long, default_value = "system_admin")]
        role: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        action: DemoAction,
    },
    /// Print the OpenAPI document (JSON).
    Openapi,
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Write a consistent copy of the database to a new file (SQLite: online copy; PostgreSQL:
    /// pg_dump custom format).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database with a backup (stop the server first). Refuses a database holding
    /// data unless --force. Check it afterwards with `zhitong audit verify`.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Policy matching outside the server (benchmarks, checks).
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
}

#[derive(Subcommand)]
enum PolicyAction {
    /// Match every policy of RULES.json against every enterprise of a CSV file; prints the time
    /// spent loading and evaluating, and writes per policy the eligible / not eligible /
    /// undetermined / near-miss counts (with --explain, per condition pass / fail / missing).
    Match {
        #[arg(long)]
        rules: PathBuf,
        #[arg(long)]
        enterprises: PathBuf,
        /// Each CSV column's type: int, float, bool, date, {"enum": [...]}, {"set": [...]}.
        #[arg(long)]
        fields: PathBuf,
        /// Evaluation date, YYYY-MM-DD (dated parameters take the value in force).
        #[arg(long)]
        at: String,
        #[arg(long)]
        explain: bool,
        /// Write the report here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a synthetic workload (RULES.json, FIELDS.json, ENTERPRISES.csv) into a folder.
    Synth {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 50)]
        policies: usize,
        #[arg(long, default_value_t = 100_000)]
        enterprises: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ZT_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Load the demo district into an empty database (demo accounts, banner in the UI).
    #[arg(long, env = "ZT_DEMO")]
    demo: bool,
    /// Take the client address from X-Forwarded-For (behind a reverse proxy).
    #[arg(long, env = "ZT_TRUST_PROXY")]
    trust_proxy: bool,
    /// Mark the session cookie Secure (default: yes unless listening on loopback).
    #[arg(long, env = "ZT_COOKIE_SECURE")]
    cookie_secure: Option<bool>,
    /// Sign-in attempts allowed per minute from one address (等保 practice: 10).
    #[arg(long, env = "ZT_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10)]
    login_attempts_per_minute: u32,
}

/// `zhitong` with no subcommand serves, with the same flags' environment fallbacks.
#[derive(Parser)]
struct ServeDefaults {
    #[command(flatten)]
    args: ServeArgs,
}

#[derive(Subcommand)]
enum DemoAction {
    /// Load the demo district into an empty database.
    Load,
    /// Add N generated enterprises, spread over the existing stations (for benchmarks).
    Generate {
        #[arg(long)]
        enterprises: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Print the current TOTP code of a demo admin account.
    Totp { username: String },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Recompute the hash chain; exit code 1 if any row was edited or deleted.
    Verify,
}

fn fail(e: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("zhitong: {e}");
    ExitCode::from(code)
}

fn exit_for(e: StartError) -> ExitCode {
    match e {
        StartError::Db(zt_db::ConnectError::Scheme(_)) => fail(e, 2),
        e => fail(e, 1),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init_logs();
    let cli = Cli::parse();
    let url = cli.database_url.clone().unwrap_or_else(|| Config::default_database_url(&cli.data_dir));
    if let Err(e) = zt_db::backend_of(&url) {
        return fail(e, 2);
    }
    match cli.command.unwrap_or_else(|| Command::Serve(ServeDefaults::parse_from(["zhitong"]).args)) {
        Command::Serve(args) => serve(url, cli.data_dir, args).await,
        Command::Migrate => match open_database(&url).await {
            Ok(_) => {
                println!("migrations applied: {}", zt_db::redact(&url));
                ExitCode::SUCCESS
            }
            Err(e) => exit_for(e),
        },
        Command::Policy { action: PolicyAction::Match { rules, enterprises, fields, at, explain, out } } => {
            let args = zt_app::policy_cli::MatchArgs { rules: &rules, enterprises: &enterprises, fields: &fields, at: &at, explain };
            match zt_app::policy_cli::run_match(&args) {
                Ok((report, load_ms, eval_ms)) => {
                    let n = report["enterprises"].as_u64().unwrap_or(0);
                    let p = report["policies"].as_array().map(Vec::len).unwrap_or(0);
                    let text = serde_json::to_string_pretty(&report).expect("json");
                    let timing = format!("loaded {n} enterprises in {load_ms:.1} ms; evaluated {p} policies in {eval_ms:.1} ms");
                    match out {
                        Some(path) => {
                            if let Err(e) = std::fs::write(&path, text) {
                                return fail(format!("{}: {e}", path.display()), 1);
                            }
                            println!("{timing}");
                        }
                        None => {
                            eprintln!("{timing}");
                            println!("{text}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.0, 1),
            }
        }
        Command::Policy { action: PolicyAction::Synth { dir, policies, enterprises, seed } } => {
            match zt_app::policy_cli::run_synth(&dir, policies, enterprises, seed) {
                Ok(()) => {
                    println!("wrote RULES.json, FIELDS.json and ENTERPRISES.csv ({enterprises} enterprises) to {}", dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.0, 1),
            }
        }
        Command::Backup { out } => match zt_app::backup::backup(&url, &out).await {
            Ok(bytes) => {
                println!("backup written: {} ({bytes} bytes)", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, 1),
        },
        Command::Restore { from, force } => match zt_app::backup::restore(&url, &from, force).await {
            Ok(()) => {
                println!("restored {} into {}; run `zhitong audit verify` to check it", from.display(), zt_db::redact(&url));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, 1),
        },
        Command::Openapi => {
            println!("{}", zt_api::openapi().to_pretty_json().expect("openapi serialises"));
            ExitCode::SUCCESS
        }
        Command::CreateAdmin { username, display_name, role, password_stdin } => {
            let db = match open_database(&url).await {
                Ok(db) => db,
                Err(e) => return exit_for(e),
            };
            create_admin(&db, &username, &display_name, &role, password_stdin).await
        }
        Command::Demo { action: DemoAction::Load } => {
            let db = match open_database(&url).await {
                Ok(db) => db,
                Err(e) => return exit_for(e),
            };
            let key = match zt_app::load_data_key(&cli.data_dir) {
                Ok(k) => k,
                Err(e) => return fail(e, 2),
            };
            match demo::load_if_empty(&db, &SystemClock, &zt_domain::crypto::Cipher::new(&key), demo::DEMO_ENTERPRISES).await {
                Ok(true) => {
                    println!("demo district loaded; every demo account's password is {}", demo::DEMO_PASSWORD);
                    ExitCode::SUCCESS
                }
                Ok(false) => fail("the database is not empty; demo data goes only into an empty database", 1),
                Err(e) => fail(e, 1),
            }
        }
        Command::Demo { action: DemoAction::Generate { enterprises, seed } } => {
            let db = match open_database(&url).await {
                Ok(db) => db,
                Err(e) => return exit_for(e),
            };
            let key = match zt_app::load_data_key(&cli.data_dir) {
                Ok(k) => k,
                Err(e) => return fail(e, 2),
            };
            let started = std::time::Instant::now();
            match generate(&db, &zt_domain::crypto::Cipher::new(&key), enterprises, seed).await {
                Ok(n) => {
                    println!("generated {n} enterprises in {:.1} s", started.elapsed().as_secs_f64());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, 1),
            }
        }
        Command::Demo { action: DemoAction::Totp { username } } => {
            let db = match open_database(&url).await {
                Ok(db) => db,
                Err(e) => return exit_for(e),
            };
            let r = async {
                let mut tx = db.read().await?;
                let a = accounts::by_username(&mut tx, &username.to_lowercase()).await?;
                tx.commit().await?;
                Ok::<_, zt_domain::Error>(a)
            }
            .await;
            match r {
                Ok(Some(a)) if a.is_demo && a.totp_enabled => {
                    let secret = match zt_app::load_data_key(&cli.data_dir).map(|k| zt_domain::crypto::Cipher::new(&k)) {
                        Ok(c) => match c.decrypt(a.totp_secret.as_deref().unwrap_or("")) {
                            Ok(secret) => secret,
                            Err(_) => {
                                return fail("the data key does not open this database's secrets; pass the server's --data-dir", 2);
                            }
                        },
                        Err(e) => return fail(e, 2),
                    };
                    let code = zt_domain::totp::code_at(&secret, SystemClock.now().as_second()).unwrap_or_default();
                    println!("{code}");
                    ExitCode::SUCCESS
                }
                Ok(_) => fail("no demo account with TOTP by that name", 1),
                Err(e) => fail(e, 1),
            }
        }
        Command::Audit { action: AuditAction::Verify } => {
            let db = match open_database(&url).await {
                Ok(db) => db,
                Err(e) => return exit_for(e),
            };
            let r = async {
                let mut tx = db.read().await?;
                let v = audit::verify(&mut tx).await?;
                tx.commit().await?;
                Ok::<_, zt_domain::Error>(v)
            }
            .await;
            match r {
                Ok(v) if v.ok => {
                    println!("audit trail intact: {} rows checked", v.rows_checked);
                    ExitCode::SUCCESS
                }
                Ok(v) => {
                    println!("audit trail BROKEN at row {:?}: {}", v.broken_at_seq, v.reason.unwrap_or_default());
                    ExitCode::from(1)
                }
                Err(e) => fail(e, 1),
            }
        }
    }
}

async fn serve(url: String, data_dir: PathBuf, args: ServeArgs) -> ExitCode {
    let data_key = match zt_app::load_data_key(&data_dir) {
        Ok(k) => k,
        Err(e) => return fail(e, 2),
    };
    let cfg = Config {
        data_key,
        demo_enterprises: demo::DEMO_ENTERPRISES,
        database_url: url.clone(),
        bind: args.bind,
        data_dir,
        demo: args.demo,
        trust_proxy: args.trust_proxy,
        cookie_secure: args.cookie_secure,
        policy: zt_domain::auth::SecurityPolicy {
            login_attempts_per_minute_per_ip: args.login_attempts_per_minute.max(1),
            ..Default::default()
        },
    };
    let app = match Application::build(cfg, Arc::new(SystemClock)).await {
        Ok(app) => app,
        Err(e) => return exit_for(e),
    };
    // Install the signal handlers before announcing the address, so that a SIGTERM sent as soon
    // as the server says it is up already shuts it down gracefully.
    let shutdown = shutdown_signal();
    let addr = format!("http://{}:{}", args.bind.ip(), app.port());
    tracing::info!(database = %zt_db::redact(&url), address = %addr, demo = args.demo, "zhitong is serving");
    eprintln!("直通 Zhitong serving at {addr}  (database {})", zt_db::redact(&url));
    if args.demo {
        eprintln!("demo mode: sign in as leader / {} (see README for all demo accounts)", demo::DEMO_PASSWORD);
    }
    match app.run_until(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e, 1),
    }
}

fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let mut term_signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async {
            match term_signal.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

async fn create_admin(db: &Db, username: &str, display_name: &str, role: &str, password_stdin: bool) -> ExitCode {
    if !auth::is_admin_role(role) {
        return fail(format!("--role must be one of {}", auth::ADMIN_ROLES.join(", ")), 2);
    }
    let username = match normalise_username(username) {
        Ok(u) => u,
        Err(_) => return fail("user names are 3–32 lower-case letters, digits or . _ -", 2),
    };
    let (password, generated) = if password_stdin {
        let mut s = String::new();
        if std::io::stdin().read_to_string(&mut s).is_err() {
            return fail("cannot read the password from standard input", 2);
        }
        (s.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (generate_password(), true)
    };
    if let Err(e) = check_password(&password, &username, true) {
        return fail(zt_domain::messages::render(&e.code, zt_domain::messages::Lang::En, &e.params), 2);
    }
    let hash = match zt_api::passwords::hash(&password) {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    let now = Ts(SystemClock.now());
    let a = Account { password_change_required: generated, ..Account::new(&username, display_name, hash, now) };
    let r = async {
        let mut tx = db.write().await?;
        if accounts::by_username(&mut tx, &username).await?.is_some() {
            return Ok(false);
        }
        accounts::insert(&mut tx, &a).await?;
        accounts::set_roles(&mut tx, a.id, &[role.to_string()]).await?;
        audit::append(
            &mut tx,
            &Entry {
                at: now,
                actor_id: None,
                actor_name: "系统（命令行）".into(),
                action: "account.create".into(),
                target_type: "account".into(),
                target_id: Some(a.id.to_string()),
                summary: format!("命令行创建管理员账号 {username}（{role}）"),
                detail: serde_json::json!({"role": role}),
                ip: None,
                request_id: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<bool, zt_domain::Error>(true)
    }
    .await;
    match r {
        Ok(true) => {
            println!("created {role} account {username}");
            if generated {
                println!("one-time password (must be changed at first sign-in): {password}");
            }
            println!("two-factor authentication (TOTP) must be set up at first sign-in");
            ExitCode::SUCCESS
        }
        Ok(false) => fail(format!("an account named {username} already exists"), 1),
        Err(e) => fail(e, 1),
    }
}

fn generate_password() -> String {
    use rand::Rng;
    const SETS: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnopqrstuvwxyz", b"23456789", b"@#%+=!?"];
    let mut rng = rand::rng();
    let mut out: Vec<u8> = SETS.iter().map(|s| s[rng.random_range(0..s.len())]).collect();
    let all: Vec<u8> = SETS.concat();
    while out.len() < 16 {
        out.push(all[rng.random_range(0..all.len())]);
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.random_range(0..=i));
    }
    String::from_utf8(out).expect("ascii")
}

/// Adds generated enterprises in transactions of 5,000, spread evenly over the stations.
async fn generate(db: &Db, cipher: &zt_domain::crypto::Cipher, n: usize, seed: u64) -> Result<usize, zt_domain::Error> {
    let mut tx = db.read().await?;
    let stations: Vec<zt_db::org::Station> = zt_db::org::all_in_scope(&mut tx, "station", &zt_domain::scope::Scope::All).await?;
    tx.commit().await?;
    if stations.is_empty() {
        return Err(zt_domain::Error::internal("no station yet: load the demo district or create stations first"));
    }
    let share = (100 / stations.len() as u64).max(1);
    let shares: Vec<(uuid::Uuid, u64)> = stations.iter().map(|s| (s.id, share)).collect();
    let today = SystemClock.now().to_zoned(zt_api::shanghai()).date();
    let mut done = 0;
    let mut batch = 0u64;
    while done < n {
        let k = (n - done).min(5000);
        let mut tx = db.write().await?;
        done += zt_app::demo_archive::generate(
            &mut tx,
            cipher,
            Ts(SystemClock.now()),
            today,
            &shares,
            k,
            seed.wrapping_add(batch * 7919),
            1 + (seed as u32 % 7) * 137 + batch as u32,
        )
        .await?;
        tx.commit().await?;
        batch += 1;
        eprintln!("{done} / {n}");
    }
    db.optimize().await?;
    Ok(done)
}
