//! The web UI, built by Vite into `web/dist` and embedded in the binary (read from disk in
//! debug builds). Hashed assets are cached for a year; `index.html` never; any other path that is
//! not an API path gets `index.html` so that the SPA's router handles it.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>直通</title>\
<body style=\"font-family:sans-serif;padding:3em\"><h1>直通 · 企业服务平台</h1>\
<p>界面尚未构建：请安装 Node.js 与 npm 后重新执行 <code>cargo build</code>（或在 web/ 下执行 <code>npm ci &amp;&amp; npm run build</code>）。</p>\
<p>The web UI has not been built: install Node.js and npm and run <code>cargo build</code> again. The API is at <a href=\"/api/docs\">/api/docs</a>.</p></body></html>";

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'";

fn file(path: &str) -> Option<Response> {
    let f = Assets::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut r = (StatusCode::OK, f.data.into_owned()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(mime.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    Some(r)
}

pub async fn static_handler(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !path.is_empty() {
        if let Some(r) = file(path) {
            return r;
        }
        if path.starts_with("assets/") {
            return StatusCode::NOT_FOUND.into_response();
        }
    }
    file("index.html").unwrap_or_else(|| {
        let mut r = axum::response::Html(NOT_BUILT).into_response();
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    })
}
