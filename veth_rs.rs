// SPDX-License-Identifier: GPL-2.0

//! Rust veth: pairs of virtual ethernet devices joined by a virtual cable.
//!
//! A re-implementation in Rust of the C driver drivers/net/veth.c: what one
//! end of a pair transmits, the other end receives, through
//! `__dev_forward_skb` and `__netif_rx`. The sections follow veth.c's order
//! (ethtool, datapath and ndo ops, rtnl ops, module init) and names.
//! All `unsafe` code lives in the abstraction layer `netdev.rs`: the
//! driver itself may not use any, as the crate's lint level enforces.

#![deny(unsafe_code)]

use core::{
    ops::Range,
    sync::atomic::{
        AtomicU32,
        AtomicU64,
        Ordering, //
    }, //
};
use kernel::{
    page::PAGE_SIZE,
    prelude::*,
    sync::rcu, //
};

#[allow(unsafe_code)]
mod netdev;

// A misuse of the layer that must not compile, built only by
// `make compile-fail` (tests/compile_fail/run.sh), in a scratch copy of the
// tree that holds the case as compile_fail_case.rs.
#[cfg(veth_rs_compile_fail)]
#[allow(dead_code)]
mod compile_fail_case {
    include!("compile_fail_case.rs");
}

use netdev::{
    configure_link,
    create_link,
    features as nf,
    ifla,
    inherit_tso_max,
    priv_flags,
    state::Registered,
    veth_info,
    xdp_caps,
    Attrs,
    BpfProg,
    Channels,
    DevName,
    Device,
    Driver,
    DrvInfo,
    ExtAck,
    FrameBatch,
    LinkDevice,
    LinkOps,
    LinkSettings,
    Linked,
    NameAssign,
    Napi,
    Net,
    NewLinkParams,
    OneOf,
    PeerAttrs,
    PeerLink,
    PeerTable,
    Policy,
    PollDone,
    Rtnl,
    RxQueue,
    RxSkBuff,
    SetupDevice,
    SkBuff,
    Stats64,
    StringParam,
    Strings,
    TxStatus,
    UnregisterList,
    XdpFrame,
    XdpFrames,
    XdpVerdict,
    ETH_ALEN,
    ETH_HLEN,
    ETH_MAX_MTU,
    ETH_MIN_MTU,
    ETH_SS_STATS,
    GSO_MAX_SIZE,
    IFINFOMSG_LEN, //
};
use OneOf::{
    First as Skb,
    Second as Frame, //
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
    /// The rx headroom asked of this end by a device stacked on it.
    requested_headroom: AtomicU32,
}

/// The counters of a receive queue (veth.c's `struct veth_stats` of a
/// `veth_rq`), written by the queue's NAPI poll, except the `peer_tq_*`
/// ones, written by the senders of `ndo_xdp_xmit` on any CPU.
#[derive(Default)]
struct VethRqStats {
    xdp_packets: AtomicU64,
    xdp_bytes: AtomicU64,
    rx_drops: AtomicU64,
    xdp_redirect: AtomicU64,
    xdp_drops: AtomicU64,
    xdp_tx: AtomicU64,
    xdp_tx_err: AtomicU64,
    peer_tq_xdp_xmit: AtomicU64,
    peer_tq_xdp_xmit_err: AtomicU64,
}

impl VethRqStats {
    /// Adds to a counter whose only writer is the NAPI poll.
    fn add(counter: &AtomicU64, n: u64) {
        if n != 0 {
            counter.store(counter.load(Ordering::Relaxed) + n, Ordering::Relaxed);
        }
    }

    /// The rx queue counters in `ethtool -S` order (`VETH_RQ_STATS_DESC`).
    fn rq_values(&self) -> [u64; 7] {
        [
            &self.xdp_packets,
            &self.xdp_bytes,
            &self.rx_drops,
            &self.xdp_redirect,
            &self.xdp_drops,
            &self.xdp_tx,
            &self.xdp_tx_err,
        ]
        .map(|c| c.load(Ordering::Relaxed))
    }
}

/// What one NAPI poll counted, added to the queue's counters at its end.
#[derive(Default)]
struct PollStats {
    xdp_bytes: u64,
    rx_drops: u64,
    xdp_redirect: u64,
    xdp_drops: u64,
    xdp_tx: u64,
}

/// The veth_rs driver.
struct Veth;

/*
 * ethtool interface
 */

/// Names of the `ethtool -S` statistics of the device.
const ETHTOOL_STATS_KEYS: [&str; 1] = ["peer_ifindex"];

/// Names of the `ethtool -S` statistics of each rx queue
/// (`rx_queue_N_NAME`), as veth.c's.
const VETH_RQ_STATS_DESC: [&str; 7] = [
    "xdp_packets",
    "xdp_bytes",
    "drops",
    "xdp_redirect",
    "xdp_drops",
    "xdp_tx",
    "xdp_tx_errors",
];

/// Names of the `ethtool -S` statistics of each tx queue
/// (`tx_queue_N_NAME`), counted by the peer's rx queues in XDP mode.
const VETH_TQ_STATS_DESC: [&str; 2] = ["xdp_xmit", "xdp_xmit_errors"];

/*
 * general routines
 */

/// Whether the skb may be aggregated by GRO on the peer: anything when the
/// sender does no TSO, else only local UDP that the receiver can aggregate
/// (veth.c's `veth_skb_is_eligible_for_gro`).
fn veth_skb_is_eligible_for_gro(dev: &Device<Veth>, rcv: &Device<Veth>, skb: &SkBuff) -> bool {
    dev.features() & nf::ALL_TSO == 0
        || (skb.is_sock_wfree() && rcv.features() & (nf::GRO_FRAGLIST | nf::GRO_UDP_FWD) != 0)
}

/// The sums over the receive queues of a device that its stats need.
#[derive(Default)]
struct VethStatsRx {
    packets: u64,
    bytes: u64,
    drops: u64,
    xdp_tx_err: u64,
    peer_tq_xdp_xmit_err: u64,
}

/// Sums the counters of the receive queues of `dev`.
fn veth_stats_rx(dev: &Device<Veth>) -> VethStatsRx {
    let mut r = VethStatsRx::default();
    for rq in dev.rx_queues() {
        let s = rq.drv();
        r.packets += s.xdp_packets.load(Ordering::Relaxed);
        r.bytes += s.xdp_bytes.load(Ordering::Relaxed);
        r.drops += s.rx_drops.load(Ordering::Relaxed);
        r.xdp_tx_err += s.xdp_tx_err.load(Ordering::Relaxed);
        r.peer_tq_xdp_xmit_err += s.peer_tq_xdp_xmit_err.load(Ordering::Relaxed);
    }
    r
}

/*
 * XDP
 */

/// Headroom of the buffers XDP runs on (veth.c's `VETH_XDP_HEADROOM`).
const VETH_XDP_HEADROOM: u32 = netdev::PACKET_HEADROOM + netdev::NET_IP_ALIGN;

/// Size of each receive queue's ring, and of its page pool.
const VETH_RING_SIZE: u32 = 256;

/// What the rings of veth's receive queues hold: skbs from the peer's
/// `ndo_start_xmit`, and frames from `ndo_xdp_xmit` or the peer's `XDP_TX`,
/// told apart by a tag bit (veth.c's `VETH_XDP_FLAG`).
type VethRingItem = OneOf<RxSkBuff, XdpFrame>;

/// Frames a poll gathers before sending them on: its `XDP_TX` bulk queue
/// (`VETH_XDP_TX_BULK_SIZE`) and the frames it passes to the stack
/// (`VETH_XDP_BATCH`), 16 each.
type VethBatch = FrameBatch<16>;

/// The receive queue that `ndo_xdp_xmit` (or `XDP_TX`) on this CPU fills;
/// callers run with BHs off, so the CPU does not change under them.
#[inline]
fn veth_select_rxq(rcv: &Device<Veth>) -> Option<&RxQueue<Veth>> {
    let n = rcv.real_num_rx_queues().max(1);
    rcv.rx_queues().get((netdev::processor_id() % n) as usize)
}

/// Queues frames to the peer's receive ring: from `ndo_xdp_xmit`
/// (`ndo_xmit`, counted on the peer's queue) or from this end's `XDP_TX`.
/// The peer must have NAPI on (GRO or a program), or nothing is sent.
fn veth_xdp_xmit(dev: &Device<Veth>, frames: &XdpFrames<'_>, flags: u32, ndo_xmit: bool) -> Result {
    if flags & !netdev::XMIT_FLAGS_MASK != 0 {
        return Err(EINVAL);
    }
    let rcu = rcu::read_lock();
    let rcv = dev.drv_priv().peer.get(&rcu).ok_or(ENXIO)?;
    let rq = veth_select_rxq(rcv).ok_or(ENXIO)?;
    let napi = rq.napi(&rcu).ok_or(ENXIO)?;

    let max_len = rcv.mtu() + rcv.hard_header_len() + netdev::VLAN_HLEN;
    let sent = napi.produce_frames(frames, max_len);
    if flags & netdev::XMIT_FLUSH != 0 {
        napi.kick();
    }
    if ndo_xmit {
        let s = rq.drv();
        s.peer_tq_xdp_xmit
            .fetch_add(u64::from(sent), Ordering::Relaxed);
        s.peer_tq_xdp_xmit_err
            .fetch_add(u64::from(frames.len() - sent), Ordering::Relaxed);
    }
    Ok(())
}

/// Sends the `XDP_TX` frames of a poll of `rq` out through the peer.
fn veth_xdp_flush_bq(rq: &RxQueue<Veth>, bq: &mut VethBatch) {
    let (sent, drops) = bq.flush(rq.dev(), |frames| veth_xdp_xmit(rq.dev(), frames, 0, false));
    let s = rq.drv();
    VethRqStats::add(&s.xdp_tx, u64::from(sent));
    VethRqStats::add(&s.xdp_tx_err, u64::from(drops));
}

/// Flushes the `XDP_TX` frames and makes the peer's queue poll them.
fn veth_xdp_flush(rq: &RxQueue<Veth>, bq: &mut VethBatch) {
    let rcu = rcu::read_lock();
    veth_xdp_flush_bq(rq, bq);
    let Some(rcv) = rq.dev().drv_priv().peer.get(&rcu) else {
        return;
    };
    if let Some(napi) = veth_select_rxq(rcv).and_then(|q| q.napi(&rcu)) {
        napi.kick();
    }
}

/// Accounts for what the program did with a packet; gives back what goes
/// on to the stack.
fn veth_xdp_verdict<P>(
    rq: &RxQueue<Veth>,
    bq: &mut VethBatch,
    st: &mut PollStats,
    verdict: XdpVerdict<P>,
) -> Option<P> {
    match verdict {
        XdpVerdict::Pass(p) => return Some(p),
        XdpVerdict::Tx(frame) => {
            if bq.is_full() {
                veth_xdp_flush_bq(rq, bq);
            }
            // Room was made just above.
            let _ = bq.push(frame);
            st.xdp_tx += 1;
        }
        XdpVerdict::Redirected => st.xdp_redirect += 1,
        XdpVerdict::Dropped => st.xdp_drops += 1,
        XdpVerdict::Failed => st.rx_drops += 1,
        XdpVerdict::Freed => {}
    }
    None
}

/// Turns NAPI on for the rx queues of `range`, with rings of
/// `VETH_RING_SIZE` (veth.c's `veth_napi_enable_range`): every queue's
/// context and ring are made first, then all are enabled; on failure, no
/// queue of `range` is changed.
fn veth_napi_enable_range(dev: &Device<Veth>, range: Range<u32>, rtnl: &Rtnl) -> Result {
    // The queues are made on first use: a pair without GRO or XDP has none.
    dev.make_rx_queues(rtnl)?;
    let queues = dev.rx_queue_range(range);
    for (i, rq) in queues.iter().enumerate() {
        if let Err(e) = rq.napi_add(VETH_RING_SIZE, rtnl) {
            // Undoes the queues added above; those that were on stay on.
            for rq in &queues[..i] {
                rq.napi_release(rtnl);
            }
            return Err(e);
        }
    }
    for rq in queues {
        rq.napi_enable(rtnl);
    }
    Ok(())
}

/// Takes something readers use under RCU off each rx queue of `range`
/// (`unpublish`: whether the queue had it), then, after one grace period
/// for all of them rather than one each, frees what they used (`free`).
fn veth_range_off(
    dev: &Device<Veth>,
    range: Range<u32>,
    rtnl: &Rtnl,
    unpublish: impl Fn(&RxQueue<Veth>, &Rtnl) -> bool,
    free: impl Fn(&RxQueue<Veth>, &Rtnl),
) {
    let queues = dev.rx_queue_range(range);
    let mut any = false;
    for rq in queues {
        any |= unpublish(rq, rtnl);
    }
    if any {
        netdev::synchronize_net(rtnl);
    }
    for rq in queues {
        free(rq, rtnl);
    }
}

/// Turns NAPI off for the rx queues of `range`, freeing their rings and
/// what is left in them (veth.c's `veth_napi_del_range`).
fn veth_napi_del_range(dev: &Device<Veth>, range: Range<u32>, rtnl: &Rtnl) {
    veth_range_off(
        dev,
        range,
        rtnl,
        RxQueue::napi_disable,
        RxQueue::napi_release,
    );
}

/// Registers the rxq info of the rx queues of `range`, which must have
/// NAPI on and none registered (veth.c's `veth_enable_xdp_range`: its
/// callers register whole ranges or none); on failure, unregisters those
/// before the one that failed again.
fn veth_xdp_rxq_reg_range(dev: &Device<Veth>, range: Range<u32>, rtnl: &Rtnl) -> Result {
    let queues = dev.rx_queue_range(range);
    for (i, rq) in queues.iter().enumerate() {
        if let Err(e) = rq.xdp_rxq_reg(rtnl) {
            for rq in &queues[..i] {
                rq.xdp_rxq_unreg(rtnl);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Unregisters the rxq info of the rx queues of `range` (veth.c's
/// `veth_disable_xdp_range`), their programs withdrawn first.
fn veth_xdp_rxq_unreg_range(dev: &Device<Veth>, range: Range<u32>, rtnl: &Rtnl) {
    veth_range_off(
        dev,
        range,
        rtnl,
        RxQueue::xdp_withdraw,
        RxQueue::xdp_rxq_unreg,
    );
}

/// Gives the rx queues of `range` the device's program, or none.
fn veth_xdp_publish_range(dev: &Device<Veth>, range: Range<u32>, rtnl: &Rtnl) {
    for rq in dev.rx_queue_range(range) {
        rq.xdp_publish(rtnl);
    }
}

/// Sets up the receive queues for XDP: NAPI, the rxq info, the program
/// (veth.c's `veth_enable_xdp`).
fn veth_enable_xdp(dev: &Device<Veth>, rtnl: &Rtnl) -> Result {
    let napi_already_on = veth_gro_requested(dev) && dev.is_up();
    let n = dev.real_num_rx_queues();
    if !dev
        .rx_queues()
        .first()
        .is_some_and(|rq| rq.xdp_rxq_is_reg())
    {
        veth_napi_enable_range(dev, 0..n, rtnl)?;
        if let Err(e) = veth_xdp_rxq_reg_range(dev, 0..n, rtnl) {
            if !napi_already_on {
                veth_napi_del_range(dev, 0..n, rtnl);
            }
            return Err(e);
        }
    }
    veth_xdp_publish_range(dev, 0..n, rtnl);
    Ok(())
}

/// Takes XDP off the receive queues, keeping NAPI for GRO where it is
/// wanted (veth.c's `veth_disable_xdp`).
fn veth_disable_xdp(dev: &Device<Veth>, rtnl: &Rtnl) {
    if !dev.is_running() || !veth_gro_requested(dev) {
        veth_napi_del_range(dev, 0..dev.num_rx_queues(), rtnl);
    }
    veth_xdp_rxq_unreg_range(dev, 0..dev.num_rx_queues(), rtnl);
}

/// Advertises what XDP the device supports, which depends on the peer's
/// queues and on whether the peer polls its rings (veth.c's
/// `veth_set_xdp_features`).
fn veth_set_xdp_features(dev: &Device<Veth>, rtnl: &Rtnl) {
    let peer = dev.drv_priv().peer.get_rtnl(rtnl);
    match peer.filter(|p| p.real_num_tx_queues() <= dev.real_num_rx_queues()) {
        Some(peer) => {
            let mut val = xdp_caps::BASIC | xdp_caps::REDIRECT | xdp_caps::RX_SG;
            if peer.has_xdp_prog(rtnl) || veth_gro_requested(peer) {
                val |= xdp_caps::NDO_XMIT | xdp_caps::NDO_XMIT_SG;
            }
            dev.set_xdp_features(val, rtnl);
        }
        None => dev.set_xdp_features(0, rtnl),
    }
}

fn veth_gro_requested(dev: &Device<Veth>) -> bool {
    dev.wanted_features() & nf::GRO != 0
}

/// Turns NAPI (and XDP) on for rx queues `start..end` where it is wanted.
fn veth_enable_range_safe(dev: &Device<Veth>, start: u32, end: u32, rtnl: &Rtnl) -> Result {
    if start >= end {
        return Ok(());
    }
    if dev.has_xdp_prog(rtnl) {
        veth_napi_enable_range(dev, start..end, rtnl)?;
        if let Err(e) = veth_xdp_rxq_reg_range(dev, start..end, rtnl) {
            veth_napi_del_range(dev, start..end, rtnl);
            return Err(e);
        }
        veth_xdp_publish_range(dev, start..end, rtnl);
    } else if veth_gro_requested(dev) {
        veth_napi_enable_range(dev, start..end, rtnl)?;
    }
    Ok(())
}

/// Turns NAPI and XDP off for rx queues `start..end`.
fn veth_disable_range_safe(dev: &Device<Veth>, start: u32, end: u32, rtnl: &Rtnl) {
    if start < end {
        veth_napi_del_range(dev, start..end, rtnl);
        veth_xdp_rxq_unreg_range(dev, start..end, rtnl);
    }
}

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
    type RqPriv = VethRqStats;
    type RingItem = VethRingItem;

    fn init_priv() -> impl PinInit<VethPriv> {
        VethPriv::default()
    }

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

    fn get_sset_count(dev: &Device<Self>, sset: u32) -> Result<u32> {
        match sset {
            ETH_SS_STATS => Ok(ETHTOOL_STATS_KEYS.len() as u32
                + VETH_RQ_STATS_DESC.len() as u32 * dev.real_num_rx_queues()
                + VETH_TQ_STATS_DESC.len() as u32 * dev.real_num_tx_queues()),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn get_strings(dev: &Device<Self>, sset: u32, out: &mut Strings<'_>) {
        if sset != ETH_SS_STATS {
            return;
        }
        let mut i = 0;
        for key in ETHTOOL_STATS_KEYS {
            out.set(i, key.as_bytes());
            i += 1;
        }
        for q in 0..dev.real_num_rx_queues() {
            for desc in VETH_RQ_STATS_DESC {
                out.set_fmt(i, fmt!("rx_queue_{q}_{desc}"));
                i += 1;
            }
        }
        for q in 0..dev.real_num_tx_queues() {
            for desc in VETH_TQ_STATS_DESC {
                out.set_fmt(i, fmt!("tx_queue_{q}_{desc}"));
                i += 1;
            }
        }
    }

    fn get_ethtool_stats(dev: &Device<Self>, data: &mut [u64], rtnl: &Rtnl) {
        let peer = dev.drv_priv().peer.get_rtnl(rtnl);
        let (head, queues) = data.split_at_mut(ETHTOOL_STATS_KEYS.len().min(data.len()));
        if let Some(slot) = head.first_mut() {
            *slot = peer.map_or(0, |p| p.ifindex() as u64);
        }
        queues.fill(0);
        let rx = dev.real_num_rx_queues() as usize;
        let (rx_slots, tx_slots) =
            queues.split_at_mut((rx * VETH_RQ_STATS_DESC.len()).min(queues.len()));
        for (rq, slots) in dev
            .rx_queues()
            .iter()
            .take(rx)
            .zip(rx_slots.chunks_mut(VETH_RQ_STATS_DESC.len()))
        {
            for (slot, v) in slots.iter_mut().zip(rq.drv().rq_values()) {
                *slot = v;
            }
        }
        // Per tx queue: what `ndo_xdp_xmit` to this end queued on each of
        // the peer's rx queues, folded onto our tx queues.
        let (Some(peer), Some(tx)) = (peer, dev.real_num_tx_queues().checked_sub(1)) else {
            return;
        };
        let tx = tx as usize + 1;
        for (i, rq) in peer
            .rx_queues()
            .iter()
            .take(peer.real_num_rx_queues() as usize)
            .enumerate()
        {
            let base = (i % tx) * VETH_TQ_STATS_DESC.len();
            let s = rq.drv();
            let values = [&s.peer_tq_xdp_xmit, &s.peer_tq_xdp_xmit_err];
            for (j, v) in values.into_iter().enumerate() {
                if let Some(slot) = tx_slots.get_mut(base + j) {
                    *slot += v.load(Ordering::Relaxed);
                }
            }
        }
    }

    fn set_channels(dev: &Device<Self>, rx: u32, tx: u32, rtnl: &Rtnl) -> Result {
        // The core checked the upper bounds.
        if rx == 0 || tx == 0 {
            return Err(EINVAL);
        }
        let peer = dev.drv_priv().peer.get_rtnl(rtnl);
        // Don't break XDP on either end.
        if let Some(peer) = peer {
            if dev.has_xdp_prog(rtnl) && rx < peer.real_num_tx_queues() {
                return Err(EINVAL);
            }
            if peer.has_xdp_prog(rtnl) && tx > peer.real_num_rx_queues() {
                return Err(EINVAL);
            }
        }
        let old_rx = dev.real_num_rx_queues();
        let running = dev.is_running();
        if running {
            // Turn the link off while the queues change.
            dev.carrier_off();
            if let Some(peer) = peer {
                peer.carrier_off();
            }
        }

        // The rx queues whose NAPI must go at the end: those no longer in
        // use, or on failure those just turned on.
        let (result, disable) = 'change: {
            if running {
                if let Err(e) = veth_enable_range_safe(dev, old_rx, rx, rtnl) {
                    break 'change (Err(e), (rx, old_rx));
                }
            }
            if let Err(e) = dev.set_real_num_rx_queues(rx, rtnl) {
                break 'change (Err(e), (old_rx, rx));
            }
            if let Err(e) = dev.set_real_num_tx_queues(tx, rtnl) {
                // Only when rx and tx move in opposite directions; the rx
                // count may then not come back either.
                if let Err(e2) = dev.set_real_num_rx_queues(old_rx, rtnl) {
                    pr_warn!("can't restore rx queues config {rx} -> {old_rx}: {e2:?}\n");
                    break 'change (Err(e), (rx, old_rx));
                }
                break 'change (Err(e), (old_rx, rx));
            }
            (Ok(()), (rx, old_rx))
        };

        if running {
            veth_disable_range_safe(dev, disable.0, disable.1, rtnl);
            if let Some(peer) = peer.filter(|p| p.is_up()) {
                dev.carrier_on();
                peer.carrier_on();
            }
        }
        veth_set_xdp_features(dev, rtnl);
        if let Some(peer) = peer {
            veth_set_xdp_features(peer, rtnl);
        }
        result
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

    // Called from its trampoline only: inlined there.
    #[inline]
    fn start_xmit(mut skb: SkBuff, dev: &Device<Self, Registered>) -> TxStatus {
        let priv_ = dev.drv_priv();
        let length = skb.len();
        let rcu = rcu::read_lock();
        let drop = || {
            priv_.dropped.fetch_add(1, Ordering::Relaxed);
            TxStatus::Drop
        };

        let rcv = match priv_.peer.get(&rcu) {
            Some(rcv) if skb.may_pull(ETH_HLEN) => rcv,
            _ => {
                core::mem::drop(skb);
                return drop();
            }
        };

        // The peer's rx queue has NAPI on when GRO is enabled there; don't
        // bother with it for skbs that GRO can't aggregate.
        let rxq = skb.queue_mapping();
        let napi = if rxq < rcv.real_num_rx_queues() {
            rcv.rx_queues()
                .get(rxq as usize)
                .and_then(|rq| rq.napi(&rcu))
                .filter(|_| veth_skb_is_eligible_for_gro(dev, rcv, &skb))
        } else {
            None
        };

        skb.tx_timestamp();
        let Ok(skb) = rcv.forward_prepare(skb) else {
            return drop();
        };
        let Some(napi) = napi else {
            return match skb.netif_rx() {
                Ok(()) => {
                    dev.tx_stats_add(1, length);
                    TxStatus::Ok
                }
                Err(netdev::Dropped) => drop(),
            };
        };

        // Counted by the receiving queue's poll.
        match napi.produce(Skb(skb)) {
            Ok(()) => {
                napi.kick();
                TxStatus::Ok
            }
            // The ring gives back what it was given: an skb.
            Err(Frame(_)) => drop(),
            Err(Skb(skb)) => match dev.tx_queue(rxq) {
                // With a qdisc on our tx queue, push back: stop the queue
                // until the peer's poll has made room and wakes it.
                Some(txq) if !txq.has_no_queue(&rcu) => {
                    let skb = skb.restore();
                    txq.stop();
                    napi.kick();
                    TxStatus::Busy(skb)
                }
                _ => {
                    core::mem::drop(skb);
                    drop()
                }
            },
        }
    }

    fn get_stats64(dev: &Device<Self, Registered>, tot: &mut Stats64) {
        let priv_ = dev.drv_priv();

        dev.fetch_sw_stats(tot);
        let rx = veth_stats_rx(dev);
        let mut tx_dropped = priv_.dropped.load(Ordering::Relaxed) + rx.xdp_tx_err;
        let mut rx_dropped = rx.drops + rx.peer_tq_xdp_xmit_err;
        tot.add_rx(rx.packets, rx.bytes);

        // What the peer sent is what this end received, and what the
        // peer's queues received through NAPI is what this end sent.
        let rcu = rcu::read_lock();
        if let Some(peer) = priv_.peer.get(&rcu) {
            let mut tot_peer = Stats64::new();
            peer.fetch_sw_stats(&mut tot_peer);
            let (packets, bytes) = tot_peer.tx();
            tot.add_rx(packets, bytes);
            let rx = veth_stats_rx(peer);
            tx_dropped += rx.peer_tq_xdp_xmit_err;
            rx_dropped += rx.xdp_tx_err;
            tot.add_tx(rx.packets, rx.bytes);
        }
        tot.set_dropped(tx_dropped, rx_dropped);
    }

    // Called from its trampoline only: inlined there.
    #[inline]
    fn poll<'a>(napi: Napi<'a, Self>) -> PollDone<'a> {
        let rq = napi.rq();
        let mut napi = napi;
        let mut st = PollStats::default();
        // Frames sent back out by XDP_TX, and frames passed to the stack.
        let mut bq = VethBatch::new();
        let mut pass = VethBatch::new();
        let prog = napi.xdp_prog();

        napi.return_frame_no_direct(true);
        // At most the budget's worth of items.
        while let Some(item) = napi.consume() {
            match item {
                // From the peer's ndo_start_xmit.
                Skb(skb) => {
                    let mut skb = skb.into_skb();
                    st.xdp_bytes += u64::from(skb.len());
                    skb.prepare_for_gro();
                    let skb = match prog {
                        Some(p) => veth_xdp_verdict(rq, &mut bq, &mut st, napi.run_xdp_skb(skb, p)),
                        None => Some(skb),
                    };
                    if let Some(skb) = skb {
                        napi.gro_receive(skb);
                    }
                }
                // From ndo_xdp_xmit or the peer's XDP_TX.
                Frame(frame) => {
                    st.xdp_bytes += u64::from(frame.len());
                    let frame = match prog {
                        Some(p) => {
                            veth_xdp_verdict(rq, &mut bq, &mut st, napi.run_xdp_frame(frame, p))
                        }
                        None => Some(frame),
                    };
                    if let Some(frame) = frame {
                        if pass.is_full() {
                            st.rx_drops += u64::from(napi.receive_frames(&mut pass));
                        }
                        // Room was made just above.
                        let _ = pass.push(frame);
                    }
                }
            }
        }
        st.rx_drops += u64::from(napi.receive_frames(&mut pass));
        if st.xdp_redirect > 0 {
            napi.xdp_do_flush();
        }
        if st.xdp_tx > 0 {
            veth_xdp_flush(rq, &mut bq);
        }
        napi.return_frame_no_direct(false);

        let stats = rq.drv();
        VethRqStats::add(&stats.xdp_redirect, st.xdp_redirect);
        VethRqStats::add(&stats.xdp_bytes, st.xdp_bytes);
        VethRqStats::add(&stats.xdp_drops, st.xdp_drops);
        VethRqStats::add(&stats.rx_drops, st.rx_drops);
        VethRqStats::add(&stats.xdp_packets, u64::from(napi.done()));

        // The poll is an RCU section of its own (BHs off): no read lock.
        let peer = rq.dev().drv_priv().peer.get_in_poll(&napi);

        // Completes NAPI if the budget was not used up.
        let done = napi.complete();

        // Release backpressure once per poll.
        if let Some(peer) = peer {
            peer.wake_stopped_tx_queue(rq.index());
        }
        done
    }

    fn get_peer_dev<'a>(
        dev: &Device<Self>,
        rcu: &'a rcu::Guard,
    ) -> Option<&'a Device<Self, Registered>> {
        dev.drv_priv().peer.get(rcu)
    }

    fn open(dev: &Device<Self, Registered>, rtnl: &Rtnl) -> Result {
        let peer = dev.drv_priv().peer.get_rtnl(rtnl).ok_or(ENOTCONN)?;

        if dev.has_xdp_prog(rtnl) {
            veth_enable_xdp(dev, rtnl)?;
        } else if veth_gro_requested(dev) {
            veth_napi_enable_range(dev, 0..dev.real_num_rx_queues(), rtnl)?;
        }

        if peer.is_up() {
            dev.carrier_on();
            peer.carrier_on();
        }
        veth_set_xdp_features(dev, rtnl);
        veth_set_xdp_features(peer, rtnl);
        Ok(())
    }

    fn stop(dev: &Device<Self, Registered>, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        if let Some(peer) = dev.drv_priv().peer.get_rtnl(rtnl) {
            peer.carrier_off();
        }
        // Every queue, whatever GRO is now: none may keep NAPI or XDP
        // once down.
        veth_napi_del_range(dev, 0..dev.num_rx_queues(), rtnl);
        veth_xdp_rxq_unreg_range(dev, 0..dev.num_rx_queues(), rtnl);
        Ok(())
    }

    fn set_features(dev: &Device<Self>, features: nf::Features, rtnl: &Rtnl) -> Result {
        let changed = features ^ dev.features();
        // With a program, NAPI stays on whatever GRO is.
        if changed & nf::GRO == 0 || !dev.is_up() || dev.has_xdp_prog(rtnl) {
            return Ok(());
        }
        let peer = dev.drv_priv().peer.get_rtnl(rtnl);
        if features & nf::GRO != 0 {
            veth_napi_enable_range(dev, 0..dev.real_num_rx_queues(), rtnl)?;
            if let Some(peer) = peer {
                peer.set_xdp_redirect_target(true, rtnl);
            }
        } else {
            if let Some(peer) = peer {
                peer.set_xdp_redirect_target(false, rtnl);
            }
            veth_napi_del_range(dev, 0..dev.num_rx_queues(), rtnl);
        }
        Ok(())
    }

    fn fix_features(dev: &Device<Self>, features: nf::Features, rtnl: &Rtnl) -> nf::Features {
        // No GSO towards a peer that runs XDP: programs see one frame per
        // packet, of at most a page.
        match dev.drv_priv().peer.get_rtnl(rtnl) {
            Some(peer) if peer.has_xdp_prog(rtnl) => features & !nf::GSO_SOFTWARE,
            _ => features,
        }
    }

    fn xdp_setup(
        dev: &Device<Self>,
        prog: Option<BpfProg>,
        extack: &ExtAck,
        rtnl: &Rtnl,
    ) -> core::result::Result<(), (Error, Option<BpfProg>)> {
        let peer = dev.drv_priv().peer.get_rtnl(rtnl);
        let mut max_mtu = ETH_MAX_MTU;
        if let Some(p) = &prog {
            let Some(peer) = peer else {
                extack.set_msg(c"veth_rs: Cannot set XDP when peer is detached");
                return Err((ENOTCONN, prog));
            };
            // A packet and the frame overhead fit in one page, or in the
            // fragments of a program that handles them.
            max_mtu = (PAGE_SIZE as u32 - VETH_XDP_HEADROOM)
                - netdev::shinfo_size()
                - peer.hard_header_len();
            if p.has_frags() {
                max_mtu += PAGE_SIZE as u32 * netdev::MAX_FRAGS;
            }
            if peer.mtu() > max_mtu {
                extack.set_msg(c"veth_rs: Peer MTU is too large to set XDP");
                return Err((ERANGE, prog));
            }
            if dev.real_num_rx_queues() < peer.real_num_tx_queues() {
                extack.set_msg(
                    c"veth_rs: XDP expects number of rx queues not less than peer tx queues",
                );
                return Err((ENOSPC, prog));
            }
        }

        let attach = prog.is_some();
        let old = dev.xdp_prog_replace(prog, rtnl);
        let had = old.is_some();
        if let (true, Some(peer)) = (attach, peer) {
            if dev.is_up() {
                if let Err(e) = veth_enable_xdp(dev, rtnl) {
                    extack.set_msg(c"veth_rs: Setup for XDP failed");
                    let new = dev.xdp_prog_replace(old, rtnl);
                    return Err((e, new));
                }
            }
            if !had {
                peer.change_hw_features(0, nf::GSO_SOFTWARE, rtnl);
            }
            peer.set_max_mtu(max_mtu, rtnl);
            peer.set_xdp_redirect_target(true, rtnl);
        }
        if had && !attach {
            if let Some(peer) = peer {
                if !veth_gro_requested(dev) {
                    peer.set_xdp_redirect_target(false, rtnl);
                }
            }
            if dev.is_up() {
                veth_disable_xdp(dev, rtnl);
            }
            if let Some(peer) = peer {
                peer.change_hw_features(nf::GSO_SOFTWARE, 0, rtnl);
                peer.set_max_mtu(ETH_MAX_MTU, rtnl);
            }
        }
        // Put the old program only now that no queue runs it.
        drop(old);
        if had != attach {
            if let Some(peer) = peer {
                peer.update_features(rtnl);
            }
        }
        Ok(())
    }

    // Called from its trampoline only: inlined there.
    #[inline]
    fn xdp_xmit(dev: &Device<Self>, frames: &XdpFrames<'_>, flags: u32) -> Result {
        veth_xdp_xmit(dev, frames, flags, true).inspect_err(|_| {
            dev.drv_priv()
                .dropped
                .fetch_add(u64::from(frames.len()), Ordering::Relaxed);
        })
    }

    fn set_rx_headroom(dev: &Device<Self>, new_hr: i32) {
        let priv_ = dev.drv_priv();
        let rcu = rcu::read_lock();
        let Some(peer) = priv_.peer.get(&rcu) else {
            return;
        };
        let new_hr = new_hr.max(0) as u32;
        priv_.requested_headroom.store(new_hr, Ordering::Relaxed);
        let hr = new_hr.max(peer.drv_priv().requested_headroom.load(Ordering::Relaxed));
        let hr = u16::try_from(hr).unwrap_or(u16::MAX);
        dev.set_needed_headroom(hr);
        peer.set_needed_headroom(hr);
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

    fn newlink<'a>(
        mut dev: LinkDevice<'a, Self>,
        params: &NewLinkParams<'_>,
        extack: &ExtAck,
        ops: &LinkOps<Self>,
        rtnl: &'a Rtnl,
    ) -> Result<Linked<'a>> {
        let tb = params.tb();

        // Create and register the peer first.
        let mut peer_table = PeerTable::new();
        let peer_attrs = match params.data().and_then(|d| d.get(veth_info::PEER)) {
            Some(nla_peer) => Some(PeerAttrs::parse(nla_peer, extack, &mut peer_table)?),
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
        // What XDP each end supports, now that they are tied (as veth.c
        // does here: BASIC, REDIRECT and RX_SG from the start, before the
        // first open).
        veth_set_xdp_features(dev.dev(), rtnl);
        veth_set_xdp_features(peer.dev(), rtnl);

        peer.keep();
        Ok(dev.keep())
    }

    fn dellink(dev: &Device<Self, Registered>, list: &mut UnregisterList, rtnl: &Rtnl) {
        // The first end to go clears both links; deleting either end (or its
        // namespace) deletes both.
        let Some(peer) = dev.drv_priv().peer.take(rtnl) else {
            return;
        };
        dev.unregister_queue(list, rtnl);

        let peer_dev = peer.dev();
        let back = peer_dev.drv_priv().peer.take(rtnl);
        if let Some(back) = &back {
            peer_dev.unregister_queue_net(back.dev().net(rtnl), list, rtnl);
        }
        // Dropping `back` and `peer` puts the references the links held.
    }

    fn get_link_net<'a>(dev: &'a Device<Self>, rcu: &'a rcu::Guard) -> &'a Net {
        match dev.drv_priv().peer.get(rcu) {
            Some(peer) => peer.net_rcu(rcu),
            None => dev.net_rcu(rcu),
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
