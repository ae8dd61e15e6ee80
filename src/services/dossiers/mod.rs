//! Completed dossiers in (the API and file imports), survey invitations out (delivery).

pub mod channels;
pub mod contact;
pub mod delivery;
pub mod import;
pub mod ingest;
pub mod opt_out;
pub mod quiet;
pub mod smtp;
