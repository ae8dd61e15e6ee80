//! The survey rate limiter's key: the client's address, as `domain::network` decides it
//! (the TCP peer, or what our own reverse proxies say they saw).

use std::net::IpAddr;
use std::sync::Arc;

use actix_governor::{KeyExtractor, SimpleKeyExtractionError};
use actix_web::dev::ServiceRequest;

use crate::domain::network::TrustedProxies;

#[derive(Debug, Clone)]
pub struct ClientKey(pub Arc<TrustedProxies>);

impl KeyExtractor for ClientKey {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        let peer = req
            .peer_addr()
            .map(|a| a.ip())
            .ok_or_else(|| SimpleKeyExtractionError::new("the client's address is unknown"))?;
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        Ok(self.0.client(peer, forwarded))
    }
}
