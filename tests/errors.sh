#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to RTM_NEWLINK: each request goes once to C veth and once to
# veth_rs (tests/nl.py sends it as written, so the kernel's checks answer)
# and must get the same errno, with no device left behind.
# make-check: cpus=1 seconds=7 initns=all (deletes every veth of the init namespace)
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

cleanup_links() {
	del_links_of_kind veth_rs veth
	ip link del vrdup 2>/dev/null
	rm -rf "$WORK"
}
CLEANUP_HOOK=cleanup_links

CASES=()

# same_errno "case" [nl.py options...]: a request to send to C veth and
# then to veth_rs. They all go in one nl.py run (--batch; a python start
# costs seconds in the debug VM), which compares the devices of the init
# namespace and of NSE before and after each, deleting what an accepted
# request made; run_cases checks the answers and the devices.
same_errno() {
	local what=$1
	shift
	# "-": no expected errno (a tab-separated field may not be empty).
	CASES+=("${EXPECT:--}	$what	$(printf '%q ' "$@")")
}

run_cases() {
	local batch=$WORK/cases out=() i expect what answers c rs problem
	printf '%s\n' "${CASES[@]}" >"$batch"
	mapfile -t out < <($NL --kind veth,veth_rs --snapshot-netns "/run/netns/$NSE" \
		--batch "$batch" 2>"$WORK/nl.err")
	for i in "${!CASES[@]}"; do
		IFS=$'\t' read -r expect what _ <<<"${CASES[$i]}"
		IFS=$'\t' read -r answers problem <<<"${out[$i]:-}"
		read -r c rs _ <<<"${answers:-}"
		RET=0
		if [ -z "$rs" ]; then
			check_err 1 "no answer from nl.py: $(tail -c 300 "$WORK/nl.err" | tr '\n' ' ')"
		fi
		check_eq "$rs" "$c" "errno of veth_rs vs veth"
		[ "$expect" != - ] && check_eq "$rs" "$expect" "errno"
		check_eq "$problem" "" "devices after the request"
		log_test "errors: $what -> $rs (veth: $c)"
	done
}

require_veth_rs || exit $ksft_skip
require_c_veth || exit $ksft_skip
setup_ns NSE
WORK=$(mktemp -d)
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
same_errno "peer ifindex taken" --name vre0 --peer-name vre1 --peer-index "$(</sys/class/net/lo/ifindex)"
same_errno "zero queues" --name vre0 --numtxqueues 0
same_errno "4097 queues" --name vre0 --numrxqueues 4097
EXPECT=OK same_errno "peer in another netns" --name vre0 --peer-name vre1 --peer-netns "/run/netns/$NSE"
run_cases
