//! The relying-party side of an e-ID sign-in: authorization code flow with PKCE against a
//! provider found by discovery, and validation of its signed ID token (signature against the
//! provider's JWKS, issuer, audience, expiry, nonce) by the `openidconnect` crate.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreJwsSigningAlgorithm, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    SignatureVerificationError, TokenResponse,
};

use super::claims::{EidClient, EidIdToken, EidIdTokenClaims, EidTokenResponse};
use crate::config::EidSettings;
use crate::domain::identity::ApplicantId;

/// Where the provider sends the browser back; registered with the provider.
pub const CALLBACK_PATH: &str = "/s/eid/callback";

/// Discovery (and the signing keys it brings) is re-read this often, so that a provider's key
/// rotation is picked up without a restart.
const DISCOVERY_FRESH_FOR: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
pub enum EidError {
    #[error("the identity provider could not be used: {0}")]
    Provider(String),
    #[error("the identity provider did not accept the sign-in: {0}")]
    Refused(String),
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
    #[error("the ID token carries no usable `{0}` claim")]
    NoIdentity(String),
}

/// What the browser is sent to, and what must be kept until it comes back.
pub struct Authorization {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub struct Provider {
    settings: EidSettings,
    redirect_url: RedirectUrl,
    http: reqwest::Client,
    discovered: Mutex<Option<(Instant, EidClient)>>,
}

impl Provider {
    pub fn new(settings: EidSettings, public_url: &str) -> Result<Self, EidError> {
        let redirect_url = RedirectUrl::new(format!("{public_url}{CALLBACK_PATH}"))
            .map_err(|e| EidError::Provider(format!("callback URL: {e}")))?;
        // No redirects: the OpenID specification forbids following them on these requests
        // (SSRF), and a short timeout keeps a slow provider from holding survey pages.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| EidError::Provider(e.to_string()))?;
        Ok(Self {
            settings,
            redirect_url,
            http,
            discovered: Mutex::new(None),
        })
    }

    async fn client(&self) -> Result<EidClient, EidError> {
        if let Ok(guard) = self.discovered.lock() {
            if let Some((at, client)) = guard.as_ref() {
                if at.elapsed() < DISCOVERY_FRESH_FOR {
                    return Ok(client.clone());
                }
            }
        }
        self.discover().await
    }

    /// Reads discovery and the provider's signing keys afresh, and keeps them.
    async fn discover(&self) -> Result<EidClient, EidError> {
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| EidError::Provider(format!("issuer URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| EidError::Provider(format!("discovery: {e}")))?;
        let client = EidClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect_url.clone());
        if let Ok(mut guard) = self.discovered.lock() {
            *guard = Some((Instant::now(), client.clone()));
        }
        Ok(client)
    }

    /// Starts a sign-in: fresh state, nonce and PKCE verifier (the library asks for the
    /// `openid` scope itself). `again`: the provider is asked to sign the person in afresh
    /// (`prompt=login`), not to reuse the account it remembers: someone else is signing in.
    pub async fn authorize(&self, again: bool) -> Result<Authorization, EidError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        if again {
            request = request.add_prompt(openidconnect::core::CoreAuthPrompt::Login);
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Redeems the code, validates the ID token, and returns the identity it vouches for.
    /// Nothing of the token is kept: only the normalised identity leaves this function.
    /// `issuer`: the `iss` of the authorization response, when the provider sends one
    /// (RFC 9207): it must be the configured provider, or the code came from another one.
    pub async fn identify(
        &self,
        code: &str,
        issuer: Option<&str>,
        pkce_verifier: String,
        nonce: &str,
    ) -> Result<ApplicantId, EidError> {
        if issuer.is_some_and(|issuer| issuer != self.settings.issuer) {
            return Err(EidError::Refused(
                "the authorization response names another issuer".into(),
            ));
        }
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| EidError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| EidError::Refused(e.to_string()))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| EidError::Refused("no ID token in the token response".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match verify(&client, id_token, &response, &nonce) {
            // A key we do not know: the provider may have rotated its keys since discovery
            // was read. Its keys are read again, once, before the token is refused.
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => verify(&self.discover().await?, id_token, &response, &nonce),
            other => other,
        }
        .map_err(|e| EidError::InvalidToken(e.to_string()))?;
        // `nbf` is not a claim the library checks: a token not valid yet is refused with the
        // same tolerance for clock skew as an expired one.
        if let Some(not_before) = claims.additional_claims().number("nbf") {
            if not_before > (crate::clock::now() + CLOCK_SKEW).timestamp() {
                return Err(EidError::InvalidToken(
                    "the ID token is not valid yet".into(),
                ));
            }
        }
        let claim = &self.settings.identity_claim;
        let raw = claims
            .additional_claims()
            .text(claim)
            .ok_or_else(|| EidError::NoIdentity(claim.clone()))?;
        ApplicantId::parse(&raw).map_err(|_| EidError::NoIdentity(claim.clone()))
    }
}

/// The signing algorithms an ID token may use, whatever discovery lists: the asymmetric ones
/// a national provider signs with (RS256 and ES256 among them). Never `none`, and never an
/// HMAC: it is keyed with the client secret, which a public client does not have and which
/// anyone holding it (not only the provider) could sign with.
const ID_TOKEN_ALGORITHMS: [CoreJwsSigningAlgorithm; 10] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EcdsaP521Sha512,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// Checks the ID token against the keys `client` knows: signature, issuer, audience, expiry,
/// issue time, nonce, and the access token's hash when the token carries one.
fn verify<'t>(
    client: &EidClient,
    id_token: &'t EidIdToken,
    response: &EidTokenResponse,
    nonce: &Nonce,
) -> Result<&'t EidIdTokenClaims, ClaimsVerificationError> {
    // Clocks differ a little: an ID token is accepted up to CLOCK_SKEW after its `exp`, and
    // one issued up to CLOCK_SKEW in our future (a token issued later than that comes from a
    // provider whose clock is wrong, and its expiry means nothing).
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(ID_TOKEN_ALGORITHMS)
        .set_time_fn(|| crate::clock::now() - CLOCK_SKEW)
        .set_issue_time_verifier_fn(|issued| {
            if issued > crate::clock::now() + CLOCK_SKEW {
                Err(format!("issued in the future ({issued})"))
            } else {
                Ok(())
            }
        });
    let claims = id_token.claims(&verifier, nonce)?;
    // The access token is bound to the ID token (at_hash) when the provider says so.
    if let Some(expected) = claims.access_token_hash() {
        let invalid = |e: String| ClaimsVerificationError::Other(format!("at_hash: {e}"));
        let signing_alg = id_token
            .signing_alg()
            .map_err(ClaimsVerificationError::SignatureVerification)?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(ClaimsVerificationError::SignatureVerification)?;
        let actual =
            openidconnect::AccessTokenHash::from_token(response.access_token(), signing_alg, key)
                .map_err(|e| invalid(e.to_string()))?;
        if actual != *expected {
            return Err(invalid("access token hash mismatch".into()));
        }
    }
    Ok(claims)
}

/// How far the provider's clock may be from ours, for `exp` and `nbf`.
const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
