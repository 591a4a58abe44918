#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own selftest tools/testing/selftests/net/veth.sh, run
# unmodified from the source tree of the running kernel (helpers built by
# qemu/upstream.sh), against veth_rs in drop-in mode: loaded as kind "veth"
# with the C veth unloaded. Each of its checks becomes one result here.
# make-check: cpus=2 seconds=113 alone=all (veth.sh sizes its channel checks by the CPU count; veth_rs loaded as kind=veth)
ALL_TESTS="upstream_veth_sh"
. "$(dirname "$0")/lib.sh"

NET=${VETH_RS_KSRC:-/nonexistent}/tools/testing/selftests/net

restore_module() {
	grep -q '^veth_rs ' /proc/modules && rmmod veth_rs
}
CLEANUP_HOOK=restore_module

upstream_veth_sh() {
	local out=/tmp/veth_upstream.$$ rc line name status n=0
	if [ ! -x "$NET/veth.sh" ] || [ ! -f "$NET/lib/xdp_dummy.bpf.o" ] || [ ! -x "$NET/udpgso_bench_rx" ]; then
		log_skip "upstream veth.sh" "veth.sh or its helpers missing under $NET (qemu/upstream.sh builds them)"
		return
	fi
	grep -q '^veth ' /proc/modules && rmmod veth
	grep -q '^veth_rs ' /proc/modules && rmmod veth_rs
	if ! modprobe veth_rs kind=veth; then
		check_err 1 "cannot load veth_rs kind=veth"
		log_test "upstream veth.sh"
		return
	fi
	(cd "$NET" && timeout 900 ./veth.sh) >"$out" 2>&1
	rc=$?
	sed 's/^/# /' "$out"
	# Result lines: the check's name padded to 60 columns, then " ok " or
	# " fail ...".
	while IFS= read -r line; do
		case ${line:60} in
		" ok"*) status=0 ;;
		" fail"*) status=1 ;;
		*) continue ;;
		esac
		name=$(echo "${line:0:60}" | sed 's/[[:space:]]*$//; s/^[[:space:]]*//')
		n=$((n + 1))
		RET=0
		check_err $status "${line:60}"
		log_test "veth.sh: $(printf '%02d' $n) $name"
	done <"$out"
	RET=0
	[ $n -gt 0 ]
	check_err $? "no result lines (exit $rc)"
	check_eq "$rc" 0 "veth.sh exit status"
	log_test "upstream veth.sh: exit status"
	rm -f "$out"
	rmmod veth_rs
}

tests_run
