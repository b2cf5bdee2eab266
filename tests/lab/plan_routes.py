#!/usr/bin/env python3
"""A host's share of a plan as `srv6-bpf route replace -batch` lines (fallback).

  plan_routes.py PLAN.json LAB.json HOST DEV

PLAN.json is `srv6-bpf -j plan` output; every flow whose src is hosts/HOST
becomes one line "PEER dev DEV path segs SID,... weight W ...", PEER being the
destination's IPv6 address from the lab. Only for labs whose srv6-bpf sync
cannot program the planner's paths yet (LAB_PROGRAM=plan-routes): sync does
the same thing in one atomic step. Standard library only.
"""
import json
import sys


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    plan_path, lab_path, host, dev = sys.argv[1:]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    with open(lab_path, encoding="utf-8") as f:
        lab = json.load(f)
    addr = {h["vertex"]: h["ipv6"] for h in lab["hosts"]}
    for flow in plan["flows"]:
        if flow["src"] != "hosts/" + host or not flow["paths"]:
            continue
        paths = " ".join("path segs %s weight %d" % (",".join(p["segs"]), p["weight"])
                         for p in flow["paths"])
        print("%s dev %s %s" % (addr[flow["dst"]], dev, paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
