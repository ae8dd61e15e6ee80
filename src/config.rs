//! Settings come from `HAILONG_*` environment variables, optionally from a `hailong.toml` first
//! (environment wins). Every value is parsed here, once, so that a bad value stops start-up with
//! a message naming the variable, instead of failing later somewhere far away.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::secret::{SecretError, SecretKey, SecretOrigin};

/// Where the data lives. The scheme picks the backend explicitly: we never guess, and never
/// create a SQLite file from a string that was meant to be something else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("a sqlite:// URL needs a file path, e.g. sqlite://hailong.db".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            check_postgres_url(raw)?;
            return Ok(Self::Postgres(raw.to_owned()));
        }
        Err("must start with sqlite:// or postgres:// (e.g. sqlite://hailong.db)".into())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// A PostgreSQL URL as libpq reads it, hosts included: `postgres://user@h1:5432,h2:5433/db`
/// names several servers (libpq tries them in turn; with `target_session_attrs=read-write` it
/// keeps the one that accepts writes, so that after a standby's promotion the service finds
/// the new primary by itself). Each host is checked as a URL of its own.
fn check_postgres_url(raw: &str) -> Result<(), String> {
    let invalid = |e: url::ParseError| format!("not a valid PostgreSQL URL: {e}");
    let (scheme, rest) = raw.split_once("://").unwrap_or((raw, ""));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (user, hosts) = match authority.rsplit_once('@') {
        Some((user, hosts)) => (format!("{user}@"), hosts),
        None => (String::new(), authority),
    };
    for host in hosts.split(',') {
        if host.is_empty() {
            return Err("not a valid PostgreSQL URL: an empty host in the list".into());
        }
        url::Url::parse(&format!("{scheme}://{user}{host}{tail}")).map_err(invalid)?;
    }
    Ok(())
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    /// Where `/metrics` is served, apart from the service (off unless set).
    pub metrics_bind: Option<SocketAddr>,
    /// Base of the links we hand out (survey URLs, QR codes); no trailing slash.
    pub public_url: String,
    /// Whether `public_url` was configured; if not, it follows the address actually bound.
    pub public_url_given: bool,
    pub secret: SecretKey,
    /// Where the secret came from (a file created at this start is checked against the
    /// database before anything is written; see `services::secret_guard`).
    pub secret_origin: SecretOrigin,
    pub log_filter: String,
    /// Log lines as text (default) or as JSON objects, one per line, for a log collector.
    pub log_format: LogFormat,
    /// Connections kept by the pool.
    pub pool_size: u32,
    /// How long a survey link stays open after it is issued.
    pub survey_valid_days: u32,
    /// Survey requests allowed per client address per minute; 0 turns the limit off.
    pub survey_rate_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed (none by default).
    pub trusted_proxies: crate::domain::network::TrustedProxies,
    /// Where invitations are POSTed for delivery (an SMS / e-mail gateway); none: logged only.
    pub invitation_webhook: Option<String>,
    /// When reminders follow an invitation, and the hours in which nothing is sent.
    pub reminders: crate::domain::reminders::Schedule,
    /// How long a sender's claim on a message lasts (another instance sends it after that if
    /// the claimer died).
    pub outbox_claim_seconds: u32,
    /// How the SMS gateway encodes messages (the text it is given is sized for it).
    pub sms_encoding: crate::domain::message_text::SmsEncoding,
    /// How a phone number is reached: the SMS gateway, or Zalo's template messages.
    pub phone_channel: PhoneChannel,
    /// The SMTP server e-mail invitations go through (else the webhook, which gets both).
    pub smtp: Option<SmtpSettings>,
    /// The national e-ID provider, for agencies whose surveys need a verified respondent.
    pub eid: Option<EidSettings>,
    /// How many surveys one verified identity may answer per day (Vietnam time).
    pub eid_daily_limit: u32,
    /// How long the dashboards' computed numbers are reused before a page view recomputes
    /// them; 0 recomputes at every view.
    pub dashboard_fresh_seconds: u32,
    /// Held responses are released to staff once this many can be (or daily).
    pub release_batch: u32,
    /// At least this many invitations share what every stored response says.
    pub anonymity_k: u32,
    /// Days after an invitation expires before it (and what spent it) is purged.
    pub retention_days: u32,
    /// Working days an agency has to answer a citizen's follow-up request.
    pub followup_due_days: u32,
    /// The integrity rules' thresholds (`domain::integrity`; 0 turns a rule off).
    pub integrity: crate::domain::integrity::Thresholds,
}

/// Where messages to a phone number go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneChannel {
    /// The SMS gateway of `HAILONG_INVITATION_WEBHOOK` (logged only without one).
    Sms,
    /// Zalo's ZNS: an endpoint, the official account's access token, a registered template.
    Zalo {
        url: String,
        access_token: String,
        template_id: String,
        /// The template that carries an agency's answer to a follow-up request (none: such
        /// answers to a phone number fail, and say so, until one is registered).
        followup_template_id: Option<String>,
    },
}

/// An SMTP server: its lettre URL (`smtps://…`, `smtp://…?tls=required`) and the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    pub url: String,
    pub from: String,
    /// A root certificate (PEM) to trust besides the system's: a province's own CA.
    pub ca_pem: Option<Vec<u8>>,
}

/// Zalo's ZNS endpoint unless configured.
pub const DEFAULT_ZALO_URL: &str = "https://business.openapi.zalo.me/message/template";

/// hailong's client id at the e-ID provider unless configured.
pub const DEFAULT_EID_CLIENT_ID: &str = "hailong";
/// The ID-token claim read for the citizen ID unless configured.
pub const DEFAULT_EID_IDENTITY_CLAIM: &str = "citizen_id";

/// An OpenID Connect provider (VNeID, the public-service portal's single sign-on, or
/// `hailong dev-idp`) and how hailong is registered with it.
#[derive(Clone, Debug)]
pub struct EidSettings {
    /// The issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Absent for a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// The ID-token claim that carries the citizen ID number.
    pub identity_claim: String,
}

impl EidSettings {
    /// A public client (PKCE alone) with the default client id and claim.
    pub fn public_client(issuer: String) -> Self {
        Self {
            issuer,
            client_id: DEFAULT_EID_CLIENT_ID.to_owned(),
            client_secret: None,
            identity_claim: DEFAULT_EID_IDENTITY_CLAIM.to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{variable}: {message} (got {value:?})")]
    Invalid {
        variable: &'static str,
        value: String,
        message: String,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// The variables we read, with the key each has in `hailong.toml`.
const VARIABLES: &[(&str, &str)] = &[
    ("HAILONG_DATABASE_URL", "database_url"),
    ("HAILONG_BIND", "bind"),
    ("HAILONG_METRICS_BIND", "metrics_bind"),
    ("HAILONG_PUBLIC_URL", "public_url"),
    ("HAILONG_LOG_FORMAT", "log_format"),
    ("HAILONG_SECRET_KEY", "secret_key"),
    ("HAILONG_SECRET_FILE", "secret_file"),
    ("HAILONG_LOG", "log"),
    ("HAILONG_POOL_SIZE", "pool_size"),
    ("HAILONG_SURVEY_VALID_DAYS", "survey_valid_days"),
    ("HAILONG_SURVEY_RATE_PER_MINUTE", "survey_rate_per_minute"),
    ("HAILONG_TRUSTED_PROXIES", "trusted_proxies"),
    ("HAILONG_INVITATION_WEBHOOK", "invitation_webhook"),
    ("HAILONG_REMINDERS", "reminders"),
    ("HAILONG_OUTBOX_CLAIM_SECONDS", "outbox_claim_seconds"),
    ("HAILONG_REMINDER_DAYS", "reminder_days"),
    ("HAILONG_QUIET_HOURS", "quiet_hours"),
    ("HAILONG_SMS_ENCODING", "sms_encoding"),
    ("HAILONG_PHONE_CHANNEL", "phone_channel"),
    ("HAILONG_ZALO_URL", "zalo_url"),
    ("HAILONG_ZALO_ACCESS_TOKEN", "zalo_access_token"),
    ("HAILONG_ZALO_TEMPLATE_ID", "zalo_template_id"),
    (
        "HAILONG_ZALO_FOLLOWUP_TEMPLATE_ID",
        "zalo_followup_template_id",
    ),
    ("HAILONG_FOLLOWUP_DUE_DAYS", "followup_due_days"),
    (
        "HAILONG_INTEGRITY_SECONDS_PER_ANSWER",
        "integrity_seconds_per_answer",
    ),
    (
        "HAILONG_INTEGRITY_STRAIGHT_LINE_ITEMS",
        "integrity_straight_line_items",
    ),
    (
        "HAILONG_INTEGRITY_ANSWERS_PER_ADDRESS",
        "integrity_answers_per_address",
    ),
    ("HAILONG_INTEGRITY_KIOSK_SLACK", "integrity_kiosk_slack"),
    ("HAILONG_SMTP_URL", "smtp_url"),
    ("HAILONG_SMTP_FROM", "smtp_from"),
    ("HAILONG_SMTP_CA_FILE", "smtp_ca_file"),
    ("HAILONG_EID_ISSUER", "eid_issuer"),
    ("HAILONG_EID_CLIENT_ID", "eid_client_id"),
    ("HAILONG_EID_CLIENT_SECRET", "eid_client_secret"),
    ("HAILONG_EID_IDENTITY_CLAIM", "eid_identity_claim"),
    ("HAILONG_EID_DAILY_LIMIT", "eid_daily_limit"),
    ("HAILONG_DASHBOARD_FRESH_SECONDS", "dashboard_fresh_seconds"),
    ("HAILONG_RELEASE_BATCH", "release_batch"),
    ("HAILONG_ANONYMITY_K", "anonymity_k"),
    ("HAILONG_RETENTION_DAYS", "retention_days"),
];

impl Settings {
    /// Reads `HAILONG_CONFIG` (or `./hailong.toml` when it exists), then the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut values = HashMap::new();
        let file = std::env::var("HAILONG_CONFIG")
            .ok()
            .map(PathBuf::from)
            .or_else(|| Some(PathBuf::from("hailong.toml")).filter(|p| p.exists()));
        if let Some(path) = file {
            values.extend(read_toml(&path)?);
        }
        for (variable, _) in VARIABLES {
            if let Ok(value) = std::env::var(variable) {
                values.insert(*variable, value);
            }
        }
        Self::from_values(&values)
    }

    /// Builds settings from variable name → value; what is absent takes its default.
    pub fn from_values(values: &HashMap<&'static str, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            values
                .get(name)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let invalid = |variable: &'static str, value: &str, message: String| ConfigError::Invalid {
            variable,
            value: value.to_owned(),
            message,
        };

        let raw_db = get("HAILONG_DATABASE_URL").unwrap_or("sqlite://hailong.db");
        let database = DatabaseUrl::parse(raw_db)
            .map_err(|m| invalid("HAILONG_DATABASE_URL", &redact_password(raw_db), m))?;

        let raw_bind = get("HAILONG_BIND").unwrap_or("127.0.0.1:8080");
        let bind: SocketAddr = raw_bind.parse().map_err(|_| {
            invalid(
                "HAILONG_BIND",
                raw_bind,
                "expected an address and port such as 127.0.0.1:8080".into(),
            )
        })?;

        let metrics_bind = get("HAILONG_METRICS_BIND")
            .map(|raw| {
                raw.parse::<SocketAddr>().map_err(|_| {
                    invalid(
                        "HAILONG_METRICS_BIND",
                        raw,
                        "expected an address and port such as 127.0.0.1:9090".into(),
                    )
                })
            })
            .transpose()?;

        let public_url_given = get("HAILONG_PUBLIC_URL").is_some();
        let public_url = match get("HAILONG_PUBLIC_URL") {
            Some(raw) => {
                parse_public_url(raw).map_err(|m| invalid("HAILONG_PUBLIC_URL", raw, m))?
            }
            None => format!("http://{bind}"),
        };

        let log_format = match get("HAILONG_LOG_FORMAT").unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "HAILONG_LOG_FORMAT",
                    other,
                    "expected text or json".into(),
                ))
            }
        };
        let log_filter = get("HAILONG_LOG").unwrap_or("info").to_owned();
        tracing_subscriber::EnvFilter::try_new(&log_filter)
            .map_err(|e| invalid("HAILONG_LOG", &log_filter, e.to_string()))?;

        let raw_pool = get("HAILONG_POOL_SIZE").unwrap_or("8");
        let pool_size = raw_pool
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=256).contains(n))
            .ok_or_else(|| invalid("HAILONG_POOL_SIZE", raw_pool, "expected 1 to 256".into()))?;

        let number =
            |variable: &'static str, default: &str, range: std::ops::RangeInclusive<u32>| {
                let raw = get(variable).unwrap_or(default);
                raw.parse::<u32>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        invalid(
                            variable,
                            raw,
                            format!(
                                "expected a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        )
                    })
            };
        let survey_valid_days = number("HAILONG_SURVEY_VALID_DAYS", "30", 1..=365)?;
        let survey_rate_per_minute =
            number("HAILONG_SURVEY_RATE_PER_MINUTE", "60", 0..=100_000_000)?;
        let raw_proxies = get("HAILONG_TRUSTED_PROXIES").unwrap_or("");
        let trusted_proxies = crate::domain::network::TrustedProxies::parse(raw_proxies)
            .map_err(|m| invalid("HAILONG_TRUSTED_PROXIES", raw_proxies, m))?;
        let invitation_webhook = match get("HAILONG_INVITATION_WEBHOOK") {
            Some(raw) => Some(
                parse_public_url(raw).map_err(|m| invalid("HAILONG_INVITATION_WEBHOOK", raw, m))?,
            ),
            None => None,
        };
        let raw_quiet = get("HAILONG_QUIET_HOURS").unwrap_or("20-7");
        let quiet = crate::domain::reminders::QuietHours::parse(raw_quiet)
            .map_err(|m| invalid("HAILONG_QUIET_HOURS", raw_quiet, m))?;
        let reminder_count = number("HAILONG_REMINDERS", "2", 0..=5)?;
        let outbox_claim_seconds = number("HAILONG_OUTBOX_CLAIM_SECONDS", "300", 5..=3_600)?;
        let followup_due_days = number("HAILONG_FOLLOWUP_DUE_DAYS", "10", 1..=60)?;
        let integrity = crate::domain::integrity::Thresholds {
            seconds_per_answer: number("HAILONG_INTEGRITY_SECONDS_PER_ANSWER", "1", 0..=60)?,
            straight_line_items: number("HAILONG_INTEGRITY_STRAIGHT_LINE_ITEMS", "8", 0..=1_000)?,
            answers_per_address: number(
                "HAILONG_INTEGRITY_ANSWERS_PER_ADDRESS",
                "30",
                0..=100_000,
            )?,
            kiosk_slack: number("HAILONG_INTEGRITY_KIOSK_SLACK", "3", 0..=10_000)?,
        };
        let raw_days = get("HAILONG_REMINDER_DAYS").unwrap_or("3,7");
        let reminders = crate::domain::reminders::Schedule::parse(reminder_count, raw_days, quiet)
            .map_err(|m| invalid("HAILONG_REMINDER_DAYS", raw_days, m))?;
        let raw_encoding = get("HAILONG_SMS_ENCODING").unwrap_or("gsm7");
        let sms_encoding = crate::domain::message_text::SmsEncoding::parse(raw_encoding)
            .map_err(|m| invalid("HAILONG_SMS_ENCODING", raw_encoding, m))?;
        let phone_channel = match get("HAILONG_PHONE_CHANNEL").unwrap_or("sms") {
            "sms" => PhoneChannel::Sms,
            "zalo" => {
                let required = |variable: &'static str| {
                    get(variable).map(str::to_owned).ok_or_else(|| {
                        invalid(
                            variable,
                            "",
                            "required with HAILONG_PHONE_CHANNEL=zalo".into(),
                        )
                    })
                };
                let raw_url = get("HAILONG_ZALO_URL").unwrap_or(DEFAULT_ZALO_URL);
                PhoneChannel::Zalo {
                    url: parse_public_url(raw_url)
                        .map_err(|m| invalid("HAILONG_ZALO_URL", raw_url, m))?,
                    access_token: required("HAILONG_ZALO_ACCESS_TOKEN")?,
                    template_id: required("HAILONG_ZALO_TEMPLATE_ID")?,
                    followup_template_id: get("HAILONG_ZALO_FOLLOWUP_TEMPLATE_ID")
                        .map(str::to_owned),
                }
            }
            other => {
                return Err(invalid(
                    "HAILONG_PHONE_CHANNEL",
                    other,
                    "expected sms or zalo".into(),
                ))
            }
        };
        let smtp = match get("HAILONG_SMTP_URL") {
            Some(raw) => {
                let url = url::Url::parse(raw)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some())
                    .ok_or_else(|| {
                        invalid(
                            "HAILONG_SMTP_URL",
                            "<hidden>",
                            "expected smtps://user:password@host:465 or \
                             smtp://user:password@host:587?tls=required"
                                .into(),
                        )
                    })?;
                let from = get("HAILONG_SMTP_FROM").ok_or_else(|| {
                    invalid(
                        "HAILONG_SMTP_FROM",
                        "",
                        "required with HAILONG_SMTP_URL".into(),
                    )
                })?;
                from.parse::<lettre::message::Mailbox>().map_err(|_| {
                    invalid(
                        "HAILONG_SMTP_FROM",
                        from,
                        "expected an address such as \"Khảo sát <khaosat@angiang.gov.vn>\"".into(),
                    )
                })?;
                let ca_pem = match get("HAILONG_SMTP_CA_FILE") {
                    Some(path) => Some(
                        std::fs::read(path)
                            .ok()
                            .filter(|pem| pem.starts_with(b"-----BEGIN"))
                            .ok_or_else(|| {
                                invalid(
                                    "HAILONG_SMTP_CA_FILE",
                                    path,
                                    "expected a readable PEM certificate file".into(),
                                )
                            })?,
                    ),
                    None => None,
                };
                Some(SmtpSettings {
                    url: url.to_string(),
                    from: from.to_owned(),
                    ca_pem,
                })
            }
            None => None,
        };
        let eid = match get("HAILONG_EID_ISSUER") {
            Some(raw) => Some(EidSettings {
                issuer: parse_issuer(raw).map_err(|m| invalid("HAILONG_EID_ISSUER", raw, m))?,
                client_id: get("HAILONG_EID_CLIENT_ID")
                    .unwrap_or(DEFAULT_EID_CLIENT_ID)
                    .to_owned(),
                client_secret: get("HAILONG_EID_CLIENT_SECRET").map(str::to_owned),
                identity_claim: get("HAILONG_EID_IDENTITY_CLAIM")
                    .unwrap_or(DEFAULT_EID_IDENTITY_CLAIM)
                    .to_owned(),
            }),
            None => None,
        };
        let eid_daily_limit = number("HAILONG_EID_DAILY_LIMIT", "5", 1..=10_000)?;
        let dashboard_fresh_seconds = number("HAILONG_DASHBOARD_FRESH_SECONDS", "60", 0..=86_400)?;
        let release_batch = number("HAILONG_RELEASE_BATCH", "20", 1..=100_000)?;
        let anonymity_k = number("HAILONG_ANONYMITY_K", "5", 1..=1_000)?;
        let retention_days = number("HAILONG_RETENTION_DAYS", "400", 1..=36_500)?;

        // Last: a file may be created here, and only once everything else is known good.
        let (secret, secret_origin) = match get("HAILONG_SECRET_KEY") {
            Some(raw) => (
                SecretKey::from_hex(raw)
                    .map_err(|m| invalid("HAILONG_SECRET_KEY", "<hidden>", m.to_string()))?,
                SecretOrigin::Environment,
            ),
            None => {
                let path = get("HAILONG_SECRET_FILE").unwrap_or("hailong.secret");
                SecretKey::load_or_create(Path::new(path))?
            }
        };

        Ok(Self {
            database,
            bind,
            metrics_bind,
            public_url,
            public_url_given,
            secret,
            secret_origin,
            log_filter,
            log_format,
            pool_size,
            survey_valid_days,
            survey_rate_per_minute,
            trusted_proxies,
            invitation_webhook,
            reminders,
            outbox_claim_seconds,
            sms_encoding,
            phone_channel,
            smtp,
            eid,
            eid_daily_limit,
            dashboard_fresh_seconds,
            release_batch,
            anonymity_k,
            retention_days,
            followup_due_days,
            integrity,
        })
    }
}

impl Settings {
    /// Whether the service is reached over HTTPS, so that its cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(
            "expected an http:// or https:// URL such as https://hailong.angiang.gov.vn".into(),
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// An OpenID issuer is compared character for character with the `iss` of every token, so it
/// is kept exactly as given (a trailing slash included).
fn parse_issuer(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("expected the provider's https:// issuer URL".into());
    }
    Ok(raw.trim().to_owned())
}

/// So that an error message about the database URL never prints its password.
fn redact_password(raw: &str) -> String {
    // By hand, not with `url`: a multi-host PostgreSQL URL is no URL to it, and must not be
    // printed whole for that reason.
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    match authority.rsplit_once('@') {
        Some((userinfo, _)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***{}", &rest[userinfo.len()..])
        }
        _ => raw.to_owned(),
    }
}

fn read_toml(path: &Path) -> Result<HashMap<&'static str, String>, ConfigError> {
    let file_error = |message: String| ConfigError::File {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| file_error(e.to_string()))?;
    let mut values = HashMap::new();
    for (key, value) in table {
        let Some((variable, _)) = VARIABLES.iter().find(|(_, k)| *k == key) else {
            let known: Vec<_> = VARIABLES.iter().map(|(_, k)| *k).collect();
            return Err(file_error(format!(
                "unknown key `{key}`; known keys: {}",
                known.join(", ")
            )));
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(file_error(format!(
                    "`{key}` must be a string, not {}",
                    other.type_str()
                )))
            }
        };
        values.insert(*variable, text);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_postgres_urls_pick_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/h.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/h.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/h.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/h.db")))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@127.0.0.1/h"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse(
                "postgres://u@127.0.0.1:5433,127.0.0.1:5434/h?target_session_attrs=read-write"
            ),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("postgres://u@127.0.0.1:5433,,h2/h").is_err());
        assert!(DatabaseUrl::parse("postgres://u@127.0.0.1:99999/h").is_err());
    }

    #[test]
    fn a_mistyped_url_is_refused_rather_than_opened_as_a_file() {
        for raw in [
            "hailong.db",
            "sqlite:",
            "sqllite://x.db",
            "postgre://x",
            "sqlite://",
        ] {
            assert!(DatabaseUrl::parse(raw).is_err(), "{raw} was accepted");
        }
    }

    #[test]
    fn the_e_id_provider_is_optional_and_checked_when_given() {
        let base = |extra: &[(&'static str, &str)]| {
            let mut values = HashMap::from([("HAILONG_SECRET_KEY", "ab".repeat(32))]);
            for (k, v) in extra {
                values.insert(*k, (*v).to_owned());
            }
            Settings::from_values(&values)
        };
        let none = base(&[]).unwrap();
        assert!(none.eid.is_none());
        assert_eq!(none.eid_daily_limit, 5);
        let given = base(&[
            ("HAILONG_EID_ISSUER", "https://sso.dichvucong.gov.vn/"),
            ("HAILONG_EID_DAILY_LIMIT", "3"),
        ])
        .unwrap();
        let eid = given.eid.unwrap();
        assert_eq!(eid.issuer, "https://sso.dichvucong.gov.vn/", "kept exactly");
        assert_eq!(
            (eid.client_id.as_str(), eid.identity_claim.as_str()),
            ("hailong", "citizen_id")
        );
        assert_eq!(given.eid_daily_limit, 3);
        for (variable, value) in [
            ("HAILONG_EID_ISSUER", "vneid"),
            ("HAILONG_EID_DAILY_LIMIT", "0"),
        ] {
            let error = base(&[(variable, value)]).unwrap_err().to_string();
            assert!(error.starts_with(variable), "{error}");
        }
    }

    #[test]
    fn passwords_never_reach_error_messages() {
        assert_eq!(
            redact_password("postgres://u:hunter2@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            redact_password("postgres://u:hunter2@h1:5433,h2:5434/db?target_session_attrs=any"),
            "postgres://u:***@h1:5433,h2:5434/db?target_session_attrs=any"
        );
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
    }
}
