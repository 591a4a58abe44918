// SPDX-License-Identifier: GPL-2.0

//! nullsink_rs: a device that swallows every packet sent to it, as the C
//! `dummy` driver does, written on the layer of veth_rs (`netdev.rs`) to
//! show that the layer is a layer: this driver implements the three
//! operations it needs, and the C tables get NULL for the others.
//!
//! `ip link add NAME type nullsink_rs [address A] [mtu M]`: what NAME
//! transmits is counted (tx packets and bytes) and freed.

#![deny(unsafe_code)]

use kernel::prelude::*;

// The layer serves veth_rs too: what this driver does not use is left
// unused.
#[allow(unsafe_code, dead_code, unused_imports, unused_macros)]
mod netdev;

use netdev::{
    ifla, priv_flags, state::Registered, Device, Driver, ExtAck, LinkDevice, LinkOps,
    NewLinkParams, Policy, Rtnl, SetupDevice, SkBuff, Stats64, TxStatus, ETH_MAX_MTU,
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

#[vtable]
impl Driver for Nullsink {
    type Priv = ();
    type RqPriv = ();

    const MAX_TYPE: usize = 0;
    const PEER_TYPE: u16 = 0;
    const POLICY: &'static [Policy] = &[Policy::NONE];

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

    fn newlink(
        mut dev: LinkDevice<'_, Self>,
        params: &NewLinkParams<'_>,
        _extack: &ExtAck,
        _ops: &LinkOps<Self>,
        rtnl: &Rtnl,
    ) -> Result {
        if params.tb().get(ifla::ADDRESS).is_none() {
            dev.random_mac();
        }
        dev.register(rtnl)?.keep();
        Ok(())
    }

    fn start_xmit(skb: SkBuff, dev: &Device<Self, Registered>) -> TxStatus {
        dev.tx_stats_add(1, skb.len());
        skb.consume();
        TxStatus::Ok
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
