#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: benchmarks of veth_rs against the C veth, in one boot of
# the release kernel. Builds that kernel if needed and veth_rs.ko against
# it in a copy of the sources under the cache (the tree's own veth_rs.ko is
# the debug build and stays as it is), boots the VM once (under the VM
# lock) to run bench/run.sh, then bench/report.py prints the table and
# writes results/bench-STAMP.{json,md,png} and results/latest.*.
#   bench/bench.sh [--quick]          (make bench [QUICK=1])
#   bench/bench.sh --ctl [ctl.sh options]   control-path study (bench/ctl.sh)
#   bench/bench.sh --profile [profile.sh options]   perf profiles of both
#                                      drivers (bench/profile.sh)
#   bench/bench.sh --icount [--quick] [--profile] [--works "pktgen ..."]
#       [--runs N] [--tcp-opts "netperf test options"]
#       (make bench ICOUNT=1 [QUICK=1] [PROFILE=1]) the same workloads
#       counted in instructions (bench/icount.sh under `qemu/vm --icount`
#       with the TCG plugin bench/insn-plugin), reported by
#       bench/icount_report.py into results/icount-STAMP/; --profile:
#       instructions per kernel symbol, veth beside veth_rs
#   bench/bench.sh --icount --scale "1000 5000 10000"   pairs in
#       namespaces at scale (bench/scale.sh)
set -euo pipefail
. "$(dirname "$0")/../qemu/common.sh"

quick= ctl= profile= icount= scale= works= runs= tcp_opts=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=--quick ;;
	--icount) icount=1 ;;
	--scale) scale=$2; shift ;;
	--works) works=$2; shift ;;
	--runs) runs=$2; shift ;;
	--tcp-opts) tcp_opts=$2; shift ;;
	--ctl) ctl=1; shift; break ;;
	# Without --icount before it, the rest are profile.sh's options.
	--profile) profile=1; [ -n "$icount" ] || { shift; break; } ;;
	*) break ;;
	esac
	shift
done
preflight
start=$SECONDS
top=$VETH_RS_TOP

kdir=$("$top/qemu/kernel.sh" release)

# The release build of the module, from a copy of the sources (with the
# qemu/ scripts the Makefile runs the toolchain through). Timestamps are
# kept so that make rebuilds only what changed.
# VETH_RS_BENCH_REV=REV measures a committed revision (git archive)
# instead of the working tree.
# VETH_RS_BUILD_DIR: another build folder (a worktree of its own).
build=${VETH_RS_BUILD_DIR:-$VETH_RS_CACHE/build-release}
src=$top
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
if [ -n "${VETH_RS_BENCH_REV:-}" ]; then
	src=$(mktemp -d)
	trap 'rm -rf "$src"' EXIT
	git -C "$top" archive "$VETH_RS_BENCH_REV" | tar -x -C "$src"
	rev=$(git -C "$top" rev-parse --short "$VETH_RS_BENCH_REV")
fi
sync_sources "$src" "$build"
ko=$(module_for "$build" release "$kdir")
kver=$(cat "$kdir/include/config/kernel.release")

mkdir -p "$top/results"
# VETH_RS_VM_LOCKED=1: the caller holds the VM lock already (a QUICK and a
# full run back to back, say).
lock=(flock /tmp/veth_rs-vm.lock)
[ -n "${VETH_RS_VM_LOCKED:-}" ] && lock=()
if [ -n "$icount" ]; then
	# One boot under -icount with the plugin counting instructions per
	# window (mode=tb: per block too, for the profile). The plugin's
	# files and the guest's go to one folder.
	plugin=$top/bench/insn-plugin/libinsn.so mark=$top/bench/insn-plugin/mark
	[ -f "$plugin" ] && [ -x "$mark" ] || die "no $plugin or $mark: make insn-plugin"
	kind=icount
	[ -n "$profile" ] && kind=icount-profile
	[ -n "$scale" ] && kind=icount-scale
	dir=results/$kind-$(date -u +%Y%m%d-%H%M%S)${quick:+-quick}
	mkdir -p "$top/$dir"
	mode=total
	[ -n "$profile" ] && mode=tb
	guest=("$top/bench/icount.sh" $quick ${profile:+--profile} ${works:+--works "$works"}
		${runs:+--runs "$runs"} ${tcp_opts:+--tcp-opts "$tcp_opts"}
		--mark "$mark" --kallsyms "$top/$dir/kallsyms" "$top/$dir/raw.jsonl")
	[ -n "$scale" ] && guest=("$top/bench/scale.sh" --mark "$mark" "$top/$dir/raw.jsonl" $scale)
	msg "instruction-counted run in the release VM, into $dir (waiting for the VM lock if taken)"
	vm_start=$SECONDS
	VETH_RS_QEMU_OPTS="-plugin $plugin,out=$top/$dir,mode=$mode" VETH_RS_KO=$ko \
		"${lock[@]}" timeout 2400 "$top/qemu/vm" --release --icount ${scale:+--memory 6G} -- "${guest[@]}" 2>&1 |
		tee "$top/$dir/log" | grep --line-buffered -E '^\[(icount|scale)' >&2 ||
		msg "the VM run failed or timed out: reporting what it measured"
	msg "VM done in $((SECONDS - vm_start)) s"
	[ -s "$top/$dir/raw.jsonl" ] || die "no results in $dir/raw.jsonl (see $dir/log)"
	cd "$top"
	"$top/qemu/chroot" python3 bench/icount_report.py "$dir" --rev "$rev" --elapsed $((SECONDS - vm_start))
	msg "bench.sh --icount: $((SECONDS - start)) s in all"
	exit 0
fi
if [ -n "$profile" ]; then
	out=results/profile-$(date -u +%Y%m%d-%H%M%S).txt
	msg "perf profiles in the release VM (waiting for the VM lock if taken)"
	VETH_RS_KO=$ko "${lock[@]}" timeout 1200 "$top/qemu/vm" --release -- \
		"$top/bench/profile.sh" "$@" | tee "$top/$out" || msg "the VM run failed (exit $?)"
	msg "profiles in $out; done in $((SECONDS - start)) s"
	exit 0
fi
if [ -n "$ctl" ]; then
	raw=results/ctl-$(date -u +%Y%m%d-%H%M%S).jsonl
	msg "control-path study in the release VM (waiting for the VM lock if taken)"
	VETH_RS_KO=$ko "${lock[@]}" timeout 1200 "$top/qemu/vm" --release -- \
		"$top/bench/ctl.sh" "$@" "$top/$raw" || msg "the VM run failed (exit $?)"
	cd "$top"
	"$top/qemu/chroot" python3 bench/ctl_report.py "$raw" | tee "${raw%.jsonl}.txt"
	msg "done in $((SECONDS - start)) s"
	exit 0
fi
stamp=$(date -u +%Y%m%d-%H%M%S)${quick:+-quick}
raw=results/raw-$stamp.jsonl
msg "running the benchmarks in the release VM (waiting for the VM lock if taken)"
vm_start=$SECONDS
# A hung guest must not hold the VM lock for good: the whole VM run is
# bounded (the benchmark budgets itself well within this).
limit=1500
[ -n "$quick" ] && limit=600
VETH_RS_KO=$ko "${lock[@]}" timeout "$limit" "$top/qemu/vm" --release -- \
	"$top/bench/run.sh" $quick "$top/$raw" ||
	msg "the VM run failed or timed out (exit $?): reporting what it measured"
vm_time=$((SECONDS - vm_start))
msg "VM done in $vm_time s"
[ -s "$top/$raw" ] || die "no results in $raw"
cd "$top"
"$top/qemu/chroot" python3 bench/report.py "$raw" --elapsed "$vm_time" --rev "$rev"
msg "make bench: $((SECONDS - start)) s in all"
