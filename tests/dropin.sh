#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Drop-in mode: veth_rs loaded with kind=veth serves the stock
# `ip link add ... type veth` commands in place of veth.ko, and refuses to
# load (with a clear message) while veth.ko owns the kind.
# make-check: cpus=1 seconds=87 alone=all (reloads veth_rs as kind=veth, unloads veth.ko; pyroute2_like_veth alone takes ~73 s)
ALL_TESTS="dropin_pair dropin_refuses_c_veth c_veth_blocks_dropin pyroute2_like_veth"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

# No ip or rmmod process for what is not there: a vrda needs one of the
# two modules, and rmmod of a module not loaded does nothing.
unload_all() {
	if module_loaded veth_rs || module_loaded veth; then
		ip link del vrda 2>/dev/null
		module_loaded veth_rs && rmmod veth_rs 2>/dev/null
		module_loaded veth && rmmod veth 2>/dev/null
	fi
	! module_loaded veth && ! module_loaded veth_rs
}

# joined FILE N: the first N lines of FILE (the last ones for -N), each
# followed by a space, as head or tail and tr '\n' ' ' gave them; nothing
# for a file that cannot be read.
joined() {
	local l=() n k=${2#-}
	[ -r "$1" ] && mapfile -t l <"$1"
	n=${#l[@]}
	if [ "$2" -lt 0 ]; then
		((n > k)) && l=("${l[@]:n-k}")
	else
		l=("${l[@]:0:k}")
	fi
	[ ${#l[@]} -eq 0 ] || printf '%s ' "${l[@]}"
}
CLEANUP_HOOK=unload_all

dropin_pair() {
	local drv k v rest out
	setup_ns NSA NSB
	unload_all || { log_skip "dropin: pair" "cannot unload veth/veth_rs"; return; }
	insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth
	check_err $? "insmod veth_rs.ko kind=veth failed"
	check_eq "$(</sys/module/veth_rs/parameters/kind)" veth "kind parameter"
	ip link add vrda netns "$NSA" type veth peer name vrdb netns "$NSB"
	check_err $? "stock 'type veth' command failed"
	module_loaded veth
	check_fail $? "veth.ko got loaded: the pair is not veth_rs's"
	# awk's second field of the lines that start with driver:
	drv=
	while read -r k v rest; do
		[[ $k == driver:* ]] && drv+=${drv:+$'\n'}$v
	done < <(in_ns "$NSA" ethtool -i vrda)
	check_eq "$drv" veth "driver name in drop-in mode"
	out=$(ip -n "$NSA" -d link show vrda)
	[[ $out == *' veth '* ]]
	check_err $? "kind shown is not veth"
	addr_up "$NSA" vrda 10.9.9.1/24
	addr_up "$NSB" vrdb 10.9.9.2/24
	in_ns "$NSA" ping -c 2 -i 0.05 -W 5 10.9.9.2 >/dev/null
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
	local out log=() n
	unload_all
	modprobe veth || { log_skip "dropin: refused next to veth.ko" "no veth.ko"; return; }
	out=$(insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth 2>&1)
	check_fail $? "veth_rs kind=veth loaded next to veth.ko"
	# The last 20 lines of the kernel log (tail and grep by the shell).
	mapfile -t log < <(dmesg)
	n=${#log[@]}
	((n > 20)) && log=("${log[@]:n-20}")
	printf -v out '%s\n' "${log[@]}"
	[[ $out == *"link kind 'veth' is already registered"* ]]
	check_err $? "no clear message in the kernel log"
	unload_all
	log_test "dropin: kind=veth refused with a message while veth.ko is loaded"
}

# The short form of make containers' pyroute2 stack (OpenStack's way of
# making pairs: tests/containers/pyroute2.sh with CT_NETLINK_ONLY=1, no
# traffic) under veth.ko, then under veth_rs as kind=veth: the same
# observations, line for line, and every expectation met under both.
pyroute2_like_veth() {
	local drv fwd d n
	d=$(mktemp -d)
	# Whether pyroute2 is there, without importing it (the import alone
	# costs seconds in the debug VM, and pyroute2.sh does it anyway).
	python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("pyroute2") is None)' 2>/dev/null || { log_skip "dropin: pyroute2 like veth" "no python3-pyroute2"; rm -rf "$d"; return; }
	fwd=$(</proc/sys/net/ipv4/ip_forward)
	for drv in veth veth_rs; do
		unload_all || { log_skip "dropin: pyroute2 like veth" "cannot unload veth/veth_rs"; rm -rf "$d"; return; }
		if [ $drv = veth ]; then modprobe veth; else insmod "$VETH_RS_TOP/veth_rs.ko" kind=veth; fi
		check_err $? "cannot load $drv for kind veth"
		CT_NETLINK_ONLY=1 CT_FAILS="$d/$drv.fail" "$VETH_RS_TOP/tests/containers/pyroute2.sh" >"$d/$drv.txt" 2>"$d/$drv.err" </dev/null
		check_err $? "pyroute2.sh under $drv exited $?: $(joined "$d/$drv.err" -3)"
		check_fail "$([ -s "$d/$drv.fail" ] && echo 0 || echo 1)" "under $drv: $(joined "$d/$drv.fail" 3)"
		ip -force -b - <<<$'netns del ct-pr1\nnetns del ct-pr2' >/dev/null 2>&1
	done
	echo "$fwd" >/proc/sys/net/ipv4/ip_forward
	# wc -l: the lines that end with a newline.
	n=0
	while IFS= read -r _; do
		n=$((n + 1))
	done <"$d/veth.txt"
	check_ge "$n" 40 "observations under veth"
	# The diff for the message only when they differ.
	if ! cmp -s "$d/veth.txt" "$d/veth_rs.txt"; then
		check_err 1 "pyroute2 sees veth_rs differently: $(diff "$d/veth.txt" "$d/veth_rs.txt" | grep '^[<>]' | head -4 | tr '\n' ' ')"
	fi
	unload_all
	rm -rf "$d"
	log_test "dropin: pyroute2 (OpenStack's calls) sees veth_rs as it sees veth"
}

tests_run
