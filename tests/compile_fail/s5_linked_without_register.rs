// compile-fail: error[E0423]: cannot initialize a tuple struct which contains private fields
// SPDX-License-Identifier: GPL-2.0

// S5: newlink succeeds only with the device it was given registered.
//
// rtnetlink configures and brings up the device after a successful
// newlink (`rtnl_configure_link`): one never registered would be opened
// with no per-CPU stats, and one whose registration newlink kept would be
// freed by `free_netdev` under the stack if newlink then failed (the
// newlink trampoline unregisters it in that case). newlink's success is a
// `Linked`, which only `LinkGuard::keep` makes, from the guard that
// `LinkDevice::register` gives: a driver cannot make one itself.

use crate::netdev::{LinkDevice, Linked, Rtnl};
use crate::Veth;
use core::marker::PhantomData;

fn newlink_without_register<'a>(_dev: LinkDevice<'a, Veth>, _rtnl: &'a Rtnl) -> Linked<'a> {
    Linked(PhantomData)
}
