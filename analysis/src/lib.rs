//! SIPAS-, PAPI- and PCI-style satisfaction indices on polars, from the four CSV (or Parquet)
//! files of the methodology: agencies, dossiers, responses and answers. This crate never depends
//! on the web crate; the web crate calls it, so that every number has one implementation.

pub mod bootstrap;
pub mod cells;
pub mod compare;
pub mod error;
pub mod estimate;
pub mod fair;
pub mod input;
pub mod instant;
pub mod lineage;
pub mod options;
pub mod period;
pub mod questionnaire;
pub mod report;
pub mod scores;
pub mod stats;
pub mod trends;

pub use input::{inputs_from_frames, read_inputs, read_questionnaire, Frames, Inputs};
pub use options::Options;
pub use report::{analyze, Report};
pub mod bench;
pub mod index;
pub mod reference;
pub mod tables;
