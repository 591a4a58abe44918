# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the qemu/ scripts: cache layout, logging, the chroot.
# Sourced, not run.

# Each script that sources this file runs in a mount namespace of its own
# (re-executed under unshare, same PID): the binds it makes into the rootfs
# (chroot_mount) and undoes at exit are then its own, so two VMs or builds
# at once (make check's lanes, a build beside a VM) cannot unmount each
# other's /dev, /proc or cache.
if [ "${VETH_RS_MNTNS_PID:-}" != "$$" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	export VETH_RS_MNTNS_PID=$$
	exec unshare -m --propagation private bash "$0" "$@"
fi

VETH_RS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VETH_RS_CACHE=${VETH_RS_CACHE:-$HOME/.cache/veth_rs}
KVER=7.3

msg() { printf '[veth_rs] %s\n' "$*" >&2; }
die() { printf '[veth_rs] error: %s\n' "$*" >&2; exit 1; }

# Hash of the given files' contents (the cache key of what they produce).
inputs_hash() { cat "$@" | sha256sum | cut -c1-16; }

# VETH_RS_ROOTFS_LAYER=NAME names the rootfs that has the packages of
# qemu/packages-NAME.txt installed over a copy of the base one
# (qemu/rootfs-layer.sh makes it, keyed by the base's inputs and its own):
# the guest userspace of a target that needs packages the rest does not
# (make containers, make selftests), so the base rootfs of make check
# stays as it is. Kernels are always built in the base rootfs
# (qemu/kernel.sh unsets it).
rootfs_key() {
	if [ -n "${VETH_RS_ROOTFS_LAYER:-}" ]; then
		echo "$VETH_RS_ROOTFS_LAYER-$(inputs_hash "$VETH_RS_TOP/qemu/packages.txt" "$VETH_RS_TOP/qemu/rootfs.sh" \
			"$VETH_RS_TOP/qemu/rootfs-layer.sh" "$VETH_RS_TOP/qemu/packages-$VETH_RS_ROOTFS_LAYER.txt")"
	else
		inputs_hash "$VETH_RS_TOP/qemu/packages.txt" "$VETH_RS_TOP/qemu/rootfs.sh"
	fi
}
rootfs_dir() { echo "$VETH_RS_CACHE/rootfs-$(rootfs_key)"; }

# Run "$@" with a heartbeat line every 30 s, output into LOG; on failure
# print the log's tail and its path.
run_logged() {
	local log=$1 what=$2; shift 2
	local start=$SECONDS rc
	msg "$what (log: $log)"
	"$@" >"$log" 2>&1 &
	local pid=$! next=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if [ $SECONDS -ge $next ] && kill -0 "$pid" 2>/dev/null; then
			msg "  ... $what: $((SECONDS - start)) s, $(progress_of "$log")"
			next=$((next + 30))
		fi
	done
	wait "$pid"; rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 30 "$log" >&2
		die "$what failed (exit $rc); full log: $log"
	fi
	msg "  done: $what in $((SECONDS - start)) s"
}

# A short progress hint from a build log: its line count and last object.
progress_of() {
	local n last
	n=$(wc -l <"$1" 2>/dev/null || echo 0)
	last=$(grep -E '^ +(CC|RUSTC|LD|AR)' "$1" 2>/dev/null | tail -n 1 | awk '{print $NF}')
	echo "$n log lines${last:+, at $last}"
}

# Mount /proc, /sys, /dev into the rootfs ROOT (and the project tree and
# the cache at their own paths) and unmount them on exit, also on failure.
CHROOT_MOUNTS=()
chroot_mount() {
	local root=$1 p
	for p in /proc /sys /dev /dev/pts "$VETH_RS_TOP" "$VETH_RS_CACHE"; do
		mkdir -p "$root$p"
		if ! mountpoint -q "$root$p"; then
			mount --bind "$p" "$root$p"
			CHROOT_MOUNTS=("$root$p" "${CHROOT_MOUNTS[@]}")
		fi
	done
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	trap chroot_umount EXIT
	trap 'exit 130' INT TERM
}
chroot_umount() {
	local m
	for m in "${CHROOT_MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
	CHROOT_MOUNTS=()
}

# Run a command inside the rootfs, as root, in the current directory.
in_rootfs() {
	local root
	root=$(rootfs_dir)
	if [ -n "${VETH_RS_ROOTFS_LAYER:-}" ]; then
		[ -f "$root/.complete" ] || "$VETH_RS_TOP/qemu/rootfs-layer.sh" || exit 1
	else
		[ -f "$root/.complete" ] || "$VETH_RS_TOP/qemu/rootfs.sh" || exit 1
	fi
	[ ${#CHROOT_MOUNTS[@]} -gt 0 ] || chroot_mount "$root"
	chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		VETH_RS_CACHE="$VETH_RS_CACHE" \
		bash -c 'cd "$1" && shift && exec "$@"' - "$PWD" "$@"
}

# The speed of this machine now: seconds for a fixed loop of the rootfs's
# Python on one host core, and the load average. Printed by make check, so
# that test times from other days or machines can be compared (README,
# "Machine time"): one evening here ran every script 1.3-1.7x slower.
speed_probe() {
	local secs
	secs=$("$VETH_RS_TOP/qemu/chroot" python3 -c '
import time
t = time.perf_counter()
s = 0
for i in range(20_000_000):
    s += i
print(f"{time.perf_counter() - t:.2f}")')
	echo "$secs s for a fixed Python loop (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

# The module's sources in tree $1 (the .rs files, Kbuild, Makefile, the C
# wrappers, the doctest generator of scripts/, and the qemu/ scripts the
# Makefile runs the toolchain through),
# plus the paths or patterns $3... (relative to $1), copied into the build folder $2 of another kernel
# flavour (make bench, make selftests, make containers, the KCSAN run: the
# tree's own debug build is left alone). A file is copied only when its
# content differs, and then gets a new mtime, so that make rebuilds
# exactly what changed (also when going back to an older revision).
sync_sources() {
	local src=$1 build=$2 f
	shift 2
	# shellcheck disable=SC2048,SC2086 # the patterns expand in $src
	(cd "$src" && ls *.rs Kbuild Makefile bindings/*.[ch] scripts/*.py $(find netdev -name '*.rs' 2>/dev/null) $*) |
		while read -r f; do
			mkdir -p "$(dirname "$build/$f")"
			cmp -s "$src/$f" "$build/$f" || cp "$src/$f" "$build/$f"
		done
	rm -rf "$build/qemu" && cp -rp "$src/qemu" "$build/qemu"
}

# veth_rs.ko built in folder $1 (filled by sync_sources) for flavour $2 and
# its kernel tree $3; dies unless the module is that kernel's. Prints the
# module's path.
module_for() {
	local build=$1 flavour=$2 kdir=$3 ko vermagic kver
	msg "building veth_rs.ko against the $flavour kernel in $build"
	make -s -C "$build" FLAVOUR="$flavour" KDIR="$kdir" modules >&2
	ko=$build/veth_rs.ko
	vermagic=$("$VETH_RS_TOP/qemu/chroot" modinfo -F vermagic "$ko")
	kver=$(cat "$kdir/include/config/kernel.release")
	case $vermagic in "$kver "*) ;; *) die "$ko is for '$vermagic', not the $flavour kernel $kver" ;; esac
	echo "$ko"
}

# Checks every entry point makes before doing real work.
preflight() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mounts need it): run 'sudo make ...'"
	mkdir -p "$VETH_RS_CACHE" || die "cannot create the cache folder $VETH_RS_CACHE: set VETH_RS_CACHE to a writable path"
	local need=${1:-0} avail
	avail=$(df -Pk "$VETH_RS_CACHE" | awk 'NR==2 {print int($4/1024/1024)}')
	if [ "$need" -gt 0 ] && [ "$avail" -lt "$need" ]; then
		die "only ${avail} GiB free under $VETH_RS_CACHE, ${need} GiB needed: free space or point VETH_RS_CACHE elsewhere"
	fi
}
