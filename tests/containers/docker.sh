#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Docker Engine 26 (Debian's docker.io), rootful, bridge mode: dockerd run
# directly (no systemd), with the containerd it starts itself, runc,
# overlay2 and the cgroupfs driver on cgroup2; its state on a tmpfs of its
# own (the VM's root is read-only and its /tmp an overlayfs, which overlay2
# does not take as its backing filesystem). No registry: a busybox image
# is imported from a folder. Two containers on the default bridge docker0
# talk to each other, to the host and through NAT to an outside
# namespace; two on a user-defined network reach each other by name
# (Docker's embedded DNS) and not the default bridge's (isolation); a
# published port is reached from outside (DNAT), from the host
# (docker-proxy) and from a container. Then everything is stopped and
# removed, dockerd last: what it leaves behind (docker0, its iptables
# chains, sysctls, cgroups, ...) is told, then removed. The containers'
# network namespaces are named with `ip netns attach` so the checks run
# the host's tools in them.
# shellcheck disable=SC2119 # (veth_count without a namespace: the host's)
. "$(dirname "$0")/lib.sh"

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
	echo "no dockerd or docker" >&2
	exit 4
fi
D=/tmp/veth_rs-ct-docker
X=/run/veth_rs-ct-docker
IMG=localhost/vethrs-busybox:1
BODY="veth_rs docker httpd"
CTS=(c1 c2 c3 c4 web)
export DOCKER_HOST=unix://$X/docker.sock DOCKER_CONFIG=$D/cli
# Docker's random names, normalised: the host ends of the pairs (veth + 7
# hex digits) and the bridges of user-defined networks (br- + the first 12
# hex digits of the network's ID).
dnames() { sed -E -e 's/\bveth[0-9a-f]{7}\b/veth<docker>/g' -e 's/\bbr-[0-9a-f]{12}\b/br-<netid>/g'; }
# Every docker command is bounded (the daemon may hang under TCG).
dk() { timeout 180 docker "$@"; }
filter_rules() { iptables-save -t filter 2>&1 | grep -vE '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'; }

# start_ct NAME ADDRESS DOCKER-RUN-ARGS...: a container, which must have
# ADDRESS ("IP/LEN gw GATEWAY"); its network namespace named ct-NAME.
start_ct() {
	local name=$1 want=$2 out pid
	shift 2
	expect "$name.run.rc" 0 "$(rcv dk run -d --name "$name" "$@")"
	out=$(dk inspect -f '{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}}/{{.IPPrefixLen}} gw {{.Gateway}}{{end}}' "$name" 2>&1)
	pid=${out%% *}
	expect "$name.address" "$want" "${out#"$pid" }"
	[ "${pid:-0}" -gt 0 ] 2>/dev/null && ip netns attach "ct-$name" "$pid"
}

dpid=
# shellcheck disable=SC2317 # (run by wait_for)
dockerd_gone() { ! kill -0 "$dpid" 2>/dev/null; }
# stop_daemon: dockerd stopped with SIGTERM (its containerd with it),
# waited for up to 120 s, killed after that; its status in $drc.
stop_daemon() {
	drc=none
	[ -n "$dpid" ] || return
	kill -TERM "$dpid" 2>/dev/null
	wait_for 120 dockerd_gone || kill -KILL "$dpid"
	wait "$dpid"
	drc=$?
	dpid=
}
# The end, also of an aborted run: nothing of the scenario left.
cleanup() {
	local c
	for c in "${CTS[@]}"; do ip netns delete "ct-$c" 2>/dev/null; done
	stop_daemon
	# containerd, if dockerd left it running.
	[ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null && kill -KILL "$cpid"
	outside_down
	ip link del docker0 2>/dev/null
	# (A user-defined network's bridge, when dockerd stopped before its
	# network was removed.)
	for c in $(ip -j link show type bridge | jq -r '.[].ifname' | grep -E '^br-[0-9a-f]{12}$'); do
		ip link del "$c"
	done
	umount -R "$D" 2>/dev/null || umount -R -l "$D"
	rmdir "$D"
	rm -rf "$X"
}
# shellcheck disable=SC2317 # (run by the trap)
abort() {
	trap - TERM INT
	echo "aborted: cleaning up" >&2
	cleanup
	state_back
	exit 1
}
trap abort TERM INT

daemon_begin "$D" "$X"
echo '{}' >"$D/daemon.json"
dockerd --data-root "$D/root" --exec-root "$X" --pidfile "$X/dockerd.pid" -H "$DOCKER_HOST" \
	--config-file "$D/daemon.json" --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs \
	>"$D/dockerd.log" 2>&1 &
dpid=$!
t0=$SECONDS
wait_for 300 timeout 60 docker info
ready=$?
echo "dockerd: ready=$ready after $((SECONDS - t0)) s" >&2
expect dockerd.ready.rc 0 "$ready"
if [ "$ready" != 0 ]; then
	tail -n 40 "$D/dockerd.log" >&2
	cleanup
	state_back
	exit 0
fi
cpid=$(cat "$X/containerd/containerd.pid" 2>/dev/null)
expect dockerd.info "overlay2 cgroupfs cgroup2 runc" \
	"$(dk info -f '{{.Driver}} {{.CgroupDriver}} cgroup{{.CgroupVersion}} {{.DefaultRuntime}}' 2>&1)"
obs dockerd.warnings "$(dk info -f '{{range .Warnings}}{{println .}}{{end}}' 2>&1)"
obs host.daemon_up "$(snap_settled | dnames | sort)"
obs nat.daemon_up "$(nat_rules | dnames)"
obs filter.daemon_up "$(filter_rules | dnames)"

# The image: busybox-static and the applets the checks use.
img=$D/img
busybox_image "$img" "$BODY"
# (An imported image has no environment: PATH is given, for docker exec.)
expect image.import.rc 0 \
	"$(tar -C "$img" -c . | timeout 300 docker import -c 'ENV PATH=/bin' - "$IMG" >/dev/null; echo $?)"

outside_up
# Two containers on the default bridge.
start_ct c1 "172.17.0.2/16 gw 172.17.0.1" "$IMG" sleep 100000
start_ct c2 "172.17.0.3/16 gw 172.17.0.1" "$IMG" sleep 100000
obs host.default_bridge "$(snap_settled | dnames | sort)"
obs c1.view "$(snap_settled ct-c1)"
obs c2.view "$(snap_settled ct-c2)"
obs nat.default_bridge "$(nat_rules | dnames)"
expect ip_forward 1 "$(sysctl -n net.ipv4.ip_forward)"
bridge_talk c1 172.17.0.2 c2 172.17.0.3 172.17.0.1
expect c1.exec_ping.c2.rc 0 "$(rcv dk exec c1 ping -c 3 -W 5 172.17.0.3)"

# A user-defined network: names resolved by the embedded DNS, no way to
# the default bridge.
expect ctnet1.create.rc 0 "$(rcv dk network create --subnet 172.30.0.0/24 ctnet1)"
start_ct c3 "172.30.0.2/24 gw 172.30.0.1" --network ctnet1 "$IMG" sleep 100000
start_ct c4 "172.30.0.3/24 gw 172.30.0.1" --network ctnet1 "$IMG" sleep 100000
obs host.ctnet1 "$(snap_settled | dnames | sort)"
obs c3.view "$(snap_settled ct-c3)"
expect c3.eth0.driver veth "$(ethtool_driver ct-c3 eth0)"
obs c3.resolv_conf "$(dk exec c3 cat /etc/resolv.conf 2>&1 | grep -vE '^(#|$)')"
out=$(dk exec c3 ping -c 3 -W 5 c4 2>&1)
expect c3.exec_ping.c4_by_name.rc 0 $?
expect c3.resolved.c4 172.30.0.3 "$(resolved "$out" c4)"
out=$(dk exec c4 ping -c 3 -W 5 c3 2>&1)
expect c4.exec_ping.c3_by_name.rc 0 $?
expect c4.resolved.c3 172.30.0.2 "$(resolved "$out" c3)"
expect c4.tcp.c3 ok "$(tcp_sha ct-c3 172.30.0.2 ct-c4)"
expect c3.ping.c1.isolated "lost: 100% packet loss" "$(ping_ok ct-c3 172.17.0.2)"
expect c1.ping.c3.isolated "lost: 100% packet loss" "$(ping_ok ct-c1 172.30.0.2)"
expect c3.ping.outside ok "$(ping_ok ct-c3 192.0.2.2)"
expect c3.nat.source_seen_outside 192.0.2.1 "$(peer_seen ct-out 192.0.2.2 ct-c3)"

# A published port: busybox httpd on 80 in the container, 8080 on the
# host.
start_ct web "172.17.0.4/16 gw 172.17.0.1" -p 8080:80 "$IMG" httpd -f -p 80 -h /www
expect web.listening.rc 0 "$(wait_for 60 listening ct-web 80; echo $?)"
expect web.from_outside "$BODY" "$(wget_body ct-out http://192.0.2.1:8080/)"
expect web.from_host_loopback "$BODY" "$(wget_body - http://127.0.0.1:8080/)"
expect web.from_host_address "$BODY" "$(wget_body - http://192.0.2.1:8080/)"
expect web.from_c1 "$BODY" "$(dk exec c1 wget -q -T 20 -O - http://192.0.2.1:8080/ 2>&1)"
expect web.from_c3 "$BODY" "$(dk exec c3 wget -q -T 20 -O - http://192.0.2.1:8080/ 2>&1)"
obs nat.published "$(nat_rules | dnames)"
obs filter.published "$(filter_rules | dnames)"

# Everything stopped and removed.
expect containers.stop.rc 0 "$(rcv dk stop -t 1 "${CTS[@]}")"
for c in "${CTS[@]}"; do ip netns delete "ct-$c"; done
expect containers.rm.rc 0 "$(rcv dk rm "${CTS[@]}")"
expect containers.left "" "$(dk ps -aq 2>&1)"
expect ctnet1.rm.rc 0 "$(rcv dk network rm ctnet1)"
outside_down
# The pairs go with the containers' namespaces, which the kernel
# dismantles in the background.
wait_for 60 veths_are 0
expect host.veths_after_rm 0 "$(veth_count)"
obs host.after_rm "$(snap_settled | dnames | sort)"
obs nat.after_rm "$(nat_rules | dnames)"
obs filter.after_rm "$(filter_rules | dnames)"
expect image.rm.rc 0 "$(rcv dk image rm "$IMG")"

stop_daemon
expect dockerd.exit 0 "$drc"
expect containerd.after_stop gone "$([ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null && echo running || echo gone)"
obs host.left_by_dockerd "$(diff <(echo "$before") <(snap | dnames | sort) | grep '^[<>] .')"
cleanup
daemon_end dockerd dnames
trap - TERM INT
exit 0
