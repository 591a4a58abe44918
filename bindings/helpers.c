// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static inline functions and macros for veth_rs.
 *
 * Each wrapper is one call, so that the Rust side can reach it; no driver
 * logic lives here (that is in veth_rs.rs). The same approach as the
 * kernel's own rust/helpers/.
 */

#include "veth_rs_helper.h"

void veth_rs_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

void veth_rs_dev_sw_netstats_tx_add(struct net_device *dev,
				    unsigned int packets, unsigned int len)
{
	dev_sw_netstats_tx_add(dev, packets, len);
}

void veth_rs_dev_fetch_sw_netstats(struct rtnl_link_stats64 *s,
				   const struct net_device *dev)
{
	dev_fetch_sw_netstats(s, dev->tstats);
}

bool veth_rs_pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

void veth_rs_skb_tx_timestamp(struct sk_buff *skb)
{
	skb_tx_timestamp(skb);
}

void veth_rs_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

void veth_rs_netdev_hold(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_hold(dev, tracker, GFP_KERNEL);
}

void veth_rs_netdev_put(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_put(dev, tracker);
}

struct net *veth_rs_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

void veth_rs_netdev_lockdep_set_classes(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
}

unsigned int veth_rs_num_possible_cpus(void)
{
	return num_possible_cpus();
}

void veth_rs_netif_tx_stop_all_queues(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
}

void veth_rs_unregister_netdevice_queue_net(struct net *net,
					    struct net_device *dev,
					    struct list_head *head)
{
	unregister_netdevice_queue_net(net, dev, head);
}

void veth_rs_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
			    int (*poll)(struct napi_struct *, int))
{
	netif_napi_add(dev, napi, poll);
}

void veth_rs_netif_napi_del(struct napi_struct *napi)
{
	__netif_napi_del(napi);
}

bool veth_rs_netif_running(const struct net_device *dev)
{
	return netif_running(dev);
}

int veth_rs_ptr_ring_init(struct ptr_ring *r, int size)
{
	return ptr_ring_init(r, size, GFP_KERNEL);
}

int veth_rs_ptr_ring_produce(struct ptr_ring *r, void *ptr)
{
	return ptr_ring_produce(r, ptr);
}

void *veth_rs_ptr_ring_consume(struct ptr_ring *r)
{
	return __ptr_ring_consume(r);
}

bool veth_rs_ptr_ring_empty(struct ptr_ring *r)
{
	return __ptr_ring_empty(r);
}

void veth_rs_ptr_ring_cleanup(struct ptr_ring *r, void (*destroy)(void *))
{
	ptr_ring_cleanup(r, destroy);
}

void veth_rs_napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	napi_gro_receive(napi, skb);
}

bool veth_rs_skb_destructor_is_sock_wfree(const struct sk_buff *skb)
{
	return skb->destructor == sock_wfree;
}

void veth_rs_skb_prepare_for_gro(struct sk_buff *skb)
{
	skb_prepare_for_gro(skb);
}

bool veth_rs_skb_shared(const struct sk_buff *skb)
{
	return skb_shared(skb);
}

int veth_rs_skb_unclone(struct sk_buff *skb)
{
	return skb_unclone(skb, GFP_ATOMIC);
}

void veth_rs_skb_push(struct sk_buff *skb, unsigned int len)
{
	__skb_push(skb, len);
}

struct netdev_queue *veth_rs_netdev_get_tx_queue(const struct net_device *dev,
						 unsigned int index)
{
	return netdev_get_tx_queue(dev, index);
}

bool veth_rs_qdisc_txq_has_no_queue(const struct netdev_queue *txq)
{
	return qdisc_txq_has_no_queue(txq);
}

void veth_rs_netif_tx_stop_queue(struct netdev_queue *txq)
{
	netif_tx_stop_queue(txq);
}

bool veth_rs_netif_tx_queue_stopped(const struct netdev_queue *txq)
{
	return netif_tx_queue_stopped(txq);
}

void veth_rs_txq_trans_cond_update(struct netdev_queue *txq)
{
	txq_trans_cond_update(txq);
}
