//! The analysis crate's one integration-test binary.
#![expect(
    clippy::unwrap_used,
    reason = "test code panics on purpose: a failed unwrap is a failed test"
)]

mod fair;
mod fixture;
mod lineage;
mod method;
mod properties;
mod reference_tables;
