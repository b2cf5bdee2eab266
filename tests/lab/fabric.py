#!/usr/bin/env python3
"""The leaf-spine lab's description, turned into the files the lab is built from.

  fabric.py generate --out DIR [--conf FILE] [--spines S] [--leaves L]
                     [--hosts-per-leaf H] [--rate-mbit R] [--mtu M] [--router kernel|bpf]

reads the description (tests/lab/fabric.conf, then the flags), has
tests/jalapeno/gen_fabric.py write the Jalapeño topology JSON, and derives
everything else from that JSON alone, so the lab and the topology the test
server and the planner read cannot disagree:

  DIR/topology.json  the fabric as GET /graphs/{c}/topology answers it
  DIR/hosts          the job, "name rank address" a line (rank = host index)
  DIR/lab.json       nodes, links (interfaces, addresses, rate), hosts (addresses,
                     locator, leaf), for the scripts that measure and draw the lab
  DIR/build.sh       bash for tests/lib/netns.sh (+ ntc from lablib.sh) that builds
                     the namespaces, links, addresses, routes and shaping

  fabric.py pairs ring|random --lab DIR [--seed S]
      a scenario's flows ("SRC DST" lines): ring, host k of each leaf sends to
      host k of the next leaf; random, gen_fabric.py's permutation for seed S

The lab: every vertex is a namespace named by its _key (host0000, leaf00,
spine00); every pair of edges one veth, named after the neighbour on routers
and eth0 on hosts. Routers forward plain IPv6 and IPv4 on shortest paths with
ECMP multipath routes (L4 hash), own their uN locator as
`End flavors next-csid lblen 32 nflen 16` (--router kernel: a seg6local route
in build.sh; --router bpf: srv6-bpf's End SIDs, which tests/lab/lablib.sh
programs once a bpffs is mounted; lab.json says which) and route every other locator, host
prefix and host IPv4 address. Hosts: their /64 and IPv4 /32 on eth0, default
routes via their leaf (IPv4 via an IPv6 next hop). Every link is shaped with
tbf to the rate, in both directions. Standard library only.
"""
import argparse
import collections
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GEN_FABRIC = os.path.join(ROOT, "tests", "jalapeno", "gen_fabric.py")
DEFAULT_CONF = os.path.join(HERE, "fabric.conf")

ROUTER_LINK_NET = "2001:db8:ff:%x::/64"   # leaf-spine link K; leaf ::1, spine ::2
# tbf: a bucket that passes a whole 64 KiB GSO packet (so the shaper does not
# segment them, which costs CPU) and a queue of 20 ms at the rate.
TBF_BURST_BYTES = 96 * 1024
TBF_LATENCY_MS = 20


def read_conf(path):
    """KEY=VALUE lines (shell syntax without quotes); # starts a comment."""
    conf = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.isidentifier():
                sys.exit("fabric.py: %s:%d: expected KEY=VALUE, got %r" % (path, n, line))
            conf[key] = value.strip()
    return conf


def description(a):
    """Sizes and rate: the conf file, then LAB_* env, then flags."""
    conf = read_conf(a.conf)
    for key in ("SPINES", "LEAVES", "HOSTS_PER_LEAF", "RATE_MBIT", "MTU"):
        if os.environ.get("LAB_" + key):
            conf[key] = os.environ["LAB_" + key]
    for key, flag in (("SPINES", a.spines), ("LEAVES", a.leaves),
                      ("HOSTS_PER_LEAF", a.hosts_per_leaf), ("RATE_MBIT", a.rate_mbit),
                      ("MTU", a.mtu)):
        if flag is not None:
            conf[key] = str(flag)
    d = {}
    for key, lo, hi in (("SPINES", 1, 64), ("LEAVES", 1, 64), ("HOSTS_PER_LEAF", 1, 64),
                        ("RATE_MBIT", 1, 10000), ("MTU", 1280, 9000)):
        try:
            d[key.lower()] = int(conf[key])
        except (KeyError, ValueError):
            sys.exit("fabric.py: %s must be a number (%s or a flag)" % (key, a.conf))
        if not lo <= d[key.lower()] <= hi:
            sys.exit("fabric.py: %s=%d is out of range %d..%d" % (key, d[key.lower()], lo, hi))
    if d["leaves"] * d["hosts_per_leaf"] < 2:
        sys.exit("fabric.py: the lab needs at least 2 hosts")
    return d


def locator(doc):
    """The vertex's uN SID (its first algo-0 SID) as a /48."""
    for s in doc.get("sids") or []:
        beh = s.get("srv6_endpoint_behavior") or {}
        if s.get("srv6_sid") and beh.get("algo", 0) == 0:
            return ipaddress.ip_network(s["srv6_sid"] + "/48", strict=False)
    sys.exit("fabric.py: vertex %s has no algo-0 SID" % doc.get("_id"))


def derive(topo, d):
    """lab.json from the topology JSON and the description's rate and MTU."""
    vertices = topo["vertices"]
    name = {vid: doc.get("_key", vid.split("/", 1)[1]) for vid, doc in vertices.items()}
    is_host = {vid: vid.startswith("hosts/") for vid in vertices}
    pairs, seen = [], set()
    for e in topo["edges"]:
        pair = (e["_from"], e["_to"])
        key = frozenset(pair)
        if key in seen or e.get("status") == "down" or not all(v in vertices for v in pair):
            continue
        seen.add(key)
        # Side a: the host of a host link, the leaf of a leaf-spine link
        # (hosts sort first; fabric_node/leaf* before fabric_node/spine*).
        pairs.append(tuple(sorted(pair, key=lambda v: (not is_host[v], v))))
    neighbours = collections.defaultdict(list)
    for x, y in pairs:
        neighbours[x].append(y)
        neighbours[y].append(x)

    hosts, links = [], []
    addr = {}  # (vertex, neighbour) -> vertex's IPv6 address on the link
    fabric_index = 0
    for x, y in pairs:
        if is_host[x]:
            doc = vertices[x]
            net = ipaddress.ip_network("%s/%s" % (doc["prefix"], doc["prefix_len"]), strict=False)
            addr[(x, y)] = ipaddress.ip_address(doc["ipv6_address"])
            addr[(y, x)] = net.network_address + 1
            kind = "access"
        else:
            net = ipaddress.ip_network(ROUTER_LINK_NET % fabric_index)
            fabric_index += 1
            addr[(x, y)] = net.network_address + 1
            addr[(y, x)] = net.network_address + 2
            kind = "fabric"
        links.append({"kind": kind, "a": name[x], "b": name[y],
                      "a_if": "eth0" if is_host[x] else name[y][:15], "b_if": name[x][:15],
                      "a_addr": str(addr[(x, y)]), "b_addr": str(addr[(y, x)]),
                      "prefix_len": net.prefixlen, "rate_mbit": d["rate_mbit"]})

    routers = []
    for vid in sorted(vertices):
        if is_host[vid]:
            continue
        tier = vertices[vid].get("tier", "")
        role = ("leaf" if any(is_host[w] for w in neighbours[vid]) or tier == "dc-tier-0"
                else "spine")
        loc = locator(vertices[vid])
        routers.append({"name": name[vid], "vertex": vid, "role": role, "locator": str(loc),
                        "node_id": "%x" % (int(loc.network_address) >> 80 & 0xffff)})
    with open(d["hosts_file"], encoding="utf-8") as f:
        rank = {line.split()[0]: int(line.split()[1]) for line in f if line.strip()}
    for vid in sorted(v for v in vertices if is_host[v]):
        doc = vertices[vid]
        if len(neighbours[vid]) != 1:
            sys.exit("fabric.py: host %s must have exactly one link" % vid)
        leaf = neighbours[vid][0]
        loc = locator(doc)
        hosts.append({"name": name[vid], "vertex": vid, "rank": rank.get(name[vid]),
                      "leaf": name[leaf], "ipv6": str(ipaddress.ip_address(doc["ipv6_address"])),
                      "ipv4": doc.get("ipv4_address"), "prefix_len": int(doc["prefix_len"]),
                      "gateway6": str(addr[(leaf, vid)]), "locator": str(loc),
                      "node_id": "%x" % (int(loc.network_address) >> 80 & 0xffff)})
    return {"rate_mbit": d["rate_mbit"], "mtu": d["mtu"], "router": d["router"],
            "tbf_burst_bytes": TBF_BURST_BYTES, "tbf_latency_ms": TBF_LATENCY_MS,
            "spines": d["spines"], "leaves": d["leaves"], "hosts_per_leaf": d["hosts_per_leaf"],
            "routers": routers, "hosts": hosts, "links": links}


def routes(lab):
    """`ip -batch` lines per namespace: addresses and routes."""
    cmds = collections.defaultdict(list)
    routers = {r["name"]: r for r in lab["routers"]}
    # Router adjacency: (neighbour, my interface, neighbour's address).
    adj = collections.defaultdict(list)
    for ln in lab["links"]:
        cmds[ln["a"]].append("addr add %s/%d dev %s nodad" % (ln["a_addr"], ln["prefix_len"],
                                                              ln["a_if"]))
        cmds[ln["b"]].append("addr add %s/%d dev %s nodad" % (ln["b_addr"], ln["prefix_len"],
                                                              ln["b_if"]))
        if ln["kind"] == "fabric":
            adj[ln["a"]].append((ln["b"], ln["a_if"], ln["b_addr"]))
            adj[ln["b"]].append((ln["a"], ln["b_if"], ln["a_addr"]))
    for r in adj:
        adj[r].sort()

    # Hop counts between routers (BFS over router links).
    dist = {}
    for src in routers:
        dist[src] = {src: 0}
        queue = collections.deque([src])
        while queue:
            u = queue.popleft()
            for v, _, _ in adj[u]:
                if v not in dist[src]:
                    dist[src][v] = dist[src][u] + 1
                    queue.append(v)

    def towards(r, target, prefix, v4=False):
        """A route at router r to prefix behind router target: every neighbour one
        hop closer is a next hop (ECMP when several are)."""
        if target not in dist[r]:
            return None
        hops = [(i, a) for n, i, a in adj[r] if dist[n].get(target) == dist[r][target] - 1]
        via = "via inet6 " if v4 else "via "
        if len(hops) == 1:
            return "route add %s %s%s dev %s" % (prefix, via, hops[0][1], hops[0][0])
        return "route add %s %s" % (prefix, " ".join("nexthop %s%s dev %s" % (via, a, i)
                                                     for i, a in hops))

    for h in lab["hosts"]:
        # Its IPv6 address came with its link.
        cmds[h["name"]].append("route add default via %s dev eth0" % h["gateway6"])
        if h["ipv4"]:
            cmds[h["name"]].append("addr add %s/32 dev eth0" % h["ipv4"])
            cmds[h["name"]].append("route add 0.0.0.0/0 via inet6 %s dev eth0" % h["gateway6"])

    for r in sorted(routers):
        first_if = sorted([i for _, i, _ in adj[r]] +
                          [ln["b_if"] for ln in lab["links"] if ln["b"] == r])[0]
        if lab["router"] == "kernel":
            cmds[r].append("route add %s encap seg6local action End flavors next-csid "
                           "lblen 32 nflen 16 dev %s" % (routers[r]["locator"], first_if))
        for other in sorted(routers):
            if other != r:
                line = towards(r, other, routers[other]["locator"])
                if line:
                    cmds[r].append(line)
        for h in lab["hosts"]:
            if h["leaf"] == r:
                dev = h["name"][:15]
                cmds[r].append("route add %s via %s dev %s" % (h["locator"], h["ipv6"], dev))
                if h["ipv4"]:
                    cmds[r].append("route add %s/32 via inet6 %s dev %s" % (h["ipv4"], h["ipv6"],
                                                                           dev))
                continue
            prefix = ipaddress.ip_network("%s/%d" % (h["ipv6"], h["prefix_len"]), strict=False)
            for dst in (str(prefix), h["locator"]):
                line = towards(r, h["leaf"], dst)
                if line:
                    cmds[r].append(line)
            if h["ipv4"]:
                line = towards(r, h["leaf"], h["ipv4"] + "/32", v4=True)
                if line:
                    cmds[r].append(line)
    return cmds


def build_script(lab):
    """bash for tests/lib/netns.sh and lablib.sh: namespaces, veths (one batch),
    sysctls, then per namespace one `ip -batch` (links up, addresses, routes) and
    one `tc -batch` (tbf on every interface)."""
    names = [h["name"] for h in lab["hosts"]] + [r["name"] for r in lab["routers"]]
    out = ["# generated by tests/lab/fabric.py from topology.json: do not edit",
           "ns_add " + " ".join(names), "lab_veths <<'EOF'"]
    out += ["%s %s %s %s" % (ln["a"], ln["a_if"], ln["b"], ln["b_if"]) for ln in lab["links"]]
    out.append("EOF")
    sysctls = ["net.ipv6.conf.all.forwarding=1", "net.ipv4.ip_forward=1",
               "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
               "net.ipv6.fib_multipath_hash_policy=1", "net.ipv4.fib_multipath_hash_policy=1"]
    for r in lab["routers"]:
        out.append("nsx %s sysctl -qw %s" % (r["name"], " ".join(sysctls)))
    # A TCP socket's flow hash, which the leaves' ECMP uses, changes after a
    # retransmission timeout unless txrehash is off (Linux 5.19+): keep each
    # flow on one spine, as a switch hashing its 5-tuple would.
    if os.path.exists("/proc/sys/net/core/txrehash"):
        for h in lab["hosts"]:
            out.append("nsx %s sysctl -qw net.core.txrehash=0" % h["name"])
    cmds = routes(lab)
    up = collections.defaultdict(list)
    shape = collections.defaultdict(list)
    for ln in lab["links"]:
        for side in ("a", "b"):
            up[ln[side]].append("link set dev %s mtu %d up" % (ln[side + "_if"], lab["mtu"]))
            shape[ln[side]].append("qdisc replace dev %s root tbf rate %dmbit burst %d "
                                   "latency %dms" % (ln[side + "_if"], ln["rate_mbit"],
                                                     lab["tbf_burst_bytes"], lab["tbf_latency_ms"]))
    for n in names:
        out.append("nip %s -batch - <<'EOF'\n%s\nEOF" % (n, "\n".join(up[n] + cmds[n])))
        out.append("ntc %s -batch - <<'EOF'\n%s\nEOF" % (n, "\n".join(shape[n])))
    return "\n".join(out) + "\n"


def generate(a):
    d = description(a)
    d["router"] = a.router
    os.makedirs(a.out, exist_ok=True)
    topo_path = os.path.join(a.out, "topology.json")
    d["hosts_file"] = os.path.join(a.out, "hosts")
    subprocess.run([sys.executable, GEN_FABRIC, "leaf-spine", str(d["leaves"]), str(d["spines"]),
                    "--hosts-per-leaf", str(d["hosts_per_leaf"]), "--topology", topo_path,
                    "--hosts-file", d["hosts_file"]], check=True)
    with open(topo_path, encoding="utf-8") as f:
        topo = json.load(f)
    lab = derive(topo, d)
    with open(os.path.join(a.out, "lab.json"), "w", encoding="utf-8") as f:
        json.dump(lab, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(a.out, "build.sh"), "w", encoding="utf-8") as f:
        f.write(build_script(lab))
    return 0


def pairs(a):
    """A scenario's flows, one "SRC DST" a line, on stdout."""
    with open(os.path.join(a.lab, "lab.json"), encoding="utf-8") as f:
        lab = json.load(f)
    if a.kind == "ring":
        # Host k of leaf l sends to host k of leaf l+1: every flow crosses the fabric.
        leaves = sorted({h["leaf"] for h in lab["hosts"]})
        at = {}
        for h in lab["hosts"]:
            at.setdefault(h["leaf"], []).append(h["name"])
        for li, leaf in enumerate(leaves):
            nxt = at[leaves[(li + 1) % len(leaves)]]
            for k, name in enumerate(at[leaf]):
                if k < len(nxt) and nxt[k] != name:
                    print("%s %s" % (name, nxt[k]))
        return 0
    # random: tests/jalapeno/gen_fabric.py's permutation for the same fabric and seed.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "pairs")
        subprocess.run([sys.executable, GEN_FABRIC, "leaf-spine", str(lab["leaves"]),
                        str(lab["spines"]), "--hosts-per-leaf", str(lab["hosts_per_leaf"]),
                        "--topology", os.path.join(tmp, "topology.json"), "--pairs", out,
                        "--pairs-seed", str(a.seed)], check=True)
        with open(out, encoding="utf-8") as f:
            sys.stdout.write(f.read())
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pairs")
    p.add_argument("kind", choices=["ring", "random"])
    p.add_argument("--lab", required=True)
    p.add_argument("--seed", type=int, default=1)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--conf", default=DEFAULT_CONF)
    g.add_argument("--spines", type=int)
    g.add_argument("--leaves", type=int)
    g.add_argument("--hosts-per-leaf", type=int)
    g.add_argument("--rate-mbit", type=int)
    g.add_argument("--mtu", type=int)
    g.add_argument("--router", choices=["kernel", "bpf"], default="kernel",
                   help="who shifts micro-SIDs on the routers: the kernel's seg6local or srv6-bpf")
    a = ap.parse_args()
    return generate(a) if a.cmd == "generate" else pairs(a)


if __name__ == "__main__":
    sys.exit(main())
