// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static inline functions and macros for veth_rs.
 *
 * Each wrapper is one call, so that the Rust side can reach it; no driver
 * logic lives here (that is in veth_rs.rs). The same approach as the
 * kernel's own rust/helpers/.
 */

#include "veth_rs_helper.h"
#include <linux/bpf_trace.h>
#include <linux/skbuff_ref.h>
#include <net/page_pool/helpers.h>

/*
 * Kbuild links these wrappers into the Rust crate's LLVM bitcode and lets
 * LLVM inline them, as the kernel's rust/helpers/ under
 * CONFIG_RUST_INLINE_HELPERS. LLVM's inliner refuses on its own: C is built
 * with -fno-delete-null-pointer-checks and -fno-builtin-wcslen and Rust is
 * not, and the two spell the same x86-64 target features differently.
 * __always_inline overrides those checks (the same reasoning as
 * rust/helpers/helpers.c: a hardening option that does not change the ABI,
 * a builtin Rust does not have). The wrappers are still emitted as
 * ordinary functions, so a build with VETH_RS_INLINE_HELPERS=0 links them
 * as a separate object.
 */
#define __veth_rs_helper __always_inline

__veth_rs_helper void veth_rs_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

__veth_rs_helper void veth_rs_dev_sw_netstats_tx_add(struct net_device *dev,
				    unsigned int packets, unsigned int len)
{
	dev_sw_netstats_tx_add(dev, packets, len);
}

__veth_rs_helper void veth_rs_dev_fetch_sw_netstats(struct rtnl_link_stats64 *s,
				   const struct net_device *dev)
{
	dev_fetch_sw_netstats(s, dev->tstats);
}

__veth_rs_helper bool veth_rs_pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

__veth_rs_helper void veth_rs_skb_tx_timestamp(struct sk_buff *skb)
{
	skb_tx_timestamp(skb);
}

__veth_rs_helper void veth_rs_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

__veth_rs_helper void veth_rs_netdev_hold(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_hold(dev, tracker, GFP_KERNEL);
}

__veth_rs_helper void veth_rs_netdev_put(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_put(dev, tracker);
}

__veth_rs_helper struct net *veth_rs_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

__veth_rs_helper void veth_rs_netdev_lockdep_set_classes(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
}

__veth_rs_helper unsigned int veth_rs_num_possible_cpus(void)
{
	return num_possible_cpus();
}

__veth_rs_helper void veth_rs_netif_tx_stop_all_queues(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
}

__veth_rs_helper void veth_rs_unregister_netdevice_queue_net(struct net *net,
					    struct net_device *dev,
					    struct list_head *head)
{
	unregister_netdevice_queue_net(net, dev, head);
}

__veth_rs_helper void veth_rs_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
			    int (*poll)(struct napi_struct *, int))
{
	netif_napi_add(dev, napi, poll);
}

__veth_rs_helper void veth_rs_netif_napi_del(struct napi_struct *napi)
{
	__netif_napi_del(napi);
}

/* priv_flags is a 32-bit bitfield: bindgen's accessors go bit by bit. */
__veth_rs_helper void veth_rs_update_priv_flags(struct net_device *dev, u64 set,
						u64 clear)
{
	dev->priv_flags = (dev->priv_flags & ~clear) | set;
}

__veth_rs_helper bool veth_rs_netif_running(const struct net_device *dev)
{
	return netif_running(dev);
}

__veth_rs_helper int veth_rs_ptr_ring_init(struct ptr_ring *r, int size)
{
	return ptr_ring_init(r, size, GFP_KERNEL);
}

__veth_rs_helper int veth_rs_ptr_ring_produce(struct ptr_ring *r, void *ptr)
{
	return ptr_ring_produce(r, ptr);
}

__veth_rs_helper void *veth_rs_ptr_ring_consume(struct ptr_ring *r)
{
	return __ptr_ring_consume(r);
}

__veth_rs_helper bool veth_rs_ptr_ring_empty(struct ptr_ring *r)
{
	return __ptr_ring_empty(r);
}

__veth_rs_helper void veth_rs_ptr_ring_cleanup(struct ptr_ring *r, void (*destroy)(void *))
{
	ptr_ring_cleanup(r, destroy);
}

__veth_rs_helper void veth_rs_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	napi_gro_receive(napi, skb);
}

__veth_rs_helper bool veth_rs_skb_destructor_is_sock_wfree(const struct sk_buff *skb)
{
	return skb->destructor == sock_wfree;
}

__veth_rs_helper void veth_rs_skb_prepare_for_gro(struct sk_buff *skb)
{
	skb_prepare_for_gro(skb);
}

__veth_rs_helper int veth_rs_skb_unclone(struct sk_buff *skb)
{
	return skb_unclone(skb, GFP_ATOMIC);
}

__veth_rs_helper void veth_rs_skb_push(struct sk_buff *skb, unsigned int len)
{
	__skb_push(skb, len);
}

__veth_rs_helper struct netdev_queue *veth_rs_netdev_get_tx_queue(const struct net_device *dev,
						 unsigned int index)
{
	return netdev_get_tx_queue(dev, index);
}

__veth_rs_helper bool veth_rs_qdisc_txq_has_no_queue(const struct netdev_queue *txq)
{
	return qdisc_txq_has_no_queue(txq);
}

__veth_rs_helper void veth_rs_netif_tx_stop_queue(struct netdev_queue *txq)
{
	netif_tx_stop_queue(txq);
}

__veth_rs_helper bool veth_rs_netif_tx_queue_stopped(const struct netdev_queue *txq)
{
	return netif_tx_queue_stopped(txq);
}

__veth_rs_helper void veth_rs_txq_trans_cond_update(struct netdev_queue *txq)
{
	txq_trans_cond_update(txq);
}

__veth_rs_helper u32 veth_rs_bpf_prog_run_xdp(const struct bpf_prog *prog, struct xdp_buff *xdp)
{
	return bpf_prog_run_xdp(prog, xdp);
}

__veth_rs_helper bool veth_rs_bpf_prog_xdp_has_frags(const struct bpf_prog *prog)
{
	return prog->aux->xdp_has_frags;
}

__veth_rs_helper void veth_rs_trace_xdp_bulk_tx(const struct net_device *dev, int sent,
			       int drops, int err)
{
	trace_xdp_bulk_tx(dev, sent, drops, err);
}

__veth_rs_helper void veth_rs_trace_xdp_exception(const struct net_device *dev,
				 const struct bpf_prog *prog, u32 act)
{
	trace_xdp_exception(dev, prog, act);
}

__veth_rs_helper void veth_rs_xdp_init_buff(struct xdp_buff *xdp, u32 frame_sz,
			   struct xdp_rxq_info *rxq)
{
	xdp_init_buff(xdp, frame_sz, rxq);
}

__veth_rs_helper void veth_rs_xdp_prepare_buff(struct xdp_buff *xdp, unsigned char *hard_start,
			      int headroom, int data_len)
{
	xdp_prepare_buff(xdp, hard_start, headroom, data_len, true);
}

__veth_rs_helper bool veth_rs_xdp_buff_has_frags(const struct xdp_buff *xdp)
{
	return xdp_buff_has_frags(xdp);
}

__veth_rs_helper void veth_rs_xdp_buff_set_frags_flag(struct xdp_buff *xdp, bool on)
{
	if (on)
		xdp_buff_set_frags_flag(xdp);
	else
		xdp_buff_clear_frags_flag(xdp);
}

__veth_rs_helper unsigned int veth_rs_xdp_buff_nr_frags(const struct xdp_buff *xdp)
{
	return xdp_get_shared_info_from_buff(xdp)->nr_frags;
}

__veth_rs_helper void veth_rs_xdp_buff_frag_ref(const struct xdp_buff *xdp, unsigned int i)
{
	__skb_frag_ref(&xdp_get_shared_info_from_buff(xdp)->frags[i]);
}

__veth_rs_helper void veth_rs_get_page_of(const void *addr)
{
	get_page(virt_to_page(addr));
}

__veth_rs_helper struct xdp_frame *veth_rs_xdp_convert_buff_to_frame(struct xdp_buff *xdp)
{
	return xdp_convert_buff_to_frame(xdp);
}

__veth_rs_helper void veth_rs_xdp_convert_frame_to_buff(const struct xdp_frame *frame,
				       struct xdp_buff *xdp)
{
	xdp_convert_frame_to_buff(frame, xdp);
}

__veth_rs_helper int veth_rs_xdp_update_frame_from_buff(const struct xdp_buff *xdp,
				       struct xdp_frame *frame)
{
	return xdp_update_frame_from_buff(xdp, frame);
}

__veth_rs_helper unsigned int veth_rs_xdp_get_frame_len(const struct xdp_frame *frame)
{
	return xdp_get_frame_len((struct xdp_frame *)frame);
}

__veth_rs_helper void veth_rs_xdp_set_return_frame_no_direct(bool on)
{
	if (on)
		xdp_set_return_frame_no_direct();
	else
		xdp_clear_return_frame_no_direct();
}

__veth_rs_helper int veth_rs_xdp_rxq_info_reg(struct xdp_rxq_info *rxq, struct net_device *dev,
			     u32 index, unsigned int napi_id)
{
	return xdp_rxq_info_reg(rxq, dev, index, napi_id);
}

__veth_rs_helper unsigned int veth_rs_napi_id(const struct napi_struct *napi)
{
	return napi->napi_id;
}

__veth_rs_helper struct page_pool *veth_rs_page_pool_create(struct net_device *dev, u32 size)
{
	struct page_pool_params pp_params = {
		.order = 0,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
		.dev = &dev->dev,
	};

	return page_pool_create(&pp_params);
}

__veth_rs_helper unsigned int veth_rs_smp_processor_id(void)
{
	return smp_processor_id();
}

__veth_rs_helper void veth_rs_xdp_clear_features_flag(struct net_device *dev)
{
	xdp_clear_features_flag(dev);
}

__veth_rs_helper bool veth_rs_skb_head_is_locked(const struct sk_buff *skb)
{
	return skb_head_is_locked(skb);
}

__veth_rs_helper unsigned int veth_rs_skb_shinfo_size(void)
{
	return SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}

__veth_rs_helper void veth_rs_skb_set_xdp_frags_size(struct sk_buff *skb, unsigned int size)
{
	skb_shinfo(skb)->xdp_frags_size = size;
}

__veth_rs_helper unsigned int veth_rs_skb_xdp_frags_size(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->xdp_frags_size;
}

__veth_rs_helper void veth_rs_skb_pull(struct sk_buff *skb, unsigned int len)
{
	__skb_pull(skb, len);
}

__veth_rs_helper void veth_rs_skb_set_tail_pointer(struct sk_buff *skb, int offset)
{
	skb_set_tail_pointer(skb, offset);
}

__veth_rs_helper void veth_rs_skb_metadata_set(struct sk_buff *skb, u8 len)
{
	skb_metadata_set(skb, len);
}

__veth_rs_helper u64 veth_rs_skb_hwtstamp(const struct sk_buff *skb)
{
	return skb_hwtstamps((struct sk_buff *)skb)->hwtstamp;
}

__veth_rs_helper u32 veth_rs_skb_get_hash(struct sk_buff *skb)
{
	return skb_get_hash(skb);
}

__veth_rs_helper bool veth_rs_skb_l4_hash(const struct sk_buff *skb)
{
	return skb->l4_hash;
}

__veth_rs_helper int veth_rs_skb_vlan_tag(const struct sk_buff *skb, __be16 *proto, u16 *tci)
{
	int err = __vlan_hwaccel_get_tag(skb, tci);

	if (!err)
		*proto = skb->vlan_proto;
	return err;
}
