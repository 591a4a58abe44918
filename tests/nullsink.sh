#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nullsink_rs.ko, the second driver on the layer (issue 14): it implements
# setup, newlink, start_xmit, get_stats64 and ethtool stats only, in safe
# Rust. Each case does the same to the C `dummy` device in the same boot, as
# the reference.
# make-check: cpus=1 seconds=10 initns=all (its devices and dummy's are in the init namespace)
ALL_TESTS="sink_counts_like_dummy sink_optional_ops sink_rmmod_live"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

# One ip run; -force goes on past the devices that are not there.
sink_cleanup() {
	ip -force -b - <<<$'link del vsd0\nlink del vsn0\nlink del vsn1' >/dev/null 2>&1
}
CLEANUP_HOOK=sink_cleanup

# sink_up DEV KIND NET: a device of KIND with address NET.1/24 and a
# static neighbour NET.2, up, IPv6 off (no router solicitations).
sink_up() {
	ip link add "$1" type "$2" || return 1
	echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	# One ip run, which stops at the first command that fails (as &&).
	ip -b - <<EOF
addr add $3.1/24 dev $1
link set $1 up
neigh add $3.2 lladdr 02:00:00:00:00:02 dev $1
EOF
}

stat_of() { local v; read -r v <"/sys/class/net/$1/statistics/$2"; echo "$v"; }

# ethtool_stat DEV NAME: the value of NAME in ethtool -S DEV (awk's $2 of
# the lines whose first field is NAME:, by the shell).
ethtool_stat() {
	local k v rest
	while read -r k v rest; do
		[ "$k" = "$2:" ] && echo "$v"
	done < <(ethtool -S "$1")
}

# 20 UDP datagrams of 100 bytes to NET.2 (bash's /dev/udp, no process
# start each); prints the tx packets and bytes the device counted.
send_20() {
	local dev=$1 net=$2 p0 b0 i payload
	printf -v payload '%0100d' 0
	p0=$(stat_of "$dev" tx_packets) b0=$(stat_of "$dev" tx_bytes)
	for ((i = 0; i < 20; i++)); do
		printf '%s' "$payload" >"/dev/udp/$net.2/9"
	done
	echo "$(($(stat_of "$dev" tx_packets) - p0)) $(($(stat_of "$dev" tx_bytes) - b0))"
}

sink_counts_like_dummy() {
	local c rs out
	modprobe dummy numdummies=0 || { log_skip "nullsink: counts like dummy" "no dummy module"; return; }
	sink_up vsd0 dummy 10.55.0
	check_err $? "dummy device"
	sink_up vsn0 nullsink_rs 10.56.0
	check_err $? "nullsink_rs device (autoloaded by its kind)"
	c=$(send_20 vsd0 10.55.0)
	rs=$(send_20 vsn0 10.56.0)
	check_eq "$rs" "$c" "tx packets and bytes of nullsink_rs vs dummy"
	check_eq "$rs" "20 2840" "tx packets and bytes (20 x 142)"
	check_eq "$(stat_of vsn0 tx_dropped) $(stat_of vsn0 rx_packets)" "0 0" "nullsink_rs: dropped, received"
	# Its private data: a lock initialised in place (PinInit) around the
	# largest frame sent, which ethtool -S reads (14 + 20 + 8 + 100 bytes).
	check_eq "$(ethtool_stat vsn0 largest_frame)" "142" \
		"largest frame of nullsink_rs, kept under its private lock"
	out=$(ip -d link show vsn0)
	[[ $out == *nullsink_rs* ]]
	check_err $? "kind not shown"
	sink_cleanup
	log_test "nullsink: 20 datagrams counted and swallowed as dummy does ($rs)"
}

# What the driver does not implement is NULL in the C tables: the core's
# defaults answer (ethtool has no channels; iflink is the device itself;
# deleting uses the default dellink).
sink_optional_ops() {
	ip link add vsn0 type nullsink_rs
	check_err $? "add"
	ethtool -l vsn0 >/dev/null 2>&1
	check_fail $? "ethtool -l answered without get_channels"
	check_eq "$(</sys/class/net/vsn0/iflink)" "$(</sys/class/net/vsn0/ifindex)" "iflink without get_iflink"
	ip link set vsn0 mtu 9000
	check_err $? "MTU 9000"
	ip link set vsn0 address 02:00:00:00:00:42 up
	check_err $? "MAC change and up"
	ip link del vsn0
	check_err $? "delete"
	[ -e /sys/class/net/vsn0 ]
	check_fail $? "device left after delete"
	log_test "nullsink: optional operations left out fall back to the core's defaults"
}

sink_rmmod_live() {
	ip -b - <<<$'link add vsn0 type nullsink_rs\nlink add vsn1 type nullsink_rs'
	check_err $? "add two"
	rmmod nullsink_rs
	check_err $? "rmmod with live devices"
	[ -e /sys/class/net/vsn0 ] || [ -e /sys/class/net/vsn1 ]
	check_fail $? "devices left after rmmod"
	log_test "nullsink: rmmod with live devices deletes them"
}

tests_run
