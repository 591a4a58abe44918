#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make selftests`, inside the VM (selftests kernel): runs each named
# script of the kernel's tools/testing/selftests/net/, unmodified, from
# the source tree, twice in a row: with the C veth (veth.ko) and with
# veth_rs loaded as kind=veth (veth.ko unloaded). Writes into OUTDIR (a
# folder the host sees) each run's output (DRIVER/NAME.log), one line per
# run in results.tsv (driver, script, exit status, seconds, splats, note),
# the whole kernel log (kernel.log, followed from the start so a wrapped
# ring buffer hides nothing), each run's splats (DRIVER/NAME.splat) and
# the final kmemleak report. qemu/selftests.sh compares the runs.
#   qemu/selftests-guest.sh OUTDIR [SCRIPT...]
# Without SCRIPTs, those of OUTDIR/scripts.txt, one a line: the guest's
# command goes on the kernel command line (virtme-ng), whose 2048 bytes
# a list of 200 scripts overflows (the root mount options are lost and
# the boot panics).
# SELFTESTS_TIMEOUT: seconds allowed to each run (default 600).
# SELFTESTS_DRIVERS: the drivers, in order (default "veth veth_rs").
out=$1
shift
[ $# -gt 0 ] || mapfile -t scripts <"$out/scripts.txt"
[ $# -gt 0 ] && scripts=("$@")
set -- "${scripts[@]}"
NET=${VETH_RS_KSRC:?}/tools/testing/selftests/net
limit=${SELFTESTS_TIMEOUT:-600}
drivers=${SELFTESTS_DRIVERS:-veth veth_rs}
. "$VETH_RS_TOP/qemu/kmemleak.sh"
# The splat pattern of the project's test runner, taken from it.
SPLAT_RE=$(sed -n "s/^SPLAT_RE='\(.*\)'\$/\1/p" "$VETH_RS_TOP/tests/run.sh")
[ -n "$SPLAT_RE" ] || { echo "no SPLAT_RE in tests/run.sh" >&2; exit 1; }
# The netdev CI's setting for debug kernels: lib.sh's timing checks get
# the slack that a slow machine needs (TCG here).
export KSFT_MACHINE_SLOW=${KSFT_MACHINE_SLOW:-yes}
mkdir -p "$out"
for d in $drivers; do mkdir -p "$out/$d"; done
: >"$out/results.tsv"

# Line-buffered, so each marker is in the file when its run is scanned.
stdbuf -oL dmesg -w >"$out/kernel.log" 2>&1 &
dmesg_pid=$!
[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
echo "# kernel $(uname -r), $(nproc) CPUs; $# scripts, drivers: $drivers, ${limit} s each"

. "$(dirname "$0")/dropin-guest.sh"

# Some scripts write into their own folder (broadcast_ether_dst.sh's
# capture file), which the VM sees read-only: a tmpfs overlay on net/
# takes the writes, and they are gone with the VM. The sources stay as
# they are.
if ov=$(mktemp -d /tmp/selftests-ov.XXXXXX) && mount -t tmpfs tmpfs "$ov" &&
	mkdir "$ov/upper" "$ov/work" &&
	mount -t overlay overlay -o "lowerdir=$NET,upperdir=$ov/upper,workdir=$ov/work" "$NET"; then
	echo "# $NET: writable (tmpfs overlay)"
else
	echo "# $NET: read-only (no overlay)"
fi
# The scripts run from a short path: some hand $(pwd)/FILE to a tool
# with a fixed-size buffer (ppp/pppol2tp.sh's xl2tpd config, whose
# pppoptfile keeps 100 characters), and the cache's source tree path is
# longer than that. The whole source tree, overlay included, is bound at
# /tmp/ks: net/lib/py finds the kernel source (tools/net/ynl for
# rtnetlink.py) six folders above itself, and net/'s ../kselftest and
# ../lib stay next to it.
if mkdir -p /tmp/ks && mount --rbind "$VETH_RS_KSRC" /tmp/ks; then
	NET=/tmp/ks/tools/testing/selftests/net
	echo "# scripts run from $NET"
fi

# How SCRIPT runs, decided once: fills the array "cmd" (run from the
# script's folder) and "how" (a note, empty for an executable script).
# A script the source tree ships without its execute bit (the package's
# tarball keeps the mode git has) runs through the interpreter its "#!"
# line names, as the kselftest runner does. Fails when SCRIPT is
# missing, or neither executable nor starting with "#!".
script_command() {
	local path=$NET/$1 shebang=
	cmd=(./"$(basename "$1")") how=
	[ -f "$path" ] || return 1
	[ -x "$path" ] && return 0
	read -r shebang <"$path" || true
	case $shebang in
	'#!'?*) ;;
	*) return 1 ;;
	esac
	local -a interp
	read -r -a interp <<<"${shebang#\#!}"
	[ ${#interp[@]} -gt 0 ] || return 1
	cmd=("${interp[@]}" "${cmd[@]}")
	how="not executable: run by ${interp[0]}"
}

# The init namespace's links before any script: a script cut by its
# bound leaves its bridges, VLANs or tunnels behind (`timeout -k` kills
# its cleanup with it), and the next run would meet them ("File
# exists"). links_now: the names, one a line. drop_new_links, after a
# run cut by its bound: deletes every link not in links_kept and prints
# how many are gone. A link that stays (a tunnel module's fallback
# device, tunl0 or gre0, whose dellink does nothing; a netdevsim port) is
# kept from then on, and named once on the console. After a run that
# ended by itself nothing is deleted: what it left (a module's default
# dummy0 or bond0) is the same for both drivers.
links_now() { ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p'; }
links_kept=$(links_now)
new_links() { grep -vxF -f <(printf '%s\n' "$links_kept") < <(links_now) || true; }
drop_new_links() {
	local l before after
	before=$(new_links)
	[ -n "$before" ] || { echo 0; return; }
	# A veth end takes its peer along: the peer may be gone already.
	while IFS= read -r l; do
		ip link del dev "$l" 2>/dev/null
	done <<<"$before"
	after=$(new_links)
	if [ -n "$after" ]; then
		echo "# links that stay after ip link del, kept from now on: $(tr '\n' ' ' <<<"$after")" >&2
		links_kept+=$'\n'$after
	fi
	echo $(($(grep -c . <<<"$before") - $(grep -c . <<<"$after")))
}

# The init namespace's sysctls under net/ before any script, one
# "PATH<tab>VALUE" a line (files of one line only): a run that changes
# one and does not put it back (cut by its bound, so its cleanup never
# ran) would hand the change to the next run, which is the other
# driver's run of the same script (router_mpath_seed.sh's hash seed
# changed its first subtest's verdict so). restore_sysctls, after each
# run: writes back every value that differs, prints the paths it could
# write; a value the kernel keeps read-only or refuses stays as it is.
sysctls_now() {
	grep -rs '' /proc/sys/net | awk '{ i = index($0, ":"); p = substr($0, 1, i - 1)
		n[p]++; v[p] = substr($0, i + 1); o[NR] = p }
		END { for (j = 1; j <= NR; j++) if (n[o[j]] == 1) print o[j] "\t" v[o[j]] }'
}
sysctls_kept=$(sysctls_now)
restore_sysctls() {
	local path value
	while IFS=$'\t' read -r path value; do
		printf '%s\n' "$value" 2>/dev/null >"$path" && echo "${path#/proc/sys/}"
	done < <(awk -F'\t' 'NR == FNR { was[$1] = substr($0, length($1) + 2); next }
		($1 in was) && was[$1] != substr($0, length($1) + 2) { print $1 "\t" was[$1] }' \
		<(printf '%s\n' "$sysctls_kept") <(sysctls_now))
}

# run_one DRIVER SCRIPT HOW COMMAND...: one script under one driver.
run_one() {
	local drv=$1 script=$2 note=$3 name log start rc secs splats dir cut=0
	shift 3
	name=${script//\//_}
	log=$out/$drv/$name.log
	dir=$NET/$(dirname "$script")
	if ! use_driver "$drv" || [ "$(serving)" != "$drv" ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$drv" "$script" -1 0 0 "cannot load $drv as kind veth" >>"$out/results.tsv"
		return
	fi
	echo "veth_rs-selftests-marker: begin $drv $script" >/dev/kmsg
	start=$SECONDS
	# timeout signals the script's whole process group.
	(cd "$dir" && exec timeout -k 15 "$limit" "$@") >"$log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - start))
	echo "veth_rs-selftests-marker: end $drv $script" >/dev/kmsg
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		cut=1
		note="${note:+$note; }timeout after ${limit} s"
	fi
	[ "$(serving)" = "$drv" ] || note="${note:+$note; }kind veth served by $(serving) at the end"
	# What the script left behind (its namespaces, veth devices of the
	# init namespace) is removed before the next run, and said.
	local left
	left=$(ip netns list | wc -l)
	[ "$left" -gt 0 ] && note="${note:+$note; }left $left netns"
	left=$(ip -o link show type veth 2>/dev/null | wc -l)
	[ "$left" -gt 0 ] && note="${note:+$note; }left $left veth devices"
	if [ $cut = 1 ]; then
		left=$(drop_new_links)
		[ "$left" -gt 0 ] && note="${note:+$note; }$left links it left deleted"
	fi
	restore_sysctls >"$out/$drv/$name.sysctl"
	left=$(grep -c . "$out/$drv/$name.sysctl")
	[ "$left" -gt 0 ] && note="${note:+$note; }$left sysctls it changed restored" ||
		rm -f "$out/$drv/$name.sysctl"
	sleep 1
	sed -n "/veth_rs-selftests-marker: begin $drv ${script//\//\\/}\$/,/veth_rs-selftests-marker: end $drv ${script//\//\\/}\$/p" "$out/kernel.log" |
		grep -E -A20 "$SPLAT_RE" >"$out/$drv/$name.splat"
	splats=$(grep -cE "$SPLAT_RE" "$out/$drv/$name.splat")
	[ "$splats" -gt 0 ] || rm -f "$out/$drv/$name.splat"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$drv" "$script" "$rc" "$secs" "$splats" "$note" >>"$out/results.tsv"
	echo "# [$drv] $script: exit $rc, $secs s, splats $splats${note:+ ($note)}"
}

for script in "$@"; do
	if ! script_command "$script"; then
		for drv in $drivers; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$drv" "$script" -1 0 0 "not found, or not executable and without a #! line" >>"$out/results.tsv"
		done
		continue
	fi
	for drv in $drivers; do
		run_one "$drv" "$script" "$how" "${cmd[@]}"
	done
done
use_driver none
ip -all netns delete 2>/dev/null

if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan >"$out/kmemleak.txt"
	echo "# kmemleak: $(grep -c 'unreferenced object' "$out/kmemleak.txt") unreferenced objects"
fi
sleep 1
kill "$dmesg_pid" 2>/dev/null
echo "# kernel log splats in the whole run: $(grep -cE "$SPLAT_RE" "$out/kernel.log")"
exit 0
