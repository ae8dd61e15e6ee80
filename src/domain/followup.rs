//! A citizen's follow-up request, as the form checks it (the rest lives in
//! `services::followups`).

/// What the citizen wrote on the request form (and sees again when it comes back).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub problem: String,
    pub phone: String,
    pub email: String,
    pub consent: bool,
}

/// A field of the request form that is not right (the form says why in the citizen's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestProblem {
    ProblemMissing,
    ProblemTooLong,
    NoContact,
    BadPhone,
    BadEmail,
    NoConsent,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Received,
    InProgress,
    Answered,
}

impl Status {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "received" => Some(Status::Received),
            "in_progress" => Some(Status::InProgress),
            "answered" => Some(Status::Answered),
            _ => None,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::Answered => "answered",
        }
    }
}
