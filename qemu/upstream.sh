#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build, in the cached kernel source tree, the helpers that the upstream
# selftest tools/testing/selftests/net/veth.sh needs next to it: the XDP
# program lib/xdp_dummy.bpf.o and the udpgso_bench_{rx,tx} traffic tools.
# The VM sees the source tree read-only at the same path (qemu/vm), where
# tests/veth_upstream.sh runs veth.sh unmodified. Prints the selftest dir.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=$("$VETH_RS_TOP/qemu/kernel.sh" "${1:-debug}")
src=$(readlink -f "$kdir/source")
net=$src/tools/testing/selftests/net
build() {
	local out=$1
	shift
	[ "$out" -nt "$VETH_RS_TOP/qemu/upstream.sh" ] && return 0
	in_rootfs "$@" || die "building $out failed"
}
build "$net/lib/xdp_dummy.bpf.o" clang -O2 -g -Wall -target bpf \
	-I/usr/include/x86_64-linux-gnu -c "$net/lib/xdp_dummy.bpf.c" -o "$net/lib/xdp_dummy.bpf.o"
for t in udpgso_bench_rx udpgso_bench_tx; do
	build "$net/$t" clang -O2 -Wall -I"$src/tools/testing/selftests" "$net/$t.c" -o "$net/$t"
done
echo "$net"
