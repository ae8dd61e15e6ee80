//! The ways a message reaches a citizen, as real integrations: an SMS gateway (a webhook that
//! gets the message as JSON with its text), Zalo's ZNS template messages, and e-mail over SMTP
//! (`smtp`). Which one carries a message follows what the dossier gave: a phone number goes by
//! SMS or Zalo (`HAILONG_PHONE_CHANNEL`), an e-mail address by e-mail.

use std::time::Duration;

use serde_json::{json, Value};

use super::delivery::{Delivery, InvitationSender, SendResult};
use crate::domain::message_text::{self, Purpose, SmsEncoding};

fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())
}

/// POSTs the message as JSON to an SMS / e-mail gateway, with its SMS text; any 2xx is a
/// delivery.
pub struct WebhookSender {
    url: String,
    encoding: SmsEncoding,
    client: reqwest::Client,
}

impl WebhookSender {
    pub fn new(url: String, encoding: SmsEncoding) -> Result<Self, String> {
        Ok(Self {
            url,
            encoding,
            client: http_client()?,
        })
    }

    fn body(&self, delivery: &Delivery) -> Value {
        let mut body = serde_json::to_value(delivery).unwrap_or_default();
        if let Some(fields) = body.as_object_mut() {
            fields.insert(
                "text".into(),
                Value::String(message_text::sms(&delivery.facts(), self.encoding)),
            );
            fields.insert(
                "encoding".into(),
                Value::String(
                    match self.encoding {
                        SmsEncoding::Gsm7 => "gsm7",
                        SmsEncoding::Ucs2 => "ucs2",
                    }
                    .into(),
                ),
            );
        }
        body
    }
}

impl InvitationSender for WebhookSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&self.url)
                .header("Idempotency-Key", &delivery.idempotency_key)
                .json(&self.body(delivery))
                .send()
                .await
                .map_err(|e| {
                    // reqwest's message can hold the URL but never the body: no contact or token here.
                    format!("webhook unreachable: {}", e.without_url())
                })?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("webhook answered {}", response.status()))
            }
        })
    }
}

/// Zalo's ZNS: a registered template, filled with the agency, the procedure and the link, sent
/// to the phone number's Zalo account. The access token goes in the `access_token` header;
/// Zalo answers `{"error": 0, …}` when it accepted the message, another code otherwise.
pub struct ZaloSender {
    url: String,
    access_token: String,
    template_id: String,
    followup_template_id: Option<String>,
    client: reqwest::Client,
}

impl ZaloSender {
    pub fn new(
        url: String,
        access_token: String,
        template_id: String,
        followup_template_id: Option<String>,
    ) -> Result<Self, String> {
        Ok(Self {
            url,
            access_token,
            template_id,
            followup_template_id,
            client: http_client()?,
        })
    }

    fn body(&self, delivery: &Delivery, phone: &str) -> Result<Value, String> {
        if delivery.purpose == Purpose::FollowUpAnswer {
            let template = self.followup_template_id.as_ref().ok_or(
                "no Zalo template for answers to follow-up requests (HAILONG_ZALO_FOLLOWUP_TEMPLATE_ID)",
            )?;
            return Ok(json!({
                "phone": crate::domain::phone::international(phone),
                "template_id": template,
                "template_data": {
                    "agency": delivery.agency,
                    "answer_url": delivery.survey_url,
                },
                "tracking_id": delivery.idempotency_key,
            }));
        }
        Ok(json!({
            // A Vietnamese number as Zalo wants it.
            "phone": crate::domain::phone::international(phone),
            "template_id": self.template_id,
            "template_data": {
                "agency": delivery.agency,
                "procedure": delivery.procedure,
                "survey_url": delivery.survey_url,
                "opt_out_url": delivery.opt_out_url,
                "reminder": delivery.message > 0,
            },
            // Zalo keeps it with the message: the same key on a retry.
            "tracking_id": delivery.idempotency_key,
        }))
    }
}

impl InvitationSender for ZaloSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        Box::pin(async move {
            let phone = delivery.phone.as_deref().ok_or("no phone number")?;
            let response = self
                .client
                .post(&self.url)
                .header("access_token", &self.access_token)
                .json(&self.body(delivery, phone)?)
                .send()
                .await
                .map_err(|e| format!("Zalo unreachable: {}", e.without_url()))?;
            let status = response.status();
            let answer: Value = response.json().await.unwrap_or_default();
            match answer.get("error").and_then(Value::as_i64) {
                Some(0) if status.is_success() => Ok(()),
                Some(code) => Err(format!(
                    "Zalo refused the message: error {code} ({})",
                    answer
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message")
                )),
                None => Err(format!("Zalo answered {status} without an error code")),
            }
        })
    }
}

/// Sends each message by the channel its contact allows: a phone number through `phone`, an
/// e-mail address (without a phone) through `email`.
pub struct ByContact {
    pub phone: Box<dyn InvitationSender>,
    pub email: Box<dyn InvitationSender>,
}

impl InvitationSender for ByContact {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendResult<'a> {
        if delivery.phone.is_some() {
            self.phone.send(delivery)
        } else {
            self.email.send(delivery)
        }
    }
}

/// The senders the settings name: the phone channel, and e-mail over SMTP or else through the
/// SMS gateway's webhook (which receives both), or logged only when there is no gateway.
pub fn for_settings(
    settings: &crate::config::Settings,
) -> Result<Box<dyn InvitationSender>, String> {
    use crate::config::PhoneChannel;
    let gateway = || -> Result<Box<dyn InvitationSender>, String> {
        Ok(match &settings.invitation_webhook {
            Some(url) => Box::new(WebhookSender::new(url.clone(), settings.sms_encoding)?),
            None => Box::new(super::delivery::LogSender),
        })
    };
    let phone: Box<dyn InvitationSender> = match &settings.phone_channel {
        PhoneChannel::Sms => gateway()?,
        PhoneChannel::Zalo {
            url,
            access_token,
            template_id,
            followup_template_id,
        } => Box::new(ZaloSender::new(
            url.clone(),
            access_token.clone(),
            template_id.clone(),
            followup_template_id.clone(),
        )?),
    };
    let email: Box<dyn InvitationSender> = match &settings.smtp {
        Some(smtp) => Box::new(
            super::smtp::SmtpSender::new(&smtp.url, &smtp.from, smtp.ca_pem.as_deref())
                .map_err(|e| e.to_string())?,
        ),
        None => gateway()?,
    };
    Ok(Box::new(ByContact { phone, email }))
}
