#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# systemd-networkd (systemd 257) making a veth pair from a .netdev file
# (Kind=veth, [Peer]) and configuring one end from a .network file. The VM
# has no systemd as PID 1, so systemd-networkd runs directly, as root (it
# drops to the systemd-network user itself), with /sys read-only in its
# own mount namespace: as in a container, it then does not wait for a udev
# that is not there. The peer is moved to a namespace and configured by
# hand; networkctl lists the links, systemd-networkd-wait-online waits for
# the end it manages, ping and a TCP transfer cross the pair, `networkctl
# delete` removes it.
. "$(dirname "$0")/lib.sh"

ND=/usr/lib/systemd/systemd-networkd
[ -x "$ND" ] || { echo "no $ND" >&2; exit 4; }
CONF=/run/systemd/network
before=$(snap)
mkdir -p "$CONF"
cat >"$CONF/10-ctnd.netdev" <<'CFG'
[NetDev]
Name=ctnd0
Kind=veth
MTUBytes=1400

[Peer]
Name=ctnd1
CFG
cat >"$CONF/10-ctnd0.network" <<'CFG'
[Match]
Name=ctnd0

[Network]
Address=10.55.0.1/24
LinkLocalAddressing=no
IPv6AcceptRA=no
ConfigureWithoutCarrier=yes
CFG
log=$(mktemp)
unshare -m --propagation private sh -c "mount -o remount,bind,ro /sys && exec $ND" >"$log" 2>&1 &
nd_pid=$!
# The peer appears once networkd has made the pair.
for _ in $(seq 150); do
	ip link show ctnd1 >/dev/null 2>&1 && break
	sleep 0.2
done
expect pair_made yes "$(ip link show ctnd1 >/dev/null 2>&1 && echo yes || echo no)"
ip netns add ct-nd
ip link set ctnd1 netns ct-nd
ip -n ct-nd addr add 10.55.0.2/24 dev ctnd1
ip -n ct-nd link set ctnd1 up
ip -n ct-nd link set lo up
expect wait_online.rc 0 "$(rc /usr/lib/systemd/systemd-networkd-wait-online -i ctnd0:routable --timeout=120)"
expect networkd.running yes "$(kill -0 $nd_pid 2>/dev/null && echo yes || echo no)"
# networkctl's list without its IDX column (ifindexes differ from boot to boot).
obs networkctl.list "$(networkctl list --no-legend --no-pager 2>&1 | awk '{ $1 = ""; print }' | grep -E ' ctnd' )"
expect networkctl.ctnd0 "ctnd0 ether routable configured" "$(networkctl list --no-legend --no-pager ctnd0 2>&1 | awk '{ print $2, $3, $4, $5 }')"
obs host.after_up "$(snap)"
obs nd.after_up "$(snap ct-nd)"
expect ctnd1.driver veth "$(ethtool_driver ct-nd ctnd1)"
expect ctnd0.mtu 1400 "$(ip -j link show ctnd0 | jq '.[0].mtu')"
expect ctnd1.mtu 1400 "$(ip -n ct-nd -j link show ctnd1 | jq '.[0].mtu')"
expect nd.ping.host ok "$(ping_ok ct-nd 10.55.0.1)"
expect host.ping.nd ok "$(ping_ok 10.55.0.2)"
expect host.tcp.nd ok "$(tcp_sha ct-nd 10.55.0.2 -)"
expect networkctl_delete.rc 0 "$(rc networkctl delete ctnd0)"
for _ in $(seq 50); do
	ip link show ctnd0 >/dev/null 2>&1 || break
	sleep 0.2
done
expect ctnd0.after_delete absent "$(ip link show ctnd0 >/dev/null 2>&1 && echo present || echo absent)"
expect nd.veths_after_delete 0 "$(veth_count ct-nd)"
kill "$nd_pid"
wait "$nd_pid"
expect networkd.exit_on_term 0 $?
# What networkd said of the pair: the messages whose order and number do
# not depend on timing (carrier changes while the peer moves do).
obs networkd.log "$(grep -E '^ctnd0: (netdev ready|Configuring with|Gained carrier)' "$log" | sort -u)"
rm -f "$log" "$CONF/10-ctnd.netdev" "$CONF/10-ctnd0.network"
ip netns del ct-nd
expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
exit 0
