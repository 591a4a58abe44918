// SPDX-License-Identifier: GPL-2.0

//! The RCU-protected pointer from one device of a pair to the other, with
//! the tracked reference it holds (veth.c's `peer` and `peer_tracker`).
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h).

use super::{
    bindings,
    rcu,
    state,
    Device,
    Driver,
    Napi,
    Rtnl, //
};
use core::{
    cell::UnsafeCell,
    marker::PhantomData,
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicPtr,
        Ordering, //
    }, //
};

/// An RCU-protected pointer to the peer device, holding a tracked
/// reference on it (veth.c's `peer` plus `peer_tracker`).
///
/// # Invariants
///
/// `ptr` is null or a registered device of driver `T` (see
/// [`state::Registered`]) on which this value holds a reference tracked by
/// `tracker`: the reference keeps the device from being freed. It is
/// published and cleared only under RTNL; readers see it under RCU, and the
/// device is freed only an RCU grace period after it is cleared.
///
/// # Examples
///
/// Published under RTNL, and only with a registered device; read under
/// RCU, for no longer than the read-side section:
///
/// ```no_run
/// use crate::netdev::{state::Registered, Device, Driver, PeerLink, Rtnl};
/// use kernel::sync::rcu;
///
/// fn link<T: Driver>(link: &PeerLink<T>, peer: &Device<T, Registered>, rtnl: &Rtnl) {
///     link.publish(peer, rtnl);
/// }
///
/// fn peer_ifindex<T: Driver>(link: &PeerLink<T>) -> Option<i32> {
///     let rcu = rcu::read_lock();
///     link.get(&rcu).map(|peer| peer.ifindex())
/// }
/// ```
pub(crate) struct PeerLink<T: Driver> {
    ptr: AtomicPtr<bindings::net_device>,
    tracker: UnsafeCell<bindings::netdevice_tracker>,
    _p: PhantomData<T>,
}

// SAFETY: `ptr` is atomic; `tracker` is written only under RTNL (publish
// and the put of a `TakenPeer`).
unsafe impl<T: Driver> Sync for PeerLink<T> {}
// SAFETY: As for `Sync`.
unsafe impl<T: Driver> Send for PeerLink<T> {}

impl<T: Driver> Default for PeerLink<T> {
    fn default() -> Self {
        Self {
            ptr: AtomicPtr::new(ptr::null_mut()),
            // A tracker is a pointer or, without
            // CONFIG_NET_DEV_REFCNT_TRACKER, an empty struct: none yet.
            tracker: UnsafeCell::new(pin_init::zeroed()),
            _p: PhantomData,
        }
    }
}

impl<T: Driver> PeerLink<T> {
    /// The peer, for an RCU reader (`rcu_dereference`).
    pub(crate) fn get<'a>(&self, _rcu: &'a rcu::Guard) -> Option<&'a Device<T, state::Registered>> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null peer is registered and
        // stays valid until a grace period after it is cleared, and `_rcu`
        // holds off that grace period for `'a`.
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }

    /// The peer, for a NAPI poll (`rcu_dereference_check(..,
    /// rcu_read_lock_bh_held())`): a poll runs with bottom halves off,
    /// which is an RCU read-side section, for all of its `'a`, as
    /// veth.c's poll relies on; no `rcu_read_lock` needed.
    pub(crate) fn get_in_poll<'a>(
        &self,
        _napi: &Napi<'a, T>,
    ) -> Option<&'a Device<T, state::Registered>> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null peer is registered and
        // stays valid until a grace period after it is cleared; the poll,
        // for `'a`, holds off that grace period.
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }

    /// The peer, under RTNL (`rtnl_dereference`).
    pub(crate) fn get_rtnl<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a Device<T, state::Registered>> {
        let p = self.ptr.load(Ordering::Relaxed);
        // SAFETY: Changes of the pointer happen under RTNL, which the caller
        // holds for `'a`, and the link holds a reference on the registered
        // device (type invariant).
        (!p.is_null()).then(|| unsafe { Device::from_raw(p) })
    }

    /// Publishes `peer` (`rcu_assign_pointer`) and takes a tracked reference
    /// on it (`netdev_hold`). The link must be empty.
    ///
    /// Only a registered device can be published: `free_netdev` frees a
    /// device that never got registered whatever references were taken on
    /// it, a registered one only once they are all put.
    pub(crate) fn publish(&self, peer: &Device<T, state::Registered>, _rtnl: &Rtnl) {
        // SAFETY: Under RTNL nobody else touches the tracker; `peer` is valid.
        unsafe { bindings::veth_rs_netdev_hold(peer.as_raw(), self.tracker.get()) };
        // INVARIANT: Published under RTNL with a reference held, and `peer`
        // is registered (its type says so), so the reference keeps it.
        let old = self.ptr.swap(peer.as_raw(), Ordering::Release);
        debug_assert!(old.is_null());
    }

    /// Clears the link (`xchg(&priv->peer, NULL)`), returning the peer it
    /// held. The reference is put when the returned value is dropped.
    pub(crate) fn take<'a>(&'a self, _rtnl: &'a Rtnl) -> Option<TakenPeer<'a, T>> {
        let p = self.ptr.swap(ptr::null_mut(), Ordering::AcqRel);
        NonNull::new(p).map(|dev| TakenPeer { dev, link: self })
    }
}

/// A peer taken out of a [`PeerLink`]; dropping it puts the reference the
/// link held (`netdev_put`).
pub(crate) struct TakenPeer<'a, T: Driver> {
    dev: NonNull<bindings::net_device>,
    link: &'a PeerLink<T>,
}

impl<T: Driver> TakenPeer<'_, T> {
    /// The peer device.
    pub(crate) fn dev(&self) -> &Device<T, state::Registered> {
        // SAFETY: We hold the reference the link had on the registered
        // device (invariant of `PeerLink`), so it is valid.
        unsafe { Device::from_raw(self.dev.as_ptr()) }
    }
}

impl<T: Driver> Drop for TakenPeer<'_, T> {
    fn drop(&mut self) {
        // Readers that loaded the link before `take` cleared it may still
        // use the peer until a grace period has passed. If the peer is
        // still `NETREG_REGISTERED` (RTNL is held, so it stays so until
        // this returns), its unregistration is yet to come, and it waits
        // for such a grace period (`synchronize_net` in
        // `unregister_netdevice_many`) before the device can be freed. If
        // its unregistration has run already, that grace period may have
        // passed before `take`, and `netdev_run_todo` frees the device as
        // soon as its last reference is put, maybe this one: wait for the
        // readers here. (veth's dellink clears both links before either
        // end is unregistered, so it never pays for this wait.)
        if self.dev().reg_state() != bindings::netdev_reg_state_NETREG_REGISTERED {
            // SAFETY: Process context under RTNL (dellink, newlink's error
            // path): `synchronize_net` may sleep.
            unsafe { bindings::synchronize_net() };
        }
        // SAFETY: The reference was taken by `publish` with this tracker;
        // RTNL is held (the `Rtnl` borrowed by `take`).
        unsafe { bindings::veth_rs_netdev_put(self.dev.as_ptr(), self.link.tracker.get()) }
    }
}
