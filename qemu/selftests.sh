#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make selftests`: the kernel's own net selftests that create veth pairs
# (qemu/selftests.list), run unmodified from the kernel source tree in one
# boot of the selftests kernel (qemu/kernel.sh selftests: the debug kernel
# plus the selftests' own config fragments), with the rootfs layer
# "selftests" as the guest's root (qemu/packages-selftests.txt over the
# base rootfs), each twice: with the C veth and with veth_rs as kind=veth.
# Then a table per script (subtests, each driver's result, identical?,
# time) and the differences, per subtest.
#   qemu/selftests.sh            every script of the list, in its order
#   SELFTESTS="veth.sh udpgro" qemu/selftests.sh
#                                only those (a name matches a listed path,
#                                its file name, or its file name without .sh;
#                                a folder name such as "forwarding/" takes
#                                all of that folder)
#   qemu/selftests.sh --report DIR   redo the table of an earlier run
#   qemu/selftests.sh --survey       list net/'s scripts that create veth
#                                pairs, to check qemu/selftests.list against
# SELFTESTS_TIMEOUT=S bounds each run (default 600 s); SELFTESTS_LOCK_WAIT=S
# gives up when the VM lock is not had within S s. Results and every
# run's output go to results/selftests-DATE/. The VM is started under the
# machine's VM lock (/tmp/veth_rs-vm.lock).
set -euo pipefail
. "$(dirname "$0")/common.sh"

list=$VETH_RS_TOP/qemu/selftests.list
report() { "$VETH_RS_TOP/qemu/chroot" python3 "$VETH_RS_TOP/qemu/selftests_report.py" "$1"; }
if [ "${1:-}" = --report ]; then
	report "$2"
	exit
fi
if [ "${1:-}" = --survey ]; then
	srcver=$(sed -n 's/^linux-source-7.3=//p' "$(rootfs_dir)/versions.txt")
	net=$VETH_RS_CACHE/linux-source-$srcver/tools/testing/selftests/net
	(cd "$net" && {
		grep -rlE 'type veth|create_netif_veth' --include=*.sh --include=*.py . |
			grep -vE '(^|/)lib\.sh$|_lib\.sh$' | sed 's|^\./||'
		# forwarding/lib.sh makes veth pairs for every test that sources it.
		grep -l 'lib.sh' forwarding/*.sh | grep -vE '(^|/)lib\.sh$|_lib\.sh$|common\.sh$'
	} | sort -u)
	exit 0
fi

kdir=$("$VETH_RS_TOP/qemu/kernel.sh" selftests)
src=$(readlink -f "$kdir/source")
net=$src/tools/testing/selftests/net

# The scripts to run: the list, or those of it that SELFTESTS names.
scripts=() skipped=()
while IFS=$'\t' read -r path why; do
	[ -n "$path" ] || continue
	case $path in \#*) continue ;; esac
	if [ -n "${SELFTESTS:-}" ]; then
		want=0
		for s in $SELFTESTS; do
			case $s in
			*/) [[ $path == "$s"* ]] && want=1 ;;
			*) { [ "$path" = "$s" ] || [ "$(basename "$path")" = "$s" ] ||
				[ "$(basename "$path" .sh)" = "$s" ]; } && want=1 ;;
			esac
		done
		[ $want = 1 ] || continue
	fi
	if [ -n "$why" ]; then
		skipped+=("$path	${why#skip: }")
	else
		scripts+=("$path")
	fi
done <"$list"
[ ${#scripts[@]} -gt 0 ] || [ ${#skipped[@]} -gt 0 ] || die "no script of qemu/selftests.list matches SELFTESTS='${SELFTESTS:-}'"

# veth_rs.ko for the selftests kernel, built from a copy of the sources
# (qemu/common.sh's sync_sources).
build=$VETH_RS_CACHE/build-selftests
sync_sources "$VETH_RS_TOP" "$build"
ko=$(module_for "$build" selftests "$kdir")
# The iproute2 plugin (userspace, any kernel): guest.sh puts it on ip's path.
make -s -C "$VETH_RS_TOP" plugin >&2

# The guest's root, and the root the helpers are built in: the base rootfs
# plus the tools and libraries of the scripts in net/'s subfolders
# (qemu/packages-selftests.txt). Set before this script's first
# in_rootfs, which mounts the rootfs it names.
export VETH_RS_ROOTFS_LAYER=selftests
"$VETH_RS_TOP/qemu/rootfs-layer.sh"

# The helpers the scripts run, built in the source tree next to them (as
# qemu/upstream.sh does for veth.sh): its own set, then, in each folder of
# a script to run, each C program whose name one of the folder's scripts
# to run mentions, and the BPF objects they load. In a subfolder, its
# libraries count as its scripts' text: the .sh files that are not
# executable, which the scripts source (ovpn/common.sh runs ovpn-cli for
# test.sh). They are built against the kernel's own uapi headers, as the
# selftests' Makefiles do (KHDR_INCLUDES): trixie's, from 6.12, have no
# linux/ovpn.h and lack constants that mptcp/pm_nl_ctl.c and tls.c use.
"$VETH_RS_TOP/qemu/upstream.sh" selftests >/dev/null
helpers_log=$VETH_RS_CACHE/build-selftests/helpers.log
: >"$helpers_log"
uapi=$VETH_RS_CACHE/uapi-${src##*/linux-source-}
in_rootfs make -s -C "$src" O="$uapi" LLVM=1 headers >>"$helpers_log" 2>&1 ||
	die "make headers in $uapi failed (log: $helpers_log)"
# BPF objects as the selftests' bpf.mk builds them: the host compiler's
# system include folders after the BPF target's own.
sys_inc=$(in_rootfs clang -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
# The folders, as prefixes of net/: "" for net/ itself, "mptcp/", ...
mapfile -t dirs < <(for s in "${scripts[@]}"; do d=$(dirname "$s")/; echo "${d#./}"; done | sort -u)
built=0 failed=()
for d in "${dirs[@]}"; do
	texts=()
	for s in "${scripts[@]}"; do
		[ "$(dirname "$s")/" != "${d:-./}" ] || texts+=("$net/$s")
	done
	if [ -n "$d" ]; then
		for l in "$net/$d"*.sh; do
			[ -x "$l" ] || texts+=("$l")
		done
	fi
	for c in "$net/$d"*.c; do
		[ -f "$c" ] || continue
		name=$(basename "$c" .c)
		grep -qsw "$name" "${texts[@]}" || continue
		case $name in
		*.bpf)
			[ "$net/$d$name.o" -nt "$c" ] && continue
			in_rootfs clang -O2 -g --target=bpf -I"$src/tools/testing/selftests/bpf" $sys_inc \
				-c "$c" -o "$net/$d$name.o" >>"$helpers_log" 2>&1 || failed+=("$d$name.o")
			continue
			;;
		esac
		[ "$net/$d$name" -nt "$c" ] && continue
		# Extra flags and libraries, as the folder's Makefile gives them.
		extra="-lpthread"
		case $name in
		tcp_mmap) extra="$extra -lcrypto" ;;
		epoll_busy_poll) extra="$extra -lcap" ;;
		reuseport_bpf_numa) extra="$extra -lnuma" ;;
		nf_queue | conntrack_dump_flush) extra="$extra -lmnl" ;;
		ovpn-cli) extra="$extra -I/usr/include/libnl3 -lnl-genl-3 -lnl-3 -lmbedtls -lmbedcrypto" ;;
		esac
		if in_rootfs clang -O2 -Wall -D_GNU_SOURCE -I"$src/tools/testing/selftests" -I"$src/tools/include" \
			-isystem "$uapi/usr/include" "$c" -o "$net/$d$name" $extra >>"$helpers_log" 2>&1; then
			built=$((built + 1))
		else
			failed+=("$d$name")
		fi
	done
done
msg "helpers built: $built${failed:+; failed (their scripts will say so): ${failed[*]} (log: $helpers_log)}"

out=$VETH_RS_TOP/results/selftests-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
printf '%s\n' "${skipped[@]}" | grep . >"$out/skipped.tsv" || true
# The list goes by file: the guest's command line has room for ~2 kB.
printf '%s\n' "${scripts[@]}" >"$out/scripts.txt"
msg "make selftests: ${#scripts[@]} scripts (+${#skipped[@]} listed as skipped), each with veth and veth_rs, ${SELFTESTS_TIMEOUT:-600} s each at most; output in $out"
start=$SECONDS
if [ ${#scripts[@]} -gt 0 ]; then
	# No test modules of the debug build in this kernel's module folder.
	empty=$build/no-test-modules
	mkdir -p "$empty"
	# SELFTESTS_LOCK_WAIT=S: give up if the VM lock is not ours within S s.
	VETH_RS_KO=$ko VETH_RS_TEST_KOS=$empty flock ${SELFTESTS_LOCK_WAIT:+-w "$SELFTESTS_LOCK_WAIT"} /tmp/veth_rs-vm.lock "$VETH_RS_TOP/qemu/vm" --selftests -- \
		env SELFTESTS_TIMEOUT="${SELFTESTS_TIMEOUT:-600}" "$VETH_RS_TOP/qemu/selftests-guest.sh" "$out" |
		tee "$out/console.log"
fi
msg "VM part: $((SECONDS - start)) s"
report "$out"
