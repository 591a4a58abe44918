// SPDX-License-Identifier: GPL-2.0

//! Field accessors of `struct sk_buff` for the per-packet paths, in Rust.
//!
//! The kernel's own are `static inline` C functions; called through C
//! helpers they cost an out-of-line call each, some twenty per packet on
//! the XDP receive path (bench/profile.sh measured the calls as the gap
//! to veth.c there). These read and write the same fields as the C
//! originals do on 64-bit kernels (`NET_SKBUFF_DATA_USES_OFFSET`: `tail`
//! and `end` are offsets from `head`), with their debug checks as
//! `debug_assert!` (on in the debug flavour, `RUST_DEBUG_ASSERTIONS`).
//!
//! # Safety
//!
//! Every function takes a pointer to a valid `sk_buff` that the caller may
//! read (and, for the setters, write) for the duration of the call.

use super::bindings;
use core::sync::atomic::{
    AtomicBool,
    AtomicI32,
    Ordering, //
};

/// `DEBUG_NET_WARN_ON_ONCE(cond)`: with `CONFIG_DEBUG_NET`, a warning (with
/// a backtrace, tainting) the first time `cond` holds at this call site.
macro_rules! debug_net_warn_on_once {
    ($cond:expr) => {{
        if cfg!(CONFIG_DEBUG_NET) && $cond {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                kernel::warn_on!(true);
            }
        }
    }};
}

/// The `headers` group of an skb (`protocol`, `mac_header`, ...), reached
/// through a raw pointer so that no reference to the union is made.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
unsafe fn headers(
    skb: *mut bindings::sk_buff,
) -> *mut bindings::sk_buff__bindgen_ty_4__bindgen_ty_1 {
    // SAFETY: The caller's skb is valid; the union's members all start at
    // its address, the unnamed struct being one of them.
    unsafe { (&raw mut (*skb).__bindgen_anon_4).cast() }
}

/// The `mac_header` value of an skb whose MAC header is not set
/// (`(typeof(skb->mac_header))~0U`).
const MAC_UNSET: u16 = u16::MAX;

/// `SKB_DATA_ALIGN(sizeof(struct skb_shared_info))`: the shared info's room
/// at the end of an skb's buffer, cache-line aligned (`SMP_CACHE_BYTES`,
/// 64 on x86-64; checked against the C definition at module load).
pub(crate) const SHINFO_SIZE: u32 =
    ((core::mem::size_of::<bindings::skb_shared_info>() + 63) & !63) as u32;

/// `skb_headroom`: bytes between the buffer's start and the data.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn headroom(skb: *const bindings::sk_buff) -> u32 {
    // SAFETY: `data` and `head` point into the same buffer, `data` at or
    // after `head` (the caller's skb is valid).
    unsafe { (*skb).data.offset_from((*skb).head) as u32 }
}

/// `skb_headlen`: bytes in the linear part.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn headlen(skb: *const bindings::sk_buff) -> u32 {
    // SAFETY: The caller's skb is valid.
    unsafe { (*skb).len.wrapping_sub((*skb).data_len) }
}

/// `skb_is_nonlinear`: part of the packet is in fragments.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn is_nonlinear(skb: *const bindings::sk_buff) -> bool {
    // SAFETY: The caller's skb is valid.
    unsafe { (*skb).data_len != 0 }
}

/// `skb_end_offset`: where the shared info starts, from `head`.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn end_offset(skb: *const bindings::sk_buff) -> u32 {
    // SAFETY: The caller's skb is valid.
    unsafe { (*skb).end }
}

/// `skb_shinfo(skb)->nr_frags`.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn nr_frags(skb: *const bindings::sk_buff) -> u8 {
    // SAFETY: A valid skb's shared info is at `head + end`.
    unsafe {
        let shinfo = (*skb)
            .head
            .add((*skb).end as usize)
            .cast::<bindings::skb_shared_info>();
        (*shinfo).nr_frags
    }
}

/// `skb_shared`: someone else holds a reference to the skb too.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn shared(skb: *const bindings::sk_buff) -> bool {
    // SAFETY: `users` is the skb's refcount, an `int` read atomically as
    // `refcount_read` does; the skb is valid.
    let users = unsafe { AtomicI32::from_ptr((&raw const (*skb).users.refs.counter).cast_mut()) };
    users.load(Ordering::Relaxed) != 1
}

/// The `mac_header` field.
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
unsafe fn mac_header(skb: *const bindings::sk_buff) -> u16 {
    // SAFETY: The skb is valid (see `headers`).
    unsafe { (*headers(skb.cast_mut())).mac_header }
}

/// `skb_mac_offset`: the MAC header's offset from the data (negative when
/// the data was pulled past it).
///
/// # Safety
///
/// See the module documentation.
#[inline(always)]
pub(crate) unsafe fn mac_offset(skb: *const bindings::sk_buff) -> i32 {
    // SAFETY: The caller's skb is valid.
    let mac = unsafe { mac_header(skb) };
    debug_net_warn_on_once!(mac == MAC_UNSET);
    // SAFETY: As above.
    i32::from(mac) - unsafe { headroom(skb) } as i32
}

/// `skb_reset_mac_header`: the MAC header starts at the data.
///
/// # Safety
///
/// See the module documentation; the caller may write the skb.
#[inline(always)]
pub(crate) unsafe fn reset_mac_header(skb: *mut bindings::sk_buff) {
    // SAFETY: The caller's skb is valid and writable.
    unsafe {
        let off = headroom(skb);
        debug_net_warn_on_once!(off > u32::from(u16::MAX));
        (*headers(skb)).mac_header = off as u16;
    }
}

/// Sets `skb->protocol`.
///
/// # Safety
///
/// See the module documentation; the caller may write the skb.
#[inline(always)]
pub(crate) unsafe fn set_protocol(skb: *mut bindings::sk_buff, proto: bindings::__be16) {
    // SAFETY: The caller's skb is valid and writable.
    unsafe { (*headers(skb)).protocol = proto };
}
