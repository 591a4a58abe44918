#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The NAPI datapath of veth_rs: GRO on the receiving end moves traffic from
# the backlog to a per-queue ring and NAPI, where GRO aggregates; channels
# (ethtool -l/-L) with veth.c's limits and errors; per-queue ethtool
# counters; GRO and channel changes under traffic; backpressure through a
# qdisc when the ring is full.
# make-check: cpus=1 seconds=88 smp=gro_toggle_under_traffic,backpressure_no_stuck_queue,backpressure_tx_busy smp-seconds=44 split=gro_toggle_under_traffic,backpressure_no_stuck_queue,backpressure_tx_busy split-seconds=43 initns=ethtool_stats_like_veth,channels_like_veth alone=rx_headroom_like_veth (backpressure pins NAPI to CPU 1; GRO changes under traffic; the two initns cases make pairs in the init namespace; rx_headroom reads a kprobe on dev_get_stats, which every script fires)
ALL_TESTS="gro_off_uses_backlog gro_aggregates gro_stats_equal ethtool_stats_like_veth
	channels_like_veth channels_under_gro gro_toggle_under_traffic
	backpressure_no_stuck_queue backpressure_tx_busy rx_headroom_like_veth"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

# A pair vrg0 (in NS0, 10.2.2.2) <-> vrg1 (in NS1, 10.2.2.3), with
# $1 tx and rx queues on each end.
make_pair() {
	local q=${1:-1}
	setup_ns NS0 NS1 && pair_up veth_rs "$q" "$NS0" vrg0 10.2.2.2/24 "$NS1" vrg1 10.2.2.3/24
}

drop_pair() {
	cleanup_ns
}

# napi_packets NS DEV: sum of the rx_queue_N_xdp_packets counters of DEV,
# into $NAPI (one ethtool run, no awk, no subshell for the result).
NAPI=
napi_packets() {
	local k v rest
	NAPI=0
	while read -r k v rest; do
		[[ $k =~ rx_queue_[0-9]+_xdp_packets: ]] && NAPI=$((NAPI + v))
	done < <(in_ns "$1" ethtool -S "$2")
}

# qdisc_requeues VAR NS DEV: the first "requeues N" of tc -s for DEV's
# qdisc (the Sent line), into the variable named VAR (tc's output read by
# the shell, no sed and head).
qdisc_requeues() {
	local l
	printf -v "$1" '%s' ""
	while IFS= read -r l; do
		if [[ $l =~ .*requeues\ ([0-9]*) ]]; then
			printf -v "$1" '%s' "${BASH_REMATCH[1]}"
			break
		fi
	done < <(tc -n "$2" -s qdisc show dev "$3")
}


# TCP traffic NS0 -> NS1 for $1 seconds.
tcp_burst() {
	in_ns "$NS1" iperf3 -s -1 -D -B 10.2.2.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	in_ns "$NS0" iperf3 -c 10.2.2.3 -t "${1:-2}" >/dev/null 2>&1
}

# Largest frame tcpdump sees on vrg1 during a TCP burst without TSO on the
# sender (so every frame leaves vrg0 at most MTU-sized).
largest_rx_frame() {
	local pcap=/tmp/vrg.$$.pcap l n max=
	in_ns "$NS0" ethtool -K vrg0 tso off >/dev/null
	# nsenter itself (in_ns's command), not the function: a function in
	# the background is a shell of its own, $! would be that shell and
	# the kill would miss timeout.
	nsenter --net="/run/netns/$NS1" -- timeout 20 tcpdump --immediate-mode -U -i vrg1 -s 128 -c 2000 -w "$pcap" tcp 2>"$pcap.err" &
	local dump=$!
	# Listening once it says so on stderr (not a fixed sleep); the file
	# appears only once the background shell has opened it.
	wait_for "[[ -e $pcap.err && \$(<$pcap.err) == *'listening on'* ]]" 10
	tcp_burst 2
	# Stopped once the burst is over, not at 2,000 frames or the timeout:
	# with GRO on far fewer frames arrive. --immediate-mode hands each
	# frame to tcpdump as it comes (not a buffer block at a time, which a
	# stop would lose), -U writes each one to the file at once.
	kill "$dump" 2>/dev/null
	wait "$dump"
	# The largest "length N: " (the frame's, the last one of the line) by
	# the shell: no sed, sort and tail.
	while IFS= read -r l; do
		[[ $l =~ .*,\ length\ ([0-9]*):\  ]] || continue
		n=${BASH_REMATCH[1]}
		[ -n "$n" ] && { [ -z "$max" ] || [ "$n" -gt "$max" ]; } && max=$n
	done < <(tcpdump -r "$pcap" -nn -e 2>/dev/null)
	echo "$max"
	rm -f "$pcap" "$pcap.err"
}

gro_off_uses_backlog() {
	local max out gro=
	make_pair 1 || { check_err 1 "pair setup"; log_test "datapath: GRO off"; return; }
	out=$(in_ns "$NS1" ethtool -k vrg1)
	[[ $out =~ generic-receive-offload:[[:space:]]+([^[:space:]]+) ]] && gro=${BASH_REMATCH[1]}
	check_eq "$gro" off "GRO default"
	max=$(largest_rx_frame)
	[ "${max:-0}" -gt 0 ] && [ "${max:-0}" -le 1514 ]
	check_err $? "largest frame received with GRO off: ${max:-none} (expected 1..1514)"
	napi_packets "$NS1" vrg1
	check_eq "$NAPI" 0 "packets through NAPI with GRO off"
	drop_pair
	log_test "datapath: GRO off: backlog path, frames of at most the MTU ($max)"
}

gro_aggregates() {
	local max n
	make_pair 1 || { check_err 1 "pair setup"; log_test "datapath: GRO on"; return; }
	in_ns "$NS1" ethtool -K vrg1 gro on
	check_err $? "ethtool -K gro on failed"
	max=$(largest_rx_frame)
	[ "${max:-0}" -gt 1514 ]
	check_err $? "no aggregated frame with GRO on (largest ${max:-none})"
	napi_packets "$NS1" vrg1
	n=$NAPI
	[ "$n" -gt 0 ]
	check_err $? "rx_queue_0_xdp_packets did not move with GRO on"
	drop_pair
	log_test "datapath: GRO on: NAPI ring path, GRO aggregates (largest frame $max, $n packets via NAPI)"
}

# With NAPI the receiver counts; rx of one end must still equal tx of the
# other, both ways.
gro_stats_equal() {
	local rx0 tx0 rx1 tx1 rxb1 txb0 i
	make_pair 1 || { check_err 1 "pair setup"; log_test "datapath: stats with GRO"; return; }
	in_ns "$NS0" ethtool -K vrg0 gro on tso off
	in_ns "$NS1" ethtool -K vrg1 gro on tso off
	tcp_burst 1
	in_ns "$NS1" ping -c 5 -i 0.05 10.2.2.2 >/dev/null
	# One quiet snapshot of packets and bytes (an IPv6 neighbour or
	# router message may pass between two reads): each end's counters
	# in one read.
	for i in 1 2 3 4 5; do
		read -r rx0 tx0 txb0 < <(link_stat "$NS0" vrg0 rx_packets tx_packets tx_bytes)
		read -r rx1 tx1 rxb1 < <(link_stat "$NS1" vrg1 rx_packets tx_packets rx_bytes)
		[ "$rx0" = "$tx1" ] && [ "$rx1" = "$tx0" ] && [ "$rxb1" = "$txb0" ] &&
			[ "$tx0" = "$(link_stat "$NS0" vrg0 tx_packets)" ] && break
		nap 1
	done
	check_eq "$rx1" "$tx0" "rx_packets of vrg1 vs tx_packets of vrg0"
	check_eq "$rx0" "$tx1" "rx_packets of vrg0 vs tx_packets of vrg1"
	check_eq "$rxb1" "$txb0" "rx_bytes vs tx_bytes"
	napi_packets "$NS1" vrg1
	[ "$NAPI" -gt 0 ]
	check_err $? "no packet went through NAPI"
	drop_pair
	log_test "datapath: with GRO, rx of one end equals tx of the other ($tx0/$tx1)"
}

ethtool_stats_like_veth() {
	local k lines
	local -A names nlines
	require_c_veth || { log_skip "datapath: ethtool -S names as veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		ip link add "vrs$k" numtxqueues 2 numrxqueues 2 type "$k" peer name "vrS$k" numtxqueues 2 numrxqueues 2
		# Each line up to its first colon (sed 's/:.*//' by the shell).
		mapfile -t lines < <(ethtool -S "vrs$k")
		names[$k]=
		[ ${#lines[@]} -eq 0 ] || printf -v "names[$k]" '%s\n' "${lines[@]%%:*}"
		nlines[$k]=${#lines[@]}
		ip link del "vrs$k"
	done
	# diff only to tell what differs.
	[ "${names[veth]}" = "${names[veth_rs]}" ] ||
		check_err 1 "ethtool -S names differ: $(diff <(printf %s "${names[veth]}") <(printf %s "${names[veth_rs]}") | tr '\n' ' ' | head -c 300)"
	check_eq "${nlines[veth_rs]}" 20 "number of ethtool -S lines (header, peer_ifindex, 2x7 rx, 2x2 tx)"
	log_test "datapath: ethtool -S names per queue as veth"
}

# The same ethtool -l/-L requests give the same results on both drivers.
channels_like_veth() {
	local k req out rc err l c f cur carrier res results=()
	require_c_veth || { log_skip "datapath: channels as veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		res=""
		ip -b - <<<"link add vrc$k type $k peer name vrC$k
link set vrc$k up
link set vrC$k up"
		for req in "rx 2 tx 2" "rx 1 tx 2" "rx 0 tx 1" "rx 1 tx 0" "rx 3 tx 1" "rx 2 tx 1" "rx 1 tx 1"; do
			out=$(ethtool -L "vrc$k" $req 2>&1)
			rc=$?
			# The first of these words in the answer (grep -o | head -1).
			err=
			[[ $out =~ Invalid\ argument|out\ of\ range|exceeds ]] && err=${BASH_REMATCH[0]}
			res+="[$req: $rc $err"
			# "RX:n TX:n " of the current settings (the awk before).
			cur= c=
			while IFS= read -r l; do
				[[ $l == Current* ]] && c=1
				if [ -n "$c" ] && [[ $l =~ ^(RX|TX): ]]; then
					read -r -a f <<<"$l"
					cur+="${f[0]}${f[1]} "
				fi
			done < <(ethtool -l "vrc$k")
			res+=" $cur] "
		done
		carrier=
		read -r carrier <"/sys/class/net/vrc$k/carrier"
		res+="carrier $carrier"
		results+=("$res")
		ip link del "vrc$k"
	done
	check_eq "${results[1]}" "${results[0]}" "ethtool -L results of veth_rs vs veth"
	echo "# ${results[1]}"
	log_test "datapath: ethtool -l/-L limits, errors and counts as veth"
}

# Channel changes with GRO (NAPI) on, up and down, keep traffic flowing.
channels_under_gro() {
	local n
	make_pair 2 || { check_err 1 "pair setup"; log_test "datapath: channels with GRO"; return; }
	in_ns "$NS1" ethtool -K vrg1 gro on
	for n in "rx 1 tx 1" "rx 2 tx 2" "rx 1 tx 2" "rx 2 tx 1"; do
		in_ns "$NS1" ethtool -L vrg1 $n
		check_err $? "ethtool -L $n with GRO on"
		in_ns "$NS0" ping -c 2 -i 0.05 -W 2 10.2.2.3 >/dev/null
		check_err $? "no ping after ethtool -L $n"
	done
	ip -n "$NS1" link set vrg1 down
	in_ns "$NS1" ethtool -L vrg1 rx 1 tx 1
	check_err $? "ethtool -L while down"
	ip -n "$NS1" link set vrg1 up
	wait_for "in_ns $NS0 ping -c1 -W1 10.2.2.3 >/dev/null" 10
	check_err $? "no ping after down, -L, up"
	drop_pair
	log_test "datapath: channels change with GRO on, up and down"
}

gro_toggle_under_traffic() {
	local i pid
	make_pair 1 || { check_err 1 "pair setup"; log_test "datapath: GRO toggling"; return; }
	in_ns "$NS0" ethtool -K vrg0 tso off
	in_ns "$NS1" iperf3 -s -1 -D -B 10.2.2.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	# In the background nsenter itself (in_ns's command): the function
	# would be a shell of its own, one process more.
	nsenter --net="/run/netns/$NS0" -- iperf3 -c 10.2.2.3 -t 6 >/dev/null 2>&1 &
	pid=$!
	nsenter --net="/run/netns/$NS0" -- ping -f -w 6 10.2.2.3 >/dev/null 2>&1 &
	for ((i = 1; i <= 10; i++)); do
		in_ns "$NS1" ethtool -K vrg1 gro on
		nap 0.2
		in_ns "$NS1" ethtool -K vrg1 gro off
		nap 0.2
	done
	in_ns "$NS1" ethtool -K vrg1 gro on
	wait "$pid"
	check_err $? "iperf3 failed while GRO was toggled"
	wait
	in_ns "$NS0" ping -c 2 -W 2 10.2.2.3 >/dev/null
	check_err $? "no ping after GRO toggling"
	drop_pair
	log_test "datapath: GRO toggled 10 times under TCP and ping floods"
}

# With a qdisc on the sender and GRO (a ring) on the receiver, a flood that
# fills the ring must be held back, not lost or stuck: the queue is
# stopped, the receiver's poll wakes it.
backpressure_no_stuck_queue() {
	local requeues
	make_pair 1 || { check_err 1 "pair setup"; log_test "datapath: backpressure"; return; }
	in_ns "$NS0" ethtool -K vrg0 tso off
	in_ns "$NS1" ethtool -K vrg1 gro on
	tc -n "$NS0" qdisc add dev vrg0 root pfifo limit 10000
	check_err $? "could not add a qdisc"
	in_ns "$NS1" iperf3 -s -1 -D -B 10.2.2.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	in_ns "$NS0" iperf3 -c 10.2.2.3 -u -b 0 -l 64 -t 3 >/dev/null 2>&1
	qdisc_requeues requeues "$NS0" vrg0
	in_ns "$NS0" ping -c 3 -i 0.05 -W 2 10.2.2.3 >/dev/null
	check_err $? "no ping after the flood: tx queue stuck?"
	tc -n "$NS0" qdisc del dev vrg0 root
	drop_pair
	log_test "datapath: flood into a GRO ring through a qdisc, no stuck queue (requeues ${requeues:-?})"
}

# The TX_BUSY branch itself. A sender and the receiver's poll on one CPU
# never fill the ring (the poll runs right after each xmit, as the softirq
# of the sender's bh enable), so the receiver's NAPI is made threaded and
# its kthread kept on CPU 1, while pktgen on CPU 0 pushes UDP through a
# pfifo qdisc (xmit_mode queue_xmit) as fast as it can. A full ring must
# then stop the tx queue and hand the skb back (the qdisc counts it as a
# requeue), the poll must wake the queue, and everything must arrive or be
# counted: nothing is lost silently, nothing stays stopped.
backpressure_tx_busy() {
	local name="datapath: ring full behind a qdisc: NETDEV_TX_BUSY, queue stopped and woken"
	local requeues sent= rx0 rx1 napi0 napi1 mac= kt l n=30000
	modprobe pktgen 2>/dev/null
	[ -d /proc/net/pktgen ] || { log_skip "$name" "no pktgen"; return; }
	make_pair 1 || { check_err 1 "pair setup"; log_test "$name"; return; }
	# TSO off at the sender makes its skbs GRO-eligible (veth.c's rule),
	# so that they go through the ring.
	in_ns "$NS0" ethtool -K vrg0 tso off
	in_ns "$NS1" ethtool -K vrg1 gro on
	ip netns exec "$NS1" sh -c 'echo 1 >/sys/class/net/vrg1/threaded'
	check_err $? "threaded NAPI on vrg1"
	kt=$(pgrep -f "napi/vrg1")
	kt=${kt%%$'\n'*}
	[ -n "$kt" ] && taskset -p 2 "$kt" >/dev/null
	check_err $? "no NAPI kthread for vrg1 to pin"
	tc -n "$NS0" qdisc add dev vrg0 root pfifo limit 100000
	# The address from ip -br (name, state, address, flags), not sysfs.
	read -r _ _ mac _ < <(ip -n "$NS1" -br link show dev vrg1)
	rx0=$(link_stat "$NS1" vrg1 rx_packets)
	napi_packets "$NS1" vrg1
	napi0=$NAPI
	in_ns "$NS0" taskset -c 0 sh -c "d=/proc/net/pktgen
		echo rem_device_all >\$d/kpktgend_0
		echo 'add_device vrg0' >\$d/kpktgend_0
		for c in 'count $n' 'clone_skb 0' 'pkt_size 60' 'delay 0' 'xmit_mode queue_xmit' \
			'dst 10.2.2.3' 'dst_mac $mac' 'udp_dst_min 9' 'udp_dst_max 9'; do
			echo \"\$c\" >\$d/vrg0
		done
		echo start >/proc/net/pktgen/pgctrl"
	check_err $? "pktgen run"
	# The result ("Result: OK: T usec, SENT (...)"), then the device
	# released, by one shell in NS0 (/proc/net follows the netns).
	while IFS= read -r l; do
		[[ $l =~ .*Result:\ OK:\ [^,]*,\ ([0-9]*)\  ]] && sent=${BASH_REMATCH[1]}
	done < <(in_ns "$NS0" sh -c 'cat /proc/net/pktgen/vrg0; echo rem_device_all >/proc/net/pktgen/kpktgend_0')
	wait_for "[[ \$(tc -n $NS0 -s qdisc show dev vrg0) != *'backlog '[1-9]* ]]" 20
	qdisc_requeues requeues "$NS0" vrg0
	rx1=$(link_stat "$NS1" vrg1 rx_packets)
	napi_packets "$NS1" vrg1
	napi1=$NAPI
	echo "# pktgen sent ${sent:-?} of $n, vrg1 received $((rx1 - rx0)) ($((napi1 - napi0)) through its ring), requeues ${requeues:-?}"
	[ $((napi1 - napi0)) -ge "${sent:-1}" ]
	check_err $? "the packets did not go through vrg1's ring"
	[ "${requeues:-0}" -gt 0 ]
	check_err $? "no requeue: the ring never filled or the driver never said NETDEV_TX_BUSY"
	# Through the qdisc nothing is dropped by the driver: all arrive (with
	# whatever else the stack sent meanwhile, such as IPv6 neighbour
	# discovery).
	[ $((rx1 - rx0)) -ge "${sent:-1}" ] && [ "${sent:-0}" -eq $n ]
	check_err $? "pktgen sent ${sent:-?} of $n, vrg1 received $((rx1 - rx0)): packets lost"
	in_ns "$NS0" ping -c 3 -i 0.05 -W 2 10.2.2.3 >/dev/null
	check_err $? "no ping afterwards: tx queue left stopped?"
	drop_pair
	log_test "$name (requeues ${requeues:-?})"
}

# ---- ndo_set_rx_headroom

# A bridge asks its ports for the largest forwarding headroom among them
# (ndo_set_rx_headroom); a veth end answers by giving both ends the larger
# of the two ends' requests as needed_headroom. needed_headroom is not
# shown by ip, so the kprobe event veth_rs_hr on dev_get_stats (which
# `ip link show` calls) reads it through the kernel's BTF.
TRACEFS=/sys/kernel/tracing


# The trace clock is made global so that the marker (hr) and the event,
# recorded on different CPUs, sort in the order they happened.
HR_CLOCK=
hr_probe() {
	local l=
	is_mounted $TRACEFS || mount -t tracefs nodev $TRACEFS || return 1
	hr_probe_off
	# The clock in use, the one in brackets ("[local] global ...").
	read -r l <$TRACEFS/trace_clock
	[[ $l =~ .*\[(.*)\] ]] && HR_CLOCK=${BASH_REMATCH[1]}
	echo global >$TRACEFS/trace_clock &&
		echo 'p:veth_rs_hr dev_get_stats idx=dev->ifindex:s32 hr=dev->needed_headroom:u16' >>$TRACEFS/kprobe_events &&
		echo 1 >$TRACEFS/events/kprobes/veth_rs_hr/enable
}

hr_probe_off() {
	[ -z "$HR_CLOCK" ] || echo "$HR_CLOCK" >$TRACEFS/trace_clock
	HR_CLOCK=
	[ -e $TRACEFS/events/kprobes/veth_rs_hr ] || return 0
	echo 0 >$TRACEFS/events/kprobes/veth_rs_hr/enable
	echo '-:veth_rs_hr' >>$TRACEFS/kprobe_events
}
CLEANUP_HOOK=hr_probe_off

# hr NS DEV: DEV's needed_headroom, in decimal ("?" when no event was
# read), into $HR: the event that follows a marker written into the
# trace. -s: without it, ip asks the kernel to skip the stats, and
# dev_get_stats is not called. One process per read (ip), the rest is
# bash, as these reads are most of the case's time.
HR=
hr() {
	local out idx l on= v= mark="veth_rs_hr_mark_$RANDOM$RANDOM"
	local -a lines
	echo "$mark" >$TRACEFS/trace_marker
	out=$(ip -s -n "$1" -o link show dev "$2")
	idx=${out%%:*}
	mapfile -t lines <$TRACEFS/trace
	for l in "${lines[@]}"; do
		[[ $l == *"$mark"* ]] && on=1
		[ -n "$on" ] && [[ $l =~ \ idx=$idx\ hr=(0x[0-9a-f]+|[0-9]+)$ ]] && v=${BASH_REMATCH[1]}
	done
	[ -n "$v" ] && HR=$((v)) || HR="?"
}

# Both ends' needed_headroom, "vrg0/vrg1", into $HR.
hr_both() {
	local a
	hr "$NS0" vrg0
	a=$HR
	hr "$NS1" vrg1
	HR="$a/$HR"
}

# rx_headroom_of KIND: the ends' headroom as bridges in either namespace
# take in and let go of the pair's ends and a VXLAN port (a headroom of
# its own, for its encapsulation).
rx_headroom_of() {
	local rc
	rx_headroom_steps "$@"
	rc=$?
	cleanup_ns
	return $rc
}

rx_headroom_steps() {
	local out=()
	setup_ns NS0 NS1 || return 1
	ip link add vrg0 netns "$NS0" type "$1" peer name vrg1 netns "$NS1" || return 1
	hr_both
	out+=("alone $HR")
	ip -n "$NS1" -b - <<<"link add br0 type bridge
link add vxl0 type vxlan id 42 dstport 4789
link set vxl0 master br0" || return 1
	hr "$NS1" vxl0
	out+=("vxlan $HR")
	ip -n "$NS1" link set vrg1 master br0
	hr_both
	out+=("vrg1-bridged $HR")
	ip -n "$NS0" -b - <<<"link add br0 type bridge
link set vrg0 master br0"
	hr_both
	out+=("vrg0-bridged-too $HR")
	ip -n "$NS1" link set vxl0 nomaster
	hr_both
	out+=("vxlan-gone $HR")
	ip -n "$NS1" link set vxl0 master br0
	hr_both
	out+=("vxlan-back $HR")
	ip -n "$NS1" link set vrg1 nomaster
	hr_both
	out+=("vrg1-unbridged $HR")
	echo "${out[*]}"
}

rx_headroom_like_veth() {
	local name="datapath: ndo_set_rx_headroom from a bridge, as C veth" mine theirs
	if ! require_c_veth || ! hr_probe; then
		hr_probe_off
		log_skip "$name" "needs veth.ko and kprobe events with BTF arguments (debug flavour)"
		return
	fi
	mine=$(rx_headroom_of veth_rs)
	check_err $? "veth_rs set-up: $mine"
	theirs=$(rx_headroom_of veth)
	check_err $? "veth set-up: $theirs"
	hr_probe_off
	echo "# veth_rs: $mine"
	echo "# veth:    $theirs"
	local v=
	[[ $mine =~ .*vxlan\ ([0-9]*) ]] && v=${BASH_REMATCH[1]}
	check_eq "$mine" "alone 0/0 vxlan $v vrg1-bridged $v/$v vrg0-bridged-too $v/$v vxlan-gone 0/0 vxlan-back $v/$v vrg1-unbridged 0/0" \
		"headroom of the ends"
	[ "${v:-0}" -gt 0 ]
	check_err $? "the VXLAN port has no headroom: nothing was asked of the pair"
	check_eq "$mine" "$theirs" "veth_rs and veth"
	log_test "$name"
}

require_veth_rs || exit $ksft_skip
tests_run
