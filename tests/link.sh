#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control path of veth_rs as userspace sees it, checked against what C veth
# does where it says so: names, peer options, carrier, drops, ethtool,
# iflink and link-netns, MAC and MTU, features, every deletion path,
# rmmod with live pairs, and autoload.
# make-check: cpus=1 seconds=30 initns=all alone=rmmod_live_pairs,autoload (deletes every veth of the init namespace; two cases unload veth_rs)
ALL_TESTS="default_names peer_options queues_like_veth carrier drops_visible
	ethtool_info iflink_netns mac_handling mtu_range features_like_veth
	xdp_features_like_veth delete_either_end delete_netns rmmod_live_pairs autoload"
. "$(dirname "$0")/lib.sh"

cleanup_links() { del_links_of_kind veth_rs veth; }
CLEANUP_HOOK=cleanup_links

ifindex() { cat "/sys/class/net/$1/ifindex"; }

default_names() {
	local names
	ip link add type veth_rs
	check_err $? "ip link add type veth_rs failed"
	names=$(ip -j -d link show type veth_rs | jq -r '[.[].ifname] | sort | join(" ")')
	check_eq "$names" "veth_rs0 veth_rs1" "devices made without names"
	check_eq "$(cat /sys/class/net/veth_rs0/iflink)" "$(ifindex veth_rs1)" "iflink of veth_rs0"
	ip link del veth_rs0
	log_test "link: unnamed pair gets veth_rs%d names"
}

peer_options() {
	setup_ns NSP
	ip link add vrpa type veth_rs peer name vrpb netns "$NSP" address 02:11:22:33:44:55 mtu 9000
	check_err $? "add with peer options failed"
	check_eq "$(ip netns exec "$NSP" cat /sys/class/net/vrpb/address)" "02:11:22:33:44:55" "peer MAC"
	check_eq "$(ip netns exec "$NSP" cat /sys/class/net/vrpb/mtu)" 9000 "peer MTU"
	check_eq "$(ip netns exec "$NSP" cat /sys/class/net/vrpb/addr_assign_type)" 3 "peer addr_assign_type (set)"
	check_eq "$(cat /sys/class/net/vrpa/addr_assign_type)" 1 "random MAC of the first end"
	check_eq "$(cat /sys/class/net/vrpa/mtu)" 1500 "first end's MTU"
	ip link del vrpa
	log_test "link: peer name, netns, MAC and MTU options"
}

# The same queue requests give the same counts as C veth.
queues_like_veth() {
	local k out
	require_c_veth || { log_skip "link: queue counts like veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		ip link add "vrq$k" numtxqueues 2 numrxqueues 2 type "$k" peer name "vrQ$k" numtxqueues 3 numrxqueues 1 || check_err 1 "$k add"
		out[${#out[@]}]="$(ls /sys/class/net/vrq$k/queues | tr '\n' ' ') / $(ls /sys/class/net/vrQ$k/queues | tr '\n' ' ')"
		ip link del "vrq$k"
	done
	check_eq "${out[1]}" "${out[0]}" "queues of veth_rs vs veth"
	log_test "link: queue counts as veth (${out[1]})"
}

carrier() {
	ip link add vrca type veth_rs peer name vrcb
	check_eq "$(cat /sys/class/net/vrca/operstate)" down "operstate, both down"
	ip link set vrca up
	check_eq "$(cat /sys/class/net/vrca/carrier)" 0 "carrier of the up end, peer down"
	ip link set vrcb up
	wait_for '[ "$(cat /sys/class/net/vrca/carrier)" = 1 ]'
	check_eq "$(cat /sys/class/net/vrca/carrier)" 1 "carrier of vrca, both up"
	check_eq "$(cat /sys/class/net/vrcb/carrier)" 1 "carrier of vrcb, both up"
	ip link set vrcb down
	check_eq "$(cat /sys/class/net/vrca/carrier)" 0 "carrier of vrca after the peer went down"
	ip link set vrcb up
	check_eq "$(cat /sys/class/net/vrca/carrier)" 1 "carrier of vrca after the peer came back"
	ip link del vrca
	log_test "link: carrier on only while both ends are up"
}

# Frames sent while the peer is down are dropped and counted as tx drops.
drops_visible() {
	local before after
	ip link add vrda type veth_rs peer name vrdb
	ip link set vrda up
	before=$(cat /sys/class/net/vrda/statistics/tx_dropped)
	python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("vrda", 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"\0" * 50
for _ in range(5):
    s.send(frame)
PY
	check_err $? "could not send on a packet socket"
	after=$(cat /sys/class/net/vrda/statistics/tx_dropped)
	check_eq "$((after - before))" 5 "tx_dropped increase"
	check_eq "$(cat /sys/class/net/vrdb/statistics/rx_packets)" 0 "rx_packets of the down peer"
	ip link del vrda
	log_test "link: frames to a down peer are counted as drops"
}

ethtool_info() {
	local out
	ip link add vrea type veth_rs peer name vreb
	out=$(ethtool -i vrea)
	echo "$out" | grep -qx 'driver: veth_rs'
	check_err $? "ethtool -i driver: $(echo "$out" | head -1)"
	out=$(ethtool vrea)
	echo "$out" | grep -q 'Speed: 10000Mb/s'
	check_err $? "speed not 10000Mb/s"
	echo "$out" | grep -q 'Duplex: Full'
	check_err $? "duplex not full"
	echo "$out" | grep -q 'Port: Twisted Pair'
	check_err $? "port not TP"
	out=$(ethtool -S vrea)
	check_eq "$(echo "$out" | awk '/peer_ifindex:/ {print $2}')" "$(ifindex vreb)" "ethtool -S peer_ifindex"
	ethtool -T vrea | grep -q 'software-transmit'
	check_err $? "ethtool -T lacks software-transmit"
	ethtool -l vrea | grep -q 'RX:'
	check_err $? "ethtool -l gives no channels"
	ip link del vrea
	log_test "link: ethtool -i, settings, -S peer_ifindex, -T, -l"
}

iflink_netns() {
	local out
	setup_ns NSI
	ip link add vria type veth_rs peer name vrib netns "$NSI"
	check_eq "$(ip netns exec "$NSI" cat /sys/class/net/vrib/iflink)" "$(ifindex vria)" "iflink of vrib"
	out=$(ip -d link show vria)
	echo "$out" | grep -q "vria@if"
	check_err $? "ip link does not show vria@ifN"
	echo "$out" | grep -q "link-netns $NSI"
	check_err $? "ip -d link does not show link-netns $NSI"
	echo "$out" | grep -q "veth_rs"
	check_err $? "ip -d link does not show the kind"
	ip link del vria
	log_test "link: iflink, @peer and link-netns"
}

mac_handling() {
	ip link add vrma type veth_rs peer name vrmb
	ip link set vrma up
	ip link set vrma address 02:aa:bb:cc:dd:ee
	check_err $? "live MAC change refused"
	check_eq "$(cat /sys/class/net/vrma/address)" 02:aa:bb:cc:dd:ee "MAC after live change"
	ip link set vrma address 01:00:5e:00:00:01 2>/dev/null
	check_fail $? "multicast MAC accepted"
	ip link del vrma
	ip link add vrma address 01:02:03:04:05:06 type veth_rs peer name vrmb 2>/dev/null
	check_fail $? "pair with multicast MAC made"
	ip link add vrma type veth_rs peer name vrmb address 00:00:00:00:00:00 2>/dev/null
	check_fail $? "pair with zero peer MAC made"
	ip link show vrma >/dev/null 2>&1
	check_fail $? "vrma left behind"
	log_test "link: live MAC change; multicast and zero MACs refused"
}

mtu_range() {
	local m
	ip link add vrua type veth_rs peer name vrub
	for m in 68 65535 1500; do
		ip link set vrua mtu $m
		check_err $? "MTU $m refused"
	done
	for m in 67 65536; do
		ip link set vrua mtu $m 2>/dev/null
		check_fail $? "MTU $m accepted"
	done
	check_eq "$(cat /sys/class/net/vrua/mtu)" 1500 "MTU after refused changes"
	ip link del vrua
	ip link add vrua mtu 67 type veth_rs peer name vrub 2>/dev/null
	check_fail $? "pair with MTU 67 made"
	ip link add vrua type veth_rs peer name vrub mtu 65536 2>/dev/null
	check_fail $? "pair with peer MTU 65536 made"
	log_test "link: MTU range 68-65535"
}

features_like_veth() {
	local k f d
	require_c_veth || { log_skip "link: features as veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		ip link add "vrf$k" type "$k" peer name "vrF$k"
		ethtool -k "vrf$k" | grep -v '^Features for' >"/tmp/features.$k"
		f=$(ip -d link show "vrf$k" | grep -o 'qdisc [a-z_]*\|tso_max_size [0-9]*\|gso_max_size [0-9]*\|maxmtu [0-9]*' | tr '\n' ' ')
		echo "$f" >>"/tmp/features.$k"
		ip link del "vrf$k"
	done
	d=$(diff /tmp/features.veth /tmp/features.veth_rs)
	check_err $? "ethtool -k / ip -d link differ from veth: $(echo "$d" | tr '\n' ' ' | head -c 400)"
	rm -f /tmp/features.veth /tmp/features.veth_rs
	log_test "link: features, qdisc, TSO/GSO limits and max MTU as veth"
}

# xdp_features: "END FEATURE,..." for each end vx* of the init namespace,
# as the netdev netlink family reports them (the kernel tree's ynl CLI,
# one dump for every device: its start costs ~10 s in the debug VM).
xdp_features() {
	local y
	y=$(python3 "$VETH_RS_KSRC/tools/net/ynl/pyynl/cli.py" --family netdev --dump dev-get --output-json --no-schema) || return 1
	ip -j link show | jq -r --argjson y "$y" '
		($y | map({key: (.ifindex | tostring), value: (."xdp-features" | sort | join(","))}) | from_entries) as $f
		| .[] | select(.ifname | test("^vx[aAbB]")) | "\(.ifname) \($f[.ifindex | tostring] // "-")"' | sort
}

# Two pairs per driver, both states in one dump: vxa-vxA as made, vxb-vxB
# with GRO on at vxB and both ends up.
xdp_features_like_veth() {
	local name="link: XDP features advertised as veth's (netdev netlink), when made and with GRO and up" k f
	require_c_veth || { log_skip "$name" "no veth.ko"; return; }
	[ -f "${VETH_RS_KSRC:-/nonexistent}/tools/net/ynl/pyynl/cli.py" ] || { log_skip "$name" "no ynl CLI in the kernel tree"; return; }
	for k in veth veth_rs; do
		printf 'link add vx%s%s type %s peer name vx%s%s\n' a "$k" "$k" A "$k" b "$k" "$k" B "$k"
	done | ip -b -
	check_err $? "pairs not made"
	for k in veth veth_rs; do
		ethtool -K "vxB$k" gro on >/dev/null
		ip -b - <<<"link set vxb$k up"$'\n'"link set vxB$k up"
	done
	f=$(xdp_features) || check_err 1 "ynl dump failed"
	echo "# $(tr '\n' ' ' <<<"$f")"
	check_eq "$(grep '_rs ' <<<"$f" | sed 's/_rs / /')" "$(grep -v '_rs ' <<<"$f")" "XDP features of veth_rs and veth ends"
	check_eq "$(grep '^vxaveth_rs ' <<<"$f")" "vxaveth_rs basic,redirect,rx-sg" "XDP features of a new veth_rs end"
	check_eq "$(grep '^vxbveth_rs ' <<<"$f")" "vxbveth_rs basic,ndo-xmit,ndo-xmit-sg,redirect,rx-sg" "XDP features of an end whose peer has GRO"
	ip -b - <<<$'link del vxaveth\nlink del vxaveth_rs\nlink del vxbveth\nlink del vxbveth_rs'
	log_test "$name"
}

delete_either_end() {
	ip link add vrxa type veth_rs peer name vrxb
	ip link del vrxb
	check_err $? "delete of the peer end failed"
	ip link show vrxa >/dev/null 2>&1
	check_fail $? "vrxa survived the deletion of vrxb"
	ip link add vrxa type veth_rs peer name vrxb
	ip link del vrxa
	ip link show vrxb >/dev/null 2>&1
	check_fail $? "vrxb survived the deletion of vrxa"
	log_test "link: deleting either end deletes both"
}

delete_netns() {
	local ns
	setup_ns NSD
	ip link add vrna type veth_rs peer name vrnb netns "$NSD"
	ip link set vrna up
	ip -n "$NSD" link set vrnb up
	ip netns del "$NSD"
	wait_for '! ip link show vrna >/dev/null 2>&1' 10
	check_err $? "vrna survived the deletion of the peer's namespace"
	log_test "link: deleting a namespace deletes pairs with an end in it"
}

rmmod_live_pairs() {
	local i n
	setup_ns NSR
	for i in 1 2 3 4 5; do
		ip link add "vrr$i" type veth_rs peer name "vrR$i" netns "$NSR"
		ip link set "vrr$i" up
	done
	rmmod veth_rs
	check_err $? "rmmod with live pairs failed"
	# No 'type veth_rs' filter: with the kind unregistered, the kernel would
	# not filter at all. Count the devices whose kind is veth_rs.
	n=$( (ip -j -d link show; ip -n "$NSR" -j -d link show) |
		jq -s '[.[][] | select(.linkinfo.info_kind == "veth_rs")] | length')
	check_eq "$n" 0 "veth_rs devices left after rmmod"
	require_veth_rs
	check_err $? "reload failed"
	log_test "link: rmmod with live pairs removes them all"
}

autoload() {
	rmmod veth_rs 2>/dev/null
	ip link add vrla type veth_rs peer name vrlb
	check_err $? "ip link add with the module unloaded failed"
	grep -q '^veth_rs ' /proc/modules
	check_err $? "veth_rs was not loaded on demand"
	ip link del vrla 2>/dev/null
	log_test "link: 'type veth_rs' autoloads the module (rtnl-link-veth_rs)"
}

require_veth_rs || exit $ksft_skip
tests_run
