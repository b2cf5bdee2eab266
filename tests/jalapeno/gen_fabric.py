#!/usr/bin/env python3
"""Write a leaf-spine fabric with hosts as Jalapeño topology JSON (standard library only).

  gen_fabric.py --spines S --leaves L --hosts-per-leaf H [--collection C] [-o FILE]

The output has the shape of GET /graphs/{c}/topology?include_all_fields=true
(edges: one document per direction; vertices: keyed by _id), with the documents
shaped like the hand-loaded SONiC fabric data Jalapeño's labs use:

  fabric_node/spineNN  uN fc00:0:1NNN::   (NNN = index in hex)
  fabric_node/leafNN   uN fc00:0:2NNN::   plus a function SID fc00:0:2NNN:fe06::
                       (behaviour 62), which Jalapeño must not pick
  hosts/hostNN         uN fc00:0:eNNN::, ipv6_address 2001:db8:1:NNN::2 in
                       2001:db8:1:NNN::/64; ipv4_address 198.51.100.(4N+2) for
                       the first 64 hosts; attached to leaf N // H
  leaf<->spine edges   latency, percent_util_out/in, load 0
  host<->leaf edges    no metric attributes (they gain `load` when first used)

Micro-SID block fc00:0::/32 with 16-bit node IDs, as the lab conventions say.
"""
import argparse
import json
import sys


def sid(node_id, behavior=48):
    return {"srv6_sid": "fc00:0:%x::" % node_id,
            "srv6_endpoint_behavior": {"endpoint_behavior": behavior, "flag": 0, "algo": 0}}


def build(spines, leaves, per_leaf, collection):
    vertices, edges = {}, []
    rev = [0]

    def next_rev():
        rev[0] += 1
        return "_r%05d" % rev[0]

    def edge(a, b, metrics):
        key = "%s_%s" % (a.split("/")[1], b.split("/")[1])
        doc = {"_key": key, "_id": "%s/%s" % (collection, key), "_from": a, "_to": b,
               "_rev": next_rev()}
        if metrics:
            doc.update({"latency": 1, "percent_util_out": 0, "percent_util_in": 0, "load": 0})
        edges.append(doc)

    for s in range(spines):
        key = "spine%02d" % s
        vertices["fabric_node/" + key] = {
            "_key": key, "_id": "fabric_node/" + key, "_rev": next_rev(),
            "router_id": "10.0.1.%d" % s, "name": key, "tier": "dc-tier-1", "asn": 65100,
            "sids": [sid(0x1000 + s)]}
    for l in range(leaves):
        key = "leaf%02d" % l
        fn = {"srv6_sid": "fc00:0:%x:fe06::" % (0x2000 + l),
              "srv6_endpoint_behavior": {"endpoint_behavior": 62, "flag": 0, "algo": 0}}
        vertices["fabric_node/" + key] = {
            "_key": key, "_id": "fabric_node/" + key, "_rev": next_rev(),
            "router_id": "10.0.2.%d" % l, "name": key, "tier": "dc-tier-0", "asn": 65200 + l,
            "sids": [sid(0x2000 + l), fn]}
    for h in range(leaves * per_leaf):
        key = "host%02d" % h
        doc = {"_key": key, "_id": "hosts/" + key, "_rev": next_rev(), "name": key,
               "ipv6_address": "2001:db8:1:%x::2" % h, "prefix": "2001:db8:1:%x::" % h,
               "prefix_len": 64, "interface": "eth0", "dataplane": "linux",
               "tier": "dc-endpoint", "sids": [sid(0xe000 + h)]}
        if h < 64:
            doc["ipv4_address"] = "198.51.100.%d" % (4 * h + 2)
        vertices["hosts/" + key] = doc
    for l in range(leaves):
        for s in range(spines):
            edge("fabric_node/leaf%02d" % l, "fabric_node/spine%02d" % s, True)
            edge("fabric_node/spine%02d" % s, "fabric_node/leaf%02d" % l, True)
    for h in range(leaves * per_leaf):
        edge("hosts/host%02d" % h, "fabric_node/leaf%02d" % (h // per_leaf), False)
        edge("fabric_node/leaf%02d" % (h // per_leaf), "hosts/host%02d" % h, False)
    return {"edges": edges, "vertices": vertices, "total_edges": len(edges),
            "total_vertices": len(vertices), "include_all_fields": True}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spines", type=int, required=True)
    ap.add_argument("--leaves", type=int, required=True)
    ap.add_argument("--hosts-per-leaf", type=int, required=True)
    ap.add_argument("--collection", default="network_topology")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    if not (1 <= a.spines <= 0xfff and 1 <= a.leaves <= 0xfff
            and 1 <= a.leaves * a.hosts_per_leaf <= 0xfff):
        ap.error("at most 4095 spines, leaves and hosts")
    topo = build(a.spines, a.leaves, a.hosts_per_leaf, a.collection)
    text = json.dumps(topo, indent=1, sort_keys=True) + "\n"
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
