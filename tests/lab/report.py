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
  report.py failover-link --lab DIR --plan PLAN.json --run RUN.json --before B.json
                          --after A.json --out LINK.json
      which planned path each flow of RUN took (the sender's path whose bytes
      grew from route snapshot B to A, tests/lab/lablib.sh lab_routes_json),
      and the link to fail: the spine's link to the destination leaf on the
      first leaf-crossing flow's path. Writes LINK.json, prints "SPINE IFACE".
  report.py failover --lab DIR --dir D --json RESULTS.json
      the failover scenario's table from D (tests/lab/demo.sh): LINK.json as
      link.json, the runs with the link failing (ecmp, srv6-bpf,
      srv6-bpf-probe .json), the same without failure (-ref.json), route
      snapshots around the planned runs (routes-RUN-before/after.json); adds
      the key "failover" to RESULTS.json.

A link's flows are its bytes divided by one flow's bytes on the wire (all
bytes the hosts sent, over the number of flows), rounded: acknowledgements of
flows going the other way add a few percent, not a flow. Standard library only.
"""
import argparse
import ipaddress
import json
import os
import statistics
import sys
import textwrap

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


# --- the failover scenario ---------------------------------------------------

FAILOVER_RUNS = [("ecmp", "ECMP (static routes)"),
                 ("srv6-bpf", "srv6-bpf, no probing"),
                 ("srv6-bpf-probe", "srv6-bpf, probing")]


def plural(n):
    return "" if n == 1 else "s"


def node(vertex):
    return vertex.split("/", 1)[1]


def flow_name(f):
    return "%s>%s" % (f["src"], f["dst"])


def segs_key(segs):
    """A path's SIDs, written one way (the plan and route show may differ)."""
    return tuple(str(ipaddress.IPv6Address(x)) for x in segs)


def path_deltas(before, after, host, peer):
    """{segs_key: bytes} a host's paths to peer carried between two snapshots."""
    def paths(snap):
        for r in snap.get(host, []):
            if r["peer"] == peer:
                return {segs_key(p["segs"]): p["bytes"] or 0 for p in r["paths"]}
        return {}
    b = paths(before)
    return {segs: n - b.get(segs, 0) for segs, n in paths(after).items()}


def failover_link(a):
    lab = load(os.path.join(a.lab, "lab.json"))
    plan, run = load(a.plan), load(a.run)
    before, after = load(a.before), load(a.after)
    addr = {h["name"]: h["ipv6"] for h in lab["hosts"]}
    flows = []
    for f in run["flows"]:
        pf = [x for x in plan["flows"] if node(x["src"]) == f["src"] and node(x["dst"]) == f["dst"]]
        if not pf or not pf[0]["paths"]:
            sys.exit("report.py: the plan has no paths for %s" % flow_name(f))
        got = path_deltas(before, after, f["src"], addr[f["dst"]])
        i, p = max(enumerate(pf[0]["paths"]), key=lambda ip: got.get(segs_key(ip[1]["segs"]), 0))
        if got.get(segs_key(p["segs"]), 0) < f["bytes"]:
            sys.exit("report.py: %s: no path of the plan carried its %d bytes (%s)"
                     % (flow_name(f), f["bytes"], got))
        flows.append({"src": f["src"], "dst": f["dst"], "path": i, "paths": len(pf[0]["paths"]),
                      "vertices": [node(v) for v in p["vertices"]]})
    spines = {r["name"] for r in lab["routers"] if r["role"] == "spine"}
    first = next((f for f in flows if len(set(f["vertices"]) & spines) == 1), None)
    if first is None:
        sys.exit("report.py: no flow crosses a spine")
    v = first["vertices"]
    k = next(i for i, x in enumerate(v) if x in spines)
    spine, leaf = v[k], v[k + 1]
    ln = next(x for x in lab["links"] if {x["a"], x["b"]} == {spine, leaf})
    iface = ln["a_if"] if ln["a"] == spine else ln["b_if"]
    ends = {spine, leaf}
    crossing = [flow_name(f) for f in flows
                if any({x, y} == ends for x, y in zip(f["vertices"], f["vertices"][1:]))]
    doc = {"node": spine, "iface": iface, "link": [spine, leaf], "flow": flow_name(first),
           "path": first["path"], "vertices": first["vertices"], "flows": flows,
           "crossing": crossing}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(spine, iface)
    return 0


def route_changes(lab, before, after):
    """Paths down after a run and the packets that failed over during it."""
    name = {h["ipv6"]: h["name"] for h in lab["hosts"]}
    down, moved = [], 0
    for host, routes in sorted(after.items()):
        for r in routes:
            for i, p in enumerate(r["paths"]):
                if p.get("state") == "down":
                    down.append("%s>%s path %d" % (host, name.get(r["peer"], r["peer"]), i))
                b = [q for x in before.get(host, []) if x["peer"] == r["peer"]
                     for q in x["paths"] if segs_key(q["segs"]) == segs_key(p["segs"])]
                moved += (p.get("failover_packets") or 0) - (
                    (b[0].get("failover_packets") or 0) if b else 0)
    return down, moved


def usids(segs):
    """The 16-bit micro-SIDs of a SID list (block fc00:0::/32), in order."""
    out = []
    for seg in segs:
        groups = ipaddress.IPv6Address(seg).exploded.split(":")[2:]
        out += [g.lstrip("0") or "0" for g in groups if int(g, 16)]
    return out


def probe_downs(path, lab, link):
    """Path-down events in a prober log (tests/lab/lablib.sh _lab_probe_since):
    (on paths across the dead link, on the others), or None without a log."""
    if not os.path.exists(path):
        return None
    ids = {r["name"]: r["node_id"].lstrip("0") for r in lab["routers"]}
    dead = {ids[link["link"][0]], ids[link["link"][1]]}
    across = other = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "event=path-down" not in line:
                continue
            segs = line.split(" segs=", 1)[1].split()[0].split(",")
            u = usids(segs)
            if any({x, y} == dead for x, y in zip(u, u[1:])):
                across += 1
            else:
                other += 1
    return across, other


def failover(a):
    lab = load(os.path.join(a.lab, "lab.json"))
    link = load(os.path.join(a.dir, "link.json"))
    meta = load(os.path.join(a.dir, "meta.json"))
    runs = {}
    for run, title in FAILOVER_RUNS:
        r = load(os.path.join(a.dir, run + ".json"))
        ref = load(os.path.join(a.dir, run + "-ref.json"))
        done = [f for f in r["flows"] if not f["stalled"]]
        stalled = [f for f in r["flows"] if f["stalled"]]
        out = {"title": title, "step_seconds": r["step_seconds"],
               "stalled_flows": len(stalled), "flows": len(r["flows"]),
               "stalled": [{"flow": flow_name(f), "delivered_bytes": f["delivered_bytes"],
                            "last_byte_seconds": f.get("last_byte_seconds")} for f in stalled],
               "slowest_mbit": min(f["mbit"] for f in done) if done else None,
               # traffic.py marks: the link began to die, it was dead both ways
               "link_dying_at_seconds": r["marks_seconds"][0] if r["marks_seconds"] else None,
               "link_dead_at_seconds": r["marks_seconds"][-1] if r["marks_seconds"] else None,
               "deadline_seconds": r["deadline_seconds"], "cpu_busy": r["cpu_busy"],
               "reference_step_seconds": ref["step_seconds"],
               "reference_slowest_mbit": min(f["mbit"] for f in ref["flows"])}
        for key, name in (("path_down_events", run), ("reference_path_down_events", run + "-ref")):
            downs = probe_downs(os.path.join(a.dir, name + ".probe.log"), lab, link)
            if downs is not None:
                out[key] = {"across_dead_link": downs[0], "elsewhere": downs[1]}
        rb = os.path.join(a.dir, "routes-%s-before.json" % run)
        if os.path.exists(rb):
            down, moved = route_changes(lab, load(rb),
                                        load(os.path.join(a.dir, "routes-%s-after.json" % run)))
            out.update(paths_down=down, failover_packets=moved)
        runs[run] = out
    first = load(os.path.join(a.dir, "ecmp.json"))
    size = first["bytes_per_flow"]
    doc = {"pattern": meta["pattern"], "paths_per_flow": meta["paths"],
           "probe_interval_ms": meta["probe_interval_ms"], "bytes_per_flow": size,
           "link_dies_at_seconds": meta["at_seconds"], "deadline_seconds": meta["deadline_seconds"],
           "rate_mbit": first["rate_mbit"], "link": link, "runs": runs,
           "order": [r for r, _ in FAILOVER_RUNS]}
    results = load(a.json) if os.path.exists(a.json) else {}
    results["failover"] = doc
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")

    def say(text, indent="", hang="  "):
        print(textwrap.fill(text, 98, initial_indent=indent, subsequent_indent=indent + hang))

    died = [runs[r]["link_dead_at_seconds"] for r, _ in FAILOVER_RUNS]
    spine, leaf = link["link"]
    say("%s, %d TCP flows of %.4g MB at once; srv6-bpf: %d planned paths a flow (its packets "
        "take one). %s's link to %s, on %s's path (%s), dies (both ways) %.4g s into each run "
        "and stays dead; a flow not done %.4g s after the start is stalled."
        % (meta["pattern"], len(first["flows"]), size / 1e6, meta["paths"], spine, leaf,
           link["flow"], " ".join(link["vertices"][1:-1]), meta["at_seconds"],
           meta["deadline_seconds"]), hang="")
    say("link dead: when it was dead both ways (from the start); job step: until the last flow "
        "finished; no failure: the job step of the same run without the failure.", hang="")
    print()
    hdr = "%-29s | %-9s | %-17s | %-20s | %s" % (
        "run", "link dead", "job step", "slowest flow", "no failure")
    print(hdr)
    print("-" * len(hdr))
    for run, _ in FAILOVER_RUNS:
        r = runs[run]
        title = r["title"] + (" every %d ms" % meta["probe_interval_ms"]
                              if run == "srv6-bpf-probe" else "")
        if r["stalled_flows"]:
            step = "stalled: %d of %d" % (r["stalled_flows"], r["flows"])
            low = min(r["stalled"], key=lambda f: f["delivered_bytes"])
            slow = "stalled at %.1f/%.4g MB" % (low["delivered_bytes"] / 1e6, size / 1e6)
        else:
            step = "%.2f s" % r["step_seconds"]
            slow = "%.0f Mbit/s" % r["slowest_mbit"]
        dead = "%.2f s" % r["link_dead_at_seconds"] if r["link_dead_at_seconds"] else "never"
        print("%-29s | %-9s | %-17s | %-20s | %.2f s"
              % (title, dead, step, slow, r["reference_step_seconds"]))
    print("-" * len(hdr))

    def stalls(r):
        return ", ".join("%s (%.1f MB, last byte at %s)" % (
            f["flow"], f["delivered_bytes"] / 1e6,
            "%.2f s" % f["last_byte_seconds"] if f["last_byte_seconds"] is not None else "-")
            for f in r["stalled"])

    e, n, p = runs["ecmp"], runs["srv6-bpf"], runs["srv6-bpf-probe"]
    if e["stalled_flows"]:
        say("ECMP: %d flow%s stalled, those whose packets or acknowledgements the routers "
            "hashed onto the dead link: %s." % (e["stalled_flows"], plural(e["stalled_flows"]),
                                                 stalls(e)))
    else:
        say("ECMP: no flow stalled: this run the routers hashed no flow (nor its "
            "acknowledgements) onto the dead link.")
    say("srv6-bpf: %s took a path across the dead link; their other planned paths do not "
        "cross it." % ", ".join(link["crossing"]))
    if n["stalled_flows"]:
        say("without probing: %d flow%s stalled, nothing marks the path down: %s."
            % (n["stalled_flows"], plural(n["stalled_flows"]), stalls(n)), "  ")
    else:
        say("without probing: no flow stalled.", "  ")
    if p["stalled_flows"]:
        say("with probing: %d flow%s stalled: %s."
            % (p["stalled_flows"], plural(p["stalled_flows"]), stalls(p)), "  ")
    else:
        say("with probing: every flow finished, %.2f s against %.2f s without failure."
            % (p["step_seconds"], p["reference_step_seconds"]), "  ")
    if "paths_down" in p:
        listed = p["paths_down"][:6] + (["..."] if len(p["paths_down"]) > 6 else [])
        say("the probers took down %d path%s (%s); %d packets failed over."
            % (len(p["paths_down"]), plural(len(p["paths_down"])), ", ".join(listed),
               p["failover_packets"]), "  ")
    if "path_down_events" in p:
        ev, ref = p["path_down_events"], p.get("reference_path_down_events")
        alive = ev["elsewhere"] + (ref["across_dead_link"] + ref["elsewhere"] if ref else 0)
        say("path-down events the probers logged during the run: %d on paths across the dead "
            "link, %d on paths that were alive%s%s."
            % (ev["across_dead_link"], ev["elsewhere"],
               "; %d in the run without the failure" % (ref["across_dead_link"] + ref["elsewhere"])
               if ref else "",
               " (live paths taken down: their flows move and come back)" if alive else ""),
            "  ")
    if any(d is None for d in died):
        say("note: in some runs the flows ended before the link died (no failure measured)")
    return 0


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
    fl = sub.add_parser("failover-link")
    for arg in ("--lab", "--plan", "--run", "--before", "--after", "--out"):
        fl.add_argument(arg, required=True)
    fo = sub.add_parser("failover")
    for arg in ("--lab", "--dir", "--json"):
        fo.add_argument(arg, required=True)
    a = ap.parse_args()
    return {"table": table, "check": check, "counts": counts, "failover-link": failover_link,
            "failover": failover}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
