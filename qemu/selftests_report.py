#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the runs of `make selftests` (qemu/selftests-guest.sh's OUTDIR).

Each script's output is cut into its subtests: the `TEST: name [ OK ]`
lines of net/lib.sh and forwarding/lib.sh, KTAP `ok N name` / `not ok N
name`, `name: [PASS]` lines, and `name   ok` / `name   fail ...` lines (a
padded name, then the verdict, as veth.sh and the udpgro scripts print),
and `PASS: what` / `FAIL: what` / `SKIP: what` / `ERROR: what` lines
(netfilter/'s scripts). Subtests are matched by name with every run of
digits taken as one (`#`) and net/lib.sh's random namespace suffixes
(`ns1-AbC12x`) as `*`: counts, ports and durations in a name
(mptcp's `(duration 123ms)`) differ from run to run.
Two runs are identical when they give the same subtests, in the same
order, with the same verdicts, and the same kind of exit (pass, fail or
skip). When both runs were cut by the bound and
agree on every subtest both reached (at the same point or not), the
script is "not settled": no difference seen, the rest unseen, to be run
again with a longer bound; counted apart, not as identical. Prints a
Markdown table and the differences, writes them to OUTDIR/report.md
too, and exits 1 on a difference or a kernel splat.

    qemu/selftests_report.py OUTDIR
"""

import os
import re
import sys

VERDICT = {
    "ok": "ok", "pass": "ok", "fail": "fail", "failed": "fail", "not ok": "fail",
    "skip": "skip", "xfail": "xfail", "todo": "skip",
}
TEST_RE = re.compile(r"TEST:\s*(.*?)\s*\[\s*(OK|FAIL|SKIP|XFAIL|PASS)\s*\]")
KTAP_RE = re.compile(r"^\s*(not ok|ok)\s+\d+\s+(?:-\s+)?(.*?)(?:\s+#\s*(SKIP|XFAIL|TODO)\b.*)?$")
BRACKET_RE = re.compile(r"^(.*?\S)\s*:?\s*\[\s*(PASS|FAIL\w*|OK|SKIP)\s*\]\s*$")
PADDED_RE = re.compile(r"^(\s*\S.*?\S)(\s+)(ok|fail|failed|skip)\b(.*)$")
PREFIX_RE = re.compile(r"^\s*(PASS|FAIL|SKIP|ERROR)\s*[:!]\s*(.*)$")
# A namespace's name with mktemp's random suffix: net/lib.sh's setup_ns
# makes `${var,,}-XXXXXX` (six random characters), other scripts
# `server-XXXXXXXX` (eight). An ordinary hyphenated word of that length
# ("ipv4-inside") is masked too, under both drivers alike: that can only
# merge two names at the same place in both runs, never make a difference.
NS_SUFFIX_RE = re.compile(r"\b([A-Za-z][A-Za-z0-9_]*)-(?:[A-Za-z0-9]{8}|[A-Za-z0-9]{6})\b")
PREFIX_VERDICT = {"PASS": "ok", "FAIL": "fail", "ERROR": "fail", "SKIP": "skip"}


def key(name):
    """A subtest's name as compared: blanks collapsed, the random suffix
    of a namespace's name as `*`, digits as #."""
    name = NS_SUFFIX_RE.sub(r"\1-*", " ".join(name.split()))
    return re.sub(r"\d+", "#", name)


def subtests(text):
    """The (name, verdict, line) of each result line of a script's output."""
    out = []
    for line in text.splitlines():
        line = line.rstrip()
        m = TEST_RE.search(line)
        if m:
            out.append((key(m.group(1)), VERDICT[m.group(2).lower()], line))
            continue
        m = KTAP_RE.match(line)
        if m and not line.lstrip().startswith("#"):
            v = VERDICT[(m.group(3) or m.group(1)).lower()]
            out.append((key(m.group(2)), v, line))
            continue
        m = BRACKET_RE.match(line)
        if m:
            v = m.group(2).lower()
            v = "fail" if v.startswith("fail") else VERDICT[v]
            out.append((key(m.group(1)), v, line))
            continue
        m = PREFIX_RE.match(line)
        if m:
            out.append((key(m.group(2)), PREFIX_VERDICT[m.group(1)], line))
            continue
        # A padded name: printf "%-40s" and the like, so the verdict
        # starts at column 30 or later; not a KTAP diagnostic line (a
        # Python traceback's "# Exception|  ...(fail=fail, ...").
        m = None if line.lstrip().startswith("#") else PADDED_RE.match(line)
        if m and len(m.group(1)) + len(m.group(2)) >= 30:
            out.append((key(m.group(1)), VERDICT[m.group(3)], line))
    return out


def exit_kind(rc, note):
    if "timeout" in note:
        return "timeout"
    return {0: "pass", 4: "skip", -1: "not run"}.get(rc, "fail")


def skip_reason(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if re.search(r"\bSKIP\b|skip|not found|[Cc]ould not|[Nn]eeds?|require", l):
            return l[:100]
    return lines[-1][:100] if lines else "no output"


def summary(sub, rc, note, text):
    kind = exit_kind(rc, note)
    counts = {}
    for _, v, _ in sub:
        counts[v] = counts.get(v, 0) + 1
    parts = [f"{counts[v]} {v}" for v in ("ok", "fail", "skip", "xfail") if v in counts]
    s = ", ".join(parts) if parts else "no result lines"
    if kind == "skip" and not sub:
        return "SKIP: " + skip_reason(text)
    if kind == "not run":
        return "not run: " + note
    return f"{s}; exit {rc}" + (f" ({note})" if note else "")


def main():
    outdir = sys.argv[1]
    runs = {}
    order = []
    for line in open(os.path.join(outdir, "results.tsv")):
        f = line.rstrip("\n").split("\t")
        if len(f) < 6:
            continue
        drv, script, rc, secs, splats, note = f[0], f[1], int(f[2]), int(f[3]), int(f[4]), f[5]
        if script not in runs:
            runs[script] = {}
            order.append(script)
        path = os.path.join(outdir, drv, script.replace("/", "_") + ".log")
        text = open(path, errors="replace").read() if os.path.exists(path) else ""
        runs[script][drv] = dict(rc=rc, secs=secs, splats=splats, note=note, text=text, sub=subtests(text))

    rows, diffs = [], []
    n_ident = n_diff = n_skip = n_splat = n_open = 0
    for script in order:
        r = runs[script]
        a, b = r.get("veth"), r.get("veth_rs")
        cells = []
        for x in (a, b):
            cells.append(summary(x["sub"], x["rc"], x["note"], x["text"]) if x else "not run")
        nsub = len(a["sub"]) if a else 0
        if b and a and len(b["sub"]) != nsub:
            nsub = f"{nsub}/{len(b['sub'])}"
        splats = sum(x["splats"] for x in (a, b) if x)
        if a and b:
            sa = [(n, v) for n, v, _ in a["sub"]]
            sb = [(n, v) for n, v, _ in b["sub"]]
            ka, kb = exit_kind(a["rc"], a["note"]), exit_kind(b["rc"], b["note"])
            if ka == kb == "skip" and not sa and not sb:
                ident = "skipped"
                n_skip += 1
            elif sa == sb and ka == kb != "timeout":
                ident = "yes"
                n_ident += 1
            elif ka == kb == "timeout" and sa[:len(sb)] == sb[:len(sa)]:
                # Both cut by the bound, at the same point or not, every
                # subtest both reached alike: no difference seen, and the
                # rest not seen at all.
                ident = f"not settled (both timed out; alike as far as both got, {min(len(sa), len(sb))})"
                n_open += 1
            else:
                ident = "**NO**"
                n_diff += 1
                d = [f"### {script}", f"veth: {cells[0]}; veth_rs: {cells[1]}", "```"]
                for i in range(max(len(a["sub"]), len(b["sub"]))):
                    xa = a["sub"][i] if i < len(a["sub"]) else None
                    xb = b["sub"][i] if i < len(b["sub"]) else None
                    if xa and xb and xa[:2] == xb[:2]:
                        continue
                    d.append(f"veth:    {xa[2].strip() if xa else '(none)'}")
                    d.append(f"veth_rs: {xb[2].strip() if xb else '(none)'}")
                if ka != kb:
                    d.append(f"exit: veth {a['rc']} ({ka}), veth_rs {b['rc']} ({kb})")
                d.append("```")
                diffs.append("\n".join(d))
        else:
            ident = "n/a"
        if splats:
            n_splat += 1
            ident += f", {splats} splat lines"
        t = "/".join(str(x["secs"]) for x in (a, b) if x)
        rows.append(f"| {script} | {nsub} | {cells[0]} | {cells[1]} | {ident} | {t} |")

    skipped = os.path.join(outdir, "skipped.tsv")
    listed = []
    if os.path.exists(skipped):
        for line in open(skipped):
            s, why = line.rstrip("\n").split("\t", 1)
            listed.append(f"| {s} | - | not run | not run | skipped ({why}) | - |")

    out = ["| script | subtests | veth | veth_rs | identical? | time veth/veth_rs (s) |",
           "|---|---|---|---|---|---|"] + rows + listed
    total = sum(x["secs"] for r in runs.values() for x in r.values())
    out.append("")
    out.append(f"{len(order)} scripts run: {n_ident} identical, {n_diff} different, "
               f"{n_open} not settled by the bound (a longer SELFTESTS_TIMEOUT), "
               f"{n_skip} skipped by the script itself (both drivers), {len(listed)} not run (listed); "
               f"{n_splat} with kernel splats; {total} s of script time.")
    if diffs:
        out.append("")
        out.append("## Differences")
        out.extend(diffs)
    text = "\n".join(out) + "\n"
    open(os.path.join(outdir, "report.md"), "w").write(text)
    sys.stdout.write(text)
    return 1 if n_diff or n_splat else 0


if __name__ == "__main__":
    sys.exit(main())
