#!/usr/bin/env python3
"""Print the lab as it runs: nodes, links (shaped rate read back from tc, bytes
sent each way), whether each namespace exists and, with --srv6-bpf, what
srv6-bpf has loaded on every host (program, peers, decapsulated SIDs).

  status.py --lab DIR --prefix P [--srv6-bpf BIN --bpffs DIR]

Standard library only.
"""
import argparse
import json
import signal
import subprocess
import sys


def ip_json(ns, *args):
    r = subprocess.run(["ip", "-n", ns, "-j"] + list(args), capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else None


def tc_rates(ns):
    """{dev: "100Mbit"} for the tbf qdiscs in a namespace."""
    r = subprocess.run(["tc", "-n", ns, "-j", "qdisc", "show"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        return {}
    out = {}
    for q in json.loads(r.stdout):
        if q.get("kind") == "tbf":
            rate = q.get("options", {}).get("rate")
            out[q["dev"]] = "%dMbit" % (rate * 8 // 1000000) if isinstance(rate, int) else str(rate)
    return out


def human(n):
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return "%.0f%s" % (n, unit) if unit == "B" else "%.1f%s" % (n, unit)
        n /= 1000.0
    return str(n)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `lab status | head` ends quietly
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--srv6-bpf")
    ap.add_argument("--bpffs")
    a = ap.parse_args()
    with open(a.lab + "/lab.json", encoding="utf-8") as f:
        lab = json.load(f)
    existing = set(subprocess.run(["ip", "netns", "list"], capture_output=True,
                                  text=True).stdout.split())
    nodes = [(r["name"], r["role"], r["locator"]) for r in lab["routers"]]
    nodes += [(h["name"], "host", h["locator"]) for h in lab["hosts"]]
    print("lab %s: %d spines, %d leaves, %d hosts; every link shaped to %d Mbit/s, MTU %d"
          % (a.prefix, lab["spines"], lab["leaves"], len(lab["hosts"]), lab["rate_mbit"],
             lab["mtu"]))
    print()
    print("%-10s %-6s %-20s %-18s %-16s %s" % ("node", "role", "locator", "address", "IPv4",
                                              "namespace"))
    host = {h["name"]: h for h in lab["hosts"]}
    for name, role, loc in nodes:
        ns = "%s-%s" % (a.prefix, name)
        h = host.get(name, {})
        print("%-10s %-6s %-20s %-18s %-16s %s" % (name, role, loc, h.get("ipv6", ""),
                                                  h.get("ipv4") or "", ns if ns in existing
                                                  else ns + " (MISSING)"))
    print()
    print("%-22s %-8s %-10s %-10s %-12s %-12s" % ("link", "kind", "rate a>b", "rate b>a",
                                                 "bytes a>b", "bytes b>a"))
    rates, stats = {}, {}
    for name, _, _ in nodes:
        ns = "%s-%s" % (a.prefix, name)
        if ns not in existing:
            continue
        rates[name] = tc_rates(ns)
        stats[name] = {x["ifname"]: x.get("stats64", {}) for x in ip_json(ns, "-s", "link") or []}
    for ln in lab["links"]:
        cells = []
        for side in ("a", "b"):
            cells.append(rates.get(ln[side], {}).get(ln[side + "_if"], "none"))
        for side in ("a", "b"):
            tx = stats.get(ln[side], {}).get(ln[side + "_if"], {}).get("tx", {}).get("bytes")
            cells.append(human(tx) if tx is not None else "-")
        print("%-22s %-8s %-10s %-10s %-12s %-12s" % ("%s-%s" % (ln["a"], ln["b"]), ln["kind"],
                                                     *cells))
    print()
    print("micro-SID shift on the routers: %s" % (
        "srv6-bpf's End on every router interface" if lab.get("router") == "bpf"
        else "the kernel's seg6local End flavors next-csid"))
    if a.srv6_bpf and a.bpffs and lab.get("router") == "bpf":
        for r in lab["routers"]:
            ns = "%s-%s" % (a.prefix, r["name"])
            if ns not in existing:
                continue
            out = subprocess.run(["ip", "netns", "exec", ns, a.srv6_bpf, "--bpffs", a.bpffs,
                                  "-j", "sid", "show"], capture_output=True, text=True)
            sids = json.loads(out.stdout or "null") if out.returncode == 0 else None
            if not sids:
                print("  %-10s no End SID loaded" % r["name"])
                continue
            print("  %-10s End %s on %d interfaces, %d packets forwarded" % (
                r["name"], ", ".join(sorted({x["sid"] for x in sids})), len(sids),
                sum(x["packets"] for x in sids)))
    if a.srv6_bpf and a.bpffs:
        print()
        print("srv6-bpf (bpffs %s):" % a.bpffs)
        procs = {}
        for h in lab["hosts"]:
            ns = "%s-%s" % (a.prefix, h["name"])
            if ns in existing:
                procs[h["name"]] = [subprocess.Popen(["ip", "netns", "exec", ns, a.srv6_bpf,
                                                      "--bpffs", a.bpffs, "-j", what, "show"],
                                                     stdout=subprocess.PIPE,
                                                     stderr=subprocess.DEVNULL, text=True)
                                    for what in ("route", "sid")]
        for h in lab["hosts"]:
            if h["name"] not in procs:
                continue
            routes, sids = [json.loads(p.communicate()[0] or "null") if p.wait() == 0 else None
                            for p in procs[h["name"]]]
            if routes is None:
                print("  %-10s not loaded" % h["name"])
                continue
            print("  %-10s eth0: %d peers, %d paths; decapsulates %s" % (
                h["name"], len(routes), sum(len(r["paths"]) for r in routes),
                ", ".join(x["sid"] for x in sids or []) or "nothing"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
