#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to RTM_NEWLINK: each request goes once to C veth and once to
# veth_rs (tests/nl.py sends it as written, so the kernel's checks answer)
# and must get the same errno, with no device left behind.
. "$(dirname "$0")/lib.sh"

cleanup_links() { del_links_of_kind veth_rs veth; ip link del vrdup 2>/dev/null; }
CLEANUP_HOOK=cleanup_links

# The devices of the init namespace and of the test's, one name a line
# (ip alone: a process start is the slow part of the debug VM).
links_snapshot() {
	local ns name _
	while read -r name _; do echo "${name%@*}"; done < <(ip -br link show)
	for ns in "${NS_LIST[@]}"; do
		while read -r name _; do echo "$ns: ${name%@*}"; done < <(ip -n "$ns" -br link show)
	done
}

# same_errno "case" [nl.py options...]: one request, sent to C veth and
# then to veth_rs (nl.py deletes what C veth made, if it made it).
same_errno() {
	local what=$1 c rs before after expect=${EXPECT:-}
	shift
	before=$(links_snapshot)
	read -r c rs < <($NL --kind veth,veth_rs "$@" 2>&1)
	[ "$c" = OK ] || [ "$rs" = OK ] && del_links_of_kind veth_rs veth
	after=$(links_snapshot)
	RET=0
	check_eq "$rs" "$c" "errno of veth_rs vs veth"
	[ -n "$expect" ] && check_eq "$rs" "$expect" "errno"
	check_eq "$after" "$before" "devices after the failed request"
	log_test "errors: $what -> $rs (veth: $c)"
}

require_veth_rs || exit $ksft_skip
require_c_veth || exit $ksft_skip
setup_ns NSE
ip link add vrdup type dummy 2>/dev/null || ip link add vrdup type veth_rs peer name vrdupp

tests_run
long=vrlongname123456
EXPECT=OK same_errno "well-formed request (control)" --name vrok0 --peer-name vrok1
EXPECT=ERANGE same_errno "name of 16 characters" --name-raw "$long" --peer-name vre1
EXPECT=ERANGE same_errno "peer name of 16 characters" --name vre0 --peer-name-raw "$long"
EXPECT=EEXIST same_errno "name of an existing device" --name vrdup --peer-name vre1
EXPECT=EEXIST same_errno "peer name of an existing device" --name vre0 --peer-name vrdup
EXPECT=EEXIST same_errno "peer name equal to the name" --name vre0 --peer-name vre0
EXPECT=EADDRNOTAVAIL same_errno "multicast MAC" --name vre0 --address 01:00:5e:00:00:01
EXPECT=EADDRNOTAVAIL same_errno "all-zero MAC" --name vre0 --address 00:00:00:00:00:00
EXPECT=EINVAL same_errno "MAC of 5 bytes" --name vre0 --address 02:00:00:00:01
EXPECT=EADDRNOTAVAIL same_errno "multicast peer MAC" --name vre0 --peer-name vre1 --peer-address 03:00:00:00:00:01
EXPECT=EINVAL same_errno "MTU 67" --name vre0 --mtu 67
EXPECT=EINVAL same_errno "MTU 65536" --name vre0 --mtu 65536
EXPECT=EINVAL same_errno "MTU -1 (huge)" --name vre0 --mtu -1
EXPECT=EINVAL same_errno "peer MTU 0" --name vre0 --peer-name vre1 --peer-mtu 0
same_errno "MTU attribute of 2 bytes" --name vre0 --mtu-raw 0005
same_errno "peer MTU attribute of 2 bytes" --name vre0 --peer-name vre1 --peer-mtu-raw 0005
same_errno "peer netns pid that does not exist" --name vre0 --peer-name vre1 --peer-netns-pid 999999
same_errno "peer netns fd that is not open" --name vre0 --peer-name vre1 --peer-netns-fd 999
same_errno "peer netns fd that is not a namespace" --name vre0 --peer-name vre1 --peer-netns-fd 0
same_errno "VETH_INFO_PEER shorter than ifinfomsg" --name vre0 --peer-raw 0000000001000000
same_errno "VETH_INFO_PEER empty" --name vre0 --peer-raw ""
same_errno "VETH_INFO_PEER with a truncated attribute" --name vre0 --peer-raw 00000000000000000000000000000000080003007672
same_errno "peer ifindex taken" --name vre0 --peer-name vre1 --peer-index "$(cat /sys/class/net/lo/ifindex)"
same_errno "zero queues" --name vre0 --numtxqueues 0
same_errno "4097 queues" --name vre0 --numrxqueues 4097
EXPECT=OK same_errno "peer in another netns" --name vre0 --peer-name vre1 --peer-netns "/run/netns/$NSE"
