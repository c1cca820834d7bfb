//! The `zhitong` binary as an operator uses it.

use std::io::Write;
use std::process::{Command, Stdio};

fn zhitong() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhitong"));
    c.env_remove("DATABASE_URL").env("RUST_LOG", "error");
    c
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("zt-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn unknown_scheme_exits_2_and_creates_nothing() {
    let dir = temp_dir("scheme");
    let out = zhitong().args(["--database-url", "mysql://root@localhost/zt", "--data-dir"]).arg(&dir).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL scheme"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing created");
}

#[test]
fn create_admin_then_verify_audit_then_detect_tampering() {
    let dir = temp_dir("admin");
    let url = format!("sqlite://{}", dir.join("z.db").display());
    let mut child = zhitong()
        .args(["--database-url", &url, "create-admin", "--username", "root.admin", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"weak\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a weak password is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = zhitong().args(["--database-url", &url, "create-admin", "--username", "root.admin"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let pw = text.lines().find_map(|l| l.strip_prefix("one-time password (must be changed at first sign-in): ")).expect("password printed");
    assert!(pw.len() >= 16);
    let again = zhitong().args(["--database-url", &url, "create-admin", "--username", "root.admin"]).output().unwrap();
    assert!(!again.status.success(), "no second account of the same name");

    let out = zhitong().args(["--database-url", &url, "audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact: 1 rows"), "{}", String::from_utf8_lossy(&out.stdout));

    // no demo data and no default account unless asked for
    let out = zhitong().args(["--database-url", &url, "demo", "totp", "sysadmin"]).output().unwrap();
    assert!(!out.status.success());

    // tamper with the stored row: verify fails with exit code 1
    let db = dir.join("z.db");
    let status = Command::new("python3")
        .arg("-c")
        .arg(format!("import sqlite3; c=sqlite3.connect('{}'); c.execute(\"update audit_log set summary='x'\"); c.commit()", db.display()))
        .status();
    if let Ok(s) = status {
        assert!(s.success());
        let out = zhitong().args(["--database-url", &url, "audit", "verify"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN"));
    }
}

#[test]
fn openapi_prints_the_document() {
    let out = zhitong().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["info"]["title"], "直通 Zhitong API");
    assert!(doc["paths"]["/api/auth/login"]["post"].is_object());
}

#[test]
fn demo_load_gives_working_accounts_and_totp() {
    let dir = temp_dir("demo");
    let url = format!("sqlite://{}", dir.join("d.db").display());
    let data = dir.display().to_string();
    let out = zhitong().args(["--database-url", &url, "--data-dir", &data, "demo", "load"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("data.key").exists(), "the data key is created beside the database");
    let out = zhitong().args(["--database-url", &url, "--data-dir", &data, "demo", "load"]).output().unwrap();
    assert!(!out.status.success(), "demo data goes only into an empty database");
    let out = zhitong().args(["--database-url", &url, "--data-dir", &data, "demo", "totp", "auditor"]).output().unwrap();
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = temp_dir("sigterm");
    let url = format!("sqlite://{}", dir.join("s.db").display());
    let mut child = zhitong().args(["--database-url", &url, "serve", "--bind", "127.0.0.1:0"]).stderr(Stdio::piped()).spawn().unwrap();
    // wait until it says it is serving
    let mut err = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 512];
    use std::io::Read;
    while !seen.contains("serving at") {
        let n = err.read(&mut buf).unwrap();
        assert!(n > 0, "server exited early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = std::time::Instant::now();
    let code = child.wait().unwrap();
    assert!(code.success(), "exit status after SIGTERM: {code:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
