# SPDX-License-Identifier: GPL-2.0
# Sourced by the builds that must not touch the real module's objects
# (tests/compile_fail/run.sh, scripts/lint.sh): scratch_tree TOP DIR
# copies into DIR what Kbuild builds the crates from (both drivers, the
# layer, the C wrappers, the doctests' generator), mtimes kept, so that
# a second build in DIR recompiles only what changed since.
scratch_tree() {
	local top=$1 dir=$2
	local f
	mkdir -p "$dir/netdev" "$dir/bindings" "$dir/scripts"
	cp -p "$top/Kbuild" "$top/veth_rs.rs" "$top/nullsink_rs.rs" "$top/netdev.rs" "$dir/"
	# The layer's files as they are now: one renamed or deleted since
	# the last copy must not stay (Kbuild takes netdev/*.rs by wildcard);
	# the generated doctests are the scratch build's own.
	rm -f "$dir"/netdev/*.rs
	for f in "$top"/netdev/*.rs; do
		case $f in *_generated.rs) continue ;; esac
		cp -p "$f" "$dir/netdev/"
	done
	cp -p "$top"/bindings/*.c "$top/bindings/veth_rs_helper.h" "$dir/bindings/"
	cp -p "$top/scripts/doctests_gen.py" "$dir/scripts/"
}
