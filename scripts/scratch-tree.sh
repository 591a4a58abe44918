# SPDX-License-Identifier: GPL-2.0
# Sourced by the builds that must not touch the real module's objects
# (tests/compile_fail/run.sh, scripts/lint.sh): scratch_tree TOP DIR
# copies into DIR what Kbuild builds the crates from (both drivers, the
# layer, the C wrappers, the doctests' generator), mtimes kept, so that
# a second build in DIR recompiles only what changed since.
scratch_tree() {
	local top=$1 dir=$2
	mkdir -p "$dir/netdev" "$dir/bindings" "$dir/scripts"
	cp -p "$top/Kbuild" "$top/veth_rs.rs" "$top/nullsink_rs.rs" "$top/netdev.rs" "$dir/"
	cp -p "$top"/netdev/*.rs "$dir/netdev/"
	cp -p "$top"/bindings/*.c "$top/bindings/veth_rs_helper.h" "$dir/bindings/"
	cp -p "$top/scripts/doctests_gen.py" "$dir/scripts/"
}
