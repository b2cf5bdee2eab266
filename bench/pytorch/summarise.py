#!/usr/bin/env python3
"""The pytorch section's table and result.json from its runs.

  summarise.py --runs DIR --lab LAB_DIR --out result.json [--quick]

DIR/<n>/ is one job run (bench/pytorch/run.sh): meta.json (mode, seed, hosts),
rank0.json (tests/lab/pytorch/job.py: every step's all_reduce time, the slowest
rank's), before.json and after.json (tests/lab/pytorch/counters.py snapshots around
the timed steps). Prints the table on stdout. Standard library only.
"""
import argparse
import json
import os
import statistics

MODES = ("ecmp", "srv6-bpf")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def busiest_fabric_link(lab, before, after):
    """(bytes, "from>to") of the fabric link that carried the most."""
    best = (0, "")
    for ln in lab["links"]:
        if ln["kind"] != "fabric":
            continue
        for frm, to in ((ln["a"], ln["b"]), (ln["b"], ln["a"])):
            n = after["routers"][frm][to]["tx_bytes"] - before["routers"][frm][to]["tx_bytes"]
            best = max(best, (n, "%s>%s" % (frm, to)))
    return best


def encapsulated(before, after):
    """Bytes srv6-bpf encapsulated on all hosts between the snapshots."""
    def total(snap):
        return sum(p["bytes"] for h in snap["hosts"].values() for r in h["routes"]
                   for p in r["paths"])
    return total(after) - total(before)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", required=True)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    lab = load(os.path.join(a.lab, "lab.json"))
    runs = []
    for name in sorted(os.listdir(a.runs), key=int):
        d = os.path.join(a.runs, name)
        meta, job = load(os.path.join(d, "meta.json")), load(os.path.join(d, "rank0.json"))
        before, after = load(os.path.join(d, "before.json")), load(os.path.join(d, "after.json"))
        link_bytes, link = busiest_fabric_link(lab, before, after)
        steps = job["all_reduce_seconds"]
        runs.append(dict(meta, steps=steps, median=statistics.median(steps),
                         warmup=job["warmup_seconds"], busiest_link=link,
                         busiest_link_bytes=link_bytes,
                         encapsulated_bytes=encapsulated(before, after),
                         all_reduce_bytes=job["all_reduce_bytes"], world=job["world"]))
    by_mode = {m: [r for r in runs if r["mode"] == m] for m in MODES}
    medians = {m: statistics.median(r["median"] for r in by_mode[m]) for m in MODES}
    speedup = medians["ecmp"] / medians["srv6-bpf"]
    seeds = sorted({r["seed"] for r in runs})
    per_seed = []
    for s in seeds:
        e = [r["median"] for r in by_mode["ecmp"] if r["seed"] == s]
        v = [r["median"] for r in by_mode["srv6-bpf"] if r["seed"] == s]
        if e and v:
            per_seed.append(statistics.median(e) / statistics.median(v))

    first = runs[0]
    size = first["all_reduce_bytes"]
    world = first["world"]
    ideal = 2.0 * (world - 1) / world * size * 8 / (lab["rate_mbit"] * 1e6)
    print("gloo all_reduce of %.0f MB over %d ranks (one per host), %d spines x %d leaves, "
          "every link %d Mbit/s;" % (size / 1e6, world, lab["spines"], lab["leaves"],
                                     lab["rate_mbit"]))
    print("step: all_reduce time (slowest rank), median of %d steps after %d warm-up; "
          "ideal at line rate %.2f s." % (len(first["steps"]), len(first["warmup"]), ideal))
    rounds = len(first["steps"]) + len(first["warmup"])
    print("busiest link: bytes on the busiest leaf-spine link over all %d steps (one flow: "
          "%.1f MB). Each run is a new job:" % (rounds, rounds * 2.0 * (world - 1) / world
                                                * size / 1e6))
    print("new connections, which the leaves hash anew. Runs interleaved; placement: "
          "hosts in rank order (random.Random(seed)).")
    print()
    hdr = "%-4s %-9s %-5s %-8s %-30s %-12s %s" % ("run", "mode", "seed", "step", "steps (s)",
                                                  "busiest link", "placement (rank order)")
    print(hdr)
    print("-" * len(hdr))
    for i, r in enumerate(runs, 1):
        print("%-4d %-9s %-5s %-8s %-30s %-12s %s" % (
            i, r["mode"], r["seed"], "%.2f s" % r["median"],
            " ".join("%.2f" % x for x in r["steps"]),
            "%.1f MB" % (r["busiest_link_bytes"] / 1e6),
            " ".join(h.replace("host", "") for h in r["hosts"])))
    print("-" * len(hdr))
    for m in MODES:
        print("%-9s median step %.2f s (runs: %s)" % (
            m, medians[m], ", ".join("%.2f" % r["median"] for r in by_mode[m])))
    print("srv6-bpf speedup (ECMP median / srv6-bpf median): %.2fx; per placement: %s"
          % (speedup, ", ".join("%.2fx" % x for x in per_seed)))

    result = {
        "title": "PyTorch gloo all_reduce step time in the leaf-spine lab: ECMP vs srv6-bpf",
        "targets": [{"metric": "all_reduce step speedup with srv6-bpf (ECMP median / "
                               "srv6-bpf median)",
                     "value": round(speedup, 3), "unit": "x", "target": "> 1",
                     "met": None if a.quick else speedup > 1}],
        "method": "one gloo job per run (tests/lab/pytorch/job.py), one rank per host; "
                  "ECMP: plain init_process_group, no srv6-bpf peers; srv6-bpf: "
                  "SRv6Plugin.init_process_group; same placements (seeds), interleaved",
        "lab": {k: lab[k] for k in ("spines", "leaves", "hosts_per_leaf", "rate_mbit", "mtu")},
        "all_reduce_bytes": size, "world": world, "ideal_step_seconds": ideal,
        "median_step_seconds": medians, "speedup": speedup, "speedup_per_seed": per_seed,
        "runs": runs,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
