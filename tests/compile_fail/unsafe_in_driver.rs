// compile-fail: error: usage of an `unsafe` block
// SPDX-License-Identifier: GPL-2.0

// The driver crate denies `unsafe_code`; only the layer's module allows
// it. Driver code cannot reach past the layer, e.g. to size an ethtool
// table itself.

fn table_of_my_size<'a>(buf: *mut u8, n: usize) -> &'a mut [[u8; 32]] {
    // SAFETY: none can be given: this block must be rejected.
    unsafe { core::slice::from_raw_parts_mut(buf.cast(), n) }
}
