#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel (flavour debug, release or kcsan) from Debian's
# linux-source-7.3 into the cache, keyed by the rootfs, the config
# fragments and this script. Prints the build folder on stdout.
#   qemu/kernel.sh [debug|release|kcsan]       build if needed, print the folder
#   qemu/kernel.sh --dir [debug|release|kcsan] print the folder only
set -euo pipefail
. "$(dirname "$0")/common.sh"

only_dir=0
[ "${1:-}" = --dir ] && { only_dir=1; shift; }
flavour=${1:-debug}
case $flavour in debug | release | kcsan) ;; *) die "unknown flavour '$flavour' (debug, release or kcsan)" ;; esac

# The kernel's inputs: the toolchain and source versions of the rootfs (not
# its other packages), the config fragments and the build recipe below.
RECIPE="x86_64_defconfig + fragments; LLVM=1 bzImage modules; modules_install; v1"
cfg="$VETH_RS_TOP/qemu/config"
[ -f "$(rootfs_dir)/.complete" ] || "$VETH_RS_TOP/qemu/rootfs.sh" >&2
toolchain=$(grep -E '^(rustc|rust-src|bindgen|clang-19|lld-19|llvm-19|pahole|linux-source-7.3)=' "$(rootfs_dir)/versions.txt")
key=$( (echo "$RECIPE"; echo "$toolchain"; cat "$cfg/base.config" "$cfg/$flavour.config") | sha256sum | cut -c1-16)
out="$VETH_RS_CACHE/linux-$KVER-$flavour-$key"
if [ $only_dir = 1 ] || [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
preflight 8
root=$(rootfs_dir)

# The source tree, shared by both flavours (read-only once unpacked).
srcver=$(sed -n 's/^linux-source-7.3=//p' "$root/versions.txt")
src="$VETH_RS_CACHE/linux-source-$srcver"
if [ ! -f "$src/.complete" ]; then
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	run_logged "$VETH_RS_CACHE/unpack.log" "unpacking linux-source $srcver" \
		tar -C "$src.tmp" --strip-components=1 -xf "$root/usr/src/linux-source-$KVER.tar.xz"
	touch "$src.tmp/.complete"
	mv "$src.tmp" "$src"
fi

mkdir -p "$out"
log="$out.build.log"
jobs=$(($(nproc) + 1))
mk() { in_rootfs make -C "$src" O="$out" LLVM=1 -j"$jobs" "$@"; }
cd "$VETH_RS_TOP"
run_logged "$log.config" "configuring the $flavour kernel" bash -c "
	set -e
	$(declare -f msg die in_rootfs chroot_mount chroot_umount rootfs_dir rootfs_key inputs_hash)
	VETH_RS_TOP='$VETH_RS_TOP' VETH_RS_CACHE='$VETH_RS_CACHE'
	in_rootfs make -C '$src' O='$out' LLVM=1 x86_64_defconfig
	in_rootfs '$src/scripts/kconfig/merge_config.sh' -m -O '$out' '$out/.config' '$cfg/base.config' '$cfg/$flavour.config'
	in_rootfs make -C '$src' O='$out' LLVM=1 olddefconfig
	in_rootfs make -C '$src' O='$out' LLVM=1 rustavailable"
# Every item the fragments ask for must have survived olddefconfig.
# A later fragment overrides an earlier one: only the last value of an item counts.
missing=$(sed -e 's/#.*//' -e '/^\s*$/d' "$cfg/base.config" "$cfg/$flavour.config" |
	awk -F= '{ if (!($1 in v)) k[n++] = $1; v[$1] = $0 } END { for (i = 0; i < n; i++) print v[k[i]] }' |
	while IFS= read -r item; do
	name=${item%%=*} val=${item#*=}
	if [ "$val" = n ]; then
		grep -q "^$name=[ym]" "$out/.config" && echo "$item"
	else
		grep -qx "$item" "$out/.config" || echo "$item"
	fi
done || true)
[ -z "$missing" ] || msg "note: config items not honoured (dependencies): $(echo $missing)"
grep -qx CONFIG_RUST=y "$out/.config" || die "CONFIG_RUST=y did not survive configuration; see $log.config"

run_logged "$log" "building the $flavour kernel (bzImage, modules) with -j$jobs" mk bzImage modules
run_logged "$log.install" "installing the kernel's modules for the VM" \
	mk INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 modules_install
touch "$out/.complete"
msg "kernel ready: $out"
echo "$out"
