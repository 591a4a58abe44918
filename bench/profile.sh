#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where the time goes, veth beside veth_rs in one boot: perf (cpu-clock,
# all CPUs, call graphs) over one workload per driver, then the symbols
# that took the most samples. Run in the release VM by
# `bench/bench.sh --profile [WORKLOAD...]`; also usable by hand in any VM.
#   bench/profile.sh [--secs N] [--pairs N] [--drivers "veth veth_rs"]
#                    [--annotate SYMBOL-REGEX] [WORKLOAD...]
# --annotate: also the hottest instructions (perf annotate) of the symbols
# that match.
# Workloads (default: pktgen xdp ctl):
#   pktgen  64-byte pktgen into a pair, as bench/run.sh measures it;
#   xdp     the same with tests/bpf/xdp_pass.bpf.o attached (native) on
#           the receiving end;
#   gro     iperf3 with GRO on at the receiving end;
#   ctl     `ip -batch` creating then deleting N pairs.
# Each profile prints the samples per second of the workload's own rate
# beside the top symbols, so that two drivers compare per packet (or per
# pair), not per second.
set -u

secs=5 pairs=300 drivers="veth veth_rs" works=() annotate=
while [ $# -gt 0 ]; do
	case $1 in
	--secs) secs=$2; shift ;;
	--pairs) pairs=$2; shift ;;
	--drivers) drivers=$2; shift ;;
	--annotate) annotate=$2; shift ;;
	*) works+=("$1") ;;
	esac
	shift
done
[ ${#works[@]} -gt 0 ] || works=(pktgen xdp ctl)
TOP=$(cd "$(dirname "$0")/.." && pwd)
XDP_OBJ=$TOP/tests/bpf/xdp_pass.bpf.o
TMP=$(mktemp -d)
IP0=10.77.0.1 IP1=10.77.0.2

log() { printf '[profile] %s\n' "$*" >&2; }
cleanup() {
	ip netns del pn0 2>/dev/null
	ip netns del pn1 2>/dev/null
	ip netns del pnc 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

command -v perf >/dev/null || { log "no perf in the guest (package linux-perf)"; exit 4; }
modprobe pktgen
for d in $drivers; do modprobe "$d" || { log "cannot load $d"; exit 1; }; done
# Kernel symbols for perf, module ones included.
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid

setup_pair() {
	ip netns add pn0 && ip netns add pn1 || return 1
	ip -n pn0 link add px0 type "$1" peer name px1 netns pn1 || return 1
	ip -n pn0 addr add $IP0/24 dev px0
	ip -n pn1 addr add $IP1/24 dev px1
	ip -n pn0 link set px0 up
	ip -n pn1 link set px1 up
	ip -n pn0 link set lo up
	ip -n pn1 link set lo up
	ip netns exec pn0 ping -q -c 1 -W 5 $IP1 >/dev/null
}
teardown_pair() {
	ip -n pn0 link del px0 2>/dev/null
	ip netns del pn0 2>/dev/null
	ip netns del pn1 2>/dev/null
	sleep 0.5
}
rx_packets() { ip netns exec pn1 cat /sys/class/net/px1/statistics/rx_packets; }

# record CMD...: perf over all CPUs while CMD runs (report: `report`).
record() {
	perf record -q -a -g -o "$TMP/perf.data" -- "$@" >/dev/null 2>"$TMP/perf.err" || {
		log "perf record failed: $(tail -n 3 "$TMP/perf.err")"
		return 1
	}
}
# The top symbols, then every symbol of the drivers and of their C
# helpers (veth_rs_*: one out-of-line call each), with the helpers' sum.
report() {
	perf report -i "$TMP/perf.data" --no-children --sort sym -g none \
		--stdio 2>/dev/null | grep -v '^#' | grep -v '^$' >"$TMP/report"
	head -n 25 "$TMP/report"
	echo "-- driver symbols (veth*, xdp*, bpf_prog*, ptr_ring*, page_pool*, napi*):"
	grep -E '\] (veth|_R.*veth_rs|xdp|bpf_prog|__?ptr_ring|page_pool|napi|__napi)' "$TMP/report" | head -n 40
	if [ -n "$annotate" ]; then
		grep -oE '\] [^ ]+' "$TMP/report" | cut -c3- | grep -E "$annotate" | head -n 3 | while read -r sym; do
			echo "-- hottest instructions of $sym:"
			perf annotate -i "$TMP/perf.data" --stdio -s "$sym" 2>/dev/null |
				awk -F: '$1 ~ /^ *[0-9.]+ *$/ && $1 + 0 >= 0.8' | sort -rn | head -n 40
		done
	fi
	awk '/\] veth_rs_/ { sub("%", "", $1); s += $1; n++ } END { printf "-- %d C helpers of veth_rs: %.2f%% of the samples\n", n, s }' "$TMP/report"
}

# pktgen_start: 64-byte pktgen from px0 to px1 in the background, as
# bench/run.sh measures it; pktgen_stop ends it.
pktgen_start() {
	local mac
	mac=$(ip netns exec pn1 cat /sys/class/net/px1/address)
	ip netns exec pn0 sh -c "d=/proc/net/pktgen
		echo rem_device_all >\$d/kpktgend_0
		echo 'add_device px0' >\$d/kpktgend_0
		for c in 'count 0' 'clone_skb 0' 'pkt_size 60' 'delay 0' 'dst $IP1' \
			'dst_mac $mac' 'udp_dst_min 9' 'udp_dst_max 9'; do echo \"\$c\" >\$d/px0; done
		echo start >/proc/net/pktgen/pgctrl" &
	PKTGEN=$!
	sleep 1
}
# pktgen's /proc files are per network namespace.
pktgen_stop() {
	ip netns exec pn0 sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$PKTGEN"
	ip netns exec pn0 sh -c 'echo rem_device_all >/proc/net/pktgen/kpktgend_0'
}

profile() {
	local w=$1 d=$2 r0 r1 t0 t1 rate unit
	case $w in
	pktgen | xdp | gro)
		setup_pair "$d" || { log "$d: pair setup failed"; teardown_pair; return 1; }
		if [ "$w" = xdp ]; then
			ip -n pn1 link set dev px1 xdpdrv obj "$XDP_OBJ" sec xdp || { teardown_pair; return 1; }
		fi
		if [ "$w" = gro ]; then
			ip netns exec pn1 ethtool -K px1 gro on
			ip netns exec pn1 taskset -c 1 iperf3 -s -1 -B $IP1 >/dev/null 2>&1 &
			sleep 1
		fi
		if [ "$w" = gro ]; then
			ip netns exec pn0 taskset -c 0 iperf3 -c $IP1 -t $((secs + 2)) >/dev/null &
			sleep 1
		else
			pktgen_start
		fi
		r0=$(rx_packets) t0=$(date +%s.%N)
		record sleep "$secs"
		r1=$(rx_packets) t1=$(date +%s.%N)
		if [ "$w" = gro ]; then wait; else pktgen_stop; fi
		rate=$(awk "BEGIN { printf \"%.0f\", ($r1 - $r0) / ($t1 - $t0) }") unit="packets/s received"
		teardown_pair
		;;
	ctl)
		: >"$TMP/add" && : >"$TMP/del"
		for ((i = 0; i < pairs; i++)); do
			echo "link add pc$i type $d peer name pd$i" >>"$TMP/add"
			echo "link del pc$i" >>"$TMP/del"
		done
		ip netns add pnc
		t0=$(date +%s.%N)
		record sh -c "ip -n pnc -batch $TMP/add && ip -n pnc -batch $TMP/del"
		t1=$(date +%s.%N)
		ip netns del pnc
		rate=$(awk "BEGIN { printf \"%.1f\", $pairs / ($t1 - $t0) }") unit="pairs/s created and deleted (perf on)"
		;;
	*) log "unknown workload $w"; return 1 ;;
	esac
	echo "== $w, $d: $rate $unit; $(perf report -i "$TMP/perf.data" --stdio 2>/dev/null | sed -n 's/^# Samples: \([^ ]*\).*/\1/p' | head -n 1) samples"
	report
	echo
}

for w in "${works[@]}"; do
	for d in $drivers; do
		profile "$w" "$d"
	done
done
