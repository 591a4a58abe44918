# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest runners that compare the two drivers behind the
# same kind "veth" (qemu/selftests-guest.sh, qemu/containers-guest.sh).

# use_driver veth|veth_rs|none: DRIVER serves kind veth (veth_rs loaded as
# kind=veth, the drop-in mode of tests/dropin.sh), the other one unloaded,
# every named namespace deleted first.
use_driver() {
	ip -all netns delete 2>/dev/null
	rmmod veth_rs 2>/dev/null
	rmmod veth 2>/dev/null
	case $1 in
	veth) modprobe veth ;;
	veth_rs) modprobe veth_rs kind=veth ;;
	esac
}

# Which module serves kind veth now: "veth", "veth_rs", "none" or "both".
serving() {
	local c=0 v=none
	grep -q '^veth ' /proc/modules && { c=$((c + 1)); v=veth; }
	grep -q '^veth_rs ' /proc/modules && { c=$((c + 1)); v=veth_rs; }
	[ $c -le 1 ] && echo $v || echo both
}
