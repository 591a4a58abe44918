// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the XDP metadata kfuncs (the driver's xdp_metadata_ops: receive
 * timestamp, flow hash, VLAN tag) for IPv4 UDP datagrams to port 7777 and
 * keeps what they answered for the last one, with a count, in the array
 * "veth_rs_meta"; every frame passes. The program must be bound to the
 * device (bpftool `xdpmeta_dev`), else the kfuncs answer -EOPNOTSUPP
 * without asking the driver.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Only the type matters to libbpf's match with the kernel's prototype. */
enum xdp_rss_hash_type { VETH_RS_RSS_ANY };

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx,
					 __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym;

struct veth_rs_meta {
	__u64 packets;
	__u64 timestamp;
	__s32 ts_ret;
	__s32 hash_ret;
	__s32 vlan_ret;
	__u32 hash;
	__u32 rss_type;
	__u16 vlan_proto; /* host order */
	__u16 vlan_tci;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct veth_rs_meta);
} veth_rs_meta SEC(".maps");

SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	enum xdp_rss_hash_type rss = 0;
	struct veth_rs_meta *m;
	__be16 proto = 0;
	__u32 key = 0;

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    udp->dest != bpf_htons(7777))
		return XDP_PASS;
	m = bpf_map_lookup_elem(&veth_rs_meta, &key);
	if (!m)
		return XDP_PASS;
	m->timestamp = 0;
	m->hash = 0;
	m->vlan_tci = 0;
	m->ts_ret = bpf_xdp_metadata_rx_timestamp(ctx, &m->timestamp);
	m->hash_ret = bpf_xdp_metadata_rx_hash(ctx, &m->hash, &rss);
	m->rss_type = rss;
	m->vlan_ret = bpf_xdp_metadata_rx_vlan_tag(ctx, &proto, &m->vlan_tci);
	m->vlan_proto = bpf_ntohs(proto);
	m->packets++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
