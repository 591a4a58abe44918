# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest runners (tests/run.sh, qemu/selftests-guest.sh,
# qemu/containers-guest.sh): kmemleak's end-of-run scan.
KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_scan: what kmemleak reports after two scans (nothing without
# kmemleak). It reports an object found unreferenced, unchanged since the
# scan before, and allocated at least 5 s before the scan starts: the
# second scan starts 6 s after the first started (the first's own time
# counts; it is ~6 s in the debug VM, so the wait is mostly none).
kmemleak_scan() {
	local t0 left
	[ -w "$KMEMLEAK" ] || return 0
	t0=${EPOCHREALTIME/./}
	echo scan >"$KMEMLEAK"
	left=$((6000000 - (${EPOCHREALTIME/./} - t0)))
	[ $left -gt 0 ] && sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK"
}
