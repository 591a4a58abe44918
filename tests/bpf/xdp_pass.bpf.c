// SPDX-License-Identifier: GPL-2.0
/* XDP_PASS for every frame: the test and benchmark "program attached" case. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
