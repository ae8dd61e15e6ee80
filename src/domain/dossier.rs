use super::text_enum;

text_enum! {
    pub enum ApplicantKind {
        Citizen => "citizen",
        Business => "business",
    }
}

text_enum! {
    /// How the dossier reached the agency: the public-service portal, the one-stop-shop
    /// counter, or the post.
    pub enum Channel {
        Online => "online",
        Counter => "counter",
        Postal => "postal",
    }
}
