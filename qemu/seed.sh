#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seed scenario of `make run`, run inside the VM: a veth_rs pair with
# one end in namespace ns0 (10.1.1.2/24) and the other in ns1
# (10.1.1.3/24), a ping across, then the links' details and counters.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
step() { printf '\n$ %s\n' "$*"; "$@"; }

grep -q '^veth_rs ' /proc/modules || step insmod "$top/veth_rs.ko"
step ip netns add ns0
step ip netns add ns1
step ip link add vr0 type veth_rs peer name vr1
step ip link set vr0 netns ns0
step ip link set vr1 netns ns1
step ip -n ns0 addr add 10.1.1.2/24 dev vr0
step ip -n ns1 addr add 10.1.1.3/24 dev vr1
step ip -n ns0 link set vr0 up
step ip -n ns1 link set vr1 up
step ip netns exec ns0 ping -c 3 -i 0.2 -W 2 10.1.1.3
step ip -n ns0 -d link show vr0
step ip -n ns1 -d link show vr1
step ip -n ns0 -s link show vr0
step ip -n ns1 -s link show vr1
step ip netns exec ns0 ethtool -i vr0
ip netns del ns0
ip netns del ns1
echo
echo "seed scenario: ok"
