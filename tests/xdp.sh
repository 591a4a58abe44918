#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Native XDP on veth_rs (ndo_bpf, ndo_xdp_xmit): each verdict with packet
# counts on both ends, redirect out of and into veth_rs, the attach rules
# and errors compared with the C veth, feature changes on the peer, and
# attach/detach with GRO and channel changes under traffic; redirect into
# a cpumap and an AF_XDP socket (tests/xsk.py). The programs
# are built from tests/bpf/ by `make bpf`.
# make-check: cpus=1 seconds=125 smp=xdp_changes_under_traffic smp-seconds=20 (XDP, GRO and channel changes under traffic)
ALL_TESTS="xdp_attach_detach xdp_errors_like_veth xdp_pass_counts xdp_drop_counts
	xdp_tx_back_to_sender xdp_tx_without_peer_napi xdp_redirect_out_and_in
	xdp_redirect_cpumap xdp_redirect_xsk xdp_metadata_like_veth
	xdp_changes_under_traffic"
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

BPF=$VETH_RS_TOP/tests/bpf
# A private bpffs for the pins of the programs that bpftool loads (the
# VM's /sys/fs/bpf is not usable for that).
BPFFS=/tmp/veth_rs_bpffs
PIN=$BPFFS/veth_rs_redirect


# Removes the pins of load_pinned; no rm process when there are none.
unpin() {
	if [ -e "$PIN" ] || [ -e "${PIN}_maps" ]; then
		rm -rf "$PIN" "${PIN}_maps"
	fi
}

bpffs_up() {
	[ -d "$BPFFS" ] || mkdir -p "$BPFFS"
	is_mounted "$BPFFS" || mount -t bpf bpf "$BPFFS" || return 1
	unpin 2>/dev/null
	# No dot in these names: bpffs refuses them, libbpf rewrites them.
	[ ! -e "$PIN" ] && mkdir "${PIN}_maps"
}

# load_pinned NAME [NS DEV]: loads tests/bpf/NAME.bpf.o with bpftool, the
# program pinned at $PIN and its maps under ${PIN}_maps (so that the test
# can fill them); with NS and DEV, bound to device DEV of namespace NS (as
# programs calling the XDP metadata kfuncs must be). Prints what is there
# and fails when it cannot.
load_pinned() {
	local net=() bind=()
	[ $# -ge 3 ] && net=(nsenter --net="/run/netns/$2") bind=(xdpmeta_dev "$3")
	bpffs_up && "${net[@]}" bpftool prog load "$BPF/$1.bpf.o" "$PIN" type xdp \
		pinmaps "${PIN}_maps" "${bind[@]}" && return 0
	echo "# bpffs: $(mount | grep -c ' type bpf ') mounts; $(ls -la "$BPFFS" 2>&1 | tr '\n' ' ')"
	return 1
}

# A pair vx0 (NS0, 10.3.3.2) <-> vx1 (NS1, 10.3.3.3) of kind $1 (default
# veth_rs) with $2 queues (default: the driver's), ARP resolved.
make_pair() {
	local kind=${1:-veth_rs}
	setup_ns NS0 NS1 && pair_up "$kind" "${2:--}" "$NS0" vx0 10.3.3.2/24 "$NS1" vx1 10.3.3.3/24
}

# attach NS DEV PROG: native XDP program tests/bpf/PROG.bpf.o on DEV,
# replacing any.
attach() {
	ip -force -n "$1" link set dev "$2" xdpdrv obj "$BPF/$3.bpf.o" sec xdp
}

detach() {
	ip -n "$1" link set dev "$2" xdpdrv off
}

# qstat NS DEV NAME...: for each NAME, the sum over the queues of DEV of
# its ethtool counter *_queue_N_NAME; several NAMEs are read from one
# ethtool run and printed on one line:
#   read -r a b < <(qstat NS DEV NAME_A NAME_B)
qstat() {
	local out k v i names=("${@:3}") sums=()
	out=$(in_ns "$1" ethtool -S "$2")
	for i in "${!names[@]}"; do
		sums[i]=0
	done
	while read -r k v; do
		for i in "${!names[@]}"; do
			[[ $k =~ _queue_[0-9]+_${names[i]}:$ ]] && sums[i]=$((sums[i] + v))
		done
	done <<<"$out"
	echo "${sums[*]}"
}

# tso NS DEV: DEV's tcp-segmentation-offload (on or off) by ethtool -k.
tso() {
	local out k v rest
	out=$(in_ns "$1" ethtool -k "$2")
	while read -r k v rest; do
		[ "$k" = tcp-segmentation-offload: ] && echo "$v"
	done <<<"$out"
}

# ping_n N: N pings NS0 -> 10.3.3.3 (their outcome is the caller's);
# prints how many were answered.
ping_n() {
	local out re=' ([0-9]*) received'
	out=$(in_ns "$NS0" ping -c "$1" -i 0.05 -W 1 10.3.3.3 2>/dev/null)
	# From the summary line "N packets transmitted, M received, ...".
	if [[ $out =~ $re ]]; then
		echo "${BASH_REMATCH[1]}"
	fi
}


xdp_attach_detach() {
	local name="xdp: attach and detach, peer features follow" out
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	attach "$NS1" vx1 xdp_pass
	check_err $? "attach xdp_pass"
	out=$(ip -n "$NS1" -d link show vx1)
	[[ $out == *'prog/xdp id'* ]]
	check_err $? "ip link does not show the program"
	# The peer gives up GSO (and TSO) and its max MTU shrinks to a page.
	check_eq "$(tso "$NS0" vx0)" off "peer TSO with XDP"
	local maxmtu=
	out=$(ip -n "$NS0" -d link show vx0)
	[[ $out =~ maxmtu\ ([0-9]*) ]] && maxmtu=${BASH_REMATCH[1]}
	[ -n "$maxmtu" ] && [ "$maxmtu" -lt 4096 ]
	check_err $? "peer max MTU with XDP: $maxmtu"
	ip -n "$NS0" link set vx0 mtu 9000 2>/dev/null
	check_fail $? "peer MTU 9000 accepted with XDP on the other end"
	detach "$NS1" vx1
	check_err $? "detach"
	out=$(ip -n "$NS1" -d link show vx1)
	[[ $out == *prog/xdp* ]]
	check_fail $? "program still shown after detach"
	check_eq "$(tso "$NS0" vx0)" on "peer TSO after detach"
	ip -n "$NS0" link set vx0 mtu 9000
	check_err $? "peer MTU 9000 after detach"
	# Attach while down, then up: traffic flows through the program.
	ip -n "$NS0" link set vx0 mtu 1500
	ip -n "$NS1" link set vx1 down
	attach "$NS1" vx1 xdp_pass
	check_err $? "attach while down"
	ip -n "$NS1" link set vx1 up
	check_eq "$(ping_n 3)" 3 "pings with the program attached while down"
	[ "$(qstat "$NS1" vx1 xdp_packets)" -ge 3 ]
	check_err $? "NAPI counters with a program attached while down"
	cleanup_ns
	log_test "$name"
}

# What the kernel answers (first error line, or "ok") for kind $1: attach
# with the peer's MTU too big, attach with fewer rx queues than the peer
# has tx queues, a valid attach, then shrinking rx channels below the
# peer's tx queues while attached.
xdp_errors_of() {
	local kind=$1 out=()
	setup_ns NS0 NS1 || return 1
	ip link add ve0 netns "$NS0" numtxqueues 2 numrxqueues 2 type "$kind" \
		peer name ve1 netns "$NS1" numtxqueues 2 numrxqueues 2 || return 1
	ip -n "$NS0" link set ve0 mtu 9000
	out+=("mtu=$(answer ip -n "$NS1" link set dev ve1 xdpdrv obj "$BPF/xdp_pass.bpf.o" sec xdp)")
	ip -n "$NS0" link set ve0 mtu 1500
	in_ns "$NS1" ethtool -L ve1 rx 1 tx 1
	in_ns "$NS0" ethtool -L ve0 rx 1 tx 2
	out+=("rxq=$(answer ip -n "$NS1" link set dev ve1 xdpdrv obj "$BPF/xdp_pass.bpf.o" sec xdp)")
	in_ns "$NS1" ethtool -L ve1 rx 2 tx 1
	out+=("attach=$(answer ip -n "$NS1" link set dev ve1 xdpdrv obj "$BPF/xdp_pass.bpf.o" sec xdp)")
	out+=("shrink=$(answer in_ns "$NS1" ethtool -L ve1 rx 1)")
	local IFS=';'
	echo "${out[*]}"
	cleanup_ns
}

# answer CMD...: "ok", or the command's first error line with the driver's
# name (in extack messages) taken out.
answer() {
	local err
	if err=$("$@" 2>&1 >/dev/null); then
		echo ok
	else
		err=${err%%$'\n'*}
		err=${err//veth_rs: /}
		echo "${err//veth: /}"
	fi
}

xdp_errors_like_veth() {
	local name="xdp: attach errors and channel limits as veth" c rs
	require_c_veth || { log_skip "$name" "no C veth"; return; }
	c=$(xdp_errors_of veth)
	rs=$(xdp_errors_of veth_rs)
	echo "# veth: $c; veth_rs: $rs"
	check_eq "$rs" "$c" "results"
	# Neither may succeed where XDP would break.
	case $rs in *mtu=ok* | *rxq=ok* | *shrink=ok*) check_err 1 "a bad request succeeded: $rs" ;; esac
	case $rs in *attach=ok*) ;; *) check_err 1 "a valid attach failed: $rs" ;; esac
	log_test "$name"
}

xdp_pass_counts() {
	local name="xdp: XDP_PASS delivers and counts" before after pkts bytes drops
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	attach "$NS1" vx1 xdp_pass || check_err 1 "attach"
	before=$(link_stat "$NS1" vx1 rx_packets)
	check_eq "$(ping_n 10)" 10 "pings answered"
	after=$(link_stat "$NS1" vx1 rx_packets)
	[ $((after - before)) -ge 10 ]
	check_err $? "rx_packets moved by $((after - before))"
	read -r pkts bytes drops < <(qstat "$NS1" vx1 xdp_packets xdp_bytes xdp_drops)
	check_ge "$pkts" 10 "rx_queue xdp_packets"
	# Bytes as veth.c counts them: the skb's length after the ethernet
	# header is pulled (84 per ping).
	check_ge "$bytes" 840 "rx_queue xdp_bytes"
	check_eq "$drops" 0 "xdp_drops"
	# A TCP stream through the program (skbs copied into page-pool pages
	# when they lack headroom).
	in_ns "$NS1" iperf3 -s -1 -D -B 10.3.3.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	timeout 60 nsenter --net="/run/netns/$NS0" -- iperf3 -c 10.3.3.3 -t 2 >/dev/null 2>&1
	check_err $? "TCP through XDP_PASS"
	cleanup_ns
	log_test "$name"
}

xdp_drop_counts() {
	local name="xdp: XDP_DROP drops and counts" drops
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	attach "$NS1" vx1 xdp_drop || check_err 1 "attach"
	check_eq "$(ping_n 5)" 0 "pings answered through XDP_DROP"
	drops=$(qstat "$NS1" vx1 xdp_drops)
	[ "$drops" -ge 5 ]
	check_err $? "rx_queue xdp_drops: $drops"
	detach "$NS1" vx1
	check_eq "$(ping_n 3)" 3 "pings after detach"
	cleanup_ns
	log_test "$name"
}

xdp_tx_back_to_sender() {
	local name="xdp: XDP_TX sends back through the peer" before after tx txerr
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	# The sender's end needs NAPI to take frames: GRO on.
	in_ns "$NS0" ethtool -K vx0 gro on
	attach "$NS1" vx1 xdp_tx || check_err 1 "attach"
	before=$(link_stat "$NS0" vx0 rx_packets)
	ping_n 10 >/dev/null
	after=$(link_stat "$NS0" vx0 rx_packets)
	read -r tx txerr < <(qstat "$NS1" vx1 xdp_tx xdp_tx_errors)
	[ "$tx" -ge 10 ]
	check_err $? "rx_queue xdp_tx: $tx"
	[ $((after - before)) -ge 10 ]
	check_err $? "sender received $((after - before)) packets back"
	check_eq "$txerr" 0 "xdp_tx_errors"
	cleanup_ns
	log_test "$name"
}

xdp_tx_without_peer_napi() {
	local name="xdp: XDP_TX to a peer without NAPI counts errors, as veth" err rxd txd
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	attach "$NS1" vx1 xdp_tx || check_err 1 "attach"
	ping_n 5 >/dev/null
	err=$(qstat "$NS1" vx1 xdp_tx_errors)
	[ "$err" -ge 5 ]
	check_err $? "rx_queue xdp_tx_errors: $err"
	read -r rxd txd < <(link_stat "$NS1" vx1 rx_dropped tx_dropped)
	[ "$rxd" -ge 5 ] || [ "$txd" -ge 5 ]
	check_err $? "drops not in the link stats"
	cleanup_ns
	log_test "$name"
}

# redirect_target KIND: the pair that tests/bpf/xdp_redirect.bpf.c sends
# to: vy0 at ifindex 4242 (the program's target) in NS1, its peer vy1 in a
# new namespace NS2, both up.
redirect_target() {
	setup_ns NS2 || return 1
	ip link add vy0 index 4242 netns "$NS1" type "$1" peer name vy1 netns "$NS2" || return 1
	ip -n "$NS1" link set vy0 up && ip -n "$NS2" link set vy1 up
}

# vx1 redirects IPv4 to vy0 (also in NS1), whose peer vy1 sits in NS2:
# out of veth_rs by XDP_REDIRECT, into veth_rs by ndo_xdp_xmit.
xdp_redirect_out_and_in() {
	local name="xdp: XDP_REDIRECT out of one pair into another" ifidx before after
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	redirect_target veth_rs || { check_err 1 "redirect target"; log_test "$name"; return; }
	# ndo_xdp_xmit into vy0 needs NAPI on vy1.
	in_ns "$NS2" ethtool -K vy1 gro on
	attach "$NS1" vx1 xdp_redirect
	check_err $? "attach xdp_redirect"
	before=$(link_stat "$NS2" vy1 rx_packets)
	ping_n 10 >/dev/null
	after=$(link_stat "$NS2" vy1 rx_packets)
	[ $((after - before)) -ge 10 ]
	check_err $? "vy1 received $((after - before)) redirected packets"
	check_ge "$(qstat "$NS1" vx1 xdp_redirect)" 10 "vx1 rx_queue xdp_redirect"
	check_ge "$(qstat "$NS1" vy0 xdp_xmit)" 10 "vy0 tx_queue xdp_xmit"
	# Without NAPI on vy1, vy0 stops advertising ndo-xmit: the redirect
	# fails and vx1 counts the packets as dropped (rx_queue_N_drops).
	in_ns "$NS2" ethtool -K vy1 gro off
	local drops=$(qstat "$NS1" vx1 drops)
	ping_n 5 >/dev/null
	check_ge $(($(qstat "$NS1" vx1 drops) - drops)) 5 "vx1 drops without NAPI on vy1 (from $drops)"
	detach "$NS1" vx1
	cleanup_ns
	log_test "$name"
}

# vx1 redirects IPv4 into a cpumap: CPU 0's kthread builds skbs of the
# frames and hands them to vx1's stack, so pings are still answered.
xdp_redirect_cpumap() {
	local name="xdp: XDP_REDIRECT into a cpumap, delivered by its kthread"
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	if ! load_pinned xdp_cpumap; then
		cleanup_ns
		log_skip "$name" "cannot load and pin the program with bpftool in this VM"
		return
	fi
	# Entry 0: CPU 0, a 192-frame queue, no program of its own.
	bpftool map update pinned "${PIN}_maps/veth_rs_cpu" key 0 0 0 0 value 192 0 0 0 0 0 0 0
	check_err $? "cpumap update"
	nsenter --net="/run/netns/$NS1" bpftool net attach xdpdrv pinned "$PIN" dev vx1
	check_err $? "attach xdp_cpumap"
	check_eq "$(ping_n 10)" 10 "pings answered through the cpumap"
	check_ge "$(qstat "$NS1" vx1 xdp_redirect)" 10 "vx1 rx_queue xdp_redirect"
	detach "$NS1" vx1
	unpin
	cleanup_ns
	log_test "$name"
}

# vx1 redirects IPv4 UDP into an AF_XDP socket (tests/xsk.py, copy mode)
# bound to its queue 0: the frames must reach the socket's RX ring with
# their payload, counted as redirects, while other traffic still passes.
xdp_redirect_xsk() {
	local name="xdp: XDP_REDIRECT into an AF_XDP socket (copy mode)" out pid rc lines text=
	make_pair || { check_err 1 "pair setup"; log_test "$name"; return; }
	if ! load_pinned xdp_xsk; then
		cleanup_ns
		log_skip "$name" "cannot load and pin the program with bpftool in this VM"
		return
	fi
	nsenter --net="/run/netns/$NS1" bpftool net attach xdpdrv pinned "$PIN" dev vx1
	check_err $? "attach xdp_xsk"
	out=$(mktemp)
	# nsenter, not in_ns, for what runs in the background: $! is then the
	# program itself, not a subshell around it.
	nsenter --net="/run/netns/$NS1" -- python3 -S "$TESTS_DIR/xsk.py" --dev vx1 \
		--map "${PIN}_maps/veth_rs_xsks" --expect 5 --timeout 120 >"$out" 2>&1 &
	pid=$!
	wait_for "ready_in $out || ! kill -0 $pid 2>/dev/null" 120
	# Ten datagrams with the marker the receiver looks for.
	in_ns "$NS0" bash -c 'for i in 1 2 3 4 5 6 7 8 9 10; do
		echo "veth_rs-xsk $i" >/dev/udp/10.3.3.3/9; done'
	wait "$pid"
	rc=$?
	# What tr '\n' ' ' made of it.
	mapfile -t lines <"$out"
	[ ${#lines[@]} -eq 0 ] || printf -v text '%s ' "${lines[@]}"
	echo "# $text"
	check_err $rc "AF_XDP socket did not get the frames"
	check_ge "$(qstat "$NS1" vx1 xdp_redirect)" 5 "vx1 rx_queue xdp_redirect"
	check_eq "$(ping_n 3)" 3 "pings (not redirected) answered"
	rm -f "$out"
	detach "$NS1" vx1
	unpin
	cleanup_ns
	log_test "$name"
}

# ready_in FILE: whether a line of FILE begins with "ready" (grep -q
# '^ready' without a process at every look).
ready_in() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line == ready* ]] && return 0
	done <"$1"
	return 1
}

# meta_read N: what tests/bpf/xdp_meta.bpf.c recorded, as one line, once
# it has seen N datagrams (or after 10 s: the line then shows fewer). One
# bpftool and one jq per look, as a look is most of the case's time.
meta_read() {
	local m="${PIN}_maps/veth_rs_meta" line i
	for ((i = 0; i < 50; i++)); do
		line=$(bpftool -j map lookup pinned "$m" key 0 0 0 0 |
			jq -r '.formatted.value | "n=\(.packets) ts=\(.ts_ret)/\(.timestamp)" +
				" hash=\(.hash_ret)/\(.hash)/\(.rss_type)" +
				" vlan=\(.vlan_ret)/\(.vlan_proto)/\(.vlan_tci)"')
		[[ $line =~ ^n=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge "$1" ] && break
		nap 0.2
	done
	echo "$line"
}

# send_udp NS ADDR: one datagram to ADDR:7777 from source port 5555 (the
# same flow, thus the same flow hash, whatever the driver).
send_udp() {
	in_ns "$1" socat -u - "UDP4-SENDTO:$2:7777,sourceport=5555" <<<veth_rs-meta
}

# meta_of KIND: what the XDP metadata kfuncs answer on the receiving end
# of a pair of kind KIND, for a datagram whose skb came from the peer,
# the same datagram through VLAN 5 on top of the pair (tag offloaded into
# the skb), and a frame that came in by ndo_xdp_xmit (no skb behind it).
meta_of() {
	local rc
	meta_steps "$@"
	rc=$?
	unpin
	cleanup_ns
	return $rc
}

meta_steps() {
	local kind=$1 out=()
	make_pair "$kind" || return 1
	load_pinned xdp_meta "$NS1" vx1 || return 1
	nsenter --net="/run/netns/$NS1" bpftool net attach xdpdrv pinned "$PIN" dev vx1 || return 1
	send_udp "$NS0" 10.3.3.3
	out+=("skb: $(meta_read 1)")
	# The tag as tx VLAN offload leaves it: in the skb, not in the frame
	# (tests/bpf/tc_vlan_push.bpf.c on vx0's egress).
	tc -n "$NS0" qdisc add dev vx0 clsact &&
		tc -n "$NS0" filter add dev vx0 egress bpf da \
			obj "$BPF/tc_vlan_push.bpf.o" sec tc || return 1
	send_udp "$NS0" 10.3.3.3
	out+=("vlan: $(meta_read 2)")
	tc -n "$NS0" qdisc del dev vx0 clsact
	# Frames: vx1 redirects to vy0 (ifindex 4242), whose peer vy1 (NS2)
	# runs the program on what ndo_xdp_xmit put in its ring.
	detach "$NS1" vx1
	redirect_target "$kind" || return 1
	load_pinned xdp_meta "$NS2" vy1 || return 1
	nsenter --net="/run/netns/$NS2" bpftool net attach xdpdrv pinned "$PIN" dev vy1 || return 1
	attach "$NS1" vx1 xdp_redirect || return 1
	send_udp "$NS0" 10.3.3.3
	out+=("frame: $(meta_read 1)")
	detach "$NS1" vx1
	local IFS=';'
	echo "${out[*]}"
}

# xdp_metadata_ops: the driver's answers, checked against what they must
# be and against C veth's for the same datagrams in the same boot (the
# flow hash included: same flow, same boot key).
xdp_metadata_like_veth() {
	local name="xdp: metadata kfuncs (timestamp, hash, VLAN) as C veth" mine theirs
	if [ ! -e /sys/kernel/btf/vmlinux ] || ! require_c_veth; then
		log_skip "$name" "needs kernel BTF (debug flavour) and veth.ko"
		return
	fi
	mine=$(meta_of veth_rs)
	check_err $? "veth_rs set-up: $mine"
	echo "# veth_rs: $mine"
	theirs=$(meta_of veth)
	check_err $? "veth set-up: $theirs"
	echo "# veth:    $theirs"
	# An skb from the peer: timestamp 0, an L4 hash (XDP_RSS_TYPE_L4_ANY
	# = 8), no tag (-ENODATA); the tagged one: 0x8100, VLAN 5; frames:
	# -ENODATA from all three.
	[[ $mine =~ ^"skb: n=1 ts=0/0 hash=0/"[1-9][0-9]*"/8 vlan=-61/0/0;vlan: n=2 ts=0/0 hash=0/"[1-9][0-9]*"/8 vlan=0/33024/5;frame: n=1 ts=-61/0 hash=-61/0/0 vlan=-61/0/0"$ ]]
	check_err $? "unexpected answers: $mine"
	check_eq "$mine" "$theirs" "veth_rs and veth answers"
	log_test "$name"
}

xdp_changes_under_traffic() {
	local name="xdp: attach/detach, GRO and channels under traffic" i
	make_pair veth_rs 2 || { check_err 1 "pair setup"; log_test "$name"; return; }
	in_ns "$NS1" iperf3 -s -1 -D -B 10.3.3.3 --logfile /dev/null
	wait_for "iperf3_listening $NS1" 10
	# Traffic for as long as the changes take (stopped after them), not
	# for a fixed time. nsenter, not in_ns: $! must be the pid that kill
	# stops, not a subshell around it.
	timeout 120 nsenter --net="/run/netns/$NS0" -- iperf3 -c 10.3.3.3 -t 100 >/dev/null 2>&1 &
	local tcp=$!
	nsenter --net="/run/netns/$NS0" -- ping -f -w 100 10.3.3.3 >/dev/null 2>&1 &
	local flood=$!
	nap 1
	for i in 1 2; do
		attach "$NS1" vx1 xdp_pass || check_err 1 "attach $i"
		in_ns "$NS1" ethtool -K vx1 gro on
		in_ns "$NS1" ethtool -L vx1 rx 1 tx 1 2>/dev/null
		in_ns "$NS1" ethtool -L vx1 rx 2 tx 2 || check_err 1 "channels $i"
		attach "$NS1" vx1 xdp_drop || check_err 1 "replace $i"
		in_ns "$NS1" ethtool -K vx1 gro off
		detach "$NS1" vx1 || check_err 1 "detach $i"
		# Down, attach while down, up, detach: one ip run, -force so
		# that the batch goes on after a failure, as the four unchecked
		# commands did (and attach's replace flag).
		ip -force -n "$NS1" -b - <<EOF
link set vx1 down
link set dev vx1 xdpdrv obj $BPF/xdp_pass.bpf.o sec xdp
link set vx1 up
link set dev vx1 xdpdrv off
EOF
	done
	kill "$tcp" "$flood" 2>/dev/null
	wait "$tcp" "$flood"
	check_eq "$(ping_n 3)" 3 "pings after the changes"
	cleanup_ns
	log_test "$name"
}

unmount_bpffs() {
	is_mounted "$BPFFS" && umount "$BPFFS"
	return 0
}
CLEANUP_HOOK=unmount_bpffs

tests_run
