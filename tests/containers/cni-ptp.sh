#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CNI reference plugins, ptp + host-local IPAM with ipMasq, driven as a
# container runtime drives them: a container reached from the host over
# its point-to-point pair, and through NAT to an outside namespace; CHECK;
# DEL twice; nothing left behind.
. "$(dirname "$0")/lib.sh"

IPAM_DIR=/run/veth_rs-ct-ipam
NET='{"cniVersion":"1.0.0","name":"ctptp","type":"ptp","ipMasq":true,"mtu":1400,
 "ipam":{"type":"host-local","ranges":[[{"subnet":"10.99.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"'$IPAM_DIR'"}}'
LO='{"cniVersion":"1.0.0","name":"lo","type":"loopback"}'
rm -rf "$IPAM_DIR"
before=$(snap)
outside_up
ip netns add ct-p1
expect loopback_add.rc 0 "$(rc cni loopback ADD ct-p1 ct-p1 lo "$LO")"
res=$(cni ptp ADD ct-p1 ct-p1 eth0 "$NET")
expect add.rc 0 $?
obs add.result "$(jq -cS "$CT_JQ_RESULT" <<<"$res")"
obs host.after_add "$(snap)"
obs p1.after_add "$(snap ct-p1)"
obs nat.after_add "$(nat_rules)"
expect p1.eth0.driver veth "$(ethtool_driver ct-p1 eth0)"
expect p1.eth0.mtu 1400 "$(ip -n ct-p1 -j link show eth0 | jq '.[0].mtu')"
expect p1.ping.gateway ok "$(ping_ok ct-p1 10.99.0.1)"
expect host.ping.p1 ok "$(ping_ok 10.99.0.2)"
expect host.tcp.p1 ok "$(tcp_sha ct-p1 10.99.0.2 -)"
expect p1.ping.outside ok "$(ping_ok ct-p1 192.0.2.2)"
expect p1.nat.source_seen_outside 192.0.2.1 "$(peer_seen ct-out 192.0.2.2 ct-p1)"
expect p1.tcp.outside ok "$(tcp_sha ct-out 192.0.2.2 ct-p1)"
out=$(cni ptp CHECK ct-p1 ct-p1 eth0 "$(with_prev "$NET" "$res")")
expect check.rc 0 $?
obs check.out "$out"
out=$(cni ptp DEL ct-p1 ct-p1 eth0 "$(with_prev "$NET" "$res")")
expect del.rc 0 $?
obs del.out "$out"
out=$(cni ptp DEL ct-p1 ct-p1 eth0 "$NET")
expect del_again.rc 0 $?
obs del_again.out "$out"
expect p1.veths_after_del 0 "$(veth_count ct-p1)"
expect loopback_del.rc 0 "$(rc cni loopback DEL ct-p1 ct-p1 lo "$LO")"
obs p1.after_del "$(snap ct-p1)"
outside_down
obs host.after_del "$(snap)"
obs nat.after_del "$(nat_rules)"
expect host.veths_after_del 0 "$(veth_count)"
expect nat.cni_rules_after_del 0 "$(nat_rules | grep -c CNI-)"
expect ipam.leases_after_del 0 "$(find "$IPAM_DIR" -type f -name '10.*' | wc -l)"
ip netns del ct-p1
expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
rm -rf "$IPAM_DIR"
exit 0
