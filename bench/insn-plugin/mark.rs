// SPDX-License-Identifier: GPL-2.0
//! Closes a counting window of the instruction plugin (insn.rs): executes
//! its marker instruction once, then exits.
//!
//! The marker is a `nopl` (a no-op on any x86-64) whose displacement spells
//! "veth"; without the plugin, this program does nothing.

fn main() {
    // SAFETY: a no-op instruction: reads no memory (nopl only decodes its
    // operand), touches no register or flag.
    unsafe {
        core::arch::asm!(
            ".byte 0x0f, 0x1f, 0x80, 0x76, 0x65, 0x74, 0x68",
            options(nomem, nostack, preserves_flags)
        )
    };
}
