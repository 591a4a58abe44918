#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# First thing the VM runs (as root): environment for the project's
# commands, then the command itself (a shell when none is given).
export VETH_RS_TOP=$(cd "$(dirname "$0")/.." && pwd)
export IP_LIB_DIR=$VETH_RS_TOP/iproute2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
cd "$VETH_RS_TOP" || exit 1
[ $# -gt 0 ] || set -- bash -i
exec "$@"
