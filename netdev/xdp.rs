// SPDX-License-Identifier: GPL-2.0

//! XDP on the receive queues of a pair driver: the program of a device
//! (`ndo_bpf`), the per-queue program, `xdp_rxq_info` and page pool, the
//! frames that the ring holds beside skbs (`ndo_xdp_xmit` and `XDP_TX`),
//! and running a program on an skb or a frame in the NAPI poll.
//!
//! C headers: [`include/net/xdp.h`](srctree/include/net/xdp.h),
//! [`include/linux/filter.h`](srctree/include/linux/filter.h).

use super::{
    bindings,
    features,
    skbf,
    Device,
    Driver,
    HoldsFrames,
    Napi,
    NapiRx,
    Rtnl,
    RxQueue,
    SkBuff, //
};
use core::{
    marker::PhantomData,
    mem::{
        ManuallyDrop,
        MaybeUninit, //
    },
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicBool,
        AtomicPtr,
        Ordering, //
    }, //
};
use kernel::{
    error::{
        from_err_ptr,
        to_result, //
    },
    ffi::{
        c_int,
        c_void, //
    },
    prelude::*,
    types::Opaque, //
};

/// XDP program verdicts (`enum xdp_action`).
pub(crate) mod act {
    use super::bindings;
    pub(crate) const DROP: u32 = bindings::xdp_action_XDP_DROP;
    pub(crate) const PASS: u32 = bindings::xdp_action_XDP_PASS;
    pub(crate) const TX: u32 = bindings::xdp_action_XDP_TX;
    pub(crate) const REDIRECT: u32 = bindings::xdp_action_XDP_REDIRECT;
}

/// Flags of `ndo_xdp_xmit`.
pub(crate) const XMIT_FLUSH: u32 = bindings::XDP_XMIT_FLUSH;
/// Every flag `ndo_xdp_xmit` knows.
pub(crate) const XMIT_FLAGS_MASK: u32 = bindings::XDP_XMIT_FLAGS_MASK;
/// Headroom an XDP program may use in front of the packet.
pub(crate) const PACKET_HEADROOM: u32 = bindings::XDP_PACKET_HEADROOM;
/// Largest number of page fragments of a packet.
pub(crate) const MAX_FRAGS: u32 = bindings::MAX_SKB_FRAGS;
/// Size of a VLAN tag.
pub(crate) const VLAN_HLEN: u32 = bindings::VLAN_HLEN;
/// Extra headroom that aligns the IP header.
pub(crate) const NET_IP_ALIGN: u32 = bindings::NET_IP_ALIGN;

/// Room that `struct skb_shared_info` takes at the end of a packet buffer
/// (`SKB_DATA_ALIGN(sizeof(struct skb_shared_info))`).
pub(crate) fn shinfo_size() -> u32 {
    // SAFETY: No preconditions: a constant.
    unsafe { bindings::veth_rs_skb_shinfo_size() }
}

/// The XDP features a device advertises (`NETDEV_XDP_ACT_*`).
pub(crate) mod caps {
    use super::bindings;
    pub(crate) const BASIC: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_BASIC;
    pub(crate) const REDIRECT: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_REDIRECT;
    pub(crate) const NDO_XMIT: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_NDO_XMIT;
    pub(crate) const RX_SG: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_RX_SG;
    pub(crate) const NDO_XMIT_SG: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_NDO_XMIT_SG;
}

/// The XDP side of a receive queue: the program its poll runs, its
/// `xdp_rxq_info` and the page pool of its skb copies. Its fields are
/// private to this file, which keeps their invariants.
///
/// All-zero is its initial state (no program, nothing registered, no
/// pool): the queue table is allocated zeroed (`RqTable::make`), and any
/// field added here must keep all-zero valid and meaning "off".
pub(super) struct RxqXdp {
    /// The program the poll runs (no reference of its own: the device's
    /// `xdp_prog` holds it); published under RTNL, read under RCU.
    prog: AtomicPtr<bindings::bpf_prog>,
    rxq: Opaque<bindings::xdp_rxq_info>,
    /// The memory model registered with `rxq`, restored before
    /// unregistering (the frame path overwrites it).
    mem: Opaque<bindings::xdp_mem_info>,
    /// Whether `rxq` is registered; under RTNL.
    reg: AtomicBool,
    /// Page pool for the copies of skbs that XDP cannot run on in place;
    /// exists while NAPI is on.
    page_pool: AtomicPtr<bindings::page_pool>,
}

impl RxqXdp {
    /// Withdraws the queue's program: polls from now on run none.
    pub(super) fn withdraw_prog(&self) {
        self.prog.store(ptr::null_mut(), Ordering::Release);
    }
}

/// An owned reference to a BPF program, put on drop (`bpf_prog_put`).
///
/// # Invariants
///
/// `0` is a valid program on which this value holds one reference.
pub(crate) struct BpfProg(NonNull<bindings::bpf_prog>);

// SAFETY: Program references may be taken and put from any thread.
unsafe impl Send for BpfProg {}
// SAFETY: Only immutable properties of the program are read through `&`.
unsafe impl Sync for BpfProg {}

impl BpfProg {
    /// # Safety
    ///
    /// `ptr` is null or a program whose reference the caller gives away.
    pub(super) unsafe fn from_raw(ptr: *mut bindings::bpf_prog) -> Option<Self> {
        NonNull::new(ptr).map(Self)
    }

    fn into_raw(self) -> *mut bindings::bpf_prog {
        let p = self.0.as_ptr();
        core::mem::forget(self);
        p
    }

    /// Gives up the reference without putting it (its owner puts it).
    pub(super) fn leak(self) {
        core::mem::forget(self);
    }

    /// Whether the program handles multi-buffer packets (`xdp.frags`).
    pub(crate) fn has_frags(&self) -> bool {
        // SAFETY: By the type invariant the program is valid.
        unsafe { bindings::veth_rs_bpf_prog_xdp_has_frags(self.0.as_ptr()) }
    }
}

impl Drop for BpfProg {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold a reference.
        unsafe { bindings::bpf_prog_put(self.0.as_ptr()) }
    }
}

/// The program of a receive queue, seen by its NAPI poll.
///
/// # Invariants
///
/// The program stays valid for `'a`: it was read under the poll's RCU
/// read-side section, and programs are freed after a grace period.
#[derive(Clone, Copy)]
pub(crate) struct XdpProg<'a>(NonNull<bindings::bpf_prog>, PhantomData<&'a ()>);

/// A frame (`struct xdp_frame`) owned by the driver; dropping it gives its
/// memory back (`xdp_return_frame`).
///
/// # Invariants
///
/// `0` is a valid frame that this value owns.
pub(crate) struct XdpFrame(NonNull<bindings::xdp_frame>);

impl XdpFrame {
    fn into_raw(self) -> *mut bindings::xdp_frame {
        self.into_nonnull().as_ptr()
    }

    /// Gives up the frame as a pointer that [`XdpFrame::from_nonnull`]
    /// takes back.
    #[inline]
    pub(super) fn into_nonnull(self) -> NonNull<bindings::xdp_frame> {
        let p = self.0;
        core::mem::forget(self);
        p
    }

    /// # Safety
    ///
    /// `p` is a valid frame whose ownership the caller gives away.
    #[inline]
    pub(super) unsafe fn from_nonnull(p: NonNull<bindings::xdp_frame>) -> Self {
        // INVARIANT: By the function's safety requirements.
        Self(p)
    }

    /// The frame's pointer; the frame stays owned by `self`.
    #[inline]
    pub(super) fn as_nonnull(&self) -> NonNull<bindings::xdp_frame> {
        self.0
    }

    /// Length of the packet, fragments included (`xdp_get_frame_len`).
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: By the type invariant the frame is valid.
        unsafe { bindings::veth_rs_xdp_get_frame_len(self.0.as_ptr()) }
    }
}

impl Drop for XdpFrame {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own the frame.
        unsafe { bindings::xdp_return_frame(self.0.as_ptr()) }
    }
}

/// Frames handed to `ndo_xdp_xmit` (or flushed from a [`FrameBatch`]):
/// the caller keeps those not taken.
///
/// # Invariants
///
/// `ptr` points to `n` valid frames, valid for `'a`. `ptr[..taken]` were
/// given to a ring (see [`NapiRx::produce_frames`]) and are not ours any
/// more; `ptr[taken..n]` still belong to the caller.
pub(crate) struct XdpFrames<'a> {
    ptr: *mut *mut bindings::xdp_frame,
    n: usize,
    taken: core::cell::Cell<usize>,
    _p: PhantomData<&'a ()>,
}

impl XdpFrames<'_> {
    /// # Safety
    ///
    /// `ptr` points to `n` valid frames that stay valid for the lifetime.
    pub(super) unsafe fn from_raw(ptr: *mut *mut bindings::xdp_frame, n: usize) -> Self {
        // INVARIANT: By the function's safety requirements; none taken.
        Self {
            ptr,
            n,
            taken: core::cell::Cell::new(0),
            _p: PhantomData,
        }
    }

    /// How many frames rings have taken so far.
    pub(super) fn taken(&self) -> usize {
        self.taken.get()
    }

    /// Number of frames.
    pub(crate) fn len(&self) -> u32 {
        self.n as u32
    }
}

/// Up to `N` owned frames (veth.c's `veth_xdp_tx_bq`, and the batch of
/// frames passed to the stack: the driver chooses `N`, veth's
/// `VETH_XDP_TX_BULK_SIZE` and `VETH_XDP_BATCH`); dropping it returns the
/// frames still held.
///
/// The slots past `n` are left uninitialised, as veth.c's are: zeroing
/// two batches of 16 pointers at every poll cost 32 stores a poll, and
/// with one packet a poll, 32 instructions a packet.
///
/// # Invariants
///
/// `q[..n]` are initialised, with valid frames owned by the batch; `n <= N`.
pub(crate) struct FrameBatch<const N: usize> {
    q: [MaybeUninit<*mut bindings::xdp_frame>; N],
    n: usize,
}

impl<const N: usize> FrameBatch<N> {
    pub(crate) fn new() -> Self {
        Self {
            q: [const { MaybeUninit::uninit() }; N],
            n: 0,
        }
    }

    /// The frames held.
    fn frames(&self) -> &[*mut bindings::xdp_frame] {
        // SAFETY: By the type invariant `q[..n]` are initialised;
        // `MaybeUninit<U>` has the layout of `U`.
        unsafe { core::slice::from_raw_parts(self.q.as_ptr().cast(), self.n) }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.n == N
    }

    /// Adds a frame; the caller flushes a full batch first.
    pub(crate) fn push(&mut self, frame: XdpFrame) -> core::result::Result<(), XdpFrame> {
        if self.is_full() {
            return Err(frame);
        }
        // INVARIANT: The frame's ownership moves into the batch, in the
        // slot after the initialised ones.
        self.q[self.n] = MaybeUninit::new(frame.into_raw());
        self.n += 1;
        Ok(())
    }

    /// Offers the frames to `send`, which gives a prefix of them to a ring
    /// of `dev`'s peer; returns the frames not taken, empties the batch and
    /// reports it (tracepoint `xdp_bulk_tx`). Returns `(sent, not sent)`.
    pub(crate) fn flush<T: Driver>(
        &mut self,
        dev: &Device<T>,
        send: impl FnOnce(&XdpFrames<'_>) -> Result,
    ) -> (u32, u32) {
        let n = self.n;
        // SAFETY: `q[..n]` are initialised with valid frames that the batch
        // owns, borrowed for the call (`MaybeUninit<U>` is laid out as `U`).
        let frames = unsafe { XdpFrames::from_raw(self.q.as_mut_ptr().cast(), n) };
        let err = match send(&frames) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        };
        let sent = frames.taken();
        for &f in &self.frames()[sent..n] {
            // SAFETY: Not taken, so still ours.
            unsafe { bindings::xdp_return_frame(f) };
        }
        self.n = 0;
        let (sent, drops) = (sent as u32, (n - sent) as u32);
        // SAFETY: The device is valid.
        unsafe {
            bindings::veth_rs_trace_xdp_bulk_tx(dev.as_raw(), sent as c_int, drops as c_int, err)
        };
        (sent, drops)
    }
}

impl<const N: usize> Drop for FrameBatch<N> {
    fn drop(&mut self) {
        for &f in self.frames() {
            // SAFETY: By the type invariant the batch owns these frames.
            unsafe { bindings::xdp_return_frame(f) };
        }
    }
}

/// What an XDP program did with a packet.
pub(crate) enum XdpVerdict<P> {
    /// `XDP_PASS`: the packet, updated, goes on to the stack.
    Pass(P),
    /// `XDP_TX`: the packet, as a frame, goes back out of the device.
    Tx(XdpFrame),
    /// `XDP_REDIRECT`: the packet was handed to its redirect target.
    Redirected,
    /// `XDP_DROP`, `XDP_ABORTED` or an unknown verdict: freed.
    Dropped,
    /// The packet could not be processed (no memory for a copy, a failed
    /// redirect or conversion): freed.
    Failed,
    /// A passed frame whose buffer cannot hold a frame header any more:
    /// freed, counted nowhere (as veth.c).
    Freed,
}

/// The XDP buffer of this module (veth.c's `struct veth_xdp_buff`): the
/// skb it was made from, if any, follows it, for the metadata kfuncs.
#[repr(C)]
struct SkbXdpBuff {
    xdp: bindings::xdp_buff,
    skb: *mut bindings::sk_buff,
}

impl SkbXdpBuff {
    fn new(skb: *mut bindings::sk_buff) -> Self {
        Self {
            xdp: pin_init::zeroed(),
            skb,
        }
    }
}

impl<T: Driver> Device<T> {
    /// Installs `prog` as the device's XDP program (`NULL` removes it);
    /// returns the program it replaces. Receive queues use the device's
    /// program once [`RxQueue::xdp_publish`] gives it to them.
    pub(crate) fn xdp_prog_replace(&self, prog: Option<BpfProg>, rtnl: &Rtnl) -> Option<BpfProg> {
        let new = prog.map_or(ptr::null_mut(), BpfProg::into_raw);
        let old = self.area().xdp_prog.swap(new, Ordering::AcqRel);
        // Queues that run the old program switch to the new one (or none)
        // at once: the returned reference may be put right away. Polls that
        // still use the old one finish before it is freed (RCU).
        if !old.is_null() {
            for rq in self.rx_queues() {
                if rq.xdp.prog.load(Ordering::Relaxed) == old {
                    rq.xdp.prog.store(new, Ordering::Release);
                    // Polls running the old program may still use the rxq
                    // info: unregistering it waits for them.
                    rq.unpublished(rtnl);
                }
            }
        }
        // SAFETY: The slot owned a reference on `old`, which moves to us.
        unsafe { BpfProg::from_raw(old) }
    }

    /// Whether the device has an XDP program (veth.c's `_xdp_prog`).
    pub(crate) fn has_xdp_prog(&self, _rtnl: &Rtnl) -> bool {
        !self.area().xdp_prog.load(Ordering::Relaxed).is_null()
    }

    /// The device's MTU.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: Reading a field of a valid device (READ_ONCE in C).
        unsafe { ptr::read_volatile(&raw const (*self.as_raw()).mtu) }
    }

    /// The length of the device's link-layer header.
    pub(crate) fn hard_header_len(&self) -> u32 {
        // SAFETY: Set at setup, read-only afterwards.
        u32::from(unsafe { (*self.as_raw()).hard_header_len })
    }

    /// Sets the largest MTU the device accepts.
    pub(crate) fn set_max_mtu(&self, mtu: u32, _rtnl: &Rtnl) {
        // SAFETY: RTNL serialises writers of `max_mtu`.
        unsafe { (*self.as_raw()).max_mtu = mtu }
    }

    /// Adds `set` to and removes `clear` from the features a user may
    /// toggle (`hw_features`); [`Device::update_features`] applies them.
    pub(crate) fn change_hw_features(
        &self,
        set: features::Features,
        clear: features::Features,
        _rtnl: &Rtnl,
    ) {
        // SAFETY: RTNL serialises writers of `hw_features`.
        unsafe {
            let f = &raw mut (*self.as_raw()).hw_features;
            *f = (*f | set) & !clear;
        }
    }

    /// Sets the XDP features the device advertises (`xdp_set_features_flag`),
    /// 0 for none.
    pub(crate) fn set_xdp_features(&self, val: u32, _rtnl: &Rtnl) {
        // SAFETY: The device is valid; RTNL is held.
        unsafe {
            if val == 0 {
                bindings::veth_rs_xdp_clear_features_flag(self.as_raw())
            } else {
                bindings::xdp_set_features_flag(self.as_raw(), val)
            }
        }
    }

    /// Advertises (or not) the device as a target of `XDP_REDIRECT`
    /// (`xdp_features_{set,clear}_redirect_target`).
    pub(crate) fn set_xdp_redirect_target(&self, on: bool, _rtnl: &Rtnl) {
        // SAFETY: The device is valid; RTNL is held.
        unsafe {
            if on {
                bindings::xdp_features_set_redirect_target(self.as_raw(), true)
            } else {
                bindings::xdp_features_clear_redirect_target(self.as_raw())
            }
        }
    }
}

impl<T: Driver> RxQueue<T> {
    /// Gives the queue its device's current program (none if the device
    /// has none); its poll runs it from the next poll on. Only a queue
    /// with NAPI on and its rxq info registered gets a program; any other
    /// gets none.
    pub(crate) fn xdp_publish(&self, rtnl: &Rtnl) {
        let prog = if self.is_on() && self.xdp.reg.load(Ordering::Relaxed) {
            self.dev().area().xdp_prog.load(Ordering::Relaxed)
        } else {
            ptr::null_mut()
        };
        if prog.is_null() {
            self.xdp_withdraw(rtnl);
            return;
        }
        // INVARIANT: The device holds a reference on `prog` until a
        // replacement is published; the put is RCU-deferred, and a queue's
        // program is only read by its poll, under RCU.
        self.xdp.prog.store(prog, Ordering::Release);
    }

    /// Withdraws the queue's program: polls from their next one on run
    /// none, and those running now may still use the rxq info until a
    /// grace period has passed (see [`RxQueue::xdp_rxq_unreg`]). Whether
    /// the queue had a program.
    pub(crate) fn xdp_withdraw(&self, rtnl: &Rtnl) -> bool {
        let had = !self
            .xdp
            .prog
            .swap(ptr::null_mut(), Ordering::Release)
            .is_null();
        if had {
            self.unpublished(rtnl);
        }
        had
    }

    /// Whether the queue's `xdp_rxq_info` is registered.
    pub(crate) fn xdp_rxq_is_reg(&self) -> bool {
        self.xdp.reg.load(Ordering::Relaxed)
    }

    /// Registers the queue's `xdp_rxq_info`, with the page-shared memory
    /// model (one queue of veth.c's `veth_enable_xdp_range`). Nothing to do
    /// if it is registered; `EINVAL` if the queue's NAPI is not on. On
    /// failure, the queue is left as it was.
    pub(crate) fn xdp_rxq_reg(&self, _rtnl: &Rtnl) -> Result {
        if self.xdp.reg.load(Ordering::Relaxed) {
            return Ok(());
        }
        if !self.is_on() {
            return Err(EINVAL);
        }
        let rxq = self.xdp.rxq.get();
        // SAFETY: The queue's NAPI context is added; its rxq info is
        // unregistered and used by nobody; RTNL serialises us.
        let err = unsafe {
            bindings::veth_rs_xdp_rxq_info_reg(
                rxq,
                self.dev_ptr(),
                self.index(),
                bindings::veth_rs_napi_id(self.napi_ptr()),
            )
        };
        to_result(err)?;
        // SAFETY: Registered just above.
        let err = unsafe {
            bindings::xdp_rxq_info_reg_mem_model(
                rxq,
                bindings::xdp_mem_type_MEM_TYPE_PAGE_SHARED,
                ptr::null_mut(),
            )
        };
        if let Err(e) = to_result(err) {
            // SAFETY: Registered above, used by nobody.
            unsafe { bindings::xdp_rxq_info_unreg(rxq) };
            return Err(e);
        }
        // Save the memory model: the frame path overwrites it.
        // SAFETY: Nobody else uses the rxq info yet.
        unsafe { *self.xdp.mem.get() = (*rxq).mem };
        self.xdp.reg.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Unregisters the queue's `xdp_rxq_info`, its memory model restored
    /// (one queue of veth.c's `veth_disable_xdp_range`). The queue's
    /// program is withdrawn first, and polls that may still use the rxq
    /// info are waited for (no wait if a [`synchronize_net`] came after
    /// the withdrawal). Nothing to do if it is not registered.
    ///
    /// [`synchronize_net`]: super::synchronize_net
    pub(crate) fn xdp_rxq_unreg(&self, rtnl: &Rtnl) {
        if !self.xdp.reg.load(Ordering::Relaxed) {
            return;
        }
        self.xdp_withdraw(rtnl);
        self.wait_unpublished(rtnl);
        let rxq = self.xdp.rxq.get();
        // SAFETY: Registered, and nobody uses it any more: the program was
        // withdrawn and its polls are over.
        unsafe {
            (*rxq).mem = *self.xdp.mem.get();
            bindings::xdp_rxq_info_unreg(rxq);
        }
        self.xdp.reg.store(false, Ordering::Relaxed);
    }

    /// Makes the queue's page pool of `size` pages, if it has none.
    pub(super) fn page_pool_create(&self, size: u32) -> Result {
        if !self.xdp.page_pool.load(Ordering::Relaxed).is_null() {
            return Ok(());
        }
        // SAFETY: The queue's device is valid; pools are made under RTNL.
        let pool = unsafe { bindings::veth_rs_page_pool_create(self.dev_ptr(), size) };
        let pool = from_err_ptr(pool)?;
        self.xdp.page_pool.store(pool, Ordering::Relaxed);
        Ok(())
    }

    /// Destroys the queue's page pool, once NAPI is off.
    pub(super) fn page_pool_destroy(&self) {
        let pool = self.xdp.page_pool.swap(ptr::null_mut(), Ordering::Relaxed);
        if !pool.is_null() {
            // SAFETY: Made by `page_pool_create`; its only user, the poll,
            // is gone.
            unsafe { bindings::page_pool_destroy(pool) };
        }
    }
}

impl<T: Driver> NapiRx<'_, T>
where
    T::RingItem: HoldsFrames,
{
    /// Puts the frames not yet taken into the queue's ring, in order,
    /// until one is longer than `max_len` or the ring is full; returns how
    /// many it took (now owned by the ring).
    pub(crate) fn produce_frames(&self, frames: &XdpFrames<'_>, max_len: u32) -> u32 {
        let mut taken = 0;
        for i in frames.taken()..frames.n {
            // SAFETY: By the invariant of `XdpFrames` the entry is a valid
            // frame, still the caller's: borrowed here, never dropped.
            let f = ManuallyDrop::new(XdpFrame(unsafe {
                NonNull::new_unchecked(*frames.ptr.add(i))
            }));
            if f.len() > max_len {
                break;
            }
            let entry = T::RingItem::frame_entry(&f);
            // SAFETY: By the invariant of `NapiRx` the ring is initialised;
            // its entries are `T::RingItem`s, as `entry` is.
            if unsafe {
                bindings::veth_rs_ptr_ring_produce(self.queue().ring_ptr(), entry.as_ptr())
            } != 0
            {
                break;
            }
            // INVARIANT: The ring owns the frame now.
            frames.taken.set(i + 1);
            taken += 1;
        }
        taken
    }
}

impl<'a, T: Driver> Napi<'a, T> {
    /// The queue's XDP program, if it has one.
    pub(crate) fn xdp_prog(&self) -> Option<XdpProg<'a>> {
        // INVARIANT: NAPI polls run in an RCU read-side section.
        NonNull::new(self.rq().xdp.prog.load(Ordering::Acquire)).map(|p| XdpProg(p, PhantomData))
    }

    /// Marks frames returned from now on as not returnable directly to a
    /// page pool cache (`xdp_set_return_frame_no_direct`), or clears it.
    pub(crate) fn return_frame_no_direct(&mut self, on: bool) {
        // SAFETY: In NAPI (BH) context, as the helper needs.
        unsafe { bindings::veth_rs_xdp_set_return_frame_no_direct(on) }
    }

    /// Completes the redirects of this poll (`xdp_do_flush`).
    pub(crate) fn xdp_do_flush(&mut self) {
        // SAFETY: In NAPI context, after `xdp_do_redirect` calls.
        unsafe { bindings::xdp_do_flush() }
    }

    /// Reports an unusual verdict as veth.c does: a warning for an
    /// unknown one, and the `xdp_exception` tracepoint.
    fn exception(&self, prog: XdpProg<'_>, action: u32) {
        let dev = self.rq().dev_ptr();
        // SAFETY: The device and program are valid (invariants).
        unsafe {
            if action > act::REDIRECT {
                bindings::bpf_warn_invalid_xdp_action(dev, prog.0.as_ptr(), action);
            }
            if action != act::DROP {
                bindings::veth_rs_trace_xdp_exception(dev, prog.0.as_ptr(), action);
            }
        }
    }

    /// Runs `prog` on an skb from the peer's transmit path (veth.c's
    /// `veth_xdp_rcv_skb`): the skb becomes an XDP buffer (copied into
    /// page-pool pages when it is shared, cloned, paged or short of
    /// headroom), and what the program leaves is turned back into the skb
    /// on `XDP_PASS`. The caller made the skb ready for the receive side
    /// first ([`SkBuff::prepare_for_gro`]).
    pub(crate) fn run_xdp_skb(&mut self, skb: SkBuff, prog: XdpProg<'_>) -> XdpVerdict<SkBuff> {
        let rq = self.rq();
        let mut raw = skb.into_raw();
        // The skb's mac header was set by `eth_type_trans` on the transmit
        // side; every pointer below stays within the skb's buffer as the C
        // helpers document.
        // SAFETY: `raw` is an skb we own, in NAPI context. The rxq info is
        // registered (a program is published only then), the page pool
        // exists while NAPI is on.
        unsafe {
            let mac = skbf::mac_offset(raw);
            if mac < 0 {
                bindings::veth_rs_skb_push(raw, mac.unsigned_abs());
            }
            if skbf::shared(raw)
                || skbf::is_nonlinear(raw)
                || skbf::headroom(raw) < PACKET_HEADROOM
                || bindings::veth_rs_skb_head_is_locked(raw)
            {
                let pool = rq.xdp.page_pool.load(Ordering::Relaxed);
                if bindings::skb_pp_cow_data(pool, &mut raw, PACKET_HEADROOM) != 0 {
                    bindings::consume_skb(raw);
                    return XdpVerdict::Failed;
                }
            }
            let frame_sz = skbf::end_offset(raw) + skbf::SHINFO_SIZE;
            let mut vx = SkbXdpBuff::new(raw);
            let xdp = &raw mut vx.xdp;
            bindings::veth_rs_xdp_init_buff(xdp, frame_sz, rq.xdp.rxq.get());
            bindings::veth_rs_xdp_prepare_buff(
                xdp,
                (*raw).head,
                skbf::headroom(raw) as c_int,
                skbf::headlen(raw) as c_int,
            );
            let frags = skbf::nr_frags(raw) != 0;
            if frags {
                bindings::veth_rs_skb_set_xdp_frags_size(raw, (*raw).data_len);
            }
            bindings::veth_rs_xdp_buff_set_frags_flag(xdp, frags);

            let orig_data = (*xdp).data;
            let orig_end = (*xdp).data_end;
            let action = bindings::veth_rs_bpf_prog_run_xdp(prog.0.as_ptr(), xdp);
            match action {
                act::PASS => {}
                act::TX | act::REDIRECT => {
                    // The buffer lives on as a frame: keep its pages, free
                    // the skb around them.
                    bindings::veth_rs_get_page_of((*xdp).data);
                    if bindings::veth_rs_xdp_buff_has_frags(xdp) {
                        for i in 0..bindings::veth_rs_xdp_buff_nr_frags(xdp) {
                            bindings::veth_rs_xdp_buff_frag_ref(xdp, i);
                        }
                    }
                    bindings::consume_skb(raw);
                    (*rq.xdp.rxq.get()).mem = *rq.xdp.mem.get();
                    if action == act::TX {
                        let frame = bindings::veth_rs_xdp_convert_buff_to_frame(xdp);
                        return match NonNull::new(frame) {
                            // INVARIANT: The frame owns the buffer now.
                            Some(f) => XdpVerdict::Tx(XdpFrame(f)),
                            None => {
                                self.exception(prog, action);
                                bindings::xdp_return_buff(xdp);
                                XdpVerdict::Failed
                            }
                        };
                    }
                    if bindings::xdp_do_redirect(rq.dev_ptr(), xdp, prog.0.as_ptr()) != 0 {
                        bindings::xdp_return_buff(xdp);
                        return XdpVerdict::Failed;
                    }
                    return XdpVerdict::Redirected;
                }
                _ => {
                    self.exception(prog, action);
                    bindings::veth_rs_kfree_skb(raw);
                    return XdpVerdict::Dropped;
                }
            }

            // XDP_PASS: move the skb's data and tail to where the program
            // left the buffer's (bpf_xdp_adjust_head/tail/meta).
            let off = orig_data.offset_from((*xdp).data);
            match off.cmp(&0) {
                core::cmp::Ordering::Greater => bindings::veth_rs_skb_push(raw, off as u32),
                core::cmp::Ordering::Less => {
                    bindings::veth_rs_skb_pull(raw, off.unsigned_abs() as u32)
                }
                core::cmp::Ordering::Equal => {}
            }
            skbf::reset_mac_header(raw);
            (*raw).len -= (*raw).data_len;
            if bindings::veth_rs_xdp_buff_has_frags(xdp) {
                (*raw).data_len = bindings::veth_rs_skb_xdp_frags_size(raw);
                (*raw).len += (*raw).data_len;
            } else {
                (*raw).data_len = 0;
            }
            let off = (*xdp).data_end.offset_from(orig_end);
            if off != 0 {
                let linear = (*xdp).data_end.offset_from((*xdp).data);
                bindings::veth_rs_skb_set_tail_pointer(raw, linear as c_int);
                (*raw).len = (*raw).len.wrapping_add_signed(off as i32);
            }
            let proto = bindings::eth_type_trans(raw, rq.dev_ptr());
            skbf::set_protocol(raw, proto);
            let metalen = (*xdp).data.offset_from((*xdp).data_meta);
            if metalen > 0 {
                bindings::veth_rs_skb_metadata_set(raw, metalen as u8);
            }
            // INVARIANT: `raw` is still the skb we own.
            XdpVerdict::Pass(SkBuff::from_raw(NonNull::new_unchecked(raw)))
        }
    }

    /// Runs `prog` on a frame from `ndo_xdp_xmit` or the peer's `XDP_TX`
    /// (veth.c's `veth_xdp_rcv_one`).
    pub(crate) fn run_xdp_frame(
        &mut self,
        frame: XdpFrame,
        prog: XdpProg<'_>,
    ) -> XdpVerdict<XdpFrame> {
        let rq = self.rq();
        let f = frame.0.as_ptr();
        let mut vx = SkbXdpBuff::new(ptr::null_mut());
        let xdp = &raw mut vx.xdp;
        // SAFETY: `f` is a frame we own; the rxq info is registered while
        // the queue has a program; in NAPI context.
        unsafe {
            bindings::veth_rs_xdp_convert_frame_to_buff(f, xdp);
            (*xdp).rxq = rq.xdp.rxq.get();
            let action = bindings::veth_rs_bpf_prog_run_xdp(prog.0.as_ptr(), xdp);
            match action {
                act::PASS => {
                    if bindings::veth_rs_xdp_update_frame_from_buff(xdp, f) != 0 {
                        return XdpVerdict::Freed;
                    }
                    XdpVerdict::Pass(frame)
                }
                act::TX => {
                    (*(*xdp).rxq).mem.type_ = (*f).mem_type();
                    match NonNull::new(bindings::veth_rs_xdp_convert_buff_to_frame(xdp)) {
                        Some(new) => {
                            core::mem::forget(frame);
                            // INVARIANT: The new frame owns the buffer.
                            XdpVerdict::Tx(XdpFrame(new))
                        }
                        None => {
                            self.exception(prog, action);
                            XdpVerdict::Failed
                        }
                    }
                }
                act::REDIRECT => {
                    (*(*xdp).rxq).mem.type_ = (*f).mem_type();
                    if bindings::xdp_do_redirect(rq.dev_ptr(), xdp, prog.0.as_ptr()) != 0 {
                        return XdpVerdict::Failed;
                    }
                    core::mem::forget(frame);
                    XdpVerdict::Redirected
                }
                _ => {
                    self.exception(prog, action);
                    XdpVerdict::Dropped
                }
            }
        }
    }

    /// Turns the frames of `batch` into skbs and hands them to GRO
    /// (veth.c's `veth_xdp_rcv_bulk_skb`); returns how many were dropped
    /// for lack of memory. Empties the batch.
    #[inline]
    pub(crate) fn receive_frames<const N: usize>(&mut self, batch: &mut FrameBatch<N>) -> u32 {
        // Most polls have no frame to pass: no call then.
        if batch.n == 0 {
            return 0;
        }
        self.receive_frames_some(batch)
    }

    fn receive_frames_some<const N: usize>(&mut self, batch: &mut FrameBatch<N>) -> u32 {
        let n = batch.n;
        let mut skbs = [const { MaybeUninit::<*mut c_void>::uninit() }; N];
        let mut drops = 0;
        // SAFETY: In NAPI context; `skbs` has room for `n` heads.
        let got = unsafe { bindings::napi_skb_cache_get_bulk(skbs.as_mut_ptr().cast(), n as u32) };
        // The cache may give fewer heads than asked (it wrote the first
        // `got` slots only): the frames without one are dropped.
        let got = (got as usize).min(n);
        for &f in &batch.frames()[got..n] {
            // SAFETY: The batch owns its frames.
            unsafe { bindings::xdp_return_frame(f) };
            drops += 1;
        }
        for (i, &f) in batch.frames()[..got].iter().enumerate() {
            // SAFETY: The batch owns `f`; `skbs[i]` (`i < got`) was written
            // by the cache with a zeroed head.
            unsafe {
                let head = skbs[i].assume_init();
                let skb = bindings::__xdp_build_skb_from_frame(f, head.cast(), self.rq().dev_ptr());
                if skb.is_null() {
                    bindings::xdp_return_frame(f);
                    drops += 1;
                } else {
                    bindings::veth_rs_napi_gro_receive(self.rq().napi_ptr(), skb);
                }
            }
        }
        batch.n = 0;
        drops
    }
}

/// Trampolines of the XDP metadata kfuncs (`struct xdp_metadata_ops`):
/// what the skb behind the buffer knows; nothing for frames.
pub(super) struct XdpMetadata;

impl XdpMetadata {
    pub(super) const OPS: bindings::xdp_metadata_ops = bindings::xdp_metadata_ops {
        xmo_rx_timestamp: Some(Self::rx_timestamp),
        xmo_rx_hash: Some(Self::rx_hash),
        xmo_rx_vlan_tag: Some(Self::rx_vlan_tag),
    };

    /// # Safety
    ///
    /// `ctx` is the `xdp_buff` of a program run of this module, thus the
    /// first field of an `SkbXdpBuff`, during the run.
    unsafe fn skb(ctx: *const bindings::xdp_md) -> *mut bindings::sk_buff {
        // SAFETY: By the function's safety requirements.
        unsafe { (*ctx.cast::<SkbXdpBuff>()).skb }
    }

    /// The skb's hardware receive timestamp.
    ///
    /// # Safety
    ///
    /// Called by the kfunc for a program run of this module's device.
    unsafe extern "C" fn rx_timestamp(ctx: *const bindings::xdp_md, ts: *mut u64) -> c_int {
        // SAFETY: By the function's safety requirements.
        let skb = unsafe { Self::skb(ctx) };
        if skb.is_null() {
            return -(bindings::ENODATA as c_int);
        }
        // SAFETY: The skb is valid during the run; `ts` is writable.
        unsafe { *ts = bindings::veth_rs_skb_hwtstamp(skb) };
        0
    }

    /// The skb's flow hash.
    ///
    /// # Safety
    ///
    /// Called by the kfunc for a program run of this module's device.
    unsafe extern "C" fn rx_hash(
        ctx: *const bindings::xdp_md,
        hash: *mut u32,
        rss_type: *mut bindings::xdp_rss_hash_type,
    ) -> c_int {
        // SAFETY: By the function's safety requirements.
        let skb = unsafe { Self::skb(ctx) };
        if skb.is_null() {
            return -(bindings::ENODATA as c_int);
        }
        // SAFETY: The skb is valid during the run; the outputs writable.
        unsafe {
            *hash = bindings::veth_rs_skb_get_hash(skb);
            *rss_type = if bindings::veth_rs_skb_l4_hash(skb) {
                bindings::xdp_rss_hash_type_XDP_RSS_TYPE_L4_ANY
            } else {
                bindings::xdp_rss_hash_type_XDP_RSS_TYPE_NONE
            };
        }
        0
    }

    /// The skb's offloaded VLAN tag.
    ///
    /// # Safety
    ///
    /// Called by the kfunc for a program run of this module's device.
    unsafe extern "C" fn rx_vlan_tag(
        ctx: *const bindings::xdp_md,
        proto: *mut u16,
        tci: *mut u16,
    ) -> c_int {
        // SAFETY: By the function's safety requirements.
        let skb = unsafe { Self::skb(ctx) };
        if skb.is_null() {
            return -(bindings::ENODATA as c_int);
        }
        // SAFETY: The skb is valid during the run; the outputs writable.
        unsafe { bindings::veth_rs_skb_vlan_tag(skb, proto, tci) }
    }
}
