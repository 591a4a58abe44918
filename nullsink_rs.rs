// SPDX-License-Identifier: GPL-2.0

//! nullsink_rs: a device that swallows every packet sent to it, as the C
//! `dummy` driver does, written on the layer of veth_rs (`netdev.rs`) to
//! show that the layer is a layer: this driver implements the few
//! operations it needs, and the C tables get NULL for the others.
//!
//! `ip link add NAME type nullsink_rs [address A] [mtu M]`: what NAME
//! transmits is counted (tx packets and bytes) and freed; `ethtool -S NAME`
//! shows the largest frame it was sent, kept under a lock in the device's
//! private data (initialised in place).

#![deny(unsafe_code)]

use kernel::prelude::*;

// The layer serves veth_rs too: what this driver does not use is left
// unused.
#[allow(unsafe_code, dead_code, unused_imports, unused_macros)]
mod netdev;

use kernel::{
    new_spinlock,
    sync::SpinLock, //
};
use netdev::{
    ifla,
    priv_flags,
    state::Registered,
    Device,
    Driver,
    ExtAck,
    LinkDevice,
    LinkOps,
    Linked,
    NewLinkParams,
    Policy,
    Rtnl,
    RxSkBuff,
    SetupDevice,
    SkBuff,
    Stats64,
    Strings,
    TxStatus,
    ETH_MAX_MTU,
    ETH_SS_STATS, //
};

module! {
    type: NullsinkModule,
    name: "nullsink_rs",
    authors: ["The veth_rs developers"],
    description: "A device that drops what it is sent, in Rust",
    license: "GPL v2",
    alias: ["rtnl-link-nullsink_rs"],
}

struct Nullsink;

/// The private data of a device: a lock, initialised in place (it may not
/// move), around the largest frame the device was sent, which
/// `ethtool -S` shows.
#[pin_data]
struct SinkPriv {
    #[pin]
    largest: SpinLock<u32>,
}

#[vtable]
impl Driver for Nullsink {
    type Priv = SinkPriv;
    type RqPriv = ();
    type RingItem = RxSkBuff;

    const MAX_TYPE: usize = 0;
    const PEER_TYPE: u16 = 0;
    const POLICY: &'static [Policy] = &[Policy::NONE];

    fn init_priv() -> impl PinInit<SinkPriv> {
        pin_init!(SinkPriv {
            largest <- new_spinlock!(0, "nullsink_rs largest"),
        })
    }

    fn setup(dev: &mut SetupDevice<'_, Self>) {
        dev.ether_setup();
        // No qdisc, any MAC change while up, shared skbs refused, as dummy.
        dev.update_priv_flags(
            priv_flags::LIVE_ADDR_CHANGE | priv_flags::NO_QUEUE,
            priv_flags::TX_SKB_SHARING,
        );
        dev.set_lltx();
        dev.set_max_mtu(ETH_MAX_MTU);
    }

    fn newlink<'a>(
        mut dev: LinkDevice<'a, Self>,
        params: &NewLinkParams<'_>,
        _extack: &ExtAck,
        _ops: &LinkOps<Self>,
        rtnl: &'a Rtnl,
    ) -> Result<Linked<'a>> {
        if params.tb().get(ifla::ADDRESS).is_none() {
            dev.random_mac();
        }
        Ok(dev.register(rtnl)?.keep())
    }

    fn start_xmit(skb: SkBuff, dev: &Device<Self, Registered>) -> TxStatus {
        let len = skb.len();
        dev.tx_stats_add(1, len);
        let mut largest = dev.drv_priv().largest.lock();
        *largest = (*largest).max(len);
        drop(largest);
        skb.consume();
        TxStatus::Ok
    }

    fn get_sset_count(_dev: &Device<Self>, sset: u32) -> Result<u32> {
        match sset {
            ETH_SS_STATS => Ok(1),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn get_strings(_dev: &Device<Self>, sset: u32, out: &mut Strings<'_>) {
        if sset == ETH_SS_STATS {
            out.set(0, b"largest_frame");
        }
    }

    fn get_ethtool_stats(dev: &Device<Self>, data: &mut [u64], _rtnl: &Rtnl) {
        if let Some(slot) = data.first_mut() {
            *slot = u64::from(*dev.drv_priv().largest.lock());
        }
    }

    fn get_stats64(dev: &Device<Self, Registered>, stats: &mut Stats64) {
        dev.fetch_sw_stats(stats);
    }
}

struct NullsinkModule {
    _reg: netdev::Registration<Nullsink>,
}

impl kernel::Module for NullsinkModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let kind = netdev::Kind::new(b"nullsink_rs")?;
        Ok(Self {
            _reg: netdev::Registration::register(kind)?,
        })
    }
}
