// compile-fail: error[E0061]: this method takes 0 arguments but 1 argument was supplied
// SPDX-License-Identifier: GPL-2.0

// S4: the driver does not tell NAPI how much work it did.
//
// Completing a poll that used its whole budget lets the core re-list an
// instance that is still on its poll list. `Napi` counts the work itself
// (one unit per item taken out of the ring, never more than the budget),
// and `Napi::complete` takes no count: it completes only below the
// budget.

use crate::netdev::{Napi, PollDone};
use crate::Veth;

fn complete_at_budget(napi: Napi<'_, Veth>, budget: u32) -> PollDone<'_> {
    napi.complete(budget)
}
