// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS after a busy loop: a receiver that polls its ring slowly, so
 * that a sender fills the ring and backpressure (NETDEV_TX_BUSY, stopped
 * queue, wake by the poll) is exercised.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_slow(struct xdp_md *ctx)
{
	volatile __u32 acc = 0;

	for (__u32 i = 0; i < 3000; i++)
		acc += i;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
