//! The OpenID Connect types of an e-ID sign-in, shared by the client (`eid::client`) and the
//! development provider (`dev_idp`), so that both speak exactly the same token format.

use std::collections::HashMap;

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};

/// Claims beyond the standard ones. Providers name the citizen ID claim differently, so all
/// extra claims are kept by name and the configured one is read (`HAILONG_EID_IDENTITY_CLAIM`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct ExtraClaims(pub HashMap<String, serde_json::Value>);

impl AdditionalClaims for ExtraClaims {}

impl ExtraClaims {
    /// The claim's value as text (a citizen ID may come as a string or, rarely, a number).
    pub fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The claim's value as a whole number (a NumericDate such as `nbf`).
    pub fn number(&self, name: &str) -> Option<i64> {
        self.0.get(name)?.as_i64()
    }
}

pub type EidIdTokenFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

pub type EidTokenResponse = StandardTokenResponse<EidIdTokenFields, CoreTokenType>;

pub type EidIdToken = openidconnect::IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

pub type EidIdTokenClaims = openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>;

/// A client built from discovery: authorization endpoint known, token endpoint maybe.
pub type EidClient = openidconnect::Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    EidTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
