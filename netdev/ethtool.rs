// SPDX-License-Identifier: GPL-2.0

//! ethtool: the buffers that the ethtool operations fill, as the driver
//! sees them, and the string-set count that sizes the `get_strings`
//! buffer.
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h).

use super::{
    bindings,
    Rtnl, //
};
use core::sync::atomic::{
    AtomicU64,
    Ordering, //
};
use kernel::ffi::c_char;

/// Length of an ethtool string.
pub(crate) const ETH_GSTRING_LEN: usize = bindings::ETH_GSTRING_LEN as usize;

/// The size of the buffer that ethtool passes to `get_strings`.
///
/// C passes no size with the buffer: each caller (ethtool's ioctl and
/// netlink string sets) sizes it by the count that `get_sset_count`
/// returned for the same set just before, within the same RTNL section.
/// The layer remembers the count it reported and sizes the table by it,
/// rather than asking the driver again, whose second answer could differ.
pub(super) struct SsetCount(AtomicU64);

impl SsetCount {
    /// No set reported yet: `get_strings` writes nothing.
    const NONE: u64 = u64::MAX;

    pub(super) fn new() -> Self {
        Self(AtomicU64::new(Self::NONE))
    }

    /// Records that ethtool was told that set `sset` has `n` entries.
    pub(super) fn set(&self, sset: u32, n: u32, _rtnl: &Rtnl) {
        self.0
            .store((u64::from(sset) << 32) | u64::from(n), Ordering::Relaxed);
    }

    /// The count last reported for `sset`, or 0 if the last report was of
    /// another set.
    pub(super) fn get(&self, sset: u32, _rtnl: &Rtnl) -> usize {
        let v = self.0.load(Ordering::Relaxed);
        if v != Self::NONE && (v >> 32) as u32 == sset {
            v as u32 as usize
        } else {
            0
        }
    }
}

/// Fills an ethtool string table.
///
/// # Examples
///
/// The statistics' names of a device with one counter per rx queue; the
/// table holds as many entries as `get_sset_count` reported, whatever the
/// driver writes:
///
/// ```no_run
/// use crate::netdev::{Device, Driver, Strings};
///
/// fn names<T: Driver>(dev: &Device<T>, out: &mut Strings<'_>) {
///     out.set(0, b"peer_ifindex");
///     for q in 0..dev.real_num_rx_queues() {
///         out.set_fmt(1 + q as usize, format_args!("rx_queue_{q}_packets"));
///     }
/// }
/// ```
pub(crate) struct Strings<'a>(&'a mut [[u8; ETH_GSTRING_LEN]]);

impl Strings<'_> {
    /// # Safety
    ///
    /// `buf` points to `n` entries of `ETH_GSTRING_LEN` bytes, writable
    /// and used by nobody else for the lifetime of the value.
    pub(super) unsafe fn from_raw(buf: *mut u8, n: usize) -> Self {
        // SAFETY: By the function's safety requirements.
        Self(unsafe { core::slice::from_raw_parts_mut(buf.cast(), n) })
    }

    /// Writes `s` (truncated) into entry `i`.
    pub(crate) fn set(&mut self, i: usize, s: &[u8]) {
        if let Some(e) = self.0.get_mut(i) {
            let n = s.len().min(ETH_GSTRING_LEN - 1);
            e[..n].copy_from_slice(&s[..n]);
            e[n..].fill(0);
        }
    }

    /// Writes the formatted `args` (truncated) into entry `i`.
    pub(crate) fn set_fmt(&mut self, i: usize, args: core::fmt::Arguments<'_>) {
        /// Writes into a fixed buffer, dropping what does not fit (and
        /// keeping room for the NUL).
        struct Buf<'b>(&'b mut [u8], usize);
        impl core::fmt::Write for Buf<'_> {
            fn write_str(&mut self, s: &str) -> core::fmt::Result {
                let room = self.0.len() - 1 - self.1;
                let n = s.len().min(room);
                self.0[self.1..self.1 + n].copy_from_slice(&s.as_bytes()[..n]);
                self.1 += n;
                Ok(())
            }
        }
        if let Some(e) = self.0.get_mut(i) {
            e.fill(0);
            // Writing into `Buf` cannot fail.
            let _ = core::fmt::write(&mut Buf(e, 0), args);
        }
    }
}

/// Driver information for `ethtool -i`.
pub(crate) struct DrvInfo<'a>(&'a mut bindings::ethtool_drvinfo);

impl<'a> DrvInfo<'a> {
    pub(super) fn new(raw: &'a mut bindings::ethtool_drvinfo) -> Self {
        Self(raw)
    }

    /// Sets the driver name and version.
    pub(crate) fn set(&mut self, driver: &[u8], version: &[u8]) {
        fn copy(dst: &mut [c_char], src: &[u8]) {
            let n = src.len().min(dst.len() - 1);
            for (d, s) in dst.iter_mut().zip(src[..n].iter()) {
                *d = *s as c_char;
            }
            dst[n] = 0;
        }
        copy(&mut self.0.driver, driver);
        copy(&mut self.0.version, version);
    }
}

/// Link settings for `ethtool DEV`.
pub(crate) struct LinkSettings<'a>(&'a mut bindings::ethtool_link_ksettings);

impl<'a> LinkSettings<'a> {
    pub(super) fn new(raw: &'a mut bindings::ethtool_link_ksettings) -> Self {
        Self(raw)
    }

    /// Reports a fixed-speed, full duplex twisted-pair link without
    /// autonegotiation, of `speed` Mb/s.
    pub(crate) fn set_fixed(&mut self, speed: u32) {
        let b = &mut self.0.base;
        b.speed = speed;
        b.duplex = bindings::DUPLEX_FULL as u8;
        b.port = bindings::PORT_TP as u8;
        b.autoneg = bindings::AUTONEG_DISABLE as u8;
    }
}

/// Channel counts for `ethtool -l`.
///
/// # Examples
///
/// ```no_run
/// use crate::netdev::{num_possible_cpus, Channels, Device, Driver};
///
/// fn channels<T: Driver>(dev: &Device<T>, ch: &mut Channels<'_>) {
///     ch.set(
///         dev.real_num_rx_queues(),
///         dev.real_num_tx_queues(),
///         dev.num_rx_queues(),
///         dev.num_tx_queues().min(num_possible_cpus()),
///     );
/// }
/// ```
pub(crate) struct Channels<'a>(&'a mut bindings::ethtool_channels);

impl<'a> Channels<'a> {
    pub(super) fn new(raw: &'a mut bindings::ethtool_channels) -> Self {
        Self(raw)
    }

    /// Sets the current and maximum rx and tx counts.
    pub(crate) fn set(&mut self, rx: u32, tx: u32, max_rx: u32, max_tx: u32) {
        self.0.rx_count = rx;
        self.0.tx_count = tx;
        self.0.max_rx = max_rx;
        self.0.max_tx = max_tx;
    }
}

/// The ethtool string set of statistics (`ETH_SS_STATS`).
pub(crate) const ETH_SS_STATS: u32 = bindings::ethtool_stringset_ETH_SS_STATS;
