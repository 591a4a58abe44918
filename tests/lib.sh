#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper library of the veth_rs tests, in the shape of the kernel's
# tools/testing/selftests/net/lib.sh (written for this project).
#
# A test script sets ALL_TESTS, defines one function per case, sources this
# file and calls `tests_run`. Each case sets RET with check_err/check_fail
# and ends with log_test. Results go to $VETH_RS_RESULTS (one line per case:
# "ok|not ok|skip<TAB>name<TAB>reason") for tests/run.sh; a script run on
# its own prints KTAP for its cases at exit.

ksft_skip=4
RET=0
retmsg=
TESTS_DIR=${BASH_SOURCE[0]%/*}
[ "$TESTS_DIR" != "${BASH_SOURCE[0]}" ] || TESTS_DIR=.
TESTS_DIR=$(cd "$TESTS_DIR" && pwd)
VETH_RS_TOP=${VETH_RS_TOP:-$(cd "$TESTS_DIR/.." && pwd)}
KIND=${KIND:-veth_rs}
NL="python3 $TESTS_DIR/nl.py"

if [ -z "${VETH_RS_RESULTS:-}" ]; then
	VETH_RS_RESULTS=$(mktemp)
	VETH_RS_STANDALONE=1
fi

NS_LIST=()

# Make a network namespace with a unique name; its name goes into the
# variable named $1. Removed at exit.
setup_ns() {
	local var name batch=
	for var in "$@"; do
		name="$var-$$-$RANDOM"
		# Listed before they exist, so that cleanup_ns takes whatever a
		# failed batch made.
		NS_LIST+=("$name")
		batch+="netns add $name"$'\n'
		printf -v "$var" '%s' "$name"
	done
	# One ip run for all of them: a process start is the unit of the
	# debug guest's time (README, "Machine time").
	ip -b - <<<"$batch" || return 1
	for var in "$@"; do
		ip -n "${!var}" link set lo up || return 1
	done
}

cleanup_ns() {
	local batch
	[ ${#NS_LIST[@]} -gt 0 ] || return 0
	printf -v batch 'netns del %s\n' "${NS_LIST[@]}"
	ip -force -b - <<<"$batch" >/dev/null 2>&1
	NS_LIST=()
}

# addr_up NS DEV ADDR...: the addresses on DEV of namespace NS, then DEV
# up, in one ip run (an address may carry options: "fd00::2/64 nodad").
addr_up() {
	local ns=$1 dev=$2 batch= a
	shift 2
	for a in "$@"; do
		batch+="addr add ${a%% *} dev $dev ${a#"${a%% *}"}"$'\n'
	done
	ip -n "$ns" -b - <<<"${batch}link set $dev up"
}

# pair_up KIND QUEUES NS0 DEV0 ADDR0 NS1 DEV1 ADDR1: a pair of KIND with
# QUEUES tx and rx queues on each end ("-": the driver's default), DEV0 in
# NS0 and DEV1 in NS1, each addressed and up, ARP resolved by a first ping.
pair_up() {
	local q=()
	[ "$2" = - ] || q=(numtxqueues "$2" numrxqueues "$2")
	ip link add "$4" "${q[@]}" netns "$3" type "$1" \
		peer name "$7" "${q[@]}" netns "$6" || return 1
	addr_up "$3" "$4" "$5"
	addr_up "$6" "$7" "$8"
	wait_for "in_ns $3 ping -c1 -W1 ${8%/*} >/dev/null" 10
}

# Remove every device of the given kinds in the init namespace.
del_links_of_kind() {
	local kind dev
	for kind in "$@"; do
		# Select by kind in jq: for a kind that is not registered, the
		# kernel's 'type' filter would match every device.
		for dev in $(ip -j -d link show 2>/dev/null |
			jq -r --arg k "$kind" '.[] | select(.linkinfo.info_kind == $k) | .ifname'); do
			ip link del "$dev" 2>/dev/null
		done
	done
}

# Whether module $1 is loaded (/proc/modules read by the shell).
module_loaded() {
	local name rest
	while read -r name rest; do
		[ "$name" = "$1" ] && return 0
	done </proc/modules
	return 1
}

# Load veth_rs (kind veth_rs) unless it is loaded already.
require_veth_rs() {
	if ! module_loaded veth_rs; then
		modprobe veth_rs 2>/dev/null || insmod "$VETH_RS_TOP/veth_rs.ko" || return $ksft_skip
	fi
	[ "$(</sys/module/veth_rs/parameters/kind)" = "$KIND" ] || return $ksft_skip
}

# Load the C veth driver, for side-by-side comparisons.
require_c_veth() {
	module_loaded veth || modprobe veth || return $ksft_skip
}

check_err() {
	local err=$1 msg=$2
	if [ "$RET" -eq 0 ] && [ "$err" -ne 0 ]; then
		RET=$err
		retmsg=$msg
	fi
}

check_fail() {
	local err=$1 msg=$2
	if [ "$RET" -eq 0 ] && [ "$err" -eq 0 ]; then
		RET=1
		retmsg=$msg
	fi
}

# check_eq ACTUAL EXPECTED WHAT
check_eq() {
	if [ "$1" != "$2" ]; then
		check_err 1 "$3: got '$1', expected '$2'"
	fi
}

# check_ge VALUE MIN WHAT: VALUE is a number of at least MIN (the value
# read once, for both the check and the message).
check_ge() {
	if ! [ "${1:-x}" -ge "$2" ] 2>/dev/null; then
		check_err 1 "$3: got '$1', expected at least $2"
	fi
}

log_test() {
	local name=$1 status
	if [ "$RET" -eq 0 ]; then
		status=ok
		printf '# [ OK ] %s\n' "$name"
	elif [ "$RET" -eq "$ksft_skip" ]; then
		status=skip
		printf '# [SKIP] %s: %s\n' "$name" "$retmsg"
	else
		status="not ok"
		printf '# [FAIL] %s: %s\n' "$name" "$retmsg"
	fi
	printf '%s\t%s\t%s\n' "$status" "$name" "$retmsg" >>"$VETH_RS_RESULTS"
	RET=0
	retmsg=
}

log_skip() {
	RET=$ksft_skip
	retmsg=$2
	log_test "$1"
}

# Print KTAP for the lines of a results file; returns 1 if any failed.
ktap_print() {
	local file=$1 n=0 fail=0 status name reason
	echo "TAP version 13"
	echo "1..$(wc -l <"$file")"
	while IFS=$'\t' read -r status name reason; do
		n=$((n + 1))
		case $status in
		ok) echo "ok $n $name" ;;
		skip) echo "ok $n $name # SKIP $reason" ;;
		*) echo "not ok $n $name"; [ -n "$reason" ] && echo "# $reason"; fail=1 ;;
		esac
	done <"$file"
	return $fail
}

ktap_summary() {
	local file=$1 pass fail skip
	pass=$(grep -c '^ok	' "$file")
	fail=$(grep -c '^not ok	' "$file")
	skip=$(grep -c '^skip	' "$file")
	echo "$pass passed, $fail failed, $skip skipped"
}

tests_cleanup() {
	cleanup_ns
	[ -n "${CLEANUP_HOOK:-}" ] && $CLEANUP_HOOK
	if [ -n "${VETH_RS_STANDALONE:-}" ]; then
		ktap_print "$VETH_RS_RESULTS"
		ktap_summary "$VETH_RS_RESULTS"
		rm -f "$VETH_RS_RESULTS"
	fi
}

# Processes (and threads) made since boot in the whole guest (/proc/stat):
# a script's count includes its $(proc_forks) subshells and, with
# VETH_RS_STREAMS=2, the other stream's processes.
proc_forks() {
	local k v
	while read -r k v; do
		[ "$k" = processes ] && { echo "$v"; return; }
	done </proc/stat
}

tests_run() {
	local t start forks
	trap tests_cleanup EXIT
	# TESTS="a b" runs only those cases (as the kernel's selftests);
	# TESTS_EXCEPT="c d" leaves those out (make check's lanes split a
	# script so).
	for t in ${TESTS:-$ALL_TESTS}; do
		[[ " ${TESTS_EXCEPT:-} " == *" $t "* ]] && continue
		RET=0
		retmsg=
		start=$SECONDS forks=$(proc_forks)
		$t
		echo "# time of $t: $((SECONDS - start)) s, $(($(proc_forks) - forks)) processes"
	done
}

# nap SECONDS: a sleep without a process (sleep(1) is one, ~0.1 s of the
# debug guest): a read with a timeout from a pipe that this shell holds
# open for writing too, so nothing ever arrives.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

# Wait up to $2 seconds (default 5) for command $1 to succeed.
wait_for() {
	local i tries=$(( ${2:-5} * 10 ))
	for ((i = 0; i < tries; i++)); do
		eval "$1" && return 0
		nap 0.1
	done
	return 1
}

# Kernel log lines on stdin without KCSAN's data-race reports, in a KCSAN
# run (VETH_RS_KCSAN=1): tests/run.sh sorts those (kcsan_results).
kcsan_strip() {
	if [ "${VETH_RS_KCSAN:-0}" = 1 ]; then
		awk '/BUG: KCSAN:/ { on = 1 } on { if (/=====/) on = 0; next } { print }'
	else
		cat
	fi
}

# Counters of a device, named as in /sys/class/net/DEV/statistics, on one
# line from one ip run (the same dev_get_stats as sysfs; reading sysfs in
# NS takes `ip netns exec` and cat, two processes and a sysfs mount):
#   read -r rx tx < <(link_stat NS DEV rx_packets tx_packets)
link_stat() {
	local json name re out=
	json=$(ip -n "$1" -s -j link show dev "$2") || return 1
	for name in "${@:3}"; do
		re="\"${name%%_*}\":\\{[^}]*\"${name#*_}\":([0-9]+)"
		[[ $json =~ $re ]] || return 1
		out+=" ${BASH_REMATCH[1]}"
	done
	echo "${out# }"
}

# in_ns NS CMD...: CMD in the network namespace NS, by nsenter: one
# process less than `ip netns exec` and no mount namespace with its own
# sysfs (~0.1 s of the debug guest each), so only for commands that do
# not read /sys/class/net (sockets, netlink, ioctls and /proc/net follow
# the network namespace by themselves).
in_ns() {
	nsenter --net="/run/netns/$1" -- "${@:2}"
}

# Whether a file system is mounted on $1: mountpoint -q without its
# process (the mount table read by the shell).
is_mounted() {
	local src dir rest
	while read -r src dir rest; do
		[ "$dir" = "$1" ] && return 0
	done </proc/self/mounts
	return 1
}

# iperf3_listening NS: whether a TCP socket listens on port 5201 in NS.
iperf3_listening() {
	[[ $(in_ns "$1" ss -ltn) == *:5201* ]]
}
