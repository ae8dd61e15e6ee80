//! The client's address as `domain::network` decides it (the TCP peer, or what our own
//! reverse proxies say they saw), for every limit keyed by client: the survey rate limit
//! (in memory, or shared on PostgreSQL) and the sign-in throttle.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use actix_governor::{KeyExtractor, SimpleKeyExtractionError};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderMap;

use crate::domain::network::TrustedProxies;

/// The client of a request from `peer` with these headers; `None` when the peer is unknown.
pub fn client_of(
    proxies: &TrustedProxies,
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Option<IpAddr> {
    let forwarded = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    peer.map(|peer| proxies.client(peer.ip(), forwarded))
}

#[derive(Debug, Clone)]
pub struct ClientKey(pub Arc<TrustedProxies>);

impl KeyExtractor for ClientKey {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        client_of(&self.0, req.peer_addr(), req.headers())
            .ok_or_else(|| SimpleKeyExtractionError::new("the client's address is unknown"))
    }
}
