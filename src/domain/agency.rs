use super::language::Lang;
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an agency code has 1 to 64 characters without spaces")]
pub struct BadAgencyCode;

impl AgencyCode {
    pub fn parse(raw: &str) -> Result<Self, BadAgencyCode> {
        let code = raw.trim();
        if code.is_empty() || code.chars().count() > 64 || code.chars().any(char::is_whitespace) {
            Err(BadAgencyCode)
        } else {
            Ok(Self(code.to_owned()))
        }
    }
}

impl AsRef<str> for AgencyCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AgencyLevel {
    /// The kinds of unit a level holds.
    pub fn kinds(self) -> &'static [AgencyKind] {
        match self {
            Self::Province => &[AgencyKind::PeopleCommittee],
            Self::Department => &[AgencyKind::Department],
            Self::District => &[AgencyKind::District, AgencyKind::Town, AgencyKind::City],
            Self::Commune => &[
                AgencyKind::Commune,
                AgencyKind::Ward,
                AgencyKind::SpecialZone,
            ],
        }
    }

    /// The levels a unit of this level may hang below: departments below the province (or,
    /// for a department's own units such as a sub-department or a land registration office,
    /// below a department); districts below the province; commune-level units below a
    /// district (before 2025) or the province.
    pub fn parents(self) -> &'static [AgencyLevel] {
        match self {
            Self::Province => &[],
            Self::Department => &[Self::Province, Self::Department],
            Self::District => &[Self::Province],
            Self::Commune => &[Self::District, Self::Province],
        }
    }
}

impl AgencyLevel {
    /// Its name in `lang`, as the admin pages say it.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::Province => lang.staff_text("staff-agency-province"),
            Self::Department => lang.staff_text("staff-agency-department"),
            Self::District => lang.staff_text("staff-agency-district-before-july-2025"),
            Self::Commune => lang.staff_text("staff-agency-commune-level"),
        }
    }
}

impl AgencyKind {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::PeopleCommittee => lang.staff_text("staff-agency-people-s-committee"),
            Self::Department => lang.staff_text("staff-agency-department-2"),
            Self::City => lang.staff_text("staff-agency-city"),
            Self::Town => lang.staff_text("staff-agency-town"),
            Self::District => lang.staff_text("staff-agency-district"),
            Self::Ward => lang.staff_text("staff-agency-ward"),
            Self::Commune => lang.staff_text("staff-agency-commune"),
            Self::SpecialZone => lang.staff_text("staff-agency-special-zone"),
        }
    }
}

impl Role {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::Agency => lang.staff_text("staff-dashboard-agency"),
            Self::Province => lang.staff_text("staff-agency-province-analyst"),
            Self::Admin => lang.staff_text("staff-agency-administrator"),
        }
    }
}

/// Where a unit may not stand in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Misplaced {
    #[error("a {kind} is not a unit of the {level} level")]
    KindOfOtherLevel {
        kind: AgencyKind,
        level: AgencyLevel,
    },
    #[error("a unit of the {level} level cannot stand below one of the {parent} level")]
    BelowWrongLevel {
        level: AgencyLevel,
        parent: AgencyLevel,
    },
    #[error("a unit of the {0} level needs a parent")]
    NeedsParent(AgencyLevel),
}

impl Misplaced {
    /// The form field at fault.
    pub fn field(self) -> &'static str {
        match self {
            Self::KindOfOtherLevel { .. } => "kind",
            Self::BelowWrongLevel { .. } | Self::NeedsParent(_) => "parent",
        }
    }

    /// Why, as a text of the staff catalogues with the names it says: each in Vietnamese and
    /// in English, as the admin pages say them.
    pub fn text(self) -> (&'static str, Vec<(&'static str, [&'static str; 2])>) {
        let level = |l: AgencyLevel| [l.name(Lang::VI), l.name(Lang::EN)];
        match self {
            Self::KindOfOtherLevel { kind, level: at } => (
                "refusal-kind-of-other-level",
                vec![
                    ("kind", [kind.name(Lang::VI), kind.name(Lang::EN)]),
                    ("level", level(at)),
                ],
            ),
            Self::BelowWrongLevel { level: at, parent } => (
                "refusal-below-wrong-level",
                vec![("level", level(at)), ("parent", level(parent))],
            ),
            Self::NeedsParent(at) => ("refusal-needs-parent", vec![("level", level(at))]),
        }
    }
}

/// Whether a unit of this level and kind may stand below a parent of `parent` level (none: the
/// root).
pub fn check_placement(
    level: AgencyLevel,
    kind: AgencyKind,
    parent: Option<AgencyLevel>,
) -> Result<(), Misplaced> {
    if !level.kinds().contains(&kind) {
        return Err(Misplaced::KindOfOtherLevel { kind, level });
    }
    match parent {
        None if level != AgencyLevel::Province => Err(Misplaced::NeedsParent(level)),
        Some(parent) if !level.parents().contains(&parent) => {
            Err(Misplaced::BelowWrongLevel { level, parent })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_stands_below_the_province_or_a_district_never_below_a_commune() {
        use AgencyKind as K;
        use AgencyLevel as L;
        assert!(check_placement(L::Commune, K::Ward, Some(L::Province)).is_ok());
        assert!(check_placement(L::Commune, K::Commune, Some(L::District)).is_ok());
        assert_eq!(
            check_placement(L::Commune, K::Commune, Some(L::Commune)),
            Err(Misplaced::BelowWrongLevel {
                level: L::Commune,
                parent: L::Commune
            })
        );
        assert!(check_placement(L::Department, K::Ward, Some(L::Province)).is_err());
        assert!(check_placement(L::Province, K::PeopleCommittee, None).is_ok());
        assert!(check_placement(L::Commune, K::Ward, None).is_err());
    }

    #[test]
    fn every_kind_belongs_to_one_level_and_only_departments_hang_below_their_own_level() {
        for kind in AgencyKind::ALL {
            let levels = AgencyLevel::ALL
                .iter()
                .filter(|l| l.kinds().contains(kind))
                .count();
            assert_eq!(levels, 1, "{kind}");
        }
        for level in AgencyLevel::ALL {
            assert_eq!(
                level.parents().contains(level),
                *level == AgencyLevel::Department,
                "{level}"
            );
        }
        assert!(AgencyCode::parse(" AG-X-OCEO ").is_ok());
        assert!(AgencyCode::parse("AG X").is_err());
    }
}
