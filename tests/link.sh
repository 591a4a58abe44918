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
# The folder of this script without dirname's process (lib.sh sets
# TESTS_DIR again, absolute).
TESTS_DIR=${0%/*}
[ "$TESTS_DIR" != "$0" ] || TESTS_DIR=.
. "$TESTS_DIR/lib.sh"

cleanup_links() { del_links_of_kind veth_rs veth; }
CLEANUP_HOOK=cleanup_links

ifindex() { local v; read -r v <"/sys/class/net/$1/ifindex"; echo "$v"; }

default_names() {
	local names
	ip link add type veth_rs
	check_err $? "ip link add type veth_rs failed"
	names=$(ip -j -d link show type veth_rs | jq -r '[.[].ifname] | sort | join(" ")')
	check_eq "$names" "veth_rs0 veth_rs1" "devices made without names"
	check_eq "$(</sys/class/net/veth_rs0/iflink)" "$(ifindex veth_rs1)" "iflink of veth_rs0"
	ip link del veth_rs0
	log_test "link: unnamed pair gets veth_rs%d names"
}

peer_options() {
	local v=()
	setup_ns NSP
	ip link add vrpa type veth_rs peer name vrpb netns "$NSP" address 02:11:22:33:44:55 mtu 9000
	check_err $? "add with peer options failed"
	# The peer's three attributes from one cat in NSP, a line each.
	mapfile -t v < <(ip netns exec "$NSP" cat /sys/class/net/vrpb/address \
		/sys/class/net/vrpb/mtu /sys/class/net/vrpb/addr_assign_type)
	check_eq "${v[0]:-}" "02:11:22:33:44:55" "peer MAC"
	check_eq "${v[1]:-}" 9000 "peer MTU"
	check_eq "${v[2]:-}" 3 "peer addr_assign_type (set)"
	check_eq "$(</sys/class/net/vrpa/addr_assign_type)" 1 "random MAC of the first end"
	check_eq "$(</sys/class/net/vrpa/mtu)" 1500 "first end's MTU"
	ip link del vrpa
	log_test "link: peer name, netns, MAC and MTU options"
}

# The same queue requests give the same counts as C veth.
queues_like_veth() {
	local k out a b qa qb
	require_c_veth || { log_skip "link: queue counts like veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		ip link add "vrq$k" numtxqueues 2 numrxqueues 2 type "$k" peer name "vrQ$k" numtxqueues 3 numrxqueues 1 || check_err 1 "$k add"
		# The queue folders by a sorted glob, as ls | tr '\n' ' ' listed
		# them (nothing for a missing device).
		shopt -s nullglob
		qa=(/sys/class/net/"vrq$k"/queues/*) qb=(/sys/class/net/"vrQ$k"/queues/*)
		shopt -u nullglob
		a= b=
		[ ${#qa[@]} -eq 0 ] || printf -v a '%s ' "${qa[@]##*/}"
		[ ${#qb[@]} -eq 0 ] || printf -v b '%s ' "${qb[@]##*/}"
		out[${#out[@]}]="$a / $b"
		ip link del "vrq$k"
	done
	check_eq "${out[1]}" "${out[0]}" "queues of veth_rs vs veth"
	log_test "link: queue counts as veth (${out[1]})"
}

carrier() {
	ip link add vrca type veth_rs peer name vrcb
	check_eq "$(</sys/class/net/vrca/operstate)" down "operstate, both down"
	ip link set vrca up
	check_eq "$(</sys/class/net/vrca/carrier)" 0 "carrier of the up end, peer down"
	ip link set vrcb up
	wait_for '[ "$(</sys/class/net/vrca/carrier)" = 1 ]'
	check_eq "$(</sys/class/net/vrca/carrier)" 1 "carrier of vrca, both up"
	check_eq "$(</sys/class/net/vrcb/carrier)" 1 "carrier of vrcb, both up"
	ip link set vrcb down
	check_eq "$(</sys/class/net/vrca/carrier)" 0 "carrier of vrca after the peer went down"
	ip link set vrcb up
	check_eq "$(</sys/class/net/vrca/carrier)" 1 "carrier of vrca after the peer came back"
	ip link del vrca
	log_test "link: carrier on only while both ends are up"
}

# Frames sent while the peer is down are dropped and counted as tx drops.
drops_visible() {
	local before after
	ip link add vrda type veth_rs peer name vrdb
	ip link set vrda up
	before=$(</sys/class/net/vrda/statistics/tx_dropped)
	python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("vrda", 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"\0" * 50
for _ in range(5):
    s.send(frame)
PY
	check_err $? "could not send on a packet socket"
	after=$(</sys/class/net/vrda/statistics/tx_dropped)
	check_eq "$((after - before))" 5 "tx_dropped increase"
	check_eq "$(</sys/class/net/vrdb/statistics/rx_packets)" 0 "rx_packets of the down peer"
	ip link del vrda
	log_test "link: frames to a down peer are counted as drops"
}

ethtool_info() {
	local out k v rest pi=
	ip link add vrea type veth_rs peer name vreb
	out=$(ethtool -i vrea)
	# A whole line of its own (grep -x), then the first line.
	[[ $'\n'$out$'\n' == *$'\n''driver: veth_rs'$'\n'* ]]
	check_err $? "ethtool -i driver: ${out%%$'\n'*}"
	out=$(ethtool vrea)
	[[ $out == *'Speed: 10000Mb/s'* ]]
	check_err $? "speed not 10000Mb/s"
	[[ $out == *'Duplex: Full'* ]]
	check_err $? "duplex not full"
	[[ $out == *'Port: Twisted Pair'* ]]
	check_err $? "port not TP"
	out=$(ethtool -S vrea)
	# awk's second field of the lines with peer_ifindex:
	while read -r k v rest; do
		[[ "$k $v $rest" == *peer_ifindex:* ]] && pi+=${pi:+$'\n'}$v
	done <<<"$out"
	check_eq "$pi" "$(ifindex vreb)" "ethtool -S peer_ifindex"
	out=$(ethtool -T vrea)
	[[ $out == *software-transmit* ]]
	check_err $? "ethtool -T lacks software-transmit"
	out=$(ethtool -l vrea)
	[[ $out == *RX:* ]]
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
	[[ $out == *vria@if* ]]
	check_err $? "ip link does not show vria@ifN"
	[[ $out == *"link-netns $NSI"* ]]
	check_err $? "ip -d link does not show link-netns $NSI"
	[[ $out == *veth_rs* ]]
	check_err $? "ip -d link does not show the kind"
	ip link del vria
	log_test "link: iflink, @peer and link-netns"
}

mac_handling() {
	ip link add vrma type veth_rs peer name vrmb
	ip link set vrma up
	ip link set vrma address 02:aa:bb:cc:dd:ee
	check_err $? "live MAC change refused"
	check_eq "$(</sys/class/net/vrma/address)" 02:aa:bb:cc:dd:ee "MAC after live change"
	ip link set vrma address 01:00:5e:00:00:01 2>/dev/null
	check_fail $? "multicast MAC accepted"
	ip link del vrma
	ip link add vrma address 01:02:03:04:05:06 type veth_rs peer name vrmb 2>/dev/null
	check_fail $? "pair with multicast MAC made"
	ip link add vrma type veth_rs peer name vrmb address 00:00:00:00:00:00 2>/dev/null
	check_fail $? "pair with zero peer MAC made"
	[ -e /sys/class/net/vrma ]
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
	check_eq "$(</sys/class/net/vrua/mtu)" 1500 "MTU after refused changes"
	ip link del vrua
	ip link add vrua mtu 67 type veth_rs peer name vrub 2>/dev/null
	check_fail $? "pair with MTU 67 made"
	ip link add vrua type veth_rs peer name vrub mtu 65536 2>/dev/null
	check_fail $? "pair with peer MTU 65536 made"
	log_test "link: MTU range 68-65535"
}

features_like_veth() {
	local k f d l m re='qdisc [a-z_]*|tso_max_size [0-9]*|gso_max_size [0-9]*|maxmtu [0-9]*'
	require_c_veth || { log_skip "link: features as veth" "no veth.ko"; return; }
	for k in veth veth_rs; do
		ip link add "vrf$k" type "$k" peer name "vrF$k"
		# ethtool -k without its 'Features for' line (grep -v by the shell).
		while IFS= read -r l; do
			[[ $l == 'Features for'* ]] || printf '%s\n' "$l"
		done < <(ethtool -k "vrf$k") >"/tmp/features.$k"
		# The matches of $re one after the other, each followed by a
		# space (grep -o | tr '\n' ' ').
		l=$(ip -d link show "vrf$k") f=
		while [[ $l =~ $re ]]; do
			m=${BASH_REMATCH[0]}
			f+="$m "
			l=${l#*"$m"}
		done
		echo "$f" >>"/tmp/features.$k"
		ip link del "vrf$k"
	done
	d=$(diff /tmp/features.veth /tmp/features.veth_rs)
	check_err $? "ethtool -k / ip -d link differ from veth: $(l="${d//$'\n'/ } "; echo "${l:0:400}")"
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
	local l rs= c= a= b=
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
	echo "# ${f//$'\n'/ } "
	# The lines of veth_rs ends (with their _rs dropped), those of veth
	# ends, and those of vxaveth_rs and vxbveth_rs: grep and sed's work.
	while IFS= read -r l; do
		if [[ $l == *'_rs '* ]]; then rs+=${l/_rs / }$'\n'; else c+=$l$'\n'; fi
		[[ $l == 'vxaveth_rs '* ]] && a+=$l$'\n'
		[[ $l == 'vxbveth_rs '* ]] && b+=$l$'\n'
	done <<<"$f"
	check_eq "${rs%$'\n'}" "${c%$'\n'}" "XDP features of veth_rs and veth ends"
	check_eq "${a%$'\n'}" "vxaveth_rs basic,redirect,rx-sg" "XDP features of a new veth_rs end"
	check_eq "${b%$'\n'}" "vxbveth_rs basic,ndo-xmit,ndo-xmit-sg,redirect,rx-sg" "XDP features of an end whose peer has GRO"
	ip -b - <<<$'link del vxaveth\nlink del vxaveth_rs\nlink del vxbveth\nlink del vxbveth_rs'
	log_test "$name"
}

delete_either_end() {
	ip link add vrxa type veth_rs peer name vrxb
	ip link del vrxb
	check_err $? "delete of the peer end failed"
	[ -e /sys/class/net/vrxa ]
	check_fail $? "vrxa survived the deletion of vrxb"
	ip link add vrxa type veth_rs peer name vrxb
	ip link del vrxa
	[ -e /sys/class/net/vrxb ]
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
	wait_for '[ ! -e /sys/class/net/vrna ]' 10
	check_err $? "vrna survived the deletion of the peer's namespace"
	log_test "link: deleting a namespace deletes pairs with an end in it"
}

rmmod_live_pairs() {
	local i n
	setup_ns NSR
	# The five pairs, each with its first end up, in one ip run.
	for i in 1 2 3 4 5; do
		printf 'link add vrr%s type veth_rs peer name vrR%s netns %s\nlink set vrr%s up\n' \
			"$i" "$i" "$NSR" "$i"
	done | ip -b -
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
	module_loaded veth_rs
	check_err $? "veth_rs was not loaded on demand"
	ip link del vrla 2>/dev/null
	log_test "link: 'type veth_rs' autoloads the module (rtnl-link-veth_rs)"
}

require_veth_rs || exit $ksft_skip
tests_run
