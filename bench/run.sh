#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmarks of `make bench`, run inside the release VM by bench/bench.sh:
# the C veth (veth.ko), veth_rs and, as a reference, netkit, measured in the
# same boot, interleaved run by run, on identical setups. Writes one JSON
# object a line (a "meta" line, then one line per sample) to OUT; the first
# run of every driver is a warm-up, marked as such, that bench/report.py
# leaves out.
#   bench/run.sh [--quick] [--runs N] [--drivers "veth veth_rs netkit"] OUT
# QUICK: 1 warm-up + 2 runs, veth and veth_rs; full: 1 + 5, with netkit.
#
# Setup of every datapath measurement: namespaces bn0 and bn1, one pair
# bx0 (bn0, 10.77.0.1/24) -- bx1 (bn1, 10.77.0.2/24), made fresh for each
# driver and run, each driver with its default features. Senders are pinned
# to CPU 0 and receivers to CPU 1.
#   pktgen   in-kernel pktgen in bn0 (clone_skb 0, 60-byte frames, i.e.
#            64 bytes on a wire with the FCS) on bx0 to bx1's MAC and IP.
#            The rate is bx1's rx_packets delta (what the driver delivered
#            to the peer's backlog) over pktgen's own run time; what the
#            driver dropped (backlog full) is not counted as received and
#            is recorded beside (tx_dropped of bx0, rx_dropped of bx1).
#   iperf3   one TCP flow bn0 -> bn1, bits/s received.
#   tcp_rr   netperf TCP_RR bn0 -> bn1, transactions/s.
#   gro      iperf3 again, with GRO on at the receiving end (`ethtool -K
#            bx1 gro on`, which puts veth's receive queues on NAPI); veth
#            and veth_rs only (netkit has no NAPI receive path).
#   xdp      pktgen again, with tests/bpf/xdp_pass.bpf.o attached to bx1
#            (`ip link set dev bx1 xdpdrv obj ... sec xdp`, native mode:
#            plain `xdp` would fall back to the core's generic XDP on a
#            driver without ndo_bpf); veth and veth_rs
#            only. If the driver refuses the program, a "skip" line with
#            the attach error takes the sample's place: no number is made
#            up for a driver that cannot run XDP.
#   ctl      veth and veth_rs only (netkit pairs made by one `ip -batch`
#            can only be L3 ones, not comparable):
#            `ip -batch` adding N pairs (both ends in namespace bnc) then
#            deleting them one `link del` each, pairs/s of create, of delete
#            and of both.
#   mem      kernel memory (Slab + Percpu of /proc/meminfo) held per pair,
#            measured around the ctl create above.
set -u

quick=0 runs= drivers= out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--runs) runs=$2; shift ;;
	--drivers) drivers=$2; shift ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: $0 [--quick] [--runs N] [--drivers LIST] OUT" >&2; exit 2; }

# Run lengths (seconds; pairs of the control path). Runs count the
# warm-up run, which is shorter (W_*): it only has to warm caches and code
# paths, and its figures are discarded.
# QUICK leaves out the reference, netkit, unless asked for.
if [ $quick = 1 ]; then
	runs=${runs:-3} M_PKTGEN=2 M_IPERF=2 M_RR=2 M_GRO=2 M_XDP=2 M_PAIRS=200 budget=200
	W_PKTGEN=1 W_IPERF=1 W_RR=1 W_PAIRS=50
	drivers=${drivers:-veth veth_rs}
else
	runs=${runs:-6} M_PKTGEN=5 M_IPERF=10 M_RR=5 M_GRO=5 M_XDP=5 M_PAIRS=1000 budget=1020
	W_PKTGEN=1 W_IPERF=2 W_RR=1 W_PAIRS=100
	drivers=${drivers:-veth veth_rs netkit}
fi
# durations RUN: the lengths of run RUN.
durations() {
	if [ "$1" -eq 0 ]; then
		t_pktgen=$W_PKTGEN t_iperf=$W_IPERF t_rr=$W_RR t_gro=$W_IPERF t_xdp=$W_PKTGEN n_pairs=$W_PAIRS
	else
		t_pktgen=$M_PKTGEN t_iperf=$M_IPERF t_rr=$M_RR t_gro=$M_GRO t_xdp=$M_XDP n_pairs=$M_PAIRS
	fi
}
durations 1

XDP_OBJ=${VETH_RS_TOP:-$(cd "$(dirname "$0")/.." && pwd)}/tests/bpf/xdp_pass.bpf.o
TMP=$(mktemp -d)
SERVERS=()

T0=$SECONDS
log() { printf '[bench %4ds] %s\n' $((SECONDS - T0)) "$*" >&2; }
now() { date +%s.%N; }

. "$(dirname "$0")/lib.sh"

trap bench_cleanup EXIT
# The control path's batches: the same ip parser for veth and veth_rs.
same_ip_parser "$TMP/iplib" || exit 1

run_pktgen() {
	local drv=$1 r=$2 metric=${3:-pktgen_pps} secs=${4:-$t_pktgen} rx0 rx1 rxd0 rxd1 txd0 txd1 usec sent errors pps pid
	pktgen_setup "$drv" "$r" 0 || return 1
	rx0=$(nsstat bn1 bx1 rx_packets) rxd0=$(nsstat bn1 bx1 rx_dropped) txd0=$(nsstat bn0 bx0 tx_dropped)
	ip netns exec bn0 sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	sleep "$secs"
	ip netns exec bn0 sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid"
	rx1=$(nsstat bn1 bx1 rx_packets) rxd1=$(nsstat bn1 bx1 rx_dropped) txd1=$(nsstat bn0 bx0 tx_dropped)
	pktgen_result
	usec=$PG_USEC sent=$PG_SENT errors=$PG_ERRORS
	if [ -z "$usec" ] || [ "$usec" -eq 0 ]; then
		log "$drv run $r: pktgen gave no result: $(grep -m1 Result <<<"$PG_RES")"
		return 1
	fi
	pps=$(calc "($rx1 - $rx0) * 1e6 / $usec")
	emit "$drv" "$r" "$metric" "$pps" \
		"\"usec\":$usec,\"sent\":${sent:-0},\"tx_errors\":${errors:-0},\"received\":$((rx1 - rx0)),\"rx_dropped\":$((rxd1 - rxd0)),\"tx_dropped\":$((txd1 - txd0))"
	log "$drv run $r: $metric $pps pps received ($((rx1 - rx0)) in $usec us, pktgen sent ${sent:-?}, errors ${errors:-?})"
}

run_iperf() {
	local drv=$1 r=$2 metric=${3:-iperf3_bps} secs=${4:-$t_iperf} srv bps retr
	ip netns exec bn1 taskset -c 1 iperf3 -s -1 -B $IP1 -p 5201 >/dev/null 2>&1 &
	srv=$!
	SERVERS+=("$srv")
	wait_listen bn1 5201 || { log "$drv: iperf3 server did not start"; kill $srv; return 1; }
	ip netns exec bn0 taskset -c 0 iperf3 -c $IP1 -p 5201 -t "$secs" -J >"$TMP/iperf.json" 2>&1
	wait "$srv"
	bps=$(jq -r '.end.sum_received.bits_per_second // empty' "$TMP/iperf.json" 2>/dev/null)
	retr=$(jq -r '.end.sum_sent.retransmits // 0' "$TMP/iperf.json" 2>/dev/null)
	if [ -z "$bps" ]; then
		log "$drv run $r: iperf3 failed: $(head -c 300 "$TMP/iperf.json")"
		return 1
	fi
	emit "$drv" "$r" "$metric" "$bps" "\"retransmits\":${retr:-0}"
	log "$drv run $r: $metric $(calc "$bps / 1e9") Gbit/s"
}

run_rr() {
	local drv=$1 r=$2 srv tps
	ip netns exec bn1 taskset -c 1 netserver -D -L $IP1 -p 12865 >/dev/null 2>&1 &
	srv=$!
	SERVERS+=("$srv")
	wait_listen bn1 12865 || { log "$drv: netserver did not start"; kill $srv; return 1; }
	tps=$(ip netns exec bn0 taskset -c 0 netperf -H $IP1 -p 12865 -t TCP_RR -l "$t_rr" -P 0 -- -o THROUGHPUT 2>&1 | tail -n 1)
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	if ! [[ $tps =~ ^[0-9.]+$ ]]; then
		log "$drv run $r: netperf failed: $tps"
		return 1
	fi
	emit "$drv" "$r" tcp_rr_tps "$tps"
	log "$drv run $r: TCP_RR $tps trans/s"
}

# iperf3 with GRO on at the receiving end, then off again.
run_gro() {
	local drv=$1 r=$2 err
	if ! err=$(ip netns exec bn1 ethtool -K bx1 gro on 2>&1); then
		skip "$drv" "$r" iperf3_gro_bps "ethtool -K bx1 gro on: ${err:-failed}"
		return 1
	fi
	if ! ip netns exec bn1 ethtool -k bx1 | grep -q '^generic-receive-offload: on'; then
		skip "$drv" "$r" iperf3_gro_bps "GRO still off on bx1 after ethtool -K bx1 gro on"
		return 1
	fi
	run_iperf "$drv" "$r" iperf3_gro_bps "$t_gro"
	ip netns exec bn1 ethtool -K bx1 gro off
}

# pktgen with an XDP_PASS program on the receiving end, then detached.
run_xdp() {
	local drv=$1 r=$2 err
	if [ ! -f "$XDP_OBJ" ]; then
		skip "$drv" "$r" pktgen_xdp_pps "no $XDP_OBJ (make bpf)"
		return 1
	fi
	# xdpdrv: native mode only. Plain `xdp` falls back to generic (skb)
	# XDP on a driver without ndo_bpf, which would measure the core's
	# generic hook instead of the driver.
	if ! err=$(ip -n bn1 link set dev bx1 xdpdrv obj "$XDP_OBJ" sec xdp 2>&1); then
		# The kernel's reason is the line that names the error.
		err=$(grep -m1 -iE 'error|not supported|fail' <<<"$err" || head -n 1 <<<"$err")
		skip "$drv" "$r" pktgen_xdp_pps "XDP_PASS attach refused: ${err:-failed}"
		return 1
	fi
	# Native mode shows as " xdp " in the first line ("xdpgeneric" for
	# generic); the kernel refuses xdpdrv without ndo_bpf anyway.
	if ! ip -n bn1 link show dev bx1 | head -n 1 | grep -qw xdp; then
		skip "$drv" "$r" pktgen_xdp_pps "XDP_PASS attach reported success but no native program is shown on bx1"
		ip -n bn1 link set dev bx1 xdpdrv off 2>/dev/null
		return 1
	fi
	run_pktgen "$drv" "$r" pktgen_xdp_pps "$t_xdp"
	ip -n bn1 link set dev bx1 xdpdrv off
}

avail_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }

run_ctl() {
	local drv=$1 r=$2 i t0 t1 t1b t2 m0 m1 a0 a1 add del both per
	local type
	type=$(link_type "$drv")
	# iproute2's netkit parser keeps "mode" across the lines of a batch
	# ("duplicate mode"): netkit pairs of the control path are L3 ones.
	[ "$drv" = netkit ] && type="type netkit"
	: >"$TMP/add" && : >"$TMP/del"
	for ((i = 0; i < n_pairs; i++)); do
		echo "link add bc$i $type peer name bd$i" >>"$TMP/add"
		echo "link del bc$i" >>"$TMP/del"
	done
	ip netns add bnc || return 1
	sleep 0.5
	m0=$(kmem_kb) a0=$(avail_kb)
	t0=$(now)
	if ! IP_LIB_DIR=$TMP/iplib timeout 300 ip -n bnc -batch "$TMP/add" >"$TMP/ctl.log" 2>&1; then
		log "$drv run $r: ip -batch add failed: $(head -n 3 "$TMP/ctl.log")"
		ip netns del bnc
		return 1
	fi
	t1=$(now)
	sleep 0.5
	m1=$(kmem_kb) a1=$(avail_kb)
	t1b=$(now)
	if ! IP_LIB_DIR=$TMP/iplib timeout 300 ip -n bnc -batch "$TMP/del" >"$TMP/ctl.log" 2>&1; then
		log "$drv run $r: ip -batch del failed: $(head -n 3 "$TMP/ctl.log")"
		ip netns del bnc
		return 1
	fi
	t2=$(now)
	ip netns del bnc
	add=$(calc "$n_pairs / ($t1 - $t0)")
	del=$(calc "$n_pairs / ($t2 - $t1b)")
	both=$(calc "$n_pairs / ($t1 - $t0 + $t2 - $t1b)")
	per=$(calc "($m1 - $m0) * 1024 / $n_pairs")
	emit "$drv" "$r" ctl_pairs_per_s "$both" "\"pairs\":$n_pairs"
	emit "$drv" "$r" ctl_create_per_s "$add" "\"pairs\":$n_pairs"
	emit "$drv" "$r" ctl_delete_per_s "$del" "\"pairs\":$n_pairs"
	emit "$drv" "$r" mem_bytes_per_pair "$per" \
		"\"pairs\":$n_pairs,\"kmem_kb\":[$m0,$m1],\"avail_bytes_per_pair\":$(calc "($a0 - $a1) * 1024 / $n_pairs")"
	log "$drv run $r: ctl create $add/s, delete $del/s, both $both pairs/s; $per B/pair (slab+percpu)"
	sleep 0.5
}

# Make every driver available; a driver that cannot be loaded is left out.
load_drivers() {
	local d ok=()
	modprobe pktgen || { log "no pktgen module"; }
	for d in $drivers; do
		case $d in
		veth) modprobe veth ;;
		veth_rs) grep -q '^veth_rs ' /proc/modules || modprobe veth_rs ;;
		netkit) ip link add bnk0 type netkit mode l2 peer name bnk1 && ip link del bnk0 ;;
		esac
		if [ $? -eq 0 ]; then
			ok+=("$d")
		else
			log "driver $d unavailable: left out"
		fi
	done
	drivers="${ok[*]}"
}

# The features of a pair of each driver, to show the setups are alike.
features_of() {
	local f
	ip link add bfa $(link_type "$1") peer name bfb || return
	f=$(ethtool -k bfa | grep -v fixed | awk 'NR > 1 { printf "%s%s", sep, $0; sep = ";" }')
	ip link del bfa
	echo "$f"
}

main() {
	local r i d n order sep= start=$SECONDS warm_end=$SECONDS min_runs=5
	[ $quick = 1 ] && min_runs=2
	: >"$out"
	load_drivers
	n=$(wc -w <<<"$drivers")
	[ "$n" -gt 0 ] || { log "no driver to measure"; exit 1; }
	log "kernel $(uname -r), $(nproc) CPUs, drivers: $drivers, runs: $runs (first is warm-up), quick=$quick"
	printf '{"meta":{"kernel":%s,"cmdline":%s,"cpus":%d,"quick":%s,"runs":%d,"drivers":%s,"durations":{"pktgen_s":%s,"iperf3_s":%s,"tcp_rr_s":%s,"gro_iperf3_s":%s,"xdp_pktgen_s":%s,"ctl_pairs":%d},"veth_rs_vermagic":%s,"veth_rs_srcversion":%s,"features":{%s}}}\n' \
		"$(json_str "$(uname -r) $(uname -v)")" "$(json_str "$(cat /proc/cmdline)")" "$(nproc)" \
		"$([ $quick = 1 ] && echo true || echo false)" "$runs" \
		"$(json_str "$drivers")" "$t_pktgen" "$t_iperf" "$t_rr" "$t_gro" "$t_xdp" "$n_pairs" \
		"$(json_str "$(modinfo -F vermagic veth_rs 2>/dev/null)")" \
		"$(json_str "$(cat /sys/module/veth_rs/srcversion 2>/dev/null)")" \
		"$(for d in $drivers; do printf '%s"%s":%s' "$sep" "$d" "$(json_str "$(features_of "$d")")"; sep=,; done)" >>"$out"
	read -ra order <<<"$drivers"
	for ((r = 0; r < runs; r++)); do
		# Keep within the time budget (20 min, QUICK 5 min, with the
		# boot and build): once the minimum of measured runs is in (5,
		# QUICK 2), no run that would end past it.
		if [ $r -gt $min_runs ] &&
			[ $((SECONDS - start + (SECONDS - warm_end) / (r - 1))) -gt $budget ]; then
			log "stopping after $((r - 1)) measured runs: another would pass the ${budget} s budget"
			break
		fi
		[ $r = 1 ] && warm_end=$SECONDS
		log "run $r$([ $r = 0 ] && echo ' (warm-up)') of $((runs - 1)), $((SECONDS - start)) s"
		durations "$r"
		# Rotate the order each run: A B N, B N A, N A B, ...
		for ((i = 0; i < n; i++)); do
			d=${order[$(((i + r) % n))]}
			if setup_pair "$d"; then
				run_pktgen "$d" "$r"
				run_iperf "$d" "$r"
				run_rr "$d" "$r"
				if [ "$d" != netkit ]; then
					run_gro "$d" "$r"
					run_xdp "$d" "$r"
				fi
			fi
			teardown_pair
			# netkit is a datapath reference only: its pairs in one
			# `ip -batch` can only be L3 ones (see run_ctl).
			[ "$d" = netkit ] || run_ctl "$d" "$r"
		done
	done
	log "done in $((SECONDS - start)) s"
}

main
