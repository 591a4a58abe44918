#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seed scenario as a test: a veth_rs pair across two namespaces
# carries IPv4, IPv6 and TCP, and each end's rx counters equal the other
# end's tx counters.
# make-check: cpus=1 seconds=13
ALL_TESTS="ping4 ping6 iperf3_tcp stats_equal"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

setup() {
	require_veth_rs || exit $ksft_skip
	setup_ns NS0 NS1 || exit 1
	ip link add vrs0 netns "$NS0" type veth_rs peer name vrs1 netns "$NS1" || exit 1
	addr_up "$NS0" vrs0 10.1.1.2/24 "fd00::2/64 nodad"
	addr_up "$NS1" vrs1 10.1.1.3/24 "fd00::3/64 nodad"
}

ping4() {
	in_ns "$NS0" ping -c 3 -i 0.05 -W 5 10.1.1.3 >/dev/null
	check_err $? "no IPv4 ping reply across the pair"
	log_test "seed: IPv4 ping ns0 -> ns1"
}

ping6() {
	in_ns "$NS1" ping -6 -c 3 -i 0.05 -W 5 fd00::2 >/dev/null
	check_err $? "no IPv6 ping reply across the pair"
	log_test "seed: IPv6 ping ns1 -> ns0"
}

# last_lines N TEXT: the last N lines of TEXT (tail -N by the shell).
last_lines() {
	local l=() n
	mapfile -t l <<<"$2"
	n=${#l[@]}
	((n > $1)) && l=("${l[@]:n-$1}")
	printf '%s\n' "${l[@]}"
}

iperf3_tcp() {
	local out bytes= mbit=
	in_ns "$NS1" iperf3 -s -1 -D -B 10.1.1.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	out=$(in_ns "$NS0" iperf3 -c 10.1.1.3 -t 2 -J 2>&1)
	check_err $? "iperf3 client failed: $(last_lines 3 "$out")"
	# Both figures from one jq, a line each (the rate's line empty where
	# it cannot be computed, as jq's error left it).
	{ read -r bytes; read -r mbit; } < <(jq -r '.end.sum_received.bytes,
		(try (.end.sum_received.bits_per_second / 1e6 | floor) catch "")' <<<"$out" 2>/dev/null)
	[ "${bytes:-0}" -gt 0 ] 2>/dev/null
	check_err $? "iperf3 received no bytes"
	echo "# iperf3 TCP under TCG: $mbit Mbit/s"
	log_test "seed: iperf3 TCP stream ns0 -> ns1"
}

stats_equal() {
	local i rx0 tx0 rx1 tx1 rxb0 txb1
	# Counters may move under neighbour traffic (IPv6 router solicitations,
	# MLD reports) between the reads: take a quiet snapshot, bytes
	# included (a 70-byte solicitation between two reads failed it once).
	for i in 1 2 3 4 5; do
		rx0= tx0= rxb0= rx1= tx1= txb1=
		read -r rx0 tx0 rxb0 < <(link_stat "$NS0" vrs0 rx_packets tx_packets rx_bytes)
		read -r rx1 tx1 txb1 < <(link_stat "$NS1" vrs1 rx_packets tx_packets tx_bytes)
		[ "$rx0" = "$tx1" ] && [ "$rx1" = "$tx0" ] && [ "$rxb0" = "$txb1" ] &&
			[ "$tx1" = "$(link_stat "$NS1" vrs1 tx_packets)" ] && break
		nap 1
	done
	check_eq "$rx0" "$tx1" "rx_packets of vrs0 vs tx_packets of vrs1"
	check_eq "$rx1" "$tx0" "rx_packets of vrs1 vs tx_packets of vrs0"
	[ "$tx0" -gt 0 ] 2>/dev/null
	check_err $? "no packets counted"
	check_eq "$rxb0" "$txb1" "rx_bytes of vrs0 vs tx_bytes of vrs1"
	log_test "seed: rx counters of one end equal tx of the other ($tx0/$tx1 packets)"
}

setup
tests_run
