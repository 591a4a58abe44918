// compile-fail: error[E0308]: mismatched types
// SPDX-License-Identifier: GPL-2.0

// S1: only a registered device can be published in a peer link.
//
// A device that never got registered is freed by `free_netdev` whatever
// references were taken on it: the device that newlink is given is freed
// so by rtnetlink if newlink fails, and one made by `create_link` when
// its `NewDevice` is dropped. A link to it would point to freed memory.
// `PeerLink::publish` takes a `Device<_, Registered>`; newlink's
// `LinkDevice` (like a `NewDevice`) only gives a `Device` of no known
// state.

use crate::netdev::{LinkDevice, PeerLink, Rtnl};
use crate::Veth;

fn publish_unregistered(link: &PeerLink<Veth>, dev: &LinkDevice<'_, Veth>, rtnl: &Rtnl) {
    link.publish(dev.dev(), rtnl);
}
