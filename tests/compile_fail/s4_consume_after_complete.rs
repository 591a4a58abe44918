// compile-fail: error[E0382]: borrow of moved value: `napi`
// SPDX-License-Identifier: GPL-2.0

// S4: nothing of a poll is used once it is completed.
//
// After `napi_complete_done` another CPU may poll the instance: the ring
// has another consumer. `Napi::complete` consumes the poll.

use crate::netdev::{Napi, PollDone};
use crate::Veth;

fn consume_after_complete(mut napi: Napi<'_, Veth>) -> PollDone<'_> {
    let done = napi.complete();
    let _ = napi.consume();
    done
}
