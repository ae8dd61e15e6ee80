//! What the delivery report counts (`services::reports::delivery` computes it): an agency's
//! week of invitations, and answers against invitations. Counts only: nothing here names an
//! invitation or a person.

/// One agency's week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeekRow {
    /// ISO week, `2026-W48`.
    pub week: String,
    pub agency_id: i32,
    pub issued: u64,
    /// Had a phone or e-mail: an invitation message was queued.
    pub with_contact: u64,
    /// The invitation message went out (or its survey was answered before it was due).
    pub sent: u64,
    /// Not sent yet after at least one failed attempt.
    pub failing: u64,
    /// Reminders that came due (sent unless the survey was answered by then).
    pub reminders: u64,
    pub opted_out: u64,
}

/// One agency's quarter, or the province's for one channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answered {
    pub invited: u64,
    pub answered: u64,
}

impl Answered {
    /// The response rate in %, or `None` when too few answered to show (`MIN_CELL`).
    pub fn rate(&self, min_cell: u64) -> Option<f64> {
        (self.answered >= min_cell && self.invited > 0)
            .then(|| 100.0 * self.answered as f64 / self.invited as f64)
    }
}
