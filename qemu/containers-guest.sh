#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make containers`, inside the VM (selftests kernel, rootfs layer
# "containers"): runs each container-stack scenario of tests/containers/
# twice in one boot, first with the C veth (veth.ko), then with veth_rs
# loaded as kind=veth (veth.ko unloaded, the drop-in mode of
# tests/dropin.sh). Writes into OUTDIR (a folder the host sees), per driver
# and stack: what the scenario observed (DRIVER/STACK.txt, one check a
# line), its failed expectations (DRIVER/STACK.fail), its stderr
# (DRIVER/STACK.err) and its splats (DRIVER/STACK.splat); one line per run
# in results.tsv (driver, stack, exit status, seconds, splats, note); the
# whole kernel log (kernel.log, followed from the start) and kmemleak's
# final report. qemu/containers_report.py compares the two drivers.
#   qemu/containers-guest.sh OUTDIR STACK...
# CONTAINERS_TIMEOUT: seconds allowed to each run (default 1200).
out=$1
shift
limit=${CONTAINERS_TIMEOUT:-1200}
drivers="veth veth_rs"
. "$VETH_RS_TOP/qemu/kmemleak.sh"
CT=$VETH_RS_TOP/tests/containers
SPLAT_RE=$(sed -n "s/^SPLAT_RE='\(.*\)'\$/\1/p" "$VETH_RS_TOP/tests/run.sh")
[ -n "$SPLAT_RE" ] || { echo "no SPLAT_RE in tests/run.sh" >&2; exit 1; }
mkdir -p "$out"
for d in $drivers; do mkdir -p "$out/$d"; done
: >"$out/results.tsv"

stdbuf -oL dmesg -w >"$out/kernel.log" 2>&1 &
dmesg_pid=$!
[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
echo "# kernel $(uname -r), $(nproc) CPUs; stacks: $*; drivers: $drivers"
# One payload for every TCP transfer of the boot: both drivers send the
# same bytes.
export CT_PAYLOAD=/tmp/veth_rs-ct-payload
head -c 2M /dev/urandom >"$CT_PAYLOAD"
# The firewall backend the stacks find on a distribution: iptables-nft.
modprobe -a nf_tables nft_compat nft_chain_nat xt_MASQUERADE xt_comment xt_addrtype xt_conntrack 2>/dev/null

. "$(dirname "$0")/dropin-guest.sh"

run_one() {
	local drv=$1 stack=$2 start rc secs splats note= left
	local base=$out/$drv/$stack
	echo "veth_rs-containers-marker: begin $drv $stack" >/dev/kmsg
	start=$SECONDS
	: >"$base.fail"
	CT_FAILS=$base.fail timeout -k 15 "$limit" "$CT/$stack.sh" >"$base.txt" 2>"$base.err" </dev/null
	rc=$?
	secs=$((SECONDS - start))
	echo "veth_rs-containers-marker: end $drv $stack" >/dev/kmsg
	[ $rc = 124 ] || [ $rc = 137 ] && note="timeout after ${limit} s"
	[ "$(serving)" = "$drv" ] || note="${note:+$note; }kind veth served by $(serving) at the end"
	left=$(ip netns list | wc -l)
	[ "$left" -gt 0 ] && note="${note:+$note; }left $left netns"
	left=$(ip -j -d link show | jq '[.[] | select(.linkinfo.info_kind == "veth")] | length')
	[ "$left" -gt 0 ] && note="${note:+$note; }left $left veth devices"
	left=$(iptables-save -t nat | grep -c '^-A')
	[ "$left" -gt 0 ] && note="${note:+$note; }left $left nat rules"
	sleep 1
	sed -n "/veth_rs-containers-marker: begin $drv $stack\$/,/veth_rs-containers-marker: end $drv $stack\$/p" "$out/kernel.log" |
		grep -E -A20 "$SPLAT_RE" >"$base.splat"
	splats=$(grep -cE "$SPLAT_RE" "$base.splat")
	[ "$splats" -gt 0 ] || rm -f "$base.splat"
	[ -s "$base.fail" ] || rm -f "$base.fail"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$drv" "$stack" "$rc" "$secs" "$splats" "$note" >>"$out/results.tsv"
	echo "# [$drv] $stack: exit $rc, $secs s, $(wc -l <"$base.txt") checks, $(cat "$base.fail" 2>/dev/null | wc -l) failed expectations, splats $splats${note:+ ($note)}"
}

for drv in $drivers; do
	if ! use_driver "$drv" || [ "$(serving)" != "$drv" ]; then
		for stack in "$@"; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$drv" "$stack" -1 0 0 "cannot load $drv as kind veth" >>"$out/results.tsv"
		done
		continue
	fi
	for stack in "$@"; do
		run_one "$drv" "$stack"
		# What a run left behind is removed before the next one (and was said).
		ip -all netns delete 2>/dev/null
		ip -j -d link show | jq -r '.[] | select(.linkinfo.info_kind == "veth" or .linkinfo.info_kind == "bridge") | .ifname' |
			while read -r dev; do ip link del "$dev" 2>/dev/null; done
		iptables -t nat -F
		iptables -t nat -X
	done
done
use_driver none

if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan >"$out/kmemleak.txt"
	echo "# kmemleak: $(grep -c 'unreferenced object' "$out/kmemleak.txt") unreferenced objects"
fi
sleep 1
kill "$dmesg_pid" 2>/dev/null
# The whole boot's log too (what happened between runs, or at boot).
grep -cE "$SPLAT_RE" "$out/kernel.log" >"$out/splats_total"
echo "# kernel log splats in the whole run: $(cat "$out/splats_total")"
exit 0
