// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS after a busy loop (bpf_loop): a receiver that polls its ring
 * slowly, so that a sender fills the ring and backpressure
 * (NETDEV_TX_BUSY, stopped queue, wake by the poll) is exercised.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long spin(__u32 index, void *ctx)
{
	(*(__u64 *)ctx) += index;
	return 0;
}

SEC("xdp")
int xdp_slow(struct xdp_md *ctx)
{
	__u64 acc = 0;

	bpf_loop(20000, spin, &acc, 0);
	return acc ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
