#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel (flavour debug, release, kcsan or selftests) from Debian's
# linux-source-7.3 into the cache, keyed by the rootfs, the config
# fragments and this script. Prints the build folder on stdout.
#   qemu/kernel.sh [debug|release|kcsan|selftests]       build if needed, print the folder
#   qemu/kernel.sh --dir [debug|release|kcsan|selftests] print the folder only
# selftests = base + debug + the kernel's own selftest fragments named in
# qemu/config/selftests.config (read from the source tree) + that file;
# there an item not honoured is an error (make selftests relies on it).
set -euo pipefail
. "$(dirname "$0")/common.sh"
# Kernels are built with the base rootfs's toolchain, whatever layer the
# caller boots.
unset VETH_RS_ROOTFS_LAYER

only_dir=0
[ "${1:-}" = --dir ] && { only_dir=1; shift; }
flavour=${1:-debug}
case $flavour in debug | release | kcsan | selftests) ;; *) die "unknown flavour '$flavour' (debug, release, kcsan or selftests)" ;; esac

# The kernel's inputs: the toolchain and source versions of the rootfs (not
# its other packages), the config fragments and the build recipe below.
RECIPE="x86_64_defconfig + fragments; LLVM=1 bzImage modules; modules_install; v1"
cfg="$VETH_RS_TOP/qemu/config"
[ -f "$(rootfs_dir)/.complete" ] || "$VETH_RS_TOP/qemu/rootfs.sh" >&2
toolchain=$(grep -E '^(rustc|rust-src|bindgen|clang-19|lld-19|llvm-19|pahole|linux-source-7.3)=' "$(rootfs_dir)/versions.txt")
root=$(rootfs_dir)
# The source tree, shared by all flavours (read-only once unpacked).
srcver=$(sed -n 's/^linux-source-7.3=//p' "$root/versions.txt")
src="$VETH_RS_CACHE/linux-source-$srcver"
unpack_source() {
	[ -f "$src/.complete" ] && return 0
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	run_logged "$VETH_RS_CACHE/unpack.log" "unpacking linux-source $srcver" \
		tar -C "$src.tmp" --strip-components=1 -xf "$root/usr/src/linux-source-$KVER.tar.xz"
	touch "$src.tmp/.complete"
	mv "$src.tmp" "$src"
}
# The fragments merged, in order (the last value of an item counts).
if [ "$flavour" = selftests ]; then
	# The kernel's own fragments come from the source tree: unpacked first,
	# so that the key covers their contents.
	unpack_source
	frags=("$cfg/base.config" "$cfg/debug.config")
	for f in $(sed -n 's/^# fragment: *//p' "$cfg/selftests.config"); do
		[ -f "$src/$f" ] || die "fragment $f named in qemu/config/selftests.config is not in $src"
		frags+=("$src/$f")
	done
	frags+=("$cfg/selftests.config")
	key=$( (echo "$RECIPE"; echo "$toolchain"; cat "${frags[@]}") | sha256sum | cut -c1-16)
else
	frags=("$cfg/base.config" "$cfg/$flavour.config")
	# The debug kernel also leaves out what no test of make check uses.
	[ "$flavour" = debug ] && frags+=("$cfg/lean.config")
	key=$( (echo "$RECIPE"; echo "$toolchain"; cat "${frags[@]}") | sha256sum | cut -c1-16)
fi
out="$VETH_RS_CACHE/linux-$KVER-$flavour-$key"
if [ $only_dir = 1 ] || [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
preflight 8
unpack_source

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
	in_rootfs '$src/scripts/kconfig/merge_config.sh' -m -O '$out' '$out/.config' $(printf "'%s' " "${frags[@]}")
	in_rootfs make -C '$src' O='$out' LLVM=1 olddefconfig
	in_rootfs make -C '$src' O='$out' LLVM=1 rustavailable"
# Every item the fragments ask for must have survived olddefconfig.
# A later fragment overrides an earlier one: only the last value of an item counts.
missing=$(sed -e 's/#.*//' -e '/^\s*$/d' "${frags[@]}" |
	awk -F= '{ if (!($1 in v)) k[n++] = $1; v[$1] = $0 } END { for (i = 0; i < n; i++) print v[k[i]] }' |
	while IFS= read -r item; do
	name=${item%%=*} val=${item#*=}
	if [ "$val" = n ]; then
		grep -q "^$name=[ym]" "$out/.config" && echo "$item"
	elif [ "$val" = m ]; then
		# Built in satisfies a module.
		grep -qE "^$name=[ym]\$" "$out/.config" || echo "$item"
	elif [ "$val" = y ] && [ "$flavour" = selftests ] && grep -qx "$name=m" "$out/.config"; then
		# A tristate the fragments ask built in, held to a module by a
		# dependency that another fragment makes a module (IFB by
		# NET_ACT_MIRRED=m): the feature is there, loaded on demand.
		msg "note: $name=y built as a module (a dependency is a module)"
	else
		grep -qx "$item" "$out/.config" || echo "$item"
	fi
done || true)
if [ "$flavour" = selftests ]; then
	# The selftests rely on every item: one not honoured is an error,
	# unless selftests.config names it with the reason it is not needed.
	allowed=$(sed -n 's/^# not-honoured: *\(CONFIG_[A-Za-z0-9_]*\).*/\1/p' "$cfg/selftests.config")
	bad=$(for item in $missing; do
		grep -qx "${item%%=*}" <<<"$allowed" || echo "$item"
	done)
	[ -z "$bad" ] || die "config items the selftests rely on not honoured (dependencies; see $log.config): $(echo $bad)"
	[ -z "$missing" ] || msg "note: not honoured, as selftests.config allows: $(echo $missing)"
else
	[ -z "$missing" ] || msg "note: config items not honoured (dependencies): $(echo $missing)"
fi
grep -qx CONFIG_RUST=y "$out/.config" || die "CONFIG_RUST=y did not survive configuration; see $log.config"

run_logged "$log" "building the $flavour kernel (bzImage, modules) with -j$jobs" mk bzImage modules
run_logged "$log.install" "installing the kernel's modules for the VM" \
	mk INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 modules_install
touch "$out/.complete"
msg "kernel ready: $out"
echo "$out"
