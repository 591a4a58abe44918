// SPDX-License-Identifier: GPL-2.0

//! What the ring of a receive queue (a `struct ptr_ring` of `void *`) may
//! hold: owned kernel objects that fit one pointer. The driver chooses the
//! kind of its rings' entries ([`Driver::RingItem`](super::Driver)); the
//! layer makes the pointers, takes them back, and frees what a ring still
//! holds when it goes.
//!
//! C header: [`include/linux/ptr_ring.h`](srctree/include/linux/ptr_ring.h).

use super::{
    RxSkBuff,
    XdpFrame, //
};
use core::ptr::NonNull;
use kernel::ffi::c_void;

/// An owned object that a ring entry can carry as one pointer.
///
/// # Safety
///
/// `into_ptr` gives up the value as a non-null pointer, and `from_ptr`
/// takes back exactly such a pointer, once, as the same value. Only the
/// layer implements it: the pointer's ownership is what the rings and the
/// cleanup of [`free_entry`] rely on.
pub(crate) unsafe trait RingEntry: Sized {
    /// The value as a ring entry; the entry owns it.
    fn into_ptr(self) -> NonNull<c_void>;

    /// # Safety
    ///
    /// `p` comes from [`RingEntry::into_ptr`] of this type, and the caller
    /// owns the entry.
    unsafe fn from_ptr(p: NonNull<c_void>) -> Self;
}

/// A [`RingEntry`] whose pointer always has bit 0 clear (an object aligned
/// to at least 2), so that [`OneOf`] can tag it.
///
/// # Safety
///
/// `into_ptr` never gives a pointer with bit 0 set.
pub(crate) unsafe trait UntaggedEntry: RingEntry {}

// SAFETY: An skb pointer is given up and taken back as the same owned skb.
unsafe impl RingEntry for RxSkBuff {
    #[inline]
    fn into_ptr(self) -> NonNull<c_void> {
        self.into_nonnull().cast()
    }

    #[inline]
    unsafe fn from_ptr(p: NonNull<c_void>) -> Self {
        // SAFETY: By the function's safety requirements `p` is an owned skb
        // that `into_ptr` gave up, its ethernet header pulled.
        unsafe { RxSkBuff::from_raw(p.cast()) }
    }
}

// SAFETY: The pointer of a valid skb is aligned for `struct sk_buff`,
// whose alignment is at least 8 (skbs come from their slab caches).
unsafe impl UntaggedEntry for RxSkBuff {}

// SAFETY: A frame pointer is given up and taken back as the same owned
// frame.
unsafe impl RingEntry for XdpFrame {
    #[inline]
    fn into_ptr(self) -> NonNull<c_void> {
        self.into_nonnull().cast()
    }

    #[inline]
    unsafe fn from_ptr(p: NonNull<c_void>) -> Self {
        // SAFETY: By the function's safety requirements `p` is an owned
        // frame that `into_ptr` gave up.
        unsafe { XdpFrame::from_nonnull(p.cast()) }
    }
}

// The frame is written at the start of its buffer (`data_hard_start`),
// which the kernel keeps so aligned, as veth.c's `VETH_XDP_FLAG` relies on.
// SAFETY: A valid frame's pointer is aligned for `struct xdp_frame` (8).
unsafe impl UntaggedEntry for XdpFrame {}

/// One of two kinds of objects in the same ring, told apart by bit 0 of the
/// entry: set for the second kind (veth.c keeps skbs and XDP frames in one
/// ring this way, with `VETH_XDP_FLAG`).
pub(crate) enum OneOf<A, B> {
    /// An object of the first kind (its pointer as it is).
    First(A),
    /// An object of the second kind (its pointer with bit 0 set).
    Second(B),
}

/// Bit 0 of an entry: set for [`OneOf::Second`].
const SECOND_TAG: usize = 1;

// SAFETY: Both kinds' pointers have bit 0 clear (`UntaggedEntry`), so the
// tag tells them apart and clearing it gives back the pointer given up.
unsafe impl<A: UntaggedEntry, B: UntaggedEntry> RingEntry for OneOf<A, B> {
    #[inline]
    fn into_ptr(self) -> NonNull<c_void> {
        match self {
            OneOf::First(a) => a.into_ptr(),
            OneOf::Second(b) => b.into_ptr().map_addr(|a| a | SECOND_TAG),
        }
    }

    #[inline]
    unsafe fn from_ptr(p: NonNull<c_void>) -> Self {
        if p.addr().get() & SECOND_TAG != 0 {
            // SAFETY: A tagged entry is the pointer of a `B`, the tag set by
            // `into_ptr`; clearing it gives a non-zero address, as `B`'s
            // pointers are non-null with bit 0 clear.
            OneOf::Second(unsafe {
                B::from_ptr(
                    p.map_addr(|a| core::num::NonZeroUsize::new_unchecked(a.get() & !SECOND_TAG)),
                )
            })
        } else {
            // SAFETY: Untagged entries are the pointers of `A`s.
            OneOf::First(unsafe { A::from_ptr(p) })
        }
    }
}

/// Ring entries that can hold a frame handed to `ndo_xdp_xmit`
/// ([`NapiRx::produce_frames`](super::NapiRx::produce_frames)).
///
/// # Safety
///
/// `frame_entry(f)` is the entry that `into_ptr` makes of the value
/// holding the frame `f`, computed without anything done to `f`, so a
/// ring that refuses the entry leaves the frame to its owner untouched.
pub(crate) unsafe trait HoldsFrames: RingEntry {
    /// The entry of the frame `f`.
    fn frame_entry(f: &XdpFrame) -> NonNull<c_void>;
}

// SAFETY: A frame's entry is its pointer.
unsafe impl HoldsFrames for XdpFrame {
    #[inline]
    fn frame_entry(f: &XdpFrame) -> NonNull<c_void> {
        f.as_nonnull().cast()
    }
}

// SAFETY: A frame as the second kind is its pointer with the tag set, as
// `OneOf::into_ptr` makes it.
unsafe impl<A: UntaggedEntry> HoldsFrames for OneOf<A, XdpFrame> {
    #[inline]
    fn frame_entry(f: &XdpFrame) -> NonNull<c_void> {
        f.as_nonnull().cast::<c_void>().map_addr(|a| a | SECOND_TAG)
    }
}

/// Frees what a ring of `E` entries still holds (`ptr_ring_cleanup`'s
/// destroy function).
///
/// # Safety
///
/// `ptr` is an entry of a ring of `E`, which the caller gives up.
pub(super) unsafe extern "C" fn free_entry<E: RingEntry>(ptr: *mut c_void) {
    if let Some(p) = NonNull::new(ptr) {
        // SAFETY: By the function's safety requirements.
        drop(unsafe { E::from_ptr(p) });
    }
}
