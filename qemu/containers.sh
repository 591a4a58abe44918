#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make containers` (issue 17 part 2): container stacks, unchanged, making
# their veth pairs on the C veth and on veth_rs in drop-in mode
# (kind=veth, veth.ko unloaded), in one boot of the selftests kernel
# (qemu/kernel.sh selftests: the debug kernel, so splats are caught, with
# the netfilter the stacks need: iptables-nft's NFT_COMPAT, NAT,
# MASQUERADE), with the rootfs layer "containers" as the guest's root
# (qemu/packages-containers.txt over the base rootfs). Each scenario of
# tests/containers/ runs under both drivers; then a table per stack
# (checks identical / total, failed expectations, exits, splats, time)
# and the differences. Exits non-zero on any difference, failed
# expectation, splat or leak.
#   qemu/containers.sh                 every stack
#   CONTAINERS="cni-bridge pyroute2" qemu/containers.sh   only those
#   qemu/containers.sh --report DIR    redo the table of an earlier run
# CONTAINERS_TIMEOUT=S bounds each scenario run (default 1200 s: docker
# and podman take 4-5 min here under TCG + KASAN, 3x that on a slow machine).
# CONTAINERS_LOCK_WAIT=S gives up when the VM lock is not had within S s.
# The VM is started under the machine's VM lock (/tmp/veth_rs-vm.lock):
# do not wrap this script in that flock yourself.
set -euo pipefail
. "$(dirname "$0")/common.sh"

report() { "$VETH_RS_TOP/qemu/chroot" python3 "$VETH_RS_TOP/qemu/containers_report.py" "$1"; }
if [ "${1:-}" = --report ]; then
	report "$2"
	exit
fi
all="cni-bridge cni-ptp pyroute2 networkd lxc docker podman"
stacks=${CONTAINERS:-$all}
for s in $stacks; do
	[ -x "$VETH_RS_TOP/tests/containers/$s.sh" ] || die "no scenario tests/containers/$s.sh (stacks: $all)"
done
t0=$SECONDS

kdir=$("$VETH_RS_TOP/qemu/kernel.sh" selftests)
# veth_rs.ko for the selftests kernel, built from a copy of the sources
# (qemu/common.sh's sync_sources), in a folder of its own.
build=$VETH_RS_CACHE/build-containers
sync_sources "$VETH_RS_TOP" "$build"
ko=$(module_for "$build" selftests "$kdir")
# The guest's root: the base rootfs plus the container packages.
export VETH_RS_ROOTFS_LAYER=containers
"$VETH_RS_TOP/qemu/rootfs-layer.sh"

out=$VETH_RS_TOP/results/containers-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
msg "make containers: stacks $stacks, each with veth and veth_rs; output in $out"
start=$SECONDS
empty=$build/no-test-modules
mkdir -p "$empty"
# The time the lock was had is noted, so the VM's own time is told from
# the wait for other VMs.
VETH_RS_KO=$ko VETH_RS_TEST_KOS=$empty flock ${CONTAINERS_LOCK_WAIT:+-w "$CONTAINERS_LOCK_WAIT"} /tmp/veth_rs-vm.lock \
	sh -c 'date +%s >"$0" && exec "$@"' "$out/vm.start" "$VETH_RS_TOP/qemu/vm" --selftests -- \
	env CONTAINERS_TIMEOUT="${CONTAINERS_TIMEOUT:-1200}" "$VETH_RS_TOP/qemu/containers-guest.sh" "$out" $stacks |
	tee "$out/console.log"
vm_s=$(($(date +%s) - $(cat "$out/vm.start" 2>/dev/null || date +%s)))
msg "VM: $vm_s s (boot included), after $((SECONDS - start - vm_s)) s waiting for the VM lock; make containers: $((SECONDS - t0)) s in all"
report "$out"
