// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`) owned by the driver, and what
//! `ndo_start_xmit` does with them.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h).

use super::{
    bindings,
    skbf,
    ETH_HLEN, //
};
use core::ptr::NonNull;
use kernel::ffi::c_int;

/// A socket buffer owned by the driver. Dropping it frees it (`kfree_skb`).
///
/// # Invariants
///
/// `0` is a valid `sk_buff` that this value owns.
///
/// # Examples
///
/// A transmit path that hands the skb to the peer's receive path, as
/// veth's `start_xmit` does without NAPI: [`Device::forward_prepare`]
/// (`__dev_forward_skb`) then [`RxSkBuff::netif_rx`]; each consumes the
/// skb, or reports that it was dropped.
///
/// ```no_run
/// use crate::netdev::{state::Registered, Device, Driver, SkBuff, TxStatus};
///
/// fn forward<T: Driver>(skb: SkBuff, peer: &Device<T, Registered>) -> TxStatus {
///     let len = skb.len();
///     let Ok(rx) = peer.forward_prepare(skb) else {
///         return TxStatus::Drop;
///     };
///     match rx.netif_rx() {
///         Ok(()) => {
///             peer.tx_stats_add(1, len);
///             TxStatus::Ok
///         }
///         Err(_) => TxStatus::Drop,
///     }
/// }
/// ```
pub(crate) struct SkBuff(NonNull<bindings::sk_buff>);

impl SkBuff {
    /// # Safety
    ///
    /// `ptr` is a valid skb whose ownership the caller gives away.
    #[inline]
    pub(super) unsafe fn from_raw(ptr: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: By the function's safety requirements.
        Self(ptr)
    }

    /// Gives up the skb, to be owned by the caller.
    #[inline]
    pub(super) fn into_raw(self) -> *mut bindings::sk_buff {
        let raw = self.0.as_ptr();
        core::mem::forget(self);
        raw
    }

    /// Readies the skb for the receive side (`skb_prepare_for_gro`): an skb
    /// whose destructor is not `sock_wfree` is orphaned from its socket;
    /// one that keeps its socket is marked for GRO's slow path.
    pub(crate) fn prepare_for_gro(&mut self) {
        // SAFETY: By the type invariant the skb is valid and ours.
        unsafe { bindings::veth_rs_skb_prepare_for_gro(self.0.as_ptr()) };
    }

    /// Frees the skb as used up rather than dropped (`consume_skb`): no
    /// drop is traced for it. (nullsink_rs's; veth_rs hands every skb on.)
    #[allow(dead_code)]
    pub(crate) fn consume(self) {
        let skb = self.into_raw();
        // SAFETY: `into_raw` gave up the ownership the type invariant gave.
        unsafe { bindings::consume_skb(skb) }
    }

    /// Length of the packet.
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: By the type invariant the skb is valid and ours.
        unsafe { (*self.0.as_ptr()).len }
    }

    /// Makes sure the first `len` bytes are linear (`pskb_may_pull`).
    pub(crate) fn may_pull(&mut self, len: u32) -> bool {
        let skb = self.0.as_ptr();
        // SAFETY: By the type invariant the skb is valid and ours.
        let headlen = unsafe { skbf::headlen(skb) };
        // The common case, as the inline C fast path: already linear.
        // SAFETY: As above.
        len <= headlen || unsafe { bindings::veth_rs_pskb_may_pull(skb, len) }
    }

    /// The tx queue the stack picked for the skb (`skb_get_queue_mapping`).
    pub(crate) fn queue_mapping(&self) -> u32 {
        // SAFETY: By the type invariant the skb is valid and ours.
        u32::from(unsafe { (*self.0.as_ptr()).queue_mapping })
    }

    /// Whether the skb is charged to a socket with `sock_wfree`, as
    /// locally made UDP, ICMP and XDP socket traffic is.
    pub(crate) fn is_sock_wfree(&self) -> bool {
        // SAFETY: By the type invariant the skb is valid and ours.
        unsafe { bindings::veth_rs_skb_destructor_is_sock_wfree(self.0.as_ptr()) }
    }

    /// Takes the software transmit timestamp (`skb_tx_timestamp`).
    pub(crate) fn tx_timestamp(&mut self) {
        // SAFETY: By the type invariant the skb is valid and ours.
        unsafe { bindings::veth_rs_skb_tx_timestamp(self.0.as_ptr()) }
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own the skb.
        unsafe { bindings::veth_rs_kfree_skb(self.0.as_ptr()) }
    }
}

/// An skb prepared for the receive path of a device by
/// [`Device::forward_prepare`]: its ethernet header is pulled.
///
/// # Invariants
///
/// The skb has at least `ETH_HLEN` bytes of headroom right before its data:
/// the ethernet header that `eth_type_trans` pulled.
pub(crate) struct RxSkBuff(SkBuff);

impl RxSkBuff {
    /// # Safety
    ///
    /// `ptr` is a valid skb whose ownership the caller gives away, just
    /// prepared by `__dev_forward_skb` (its ethernet header pulled).
    #[inline]
    pub(super) unsafe fn from_raw(ptr: NonNull<bindings::sk_buff>) -> Self {
        // INVARIANT: By the function's safety requirements.
        Self(SkBuff(ptr))
    }

    /// Queues the skb to the backlog of the current CPU (`__netif_rx`);
    /// BHs are disabled in ndo_start_xmit, as it needs.
    pub(crate) fn netif_rx(self) -> core::result::Result<(), Dropped> {
        let raw = self.0.into_raw();
        // SAFETY: `raw` is an skb we own; `__netif_rx` always takes it.
        if unsafe { bindings::__netif_rx(raw) } == bindings::NET_RX_SUCCESS as c_int {
            Ok(())
        } else {
            Err(Dropped)
        }
    }

    /// Gives up the skb as a pointer that [`RxSkBuff::from_raw`] takes back.
    #[inline]
    pub(super) fn into_nonnull(self) -> NonNull<bindings::sk_buff> {
        let p = self.0 .0;
        core::mem::forget(self);
        p
    }

    /// The skb as the receive side handles it (its ethernet header pulled,
    /// `skb->protocol` set).
    #[inline]
    pub(crate) fn into_skb(self) -> SkBuff {
        self.0
    }

    /// Puts the ethernet header back (`__skb_push`), to give the skb back
    /// to the stack as it was sent.
    pub(crate) fn restore(self) -> SkBuff {
        // SAFETY: By the type invariant the header is there to push back.
        unsafe { bindings::veth_rs_skb_push(self.0 .0.as_ptr(), ETH_HLEN) };
        self.0
    }
}

/// The skb was dropped on the way.
pub(crate) struct Dropped;

/// What ndo_start_xmit did with a packet.
pub(crate) enum TxStatus {
    /// Sent (`NETDEV_TX_OK`).
    Ok,
    /// Dropped (`NET_XMIT_DROP`).
    Drop,
    /// Not sent now: the skb goes back to the qdisc, which must retry once
    /// the tx queue (stopped by the driver) is woken (`NETDEV_TX_BUSY`).
    Busy(SkBuff),
}
