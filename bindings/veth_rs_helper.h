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
int veth_rs_ptr_ring_init(struct ptr_ring *r, int size);
int veth_rs_ptr_ring_produce(struct ptr_ring *r, void *ptr);
void *veth_rs_ptr_ring_consume(struct ptr_ring *r);
bool veth_rs_ptr_ring_empty(struct ptr_ring *r);
void veth_rs_ptr_ring_cleanup(struct ptr_ring *r, void (*destroy)(void *));
void veth_rs_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);

/* sk_buff accessors. */
bool veth_rs_skb_destructor_is_sock_wfree(const struct sk_buff *skb);
void veth_rs_skb_prepare_for_gro(struct sk_buff *skb);
bool veth_rs_skb_shared(const struct sk_buff *skb);
int veth_rs_skb_unclone(struct sk_buff *skb);
void veth_rs_skb_push(struct sk_buff *skb, unsigned int len);

/* Transmit queues. */
struct netdev_queue *veth_rs_netdev_get_tx_queue(const struct net_device *dev,
						 unsigned int index);
bool veth_rs_qdisc_txq_has_no_queue(const struct netdev_queue *txq);
void veth_rs_netif_tx_stop_queue(struct netdev_queue *txq);
bool veth_rs_netif_tx_queue_stopped(const struct netdev_queue *txq);
void veth_rs_txq_trans_cond_update(struct netdev_queue *txq);

#endif
