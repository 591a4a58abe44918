// SPDX-License-Identifier: GPL-2.0

//! String module parameters (`module_param_string`), which the kernel
//! crate's `module!` does not offer.
//!
//! C header: [`include/linux/moduleparam.h`](srctree/include/linux/moduleparam.h).

use super::bindings;
use core::{
    cell::UnsafeCell,
    ptr, //
};
use kernel::{
    ffi::c_uint,
    prelude::*, //
};

/// A string module parameter (`module_param_string`) of at most `N - 1`
/// bytes, readable in sysfs. Declared with [`module_param_string!`].
pub(crate) struct StringParam<const N: usize> {
    buf: UnsafeCell<[u8; N]>,
}

// SAFETY: The buffer is written only by the module loader before the
// module's init runs (the parameter is read-only in sysfs), and only read
// afterwards.
unsafe impl<const N: usize> Sync for StringParam<N> {}

impl<const N: usize> StringParam<N> {
    /// A parameter whose default value is `default`.
    pub(crate) const fn new(default: &[u8]) -> Self {
        let mut buf = [0u8; N];
        let mut i = 0;
        while i < default.len() && i < N - 1 {
            buf[i] = default[i];
            i += 1;
        }
        Self {
            buf: UnsafeCell::new(buf),
        }
    }

    /// The value, without its NUL.
    pub(crate) fn value(&self) -> &[u8] {
        // SAFETY: See `Sync`: after module load the buffer is never written.
        let b = unsafe { &*self.buf.get() };
        let n = b.iter().position(|&c| c == 0).unwrap_or(N);
        &b[..n]
    }

    #[doc(hidden)]
    pub(crate) const fn kparam(&'static self) -> KParamString {
        KParamString(bindings::kparam_string {
            maxlen: N as c_uint,
            string: self.buf.get().cast(),
        })
    }
}

#[doc(hidden)]
pub(crate) struct KParamString(bindings::kparam_string);
// SAFETY: Only the module loader uses it, before init.
unsafe impl Sync for KParamString {}

#[doc(hidden)]
#[expect(dead_code, reason = "read by the module loader, not by Rust")]
pub(crate) struct KernelParam(bindings::kernel_param);
// SAFETY: Only the module loader and sysfs use it, with their own locking.
unsafe impl Sync for KernelParam {}

impl KernelParam {
    #[doc(hidden)]
    pub(crate) const fn string(name: &'static CStr, kps: &'static KParamString) -> Self {
        // All zeroes, then every field that matters is set below.
        let mut p: bindings::kernel_param = pin_init::zeroed();
        p.name = kernel::str::as_char_ptr_in_const_context(name);
        // `__this_module` is made by the module loader and lives as long as
        // the module; `param_ops_string` is a C static that lives forever.
        p.mod_ = ptr::addr_of!(kernel::bindings::__this_module)
            .cast_mut()
            .cast();
        p.ops = ptr::addr_of!(bindings::param_ops_string);
        p.perm = 0o444;
        p.level = -1;
        p.__bindgen_anon_1.str_ = ptr::from_ref(&kps.0);
        Self(p)
    }
}

/// Copies `s` into an array of its length (for modinfo entries).
#[doc(hidden)]
pub(crate) const fn modinfo_bytes<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = b[i];
        i += 1;
    }
    out
}

/// Declares a read-only string module parameter `$name` backed by the
/// [`StringParam`] `$storage`, with its modinfo entries (what
/// `module_param_string` and `MODULE_PARM_DESC` do in C).
macro_rules! module_param_string {
    ($storage:ident, $name:literal, $desc:literal) => {
        // The `link_section`s below are what `unsafe_code` flags; they are
        // the layer's, expanded where the driver invokes the macro.
        #[allow(unsafe_code)]
        const _: () = {
            static KPS: $crate::netdev::KParamString = $storage.kparam();
            #[link_section = "__param"]
            #[used]
            static PARAM: $crate::netdev::KernelParam =
                $crate::netdev::KernelParam::string(kernel::c_str!($name), &KPS);
            const TYPE: &str = concat!("parmtype=", $name, ":string\0");
            #[link_section = ".modinfo"]
            #[used]
            static PARMTYPE: [u8; TYPE.len()] = $crate::netdev::modinfo_bytes(TYPE);
            const DESC: &str = concat!("parm=", $name, ":", $desc, "\0");
            #[link_section = ".modinfo"]
            #[used]
            static PARM: [u8; DESC.len()] = $crate::netdev::modinfo_bytes(DESC);
        };
    };
}
pub(crate) use module_param_string;
