//! What an integration's API key may do.

super::text_enum! {
    /// `integrator`: the one-stop-shop system, which sends completed dossiers and reads their
    /// survey links and QR codes; `gateway`: the SMS gateway, which passes on citizens' STOP
    /// replies and may do nothing else (its key reaches no dossier and no link).
    pub enum ApiScope {
        Integrator => "integrator",
        Gateway => "gateway",
    }
}

/// Keys made before scopes were all integrators'.
impl Default for ApiScope {
    fn default() -> Self {
        Self::Integrator
    }
}
