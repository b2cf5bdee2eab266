#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Generate a Jalapeño-shaped fabric for srv6-bpf: topology JSON, hosts file, flows.

The one fabric generator of the project: the tests' fixtures
(tests/jalapeno/fixtures), the lab (tests/lab/fabric.py), the planner's
benchmark (bench/plan) and the sync benchmark (bench/sync) all use it.

The topology has the shape of GET /graphs/{collection}/topology: "vertices" keyed
by _id (switches are fabric_node/NAME, hosts are hosts/NAME) and "edges", one
document per direction. Micro-SID block fc00:0::/32 with 16-bit node IDs; every
vertex carries one uN SID (behaviour 48), numbered

  spines and cores               0x1000 + index   fc00:0:1NNN::   (NNN in hex)
  leaves and edge switches       0x2000 + index   fc00:0:2NNN::
  aggregation switches           0x3000 + index   fc00:0:3NNN::
  hosts                          0xe000 + index   fc00:0:eNNN::

hosts also carry ipv6_address 2001:db8:1:N::2 in 2001:db8:1:N::/64 and an IPv4
address (see --lab-data).

  gen_fabric.py leaf-spine LEAVES SPINES [--hosts-per-leaf H] ...
  gen_fabric.py fat-tree K [--hosts-per-edge H] ...

Options:
  --topology FILE, -o FILE
                         write the topology JSON here (default: stdout)
  --lab-data             documents shaped like the hand-loaded SONiC fabric data
                         Jalapeño's labs use (the tests' fixtures, bench/sync):
                         _rev, router_id and asn on switches, a function SID
                         fc00:0:2NNN:fe06:: (behaviour 62, which Jalapeño must
                         not pick) on leaves, latency and utilisation on switch
                         links (host links have no attributes: they gain `load`
                         when first used), hosts hostNN with interface and
                         dataplane and IPv4 198.51.100.(4N+2) for the first 64;
                         indented JSON with sorted keys. Without it: hosts
                         hostNNNN, IPv4 from the TEST-NETs up to 762 hosts,
                         `load` 0 on every edge, compact JSON.
  --collection C         the edges' collection (default network_topology with
                         --lab-data, else fabric_graph)
  --hosts-file FILE      write "name rank address" lines (rank = host index, or a
                         random placement with --rank-seed)
  --rank-seed S          shuffle ranks over hosts (rings over random placement)
  --pairs FILE           write a random permutation ("SRC DST" lines, no host
                         sends to itself) drawn with --pairs-seed (default 1)
  --random-pairs N       write N distinct random ordered pairs instead
  --fail-links N         mark N random fabric links (leaf-spine or agg-core, both
                         directions) "status":"down", drawn with --fail-seed
  --shuffle SEED         shuffle vertex and edge order (same fabric, other order)
  --capacity C           add "capacity": C to every edge

Standard library only: runs under any python3.
"""

import argparse
import ipaddress
import json
import random
import sys

TEST_NETS = ["192.0.2.", "198.51.100.", "203.0.113."]
BEHAVIOR_END = 48       # uN with NEXT-C-SID, as the lab data has it
BEHAVIOR_FUNCTION = 62  # the leaves' function SID in the lab data

# The one numbering: node ID = base of the role + index.
NODE_BASE = {"spine": 0x1000, "core": 0x1000, "leaf": 0x2000, "edge": 0x2000,
             "agg": 0x3000, "host": 0xe000}
# Lab data: router_id 10.0.<tier>.<index>, asn per role (leaves: one each).
LAB_ASN = {"spine": 65100, "core": 65100, "agg": 65150, "leaf": 65200, "edge": 65200}
MAX_HOSTS = 4096        # host SIDs are e000 + index


def node_id(role, index):
    return NODE_BASE[role] + index


def sid(nid, behavior=BEHAVIOR_END, function=""):
    return {"srv6_sid": "fc00:0:%x:%s::" % (nid, function) if function else "fc00:0:%x::" % nid,
            "srv6_endpoint_behavior": {"endpoint_behavior": behavior, "flag": 0, "algo": 0}}


class Fabric:
    def __init__(self, lab_data=False, collection=None):
        self.lab_data = lab_data
        self.collection = collection or ("network_topology" if lab_data else "fabric_graph")
        self.vertices = {}
        self.edges = []
        self.hosts = []         # host names, in index order
        self.fabric_links = []  # (a, b) switch pairs that --fail-links may pick

    def switch(self, role, index, tier, width=2):
        name = "%s%0*d" % (role, width, index)
        nid = node_id(role, index)
        vid = "fabric_node/" + name
        doc = {"_id": vid, "_key": name, "name": name, "tier": tier, "sids": [sid(nid)]}
        if self.lab_data:
            doc["router_id"] = "10.0.%d.%d" % (nid >> 12, index)
            doc["asn"] = LAB_ASN[role] + (index if role in ("leaf", "edge") else 0)
            if role in ("leaf", "edge"):
                doc["sids"].append(sid(nid, BEHAVIOR_FUNCTION, "fe06"))
        else:
            doc["router_id"] = "10.0.%d.%d" % (nid >> 8 & 255, nid & 255)
        self.vertices[vid] = doc
        return vid

    def host(self, index):
        name = ("host%02d" if self.lab_data else "host%04d") % index
        vid = "hosts/" + name
        doc = {"_id": vid, "_key": name, "name": name, "tier": "dc-endpoint",
               "ipv6_address": "2001:db8:1:%x::2" % index,
               "prefix": "2001:db8:1:%x::" % index, "prefix_len": 64,
               "sids": [sid(node_id("host", index))]}
        if self.lab_data:
            doc.update({"interface": "eth0", "dataplane": "linux"})
            if index < 64:
                doc["ipv4_address"] = "198.51.100.%d" % (4 * index + 2)
        elif index < 3 * 254:
            doc["ipv4_address"] = TEST_NETS[index // 254] + str(index % 254 + 1)
        self.vertices[vid] = doc
        self.hosts.append(name)
        return vid

    def link(self, a, b, fabric=False):
        switches = a.startswith("fabric_node/") and b.startswith("fabric_node/")
        for x, y in ((a, b), (b, a)):
            key = "%s_%s" % (x.split("/")[1], y.split("/")[1])
            doc = {"_id": "%s/%s" % (self.collection, key), "_key": key, "_from": x, "_to": y}
            if not self.lab_data:
                doc["load"] = 0
            elif switches:
                doc.update({"latency": 1, "percent_util_out": 0, "percent_util_in": 0,
                            "load": 0})
            self.edges.append(doc)
        if fabric:
            self.fabric_links.append((a, b))


def leaf_spine(f, leaves, spines, hosts_per_leaf):
    spine_ids = [f.switch("spine", s, "dc-tier-1") for s in range(spines)]
    for l in range(leaves):
        leaf = f.switch("leaf", l, "dc-tier-0")
        for s in spine_ids:
            f.link(leaf, s, fabric=True)
        for _ in range(hosts_per_leaf):
            f.link(f.host(len(f.hosts)), leaf)


def fat_tree(f, k, hosts_per_edge):
    half = k // 2
    cores = [f.switch("core", c, "dc-tier-2", 3) for c in range(half * half)]
    for pod in range(k):
        aggs = [f.switch("agg", pod * half + a, "dc-tier-1", 3) for a in range(half)]
        for a, agg in enumerate(aggs):
            for c in range(half):
                f.link(agg, cores[a * half + c], fabric=True)
        for e in range(half):
            edge = f.switch("edge", pod * half + e, "dc-tier-0", 3)
            for agg in aggs:
                f.link(edge, agg)
            for _ in range(hosts_per_edge):
                f.link(f.host(len(f.hosts)), edge)


def lab_order(f):
    """Lab data: vertices by tier (top first), switch links before host links,
    and _rev numbered in that order, as the hand-loaded data has them."""
    def tier(item):
        return -int(item[1]["tier"].rsplit("-", 1)[1]) if item[0].startswith("fabric_node/") else 1
    vertices = sorted(f.vertices.items(), key=tier)
    edges = sorted(f.edges, key=lambda e: e["_from"].startswith("hosts/")
                   or e["_to"].startswith("hosts/"))
    for n, doc in enumerate([v for _, v in vertices] + edges, 1):
        doc["_rev"] = "_r%05d" % n
    f.vertices, f.edges = dict(vertices), edges


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", choices=["leaf-spine", "fat-tree"])
    ap.add_argument("sizes", type=int, nargs="+", help="LEAVES SPINES, or K")
    ap.add_argument("--hosts-per-leaf", "--hosts-per-edge", type=int, dest="hosts")
    ap.add_argument("--topology", "-o")
    ap.add_argument("--lab-data", action="store_true")
    ap.add_argument("--collection")
    ap.add_argument("--hosts-file")
    ap.add_argument("--rank-seed", type=int)
    ap.add_argument("--pairs")
    ap.add_argument("--pairs-seed", type=int, default=1)
    ap.add_argument("--random-pairs", type=int)
    ap.add_argument("--fail-links", type=int, default=0)
    ap.add_argument("--fail-seed", type=int, default=1)
    ap.add_argument("--shuffle", type=int)
    ap.add_argument("--capacity", type=int)
    return ap, ap.parse_args()


def build(ap, a):
    f = Fabric(a.lab_data, a.collection)
    if a.shape == "leaf-spine":
        if len(a.sizes) != 2 or min(a.sizes) < 1:
            ap.error("leaf-spine needs LEAVES SPINES")
        leaf_spine(f, a.sizes[0], a.sizes[1], a.hosts if a.hosts is not None else a.sizes[1])
    else:
        if len(a.sizes) != 1 or a.sizes[0] < 2 or a.sizes[0] % 2:
            ap.error("fat-tree needs an even K >= 2")
        fat_tree(f, a.sizes[0], a.hosts if a.hosts is not None else a.sizes[0] // 2)
    if len(f.hosts) > MAX_HOSTS:
        ap.error("at most %d hosts (host SIDs are e000 + index)" % MAX_HOSTS)
    if a.lab_data:
        lab_order(f)

    down = random.Random(a.fail_seed).sample(f.fabric_links, a.fail_links)
    down = {frozenset(pair) for pair in down}
    for e in f.edges:
        if frozenset((e["_from"], e["_to"])) in down:
            e["status"] = "down"
        if a.capacity is not None:
            e["capacity"] = a.capacity
    return f


def write_topology(f, a):
    vertices = list(f.vertices.items())
    edges = f.edges
    if a.shuffle is not None:
        r = random.Random(a.shuffle)
        r.shuffle(vertices)
        edges = list(edges)
        r.shuffle(edges)
    doc = {"edges": edges, "vertices": dict(vertices), "total_edges": len(edges),
           "total_vertices": len(vertices), "include_all_fields": True}
    if a.lab_data:
        text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    else:
        text = json.dumps(doc, separators=(",", ":"))
    if a.topology:
        with open(a.topology, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


def write_hosts(f, a):
    ranks = list(range(len(f.hosts)))
    if a.rank_seed is not None:
        random.Random(a.rank_seed).shuffle(ranks)
    lines = []
    for i, name in enumerate(f.hosts):
        addr = f.vertices["hosts/" + name]["ipv6_address"]
        ipaddress.IPv6Address(addr)
        lines.append("%s %d %s\n" % (name, ranks[i], addr))
    if a.shuffle is not None:
        random.Random(a.shuffle + 1).shuffle(lines)
    with open(a.hosts_file, "w", encoding="utf-8") as out:
        out.write("".join(lines))


def write_pairs(ap, f, a):
    r = random.Random(a.pairs_seed)
    n = len(f.hosts)
    if a.random_pairs is not None:
        if a.random_pairs > n * (n - 1):
            ap.error("--random-pairs: at most %d distinct pairs" % (n * (n - 1)))
        chosen = set()
        while len(chosen) < a.random_pairs:
            s, d = r.randrange(n), r.randrange(n)
            if s != d:
                chosen.add((s, d))
        lines = ["%s %s\n" % (f.hosts[s], f.hosts[d]) for s, d in sorted(chosen)]
    else:
        dst = list(range(n))
        while n > 1:
            r.shuffle(dst)
            if all(i != d for i, d in enumerate(dst)):
                break
        lines = ["%s %s\n" % (f.hosts[i], f.hosts[d]) for i, d in enumerate(dst) if i != d]
    with open(a.pairs, "w", encoding="utf-8") as out:
        out.write("".join(lines))


def main():
    ap, a = parse_args()
    f = build(ap, a)
    write_topology(f, a)
    if a.hosts_file:
        write_hosts(f, a)
    if a.pairs:
        write_pairs(ap, f, a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
