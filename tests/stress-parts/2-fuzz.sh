#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make stress`, part 2: the netlink fuzzer of tests/stress.sh.
STRESS_ONLY="fuzz" exec bash "$(dirname "$0")/../stress.sh"
