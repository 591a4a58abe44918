// compile-fail: error[E0308]: mismatched types
// SPDX-License-Identifier: GPL-2.0

// S1: only a registered device can be published in a peer link.
//
// `free_netdev` frees a device that never got registered whatever
// references were taken on it, so a link to the device made by
// `create_link` would point to freed memory once the `NewDevice` is
// dropped. `PeerLink::publish` takes a `Device<_, Registered>`; a
// `NewDevice` only gives a `Device` of no known state.

use crate::netdev::{NewDevice, PeerLink, Rtnl};
use crate::Veth;

fn publish_then_free(link: &PeerLink<Veth>, peer: NewDevice<Veth>, rtnl: &Rtnl) {
    link.publish(peer.dev(), rtnl);
    drop(peer);
}
