use super::text_enum;

text_enum! {
    /// Where a unit stands in the administrative tree. `district` exists only in history: the
    /// July 2025 reform abolished districts, leaving province and commune-level units.
    pub enum AgencyLevel {
        Province => "province",
        Department => "department",
        District => "district",
        Commune => "commune",
    }
}

text_enum! {
    /// What kind of unit it is within its level; the names citizens know it by.
    pub enum AgencyKind {
        PeopleCommittee => "people_committee",
        Department => "department",
        City => "city",
        Town => "town",
        District => "district",
        Ward => "ward",
        Commune => "commune",
        SpecialZone => "special_zone",
    }
}

text_enum! {
    /// How an agency's surveys are opened: `link` — holding the survey link suffices;
    /// `verified` — the respondent must also sign in with the national e-ID as the dossier's
    /// applicant (the province's plan asks for electronically authenticated transactions).
    pub enum SurveyPolicy {
        Link => "link",
        Verified => "verified",
    }
}

text_enum! {
    /// What a staff account may see: `agency` its own agency and those below it; `province`
    /// every agency; `admin` everything, and it manages users, agencies, API clients and
    /// questionnaires.
    pub enum Role {
        Agency => "agency",
        Province => "province",
        Admin => "admin",
    }
}

/// An agency code as catalogues write it: 1 to 64 characters, no whitespace.
pub fn check_code(code: &str) -> Result<(), &'static str> {
    if code.is_empty() || code.chars().count() > 64 || code.chars().any(char::is_whitespace) {
        Err("1 to 64 characters without spaces")
    } else {
        Ok(())
    }
}
