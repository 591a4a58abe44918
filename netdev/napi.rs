// SPDX-License-Identifier: GPL-2.0

//! NAPI on the receive queues of a device: each queue's NAPI context and
//! the ring that the peer's transmit path fills while NAPI is on, the
//! transmitter's view of a queue (under RCU) and the poll's (its one
//! consumer), and turning NAPI on and off over ranges of queues.
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/linux/ptr_ring.h`](srctree/include/linux/ptr_ring.h).

use super::{
    bindings,
    rcu,
    ring,
    skbf,
    Adapter,
    Device,
    Driver,
    RingEntry,
    Rtnl,
    RxqXdp,
    SkBuff, //
};
use core::{
    cell::UnsafeCell,
    marker::PhantomData,
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicBool,
        AtomicPtr,
        AtomicU8,
        Ordering, //
    }, //
};
use kernel::{
    alloc::{
        flags::{
            GFP_KERNEL_ACCOUNT,
            __GFP_ZERO, //
        },
        KVVec, //
    },
    error::to_result,
    ffi::c_int,
    prelude::*,
    sync::barrier::{
        smp_mb,
        Full, //
    },
    types::Opaque, //
};

impl<T: Driver> Device<T> {
    /// Takes NAPI down on every receive queue: what a closed device must
    /// not keep, whatever its driver did (the `ndo_stop` trampoline calls
    /// it after the driver's `stop`; nothing to do if that took it down).
    pub(super) fn napi_teardown(&self, rtnl: &Rtnl) {
        let queues = self.rx_queues();
        let mut any = false;
        for rq in queues {
            any |= rq.napi_disable(rtnl);
        }
        if any {
            synchronize_net(rtnl);
        }
        for rq in queues {
            rq.napi_release(rtnl);
            // Its NAPI context gone, the queue's rxq info (which names it)
            // goes too: a driver turns both on again when it reopens.
            rq.xdp_rxq_unreg(rtnl);
        }
    }
}

impl<T: Driver> Device<T> {
    /// Makes the device's receive queues if it has none yet: before the
    /// first [`RxQueue::napi_add`], as the queues are made on first use
    /// only (until then [`Device::rx_queues`] is empty). `ENOMEM` if the
    /// table cannot be allocated.
    pub(crate) fn make_rx_queues(&self, rtnl: &Rtnl) -> Result {
        self.area().rq.make(self, rtnl)
    }
}

/// Waits until every RCU read-side section running now has ended
/// (`synchronize_net`: expedited under RTNL), so that what was unpublished
/// before (a queue's NAPI, its program) is seen by nobody any more.
pub(crate) fn synchronize_net(_rtnl: &Rtnl) {
    // SAFETY: No preconditions; RTNL may be held, we may sleep.
    unsafe { bindings::synchronize_net() }
}

/// The NAPI states of a receive queue (`RxQueue::state`), changed under
/// RTNL only.
mod nstate {
    /// No NAPI context, no ring (all-zero: the state of a new queue).
    pub(super) const OFF: u8 = 0;
    /// Context added, ring and page pool made; not enabled, not published.
    pub(super) const ADDED: u8 = 1;
    /// Enabled and published (`napi_on` set): transmitters fill the ring.
    pub(super) const ON: u8 = 2;
    /// Unpublished, disabled and deleted; the ring and the page pool are
    /// to be freed once the grace period of `RxQueue::gp` has passed.
    pub(super) const DISABLED: u8 = 3;
}

/// The receive queues of a device: made on first use by
/// [`Device::make_rx_queues`] (not by `ndo_init`, as veth.c's are: a
/// device that never turns NAPI on, a pair without GRO or XDP, never pays
/// for them), freed by the device's destructor.
///
/// # Invariants
///
/// `ptr` is null (no queues yet) or the buffer of a `KVVec` of `len`
/// queues with capacity `cap`, and once non-null it stays so until the
/// destructor. `len` and `cap` are written only by `make`, under RTNL,
/// before it publishes `ptr` (release), and by the destructor, when
/// nobody can see the device any more: a reader that sees `ptr` non-null
/// (acquire) reads them as `make` left them.
pub(super) struct RqTable<T: Driver> {
    ptr: AtomicPtr<RxQueue<T>>,
    len: UnsafeCell<usize>,
    cap: UnsafeCell<usize>,
}

impl<T: Driver> RqTable<T> {
    pub(super) fn new() -> Self {
        Self {
            ptr: AtomicPtr::new(ptr::null_mut()),
            len: UnsafeCell::new(0),
            cap: UnsafeCell::new(0),
        }
    }

    #[inline]
    pub(super) fn as_slice(&self) -> &[RxQueue<T>] {
        let p = self.ptr.load(Ordering::Acquire);
        if p.is_null() {
            return &[];
        }
        // SAFETY: `ptr` is published after `len` was written, and `len` is
        // not written again while the device can be reached (invariant).
        let len = unsafe { *self.len.get() };
        // SAFETY: By the type invariant `p` holds `len` initialised queues,
        // valid until the destructor, which runs after the last user.
        unsafe { core::slice::from_raw_parts(p, len) }
    }

    /// Makes the table of `dev`, the owner of `self`, if it has none; only
    /// for a running (so registered) device, `ENETDOWN` otherwise: a device
    /// that fails before its registration is freed without its destructor,
    /// which alone frees the table.
    fn make(&self, dev: &Device<T>, _rtnl: &Rtnl) -> Result {
        if !self.ptr.load(Ordering::Relaxed).is_null() {
            return Ok(());
        }
        if !dev.is_running() {
            return Err(ENETDOWN);
        }
        let n = dev.num_rx_queues() as usize;
        // The table is made in place, as veth.c's `kvcalloc` does (charged
        // to a memory cgroup as veth.c's, that of the task turning NAPI on
        // rather than of the one creating the device): zeroed memory is a
        // valid queue but for `dev`, `index`, `drv` and `gp`, which are
        // written below; a queue built on the stack and moved in would
        // cost a 960-byte build and copy per queue.
        let mut v = KVVec::<RxQueue<T>>::with_capacity(n, GFP_KERNEL_ACCOUNT | __GFP_ZERO)?;
        let base = v.as_mut_ptr();
        for index in 0..n {
            // SAFETY: `index < n <= capacity`, so `q` is in the buffer.
            let q = unsafe { base.add(index) };
            // Every other field is valid all-zero: `Opaque`s, null
            // `AtomicPtr`s, `false` `AtomicBool`s, the `OFF` state and
            // `RxqXdp` (the same). `gp` gets a grace period already
            // completed, so nothing waits for it.
            // SAFETY: `q` is valid for writes and aligned (from the buffer).
            unsafe {
                (&raw mut (*q).dev).write(dev.as_raw());
                (&raw mut (*q).index).write(index as u32);
                (&raw mut (*q).drv).write(T::RqPriv::default());
                bindings::get_completed_synchronize_rcu_full((*q).gp.get());
            }
        }
        // SAFETY: `n <= capacity`, and each of the `n` elements is valid:
        // zeroed by `__GFP_ZERO`, with `dev`, `index`, `drv` and `gp` written.
        unsafe { v.inc_len(n) };
        let (p, len, cap) = v.into_raw_parts();
        // SAFETY: `ptr` is null, so no reader looks at `len` and `cap`;
        // RTNL serialises us with any other `make`.
        unsafe {
            *self.len.get() = len;
            *self.cap.get() = cap;
        }
        // INVARIANT: From `into_raw_parts` of a `KVVec`; `len` and `cap`
        // written before.
        self.ptr.store(p, Ordering::Release);
        Ok(())
    }

    /// # Safety
    ///
    /// Called from the destructor of the owning device, when nobody uses
    /// the device any more; every queue's NAPI context is deleted.
    pub(super) unsafe fn free(&self) {
        let p = self.ptr.swap(ptr::null_mut(), Ordering::Relaxed);
        if p.is_null() {
            return;
        }
        // SAFETY: By the caller's guarantee nobody reads the fields.
        let (len, cap) = unsafe { (*self.len.get(), *self.cap.get()) };
        // SAFETY: By the caller's guarantee.
        unsafe { *self.len.get() = 0 };
        // SAFETY: By the type invariant these come from `into_raw_parts`.
        drop(unsafe { KVVec::from_raw_parts(p, len, cap) });
    }
}

/// A receive queue of a device of driver `T` (veth.c's `struct veth_rq`):
/// a NAPI context, and the ring that the peer's transmit path fills while
/// NAPI is on, plus the driver's own data of the queue.
///
/// # Invariants
///
/// `napi` is the first field, so the poll trampoline finds the queue from
/// it. `state` is one of [`nstate`]'s and changes only under RTNL: `napi`
/// is added in `ADDED` and `ON`, enabled in `ON` only; `ring` (of
/// `T::RingItem` entries) and the page pool exist in every state but
/// `OFF`. `napi_on` is null or points to `napi`, and is non-null exactly
/// in `ON`. `gp` is the RCU grace-period state taken when something
/// readers find under RCU was last unpublished (`napi_on`, the program):
/// what they used is freed only once that grace period has passed.
///
/// The fields without an alignment of their own come right after `napi`,
/// before the cache-line aligned `ring` and `xdp`, so that they fill the
/// line `napi` ends in: for veth on the release kernel a queue is then 960
/// bytes (it was 1,088 with `drv` last), and the table of a device with
/// two queues fits a 2 KiB slab object as veth.c's does.
///
/// The table is made from zeroed memory (`RqTable::make`): every field
/// but `dev`, `index` and `drv` must be valid all-zero, meaning "off"; a
/// field added here must keep that.
#[repr(C)]
pub(crate) struct RxQueue<T: Driver> {
    napi: Opaque<bindings::napi_struct>,
    napi_on: AtomicPtr<bindings::napi_struct>,
    dev: *mut bindings::net_device,
    gp: Opaque<bindings::rcu_gp_seq>,
    index: u32,
    state: AtomicU8,
    notify_masked: AtomicBool,
    drv: T::RqPriv,
    ring: Opaque<bindings::ptr_ring>,
    /// The queue's XDP state, kept by xdp.rs.
    pub(super) xdp: RxqXdp,
}

// SAFETY: The NAPI context and the ring are used with the C side's own
// synchronisation (NAPI state bits, the ring's producer lock, one consumer:
// the NAPI poll); the rest is atomic or immutable.
unsafe impl<T: Driver> Sync for RxQueue<T> {}
// SAFETY: As for `Sync`.
unsafe impl<T: Driver> Send for RxQueue<T> {}

impl<T: Driver> RxQueue<T> {
    /// The device the queue belongs to.
    pub(crate) fn dev(&self) -> &Device<T> {
        // The queue's table is freed only by the device's destructor.
        // SAFETY: `dev` is the device whose table the queue is in, and
        // the device outlives the queue.
        unsafe { Device::from_raw(self.dev) }
    }

    /// The queue's index.
    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// The device the queue belongs to, as a raw pointer.
    #[inline]
    pub(super) fn dev_ptr(&self) -> *mut bindings::net_device {
        self.dev
    }

    /// The queue's NAPI context.
    #[inline]
    pub(super) fn napi_ptr(&self) -> *mut bindings::napi_struct {
        self.napi.get()
    }

    /// The queue's ring (initialised while NAPI is on).
    #[inline]
    pub(super) fn ring_ptr(&self) -> *mut bindings::ptr_ring {
        self.ring.get()
    }

    /// The driver's data of the queue.
    pub(crate) fn drv(&self) -> &T::RqPriv {
        &self.drv
    }

    pub(super) fn is_on(&self) -> bool {
        !self.napi_on.load(Ordering::Relaxed).is_null()
    }

    fn state(&self) -> u8 {
        self.state.load(Ordering::Relaxed)
    }

    /// Notes that something readers find under RCU was just unpublished:
    /// what they used may be freed after the grace period that starts now.
    pub(super) fn unpublished(&self, _rtnl: &Rtnl) {
        // SAFETY: `gp` is written and read only under RTNL.
        unsafe { bindings::get_state_synchronize_rcu_full(self.gp.get()) }
    }

    /// Waits for the grace period of the last [`RxQueue::unpublished`],
    /// unless it has passed, normal or expedited (an explicit
    /// [`synchronize_net`] since then makes this free); if not, waits
    /// with `synchronize_net`, expedited under RTNL as veth.c's waits are.
    pub(super) fn wait_unpublished(&self, rtnl: &Rtnl) {
        // SAFETY: `gp` holds a state of `get_state_synchronize_rcu_full`
        // or of `get_completed_synchronize_rcu_full` (`RqTable::make`); it
        // is read and written only under RTNL.
        if !unsafe { bindings::poll_state_synchronize_rcu_full(self.gp.get()) } {
            synchronize_net(rtnl);
        }
    }

    /// Adds the queue's NAPI context and makes its ring of `ring_size`
    /// entries and a page pool of as many pages (one queue of veth.c's
    /// `veth_napi_enable_range`; the size is the driver's: veth's
    /// `VETH_RING_SIZE`), not enabled yet: [`RxQueue::napi_enable`] does
    /// that, [`RxQueue::napi_release`] undoes it. Nothing to do if the
    /// queue has its context already. `EINVAL` for a size of 0 or above
    /// `i32::MAX`; only for a running device (`ENETDOWN` otherwise):
    /// closing it takes NAPI down again (the `ndo_stop` trampoline makes
    /// sure of it, as it does after a failed `ndo_open`), so no context
    /// outlives the device's queues. On failure, the queue has no context
    /// (a queue left `DISABLED` is released first).
    /// A driver without [`Driver::poll`] cannot call it (a build error).
    pub(crate) fn napi_add(&self, ring_size: u32, rtnl: &Rtnl) -> Result {
        build_assert!(T::HAS_POLL, "NAPI needs the driver's poll operation");
        let ring_len = c_int::try_from(ring_size).map_err(|_| EINVAL)?;
        if ring_len == 0 {
            return Err(EINVAL);
        }
        match self.state() {
            nstate::ADDED | nstate::ON => return Ok(()),
            nstate::DISABLED => self.napi_release(rtnl),
            _ => {}
        }
        if !self.dev().is_running() {
            return Err(ENETDOWN);
        }
        // A context deleted before may still be seen on the device's NAPI
        // list by RCU readers (netpoll): not re-added before they are gone.
        self.wait_unpublished(rtnl);
        // SAFETY: The queue belongs to a valid device; its NAPI context is
        // not added (`OFF`); the trampoline serves `T`.
        unsafe {
            bindings::veth_rs_netif_napi_add(
                self.dev,
                self.napi.get(),
                Some(Adapter::<T>::poll_callback),
            )
        };
        // SAFETY: The ring of an `OFF` queue is not initialised and unused.
        let err = unsafe { bindings::veth_rs_ptr_ring_init(self.ring.get(), ring_len) };
        if let Err(e) = to_result(err).and_then(|()| {
            self.page_pool_create(ring_size).inspect_err(|_| {
                // SAFETY: Made just above, never used.
                unsafe { bindings::veth_rs_ptr_ring_cleanup(self.ring.get(), None) }
            })
        }) {
            // SAFETY: Added just above and never enabled.
            unsafe { bindings::veth_rs_netif_napi_del(self.napi.get()) };
            self.unpublished(rtnl);
            return Err(e);
        }
        // INVARIANT: Added, with its ring and page pool.
        self.state.store(nstate::ADDED, Ordering::Relaxed);
        Ok(())
    }

    /// Enables the NAPI context that [`RxQueue::napi_add`] added, and
    /// publishes it: transmitters fill the ring from now on. Nothing to do
    /// in any other state.
    pub(crate) fn napi_enable(&self, _rtnl: &Rtnl) {
        if self.state() != nstate::ADDED {
            return;
        }
        // SAFETY: Added (`ADDED`), not enabled.
        unsafe { bindings::napi_enable(self.napi.get()) };
        // INVARIANT: Added, enabled, with its ring made.
        self.napi_on.store(self.napi.get(), Ordering::Release);
        self.state.store(nstate::ON, Ordering::Relaxed);
    }

    /// Unpublishes the queue's NAPI context and program (new transmitters
    /// use the backlog from now on), disables and deletes the context;
    /// the ring is freed by [`RxQueue::napi_release`], after a grace
    /// period. Whether NAPI was on.
    pub(crate) fn napi_disable(&self, rtnl: &Rtnl) -> bool {
        if self.state() != nstate::ON {
            return false;
        }
        // INVARIANT: Unpublished first, deleted from the NAPI lists, then
        // the grace period noted: it covers readers of all of these.
        self.napi_on.store(ptr::null_mut(), Ordering::Release);
        self.xdp.withdraw_prog();
        // SAFETY: The context was added and enabled (`ON`); RTNL serialises
        // us with `napi_add` and `napi_enable`.
        unsafe {
            bindings::napi_disable(self.napi.get());
            bindings::veth_rs_netif_napi_del(self.napi.get());
        }
        self.unpublished(rtnl);
        self.state.store(nstate::DISABLED, Ordering::Relaxed);
        true
    }

    /// Frees the ring, with what is left in it, and the page pool of a
    /// queue that [`RxQueue::napi_disable`] took down (waiting first for
    /// the grace period since then, if a [`synchronize_net`] did not), or
    /// undoes a [`RxQueue::napi_add`] never enabled. Nothing to do in any
    /// other state.
    pub(crate) fn napi_release(&self, rtnl: &Rtnl) {
        match self.state() {
            nstate::ADDED => {
                // SAFETY: Added, never enabled nor published: nobody used
                // the ring, which holds nothing.
                unsafe {
                    bindings::veth_rs_ptr_ring_cleanup(self.ring.get(), None);
                    bindings::veth_rs_netif_napi_del(self.napi.get());
                }
                self.unpublished(rtnl);
            }
            nstate::DISABLED => {
                // Transmitters that saw the context on did so under RCU.
                self.wait_unpublished(rtnl);
                self.notify_masked.store(false, Ordering::Relaxed);
                // SAFETY: The ring is initialised; nobody produces into or
                // consumes from it any more: its entries are `T::RingItem`s.
                unsafe {
                    bindings::veth_rs_ptr_ring_cleanup(
                        self.ring.get(),
                        Some(ring::free_entry::<T::RingItem>),
                    )
                };
            }
            _ => return,
        }
        self.page_pool_destroy();
        // INVARIANT: Context deleted, ring and pool freed.
        self.state.store(nstate::OFF, Ordering::Relaxed);
    }

    /// The queue's NAPI side, if NAPI is on (`rcu_access_pointer(rq->napi)`),
    /// for a transmitter under RCU.
    pub(crate) fn napi<'a>(&'a self, _rcu: &'a rcu::Guard) -> Option<NapiRx<'a, T>> {
        // INVARIANT: Seen non-null under RCU: `napi_release` waits for a
        // grace period since `napi_disable` before freeing the ring.
        self.is_on().then_some(NapiRx(self))
    }

    /// Schedules the queue's NAPI poll unless it is scheduled already
    /// (veth.c's `__veth_xdp_flush`).
    fn kick(&self) {
        // Write the ring before reading `notify_masked`.
        smp_mb(Full);
        // `napi_disable` disables a context before deleting it, and
        // `napi_schedule_prep` fails on a disabled one: a deleted context
        // is never scheduled. Scheduling from any context is allowed.
        // SAFETY: The NAPI context lives as long as the queue and was
        // added and enabled when the caller's `NapiRx` saw it on.
        unsafe {
            if !self.notify_masked.load(Ordering::Relaxed)
                && bindings::napi_schedule_prep(self.napi.get())
            {
                self.notify_masked.store(true, Ordering::Relaxed);
                bindings::__napi_schedule(self.napi.get());
            }
        }
    }
}

/// A receive queue whose NAPI is on, seen by a transmitter under RCU.
///
/// # Invariants
///
/// The queue's `napi_on` was non-null under the RCU read lock that `'a`
/// borrows, so its ring and NAPI context stay usable for `'a`.
pub(crate) struct NapiRx<'a, T: Driver>(&'a RxQueue<T>);

impl<T: Driver> NapiRx<'_, T> {
    /// The queue.
    #[inline]
    pub(super) fn queue(&self) -> &RxQueue<T> {
        self.0
    }

    /// Puts `item` into the queue's ring (`ptr_ring_produce`), or gives it
    /// back if the ring is full.
    #[inline]
    pub(crate) fn produce(&self, item: T::RingItem) -> core::result::Result<(), T::RingItem> {
        let p = item.into_ptr();
        // SAFETY: By the type invariant the ring is initialised; the
        // producer lock serialises producers. Its entries are `T::RingItem`.
        if unsafe { bindings::veth_rs_ptr_ring_produce(self.0.ring.get(), p.as_ptr()) } == 0 {
            Ok(())
        } else {
            // SAFETY: The ring did not take the entry, which is still ours.
            Err(unsafe { T::RingItem::from_ptr(p) })
        }
    }

    /// Makes sure the queue's NAPI poll runs soon.
    pub(crate) fn kick(&self) {
        self.0.kick()
    }
}

/// The NAPI poll of a receive queue in progress: the one consumer of the
/// queue's ring. It counts the work done, one unit per item taken out of
/// the ring, and gives out no more than the budget; the poll ends with
/// [`Napi::complete`], whose [`PollDone`] the poll returns.
///
/// # Invariants
///
/// Only made by the poll trampoline, for a queue whose NAPI is enabled and
/// scheduled on this CPU, with `done == 0`; `done <= budget`.
///
/// # Examples
///
/// A poll that hands what its ring holds to GRO, up to the budget; the
/// only way to return from it is [`Napi::complete`]:
///
/// ```no_run
/// use crate::netdev::{Driver, Napi, PollDone, RxSkBuff};
///
/// fn poll<'a, T: Driver<RingItem = RxSkBuff>>(mut napi: Napi<'a, T>) -> PollDone<'a> {
///     while let Some(skb) = napi.consume() {
///         let mut skb = skb.into_skb();
///         skb.prepare_for_gro();
///         napi.gro_receive(skb);
///     }
///     napi.complete()
/// }
/// ```
pub(crate) struct Napi<'a, T: Driver> {
    rq: &'a RxQueue<T>,
    budget: u32,
    done: u32,
}

/// How much work a poll did, as NAPI's `poll` returns it: made only by
/// [`Napi::complete`], which completes the poll when the work was below
/// the budget.
///
/// # Invariants
///
/// `work` is at most the poll's budget; if it is below the budget, the
/// poll was completed (`napi_complete_done`).
pub(crate) struct PollDone<'a> {
    work: u32,
    _p: PhantomData<&'a ()>,
}

impl PollDone<'_> {
    /// The work done, what NAPI's `poll` returns.
    pub(super) fn work(&self) -> u32 {
        self.work
    }
}

impl<'a, T: Driver> Napi<'a, T> {
    /// # Safety
    ///
    /// Only for the poll trampoline: `rq`'s NAPI context is enabled and
    /// this is its poll, with budget `budget`.
    pub(super) unsafe fn new(rq: &'a RxQueue<T>, budget: u32) -> Self {
        // INVARIANT: By the function's safety requirements; nothing done.
        Self {
            rq,
            budget,
            done: 0,
        }
    }

    /// The queue being polled.
    pub(crate) fn rq(&self) -> &'a RxQueue<T> {
        self.rq
    }

    /// Takes the next entry out of the ring (`__ptr_ring_consume`),
    /// counting it as a unit of work; `None` once the ring is empty or the
    /// budget used up.
    #[inline]
    pub(crate) fn consume(&mut self) -> Option<T::RingItem> {
        if self.done >= self.budget {
            return None;
        }
        // SAFETY: By the type invariant the ring is initialised and we are
        // its only consumer (NAPI polls one context on one CPU at a time).
        let p = unsafe { bindings::veth_rs_ptr_ring_consume(self.rq.ring.get()) };
        let p = NonNull::new(p)?;
        // INVARIANT: `done` was below the budget.
        self.done += 1;
        // SAFETY: The ring owned the entry, a `T::RingItem`, and gives it
        // to us.
        Some(unsafe { T::RingItem::from_ptr(p) })
    }

    /// The work done so far: the number of items taken out of the ring.
    pub(crate) fn done(&self) -> u32 {
        self.done
    }

    /// Hands `skb` to the stack through GRO (`napi_gro_receive`), or
    /// directly (`netif_receive_skb`) when it cannot be made private for
    /// GRO to modify (shared, or a clone that cannot be uncloned). The
    /// caller made it ready first ([`SkBuff::prepare_for_gro`]).
    pub(crate) fn gro_receive(&mut self, skb: SkBuff) {
        let raw = skb.into_raw();
        // SAFETY: `raw` is an skb we own; we are in NAPI (BH) context.
        unsafe {
            if skbf::shared(raw) || bindings::veth_rs_skb_unclone(raw) != 0 {
                bindings::netif_receive_skb(raw);
            } else {
                bindings::veth_rs_napi_gro_receive(self.rq.napi.get(), raw);
            }
        }
    }

    /// Ends the poll. Below the budget, it completes NAPI
    /// (`napi_complete_done`) and, if the ring filled meanwhile, schedules
    /// the poll again; with the budget used up, NAPI keeps polling. The
    /// poll returns the value.
    pub(crate) fn complete(self) -> PollDone<'a> {
        let done = PollDone {
            work: self.done,
            _p: PhantomData,
        };
        if self.done >= self.budget {
            // INVARIANT: The whole budget: not completed.
            return done;
        }
        let napi = self.rq.napi.get();
        // INVARIANT: Below the budget: completed here.
        // SAFETY: We are the poll of this enabled, scheduled context, and
        // complete it once: `self` is consumed.
        if !unsafe { bindings::napi_complete_done(napi, self.done as c_int) } {
            return done;
        }
        // Write `notify_masked` before reading the ring (`smp_store_mb`).
        self.rq.notify_masked.store(false, Ordering::Relaxed);
        smp_mb(Full);
        // SAFETY: The ring is initialised; an emptiness check from the
        // consumer side is allowed. The context is enabled.
        unsafe {
            if !bindings::veth_rs_ptr_ring_empty(self.rq.ring.get())
                && bindings::napi_schedule_prep(napi)
            {
                self.rq.notify_masked.store(true, Ordering::Relaxed);
                bindings::__napi_schedule(napi);
            }
        }
        done
    }
}
