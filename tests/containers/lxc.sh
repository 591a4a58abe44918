#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# LXC (liblxc 6) system containers with a veth network on a bridge, their
# addresses by DHCP over the pair: dnsmasq serves the bridge (a fixed
# lease per container MAC, set with lxc.net.0.hwaddr), each container's
# init is busybox's udhcpc. Two containers, made from a busybox-static
# rootfs, started with lxc-start, talk to each other and to the host;
# lxc-stop takes their pairs away; nothing left behind. The containers'
# network namespaces are named with `ip netns attach` so the checks run
# the host's tools in them.
. "$(dirname "$0")/lib.sh"

P=/tmp/veth_rs-ct-lxc
BR=ctlxbr0
command -v lxc-start >/dev/null || { echo "no lxc-start" >&2; exit 4; }
before=$(snap)
rm -rf "$P"
mkdir -p "$P"
# cgroup2, where LXC puts its containers (mounted if the VM has not).
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
ip link add "$BR" type bridge
ip addr add 10.44.0.1/24 dev "$BR"
ip link set "$BR" up
dnsmasq --conf-file=/dev/null --keep-in-foreground --bind-interfaces --interface="$BR" \
	--except-interface=lo --dhcp-range=10.44.0.100,10.44.0.200,255.255.255.0,1h \
	--dhcp-host=02:00:0a:2c:00:02,10.44.0.2 --dhcp-host=02:00:0a:2c:00:03,10.44.0.3 \
	--dhcp-leasefile="$P/leases" --pid-file="$P/dnsmasq.pid" --port=0 --log-facility="$P/dnsmasq.log" \
	--user=root --group=root &
dns_pid=$!

make_ct() {
	local name=$1 mac=$2 root=$P/$1/rootfs
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc}
	cp /usr/bin/busybox "$root/bin/busybox"
	for a in sh ip udhcpc sleep cat; do ln -s busybox "$root/bin/$a"; done
	# udhcpc's hook: put the lease on the interface.
	cat >"$root/bin/dhcp-hook" <<'HOOK'
#!/bin/sh
case $1 in
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/$mask" dev "$interface"
	[ -n "$router" ] && ip route replace default via "$router" dev "$interface"
	echo "$ip" >/tmp/lease
	;;
esac
exit 0
HOOK
	cat >"$root/bin/ct-init" <<'INIT'
#!/bin/sh
ip link set lo up
udhcpc -i eth0 -s /bin/dhcp-hook -t 20 -T 2 -n -q -f
exec sleep 100000
INIT
	chmod 755 "$root/bin/dhcp-hook" "$root/bin/ct-init"
	cat >"$P/$name/config" <<CFG
lxc.uts.name = $name
lxc.rootfs.path = dir:$root
lxc.mount.auto = proc:mixed sys:ro
lxc.autodev = 1
lxc.tty.max = 0
lxc.pty.max = 0
lxc.console.path = none
lxc.apparmor.profile = unconfined
lxc.init.cmd = /bin/ct-init
lxc.net.0.type = veth
lxc.net.0.link = $BR
lxc.net.0.flags = up
lxc.net.0.name = eth0
lxc.net.0.hwaddr = $mac
CFG
}

for ct in lx1:02:00:0a:2c:00:02 lx2:02:00:0a:2c:00:03; do
	name=${ct%%:*} mac=${ct#*:}
	make_ct "$name" "$mac"
	lxc-start -n "$name" -P "$P" -l WARN -o "$P/$name.log"
	expect "$name.start.rc" 0 $?
	expect "$name.wait_running.rc" 0 "$(rc lxc-wait -n "$name" -P "$P" -s RUNNING -t 60)"
	pid=$(lxc-info -n "$name" -P "$P" -pH)
	ip netns attach "ct-$name" "$pid"
	# The lease is on eth0 once udhcpc's hook has run.
	for _ in $(seq 150); do
		ip -n "ct-$name" -4 addr show eth0 2>/dev/null | grep -q inet && break
		sleep 0.2
	done
	expect "$name.state" RUNNING "$(lxc-info -n "$name" -P "$P" -sH)"
	expect "$name.eth0.mac" "$mac" "$(ip -n "ct-$name" -j link show eth0 | jq -r '.[0].address')"
	expect "$name.eth0.driver" veth "$(ethtool_driver "ct-$name" eth0)"
done
expect lx1.dhcp_address 10.44.0.2/24 "$(ip -n ct-lx1 -j -4 addr show eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
expect lx2.dhcp_address 10.44.0.3/24 "$(ip -n ct-lx2 -j -4 addr show eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
obs host.running "$(snap | sed -E 's/veth[0-9A-Za-z]{6}\b/veth<lxc>/g' | sort)"
obs lx1.running "$(snap ct-lx1)"
obs lx2.running "$(snap ct-lx2)"
obs leases "$(awk '{ print $2, $3, $4 }' "$P/leases" | sort)"
expect lx1.ping.host ok "$(ping_ok ct-lx1 10.44.0.1)"
expect lx2.ping.lx1 ok "$(ping_ok ct-lx2 10.44.0.2)"
expect lx2.tcp.lx1 ok "$(tcp_sha ct-lx1 10.44.0.2 ct-lx2)"
expect host.tcp.lx2 ok "$(tcp_sha ct-lx2 10.44.0.3 -)"
for name in lx1 lx2; do
	expect "$name.stop.rc" 0 "$(rc lxc-stop -n "$name" -P "$P" -k)"
	expect "$name.state_after_stop" STOPPED "$(lxc-info -n "$name" -P "$P" -sH)"
	# Our name for its namespace was the last reference to it.
	ip netns delete "ct-$name"
done
# The pairs go with the namespaces, which the kernel dismantles in the
# background: up to 30 s.
for _ in $(seq 150); do
	[ "$(veth_count)" = 0 ] && break
	sleep 0.2
done
expect host.veths_after_stop 0 "$(veth_count)"
obs bridge_ports_after_stop "$(ip -j link show master "$BR" | jq length)"
kill "$dns_pid"
wait "$dns_pid"
ip link del "$BR"
rm -rf "$P"
expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
exit 0
