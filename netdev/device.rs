// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`) of a driver, with their state of
//! registration as a type parameter; their namespace, statistics and tx
//! queues.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h).

use super::{
    bindings,
    features,
    rcu,
    Driver,
    Dropped,
    PrivArea,
    Rtnl,
    RxQueue,
    RxSkBuff,
    SkBuff,
    UnregisterList, //
};
use core::{
    marker::PhantomData,
    mem::size_of,
    ops::Range,
    ptr::{
        self,
        NonNull, //
    }, //
};
use kernel::{
    error::to_result,
    prelude::*,
    sync::barrier::{
        smp_mb,
        Read, //
    },
    types::Opaque, //
};

/// A network namespace (`struct net`).
#[repr(transparent)]
pub(crate) struct Net(Opaque<bindings::net>);

impl Net {
    pub(super) fn as_raw(&self) -> *mut bindings::net {
        self.0.get()
    }
}

/// The states of a device's life that its type can tell (as the device
/// contexts of `rust/kernel/device.rs` do): an operation that needs a
/// state takes a [`Device`] of that state, so calling it on a device that
/// may not be in it does not compile.
pub(crate) mod state {
    mod private {
        pub(crate) trait Sealed {}
    }

    /// A state of a device's life.
    pub(crate) trait DeviceState: private::Sealed {}

    /// Any state: allocated, maybe being set up, registered or already
    /// unregistered.
    pub(crate) struct Normal;

    /// Registered: `register_netdevice` got past the last point at which it
    /// can fail without honouring references (the device is listed, its
    /// kobject added). From then on the device, its per-CPU statistics
    /// included, is freed only by `netdev_run_todo` once it is unregistered
    /// and every reference taken with `netdev_hold` is put. The device may
    /// be unregistering already.
    pub(crate) struct Registered;

    impl private::Sealed for Normal {}
    impl private::Sealed for Registered {}
    impl DeviceState for Normal {}
    impl DeviceState for Registered {}
}

/// A network device (`struct net_device`) of the driver `T`, in state `S`
/// ([`state::Normal`] unless said otherwise). A `Device<T, Registered>`
/// dereferences to a `Device<T>`: what any device can do, a registered one
/// can.
///
/// # Invariants
///
/// The device was allocated with the rtnl link operations of `T` (so its
/// private area holds an initialised `T::Priv`) and is valid for the
/// lifetime of the reference. If `S` is [`state::Registered`], the device
/// is registered as that state describes.
#[repr(transparent)]
pub(crate) struct Device<T: Driver, S: state::DeviceState = state::Normal>(
    Opaque<bindings::net_device>,
    PhantomData<(T, S)>,
);

// SAFETY: `struct net_device` is designed to be used from any thread; the
// fields this type reads are read with the C side's own synchronisation
// (RTNL, RCU or READ_ONCE). `S` is a marker without data.
unsafe impl<T: Driver, S: state::DeviceState> Sync for Device<T, S> {}
// SAFETY: See `Sync` above.
unsafe impl<T: Driver, S: state::DeviceState> Send for Device<T, S> {}

impl<T: Driver, S: state::DeviceState> Device<T, S> {
    /// # Safety
    ///
    /// `ptr` points to a `net_device` allocated with `T`'s link operations
    /// that stays valid for `'a`; if `S` is [`state::Registered`], the
    /// device is registered as that state describes.
    pub(super) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper of `net_device`; the
        // caller guarantees validity, provenance and the state.
        unsafe { &*ptr.cast() }
    }
}

impl<T: Driver> core::ops::Deref for Device<T, state::Registered> {
    type Target = Device<T>;

    fn deref(&self) -> &Device<T> {
        // SAFETY: Same transparent layout; any device is a `Normal` one.
        unsafe { Device::from_raw(self.0.get()) }
    }
}

impl<T: Driver> Device<T, state::Registered> {
    /// Counts transmitted packets in the per-CPU stats
    /// (`dev_sw_netstats_tx_add`).
    pub(crate) fn tx_stats_add(&self, packets: u32, bytes: u32) {
        // TSTATS was set by `setup_callback`; `netdev_run_todo` frees the
        // per-CPU stats only after the device's last user.
        // SAFETY: `as_raw` is valid; the device is registered (type
        // invariant), so `register_netdevice` allocated its `tstats`.
        unsafe { bindings::veth_rs_dev_sw_netstats_tx_add(self.as_raw(), packets, bytes) }
    }

    /// Adds the per-CPU stats of the device to `stats`.
    pub(crate) fn fetch_sw_stats(&self, stats: &mut Stats64) {
        // SAFETY: As in `tx_stats_add`; `stats.0` is a valid stats struct.
        unsafe { bindings::veth_rs_dev_fetch_sw_netstats(&mut stats.0, self.as_raw()) }
    }

    /// Whether the device is registered and not being unregistered yet
    /// (`NETREG_REGISTERED`). It enters and leaves that state only under
    /// RTNL, which the caller holds, so the answer holds while it does.
    fn is_listed(&self, _rtnl: &Rtnl) -> bool {
        self.reg_state() == bindings::netdev_reg_state_NETREG_REGISTERED
    }

    /// Whether the device waits in a namespace's list of devices to
    /// unregister (`dev->unreg_list_net` not empty), which
    /// `unregister_netdevice_queue_net` puts a device of another namespace
    /// in with `CONFIG_DEBUG_NET_SMALL_RTNL`; without it, never.
    fn is_queued_net(&self, _rtnl: &Rtnl) -> bool {
        #[cfg(CONFIG_DEBUG_NET_SMALL_RTNL)]
        {
            let entry = self.as_raw();
            // `unreg_list_net` is initialised when the device is allocated
            // and changed only under RTNL (queueing,
            // `unregister_netdevice_many_net` under `rtnl_net_lock`, moving
            // namespaces, unregistering).
            // SAFETY: `entry` is valid and the caller holds RTNL (above).
            let empty = unsafe {
                let head = &raw const (*entry).unreg_list_net;
                ptr::eq(ptr::read_volatile(&raw const (*head).next), head)
            };
            !empty
        }
        #[cfg(not(CONFIG_DEBUG_NET_SMALL_RTNL))]
        false
    }

    /// Queues the device for unregistration (`unregister_netdevice_queue`);
    /// nothing if it is being unregistered already.
    pub(crate) fn unregister_queue(&self, list: &mut UnregisterList, rtnl: &Rtnl) {
        // A device whose unregistration has begun must not be queued again:
        // the core would move its list entry out of a list it went through
        // already, then BUG. (Queued twice in one RTNL section, it is still
        // `NETREG_REGISTERED` and moves from one list to another: fine.)
        if !self.is_listed(rtnl) || self.is_queued_net(rtnl) {
            return;
        }
        // SAFETY: The device is registered, not being unregistered nor
        // queued in a namespace's list (checked above, under RTNL); `list`
        // holds a valid list head.
        unsafe { bindings::unregister_netdevice_queue(self.as_raw(), list.as_raw()) }
    }

    /// Queues the device for unregistration, telling the core that it is
    /// unregistered on behalf of namespace `net`
    /// (`unregister_netdevice_queue_net`); nothing if it is being
    /// unregistered already, or waits in its namespace's list already.
    pub(crate) fn unregister_queue_net(&self, net: &Net, list: &mut UnregisterList, rtnl: &Rtnl) {
        // With CONFIG_DEBUG_NET_SMALL_RTNL, a device of another namespace
        // goes to that namespace's list (`list_add_tail`, not a move): a
        // second queueing in the same RTNL section would add it twice and
        // corrupt the list, and a plain `unregister_queue` after it would
        // leave it on both lists. It stays `NETREG_REGISTERED` until the
        // list is processed, hence the second check.
        if !self.is_listed(rtnl) || self.is_queued_net(rtnl) {
            return;
        }
        // SAFETY: The device is registered, not being unregistered nor
        // queued in a namespace's list (checked above, under RTNL); `list`
        // holds a valid list head; `net` is valid.
        unsafe {
            bindings::veth_rs_unregister_netdevice_queue_net(
                net.as_raw(),
                self.as_raw(),
                list.as_raw(),
            )
        }
    }

    /// Clears `features` from the device's active and wanted features and
    /// recomputes them (`netdev_update_features`).
    pub(crate) fn disable_features(&self, features: features::Features, _rtnl: &Rtnl) {
        let dev = self.as_raw();
        // SAFETY: `dev` is valid and registered; RTNL, which serialises
        // feature changes, is held.
        unsafe {
            (*dev).features &= !features;
            (*dev).wanted_features &= !features;
            bindings::netdev_update_features(dev);
        }
    }

    /// Recomputes the device's features (`netdev_update_features`).
    pub(crate) fn update_features(&self, _rtnl: &Rtnl) {
        // SAFETY: The device is registered; RTNL is held.
        unsafe { bindings::netdev_update_features(self.as_raw()) }
    }
}

impl<T: Driver> Device<T> {
    pub(super) fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// The device's `reg_state`, read once (`READ_ONCE`): `netdev_run_todo`
    /// writes `NETREG_UNREGISTERED` without RTNL.
    pub(super) fn reg_state(&self) -> u32 {
        // SAFETY: `as_raw` is valid; the volatile read of a `u8` is not
        // torn, as the C side's `READ_ONCE` (writers use `WRITE_ONCE` or
        // hold RTNL).
        u32::from(unsafe { ptr::read_volatile(&raw const (*self.as_raw()).reg_state) })
    }

    /// Where the private area of `dev` starts (`netdev_priv`): right after
    /// the `net_device`, NETDEV_ALIGN-aligned.
    pub(super) fn area_ptr(dev: *mut bindings::net_device) -> *mut PrivArea<T> {
        let offset =
            size_of::<bindings::net_device>().next_multiple_of(bindings::NETDEV_ALIGN as usize);
        dev.cast::<u8>().wrapping_add(offset).cast()
    }

    /// The private area of this device (`netdev_priv`).
    pub(super) fn area(&self) -> &PrivArea<T> {
        // SAFETY: By the type invariant the device was allocated with `T`'s
        // ops, so its private area holds a `PrivArea<T>`, initialised by
        // `setup_callback` before any `Device` of it was made.
        unsafe { &*Self::area_ptr(self.as_raw()) }
    }

    /// The driver's private data of this device.
    pub(crate) fn drv_priv(&self) -> &T::Priv {
        &self.area().drv
    }

    /// The device's receive queues, one per allocated rx queue; empty
    /// until [`Device::make_rx_queues`] made them.
    pub(crate) fn rx_queues(&self) -> &[RxQueue<T>] {
        self.area().rq.as_slice()
    }

    /// The device's interface index.
    pub(crate) fn ifindex(&self) -> i32 {
        // SAFETY: `as_raw` is valid; the C side reads `ifindex` of another
        // device with READ_ONCE, as here.
        unsafe { ptr::addr_of!((*self.as_raw()).ifindex).read_volatile() }
    }

    /// Whether the device is administratively up (`IFF_UP`).
    pub(crate) fn is_up(&self) -> bool {
        // SAFETY: `as_raw` is valid; `flags` is a plain integer read as the C
        // side does from any context.
        let flags = unsafe { ptr::addr_of!((*self.as_raw()).flags).read_volatile() };
        flags & bindings::net_device_flags_IFF_UP != 0
    }

    /// Current number of rx queues in use.
    pub(crate) fn real_num_rx_queues(&self) -> u32 {
        // SAFETY: `as_raw` is valid.
        unsafe { ptr::addr_of!((*self.as_raw()).real_num_rx_queues).read_volatile() }
    }

    /// Current number of tx queues in use.
    pub(crate) fn real_num_tx_queues(&self) -> u32 {
        // SAFETY: `as_raw` is valid.
        unsafe { ptr::addr_of!((*self.as_raw()).real_num_tx_queues).read_volatile() }
    }

    /// Number of rx queues allocated.
    pub(crate) fn num_rx_queues(&self) -> u32 {
        // SAFETY: `as_raw` is valid; the field is fixed after allocation.
        unsafe { (*self.as_raw()).num_rx_queues }
    }

    /// Number of tx queues allocated.
    pub(crate) fn num_tx_queues(&self) -> u32 {
        // SAFETY: `as_raw` is valid; the field is fixed after allocation.
        unsafe { (*self.as_raw()).num_tx_queues }
    }

    /// Sets the carrier on (`netif_carrier_on`).
    pub(crate) fn carrier_on(&self) {
        // SAFETY: `as_raw` is valid.
        unsafe { bindings::netif_carrier_on(self.as_raw()) }
    }

    /// Sets the carrier off (`netif_carrier_off`).
    pub(crate) fn carrier_off(&self) {
        // SAFETY: `as_raw` is valid.
        unsafe { bindings::netif_carrier_off(self.as_raw()) }
    }

    /// The device's network namespace (`dev_net`), under RTNL, which
    /// serialises moving the device to another namespace.
    pub(crate) fn net<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a Net {
        // SAFETY: `as_raw` is valid; a device always has a namespace. It
        // changes only under RTNL, held for `'a`, and a namespace is freed
        // only after its devices have left it.
        unsafe { &*bindings::veth_rs_dev_net(self.as_raw()).cast::<Net>() }
    }

    /// The device's network namespace (`dev_net`), for an RCU reader.
    pub(crate) fn net_rcu<'a>(&'a self, _rcu: &'a rcu::Guard) -> &'a Net {
        // A namespace the device leaves meanwhile is freed only after an
        // RCU grace period (`cleanup_net`'s `rcu_barrier`).
        // SAFETY: `as_raw` is valid and a device always has a namespace;
        // `_rcu` holds off the grace period that would free it for `'a`.
        unsafe { &*bindings::veth_rs_dev_net(self.as_raw()).cast::<Net>() }
    }

    /// Sets the number of tx queues in use.
    pub(crate) fn set_real_num_tx_queues(&self, n: u32, _rtnl: &Rtnl) -> Result {
        // SAFETY: `as_raw` is valid and RTNL is held.
        to_result(unsafe { bindings::netif_set_real_num_tx_queues(self.as_raw(), n) })
    }

    /// Sets the number of rx queues in use.
    pub(crate) fn set_real_num_rx_queues(&self, n: u32, _rtnl: &Rtnl) -> Result {
        // SAFETY: `as_raw` is valid and RTNL is held.
        to_result(unsafe { bindings::netif_set_real_num_rx_queues(self.as_raw(), n) })
    }

    /// Prepares `skb`, sent by another device, for this device's receive
    /// path (`__dev_forward_skb`): scrubs it and pulls its ethernet header
    /// (`eth_type_trans`). On failure the skb is freed.
    pub(crate) fn forward_prepare(&self, skb: SkBuff) -> core::result::Result<RxSkBuff, Dropped> {
        let raw = skb.into_raw();
        // SAFETY: `as_raw` is valid and `raw` is an skb we own;
        // `__dev_forward_skb` frees it on failure.
        match unsafe { bindings::__dev_forward_skb(self.as_raw(), raw) } {
            // SAFETY: `raw` came from a `NonNull` and is ours again, just
            // prepared by `__dev_forward_skb`, which pulled ETH_HLEN bytes.
            0 => Ok(unsafe { RxSkBuff::from_raw(NonNull::new_unchecked(raw)) }),
            _ => Err(Dropped),
        }
    }

    /// The active features.
    pub(crate) fn features(&self) -> features::Features {
        // SAFETY: `as_raw` is valid; features change under RTNL and are read
        // from any context by the C side too.
        unsafe { ptr::addr_of!((*self.as_raw()).features).read_volatile() }
    }

    /// The features userspace asked for.
    pub(crate) fn wanted_features(&self) -> features::Features {
        // SAFETY: As in `features`.
        unsafe { ptr::addr_of!((*self.as_raw()).wanted_features).read_volatile() }
    }

    /// Whether the device is running, i.e. was opened (`netif_running`).
    pub(crate) fn is_running(&self) -> bool {
        // SAFETY: `as_raw` is valid.
        unsafe { bindings::veth_rs_netif_running(self.as_raw()) }
    }

    /// Sets the headroom the device asks of senders (`needed_headroom`).
    pub(crate) fn set_needed_headroom(&self, headroom: u16) {
        // SAFETY: `as_raw` is valid; the field is a hint that the C side
        // writes and reads without locking (veth.c does this under RCU).
        unsafe { ptr::addr_of_mut!((*self.as_raw()).needed_headroom).write_volatile(headroom) }
    }

    /// Tx queue `index`, if it is in use (`netdev_get_tx_queue`).
    pub(crate) fn tx_queue(&self, index: u32) -> Option<TxQueue<'_>> {
        if index >= self.real_num_tx_queues() {
            return None;
        }
        // SAFETY: `index` is below the number of tx queues in use, which
        // never exceeds the number allocated with the device; they live as
        // long as the device.
        let txq = unsafe { bindings::veth_rs_netdev_get_tx_queue(self.as_raw(), index) };
        NonNull::new(txq).map(|q| TxQueue(q, PhantomData))
    }

    /// Wakes tx queue `index` if it was stopped for backpressure, to be
    /// called once the peer's receive ring has room again.
    pub(crate) fn wake_stopped_tx_queue(&self, index: u32) {
        if index >= self.real_num_tx_queues() {
            return;
        }
        // Pairs with the barrier implied by `netif_tx_stop_queue`'s set_bit.
        smp_mb(Read);
        // SAFETY: `index` is below the number of tx queues in use, so
        // `netdev_get_tx_queue` returns a valid queue of the valid device.
        unsafe {
            let txq = bindings::veth_rs_netdev_get_tx_queue(self.as_raw(), index);
            if bindings::veth_rs_netif_tx_queue_stopped(txq) {
                bindings::veth_rs_txq_trans_cond_update(txq);
                bindings::netif_tx_wake_queue(txq);
            }
        }
    }

    pub(crate) fn rx_queue_range(&self, range: Range<u32>) -> &[RxQueue<T>] {
        let queues = self.rx_queues();
        let end = (range.end as usize).min(queues.len());
        let start = (range.start as usize).min(end);
        &queues[start..end]
    }
}

/// The statistics of a device (`struct rtnl_link_stats64`).
///
/// # Examples
///
/// What a pair device's `get_stats64` adds up: its own transmit counters,
/// and what its peer sent as what it received.
///
/// ```
/// use crate::netdev::Stats64;
///
/// let mut tot = Stats64::new();
/// tot.add_tx(3, 180);
/// let mut peer = Stats64::new();
/// peer.add_tx(2, 120);
/// let (packets, bytes) = peer.tx();
/// tot.add_rx(packets, bytes);
/// tot.set_dropped(0, 1);
/// assert_eq!(tot.tx(), (3, 180));
/// ```
#[repr(transparent)]
pub(crate) struct Stats64(bindings::rtnl_link_stats64);

impl Stats64 {
    /// A zeroed set of statistics.
    pub(crate) fn new() -> Self {
        Self(bindings::rtnl_link_stats64::default())
    }

    /// Packets and bytes transmitted.
    pub(crate) fn tx(&self) -> (u64, u64) {
        (self.0.tx_packets, self.0.tx_bytes)
    }

    /// Adds received packets and bytes (wrapping, as the C counters do).
    pub(crate) fn add_rx(&mut self, packets: u64, bytes: u64) {
        self.0.rx_packets = self.0.rx_packets.wrapping_add(packets);
        self.0.rx_bytes = self.0.rx_bytes.wrapping_add(bytes);
    }

    /// Adds transmitted packets and bytes (wrapping, as the C counters do).
    pub(crate) fn add_tx(&mut self, packets: u64, bytes: u64) {
        self.0.tx_packets = self.0.tx_packets.wrapping_add(packets);
        self.0.tx_bytes = self.0.tx_bytes.wrapping_add(bytes);
    }

    /// The C structure, for the KUnit suites.
    #[cfg(veth_rs_kunit)]
    pub(super) fn raw(&self) -> &bindings::rtnl_link_stats64 {
        &self.0
    }

    /// Sets the tx and rx drop counts.
    pub(crate) fn set_dropped(&mut self, tx: u64, rx: u64) {
        self.0.tx_dropped = tx;
        self.0.rx_dropped = rx;
    }
}

/// A tx queue of a device (`struct netdev_queue`), in ndo_start_xmit.
pub(crate) struct TxQueue<'a>(NonNull<bindings::netdev_queue>, PhantomData<&'a ()>);

impl TxQueue<'_> {
    /// Whether the queue has no qdisc that could hold a packet back
    /// (`qdisc_txq_has_no_queue`). The queue's qdisc is replaced under
    /// RTNL and freed after an RCU grace period: reading it takes an RCU
    /// read-side section.
    pub(crate) fn has_no_queue(&self, _rcu: &rcu::Guard) -> bool {
        // SAFETY: The queue is valid for the borrow; its `qdisc` pointer is
        // never null (noop_qdisc at least) and the qdisc it points to stays
        // valid while `_rcu` holds off a grace period.
        unsafe { bindings::veth_rs_qdisc_txq_has_no_queue(self.0.as_ptr()) }
    }

    /// Stops the queue (`netif_tx_stop_queue`) until the receiver wakes it.
    pub(crate) fn stop(&self) {
        // SAFETY: The queue is valid for the borrow.
        unsafe { bindings::veth_rs_netif_tx_stop_queue(self.0.as_ptr()) }
    }
}
