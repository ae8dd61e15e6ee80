//! Logging (the subscriber, set up once; request lines are written by `web::request_log`)
//! and metrics (`metrics`).

pub mod metrics;

use crate::config::LogFormat;

pub fn init(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // A second init (tests build several apps in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // One JSON object per line, the event's fields flattened beside its message.
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
