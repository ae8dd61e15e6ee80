//! E-mail invitations over SMTP with lettre: `HAILONG_SMTP_URL` names the server and how to
//! talk to it (`smtps://` for TLS from the first byte, `smtp://…?tls=required` for STARTTLS,
//! plain `smtp://` only for a relay on the same host), `HAILONG_SMTP_FROM` the sender. The
//! message is plain text in the citizen's words (`domain::message_text::email`), with the
//! survey link and the opt-out link.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::delivery::{Delivery, InvitationSender, SendResult};
use crate::domain::message_text;

pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    /// Checks the URL and the sender's address (nothing is connected until a message goes).
    /// `ca_pem`: a root certificate to trust besides the system's (a province's own CA).
    pub fn new(url: &str, from: &str, ca_pem: Option<&[u8]>) -> Result<Self, SmtpSettingsError> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpSettingsError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some(pem) = ca_pem {
            builder = builder.tls(tls_trusting(url, pem)?);
        }
        let transport = builder.build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| SmtpSettingsError::From(e.to_string()))?;
        Ok(Self { transport, from })
    }

    fn message(&self, delivery: &Delivery, to: &str) -> Result<Message, String> {
        let (subject, body) = message_text::email(&delivery.facts());
        let to = to
            .parse::<Mailbox>()
            .map_err(|_| "the e-mail address is not one a server accepts".to_owned())?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            // One id per invitation and message: a server or reader can tell a repeat.
            .message_id(Some(format!(
                "<{}@{}>",
                delivery.idempotency_key,
                self.from.email.domain()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("the message could not be built: {e}"))
    }
}

/// The URL's TLS mode (`smtps`: TLS from the first byte; `tls=opportunistic`; otherwise
/// STARTTLS required), with `pem` trusted besides the system's roots.
fn tls_trusting(url: &str, pem: &[u8]) -> Result<Tls, SmtpSettingsError> {
    let parsed = url::Url::parse(url).map_err(|e| SmtpSettingsError::Url(e.to_string()))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| SmtpSettingsError::Url("no host".into()))?;
    let certificate =
        Certificate::from_pem(pem).map_err(|e| SmtpSettingsError::Certificate(e.to_string()))?;
    let parameters = TlsParameters::builder(host.to_owned())
        .add_root_certificate(certificate)
        .build_rustls()
        .map_err(|e| SmtpSettingsError::Certificate(e.to_string()))?;
    let opportunistic = parsed
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "opportunistic");
    Ok(if parsed.scheme() == "smtps" {
        Tls::Wrapper(parameters)
    } else if opportunistic {
        Tls::Opportunistic(parameters)
    } else {
        Tls::Required(parameters)
    })
}

/// Why the SMTP settings were refused (the variable is named by the caller).
#[derive(Debug, thiserror::Error)]
pub enum SmtpSettingsError {
    #[error("{0}; expected smtps://user:password@host:465 or smtp://user:password@host:587?tls=required")]
    Url(String),
    #[error("HAILONG_SMTP_CA_FILE: {0}")]
    Certificate(String),
    #[error("{0}; expected an address such as \"Khảo sát hài lòng <khaosat@angiang.gov.vn>\"")]
    From(String),
}

impl InvitationSender for SmtpSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        Box::pin(async move {
            let to = delivery.email.as_deref().ok_or("no e-mail address")?;
            let message = self.message(delivery, to)?;
            self.transport
                .send(message)
                .await
                // Only the server's code is kept: its words may quote the recipient's address,
                // and the error is logged and stored.
                .map_err(|e| match e.status() {
                    Some(code) => format!("the mail server answered {code}"),
                    None if e.is_timeout() => "the mail server did not answer in time".to_owned(),
                    None => "the mail server was unreachable or the connection failed".to_owned(),
                })?;
            Ok(())
        })
    }
}
