# SPDX-License-Identifier: GPL-2.0
# What the guest-side benchmarks (bench/run.sh: wall clock, bench/icount.sh:
# instructions, bench/scale.sh: pairs at scale) share: the pair bx0 (bn0,
# $IP0) -- bx1 (bn1, $IP1), pktgen's configuration and result, the sample
# lines of the JSON output, the kernel memory figure. Sourced after the
# script has set `out` (its JSONL file) and `log`.

IP0=10.77.0.1 IP1=10.77.0.2

calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
# Guest time in ns (microsecond resolution), no process started.
now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }

# A string as a JSON string literal, quotes and backslashes escaped.
json_str() {
	local s=${1//\\/\\\\} out= c i
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\r'/\\r}
	s=${s//$'\t'/\\t}
	# Any other control character as \u00XX.
	if [[ $s == *[[:cntrl:]]* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			[[ $c == [[:cntrl:]] ]] && printf -v c '\\u%04x' "'$c"
			out+=$c
		done
		s=$out
	fi
	printf '"%s"' "$s"
}

# emit DRIVER RUN METRIC VALUE [EXTRA-JSON-MEMBERS]: one sample line (run
# 0 is the warm-up).
emit() {
	local warm=false
	[ "$2" -eq 0 ] && warm=true
	printf '{"driver":"%s","run":%d,"warmup":%s,"metric":"%s","value":%s%s}\n' \
		"$1" "$2" "$warm" "$3" "$4" "${5:+,$5}" >>"$out"
}

# skip DRIVER RUN METRIC REASON: the metric could not be measured.
skip() {
	local warm=false
	[ "$2" -eq 0 ] && warm=true
	printf '{"driver":"%s","run":%d,"warmup":%s,"metric":"%s","skip":%s}\n' \
		"$1" "$2" "$warm" "$3" "$(json_str "$4")" >>"$out"
	log "$1 run $2: $3 skipped: $4"
}

# The `ip link add` words of a driver's pair.
link_type() {
	case $1 in
	netkit) echo "type netkit mode l2" ;; # L2, so that frames are Ethernet as on veth.
	*) echo "type $1" ;;
	esac
}

# same_ip_parser DIR: a directory for IP_LIB_DIR where ip finds the
# plugin under both names, link_veth.so and link_veth_rs.so (two copies of
# iproute2/link_veth_rs.so, which has veth_link_util too). With it, `ip
# link add ... type veth` and `type veth_rs` load and run the same parser
# the same way; without it, ip parses veth's options with its built-in
# code but loads the plugin from disk for veth_rs, a fixed cost per ip run
# (~275,000 instructions in the guest, 9p reads and page faults included)
# that a benchmark window would count against veth_rs.
same_ip_parser() {
	local so
	so=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/iproute2/link_veth_rs.so
	mkdir -p "$1" && cp "$so" "$1/link_veth.so" && cp "$so" "$1/link_veth_rs.so"
}

nsstat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# setup_pair DRIVER: bx0 in bn0 -- bx1 in bn1, addressed, up, a ping
# across (ARP resolved before anything is measured).
setup_pair() {
	local drv=$1
	ip -b - <<<$'netns add bn0\nnetns add bn1' || return 1
	ip -n bn0 link set lo up
	ip -n bn1 link set lo up
	ip -n bn0 link add bx0 $(link_type "$drv") peer name bx1 netns bn1 || return 1
	ip -n bn0 -b - <<<"addr add $IP0/24 dev bx0"$'\n'"link set bx0 up"
	ip -n bn1 -b - <<<"addr add $IP1/24 dev bx1"$'\n'"link set bx1 up"
	ip netns exec bn0 ping -q -c 1 -W 5 $IP1 >/dev/null || { log "$drv: no ping across the pair"; return 1; }
}

# Deleting the pairs first (synchronous, unlike the namespaces' cleanup
# work) leaves nothing behind for the next measurement; bn2 and by0 are
# the redirect target of icount.sh's XDP_REDIRECT.
teardown_pair() {
	timeout 60 ip -n bn0 link del bx0 2>/dev/null
	ip -n bn1 link del by0 2>/dev/null
	ip -force -b - <<<$'netns del bn0\nnetns del bn1\nnetns del bn2' >/dev/null 2>&1
	sleep 0.5
}

# At exit: the servers of the script ($SERVERS) stopped, its namespaces and
# $TMP gone.
bench_cleanup() {
	local pid
	for pid in "${SERVERS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	ip -force -b - <<<$'netns del bn0\nnetns del bn1\nnetns del bn2\nnetns del bnc' >/dev/null 2>&1
	rm -rf "$TMP"
}

# pktgen_setup DRIVER RUN COUNT: pktgen's kpktgend_0 sends COUNT (0: until
# stopped) UDP frames of 60 bytes from bx0 to bx1, one shell in bn0 for
# the whole configuration (each `ip netns exec` is a process start).
pktgen_setup() {
	local mac
	mac=$(ip netns exec bn1 cat /sys/class/net/bx1/address)
	ip netns exec bn0 sh -c "set -e; d=/proc/net/pktgen
		echo rem_device_all >\$d/kpktgend_0
		echo 'add_device bx0' >\$d/kpktgend_0
		for c in 'count $3' 'clone_skb 0' 'pkt_size 60' 'delay 0' 'dst $IP1' \
			'dst_mac $mac' 'udp_dst_min 9' 'udp_dst_max 9'; do echo \"\$c\" >\$d/bx0; done" || {
		log "$1 run $2: pktgen setup failed"
		return 1
	}
}

# pktgen_result: pktgen's result for bx0 into PG_USEC, PG_SENT, PG_ERRORS
# and PG_RES (the whole text); the device is taken off kpktgend_0.
pktgen_result() {
	PG_RES=$(ip netns exec bn0 cat /proc/net/pktgen/bx0)
	PG_USEC=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' <<<"$PG_RES")
	PG_SENT=$(sed -n 's/.*Result: OK: [^,]*, \([0-9]*\) .*/\1/p' <<<"$PG_RES")
	PG_ERRORS=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$PG_RES" | tail -n 1)
	ip netns exec bn0 sh -c 'echo rem_device_all >/proc/net/pktgen/kpktgend_0'
}

# Wait until something listens on TCP port $2 in namespace $1.
wait_listen() {
	local i
	for i in $(seq 100); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# Kernel memory now, in kB: Slab + Percpu, after reclaiming what can be.
kmem_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}
