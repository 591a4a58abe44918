#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The instruction-counted benchmarks of `make bench ICOUNT=1`, run inside
# the release VM booted with `qemu/vm --icount` (QEMU `-icount
# shift=0,sleep=off`): the guest clock advances 1 ns per instruction the
# vCPUs execute (both vCPUs run in one host thread, so a duration is the
# work of sender and receiver together), and jumps over time when every
# vCPU idles. A duration measured in the guest is thus a count of work,
# repeatable to a fraction of a percent, where wall-clock TCG figures
# swing by tens of percent.
#
# Every run is bounded by work, never by time (a `-t 10` would now last
# 10^10 instructions): a pktgen packet count, a netperf byte count or
# transaction count, a number of pairs. Each figure is guest ns
# (= instructions, plus idle time to the next timer) per unit of work, as
# measured by the tool itself where it can (pktgen's run time, netperf's
# rates), so that no process start is counted.
# C veth (veth.ko) and veth_rs are interleaved, run by run, on identical
# fresh setups; run 0 is a warm-up that report.py leaves out.
#   bench/icount.sh [--quick] [--runs N] [--drivers "veth veth_rs"]
#                   [--works "pktgen gro ..."] [--mark PROG [--profile]]
#                   [--kallsyms FILE] [--tcp-opts OPTS] OUT
# --mark PROG: the window marker of the instruction plugin
# (bench/insn-plugin/mark): each workload runs as `sh -c "PROG; WORK;
# PROG"` in the shell that starts it, so that the plugin's window is the
# workload (and the start of the tool that runs it), and OUT gets a
# "snap" line naming the window's number; an "empty" window (`PROG;
# PROG`) per driver and run measures the marker's own cost. --profile:
# the plugin counts per block too (slow): one measured run, small sizes.
#
# Workloads (metric: unit), veth and veth_rs each on its own pair bx0 (in
# bn0, 10.77.0.1) -- bx1 (in bn1, 10.77.0.2), pktgen in bn0 on CPU 0:
#   pktgen     60-byte UDP frames (64 on a wire) into bx1's backlog, GRO
#              off (ns per packet sent);
#   gro        the same with GRO on at bx1: veth's NAPI + ptr_ring path;
#   xdp_pass, xdp_drop   tests/bpf/xdp_{pass,drop}.bpf.o on bx1 (native);
#   xdp_tx     tests/bpf/xdp_tx.bpf.o on bx1, frames back to bx0, which
#              drops them with tests/bpf/xdp_drop.bpf.o (veth.c kicks the
#              peer's NAPI after XDP_TX only when the peer has a program:
#              with GRO alone at bx0 its frames would stay in bx0's ring,
#              and be dropped as xdp_tx_errors once it is full);
#   xdp_redirect   tests/bpf/xdp_redirect.bpf.o on bx1 sends to by0
#              (ifindex 4242, bn1) of a second pair of the same driver,
#              whose peer by1 (bn2, GRO on) takes them by ndo_xdp_xmit;
#   tcp        netperf TCP_STREAM bn0 -> bn1 of a fixed byte count (ns per
#              byte; iperf3 -n ends on its 1 s reporting tick, too coarse),
#              sender and receiver both on CPU 0: under icount both vCPUs
#              run in one host thread, so two CPUs measure no overlap, only
#              how the vCPUs' turns cut the stream (segments aggregated,
#              ACKs), which made these rows vary by up to 26% run to run;
#              the segments bx1 received are kept per run (how many carry
#              the stream is the sender's TCP's choice, and
#              bench/icount_report.py compares the runs at one segment
#              count); --tcp-opts adds netperf test options (e.g. "-m 64K");
#   tcp_gro    the same with GRO on at bx1;
#   tcp_rr     netperf TCP_RR, a fixed transaction count (ns per
#              transaction);
#   ctl        `ip -batch` adding N pairs (both ends in bnc), then deleting
#              them (ns per pair created, deleted, both);
#   ctl_ns     the same with each pair's peer in a second namespace (bnp,
#              made before the window): `peer name bdI netns bnp`, as a
#              container runtime makes its pairs;
#   mem        Slab + Percpu of /proc/meminfo held per pair (bytes), around
#              the create of ctl.
set -u

quick=0 runs= drivers="veth veth_rs" out= works= mark= profile=0 kallsyms= TCP_OPTS=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--runs) runs=$2; shift ;;
	--drivers) drivers=$2; shift ;;
	--works) works=$2; shift ;;
	--mark) mark=$2; shift ;;
	--profile) profile=1 ;;
	--kallsyms) kallsyms=$2; shift ;;
	--tcp-opts) TCP_OPTS=$2; shift ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: $0 [--quick] [--runs N] [--drivers LIST] [--works LIST] [--mark PROG] OUT" >&2; exit 2; }
works=${works:-pktgen gro xdp_pass xdp_drop xdp_tx xdp_redirect tcp tcp_gro tcp_rr ctl ctl_ns}

# Sizes of a measured run (the warm-up run 0 does a quarter).
runs_asked=$runs
if [ $quick = 1 ]; then
	runs=${runs:-3} N_PKT=5000 N_BYTES=$((32 << 20)) N_RR=1000 N_PAIRS=50
else
	runs=${runs:-6} N_PKT=20000 N_BYTES=$((128 << 20)) N_RR=3000 N_PAIRS=200
fi
if [ $profile = 1 ]; then
	runs=${runs_asked:-2} N_PKT=4000 N_BYTES=$((32 << 20)) N_RR=1000 N_PAIRS=50
fi

TOP=${VETH_RS_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BPF=$TOP/tests/bpf
TMP=$(mktemp -d)
SERVERS=()
T0=$SECONDS
log() { printf '[icount %4ds] %s\n' $((SECONDS - T0)) "$*" >&2; }
. "$TOP/bench/lib.sh"

trap bench_cleanup EXIT

# The plugin's windows: each marker closes one, numbered from 0 since
# boot. M is the marker command (a no-op without --mark); a workload
# `sh -c "$M; WORK; $M"` closes two windows, the second being WORK's.
M=${mark:-:}
SNAP=0
# snap DRIVER RUN WORK UNITS: the last two markers framed WORK, of UNITS.
snap() {
	[ -n "$mark" ] || return 0
	SNAP=$((SNAP + 2))
	printf '{"snap":%d,"driver":"%s","run":%d,"work":"%s","units":%s}\n' $((SNAP - 1)) "$1" "$2" "$3" "$4" >>"$out"
}

# pktgen DRIVER RUN METRIC COUNT: COUNT frames from bn0's bx0 (CPU 0) to
# bx1; pktgen's own run time over the frames it sent.
pktgen() {
	local drv=$1 r=$2 metric=$3 count=$4 usec sent rx0 rx1
	pktgen_setup "$drv" "$r" "$count" || return 1
	rx0=$(nsstat bn1 bx1 rx_packets)
	ip netns exec bn0 sh -c "$M; echo start >/proc/net/pktgen/pgctrl; $M"
	snap "$drv" "$r" "$metric" "$count"
	rx1=$(nsstat bn1 bx1 rx_packets)
	pktgen_result
	usec=$PG_USEC sent=$PG_SENT
	if [ -z "$usec" ] || [ "${sent:-0}" -eq 0 ]; then
		log "$drv run $r: pktgen gave no result: $(grep -m1 Result <<<"$PG_RES")"
		return 1
	fi
	emit "$drv" "$r" "$metric" "$(calc "$usec * 1000 / $sent")" \
		"\"unit\":\"packet\",\"usec\":$usec,\"sent\":$sent,\"received\":$((rx1 - rx0))"
	log "$drv run $r: $metric $(calc "$usec * 1000 / $sent") ns/packet ($sent sent, $((rx1 - rx0)) received at bx1)"
}

attach() { ip -force -n "$1" link set dev "$2" xdpdrv obj "$BPF/$3.bpf.o" sec xdp 2>&1; }

# xdp DRIVER RUN PROG COUNT: pktgen with PROG on bx1.
xdp() {
	local drv=$1 r=$2 prog=$3 count=$4 err
	if [ ! -f "$BPF/$prog.bpf.o" ]; then
		skip "$drv" "$r" "$prog" "no $BPF/$prog.bpf.o (make bpf)"
		return 1
	fi
	case $prog in
	xdp_tx) attach bn0 bx0 xdp_drop >/dev/null || { skip "$drv" "$r" "$prog" "no xdp_drop on bx0"; return 1; } ;;
	xdp_redirect)
		ip netns add bn2
		ip link add by0 index 4242 netns bn1 type "$drv" peer name by1 netns bn2 &&
			ip -n bn1 link set by0 up && ip -n bn2 link set by1 up &&
			ip netns exec bn2 ethtool -K by1 gro on || {
			skip "$drv" "$r" "$prog" "no redirect target pair"
			return 1
		}
		;;
	esac
	if ! err=$(attach bn1 bx1 "$prog"); then
		skip "$drv" "$r" "$prog" "attach refused: $(head -n 1 <<<"$err")"
		return 1
	fi
	pktgen "$drv" "$r" "$prog" "$count"
	ip -n bn1 link set dev bx1 xdpdrv off
	case $prog in
	xdp_tx) ip -n bn0 link set dev bx0 xdpdrv off ;;
	xdp_redirect) ip -n bn1 link del by0; ip netns del bn2 ;;
	esac
}

# tcp DRIVER RUN METRIC BYTES: netperf TCP_STREAM of BYTES bn0 -> bn1;
# ns per byte from the rate netperf measured (its own run time).
tcp() {
	local drv=$1 r=$2 metric=$3 bytes=$4 srv res thr secs rx0 rx1
	ip netns exec bn1 taskset -c 0 netserver -D -L $IP1 -p 12866 >/dev/null 2>&1 &
	srv=$!
	SERVERS+=("$srv")
	wait_listen bn1 12866 || { log "$drv: netserver did not start"; kill $srv; return 1; }
	rx0=$(nsstat bn1 bx1 rx_packets)
	res=$(ip netns exec bn0 taskset -c 0 sh -c "$M; netperf -H $IP1 -p 12866 -t TCP_STREAM -l -$bytes -f m -P 0 -- $TCP_OPTS -o THROUGHPUT,ELAPSED_TIME 2>&1; $M" | tail -n 1)
	snap "$drv" "$r" "$metric" "$bytes"
	rx1=$(nsstat bn1 bx1 rx_packets)
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	thr=${res%%,*} secs=${res#*,}
	if ! [[ $thr =~ ^[0-9.]+$ ]] || [ "$thr" = 0 ]; then
		log "$drv run $r: netperf TCP_STREAM failed: $res"
		return 1
	fi
	emit "$drv" "$r" "$metric" "$(calc "8e3 / $thr")" "\"unit\":\"byte\",\"bytes\":$bytes,\"seconds\":$secs,\"received\":$((rx1 - rx0))"
	log "$drv run $r: $metric $(calc "8e3 / $thr") ns/byte ($bytes bytes in $secs s, $((rx1 - rx0)) packets at bx1)"
}

tcp_gro() {
	ip netns exec bn1 ethtool -K bx1 gro on
	tcp "$1" "$2" tcp_gro "$3"
	ip netns exec bn1 ethtool -K bx1 gro off
}

# tcp_rr DRIVER RUN COUNT: netperf TCP_RR of COUNT transactions.
tcp_rr() {
	local drv=$1 r=$2 n=$3 srv tps
	ip netns exec bn1 taskset -c 1 netserver -D -L $IP1 -p 12865 >/dev/null 2>&1 &
	srv=$!
	SERVERS+=("$srv")
	wait_listen bn1 12865 || { log "$drv: netserver did not start"; kill $srv; return 1; }
	tps=$(ip netns exec bn0 taskset -c 0 sh -c "$M; netperf -H $IP1 -p 12865 -t TCP_RR -l -$n -P 0 -- -o THROUGHPUT 2>&1; $M" | tail -n 1)
	snap "$drv" "$r" tcp_rr "$n"
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	if ! [[ $tps =~ ^[0-9.]+$ ]]; then
		log "$drv run $r: netperf failed: $tps"
		return 1
	fi
	emit "$drv" "$r" tcp_rr "$(calc "1e9 / $tps")" "\"unit\":\"transaction\",\"transactions\":$n"
	log "$drv run $r: tcp_rr $(calc "1e9 / $tps") ns/transaction"
}

# ctl DRIVER RUN PAIRS [WORK]: `ip -batch` of PAIRS `link add`, then of
# PAIRS `link del`, timed in the guest around each batch. ip parses both
# drivers' options with the plugin's code, loaded the same way
# (same_ip_parser). WORK ctl_ns puts each peer in the namespace bnp.
ctl() {
	local drv=$1 r=$2 n=$3 w=${4:-ctl} i t0 t1 t2 t3 m0 m1 ok peer=
	: >"$TMP/add" && : >"$TMP/del"
	[ "$w" = ctl_ns ] && peer=" netns bnp"
	for ((i = 0; i < n; i++)); do
		echo "link add bc$i type $drv peer name bd$i$peer" >>"$TMP/add"
		echo "link del bc$i" >>"$TMP/del"
	done
	# The namespaces of the batch, removed on every way out.
	ctl_netns_del() { ip netns del bnc; [ -z "$peer" ] || ip netns del bnp; }
	ip netns add bnc || return 1
	if [ -n "$peer" ]; then
		ip netns add bnp || { ip netns del bnc; return 1; }
		# The namespaces are made outside the window; a deletion of the
		# run before has settled (idle time costs nothing under icount).
		sleep 1
	fi
	m0=$(kmem_kb)
	# The guest clock is read by bash itself ($EPOCHREALTIME): no process
	# start between the two readings but ip's own.
	t0=$(now_ns)
	"$M"
	IP_LIB_DIR=$TMP/iplib ip -n bnc -batch "$TMP/add" >"$TMP/ctl.log" 2>&1
	ok=$?
	"$M"
	t1=$(now_ns)
	snap "$drv" "$r" "${w}_create" "$n"
	[ $ok = 0 ] || { log "$drv run $r: add failed: $(head -n 3 "$TMP/ctl.log")"; ctl_netns_del; return 1; }
	m1=$(kmem_kb)
	t2=$(now_ns)
	"$M"
	IP_LIB_DIR=$TMP/iplib ip -n bnc -batch "$TMP/del" >"$TMP/ctl.log" 2>&1
	ok=$?
	"$M"
	t3=$(now_ns)
	snap "$drv" "$r" "${w}_delete" "$n"
	[ $ok = 0 ] || { log "$drv run $r: del failed: $(head -n 3 "$TMP/ctl.log")"; ctl_netns_del; return 1; }
	ctl_netns_del
	emit "$drv" "$r" "${w}_create" "$(calc "($t1 - $t0) / $n")" "\"unit\":\"pair\",\"pairs\":$n"
	emit "$drv" "$r" "${w}_delete" "$(calc "($t3 - $t2) / $n")" "\"unit\":\"pair\",\"pairs\":$n"
	emit "$drv" "$r" "$w" "$(calc "($t1 - $t0 + $t3 - $t2) / $n")" "\"unit\":\"pair\",\"pairs\":$n"
	[ "$w" = ctl ] && emit "$drv" "$r" mem "$(calc "($m1 - $m0) * 1024 / $n")" "\"unit\":\"pair\",\"pairs\":$n,\"kmem_kb\":[$m0,$m1]"
	log "$drv run $r: $w $(calc "($t1 - $t0) / $n") + $(calc "($t3 - $t2) / $n") ns/pair, $(calc "($m1 - $m0) * 1024 / $n") B/pair"
	sleep 0.2
}

# work DRIVER RUN WORK: one workload, at the size of run RUN.
work() {
	local drv=$1 r=$2 w=$3 q=1
	[ "$r" -eq 0 ] && q=4
	case $w in
	pktgen) pktgen "$drv" "$r" pktgen $((N_PKT / q)) ;;
	gro)
		ip netns exec bn1 ethtool -K bx1 gro on
		pktgen "$drv" "$r" gro $((N_PKT / q))
		ip netns exec bn1 ethtool -K bx1 gro off
		;;
	xdp_*) xdp "$drv" "$r" "$w" $((N_PKT / q)) ;;
	tcp) tcp "$drv" "$r" tcp $((N_BYTES / q)) ;;
	tcp_gro) tcp_gro "$drv" "$r" $((N_BYTES / q)) ;;
	tcp_rr) tcp_rr "$drv" "$r" $((N_RR / q)) ;;
	esac
}

main() {
	local r i d w order n start=$SECONDS
	: >"$out"
	modprobe pktgen || log "no pktgen module"
	same_ip_parser "$TMP/iplib" || { log "no iproute2 plugin"; exit 1; }
	for d in $drivers; do modprobe "$d" || { log "cannot load $d"; exit 1; }; done
	# The symbols of this boot, modules' included, for the profile.
	if [ -n "$kallsyms" ]; then
		echo 0 >/proc/sys/kernel/kptr_restrict
		cat /proc/kallsyms >"$kallsyms"
	fi
	read -ra order <<<"$drivers"
	n=${#order[@]}
	log "kernel $(uname -r), $(nproc) CPUs, drivers: $drivers, runs: $runs (first is warm-up), works: $works"
	printf '{"meta":{"mode":"icount","kernel":"%s","cmdline":"%s","cpus":%d,"quick":%s,"runs":%d,"drivers":"%s","works":"%s","sizes":{"packets":%d,"bytes":%d,"transactions":%d,"pairs":%d},"veth_rs_srcversion":"%s","marked":%s,"profile":%s}}\n' \
		"$(uname -r)" "$(sed 's/"/\\"/g' /proc/cmdline)" "$(nproc)" "$([ $quick = 1 ] && echo true || echo false)" \
		"$runs" "$drivers" "$works" $N_PKT $N_BYTES $N_RR $N_PAIRS \
		"$(cat /sys/module/veth_rs/srcversion 2>/dev/null)" "$([ -n "$mark" ] && echo true || echo false)" \
		"$([ $profile = 1 ] && echo true || echo false)" >>"$out"
	for ((r = 0; r < runs; r++)); do
		log "run $r$([ $r = 0 ] && echo ' (warm-up)') of $((runs - 1)), $((SECONDS - start)) s"
		for ((i = 0; i < n; i++)); do
			d=${order[$(((i + r) % n))]}
			if [ -n "$mark" ]; then
				sh -c "$M; $M"
				snap "$d" "$r" empty 1
			fi
			if setup_pair "$d"; then
				for w in $works; do
					case $w in ctl | ctl_ns) ;; *) work "$d" "$r" "$w" ;; esac
				done
			fi
			teardown_pair
			for w in $works; do
				case $w in ctl | ctl_ns) ctl "$d" "$r" $([ "$r" -eq 0 ] && echo $((N_PAIRS / 4)) || echo $N_PAIRS) "$w" ;; esac
			done
		done
	done
	log "done in $((SECONDS - start)) s (guest time)"
}

main
