#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of `make containers`: per stack, the checks of the C veth run
and of the veth_rs run compared by name, the expectations that failed under
either driver, exit statuses, splats and times; then every difference.
Exits 1 when anything differs or failed, 0 when all is identical and clean.
    containers_report.py OUTDIR
"""
import os
import sys

DRIVERS = ("veth", "veth_rs")


def checks(path):
    """NAME -> VALUE of a scenario's output (one 'NAME<TAB>VALUE' a line)."""
    res = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                name, _, value = line.rstrip("\n").partition("\t")
                if not name:
                    continue
                # A name said twice is two checks, neither hidden.
                key, n = name, 1
                while key in res:
                    n += 1
                    key = "%s~%d" % (name, n)
                res[key] = value
    except FileNotFoundError:
        pass
    return res


def lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except FileNotFoundError:
        return []


def main(out):
    runs = {}
    order = []
    for row in lines(os.path.join(out, "results.tsv")):
        drv, stack, rc, secs, splats, note = (row.split("\t") + [""] * 6)[:6]
        runs[(drv, stack)] = (int(rc), int(secs), int(splats), note)
        if stack not in order:
            order.append(stack)
    if not order:
        print("no results in %s" % out)
        return 1
    bad = 0
    rows = []
    details = []
    for stack in order:
        c = {d: checks(os.path.join(out, d, stack + ".txt")) for d in DRIVERS}
        names = sorted(set(c["veth"]) | set(c["veth_rs"]))
        same = [n for n in names if n in c["veth"] and n in c["veth_rs"] and c["veth"][n] == c["veth_rs"][n]]
        diffs = [n for n in names if n not in same]
        fails = {d: lines(os.path.join(out, d, stack + ".fail")) for d in DRIVERS}
        r = {d: runs.get((d, stack), (-1, 0, 0, "no run")) for d in DRIVERS}
        problems = []
        if diffs:
            problems.append("%d differ" % len(diffs))
        for d in DRIVERS:
            rc, _, splats, note = r[d]
            if rc != 0:
                problems.append("%s exit %d" % (d, rc))
            if splats:
                problems.append("%s: %d splats" % (d, splats))
            if fails[d]:
                problems.append("%s: %d failed expectations" % (d, len(fails[d])))
            if note:
                problems.append("%s: %s" % (d, note))
        if not names:
            problems.append("no checks")
        bad += bool(problems)
        rows.append((stack, "%d/%d" % (len(same), len(names)),
                     "%d/%d" % (len(fails["veth"]), len(fails["veth_rs"])),
                     "%d/%d" % (r["veth"][0], r["veth_rs"][0]),
                     "%d/%d" % (r["veth"][2], r["veth_rs"][2]),
                     "%d/%d" % (r["veth"][1], r["veth_rs"][1]),
                     "identical" if not problems else "; ".join(problems)))
        for n in diffs:
            details.append("%s: %s\n    veth:    %s\n    veth_rs: %s" % (
                stack, n, c["veth"].get(n, "(missing)"), c["veth_rs"].get(n, "(missing)")))
        for d in DRIVERS:
            for f in fails[d]:
                details.append("%s [%s] failed expectation: %s" % (stack, d, f.replace("FAIL\t", "").replace("\t", ": ", 1)))
            if os.path.exists(os.path.join(out, d, stack + ".splat")):
                details.append("%s [%s] splats: see %s" % (stack, d, os.path.join(out, d, stack + ".splat")))
    head = ("stack", "checks identical/total", "failed expect. veth/veth_rs", "exit veth/veth_rs",
            "splats veth/veth_rs", "seconds veth/veth_rs", "verdict")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    total = sum(int(r[1].split("/")[1]) for r in rows)
    ident = sum(int(r[1].split("/")[0]) for r in rows)
    kl = os.path.join(out, "kmemleak.txt")
    leaks = sum(1 for l in lines(kl) if "unreferenced object" in l)
    # Splats anywhere in the boot's kernel log, not only within a run.
    total_splats = lines(os.path.join(out, "splats_total"))
    log_splats = int(total_splats[0]) if total_splats else -1
    print("\n%d stacks, %d with a problem; checks identical %d/%d; kmemleak: %d unreferenced objects; "
          "splats in the whole kernel log: %s"
          % (len(rows), bad, ident, total, leaks, log_splats if log_splats >= 0 else "not counted (older run)"))
    if details:
        print("\nDifferences and failures:")
        for d in details:
            print("- " + d)
    return 1 if bad or leaks or ident != total or log_splats > 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
