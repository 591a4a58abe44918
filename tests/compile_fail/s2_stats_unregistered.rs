// compile-fail: error[E0599]: no method named `tx_stats_add` found
// SPDX-License-Identifier: GPL-2.0

// S2: the per-CPU statistics are counted only on a registered device.
//
// `register_netdevice` allocates them (and `netdev_run_todo` frees them),
// so before registration the pointer is NULL. The writers are methods of
// `Device<_, Registered>` only: on the device that newlink is given, not
// registered yet, they do not exist.

use crate::netdev::LinkDevice;
use crate::Veth;

fn count_before_register(dev: &LinkDevice<'_, Veth>) {
    dev.dev().tx_stats_add(1, 60);
}
