//! An agency's place among the others of its level (METHODOLOGY §6, §14), as pages say it.

use hailong_analysis::fair::FunnelPosition;

/// An agency's place in its comparison set (§6, §14).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub rank: u32,
    /// The best and worst rank its standard error allows.
    pub best: u32,
    pub worst: u32,
    /// The comparison set's size.
    pub of: usize,
    /// PAPI's quartile tier (1 best), in sets of at least four.
    pub tier: Option<u8>,
    /// Against the median of its level (§14); `None` where its standard error is 0.
    pub funnel_z: Option<f64>,
}

impl Standing {
    /// Its funnel position, from its funnel z.
    pub fn position(&self) -> Option<FunnelPosition> {
        self.funnel_z.map(FunnelPosition::of_z)
    }
}

/// One agency on a funnel plot: its index against its effective sample size.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelPoint {
    pub code: String,
    pub name: String,
    pub sat_index: f64,
    pub n_eff: f64,
    pub position: Option<FunnelPosition>,
}

/// A level's funnel plot (§14): the centre θ (the level's median index), the spread `s` that
/// draws the limits θ ± z·s/√n_eff, and the agencies.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub centre: f64,
    pub spread: f64,
    pub points: Vec<FunnelPoint>,
}
