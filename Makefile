# SPDX-License-Identifier: GPL-2.0
#
# veth_rs: the out-of-tree module and its build/VM/test loop.
#   make            build veth_rs.ko (and the iproute2 plugin) against the
#                   cached test kernel, building rootfs and kernel if needed
#   make run        boot the VM and run the seed scenario
#   make check      lint + every test in tests/ in the VM (KTAP, summary);
#                   TESTS="link errors" runs only those
#   make stress     the full stress/fault/fuzz profile of tests/stress.sh and
#                   the full fault injection of tests/faults.sh in the VM
#                   (make check runs their short profiles); FUZZ_SEED=N
#                   replays the netlink fuzzer; FLAVOUR=kcsan runs the
#                   datapath, changes under traffic and churn on the KCSAN
#                   kernel instead (qemu/kcsan.sh)
#   make lint       rustfmt check + CLIPPY=1 build with warnings as errors
#   make compile-fail   check that each misuse of tests/compile_fail/ is
#                   rejected by rustc with the error it names
#   make rust-analyzer   write rust-project.json
#   make kernel FLAVOUR=release   build the benchmark kernel
#   make bench [QUICK=1]   benchmarks against the C veth in the release VM
#   make bench ICOUNT=1 [QUICK=1] [PROFILE=1]   the same counted in
#                   instructions (QEMU -icount); PROFILE=1: per kernel symbol
#                   (TCG plugin bench/insn-plugin)
#   make selftests [SELFTESTS="veth.sh udpgro forwarding/"]   the kernel's
#                   own net selftests that create veth pairs, with veth and
#                   with veth_rs (kind=veth), in the selftests kernel's VM;
#                   compared per subtest (qemu/selftests.sh)
#   make containers [CONTAINERS="cni-bridge pyroute2"]   container stacks
#                   (CNI plugins, pyroute2, systemd-networkd, LXC) with veth and
#                   with veth_rs (kind=veth) in one boot of the selftests
#                   kernel, compared per check (qemu/containers.sh)
# KDIR= builds against another Rust-enabled kernel tree (as the
# rust-out-of-tree-module template); FLAVOUR=debug|release picks the cached
# kernel (debug by default).

FLAVOUR ?= debug
TOP := $(CURDIR)
KDIR ?= $(shell $(TOP)/qemu/kernel.sh --dir $(FLAVOUR))

# Outside the rootfs, toolchain commands run in it through qemu/chroot.
ifdef VETH_RS_IN_ROOTFS
RUN :=
else
RUN := $(TOP)/qemu/chroot
endif
# The rootfs's environment is clean (qemu/chroot): Kbuild's own switches
# are passed on by name. VETH_RS_INLINE_HELPERS=0: the C wrappers as a
# separate object, called out of line (Kbuild says more).
KMAKE = $(RUN) $(MAKE) -C $(KDIR) M=$(TOP) LLVM=1 \
	$(if $(VETH_RS_INLINE_HELPERS),VETH_RS_INLINE_HELPERS=$(VETH_RS_INLINE_HELPERS))

.PHONY: default modules modules_install kernel rootfs plugin selftest-modules bpf upstream \
	lint compile-fail rust-analyzer run check stress clean bench insn-plugin selftests \
	containers

default: modules plugin

kernel:
	@$(TOP)/qemu/kernel.sh $(FLAVOUR) >/dev/null

rootfs:
	@$(TOP)/qemu/rootfs.sh

modules: kernel
	$(KMAKE) modules

modules_install: modules
	$(KMAKE) modules_install

# iproute2 link plugin: lets the stock `ip` parse `peer ...` for veth_rs.
plugin: iproute2/link_veth_rs.so
iproute2/link_veth_rs.so: iproute2/link_veth_rs.c
	$(RUN) clang -O2 -Wall -Werror -shared -fPIC -o $@ $<

# The XDP programs of the tests and benchmarks, built from tests/bpf/.
BPF_OBJS := $(patsubst %.c,%.o,$(wildcard $(TOP)/tests/bpf/*.bpf.c))
bpf: $(BPF_OBJS)
$(TOP)/tests/bpf/%.bpf.o: $(TOP)/tests/bpf/%.bpf.c
	$(RUN) clang -O2 -g -Wall -Werror -target bpf \
		-I/usr/include/$$($(RUN) gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu) -c -o $@ $<

# The instruction-counting TCG plugin (loaded by the rootfs's QEMU) and the
# guest's window marker, in Rust, built with the rootfs's rustc.
INSN := $(TOP)/bench/insn-plugin
RUSTC_INSN = $(RUN) rustc --edition 2021 -C opt-level=2 -C panic=abort -C strip=debuginfo
insn-plugin: $(INSN)/libinsn.so $(INSN)/mark
$(INSN)/libinsn.so: $(INSN)/insn.rs
	$(RUSTC_INSN) --crate-type cdylib -o $@ $<
$(INSN)/mark: $(INSN)/mark.rs
	$(RUSTC_INSN) -o $@ $<

# The helpers of the upstream selftest net/veth.sh, built in the kernel
# source tree from which tests/veth_upstream.sh runs it.
upstream: kernel
	@$(TOP)/qemu/upstream.sh $(FLAVOUR) >/dev/null

# Test-only modules (the deliberate splat of the runner's self-test).
selftest-modules: kernel
	$(RUN) $(MAKE) -C $(KDIR) M=$(TOP)/tests/selftest LLVM=1 modules

# rustfmt, and clippy with warnings as errors in a scratch copy of the
# tree (.lint/): the real module is never touched (scripts/lint.sh).
lint: kernel
	$(RUN) $(TOP)/scripts/lint.sh $(KDIR) \
		$(if $(VETH_RS_INLINE_HELPERS),VETH_RS_INLINE_HELPERS=$(VETH_RS_INLINE_HELPERS))

# Misuses of the layer that safe driver code must not be able to write: each
# case is built as a module of the crate in a scratch copy of the tree
# (.compile-fail/) and passes only if rustc rejects it with the error its
# first line names.
# COMPILE_FAIL_JOBS=N: workers (default: one per core, two at most).
compile-fail: kernel
	$(RUN) $(if $(COMPILE_FAIL_JOBS),env COMPILE_FAIL_JOBS=$(COMPILE_FAIL_JOBS)) \
		$(TOP)/tests/compile_fail/run.sh $(KDIR)

rust-analyzer: kernel
	$(KMAKE) rust-analyzer

run: default
	$(TOP)/qemu/vm -- $(TOP)/qemu/seed.sh

# TESTS="link errors" runs only those scripts of tests/. The plain build
# with warnings as errors comes first (the VM runs it); lint and
# compile-fail, host builds in scratch trees, run beside the VM on the
# core it leaves idle (qemu/check.sh), compile-fail with one worker, and
# count as two results of the summary.
check: kernel plugin bpf upstream selftest-modules
	$(KMAKE) VETH_RS_WERROR=1 modules
	VETH_RS_BESIDE="lint compile-fail" VETH_RS_BESIDE_ARGS="KDIR=$(KDIR) COMPILE_FAIL_JOBS=1" \
		$(TOP)/qemu/check.sh $(foreach t,$(TESTS),$(TOP)/tests/$(t:.sh=).sh)

# Benchmarks against the C veth, in one boot of the release kernel (the
# module is built for it in a copy under the cache); QUICK=1 for a short run.
# ICOUNT=1: counted in instructions; PROFILE=1 with it: per kernel symbol.
bench: plugin bpf $(if $(ICOUNT),insn-plugin)
	$(TOP)/bench/bench.sh $(if $(ICOUNT),--icount $(if $(PROFILE),--profile)) $(if $(QUICK),--quick)

# The kernel's net selftests with veth and with veth_rs (qemu/selftests.sh
# builds the module for the selftests kernel, the rootfs layer it boots and
# the helpers itself).
selftests: plugin
	SELFTESTS="$(SELFTESTS)" $(TOP)/qemu/selftests.sh

# Container stacks with veth and with veth_rs (qemu/containers.sh builds the
# module for the selftests kernel and the rootfs layer it boots).
containers:
	CONTAINERS="$(CONTAINERS)" $(TOP)/qemu/containers.sh

# FLAVOUR=kcsan: the data-race detector's run instead (qemu/kcsan.sh).
ifeq ($(FLAVOUR),kcsan)
stress: plugin bpf
	$(TOP)/qemu/kcsan.sh
else
stress: default selftest-modules
	$(TOP)/qemu/vm -- env STRESS_PROFILE=full FUZZ_SEED=$(FUZZ_SEED) \
		STRESS_FIGURES=/tmp/veth_rs-stress.figures $(TOP)/tests/run.sh \
		$(TOP)/tests/stress-parts/1-faults.sh $(TOP)/tests/stress-parts/2-fuzz.sh \
		$(TOP)/tests/stress-parts/3-inject-newlink.sh $(TOP)/tests/stress-parts/4-inject-rest.sh
endif

clean:
	$(KMAKE) clean
	$(RUN) $(MAKE) -C $(KDIR) M=$(TOP)/tests/selftest clean
	rm -rf iproute2/link_veth_rs.so rust-project.json .compile-fail .lint $(INSN)/libinsn.so $(INSN)/mark
