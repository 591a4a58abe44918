#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podman 5 (Debian's), rootful, with netavark as network backend (its
# firewall driver as built: nftables on Debian) and aardvark-dns as name
# server, crun, overlay storage and the cgroupfs manager on cgroup2, no
# systemd: every podman command is run with its storage, run and network
# configuration folders named on the command line, on a tmpfs of the
# scenario's own and under /run (the VM's root is read-only, its /tmp an
# overlayfs, which overlay storage does not take). No registry: a busybox
# image is imported from a folder. Two containers on the default network
# "podman" (bridge podman0) talk to each other, to the host and through
# NAT to an outside namespace; two on a user-defined network (isolated:
# --opt isolate=strict) reach each other by name and not the default
# network's; a published port is reached from outside (DNAT), from the
# host and from a container; a running container is connected to the
# user-defined network (a new pair, eth1, with its address, used) and
# disconnected again (eth1 gone). Then everything is stopped and removed:
# what netavark leaves (its nftables table, sysctls, ...) is told, then
# removed. The containers' network namespaces are named with `ip netns
# attach` so the checks run the host's tools in them.
# shellcheck disable=SC2119 # (veth_count without a namespace: the host's)
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null || { echo "no podman" >&2; exit 4; }
P=/tmp/veth_rs-ct-podman
R=/run/veth_rs-ct-podman
IMG=localhost/vethrs-busybox:1
BODY="veth_rs podman httpd"
CTS=(p1 p2 p3 p4 web)
# Every podman command with the scenario's folders, bounded (the first
# one sets up the storage, slow under TCG). Podman's big temporary files
# (the import) go to TMPDIR.
pm() {
	TMPDIR=$P/tmp timeout 300 podman --root "$P/root" --runroot "$R/root" --tmpdir "$R/libpod" \
		--network-config-dir "$P/networks" --storage-driver overlay --cgroup-manager cgroupfs \
		--events-backend file --runtime crun --network-backend netavark "$@"
}
# netavark's random names, normalised: the nftables chains of a
# user-defined network carry the first 8 hex digits of its ID.
pnames() { sed -E 's/\bnv_[0-9a-f]{8}_/nv_<netid>_/g'; }
# A ruleset snapshot with the network ids made neutral, sorted again
# after: host_state sorts by the raw chain names, whose random ids would
# otherwise order the chains of two networks differently from run to run.
fw_netavark() { host_state fw | grep '^inet netavark' | pnames | sort; }
# The podman processes of this scenario (conmon, the cleanup podman
# that conmon runs when a container exits), by the run folder in their
# command line; aardvark-dns by its pid file.
our_procs() { pgrep -f -- "--runroot $R/root" ; pgrep -f -- "-p $R/root/"; }
# shellcheck disable=SC2317 # (run by wait_for)
no_procs() { [ -z "$(our_procs)" ]; }
# shellcheck disable=SC2317 # (run by wait_for)
no_eth1() { ! ip -n ct-p1 link show eth1; }
AARDVARK_PID=/run/containers/networks/aardvark-dns/aardvark.pid

# start_ct NAME ADDRESSES PODMAN-RUN-ARGS...: a container, which must
# have ADDRESSES (as ct_addr says them); its network namespace named
# ct-NAME.
start_ct() {
	local name=$1 want=$2 out pid
	shift 2
	expect "$name.run.rc" 0 "$(rcv pm run -d --name "$name" "$@")"
	out=$(ct_addr "$name" '{{.State.Pid}} ')
	pid=${out%% *}
	expect "$name.address" "$want" "${out#"$pid" }"
	[ "${pid:-0}" -gt 0 ] 2>/dev/null && ip netns attach "ct-$name" "$pid"
}
# ct_addr NAME [TEMPLATE]: its addresses and gateways, by network name
# (after what TEMPLATE says).
ct_addr() {
	# shellcheck disable=SC2016 # (a Go template)
	pm inspect -f "${2:-}"'{{range $n, $v := .NetworkSettings.Networks}}{{$n}}={{$v.IPAddress}}/{{$v.IPPrefixLen}} gw {{$v.Gateway}} {{end}}' "$1" 2>&1 |
		sed 's/ $//'
}

# The end, also of an aborted run: nothing of the scenario left.
cleanup() {
	local c pid
	for c in "${CTS[@]}"; do ip netns delete "ct-$c" 2>/dev/null; done
	wait_for 60 no_procs
	for pid in $(our_procs); do kill -KILL "$pid"; done
	pid=$(cat "$AARDVARK_PID" 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	outside_down
	ip link del podman0 2>/dev/null
	ip link del podman1 2>/dev/null
	umount -R "$P" 2>/dev/null || umount -R -l "$P"
	rmdir "$P"
	rm -rf "$R"
}
# shellcheck disable=SC2317 # (run by the trap)
abort() {
	trap - TERM INT
	echo "aborted: cleaning up" >&2
	pm rm -f -t 0 "${CTS[@]}" >/dev/null 2>&1
	pm network rm -f pnet1 >/dev/null 2>&1
	cleanup
	state_back
	exit 1
}
trap abort TERM INT

daemon_begin "$P" "$R"
mkdir -p "$P/tmp"
t0=$SECONDS
expect podman.info "overlay cgroupfs v2 crun netavark" \
	"$(pm info -f '{{.Store.GraphDriverName}} {{.Host.CgroupManager}} {{.Host.CgroupsVersion}} {{.Host.OCIRuntime.Name}} {{.Host.NetworkBackend}}' 2>&1)"
echo "podman: first info after $((SECONDS - t0)) s" >&2
obs podman.default_network "$(pm network inspect -f '{{range .Subnets}}{{.Subnet}} gw {{.Gateway}}{{end}} dns={{.DNSEnabled}} if={{.NetworkInterface}}' podman 2>&1)"

# The image: busybox-static and the applets the checks use.
img=$P/img
busybox_image "$img" "$BODY"
# (An imported image has no environment: PATH is given, for podman exec.)
expect image.import.rc 0 \
	"$(tar -C "$img" -c . | pm import -q -c 'ENV PATH=/bin' - "$IMG" >/dev/null; echo $?)"

outside_up
# Two containers on the default network.
start_ct p1 "podman=10.88.0.2/16 gw 10.88.0.1" "$IMG" sleep 100000
start_ct p2 "podman=10.88.0.3/16 gw 10.88.0.1" "$IMG" sleep 100000
obs host.default_network "$(snap_settled)"
obs p1.view "$(snap_settled ct-p1)"
obs p2.view "$(snap_settled ct-p2)"
obs fw.default_network "$(fw_netavark)"
expect ip_forward 1 "$(sysctl -n net.ipv4.ip_forward)"
bridge_talk p1 10.88.0.2 p2 10.88.0.3 10.88.0.1

# A user-defined network, isolated from all others (strict: "true" only
# parts networks that both have it): names resolved by
# aardvark-dns. (Podman's default capabilities have no NET_RAW, which
# busybox's ping needs: the containers that ping by name get it.)
expect pnet1.create.rc 0 "$(rcv pm network create --subnet 10.89.7.0/24 --opt isolate=strict pnet1)"
obs pnet1.config "$(pm network inspect -f '{{range .Subnets}}{{.Subnet}} gw {{.Gateway}}{{end}} dns={{.DNSEnabled}} if={{.NetworkInterface}} isolate={{index .Options "isolate"}}' pnet1 2>&1)"
start_ct p3 "pnet1=10.89.7.2/24 gw 10.89.7.1" --network pnet1 --cap-add NET_RAW "$IMG" sleep 100000
start_ct p4 "pnet1=10.89.7.3/24 gw 10.89.7.1" --network pnet1 --cap-add NET_RAW "$IMG" sleep 100000
obs host.pnet1 "$(snap_settled)"
obs p3.view "$(snap_settled ct-p3)"
expect p3.eth0.driver veth "$(ethtool_driver ct-p3 eth0)"
obs p3.resolv_conf "$(pm exec p3 cat /etc/resolv.conf 2>&1 | grep -vE '^(#|$)')"
expect aardvark.running yes "$(kill -0 "$(cat "$AARDVARK_PID" 2>/dev/null)" 2>/dev/null && echo yes || echo no)"
out=$(pm exec p3 ping -c 3 -W 5 p4 2>&1)
expect p3.exec_ping.p4_by_name.rc 0 $?
expect p3.resolved.p4 10.89.7.3 "$(resolved "$out" p4)"
out=$(pm exec p4 ping -c 3 -W 5 p3 2>&1)
expect p4.exec_ping.p3_by_name.rc 0 $?
expect p4.resolved.p3 10.89.7.2 "$(resolved "$out" p3)"
expect p4.tcp.p3 ok "$(tcp_sha ct-p3 10.89.7.2 ct-p4)"
expect p3.ping.p1.isolated "lost: 100% packet loss" "$(ping_ok ct-p3 10.88.0.2)"
expect p1.ping.p3.isolated "lost: 100% packet loss" "$(ping_ok ct-p1 10.89.7.2)"
expect p3.ping.outside ok "$(ping_ok ct-p3 192.0.2.2)"
expect p3.nat.source_seen_outside 192.0.2.1 "$(peer_seen ct-out 192.0.2.2 ct-p3)"
obs fw.pnet1 "$(fw_netavark)"

# A published port: busybox httpd on 80 in the container, 8080 on the
# host.
start_ct web "podman=10.88.0.4/16 gw 10.88.0.1" -p 8080:80 "$IMG" httpd -f -p 80 -h /www
expect web.listening.rc 0 "$(wait_for 60 listening ct-web 80; echo $?)"
expect web.from_outside "$BODY" "$(wget_body ct-out http://192.0.2.1:8080/)"
expect web.from_host_loopback "$BODY" "$(wget_body - http://127.0.0.1:8080/)"
expect web.from_host_address "$BODY" "$(wget_body - http://192.0.2.1:8080/)"
expect web.from_p1 "$BODY" "$(pm exec p1 wget -q -T 20 -O - http://192.0.2.1:8080/ 2>&1)"
# (p3's network is isolated strictly: not even through the host's
# address, which the port is DNATed from.)
expect web.from_p3.isolated failed \
	"$(pm exec p3 wget -q -T 5 -O - http://192.0.2.1:8080/ >/dev/null 2>&1 && echo fetched || echo failed)"
obs fw.published "$(fw_netavark)"

# A running container connected to the user-defined network: a second
# pair, eth1 in the container, used; then disconnected.
expect host.veths_before_connect 6 "$(veth_count)"
expect p1.connect.rc 0 "$(rcv pm network connect pnet1 p1)"
wait_for 60 ip -n ct-p1 link show eth1
expect p1.address.connected "pnet1=10.89.7.4/24 gw 10.89.7.1 podman=10.88.0.2/16 gw 10.88.0.1" "$(ct_addr p1)"
expect p1.eth1.address 10.89.7.4/24 \
	"$(ip -n ct-p1 -j -4 addr show eth1 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
expect p1.eth1.driver veth "$(ethtool_driver ct-p1 eth1)"
expect host.veths_connected 7 "$(veth_count)"
obs p1.view.connected "$(snap_settled ct-p1)"
obs host.connected "$(snap_settled)"
expect p1.ping.p3.connected ok "$(ping_ok ct-p1 10.89.7.2)"
expect p3.tcp.p1.connected ok "$(tcp_sha ct-p1 10.89.7.4 ct-p3)"
out=$(pm exec p3 ping -c 3 -W 5 p1 2>&1)
expect p3.exec_ping.p1_by_name.rc 0 $?
expect p3.resolved.p1 10.89.7.4 "$(resolved "$out" p1)"
expect p1.disconnect.rc 0 "$(rcv pm network disconnect pnet1 p1)"
wait_for 60 no_eth1
expect p1.eth1.after_disconnect absent "$(ip -n ct-p1 link show eth1 >/dev/null 2>&1 && echo present || echo absent)"
expect p1.address.disconnected "podman=10.88.0.2/16 gw 10.88.0.1" "$(ct_addr p1)"
wait_for 60 veths_are 6
expect host.veths_disconnected 6 "$(veth_count)"
obs p1.view.disconnected "$(snap_settled ct-p1)"
expect p1.ping.p3.disconnected "lost: 100% packet loss" "$(ping_ok ct-p1 10.89.7.2)"
expect p1.ping.p2.disconnected ok "$(ping_ok ct-p1 10.88.0.3)"

# Everything stopped and removed.
expect containers.stop.rc 0 "$(rcv pm stop -t 1 "${CTS[@]}")"
for c in "${CTS[@]}"; do ip netns delete "ct-$c"; done
expect containers.rm.rc 0 "$(rcv pm rm "${CTS[@]}")"
expect containers.left "" "$(pm ps -aq 2>&1)"
expect pnet1.rm.rc 0 "$(rcv pm network rm pnet1)"
expect image.rm.rc 0 "$(rcv pm image rm "$IMG")"
outside_down
# The pairs go with the containers' namespaces, which the kernel
# dismantles in the background; conmon and the cleanup podman it runs
# exit once their container is gone.
wait_for 60 veths_are 0
expect host.veths_after_rm 0 "$(veth_count)"
expect processes.after_rm.rc 0 "$(wait_for 120 no_procs; echo $?)"
expect aardvark.after_rm gone \
	"$(pid=$(cat "$AARDVARK_PID" 2>/dev/null); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo running || echo gone)"
expect podman.netns_after_rm 0 "$(ip netns list | grep -c '^netns-')"
obs host.left_by_podman "$(diff <(echo "$before") <(snap) | grep '^[<>] .')"
cleanup
daemon_end podman pnames
trap - TERM INT
exit 0
