#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make stress FLAVOUR=kcsan` (issue 15): the datapath, the changes under
# traffic (GRO, XDP, channels) and the churn and faults of tests/stress.sh
# on the KCSAN kernel (qemu/config/kcsan.config, built on first use).
# veth_rs.ko and the test modules are built for it in a copy of the tree
# under the cache (the tree's own builds stay those of the debug kernel),
# and the VM runs the copy. tests/run.sh sorts the data-race reports:
# one involving veth_rs fails the run; all are printed into the log
# (results/kcsan-*.log).
set -euo pipefail
. "$(dirname "$0")/common.sh"
preflight
start=$SECONDS
top=$VETH_RS_TOP
"$top/qemu/kernel.sh" kcsan >/dev/null

build=$VETH_RS_CACHE/build-kcsan
# The module's sources and the test modules' (qemu/common.sh), then the
# tests themselves, which the VM runs from this copy.
rm -rf "$build/iproute2" "$build/tests"
sync_sources "$top" "$build" 'tests/selftest/*.rs' tests/selftest/Kbuild
cp -rp "$top/iproute2" "$build/"
cp -p "$top"/tests/*.sh "$top"/tests/*.py "$build/tests/"
cp -rp "$top/tests/bpf" "$top/tests/stress-parts" "$build/tests/"
msg "building veth_rs.ko and the test modules against the kcsan kernel in $build"
make -s -C "$build" FLAVOUR=kcsan modules selftest-modules >&2

# BTF is a debug-flavour item: the two cases that read the kernel's BTF
# (the XDP metadata kfuncs, a kprobe event naming struct fields) are left
# out here.
mkdir -p "$top/results"
log=$top/results/kcsan-$(date -u +%Y%m%d-%H%M%S).log
msg "KCSAN run in the VM (log: $log)"
rc=0
only="churn fault_flap fault_move fault_peer_del fault_netns_del fault_rmmod datapath_faults"
timeout 3600 "$build/qemu/vm" --flavour kcsan -- env VETH_RS_KCSAN=1 STRESS_ONLY="$only" \
	"$build/tests/run.sh" "$build/tests/datapath.sh:except=rx_headroom_like_veth" \
	"$build/tests/xdp.sh:except=xdp_metadata_like_veth" "$build/tests/stress.sh" | tee "$log" || rc=$?
msg "make stress FLAVOUR=kcsan: $((SECONDS - start)) s in all (exit $rc)"
exit $rc
