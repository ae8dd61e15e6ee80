//! Identity-verified respondents: for an agency whose survey policy is `verified`, the
//! respondent signs in with the national e-ID (OpenID Connect), the identity is compared with
//! the dossier's applicant, and then forgotten. The sign-in leaves nothing behind once the
//! response is stored: `sign_in` keeps only a random handle's hash and a yes/no, and deletes
//! even that in the submission's transaction.

pub mod claims;
pub mod client;
pub mod sign_in;

pub use client::{Authorization, EidError, Provider, CALLBACK_PATH};
