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
#   runs some workloads only.
ALL_TESTS="churn fault_netns_del fault_peer_del fault_move fault_flap
	fault_rmmod fuzz priv_unprivileged priv_userns datapath_faults no_leaks"
. "$(dirname "$0")/lib.sh"
[ -n "${STRESS_ONLY:-}" ] && ALL_TESTS="$STRESS_ONLY no_leaks"

PROFILE=${STRESS_PROFILE:-short}
case $PROFILE in
short)
	# Sized for make check on a loaded 2-core host under TCG, where one
	# process start in the VM can take seconds.
	CHURN_PAIRS=60 TRAFFIC_SECS=2 MOVE_ROUNDS=2 FLAP_ROUNDS=4
	RMMOD_PAIRS=20 FUZZ_COUNT=400
	;;
full)
	CHURN_PAIRS=3200 TRAFFIC_SECS=15 MOVE_ROUNDS=20 FLAP_ROUNDS=100
	RMMOD_PAIRS=100 FUZZ_COUNT=10000
	;;
*)
	echo "STRESS_PROFILE must be short or full" >&2
	exit 1
	;;
esac

SPLAT_RE='BUG:|WARNING:|KASAN|UBSAN|Call Trace:|ref_tracker:|unreferenced object|unregister_netdevice: waiting|possible recursive locking|suspicious RCU usage|circular locking|INFO: task .* blocked|general protection fault|Oops|soft lockup|stall on CPU'

# Figures of the summary line.
PAIRS_CREATED=0 PAIRS_DELETED=0 PACKETS=0 FUZZ_SENT=0 FUZZ_HIST=- FUZZ_SEEDS=
SPLATS=0 LEAKS=0

# Every kernel log record from now on, kept in a file (the ring buffer may
# wrap during a long run; dmesg --follow also survives overruns).
KLOG=$(mktemp /tmp/stress.klog.XXXXXX)
dmesg --follow >"$KLOG" 2>/dev/null &
KLOG_PID=$!
BG_PIDS=()

stress_cleanup() {
	bg_stop
	del_links_of_kind veth_rs veth
	kill "$KLOG_PID" 2>/dev/null
	rm -f "$KLOG"
}
CLEANUP_HOOK=stress_cleanup

# Start a command in the background, stopped by bg_stop or at exit.
bg() {
	"$@" &
	BG_PIDS+=($!)
}

# (Never a bare `wait`: it would wait for dmesg --follow too.)
bg_stop() {
	local p
	[ ${#BG_PIDS[@]} -gt 0 ] || return 0
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait "${BG_PIDS[@]}" 2>/dev/null
	BG_PIDS=()
}

# veth_rs devices in the init namespace and the namespaces of the test.
# (Counted by kind from the full list: with the module unloaded, the
# kernel ignores a dump's filter on an unknown kind and lists everything.)
count_veth_rs() {
	local ns n=0 kind='[.[] | select(.linkinfo.info_kind == "veth_rs")] | length'
	n=$(ip -j -d link show | jq "$kind")
	for ns in "${NS_LIST[@]}"; do
		n=$((n + $(ip -n "$ns" -j -d link show 2>/dev/null | jq "$kind")))
	done
	echo "$n"
}

# Namespaces not yet freed: each namespace a workload makes gets an nsid
# in the init namespace (track_ns), and the kernel drops that nsid only
# when it dismantles the namespace (cleanup_net), so an nsid that stays
# after `ip netns del` is a leaked namespace.
track_ns() {
	local v
	for v in "$@"; do
		ip netns set "${!v}" auto
	done
}

netns_count() {
	ip netns list-id | grep -c '^nsid'
}
NETNS_BASE=$(netns_count)

netns_settled() {
	[ "$(netns_count)" -le "$NETNS_BASE" ]
}

# A workload begins: remember where the kernel log was.
begin() {
	require_veth_rs || { RET=$ksft_skip; retmsg="cannot load veth_rs"; }
	KLOG_MARK=$(wc -l <"$KLOG")
	T0=$SECONDS
	echo "# stress: ${FUNCNAME[1]} ..."
}

# A workload ends: its namespaces go, then the kernel log since begin()
# must hold no splat, and no veth_rs device may be left (namespaces are
# waited for once, in no_leaks).
finish() {
	local name=$1 figures=$2 s n first
	bg_stop
	cleanup_ns
	n=$(count_veth_rs)
	if [ "$n" -gt 0 ]; then
		LEAKS=$((LEAKS + n))
		check_err 1 "$n veth_rs devices left behind"
		del_links_of_kind veth_rs
	fi
	sleep 0.5 # let dmesg --follow catch up
	# One splat is several matching lines: count all but the traces.
	s=$(tail -n +$((KLOG_MARK + 1)) "$KLOG" | grep -E "$SPLAT_RE" | grep -vc 'Call Trace:')
	if [ "$s" -gt 0 ]; then
		SPLATS=$((SPLATS + s))
		first=$(tail -n +$((KLOG_MARK + 1)) "$KLOG" | grep -m1 -E "$SPLAT_RE")
		tail -n +$((KLOG_MARK + 1)) "$KLOG" | grep -E -A30 "$SPLAT_RE" | head -60 | sed 's/^/# klog: /'
		check_err 1 "$s splats in the kernel log, first: $first"
	fi
	log_test "stress: $name ($figures; $((SECONDS - T0)) s)"
}

# ---- churn

# The requests of one churn worker, for `ip -force -batch`: N pairs with
# names drawn from a pool both workers share (so requests collide, also a
# pair with itself), a quarter with the peer in namespace $2, each deleted
# one to three requests later through either end. A delete may hit the
# other worker's pair of the same name, or find nothing: every pair made is
# deleted once, by one of the workers or by the final sweep.
churn_batch() {
	local n=$1 ns=$2 i a b pns q=()
	for ((i = 0; i < n; i++)); do
		a=vrk$((RANDOM % 10)) b=vrk$((RANDOM % 10)) pns=
		((RANDOM % 4 == 0)) && pns=" netns $ns"
		echo "link add $a type veth_rs peer name $b$pns"
		# Peers in the other namespace are deleted through the first end.
		if [ -n "$pns" ] || ((RANDOM % 2)); then q+=("$a"); else q+=("$b"); fi
		while [ ${#q[@]} -gt $((RANDOM % 3)) ]; do
			echo "link del ${q[0]}"
			q=("${q[@]:1}")
		done
	done
	for a in "${q[@]}"; do echo "link del $a"; done
}

# Run a batch; prints "adds-ok dels-ok" and appends ip's error lines to $3.
churn_run() {
	local batch=$1 out=$2 errs=$3 failed adds dels fa fd
	# Bounded: a request that never returns must fail the workload, not
	# hang the run.
	timeout $((60 + $(wc -l <"$batch"))) ip -force -batch "$batch" >/dev/null 2>"$out.err"
	local rc=$?
	[ $rc -eq 124 ] && echo "ip -batch timed out (a request never returned?)" >>"$errs"
	failed=$(sed -n 's/^Command failed .*:\([0-9]*\)$/\1/p' "$out.err")
	adds=$(grep -c '^link add' "$batch")
	dels=$(grep -c '^link del' "$batch")
	fa=0 fd=0
	for l in $failed; do
		case $(sed -n "${l}p" "$batch") in
		"link add"*) fa=$((fa + 1)) ;;
		*) fd=$((fd + 1)) ;;
		esac
	done
	grep -v '^Command failed' "$out.err" >>"$errs"
	echo "$((adds - fa)) $((dels - fd))" >"$out"
}

# A reader dumping the links while the workers churn them.
dump_loop() {
	local n=0
	while :; do
		timeout 30 ip -d link show type veth_rs >/dev/null 2>&1
		n=$((n + 1))
		echo "$n" >"$1"
		sleep 1
	done
}

churn() {
	local half=$((CHURN_PAIRS / 2)) tmp w made=0 gone=0 m g dumps swept=0 dev left other taken
	begin
	setup_ns NSC
	track_ns NSC
	tmp=$(mktemp -d)
	for w in 1 2; do
		churn_batch "$half" "$NSC" >"$tmp/b$w"
	done
	for w in 1 2; do
		churn_run "$tmp/b$w" "$tmp/w$w" "$tmp/errs" &
		BG_PIDS+=($!)
	done
	bg dump_loop "$tmp/dumps"
	wait "${BG_PIDS[0]}" "${BG_PIDS[1]}"
	bg_stop
	for w in 1 2; do
		read -r m g <"$tmp/w$w" || { check_err 1 "worker $w gave no counts"; continue; }
		made=$((made + m)) gone=$((gone + g))
	done
	for dev in $(ip -o link show | awk -F': ' '$2 ~ /^vrk/ {sub(/@.*/, "", $2); print $2}'); do
		ip link del "$dev" 2>/dev/null && swept=$((swept + 1))
	done
	dumps=$(cat "$tmp/dumps" 2>/dev/null || echo 0)
	taken=$(grep -c 'File exists' "$tmp/errs")
	other=$(grep -v -e 'File exists' -e 'Cannot find device' -e 'No such device' "$tmp/errs")
	[ -n "$other" ] && echo "$other" | sort | uniq -c | head -10 | sed 's/^/# churn: /'
	check_eq "$other" "" "errors other than EEXIST and ENODEV"
	check_eq $((gone + swept)) "$made" "pairs deleted by the workers and the sweep"
	[ "$taken" -gt 0 ]
	check_err $? "no request collided (names should)"
	[ "$made" -ge $((CHURN_PAIRS / 3)) ]
	check_err $? "only $made pairs made of $CHURN_PAIRS requests"
	left=$( (ip -o link show; ip -n "$NSC" -o link show) | grep -c ': vrk')
	check_eq "$left" 0 "vrk* devices left"
	PAIRS_CREATED=$((PAIRS_CREATED + made))
	PAIRS_DELETED=$((PAIRS_DELETED + gone + swept))
	rm -rf "$tmp"
	finish "churn, 2 workers" "$CHURN_PAIRS requests, $made pairs made, $((gone + swept)) deleted, $taken name collisions, $dumps dumps"
}

# ---- faults under traffic

# Namespaces NSA and NSB joined by the pair vra (10.77.0.1) - vrb
# (10.77.0.2), both up and answering.
pair_setup() {
	setup_ns NSA NSB || return 1
	track_ns NSA NSB
	ip link add vra netns "$NSA" type veth_rs peer name vrb netns "$NSB" || return 1
	PAIRS_CREATED=$((PAIRS_CREATED + 1))
	ip -n "$NSA" addr add 10.77.0.1/24 dev vra
	ip -n "$NSB" addr add 10.77.0.2/24 dev vrb
	ip -n "$NSA" link set vra up
	ip -n "$NSB" link set vrb up
	wait_for 'ip netns exec "$NSA" ping -c 1 -W 1 10.77.0.2 >/dev/null' 20
}

# iperf3 both ways (server in NSB) and a ping flood from NSA, for at most
# $1 seconds; stopped by bg_stop.
traffic_start() {
	local secs=$1
	bg ip netns exec "$NSB" iperf3 -s -1 >/dev/null 2>&1
	SERVER_PID=${BG_PIDS[-1]}
	wait_for 'ip netns exec "$NSB" ss -ltn | grep -q ":5201 "' 20
	bg ip netns exec "$NSA" iperf3 -c 10.77.0.2 --bidir -t "$secs" >/dev/null 2>&1
	bg ip netns exec "$NSA" ping -f -q -w "$secs" 10.77.0.2 >/dev/null 2>&1
}

# Packets both ends have sent so far.
pair_packets() {
	local a b
	a=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets" 2>/dev/null || echo 0)
	b=$(ip netns exec "$3" cat "/sys/class/net/$4/statistics/tx_packets" 2>/dev/null || echo 0)
	echo $((a + b))
}

# Packets sent until the fault, into FAULT_P (and the summary); traffic
# must have flowed.
fault_packets() {
	FAULT_P=$(pair_packets "$@")
	[ "$FAULT_P" -ge 100 ] || check_err 1 "only $FAULT_P packets before the fault: no traffic"
	PACKETS=$((PACKETS + FAULT_P))
}

fault_netns_del() {
	local p
	begin
	pair_setup || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS * 3))
	sleep "$TRAFFIC_SECS"
	fault_packets "$NSA" vra "$NSB" vrb
	p=$FAULT_P
	# The iperf3 server holds NSB: deleting its name and then ending the
	# server frees the namespace while NSA still floods.
	ip netns del "$NSB"
	kill "$SERVER_PID"
	wait_for '! ip -n "$NSA" link show vra >/dev/null 2>&1' 60
	check_err $? "vra still exists 60 s after its peer's namespace was deleted"
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	sleep 1 # the flood goes on against nothing
	finish "delete the namespace of one end under traffic" "$p packets"
}

fault_peer_del() {
	local p
	begin
	pair_setup || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS * 3))
	sleep "$TRAFFIC_SECS"
	fault_packets "$NSA" vra "$NSB" vrb
	p=$FAULT_P
	ip -n "$NSB" link del vrb
	check_err $? "deleting vrb under traffic failed"
	ip -n "$NSA" link show vra >/dev/null 2>&1
	check_fail $? "vra survived the deletion of vrb"
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	sleep 1
	finish "delete the peer under traffic" "$p packets"
}

# Move either end to NSC and back, again and again, while traffic runs;
# the other end must report the new link namespace, and the pair must work
# once back in place.
fault_move() {
	local i p=0 dev ns ip_addr nsid_name
	begin
	pair_setup || check_err 1 "pair setup failed"
	setup_ns NSC
	track_ns NSC
	traffic_start $((TRAFFIC_SECS * 2 + MOVE_ROUNDS * 3))
	sleep 1
	for ((i = 0; i < MOVE_ROUNDS; i++)); do
		if ((i % 2)); then
			dev=vra ns=$NSA ip_addr=10.77.0.1/24
		else
			dev=vrb ns=$NSB ip_addr=10.77.0.2/24
		fi
		p=$(pair_packets "$NSA" vra "$NSB" vrb)
		ip -n "$ns" link set "$dev" netns "$NSC"
		check_err $? "round $i: moving $dev to NSC failed"
		if [ $dev = vrb ]; then
			nsid_name=$(ip -n "$NSA" -d link show vra | grep -o 'link-netns [^ ]*')
			check_eq "$nsid_name" "link-netns $NSC" "round $i: link-netns of vra"
		fi
		sleep 0.3
		ip -n "$NSC" link set "$dev" netns "$ns"
		check_err $? "round $i: moving $dev back failed"
		ip -n "$ns" addr add "$ip_addr" dev "$dev"
		ip -n "$ns" link set "$dev" up
		PACKETS=$((PACKETS + p))
		sleep 0.5
	done
	PACKETS=$((PACKETS + $(pair_packets "$NSA" vra "$NSB" vrb)))
	wait_for 'ip netns exec "$NSA" ping -c 1 -W 1 10.77.0.2 >/dev/null' 20
	check_err $? "no ping across the pair after the moves"
	p=$(pair_packets "$NSA" vra "$NSB" vrb)
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	finish "move either end to another namespace under traffic" "$MOVE_ROUNDS moves, $p packets in the last round"
}

# MTU through its range (and past the peer's) and up/down of either end,
# under traffic; afterwards the pair must carry traffic again.
fault_flap() {
	local i p dev ns mtus=(68 1280 9000 65535 576 1500 1499) mtu
	begin
	pair_setup || check_err 1 "pair setup failed"
	traffic_start $((TRAFFIC_SECS + FLAP_ROUNDS))
	sleep 1
	for ((i = 0; i < FLAP_ROUNDS; i++)); do
		if ((RANDOM % 2)); then dev=vra ns=$NSA; else dev=vrb ns=$NSB; fi
		mtu=${mtus[RANDOM % ${#mtus[@]}]}
		ip -n "$ns" link set "$dev" mtu "$mtu"
		check_err $? "round $i: MTU $mtu on $dev refused"
		if ((RANDOM % 3 == 0)); then
			ip -n "$ns" link set "$dev" down
			sleep 0.1
			ip -n "$ns" link set "$dev" up
		fi
		ip -n "$ns" link set "$dev" mtu 67 2>/dev/null
		check_fail $? "round $i: MTU 67 accepted"
		sleep 0.1
	done
	fault_packets "$NSA" vra "$NSB" vrb
	p=$FAULT_P
	ip -n "$NSA" link set vra mtu 1500 up
	ip -n "$NSB" link set vrb mtu 1500 up
	wait_for '[ "$(ip netns exec "$NSA" cat /sys/class/net/vra/carrier)" = 1 ]' 10
	check_err $? "no carrier on vra after the flaps"
	wait_for 'ip netns exec "$NSA" ping -c 1 -W 1 10.77.0.2 >/dev/null' 20
	check_err $? "no ping across the pair after the flaps"
	PAIRS_DELETED=$((PAIRS_DELETED + 1))
	finish "flap MTU and up/down under traffic" "$FLAP_ROUNDS flaps, $p packets"
}

# rmmod with RMMOD_PAIRS live pairs (one carrying traffic, the others up,
# in three namespaces); all of them go, and the module loads again.
fault_rmmod() {
	local i p n batch
	begin
	pair_setup || check_err 1 "pair setup failed"
	batch=$(mktemp)
	for ((i = 1; i < RMMOD_PAIRS; i++)); do
		case $((i % 3)) in
		0) echo "link add vrm$i type veth_rs peer name vrM$i netns $NSB" ;;
		1) echo "link add vrm$i netns $NSA type veth_rs peer name vrM$i" ;;
		2) echo "link add vrm$i type veth_rs peer name vrM$i" ;;
		esac
		[ $((i % 3)) -ne 1 ] && echo "link set vrm$i up"
	done >"$batch"
	ip -force -batch "$batch" 2>&1 | head -5 | sed 's/^/# rmmod batch: /'
	rm -f "$batch"
	n=$(count_veth_rs)
	check_eq "$n" $((RMMOD_PAIRS * 2)) "veth_rs devices before rmmod"
	PAIRS_CREATED=$((PAIRS_CREATED + n / 2 - 1))
	traffic_start $((TRAFFIC_SECS * 3))
	sleep "$TRAFFIC_SECS"
	fault_packets "$NSA" vra "$NSB" vrb
	p=$FAULT_P
	rmmod veth_rs
	check_err $? "rmmod veth_rs with $n live devices failed"
	check_eq "$(count_veth_rs)" 0 "veth_rs devices after rmmod"
	PAIRS_DELETED=$((PAIRS_DELETED + n / 2))
	sleep 1
	require_veth_rs
	check_err $? "reloading veth_rs failed"
	finish "rmmod veth_rs with $RMMOD_PAIRS live pairs under traffic" "$n devices, $p packets"
}

# ---- netlink fuzzing

# The fuzzer runs in NSF; NSG is the other namespace its requests may
# name (by fd, by the pid of a process in it, and by nsid 7 in NSF).
fuzz() {
	local before after out rc res holder left_g seed
	begin
	setup_ns NSF NSG
	track_ns NSF NSG
	bg ip netns exec "$NSG" sleep 3600
	holder=${BG_PIDS[-1]}
	ip -n "$NSF" netns set "$NSG" 7
	before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
	out=$(ip netns exec "$NSF" python3 "$TESTS_DIR/fuzz.py" --kind veth_rs \
		--count "$FUZZ_COUNT" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
		--netns "/run/netns/$NSG" --pid "$holder" --nsid 7 2>&1)
	rc=$?
	echo "$out" | grep -v '^fuzz-result' | sed 's/^\([^#]\)/# \1/'
	res=$(echo "$out" | grep '^fuzz-result')
	check_err $rc "fuzz.py failed (exit $rc)"
	[ -n "$res" ] || check_err 1 "fuzz.py printed no result"
	echo "# $res"
	seed=$(echo "$res" | grep -o 'seed=[0-9]*' | cut -d= -f2)
	FUZZ_SEEDS="$FUZZ_SEEDS${FUZZ_SEEDS:+,}$seed"
	FUZZ_SENT=$((FUZZ_SENT + $(echo "$res" | grep -o ' sent=[0-9]*' | cut -d= -f2)))
	FUZZ_HIST=$(echo "$res" | grep -o 'errno=.*' | cut -d= -f2)
	check_eq "$(echo "$res" | grep -o 'noreply=[0-9]*')" noreply=0 "requests without an answer"
	left_g=$(ip -n "$NSG" -o link show | grep -vc ': lo:')
	after=$(ip -o link show | awk -F': ' '{print $2}' | sort)
	check_eq "$after" "$before" "devices of the init namespace after fuzzing"
	finish "netlink fuzzer" "$(echo "$res" | grep -o 'sent=[0-9]*') requests, seed $seed, $left_g devices left in NSG for teardown"
}

# ---- privilege, compared with C veth

# "OK" or the error ip(8) printed.
try() {
	local out
	if out=$("$@" 2>&1); then echo OK; else echo "$out" | tail -1; fi
}

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

priv_unprivileged() {
	local k res=() out
	begin
	require_c_veth || { log_skip "stress: unprivileged user" "no veth.ko"; return; }
	for k in veth veth_rs; do
		out=$(as_nobody $NL --kind $k --name vrpu0 --peer-name vrpu1)
		check_eq "$out" EPERM "$k: RTM_NEWLINK as nobody"
		ip link add vrpx type $k peer name vrpy
		out="$(try as_nobody ip link del vrpx) / $(try as_nobody ip link set vrpy mtu 1400) / $(try as_nobody ip link set vrpx netns 1)"
		res+=("$out")
		ip link show vrpx >/dev/null 2>&1
		check_err $? "$k: pair gone after an unprivileged delete"
		ip link del vrpx
	done
	check_eq "${res[1]}" "${res[0]}" "veth_rs vs veth, unprivileged del/set/move"
	case ${res[1]} in
	*OK*) check_err 1 "an unprivileged change succeeded: ${res[1]}" ;;
	esac
	finish "unprivileged user gets EPERM" "veth_rs: ${res[1]}"
}

# In a user namespace (as nobody, mapped to root), the pair is made in the
# namespace's own netns, and with the peer in a child netns of it, but not
# with the peer in (or moved to) a netns of the init user namespace.
userns_case() {
	local k=$1 what=$2
	case $what in
	own) as_nobody unshare -Urn ip link add vru0 type $k peer name vru1 ;;
	peer_foreign) as_nobody unshare -Urn ip link add vru0 type $k peer name vru1 netns "$NSX" ;;
	move_foreign)
		as_nobody unshare -Urn sh -c "ip link add vru0 type $k peer name vru1 && ip link set vru1 netns $NSX" ;;
	peer_child)
		as_nobody unshare -Urn sh -c "unshare -n sleep 30 & sleep 1; ip link add vru0 type $k peer name vru1 netns \$!; rc=\$?; kill \$!; exit \$rc" ;;
	esac
}

priv_userns() {
	local k w out r=()
	begin
	require_c_veth || { log_skip "stress: user namespace" "no veth.ko"; return; }
	setup_ns NSX
	track_ns NSX
	for k in veth veth_rs; do
		out=
		for w in own peer_foreign move_foreign peer_child; do
			out="$out $w: $(try userns_case $k $w);"
		done
		r+=("$out")
		check_eq "$(ip -n "$NSX" -o link show | grep -c vru)" 0 "$k: devices that reached NSX"
	done
	echo "# userns veth:   ${r[0]}"
	echo "# userns veth_rs:${r[1]}"
	check_eq "${r[1]}" "${r[0]}" "veth_rs vs veth in a user namespace"
	case ${r[1]} in
	*"own: OK; peer_foreign: RTNETLINK answers: Operation not permitted; move_foreign: RTNETLINK answers: Operation not permitted; peer_child: OK;") ;;
	*) check_err 1 "unexpected results: ${r[1]}" ;;
	esac
	finish "user namespace: own netns yes, foreign netns EPERM, as veth" "4 cases x 2 kinds"
}

datapath_faults() {
	log_skip "stress: XDP attach/detach, GRO and channel changes under traffic" \
		"not here yet: GRO toggles and channel changes under traffic are in tests/datapath.sh; XDP awaits issue 4"
}

# ---- the end

no_leaks() {
	local n
	begin
	n=$(count_veth_rs)
	check_eq "$n" 0 "veth_rs devices in the init namespace"
	n=$(ip netns list | grep -cE -- '-[0-9]+-[0-9]+')
	check_eq "$n" 0 "namespaces of the tests still named in /run/netns"
	# The kernel dismantles deleted namespaces in the background, slowly
	# under TCG and KASAN: wait for all of them here, once.
	if ! wait_for netns_settled 300; then
		n=$(($(netns_count) - NETNS_BASE))
		LEAKS=$((LEAKS + n))
		check_err 1 "$n network namespaces not freed 300 s after their deletion"
	fi
	finish "no leaked devices or namespaces" "netns count $(netns_count) (at start $NETNS_BASE), splats $SPLATS, leaks $LEAKS"
}

require_veth_rs || exit $ksft_skip
echo "# stress: profile $PROFILE"
START=$SECONDS
tests_run
# With STRESS_FIGURES (a file), the figures add up over the parts of a run
# (tests/stress-parts/*.sh), and the summary gives the totals so far.
if [ -n "${STRESS_FIGURES:-}" ]; then
	echo "$PAIRS_CREATED $PAIRS_DELETED $PACKETS $FUZZ_SENT $SPLATS $LEAKS $((SECONDS - START)) ${FUZZ_SEEDS:--} $FUZZ_HIST" >>"$STRESS_FIGURES"
	read -r PAIRS_CREATED PAIRS_DELETED PACKETS FUZZ_SENT SPLATS LEAKS secs FUZZ_SEEDS FUZZ_HIST < <(awk '
		{ for (i = 1; i <= 7; i++) s[i] += $i
		  if ($8 != "-") seeds = seeds (seeds ? "," : "") $8
		  if ($9 != "-") hist = $9 }
		END { print s[1], s[2], s[3], s[4], s[5], s[6], s[7], seeds ? seeds : "-", hist ? hist : "-" }' "$STRESS_FIGURES")
	START=$((SECONDS - secs))
fi
echo "# stress summary ($PROFILE, $((SECONDS - START)) s): pairs created $PAIRS_CREATED, deleted $PAIRS_DELETED;" \
	"packets sent before faults $PACKETS; fuzz requests $FUZZ_SENT (seed ${FUZZ_SEEDS:--}), errno $FUZZ_HIST;" \
	"splats $SPLATS, leaks $LEAKS"
