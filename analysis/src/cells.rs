//! The post-stratification cells of METHODOLOGY §3: a (channel, applicant kind) pair as one
//! small number. Below the input and the questionnaire, which both name the channels.

pub const CHANNELS: [&str; 3] = ["online", "counter", "postal"];
pub const KINDS: [&str; 2] = ["citizen", "business"];

/// A (channel, applicant_kind) cell as one small number: channel · 2 + kind.
pub fn cell_of(channel: u8, kind: u8) -> u8 {
    channel * 2 + kind
}

pub const CELLS: usize = 6;
