#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile-fail cases of the abstraction layer, run by `make compile-fail`
# (and so by `make check`) in the toolchain rootfs.
#
# Each tests/compile_fail/*.rs is a misuse of the layer that safe driver
# code must not be able to write. Its first line names the error rustc must
# give: "// compile-fail: error[EXXXX]: message". The case is built as the
# module `compile_fail_case` of the driver crate (veth_rs.rs declares it
# under `--cfg veth_rs_compile_fail`, which Kbuild passes when
# VETH_RS_COMPILE_FAIL=1), in a scratch copy of the tree, so the real
# veth_rs.ko and its objects are never touched. A case passes only if the
# build fails with that error, located in the case's own file.
#   tests/compile_fail/run.sh KDIR [case.rs ...]
set -u
KDIR=${1:?usage: run.sh KDIR [case.rs ...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SCRATCH=$TOP/.compile-fail

[ $# -gt 0 ] || set -- "$HERE"/*.rs

# The scratch trees, one per worker (scripts/scratch-tree.sh): the
# bindings are generated in each once and kept from case to case. Two
# workers on a machine with two cores or more: each case is one rustc run
# that fails at type checking, single-threaded.
JOBS=${COMPILE_FAIL_JOBS:-$(nproc)}
[ "$JOBS" -gt 2 ] && JOBS=2
[ "$JOBS" -lt 1 ] && JOBS=1
. "$TOP/scripts/scratch-tree.sh"

# run_case SCRATCH CASE: one line, "ok   ..." or "FAIL ...".
run_case() {
	local scratch=$1 case=$2 name want log where got
	name=$(basename "$case" .rs)
	want=$(sed -n '1s|^// compile-fail: ||p' "$case")
	if [ -z "$want" ]; then
		echo "FAIL $name: first line is not '// compile-fail: error[EXXXX]: message'"
		return
	fi
	cp "$case" "$scratch/compile_fail_case.rs"
	rm -f "$scratch/veth_rs_drv.o"
	log=$SCRATCH/$name.log
	if make -C "$KDIR" M="$scratch" LLVM=1 VETH_RS_COMPILE_FAIL=1 veth_rs_drv.o \
		>"$log" 2>&1; then
		echo "FAIL $name: compiled, expected $want"
		return
	fi
	# The expected error, and the line after it pointing into the case.
	where=$(grep -F -A1 -- "$want" "$log" | grep -F -m1 -- "--> " || true)
	case $where in
	*compile_fail_case.rs:*)
		echo "ok   $name: $want (${where##*compile_fail_case.rs:})"
		;;
	*)
		got=$(grep -m1 '^error' "$log" || echo "no rustc error, see $log")
		echo "FAIL $name: expected $want in the case, got: $got"
		;;
	esac
}

# Worker W takes cases W, W + JOBS, ...; each line goes out with its
# case's number, so the output keeps the order of the cases.
cases=("$@")
mkdir -p "$SCRATCH"
# Results of an interrupted earlier run must not be counted.
rm -f "$SCRATCH"/results.*
for ((w = 0; w < JOBS; w++)); do
	(
		scratch=$SCRATCH/w$w
		scratch_tree "$TOP" "$scratch"
		for ((i = w; i < ${#cases[@]}; i += JOBS)); do
			printf '%d\t%s\n' "$i" "$(run_case "$scratch" "${cases[$i]}")"
		done
		rm -f "$scratch/compile_fail_case.rs"
	) >"$SCRATCH/results.$w" &
done
wait
out=$(sort -n -k1,1 "$SCRATCH"/results.* | cut -f2-)
rm -f "$SCRATCH"/results.*
echo "$out"
# One result line per case, or the case counts as failed.
[ "$(grep -c '' <<<"$out")" -eq ${#cases[@]} ] || echo "FAIL: $(grep -c '' <<<"$out") result lines for ${#cases[@]} cases"
pass=$(grep -c '^ok ' <<<"$out")
fail=$((${#cases[@]} - pass))
echo "compile-fail: ${#cases[@]} cases, $pass rejected as expected, $fail failed"
[ $fail -eq 0 ]
