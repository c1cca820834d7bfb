//! Sending the outbox's external messages: e-mail over SMTP and an outgoing webhook with an
//! HMAC-SHA256 signature (shaped for an SMS gateway or a 企业微信/钉钉 robot adapter).
//!
//! Each message is claimed with a lease and its claim committed before anything leaves, and it
//! is marked sent in a transaction of its own after. A sender that dies between the two leaves
//! the row `sending`; after the lease it is sent once more (at most once extra), carrying the
//! same `Message-ID` / `X-Zhitong-Delivery` so that the receiver can drop the repeat.

use crate::state::AppState;
use hmac::{KeyInit, Mac};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;
use zt_db::notify::{self, Notification};
use zt_db::{Sql, Ts};
use zt_domain::Error;

/// How long a claimed message is someone's before another sender may take it over.
pub const LEASE_SECS: i64 = 120;

/// Where external messages go, from the parameters (参数设置 → 通知).
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_user: String,
    pub smtp_password: String,
    pub smtp_from: String,
    pub webhook_url: String,
    pub webhook_secret: String,
    /// The system's public address, for links in messages ("" when not set).
    pub public_url: String,
}

impl Channels {
    pub async fn load(st: &AppState) -> Result<Channels, Error> {
        let mut tx = st.db.read().await?;
        let mut c = Channels {
            smtp_host: crate::params::get(st, &mut tx, "smtp.host").await?,
            smtp_port: crate::params::get_int(st, &mut tx, "smtp.port").await?.clamp(1, 65_535) as u16,
            smtp_user: crate::params::get(st, &mut tx, "smtp.username").await?,
            smtp_password: crate::params::get(st, &mut tx, "smtp.password").await?,
            smtp_from: crate::params::get(st, &mut tx, "smtp.from").await?,
            webhook_url: crate::params::get(st, &mut tx, "webhook.url").await?,
            webhook_secret: crate::params::get(st, &mut tx, "webhook.secret").await?,
            public_url: crate::params::get(st, &mut tx, "server.public_url").await?.trim().to_string(),
        };
        tx.commit().await?;
        c.smtp_host = c.smtp_host.trim().to_string();
        Ok(c)
    }
    pub fn email_ready(&self) -> bool {
        !self.smtp_host.is_empty() && !self.smtp_from.is_empty()
    }
    pub fn webhook_ready(&self) -> bool {
        !self.webhook_url.trim().is_empty()
    }
    /// Whether `channel` can send at all (the inbox always can).
    pub fn ready(&self, channel: &str) -> bool {
        match channel {
            "email" => self.email_ready(),
            "webhook" => self.webhook_ready(),
            _ => channel == "inbox",
        }
    }
}

/// Why a message on `channel` cannot go out: nobody configured the channel.
pub fn not_configured(channel: &str) -> String {
    match channel {
        "email" => "SMTP 未配置（参数设置：SMTP 服务器、发件人地址） / SMTP is not configured".into(),
        _ => "Webhook 未配置（参数设置：Webhook 地址） / webhook URL is not configured".into(),
    }
}

/// The signature of a webhook body: hex HMAC-SHA256 over `timestamp.body`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The message text of an e-mail: Chinese first, English below.
fn email_text(n: &Notification) -> String {
    format!("{}\n\n{}\n\n——\n{}\n\n{}\n", n.title, n.body, n.title_en, n.body_en)
}

async fn send_email(c: &Channels, n: &Notification) -> Result<(), String> {
    if !c.email_ready() {
        return Err(not_configured("email"));
    }
    let tls = TlsParameters::new(c.smtp_host.clone()).map_err(|e| e.to_string())?;
    // 465: TLS from the first byte; 587: STARTTLS required; others: STARTTLS when offered
    let tls = match c.smtp_port {
        465 => Tls::Wrapper(tls),
        587 => Tls::Required(tls),
        _ => Tls::Opportunistic(tls),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.smtp_host)
        .port(c.smtp_port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if !c.smtp_user.is_empty() {
        b = b.credentials(Credentials::new(c.smtp_user.clone(), c.smtp_password.clone()));
    }
    let message = Message::builder()
        .from(c.smtp_from.parse().map_err(|e| format!("发件人地址 / sender: {e}"))?)
        .to(n.address.parse().map_err(|e| format!("收件人地址 / recipient: {e}"))?)
        .subject(&n.title)
        .message_id(Some(format!("<{}@zhitong>", n.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(email_text(n))
        .map_err(|e| e.to_string())?;
    b.build().send(message).await.map(|_| ()).map_err(|e| e.to_string())
}

/// Makes ring the process's TLS provider (once; HTTP clients need one before they are built).
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        install_tls();
        reqwest::Client::builder().timeout(Duration::from_secs(15)).build().expect("http client")
    })
}

/// The recipient's phone, decrypted for the gateway (an SMS needs the number).
async fn phone_of(st: &AppState, n: &Notification) -> Result<Option<String>, Error> {
    let Some(id) = n.recipient_id else { return Ok(None) };
    let mut tx = st.db.read().await?;
    let phone = match n.recipient_type.as_str() {
        "contact" => {
            let enc: Option<(Option<String>,)> =
                tx.opt(&Sql::new("SELECT phone_enc FROM enterprise_contact WHERE id = $1").bind(id)).await?;
            enc.and_then(|e| e.0).and_then(|e| st.cipher.decrypt(&e).ok())
        }
        "account" => {
            let p: Option<(Option<String>,)> = tx.opt(&Sql::new("SELECT phone FROM account WHERE id = $1").bind(id)).await?;
            p.and_then(|p| p.0)
        }
        _ => None,
    };
    tx.commit().await?;
    Ok(phone.filter(|p| !p.is_empty()))
}

/// The JSON a webhook receives.
pub fn webhook_body(n: &Notification, phone: Option<&str>, sent_at: Ts) -> serde_json::Value {
    json!({
        "delivery_id": n.id,
        "idempotency_key": n.dedupe_key,
        "event": n.source_type,
        "source_id": n.source_id,
        "enterprise_id": n.enterprise_id,
        "level": n.level,
        "sent_at": sent_at,
        "recipient": {"type": n.recipient_type, "id": n.recipient_id, "name": n.recipient_name, "phone": phone},
        "title": n.title,
        "body": n.body,
        "title_en": n.title_en,
        "body_en": n.body_en,
        // a text an SMS or IM robot can send as it is
        "text": format!("【直通】{}：{}", n.title, n.body),
    })
}

async fn send_webhook(st: &AppState, c: &Channels, n: &Notification) -> Result<(), String> {
    if !c.webhook_ready() {
        return Err(not_configured("webhook"));
    }
    let phone = phone_of(st, n).await.map_err(|e| e.to_string())?;
    let now = st.now();
    let body = webhook_body(n, phone.as_deref(), now).to_string();
    let ts = now.0.as_second();
    let r = http()
        .post(c.webhook_url.trim())
        .header("content-type", "application/json")
        .header("x-zhitong-event", &n.source_type)
        .header("x-zhitong-delivery", n.id.to_string())
        .header("x-zhitong-timestamp", ts.to_string())
        .header("x-zhitong-signature", format!("sha256={}", signature(&c.webhook_secret, ts, &body)))
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("HTTP {}", r.status().as_u16()));
    }
    if phone.is_some() {
        // a phone number left the system: that is an export of personal data
        let mut tx = st.db.write().await.map_err(|e| e.to_string())?;
        zt_db::audit::append(
            &mut tx,
            &zt_db::audit::Entry {
                at: now,
                actor_id: None,
                actor_name: "系统（通知发送）".into(),
                action: "notify.webhook".into(),
                target_type: n.recipient_type.clone(),
                target_id: n.recipient_id.map(|i| i.to_string()),
                summary: format!("向 Webhook 网关发送含手机号的通知：{}", n.recipient_name),
                detail: json!({"delivery": n.id, "url": c.webhook_url}),
                ip: None,
                request_id: None,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// How long after a failed attempt the next one is made: 1, 2, 4, 8 … minutes, at most an hour.
fn backoff(attempts: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_mins((1i64 << (attempts - 1).clamp(0, 6)).min(60))
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Delivered {
    pub sent: u64,
    pub failed: u64,
}

/// Sends what is ready (at most `limit` messages), one claim at a time so that several
/// instances share the work without sending anything twice.
pub async fn deliver(st: &AppState, channels: &Channels, source: Option<Uuid>, limit: i64) -> Result<Delivered, Error> {
    let mut tx = st.db.read().await?;
    let ids = notify::ready(&mut tx, st.now(), source, limit).await?;
    tx.commit().await?;
    let mut out = Delivered::default();
    for id in ids {
        let now = st.now();
        let mut tx = st.db.write().await?;
        let claimed = notify::claim(&mut tx, id, now, Ts(now.0 + jiff::SignedDuration::from_secs(LEASE_SECS))).await?;
        tx.commit().await?;
        let Some(n) = claimed else { continue };
        let outcome = match n.channel.as_str() {
            "email" => send_email(channels, &n).await,
            "webhook" => send_webhook(st, channels, &n).await,
            other => Err(format!("unknown channel {other}")),
        };
        let mut tx = st.db.write().await?;
        let label = if outcome.is_ok() { "sent" } else { "failed" };
        match outcome {
            Ok(()) => {
                notify::mark_sent(&mut tx, n.id, st.now()).await?;
                out.sent += 1;
            }
            Err(e) => {
                tracing::warn!(delivery = %n.id, channel = %n.channel, error = %e, "notification not sent");
                // a channel nobody configured: trying again cannot help
                let retry = channels.ready(&n.channel).then(|| Ts(st.now().0 + backoff(n.attempts)));
                notify::mark_failed(&mut tx, n.id, &e, retry).await?;
                out.failed += 1;
            }
        }
        tx.commit().await?;
        metrics::counter!("zhitong_notifications_total", "channel" => n.channel.clone(), "outcome" => label).increment(1);
    }
    Ok(out)
}

/// A person or an enterprise a message goes to.
#[derive(Debug, Clone)]
pub struct To {
    /// account · contact · enterprise (its portal inbox)
    pub kind: &'static str,
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
}

/// A message in both languages.
#[derive(Debug, Clone)]
pub struct Text {
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
}

/// What a message is about: its source, and the key that makes it exist once per recipient,
/// channel and (for reminders) escalation level.
#[derive(Clone)]
pub struct About {
    pub source_type: &'static str,
    pub source_id: Uuid,
    pub bureau_id: Uuid,
    pub enterprise_id: Uuid,
    pub level: i64,
    /// For reminders by e-mail: the link that marks it handled (the public address and the key).
    pub ack: Option<(String, std::sync::Arc<zt_domain::crypto::Cipher>)>,
}

/// The token of an acknowledgement link: which reminder, who got it, and a keyed hash of both.
pub fn ack_token(cipher: &zt_domain::crypto::Cipher, reminder: Uuid, recipient: Uuid) -> String {
    let mac = cipher.lookup_hash(&format!("reminder-ack:{reminder}:{recipient}"));
    format!("{}.{}.{}", reminder.simple(), recipient.simple(), &mac[..32])
}

/// The reminder and recipient of a genuine token.
pub fn check_ack_token(cipher: &zt_domain::crypto::Cipher, token: &str) -> Option<(Uuid, Uuid)> {
    let mut parts = token.split('.');
    let (r, who) = (parts.next()?.parse::<Uuid>().ok()?, parts.next()?.parse::<Uuid>().ok()?);
    let want = ack_token(cipher, r, who);
    // compare without an early exit
    let same = want.len() == token.len() && want.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then_some((r, who))
}

/// The enterprise's contacts (联络员、政策达人、首席质量官…), for e-mail and webhook messages.
pub async fn contacts(tx: &mut zt_db::Tx, enterprise: Uuid) -> Result<Vec<To>, Error> {
    let rows: Vec<(Uuid, String, String)> = tx
        .all(&Sql::new("SELECT id, name, email FROM enterprise_contact WHERE enterprise_id = $1 ORDER BY created_at, id").bind(enterprise))
        .await?;
    Ok(rows.into_iter().map(|(id, name, email)| To { kind: "contact", id, name, email: Some(email) }).collect())
}

/// The outbox row of one message to `to` on `channel`; `None` when the recipient cannot be
/// reached on it (no e-mail address; the enterprise itself only has its portal inbox, and
/// contacts are told there through it). A channel nobody configured gives a failed row with
/// the reason, not a retry.
pub fn message(cfg: &Channels, about: &About, channel: &str, to: &To, text: &Text, now: Ts) -> Option<Notification> {
    let (address, status) = match (channel, to.kind) {
        ("inbox", "contact") | ("email", "enterprise") | ("webhook", "enterprise") => return None,
        ("inbox", _) => (String::new(), "sent"),
        ("email", _) => (to.email.as_deref().map(str::trim).filter(|e| !e.is_empty())?.to_string(), "queued"),
        ("webhook", _) => (cfg.webhook_url.clone(), "queued"),
        _ => return None,
    };
    let status = if cfg.ready(channel) { status } else { "failed" };
    let (mut body, mut body_en) = (text.body.clone(), text.body_en.clone());
    if let (Some((base, cipher)), "email") = (&about.ack, channel) {
        let url = format!("{}/api/reminders/ack/{}", base.trim_end_matches('/'), ack_token(cipher, about.source_id, to.id));
        body = format!("{body}\n\n处理完毕后请点击确认（已处理）：{url}");
        body_en = format!("{body_en}\n\nOnce handled, confirm here: {url}");
    }
    Some(Notification {
        id: Uuid::now_v7(),
        dedupe_key: format!("{}:{}:{}:{channel}:{}", about.source_type, about.source_id, about.level, to.id),
        source_type: about.source_type.into(),
        source_id: about.source_id,
        bureau_id: Some(about.bureau_id),
        enterprise_id: Some(about.enterprise_id),
        channel: channel.into(),
        recipient_type: to.kind.into(),
        recipient_id: Some(to.id),
        recipient_name: to.name.clone(),
        address,
        title: text.title.clone(),
        body,
        title_en: text.title_en.clone(),
        body_en,
        level: about.level,
        status: status.into(),
        error: (status == "failed").then(|| not_configured(channel)),
        attempts: 0,
        next_attempt_at: now,
        claimed_until: None,
        created_at: now,
        sent_at: (status == "sent").then_some(now),
        read_at: None,
    })
}

/// Masks an address for the delivery log: `zh***@example.com`, a URL's host only.
pub fn mask_address(channel: &str, address: &str) -> String {
    match channel {
        "email" => match address.split_once('@') {
            Some((user, host)) => {
                let keep: String = user.chars().take(2).collect();
                format!("{keep}***@{host}")
            }
            None => "***".into(),
        },
        "webhook" => address.split('/').take(3).collect::<Vec<_>>().join("/"),
        _ => address.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_change_with_body_time_and_secret() {
        let a = signature("k", 100, "{}");
        assert_eq!(a.len(), 64);
        assert_ne!(a, signature("k", 101, "{}"));
        assert_ne!(a, signature("k2", 100, "{}"));
        assert_ne!(a, signature("k", 100, "{ }"));
    }

    #[test]
    fn ack_tokens_are_bound_to_reminder_and_recipient() {
        let c = zt_domain::crypto::Cipher::new(&zt_domain::crypto::Cipher::generate_key());
        let (r, who) = (Uuid::now_v7(), Uuid::now_v7());
        let t = ack_token(&c, r, who);
        assert_eq!(check_ack_token(&c, &t), Some((r, who)));
        let other = ack_token(&c, r, Uuid::now_v7());
        let forged = format!("{}.{}", &t[..t.rfind('.').unwrap()], &other[other.rfind('.').unwrap() + 1..]);
        assert_eq!(check_ack_token(&c, &forged), None);
        let another_key = zt_domain::crypto::Cipher::new(&zt_domain::crypto::Cipher::generate_key());
        assert_eq!(check_ack_token(&another_key, &t), None);
    }

    #[test]
    fn addresses_are_masked_in_the_log() {
        assert_eq!(mask_address("email", "zhangwei@pudong.gov.cn"), "zh***@pudong.gov.cn");
        assert_eq!(mask_address("webhook", "https://gw.example.com/hook/secret-token"), "https://gw.example.com");
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff(1).as_secs(), 60);
        assert_eq!(backoff(3).as_secs(), 240);
        assert_eq!(backoff(20).as_secs(), 3600);
    }
}
