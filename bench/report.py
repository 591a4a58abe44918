#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a run of bench/run.sh: table, JSON, chart.

Reads the samples bench/run.sh wrote (one JSON object a line), leaves out
the warm-up runs, and for every metric and driver prints the median, min and
max, and the ratio of veth_rs to the C veth (and of netkit to the C veth,
as a reference) with a 95% bootstrap confidence interval of the ratio of
medians. Writes next to the input: NAME.json (everything), NAME.md (the
table for the README), NAME.dat and NAME.png (the chart, by gnuplot with
bench/chart.gp), and copies them to latest.* in the same folder.

    bench/report.py results/raw-STAMP.jsonl [--machine TEXT]

Uses only the standard library (runs in the rootfs or the VM).
"""

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

BASE = "veth"
DRIVERS = ["veth", "veth_rs", "netkit"]

# key, label, unit, scale (value/scale is shown), higher is better
METRICS = [
    ("pktgen_pps", "pktgen 64B rx", "Mpps", 1e6, True),
    ("iperf3_bps", "iperf3 TCP 1 flow", "Gbit/s", 1e9, True),
    ("tcp_rr_tps", "netperf TCP_RR", "ktrans/s", 1e3, True),
    ("iperf3_gro_bps", "iperf3, GRO on at rx", "Gbit/s", 1e9, True),
    ("pktgen_xdp_pps", "pktgen 64B, XDP_PASS", "Mpps", 1e6, True),
    ("ctl_pairs_per_s", "create+delete", "pairs/s", 1, True),
    ("ctl_create_per_s", "create (ip -batch)", "pairs/s", 1, True),
    ("ctl_delete_per_s", "delete (ip -batch)", "pairs/s", 1, True),
    ("mem_bytes_per_pair", "memory per pair", "KiB", 1024, False),
]

# Rows that bench/run.sh may report as skipped for a driver (a "skip" line
# with the reason, e.g. the XDP attach error); older runs lack them.
OPTIONAL = {"iperf3_gro_bps", "pktgen_xdp_pps"}

BOOT_ITERS = 4000
GOAL = 0.95


def bootstrap_ratio(num, den, better_high, rng):
    """95% interval of the ratio of medians, resampling both sides."""
    ratios = []
    for _ in range(BOOT_ITERS):
        a = statistics.median(rng.choices(num, k=len(num)))
        b = statistics.median(rng.choices(den, k=len(den)))
        if a > 0 and b > 0:
            ratios.append(a / b if better_high else b / a)
    if not ratios:
        return None, None
    ratios.sort()
    return ratios[int(0.025 * len(ratios))], ratios[int(0.975 * len(ratios)) - 1]


def summarise(samples):
    """{metric: {driver: [values of the measured runs]}}"""
    out = {}
    for s in samples:
        if s.get("warmup") or "skip" in s:
            continue
        out.setdefault(s["metric"], {}).setdefault(s["driver"], []).append(s["value"])
    return out


def skips_of(samples):
    """{metric: {driver: [distinct reasons]}} of the skip lines."""
    out = {}
    for s in samples:
        if "skip" in s:
            reasons = out.setdefault(s["metric"], {}).setdefault(s["driver"], [])
            if s["skip"] not in reasons:
                reasons.append(s["skip"])
    return out


def ratio_entry(vals, drv, better_high, rng):
    num, den = vals.get(drv), vals.get(BASE)
    if not num or not den:
        return None
    mn, md = statistics.median(num), statistics.median(den)
    if mn <= 0 or md <= 0:
        return None
    r = mn / md if better_high else md / mn
    lo, hi = bootstrap_ratio(num, den, better_high, rng)
    # The conservative bounds from the extremes, for the record.
    if better_high:
        ext = (min(num) / max(den), max(num) / min(den))
    else:
        ext = (min(den) / max(num), max(den) / min(num))
    return {"ratio": r, "ci95": [lo, hi], "minmax": list(ext)}


def fmt(v, scale):
    x = v / scale
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if x < 1 else f"{x:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--machine", default="2 vCPUs under QEMU TCG (2-core host)")
    ap.add_argument("--rev", default=None, help="git revision of the measured sources")
    ap.add_argument("--elapsed", type=float, default=None, help="wall time of the VM run, s")
    args = ap.parse_args()

    meta, samples = {}, []
    with open(args.raw) as f:
        text = f.read()
    # Runs of bench/run.sh before it took only pktgen's first "errors:"
    # split that sample over two lines; join them back.
    text = re.sub(r'"tx_errors":([0-9]+)\n[0-9]+,', r'"tx_errors":\1,', text)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        if "meta" in obj:
            meta = obj["meta"]
        else:
            samples.append(obj)
    if not samples:
        sys.exit(f"{args.raw}: no samples")

    stem = os.path.splitext(args.raw)[0].replace("raw-", "bench-")
    folder = os.path.dirname(args.raw) or "."
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(args.raw)))
    data = summarise(samples)
    skipped = skips_of(samples)
    drivers = [d for d in DRIVERS if any(d in v for v in data.values())]
    rng = random.Random(1)

    summary = {}
    for key, label, unit, scale, high in METRICS:
        vals = data.get(key)
        if not vals:
            continue
        skip = skipped.get(key, {})
        if skip:
            label += " (" + ", ".join(f"{d} skipped" for d in skip if d not in vals) + ")"
            label = label.replace(" ()", "")
        entry = {"label": label, "unit": unit, "scale": scale,
                 "higher_is_better": high, "drivers": {}}
        for d in drivers:
            v = vals.get(d)
            if v:
                entry["drivers"][d] = {"n": len(v), "median": statistics.median(v),
                                       "min": min(v), "max": max(v), "values": v}
        for d in drivers:
            if d != BASE:
                entry[f"{d}/{BASE}"] = ratio_entry(vals, d, high, rng)
        summary[key] = entry

    # The table.
    runs = max((e["drivers"][d]["n"] for e in summary.values() for d in e["drivers"]), default=0)
    head = ["metric", "unit"] + [f"{d} med [min-max]" for d in drivers] + \
        ["veth_rs/C [95% CI]", "netkit/C", "goal"]
    rows = []
    below = []
    for key, e in summary.items():
        row = [e["label"], e["unit"] + ("" if e["higher_is_better"] else " (lower=better)")]
        for d in drivers:
            s = e["drivers"].get(d)
            row.append(f"{fmt(s['median'], e['scale'])} [{fmt(s['min'], e['scale'])}-{fmt(s['max'], e['scale'])}]"
                       if s else "-")
        rs = e.get(f"veth_rs/{BASE}")
        skip = skipped.get(key, {})
        if not rs and "veth_rs" in skip and "veth_rs" not in e["drivers"]:
            row += ["SKIP", "", "skipped: " + "; ".join(skip["veth_rs"])]
            nk = e.get(f"netkit/{BASE}")
            row[-2] = f"{nk['ratio']:.3f}" if nk else "-"
            rows.append(row)
            continue
        if rs:
            lo, hi = rs["ci95"]
            row.append(f"{rs['ratio']:.3f} [{lo:.2f}-{hi:.2f}]")
            ok = rs["ratio"] >= GOAL
            row.append("")
            row.append("ok" if ok else "BELOW")
            if not ok:
                below.append(e["label"])
        else:
            row += ["-", "", "-"]
        nk = e.get(f"netkit/{BASE}")
        row[-2] = f"{nk['ratio']:.3f}" if nk else "-"
        rows.append(row)
    # Rows with no value at all: every driver skipped, or not measured.
    for key, label, unit, scale, high in METRICS:
        if key in summary or key not in OPTIONAL and key not in skipped:
            continue
        why = "; ".join(f"{d}: {r}" for d, rs in skipped.get(key, {}).items() for r in rs) \
            or "not measured in this run"
        rows.append([label, "-"] + ["-" for _ in drivers] + ["SKIP", "-", "skipped: " + why])

    notes = [
        f"{date}; {args.machine}; kernel {meta.get('kernel', '?').split(' ')[0]} (release flavour); "
        f"{runs} runs per driver after 1 warm-up, interleaved in one boot"
        + ("; QUICK" if meta.get("quick") else "")
        + (f"; sources {args.rev}" if args.rev else "") + ".",
        "Ratios are veth_rs/C of the medians (C/veth_rs for memory): above 1 means veth_rs is better. "
        "CI: 95% bootstrap of the ratio of medians.",
        "Under TCG absolute numbers mean little; ratios measured in the same boot do.",
        "pktgen: packets the peer received (its rx_packets) per second of pktgen time; "
        "drops (backlog full) are not counted as received.",
        "GRO on: the iperf3 flow again with `ethtool -K gro on` at the receiving end (veth's NAPI path). "
        "XDP_PASS: pktgen again with tests/bpf/xdp_pass.bpf.o attached in native mode (xdpdrv) at the "
        "receiving end; a driver that refuses it is reported skipped with the attach error.",
    ]
    if args.elapsed:
        notes.append(f"The VM run (boot included) took {args.elapsed:.0f} s.")

    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    text = []
    text.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    text.append("  ".join("-" * w for w in widths))
    for r in rows:
        text.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print("\n".join(text))
    print()
    for n in notes:
        print(n)
    if below:
        print(f"Below the goal ({GOAL}): {', '.join(below)}")
    else:
        print(f"Every veth_rs/C ratio is at least {GOAL}.")

    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    md += [""] + [n for n in notes]

    result = {"meta": meta, "date": date, "machine": args.machine, "raw": os.path.basename(args.raw),
              "elapsed_s": args.elapsed, "rev": args.rev, "goal": GOAL, "summary": summary,
              "skipped": skipped, "below_goal": below, "samples": samples}
    with open(stem + ".json", "w") as f:
        json.dump(result, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write("\n".join(md) + "\n")

    # Chart data: one line per metric with both ratios and their intervals.
    with open(stem + ".dat", "w") as f:
        f.write("# label rs lo hi netkit lo hi rs-skipped\n")
        for key, e in summary.items():
            cols = []
            for d in ("veth_rs", "netkit"):
                r = e.get(f"{d}/{BASE}")
                cols += [r["ratio"], r["ci95"][0], r["ci95"][1]] if r else ["NaN"] * 3
            cols.append(1 if "veth_rs" in skipped.get(key, {}) and "veth_rs" not in e["drivers"] else 0)
            label = e["label"].replace('"', "'")
            f.write(f'"{label}" ' + " ".join(str(c) for c in cols) + "\n")
    title = f"veth_rs and netkit vs C veth, {date}, {args.machine}"
    if meta.get("quick"):
        title += ", QUICK"
    chart = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chart.gp")
    gp = subprocess.run(["gnuplot", "-e", f"datafile='{stem}.dat'; outfile='{stem}.png'; "
                         f"charttitle='{title}'; runs={runs}", chart])
    if gp.returncode != 0:
        print("gnuplot failed: no chart", file=sys.stderr)

    for ext in (".json", ".md", ".dat", ".png"):
        if os.path.exists(stem + ext):
            shutil.copyfile(stem + ext, os.path.join(folder, "latest" + ext))
    print(f"\nresults: {stem}.json, {stem}.md, chart: {stem}.png (also {folder}/latest.*)")


if __name__ == "__main__":
    main()
