//! Builds the web UI (web/ → web/dist) with npm when npm is present and the bundle is missing
//! or older than its sources, so that `cargo run` serves the real UI. `SKIP_WEB_BUILD=1` skips.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn newest(p: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(p).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(p).ok()?.filter_map(|e| e.ok()).filter_map(|e| newest(&e.path())).max()
}

fn main() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
    for p in ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "public", "tsconfig.json"] {
        println!("cargo:rerun-if-changed={}", web.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=SKIP_WEB_BUILD");
    if std::env::var("SKIP_WEB_BUILD").is_ok_and(|v| v == "1") || !web.join("package.json").exists() {
        return;
    }
    let index = web.join("dist/index.html");
    let built = std::fs::metadata(&index).and_then(|m| m.modified()).ok();
    let sources = ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "public"]
        .iter()
        .filter_map(|p| newest(&web.join(p)))
        .max();
    if built.is_some() && sources.is_some_and(|s| Some(s) <= built) {
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        println!("cargo:warning=npm not found: the web UI is not built; the server shows a notice instead");
        return;
    }
    if !web.join("node_modules").exists() {
        let ok = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(&web)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            panic!("`npm ci` failed in web/");
        }
    }
    let ok = Command::new(npm).args(["run", "build"]).current_dir(&web).status().is_ok_and(|s| s.success());
    if !ok {
        panic!("`npm run build` failed in web/");
    }
}
