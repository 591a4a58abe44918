#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the typical operations of the tests cost in this VM, and where the
# time of the debug kernel goes: run inside the VM (any flavour), e.g.
#   qemu/vm -- bench/debugcost.sh [--perf] [--rounds N]
#   VETH_RS_APPEND="kmemleak=off" qemu/vm -- bench/debugcost.sh
# Prints one line per operation: its guest wall time per operation.
# --perf also records the whole run with perf (cpu-clock, all CPUs, call
# graphs) and prints the share of all busy samples spent under each debug
# option's own functions (inclusive: their stack walks count too).
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
rounds=10 perf=0
while [ $# -gt 0 ]; do
	case $1 in
	--perf) perf=1 ;;
	--rounds) rounds=$2; shift ;;
	*) echo "usage: $0 [--perf] [--rounds N]" >&2; exit 2 ;;
	esac
	shift
done
TMP=$(mktemp -d)
cleanup() {
	ip netns del dc0 2>/dev/null
	ip netns del dc1 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

now() { date +%s%N; }
# time_op NAME COUNT CMD...: run CMD (which performs COUNT operations),
# print ms per operation.
time_op() {
	local name=$1 n=$2 t0 t1
	shift 2
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	printf '%-28s %8.1f ms\n' "$name" "$(echo "($t1 - $t0) / 1000000 / $n" | bc -l)"
}

procs() { local i; for ((i = 0; i < rounds * 3; i++)); do /bin/true; done; }
netns() {
	local i
	for ((i = 0; i < rounds; i++)); do echo "netns add dcx$i"; done >"$TMP/nsa"
	for ((i = 0; i < rounds; i++)); do echo "netns del dcx$i"; done >"$TMP/nsd"
	ip -batch "$TMP/nsa" && ip -batch "$TMP/nsd"
}
pairs() {
	local kind=$1 i
	for ((i = 0; i < rounds; i++)); do echo "link add dc$i type $kind peer name dcp$i"; done >"$TMP/la"
	for ((i = 0; i < rounds; i++)); do echo "link del dc$i"; done >"$TMP/ld"
	ip -batch "$TMP/la" && ip -batch "$TMP/ld"
}
pairs_one_by_one() {
	local kind=$1 i
	for ((i = 0; i < rounds; i++)); do
		ip link add dc$i type "$kind" peer name dcp$i
		ip link del dc$i
	done
}
setup_pair() {
	ip netns add dc0 && ip netns add dc1
	ip -n dc0 link add dv0 type "$1" peer name dv1 netns dc1
	ip -n dc0 addr add 10.66.0.1/24 dev dv0
	ip -n dc1 addr add 10.66.0.2/24 dev dv1
	ip -n dc0 link set dv0 up
	ip -n dc1 link set dv1 up
	ip netns exec dc0 ping -c1 -W5 10.66.0.2 >/dev/null
}
pings() { ip netns exec dc0 ping -q -c $((rounds * 10)) -i 0.002 10.66.0.2; }
# A command in a namespace, three ways: ip netns exec (a mount namespace
# of its own, /sys mounted again), nsenter (the network namespace only),
# and the mount namespace's part alone (unshare -m).
nsexec() { local i; for ((i = 0; i < rounds * 3; i++)); do ip netns exec dc0 /bin/true; done; }
nsenter_net() { local i; for ((i = 0; i < rounds * 3; i++)); do nsenter --net=/run/netns/dc0 /bin/true; done; }
unshare_mnt() { local i; for ((i = 0; i < rounds * 3; i++)); do unshare -m /bin/true; done; }
tcp() { ip netns exec dc0 iperf3 -c 10.66.0.2 -n 8M; }
# Namespaces with a pair between them, deleted; the kernel dismantles them
# in the background: the time until their nsids are gone, and the guest's
# busy share meanwhile.
nsids() { ip netns list-id | grep -c nsid; }
dismantle() {
	local i base busy0 busy1 t0 t1 cpu
	base=$(nsids)
	for ((i = 0; i < rounds; i++)); do
		echo "netns add dd$i"; echo "netns set dd$i auto"
	done >"$TMP/dd"
	for ((i = 0; i < rounds; i += 2)); do
		echo "-n dd$i link add d$i type veth_rs peer name e$i netns dd$((i + 1))"
		echo "-n dd$i link set d$i up"
	done >>"$TMP/dd"
	ip -batch "$TMP/dd" >/dev/null 2>&1
	for ((i = 0; i < rounds; i++)); do echo "netns del dd$i"; done >"$TMP/ddd"
	read -r cpu busy0 < <(awk '/^cpu /{print $5, $2+$3+$4+$7+$8}' /proc/stat)
	t0=$(now)
	ip -batch "$TMP/ddd"
	while [ "$(nsids)" -gt "$base" ]; do sleep 0.2; done
	t1=$(now)
	read -r cpu busy1 < <(awk '/^cpu /{print $5, $2+$3+$4+$7+$8}' /proc/stat)
	printf '%-28s %8.1f ms (guest CPU busy %.0f%% of one CPU)\n' "netns dismantle (with a pair)" \
		"$(echo "($t1 - $t0) / 1000000 / $rounds" | bc -l)" \
		"$(echo "($busy1 - $busy0) * 1000000000 / ($t1 - $t0)" | bc -l)"
}

modprobe veth
modprobe veth_rs 2>/dev/null || insmod "$TOP/veth_rs.ko"
echo "# kernel $(uname -r), $(nproc) CPUs, cmdline: $(cat /proc/cmdline | tr ' ' '\n' | grep -E 'kmemleak|lockdep|mitigations|kasan' | tr '\n' ' ')"
grep -h . /sys/devices/system/cpu/vulnerabilities/* 2>/dev/null | sort | uniq -c | sed 's/^/# vulnerabilities: /'
if [ $perf = 1 ]; then
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	perf record -q -e cpu-clock -F 499 -a -g -o "$TMP/perf.data" >/dev/null 2>&1 &
	perfpid=$!
	sleep 2
fi
start=$(now)
time_op "process start (/bin/true)" $((rounds * 3)) procs
time_op "netns add+del (ip -batch)" "$rounds" netns
time_op "veth pair add+del (batch)" "$rounds" pairs veth
time_op "veth_rs pair add+del (batch)" "$rounds" pairs veth_rs
time_op "veth_rs pair add+del (ip)" "$rounds" pairs_one_by_one veth_rs
setup_pair veth_rs
time_op "ping (0.002 s interval)" $((rounds * 10)) pings
echo "# mounts: $(wc -l </proc/self/mounts) ($(cut -d' ' -f3 /proc/self/mounts | sort | uniq -c | sort -rn | awk '{printf "%s %s, ", $1, $2}'))"
time_op "ip netns exec NS true" $((rounds * 3)) nsexec
time_op "nsenter --net NS true" $((rounds * 3)) nsenter_net
time_op "unshare -m true" $((rounds * 3)) unshare_mnt
ip netns exec dc1 iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
time_op "iperf3 8 MB TCP" 1 tcp
dismantle
printf '%-28s %8.1f s\n' "all of the above" "$(echo "($(now) - $start) / 1000000000" | bc -l)"

if [ $perf = 1 ]; then
	kill -INT $perfpid
	wait $perfpid
	perf report -i "$TMP/perf.data" --children --sort symbol --stdio -g none \
		--percent-limit 0.3 2>/dev/null >"$TMP/report"
	total_idle=$(grep -E '\] (do_idle|default_idle_call)\s*$' "$TMP/report" | awk '{print $1}' | tr -d % | sort -n | tail -1)
	echo "# perf: share of all samples, inclusive (children); idle: ${total_idle:-?}%"
	grep -E '\] (kasan_|__kasan_|__asan_|check_region|kmemleak_|__create_object|create_object|delete_object|__delete_object|lock_acquire|lock_release|__lock_acquire|lock_is_held_type|lockdep_|mark_lock|validate_chain|check_prev_add|trace_hardirqs|stack_trace_save|arch_stack_walk|stack_depot_save|ref_tracker_|__ubsan|rcu_read_lock_held|rcu_read_lock_bh_held|debug_lockdep_rcu|__might_sleep|__might_resched|do_syscall_64|rcu_barrier|synchronize_rcu|p9_|v9fs_|kernel_clone|do_execveat|exit_mmap|asm_exc_page_fault|do_exit)' "$TMP/report" |
		sed "s/^/# /" | head -60
	echo "# perf: top symbols by own samples (self)"
	perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio -g none \
		--percent-limit 0.7 2>/dev/null | grep -E '^ +[0-9]' | sed "s/^/# /" | head -40
fi
