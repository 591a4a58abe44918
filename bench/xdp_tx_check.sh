#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# XDP_TX back to a sender that has GRO on but no XDP program: where the
# frames go with veth and with veth_rs (ethtool -S of both ends, the
# sender's IP counters). Run in the VM: qemu/vm --release -- bench/xdp_tx_check.sh
B=$(cd "$(dirname "$0")/.." && pwd)/tests/bpf
modprobe pktgen; modprobe veth; modprobe veth_rs
for drv in veth veth_rs; do
ip netns add bn0; ip netns add bn1
ip -n bn0 link add bx0 type $drv peer name bx1 netns bn1
ip -n bn0 addr add 10.77.0.1/24 dev bx0; ip -n bn1 addr add 10.77.0.2/24 dev bx1
ip -n bn0 link set bx0 up; ip -n bn1 link set bx1 up
ip netns exec bn0 ethtool -K bx0 gro on
ip -force -n bn1 link set dev bx1 xdpdrv obj $B/xdp_tx.bpf.o sec xdp
ip netns exec bn0 ethtool -k bx0 | grep generic-receive
mac=$(ip netns exec bn1 cat /sys/class/net/bx1/address)
ip netns exec bn0 sh -c "d=/proc/net/pktgen; echo rem_device_all >\$d/kpktgend_0; echo 'add_device bx0' >\$d/kpktgend_0; for c in 'count 1000' 'clone_skb 0' 'pkt_size 60' 'delay 0' 'dst 10.77.0.2' 'dst_mac $mac'; do echo \"\$c\" >\$d/bx0; done; echo start > \$d/pgctrl"
echo "== $drv"; ip netns exec bn1 ethtool -S bx1 | grep -E 'xdp_tx|rx_queue_0_xdp_packets|drops'; ip netns exec bn0 ethtool -S bx0 | grep -E 'rx_queue_0_(xdp_packets|packets)|xdp'; ip -n bn0 -s link show bx0 | sed -n 3,6p
ip netns exec bn0 nstat -a | grep -i -E 'InAddrErrors|InNoRoutes|IpInReceives|InHdr|Ignored' 
ip netns del bn0; ip netns del bn1; sleep 0.5
done
