// SPDX-License-Identifier: GPL-2.0

//! Rust veth: pairs of virtual ethernet devices joined by a virtual cable.
//!
//! A re-implementation in Rust of the C driver drivers/net/veth.c: what one
//! end of a pair transmits, the other end receives, through
//! `__dev_forward_skb` and `__netif_rx`. The sections follow veth.c's order
//! (ethtool, datapath and ndo ops, rtnl ops, module init) and names.
//! All `unsafe` code lives in the abstraction layer `netdev.rs`.

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{prelude::*, sync::rcu};

mod netdev;

use netdev::{
    configure_link, create_link, features as nf, ifla, inherit_tso_max, priv_flags, veth_info,
    Attrs, Channels, DevName, Device, Driver, DrvInfo, ExtAck, LinkDevice, LinkOps, LinkSettings,
    NameAssign, Net, NewLinkParams, PeerAttrs, PeerLink, Policy, Rtnl, SetupDevice, SkBuff,
    Stats64, StringParam, Strings, TxStatus, UnregisterList, ETH_ALEN, ETH_HLEN, ETH_MAX_MTU,
    ETH_MIN_MTU, ETH_SS_STATS, GSO_MAX_SIZE, IFINFOMSG_LEN,
};

const DRV_VERSION: &[u8] = b"1.0";

/// The rtnl link kind the module registers, `veth_rs` unless loaded with
/// `kind=veth` to replace the C veth.
static KIND: StringParam<16> = StringParam::new(b"veth_rs");
netdev::module_param_string!(
    KIND,
    "kind",
    "rtnl link kind to register: veth_rs (default), or veth to stand in for veth.ko"
);

module! {
    type: VethModule,
    name: "veth_rs",
    authors: ["The veth_rs developers"],
    description: "Virtual Ethernet Tunnel, in Rust",
    license: "GPL v2",
    alias: ["rtnl-link-veth_rs"],
}

/// The private data of each end of a pair (veth.c's `struct veth_priv`).
#[derive(Default)]
struct VethPriv {
    /// The other end, published by newlink and cleared by dellink.
    peer: PeerLink<Veth>,
    /// Packets this end failed to deliver to its peer.
    dropped: AtomicU64,
}

/// The veth_rs driver.
struct Veth;

/*
 * ethtool interface
 */

/// Names of the `ethtool -S` statistics.
const ETHTOOL_STATS_KEYS: [&[u8]; 1] = [b"peer_ifindex"];

/*
 * general routines
 */

fn is_valid_veth_mtu(mtu: u32) -> bool {
    (ETH_MIN_MTU..=ETH_MAX_MTU).contains(&mtu)
}

/// Unicast and not all zeroes (`is_valid_ether_addr`).
fn is_valid_ether_addr(addr: &[u8]) -> bool {
    addr.len() == ETH_ALEN && addr[0] & 1 == 0 && addr.iter().any(|&b| b != 0)
}

/// Without explicit queue counts, a new end uses one queue of each kind.
fn veth_init_queues(dev: &Device<Veth>, tb: &Attrs<'_>, rtnl: &Rtnl) -> Result {
    if tb.get(ifla::NUM_TX_QUEUES).is_none() && dev.num_tx_queues() > 1 {
        dev.set_real_num_tx_queues(1, rtnl)?;
    }
    if tb.get(ifla::NUM_RX_QUEUES).is_none() && dev.num_rx_queues() > 1 {
        dev.set_real_num_rx_queues(1, rtnl)?;
    }
    Ok(())
}

/// The queue limit of a new device: one per possible CPU, capped as
/// `rtnl_create_link` caps it.
fn veth_get_num_queues() -> u32 {
    netdev::num_possible_cpus().min(4096)
}

const VETH_FEATURES: nf::Features = nf::SG
    | nf::FRAGLIST
    | nf::HW_CSUM
    | nf::RXCSUM
    | nf::SCTP_CRC
    | nf::HIGHDMA
    | nf::GSO_SOFTWARE
    | nf::GSO_ENCAP_ALL
    | nf::HW_VLAN_CTAG_TX
    | nf::HW_VLAN_CTAG_RX
    | nf::HW_VLAN_STAG_TX
    | nf::HW_VLAN_STAG_RX;

const VLAN_OFFLOADS: nf::Features =
    nf::HW_VLAN_CTAG_TX | nf::HW_VLAN_STAG_TX | nf::HW_VLAN_CTAG_RX | nf::HW_VLAN_STAG_RX;

#[vtable]
impl Driver for Veth {
    type Priv = VethPriv;

    const MAX_TYPE: usize = veth_info::MAX;
    const PEER_TYPE: u16 = veth_info::PEER as u16;
    const POLICY: &'static [Policy] = &[Policy::NONE, Policy::min_len(IFINFOMSG_LEN)];

    /*
     * ethtool interface
     */

    fn get_drvinfo(_dev: &Device<Self>, info: &mut DrvInfo<'_>) {
        info.set(KIND.value(), DRV_VERSION);
    }

    fn get_link_ksettings(_dev: &Device<Self>, s: &mut LinkSettings<'_>) {
        s.set_fixed(10000);
    }

    fn get_sset_count(_dev: &Device<Self>, sset: u32) -> Result<u32> {
        match sset {
            ETH_SS_STATS => Ok(ETHTOOL_STATS_KEYS.len() as u32),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn get_strings(_dev: &Device<Self>, sset: u32, out: &mut Strings<'_>) {
        if sset == ETH_SS_STATS {
            for (i, key) in ETHTOOL_STATS_KEYS.iter().enumerate() {
                out.set(i, key);
            }
        }
    }

    fn get_ethtool_stats(dev: &Device<Self>, data: &mut [u64], rtnl: &Rtnl) {
        let peer = dev.drv_priv().peer.get_rtnl(rtnl);
        if let Some(slot) = data.first_mut() {
            *slot = peer.map_or(0, |p| p.ifindex() as u64);
        }
    }

    fn get_channels(dev: &Device<Self>, ch: &mut Channels<'_>) {
        ch.set(
            dev.real_num_rx_queues(),
            dev.real_num_tx_queues(),
            dev.num_rx_queues(),
            dev.num_tx_queues(),
        );
    }

    /*
     * datapath and ndo ops
     */

    fn start_xmit(mut skb: SkBuff, dev: &Device<Self>) -> TxStatus {
        let priv_ = dev.drv_priv();
        let length = skb.len();
        let rcu = rcu::read_lock();

        let rcv = match priv_.peer.get(&rcu) {
            Some(rcv) if skb.may_pull(ETH_HLEN) => rcv,
            _ => {
                drop(skb);
                priv_.dropped.fetch_add(1, Ordering::Relaxed);
                return TxStatus::Drop;
            }
        };

        skb.tx_timestamp();
        match rcv.forward_skb(skb) {
            Ok(()) => {
                dev.tx_stats_add(1, length);
                TxStatus::Ok
            }
            Err(netdev::Dropped) => {
                priv_.dropped.fetch_add(1, Ordering::Relaxed);
                TxStatus::Drop
            }
        }
    }

    fn get_stats64(dev: &Device<Self>, tot: &mut Stats64) {
        let priv_ = dev.drv_priv();

        tot.set_dropped(priv_.dropped.load(Ordering::Relaxed), 0);
        dev.fetch_sw_stats(tot);

        // What the peer sent is what this end received.
        let rcu = rcu::read_lock();
        if let Some(peer) = priv_.peer.get(&rcu) {
            let mut tot_peer = Stats64::new();
            peer.fetch_sw_stats(&mut tot_peer);
            let (packets, bytes) = tot_peer.tx();
            tot.add_rx(packets, bytes);
        }
    }

    fn get_peer_dev<'a>(dev: &Device<Self>, rcu: &'a rcu::Guard) -> Option<&'a Device<Self>> {
        dev.drv_priv().peer.get(rcu)
    }

    fn open(dev: &Device<Self>, rtnl: &Rtnl) -> Result {
        let peer = dev.drv_priv().peer.get_rtnl(rtnl).ok_or(ENOTCONN)?;

        if peer.is_up() {
            dev.carrier_on();
            peer.carrier_on();
        }
        Ok(())
    }

    fn stop(dev: &Device<Self>, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        if let Some(peer) = dev.drv_priv().peer.get_rtnl(rtnl) {
            peer.carrier_off();
        }
        Ok(())
    }

    fn get_iflink(dev: &Device<Self>) -> i32 {
        let rcu = rcu::read_lock();
        dev.drv_priv().peer.get(&rcu).map_or(0, |p| p.ifindex())
    }

    fn setup(dev: &mut SetupDevice<'_, Self>) {
        dev.ether_setup();

        dev.update_priv_flags(
            priv_flags::LIVE_ADDR_CHANGE
                | priv_flags::NO_QUEUE
                | priv_flags::PHONY_HEADROOM
                | priv_flags::DISABLE_NETPOLL,
            priv_flags::TX_SKB_SHARING,
        );
        dev.set_lltx();

        let features = dev.features() | VETH_FEATURES;
        dev.set_features(
            features,
            VETH_FEATURES,
            features & !VLAN_OFFLOADS,
            VETH_FEATURES,
            nf::HW_CSUM | nf::GSO_SOFTWARE,
        );
        dev.set_max_mtu(ETH_MAX_MTU);
        dev.set_tso_max_size(GSO_MAX_SIZE);
    }

    /*
     * netlink interface
     */

    fn validate(tb: &Attrs<'_>, _data: Option<&Attrs<'_>>) -> Result {
        if let Some(addr) = tb.get(ifla::ADDRESS) {
            if addr.data().len() != ETH_ALEN {
                return Err(EINVAL);
            }
            if !is_valid_ether_addr(addr.data()) {
                return Err(EADDRNOTAVAIL);
            }
        }
        if let Some(mtu) = tb.get(ifla::MTU) {
            if !mtu.as_u32().is_some_and(is_valid_veth_mtu) {
                return Err(EINVAL);
            }
        }
        Ok(())
    }

    fn newlink(
        mut dev: LinkDevice<'_, Self>,
        params: &NewLinkParams<'_>,
        extack: &ExtAck,
        ops: &LinkOps<Self>,
        rtnl: &Rtnl,
    ) -> Result {
        let tb = params.tb();

        // Create and register the peer first.
        let peer_attrs = match params.data().and_then(|d| d.get(veth_info::PEER)) {
            Some(nla_peer) => Some(PeerAttrs::parse(nla_peer, extack)?),
            None => None,
        };
        let (ifmp, tbp) = match &peer_attrs {
            Some(p) => (Some(p.ifinfo()), p.attrs()),
            None => (None, params.tb()),
        };

        let (ifname, name_assign_type) = match (ifmp, tbp.get(ifla::IFNAME)) {
            (Some(_), Some(name)) => (DevName::from_attr(name), NameAssign::User),
            _ => (DevName::pattern(KIND.value()), NameAssign::Enum),
        };

        let mut peer = create_link(
            params.peer_net(),
            &ifname,
            name_assign_type,
            &tbp,
            extack,
            ops,
            rtnl,
        )?;

        if ifmp.is_none() || tbp.get(ifla::ADDRESS).is_none() {
            peer.random_mac();
        }
        if let Some(ifmp) = ifmp {
            if dev.dev().ifindex() != 0 {
                peer.set_ifindex(ifmp.index());
            }
        }
        inherit_tso_max(&peer, &dev);

        // From here on, dropping `peer` unregisters it.
        let peer = peer.register(rtnl)?;

        // Keep GRO disabled by default, as veth always has.
        peer.dev().disable_features(nf::GRO, rtnl);
        peer.dev().carrier_off();

        configure_link(&peer, ifmp)?;

        // Register dev last; since the peer took a name, dev's is resolved
        // again.
        if tb.get(ifla::ADDRESS).is_none() {
            dev.random_mac();
        }
        match tb.get(ifla::IFNAME) {
            Some(name) => dev.set_name(&DevName::from_attr(name)),
            None => dev.set_name(&DevName::pattern(KIND.value())),
        }

        // From here on, dropping `dev` unregisters it (before the peer).
        let dev = dev.register(rtnl)?;
        dev.dev().carrier_off();

        // Tie the devices together.
        let priv_ = dev.dev().drv_priv();
        priv_.peer.publish(peer.dev(), rtnl);
        if let Err(e) = veth_init_queues(dev.dev(), &tb, rtnl) {
            drop(priv_.peer.take(rtnl));
            return Err(e);
        }

        let peer_priv = peer.dev().drv_priv();
        peer_priv.peer.publish(dev.dev(), rtnl);
        if let Err(e) = veth_init_queues(peer.dev(), &tb, rtnl) {
            drop(peer_priv.peer.take(rtnl));
            drop(priv_.peer.take(rtnl));
            return Err(e);
        }

        dev.dev().disable_features(nf::GRO, rtnl);

        dev.keep();
        peer.keep();
        Ok(())
    }

    fn dellink(dev: &Device<Self>, list: &mut UnregisterList, rtnl: &Rtnl) {
        // The first end to go clears both links; deleting either end (or its
        // namespace) deletes both.
        let Some(peer) = dev.drv_priv().peer.take(rtnl) else {
            return;
        };
        dev.unregister_queue(list, rtnl);

        let peer_dev = peer.dev();
        let back = peer_dev.drv_priv().peer.take(rtnl);
        if let Some(back) = &back {
            peer_dev.unregister_queue_net(back.dev().net(), list, rtnl);
        }
        // Dropping `back` and `peer` puts the references the links held.
    }

    fn get_link_net<'a>(dev: &'a Device<Self>, rcu: &'a rcu::Guard) -> &'a Net {
        match dev.drv_priv().peer.get(rcu) {
            Some(peer) => peer.net(),
            None => dev.net(),
        }
    }

    fn get_num_tx_queues() -> u32 {
        veth_get_num_queues()
    }

    fn get_num_rx_queues() -> u32 {
        veth_get_num_queues()
    }
}

/*
 * init/fini
 */

struct VethModule {
    _reg: netdev::Registration<Veth>,
}

impl kernel::Module for VethModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let kind = KIND.value();
        let name = netdev::Kind::new(kind).inspect_err(|_| {
            pr_err!("kind must be 1 to 15 characters\n");
        })?;
        let reg = netdev::Registration::register(name).inspect_err(|e| {
            if *e == EEXIST {
                pr_err!(
                    "link kind '{}' is already registered (is veth.ko loaded? unload it first: rmmod veth)\n",
                    kernel::str::BStr::from_bytes(kind)
                );
            }
        })?;
        pr_info!(
            "registered link kind '{}'\n",
            kernel::str::BStr::from_bytes(kind)
        );
        Ok(Self { _reg: reg })
    }
}
