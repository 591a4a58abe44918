#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reliability and hostile input (issue 6), one result line per workload:
# churn of pairs by concurrent workers, faults under continuous traffic
# (namespace deletion, peer deletion, moves, MTU and up/down flaps, rmmod
# with live pairs), the netlink fuzzer (tests/fuzz.py) and privilege
# checks against C veth. Each workload fails on a kernel splat logged while
# it ran and on devices or namespaces it leaves behind.
#   STRESS_PROFILE=short (default, for make check) | full (make stress)
#   FUZZ_SEED=N replays the fuzzer's requests; STRESS_ONLY="churn fuzz"
#   runs some workloads only; STRESS_KIND=veth runs the script's logic
#   against C veth (outside the VM; rmmod left out).
#
# Under TCG with the debug kernel, starting a program costs 1-2 s (python
# 9 s), far more than a netlink request: the workloads send their requests
# in `ip -batch` runs and do their bookkeeping in bash, and they never call
# sleep(1) (lib.sh's nap reads a pipe with a timeout instead).
# make-check: cpus=2 seconds=75 order=first initns=all alone=churn,fault_rmmod (concurrent churn workers, faults under traffic; churn turns module autoloading off, fault_rmmod unloads veth_rs)
ALL_TESTS="churn fault_flap fault_move fault_peer_del fault_netns_del
	fault_rmmod fuzz priv_unprivileged priv_userns datapath_faults no_leaks"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"
[ -n "${STRESS_ONLY:-}" ] && ALL_TESTS="$STRESS_ONLY no_leaks"
# A part of the script (the runner's TESTS, see tests/run.sh) ends with
# the namespace check too.
[ -n "${TESTS:-}" ] && [[ " $TESTS " != *" no_leaks "* ]] && TESTS="$TESTS no_leaks"
K=${STRESS_KIND:-veth_rs}

PROFILE=${STRESS_PROFILE:-short}
case $PROFILE in
short)
	# For make check: within 5 min in the TCG debug VM.
	CHURN_PAIRS=20 CHURN_ROUND=15 CHURN_SECS=600
	TRAFFIC_SECS=2 MOVE_ROUNDS=2 FLAP_ROUNDS=8
	RMMOD_PAIRS=10 FUZZ_COUNT=400 FUZZ_SECS=20
	;;
full)
	# Bounded in time to stay within 30 min in the VM (see the README).
	CHURN_PAIRS=2000 CHURN_ROUND=50 CHURN_SECS=900
	TRAFFIC_SECS=5 MOVE_ROUNDS=6 FLAP_ROUNDS=60
	RMMOD_PAIRS=100 FUZZ_COUNT=10000 FUZZ_SECS=450
	;;
*)
	echo "STRESS_PROFILE must be short or full" >&2
	exit 1
	;;
esac
CHURN_SECS=${STRESS_CHURN_SECS:-$CHURN_SECS}

SPLAT_RE='BUG:|WARNING:|KASAN|UBSAN|Call Trace:|ref_tracker:|unreferenced object|unregister_netdevice: waiting|stalled pool shutdown|possible recursive locking|suspicious RCU usage|circular locking|INFO: task .* blocked|general protection fault|Oops|soft lockup|stall on CPU'

# Figures of the summary line.
PAIRS_CREATED=0 PAIRS_DELETED=0 PACKETS=0 FUZZ_SENT=0 FUZZ_HIST=- FUZZ_SEEDS=
SPLATS=0 LEAKS=0

WORK=$(mktemp -d /tmp/stress.XXXXXX)

# Every kernel log record from now on, kept in a file (the ring buffer may
# wrap during a long run; dmesg --follow also survives overruns). Each
# workload writes a begin and an end marker into the log.
KLOG=$WORK/klog
: >"$KLOG"
dmesg --follow >"$KLOG" 2>/dev/null &
KLOG_PID=$!
exec {KLOG_FD}<"$KLOG"
BG_PIDS=()

stress_cleanup() {
	bg_stop
	modprobe_restore
	ns_del_all
	del_links_of_kind "$K" veth
	kill "$KLOG_PID" 2>/dev/null
	exec {NAP_FD}<&- {KLOG_FD}<&-
	rm -rf "$WORK"
}
CLEANUP_HOOK=stress_cleanup

# Start a command in the background, stopped by bg_stop or at exit.
bg() {
	"$@" &
	BG_PIDS+=($!)
}

# bg in network namespace $1: in_ns's nsenter itself, not the function
# (whose subshell would be the pid that kill reaches, the command its
# child).
bg_ns() {
	bg nsenter --net="/run/netns/$1" -- "${@:2}"
}

# (Never a bare `wait`: it would wait for dmesg --follow too.)
bg_stop() {
	local p
	[ ${#BG_PIDS[@]} -gt 0 ] || return 0
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait "${BG_PIDS[@]}" 2>/dev/null
	BG_PIDS=()
}

# Wait up to $2 seconds for command $1 to succeed, trying every $3 (0.5) s.
poll() {
	local end=$((SECONDS + $2))
	while :; do
		eval "$1" && return 0
		[ $SECONDS -lt $end ] || return 1
		nap "${3:-0.5}"
	done
}

# Namespaces: made (and given an nsid in the init namespace, see
# netns_count) in one ip run, which then runs the requests of NS_THEN
# (where "@VAR" stands for the name of namespace VAR); names into the
# variables named.
ns_add() {
	local var name b= then=${NS_THEN:-}
	for var in "$@"; do
		name="$var-$$-$RANDOM"
		b+="netns add $name"$'\n'"netns set $name auto"$'\n'
		NS_LIST+=("$name")
		printf -v "$var" '%s' "$name"
		then=${then//@$var/$name}
	done
	ip -batch - <<<"$b$then"
}

# All of them, in one ip run (lib.sh).
ns_del_all() { cleanup_ns; }

# Number of $K devices in namespace $1 (the init namespace without it),
# into KC. Counted by kind in the full list: with the module unloaded, the
# kernel ignores a dump's filter on an unknown kind and lists everything.
kind_count() {
	local j
	j=$(ip ${1:+-n "$1"} -j -d link show 2>/dev/null)
	j=${j//\"info_kind\":\"$K\"/$'\x01'}
	j=${j//[!$'\x01']/}
	KC=${#j}
}

# $K devices in the init namespace and the namespaces of the workload.
count_kind_all() {
	local ns n
	kind_count
	n=$KC
	for ns in "${NS_LIST[@]}"; do
		kind_count "$ns"
		n=$((n + KC))
	done
	KC=$n
}

# Names of the links of namespace $1 (init without it), into LINKS.
link_names() {
	local out line
	LINKS=()
	out=$(ip ${1:+-n "$1"} -o link show 2>/dev/null)
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		line=${line#*: }
		LINKS+=("${line%%[:@]*}")
	done <<<"$out"
}

# Run a batch (file $1, time bound $2 s, further ip options in $3...; as
# the user BATCH_USER if set) with a time bound;
# BATCH_FAILED gets the numbers of the lines that failed (" 3 7 "), and
# BATCH_MSG their messages ("3: RTNETLINK answers: ...;"). Returns ip's
# status (124 when it timed out).
batch_run() {
	local file=$1 limit=$2 out rc l msg=
	shift 2
	if [ -n "${BATCH_USER:-}" ]; then
		out=$(setpriv --reuid="$BATCH_USER" --regid=nogroup --clear-groups \
			timeout "$limit" ip "$@" -force -batch - <"$file" 2>&1 >/dev/null)
	else
		out=$(timeout "$limit" ip "$@" -force -batch "$file" 2>&1 >/dev/null)
	fi
	rc=$?
	BATCH_FAILED=" " BATCH_MSG=
	while IFS= read -r l; do
		if [[ $l =~ ^Command\ failed\ .*:([0-9]+)$ ]]; then
			BATCH_FAILED+="${BASH_REMATCH[1]} "
			BATCH_MSG+="${BASH_REMATCH[1]}: $msg; "
			msg=
		elif [ -n "$l" ]; then
			msg=$l
		fi
	done <<<"$out"
	return $rc
}

# The status of line $1 of the last batch_run, into BL: OK or the error
# message (a variable, not output: no subshell per line).
batch_line() {
	local m
	if [[ $BATCH_FAILED != *" $1 "* ]]; then
		BL=OK
		return
	fi
	m=${BATCH_MSG#*"$1: "}
	BL=${m%%; *}
}

# A workload begins: mark the kernel log.
begin() {
	[ -d /sys/module/veth_rs ] || [ "$K" != veth_rs ] || require_veth_rs ||
		{ RET=$ksft_skip; retmsg="cannot load veth_rs"; }
	KLOG_TAG="${FUNCNAME[1]} $$.$RANDOM."
	klog_skip
	echo "veth_rs-stress: begin $KLOG_TAG" >/dev/kmsg
	T0=$SECONDS
	echo "# stress: ${FUNCNAME[1]} ..."
}

# Splats in the kernel log between the markers of the workload: their count
# into KSPLATS, the first into KFIRST, an excerpt printed. Waits for the
# log reader to reach the end marker. Read by bash (an awk run less per
# workload), on from where the scan before stopped (or begin's klog_skip):
# KLOG_REST holds the lines it read past its end marker, KLOG_PART a line
# dmesg was still writing, KLOG_KS whether a KCSAN report is being left
# out (with VETH_RS_KCSAN=1, as kcsan_strip).
KLOG_REST=() KLOG_PART= KLOG_KS=0
klog_scan() {
	local b="veth_rs-stress: begin $KLOG_TAG" e="veth_rs-stress: end $KLOG_TAG"
	local kc=${VETH_RS_KCSAN:-0} lines all l i j k on=0 n=0 first= ctx=0 ex=()
	echo "veth_rs-stress: end $KLOG_TAG" >/dev/kmsg
	for ((i = 0; i < 40; i++)); do
		klog_read
		[ ${#KLOG_REST[@]} -eq 0 ] || lines=("${KLOG_REST[@]}" "${lines[@]}")
		KLOG_REST=()
		if [ $on = 0 ]; then
			# The line of the first marker, k; the lines before it count
			# only for KCSAN's reports.
			for ((k = 0; k < ${#lines[@]}; k++)); do
				[[ ${lines[k]} == *"$b"* || ${lines[k]} == *"$e"* ]] && break
				[ "$kc" = 1 ] || continue
				[[ ${lines[k]} == *"BUG: KCSAN:"* ]] && KLOG_KS=1
				[ $KLOG_KS = 1 ] && [[ ${lines[k]} == *=====* ]] && KLOG_KS=0
			done
			if [ $k -eq ${#lines[@]} ]; then
				nap 0.5
				continue
			fi
			# The begin marker lost, the end marker first: nothing between.
			if [[ ${lines[k]} != *"$b"* ]]; then
				KLOG_REST=("${lines[@]:k+1}")
				break
			fi
			on=1
			lines=("${lines[@]:k+1}")
		fi
		# Most often no line can be a splat (no match in all of them,
		# no KCSAN report or excerpt open): only the end marker counts,
		# and what follows it is nothing to the next scan.
		printf -v all %s "${lines[@]}"
		if [ $KLOG_KS = 0 ] && [ $ctx = 0 ] && ! [[ $all =~ $SPLAT_RE ]]; then
			[[ $all == *"$e"* ]] && break
			nap 0.5
			continue
		fi
		for j in "${!lines[@]}"; do
			l=${lines[j]%$'\n'}
			[[ $l == *"$b"* ]] && continue
			if [[ $l == *"$e"* ]]; then
				KLOG_REST=("${lines[@]:j+1}")
				break 2
			fi
			[ "$kc" = 1 ] && [[ $l == *"BUG: KCSAN:"* ]] && KLOG_KS=1
			if [ $KLOG_KS = 1 ]; then
				[[ $l == *=====* ]] && KLOG_KS=0
				continue
			fi
			if [[ $l =~ $SPLAT_RE ]]; then
				[[ $l == *"Call Trace:"* ]] || n=$((n + 1))
				[ -n "$first" ] || first=$l
				ctx=31
			fi
			if [ $ctx -gt 0 ] && [ ${#ex[@]} -lt 60 ]; then
				ex+=("$l")
				ctx=$((ctx - 1))
			fi
		done
		nap 0.5
	done
	if [ $i -eq 40 ]; then
		KSPLATS=1 KFIRST="the kernel log reader did not reach the end marker"
		return
	fi
	[ ${#ex[@]} -gt 0 ] && printf '# klog: %s\n' "${ex[@]}"
	KSPLATS=$n KFIRST=$first
}

# The lines dmesg wrote since the last read, into the caller's lines
# (mapfile stops at the end of the file; the newlines kept tell a line
# still being written, which waits in KLOG_PART).
klog_read() {
	mapfile -u "$KLOG_FD" lines
	[ ${#lines[@]} -gt 0 ] || return 0
	lines[0]=$KLOG_PART${lines[0]}
	KLOG_PART=
	if [[ ${lines[-1]} != *$'\n' ]]; then
		KLOG_PART=${lines[-1]}
		unset 'lines[-1]'
	fi
}

# Before a begin marker: what the log has so far (at first, the log from
# before the script) is nothing to klog_scan but for KCSAN's reports.
klog_skip() {
	local lines
	[ "${VETH_RS_KCSAN:-0}" = 1 ] && return
	klog_read
	KLOG_REST=()
}

# A workload ends: its namespaces go, then the kernel log since begin()
# must hold no splat, and no $K device may be left (namespaces are waited
# for once, in no_leaks).
finish() {
	local name=$1 figures=$2
	bg_stop
	if [ -n "${KEEP_PAIR:-}" ]; then
		# The next workload takes the pair over (pair_keep).
		KEEP_PAIR=
	else
		PAIR_LIVE=
		ns_del_all
		kind_count
		if [ "$KC" -gt 0 ]; then
			LEAKS=$((LEAKS + KC))
			check_err 1 "$KC $K devices left behind"
			del_links_of_kind "$K"
		fi
	fi
	klog_scan
	if [ "$KSPLATS" -gt 0 ]; then
		SPLATS=$((SPLATS + KSPLATS))
		check_err 1 "$KSPLATS splats in the kernel log, first: $KFIRST"
	fi
	log_test "stress: $name ($figures; $((SECONDS - T0)) s)"
}

# ---- churn

# For a name it cannot find, ip falls back to the SIOCGIFINDEX ioctl, and
# the kernel, asked by root for a device it does not have, runs modprobe
# twice ("netdev-NAME", then "NAME"): 2.6 s per refused delete in the
# TCG VM (20 of them: 52.7 s, against 1.1 s without). Churn refuses many
# on purpose, so module autoloading is off (kernel.modprobe empty) while
# it runs in the VM, and restored after.
MODPROBE_SAVED=
modprobe_off() {
	[ -n "${VETH_RS_KSRC:-}" ] || return 0
	MODPROBE_SAVED=$(</proc/sys/kernel/modprobe)
	echo >/proc/sys/kernel/modprobe
}

modprobe_restore() {
	[ -n "$MODPROBE_SAVED" ] || return 0
	echo "$MODPROBE_SAVED" >/proc/sys/kernel/modprobe
	MODPROBE_SAVED=
}

# Kernel figures that would grow with something left behind per pair:
# slab memory, lockdep classes and chains (read by bash, no process).
kstats() {
	local k v _ out=
	while read -r k v _; do
		case $k in Slab:) out+="slab ${v} kB" ;; esac
	done </proc/meminfo
	if [ -r /proc/lockdep_stats ]; then
		while IFS=: read -r k v; do
			case $k in
			*"lock-classes"*) out+=", lock classes ${v// /}" ;;
			*"dependency chains"*) out+=", lock chains ${v// /}" ;;
			esac
		done </proc/lockdep_stats
	fi
	echo "$out"
}

# The requests of one churn worker, for `ip -force -batch`: N pairs with
# names drawn from a shared pool of 10 (so requests collide, also a pair
# with itself), a quarter with the peer in namespace $2, each deleted one
# to three requests later through either end. A delete may hit the other
# worker's pair of the same name, or find nothing: every pair made is
# deleted once, by one of the workers or by the final sweep.
churn_batch() {
	local n=$1 ns=$2 i a b pns q=()
	for ((i = 0; i < n; i++)); do
		a=vrk$((RANDOM % 10)) b=vrk$((RANDOM % 10)) pns=
		# A pair with itself costs a peer registered and unregistered:
		# one add in 50, not one in 10.
		[ $a = $b ] && ((RANDOM % 5)) && b=vrk$(((${a#vrk} + 1 + RANDOM % 9) % 10))
		((RANDOM % 4 == 0)) && pns=" netns $ns"
		echo "link add $a type $K peer name $b$pns"
		# Peers in the other namespace are deleted through the first end.
		if [ -n "$pns" ] || ((RANDOM % 2)); then q+=("$a"); else q+=("$b"); fi
		while [ ${#q[@]} -gt $((RANDOM % 3)) ]; do
			echo "link del ${q[0]}"
			q=("${q[@]:1}")
		done
	done
	for a in "${q[@]}"; do echo "link del $a"; done
}

# Run a batch; writes "adds-ok dels-ok" to $2, and ip's messages other
# than EEXIST and ENODEV to $3 (a request that never returns fails the
# workload through the time bound, rather than hanging the run).
churn_run() {
	local batch=$1 out=$2 errs=$3 lines l adds=0 dels=0 fa=0 fd=0
	mapfile -t lines <"$batch"
	batch_run "$batch" $((60 + 3 * ${#lines[@]}))
	[ $? -eq 124 ] && echo "ip -batch timed out after $((60 + 3 * ${#lines[@]})) s (a request never returned?)" >>"$errs"
	for l in "${!lines[@]}"; do
		case ${lines[l]} in
		"link add"*)
			adds=$((adds + 1))
			[[ $BATCH_FAILED == *" $((l + 1)) "* ]] && fa=$((fa + 1)) ;;
		*)
			dels=$((dels + 1))
			[[ $BATCH_FAILED == *" $((l + 1)) "* ]] && fd=$((fd + 1)) ;;
		esac
	done
	# Messages, one per failed line.
	while IFS= read -r l; do
		case $l in
		"" | *"File exists" | *"Cannot find device"* | *"No such device") ;;
		*) echo "$l" >>"$errs" ;;
		esac
	done <<<"${BATCH_MSG//; /$'\n'}"
	echo "$((adds - fa)) $((dels - fd)) $((fa))" >"$out"
}

# Rounds of CHURN_ROUND requests per worker until CHURN_PAIRS pairs are
# made, within CHURN_SECS (a bound that only a stuck or far too slow
# driver reaches: the workload then fails); one reader dumps the links
# (with details) every tenth request meanwhile.
churn() {
	local w made=0 gone=0 taken=0 m g f swept=0 left=0 i dumps=0 other= failed
	local sent=0 n=$CHURN_ROUND rounds=0 end=$((SECONDS + CHURN_SECS))
	begin
	modprobe_off
	ns_add NSC
	: >"$WORK/errs"
	# (A request limit too, so that a run making no pairs ends early.)
	while [ $made -lt "$CHURN_PAIRS" ] && [ $SECONDS -lt $end ] &&
		[ $sent -lt $((10 * CHURN_PAIRS)) ]; do
		for w in 1 2; do
			churn_batch "$n" "$NSC" >"$WORK/b$w"
		done
		: >"$WORK/dumps"
		for ((i = 0; i < (n + 9) / 10; i++)); do echo "link show type $K"; done >"$WORK/dumps"
		for w in 1 2; do
			churn_run "$WORK/b$w" "$WORK/w$w" "$WORK/errs" &
			BG_PIDS+=($!)
		done
		timeout $((60 + 3 * n)) ip -d -force -batch "$WORK/dumps" >/dev/null 2>&1 &
		BG_PIDS+=($!)
		wait "${BG_PIDS[@]}"
		[ $? -eq 124 ] && check_err 1 "the dumps timed out"
		BG_PIDS=()
		for w in 1 2; do
			read -r m g f <"$WORK/w$w" || { check_err 1 "worker $w gave no counts"; continue; }
			made=$((made + m)) gone=$((gone + g)) taken=$((taken + f))
		done
		sent=$((sent + 2 * n)) dumps=$((dumps + (n + 9) / 10)) rounds=$((rounds + 1))
		[ "$PROFILE" = full ] && echo "# churn: $sent requests, $made pairs made, $((SECONDS - T0)) s; $(kstats)"
	done
	# The final sweep, then nothing named vrk* may remain.
	for ((i = 0; i < 10; i++)); do echo "link del vrk$i"; done >"$WORK/sweep"
	batch_run "$WORK/sweep" 120
	failed=($BATCH_FAILED)
	swept=$((10 - ${#failed[@]}))
	link_names
	for i in "${LINKS[@]}"; do [[ $i == vrk* ]] && left=$((left + 1)); done
	link_names "$NSC"
	for i in "${LINKS[@]}"; do [[ $i == vrk* ]] && left=$((left + 1)); done
	[ -s "$WORK/errs" ] && other=$(sort "$WORK/errs" | uniq -c | head -10)
	[ -n "$other" ] && echo "$other" | sed 's/^/# churn: /'
	check_eq "$other" "" "errors other than EEXIST and ENODEV"
	check_eq $((gone + swept)) "$made" "pairs deleted by the workers and the sweep"
	[ "$taken" -gt 0 ]
	check_err $? "no request collided (names should)"
	[ "$made" -ge $((sent / 3)) ]
	check_err $? "only $made pairs made of $sent requests"
	check_eq "$left" 0 "vrk* devices left"
	[ "$made" -ge "$CHURN_PAIRS" ]
	check_err $? "only $made of $CHURN_PAIRS pairs made (in $sent requests, bound $CHURN_SECS s)"
	modprobe_restore
	PAIRS_CREATED=$((PAIRS_CREATED + made))
	PAIRS_DELETED=$((PAIRS_DELETED + gone + swept))
	finish "churn, 2 workers" "$sent requests in $rounds rounds, $made pairs made, $((gone + swept)) deleted, $taken refused (name taken), $dumps dumps"
}

# ---- faults under traffic

# Namespaces NSA and NSB joined by the pair vra (10.77.0.1) - vrb
# (10.77.0.2), both up, with the iperf3 server listening in NSB and a
# ping answered.
pair_setup() {
	NS_THEN="link add vra netns @NSA type $K peer name vrb netns @NSB" ns_add NSA NSB || return 1
	PAIRS_CREATED=$((PAIRS_CREATED + 1))
	PAIR_LIVE=1 PKT_BASE=0
	addr_up "$NSA" vra 10.77.0.1/24 || return 1
	addr_up "$NSB" vrb 10.77.0.2/24 || return 1
	bg_ns "$NSB" iperf3 -s -1 >/dev/null 2>&1
	SERVER_PID=${BG_PIDS[-1]}
	in_ns "$NSA" ping -c 1 -w 30 10.77.0.2 >/dev/null
}

# The pair of the workload before, if it left it (see pair_keep), with
# the iperf3 server started again; else a new one.
pair_get() {
	if [ -n "${PAIR_LIVE:-}" ] && [ ${#NS_LIST[@]} -gt 0 ]; then
		echo "# stress: the pair of the workload before, again"
		pair_packets
		PKT_BASE=$PKTS
		bg_ns "$NSB" iperf3 -s -1 >/dev/null 2>&1
		SERVER_PID=${BG_PIDS[-1]}
		in_ns "$NSA" ping -c 1 -w 30 10.77.0.2 >/dev/null
	else
		ns_del_all
		pair_setup
	fi
}

# Whether the workload after this one (in ALL_TESTS) takes the pair over:
# then finish leaves the pair and its namespaces (not the traffic) to it.
pair_keep() {
	local t prev=
	for t in $ALL_TESTS; do
		if [ "$prev" = "${FUNCNAME[1]}" ]; then
			case $t in fault_move | fault_peer_del) return 0 ;; esac
			return 1
		fi
		prev=$t
	done
	return 1
}

# iperf3 both ways and a ping flood from NSA, for at most $1 seconds;
# stopped by bg_stop.
traffic_start() {
	local secs=$1
	bg_ns "$NSA" iperf3 -c 10.77.0.2 --bidir -t "$secs" --connect-timeout 20000 >/dev/null 2>&1
	bg_ns "$NSA" ping -f -q -w "$secs" 10.77.0.2 >/dev/null 2>&1
	# Programs start slowly in a loaded VM: the fault waits until the
	# traffic is there (100 more packets through vra, up to 60 s).
	pair_packets
	TRAFFIC_BASE=$PKTS
	poll 'pair_packets; [ $((PKTS - TRAFFIC_BASE)) -ge 100 ]' 60
	check_err $? "no traffic 60 s after starting it"
}

# Packets vra has sent and received (so both ends' traffic), into PKTS.
pair_packets() {
	local out
	PKTS=0
	out=$(ip -n "$NSA" -o -s link show vra 2>/dev/null)
	[[ $out =~ RX:[^\\]*\\\ +[0-9]+\ +([0-9]+).*TX:[^\\]*\\\ +[0-9]+\ +([0-9]+) ]] &&
		PKTS=$((BASH_REMATCH[1] + BASH_REMATCH[2]))
}

# Packets until the fault, into FAULT_P (and the summary); traffic must
# have flowed.
fault_packets() {
	pair_packets
	FAULT_P=$((PKTS - PKT_BASE))
	[ "$FAULT_P" -ge 100 ] || check_err 1 "only $FAULT_P packets before the fault: no traffic"
	PACKETS=$((PACKETS + FAULT_P))
}

fault_netns_del() {
	local p
	begin
	pair_setup || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS * 3))
	nap "$TRAFFIC_SECS"
	fault_packets
	p=$FAULT_P
	# The iperf3 server holds NSB: deleting its name and then ending the
	# server frees the namespace while NSA still floods.
	ip netns del "$NSB"
	kill "$SERVER_PID" 2>/dev/null
	poll '! ip -n "$NSA" link show vra >/dev/null 2>&1' 90 1
	check_err $? "vra still exists 90 s after its peer's namespace was deleted"
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	nap 1 # the flood goes on against nothing
	finish "delete the namespace of one end under traffic" "$p packets"
}

fault_peer_del() {
	local p
	begin
	pair_get || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS * 3))
	nap "$TRAFFIC_SECS"
	fault_packets
	p=$FAULT_P
	ip -n "$NSB" link del vrb
	check_err $? "deleting vrb under traffic failed"
	ip -n "$NSA" link show vra >/dev/null 2>&1
	check_fail $? "vra survived the deletion of vrb"
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	nap 1
	finish "delete the peer under traffic" "$p packets"
}

# Move either end to NSC and back, again and again, while traffic runs;
# the other end must report the new link namespace, and the pair must work
# once back in place.
fault_move() {
	local i dev ns ip_addr out
	begin
	pair_get || check_err 1 "pair setup failed"
	ns_add NSC
	traffic_start $((TRAFFIC_SECS + MOVE_ROUNDS * 12))
	nap "$TRAFFIC_SECS"
	fault_packets
	for ((i = 0; i < MOVE_ROUNDS; i++)); do
		if ((i % 2)); then
			dev=vra ns=$NSA ip_addr=10.77.0.1/24
		else
			dev=vrb ns=$NSB ip_addr=10.77.0.2/24
		fi
		ip -n "$ns" link set "$dev" netns "$NSC"
		check_err $? "round $i: moving $dev to NSC failed"
		if [ $dev = vrb ]; then
			out=$(ip -n "$NSA" -d link show vra)
			[[ $out =~ link-netns\ ([^ ]+) ]]
			check_eq "${BASH_REMATCH[1]}" "$NSC" "round $i: link-netns of vra"
		fi
		ip -n "$NSC" link set "$dev" netns "$ns"
		check_err $? "round $i: moving $dev back failed"
		addr_up "$ns" "$dev" "$ip_addr"
		check_err $? "round $i: $dev not configured again"
	done
	poll 'in_ns "$NSA" ping -c 1 -W 2 10.77.0.2 >/dev/null' 30
	check_err $? "no ping across the pair after the moves"
	pair_packets
	[ "$RET" -eq 0 ] && pair_keep && KEEP_PAIR=1 || PAIRS_DELETED=$((PAIRS_DELETED + 1))
	finish "move either end to another namespace under traffic" "$MOVE_ROUNDS moves, $FAULT_P packets before, $((PKTS - PKT_BASE)) after"
}

# The flaps of one end, for a batch in its namespace: MTU through its
# range (and past the peer's), down and up, and MTU 67 (refused) every
# round; MTU67_LINES gets the numbers of the lines that must fail.
flap_batch() {
	local dev=$1 n=$2 i l=0 mtus=(68 1280 9000 65535 576 1500 1499)
	MTU67_LINES=" "
	for ((i = 0; i < n; i++)); do
		echo "link set $dev mtu ${mtus[RANDOM % ${#mtus[@]}]}"
		l=$((l + 1))
		if ((RANDOM % 3 == 0)); then
			echo "link set $dev down"
			echo "link set $dev up"
			l=$((l + 2))
		fi
		echo "link set $dev mtu 67"
		l=$((l + 1))
		MTU67_LINES+="$l "
	done
}

# MTU and up/down flaps of both ends at once (each end by its own ip run),
# under traffic; afterwards the pair must carry traffic again.
fault_flap() {
	local p dev ns half=$((FLAP_ROUNDS / 2)) want
	begin
	pair_get || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS * 2 + FLAP_ROUNDS))
	nap "$TRAFFIC_SECS"
	for dev in vra vrb; do
		flap_batch $dev $half >"$WORK/flap-$dev"
		echo "$MTU67_LINES" >"$WORK/flap-$dev.want"
	done
	for dev in vra vrb; do
		[ $dev = vra ] && ns=$NSA || ns=$NSB
		(
			batch_run "$WORK/flap-$dev" $((60 + 3 * FLAP_ROUNDS)) -n "$ns"
			echo "$BATCH_FAILED" >"$WORK/flap-$dev.got"
		) &
		BG_PIDS+=($!)
	done
	wait "${BG_PIDS[-1]}" "${BG_PIDS[-2]}"
	for dev in vra vrb; do
		want=$(<"$WORK/flap-$dev.want")
		check_eq "$(<"$WORK/flap-$dev.got")" "$want" "$dev: failed lines of the flap batch (MTU 67 must fail, the rest pass)"
	done
	fault_packets
	p=$FAULT_P
	ip -n "$NSA" link set vra mtu 1500 up
	ip -n "$NSB" link set vrb mtu 1500 up
	# Carrier 1 in sysfs is LOWER_UP in ip's flags (both: running and
	# netif_carrier_ok), without `ip netns exec` and cat.
	poll '[[ $(ip -n "$NSA" link show vra) == *LOWER_UP* ]]' 20
	check_err $? "no carrier on vra after the flaps"
	poll 'in_ns "$NSA" ping -c 1 -W 2 10.77.0.2 >/dev/null' 30
	check_err $? "no ping across the pair after the flaps"
	[ "$RET" -eq 0 ] && pair_keep && KEEP_PAIR=1 || PAIRS_DELETED=$((PAIRS_DELETED + 1))
	finish "flap MTU and up/down under traffic" "$FLAP_ROUNDS rounds over both ends, $p packets"
}

# rmmod with RMMOD_PAIRS live pairs (one carrying traffic, the others up,
# in three namespaces); all of them go, and the module loads again.
fault_rmmod() {
	local i p n
	begin
	if [ "$K" != veth_rs ]; then
		log_skip "stress: rmmod with live pairs" "STRESS_KIND=$K"
		return
	fi
	pair_setup || check_err 1 "pair setup failed"
	for ((i = 1; i < RMMOD_PAIRS; i++)); do
		case $((i % 3)) in
		0) echo "link add vrm$i type veth_rs peer name vrM$i netns $NSB" ;;
		1) echo "link add vrm$i netns $NSA type veth_rs peer name vrM$i" ;;
		2) echo "link add vrm$i type veth_rs peer name vrM$i" ;;
		esac
		[ $((i % 3)) -ne 1 ] && echo "link set vrm$i up"
	done >"$WORK/rmmod"
	batch_run "$WORK/rmmod" $((60 + 2 * RMMOD_PAIRS))
	check_eq "$BATCH_MSG" "" "errors making the pairs"
	count_kind_all
	n=$KC
	check_eq "$n" $((RMMOD_PAIRS * 2)) "veth_rs devices before rmmod"
	PAIRS_CREATED=$((PAIRS_CREATED + n / 2 - 1))
	traffic_start $((TRAFFIC_SECS * 3))
	nap "$TRAFFIC_SECS"
	fault_packets
	p=$FAULT_P
	rmmod veth_rs
	check_err $? "rmmod veth_rs with $n live devices failed"
	count_kind_all
	check_eq "$KC" 0 "veth_rs devices after rmmod"
	PAIRS_DELETED=$((PAIRS_DELETED + n / 2))
	require_veth_rs
	check_err $? "reloading veth_rs failed"
	finish "rmmod veth_rs with $RMMOD_PAIRS live pairs under traffic" "$n devices, $p packets"
}

# ---- netlink fuzzing

# The fuzzer runs in NSF; NSG is the other namespace its requests may
# name (by fd, by the pid of a process in it, and by nsid 7 in NSF).
fuzz() {
	local before after out rc res=() holder l seed n left_g
	begin
	ns_add NSF NSG
	bg_ns "$NSG" sleep 3600
	holder=${BG_PIDS[-1]}
	ip -n "$NSF" netns set "$NSG" 7
	link_names
	before="${LINKS[*]}"
	# -S: no site module (no site-packages scan: starting python is slow
	# in the VM); the fuzzer needs only the standard library.
	out=$(in_ns "$NSF" python3 -S "$TESTS_DIR/fuzz.py" --kind "$K" \
		--count "$FUZZ_COUNT" --max-seconds "$FUZZ_SECS" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
		--netns "/run/netns/$NSG" --pid "$holder" --nsid 7 2>&1)
	rc=$?
	while IFS= read -r l; do
		case $l in
		fuzz-result*) res=$l ;;
		"#"*) echo "$l" ;;
		*) echo "# $l" ;;
		esac
	done <<<"$out"
	check_err $rc "fuzz.py failed (exit $rc)"
	[ -n "$res" ] || check_err 1 "fuzz.py printed no result"
	echo "# $res"
	[[ $res =~ seed=([0-9]+) ]] && seed=${BASH_REMATCH[1]}
	[[ $res =~ \ sent=([0-9]+) ]] && n=${BASH_REMATCH[1]}
	[[ $res =~ errno=([^ ]*) ]] && FUZZ_HIST=${BASH_REMATCH[1]}
	[[ $res =~ noreply=([0-9]+) ]]
	check_eq "${BASH_REMATCH[1]}" 0 "requests without an answer"
	FUZZ_SEEDS="$FUZZ_SEEDS${FUZZ_SEEDS:+,}$seed"
	FUZZ_SENT=$((FUZZ_SENT + ${n:-0}))
	link_names "$NSG"
	left_g=$((${#LINKS[@]} - 1))
	link_names
	after="${LINKS[*]}"
	check_eq "$after" "$before" "devices of the init namespace after fuzzing"
	finish "netlink fuzzer" "${n:-0} requests, seed $seed, $left_g devices left in NSG for teardown"
}

# ---- privilege, compared with C veth

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# As nobody: make a pair; delete, change and move one made by root. Each
# must be refused, with the same answers as for veth.
priv_unprivileged() {
	local k res=() i out
	begin
	require_c_veth || { log_skip "stress: unprivileged user" "no veth.ko"; return; }
	ns_add NSP
	for k in veth "$K"; do
		ip link add vrpx type $k peer name vrpy
		check_err $? "$k: root could not make the pair"
		printf '%s\n' "link add vrpu0 type $k peer name vrpu1" "link del vrpx" \
			"link set vrpy mtu 1400" "link set vrpx netns $NSP" >"$WORK/nobody"
		BATCH_USER=nobody batch_run "$WORK/nobody" 120
		out=
		for i in 1 2 3 4; do batch_line $i; out+="$BL / "; done
		res+=("${out% / }")
		# The pair is still there (delete fails otherwise).
		ip link del vrpx
		check_err $? "$k: pair gone after the unprivileged requests"
	done
	echo "# unprivileged veth:    ${res[0]}"
	echo "# unprivileged $K: ${res[1]}"
	check_eq "${res[1]}" "${res[0]}" "$K vs veth, unprivileged add/del/set/move"
	case ${res[1]} in
	*OK*) check_err 1 "an unprivileged request succeeded: ${res[1]}" ;;
	esac
	finish "unprivileged user gets EPERM" "$K: ${res[1]}"
}

# In a user namespace (as nobody, mapped to root), the pair is made in the
# namespace's own netns, and with the peer in a child netns of it, but not
# with the peer in (or moved to) a netns of the init user namespace. One
# run of ip per kind, in the user namespace, with a child netns held by a
# sleep; BATCH lines: 1 own, 3 peer_foreign, 5 move_foreign, 6 peer_child.
userns_run() {
	local k=$1 script
	# Written by read and printf, not cat; the script's wait is nap's read
	# (NAP_FD is inherited), so bash runs it rather than sh: a process
	# less each.
	IFS= read -r -d '' script <<-EOF
		unshare -n sleep 60 &
		child=\$!
		read -r -t 1 -u $NAP_FD _
		ip -force -batch - 2>&1 >/dev/null <<-END
		link add vru0 type $k peer name vru1
		link del vru0
		link add vru2 type $k peer name vru3 netns $NSX
		link add vru4 type $k peer name vru5
		link set vru5 netns $NSX
		link add vru6 type $k peer name vru7 netns \$child
		END
		kill \$child
	EOF
	printf %s "$script" >"$WORK/userns-$k"
	as_nobody unshare -Urn bash "$WORK/userns-$k"
}

priv_userns() {
	local k out l msg r=() failed i names=(own del peer_foreign own2 move_foreign peer_child)
	begin
	require_c_veth || { log_skip "stress: user namespace" "no veth.ko"; return; }
	ns_add NSX
	chmod a+rx "$WORK"
	for k in veth "$K"; do
		out=$(userns_run $k)
		BATCH_FAILED=" " BATCH_MSG= msg=
		while IFS= read -r l; do
			if [[ $l =~ ^Command\ failed\ .*:([0-9]+)$ ]]; then
				BATCH_FAILED+="${BASH_REMATCH[1]} "
				BATCH_MSG+="${BASH_REMATCH[1]}: $msg; "
			elif [ -n "$l" ]; then
				msg=$l
			fi
		done <<<"$out"
		out=
		for i in 1 2 3 4 5 6; do batch_line $i; out+="${names[i - 1]}: $BL; "; done
		r+=("${out% }")
	done
	link_names "$NSX"
	check_eq "${LINKS[*]}" lo "devices that reached NSX"
	echo "# userns veth:   ${r[0]}"
	echo "# userns $K:${r[1]}"
	check_eq "${r[1]}" "${r[0]}" "$K vs veth in a user namespace"
	case ${r[1]} in
	"own: OK; del: OK; peer_foreign: RTNETLINK answers: Operation not permitted; own2: OK; move_foreign: RTNETLINK answers: Operation not permitted; peer_child: OK;") ;;
	*) check_err 1 "unexpected results: ${r[1]}" ;;
	esac
	finish "user namespace: own netns yes, foreign netns EPERM, as veth" "6 requests x 2 kinds"
}

datapath_faults() {
	log_skip "stress: XDP attach/detach, GRO and channel changes under traffic" \
		"covered by tests/xdp.sh (xdp_changes_under_traffic), not repeated here"
}

# ---- the end

# Namespaces not yet freed: each namespace a workload makes gets an nsid
# in the init namespace (ns_add), and the kernel drops that nsid only when
# it dismantles the namespace (cleanup_net), so an nsid that stays after
# `ip netns del` is a leaked namespace.
netns_count() {
	local out
	out=$(ip netns list-id)
	out=${out//nsid/$'\x01'}
	out=${out//[!$'\x01']/}
	NSC_COUNT=${#out}
}

netns_settled() {
	netns_count
	[ "$NSC_COUNT" -le "$NETNS_BASE" ]
}

no_leaks() {
	local out
	begin
	kind_count
	check_eq "$KC" 0 "$K devices in the init namespace"
	out=$(ip netns list)
	# Its own (other scripts may run beside it, see tests/run.sh).
	[[ $out =~ -$$-[0-9]+ ]] && check_err 1 "namespaces of this script still named in /run/netns: $out"
	# The kernel dismantles deleted namespaces in the background, slowly
	# under TCG and KASAN: wait for all of them here, once. Under the
	# runner (VETH_RS_DEFERRED set), the wait goes to the end of the run,
	# while the next scripts work: tests/run.sh then waits up to 300 s for
	# the count to fall back to what it was before this script began, and
	# reports it as a result of its own; so here it looks once.
	if [ -n "${VETH_RS_DEFERRED:-}" ] && ! netns_settled; then
		echo "$NETNS_BASE" >"$VETH_RS_DEFERRED/${VETH_RS_PART:-stress}.netns"
		echo "# $((NSC_COUNT - NETNS_BASE)) namespaces still being dismantled: checked at the end of the run"
	elif ! poll netns_settled 300 2; then
		LEAKS=$((LEAKS + NSC_COUNT - NETNS_BASE))
		check_err 1 "$((NSC_COUNT - NETNS_BASE)) network namespaces not freed 300 s after their deletion"
	fi
	finish "no leaked devices or namespaces" "netns count $NSC_COUNT (at start $NETNS_BASE), splats $SPLATS, leaks $LEAKS"
}

if [ "$K" = veth_rs ]; then
	require_veth_rs || exit $ksft_skip
fi
netns_count
NETNS_BASE=$NSC_COUNT
echo "# stress: profile $PROFILE"
START=$SECONDS
tests_run
# With STRESS_FIGURES (a file), the figures add up over the parts of a run
# (tests/stress-parts/*.sh), and the summary gives the totals so far.
if [ -n "${STRESS_FIGURES:-}" ]; then
	echo "$PAIRS_CREATED $PAIRS_DELETED $PACKETS $FUZZ_SENT $SPLATS $LEAKS $((SECONDS - START)) ${FUZZ_SEEDS:--} $FUZZ_HIST" >>"$STRESS_FIGURES"
	# Summed by bash (no awk): the first 7 fields, the seeds joined, the
	# last histogram.
	sums=(0 0 0 0 0 0 0) seeds= hist=
	while read -r -a f; do
		for i in 0 1 2 3 4 5 6; do sums[i]=$((sums[i] + ${f[i]:-0})); done
		[ "${f[7]}" != - ] && seeds+="${seeds:+,}${f[7]}"
		[ "${f[8]}" != - ] && hist=${f[8]}
	done <"$STRESS_FIGURES"
	read -r PAIRS_CREATED PAIRS_DELETED PACKETS FUZZ_SENT SPLATS LEAKS secs <<<"${sums[*]}"
	FUZZ_SEEDS=${seeds:--} FUZZ_HIST=${hist:--}
	START=$((SECONDS - secs))
fi
echo "# stress summary ($PROFILE, $((SECONDS - START)) s): pairs created $PAIRS_CREATED, deleted $PAIRS_DELETED;" \
	"packets sent before faults $PACKETS; fuzz requests $FUZZ_SENT (seed ${FUZZ_SEEDS:--}), errno $FUZZ_HIST;" \
	"splats $SPLATS, leaks $LEAKS"
