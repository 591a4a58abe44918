#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# First thing the VM runs (as root): environment for the project's
# commands, then the command itself (a shell when none is given).
export VETH_RS_TOP=$(cd "$(dirname "$0")/.." && pwd)
export IP_LIB_DIR=$VETH_RS_TOP/iproute2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
# Copy up (into the tmpfs upper layer of virtme's /usr overlay) the files
# of qemu/hot.list's programs: a chmod to the mode a file has is enough.
# Their starts then read guest memory instead of asking the host over 9p
# for every open (README, "Machine time").
if [ -r "${VETH_RS_HOT:-}" ]; then
	declare -A hot_modes=()
	while read -r mode f; do
		hot_modes[$mode]+="$f "
	done < <(xargs stat -c '%a %n' <"$VETH_RS_HOT" 2>/dev/null)
	for mode in "${!hot_modes[@]}"; do
		# shellcheck disable=SC2086
		chmod "$mode" ${hot_modes[$mode]} 2>/dev/null
	done
	unset hot_modes mode f
fi
cd "$VETH_RS_TOP" || exit 1
[ $# -gt 0 ] || set -- bash -i
exec "$@"
