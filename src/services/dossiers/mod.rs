//! Completed dossiers in (the API and file imports), survey invitations out (delivery).

pub mod delivery;
pub mod import;
pub mod ingest;
