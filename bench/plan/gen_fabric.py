#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Generate a Jalapeño-shaped fabric for srv6-bpf: topology JSON, hosts file, flows.

The topology has the shape of GET /graphs/{collection}/topology: "vertices" keyed
by _id (switches are fabric_node/NAME, hosts are hosts/NAME) and "edges", one
document per direction. Every vertex carries one uN SID in fc00:0::/32 (leaves
and edge switches 1xxx, spines and cores 2xxx, aggregation switches 3xxx, hosts
e000 + host index); hosts also carry ipv6_address (2001:db8:1:N::2/64) and, up
to 762 hosts, an ipv4_address from the TEST-NETs.

  gen_fabric.py leaf-spine LEAVES SPINES [--hosts-per-leaf H] ...
  gen_fabric.py fat-tree K [--hosts-per-edge H] ...

Common options:
  --topology FILE        write the topology JSON here (default: stdout)
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
BEHAVIOR_END = 48  # uN with NEXT-C-SID, as the lab data has it


def sid(node_id):
    return {"srv6_sid": "fc00:0:%x::" % node_id,
            "srv6_endpoint_behavior": {"endpoint_behavior": BEHAVIOR_END, "flag": 0, "algo": 0}}


class Fabric:
    def __init__(self):
        self.vertices = {}
        self.edges = []
        self.hosts = []        # host names, in index order
        self.fabric_links = []  # (a, b) switch pairs that --fail-links may pick

    def switch(self, name, node_id, tier):
        vid = "fabric_node/" + name
        self.vertices[vid] = {"_id": vid, "_key": name, "name": name, "tier": tier,
                              "router_id": "10.0.%d.%d" % (node_id >> 8 & 255, node_id & 255),
                              "sids": [sid(node_id)]}
        return vid

    def host(self, index):
        name = "host%04d" % index
        vid = "hosts/" + name
        doc = {"_id": vid, "_key": name, "name": name, "tier": "dc-endpoint",
               "ipv6_address": "2001:db8:1:%x::2" % index,
               "prefix": "2001:db8:1:%x::" % index, "prefix_len": 64,
               "sids": [sid(0xe000 + index)]}
        if index < 3 * 254:
            doc["ipv4_address"] = TEST_NETS[index // 254] + str(index % 254 + 1)
        self.vertices[vid] = doc
        self.hosts.append(name)
        return vid

    def link(self, a, b, fabric=False):
        for x, y in ((a, b), (b, a)):
            key = "%s_%s" % (x.split("/")[1], y.split("/")[1])
            self.edges.append({"_id": "fabric_graph/" + key, "_key": key, "_from": x, "_to": y,
                               "load": 0})
        if fabric:
            self.fabric_links.append((a, b))


def leaf_spine(f, leaves, spines, hosts_per_leaf):
    spine_ids = [f.switch("spine%02d" % s, 0x2000 + s, "dc-tier-1") for s in range(spines)]
    for l in range(leaves):
        leaf = f.switch("leaf%02d" % l, 0x1000 + l, "dc-tier-0")
        for s in spine_ids:
            f.link(leaf, s, fabric=True)
        for _ in range(hosts_per_leaf):
            f.link(f.host(len(f.hosts)), leaf)


def fat_tree(f, k, hosts_per_edge):
    half = k // 2
    cores = [f.switch("core%03d" % c, 0x2000 + c, "dc-tier-2") for c in range(half * half)]
    for pod in range(k):
        aggs = [f.switch("agg%03d" % (pod * half + a), 0x3000 + pod * half + a, "dc-tier-1")
                for a in range(half)]
        for a, agg in enumerate(aggs):
            for c in range(half):
                f.link(agg, cores[a * half + c], fabric=True)
        for e in range(half):
            edge = f.switch("edge%03d" % (pod * half + e), 0x1000 + pod * half + e, "dc-tier-0")
            for agg in aggs:
                f.link(edge, agg)
            for _ in range(hosts_per_edge):
                f.link(f.host(len(f.hosts)), edge)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", choices=["leaf-spine", "fat-tree"])
    ap.add_argument("sizes", type=int, nargs="+", help="LEAVES SPINES, or K")
    ap.add_argument("--hosts-per-leaf", "--hosts-per-edge", type=int, dest="hosts")
    ap.add_argument("--topology")
    ap.add_argument("--hosts-file")
    ap.add_argument("--rank-seed", type=int)
    ap.add_argument("--pairs")
    ap.add_argument("--pairs-seed", type=int, default=1)
    ap.add_argument("--random-pairs", type=int)
    ap.add_argument("--fail-links", type=int, default=0)
    ap.add_argument("--fail-seed", type=int, default=1)
    ap.add_argument("--shuffle", type=int)
    ap.add_argument("--capacity", type=int)
    a = ap.parse_args()

    f = Fabric()
    if a.shape == "leaf-spine":
        if len(a.sizes) != 2 or min(a.sizes) < 1:
            ap.error("leaf-spine needs LEAVES SPINES")
        leaf_spine(f, a.sizes[0], a.sizes[1], a.hosts if a.hosts is not None else a.sizes[1])
    else:
        if len(a.sizes) != 1 or a.sizes[0] < 2 or a.sizes[0] % 2:
            ap.error("fat-tree needs an even K >= 2")
        fat_tree(f, a.sizes[0], a.hosts if a.hosts is not None else a.sizes[0] // 2)
    if len(f.hosts) > 4096:
        ap.error("at most 4096 hosts (host SIDs are e000 + index)")

    down = random.Random(a.fail_seed).sample(f.fabric_links, a.fail_links)
    down = {frozenset(pair) for pair in down}
    for e in f.edges:
        if frozenset((e["_from"], e["_to"])) in down:
            e["status"] = "down"
        if a.capacity is not None:
            e["capacity"] = a.capacity

    vertices = list(f.vertices.items())
    edges = f.edges
    if a.shuffle is not None:
        r = random.Random(a.shuffle)
        r.shuffle(vertices)
        edges = list(edges)
        r.shuffle(edges)
    doc = {"edges": edges, "vertices": dict(vertices), "total_edges": len(edges),
           "total_vertices": len(vertices), "include_all_fields": True}
    text = json.dumps(doc, separators=(",", ":"))
    if a.topology:
        with open(a.topology, "w") as out:
            out.write(text)
    else:
        sys.stdout.write(text)

    if a.hosts_file:
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
        with open(a.hosts_file, "w") as out:
            out.write("".join(lines))

    if a.pairs and a.random_pairs is not None:
        r = random.Random(a.pairs_seed)
        n = len(f.hosts)
        if a.random_pairs > n * (n - 1):
            ap.error("--random-pairs: at most %d distinct pairs" % (n * (n - 1)))
        chosen = set()
        while len(chosen) < a.random_pairs:
            s, d = r.randrange(n), r.randrange(n)
            if s != d:
                chosen.add((s, d))
        with open(a.pairs, "w") as out:
            out.write("".join("%s %s\n" % (f.hosts[s], f.hosts[d]) for s, d in sorted(chosen)))
    elif a.pairs:
        r = random.Random(a.pairs_seed)
        n = len(f.hosts)
        dst = list(range(n))
        while n > 1:
            r.shuffle(dst)
            if all(i != d for i, d in enumerate(dst)):
                break
        with open(a.pairs, "w") as out:
            out.write("".join("%s %s\n" % (f.hosts[i], f.hosts[d]) for i, d in enumerate(dst)
                              if i != d))


if __name__ == "__main__":
    main()
