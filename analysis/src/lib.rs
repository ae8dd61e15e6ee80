//! SIPAS-, PAPI- and PCI-style satisfaction indices on polars, from the four CSV (or Parquet)
//! files of the methodology: agencies, dossiers, responses and answers. This crate never depends
//! on the web crate; the web crate calls it, so that every number has one implementation.

pub mod questionnaire;
