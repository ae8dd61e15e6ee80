//! The provider's RSA signing key: generated at start (2048 bits), never written anywhere, so a
//! restarted dev provider has a new key and hailong picks it up from the JWKS.

use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::JsonWebKeyId;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};

use super::DevIdpError;

pub struct SigningKey {
    pub key: CoreRsaPrivateSigningKey,
}

impl SigningKey {
    pub fn generate() -> Result<Self, DevIdpError> {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
            .map_err(|e| DevIdpError::Key(e.to_string()))?;
        let pem = private
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(|e| DevIdpError::Key(e.to_string()))?;
        let key = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new("dev-1".into())))
            .map_err(DevIdpError::Key)?;
        Ok(Self { key })
    }
}
