//! `hailong dev-idp`: a small OpenID Connect provider for development, the demo and the tests,
//! standing in for the national e-ID (VNeID). It is a real provider as far as hailong can tell:
//! discovery, a JWKS with a freshly generated RSA key, authorization code flow with PKCE (S256
//! only), RS256-signed ID tokens with issuer, audience, expiry, nonce and `at_hash`. Its login
//! page lists made-up citizens instead of asking for a password. Never expose it to the public.
//!
//! `Misbehaviour` makes it issue the broken tokens a real attacker or a faulty provider might,
//! so that the tests can prove hailong refuses each of them.

mod keys;
mod pages;

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::Utc;
use openidconnect::core::{
    CoreClaimName, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType, CoreSubjectIdentifierType, CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalProviderMetadata, EmptyExtraTokenFields,
    EndUserName, IssuerUrl, JsonWebKeySetUrl, Nonce, PrivateSigningKey, ResponseTypes, Scope,
    StandardClaims, SubjectIdentifier, TokenUrl,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::domain::token::new_secret_string;
use crate::services::eid::claims::{
    EidIdToken, EidIdTokenClaims, EidIdTokenFields, EidTokenResponse, ExtraClaims,
};

/// Made-up citizens to sign in as. The demo's example dossiers name some of them as applicants.
pub struct DemoCitizen {
    pub citizen_id: &'static str,
    pub name: &'static str,
}

pub const DEMO_CITIZENS: &[DemoCitizen] = &[
    DemoCitizen {
        citizen_id: "089301067890",
        name: "Trần Thị Bích",
    },
    DemoCitizen {
        citizen_id: "089201012345",
        name: "Nguyễn Văn An",
    },
    DemoCitizen {
        citizen_id: "091085054321",
        name: "Lê Hoàng Nam",
    },
    DemoCitizen {
        citizen_id: "089195003456",
        name: "Phạm Thị Mai",
    },
];

/// How the provider breaks the protocol, for tests. `None` is a correct provider.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Misbehaviour {
    #[default]
    None,
    /// ID tokens that expired ten minutes before they were issued (beyond any clock skew).
    ExpiredToken,
    /// ID tokens signed with a key that is not in the published JWKS (same key id).
    ForeignKey,
    /// ID tokens addressed to another client.
    WrongAudience,
    /// Every ID token carries the nonce of the first sign-in (a replayed token).
    ReplayFirstNonce,
    /// ID tokens whose `nbf` (not before) is an hour after they were issued.
    NotYetValid,
}

#[derive(Clone, Debug)]
pub struct DevIdpConfig {
    /// The provider's issuer URL (its own base URL, no trailing slash).
    pub issuer: String,
    pub client_id: String,
    /// When set, the token endpoint requires it (HTTP Basic or form); else a public client.
    pub client_secret: Option<String>,
    /// Exact redirect URIs the client may use.
    pub redirect_uris: Vec<String>,
    /// The claim that carries the citizen ID number.
    pub identity_claim: String,
    pub misbehaviour: Misbehaviour,
}

/// How long an authorization code and an ID token live.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
const TOKEN_LIFETIME_SECONDS: i64 = 300;

struct IssuedCode {
    citizen: usize,
    redirect_uri: String,
    nonce: String,
    code_challenge: String,
    issued: Instant,
}

struct Provider {
    config: DevIdpConfig,
    signing: keys::SigningKey,
    /// Signs the `ForeignKey` misbehaviour's tokens.
    foreign: Option<keys::SigningKey>,
    codes: Mutex<HashMap<String, IssuedCode>>,
    first_nonce: Mutex<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DevIdpError {
    #[error("generating the signing key: {0}")]
    Key(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Starts the provider on `listener`; the returned server runs once awaited or spawned.
pub fn start(listener: TcpListener, config: DevIdpConfig) -> Result<Server, DevIdpError> {
    let signing = keys::SigningKey::generate().map_err(DevIdpError::Key)?;
    let foreign = match config.misbehaviour {
        Misbehaviour::ForeignKey => Some(keys::SigningKey::generate().map_err(DevIdpError::Key)?),
        _ => None,
    };
    let provider = web::Data::new(Provider {
        config,
        signing,
        foreign,
        codes: Mutex::new(HashMap::new()),
        first_nonce: Mutex::new(None),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(provider.clone())
            .route(
                "/.well-known/openid-configuration",
                web::get().to(discovery),
            )
            .route("/jwks", web::get().to(jwks))
            .route("/authorize", web::get().to(login_page))
            .route("/authorize", web::post().to(approve))
            .route("/token", web::post().to(token))
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

fn json(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(body)
}

fn endpoint(provider: &Provider, path: &str) -> String {
    format!("{}{path}", provider.config.issuer)
}

async fn discovery(provider: web::Data<Provider>) -> HttpResponse {
    let built = (|| -> Result<String, String> {
        let metadata = CoreProviderMetadata::new(
            IssuerUrl::new(provider.config.issuer.clone()).map_err(|e| e.to_string())?,
            AuthUrl::new(endpoint(&provider, "/authorize")).map_err(|e| e.to_string())?,
            JsonWebKeySetUrl::new(endpoint(&provider, "/jwks")).map_err(|e| e.to_string())?,
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Pairwise],
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
            EmptyAdditionalProviderMetadata {},
        )
        .set_token_endpoint(Some(
            TokenUrl::new(endpoint(&provider, "/token")).map_err(|e| e.to_string())?,
        ))
        .set_scopes_supported(Some(vec![Scope::new("openid".into())]))
        .set_claims_supported(Some(vec![
            CoreClaimName::new("sub".into()),
            CoreClaimName::new("name".into()),
            CoreClaimName::new(provider.config.identity_claim.clone()),
        ]));
        serde_json::to_string(&metadata).map_err(|e| e.to_string())
    })();
    match built {
        Ok(body) => json(actix_web::http::StatusCode::OK, body),
        Err(e) => json(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": e }).to_string(),
        ),
    }
}

async fn jwks(provider: web::Data<Provider>) -> HttpResponse {
    let set = CoreJsonWebKeySet::new(vec![provider.signing.key.as_verification_key()]);
    match serde_json::to_string(&set) {
        Ok(body) => json(actix_web::http::StatusCode::OK, body),
        Err(e) => json(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": e.to_string() }).to_string(),
        ),
    }
}

/// The authorization request's parameters (query string, then hidden fields of the form).
#[derive(Debug, Deserialize)]
pub struct AuthorizationRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// Only in the form: the index of the citizen chosen.
    pub citizen: Option<usize>,
}

/// Checks a request the way a provider must before it redirects anywhere: an unknown client
/// or redirect URI gets an error page, never a redirect.
fn check_request(
    provider: &Provider,
    request: &AuthorizationRequest,
) -> Result<(String, String, String, String), String> {
    if request.client_id.as_deref() != Some(provider.config.client_id.as_str()) {
        return Err("unknown client_id".into());
    }
    let redirect_uri = request.redirect_uri.clone().unwrap_or_default();
    if !provider.config.redirect_uris.contains(&redirect_uri) {
        return Err(format!("redirect_uri {redirect_uri:?} is not registered"));
    }
    if request.response_type.as_deref() != Some("code") {
        return Err("only response_type=code is supported".into());
    }
    if !request
        .scope
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .any(|s| s == "openid")
    {
        return Err("the openid scope is required".into());
    }
    if request.code_challenge_method.as_deref() != Some("S256") {
        return Err("PKCE with code_challenge_method=S256 is required".into());
    }
    let challenge = request.code_challenge.clone().unwrap_or_default();
    let nonce = request.nonce.clone().unwrap_or_default();
    let state = request.state.clone().unwrap_or_default();
    if challenge.is_empty() || nonce.is_empty() || state.is_empty() {
        return Err("state, nonce and code_challenge are required".into());
    }
    Ok((redirect_uri, state, nonce, challenge))
}

async fn login_page(
    provider: web::Data<Provider>,
    request: web::Query<AuthorizationRequest>,
) -> HttpResponse {
    match check_request(&provider, &request) {
        Ok(_) => pages::html(
            actix_web::http::StatusCode::OK,
            pages::login(&request, DEMO_CITIZENS),
        ),
        Err(message) => pages::html(
            actix_web::http::StatusCode::BAD_REQUEST,
            pages::error(&message),
        ),
    }
}

async fn approve(
    provider: web::Data<Provider>,
    form: web::Form<AuthorizationRequest>,
) -> HttpResponse {
    let (redirect_uri, state, nonce, code_challenge) = match check_request(&provider, &form) {
        Ok(checked) => checked,
        Err(message) => {
            return pages::html(
                actix_web::http::StatusCode::BAD_REQUEST,
                pages::error(&message),
            )
        }
    };
    let Some(citizen) = form.citizen.filter(|i| *i < DEMO_CITIZENS.len()) else {
        return pages::html(
            actix_web::http::StatusCode::BAD_REQUEST,
            pages::error("choose a citizen"),
        );
    };
    let code = new_secret_string();
    if let Ok(mut codes) = provider.codes.lock() {
        codes.retain(|_, c| c.issued.elapsed() < CODE_LIFETIME);
        codes.insert(
            code.clone(),
            IssuedCode {
                citizen,
                redirect_uri: redirect_uri.clone(),
                nonce,
                code_challenge,
                issued: Instant::now(),
            },
        );
    }
    let mut target = match url::Url::parse(&redirect_uri) {
        Ok(url) => url,
        Err(e) => {
            return pages::html(
                actix_web::http::StatusCode::BAD_REQUEST,
                pages::error(&e.to_string()),
            )
        }
    };
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &state);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.to_string()))
        .finish()
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn token_error(error: &str, description: &str) -> HttpResponse {
    json(
        actix_web::http::StatusCode::BAD_REQUEST,
        serde_json::json!({ "error": error, "error_description": description }).to_string(),
    )
}

/// The client's credentials from HTTP Basic (RFC 6749 §2.3.1: form-encoded, then base64).
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let decoded = STANDARD.decode(value.strip_prefix("Basic ")?).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

fn client_authenticated(provider: &Provider, req: &HttpRequest, form: &TokenRequest) -> bool {
    let (id, secret) = match basic_credentials(req) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (form.client_id.clone(), form.client_secret.clone()),
    };
    if id.as_deref() != Some(provider.config.client_id.as_str()) {
        return false;
    }
    match &provider.config.client_secret {
        Some(expected) => secret.as_deref() == Some(expected.as_str()),
        None => true,
    }
}

async fn token(
    req: HttpRequest,
    provider: web::Data<Provider>,
    form: web::Form<TokenRequest>,
) -> HttpResponse {
    if form.grant_type.as_deref() != Some("authorization_code") {
        return token_error("unsupported_grant_type", "only authorization_code");
    }
    if !client_authenticated(&provider, &req, &form) {
        return json(
            actix_web::http::StatusCode::UNAUTHORIZED,
            serde_json::json!({ "error": "invalid_client" }).to_string(),
        );
    }
    // A code is good once: removed whether or not the rest checks out.
    let issued = form
        .code
        .as_deref()
        .and_then(|code| provider.codes.lock().ok()?.remove(code));
    let Some(issued) = issued.filter(|c| c.issued.elapsed() < CODE_LIFETIME) else {
        return token_error("invalid_grant", "unknown, used or expired code");
    };
    if form.redirect_uri.as_deref() != Some(issued.redirect_uri.as_str()) {
        return token_error("invalid_grant", "redirect_uri differs");
    }
    let verifier = form.code_verifier.as_deref().unwrap_or("");
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || challenge != issued.code_challenge {
        return token_error("invalid_grant", "PKCE verification failed");
    }
    match issue_tokens(&provider, &issued) {
        Ok(body) => json(actix_web::http::StatusCode::OK, body),
        Err(e) => json(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": "server_error", "error_description": e }).to_string(),
        ),
    }
}

/// A pairwise-style subject: stable per citizen, not the citizen ID itself.
pub fn subject(citizen_id: &str) -> String {
    hex::encode(&Sha256::digest(format!("dev-idp-subject:{citizen_id}").as_bytes())[..16])
}

fn issue_tokens(provider: &Provider, issued: &IssuedCode) -> Result<String, String> {
    let citizen = &DEMO_CITIZENS[issued.citizen];
    let config = &provider.config;
    let now = Utc::now();
    let (issued_at, expires) = match config.misbehaviour {
        Misbehaviour::ExpiredToken => (
            now - chrono::Duration::seconds(TOKEN_LIFETIME_SECONDS + 600),
            now - chrono::Duration::seconds(600),
        ),
        _ => (now, now + chrono::Duration::seconds(TOKEN_LIFETIME_SECONDS)),
    };
    let audience = match config.misbehaviour {
        Misbehaviour::WrongAudience => format!("{}-elsewhere", config.client_id),
        _ => config.client_id.clone(),
    };
    let nonce = match config.misbehaviour {
        Misbehaviour::ReplayFirstNonce => {
            let mut first = provider.first_nonce.lock().map_err(|e| e.to_string())?;
            first.get_or_insert_with(|| issued.nonce.clone()).clone()
        }
        _ => issued.nonce.clone(),
    };
    let mut extra = HashMap::new();
    extra.insert(
        config.identity_claim.clone(),
        serde_json::Value::String(citizen.citizen_id.to_owned()),
    );
    if config.misbehaviour == Misbehaviour::NotYetValid {
        extra.insert(
            "nbf".to_owned(),
            serde_json::Value::from((now + chrono::Duration::hours(1)).timestamp()),
        );
    }
    let claims = EidIdTokenClaims::new(
        IssuerUrl::new(config.issuer.clone()).map_err(|e| e.to_string())?,
        vec![Audience::new(audience)],
        expires,
        issued_at,
        StandardClaims::new(SubjectIdentifier::new(subject(citizen.citizen_id)))
            .set_name(Some(EndUserName::new(citizen.name.to_owned()).into())),
        ExtraClaims(extra),
    )
    .set_nonce(Some(Nonce::new(nonce)))
    .set_auth_time(Some(issued_at));
    let access_token = AccessToken::new(new_secret_string());
    let key = match (&config.misbehaviour, &provider.foreign) {
        (Misbehaviour::ForeignKey, Some(foreign)) => &foreign.key,
        _ => &provider.signing.key,
    };
    let id_token = EidIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access_token),
        None,
    )
    .map_err(|e| e.to_string())?;
    let mut response = EidTokenResponse::new(
        access_token,
        CoreTokenType::Bearer,
        EidIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    );
    response.set_expires_in(Some(&Duration::from_secs(
        u64::try_from(TOKEN_LIFETIME_SECONDS).unwrap_or(300),
    )));
    serde_json::to_string(&response).map_err(|e| e.to_string())
}
