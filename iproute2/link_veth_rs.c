// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2 link plugin for veth_rs: teaches the stock `ip` (6.15) the
 * `peer <options>` argument of `ip link add ... type veth_rs`.
 *
 * `ip` loads link_<kind>.so from its lib dir (IP_LIB_DIR overrides it) and
 * looks up <kind>_link_util. The peer's options are parsed by ip's own
 * iplink_parse() into a nested VETH_INFO_PEER attribute that starts with
 * the peer's struct ifinfomsg, which is what the kernel side expects.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

/* ip's own types and exported functions (ip/ip_common.h, libnetlink.h). */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n, int *netns_fd);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f, struct rtattr *xs);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

struct iplink_req;
int iplink_parse(int argc, char **argv, struct iplink_req *req, char **type,
		 int *netns_fd);
struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type);
int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);

/* Room ip leaves for attributes after the ifinfomsg of its request. */
#define VETH_RS_REQ_ROOM 1024

static void veth_rs_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add NAME type veth_rs [ peer PEER-OPTIONS ]\n"
		"PEER-OPTIONS are those of 'ip link add' (name, netns, address,\n"
		"mtu, numtxqueues, ...), applied to the peer device.\n");
}

static int veth_rs_parse_opt(struct link_util *lu, int argc, char **argv,
			     struct nlmsghdr *n, int *netns_fd)
{
	struct ifinfomsg *outer = NLMSG_DATA(n), *peer, saved;
	struct rtattr *nest;
	char *type = NULL;
	int used;

	if (argc < 1 || strcmp(argv[0], "peer") != 0) {
		veth_rs_usage(stderr);
		return -1;
	}

	/*
	 * iplink_parse() writes the flags and index it parses into the
	 * request's ifinfomsg: park the outer device's values, let it fill
	 * that header for the peer, then move them where they belong.
	 */
	saved = *outer;
	outer->ifi_flags = 0;
	outer->ifi_change = 0;
	outer->ifi_index = 0;

	nest = addattr_nest(n, VETH_RS_REQ_ROOM, VETH_INFO_PEER);
	peer = RTA_DATA(nest);
	n->nlmsg_len += NLMSG_ALIGN(sizeof(*peer));

	used = iplink_parse(argc - 1, argv + 1, (struct iplink_req *)n, &type,
			    netns_fd);
	if (used < 0)
		return used;
	if (type) {
		fprintf(stderr, "Error: the peer cannot have its own \"type\".\n");
		return -1;
	}

	memset(peer, 0, sizeof(*peer));
	peer->ifi_index = outer->ifi_index;
	peer->ifi_flags = outer->ifi_flags;
	peer->ifi_change = outer->ifi_change;
	outer->ifi_index = saved.ifi_index;
	outer->ifi_flags = saved.ifi_flags;
	outer->ifi_change = saved.ifi_change;

	addattr_nest_end(n, nest);
	return argc - 1 - used;
}

static void veth_rs_print_help(struct link_util *lu, int argc, char **argv,
			       FILE *f)
{
	veth_rs_usage(f);
}

struct link_util veth_rs_link_util = {
	.id = "veth_rs",
	.parse_opt = veth_rs_parse_opt,
	.print_help = veth_rs_print_help,
};

/*
 * The same parser under the name veth. Never found by a plain `ip link add
 * ... type veth` (ip looks for link_veth.so, which the project does not
 * install): the benchmarks put a copy of this file under both names in a
 * directory of their own (bench/lib.sh, same_ip_parser) so that ip loads and
 * runs the same code for both drivers' pairs, and their counts differ only
 * by what the kernel does.
 */
struct link_util veth_link_util = {
	.id = "veth",
	.parse_opt = veth_rs_parse_opt,
	.print_help = veth_rs_print_help,
};
