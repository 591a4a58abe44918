#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pyroute2 (python3-pyroute2), as OpenStack's agents use it: veth pairs made
# through IPRoute.link('add', kind='veth', peer=...), one peer made in its
# namespace, one moved there; addresses, MTU, routes, up; what pyroute2
# reads back; ping and a TCP transfer routed through the init namespace;
# delete; nothing left. The netlink work is pyroute2_veth.py's.
# CT_NETLINK_ONLY=1: the requests, what pyroute2 reads back and the
# teardown, without the traffic (the short form tests/dropin.sh runs in
# make check under both drivers).
. "$(dirname "$0")/lib.sh"

before=$(snap)
sysctl -qw net.ipv4.ip_forward=1
ip netns add ct-pr1
ip netns add ct-pr2
# One Python for both steps (its start and pyroute2's import cost seconds
# in the debug VM): py STEP runs a step and relays what it says.
coproc PY { exec python3 "$CT_DIR/pyroute2_veth.py" serve; }
py() {
	local line
	echo "$1" >&"${PY[1]}" || return 1
	while IFS= read -r line <&"${PY[0]}"; do
		case $line in
		"#done "*) return "${line#\#done }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
	return 1
}
py setup
expect python.setup.rc 0 $?
# pyroute2 answers ok for each request above; the expectations on them:
obs host.after_setup "$(snap)"
obs pr1.after_setup "$(snap ct-pr1)"
obs pr2.after_setup "$(snap ct-pr2)"
expect pr1.pra1.driver veth "$(ethtool_driver ct-pr1 pra1)"
if [ "${CT_NETLINK_ONLY:-0}" != 1 ]; then
	expect pr1.ping.host ok "$(ping_ok ct-pr1 10.66.1.1)"
	expect host.ping.pr2 ok "$(ping_ok 10.66.2.2)"
	expect pr2.ping.pr1 ok "$(ping_ok ct-pr2 10.66.1.2)"
	expect pr2.tcp.pr1 ok "$(tcp_sha ct-pr1 10.66.1.2 ct-pr2)"
	expect host.tcp.pr2 ok "$(tcp_sha ct-pr2 10.66.2.2 -)"
fi
py teardown
expect python.teardown.rc 0 $?
eval "exec ${PY[1]}>&-"
wait "$PY_PID"
expect pr1.veths_after_del 0 "$(veth_count ct-pr1)"
expect pr2.veths_after_del 0 "$(veth_count ct-pr2)"
ip netns del ct-pr1
ip netns del ct-pr2
expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
exit 0
