// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_REDIRECT of IPv4 frames (others pass) into the cpumap "veth_rs_cpu",
 * entry 0: the cpumap kthread of CPU 0 builds skbs of them and hands them
 * to the stack of the receiving device. The test loads it with bpftool
 * (pinmaps) and fills the entry.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} veth_rs_cpu SEC(".maps");

SEC("xdp")
int xdp_cpumap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	return bpf_redirect_map(&veth_rs_cpu, 0, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
