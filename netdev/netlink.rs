// SPDX-License-Identifier: GPL-2.0

//! Netlink attributes of rtnetlink requests: attribute tables, the peer
//! description nested in a newlink request, the extended ack, policies.
//!
//! C headers: [`include/net/netlink.h`](srctree/include/net/netlink.h),
//! [`include/net/rtnetlink.h`](srctree/include/net/rtnetlink.h).

use super::{
    bindings,
    Net, //
};
use core::{
    marker::PhantomData,
    mem::size_of,
    ptr, //
};
use kernel::{
    error::to_result,
    prelude::*,
    types::Opaque, //
};

/// Length of the `struct ifinfomsg` header a peer attribute starts with.
pub(crate) const IFINFOMSG_LEN: u16 = size_of::<bindings::ifinfomsg>() as u16;

/// The `IFLA_*` attributes the drivers read.
pub(crate) mod ifla {
    use super::bindings;
    /// The device's name.
    pub(crate) const IFNAME: usize = bindings::IFLA_IFNAME as usize;
    /// The device's MAC address.
    pub(crate) const ADDRESS: usize = bindings::IFLA_ADDRESS as usize;
    /// The device's MTU.
    pub(crate) const MTU: usize = bindings::IFLA_MTU as usize;
    /// The number of tx queues.
    pub(crate) const NUM_TX_QUEUES: usize = bindings::IFLA_NUM_TX_QUEUES as usize;
    /// The number of rx queues.
    pub(crate) const NUM_RX_QUEUES: usize = bindings::IFLA_NUM_RX_QUEUES as usize;
    /// Highest `IFLA_*` number.
    pub(crate) const MAX: usize = bindings::__IFLA_MAX as usize - 1;
}

/// `VETH_INFO_*` attributes (uapi/linux/veth.h).
pub(crate) mod veth_info {
    use super::bindings;
    /// The nested attribute that describes the peer.
    pub(crate) const PEER: usize = bindings::VETH_INFO_PEER as usize;
    /// Highest `VETH_INFO_*` number.
    pub(crate) const MAX: usize = bindings::__VETH_INFO_MAX as usize - 1;
}

/// The netlink extended ack of a request.
///
/// # Examples
///
/// Refusing a request with a message for `ip` to print:
///
/// ```no_run
/// use crate::netdev::{ifla, ExtAck, NewLinkParams};
///
/// fn check_mtu(params: &NewLinkParams<'_>, extack: &ExtAck) -> Result {
///     match params.tb().get(ifla::MTU).and_then(|a| a.as_u32()) {
///         Some(mtu) if mtu < 68 => {
///             extack.set_msg(c"MTU too small");
///             Err(EINVAL)
///         }
///         _ => Ok(()),
///     }
/// }
/// ```
pub(crate) struct ExtAck(*mut bindings::netlink_ext_ack);

impl ExtAck {
    /// # Safety
    ///
    /// `ptr` is null or the extended ack of the request being handled,
    /// valid for the lifetime of the value.
    pub(super) unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
        Self(ptr)
    }

    pub(super) fn as_raw(&self) -> *mut bindings::netlink_ext_ack {
        self.0
    }

    /// Sets the error message sent back with the reply
    /// (`NL_SET_ERR_MSG`), when the request has an extended ack.
    pub(crate) fn set_msg(&self, msg: &'static CStr) {
        if !self.0.is_null() {
            // SAFETY: By the contract of `from_raw`, the only maker of an
            // `ExtAck`, it is valid while `self` lives; the message is
            // 'static.
            unsafe { (*self.0)._msg = msg.as_char_ptr() };
        }
    }
}

/// A netlink attribute (`struct nlattr`) of a request being handled.
#[repr(transparent)]
pub(crate) struct Attr(Opaque<bindings::nlattr>);

/// Length of a netlink attribute header (`NLA_HDRLEN`).
const NLA_HDRLEN: usize = 4;
const _: () = assert!(size_of::<bindings::nlattr>() == NLA_HDRLEN);

impl Attr {
    pub(super) fn as_raw(&self) -> *const bindings::nlattr {
        self.0.get()
    }

    /// The payload (`nla_data`, `nla_len`).
    pub(crate) fn data(&self) -> &[u8] {
        // SAFETY: The netlink core checked that the attribute's length lies
        // within the message, which outlives the callback.
        unsafe {
            let len = usize::from((*self.as_raw()).nla_len).saturating_sub(NLA_HDRLEN);
            core::slice::from_raw_parts(self.as_raw().cast::<u8>().add(NLA_HDRLEN), len)
        }
    }

    /// The payload as a native-endian u32 (`nla_get_u32`); `None` if short.
    pub(crate) fn as_u32(&self) -> Option<u32> {
        let d = self.data().get(..4)?;
        Some(u32::from_ne_bytes([d[0], d[1], d[2], d[3]]))
    }
}

/// A parsed attribute table (`struct nlattr *tb[]`) of a request.
pub(crate) struct Attrs<'a> {
    table: *const *mut bindings::nlattr,
    len: usize,
    _p: PhantomData<&'a Attr>,
}

impl<'a> Attrs<'a> {
    /// # Safety
    ///
    /// `table` is null or points to `len` attribute pointers, each null or
    /// a valid attribute, all valid for `'a`.
    pub(super) unsafe fn from_raw(table: *const *mut bindings::nlattr, len: usize) -> Option<Self> {
        (!table.is_null()).then_some(Self {
            table,
            len,
            _p: PhantomData,
        })
    }

    pub(super) fn as_raw(&self) -> *const *mut bindings::nlattr {
        self.table
    }

    /// The number of entries of the table.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Attribute number `i`, if present.
    pub(crate) fn get(&self, i: usize) -> Option<&'a Attr> {
        if i >= self.len {
            return None;
        }
        // SAFETY: `i < len`; each entry is null or valid for `'a`.
        unsafe { self.table.add(i).read().cast::<Attr>().as_ref() }
    }
}

/// The `struct ifinfomsg` at the start of a peer attribute.
pub(crate) struct IfInfo(*const bindings::ifinfomsg);

impl IfInfo {
    pub(super) fn as_raw(&self) -> *const bindings::ifinfomsg {
        self.0
    }

    /// The interface index asked for (0: any).
    pub(crate) fn index(&self) -> i32 {
        // SAFETY: `PeerAttrs::parse`, the only maker of an `IfInfo`,
        // checked that the attribute holds a whole ifinfomsg, which lives
        // as long as the request; netlink payloads are 4-byte aligned.
        unsafe { (*self.0).ifi_index }
    }
}

/// The attributes nested in a peer attribute (`VETH_INFO_PEER`): an
/// `ifinfomsg` followed by IFLA attributes, parsed into a table.
///
/// # Examples
///
/// The peer's MTU, if the request gives one:
///
/// ```no_run
/// use crate::netdev::{ifla, veth_info, Attrs, ExtAck, PeerAttrs, PeerTable};
///
/// fn peer_mtu(data: &Attrs<'_>, extack: &ExtAck) -> Result<Option<u32>> {
///     let Some(nla) = data.get(veth_info::PEER) else {
///         return Ok(None);
///     };
///     let mut table = PeerTable::new();
///     let peer = PeerAttrs::parse(nla, extack, &mut table)?;
///     Ok(peer.attrs().get(ifla::MTU).and_then(|a| a.as_u32()))
/// }
/// ```
pub(crate) struct PeerAttrs<'a> {
    ifm: IfInfo,
    table: &'a [*mut bindings::nlattr; ifla::MAX + 1],
}

/// The room a peer's IFLA table (`struct nlattr *tb[IFLA_MAX + 1]`, 560
/// bytes) is parsed into, owned by the caller of [`PeerAttrs::parse`]:
/// the table is filled where it lies instead of being returned by value
/// (a copy per pair made, measured in the control path's profile).
pub(crate) struct PeerTable([*mut bindings::nlattr; ifla::MAX + 1]);

impl PeerTable {
    /// An empty table.
    pub(crate) const fn new() -> Self {
        Self([ptr::null_mut(); ifla::MAX + 1])
    }
}

impl<'a> PeerAttrs<'a> {
    /// Parses `nla` (`rtnl_nla_parse_ifinfomsg`) into `table`.
    pub(crate) fn parse(nla: &'a Attr, extack: &ExtAck, table: &'a mut PeerTable) -> Result<Self> {
        if nla.data().len() < usize::from(IFINFOMSG_LEN) {
            return Err(EINVAL);
        }
        // SAFETY: `table` has IFLA_MAX + 1 entries, `nla` is valid and
        // long enough for its ifinfomsg (checked above).
        to_result(unsafe {
            bindings::rtnl_nla_parse_ifinfomsg(table.0.as_mut_ptr(), nla.as_raw(), extack.0)
        })?;
        Ok(Self {
            ifm: IfInfo(nla.data().as_ptr().cast()),
            table: &table.0,
        })
    }

    /// The peer's `ifinfomsg`.
    pub(crate) fn ifinfo(&self) -> &IfInfo {
        &self.ifm
    }

    /// The peer's IFLA attribute table.
    pub(crate) fn attrs(&self) -> Attrs<'_> {
        // SAFETY: `table` has IFLA_MAX + 1 entries pointing into the request.
        unsafe { Attrs::from_raw(self.table.as_ptr(), ifla::MAX + 1) }
            .expect("the table of an existing array is never null")
    }
}

/// The parameters of a newlink request (`struct rtnl_newlink_params`).
pub(crate) struct NewLinkParams<'a> {
    raw: &'a bindings::rtnl_newlink_params,
    data_len: usize,
}

impl<'a> NewLinkParams<'a> {
    /// # Safety
    ///
    /// `raw` are the parameters rtnetlink passes to newlink: `tb` an IFLA
    /// table of IFLA_MAX + 1 entries, `data` null or a table of
    /// `data_len` entries, all valid for `'a`.
    pub(super) unsafe fn new(raw: &'a bindings::rtnl_newlink_params, data_len: usize) -> Self {
        Self { raw, data_len }
    }

    /// The IFLA attributes of the request.
    pub(crate) fn tb(&self) -> Attrs<'a> {
        // SAFETY: rtnetlink passes a table of IFLA_MAX + 1 entries.
        unsafe { Attrs::from_raw(self.raw.tb, ifla::MAX + 1) }
            .expect("rtnetlink always passes an IFLA table")
    }

    /// The IFLA_INFO_DATA attributes (the driver's own), if any.
    pub(crate) fn data(&self) -> Option<Attrs<'a>> {
        // SAFETY: When present the table has `maxtype + 1` entries.
        unsafe { Attrs::from_raw(self.raw.data, self.data_len) }
    }

    /// The namespace the peer goes to (`rtnl_newlink_peer_net`).
    pub(crate) fn peer_net(&self) -> &'a Net {
        let r = self.raw;
        let net = if !r.peer_net.is_null() {
            r.peer_net
        } else if !r.link_net.is_null() {
            r.link_net
        } else {
            r.src_net
        };
        // SAFETY: rtnetlink holds a reference on each of these namespaces
        // for the duration of the request; `src_net` is never null.
        unsafe { &*net.cast::<Net>() }
    }
}

/// A netlink attribute policy entry (`struct nla_policy`).
///
/// # Examples
///
/// veth's policy of IFLA_INFO_DATA: `VETH_INFO_PEER` holds at least an
/// `ifinfomsg`.
///
/// ```
/// use crate::netdev::{veth_info, Policy, IFINFOMSG_LEN};
///
/// const POLICY: [Policy; veth_info::MAX + 1] = {
///     let mut p = [Policy::NONE; veth_info::MAX + 1];
///     p[veth_info::PEER] = Policy::min_len(IFINFOMSG_LEN);
///     p
/// };
/// assert_eq!(POLICY.len(), veth_info::MAX + 1);
/// ```
#[repr(transparent)]
pub(crate) struct Policy(bindings::nla_policy);

impl Policy {
    /// No constraint.
    pub(crate) const NONE: Self = Self(zeroed_policy());

    /// An attribute of at least `len` bytes.
    pub(crate) const fn min_len(len: u16) -> Self {
        let mut p = zeroed_policy();
        p.len = len;
        Self(p)
    }
}

/// All zeroes: type NLA_UNSPEC, no validation.
const fn zeroed_policy() -> bindings::nla_policy {
    pin_init::zeroed()
}
