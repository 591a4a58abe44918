#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make stress`, part 3: tests/faults.sh in full (every fault point, C veth
# and veth_rs) for the three kinds of newlink, some 740 points each.
FAULTS_PROFILE=full FAULTS_OPS="newlink newlink_peer newlink_netns" \
	exec bash "$(dirname "$0")/../faults.sh"
