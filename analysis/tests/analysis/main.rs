//! The analysis crate's one integration-test binary.
// Test code panics on purpose: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixture;
mod method;
mod properties;
mod reference_tables;
