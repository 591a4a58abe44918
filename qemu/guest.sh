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
# of qemu/hot.list's programs: any chmod does it, and u+r changes no mode
# (every file is readable by its owner, root). Their starts then read
# guest memory instead of asking the host over 9p for every open (README,
# "Machine time").
[ -r "${VETH_RS_HOT:-}" ] && xargs -r chmod u+r <"$VETH_RS_HOT" 2>/dev/null
cd "$VETH_RS_TOP" || exit 1
[ $# -gt 0 ] || set -- bash -i
exec "$@"
