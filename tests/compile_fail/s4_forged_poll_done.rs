// compile-fail: error[E0451]: field `work` of struct
// SPDX-License-Identifier: GPL-2.0

// S4: poll's return value is made only by `Napi::complete`.
//
// The value a poll returns to NAPI says whether the poll was completed
// (below the budget) or not (the budget used up); the driver cannot
// return a count of its own.

use crate::netdev::{Napi, PollDone};
use crate::Veth;
use core::marker::PhantomData;

fn poll_claiming_budget(_napi: Napi<'_, Veth>) -> PollDone<'_> {
    PollDone {
        work: 64,
        _p: PhantomData,
    }
}
