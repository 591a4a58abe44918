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
