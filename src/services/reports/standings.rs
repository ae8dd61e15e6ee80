//! The province's published standings (PAPI, PCI) and the plan's targets, shown beside the
//! dashboards' own numbers (`dashboards`).

/// The province's published PAPI and PCI standings (data/reference), computed once. Call it
/// off the async runtime (polars blocks).
pub fn reference_standings() -> &'static [hailong_analysis::reference::Standing] {
    static STANDINGS: std::sync::OnceLock<Vec<hailong_analysis::reference::Standing>> =
        std::sync::OnceLock::new();
    STANDINGS.get_or_init(|| {
        hailong_analysis::reference::standings(&hailong_analysis::reference::bundled())
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "reading the reference tables");
                Vec::new()
            })
    })
}

/// The plan's targets (2020): PAPI in the top 20, PCI in the top 15 of the provinces.
pub const PAPI_TARGET_RANK: u32 = 20;
pub const PCI_TARGET_RANK: u32 = 15;

/// The rank to reach in `index` (`PAPI` or `PCI`): the plan's where it sets one, else the
/// 2020 plan's (the seed's).
pub fn rank_target(index: &str, plan: Option<&crate::domain::plan::Plan>) -> u32 {
    if index == "PAPI" {
        plan.and_then(|p| p.papi_rank).unwrap_or(PAPI_TARGET_RANK)
    } else {
        plan.and_then(|p| p.pci_rank).unwrap_or(PCI_TARGET_RANK)
    }
}
