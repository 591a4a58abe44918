#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of an instruction-counted run (bench/bench.sh --icount).

Reads DIR/raw.jsonl (bench/icount.sh: samples, and the plugin windows
each workload ran in), DIR/totals.tsv (bench/insn-plugin: instructions per
window) and, for a profile, DIR/snap-N.tsv (instructions per translation
block) with DIR/kallsyms. Writes DIR/report.md and DIR/report.json and
prints the Markdown.

Two figures per workload and driver, each the median of the measured runs
(the warm-up run 0 left out):
- instructions per unit: the plugin's count over the workload's window,
  minus the marker's own cost (the "empty" window of the same driver and
  run), over the units of work. The window holds the tool's start too
  (netperf's process and control connection), a constant for both drivers;
- guest ns per unit: the duration the tool itself measured (pktgen's run
  time, netperf's rate) or, for the control path, bash's clock around
  `ip -batch`; under -icount shift=0 1 ns is 1 instruction, plus idle time
  skipped to the next timer (RCU grace periods of the control path).
The TCP stream rows get a second row each, at one segment count for all
runs (`at_same_segments`). The ratio is veth_rs/veth (below 1: veth_rs does less work); memory is
bytes per pair. The spread of a driver is (max - min) / median over its
runs.
  bench/icount_report.py DIR [--rev REV] [--elapsed S] [--top N]
"""
import argparse
import bisect
import json
import math
import os
import statistics
import subprocess
import sys

ORDER = [
    ("pktgen", "packet", "pktgen into the backlog (GRO off)"),
    ("gro", "packet", "pktgen, GRO on (NAPI path)"),
    ("xdp_pass", "packet", "XDP_PASS"),
    ("xdp_drop", "packet", "XDP_DROP"),
    ("xdp_tx", "packet", "XDP_TX"),
    ("xdp_redirect", "packet", "XDP_REDIRECT (ndo_xdp_xmit into a 2nd pair)"),
    ("tcp", "byte", "TCP stream (netperf TCP_STREAM)"),
    ("tcp_gro", "byte", "TCP stream, GRO on"),
    ("tcp_rr", "transaction", "TCP_RR (netperf)"),
    ("ctl_create", "pair", "create a pair (ip -batch)"),
    ("ctl_delete", "pair", "delete a pair (ip -batch)"),
    ("ctl", "pair", "create + delete a pair"),
    ("ctl_ns_create", "pair", "create a pair, peer in a 2nd netns"),
    ("ctl_ns_delete", "pair", "delete a pair, peer in a 2nd netns"),
    ("ctl_ns", "pair", "create + delete, peer in a 2nd netns"),
    ("mem", "pair", "memory per pair, bytes (Slab + Percpu)"),
]
DRIVERS = ["veth", "veth_rs"]


def load(d):
    meta, samples, snaps = {}, [], []
    with open(os.path.join(d, "raw.jsonl")) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if "meta" in o:
                meta = o["meta"]
            elif "snap" in o:
                snaps.append(o)
            elif "value" in o:
                samples.append(o)
    totals = {}
    p = os.path.join(d, "totals.tsv")
    if os.path.exists(p):
        with open(p) as f:
            for line in f:
                k, a, kern = (int(x) for x in line.split())
                totals[k] = (a, kern)
    return meta, samples, snaps, totals


def spread(v):
    m = statistics.median(v)
    return (max(v) - min(v)) / m if m else 0.0


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def insn_per_unit(snaps, totals):
    """(driver, run, work) -> instructions per unit, marker cost removed."""
    empty = {}
    for s in snaps:
        if s["work"] == "empty" and s["snap"] in totals:
            empty[(s["driver"], s["run"])] = totals[s["snap"]][0]
    out = {}
    for s in snaps:
        if s["work"] == "empty" or s["snap"] not in totals:
            continue
        base = empty.get((s["driver"], s["run"]), 0)
        out[(s["driver"], s["run"], s["work"])] = max(totals[s["snap"]][0] - base, 0) / s["units"]
    # The whole control path of a pair: create + delete.
    for (drv, run, work), v in list(out.items()):
        for c in ("ctl", "ctl_ns"):
            if work == c + "_create" and (drv, run, c + "_delete") in out:
                out[(drv, run, c)] = v + out[(drv, run, c + "_delete")]
    return out


def sign_test(k, n):
    """Two-sided exact sign test: the chance of a split at least as uneven
    as k of n if either driver were as likely to be the lower one."""
    if n == 0:
        return None
    m = min(k, n - k)
    p = 2 * sum(math.comb(n, i) for i in range(m + 1)) / 2**n
    return min(p, 1.0)


def paired(a, b):
    """veth_rs against veth run by run. The two drivers of one run number
    ran back to back in the same boot, so a drift over the boot (slab
    and list state growing) falls on both; the ratio of each run pair
    and how many of them veth_rs wins say more than two medians of
    drifting runs."""
    runs = sorted(set(a) & set(b))
    q = [b[r] / a[r] for r in runs if a[r]]
    if len(q) < 2:
        return None
    lower = sum(1 for x in q if x < 1)
    higher = sum(1 for x in q if x > 1)
    return {
        "runs": len(q),
        "median_ratio": statistics.median(q),
        "veth_rs_lower": lower,
        "veth_rs_higher": higher,
        "sign_p": sign_test(lower, lower + higher),
    }


def table(meta, samples, snaps, totals):
    ins = insn_per_unit(snaps, totals)
    rows = []
    for work, unit, label in ORDER:
        row = {"work": work, "unit": unit, "label": label}
        by_run = {}
        for drv in DRIVERS:
            ns = [s["value"] for s in samples if s["driver"] == drv and s["metric"] == work and not s["warmup"]]
            by_run[drv] = {r: v for (d, r, w), v in ins.items() if d == drv and w == work and r > 0}
            ii = [by_run[drv][r] for r in sorted(by_run[drv])]
            row[drv] = {
                "ns": statistics.median(ns) if ns else None,
                "ns_runs": ns,
                "ns_spread": spread(ns) if len(ns) > 1 else None,
                "insn": statistics.median(ii) if ii else None,
                "insn_runs": ii,
                "insn_spread": spread(ii) if len(ii) > 1 else None,
            }
        row["paired"] = paired(by_run["veth"], by_run["veth_rs"])
        for k in ("ns", "insn"):
            a, b = row["veth"][k], row["veth_rs"][k]
            row[k + "_ratio"] = b / a if a and b is not None else None
        if any(row[d]["ns"] is not None or row[d]["insn"] is not None for d in DRIVERS):
            rows.append(row)
            if unit == "byte":
                adj = at_same_segments(work, label, samples, ins)
                if adj:
                    rows.append(adj)
    return rows


def at_same_segments(work, label, samples, ins):
    """A stream's instructions per byte at one segment count for all runs.

    How many segments carry the stream is decided by the sender's TCP
    (how sends coalesce, as the scheduler interleaves sender and receiver
    on one CPU), and each segment costs the stack a near-fixed number of
    instructions: runs of either driver that happen to send larger
    segments cost less per byte. The segments bx1 received are counted per
    run; a common slope (instructions per segment, fitted within each
    driver, so that a difference between the drivers does not enter it)
    moves every run to the median segment count of all runs."""
    runs = {}
    for s in samples:
        if s["metric"] != work or s["warmup"] or "received" not in s or "bytes" not in s:
            continue
        k = (s["driver"], s["run"], work)
        if k in ins and s["received"] > 0:
            runs.setdefault(s["driver"], []).append((s["received"], ins[k] * s["bytes"], s["bytes"]))
    if any(len(runs.get(d, [])) < 2 for d in DRIVERS):
        return None
    sxy = sxx = 0.0
    for d in DRIVERS:
        pm = statistics.mean(p for p, _, _ in runs[d])
        ym = statistics.mean(y for _, y, _ in runs[d])
        sxy += sum((p - pm) * (y - ym) for p, y, _ in runs[d])
        sxx += sum((p - pm) ** 2 for p, _, _ in runs[d])
    slope = sxy / sxx if sxx else 0.0
    ref = statistics.median(p for d in DRIVERS for p, _, _ in runs[d])
    row = {
        "work": work + "_seg",
        "unit": "byte",
        "label": f"{label}, at {ref:,.0f} segments",
        "per_segment": slope,
        "segments": ref,
    }
    for d in DRIVERS:
        v = [(y - slope * (p - ref)) / b for p, y, b in runs[d]]
        row[d] = {
            "ns": None,
            "ns_runs": [],
            "ns_spread": None,
            "insn": statistics.median(v),
            "insn_runs": v,
            "insn_spread": spread(v),
            "segments_runs": [p for p, _, _ in runs[d]],
        }
    a, b = row["veth"]["insn"], row["veth_rs"]["insn"]
    row["insn_ratio"] = b / a if a else None
    row["ns_ratio"] = None
    return row


def markdown_table(meta, rows, args):
    out = []
    sizes = meta.get("sizes", {})
    out.append(
        f"Instruction-counted run (`qemu/vm --release --icount`: QEMU `-icount shift=0,sleep=off`), "
        f"kernel {meta.get('kernel', '?')}, {meta.get('cpus', '?')} vCPUs, "
        f"{meta.get('runs', 0) - 1} measured runs per driver after a warm-up, interleaved; "
        f"sizes: {sizes.get('packets')} packets, {sizes.get('bytes')} bytes, "
        f"{sizes.get('transactions')} transactions, {sizes.get('pairs')} pairs"
        + (f"; driver at {args.rev}" if args.rev else "")
        + (f"; VM run {args.elapsed} s" if args.elapsed else "")
        + "."
    )
    out.append("")
    out.append("| workload | unit | veth insns | veth_rs insns | ratio | veth guest ns | veth_rs guest ns | ratio |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["work"] == "mem":
            continue
        v, w = r["veth"], r["veth_rs"]
        out.append(
            f"| {r['label']} | {r['unit']} | {fmt(v['insn'])} | {fmt(w['insn'])} | "
            f"{fmt(r['insn_ratio'])} | {fmt(v['ns'])} | {fmt(w['ns'])} | {fmt(r['ns_ratio'])} |"
        )
    for r in rows:
        if r["work"] == "mem":
            v, w = r["veth"], r["veth_rs"]
            out.append(f"| {r['label']} | pair | | | | {fmt(v['ns'])} | {fmt(w['ns'])} | {fmt(r['ns_ratio'])} |")
    seg = [r for r in rows if "per_segment" in r]
    if seg:
        out.append("")
        out.append(
            "Segments bx1 received per stream (the sender's TCP decides them, and each costs the stack "
            "about the same): "
            + "; ".join(
                f"{r['work'][:-4]}: veth {min(r['veth']['segments_runs'])}-{max(r['veth']['segments_runs'])}, "
                f"veth_rs {min(r['veth_rs']['segments_runs'])}-{max(r['veth_rs']['segments_runs'])}, "
                f"{r['per_segment']:,.0f} instructions a segment"
                for r in seg
            )
            + ". The rows \"at N segments\" move each run to the median segment count by that slope "
            "(fitted within each driver)."
        )
    out.append("")
    out.append("Repeatability: spread (max - min) / median of each driver's measured runs.")
    out.append("")
    out.append("| workload | runs | veth insns | veth_rs insns | veth guest ns | veth_rs guest ns |")
    out.append("|---|---:|---:|---:|---:|---:|")

    def pc(x):
        return "-" if x is None else f"{100 * x:.2f}%"

    for r in rows:
        v, w = r["veth"], r["veth_rs"]
        n = max(len(v["ns_runs"]), len(v["insn_runs"]))
        out.append(
            f"| {r['work']} | {n} | {pc(v['insn_spread'])} | {pc(w['insn_spread'])} | "
            f"{pc(v['ns_spread'])} | {pc(w['ns_spread'])} |"
        )
    pr = [r for r in rows if r.get("paired")]
    if pr:
        out.append("")
        out.append(
            "Paired by run (each run number's two drivers ran back to back): the median of the "
            "per-run ratios, in how many runs veth_rs took fewer / more instructions, and the "
            "two-sided sign test's p (the chance of a split at least that uneven if neither "
            "driver were cheaper)."
        )
        out.append("")
        out.append("| workload | runs | paired median ratio | veth_rs fewer | veth_rs more | sign test p |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for r in pr:
            q = r["paired"]
            out.append(
                f"| {r['work']} | {q['runs']} | {q['median_ratio']:.4f} | {q['veth_rs_lower']} | "
                f"{q['veth_rs_higher']} | {q['sign_p']:.3f} |"
            )
    return out


def load_kallsyms(path):
    syms = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 3 or p[1] not in "tTwW":
                continue
            name = p[2] + (" " + p[3] if len(p) > 3 else "")
            syms.append((int(p[0], 16), name))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def demangle(names):
    """Rust symbols of veth_rs (v0 mangling) made readable, if a demangler is there."""
    mangled = sorted({n.split(" ")[0] for n in names if n.startswith("_R")})
    if not mangled:
        return {}
    for tool in ("llvm-cxxfilt-19", "llvm-cxxfilt", "c++filt"):
        try:
            r = subprocess.run([tool], input="\n".join(mangled), capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        dem = r.stdout.split("\n")
        if r.returncode == 0 and len(dem) >= len(mangled):
            # The crate's own path prefix says nothing here.
            return {a: b.replace("veth_rs::", "") for a, b in zip(mangled, dem)}
    return {}


def profile(d, snaps, totals, top):
    addrs, names = load_kallsyms(os.path.join(d, "kallsyms"))
    dem = demangle(names)

    def symbol(a):
        i = bisect.bisect_right(addrs, a) - 1
        if i < 0:
            return "[unknown]"
        n = names[i]
        base, _, mod = n.partition(" ")
        return dem.get(base, base) + (" " + mod if mod else "")

    # (work, driver) -> (units, {symbol: insns}, user insns), summed over
    # the measured runs (--runs N with --profile: the drivers take turns
    # going first, so what the first to run pays is shared out).
    per = {}
    for s in snaps:
        if s["run"] == 0 or s["work"] == "empty":
            continue
        p = os.path.join(d, f"snap-{s['snap']}.tsv")
        if not os.path.exists(p):
            continue
        units, counts, user = per.get((s["work"], s["driver"]), (0, {}, 0))
        with open(p) as f:
            for line in f:
                a, n, e = line.split()
                sym = symbol(int(a, 16))
                counts[sym] = counts.get(sym, 0) + int(n) * int(e)
        a, k = totals.get(s["snap"], (0, 0))
        per[(s["work"], s["driver"])] = (units + s["units"], counts, user + a - k)
    def own(counts):
        # The driver's own code: its module's symbols (veth_rs's C
        # helpers, bindings/helpers.c, are in the module too).
        return sum(v for k, v in counts.items() if k.endswith(" [veth]") or k.endswith(" [veth_rs]"))

    out = [
        "",
        "## Instructions per kernel symbol (plugin mode=tb, the measured runs together)",
        "",
        "Per unit of work (per KiB for the byte-counted rows), the symbols where veth and veth_rs "
        "differ most; a translation block counts for the symbol it starts in. \"driver code\" is "
        "the sum over the module's own symbols ([veth] or [veth_rs]).",
        "",
    ]
    result = {}
    for work, unit, label in ORDER:
        if (work, "veth") not in per or (work, "veth_rs") not in per:
            continue
        (uv, cv, usv), (ur, cr, usr) = per[(work, "veth")], per[(work, "veth_rs")]
        if unit == "byte":
            uv, ur, unit = uv / 1024, ur / 1024, "KiB"
        tv = (sum(cv.values()) + usv) / uv
        tr = (sum(cr.values()) + usr) / ur
        out.append(
            f"### {label}: per {unit}, veth {tv:,.0f}, veth_rs {tr:,.0f} instructions (ratio {tr / tv:.3f}); "
            f"driver code veth {own(cv) / uv:,.0f}, veth_rs {own(cr) / ur:,.0f}"
        )
        out.append("")
        out.append("| symbol | veth | veth_rs | veth_rs - veth |")
        out.append("|---|---:|---:|---:|")
        syms = set(cv) | set(cr)
        rows = []
        for sym in syms:
            a, b = cv.get(sym, 0) / uv, cr.get(sym, 0) / ur
            rows.append((sym, a, b, b - a))
        rows.append(("[user space]", usv / uv, usr / ur, usr / ur - usv / uv))
        rows.sort(key=lambda r: -abs(r[3]))
        for sym, a, b, diff in rows[:top]:
            out.append(f"| `{sym}` | {a:,.1f} | {b:,.1f} | {diff:+,.1f} |")
        out.append("")
        result[work] = {
            "unit": unit,
            "veth_total": tv,
            "veth_rs_total": tr,
            "veth_driver": own(cv) / uv,
            "veth_rs_driver": own(cr) / ur,
            "symbols": [{"symbol": s, "veth": a, "veth_rs": b} for s, a, b, _ in sorted(rows, key=lambda r: -abs(r[3]))[:100]],
        }
    return out, result


def scale_report(meta, snaps, totals, d):
    """Per size and driver: instructions, guest ns and memory per pair.

    A size given more than once is sampled once per mention (its "rep",
    the place in the list; older runs have none: one sample a size). The
    table has the median of a size's samples; the samples themselves,
    paired by rep, follow it."""
    samples = []
    with open(os.path.join(d, "raw.jsonl")) as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if "metric" in o:
                samples.append(o)

    def key(s, *rest):
        return (s["driver"], s["size"], s.get("rep", 0)) + rest

    empty = {key(s): totals.get(s["snap"], (0, 0))[0] for s in snaps if s["work"] == "empty"}
    ins = {}
    for s in snaps:
        if s["work"] != "empty" and s["snap"] in totals:
            ins[key(s, s["work"])] = max(totals[s["snap"]][0] - empty.get(key(s), 0), 0) / s["units"]
    ns = {key(s, s["metric"]): s["value"] for s in samples}
    sizes = sorted({s["size"] for s in snaps} | {s["size"] for s in samples})
    reps = {n: sorted({s.get("rep", 0) for s in snaps + samples if s["size"] == n}) for n in sizes}
    order = {}  # (size, rep) -> driver that went first
    for s in snaps + samples:
        order.setdefault((s["size"], s.get("rep", 0)), s["driver"])

    def med(v):
        v = [x for x in v if x is not None]
        return statistics.median(v) if v else None

    def sample(drv, n, r):
        c, dl = ins.get((drv, n, r, "create")), ins.get((drv, n, r, "delete"))
        return {
            "create_insns": c,
            "delete_insns": dl,
            "insns": c + dl if c is not None and dl is not None else None,
            "create_ns": ns.get((drv, n, r, "create_ns")),
            "delete_ns": ns.get((drv, n, r, "delete_ns")),
            "mem_bytes": ns.get((drv, n, r, "mem")),
        }

    many = any(len(v) > 1 for v in reps.values())
    out = [
        "# Pairs at scale, counted in instructions",
        "",
        f"`bench/bench.sh --icount --scale \"{meta.get('sizes', ' '.join(map(str, sizes)))}\"`, "
        f"kernel {meta.get('kernel', '?')}: "
        "N namespaces, then one `ip -batch` adding N pairs (host end in the initial namespace, "
        "peer in its own namespace), then one deleting them. Per pair; growth = per-pair "
        f"instructions (create + delete) over those at {sizes[0] if sizes else '?'} pairs"
        + ("; a size given more than once: the median of its samples" if many else "")
        + ".",
        "",
        "| pairs | driver | samples | create insns | delete insns | create + delete | growth | create guest ns | delete guest ns | memory B |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = []
    base = {}
    for n in sizes:
        for drv in DRIVERS:
            sm = [sample(drv, n, r) for r in reps[n]]
            row = {"pairs": n, "driver": drv, "samples": len(sm)}
            for k in ("create_insns", "delete_insns", "insns", "create_ns", "delete_ns", "mem_bytes"):
                row[k] = med(x[k] for x in sm)
            both = row["insns"]
            if both is not None and drv not in base:
                base[drv] = both
            row["growth"] = both / base[drv] if both is not None and base.get(drv) else None
            row["runs"] = sm
            rows.append(row)
            out.append(
                f"| {n} | {drv} | {len(sm)} | {fmt(row['create_insns'])} | {fmt(row['delete_insns'])} | "
                f"{fmt(both)} | {fmt(row['growth'])} | "
                f"{fmt(row['create_ns'])} | {fmt(row['delete_ns'])} | {fmt(row['mem_bytes'])} |"
            )
    out.append("")
    out.append("veth_rs/veth per size (instructions create + delete; memory):")
    out.append("")
    for n in sizes:
        a = next((r for r in rows if r["pairs"] == n and r["driver"] == "veth"), None)
        b = next((r for r in rows if r["pairs"] == n and r["driver"] == "veth_rs"), None)
        if a and b and a["insns"] and b["insns"] is not None:
            mr = b["mem_bytes"] / a["mem_bytes"] if a["mem_bytes"] and b["mem_bytes"] is not None else None
            out.append(f"- {n} pairs: instructions {b['insns'] / a['insns']:.3f}, memory {fmt(mr)}")
    if many:
        out.append("")
        out.append("Each sample, the two drivers back to back (veth_rs/veth, create + delete; who went first):")
        out.append("")
        for n in sizes:
            if len(reps[n]) < 2:
                continue
            a = {r: sample("veth", n, r)["insns"] for r in reps[n]}
            b = {r: sample("veth_rs", n, r)["insns"] for r in reps[n]}
            runs = [r for r in reps[n] if a[r] and b[r] is not None]
            q = paired({r: a[r] for r in runs}, {r: b[r] for r in runs})
            if q:
                out.append(
                    f"- {n} pairs: "
                    + ", ".join(f"{b[r] / a[r]:.4f} ({order.get((n, r), '?')} first)" for r in runs)
                    + f"; veth_rs fewer in {q['veth_rs_lower']} of {q['runs']}, sign test p {q['sign_p']:.3f}"
                )
    return out, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--rev", default="")
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    meta, samples, snaps, totals = load(args.dir)
    if meta.get("mode") == "scale":
        md, rows = scale_report(meta, snaps, totals, args.dir)
        text = "\n".join(md) + "\n"
        with open(os.path.join(args.dir, "report.md"), "w") as f:
            f.write(text)
        with open(os.path.join(args.dir, "report.json"), "w") as f:
            json.dump({"meta": meta, "rev": args.rev, "elapsed_s": args.elapsed, "rows": rows}, f, indent=1)
        sys.stdout.write(text)
        return
    rows = table(meta, samples, snaps, totals)
    md = ["# veth_rs vs veth, counted in instructions", ""] + markdown_table(meta, rows, args)
    rep = {"meta": meta, "rev": args.rev, "elapsed_s": args.elapsed, "rows": rows}
    if meta.get("profile"):
        pm, pr = profile(args.dir, snaps, totals, args.top)
        md += pm
        rep["profile"] = pr
    text = "\n".join(md) + "\n"
    with open(os.path.join(args.dir, "report.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.dir, "report.json"), "w") as f:
        json.dump(rep, f, indent=1)
    chart(args.dir, rows, meta)
    sys.stdout.write(text)


def chart(d, rows, meta):
    """report.png by gnuplot (bench/icount_chart.gp), if gnuplot is there."""
    dat = os.path.join(d, "report.dat")
    with open(dat, "w") as f:
        for r in rows:
            if r["work"] == "mem":
                continue

            def v(x):
                return "NaN" if x is None else f"{x:.4f}"

            f.write(f'"{r["work"]}" {v(r["insn_ratio"])} {v(r["ns_ratio"])}\n')
    gp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icount_chart.gp")
    title = f"veth_rs / veth counted in instructions, kernel {meta.get('kernel', '?')}"
    try:
        subprocess.run(
            ["gnuplot", "-e", f"datafile='{dat}'; outfile='{os.path.join(d, 'report.png')}'; charttitle='{title}'", gp],
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        print("gnuplot failed: no chart", file=sys.stderr)


if __name__ == "__main__":
    main()
