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
#
# Streams (VETH_RS_STREAMS=2; the default, 1, runs one script at a time): the
# guest's work is mostly one process after another, so one script keeps
# about one of the two vCPUs busy. The runner therefore runs two streams
# of scripts side by side in the same boot, then, alone, the cases that
# would disturb anything beside them. Each script says in its header
# (`# make-check: ...`) which of its cases may not run beside others:
#   alone=all|CASE,...   unloads or reloads a module, or loads veth_rs as
#                        kind=veth: run after the streams, one at a time;
#   initns=all|CASE,...  makes devices in the init namespace or deletes
#                        every device of a kind there: all such parts run
#                        in stream 1, one after the other;
#   split=CASE,...       may run beside the rest of its own script (a part
#                        of its own, split-seconds=S long), to balance;
# the rest of a script (seconds=S) goes to the less loaded stream.
# VETH_RS_STREAMS=1 runs everything one after the other, as given. An
# argument naming a part (":only=", ":except=") runs as given, alone.
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
. "$VETH_RS_TOP/qemu/kmemleak.sh"
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


# run_script SCRIPT[:only=A,B|:except=A,B] [NAME]
run_script() {
	local t=${1%%:*} part= name rc before limit start forks only= except=
	[ "$t" != "$1" ] && part=${1#*:}
	case $part in
	only=*) only=${part#only=}; only=${only//,/ } ;;
	except=*) except=${part#except=}; except=${except//,/ } ;;
	esac
	name=${2:--}
	[ "$name" = - ] && name=$(basename "$t" .sh)${only:+[part]}${except:+[rest]}
	before=$(wc -l <"$VETH_RS_RESULTS")
	echo "# ---- $name"
	# The parts of the full stress profile (make stress) get longer.
	case $name in 1-faults | 2-fuzz) limit=1800 ;; 3-inject* | 4-inject*) limit=3600 ;; *) limit=900 ;; esac
	start=$SECONDS forks=$(proc_forks)
	VETH_RS_PART=$name TESTS=$only TESTS_EXCEPT=$except timeout $limit bash "$t"
	rc=$?
	forks=$(($(proc_forks) - forks))
	echo "# ---- $name: $((SECONDS - start)) s, $forks processes"
	# In a stream, the time goes to the runner's output at once too (the
	# stream's own output is printed when the streams are done).
	[ -n "${STREAM:-}" ] && echo "# ---- $name: $((SECONDS - start)) s, $forks processes" >&3
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

# The guest's CPU time: how busy its vCPUs were over the scripts
# (/proc/stat's first line: user nice system idle iowait irq softirq steal).
cpu_stat() { read -r _ CPU_U CPU_N CPU_S CPU_I CPU_W CPU_Q CPU_SQ CPU_ST _ </proc/stat; }
cpu_stat
read -r u0 n0 s0 i0 w0 q0 sq0 st0 <<<"$CPU_U $CPU_N $CPU_S $CPU_I $CPU_W $CPU_Q $CPU_SQ $CPU_ST"
cpu_busy() {
	local busy idle
	cpu_stat
	busy=$(((CPU_U - u0) + (CPU_N - n0) + (CPU_S - s0) + (CPU_Q - q0) + (CPU_SQ - sq0) + (CPU_ST - st0)))
	idle=$(((CPU_I - i0) + (CPU_W - w0)))
	echo "# guest CPU over the scripts: busy $((100 * busy / (busy + idle + 1)))% of $(nproc) vCPUs" \
		"($((busy / $(getconf CLK_TCK))) s busy, $((idle / $(getconf CLK_TCK))) s idle)"
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
# A field of a script's make-check header (see above).
header() { sed -n "s/^# make-check:.* $1=\([^ ]*\).*/\1/p" "$2" | head -n 1; }

# Place the scripts: S1 and S2 (the streams, "part name" lines), ALONE.
plan_streams() {
	local t b alone initns split secs ssecs excl l1=0 l2=0 frees=
	S1=() S2=() ALONE=() FIRST=()
	for t in "${scripts[@]}"; do
		b=$(basename "$t" .sh)
		if [ "${t%%:*}" != "$t" ]; then
			ALONE+=("$t -")
			continue
		fi
		alone=$(header alone "$t") initns=$(header initns "$t") split=$(header split "$t")
		secs=$(header seconds "$t") ssecs=$(header split-seconds "$t")
		secs=${secs:-60} ssecs=${ssecs:-0}
		if [ "$alone" = all ]; then
			ALONE+=("$t $b")
			continue
		fi
		[ -n "$alone" ] && ALONE+=("$t:only=$alone $b[alone]")
		if [ "$initns" = all ]; then
			# The whole script but its lone cases, in stream 1.
			if [ "$(header order "$t")" = first ]; then
				FIRST+=("$t${alone:+:except=$alone} $b")
			else
				S1+=("$t${alone:+:except=$alone} $b")
			fi
			l1=$((l1 + secs))
			continue
		fi
		[ -n "$initns" ] && S1+=("$t:only=$initns $b[initns]")
		excl=$alone${initns:+,$initns}${split:+,$split}
		excl=${excl#,}
		frees+="$secs $t${excl:+:except=$excl} $b"$'\n'
		[ -n "$split" ] && frees+="$ssecs $t:only=$split $b[split]"$'\n'
	done
	S1=("${FIRST[@]}" "${S1[@]}")
	# The free parts, longest first, each to the less loaded stream.
	while read -r secs t b; do
		[ -n "$t" ] || continue
		if [ "$l2" -le "$l1" ]; then
			S2+=("$t $b") l2=$((l2 + secs))
		else
			S1+=("$t $b") l1=$((l1 + secs))
		fi
	done < <(printf '%s' "$frees" | sort -rn -k1,1)
}

# run_stream K PART... : run the parts one after the other, their output
# and results into files of the stream's own.
run_stream() {
	local k=$1 p
	shift
	(
		export STREAM=$k VETH_RS_RESULTS=$STREAMS_DIR/$k.results
		: >"$VETH_RS_RESULTS"
		exec >"$STREAMS_DIR/$k.log" 2>&1
		for p in "$@"; do
			run_script "${p%% *}" "${p#* }"
		done
	)
}

[ "${VETH_RS_KUNIT:-1}" = 1 ] && kunit_results

streams=${VETH_RS_STREAMS:-1}
[ ${#scripts[@]} -gt 1 ] || streams=1
if [ "$streams" -ge 2 ]; then
	plan_streams
	echo "# stream 1: ${S1[*]#* }"
	echo "# stream 2: ${S2[*]#* }"
	echo "# then alone: ${ALONE[*]#* }"
	STREAMS_DIR=$(mktemp -d)
	start=$SECONDS
	exec 3>&1
	run_stream 1 "${S1[@]}" &
	p1=$!
	run_stream 2 "${S2[@]}" &
	p2=$!
	wait $p1 $p2
	exec 3>&-
	echo "# streams: $((SECONDS - start)) s"
	for k in 1 2; do
		echo "# ======== stream $k"
		grep -vE '^# ---- .*: [0-9]* s(, [0-9]* processes)?$' "$STREAMS_DIR/$k.log"
		cat "$STREAMS_DIR/$k.results" >>"$VETH_RS_RESULTS"
	done
	rm -rf "$STREAMS_DIR"
	echo "# ======== alone"
	for p in "${ALONE[@]}"; do
		run_script "${p%% *}" "${p#* }"
	done
else
	for t in "${scripts[@]}"; do
		run_script "$t"
	done
fi
cpu_busy
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
start=$SECONDS
leaks=$(kmemleak_scan)
echo "# kmemleak scan (two, starting 6 s apart): $((SECONDS - start)) s"
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
