// compile-fail: error: implementation of an `unsafe` trait
// SPDX-License-Identifier: GPL-2.0

// What a receive ring holds is the layer's to encode: a driver chooses
// its rings' entry type among the layer's (`RxSkBuff`, `XdpFrame`,
// `OneOf`), and cannot declare a type of its own a ring entry, which
// would let it hand the ring's cleanup or its poll any pointer as an skb.

use crate::netdev::RingEntry;
use core::ptr::NonNull;
use kernel::ffi::c_void;

struct AnyPointer(NonNull<c_void>);

// SAFETY: none can be given: this impl must be rejected.
unsafe impl RingEntry for AnyPointer {
    fn into_ptr(self) -> NonNull<c_void> {
        self.0
    }

    unsafe fn from_ptr(p: NonNull<c_void>) -> Self {
        AnyPointer(p)
    }
}
