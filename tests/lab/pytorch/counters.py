#!/usr/bin/env python3
"""Counters around a gloo job in the lab, and what they must show.

  counters.py snapshot --lab DIR --prefix P --srv6-bpf BIN --bpffs DIR --out FILE
      every router's interface counters (ip -s link), every host's srv6-bpf peers with
      their per-path counters (srv6-bpf -j route show dev eth0) and what its TCP
      connections sent and had acknowledged (ss -ti: bytes_sent, bytes_acked).
  counters.py check --lab DIR --before A --after B --job RANK0.json [--plan PLAN.json]
                    [--both-families] [--out REPORT.json]
      between two snapshots taken while the job was paused (no traffic in flight):
      1. the job moved its bytes: TCP delivered (acknowledged) at least the send/recv
         ring's bytes between hosts (rank r sends r+1 times the ring's size to rank
         r+1; each host to the others at least what its ranks send to theirs), and
         all hosts together at least those and the all_reduce's share (one tensor per
         step for every host but one; with one rank a host, (world-1)/world of the
         tensor per rank and step). The ranks' hosts: the job's rank_hosts, else one
         rank a host in the order of its hosts;
      2. every byte the job moved went encapsulated: on every host, for every peer and
         each of the peer's addresses (the job's, and its IPv6 and IPv4 in lab.json),
         the per-path counters of srv6-bpf for that address grew by at least what TCP
         delivered to it (an address TCP delivered nothing to may have no route; the
         job's address must have one);
      3. the fabric carried it where the paths say: every link (router counters; a
         host's uplink: its leaf's rx) carried at least what TCP delivered on the
         paths crossing it (a path's hops from its micro-SIDs; a peer's bytes split
         over its paths as srv6-bpf counted them) and at most what srv6-bpf sent on
         them, with the SRv6 and Ethernet headers, plus 3%; 64 kB either way for
         what was in flight at a snapshot. (srv6-bpf counts what TCP sent, also what
         a full queue then dropped and TCP sent again; the routers count what passed.)
         So an idle path's links stay idle, and a flow on the wrong spine fails both ways;
      4. with --plan (srv6-bpf -j plan for the job's hosts): every host's peers and
         SIDs are exactly the plan's flows from that host, keyed by each peer's job
         address; with --both-families by both of its addresses (lab.json ipv6 and
         ipv4), each with the flow's paths.
      Prints a table of the links and one line per problem; exit 1 if there is one.

A micro-SID path is read against the lab's locators (lab.json): the hops are the
routers whose node IDs follow the block, up to the destination host's ID; the source
host's leaf is the first hop. Standard library only.
"""
import argparse
import ipaddress
import json
import os
import subprocess
import sys

ETH_HEADER = 14
IPV6_HEADER = 40
TOLERANCE_SHARE = 0.03
TOLERANCE_BYTES = 64 * 1024


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def plain_address(text):
    """'[::ffff:192.0.2.1]:29500' or '192.0.2.3:40210' -> the address, IPv4-mapped unmapped."""
    addr = text.rsplit(":", 1)[0].strip("[]").split("%")[0]
    ip = ipaddress.ip_address(addr)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)


def parse_ss(text):
    """{"local peer": {"sent": bytes_sent, "acked": bytes_acked}} for every TCP
    connection `ss -tinH` lists."""
    conns, key = {}, None
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            fields = line.split()
            key = None
            if len(fields) >= 5:
                key = "%s %s" % (fields[3], fields[4])
                conns[key] = {"sent": 0, "acked": 0}
            continue
        if key is None:
            continue
        for tok in line.split():
            name, _, value = tok.partition(":")
            if name in ("bytes_sent", "bytes_acked"):
                conns[key][name[6:]] = int(value)
    return conns


def run_all(cmds):
    """Run {name: argv} in parallel; {name: stdout}. Exits on the first failure."""
    procs = {n: subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n, c in cmds.items()}
    out = {}
    for n, p in procs.items():
        o, e = p.communicate()
        if p.returncode != 0:
            sys.exit("counters.py: %s failed: %s" % (" ".join(cmds[n]), e.strip()[-300:]))
        out[n] = o
    return out


def snapshot(a):
    lab = load(os.path.join(a.lab, "lab.json"))
    cmds = {}
    for r in lab["routers"]:
        cmds["link " + r["name"]] = ["ip", "-n", "%s-%s" % (a.prefix, r["name"]), "-j", "-s",
                                     "link", "show"]
    for h in lab["hosts"]:
        ns = "%s-%s" % (a.prefix, h["name"])
        cmds["routes " + h["name"]] = ["ip", "netns", "exec", ns, a.srv6_bpf, "--bpffs",
                                       a.bpffs, "-j", "route", "show", "dev", "eth0"]
        cmds["ss " + h["name"]] = ["ip", "netns", "exec", ns, "ss", "-tinH"]
    out = run_all(cmds)
    doc = {"routers": {}, "hosts": {}}
    for r in lab["routers"]:
        links = {}
        for ln in json.loads(out["link " + r["name"]]):
            st = ln.get("stats64") or ln["stats"]
            links[ln["ifname"]] = {"tx_bytes": st["tx"]["bytes"], "rx_bytes": st["rx"]["bytes"]}
        doc["routers"][r["name"]] = links
    for h in lab["hosts"]:
        doc["hosts"][h["name"]] = {"routes": json.loads(out["routes " + h["name"]]),
                                   "tcp": parse_ss(out["ss " + h["name"]])}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


# --- check --------------------------------------------------------------------------

def usids(seg):
    """The 16-bit words of a micro-SID carrier after the 32-bit block."""
    words = ipaddress.IPv6Address(seg).packed
    return ["%04x" % int.from_bytes(words[i:i + 2], "big") for i in range(4, 16, 2)]


def path_hops(segs, src, dst, lab):
    """[src, router, ..., dst]: the nodes a micro-SID path visits."""
    routers = {r["node_id"]: r["name"] for r in lab["routers"]}
    hosts = {h["name"]: h for h in lab["hosts"]}
    want = hosts[dst]["node_id"]
    hops, done = [src, hosts[src]["leaf"]], False
    for seg in segs:
        for word in usids(seg):
            if word == want:
                done = True
                break
            if word == "0000":
                break
            name = routers.get(word)
            if name is None:
                return None  # not a router of the lab: the path is not the lab's
            if hops[-1] != name:
                hops.append(name)
        if done:
            break
    return hops + [dst] if done else None


def delta_paths(before, after):
    """{(host, peer): [(segs, d_packets, d_bytes), ...]} between two snapshots."""
    res = {}
    for h, snap in after["hosts"].items():
        old = {}
        for r in before["hosts"].get(h, {}).get("routes", []):
            for p in r["paths"]:
                old[(r["peer"], tuple(p["segs"]))] = (p["packets"], p["bytes"])
        for r in snap["routes"]:
            for p in r["paths"]:
                o = old.get((r["peer"], tuple(p["segs"])), (0, 0))
                # A route replaced in between restarts its counters: count from 0.
                dp, db = p["packets"] - o[0], p["bytes"] - o[1]
                if dp < 0 or db < 0:
                    dp, db = p["packets"], p["bytes"]
                res.setdefault((h, r["peer"]), []).append((p["segs"], dp, db))
    return res


def delta_tcp(before, after, addrs_of, what):
    """{(host, peer address): bytes} TCP sent (what="sent", retransmissions and packets
    a local queue dropped included) or had acknowledged ("acked") between two
    snapshots, to other hosts (addrs_of: each host's own addresses)."""
    res = {}
    for h, snap in after["hosts"].items():
        old = before["hosts"].get(h, {}).get("tcp", {})
        for key, c in snap["tcp"].items():
            peer = plain_address(key.split()[1])
            if peer in addrs_of.get(h, ()):
                continue  # to itself, over lo
            res[(h, peer)] = res.get((h, peer), 0) + c[what] - old.get(key, {}).get(what, 0)
    return res


def link_counter(lab, before, after, frm, to):
    """Bytes that went frm -> to: the router's tx, or (from a host) the leaf's rx."""
    routers = {r["name"] for r in lab["routers"]}
    if frm in routers:
        node, dev, what = frm, to, "tx_bytes"
    else:
        node, dev, what = to, frm, "rx_bytes"
    return after["routers"][node][dev][what] - before["routers"][node][dev][what]


def check(a):
    lab = load(os.path.join(a.lab, "lab.json"))
    before, after = load(a.before), load(a.after)
    job = load(a.job)
    problems, report = [], {"peers": [], "links": []}
    job_hosts = [tuple(h[:3]) for h in job["hosts"]]  # (name, rank, address)
    addr_of = {name: addr for name, _, addr in job_hosts}
    lab_hosts = {h["name"]: h for h in lab["hosts"]}
    # Every address of each job host: the job's first, then the lab's IPv6 and IPv4.
    addrs_of = {name: [addr] + [x for x in (lab_hosts.get(name, {}).get("ipv6"),
                                            lab_hosts.get(name, {}).get("ipv4"))
                                if x and x != addr]
                for name, _, addr in job_hosts}
    host_of = {x: name for name, xs in addrs_of.items() for x in xs}
    paths = delta_paths(before, after)
    acked = delta_tcp(before, after, addrs_of, "acked")

    def to_host(h, peer):
        return sum(acked.get((h, x), 0) for x in addrs_of[peer])

    # 1. the job moved its bytes
    ring = job["ring_bytes"]
    rank_hosts = job.get("rank_hosts") or [name for name, _, _ in job_hosts]
    world = len(rank_hosts)
    need = {}  # (host, peer host): the send/recv ring's bytes between them
    for r, name in enumerate(rank_hosts):
        right = rank_hosts[(r + 1) % world]
        if right != name:
            need[(name, right)] = need.get((name, right), 0) + ring * (r + 1)
    for (name, right), want in need.items():
        got = to_host(name, right)
        if got < want:
            problems.append("%s delivered %d bytes to %s, less than the send/recv ring's %d"
                            % (name, got, right, want))
    total = sum(v for (h, p), v in acked.items() if h in addr_of and p in host_of)
    rounds = job["steps"] + job["warmup"]
    least = sum(need.values()) + rounds * (len(job_hosts) - 1) * job["all_reduce_bytes"]
    if total < least:
        problems.append("the hosts delivered %d bytes in all, less than the job's %d"
                        % (total, least))

    # 2. all of it encapsulated, per peer and address
    for name, _, _ in job_hosts:
        for peer, _, paddr in job_hosts:
            if peer == name:
                continue
            for x in addrs_of[peer]:
                moved = acked.get((name, x), 0)
                ps = paths.get((name, x))
                enc = sum(b for _, _, b in ps) if ps else 0
                report["peers"].append({"host": name, "peer": peer, "address": x,
                                        "tcp_bytes": moved, "encap_bytes": enc,
                                        "paths": [{"segs": s, "packets": p, "bytes": b}
                                                  for s, p, b in (ps or [])]})
                if ps is None and x == paddr:
                    problems.append("%s has no srv6-bpf route to %s (%s)" % (name, peer, x))
                elif ps is None and moved:
                    problems.append("%s -> %s (%s): TCP delivered %d bytes, srv6-bpf has no "
                                    "route for that address" % (name, peer, x, moved))
                elif enc < moved:
                    problems.append("%s -> %s (%s): TCP delivered %d bytes, srv6-bpf "
                                    "encapsulated %d" % (name, peer, x, moved, enc))

    # 3. every link carried what the paths put on it
    most, least = {}, {}
    for (h, paddr), ps in paths.items():
        dst = host_of.get(paddr) or next((x["name"] for x in lab["hosts"]
                                          if paddr in (x["ipv6"], x["ipv4"])), None)
        enc = sum(b for _, _, b in ps)
        for segs, n, b in ps:
            if not n:
                continue
            hops = path_hops(segs, h, dst, lab) if dst else None
            if hops is None:
                problems.append("%s -> %s: path %s is not a path of the lab"
                                % (h, paddr, ",".join(segs)))
                continue
            srh = 8 + 16 * len(segs) if len(segs) > 1 else 0
            wire = b + n * (ETH_HEADER + IPV6_HEADER + srh)
            # What TCP delivered to the peer, in the share this path carried.
            delivered = acked.get((h, paddr), 0) * b / enc
            for hop in zip(hops, hops[1:]):
                most[hop] = most.get(hop, 0) + wire
                least[hop] = least.get(hop, 0) + delivered
    for ln in lab["links"]:
        for hop in ((ln["a"], ln["b"]), (ln["b"], ln["a"])):
            lo, hi = int(least.get(hop, 0)), most.get(hop, 0)
            got = link_counter(lab, before, after, *hop)
            ok = lo - TOLERANCE_BYTES <= got <= hi * (1 + TOLERANCE_SHARE) + TOLERANCE_BYTES
            report["links"].append({"from": hop[0], "to": hop[1], "kind": ln["kind"],
                                    "delivered_bytes": lo, "encapsulated_bytes": hi,
                                    "bytes": got, "ok": ok})
            if got < lo - TOLERANCE_BYTES:
                problems.append("link %s>%s carried %d bytes, less than the %d TCP delivered "
                                "on the paths crossing it" % (hop[0], hop[1], got, lo))
            elif not ok:
                problems.append("link %s>%s carried %d bytes, more than the %d srv6-bpf sent "
                                "on the paths crossing it" % (hop[0], hop[1], got, hi))

    # 4. the programmed paths are the plan's
    if a.plan:
        plan = load(a.plan)
        for name, _, _ in job_hosts:
            want = sorted("%s %s" % (x, " ".join("%s/%d" % (",".join(p["segs"]), p["weight"])
                                                 for p in f["paths"]))
                          for f in plan["flows"] if f["src"] == "hosts/" + name
                          for dst in [f["dst"].split("/", 1)[1]]
                          for x in ([lab_hosts[dst]["ipv6"], lab_hosts[dst]["ipv4"]]
                                    if a.both_families else [addr_of[dst]]))
            got = sorted("%s %s" % (r["peer"], " ".join("%s/%d" % (",".join(p["segs"]),
                                                                   p["weight"])
                                                        for p in r["paths"]))
                         for r in after["hosts"][name]["routes"])
            if want != got:
                problems.append("%s: programmed %s, the plan says %s"
                                % (name, "; ".join(got), "; ".join(want)))

    print("%-18s %-6s %13s %13s %13s" % ("link", "kind", "TCP delivered", "srv6-bpf sent",
                                         "link counted"))
    for ln in report["links"]:
        if ln["encapsulated_bytes"] or ln["bytes"] > TOLERANCE_BYTES:
            print("%-18s %-6s %13d %13d %13d%s" % (
                ln["from"] + ">" + ln["to"], ln["kind"], ln["delivered_bytes"],
                ln["encapsulated_bytes"], ln["bytes"], "" if ln["ok"] else "  MISMATCH"))
    idle = [ln for ln in report["links"] if not ln["encapsulated_bytes"] and ln["ok"]]
    print("%d more links idle, as the paths say (at most %d bytes each)"
          % (len(idle), max([ln["bytes"] for ln in idle] or [0])))
    family = {"IPv6": 0, "IPv4": 0}
    for (h, p), v in acked.items():
        if h in addr_of and p in host_of:
            family["IPv6" if ":" in p else "IPv4"] += v
    print("TCP delivered %d bytes between the job's hosts (IPv6 %d, IPv4 %d), srv6-bpf "
          "encapsulated %d" % (total, family["IPv6"], family["IPv4"],
                               sum(p["encap_bytes"] for p in report["peers"])))
    report["problems"] = problems
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, sort_keys=True)
            f.write("\n")
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("--lab", required=True)
    s.add_argument("--prefix", required=True)
    s.add_argument("--srv6-bpf", required=True)
    s.add_argument("--bpffs", required=True)
    s.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--lab", required=True)
    c.add_argument("--before", required=True)
    c.add_argument("--after", required=True)
    c.add_argument("--job", required=True, help="rank 0's JSON (job.py)")
    c.add_argument("--plan")
    c.add_argument("--both-families", action="store_true",
                   help="with --plan: every peer under both its IPv6 and IPv4 address")
    c.add_argument("--out")
    a = ap.parse_args()
    return snapshot(a) if a.cmd == "snapshot" else check(a)


if __name__ == "__main__":
    sys.exit(main())
