//! The provider's RSA signing key: generated at start (2048 bits), never written anywhere, so a
//! restarted dev provider has a new key and hailong picks it up from the JWKS.

use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::JsonWebKeyId;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};

pub struct SigningKey {
    pub key: CoreRsaPrivateSigningKey,
}

impl SigningKey {
    /// A new key; the error says why the operating system or the library could not make one.
    pub fn generate() -> Result<Self, String> {
        let private =
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
        let pem = private
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(|e| e.to_string())?;
        let key =
            CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new("dev-1".into())))?;
        Ok(Self { key })
    }
}
