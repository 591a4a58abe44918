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

# The scratch tree: the crate's sources and Kbuild; the bindings are
# generated there once and kept from case to case.
# (With CONFIG_KUNIT, the KUnit suites and the doctests' generator too.)
mkdir -p "$SCRATCH/netdev" "$SCRATCH/bindings" "$SCRATCH/scripts"
cp -p "$TOP/Kbuild" "$TOP/veth_rs.rs" "$TOP/netdev.rs" "$SCRATCH/"
cp -p "$TOP"/netdev/*.rs "$SCRATCH/netdev/"
cp -p "$TOP/bindings/helpers.c" "$TOP/bindings/kunit_helpers.c" \
	"$TOP/bindings/veth_rs_helper.h" "$SCRATCH/bindings/"
cp -p "$TOP/scripts/doctests_gen.py" "$SCRATCH/scripts/"

pass=0
fail=0
for case in "$@"; do
	name=$(basename "$case" .rs)
	want=$(sed -n '1s|^// compile-fail: ||p' "$case")
	if [ -z "$want" ]; then
		echo "FAIL $name: first line is not '// compile-fail: error[EXXXX]: message'"
		fail=$((fail + 1))
		continue
	fi
	cp "$case" "$SCRATCH/compile_fail_case.rs"
	rm -f "$SCRATCH/veth_rs_drv.o"
	log=$SCRATCH/$name.log
	if make -C "$KDIR" M="$SCRATCH" LLVM=1 VETH_RS_COMPILE_FAIL=1 veth_rs_drv.o \
		>"$log" 2>&1; then
		echo "FAIL $name: compiled, expected $want"
		fail=$((fail + 1))
		continue
	fi
	# The expected error, and the line after it pointing into the case.
	where=$(grep -F -A1 -- "$want" "$log" | grep -F -m1 -- "--> " || true)
	case $where in
	*compile_fail_case.rs:*)
		echo "ok   $name: $want (${where##*compile_fail_case.rs:})"
		pass=$((pass + 1))
		;;
	*)
		got=$(grep -m1 '^error' "$log" || echo "no rustc error, see $log")
		echo "FAIL $name: expected $want in the case, got: $got"
		fail=$((fail + 1))
		;;
	esac
done
rm -f "$SCRATCH/compile_fail_case.rs"
echo "compile-fail: $((pass + fail)) cases, $pass rejected as expected, $fail failed"
[ $fail -eq 0 ]
