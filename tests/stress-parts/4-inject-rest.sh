#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make stress`, part 4: tests/faults.sh in full (every fault point, C veth
# and veth_rs) for every operation but newlink.
FAULTS_PROFILE=full FAULTS_OPS="dellink open stop mtu mac gro_on gro_off channels_up
	channels_down channels_up_gro channels_down_gro channels_up_xdp channels_down_xdp
	xdp_attach xdp_replace xdp_detach xdp_attach_down xdp_replace_down xdp_detach_down
	move rmmod" exec bash "$(dirname "$0")/../faults.sh"
