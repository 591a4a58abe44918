#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Drop-in mode: veth_rs loaded with kind=veth serves the stock
# `ip link add ... type veth` commands in place of veth.ko, and refuses to
# load (with a clear message) while veth.ko owns the kind.
# make-check: cpus=1 seconds=87 alone=all (reloads veth_rs as kind=veth, unloads veth.ko; pyroute2_like_veth alone takes ~73 s)
ALL_TESTS="dropin_pair dropin_refuses_c_veth c_veth_blocks_dropin pyroute2_like_veth"
. "$(dirname "$0")/lib.sh"

unload_all() {
	ip link del vrda 2>/dev/null
	rmmod veth_rs 2>/dev/null
	rmmod veth 2>/dev/null
	! grep -qE '^(veth|veth_rs) ' /proc/modules
}
CLEANUP_HOOK=unload_all

dropin_pair() {
	setup_ns NSA NSB
	unload_all || { log_skip "dropin: pair" "cannot unload veth/veth_rs"; return; }
	insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth
	check_err $? "insmod veth_rs.ko kind=veth failed"
	check_eq "$(cat /sys/module/veth_rs/parameters/kind)" veth "kind parameter"
	ip link add vrda netns "$NSA" type veth peer name vrdb netns "$NSB"
	check_err $? "stock 'type veth' command failed"
	grep -q '^veth ' /proc/modules
	check_fail $? "veth.ko got loaded: the pair is not veth_rs's"
	check_eq "$(ip netns exec "$NSA" ethtool -i vrda | awk '/^driver:/ {print $2}')" veth "driver name in drop-in mode"
	ip -n "$NSA" -d link show vrda | grep -q ' veth '
	check_err $? "kind shown is not veth"
	addr_up "$NSA" vrda 10.9.9.1/24
	addr_up "$NSB" vrdb 10.9.9.2/24
	ip netns exec "$NSA" ping -c 2 -i 0.05 -W 5 10.9.9.2 >/dev/null
	check_err $? "no ping across the drop-in pair"
	ip -n "$NSA" link del vrda
	log_test "dropin: kind=veth serves 'ip link add ... type veth peer ...'"
}

dropin_refuses_c_veth() {
	# With veth_rs owning kind veth, veth.ko cannot register it.
	modprobe veth 2>/dev/null
	check_fail $? "veth.ko loaded while veth_rs owns kind veth"
	log_test "dropin: veth.ko cannot load while veth_rs serves kind veth"
}

c_veth_blocks_dropin() {
	local out
	unload_all
	modprobe veth || { log_skip "dropin: refused next to veth.ko" "no veth.ko"; return; }
	out=$(insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth 2>&1)
	check_fail $? "veth_rs kind=veth loaded next to veth.ko"
	dmesg | tail -20 | grep -q "link kind 'veth' is already registered"
	check_err $? "no clear message in the kernel log"
	unload_all
	log_test "dropin: kind=veth refused with a message while veth.ko is loaded"
}

# The short form of make containers' pyroute2 stack (OpenStack's way of
# making pairs: tests/containers/pyroute2.sh with CT_NETLINK_ONLY=1, no
# traffic) under veth.ko, then under veth_rs as kind=veth: the same
# observations, line for line, and every expectation met under both.
pyroute2_like_veth() {
	local drv fwd d
	d=$(mktemp -d)
	python3 -c 'import pyroute2' 2>/dev/null || { log_skip "dropin: pyroute2 like veth" "no python3-pyroute2"; rm -rf "$d"; return; }
	fwd=$(sysctl -n net.ipv4.ip_forward)
	for drv in veth veth_rs; do
		unload_all || { log_skip "dropin: pyroute2 like veth" "cannot unload veth/veth_rs"; rm -rf "$d"; return; }
		if [ $drv = veth ]; then modprobe veth; else insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth; fi
		check_err $? "cannot load $drv for kind veth"
		CT_NETLINK_ONLY=1 CT_FAILS="$d/$drv.fail" "$VETH_RS_TOP/tests/containers/pyroute2.sh" >"$d/$drv.txt" 2>"$d/$drv.err" </dev/null
		check_err $? "pyroute2.sh under $drv exited $?: $(tail -3 "$d/$drv.err" | tr '\n' ' ')"
		check_fail "$([ -s "$d/$drv.fail" ] && echo 0 || echo 1)" "under $drv: $(cat "$d/$drv.fail" 2>/dev/null | head -3 | tr '\n' ' ')"
		ip netns del ct-pr1 2>/dev/null
		ip netns del ct-pr2 2>/dev/null
	done
	sysctl -qw net.ipv4.ip_forward="$fwd"
	check_ge "$(wc -l <"$d/veth.txt")" 40 "observations under veth"
	cmp -s "$d/veth.txt" "$d/veth_rs.txt"
	check_err $? "pyroute2 sees veth_rs differently: $(diff "$d/veth.txt" "$d/veth_rs.txt" | grep '^[<>]' | head -4 | tr '\n' ' ')"
	unload_all
	rm -rf "$d"
	log_test "dropin: pyroute2 (OpenStack's calls) sees veth_rs as it sees veth"
}

tests_run
