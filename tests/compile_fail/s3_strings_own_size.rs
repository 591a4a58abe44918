// compile-fail: error[E0423]: cannot initialize a tuple struct which contains private fields
// SPDX-License-Identifier: GPL-2.0

// S3: the ethtool string and statistics tables are sized by the layer,
// from what C allocated, never by the driver.
//
// The layer takes the size of the `get_ethtool_stats` buffer from the
// `n_stats` that C passes, and that of the `get_strings` buffer from the
// count it reported to C for that set (C passes no size there), instead
// of asking the driver's `get_sset_count` again. The driver only gets the
// views the layer makes: it cannot make a `Strings` over a table of a
// size of its own.

use crate::netdev::Strings;

fn strings_of_my_size(table: &mut [[u8; 32]]) {
    let mut out = Strings(table);
    out.set(0, b"peer_ifindex");
}
