#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make stress`, part 1: churn, faults under traffic and privilege checks
# of tests/stress.sh (a part of its own, so that each stays within the
# runner's 1800 s per stress part).
STRESS_ONLY="churn fault_flap fault_move fault_peer_del fault_netns_del fault_rmmod
	priv_unprivileged priv_userns datapath_faults" exec bash "$(dirname "$0")/../stress.sh"
