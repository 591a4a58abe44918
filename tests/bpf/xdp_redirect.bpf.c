// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_REDIRECT of IPv4 frames (others pass) to the device in slot 0 of the
 * devmap "veth_rs_tx"; the test loads it with bpftool (pinmaps) and fills
 * the slot.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} veth_rs_tx SEC(".maps");

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	return bpf_redirect_map(&veth_rs_tx, 0, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
