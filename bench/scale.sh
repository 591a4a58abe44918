#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pairs at scale, counted in instructions (`bench/bench.sh --icount --scale
# "1000 5000 10000"`, in the release VM under -icount with the plugin of
# bench/insn-plugin): for each size N and driver (order alternating), N
# namespaces sc0..scN-1 are made, then one `ip -batch` adds N pairs, each
# with its host end hN in the initial namespace and its peer cN in its
# own namespace scN (as containers have them), then one `ip -batch`
# deletes them; the namespaces go afterwards. Per pair: instructions
# (plugin window around each batch, minus the marker's own cost), guest ns
# (bash's clock around the batch; under -icount it includes the idle time
# skipped to the next timer, RCU grace periods), and kernel memory (Slab +
# Percpu of /proc/meminfo with the pairs, minus with the namespaces only).
#   bench/scale.sh [--mark PROG] [--drivers "veth veth_rs"] OUT SIZE...
set -u

mark= drivers="veth veth_rs" out= sizes=()
while [ $# -gt 0 ]; do
	case $1 in
	--mark) mark=$2; shift ;;
	--drivers) drivers=$2; shift ;;
	*) if [ -z "$out" ]; then out=$1; else sizes+=("$1"); fi ;;
	esac
	shift
done
[ -n "$out" ] && [ ${#sizes[@]} -gt 0 ] || { echo "usage: $0 [--mark PROG] [--drivers LIST] OUT SIZE..." >&2; exit 2; }

TMP=$(mktemp -d)
T0=$SECONDS
log() { printf '[scale %4ds] %s\n' $((SECONDS - T0)) "$*" >&2; }
. "$(dirname "$0")/lib.sh"
M=${mark:-:}
SNAP=0
# REP: the place of the size in the list, so that a size given more than
# once ("1000 1000 1000 1000": the drivers take turns going first) is a
# sample of its own.
REP=0
# window DRIVER SIZE WORK: the last two markers framed WORK.
window() {
	[ -n "$mark" ] || return 0
	SNAP=$((SNAP + 2))
	printf '{"snap":%d,"driver":"%s","size":%d,"rep":%d,"work":"%s","units":%d}\n' $((SNAP - 1)) "$1" "$2" "$REP" "$3" "$2" >>"$out"
}
# emit_size DRIVER SIZE METRIC VALUE: one sample line of a size.
emit_size() {
	printf '{"driver":"%s","size":%d,"rep":%d,"metric":"%s","value":%s}\n' "$1" "$2" "$REP" "$3" "$4" >>"$out"
}
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
# The same ip parser for both drivers' pairs (lib.sh).
same_ip_parser "$TMP/iplib" || exit 1

# batch FILE: one `ip -batch`, its failure logged.
batch() {
	IP_LIB_DIR=$TMP/iplib ip -batch "$1" >"$TMP/log" 2>&1 || { log "ip -batch $(basename "$1") failed: $(head -n 3 "$TMP/log")"; return 1; }
}

one() {
	local drv=$1 n=$2 i t0 t1 t2 t3 m0 m1
	: >"$TMP/ns" && : >"$TMP/add" && : >"$TMP/del" && : >"$TMP/nsdel"
	for ((i = 0; i < n; i++)); do
		echo "netns add sc$i" >>"$TMP/ns"
		echo "link add h$i type $drv peer name c$i netns sc$i" >>"$TMP/add"
		echo "link del h$i" >>"$TMP/del"
		echo "netns del sc$i" >>"$TMP/nsdel"
	done
	batch "$TMP/ns" || return 1
	# Namespaces and earlier deletions settle first (idle time costs
	# nothing under -icount sleep=off).
	sleep 5
	m0=$(kmem_kb)
	"$M"
	"$M"
	window "$drv" "$n" empty
	t0=$(now_ns)
	"$M"
	batch "$TMP/add"
	"$M"
	t1=$(now_ns)
	window "$drv" "$n" create
	m1=$(kmem_kb)
	t2=$(now_ns)
	"$M"
	batch "$TMP/del"
	"$M"
	t3=$(now_ns)
	window "$drv" "$n" delete
	batch "$TMP/nsdel"
	sleep 10
	emit_size "$drv" "$n" create_ns "$(calc "($t1 - $t0) / $n")"
	emit_size "$drv" "$n" delete_ns "$(calc "($t3 - $t2) / $n")"
	emit_size "$drv" "$n" mem "$(calc "($m1 - $m0) * 1024 / $n")"
	log "$drv $n pairs: create $(calc "($t1 - $t0) / $n") ns/pair, delete $(calc "($t3 - $t2) / $n") ns/pair, $(calc "($m1 - $m0) * 1024 / $n") B/pair"
}

main() {
	local d n k=0 order
	: >"$out"
	for d in $drivers; do modprobe "$d" || { log "cannot load $d"; exit 1; }; done
	# Enough for 10,000 namespaces' worth of mounts, files and devices.
	ulimit -n 65536 2>/dev/null
	printf '{"meta":{"mode":"scale","kernel":"%s","cpus":%d,"drivers":"%s","sizes":"%s","mem_total_kb":%d}}\n' \
		"$(uname -r)" "$(nproc)" "$drivers" "${sizes[*]}" "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" >>"$out"
	read -ra order <<<"$drivers"
	for n in "${sizes[@]}"; do
		for ((i = 0; i < ${#order[@]}; i++)); do
			d=${order[$(((i + k) % ${#order[@]}))]}
			log "$d: $n pairs"
			REP=$k one "$d" "$n"
		done
		k=$((k + 1))
	done
	log "done"
}

main
