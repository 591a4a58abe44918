// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers for the layer's KUnit suites (netdev/tests.rs), linked
 * into veth_rs.ko only with CONFIG_KUNIT: the static inline skb helpers
 * that netdev/skbf.rs re-implements in Rust, so that the suites compare
 * the two on the same skbs, and the inline allocators the suites build
 * those skbs (and a device with per-CPU stats) with. One call each, no
 * logic.
 */

#include "veth_rs_helper.h"

struct sk_buff *veth_rs_kunit_alloc_skb(unsigned int size)
{
	return alloc_skb(size, GFP_KERNEL);
}

void veth_rs_kunit_skb_reserve(struct sk_buff *skb, int len)
{
	skb_reserve(skb, len);
}

struct sk_buff *veth_rs_kunit_skb_get(struct sk_buff *skb)
{
	return skb_get(skb);
}

struct page *veth_rs_kunit_alloc_page(void)
{
	return alloc_page(GFP_KERNEL);
}

void veth_rs_kunit_skb_add_rx_frag(struct sk_buff *skb, int i,
				   struct page *page, int off, int size,
				   unsigned int truesize)
{
	skb_add_rx_frag(skb, i, page, off, size, truesize);
}

unsigned int veth_rs_kunit_skb_headroom(const struct sk_buff *skb)
{
	return skb_headroom(skb);
}

unsigned int veth_rs_kunit_skb_headlen(const struct sk_buff *skb)
{
	return skb_headlen(skb);
}

bool veth_rs_kunit_skb_is_nonlinear(const struct sk_buff *skb)
{
	return skb_is_nonlinear(skb);
}

unsigned int veth_rs_kunit_skb_end_offset(const struct sk_buff *skb)
{
	return skb_end_offset(skb);
}

u8 veth_rs_kunit_skb_nr_frags(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->nr_frags;
}

bool veth_rs_kunit_skb_shared(const struct sk_buff *skb)
{
	return skb_shared(skb);
}

int veth_rs_kunit_skb_mac_offset(const struct sk_buff *skb)
{
	return skb_mac_offset(skb);
}

void veth_rs_kunit_skb_reset_mac_header(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
}

u16 veth_rs_kunit_skb_mac_header_field(const struct sk_buff *skb)
{
	return skb->mac_header;
}

__be16 veth_rs_kunit_skb_protocol(const struct sk_buff *skb)
{
	return skb->protocol;
}

struct net_device *veth_rs_kunit_alloc_netdev(void)
{
	return alloc_netdev(0, "vrkunit%d", NET_NAME_ENUM, ether_setup);
}

int veth_rs_kunit_alloc_tstats(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

void veth_rs_kunit_free_tstats(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

/*
 * Producing with BHs off, as the transmit path does: the rings' producer
 * lock has one lockdep class for every ring, and the transmit path takes
 * it in softirq context.
 */
int veth_rs_kunit_ptr_ring_produce_bh(struct ptr_ring *r, void *ptr)
{
	return ptr_ring_produce_bh(r, ptr);
}
