#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a control-path study of bench/ctl.sh.

Per driver and phase (create, delete): the median wall time per pair and
the median CPU time per pair of the `ip` process (user; sys = the kernel's
work for it); the ratio veth_rs/C of the medians with a 95% bootstrap
interval, and the median of the per-round ratios (each round measures both
drivers back to back, so that ratio cancels slow drift of the host). Then,
from the traced rounds, the time per pair spent in each probed function.

    bench/ctl_report.py results/ctl-STAMP.jsonl
"""

import json
import random
import statistics
import sys
from collections import defaultdict

DRIVERS = ("veth", "veth_rs")


def boot_ci(a, b, rng, iters=4000):
    rs = []
    for _ in range(iters):
        x = statistics.median(rng.choices(a, k=len(a)))
        y = statistics.median(rng.choices(b, k=len(b)))
        rs.append(x / y)
    rs.sort()
    return rs[int(0.025 * iters)], rs[int(0.975 * iters) - 1]


def trace_summary(path, pairs, rounds):
    """{event: (calls per pair, µs per pair)} from 'ts pid event' lines."""
    open_ = defaultdict(list)
    total = defaultdict(float)
    calls = defaultdict(int)
    try:
        f = open(path)
    except OSError:
        return None
    with f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            ts, pid, ev = float(parts[0]), parts[1], parts[2]
            if ev.startswith("bp_"):
                open_[(pid, ev[3:])].append(ts)
            elif ev.startswith("br_"):
                stack = open_.get((pid, ev[3:]))
                if stack:
                    total[ev[3:]] += ts - stack.pop()
                    calls[ev[3:]] += 1
    n = pairs * rounds
    return {k: (calls[k] / n, total[k] * 1e6 / n) for k in total}


def main():
    path = sys.argv[1]
    meta, rows = {}, []
    with open(path) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                if "meta" in o:
                    meta = o["meta"]
                else:
                    rows.append(o)
    pairs = meta.get("pairs", 0)
    measured = [r for r in rows if r["round"] >= 0 and not r["traced"]]
    rng = random.Random(1)
    print(f"control path, {meta.get('rounds')} rounds x {pairs} pairs per driver, "
          f"kernel {meta.get('kernel')}, {meta.get('cpus')} CPUs; times in ms per pair")
    print(f"{'phase':8} {'time':5} {'veth med [min-max]':24} {'veth_rs med [min-max]':24} "
          f"{'rs/C':6} {'95% CI':13} {'per-round rs/C med [min-max]'}")
    for phase in ("create", "delete"):
        for kind in ("wall", "sys", "user"):
            vals = {d: [r[phase][kind] * 1e3 / r["pairs"] for r in measured if r["driver"] == d]
                    for d in DRIVERS}
            if not all(vals.values()):
                continue
            by_round = defaultdict(dict)
            for r in measured:
                by_round[r["round"]][r["driver"]] = r[phase][kind]
            per_round = [v["veth_rs"] / v["veth"] for v in by_round.values()
                         if len(v) == 2 and v["veth"] > 0]
            c, rs = vals["veth"], vals["veth_rs"]
            # Time: lower is better; the ratio is the speed ratio C/veth_rs
            # inverted, i.e. veth_rs time over C time.
            ratio = statistics.median(rs) / statistics.median(c) if statistics.median(c) else float("nan")
            lo, hi = boot_ci(rs, c, rng) if min(c) > 0 else (float("nan"),) * 2
            cell = lambda v: f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]"
            pr = (f"{statistics.median(per_round):.3f} [{min(per_round):.2f}-{max(per_round):.2f}]"
                  if per_round else "-")
            print(f"{phase:8} {kind:5} {cell(c):24} {cell(rs):24} {ratio:6.3f} "
                  f"[{lo:.2f}-{hi:.2f}]  {pr}")
    print("(time ratios: veth_rs time / C time, above 1 = veth_rs slower)")

    traced_rounds = defaultdict(int)
    for r in rows:
        if r["traced"]:
            traced_rounds[r["driver"]] += 1
    sums = {d: trace_summary(f"{path}.trace-{d}", pairs, traced_rounds[d]) for d in DRIVERS
            if traced_rounds[d]}
    if sums and all(sums.values()):
        print("\ntraced rounds (kprobes on): calls and µs per pair, per function")
        names = sorted(set().union(*[s.keys() for s in sums.values()]))
        print(f"{'function':40} " + " ".join(f"{d + ' calls':>12} {d + ' us':>12}" for d in sums))
        for n in names:
            cells = []
            for d in sums:
                c, us = sums[d].get(n, (0, 0))
                cells.append(f"{c:12.2f} {us:12.1f}")
            print(f"{n:40} " + " ".join(cells))


if __name__ == "__main__":
    main()
