//! The e-ID sign-in against a provider no one here wrote: panva's `oidc-provider` from the
//! npm registry (OpenID Certified), set up like a national provider in `tests/oidc-peer`:
//! RS256 and ES256 ID tokens, the `citizen_id` claim, a confidential and a public client,
//! PKCE required. Each test starts its own provider process and drives its sign-in page over
//! HTTP as a browser would (its cookies kept by hand: a provider whose clock is off sets
//! cookies that a cookie store would think expired).
//!
//! Needs node and `npm ci --prefix tests/oidc-peer`; `HAILONG_REQUIRE_OIDC_PEER=1` turns a
//! missing one into a failure.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hailong::dev_idp::DEMO_CITIZENS;

use crate::eid::{answer, issue, location, seed_verified, sign_ins_left, APPLICANT, SOMEONE_ELSE};
use crate::helpers::{spawn_app_with, TestApp, TestDb};

const CLIENT_SECRET: &str = "peer-client-secret-8c1f";

/// How hailong is registered with the provider.
#[derive(Clone, Copy, Debug)]
enum Client {
    /// `hailong`, with a secret (client_secret_basic at the token endpoint).
    Confidential,
    /// `hailong-public`: no secret, PKCE alone.
    Public,
}

#[derive(Clone, Copy, Debug)]
struct PeerSetup {
    alg: &'static str,
    client: Client,
    clock_offset_s: i64,
}

const RS256_CONFIDENTIAL: PeerSetup = PeerSetup {
    alg: "RS256",
    client: Client::Confidential,
    clock_offset_s: 0,
};
const ES256_PUBLIC: PeerSetup = PeerSetup {
    alg: "ES256",
    client: Client::Public,
    clock_offset_s: 0,
};

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-peer")
}

/// Whether node and the provider's package are here (a failure when required).
fn peer_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let package = peer_dir().join("node_modules/oidc-provider").is_dir();
    if node && package {
        return true;
    }
    if std::env::var("HAILONG_REQUIRE_OIDC_PEER").is_ok_and(|v| v == "1") {
        panic!("HAILONG_REQUIRE_OIDC_PEER=1 but node or tests/oidc-peer/node_modules is missing");
    }
    eprintln!("SKIPPED: the OpenID peer needs node and `npm ci --prefix tests/oidc-peer`");
    false
}

/// A running `oidc-provider` process; killed when dropped.
struct Peer {
    child: Child,
}

impl Peer {
    fn start(port: u16, redirect_uri: &str, setup: PeerSetup) -> Peer {
        let citizens: Vec<&str> = DEMO_CITIZENS.iter().map(|c| c.citizen_id).collect();
        let mut child = Command::new("node")
            .arg(peer_dir().join("server.mjs"))
            .env("PEER_PORT", port.to_string())
            .env("PEER_REDIRECT_URI", redirect_uri)
            .env("PEER_CLIENT_SECRET", CLIENT_SECRET)
            .env("PEER_ALG", setup.alg)
            .env("PEER_CITIZENS", serde_json::to_string(&citizens).unwrap())
            .env("PEER_CLOCK_OFFSET_S", setup.clock_offset_s.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        // The provider says when it listens; a thread waits for the line so that a provider
        // that never starts is a failure after a while, not a hang.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let _ = tx.send(first);
            // Keep reading so that the provider never blocks on a full pipe.
            for _ in lines {}
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the OpenID peer starts within 30 s");
        assert!(line.starts_with("listening "), "the peer said {line:?}");
        Peer { child }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An app whose agency AG-X-OCEO asks for the e-ID, registered with a peer as `setup` says.
struct PeerApp {
    app: TestApp,
    issuer: String,
    port: u16,
    peer: Option<Peer>,
    /// The browser's cookies at the provider (name → value).
    jar: BTreeMap<String, String>,
}

async fn peer_app(setup: PeerSetup) -> Option<PeerApp> {
    if !peer_available() {
        return None;
    }
    // A free port for the provider: the app must know its issuer before it starts, and the
    // provider must know the app's callback before it starts.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://127.0.0.1:{port}");
    let db = TestDb::new();
    let mut overrides = vec![("HAILONG_EID_ISSUER", issuer.as_str())];
    match setup.client {
        Client::Confidential => {
            overrides.push(("HAILONG_EID_CLIENT_ID", "hailong"));
            overrides.push(("HAILONG_EID_CLIENT_SECRET", CLIENT_SECRET));
        }
        Client::Public => overrides.push(("HAILONG_EID_CLIENT_ID", "hailong-public")),
    }
    let settings = db.settings_with(&overrides);
    let app = spawn_app_with(db, settings).await;
    let peer = Peer::start(port, &format!("{}/s/eid/callback", app.address), setup);
    seed_verified(&app);
    Some(PeerApp {
        app,
        issuer,
        port,
        peer: Some(peer),
        jar: BTreeMap::new(),
    })
}

/// How a sign-in went at the provider.
struct SignIn {
    /// Whether the provider showed its sign-in page (it does not when it remembers someone).
    asked: bool,
    /// The provider's page said which prompt it was answering (`login`).
    prompt: String,
    /// hailong's callback, as the provider sent the browser to it.
    callback_url: String,
    /// The nonce hailong sent.
    nonce: String,
}

impl PeerApp {
    /// Restarts the provider on the same port: a new process, a new signing key.
    fn restart_peer(&mut self, setup: PeerSetup) {
        self.peer = None;
        self.jar.clear();
        let redirect = format!("{}/s/eid/callback", self.app.address);
        self.peer = Some(Peer::start(self.port, &redirect, setup));
    }

    async fn stop(mut self) {
        self.peer = None;
        self.app.stop().await;
    }

    /// A request to the provider with the browser's cookies; keeps the ones it sets.
    async fn at_provider(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let response = request
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap();
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.jar.remove(name);
                } else {
                    self.jar.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        response
    }

    fn absolute(&self, location: &str) -> String {
        if location.starts_with('/') {
            format!("{}{location}", self.issuer)
        } else {
            location.to_owned()
        }
    }

    /// Starts a sign-in on the survey, signs in at the provider as `citizen` if it asks, and
    /// returns where the provider sent the browser back.
    async fn sign_in(&mut self, start: &str, citizen: usize) -> SignIn {
        let started = self.app.get(start).await;
        assert_eq!(started.status(), 303, "{start}");
        let authorize = location(&started);
        assert!(authorize.starts_with(&format!("{}/auth?", self.issuer)));
        let params: BTreeMap<String, String> = url::Url::parse(&authorize)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        assert_eq!(params["code_challenge_method"], "S256", "PKCE");
        assert!(!params["state"].is_empty() && !params["nonce"].is_empty());
        assert_eq!(params["scope"], "openid");

        // The browser at the provider: cookies by hand (see the module's note), no redirects.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut url = authorize;
        let mut asked = false;
        let mut prompt = String::new();
        for _ in 0..8 {
            let response = self.at_provider(client.get(&url)).await;
            if response.status() == 200 && url.contains("/interaction/") {
                asked = true;
                let page = response.text().await.unwrap();
                prompt = page
                    .split("<p>prompt: ")
                    .nth(1)
                    .and_then(|rest| rest.split('<').next())
                    .unwrap_or_default()
                    .to_owned();
                let posted = self
                    .at_provider(
                        client
                            .post(format!("{url}/login"))
                            .form(&[("citizen", citizen.to_string())]),
                    )
                    .await;
                assert_eq!(posted.status(), 303, "the provider took the sign-in");
                url = self.absolute(&location(&posted));
                continue;
            }
            if response.status() == 200 {
                // A page that posts itself (a browser runs its script): the provider ends the
                // session of the person signed in before, when someone else signs in.
                let page = response.text().await.unwrap();
                let (action, fields) = self_posting_form(&page)
                    .unwrap_or_else(|| panic!("the provider showed at {url}: {page}"));
                let posted = self.at_provider(client.post(action).form(&fields)).await;
                assert!(posted.status().is_redirection(), "{}", posted.status());
                url = self.absolute(&location(&posted));
            } else {
                assert!(
                    response.status().is_redirection(),
                    "the provider answered {} at {url}",
                    response.status(),
                );
                url = self.absolute(&location(&response));
            }
            if url.starts_with(&self.app.address) {
                return SignIn {
                    asked,
                    prompt,
                    callback_url: url,
                    nonce: params["nonce"].clone(),
                };
            }
        }
        panic!("the provider never sent the browser back (last at {url})");
    }

    /// Signs in and follows the provider back to hailong's callback.
    async fn sign_in_and_return(&mut self, start: &str, citizen: usize) -> reqwest::Response {
        let signed_in = self.sign_in(start, citizen).await;
        self.app
            .client
            .get(&signed_in.callback_url)
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_applicant_signs_in_at_a_certified_provider_with_rs256_and_es256_and_either_client() {
    for setup in [RS256_CONFIDENTIAL, ES256_PUBLIC] {
        let Some(mut v) = peer_app(setup).await else {
            return;
        };
        let path = issue(&v.app, "PEER.1", APPLICANT).await;
        let signed_in = v.sign_in(&format!("{path}/sign-in"), APPLICANT).await;
        assert!(
            signed_in.asked,
            "{setup:?}: the provider asked who signs in"
        );
        let url = url::Url::parse(&signed_in.callback_url).unwrap();
        let returned: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(
            returned.get("iss"),
            Some(&v.issuer),
            "the provider names itself (RFC 9207)"
        );
        let callback = get_absolute(&v.app, &signed_in.callback_url).await;
        assert_eq!(callback.status(), 303, "{setup:?}");
        assert_eq!(location(&callback), format!("{path}?lang=vi"), "{setup:?}");
        // The code is spent: the same callback again redeems nothing.
        let replayed = get_absolute(&v.app, &signed_in.callback_url).await;
        assert_eq!(replayed.status(), 400, "{setup:?}");

        assert_eq!(answer(&v.app, &path).await.status(), 200, "{setup:?}");
        assert_eq!(sign_ins_left(&v.app), 0, "{setup:?}");
        let dump = crate::helpers::dump_database(&v.app.db);
        let citizen = DEMO_CITIZENS[APPLICANT].citizen_id;
        for needle in [citizen, "peer-subject-", signed_in.nonce.as_str()] {
            assert!(
                !dump.contains(needle),
                "{setup:?}: the database holds {needle:?}"
            );
        }
        v.stop().await;
    }
}

#[tokio::test]
async fn a_code_from_another_issuer_is_refused() {
    let Some(mut v) = peer_app(RS256_CONFIDENTIAL).await else {
        return;
    };
    let path = issue(&v.app, "PEER.2", APPLICANT).await;
    let signed_in = v.sign_in(&format!("{path}/sign-in"), APPLICANT).await;
    // A mix-up: the response says another provider issued the code (RFC 9207).
    let forged = signed_in.callback_url.replace(
        &format!("iss={}", urlencoding(&v.issuer)),
        &format!("iss={}", urlencoding("http://127.0.0.1:9")),
    );
    assert_ne!(forged, signed_in.callback_url);
    let callback = get_absolute(&v.app, &forged).await;
    assert_eq!(callback.status(), 401);
    let page = v.app.get(&path).await.text().await.unwrap();
    assert!(!page.contains("name=\"csrf\""));
    v.stop().await;
}

/// The action and hidden fields of a page's self-submitting form (`<form method="post"
/// action="…">` with `<input type="hidden" name="…" value="…"/>`).
fn self_posting_form(page: &str) -> Option<(String, Vec<(String, String)>)> {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].to_owned())
    };
    let form = page.split("<form method=\"post\"").nth(1)?;
    let action = attribute(form.split('>').next()?, "action")?;
    let fields = form
        .split("<input ")
        .skip(1)
        .filter_map(|input| Some((attribute(input, "name")?, attribute(input, "value")?)))
        .collect();
    Some((action, fields))
}

async fn get_absolute(app: &TestApp, url: &str) -> reqwest::Response {
    app.client.get(url).send().await.unwrap()
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_wrong_citizen_is_told_so_and_prompt_login_lets_the_applicant_sign_in() {
    let Some(mut v) = peer_app(ES256_PUBLIC).await else {
        return;
    };
    let path = issue(&v.app, "PEER.3", APPLICANT).await;
    let wrong = v
        .sign_in_and_return(&format!("{path}/sign-in"), SOMEONE_ELSE)
        .await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(
        location(&wrong),
        format!("{path}/not-the-applicant?lang=vi")
    );
    assert_eq!(sign_ins_left(&v.app), 0);

    // Without prompt=login the provider signs the remembered person in again, unasked.
    let remembered = v.sign_in(&format!("{path}/sign-in"), APPLICANT).await;
    assert!(!remembered.asked, "the provider remembers its session");
    let again = get_absolute(&v.app, &remembered.callback_url).await;
    assert_eq!(
        location(&again),
        format!("{path}/not-the-applicant?lang=vi")
    );

    // "Sign in as someone else" sends prompt=login: the provider asks afresh.
    let fresh = v
        .sign_in(&format!("{path}/sign-in?again=1"), APPLICANT)
        .await;
    assert!(fresh.asked, "prompt=login makes the provider ask");
    assert_eq!(fresh.prompt, "login");
    let callback = get_absolute(&v.app, &fresh.callback_url).await;
    assert_eq!(callback.status(), 303);
    assert_eq!(location(&callback), format!("{path}?lang=vi"));
    assert_eq!(answer(&v.app, &path).await.status(), 200);
    v.stop().await;
}

#[tokio::test]
async fn tokens_from_a_provider_whose_clock_is_off_are_refused_beyond_a_minute() {
    // (offset of the provider's clock, accepted): two hours behind, its tokens expired an hour
    // ago; fifteen minutes ahead, they are issued in our future; thirty seconds either way is
    // ordinary clock skew.
    for (offset, accepted) in [(-7200, false), (900, false), (-30, true), (30, true)] {
        let setup = PeerSetup {
            clock_offset_s: offset,
            ..RS256_CONFIDENTIAL
        };
        let Some(mut v) = peer_app(setup).await else {
            return;
        };
        let path = issue(&v.app, "PEER.4", APPLICANT).await;
        let callback = v
            .sign_in_and_return(&format!("{path}/sign-in"), APPLICANT)
            .await;
        let form_open = |page: &str| page.contains("name=\"csrf\"");
        if accepted {
            assert_eq!(callback.status(), 303, "offset {offset} s");
            let page = v.app.get(&path).await.text().await.unwrap();
            assert!(form_open(&page), "offset {offset} s");
        } else {
            assert_eq!(callback.status(), 401, "offset {offset} s was accepted");
            assert!(callback
                .text()
                .await
                .unwrap()
                .contains("Không xác thực được"));
            let page = v.app.get(&path).await.text().await.unwrap();
            assert!(!form_open(&page), "offset {offset} s");
        }
        assert_eq!(sign_ins_left(&v.app), i64::from(accepted));
        v.stop().await;
    }
}

#[tokio::test]
async fn a_provider_that_rotates_its_signing_key_is_followed_without_a_restart() {
    for setup in [RS256_CONFIDENTIAL, ES256_PUBLIC] {
        let Some(mut v) = peer_app(setup).await else {
            return;
        };
        let first = issue(&v.app, "PEER.5a", APPLICANT).await;
        let second = issue(&v.app, "PEER.5b", APPLICANT).await;
        // hailong reads discovery and the keys at the first sign-in and keeps them.
        let callback = v
            .sign_in_and_return(&format!("{first}/sign-in"), APPLICANT)
            .await;
        assert_eq!(callback.status(), 303, "{setup:?}");
        // The provider comes back with a new key (the old one withdrawn).
        v.restart_peer(setup);
        let callback = v
            .sign_in_and_return(&format!("{second}/sign-in"), APPLICANT)
            .await;
        assert_eq!(
            callback.status(),
            303,
            "{setup:?}: a token signed with the new key is accepted"
        );
        assert_eq!(answer(&v.app, &second).await.status(), 200);
        v.stop().await;
    }
}

#[tokio::test]
async fn an_unreachable_certified_provider_is_a_503_with_a_retry() {
    let Some(mut v) = peer_app(RS256_CONFIDENTIAL).await else {
        return;
    };
    let path = issue(&v.app, "PEER.6", APPLICANT).await;
    v.peer = None;
    let start = v.app.get(&format!("{path}/sign-in")).await;
    assert_eq!(start.status(), 503);
    assert_eq!(start.headers()["retry-after"], "60");
    assert_eq!(sign_ins_left(&v.app), 0);
    // Back again: the same link works.
    v.restart_peer(RS256_CONFIDENTIAL);
    let callback = v
        .sign_in_and_return(&format!("{path}/sign-in"), APPLICANT)
        .await;
    assert_eq!(callback.status(), 303);
    v.stop().await;
}
