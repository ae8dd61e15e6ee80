//! `hailong bench-delivery`: invitations through the outbox to a local gateway
//! (`dev_gateway`) as fast as the sender goes, timed. The configured database gets the demo
//! province and `--invitations` fresh dossiers with a phone number, ingested as the API
//! ingests them; then one sender (the service's own code) claims and sends until the outbox is
//! empty. Run it on a release build, with a database of its own.

use std::time::Instant;

use serde_json::json;

use crate::config::Settings;
use crate::db;
use crate::dev_gateway::Gateway;
use crate::domain::submission::DossierSubmission;
use crate::services::dossiers::channels::WebhookSender;
use crate::services::dossiers::delivery;
use crate::services::dossiers::ingest::{self, IngestContext};

pub async fn run(mut settings: Settings, invitations: usize) -> anyhow::Result<()> {
    // The sending rate is measured, not the schedule: every invitation is due at once (no
    // quiet hours, whatever the hour of the run) and no reminder follows.
    settings.reminders = crate::domain::reminders::Schedule {
        reminder_days: Vec::new(),
        quiet: None,
    };
    let gateway = Gateway::start()?;
    let prepared = settings.clone();
    let started = Instant::now();
    tokio::task::spawn_blocking(move || prepare(&prepared, invitations)).await??;
    println!(
        "{invitations} dossiers with a phone ingested in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let sender = WebhookSender::new(gateway.url.clone(), settings.sms_encoding)
        .map_err(anyhow::Error::msg)?;
    let pool = db::build_pool(&settings.database, 2);
    let gate = std::sync::Arc::new(crate::db::write_gate::WriteGate::for_database(
        &settings.database,
    ));
    let started = Instant::now();
    let mut delivered = 0;
    let worker = delivery::Worker::new("bench".to_owned());
    loop {
        let pass = delivery::deliver_due(
            &pool,
            &settings.secret,
            &settings.public_url,
            &delivery::DeliveryRules::of(&settings),
            &sender,
            &worker,
            &gate,
        )
        .await?;
        delivered += pass.delivered;
        if pass.claimed == 0 {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{delivered} invitations delivered ({} accepted by the gateway) in {seconds:.2} s: {:.0} per second",
        gateway.accepted(),
        delivered as f64 / seconds
    );
    gateway.stop().await;
    Ok(())
}

/// The demo, then `count` dossiers of one of its communes, completed now, each with a phone.
fn prepare(settings: &Settings, count: usize) -> anyhow::Result<()> {
    let mut conn = db::build_pool(&settings.database, 1).get()?;
    crate::services::secret_guard::open(&mut conn, settings)?;
    crate::demo::load(&mut conn, &settings.secret, settings.anonymity_k)?;
    // An agency and a procedure that go together, as the demo's own dossiers pair them.
    let (agency, procedure) = {
        let rows = db::export::dossiers(&mut conn, db::export::Slice::default())?;
        let first = rows
            .first()
            .ok_or_else(|| anyhow::anyhow!("the demo has no dossiers"))?;
        let agency = db::agencies::all(&mut conn)?
            .into_iter()
            .find(|a| a.id == first.1)
            .map(|a| a.code)
            .unwrap_or_default();
        let procedure = db::export::procedure_codes(&mut conn)?
            .into_iter()
            .find(|(id, _)| *id == first.2)
            .map(|(_, code)| code)
            .unwrap_or_default();
        (agency, procedure)
    };
    let run = format!("{:08x}", rand::random::<u32>());
    let now = chrono::Utc::now();
    let ctx = IngestContext {
        secret: &settings.secret,
        public_url: &settings.public_url,
        survey_validity: chrono::Duration::days(i64::from(settings.survey_valid_days)),
        actor: "bench-delivery",
        client_id: None,
        schedule: &settings.reminders,
    };
    let mut made = 0;
    while made < count {
        let n = ingest::MAX_BATCH.min(count - made);
        let batch = (made..made + n)
            .map(|i| {
                let dossier = json!({
                    "dossier_id": format!("DELIVERY.{run}.{i}"),
                    "agency_code": agency,
                    "procedure_code": procedure,
                    "applicant_kind": "citizen",
                    "channel": "counter",
                    "received_at": (now - chrono::Duration::days(3)).to_rfc3339(),
                    "due_at": (now + chrono::Duration::days(3)).to_rfc3339(),
                    "completed_at": (now - chrono::Duration::minutes(5)).to_rfc3339(),
                    "phone": "0912345678",
                    "applicant_id": format!("0891{i:08}"),
                });
                let serde_json::Value::Object(map) = dossier else {
                    unreachable!("a JSON object")
                };
                DossierSubmission::parse(&map, &settings.secret)
            })
            .collect();
        ingest::ingest(&mut conn, &ctx, batch).map_err(|e| {
            let mut said = format!("{e:?}");
            said.truncate(300);
            anyhow::anyhow!("ingesting the bench's dossiers: {said}")
        })?;
        made += n;
    }
    Ok(())
}
