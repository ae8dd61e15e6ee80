//! A development SMS / e-mail gateway: accepts every invitation POSTed to `/hook` (as
//! `HAILONG_INVITATION_WEBHOOK` would send it), answers 200 and counts it. For benchmarks and
//! development only: it keeps no message, no link and no contact.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};

/// A running gateway: where to send, and how many it has accepted.
pub struct Gateway {
    pub url: String,
    accepted: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
}

impl Gateway {
    /// Starts on a free port of the loopback interface, two workers.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        let server = HttpServer::new(move || {
            let counter = counter.clone();
            App::new().route(
                "/hook",
                web::post().to(move |_body: web::Bytes| {
                    let counter = counter.clone();
                    async move {
                        counter.fetch_add(1, Ordering::Relaxed);
                        HttpResponse::Ok().finish()
                    }
                }),
            )
        })
        .workers(2)
        .listen(listener)?
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self {
            url,
            accepted,
            handle,
        })
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::Relaxed)
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}
