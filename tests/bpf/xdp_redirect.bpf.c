// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_REDIRECT of IPv4 frames (others pass) to the device of ifindex
 * VETH_RS_REDIRECT_IFINDEX in the receiving device's namespace: the test
 * creates its target with that index (`ip link add ... index N`).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VETH_RS_REDIRECT_IFINDEX 4242

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	return bpf_redirect(VETH_RS_REDIRECT_IFINDEX, 0);
}

char _license[] SEC("license") = "GPL";
