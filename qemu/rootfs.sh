#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the Debian trixie rootfs (toolchain + guest userspace) into the
# cache, keyed by qemu/packages.txt and this script. Idempotent.
set -euo pipefail
. "$(dirname "$0")/common.sh"

root=$(rootfs_dir)
[ -f "$root/.complete" ] && { msg "rootfs: cached at $root"; exit 0; }
# One build at a time (two callers may ask for the same rootfs at once).
mkdir -p "$VETH_RS_CACHE"
exec 9>"$root.lock"
flock 9
[ -f "$root/.complete" ] && { msg "rootfs: cached at $root"; exit 0; }
preflight 6

if ! command -v debootstrap >/dev/null; then
	command -v apt-get >/dev/null ||
		die "debootstrap is missing and there is no apt-get to install it: install debootstrap by hand"
	msg "installing debootstrap on the host"
	{ apt-get update -qq && apt-get install -y -qq debootstrap; } >/dev/null 2>&1 ||
		die "'apt-get install debootstrap' failed: check the host's apt sources"
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if command -v curl >/dev/null && ! curl -fsI --max-time 20 "$mirror/dists/trixie/Release" >/dev/null; then
	die "the Debian archive ($mirror) is not reachable: check the network or set DEBIAN_MIRROR"
fi

tmp="$root.tmp.$$"
rm -rf "$root".tmp.*
mkdir -p "$tmp"
log="$VETH_RS_CACHE/rootfs.log"
run_logged "$log" "debootstrap trixie" \
	debootstrap --variant=minbase trixie "$tmp" "$mirror"

echo "deb $mirror trixie-backports main" >"$tmp/etc/apt/sources.list.d/backports.list"
echo "veth-rs-vm" >"$tmp/etc/hostname"
pkgs=$(sed -e 's/#.*//' -e '/^\s*$/d' "$VETH_RS_TOP/qemu/packages.txt" | tr '\n' ' ')
cat >"$tmp/tmp/install.sh" <<INNER
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update
# Maintainer scripts must not start daemons (smcroute, teamd...) on the
# build host: invoke-rc.d and deb-systemd-invoke ask policy-rc.d, and 101
# means "action forbidden".
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
apt-get install -y --no-install-recommends $pkgs
rm -f /usr/sbin/policy-rc.d
apt-get clean
# The VM needs neither tmpfiles nor udev coldplug (devtmpfs is enough), and
# under TCG virtme-init spends about two minutes per boot in them.
for f in /usr/bin/systemd-tmpfiles /usr/lib/systemd/systemd-udevd; do
	[ -e "\$f" ] && dpkg-divert --local --rename --add "\$f"
done
# What virtme-init does need of udev: the /dev/virtio-ports/NAME links of
# its script I/O ports. A stand-in "udevd" makes just those and exits.
cat >/usr/lib/systemd/systemd-udevd <<'UDEVD'
#!/bin/sh
# veth_rs test VM: stand-in for systemd-udevd (see qemu/rootfs.sh).
mkdir -p /dev/virtio-ports
for port in /sys/class/virtio-ports/*; do
	[ -r "\$port/name" ] || continue
	name=\$(cat "\$port/name")
	[ -n "\$name" ] && ln -sf "../\${port##*/}" "/dev/virtio-ports/\$name"
done
exit 0
UDEVD
chmod 755 /usr/lib/systemd/systemd-udevd
dpkg-query -W -f '\${Package}=\${Version}\n' >/versions.txt
INNER
mount_list=()
for p in /proc /sys /dev; do mount --bind "$p" "$tmp$p"; mount_list+=("$tmp$p"); done
cp -L /etc/resolv.conf "$tmp/etc/resolv.conf"
trap 'for m in "${mount_list[@]}"; do umount -l "$m" 2>/dev/null || true; done' EXIT
run_logged "$log.install" "apt-get install of $(echo $pkgs | wc -w) packages" \
	chroot "$tmp" bash /tmp/install.sh
for m in "${mount_list[@]}"; do umount -l "$m"; done
mount_list=()

# Guest niceties: the VM runs tests as root, with no password prompts.
mkdir -p "$tmp/etc/veth_rs"
cp "$VETH_RS_TOP/qemu/packages.txt" "$tmp/etc/veth_rs/packages.txt"
touch "$tmp/.complete"
mv "$tmp" "$root"
msg "rootfs ready at $root ($(wc -l <"$root/versions.txt") packages, versions in versions.txt)"
