#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control-path study of `make bench` (bench/bench.sh --ctl), run inside the
# release VM: is veth_rs slower than the C veth at creating and deleting
# pairs, and where does the time go? In one boot, ROUNDS rounds, each
# creating then deleting N pairs per driver with `ip -batch` (both ends in
# namespace bnc, as bench/run.sh does), the driver order alternating round
# by round. Every batch records its wall time and the CPU time of the `ip`
# process (user, and system = the kernel's work done for it). Then, with
# kprobes on the functions a request goes through, a traced round per
# driver gives the time spent in each of them per pair.
#   bench/ctl.sh [--rounds R] [--pairs N] [--no-trace] OUT
# OUT gets one JSON object a line; bench/ctl_report.py summarises it.
set -u

rounds=10 pairs=200 trace=1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--pairs) pairs=$2; shift ;;
	--no-trace) trace=0 ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: $0 [--rounds R] [--pairs N] [--no-trace] OUT" >&2; exit 2; }

TMP=$(mktemp -d)
TRACEFS=/sys/kernel/tracing
log() { printf '[ctl] %s\n' "$*" >&2; }
now() { date +%s.%N; }

cleanup() {
	[ -d $TRACEFS/events/kprobes ] && {
		echo 0 >$TRACEFS/tracing_on
		echo >$TRACEFS/kprobe_events
	} 2>/dev/null
	ip netns del bnc 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
# The same ip parser for both drivers' batches (lib.sh).
same_ip_parser "$TMP/iplib" || exit 1

batches() {
	local i type=$1
	: >"$TMP/add" && : >"$TMP/del"
	for ((i = 0; i < pairs; i++)); do
		echo "link add bc$i $type peer name bd$i" >>"$TMP/add"
		echo "link del bc$i" >>"$TMP/del"
	done
}

# timed_batch FILE: runs `ip -n bnc -batch FILE`; prints "wall user sys".
timed_batch() {
	local t0 t1 tf
	tf=$TMP/time
	t0=$(now)
	{ TIMEFORMAT='%U %S'; time IP_LIB_DIR=$TMP/iplib timeout 300 ip -n bnc -batch "$1" >"$TMP/ip.log" 2>&1; } 2>"$tf" || {
		log "ip -batch $1 failed: $(head -n 3 "$TMP/ip.log")"
		return 1
	}
	t1=$(now)
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') $(tail -n 1 "$tf")"
}

# one DRIVER ROUND [TRACED]: create then delete $pairs pairs.
one() {
	local drv=$1 r=$2 add del
	batches "type $drv"
	ip netns add bnc || return 1
	sleep 0.5
	add=$(timed_batch "$TMP/add") || { ip netns del bnc; return 1; }
	sleep 0.5
	del=$(timed_batch "$TMP/del") || { ip netns del bnc; return 1; }
	ip netns del bnc
	read -r aw au as <<<"$add"
	read -r dw du ds <<<"$del"
	printf '{"driver":"%s","round":%d,"traced":%s,"pairs":%d,"create":{"wall":%s,"user":%s,"sys":%s},"delete":{"wall":%s,"user":%s,"sys":%s}}\n' \
		"$drv" "$r" "${3:-false}" "$pairs" "$aw" "$au" "$as" "$dw" "$du" "$ds" >>"$out"
	log "$drv round $r: create $aw s (user $au, sys $as), delete $dw s (user $du, sys $ds) for $pairs pairs"
	sleep 0.5
}

# The functions a create or delete request goes through, traced on entry
# and return. The drivers' own entry points are added per driver.
CORE_FUNCS="rtnl_newlink rtnl_create_link register_netdevice rtnl_configure_link
netdev_update_features __dev_change_net_namespace rtnl_dellink
unregister_netdevice_many_notify netdev_run_todo synchronize_net
synchronize_rcu_expedited synchronize_rcu rcu_barrier free_netdev"

# A module function's address in /proc/kallsyms (Rust names are mangled:
# match the end of the name).
ksym() {
	awk -v m="[$1]" -v s="$2" '$4 == m && ($2 == "t" || $2 == "T") && index($3, s) {
		if (substr($3, length($3) - length(s) + 1) == s) { print $1; found = 1; exit }
		if (!any) any = $1 }
		END { if (!found && any) print any }' /proc/kallsyms
}

setup_probes() {
	local f n=0 a
	echo >$TRACEFS/kprobe_events
	for f in $CORE_FUNCS; do
		echo "p:bp_$f $f" >>$TRACEFS/kprobe_events 2>/dev/null &&
			echo "r:br_$f $f" >>$TRACEFS/kprobe_events 2>/dev/null && n=$((n + 1))
	done
	# veth.ko's newlink, dellink, ndo_init and destructor.
	for f in veth_newlink veth_dellink veth_dev_init veth_dev_free; do
		echo "p:bp_$f veth:$f" >>$TRACEFS/kprobe_events 2>/dev/null &&
			echo "r:br_$f veth:$f" >>$TRACEFS/kprobe_events 2>/dev/null && n=$((n + 1))
	done
	# veth_rs's C entry points (trampolines of netdev.rs), by address.
	for f in newlink_callback dellink_callback init_callback priv_destructor_callback setup_callback; do
		a=$(ksym veth_rs "$f")
		[ -n "$a" ] || { log "no veth_rs symbol *$f"; continue; }
		echo "p:bp_rs_$f 0x$a" >>$TRACEFS/kprobe_events 2>/dev/null &&
			echo "r:br_rs_$f 0x$a" >>$TRACEFS/kprobe_events 2>/dev/null && n=$((n + 1)) ||
			log "cannot probe veth_rs $f at $a"
	done
	log "$n functions probed"
	echo 1 >$TRACEFS/events/kprobes/enable
}

# traced DRIVER: one round with the probes on; the trace goes to
# OUT.trace-DRIVER (ts pid event lines), summarised by bench/ctl_report.py.
traced() {
	local drv=$1
	echo 0 >$TRACEFS/tracing_on
	echo 16384 >$TRACEFS/buffer_size_kb
	echo >$TRACEFS/trace
	echo 1 >$TRACEFS/tracing_on
	one "$drv" -1 true
	echo 0 >$TRACEFS/tracing_on
	# "  ip-123  [001] ..... 12.345678: bp_rtnl_newlink: (...)"
	awk '$1 !~ /^#/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) {
		ts = substr($i, 1, length($i) - 1); ev = $(i + 1); sub(/:$/, "", ev)
		pid = $1; sub(/.*-/, "", pid); print ts, pid, ev; break } }' \
		$TRACEFS/trace >>"$out.trace-$drv"
	log "$drv: $(wc -l <"$out.trace-$drv") trace events so far"
}

main() {
	local r d order
	: >"$out"
	modprobe veth || exit 1
	grep -q '^veth_rs ' /proc/modules || modprobe veth_rs || exit 1
	printf '{"meta":{"kernel":"%s","cpus":%d,"rounds":%d,"pairs":%d,"veth_rs_srcversion":"%s"}}\n' \
		"$(uname -r)" "$(nproc)" "$rounds" "$pairs" "$(cat /sys/module/veth_rs/srcversion 2>/dev/null)" >>"$out"
	# Warm-up: one small round each (slab caches, module code paths).
	pairs_saved=$pairs pairs=50
	one veth -2 && one veth_rs -2
	pairs=$pairs_saved
	for ((r = 0; r < rounds; r++)); do
		if [ $((r % 2)) = 0 ]; then order="veth veth_rs"; else order="veth_rs veth"; fi
		for d in $order; do
			one "$d" "$r"
		done
	done
	if [ $trace = 1 ] && [ -w $TRACEFS/kprobe_events ]; then
		setup_probes
		: >"$out.trace-veth" && : >"$out.trace-veth_rs"
		traced veth
		traced veth_rs
		traced veth
		traced veth_rs
	fi
}

main
