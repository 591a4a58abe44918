#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`'s VM part: the test scripts of tests/ (all, or those named)
# in LANES VMs booted side by side, each running tests/run.sh over its
# share of the scripts, then one KTAP of all results and one summary line.
#   qemu/check.sh [tests/NAME.sh ...]
# VETH_RS_LANES=N (default 1: one 2-vCPU VM runs everything).
#
# Why lanes: under TCG the guest's work is mostly one process after
# another (ip, bash, python), so a 2-vCPU VM keeps about one host core
# busy; two VMs use both, though not twice as well: on a 2-core host
# three vCPU threads slow each script down 1.1-2x, and the VM part took
# 486-530 s in two lanes against 503 s in one VM (README, "Machine
# time"), so one VM is the default; more cores may change that. Each lane is a whole VM of its own (its own
# kernel, modules and log), so scripts that load and unload modules or
# delete every veth of the init namespace cannot disturb each other, and
# each lane's runner scans its own kernel log and kmemleak.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Each script says what it needs in a header line
#   # make-check: cpus=N seconds=S [smp=CASE,... smp-seconds=S2] (why)
# cpus=2: it needs two CPUs (pinning, or concurrency that one CPU would
# only interleave); seconds: what it took in the debug VM (README,
# "Machine time"), used to balance the lanes; smp=: these cases need two
# CPUs (S2 seconds), the others (S seconds) run on one; order=first: run
# it first in its lane (a script whose check waits at the end of the run,
# as stress.sh's namespace check). Unsaid: cpus=2, 60 s.
header() { sed -n "s/^# make-check:.* $1=\([^ ]*\).*/\1/p" "$2" | head -n 1; }
if [ $# -gt 0 ]; then
	scripts=("$@")
else
	scripts=()
	for t in "$VETH_RS_TOP"/tests/*.sh; do
		case $(basename "$t") in lib.sh | run.sh) continue ;; esac
		scripts+=("$t")
	done
fi
# One VM unless asked: on a 2-core host two lanes measured no faster
# (README, "Machine time").
lanes=${VETH_RS_LANES:-1}
[ "$lanes" -le ${#scripts[@]} ] || lanes=${#scripts[@]}
[ "$lanes" -ge 1 ] || die "no test script to run"

# VETH_RS_STREAMS=2: in one VM, tests/run.sh runs two streams of
# scripts side by side (see there, and README "Machine time" for why it
# is not the default); lanes already split the scripts, so each lane's
# runner runs its share one after the other.
streams=${VETH_RS_STREAMS:-1}
[ "$lanes" -gt 1 ] && streams=1

# Lane 1 has 2 vCPUs and takes every script that needs two; the others
# have one. The scripts are placed longest first, each into the least
# loaded lane that has CPUs enough.
declare -a load members cpus
for ((l = 0; l < lanes; l++)); do load[l]=0; members[l]=; cpus[l]=1; done
cpus[0]=2
while read -r w c o t; do
	best=0
	if [ "$c" -lt 2 ] && [ "$lanes" -gt 1 ]; then
		# Ties go to a 1-vCPU lane.
		best=1
		for ((l = 0; l < lanes; l++)); do
			[ "${load[l]}" -lt "${load[best]}" ] && best=$l
		done
	fi
	load[best]=$((load[best] + w))
	if [ "$o" = first ]; then
		members[best]="$t ${members[best]}"
	else
		members[best]+="$t "
	fi
done < <(for t in "${scripts[@]}"; do
	w=$(header seconds "$t") c=$(header cpus "$t") smp=$(header smp "$t") o=$(header order "$t")
	# In one VM a script is not split: it would start twice for nothing.
	if [ -n "$smp" ] && [ "$lanes" -gt 1 ]; then
		echo "${w:-60} ${c:-1} ${o:--} $t:except=$smp"
		echo "$(header smp-seconds "$t") 2 ${o:--} $t:only=$smp"
	else
		echo "${w:-60} ${c:-2} ${o:--} $t"
	fi
done | sort -rn -k1,1)
msg "speed probe: $(speed_probe)"
out="$VETH_RS_TOP/results/check-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$out"
msg "make check: ${#scripts[@]} scripts in $lanes VM(s); logs in $out"
pids=() started=()
start=$SECONDS
for ((l = 0; l < lanes; l++)); do
	name=lane$((l + 1))
	[ "$lanes" = 1 ] && { name=; cpus[l]=2; }
	read -r -a these <<<"${members[l]}"
	[ ${#these[@]} -gt 0 ] || continue
	msg "  ${name:-vm} (${cpus[l]} vCPU): $(for t in "${these[@]}"; do basename "$t"; done | tr '\n' ' ')"
	(
		"$VETH_RS_TOP/qemu/vm" --cpus "${cpus[l]}" -- env VETH_RS_LANE="$name" VETH_RS_STREAMS="$streams" \
			VETH_RS_RESULTS_OUT="$out/${name:-vm}.results" \
			"$VETH_RS_TOP/tests/run.sh" "${these[@]}" >"$out/${name:-vm}.log" 2>&1
		echo $? >"$out/${name:-vm}.rc"
	) &
	pids+=($!)
	started+=("${name:-vm}")
	# A few seconds apart: both VMs' boots need not peak at once.
	[ $l -lt $((lanes - 1)) ] && sleep 5
done
# VETH_RS_BESIDE="T1 T2": make targets run on the host, one after the
# other, while the VM(s) run (the Makefile's check: lint and
# compile-fail, which build in scratch trees and never touch the module
# the VM loads); VETH_RS_BESIDE_ARGS: make variables for them. Each is
# one result line of the summary, its output in $out/beside-T.log.
beside_pid=
if [ -n "${VETH_RS_BESIDE:-}" ]; then
	read -r -a beside <<<"$VETH_RS_BESIDE"
	read -r -a beside_args <<<"${VETH_RS_BESIDE_ARGS:-}"
	msg "beside the VM(s): make ${beside[*]}"
	(
		for t in "${beside[@]}"; do
			t0=$SECONDS
			if make --no-print-directory -C "$VETH_RS_TOP" "${beside_args[@]}" "$t" >"$out/beside-$t.log" 2>&1 </dev/null; then
				printf 'ok\tmake %s (host, beside the VM: %d s)\t\n' "$t" $((SECONDS - t0))
			else
				printf 'not ok\tmake %s (host, beside the VM)\t%s\n' "$t" "failed; $out/beside-$t.log ends: $(tail -n 3 "$out/beside-$t.log" | tr '\n\t' '  ')"
			fi
			msg "  beside: make $t done in $((SECONDS - t0)) s" >&2
		done >"$out/beside.results"
	) &
	beside_pid=$!
fi
# Progress while they run: the lanes' per-script times.
(
	set +e +o pipefail
	while sleep 20; do
		for f in "$out"/*.log; do
			[ -f "$f" ] || continue
			grep -hE '^# ---- .*: [0-9]* s(, [0-9]* processes)?$' "$f" 2>/dev/null |
				sed "s|^|[$(basename "$f" .log)] |" >"$f.seen.new"
			seen=$(cat "$f.seen" 2>/dev/null || echo 0)
			tail -n +$((seen + 1)) "$f.seen.new" >&2
			wc -l <"$f.seen.new" >"$f.seen"
		done
	done
) &
progress=$!
for p in "${pids[@]}"; do wait "$p" || true; done
[ -n "$beside_pid" ] && { wait "$beside_pid" || true; }
kill "$progress" 2>/dev/null || true
wait "$progress" 2>/dev/null || true
rm -f "$out"/*.seen "$out"/*.seen.new

# Each lane's whole output, one after the other, then the merged results.
status=0
all="$out/all.results"
: >"$all"
for name in "${started[@]}"; do
	echo "# ======== $name"
	sed 's/^/# /' "$out/$name.log" | grep -v -E '^# ([0-9]+ passed, [0-9]+ failed|TAP version|1\.\.[0-9]+$)' || true
	rc=$(cat "$out/$name.rc" 2>/dev/null || echo 255)
	if [ -s "$out/$name.results" ]; then
		cat "$out/$name.results" >>"$all"
	else
		printf 'not ok\t%s\t%s\n' "$name" "the VM gave no results (exit $rc; log $out/$name.log)" >>"$all"
	fi
done
if [ -n "$beside_pid" ]; then
	for t in "${beside[@]}"; do
		echo "# ======== beside: make $t"
		sed 's/^/# /' "$out/beside-$t.log" 2>/dev/null || true
	done
	cat "$out/beside.results" >>"$all" 2>/dev/null || true
	# One result per target, or the missing ones count as failed.
	got=$(grep -c '' "$out/beside.results" 2>/dev/null) || got=0
	[ "$got" -eq ${#beside[@]} ] ||
		printf 'not ok\tbeside the VM\t%s\n' "$got results for ${#beside[@]} targets" >>"$all"
fi
echo "# make check: ${#scripts[@]} scripts in $lanes VM(s), $((SECONDS - start)) s"
set +eu
VETH_RS_RESULTS=$all
. "$VETH_RS_TOP/tests/lib.sh"
ktap_print "$all" || status=1
ktap_summary "$all"
exit $status
