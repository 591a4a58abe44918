/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Input of bindgen for veth_rs: the C headers whose items the module's
 * netdev abstraction layer (netdev.rs) uses, and the prototypes of the thin
 * C wrappers (helpers.c) of static inline functions and macros that Rust
 * cannot call directly.
 */
#ifndef VETH_RS_HELPER_H
#define VETH_RS_HELPER_H

#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <linux/ptr_ring.h>
#include <net/sch_generic.h>
#include <net/sock.h>
#include <net/netdev_lock.h>
#include <net/rtnetlink.h>
#include <uapi/linux/veth.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <net/xdp.h>
#include <net/page_pool/types.h>

/*
 * Feature masks are macros with casts, which bindgen cannot evaluate: this
 * enum restates them as constants with the same names, prefixed VETH_RS_.
 */
enum veth_rs_netdev_features : unsigned long long {
#define VETH_RS_F(name) VETH_RS_##name = name
	VETH_RS_F(NETIF_F_SG),
	VETH_RS_F(NETIF_F_FRAGLIST),
	VETH_RS_F(NETIF_F_HW_CSUM),
	VETH_RS_F(NETIF_F_RXCSUM),
	VETH_RS_F(NETIF_F_SCTP_CRC),
	VETH_RS_F(NETIF_F_HIGHDMA),
	VETH_RS_F(NETIF_F_GSO_SOFTWARE),
	VETH_RS_F(NETIF_F_GSO_ENCAP_ALL),
	VETH_RS_F(NETIF_F_HW_VLAN_CTAG_TX),
	VETH_RS_F(NETIF_F_HW_VLAN_CTAG_RX),
	VETH_RS_F(NETIF_F_HW_VLAN_STAG_TX),
	VETH_RS_F(NETIF_F_HW_VLAN_STAG_RX),
	VETH_RS_F(NETIF_F_GRO),
	VETH_RS_F(NETIF_F_ALL_TSO),
	VETH_RS_F(NETIF_F_GRO_FRAGLIST),
	VETH_RS_F(NETIF_F_GRO_UDP_FWD),
#undef VETH_RS_F
};

void veth_rs_eth_hw_addr_random(struct net_device *dev);
void veth_rs_dev_sw_netstats_tx_add(struct net_device *dev,
				    unsigned int packets, unsigned int len);
void veth_rs_dev_fetch_sw_netstats(struct rtnl_link_stats64 *s,
				   const struct net_device *dev);
bool veth_rs_pskb_may_pull(struct sk_buff *skb, unsigned int len);
void veth_rs_skb_tx_timestamp(struct sk_buff *skb);
void veth_rs_kfree_skb(struct sk_buff *skb);
void veth_rs_netdev_hold(struct net_device *dev, netdevice_tracker *tracker);
void veth_rs_netdev_put(struct net_device *dev, netdevice_tracker *tracker);
struct net *veth_rs_dev_net(const struct net_device *dev);
void veth_rs_netdev_lockdep_set_classes(struct net_device *dev);
unsigned int veth_rs_num_possible_cpus(void);
void veth_rs_netif_tx_stop_all_queues(struct net_device *dev);
void veth_rs_unregister_netdevice_queue_net(struct net *net,
					    struct net_device *dev,
					    struct list_head *head);

/* NAPI and the per-queue ring (ptr_ring.h is all static inline). */
void veth_rs_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
			    int (*poll)(struct napi_struct *, int));
void veth_rs_netif_napi_del(struct napi_struct *napi);
bool veth_rs_netif_running(const struct net_device *dev);
void veth_rs_update_priv_flags(struct net_device *dev, u64 set, u64 clear);
int veth_rs_ptr_ring_init(struct ptr_ring *r, int size);
int veth_rs_ptr_ring_produce(struct ptr_ring *r, void *ptr);
void *veth_rs_ptr_ring_consume(struct ptr_ring *r);
bool veth_rs_ptr_ring_empty(struct ptr_ring *r);
void veth_rs_ptr_ring_cleanup(struct ptr_ring *r, void (*destroy)(void *));
void veth_rs_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);

/* sk_buff accessors. */
bool veth_rs_skb_destructor_is_sock_wfree(const struct sk_buff *skb);
void veth_rs_skb_prepare_for_gro(struct sk_buff *skb);
int veth_rs_skb_unclone(struct sk_buff *skb);
void veth_rs_skb_push(struct sk_buff *skb, unsigned int len);

/* Transmit queues. */
struct netdev_queue *veth_rs_netdev_get_tx_queue(const struct net_device *dev,
						 unsigned int index);
bool veth_rs_qdisc_txq_has_no_queue(const struct netdev_queue *txq);
void veth_rs_netif_tx_stop_queue(struct netdev_queue *txq);
bool veth_rs_netif_tx_queue_stopped(const struct netdev_queue *txq);
void veth_rs_txq_trans_cond_update(struct netdev_queue *txq);

/* XDP: programs, buffers and frames, the rx queue info, page pools. */
u32 veth_rs_bpf_prog_run_xdp(const struct bpf_prog *prog, struct xdp_buff *xdp);
bool veth_rs_bpf_prog_xdp_has_frags(const struct bpf_prog *prog);
void veth_rs_trace_xdp_bulk_tx(const struct net_device *dev, int sent,
			       int drops, int err);
void veth_rs_trace_xdp_exception(const struct net_device *dev,
				 const struct bpf_prog *prog, u32 act);
void veth_rs_xdp_init_buff(struct xdp_buff *xdp, u32 frame_sz,
			   struct xdp_rxq_info *rxq);
void veth_rs_xdp_prepare_buff(struct xdp_buff *xdp, unsigned char *hard_start,
			      int headroom, int data_len);
bool veth_rs_xdp_buff_has_frags(const struct xdp_buff *xdp);
void veth_rs_xdp_buff_set_frags_flag(struct xdp_buff *xdp, bool on);
unsigned int veth_rs_xdp_buff_nr_frags(const struct xdp_buff *xdp);
void veth_rs_xdp_buff_frag_ref(const struct xdp_buff *xdp, unsigned int i);
void veth_rs_get_page_of(const void *addr);
struct xdp_frame *veth_rs_xdp_convert_buff_to_frame(struct xdp_buff *xdp);
void veth_rs_xdp_convert_frame_to_buff(const struct xdp_frame *frame,
				       struct xdp_buff *xdp);
int veth_rs_xdp_update_frame_from_buff(const struct xdp_buff *xdp,
				       struct xdp_frame *frame);
unsigned int veth_rs_xdp_get_frame_len(const struct xdp_frame *frame);
void veth_rs_xdp_set_return_frame_no_direct(bool on);
int veth_rs_xdp_rxq_info_reg(struct xdp_rxq_info *rxq, struct net_device *dev,
			     u32 index, unsigned int napi_id);
unsigned int veth_rs_napi_id(const struct napi_struct *napi);
struct page_pool *veth_rs_page_pool_create(struct net_device *dev, u32 size);
unsigned int veth_rs_smp_processor_id(void);
void veth_rs_xdp_clear_features_flag(struct net_device *dev);

/* sk_buff accessors for XDP on skbs. */
bool veth_rs_skb_head_is_locked(const struct sk_buff *skb);
unsigned int veth_rs_skb_shinfo_size(void);
void veth_rs_skb_set_xdp_frags_size(struct sk_buff *skb, unsigned int size);
unsigned int veth_rs_skb_xdp_frags_size(const struct sk_buff *skb);
void veth_rs_skb_pull(struct sk_buff *skb, unsigned int len);
void veth_rs_skb_set_tail_pointer(struct sk_buff *skb, int offset);
void veth_rs_skb_metadata_set(struct sk_buff *skb, u8 len);
u64 veth_rs_skb_hwtstamp(const struct sk_buff *skb);
u32 veth_rs_skb_get_hash(struct sk_buff *skb);
bool veth_rs_skb_l4_hash(const struct sk_buff *skb);
int veth_rs_skb_vlan_tag(const struct sk_buff *skb, __be16 *proto, u16 *tci);

/* For the KUnit suites of the layer (bindings/kunit_helpers.c). */
struct sk_buff *veth_rs_kunit_alloc_skb(unsigned int size);
void veth_rs_kunit_skb_reserve(struct sk_buff *skb, int len);
struct sk_buff *veth_rs_kunit_skb_get(struct sk_buff *skb);
struct page *veth_rs_kunit_alloc_page(void);
void veth_rs_kunit_skb_add_rx_frag(struct sk_buff *skb, int i,
				   struct page *page, int off, int size,
				   unsigned int truesize);
unsigned int veth_rs_kunit_skb_headroom(const struct sk_buff *skb);
unsigned int veth_rs_kunit_skb_headlen(const struct sk_buff *skb);
bool veth_rs_kunit_skb_is_nonlinear(const struct sk_buff *skb);
unsigned int veth_rs_kunit_skb_end_offset(const struct sk_buff *skb);
u8 veth_rs_kunit_skb_nr_frags(const struct sk_buff *skb);
bool veth_rs_kunit_skb_shared(const struct sk_buff *skb);
int veth_rs_kunit_skb_mac_offset(const struct sk_buff *skb);
void veth_rs_kunit_skb_reset_mac_header(struct sk_buff *skb);
u16 veth_rs_kunit_skb_mac_header_field(const struct sk_buff *skb);
__be16 veth_rs_kunit_skb_protocol(const struct sk_buff *skb);
struct net_device *veth_rs_kunit_alloc_netdev(void);
int veth_rs_kunit_alloc_tstats(struct net_device *dev);
void veth_rs_kunit_free_tstats(struct net_device *dev);
int veth_rs_kunit_ptr_ring_produce_bh(struct ptr_ring *r, void *ptr);

#endif
