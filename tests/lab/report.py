#!/usr/bin/env python3
"""Turn the lab's traffic runs into the demo's table, results JSON and image.

  report.py table --lab DIR --runs-dir D --scenarios "S1 S2 ..." --json OUT.json --svg OUT.svg
      D/S/{ecmp.json,srv6-bpf.json} are tests/lab/traffic.py runs of scenario S
      and D/S/plan.json its plan (srv6-bpf -j plan). Prints the side-by-side table.
  report.py check --plan PLAN.json --run RUN.json [--min-share 0.8]
      what the kernel test asserts about a run with srv6-bpf: every fabric link
      carried as many flows as the plan put on it (so at most that many, and on
      the planned spines), and every flow reached MIN-SHARE of its fair share:
      the link rate over the plan's load on its busiest link (1 when the plan
      is collision-free, so the slowest flow reaches MIN-SHARE of the rate).
  report.py counts --lab DIR --run RUN.json
      that the counters measure flows: every flow between two leaves counted
      once on an uplink and once on a downlink (any run, ECMP too).
      Prints one line per problem; exit status 1 if there is one.

A link's flows are its bytes divided by one flow's bytes on the wire (all
bytes the hosts sent, over the number of flows), rounded: acknowledgements of
flows going the other way add a few percent, not a flow. Standard library only.
"""
import argparse
import json
import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svg  # noqa: E402  (tests/lab/svg.py)

RUNS = [("ecmp", "ECMP (the fabric hashes)"), ("srv6-bpf", "srv6-bpf (planned paths)")]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def planned_loads(plan):
    """{(from, to): flows} on the plan's links, by node name."""
    return {(ln["from"].split("/", 1)[1], ln["to"].split("/", 1)[1]): ln["load"]
            for ln in plan["links"]}


def analyse(run, plan=None):
    hosts_sent = sum(ln["bytes"] for ln in run["links"]
                     if ln["kind"] == "access" and ln["from"].startswith("host"))
    per_flow = hosts_sent / max(1, len(run["flows"]))
    planned = planned_loads(plan) if plan else {}
    links = []
    for ln in run["links"]:
        exact = ln["bytes"] / per_flow if per_flow else 0.0
        links.append(dict(ln, flows=int(round(exact)), flows_exact=round(exact, 3),
                          planned=planned.get((ln["from"], ln["to"]))))
    fabric = [ln for ln in links if ln["kind"] == "fabric"]
    busiest = max(fabric, key=lambda ln: (ln["flows"], ln["bytes"]))
    mbit = sorted(f["mbit"] for f in run["flows"])
    return {"links": links, "wire_bytes_per_flow": per_flow,
            "max_link_flows": busiest["flows"], "max_link_bytes": busiest["bytes"],
            "max_link": "%s>%s" % (busiest["from"], busiest["to"]),
            "links_over_one": sum(1 for ln in fabric if ln["flows"] > 1),
            "mbit_min": mbit[0], "mbit_median": statistics.median(mbit), "mbit_max": mbit[-1],
            "step_seconds": run["step_seconds"], "flows": run["flows"],
            "cpu_busy": run.get("cpu_busy"), "start_skew_seconds": run.get("start_skew_seconds"),
            "rate_mbit": run["rate_mbit"], "bytes_per_flow": run["bytes_per_flow"]}


def plan_problems(analysis, plan):
    """Fabric links whose measured flows differ from the plan's."""
    problems = []
    planned = planned_loads(plan)
    for ln in analysis["links"]:
        if ln["kind"] != "fabric":
            continue
        want = planned.get((ln["from"], ln["to"]), 0)
        if ln["flows"] > want:
            problems.append("%s>%s carried %d flow(s) (%.2f), the plan put %d there"
                            % (ln["from"], ln["to"], ln["flows"], ln["flows_exact"], want))
        elif ln["flows"] < want:
            problems.append("%s>%s carried %d flow(s) (%.2f), the plan put %d there: traffic "
                            "took other spines" % (ln["from"], ln["to"], ln["flows"],
                                                   ln["flows_exact"], want))
    return problems


def table(a):
    lab = load(os.path.join(a.lab, "lab.json"))
    scenarios = []
    for name in a.scenarios.split():
        d = os.path.join(a.runs_dir, name)
        plan = load(os.path.join(d, "plan.json"))
        sc = {"name": name, "plan": plan["summary"], "runs": {},
              "pairs": [[f["src"], f["dst"]] for f in load(os.path.join(d, "ecmp.json"))["flows"]]}
        for run, title in RUNS:
            r = analyse(load(os.path.join(d, run + ".json")), plan)
            r["title"] = title
            if run == "srv6-bpf":
                r["plan_problems"] = plan_problems(r, plan)
            sc["runs"][run] = r
        scenarios.append(sc)
    first = scenarios[0]["runs"]["ecmp"]
    size = "%.4g MB" % (first["bytes_per_flow"] / 1e6)
    results = {"lab": lab, "flow_size": size, "runs": [r for r, _ in RUNS],
               "scenarios": scenarios}
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(a.svg, "w", encoding="utf-8") as f:
        f.write(svg.render(results))

    rate = lab["rate_mbit"]
    print("%d hosts each send one TCP flow of %s at once; every link %d Mbit/s."
          % (len(lab["hosts"]), size, rate))
    print("max link load: flows on the busiest leaf-spine link (its MB); flow Mbit/s: "
          "slowest / median;")
    print("job step: seconds until the last flow finished (its ideal: %.2f s at %d Mbit/s)."
          % (first["bytes_per_flow"] * 8 / rate / 1e6, rate))
    print()
    hdr = "%-10s | %-13s %-13s | %-13s %-13s | %-7s %-8s %-7s" % (
        "", "max link load", "", "flow Mbit/s", "", "job step", "", "")
    print(hdr)
    print("%-10s | %-13s %-13s | %-13s %-13s | %-7s %-8s %-7s" % (
        "scenario", "ECMP", "srv6-bpf", "ECMP", "srv6-bpf", "ECMP", "srv6-bpf", "speedup"))
    print("-" * len(hdr))
    speedups = []
    for sc in scenarios:
        e, s = sc["runs"]["ecmp"], sc["runs"]["srv6-bpf"]
        speedups.append(e["step_seconds"] / s["step_seconds"])
        print("%-10s | %-13s %-13s | %-13s %-13s | %-7s %-8s %-7s" % (
            sc["name"],
            "%d (%.0f MB)" % (e["max_link_flows"], e["max_link_bytes"] / 1e6),
            "%d (%.0f MB)" % (s["max_link_flows"], s["max_link_bytes"] / 1e6),
            "%.0f / %.0f" % (e["mbit_min"], e["mbit_median"]),
            "%.0f / %.0f" % (s["mbit_min"], s["mbit_median"]),
            "%.2f s" % e["step_seconds"], "%.2f s" % s["step_seconds"],
            "%.2fx" % speedups[-1]))
    print("-" * len(hdr))
    print("job step with srv6-bpf: %.2fx faster on average (%.2fx to %.2fx)"
          % (statistics.mean(speedups), min(speedups), max(speedups)))
    print("ECMP's busiest link: %s flows (the planner's simulation of ECMP hashing expects "
          "%s on average)" % (", ".join(str(sc["runs"]["ecmp"]["max_link_flows"]) for sc in scenarios),
                              ", ".join("%.2f" % sc["plan"]["ecmp_max_load"] for sc in scenarios)))
    print("the plan's max link load: %s (lower bound %s)"
          % (", ".join(str(sc["plan"]["max_load"]) for sc in scenarios),
             ", ".join(str(sc["plan"]["lower_bound"]) for sc in scenarios)))
    bad = [(sc["name"], p) for sc in scenarios for p in sc["runs"]["srv6-bpf"]["plan_problems"]]
    if bad:
        for name, p in bad:
            print("NOT AS PLANNED: %s: %s" % (name, p))
    else:
        print("srv6-bpf runs: every leaf-spine link carried exactly the flows the plan put on it.")
    busy = max((sc["runs"][r]["cpu_busy"] or 0) for sc in scenarios for r, _ in RUNS)
    if busy > 0.9:
        print("note: the machine's CPUs were up to %.0f%% busy (all processes) during the runs; "
              "flows well below the link rate may have been CPU-bound" % (busy * 100))
    return 0


def check(a):
    plan = load(a.plan)
    run = load(a.run)
    r = analyse(run, plan)
    problems = plan_problems(r, plan)
    # A flow's fair share: the rate over the most flows the plan put on one of
    # its path's links (the whole rate when the plan is collision-free).
    planned = planned_loads(plan)
    share = {}
    for f in plan["flows"]:
        most = max([planned.get((x.split("/", 1)[1], y.split("/", 1)[1]), 1)
                    for p in f["paths"] for x, y in zip(p["vertices"], p["vertices"][1:])] or [1])
        share[(f["src"].split("/", 1)[1], f["dst"].split("/", 1)[1])] = max(1, most)
    for f in r["flows"]:
        k = share.get((f["src"], f["dst"]), 1)
        if f["mbit"] < a.min_share * r["rate_mbit"] / k:
            problems.append("flow %s>%s ran at %.1f Mbit/s, under %.2f x %d Mbit/s%s"
                            % (f["src"], f["dst"], f["mbit"], a.min_share, r["rate_mbit"],
                               " / %d (its path's planned load)" % k if k > 1 else ""))
    for p in problems:
        print(p)
    print("links: %s" % " ".join("%s>%s=%d/%s" % (ln["from"], ln["to"], ln["flows"], ln["planned"])
                                 for ln in r["links"] if ln["kind"] == "fabric"
                                 and (ln["flows"] or ln["planned"])))
    print("flows: slowest %.1f Mbit/s, median %.1f, step %.2f s, cpu busy %.0f%%"
          % (r["mbit_min"], r["mbit_median"], r["step_seconds"], 100 * (r["cpu_busy"] or 0)))
    return 1 if problems else 0


def counts(a):
    """Every cross-leaf flow counted once on an uplink and once on a downlink."""
    lab = load(os.path.join(a.lab, "lab.json"))
    leaf = {h["name"]: h["leaf"] for h in lab["hosts"]}
    r = analyse(load(a.run))
    cross = sum(1 for f in r["flows"] if leaf[f["src"]] != leaf[f["dst"]])
    fabric = [ln for ln in r["links"] if ln["kind"] == "fabric"]
    leaves = {x["name"] for x in lab["routers"] if x["role"] == "leaf"}
    up = sum(ln["flows"] for ln in fabric if ln["from"] in leaves)
    down = sum(ln["flows"] for ln in fabric if ln["to"] in leaves)
    print("%d cross-leaf flows; counted %d on uplinks, %d on downlinks" % (cross, up, down))
    return 0 if up == down == cross else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("table")
    t.add_argument("--lab", required=True)
    t.add_argument("--runs-dir", required=True)
    t.add_argument("--scenarios", required=True)
    t.add_argument("--json", required=True)
    t.add_argument("--svg", required=True)
    c = sub.add_parser("check")
    c.add_argument("--plan", required=True)
    c.add_argument("--run", required=True)
    c.add_argument("--min-share", type=float, default=0.8)
    n = sub.add_parser("counts")
    n.add_argument("--lab", required=True)
    n.add_argument("--run", required=True)
    a = ap.parse_args()
    return {"table": table, "check": check, "counts": counts}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
