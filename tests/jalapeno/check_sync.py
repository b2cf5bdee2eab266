#!/usr/bin/env python3
"""Checks for the sync kernel tests (standard library only).

  check_sync.py routes TOPOLOGY ANSWERS ROUTES_DIR FUNC
      ROUTES_DIR/HOST.json holds `srv6-bpf -j route show` of each host; ANSWERS is
      the test server's /_test/answers. Every host must have exactly one route per
      other job host (those with a file), and each route's paths must be the micro-SID
      carriers of the SID lists in the server's last answer for that pair, with FUNC
      appended (one path per SID list, in order, weight 1). Prints one line per host.
  check_sync.py wire TOPOLOGY ROUTES_DIR PCAP_DIR
      PCAP_DIR/SPINE.pcap holds a capture (any interface) on each router that is
      not a host's neighbour. For every pair of hosts, the encapsulated packets
      between them must have been seen on exactly the routers their programmed
      path sets name (none when they share a leaf), with an outer destination
      that is one of the path's carriers shifted to that router. Prints a summary.
Exit status 1 with a line per problem when a check fails.
"""
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcap  # noqa: E402  (tests/lib/pcap.py)

BLOCK_BITS = 32
PER_CARRIER = (128 - BLOCK_BITS) // 16


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def usid(sid):
    """The 16-bit node ID after the fc00:0::/32 block."""
    return (int(ipaddress.ip_address(sid)) >> (128 - BLOCK_BITS - 16)) & 0xffff


def carriers(sid_list, func):
    """Micro-SID carriers for a path (all SIDs in the block), function kept with the
    last uSID, as srv6-bpf composes them."""
    ids = [usid(s) for s in sid_list] + [int(func, 16)]
    block = int(ipaddress.ip_address(sid_list[0])) >> (128 - BLOCK_BITS) << (128 - BLOCK_BITS)
    out, i = [], 0
    while i < len(ids):
        take = min(PER_CARRIER, len(ids) - i)
        if i + take == len(ids) - 1 and take > 1:
            take -= 1  # never leave the function alone in the last carrier
        value = block
        for k, node in enumerate(ids[i:i + take]):
            value |= node << (128 - BLOCK_BITS - 16 * (k + 1))
        out.append(str(ipaddress.ip_address(value)))
        i += take
    return out


def hosts_by_address(topo):
    out = {}
    for vid, doc in topo["vertices"].items():
        if vid.startswith("hosts/"):
            out[str(ipaddress.ip_address(doc["ipv6_address"]))] = doc["_key"]
            if doc.get("ipv4_address"):
                out[doc["ipv4_address"]] = doc["_key"]
    return out


def node_of_usid(topo):
    out = {}
    for doc in topo["vertices"].values():
        for s in doc.get("sids") or []:
            beh = s.get("srv6_endpoint_behavior") or {}
            if beh.get("algo", 0) == 0 and beh.get("endpoint_behavior", 48) == 48:
                out[usid(s["srv6_sid"])] = doc["_key"]
                break
    return out


def read_routes(topo, routes_dir):
    """{(src host, dst host): [[carrier, ...] per path]} from route show -j files. A host is a
    peer under every address the topology gives it (IPv6 and IPv4), with the same paths."""
    by_addr = hosts_by_address(topo)
    routes, addrs = {}, {}
    for name in sorted(os.listdir(routes_dir)):
        if not name.endswith(".json"):
            continue
        src = name[:-5]
        for peer in load(os.path.join(routes_dir, name)):
            dst = by_addr.get(str(ipaddress.ip_address(peer["peer"])), peer["peer"])
            paths = [[str(ipaddress.ip_address(s)) for s in p["segs"]] for p in peer["paths"]]
            if routes.setdefault((src, dst), paths) != paths:
                raise SystemExit("%s -> %s: %s has paths %s, its other address %s"
                                 % (src, dst, peer["peer"], paths, routes[(src, dst)]))
            addrs.setdefault((src, dst), set()).add(str(ipaddress.ip_address(peer["peer"])))
            for p in peer["paths"]:
                if p["weight"] != 1:
                    raise SystemExit("%s -> %s: weight %s, expected 1" % (src, dst, p["weight"]))
    for (src, dst), got in addrs.items():
        want = {a for a, h in by_addr.items() if h == dst}
        if want and got != want:
            raise SystemExit("%s -> %s: peers %s, expected every address of the host: %s"
                             % (src, dst, sorted(got), sorted(want)))
    return routes


def check_routes(topo_path, answers_path, routes_dir, func):
    topo = load(topo_path)
    routes = read_routes(topo, routes_dir)
    last = {}
    for a in load(answers_path):
        last[(a["source"].split("/", 1)[1], a["destination"].split("/", 1)[1])] = a["sid_lists"]
    hosts = sorted(n[:-5] for n in os.listdir(routes_dir) if n.endswith(".json"))
    problems = []
    for src in hosts:
        count = 0
        for dst in hosts:
            if dst == src:
                continue
            if (src, dst) not in routes:
                problems.append("%s has no route to %s" % (src, dst))
                continue
            if (src, dst) not in last:
                problems.append("the server never answered %s -> %s" % (src, dst))
                continue
            want = [carriers(sl, func) for sl in last[(src, dst)]]
            if routes[(src, dst)] != want:
                problems.append("%s -> %s: programmed %s, the API said %s" % (
                    src, dst, routes[(src, dst)], want))
            count += 1
        extra = [d for (s, d) in routes if s == src and d not in hosts]
        if extra:
            problems.append("%s has routes to hosts outside the job: %s" % (src, extra))
        print("   %s: %d peers programmed as the API answered" % (src, count))
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    return 1 if problems else 0


def check_wire(topo_path, routes_dir, pcap_dir):
    topo = load(topo_path)
    routes = read_routes(topo, routes_dir)
    by_addr = hosts_by_address(topo)
    names = node_of_usid(topo)
    routers = sorted(n[:-5] for n in os.listdir(pcap_dir) if n.endswith(".pcap"))
    seen = {}  # (src, dst) -> {router: set(outer dst)}
    for r in routers:
        for rec in pcap.packets(os.path.join(pcap_dir, r + ".pcap")):
            if not rec.get("encap") or rec.get("inner_src") is None:
                continue
            key = (by_addr.get(rec["inner_src"]), by_addr.get(rec["inner_dst"]))
            seen.setdefault(key, {}).setdefault(r, set()).add(
                str(ipaddress.ip_address(rec["dst"])))
    problems, pairs, carried = [], 0, 0
    for (src, dst), paths in sorted(routes.items()):
        pairs += 1
        want = {}  # router -> acceptable outer destinations there
        for segs in paths:
            ids = []
            for c in segs:
                v = int(ipaddress.ip_address(c))
                for k in range(PER_CARRIER):
                    node = (v >> (128 - BLOCK_BITS - 16 * (k + 1))) & 0xffff
                    if node:
                        ids.append((c, k, node))
            for c, k, node in ids:
                name = names.get(node)
                if name in routers:
                    v = int(ipaddress.ip_address(c))
                    block = v >> (128 - BLOCK_BITS) << (128 - BLOCK_BITS)
                    rest = (v << (16 * k)) & ((1 << (128 - BLOCK_BITS)) - 1)
                    # arriving (shifted to this router) and leaving (shifted past it)
                    want.setdefault(name, set()).update({
                        str(ipaddress.ip_address(block | rest)),
                        str(ipaddress.ip_address(block | ((rest << 16) & ((1 << (128 - BLOCK_BITS)) - 1)))),
                    })
        got = seen.get((src, dst), {})
        if set(got) != set(want):
            problems.append("%s -> %s: seen on %s, the programmed paths cross %s" % (
                src, dst, sorted(got) or "no router", sorted(want) or "no router"))
            continue
        for r, dsts in got.items():
            bad = dsts - want[r]
            if bad:
                problems.append("%s -> %s at %s: outer destinations %s, expected within %s" % (
                    src, dst, r, sorted(bad), sorted(want[r])))
        if want:
            carried += 1
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    print("   %d host pairs: %d crossed exactly the routers of their paths, %d stayed below "
          "their leaf" % (pairs, carried, pairs - carried))
    return 1 if problems else 0


def main(argv):
    if len(argv) == 5 and argv[0] == "routes":
        return check_routes(*argv[1:])
    if len(argv) == 4 and argv[0] == "wire":
        return check_wire(*argv[1:])
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
