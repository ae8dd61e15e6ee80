//! How many of a cell's waiting responses staff may see now, so that what they see of the cell
//! only ever moves in steps of at least k responses (docs/PRIVACY.md, "What staff can learn").
//!
//! A cell is what a page can show on its own: an agency, a quarter and a way of answering
//! (link, kiosk, paper). Every figure of an agency's page, of a year (a sum of quarters), of a
//! parent (a sum of its units) or of a mode (and its complement, the other modes) is then a
//! sum of cells, each of which moves by 0 or by k or more: no difference of two views, taken
//! at any two times, rests on fewer than k responses.
//!
//! While the cell is open (its quarter runs, or one of its invitations can still be
//! answered), a step is taken once 2k wait, and k are kept back: whenever the cell closes,
//! its last step is then at least k too. A closed cell that never gathered k is never shown.

/// What to do with the releasable responses of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Release this many (chosen at random), keep the rest.
    Release(usize),
    /// Too few for a step: they wait for more.
    Wait,
    /// The cell is closed with fewer than k: they are dropped, never shown.
    Withhold,
}

/// The step of a cell holding `waiting` releasable responses; `closed` once no response can
/// join it any more.
pub fn step(waiting: usize, k: usize, closed: bool) -> Step {
    if waiting == 0 {
        return Step::Wait;
    }
    // With k = 1 every step is a step of at least k: nothing needs keeping back.
    if k <= 1 {
        return Step::Release(waiting);
    }
    if closed {
        return if waiting >= k {
            Step::Release(waiting)
        } else {
            Step::Withhold
        };
    }
    if waiting >= 2 * k {
        Step::Release(waiting - k)
    } else {
        Step::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_cell_steps_by_k_and_keeps_k_back_until_it_closes() {
        assert_eq!(step(0, 5, false), Step::Wait);
        assert_eq!(step(9, 5, false), Step::Wait);
        assert_eq!(step(10, 5, false), Step::Release(5));
        assert_eq!(step(17, 5, false), Step::Release(12));
        assert_eq!(step(5, 5, true), Step::Release(5));
        assert_eq!(step(4, 5, true), Step::Withhold);
        assert_eq!(step(1, 1, false), Step::Release(1));
    }

    proptest! {
        /// Responses arrive at a cell between passes in any numbers; it closes at some pass.
        /// Every step staff see is at least k, the last included; nothing is lost once
        /// anything was shown; what was never shown is dropped only below k.
        #[test]
        fn every_step_is_at_least_k_and_nothing_shown_is_lost(
            k in 1usize..8,
            arrivals in proptest::collection::vec(0usize..12, 1..30),
        ) {
            let (mut waiting, mut shown, mut withheld) = (0usize, 0usize, 0usize);
            let last = arrivals.len() - 1;
            for (pass, arrived) in arrivals.iter().enumerate() {
                waiting += arrived;
                match step(waiting, k, pass == last) {
                    Step::Release(n) => {
                        prop_assert!(n >= k && n <= waiting);
                        waiting -= n;
                        shown += n;
                    }
                    Step::Withhold => {
                        prop_assert!(waiting < k && shown == 0);
                        withheld += waiting;
                        waiting = 0;
                    }
                    Step::Wait => {}
                }
            }
            prop_assert_eq!(waiting, 0);
            prop_assert_eq!(shown + withheld, arrivals.iter().sum::<usize>());
        }
    }
}
