#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Test runner, run inside the VM by `make check`: runs every test script
# of tests/ (or those named), then scans the kernel log and kmemleak for
# splats, then proves the scan works on a deliberate WARN (its own
# self-test). Prints KTAP and one line "N passed, N failed, N skipped".
#   tests/run.sh [test.sh[:only=CASE,...|:except=CASE,...] ...]
# (":only=" and ":except=" run a part of a script's cases: make check's
# lanes give the cases that need two CPUs to a 2-CPU VM.)
# In one lane of `make check` (qemu/check.sh boots a VM per lane):
# VETH_RS_LANE=NAME suffixes the names of the runner's own results, and
# VETH_RS_RESULTS_OUT=FILE (a path the host sees) receives the results.
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
export VETH_RS_TOP=$(cd "$TESTS_DIR/.." && pwd)
export VETH_RS_RESULTS=$(mktemp)
# Checks a script leaves to the end of the run (see tests/stress.sh).
export VETH_RS_DEFERRED=$(mktemp -d)
. "$TESTS_DIR/lib.sh"

SPLAT_RE='BUG:|WARNING:|KASAN|UBSAN|Call Trace:|ref_tracker:|unreferenced object|unregister_netdevice: waiting|possible recursive locking|suspicious RCU usage|circular locking|INFO: task .* blocked'
# Not splats: the refcount tracker says so when its own allocation fails,
# which happens here only under fault injection (tests/faults.sh); the
# reference count itself is still kept.
EXPECTED_RE='ref_tracker: memory allocation failure, unreliable refcount tracker'
KMEMLEAK=/sys/kernel/debug/kmemleak
LANE=${VETH_RS_LANE:+_${VETH_RS_LANE}}

mark() { echo "veth_rs-test-marker: $1" >/dev/kmsg; }

# Kernel log lines after marker $1 that look like a splat (with context).
# In a KCSAN run (VETH_RS_KCSAN=1, qemu/kcsan.sh) the data-race reports
# are left out here: kcsan_results sorts them.
splats_since() {
	dmesg | sed -n "/veth_rs-test-marker: $1\$/,\$p" | kcsan_strip |
		grep -v -E "$EXPECTED_RE" | grep -E -A20 "$SPLAT_RE"
}

# The KCSAN reports since marker tests, one a paragraph, sorted by whom
# they involve: veth_rs (its module's code is in a stack: a failure),
# C veth, or neither (the core, as the same workloads drive it for both
# drivers). The reports themselves are printed (as comments), and
# KCSAN's own counters show that it was watching.
kcsan_results() {
	local out counts rs c core
	out=$(mktemp)
	if ! grep -q 'enabled: 1' /sys/kernel/debug/kcsan 2>/dev/null; then
		printf 'not ok\t%s\t%s\n' "kcsan: the detector was on" \
			"/sys/kernel/debug/kcsan does not say enabled" >>"$VETH_RS_RESULTS"
		return
	fi
	echo "# KCSAN's counters: $(tr '\n' ' ' </sys/kernel/debug/kcsan | head -c 600)"
	dmesg | sed -n "/veth_rs-test-marker: tests\$/,\$p" |
		awk '/BUG: KCSAN:/ { on = 1 } on { print } on && /=====/ { on = 0; print "" }' >"$out"
	counts=$(awk -v RS= '
		/veth_rs/ { rs++; next }
		/\[veth\]|veth_[a-z_]+\+0x/ { c++; next }
		/KCSAN/ { core++ }
		END { print rs + 0, c + 0, core + 0 }' "$out")
	read -r rs c core <<<"$counts"
	echo "# KCSAN reports: $rs involving veth_rs, $c involving C veth, $core in the core alone"
	sed 's/^/# kcsan: /' "$out" | head -400
	if [ "$rs" -eq 0 ]; then
		printf 'ok\t%s\t\n' "kcsan: no data race report involving veth_rs ($c C veth, $core core)" >>"$VETH_RS_RESULTS"
	else
		printf 'not ok\t%s\t%s\n' "kcsan: no data race report involving veth_rs" \
			"$rs reports (printed above)" >>"$VETH_RS_RESULTS"
	fi
	rm -f "$out"
}

kmemleak_scan() {
	[ -w "$KMEMLEAK" ] || return 0
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK"
}

run_script() {
	local t=${1%%:*} part= name rc before limit start only= except=
	[ "$t" != "$1" ] && part=${1#*:}
	case $part in
	only=*) only=${part#only=}; only=${only//,/ } ;;
	except=*) except=${part#except=}; except=${except//,/ } ;;
	esac
	name=$(basename "$t" .sh)${only:+[part]}${except:+[rest]}
	before=$(wc -l <"$VETH_RS_RESULTS")
	echo "# ---- $name"
	# The parts of the full stress profile (make stress) get longer.
	case $name in 1-faults | 2-fuzz) limit=1800 ;; 3-inject* | 4-inject*) limit=3600 ;; *) limit=900 ;; esac
	start=$SECONDS
	TESTS=$only TESTS_EXCEPT=$except timeout $limit bash "$t"
	rc=$?
	echo "# ---- $name: $((SECONDS - start)) s"
	if [ "$(wc -l <"$VETH_RS_RESULTS")" -eq "$before" ]; then
		if [ $rc -eq $ksft_skip ]; then
			printf 'skip\t%s\t%s\n' "$name" "prerequisite missing" >>"$VETH_RS_RESULTS"
		else
			printf 'not ok\t%s\t%s\n' "$name" "exited $rc without results" >>"$VETH_RS_RESULTS"
		fi
	elif [ $rc -ne 0 ] && [ $rc -ne $ksft_skip ] && [ $rc -ne 1 ]; then
		printf 'not ok\t%s\t%s\n' "$name" "script exited $rc" >>"$VETH_RS_RESULTS"
	fi
}

# The layer's KUnit suites (netdev/tests.rs) run when veth_rs.ko loads
# (kbuild's kunit.py and its KUnit-only kernels do not reach an
# out-of-tree module in a VM of our own: the module loader hands the
# module's .kunit_test_suites to KUnit, which prints KTAP into the kernel
# log). Load it once, fold each case of the veth_rs_* suites into the
# results as "kunit: SUITE.CASE" (a failed assertion's line as the
# reason), unload it. A suite that reports no case, or no suite at all,
# is a failure; a kernel without CONFIG_KUNIT, a skip.
kunit_results() {
	local out
	if [ ! -d /sys/kernel/debug/kunit ] && ! grep -q '^CONFIG_KUNIT=y' "/lib/modules/$(uname -r)/build/.config" 2>/dev/null; then
		printf 'skip\t%s\t%s\n' "kunit: layer suites$LANE" "kernel without CONFIG_KUNIT" >>"$VETH_RS_RESULTS"
		return
	fi
	grep -q '^veth_rs ' /proc/modules && rmmod veth_rs
	mark kunit
	if ! modprobe veth_rs; then
		printf 'not ok\t%s\t%s\n' "kunit: layer suites$LANE" "modprobe veth_rs failed" >>"$VETH_RS_RESULTS"
		return
	fi
	out=$(dmesg -t | sed -n '/veth_rs-test-marker: kunit$/,$p')
	rmmod veth_rs
	echo "# KUnit (veth_rs.ko's suites):"
	echo "$out" | awk '/^ *(KTAP|# Subtest: veth_rs_|1\.\.)|^ *(ok|not ok) [0-9]+ |ASSERTION FAILED|^# (veth_rs_|Totals)/' | sed 's/^/# /'
	echo "$out" | awk -v lane="$LANE" '
		/^    # Subtest: / { suite = $3; cases = 0; next }
		suite !~ /^veth_rs_/ { next }
		/^    # [a-z0-9_]+: ASSERTION FAILED/ { c = $2; sub(/:$/, "", c); if (!(c in why)) { r = $0; sub(/^ *# /, "", r); why[c] = r } ; next }
		/^    (ok|not ok) [0-9]+ / {
			st = ($1 == "ok") ? "ok" : "not ok"; name = (st == "ok") ? $3 : $4
			reason = ""
			if ($0 ~ /# SKIP/) { st = "skip"; reason = $0; sub(/.*# SKIP */, "", reason) }
			else if (st == "not ok") reason = (name in why) ? why[name] : "failed"
			printf "%s\tkunit: %s.%s%s\t%s\n", st, suite, name, lane, reason
			cases++; n++; next
		}
		/^(ok|not ok) [0-9]+ / {
			if (cases == 0) printf "not ok\tkunit: %s%s\t%s\n", suite, lane, "the suite reported no case"
			suite = ""; next
		}
		END { if (n == 0) printf "not ok\tkunit: layer suites%s\tno result of a veth_rs_* suite in the kernel log\n", lane }
	' >>"$VETH_RS_RESULTS"
}

[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
mark tests
echo "# kernel $(uname -r), $(nproc) CPUs"

if [ $# -gt 0 ]; then
	scripts=("$@")
else
	scripts=()
	for t in "$TESTS_DIR"/*.sh; do
		case $(basename "$t") in lib.sh | run.sh) continue ;; esac
		scripts+=("$t")
	done
fi
[ "${VETH_RS_KUNIT:-1}" = 1 ] && kunit_results
for t in "${scripts[@]}"; do
	run_script "$t"
done
grep -q '^veth_rs ' /proc/modules && rmmod veth_rs

# Deferred namespace checks: every namespace made since the script began
# (the nsid count in the init namespace back to what it was) is freed
# within 300 s.
nsids() { ip netns list-id | grep -c nsid; }
for f in "$VETH_RS_DEFERRED"/*.netns; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .netns) base=$(cat "$f") start=$SECONDS
	while [ "$(nsids)" -gt "$base" ] && [ $((SECONDS - start)) -lt 300 ]; do sleep 2; done
	n=$(nsids)
	echo "# deferred: $name's namespaces: nsid count $n (at its start $base), waited $((SECONDS - start)) s"
	if [ "$n" -le "$base" ]; then
		printf 'ok\t%s\t\n' "$name: network namespaces freed after deletion$LANE" >>"$VETH_RS_RESULTS"
	else
		printf 'not ok\t%s\t%s\n' "$name: network namespaces freed after deletion$LANE" \
			"$((n - base)) namespaces not freed 300 s after the run" >>"$VETH_RS_RESULTS"
	fi
done
rm -rf "$VETH_RS_DEFERRED"

[ "${VETH_RS_KCSAN:-0}" = 1 ] && kcsan_results

# No splat and no leak during the tests.
leaks=$(kmemleak_scan)
splats=$(splats_since tests)
if [ -z "$splats" ] && [ -z "$leaks" ]; then
	printf 'ok\t%s\t\n' "kernel_log_clean$LANE" >>"$VETH_RS_RESULTS"
else
	echo "# kernel splats or leaks during the tests:"
	printf '%s\n%s\n' "$splats" "$leaks" | head -200 | sed 's/^/# /'
	printf 'not ok\t%s\t%s\n' "kernel_log_clean$LANE" "splat or leak in the kernel log (above)" >>"$VETH_RS_RESULTS"
fi

# Self-test of the scan: a module that WARNs on load must be caught.
mark selftest
if insmod "$TESTS_DIR/selftest/splat_warn.ko" 2>/dev/null; then
	rmmod splat_warn
	if splats_since selftest | grep -q 'WARNING:'; then
		printf 'ok\t%s\t\n' "splat_scan_selftest$LANE" >>"$VETH_RS_RESULTS"
	else
		printf 'not ok\t%s\t%s\n' "splat_scan_selftest$LANE" "the deliberate WARN was not detected" >>"$VETH_RS_RESULTS"
	fi
else
	printf 'not ok\t%s\t%s\n' "splat_scan_selftest$LANE" "cannot load tests/selftest/splat_warn.ko" >>"$VETH_RS_RESULTS"
fi

[ -n "${VETH_RS_RESULTS_OUT:-}" ] && cp "$VETH_RS_RESULTS" "$VETH_RS_RESULTS_OUT"
ktap_print "$VETH_RS_RESULTS"
status=$?
ktap_summary "$VETH_RS_RESULTS"
rm -f "$VETH_RS_RESULTS"
exit $status
