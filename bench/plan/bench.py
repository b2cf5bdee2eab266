#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Planner benchmark: srv6-bpf plan on generated fabrics, against ECMP and Jalapeño-load.

For each fabric (leaf x spine 8x8, 16x16, 32x32, 64x32 with hosts per leaf =
spines; a k=8 fat-tree), each variant (as built, one failed spine link, 2:1
oversubscription) and each pattern (random permutations, rings over a random
rank placement, all-to-all) it runs `srv6-bpf -j plan --summary` once per
input and records the plan's max link load, the lower bound, ECMP's simulated
max load (mean of 8 hash seeds), Jalapeño-load's emulated max load, the flow
count, wall and CPU time and peak memory (max RSS) of the process. Then two
target rows: 16,384 random flows, and a 1,024-host all-to-all.

  bench.py --bin build/srv6-bpf --out DIR [--quick]

Prints the table (markdown) on stdout, progress on stderr; writes DIR/plan.md
(the table) and DIR/result.json as bench/README.md asks: {"title", "targets"
(16,384 flows < 0.1 s, 1,024-host all-to-all < 5 s: the planner's own time,
reading the topology plus planning, from --timing), "rows" (one object per
table row)}. "topology+plan ms" is that planner time; "baselines ms" the ECMP
and Jalapeño-load simulations the summary also reports; the process columns
include start-up, the baselines and printing. --quick: the 8x8 and 16x16
leaf-spines and the fat-tree only. Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "tests", "jalapeno", "gen_fabric.py")  # the one generator
PERM_SEEDS = (1, 2, 3)
RING_SEED = 7


def fabrics(quick):
    sizes = [(8, 8), (16, 16), (32, 32), (64, 32)]
    if quick:
        sizes = sizes[:2]
    out = []
    for leaves, spines in sizes:
        base = ["leaf-spine", str(leaves), str(spines)]
        name = "leaf-spine %dx%d" % (leaves, spines)
        out.append((name, "non-blocking", base + ["--hosts-per-leaf", str(spines)]))
        out.append((name, "1 spine link down", base + ["--hosts-per-leaf", str(spines),
                                                       "--fail-links", "1"]))
        out.append((name, "2:1 oversubscribed", base + ["--hosts-per-leaf", str(2 * spines)]))
    out.append(("fat-tree k=8", "non-blocking", ["fat-tree", "8"]))
    out.append(("fat-tree k=8", "1 core link down", ["fat-tree", "8", "--fail-links", "1"]))
    out.append(("fat-tree k=8", "2:1 oversubscribed", ["fat-tree", "8", "--hosts-per-edge", "8"]))
    return out


def generate(tmp, tag, gen_args, extra):
    """Topology, hosts file and pairs file for one fabric; returns their paths."""
    base = os.path.join(tmp, tag)
    files = {"topology": base + ".json", "hosts": base + ".hosts", "pairs": base + ".pairs"}
    cmd = [sys.executable, GEN] + gen_args + ["--topology", files["topology"],
                                              "--hosts-file", files["hosts"],
                                              "--pairs", files["pairs"]] + extra
    subprocess.run(cmd, check=True)
    return files


def run_plan(binary, args):
    """Run srv6-bpf -j plan ARGS --summary --timing: the summary, wall s, CPU s,
    max RSS MiB and the tool's own timing line (ms by phase)."""
    cmd = [binary, "-j", "plan"] + args + ["--summary", "--timing"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit("%s: %s" % (" ".join(cmd), err.decode(errors="replace").strip()))
    summary = json.loads(out)["summary"]
    # "timing: topology 11.6 ms, plan 2.7 ms, baselines 5.1 ms, output 0.7 ms"
    line = [l for l in err.decode().splitlines() if l.startswith("timing: ")][-1]
    phases = {}
    for part in line[len("timing: "):].split(", "):
        name, value, _ = part.rsplit(" ", 2)
        phases[name] = float(value)
    return summary, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, phases


def measure(binary, fabric, variant, pattern, runs):
    """Run each argument list; report the mean loads and the worst time/memory."""
    res = [run_plan(binary, a) for a in runs]
    s = [r[0] for r in res]

    def mean(key):
        return round(statistics.mean(x[key] for x in s), 3)
    return {
        "fabric": fabric, "variant": variant, "pattern": pattern, "runs": len(runs),
        "hosts": s[0]["hosts"], "flows": s[0]["flows"], "method": s[0]["method"],
        "max_load": mean("max_load"), "lower_bound": mean("lower_bound"),
        "ecmp_max_load": mean("ecmp_max_load"),
        "jalapeno_load_max_load": mean("jalapeno_load_max_load"),
        "at_lower_bound": sum(x["max_load"] <= x["lower_bound"] for x in s),
        "wall_s": round(max(r[1] for r in res), 3), "cpu_s": round(max(r[2] for r in res), 3),
        "max_rss_mib": round(max(r[3] for r in res), 1),
        "topology_ms": round(max(r[4]["topology"] for r in res), 1),
        "plan_ms": round(max(r[4]["plan"] for r in res), 1),
        "baselines_ms": round(max(r[4]["baselines"] for r in res), 1),
    }


def table(rows):
    head = ["fabric", "variant", "pattern", "hosts", "flows", "plan", "bound", "ECMP",
            "Jalapeño", "method", "topology+plan ms", "baselines ms", "process wall s",
            "CPU s", "RSS MiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        pattern = r["pattern"] + (" (mean of %d)" % r["runs"] if r["runs"] > 1 else "")
        lines.append("| " + " | ".join(str(x) for x in [
            r["fabric"], r["variant"], pattern, r["hosts"], r["flows"],
            "%g" % r["max_load"], "%g" % r["lower_bound"], "%g" % r["ecmp_max_load"],
            "%g" % r["jalapeno_load_max_load"], r["method"],
            "%.1f" % (r["topology_ms"] + r["plan_ms"]), "%.1f" % r["baselines_ms"],
            "%.3f" % r["wall_s"], "%.3f" % r["cpu_s"], "%.1f" % r["max_rss_mib"]]) + " |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="small fabrics only")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="srv6-plan-bench.") as tmp:
        for i, (fabric, variant, gen_args) in enumerate(fabrics(a.quick)):
            f = generate(tmp, "f%d" % i, gen_args, ["--rank-seed", str(RING_SEED)])
            common = ["--topology-file", f["topology"], "--hosts-file", f["hosts"]]
            perms = []
            for seed in PERM_SEEDS:
                p = generate(tmp, "f%d-p%d" % (i, seed), gen_args, ["--pairs-seed", str(seed)])
                perms.append(common + ["--pairs", p["pairs"]])
            for pattern, runs in (("permutation", perms),
                                  ("ring", [common + ["--pattern", "ring"]]),
                                  ("all-to-all", [common + ["--pattern", "all-to-all"]])):
                row = measure(a.bin, fabric, variant, pattern, runs)
                rows.append(row)
                print("%-18s %-20s %-12s flows %8d  plan %-6g bound %-6g ECMP %-7g Jalapeño %-6g"
                      "  planner %.0f ms, process %.2fs (CPU %.2fs) %.0f MiB" % (
                          fabric, variant, pattern, row["flows"], row["max_load"],
                          row["lower_bound"], row["ecmp_max_load"],
                          row["jalapeno_load_max_load"], row["topology_ms"] + row["plan_ms"],
                          row["wall_s"], row["cpu_s"], row["max_rss_mib"]),
                      file=sys.stderr, flush=True)
        # The targets: 16,384 flows, and a 1,024-host all-to-all.
        t = generate(tmp, "t16k", ["leaf-spine", "16", "16"], ["--random-pairs", "16384"])
        rows.append(measure(a.bin, "leaf-spine 16x16", "target: 16,384 flows", "random pairs",
                            [["--topology-file", t["topology"], "--hosts-file", t["hosts"],
                              "--pairs", t["pairs"]]]))
        if not a.quick:
            t = generate(tmp, "t1k", ["leaf-spine", "32", "32"], [])
            rows.append(measure(a.bin, "leaf-spine 32x32", "target: 1,024-host all-to-all",
                                "all-to-all", [["--topology-file", t["topology"],
                                                "--hosts-file", t["hosts"]]]))
    md = table(rows)
    with open(os.path.join(a.out, "plan.md"), "w") as out:
        out.write(md)
    targets = []
    for row, limit in ((r, l) for r in rows for t, l in (
            ("target: 16,384 flows", 0.1), ("target: 1,024-host all-to-all", 5.0))
            if r["variant"] == t):
        planner = (row["topology_ms"] + row["plan_ms"]) / 1e3
        targets.append({"metric": "planner time (topology + plan), %s (whole process: %.3f s "
                                  "wall, %.3f s CPU, %.0f MiB)" % (
                            row["variant"][8:], row["wall_s"], row["cpu_s"], row["max_rss_mib"]),
                        "value": round(planner, 4), "unit": "s", "target": "< %g" % limit,
                        "met": None if a.quick else planner < limit})
    result = {"title": "srv6-bpf plan: max link load vs lower bound, ECMP and Jalapeño-load",
              "targets": targets, "rows": rows,
              "method": "one process per input (srv6-bpf -j plan --summary); loads are the mean "
                        "over the inputs of a row, times and memory the worst; ECMP is the mean "
                        "over 8 hash seeds"}
    with open(os.path.join(a.out, "result.json"), "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)
        out.write("\n")
    sys.stdout.write(md)


if __name__ == "__main__":
    main()
