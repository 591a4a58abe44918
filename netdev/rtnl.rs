// SPDX-License-Identifier: GPL-2.0

//! rtnetlink: the RTNL proof, the devices of a newlink request (being set
//! up, allocated, registered), the unregistration list of dellink, and the
//! registration of the driver's link kind (`struct rtnl_link_ops`).
//!
//! C header: [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h).

use super::{
    bindings,
    features,
    ifla,
    shinfo_size,
    skbf,
    state,
    Adapter,
    Attr,
    Attrs,
    Device,
    Driver,
    ExtAck,
    IfInfo,
    Net,
    PrivArea,
    IFNAMSIZ, //
};
use core::{
    marker::PhantomData,
    mem::size_of,
    ptr::{
        self,
        NonNull, //
    }, //
};
use kernel::{
    error::{
        from_err_ptr,
        to_result, //
    },
    ffi::{
        c_char,
        c_uint, //
    },
    prelude::*,
    types::Opaque, //
};

/// Proof that the caller holds the RTNL lock.
///
/// # Invariants
///
/// Only made by the callback trampolines of this module whose callers hold
/// the RTNL lock; it is neither `Send` nor `Clone`, so it cannot outlive the
/// callback that received it.
pub(crate) struct Rtnl(PhantomData<*mut ()>);

impl Rtnl {
    /// # Safety
    ///
    /// The caller holds the RTNL lock for the lifetime of the returned value.
    pub(super) unsafe fn assume_held() -> Self {
        // INVARIANT: The caller guarantees that the RTNL lock is held.
        Self(PhantomData)
    }
}

/// A device being set up (`rtnl_link_ops::setup`), not yet registered: the
/// only time its static properties are written.
pub(crate) struct SetupDevice<'a, T: Driver>(&'a Device<T>);

impl<'a, T: Driver> SetupDevice<'a, T> {
    /// # Safety
    ///
    /// `dev` is being set up (`rtnl_link_ops::setup`): nobody else sees it.
    pub(super) unsafe fn new(dev: &'a Device<T>) -> Self {
        Self(dev)
    }

    fn raw(&self) -> *mut bindings::net_device {
        self.0.as_raw()
    }

    /// Initialises the device as an ethernet device (`ether_setup`).
    pub(crate) fn ether_setup(&mut self) {
        // SAFETY: The device is being set up and not yet visible to anyone.
        unsafe { bindings::ether_setup(self.raw()) }
    }

    /// Sets and clears private flags (`IFF_*` of `enum netdev_priv_flags`).
    pub(crate) fn update_priv_flags(&mut self, set: u64, clear: u64) {
        // SAFETY: Exclusive access during setup; the C side touches only
        // the `priv_flags` bits.
        unsafe { bindings::veth_rs_update_priv_flags(self.raw(), set, clear) }
    }

    /// Declares lockless transmit (`dev->lltx`).
    pub(crate) fn set_lltx(&mut self) {
        // SAFETY: Exclusive access during setup.
        unsafe { (*self.raw()).__bindgen_anon_1.__bindgen_anon_1.set_lltx(1) }
    }

    /// The device's features.
    pub(crate) fn features(&self) -> features::Features {
        // SAFETY: Exclusive access during setup.
        unsafe { (*self.raw()).features }
    }

    /// Sets the feature sets of the device: active, hardware (changeable),
    /// VLAN, encapsulation and MPLS features.
    pub(crate) fn set_features(
        &mut self,
        features: features::Features,
        hw: features::Features,
        vlan: features::Features,
        enc: features::Features,
        mpls: features::Features,
    ) {
        let dev = self.raw();
        // SAFETY: Exclusive access during setup.
        unsafe {
            (*dev).features = features;
            (*dev).hw_features = hw;
            (*dev).vlan_features = vlan;
            (*dev).hw_enc_features = enc;
            (*dev).mpls_features = mpls;
        }
    }

    /// Sets the largest MTU the device accepts.
    pub(crate) fn set_max_mtu(&mut self, mtu: u32) {
        // SAFETY: Exclusive access during setup.
        unsafe { (*self.raw()).max_mtu = mtu }
    }

    /// Sets the largest TSO packet (`netif_set_tso_max_size`).
    pub(crate) fn set_tso_max_size(&mut self, size: u32) {
        // SAFETY: Exclusive access during setup.
        unsafe { bindings::netif_set_tso_max_size(self.raw(), size) }
    }
}

/// A device created by [`create_link`] but not registered yet. Dropping it
/// frees it (`free_netdev`).
///
/// # Invariants
///
/// `0` is a device allocated with `T`'s link operations, owned by this
/// value and not registered.
pub(crate) struct NewDevice<T: Driver>(NonNull<bindings::net_device>, PhantomData<T>);

impl<T: Driver> NewDevice<T> {
    /// The device.
    pub(crate) fn dev(&self) -> &Device<T> {
        // SAFETY: By the type invariant the device is valid while owned.
        unsafe { Device::from_raw(self.0.as_ptr()) }
    }

    /// Gives the device a random MAC address (`eth_hw_addr_random`).
    pub(crate) fn random_mac(&mut self) {
        // SAFETY: The device is ours and not registered: exclusive access.
        unsafe { bindings::veth_rs_eth_hw_addr_random(self.0.as_ptr()) }
    }

    /// Asks for interface index `ifindex` (0: any) at registration.
    pub(crate) fn set_ifindex(&mut self, ifindex: i32) {
        // SAFETY: The device is ours and not registered: exclusive access.
        unsafe { (*self.0.as_ptr()).ifindex = ifindex }
    }

    /// Registers the device (`register_netdevice`). On failure the device
    /// is freed.
    pub(crate) fn register(self, _rtnl: &Rtnl) -> Result<RegisteredGuard<'_, T>> {
        let raw = self.0.as_ptr();
        // SAFETY: `raw` is an unregistered device we own; RTNL is held.
        to_result(unsafe { bindings::register_netdevice(raw) })?;
        core::mem::forget(self);
        // It is unregistered at the earliest when the guard is dropped or by
        // a later RTNL section, and freed only once RTNL is released.
        // SAFETY: `register_netdevice` succeeded, so the device is
        // registered, and it stays valid as long as `rtnl` is borrowed.
        let dev = unsafe { Device::from_raw(raw) };
        Ok(RegisteredGuard(dev, PhantomData))
    }
}

impl<T: Driver> Drop for NewDevice<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own the unregistered device.
        unsafe { bindings::free_netdev(self.0.as_ptr()) }
    }
}

/// A registered device that newlink may still have to take back: dropping
/// it unregisters the device (`unregister_netdevice`),
/// [`RegisteredGuard::keep`] keeps it.
pub(crate) struct RegisteredGuard<'a, T: Driver>(
    &'a Device<T, state::Registered>,
    PhantomData<&'a Rtnl>,
);

impl<'a, T: Driver> RegisteredGuard<'a, T> {
    /// The device.
    pub(crate) fn dev(&self) -> &'a Device<T, state::Registered> {
        self.0
    }

    /// Keeps the device registered.
    pub(crate) fn keep(self) -> &'a Device<T, state::Registered> {
        let dev = self.0;
        core::mem::forget(self);
        dev
    }
}

impl<T: Driver> Drop for RegisteredGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: The device is registered and RTNL is held; with
        // `needs_free_netdev` the core frees it once unregistered.
        unsafe { bindings::unregister_netdevice_queue(self.0.as_raw(), ptr::null_mut()) }
    }
}

/// The device that rtnetlink allocated for newlink: not registered yet;
/// rtnetlink frees it if newlink fails before registering it.
pub(crate) struct LinkDevice<'a, T: Driver>(&'a Device<T>);

impl<'a, T: Driver> LinkDevice<'a, T> {
    /// # Safety
    ///
    /// `dev` is the device rtnetlink passes to newlink, not registered yet,
    /// valid for `'a`; RTNL is held for `'a`.
    pub(super) unsafe fn new(dev: &'a Device<T>) -> Self {
        Self(dev)
    }

    /// The device.
    pub(crate) fn dev(&self) -> &'a Device<T> {
        self.0
    }

    /// Gives the device a random MAC address (`eth_hw_addr_random`).
    pub(crate) fn random_mac(&mut self) {
        // SAFETY: The device is not registered yet: exclusive access.
        unsafe { bindings::veth_rs_eth_hw_addr_random(self.0.as_raw()) }
    }

    /// Sets the device's name (a `%d` pattern is resolved at registration).
    pub(crate) fn set_name(&mut self, name: &DevName) {
        // SAFETY: The device is not registered yet: exclusive access. Both
        // buffers are IFNAMSIZ long and `name` is NUL-terminated.
        unsafe {
            ptr::copy_nonoverlapping(
                name.0.as_ptr().cast::<c_char>(),
                (*self.0.as_raw()).name.as_mut_ptr(),
                IFNAMSIZ,
            )
        }
    }

    /// Registers the device (`register_netdevice`). If this fails,
    /// rtnetlink frees the device.
    pub(crate) fn register(self, _rtnl: &'a Rtnl) -> Result<LinkGuard<'a, T>> {
        let raw = self.0.as_raw();
        // SAFETY: The device is allocated and unregistered; RTNL is held.
        to_result(unsafe { bindings::register_netdevice(raw) })?;
        // SAFETY: `register_netdevice` succeeded: the device is registered,
        // and valid for `'a` (the newlink call).
        let dev = unsafe { Device::from_raw(raw) };
        Ok(LinkGuard(RegisteredGuard(dev, PhantomData)))
    }
}

/// newlink's device, registered, that newlink may still have to take back:
/// dropping it unregisters the device, [`LinkGuard::keep`] keeps it and
/// gives the [`Linked`] that newlink returns.
pub(crate) struct LinkGuard<'a, T: Driver>(RegisteredGuard<'a, T>);

impl<'a, T: Driver> LinkGuard<'a, T> {
    /// The device.
    pub(crate) fn dev(&self) -> &'a Device<T, state::Registered> {
        self.0.dev()
    }

    /// Keeps the device registered: newlink's result.
    pub(crate) fn keep(self) -> Linked<'a> {
        self.0.keep();
        Linked(PhantomData)
    }
}

/// What a successful newlink returns: proof that the device rtnetlink gave
/// it is registered and kept, for rtnetlink goes on to configure that
/// device (`rtnl_configure_link`) and would otherwise bring up a device
/// that was never registered, whose per-CPU stats do not exist yet.
///
/// # Invariants
///
/// Only [`LinkGuard::keep`] makes one, for the device of the newlink call
/// that `'a` borrows (invariant in `'a`, so one cannot stand for another).
pub(crate) struct Linked<'a>(PhantomData<fn(&'a ()) -> &'a ()>);

/// Makes a new device of the driver `T` in namespace `net` from the link
/// attributes `tb` (`rtnl_create_link`), with `T::setup` already run.
pub(crate) fn create_link<T: Driver>(
    net: &Net,
    name: &DevName,
    assign: NameAssign,
    tb: &Attrs<'_>,
    extack: &ExtAck,
    ops: &LinkOps<T>,
    _rtnl: &Rtnl,
) -> Result<NewDevice<T>> {
    // `rtnl_create_link` reads IFLA attributes: an IFLA table it must be,
    // not a table of the driver's own attributes.
    if tb.len() != ifla::MAX + 1 {
        return Err(EINVAL);
    }
    // SAFETY: All pointers are valid; `tb` is an attribute table of
    // IFLA_MAX + 1 entries (checked above); RTNL is held.
    let dev = from_err_ptr(unsafe {
        bindings::rtnl_create_link(
            net.as_raw(),
            name.0.as_ptr().cast(),
            assign as u8,
            ops.as_raw(),
            tb.as_raw().cast_mut(),
            extack.as_raw(),
        )
    })?;
    // INVARIANT: `rtnl_create_link` allocated it with `T`'s ops, unregistered.
    NonNull::new(dev)
        .map(|d| NewDevice(d, PhantomData))
        .ok_or(ENOMEM)
}

/// Copies the link settings of `from` to `to` that a device created on
/// behalf of another inherits (`netif_inherit_tso_max`).
pub(crate) fn inherit_tso_max<T: Driver>(to: &NewDevice<T>, from: &LinkDevice<'_, T>) {
    // SAFETY: Both devices are valid and `to` is not registered yet.
    unsafe { bindings::netif_inherit_tso_max(to.dev().as_raw(), from.0.as_raw()) }
}

/// Applies the `ifinfomsg` of a peer description to a just registered
/// device (`rtnl_configure_link`).
pub(crate) fn configure_link<T: Driver>(
    dev: &RegisteredGuard<'_, T>,
    ifm: Option<&IfInfo>,
) -> Result {
    let ifm = ifm.map_or(ptr::null(), IfInfo::as_raw);
    // SAFETY: `dev` is registered, RTNL is held (by `dev`'s `Rtnl`), `ifm`
    // is null or points into the request.
    to_result(unsafe { bindings::rtnl_configure_link(dev.0.as_raw(), ifm, 0, ptr::null()) })
}

/// How a device's name was chosen (`NET_NAME_*`).
#[repr(u8)]
#[derive(Clone, Copy)]
pub(crate) enum NameAssign {
    /// Enumerated by the kernel from a `%d` pattern.
    Enum = bindings::NET_NAME_ENUM as u8,
    /// Given by userspace.
    User = bindings::NET_NAME_USER as u8,
}

/// A device name buffer of `IFNAMSIZ` bytes, always NUL-terminated.
///
/// # Examples
///
/// The name of a new device: the one asked for, else an enumerated one
/// (`veth_rs0`, `veth_rs1`, ...), as veth's newlink chooses it.
///
/// ```no_run
/// use crate::netdev::{ifla, DevName, NameAssign, NewLinkParams};
///
/// fn name_of(params: &NewLinkParams<'_>) -> (DevName, NameAssign) {
///     match params.tb().get(ifla::IFNAME) {
///         Some(attr) => (DevName::from_attr(attr), NameAssign::User),
///         None => (DevName::pattern(b"veth_rs"), NameAssign::Enum),
///     }
/// }
/// ```
pub(crate) struct DevName([u8; IFNAMSIZ]);

impl DevName {
    /// The name `prefix` followed by `%d`, truncated to fit.
    pub(crate) fn pattern(prefix: &[u8]) -> Self {
        let mut buf = [0u8; IFNAMSIZ];
        let n = prefix.len().min(IFNAMSIZ - 3);
        buf[..n].copy_from_slice(&prefix[..n]);
        buf[n] = b'%';
        buf[n + 1] = b'd';
        Self(buf)
    }

    /// The name held by string attribute `attr`, truncated to fit
    /// (`nla_strscpy`).
    pub(crate) fn from_attr(attr: &Attr) -> Self {
        let mut buf = [0u8; IFNAMSIZ];
        // SAFETY: `attr` is a valid attribute and `buf` has IFNAMSIZ bytes.
        unsafe { bindings::nla_strscpy(buf.as_mut_ptr().cast(), attr.as_raw(), IFNAMSIZ) };
        Self(buf)
    }

    /// The buffer, for the KUnit suites.
    #[cfg(veth_rs_kunit)]
    pub(super) fn bytes(&self) -> &[u8; IFNAMSIZ] {
        &self.0
    }
}

/// The list of devices that dellink queues for unregistration.
pub(crate) struct UnregisterList(*mut bindings::list_head);

impl UnregisterList {
    /// # Safety
    ///
    /// `head` is the list head that rtnetlink passes to dellink, valid for
    /// the lifetime of the value.
    pub(super) unsafe fn from_raw(head: *mut bindings::list_head) -> Self {
        Self(head)
    }

    pub(super) fn as_raw(&self) -> *mut bindings::list_head {
        self.0
    }
}

/// The link operations of driver `T` (`struct rtnl_link_ops`), as
/// registered.
#[repr(transparent)]
pub(crate) struct LinkOps<T: Driver>(Opaque<bindings::rtnl_link_ops>, PhantomData<T>);

impl<T: Driver> LinkOps<T> {
    fn as_raw(&self) -> *const bindings::rtnl_link_ops {
        self.0.get()
    }
}

/// A kind name: at most `IFNAMSIZ - 1` bytes, NUL-terminated.
///
/// # Examples
///
/// ```
/// use crate::netdev::{Kind, IFNAMSIZ};
///
/// assert!(Kind::new(b"veth_rs").is_ok());
/// // Empty, too long for `IFNAMSIZ` with its NUL, or with a NUL inside.
/// assert!(Kind::new(b"").is_err());
/// assert!(Kind::new(&[b'k'; IFNAMSIZ]).is_err());
/// assert!(Kind::new(b"ve\0th").is_err());
/// ```
pub(crate) struct Kind([u8; IFNAMSIZ]);

impl Kind {
    /// Makes a kind name from `name`; `EINVAL` if empty or too long.
    pub(crate) fn new(name: &[u8]) -> Result<Self> {
        if name.is_empty() || name.len() >= IFNAMSIZ || name.contains(&0) {
            return Err(EINVAL);
        }
        let mut b = [0u8; IFNAMSIZ];
        b[..name.len()].copy_from_slice(name);
        Ok(Self(b))
    }

    /// The buffer, for the KUnit suites.
    #[cfg(veth_rs_kunit)]
    pub(super) fn bytes(&self) -> &[u8; IFNAMSIZ] {
        &self.0
    }
}

/// The registration of driver `T`'s link kind (`rtnl_link_register`),
/// undone on drop (`rtnl_link_unregister`, which also deletes every
/// device of the kind).
///
/// # Examples
///
/// A module registers its kind in `init` and keeps the registration: the
/// kind is unregistered, and its devices deleted, when the module goes.
///
/// ```no_run
/// use crate::netdev::{Driver, Kind, Registration};
///
/// struct MyModule<T: Driver> {
///     _reg: Registration<T>,
/// }
///
/// fn init<T: Driver>() -> Result<MyModule<T>> {
///     Ok(MyModule {
///         _reg: Registration::register(Kind::new(b"mykind")?)?,
///     })
/// }
/// ```
pub(crate) struct Registration<T: Driver> {
    ops: Pin<KBox<LinkOps<T>>>,
    _kind: Pin<KBox<Kind>>,
}

// SAFETY: The registration only holds heap data that the C side reads
// under its own locks; unregistering works from any thread.
unsafe impl<T: Driver> Send for Registration<T> {}
// SAFETY: `&Registration` gives no access to anything.
unsafe impl<T: Driver> Sync for Registration<T> {}

impl<T: Driver> Registration<T> {
    /// Registers kind `kind` for driver `T`.
    pub(crate) fn register(kind: Kind) -> Result<Self> {
        const { assert!(T::POLICY.len() == T::MAX_TYPE + 1) };
        // The Rust skb accessors assume the C layout's cache-line size.
        if skbf::SHINFO_SIZE != shinfo_size() {
            pr_err!(
                "skb_shared_info takes {} bytes, not {}: build for this kernel\n",
                shinfo_size(),
                skbf::SHINFO_SIZE
            );
            return Err(EINVAL);
        }
        let kind = KBox::pin(kind, GFP_KERNEL)?;
        let ops = KBox::pin(LinkOps(Opaque::uninit(), PhantomData), GFP_KERNEL)?;
        // SAFETY: Nobody else sees `ops` yet.
        unsafe {
            let o = ops.0.get();
            o.write(pin_init::zeroed());
            (*o).kind = kind.0.as_ptr().cast();
            (*o).priv_size = size_of::<PrivArea<T>>();
            (*o).setup = Some(Adapter::<T>::setup_callback);
            if T::HAS_VALIDATE {
                (*o).validate = Some(Adapter::<T>::validate_callback);
            }
            (*o).newlink = Some(Adapter::<T>::newlink_callback);
            if T::HAS_DELLINK {
                (*o).dellink = Some(Adapter::<T>::dellink_callback);
            }
            if T::HAS_GET_LINK_NET {
                (*o).get_link_net = Some(Adapter::<T>::get_link_net_callback);
            }
            if T::HAS_GET_NUM_TX_QUEUES {
                (*o).get_num_tx_queues = Some(Adapter::<T>::get_num_tx_queues_callback);
            }
            if T::HAS_GET_NUM_RX_QUEUES {
                (*o).get_num_rx_queues = Some(Adapter::<T>::get_num_rx_queues_callback);
            }
            (*o).maxtype = T::MAX_TYPE as c_uint;
            (*o).peer_type = T::PEER_TYPE;
            (*o).policy = T::POLICY.as_ptr().cast();
        }
        // SAFETY: `ops` is fully set up and pinned on the heap, and `kind`
        // too, both until `drop` unregisters them.
        to_result(unsafe { bindings::rtnl_link_register(ops.0.get()) })?;
        Ok(Self { ops, _kind: kind })
    }
}

impl<T: Driver> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`.
        unsafe { bindings::rtnl_link_unregister(self.ops.0.get()) }
    }
}
