#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Systematic fault injection of the control path (issue 15): for each
# control operation, the N-th injectable allocation inside that one
# netlink request, ethtool ioctl or delete_module call fails, for N = 1,
# 2, ... until the call reaches no fault (tests/faults.py does the loops
# and checks). Against C veth and veth_rs in turn, on identical set-ups:
# one result per operation, which fails when either driver left a
# half-made or changed state after a failed attempt, made an incomplete
# result on success, or stopped carrying traffic, and when the answer of
# the attempt that reached no fault differs between the drivers. Then
# the XDP programs are freed, and (at the end of the runner) kmemleak,
# the kernel log and the namespaces' release are checked.
#   FAULTS_PROFILE=short (make check: three points of each operation of
#   veth_rs, the first, the middle and the last; C veth's points are only
#   counted) | full (make stress: every
#   point of both)
#   FAULTS_OPS="newlink mtu" runs some operations only.
# make-check: cpus=2 seconds=50 initns=all alone=rmmod (its pairs have one end in the init namespace; rmmod unloads veth_rs)
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

case ${FAULTS_PROFILE:-short} in
short) MODE=(--sample --count-only veth) ;;
full) MODE=() ;;
*) echo "FAULTS_PROFILE must be short or full" >&2; exit 1 ;;
esac
OPS="newlink newlink_peer newlink_netns dellink open stop mtu mac gro_on gro_off
	channels_up channels_down channels_up_gro channels_down_gro channels_up_xdp
	channels_down_xdp xdp_attach xdp_replace xdp_detach xdp_attach_down
	xdp_replace_down xdp_detach_down move rmmod"
OPS=${FAULTS_OPS:-$OPS}
# The runner's TESTS and TESTS_EXCEPT (tests/run.sh: parts of a script)
# name operations here: the script's one case runs those.
if [ -n "${TESTS:-}${TESTS_EXCEPT:-}" ]; then
	sel=
	for op in $OPS; do
		[ -n "${TESTS:-}" ] && [[ " $TESTS " != *" $op "* ]] && continue
		[[ " ${TESTS_EXCEPT:-} " == *" $op "* ]] && continue
		sel+="$op "
	done
	OPS=$sel
	unset TESTS TESTS_EXCEPT
fi

faults_cleanup() {
	del_links_of_kind veth_rs veth
	rm -rf "$WORK"
}
CLEANUP_HOOK=faults_cleanup

# The lines of ip netns list-id with nsid in them (grep -c by the shell).
nsids() {
	local l n=0
	while IFS= read -r l; do
		[[ $l == *nsid* ]] && n=$((n + 1))
	done < <(ip netns list-id)
	echo "$n"
}

# The answers of one operation: "KIND POINTS TRIED ANSWERS FINAL PROBLEMS"
# lines of faults.py, compared.
faults_run() {
	local op kind points tried answers final problems secs line o k rest
	local opl ops err=() n freed=
	declare -A fin res
	# The operations comma-separated (echo $OPS | tr ' ' , by the shell).
	opl=($OPS)
	printf -v ops '%s,' "${opl[@]}"
	python3 "$TESTS_DIR/faults.py" --kinds veth,veth_rs --ns "$NSF" --ns2 "$NSM" \
		"${MODE[@]}" --ops "${ops%,}" >"$WORK/out" 2>"$WORK/err"
	echo "# faults.py exited $?"
	# The last 20 lines of its stderr, each as a comment (sed | tail).
	mapfile -t err <"$WORK/err"
	n=${#err[@]}
	((n > 20)) && err=("${err[@]:n-20}")
	[ ${#err[@]} -eq 0 ] || printf '# %s\n' "${err[@]}"
	# The result lines, read once (no process per operation and kind),
	# with the second field of xdp_progs_freed's (awk -F'\t').
	while IFS=$'\t' read -r o k rest; do
		res[$o/$k]=$rest
		[ "$o" = xdp_progs_freed ] && freed+=${freed:+$'\n'}$k
	done <"$WORK/out"
	for op in $OPS; do
		RET=0
		line="faults: $op:"
		for kind in veth veth_rs; do
			IFS=$'\t' read -r points tried answers final problems secs <<<"${res[$op/$kind]:-}"
			if [ -z "$points" ]; then
				check_err 1 "no result for $kind"
				continue
			fi
			echo "# $op $kind: $points fault points, $tried attempts ($answers), without fault: $final, ${secs}s"
			[ "$problems" = - ] || check_err 1 "$kind: $problems"
			[ "$points" = "?" ] && check_err 1 "$kind: no count of fault points"
			fin[$kind]=$final
			line+=" $kind $points points ($answers) -> $final;"
		done
		check_eq "${fin[veth_rs]:-}" "${fin[veth]:-}" "answer without fault, veth_rs vs veth"
		log_test "${line%;}"
	done
	RET=0
	check_eq "$freed" - \
		"XDP programs still alive after their last reference was closed"
	log_test "${VETH_RS_PART:-faults}: every XDP program freed once detached and closed"
}

require_veth_rs || exit $ksft_skip
require_c_veth || exit $ksft_skip
[ -w /proc/thread-self/fail-nth ] && [ -d /sys/kernel/debug/failslab ] || {
	log_skip "faults" "the kernel has no fault injection (debug flavour only)"
	exit 0
}
WORK=$(mktemp -d)
NSBASE=$(nsids)
setup_ns NSF NSM
ALL_TESTS=faults_run
tests_run
# The namespaces' release is checked at the end of the run (as stress.sh's).
cleanup_ns
[ -n "${VETH_RS_DEFERRED:-}" ] && echo "$NSBASE" >"$VETH_RS_DEFERRED/${VETH_RS_PART:-faults}.netns"
