#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the container-stack scenarios of `make containers`
# (tests/containers/*.sh, run by qemu/containers-guest.sh once per driver).
#
# A scenario writes what it observed to stdout, one check a line:
#   NAME<TAB>VALUE
# The same scenario under C veth and under veth_rs (kind=veth) must give
# the same lines (qemu/containers_report.py compares them by NAME). A
# check made with `expect` must also have its expected value under each
# driver: a line "FAIL<TAB>NAME<TAB>wanted ... got ..." goes to
# $CT_FAILS, so a stack that breaks the same way under both drivers still
# fails. Values are normalised: no ifindex, MAC, random device name,
# nsid, counter or time.

CT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CT_FAILS=${CT_FAILS:-/dev/stderr}
# The payload of the TCP transfers (made once per boot by the guest
# script, so both drivers send the same bytes).
CT_PAYLOAD=${CT_PAYLOAD:-/tmp/veth_rs-ct-payload}

# obs NAME VALUE: one observation (a multi-line VALUE gives one line each,
# numbered, so a changed line is told from a missing one).
obs() {
	local name=$1 i=0 line
	shift
	if [ -z "$*" ]; then
		printf '%s\t%s\n' "$name" "(empty)"
		return
	fi
	while IFS= read -r line; do
		i=$((i + 1))
		printf '%s\t%s\n' "$name#$i" "$line"
	done <<<"$*"
}

# expect NAME WANTED GOT: an observation that must also be WANTED.
expect() {
	printf '%s\t%s\n' "$1" "$3"
	[ "$3" = "$2" ] || printf 'FAIL\t%s\twanted "%s", got "%s"\n' "$1" "$2" "$3" >>"$CT_FAILS"
}

# rc CMD...: runs CMD, prints its exit status (its output is dropped).
rc() {
	"$@" >/dev/null 2>&1
	echo $?
}

# The jq program that turns `ip -j -d link` into normalised lines: the
# random part of CNI's host-side names (veth + 8 hex digits) is replaced,
# MACs, ifindexes and nsids are left out; the peer's namespace is said as
# "other netns" or "same netns".
CT_JQ_NAME='def nm: if . == null then "-" else sub("^veth[0-9a-f]{8}$"; "veth<random>") end;'
CT_JQ_LINKS="$CT_JQ_NAME"'
  .[] | select(.ifname != "lo" and (.ifname | test("^(ip_vti0|ip6_vti0|sit0|ip6tnl0|ip6gre0|gre0|gretap0|erspan0|tunl0)$") | not))
  | "link \(.ifname | nm) kind=\(.linkinfo.info_kind // "-")"
    + " master=\(.master | nm) flags=\(.flags | sort | join(","))"
    + " operstate=\(.operstate) mtu=\(.mtu) min_mtu=\(.min_mtu) max_mtu=\(.max_mtu)"
    + " qdisc=\(.qdisc) txqlen=\(.txqlen // "-") txq=\(.num_tx_queues) rxq=\(.num_rx_queues)"
    + " gso_max_size=\(.gso_max_size) gso_max_segs=\(.gso_max_segs) tso_max_size=\(.tso_max_size)"
    + " gro_max_size=\(.gro_max_size) promiscuity=\(.promiscuity) allmulti=\(.allmulti // "-")"
    + " peer=\(if .link_netnsid != null then "other-netns" elif .link != null then "same-netns" else "-" end)"
    + " brport=\(.linkinfo.info_slave_data.state // "-")"'
# Addresses: IPv6 link-local ones come from the MAC, so only their count.
CT_JQ_ADDRS="$CT_JQ_NAME"'
  .[] | .ifname as $d | select($d != "lo") | .addr_info[]
  | if (.local | startswith("fe80:")) then "addr \($d | nm) link-local-v6 scope=\(.scope)"
    else "addr \($d | nm) \(.family) \(.local)/\(.prefixlen) scope=\(.scope)" end'
CT_JQ_ROUTES="$CT_JQ_NAME"'
  .[] | "route \(.dst) via=\(.gateway // "-") dev=\(.dev | nm) proto=\(.protocol // "-") scope=\(.scope // "-") src=\(.prefsrc // "-")"'

# snap [NETNS]: the links, addresses and routes of a namespace (the init
# namespace without one), normalised and sorted.
snap() {
	local ipn=(ip)
	[ -n "${1:-}" ] && ipn=(ip -n "$1")
	# Four JSON arrays from two ip runs (a batch's family is IPv4 for
	# routes), one jq: each process costs ~0.1 s in the debug VM.
	{
		printf 'link show\naddr show\nroute show table main\n' | "${ipn[@]}" -j -d -batch -
		"${ipn[@]}" -j -6 route show table main
	} | jq -rn "(input | ($CT_JQ_LINKS)), (input | ($CT_JQ_ADDRS)), (input, input | ($CT_JQ_ROUTES))" | sort
}

# veth_count [NETNS]: how many devices of kind veth a namespace has.
veth_count() {
	local ipn=(ip)
	[ -n "${1:-}" ] && ipn=(ip -n "$1")
	"${ipn[@]}" -j -d link show | jq '[.[] | select(.linkinfo.info_kind == "veth")] | length'
}

# ethtool_driver NETNS DEV: the driver name ethtool reports for DEV.
ethtool_driver() {
	ip netns exec "$1" ethtool -i "$2" 2>/dev/null | awk '/^driver:/ {print $2}'
}

# nat_rules: the nat table as iptables-save prints it, without counters
# and comments of the dump itself.
nat_rules() {
	iptables-save -t nat 2>&1 | grep -vE '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
}

# ping_ok [NETNS] ADDR: "ok" when 3 pings get 3 answers, else the loss.
ping_ok() {
	local pre=() out
	[ $# -gt 1 ] && { pre=(ip netns exec "$1"); shift; }
	out=$("${pre[@]}" ping -c 3 -i 0.3 -W 5 "$1" 2>&1)
	if [ $? = 0 ] && grep -q ' 0% packet loss' <<<"$out"; then
		echo ok
	else
		echo "lost: $(grep -o '[0-9.]*% packet loss' <<<"$out" || echo "${out##*$'\n'}")"
	fi
}

# tcp_sha SERVER_NETNS ADDR CLIENT_NETNS|-: sends $CT_PAYLOAD from CLIENT_NETNS
# ('-': the init namespace) to a socat listener in SERVER_NETNS at ADDR over
# TCP, and prints "ok" when the received bytes have the payload's SHA-256.
tcp_sha() {
	local srv=$1 addr=$2 cli=$3 port=${4:-5201} recv want got pid pre=()
	recv=$(mktemp)
	[ "$cli" != - ] && pre=(ip netns exec "$cli")
	ip netns exec "$srv" timeout 60 socat -u "TCP-LISTEN:$port,reuseaddr" "OPEN:$recv,creat,trunc" &
	pid=$!
	# The listener is up once ss shows it (no sleep guessed).
	for _ in $(seq 50); do
		ip netns exec "$srv" ss -Hltn "sport = :$port" | grep -q LISTEN && break
		sleep 0.2
	done
	"${pre[@]}" timeout 60 socat -u "FILE:$CT_PAYLOAD" "TCP:$addr:$port,connect-timeout=10" 2>/dev/null
	wait "$pid"
	want=$(sha256sum <"$CT_PAYLOAD" | cut -d' ' -f1)
	got=$(sha256sum <"$recv" | cut -d' ' -f1)
	if [ "$want" = "$got" ]; then
		echo ok
	else
		echo "sha256 differs ($(stat -c %s "$recv") of $(stat -c %s "$CT_PAYLOAD") bytes received)"
	fi
	rm -f "$recv"
}

# peer_seen SERVER_NETNS ADDR CLIENT_NETNS: the source address a TCP
# listener in SERVER_NETNS sees for a connection from CLIENT_NETNS (NAT).
peer_seen() {
	local srv=$1 addr=$2 cli=$3 port=5301 pid out
	out=$(mktemp)
	ip netns exec "$srv" timeout 30 socat -u "TCP-LISTEN:$port,reuseaddr" SYSTEM:'echo $SOCAT_PEERADDR' >"$out" &
	pid=$!
	for _ in $(seq 50); do
		ip netns exec "$srv" ss -Hltn "sport = :$port" | grep -q LISTEN && break
		sleep 0.2
	done
	ip netns exec "$cli" timeout 30 socat -u - "TCP:$addr:$port,connect-timeout=10" </dev/null 2>/dev/null
	wait "$pid"
	cat "$out"
	rm -f "$out"
}

# The "outside" of the NAT checks: namespace ct-out, reached from the init
# namespace through a pair of the driver under test (192.0.2.1 here,
# 192.0.2.2 there), and no route back to the containers' subnets: only
# masqueraded traffic gets an answer.
outside_up() {
	ip netns add ct-out
	ip link add ct-o0 type veth peer name ct-o1 netns ct-out
	ip addr add 192.0.2.1/24 dev ct-o0
	ip link set ct-o0 up
	ip -n ct-out addr add 192.0.2.2/24 dev ct-o1
	ip -n ct-out link set ct-o1 up
	ip -n ct-out link set lo up
}
outside_down() {
	ip link del ct-o0 2>/dev/null
	ip netns del ct-out 2>/dev/null
}

# cni PLUGIN COMMAND CONTAINERID NETNS IFNAME CONFIG: runs a CNI plugin as
# a runtime does (libcni's environment, the network configuration on
# stdin), prints its stdout (the result, or the error object) and returns
# its exit status.
cni() {
	env CNI_COMMAND="$2" CNI_CONTAINERID="$3" CNI_NETNS="/run/netns/$4" CNI_IFNAME="$5" \
		CNI_PATH=/usr/lib/cni "/usr/lib/cni/$1" <<<"$6"
}
# with_prev CONFIG RESULT: the configuration with RESULT as prevResult,
# as libcni passes it to CHECK and DEL (from its cache of the ADD).
with_prev() {
	jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"
}
# The normalised form of a CNI result: interface names without their
# random part, MACs left out.
CT_JQ_RESULT="$CT_JQ_NAME"'
  {cniVersion, interfaces: [.interfaces[]? | {name: (.name | nm), sandbox: (.sandbox // "-"),
   mac: (if .mac then "<mac>" else "-" end)}], ips, routes, dns, code, msg}'

# snap_settled [NETNS]: snap once two reads in a row agree (up to 10), so
# what comes a moment after a link goes up (a bridge's carrier through
# linkwatch, the IPv6 link-local address that follows) does not make a
# difference between runs.
snap_settled() {
	local a b
	a=$(snap "$@")
	for _ in $(seq 10); do
		b=$(snap "$@")
		[ "$a" = "$b" ] && break
		a=$b
	done
	echo "$a"
}

# What a container daemon may leave on the host besides links, saved into
# a folder before it starts (host_state_save DIR), told afterwards
# (host_state_diff DIR: one "+ what" or "- what" line per difference) and
# put back (host_state_restore DIR), so that the next scenario, and the
# same scenario under the other driver, start from the same host.
# The firewall is read with nft (iptables-nft's tables are nftables
# tables too), one line per table, chain and rule ("FAMILY TABLE CHAIN:
# RULE"), sorted, without counters; the cgroups as paths under
# /sys/fs/cgroup; /run by its top-level entries; mounts by their mount
# point.
host_state() {
	local f
	case $1 in
	fw)
		nft -s list ruleset 2>&1 | awk '
			/^table / { t = $2 " " $3; print t; next }
			/^\t(chain|set|map|flowtable) / { c = $2; print t " " $1 " " c; next }
			/^\t\t[^\t]/ { r = $0; sub(/^\t\t/, "", r); print t " " c ": " r; next }
			/^\t\t\t/ { r = $0; sub(/^\t+/, "", r); print t " " c ":   " r }' | sort
		;;
	tables) nft list tables 2>/dev/null | awk '$1 == "table" { print $2, $3 }' ;;
	sysctl)
		for f in net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv6.conf.all.forwarding \
			net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.bridge.bridge-nf-call-arptables; do
			[ -e "/proc/sys/${f//.//}" ] && echo "$f=$(sysctl -n "$f")"
		done
		;;
	br_netfilter) [ -d /sys/module/br_netfilter ] && echo loaded || echo "not loaded" ;;
	cgroups) find /sys/fs/cgroup -mindepth 1 -type d -printf '%P\n' | sort ;;
	subtree) cat /sys/fs/cgroup/cgroup.subtree_control ;;
	# (Not what the scenario's own tools make: libmount's /run/mount, ip
	# netns's /run/netns and its mount.)
	run) find /run -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -vxE 'mount|netns' | sort ;;
	mounts) awk '$5 != "/run/netns" { print $5 }' /proc/self/mountinfo ;;
	# The daemons' default places outside /run and /tmp (writable in the
	# VM only through its overlays), which a scenario names others for:
	# which of them are there.
	paths)
		for f in /var/lib/docker /var/lib/containerd /opt/containerd /etc/docker /var/lib/containers \
			/etc/containers/networks; do
			[ -e "$f" ] && echo "$f"
		done
		;;
	esac
}
CT_HOST_STATE="fw tables sysctl br_netfilter cgroups subtree run mounts paths"
# The iptables-nft tables (family ip or ip6, an iptables table name), as
# "FAMILY TABLE COMMAND".
xt_tables() {
	local fam tab f
	host_state tables | while read -r fam tab; do
		case "$fam $tab" in
		"ip "*) f=iptables ;;
		"ip6 "*) f=ip6tables ;;
		*) continue ;;
		esac
		case $tab in filter | nat | mangle | raw | security) echo "$fam $tab $f" ;; esac
	done
}
host_state_save() {
	local k fam tab f
	[ -d "$1" ] || { echo "host_state_save: no folder '$1'" >&2; return 1; }
	for k in $CT_HOST_STATE; do host_state "$k" >"$1/$k"; done
	xt_tables | while read -r fam tab f; do
		"$f-save" -t "$tab" >"$1/xt.$fam.$tab"
	done
}
host_state_diff() {
	local k
	[ -f "$1/mounts" ] || { echo "host_state_diff: no saved state in '$1'" >&2; return 1; }
	for k in $CT_HOST_STATE; do
		[ "$k" = tables ] && continue
		if [ "$k" = mounts ]; then
			host_state mounts | sort | diff <(sort "$1/mounts") -
		else
			host_state "$k" | diff "$1/$k" -
		fi | sed -n -E "s/^([<>]) (.*)/\1 $k: \2/p" | sed -e 's/^</-/' -e 's/^>/+/'
	done
}
# host_state_restore DIR: deletes the nftables tables made since (each
# whole) and puts the iptables-nft tables that were there back as they
# were (iptables-restore of their saved dump: rules, chains, policies;
# the base chains it makes that nftables did not have before are deleted
# again); the sysctls and br_netfilter as they were; removes the cgroups
# made since (deepest first) and the controllers enabled since at the
# root; unmounts what was mounted since under /run, /tmp or /var (last
# first) and removes the new entries of /run and the daemons' default
# places made since.
host_state_restore() {
	local dir=$1 fam tab f ch kv c m e
	[ -f "$dir/mounts" ] || { echo "host_state_restore: no saved state in '$dir'" >&2; return 1; }
	host_state tables | grep -vxF -f "$dir/tables" | while read -r fam tab; do
		nft delete table "$fam" "$tab"
	done
	for f in "$dir"/xt.*; do
		[ -f "$f" ] || continue
		fam=${f#"$dir/xt."}
		tab=${fam#*.}
		fam=${fam%%.*}
		if [ "$fam" = ip ]; then iptables-restore <"$f"; else ip6tables-restore <"$f"; fi
		for ch in $(nft list table "$fam" "$tab" 2>/dev/null | awk '$1 == "chain" { print $2 }'); do
			grep -qxF "$fam $tab chain $ch" "$dir/fw" || nft delete chain "$fam" "$tab" "$ch"
		done
	done
	while IFS= read -r kv; do
		sysctl -q -w "$kv" 2>/dev/null
	done <"$dir/sysctl"
	[ "$(host_state br_netfilter)" != "$(cat "$dir/br_netfilter")" ] && [ "$(cat "$dir/br_netfilter")" = "not loaded" ] &&
		modprobe -r br_netfilter
	host_state cgroups | grep -vxF -f "$dir/cgroups" | sort -r | while read -r c; do
		rmdir "/sys/fs/cgroup/$c"
	done
	for c in $(host_state subtree); do
		grep -qw -- "$c" "$dir/subtree" || echo "-$c" >/sys/fs/cgroup/cgroup.subtree_control
	done
	host_state mounts | grep -vxF -f "$dir/mounts" | grep -E '^/(run|tmp|var)/' | tac | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	host_state run | grep -vxF -f "$dir/run" | while read -r e; do
		rm -rf "/run/${e:?}"
	done
	host_state paths | grep -vxF -f "$dir/paths" | while read -r e; do
		rm -rf "${e:?}"
	done
}

# Helpers of the daemon scenarios (docker.sh, podman.sh).
# rcv CMD...: CMD's exit status, its stdout dropped, its stderr kept (in
# the run's .err file).
rcv() {
	"$@" >/dev/null
	echo $?
}
# wait_for SECONDS CMD...: polls CMD (every 0.5 s) until it succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.5
	done
}
# shellcheck disable=SC2317 # (run by wait_for)
veths_are() { [ "$(veth_count)" = "$1" ]; }
# shellcheck disable=SC2317 # (run by wait_for)
listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN; }
# resolved OUTPUT NAME: the address busybox ping said it resolved NAME to.
resolved() { sed -n -E "1s/^PING $2 \\(([0-9.]+)\\).*/\\1/p" <<<"$1"; }
# wget_body NETNS|- URL: the body busybox wget fetches from URL, from
# NETNS ('-': the init namespace).
wget_body() {
	local pre=()
	[ "$1" != - ] && pre=(ip netns exec "$1")
	"${pre[@]}" timeout 60 busybox wget -q -T 20 -O - "$2" 2>&1
}
# busybox_image DIR BODY: the folder of a container image made of
# busybox-static and the applets the checks use, with BODY as
# /www/index.html (for httpd) and a root user.
busybox_image() {
	local a
	mkdir -p "$1"/{bin,etc,www,tmp,proc,sys,dev,root}
	cp /usr/bin/busybox "$1/bin/busybox"
	for a in sh sleep ping nc httpd wget cat ip nslookup; do ln -s busybox "$1/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
	echo 'root:x:0:' >"$1/etc/group"
	echo "$2" >"$1/www/index.html"
}
# daemon_begin DATADIR RUNDIR: the start of a daemon scenario. cgroup2
# mounted (where the runtimes put containers) if the VM has not; the
# init namespace's links, addresses and routes in $before; the host
# state the daemon may change saved in $STATE; DATADIR a tmpfs of its
# own (the VM's /tmp is an overlayfs, which overlay storage refuses as
# its backing filesystem), RUNDIR made.
daemon_begin() {
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
	before=$(snap)
	STATE=$(mktemp -d /tmp/veth_rs-ct-state.XXXXXX)
	host_state_save "$STATE"
	mkdir -p "$1" "$2"
	mount -t tmpfs -o mode=0711 "$(basename "$1")" "$1"
}
# state_back: the host state saved by daemon_begin put back, the save
# dropped.
state_back() {
	host_state_restore "$STATE"
	rm -rf "$STATE"
}
# daemon_end NAME FILTER: the end of a daemon scenario, once it has
# cleaned up: the init namespace as before; what the daemon NAME left of
# the saved state (names normalised by the command FILTER) said, then put
# back, and nothing left after that.
daemon_end() {
	expect host.same_as_before yes "$([ "$(snap)" = "$before" ] && echo yes || echo no)"
	obs "left_by_$1" "$(host_state_diff "$STATE" | $2)"
	host_state_restore "$STATE"
	expect host_state.restored "" "$(host_state_diff "$STATE")"
	rm -rf "$STATE"
}
# bridge_talk A IP_A B IP_B GATEWAY: the checks of two containers on
# one bridge network (their namespaces named ct-A and ct-B): A's eth0 is
# a veth; A pings B and the gateway, the host pings B; B sends A the
# payload, the host sends it to B; A reaches the outside only through
# NAT (the outside sees 192.0.2.1); B sends the outside the payload.
bridge_talk() {
	local a=$1 ipa=$2 b=$3 ipb=$4 gw=$5
	expect "$a.eth0.driver" veth "$(ethtool_driver "ct-$a" eth0)"
	expect "$a.ping.$b" ok "$(ping_ok "ct-$a" "$ipb")"
	expect "$a.ping.gateway" ok "$(ping_ok "ct-$a" "$gw")"
	expect "host.ping.$b" ok "$(ping_ok "$ipb")"
	expect "$b.tcp.$a" ok "$(tcp_sha "ct-$a" "$ipa" "ct-$b")"
	expect "host.tcp.$b" ok "$(tcp_sha "ct-$b" "$ipb" -)"
	expect "$a.ping.outside" ok "$(ping_ok "ct-$a" 192.0.2.2)"
	expect "$a.nat.source_seen_outside" 192.0.2.1 "$(peer_seen ct-out 192.0.2.2 "ct-$a")"
	expect "$b.tcp.outside" ok "$(tcp_sha ct-out 192.0.2.2 "ct-$b")"
}
