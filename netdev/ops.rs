// SPDX-License-Identifier: GPL-2.0

//! The operations of a driver: the [`Driver`] trait that it implements, and
//! the C trampolines and operation tables (`struct net_device_ops`,
//! `struct ethtool_ops`, the callbacks of `struct rtnl_link_ops`) that call
//! it.
//!
//! C headers: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h),
//! [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h),
//! [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h).

use super::{
    bindings,
    features,
    ifla,
    state,
    xdp,
    Attrs,
    BpfProg,
    Channels,
    Device,
    DrvInfo,
    ExtAck,
    LinkDevice,
    LinkOps,
    LinkSettings,
    Linked,
    Napi,
    Net,
    NewLinkParams,
    Policy,
    PollDone,
    PrivArea,
    RingEntry,
    RqTable,
    Rtnl,
    RxQueue,
    SetupDevice,
    SkBuff,
    SsetCount,
    Stats64,
    Strings,
    TxStatus,
    UnregisterList,
    XdpFrames, //
};
use core::{
    marker::PhantomData,
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicPtr,
        Ordering, //
    }, //
};
use kernel::{
    error::{
        from_result,
        VTABLE_DEFAULT_ERROR, //
    },
    ffi::{
        c_int,
        c_uint, //
    },
    prelude::*,
    sync::rcu, //
};

/// An rtnetlink link driver: a kind of device made with
/// `ip link add ... type KIND` (`struct rtnl_link_ops` and the
/// `net_device_ops` and `ethtool_ops` of its devices).
///
/// Every device of the driver is created through these operations, so each
/// callback receives a [`Device<Self>`] whose private data is `Self::Priv`.
///
/// As the kernel's `#[vtable]` traits (`phy::Driver`, `MiscDevice`): a
/// driver must implement `setup`, `newlink` and `start_xmit`; every other
/// operation is optional, and the C tables get NULL for an operation the
/// driver does not implement (the core's default then applies: e.g.
/// `unregister_netdevice_queue` for `dellink`, no ethtool channels).
///
/// # Examples
///
/// A device that counts and frees what it is sent, with the core's
/// defaults for every other operation (`nullsink_rs.rs` in full):
///
/// ```no_run
/// use crate::netdev::{
///     state::Registered, Device, Driver, ExtAck, LinkDevice, LinkOps, Linked, NewLinkParams, Policy,
///     Rtnl, RxSkBuff, SetupDevice, SkBuff, TxStatus,
/// };
///
/// struct Sink;
///
/// #[vtable]
/// impl Driver for Sink {
///     type Priv = ();
///     type RqPriv = ();
///     type RingItem = RxSkBuff;
///     const MAX_TYPE: usize = 0;
///     const PEER_TYPE: u16 = 0;
///     const POLICY: &'static [Policy] = &[Policy::NONE];
///
///     fn setup(dev: &mut SetupDevice<'_, Self>) {
///         dev.ether_setup();
///     }
///
///     fn init_priv() -> impl PinInit<()> {}
///
///     fn newlink<'a>(
///         dev: LinkDevice<'a, Self>,
///         _params: &NewLinkParams<'_>,
///         _extack: &ExtAck,
///         _ops: &LinkOps<Self>,
///         rtnl: &'a Rtnl,
///     ) -> Result<Linked<'a>> {
///         Ok(dev.register(rtnl)?.keep())
///     }
///
///     fn start_xmit(skb: SkBuff, dev: &Device<Self, Registered>) -> TxStatus {
///         dev.tx_stats_add(1, skb.len());
///         skb.consume();
///         TxStatus::Ok
///     }
/// }
/// ```
#[vtable]
pub(crate) trait Driver: Sized + 'static {
    /// The private data of each device, initialised in place from
    /// [`Driver::init_priv`] before `setup` runs; it never moves, so it may
    /// hold locks. It is never dropped, so it must not need dropping: the
    /// core frees a device that fails its checks between `setup` and
    /// newlink (`rtnl_create_link`: a bad MTU or address) with no call into
    /// the driver, where a `Drop` could not run.
    type Priv: Sync;

    /// The driver's data of each receive queue, made with `Default` when
    /// the queues are made ([`Device::make_rx_queues`]); it must not need
    /// dropping either.
    type RqPriv: Default + Sync;

    /// What the rings of the receive queues hold while NAPI is on: filled
    /// by [`NapiRx::produce`], taken by [`Napi::consume`] in [`Driver::poll`]
    /// (veth: `OneOf<RxSkBuff, XdpFrame>`, its peer's skbs and XDP frames).
    /// A driver without NAPI names any, e.g. `RxSkBuff`.
    type RingItem: RingEntry;

    /// Highest attribute number of IFLA_INFO_DATA.
    const MAX_TYPE: usize;
    /// The attribute of IFLA_INFO_DATA that describes a peer (0: none).
    const PEER_TYPE: u16;
    /// Policy of the IFLA_INFO_DATA attributes, `MAX_TYPE + 1` entries.
    const POLICY: &'static [Policy];

    /// The initialiser of a new device's private data, run in place.
    fn init_priv() -> impl PinInit<Self::Priv>;

    /// Sets up a freshly allocated device (`rtnl_link_ops::setup`).
    fn setup(dev: &mut SetupDevice<'_, Self>);

    /// Checks the attributes of a new link (`rtnl_link_ops::validate`).
    fn validate(_tb: &Attrs<'_>, _data: Option<&Attrs<'_>>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Completes a new link: registers `dev` and anything it needs
    /// (`rtnl_link_ops::newlink`). Success is [`Linked`], which only
    /// keeping `dev`'s registration gives.
    fn newlink<'a>(
        dev: LinkDevice<'a, Self>,
        params: &NewLinkParams<'_>,
        extack: &ExtAck,
        ops: &LinkOps<Self>,
        rtnl: &'a Rtnl,
    ) -> Result<Linked<'a>>;

    /// Queues `dev` (and whatever goes with it) for unregistration
    /// (`rtnl_link_ops::dellink`).
    fn dellink(_dev: &Device<Self, state::Registered>, _list: &mut UnregisterList, _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The namespace of the device's link (`rtnl_link_ops::get_link_net`).
    fn get_link_net<'a>(_dev: &'a Device<Self>, _rcu: &'a rcu::Guard) -> &'a Net {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Number of tx queues a new device gets.
    fn get_num_tx_queues() -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Number of rx queues a new device gets.
    fn get_num_rx_queues() -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Brings the device up (`ndo_open`).
    fn open(_dev: &Device<Self, state::Registered>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Brings the device down (`ndo_stop`).
    fn stop(_dev: &Device<Self, state::Registered>, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Transmits `skb` (`ndo_start_xmit`); runs with BHs disabled.
    fn start_xmit(skb: SkBuff, dev: &Device<Self, state::Registered>) -> TxStatus;

    /// Reports the device's statistics (`ndo_get_stats64`).
    fn get_stats64(_dev: &Device<Self, state::Registered>, _stats: &mut Stats64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The ifindex of the device's link (`ndo_get_iflink`).
    fn get_iflink(_dev: &Device<Self>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The device's peer, for a caller under RCU (`ndo_get_peer_dev`).
    fn get_peer_dev<'a>(
        _dev: &Device<Self>,
        _rcu: &'a rcu::Guard,
    ) -> Option<&'a Device<Self, state::Registered>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Driver information (`ethtool -i`).
    fn get_drvinfo(_dev: &Device<Self>, _info: &mut DrvInfo<'_>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Link settings (`ethtool DEV`).
    fn get_link_ksettings(_dev: &Device<Self>, _s: &mut LinkSettings<'_>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Number of entries of string set `sset`.
    fn get_sset_count(_dev: &Device<Self>, _sset: u32) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Names of string set `sset`.
    fn get_strings(_dev: &Device<Self>, _sset: u32, _out: &mut Strings<'_>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Values of the statistics named by the `ETH_SS_STATS` strings, under
    /// RTNL.
    fn get_ethtool_stats(_dev: &Device<Self>, _data: &mut [u64], _rtnl: &Rtnl) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Channel counts (`ethtool -l`).
    fn get_channels(_dev: &Device<Self>, _ch: &mut Channels<'_>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets the rx and tx channel counts (`ethtool -L`), each within the
    /// maximums that `get_channels` reports.
    fn set_channels(_dev: &Device<Self>, _rx: u32, _tx: u32, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Applies a change of features (`ndo_set_features`); on success the
    /// core makes `features` the device's features.
    fn set_features(_dev: &Device<Self>, _features: features::Features, _rtnl: &Rtnl) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The headroom a device stacked on this one asks for
    /// (`ndo_set_rx_headroom`, negative: back to the default).
    fn set_rx_headroom(_dev: &Device<Self>, _headroom: i32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Polls a receive queue whose NAPI is on (`napi_struct::poll`): takes
    /// at most the budget's worth of items out of its ring
    /// ([`Napi::consume`]) and ends with [`Napi::complete`], whose value
    /// it returns: the layer, not the driver, decides from the work done
    /// whether NAPI is completed.
    fn poll<'a>(_napi: Napi<'a, Self>) -> PollDone<'a> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Adjusts the features the core is about to apply
    /// (`ndo_fix_features`).
    fn fix_features(
        _dev: &Device<Self>,
        _features: features::Features,
        _rtnl: &Rtnl,
    ) -> features::Features {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Installs (or, with `None`, removes) the device's XDP program
    /// (`ndo_bpf`, `XDP_SETUP_PROG`). On failure the new program, if any,
    /// is given back: the core puts it.
    fn xdp_setup(
        _dev: &Device<Self>,
        _prog: Option<BpfProg>,
        _extack: &ExtAck,
        _rtnl: &Rtnl,
    ) -> core::result::Result<(), (Error, Option<BpfProg>)> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sends frames redirected to the device (`ndo_xdp_xmit`), giving them
    /// to rings with [`NapiRx::produce_frames`]; the caller frees the
    /// frames not taken. An error is reported only if none was taken.
    fn xdp_xmit(_dev: &Device<Self>, _frames: &XdpFrames<'_>, _flags: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The callback trampolines of a [`Driver`], and its operation tables.
pub(super) struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    const NETDEV_OPS: bindings::net_device_ops = bindings::net_device_ops {
        ndo_init: Some(Self::init_callback),
        ndo_open: if T::HAS_OPEN {
            Some(Self::open_callback)
        } else {
            None
        },
        // With a poll, the layer's own part of ndo_stop (NAPI down) runs
        // whether the driver has a stop or not.
        ndo_stop: if T::HAS_STOP || T::HAS_POLL {
            Some(Self::stop_callback)
        } else {
            None
        },
        ndo_start_xmit: Some(Self::start_xmit_callback),
        ndo_get_stats64: if T::HAS_GET_STATS64 {
            Some(Self::get_stats64_callback)
        } else {
            None
        },
        ndo_set_rx_mode: Some(Self::set_rx_mode_callback),
        ndo_set_mac_address: Some(bindings::eth_mac_addr),
        ndo_get_iflink: if T::HAS_GET_IFLINK {
            Some(Self::get_iflink_callback)
        } else {
            None
        },
        ndo_features_check: Some(bindings::passthru_features_check),
        ndo_get_peer_dev: if T::HAS_GET_PEER_DEV {
            Some(Self::get_peer_dev_callback)
        } else {
            None
        },
        ndo_set_features: if T::HAS_SET_FEATURES {
            Some(Self::set_features_callback)
        } else {
            None
        },
        ndo_set_rx_headroom: if T::HAS_SET_RX_HEADROOM {
            Some(Self::set_rx_headroom_callback)
        } else {
            None
        },
        ndo_fix_features: if T::HAS_FIX_FEATURES {
            Some(Self::fix_features_callback)
        } else {
            None
        },
        ndo_bpf: if T::HAS_XDP_SETUP {
            Some(Self::bpf_callback)
        } else {
            None
        },
        ndo_xdp_xmit: if T::HAS_XDP_XMIT {
            Some(Self::xdp_xmit_callback)
        } else {
            None
        },
        ..zeroed_netdev_ops()
    };

    const ETHTOOL_OPS: bindings::ethtool_ops = {
        let mut ops = zeroed_ethtool_ops();
        if T::HAS_GET_DRVINFO {
            ops.get_drvinfo = Some(Self::get_drvinfo_callback);
        }
        ops.get_link = Some(bindings::ethtool_op_get_link);
        if T::HAS_GET_STRINGS {
            ops.get_strings = Some(Self::get_strings_callback);
        }
        if T::HAS_GET_SSET_COUNT {
            ops.get_sset_count = Some(Self::get_sset_count_callback);
        }
        if T::HAS_GET_ETHTOOL_STATS {
            ops.get_ethtool_stats = Some(Self::get_ethtool_stats_callback);
        }
        if T::HAS_GET_LINK_KSETTINGS {
            ops.get_link_ksettings = Some(Self::get_link_ksettings_callback);
        }
        ops.get_ts_info = Some(bindings::ethtool_op_get_ts_info);
        if T::HAS_GET_CHANNELS {
            ops.get_channels = Some(Self::get_channels_callback);
        }
        if T::HAS_SET_CHANNELS {
            ops.set_channels = Some(Self::set_channels_callback);
        }
        ops
    };

    /// # Safety
    ///
    /// `dev` is a device allocated with `T`'s link ops, valid for `'a`.
    unsafe fn dev<'a>(dev: *const bindings::net_device) -> &'a Device<T> {
        // SAFETY: By the function's safety requirements.
        unsafe { Device::from_raw(dev.cast_mut()) }
    }

    /// # Safety
    ///
    /// As for [`Self::dev`], and the device is registered (see
    /// [`state::Registered`]).
    unsafe fn registered<'a>(dev: *const bindings::net_device) -> &'a Device<T, state::Registered> {
        // SAFETY: By the function's safety requirements.
        unsafe { Device::from_raw(dev.cast_mut()) }
    }

    /// The C entry point of the `setup` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn setup_callback(dev: *mut bindings::net_device) {
        const { assert!(!core::mem::needs_drop::<T::Priv>()) };
        const { assert!(!core::mem::needs_drop::<T::RqPriv>()) };
        const { assert!(core::mem::align_of::<PrivArea<T>>() <= bindings::NETDEV_ALIGN as usize) };
        // `alloc_netdev_mqs` calls setup on a new device of these ops,
        // before anybody else sees it; the area is written through raw
        // pointers, so no reference to it exists before it is initialised.
        // The area never moves (it is part of the device's allocation), as
        // the pinned initialiser of `drv`, which cannot fail, needs.
        let area = Device::<T>::area_ptr(dev);
        // SAFETY: The area has `size_of::<PrivArea<T>>()` bytes, aligned
        // to NETDEV_ALIGN (asserted above), no value yet, and never moves.
        unsafe {
            (&raw mut (*area).rq).write(RqTable::new());
            (&raw mut (*area).xdp_prog).write(AtomicPtr::new(ptr::null_mut()));
            (&raw mut (*area).sset_count).write(SsetCount::new());
            pin_init::raw_init(&raw mut (*area).drv, T::init_priv());
        }
        // SAFETY: A valid device of these ops, exclusively ours during
        // setup, whose private area is now initialised.
        let d = unsafe { Self::dev(dev) };
        // SAFETY: As above: the device is being set up.
        let mut sd = unsafe { SetupDevice::new(d) };
        T::setup(&mut sd);
        // SAFETY: Exclusive access during setup; the op tables are
        // 'static (promoted constants).
        unsafe {
            (*dev).netdev_ops = &Self::NETDEV_OPS;
            (*dev).ethtool_ops = &Self::ETHTOOL_OPS;
            (*dev).xdp_metadata_ops = &xdp::XdpMetadata::OPS;
            (*dev).needs_free_netdev = true;
            (*dev).priv_destructor = Some(Self::priv_destructor_callback);
            (*dev).set_pcpu_stat_type(bindings::netdev_stat_type_NETDEV_PCPU_STAT_TSTATS);
        }
    }

    /// The C entry point of the `validate` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn validate_callback(
        tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        _extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            // SAFETY: rtnetlink passes an IFLA table and, when present, a
            // table of MAX_TYPE + 1 driver attributes.
            let (tb, data) = unsafe {
                (
                    Attrs::from_raw(tb, ifla::MAX + 1).ok_or(EINVAL)?,
                    Attrs::from_raw(data, T::MAX_TYPE + 1),
                )
            };
            T::validate(&tb, data.as_ref())?;
            Ok(0)
        })
    }

    /// The C entry point of the `newlink` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn newlink_callback(
        dev: *mut bindings::net_device,
        params: *mut bindings::rtnl_newlink_params,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            // SAFETY: rtnetlink calls newlink under RTNL with a device of
            // these ops, not registered yet, and valid params; the ops are
            // the ones of the registration that owns this kind.
            let (rtnl, dev, params, ops) = unsafe {
                let dev = Self::dev(dev);
                (
                    Rtnl::assume_held(),
                    LinkDevice::new(dev),
                    NewLinkParams::new(&*params, T::MAX_TYPE + 1),
                    &*(*dev.as_raw()).rtnl_link_ops.cast::<LinkOps<T>>(),
                )
            };
            // SAFETY: The extended ack of the request, or null.
            let extack = unsafe { ExtAck::from_raw(extack) };
            let raw = dev.dev();
            match T::newlink(dev, &params, &extack, ops, &rtnl) {
                // `Linked`: the device is registered and stays so.
                Ok(_linked) => Ok(0),
                Err(e) => {
                    // rtnetlink frees the device with `free_netdev`, which
                    // must not meet a registered one (it would free its
                    // queues under the stack's feet): a driver that kept
                    // the registration and failed after all has it undone.
                    if raw.reg_state() == bindings::netdev_reg_state_NETREG_REGISTERED {
                        // SAFETY: The device is registered and RTNL is held;
                        // `free_netdev` then leaves the device to
                        // unregistration, which frees it.
                        unsafe {
                            bindings::unregister_netdevice_queue(raw.as_raw(), ptr::null_mut())
                        };
                    }
                    Err(e)
                }
            }
        })
    }

    /// The C entry point of the `dellink` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn dellink_callback(
        dev: *mut bindings::net_device,
        head: *mut bindings::list_head,
    ) {
        // SAFETY: dellink is called under RTNL on a registered device of
        // these ops (one the core found listed, or one newlink registered),
        // with a valid list head.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::registered(dev)) };
        // SAFETY: The list head rtnetlink passes to dellink.
        let mut list = unsafe { UnregisterList::from_raw(head) };
        T::dellink(dev, &mut list, &rtnl);
    }

    /// The C entry point of the `get_link_net` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn get_link_net_callback(
        dev: *const bindings::net_device,
    ) -> *mut bindings::net {
        let rcu = rcu::read_lock();
        // SAFETY: Called on a valid device of these ops, by a caller that
        // holds RTNL or the RCU read lock beyond this call: the namespace
        // stays valid after `rcu` (nested) is dropped.
        T::get_link_net(unsafe { Self::dev(dev) }, &rcu).as_raw()
    }

    /// The C entry point of the `get_num_tx_queues` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn get_num_tx_queues_callback() -> c_uint {
        T::get_num_tx_queues()
    }

    /// The C entry point of the `get_num_rx_queues` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn get_num_rx_queues_callback() -> c_uint {
        T::get_num_rx_queues()
    }

    /// The C entry point of the `init` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn init_callback(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: ndo_init is called once by register_netdevice on our
        // device, before anybody else can see it.
        unsafe { bindings::veth_rs_netdev_lockdep_set_classes(dev) };
        // The receive queues are made on first use (`make_rx_queues`).
        0
    }

    /// The C entry point of the `priv_destructor` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn priv_destructor_callback(dev: *mut bindings::net_device) {
        // The core calls the destructor once: when the last reference of
        // the unregistered device is gone, or when registration failed.
        // SAFETY: Nobody uses the device any more; it has no NAPI context
        // (the ndo_stop trampoline deletes them all, and they are added
        // only while the device runs).
        let d = unsafe { Self::dev(dev) };
        // The core removed any XDP program while unregistering; a device
        // whose registration failed may still hold one.
        let prog = d.area().xdp_prog.swap(ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: The slot owned a reference on the program.
        drop(unsafe { BpfProg::from_raw(prog) });
        // SAFETY: As above: nobody uses the device, NAPI is gone.
        unsafe { d.area().rq.free() }
    }

    /// The C entry point of the `fix_features` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn fix_features_callback(
        dev: *mut bindings::net_device,
        features: features::Features,
    ) -> features::Features {
        // SAFETY: ndo_fix_features is called under RTNL on our device.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::dev(dev)) };
        T::fix_features(dev, features, &rtnl)
    }

    /// The C entry point of the `bpf` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn bpf_callback(
        dev: *mut bindings::net_device,
        bpf: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: ndo_bpf is called under RTNL on our device, with a valid
        // request.
        let (rtnl, dev, bpf) = unsafe { (Rtnl::assume_held(), Self::dev(dev), &*bpf) };
        if bpf.command != bindings::bpf_netdev_command_XDP_SETUP_PROG {
            return -(bindings::EINVAL as c_int);
        }
        // SAFETY: For XDP_SETUP_PROG the first variant is in use; the core
        // took a reference on the program for the driver.
        let (prog, extack) = unsafe {
            let setup = &bpf.__bindgen_anon_1.__bindgen_anon_1;
            (
                BpfProg::from_raw(setup.prog),
                ExtAck::from_raw(setup.extack),
            )
        };
        match T::xdp_setup(dev, prog, &extack, &rtnl) {
            Ok(()) => 0,
            Err((e, prog)) => {
                // The core puts the program of a failed request.
                if let Some(prog) = prog {
                    prog.leak();
                }
                e.to_errno()
            }
        }
    }

    /// The C entry point of the `xdp_xmit` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn xdp_xmit_callback(
        dev: *mut bindings::net_device,
        n: c_int,
        frames: *mut *mut bindings::xdp_frame,
        flags: u32,
    ) -> c_int {
        // SAFETY: Called on our device, with `n` valid frames, BHs off.
        let (dev, frames) = unsafe {
            (
                Self::dev(dev),
                XdpFrames::from_raw(frames, n.max(0) as usize),
            )
        };
        // What the rings took is sent, whatever the driver says.
        let result = T::xdp_xmit(dev, &frames, flags);
        match (frames.taken(), result) {
            (0, Err(e)) => e.to_errno(),
            (taken, _) => taken as c_int,
        }
    }

    /// The C entry point of the `poll` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    pub(super) unsafe extern "C" fn poll_callback(
        napi: *mut bindings::napi_struct,
        budget: c_int,
    ) -> c_int {
        // SAFETY: Only `RxQueue::napi_add` adds contexts with this poll
        // function, each the first field of a live `RxQueue<T>` (repr(C)).
        let rq = unsafe { &*napi.cast::<RxQueue<T>>() };
        // INVARIANT: NAPI calls poll only on an enabled context that is
        // scheduled on this CPU; nothing done yet.
        // SAFETY: As above; this is the context's poll.
        let ctx = unsafe { Napi::new(rq, budget.max(0) as u32) };
        // By `PollDone`'s invariant: at most the budget, and completed if
        // below it, as NAPI requires of the value poll returns.
        T::poll(ctx).work() as c_int
    }

    /// The C entry point of the `set_features` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn set_features_callback(
        dev: *mut bindings::net_device,
        features: features::Features,
    ) -> c_int {
        // SAFETY: ndo_set_features is called under RTNL on our device.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::dev(dev)) };
        from_result(|| T::set_features(dev, features, &rtnl).map(|()| 0))
    }

    /// The C entry point of the `set_rx_headroom` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn set_rx_headroom_callback(dev: *mut bindings::net_device, hr: c_int) {
        // SAFETY: Called on our device.
        T::set_rx_headroom(unsafe { Self::dev(dev) }, hr)
    }

    /// The C entry point of the `set_channels` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn set_channels_callback(
        dev: *mut bindings::net_device,
        ch: *mut bindings::ethtool_channels,
    ) -> c_int {
        // SAFETY: ethtool calls this under RTNL on our device, with counts
        // it checked against the maximums of get_channels.
        let (rtnl, dev, ch) = unsafe { (Rtnl::assume_held(), Self::dev(dev), &*ch) };
        from_result(|| T::set_channels(dev, ch.rx_count, ch.tx_count, &rtnl).map(|()| 0))
    }

    /// The C entry point of the `open` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn open_callback(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: ndo_open is called under RTNL on a registered device.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::registered(dev)) };
        let result = T::open(dev, &rtnl);
        if result.is_err() {
            // The core does not call ndo_stop after a failed ndo_open: what
            // NAPI the driver turned on before failing goes here.
            dev.napi_teardown(&rtnl);
        }
        from_result(|| result.map(|()| 0))
    }

    /// The C entry point of the `stop` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn stop_callback(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: ndo_stop is called under RTNL on a registered device.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::registered(dev)) };
        let result = if T::HAS_STOP {
            T::stop(dev, &rtnl)
        } else {
            Ok(())
        };
        // A closed device has no NAPI, whatever the driver did: the
        // destructor frees the queues, and the core deletes the contexts
        // still listed only after that. A no-op if the driver took them
        // down already.
        dev.napi_teardown(&rtnl);
        from_result(|| result.map(|()| 0))
    }

    /// The C entry point of the `start_xmit` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn start_xmit_callback(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The stack hands us ownership of a valid skb.
        let skb = unsafe { SkBuff::from_raw(NonNull::new_unchecked(skb)) };
        // SAFETY: Called on a device of these ops that is up, hence
        // registered.
        match T::start_xmit(skb, unsafe { Self::registered(dev) }) {
            TxStatus::Ok => bindings::netdev_tx_NETDEV_TX_OK,
            TxStatus::Drop => bindings::NET_XMIT_DROP as bindings::netdev_tx_t,
            TxStatus::Busy(skb) => {
                // The stack takes the skb back.
                skb.into_raw();
                bindings::netdev_tx_NETDEV_TX_BUSY
            }
        }
    }

    /// The C entry point of the `get_stats64` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_stats64_callback(
        dev: *mut bindings::net_device,
        stats: *mut bindings::rtnl_link_stats64,
    ) {
        // The core calls it on listed devices, or from the NETDEV_REGISTER
        // notifiers, after which registration honours references.
        // SAFETY: `dev` is a registered device of these ops, `stats` a
        // valid, exclusive struct; `Stats64` is transparent over it.
        let (dev, stats) = unsafe { (Self::registered(dev), &mut *stats.cast::<Stats64>()) };
        T::get_stats64(dev, stats);
    }

    /// The C entry point of the `set_rx_mode` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn set_rx_mode_callback(_dev: *mut bindings::net_device) {
        // A virtual link receives everything: multicast filters need no
        // programming.
    }

    /// The C entry point of the `get_iflink` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_iflink_callback(dev: *const bindings::net_device) -> c_int {
        // SAFETY: Called on a device of these ops.
        T::get_iflink(unsafe { Self::dev(dev) })
    }

    /// The C entry point of the `get_peer_dev` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_peer_dev_callback(
        dev: *mut bindings::net_device,
    ) -> *mut bindings::net_device {
        let rcu = rcu::read_lock();
        // SAFETY: Called on a device of these ops. The caller holds the RCU
        // read lock beyond this call, so the peer stays valid after `rcu`
        // (a nested read lock) is dropped.
        T::get_peer_dev(unsafe { Self::dev(dev) }, &rcu).map_or(ptr::null_mut(), |p| p.as_raw())
    }

    /// The C entry point of the `get_drvinfo` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_drvinfo_callback(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: ethtool passes our device and a valid, exclusive struct.
        let (dev, info) = unsafe { (Self::dev(dev), &mut *info) };
        T::get_drvinfo(dev, &mut DrvInfo::new(info));
    }

    /// The C entry point of the `get_link_ksettings` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_link_ksettings_callback(
        dev: *mut bindings::net_device,
        s: *mut bindings::ethtool_link_ksettings,
    ) -> c_int {
        // SAFETY: ethtool passes our device and a valid, exclusive struct.
        let (dev, s) = unsafe { (Self::dev(dev), &mut *s) };
        T::get_link_ksettings(dev, &mut LinkSettings::new(s));
        0
    }

    /// The C entry point of the `get_sset_count` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_sset_count_callback(
        dev: *mut bindings::net_device,
        sset: c_int,
    ) -> c_int {
        // SAFETY: ethtool passes our device, under RTNL.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::dev(dev)) };
        from_result(|| {
            let sset = u32::try_from(sset).map_err(|_| EOPNOTSUPP)?;
            let n = T::get_sset_count(dev, sset)?;
            let ret = c_int::try_from(n).map_err(|_| EINVAL)?;
            // What ethtool sizes the `get_strings` buffer by.
            dev.area().sset_count.set(sset, n, &rtnl);
            Ok(ret)
        })
    }

    /// The C entry point of the `get_strings` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_strings_callback(
        dev: *mut bindings::net_device,
        sset: u32,
        buf: *mut u8,
    ) {
        // SAFETY: ethtool passes our device, under RTNL.
        let (rtnl, dev) = unsafe { (Rtnl::assume_held(), Self::dev(dev)) };
        let n = dev.area().sset_count.get(sset, &rtnl);
        if n == 0 {
            return;
        }
        // `get_sset_count_callback` recorded that count (`SsetCount`).
        // SAFETY: ethtool sized `buf`, ETH_GSTRING_LEN bytes an entry, by
        // the count reported for this set just before, in this RTNL section.
        let mut out = unsafe { Strings::from_raw(buf, n) };
        T::get_strings(dev, sset, &mut out);
    }

    /// The C entry point of the `get_ethtool_stats` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_ethtool_stats_callback(
        dev: *mut bindings::net_device,
        stats: *mut bindings::ethtool_stats,
        data: *mut u64,
    ) {
        // SAFETY: ethtool calls this under RTNL with our device and a valid
        // `stats` whose `n_stats` is the number of entries of `data`.
        let (rtnl, dev, n) = unsafe {
            (
                Rtnl::assume_held(),
                Self::dev(dev),
                (*stats).n_stats as usize,
            )
        };
        if n == 0 {
            return;
        }
        // SAFETY: ethtool allocated `data` with `n_stats` entries.
        let data = unsafe { core::slice::from_raw_parts_mut(data, n) };
        T::get_ethtool_stats(dev, data, &rtnl);
    }

    /// The C entry point of the `get_channels` operation of this driver's C op tables.
    ///
    /// # Safety
    ///
    /// Only the kernel calls it, through those tables, with arguments and
    /// in the context that the operation's C contract documents.
    unsafe extern "C" fn get_channels_callback(
        dev: *mut bindings::net_device,
        ch: *mut bindings::ethtool_channels,
    ) {
        // SAFETY: ethtool passes our device and a valid, exclusive struct.
        let (dev, ch) = unsafe { (Self::dev(dev), &mut *ch) };
        T::get_channels(dev, &mut Channels::new(ch));
    }
}

/// All operations `None`.
const fn zeroed_netdev_ops() -> bindings::net_device_ops {
    pin_init::zeroed()
}

/// All operations `None`, no capabilities.
const fn zeroed_ethtool_ops() -> bindings::ethtool_ops {
    pin_init::zeroed()
}
