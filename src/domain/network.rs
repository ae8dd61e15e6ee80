//! Who is asking: the TCP peer, unless that peer is one of our own reverse proxies
//! (`HAILONG_TRUSTED_PROXIES`), in which case the address it saw, read from `X-Forwarded-For`.
//! Only the hops our proxies appended are believed: the list is read from the right, and the
//! first address that is not one of our proxies is the client (anything to its left was
//! written by the client itself and could be anything). The same proxies' `X-Forwarded-Proto`
//! says whether the client came over HTTPS; nobody else's is read.

use std::net::IpAddr;

use ipnet::IpNet;

/// The networks whose `X-Forwarded-For` is believed; empty by default: nobody's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of networks (`10.0.0.0/8`) or addresses (`127.0.0.1`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not a network such as 10.0.0.0/8 or an address"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address, given the TCP peer and the `X-Forwarded-For` header lines in
    /// order.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(address) if self.trusts(address) => client = address,
                Ok(address) => return address,
                // Not an address: whatever wrote it is not one of ours; stop at the last hop
                // we could vouch for.
                Err(_) => return client,
            }
        }
        client
    }

    /// Whether the client reached our proxy over plain HTTP, as `X-Forwarded-Proto` from one
    /// of our proxies says; `None` when the peer is not ours or the header says nothing we
    /// know. The rightmost value is the one our proxy wrote (an earlier one may be the
    /// client's).
    pub fn came_over_plain_http<'a>(
        &self,
        peer: IpAddr,
        forwarded_proto: impl Iterator<Item = &'a str>,
    ) -> Option<bool> {
        if !self.trusts(peer) {
            return None;
        }
        let last = forwarded_proto.flat_map(|v| v.split(',')).last()?;
        match last.trim().to_ascii_lowercase().as_str() {
            "http" => Some(true),
            "https" => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_our_proxies_say_how_the_client_came() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let plain = |peer: &str, lines: &[&str]| {
            proxies.came_over_plain_http(ip(peer), lines.iter().copied())
        };
        assert_eq!(plain("203.0.113.9", &["http"]), None, "not from a proxy");
        assert_eq!(plain("10.0.0.2", &["http"]), Some(true));
        assert_eq!(plain("10.0.0.2", &["HTTPS"]), Some(false));
        assert_eq!(
            plain("10.0.0.2", &["https, http"]),
            Some(true),
            "the proxy's own value is the last"
        );
        assert_eq!(plain("10.0.0.2", &["gopher"]), None);
        assert_eq!(plain("10.0.0.2", &[]), None);
    }

    #[test]
    fn only_our_proxies_hops_are_believed() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        let client = |peer: &str, lines: &[&str]| proxies.client(ip(peer), lines.iter().copied());
        assert_eq!(
            client("203.0.113.9", &["1.2.3.4"]),
            ip("203.0.113.9"),
            "not from a proxy: the header is ignored"
        );
        assert_eq!(
            client("10.0.0.2", &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7"),
            "the client's own claim (6.6.6.6) is not believed"
        );
        assert_eq!(
            client("10.0.0.2", &["198.51.100.7, 192.168.1.1"]),
            ip("198.51.100.7"),
            "a chain of our proxies"
        );
        assert_eq!(
            client("10.0.0.2", &["198.51.100.7", "10.1.1.1"]),
            ip("198.51.100.7"),
            "several header lines read as one list"
        );
        assert_eq!(
            client("10.0.0.2", &["garbage, 10.9.9.9"]),
            ip("10.9.9.9"),
            "an unreadable hop stops at the last one we vouch for"
        );
        assert_eq!(client("10.0.0.2", &[]), ip("10.0.0.2"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
    }
}
