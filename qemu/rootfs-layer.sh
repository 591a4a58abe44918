#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the rootfs layer VETH_RS_ROOTFS_LAYER=NAME into the cache: a copy of
# the base rootfs (qemu/rootfs.sh) with the packages of
# qemu/packages-NAME.txt installed on top, for the targets whose guest needs
# them (make containers). The base rootfs, and so make check's cold path,
# is left as it is. No daemon is started on the build host: a policy-rc.d
# that refuses every start is in place while the packages install.
# Idempotent; keyed by the base's inputs, this script and the list.
set -euo pipefail
. "$(dirname "$0")/common.sh"

layer=${VETH_RS_ROOTFS_LAYER:?set VETH_RS_ROOTFS_LAYER to the layer name}
list=$VETH_RS_TOP/qemu/packages-$layer.txt
[ -f "$list" ] || die "no package list $list for the rootfs layer '$layer'"
root=$(rootfs_dir)
[ -f "$root/.complete" ] && { msg "rootfs layer $layer: cached at $root"; exit 0; }
base=$(VETH_RS_ROOTFS_LAYER='' rootfs_dir)
[ -f "$base/.complete" ] || VETH_RS_ROOTFS_LAYER='' "$VETH_RS_TOP/qemu/rootfs.sh"
mkdir -p "$VETH_RS_CACHE"
exec 9>"$root.lock"
flock 9
[ -f "$root/.complete" ] && { msg "rootfs layer $layer: cached at $root"; exit 0; }
preflight 4

tmp="$root.tmp.$$"
rm -rf "$root".tmp.*
msg "rootfs layer $layer: copying the base rootfs $base"
cp -a --reflink=auto "$base" "$tmp"
rm -f "$tmp/.complete"
pkgs=$(sed -e 's/#.*//' -e '/^\s*$/d' "$list" | tr '\n' ' ')
cat >"$tmp/tmp/install-layer.sh" <<INNER
set -e
export DEBIAN_FRONTEND=noninteractive
# Maintainer scripts must not start daemons in the chroot (invoke-rc.d and
# deb-systemd-invoke ask policy-rc.d; 101 = action forbidden).
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
apt-get update
apt-get install -y --no-install-recommends $pkgs
apt-get clean
rm -f /usr/sbin/policy-rc.d
# As in the base rootfs (qemu/rootfs.sh): virtme-init must not spend
# minutes per boot in tmpfiles, which systemd brings. (systemd-udevd there
# is the base's stand-in, kept: udev is not installed.)
if [ -e /usr/bin/systemd-tmpfiles ] && ! dpkg-divert --list /usr/bin/systemd-tmpfiles | grep -q .; then
	dpkg-divert --local --rename --add /usr/bin/systemd-tmpfiles
fi
dpkg-query -W -f '\${Package}=\${Version}\n' >/versions.txt
INNER
mount_list=()
for p in /proc /sys /dev; do mount --bind "$p" "$tmp$p"; mount_list+=("$tmp$p"); done
cp -L /etc/resolv.conf "$tmp/etc/resolv.conf"
trap 'for m in "${mount_list[@]}"; do umount -l "$m" 2>/dev/null || true; done' EXIT
run_logged "$VETH_RS_CACHE/rootfs-$layer.log" "apt-get install of the $layer layer ($pkgs)" \
	chroot "$tmp" bash /tmp/install-layer.sh
for m in "${mount_list[@]}"; do umount -l "$m"; done
mount_list=()
rm -f "$tmp/tmp/install-layer.sh"
cp "$list" "$tmp/etc/veth_rs/packages-$layer.txt"
touch "$tmp/.complete"
mv "$tmp" "$root"
msg "rootfs layer $layer ready at $root ($(wc -l <"$root/versions.txt") packages)"
