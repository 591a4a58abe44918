#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint`, in the toolchain rootfs: rustfmt's check of the crates,
# then both crates built by clippy with warnings as errors, in a scratch
# copy of the tree (.lint/). The real veth_rs.ko is never touched, so the
# lint can run while a VM uses the module (make check runs it beside the
# VM), and what runs is always the plain build (clippy's driver turns
# MIR optimisations off). The plain build with warnings as errors is
# make check's own (`make modules VETH_RS_WERROR=1`).
#   scripts/lint.sh KDIR [VAR=VALUE...]
set -eu
KDIR=${1:?usage: lint.sh KDIR [VAR=VALUE...]}
shift
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/scratch-tree.sh"
cd "$TOP"
rustfmt --check --edition 2021 veth_rs.rs nullsink_rs.rs netdev.rs
scratch_tree "$TOP" "$TOP/.lint"
# The whole build, as the plain one (C wrappers with -Werror, link,
# modpost), with clippy as the Rust compiler. Further make variables
# (VETH_RS_INLINE_HELPERS=0) come after KDIR.
make -C "$KDIR" M="$TOP/.lint" LLVM=1 CLIPPY=1 VETH_RS_WERROR=1 "$@" modules
echo "lint: rustfmt and clippy clean"
