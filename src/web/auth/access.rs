//! The one place that decides what a signed-in user may see. Every page, export and API route
//! for staff asks here; what a user may not see is "not found", never a hint of its data.

use std::collections::HashSet;

use super::user::CurrentUser;
use crate::domain::agency::Role;
use crate::services::agencies::Agency;
use crate::web::error::AppError;

/// The agencies a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Everything,
    /// An agency user: their agency and every agency below it.
    Agencies(HashSet<i32>),
}

impl Scope {
    pub fn of(user: &CurrentUser, agencies: &[Agency]) -> Self {
        match (user.role, user.agency_id) {
            (Role::Province | Role::Admin, _) => Scope::Everything,
            (Role::Agency, None) => Scope::Agencies(HashSet::new()),
            (Role::Agency, Some(own)) => {
                Scope::Agencies(crate::services::agencies::subtree(agencies, own))
            }
        }
    }

    pub fn includes(&self, agency_id: i32) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Agencies(ids) => ids.contains(&agency_id),
        }
    }
}

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any signed-in staff user.
    SignedIn,
    /// The province's view: province analysts and admins.
    Province,
    /// User, agency and API-client management.
    Admin,
    /// One agency's detail.
    Agency(i32),
}

pub fn authorize(user: &CurrentUser, need: Need, scope: &Scope) -> Result<(), AppError> {
    let allowed = match need {
        Need::SignedIn => true,
        Need::Province => matches!(user.role, Role::Province | Role::Admin),
        Need::Admin => user.role == Role::Admin,
        Need::Agency(id) => scope.includes(id),
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
