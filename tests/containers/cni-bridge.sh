#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CNI reference plugins, bridge + host-local IPAM with ipMasq, driven as a
# container runtime drives them (libcni's environment, cniVersion 1.0.0,
# the loopback plugin first, prevResult to CHECK and to the first DEL):
# two containers on cni0 talk to each other, to the host, and through NAT
# to an outside namespace; CHECK; DEL twice each; nothing left behind.
. "$(dirname "$0")/lib.sh"

IPAM_DIR=/run/veth_rs-ct-ipam
NET='{"cniVersion":"1.0.0","name":"ctnet","type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,
 "ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"'$IPAM_DIR'"}}'
LO='{"cniVersion":"1.0.0","name":"lo","type":"loopback"}'
rm -rf "$IPAM_DIR"
before=$(snap)
outside_up
declare -A RES
for c in c1 c2; do
	ip netns add "ct-$c"
	expect "$c.loopback_add.rc" 0 "$(rc cni loopback ADD "ct-$c" "ct-$c" lo "$LO")"
	RES[$c]=$(cni bridge ADD "ct-$c" "ct-$c" eth0 "$NET")
	expect "$c.add.rc" 0 $?
	obs "$c.add.result" "$(jq -cS "$CT_JQ_RESULT" <<<"${RES[$c]}")"
done
obs host.after_add "$(snap)"
obs c1.after_add "$(snap ct-c1)"
obs c2.after_add "$(snap ct-c2)"
obs nat.after_add "$(nat_rules)"
expect ip_forward 1 "$(sysctl -n net.ipv4.ip_forward)"
expect c1.eth0.driver veth "$(ethtool_driver ct-c1 eth0)"
expect c1.ping.gateway ok "$(ping_ok ct-c1 10.88.0.1)"
expect host.ping.c1 ok "$(ping_ok 10.88.0.2)"
expect c2.ping.c1 ok "$(ping_ok ct-c2 10.88.0.2)"
expect c2.tcp.c1 ok "$(tcp_sha ct-c1 10.88.0.2 ct-c2)"
expect host.tcp.c2 ok "$(tcp_sha ct-c2 10.88.0.3 -)"
expect c1.ping.outside ok "$(ping_ok ct-c1 192.0.2.2)"
expect c1.nat.source_seen_outside 192.0.2.1 "$(peer_seen ct-out 192.0.2.2 ct-c1)"
expect c2.tcp.outside ok "$(tcp_sha ct-out 192.0.2.2 ct-c2)"
for c in c1 c2; do
	out=$(cni bridge CHECK "ct-$c" "ct-$c" eth0 "$(with_prev "$NET" "${RES[$c]}")")
	expect "$c.check.rc" 0 $?
	obs "$c.check.out" "$out"
done
# CHECK must see a broken container: its address removed.
ip -n ct-c2 addr del 10.88.0.3/24 dev eth0
out=$(cni bridge CHECK ct-c2 ct-c2 eth0 "$(with_prev "$NET" "${RES[c2]}")")
expect c2.check_broken.rc 1 $?
obs c2.check_broken.out "$(jq -cS '{code, msg}' <<<"$out")"
# Repaired (the address and the default route that went with it), it
# passes again. (The bridge plugin's DEL finds the addresses whose NAT
# rules it removes on the container's interface: a container left broken
# keeps its rules.)
ip -n ct-c2 addr add 10.88.0.3/24 dev eth0
ip -n ct-c2 route replace default via 10.88.0.1 dev eth0
out=$(cni bridge CHECK ct-c2 ct-c2 eth0 "$(with_prev "$NET" "${RES[c2]}")")
expect c2.check_repaired.rc 0 $?
for c in c1 c2; do
	out=$(cni bridge DEL "ct-$c" "ct-$c" eth0 "$(with_prev "$NET" "${RES[$c]}")")
	expect "$c.del.rc" 0 $?
	obs "$c.del.out" "$out"
	out=$(cni bridge DEL "ct-$c" "ct-$c" eth0 "$NET")
	expect "$c.del_again.rc" 0 $?
	obs "$c.del_again.out" "$out"
	expect "$c.veths_after_del" 0 "$(veth_count "ct-$c")"
	expect "$c.loopback_del.rc" 0 "$(rc cni loopback DEL "ct-$c" "ct-$c" lo "$LO")"
	obs "$c.after_del" "$(snap "ct-$c")"
done
outside_down
obs host.after_del "$(snap)"
obs nat.after_del "$(nat_rules)"
expect host.veths_after_del 0 "$(veth_count)"
expect nat.cni_rules_after_del 0 "$(nat_rules | grep -c CNI-)"
expect ipam.leases_after_del 0 "$(find "$IPAM_DIR" -type f -name '10.*' | wc -l)"
for c in c1 c2; do ip netns del "ct-$c"; done
ip link del cni0
expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
rm -rf "$IPAM_DIR"
exit 0
