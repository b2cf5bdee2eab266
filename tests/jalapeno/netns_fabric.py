#!/usr/bin/env python3
"""Print the bash (tests/lib/netns.sh calls) that builds a topology JSON as namespaces.

  netns_fabric.py TOPOLOGY.json [--dt6 FUNC | --dt46 FUNC] [--dx4 FUNC] [--router kernel|bpf]

Standard library only. Every vertex becomes a namespace named by its _key
(host00, leaf00, spine01; netns.sh adds the run's prefix); every pair of edges
between two vertices becomes one veth. Hosts (the `hosts` collection, one link
each) get their interface named eth0 with the vertex's ipv6_address in its
prefix/prefix_len (the router side gets ::1), plus ipv4_address/30 when present
(the router side gets the address below it), and a default route to their
router. Routers get, on the link to vertex X, an interface named X, addresses
2001:db8:ff:N::1|2/64 between routers, forwarding, and:
  - their uN locator (the first algo-0 SID, /48) as End with the next-csid
    flavour, lblen 32 nflen 16 (micro-SID shift): --router kernel (default), the
    kernel's seg6local; --router bpf, srv6-bpf's End SIDs on every interface
    (tests/lib/srv6lab.sh's lab_router_end, which needs $BPFFS mounted);
  - a route to each neighbour's locator /48 via that neighbour.
Hosts decapsulate LOCATOR:FUNC::/64 with End.DT6 (table 255) for --dt6 FUNC,
End.DT46 (either inner family; --router bpf only: the kernel's needs a VRF) for
--dt46 FUNC and End.DX4 (to their own IPv4 address) for --dx4 FUNC: with --router kernel as
kernel seg6local routes; with --router bpf the SIDs are listed in the bash
array FABRIC_HOST_SIDS ("HOST SID/64 decap6|decap|decap4" entries) for
tests/lib/srv6lab.sh's fabric_host_decap, which programs them once srv6-bpf is
loaded on a host.
The output is meant for `eval` in a test that sourced tests/lib/srv6lab.sh; each
namespace's addresses and routes go through one `ip -batch`.
"""
import argparse
import ipaddress
import json
import sys


def locator(doc):
    """The vertex's uN SID (first algo-0 or behaviour-less SID) as a /48 network."""
    for s in doc.get("sids") or []:
        if not isinstance(s, dict) or not s.get("srv6_sid"):
            continue
        beh = s.get("srv6_endpoint_behavior")
        if beh is None or (isinstance(beh, dict) and beh.get("algo") == 0):
            return ipaddress.ip_network(s["srv6_sid"] + "/48", strict=False)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("topology")
    ap.add_argument("--dt6", help="function ID for End.DT6 on hosts, e.g. e006")
    ap.add_argument("--dt46", help="function ID for End.DT46 on hosts (--router bpf), e.g. e006")
    ap.add_argument("--dx4", help="function ID for End.DX4 on hosts, e.g. e004")
    ap.add_argument("--router", choices=["kernel", "bpf"], default="kernel",
                    help="who runs the routers' End: the kernel's seg6local or srv6-bpf")
    a = ap.parse_args()
    if a.dt46 and (a.dt6 or a.router != "bpf"):
        ap.error("--dt46 goes with --router bpf (the kernel's End.DT46 needs a VRF), without --dt6")
    with open(a.topology, encoding="utf-8") as f:
        topo = json.load(f)
    vertices = topo["vertices"]
    key = {vid: doc.get("_key", vid.split("/", 1)[1]) for vid, doc in vertices.items()}
    is_host = {vid: vid.startswith("hosts/") for vid in vertices}

    links = []
    seen = set()
    for e in topo["edges"]:
        pair = tuple(sorted((e["_from"], e["_to"])))
        if pair in seen or pair[0] not in vertices or pair[1] not in vertices:
            continue
        seen.add(pair)
        links.append(pair)

    out = ["ns_add " + " ".join(sorted(key.values()))]
    late = []  # after the addresses: srv6-bpf on the routers, the hosts' SIDs
    cmds = {k: [] for k in key.values()}  # per namespace: `ip -batch` lines
    ifname = {}  # (vertex, neighbour) -> interface in vertex's namespace
    addr6 = {}   # (vertex, neighbour) -> vertex's IPv6 address on that link
    for i, (x, y) in enumerate(links):
        for v, w in ((x, y), (y, x)):
            ifname[(v, w)] = "eth0" if is_host[v] else key[w][:15]
        out.append("veth %s %s %s %s" % (key[x], ifname[(x, y)], key[y], ifname[(y, x)]))
        if is_host[x] or is_host[y]:
            host, router = (x, y) if is_host[x] else (y, x)
            doc = vertices[host]
            net = ipaddress.ip_network("%s/%s" % (doc["prefix"], doc["prefix_len"]), strict=False)
            addr6[(host, router)] = ipaddress.ip_address(doc["ipv6_address"])
            addr6[(router, host)] = net.network_address + 1
            cmds[key[host]].append("addr add %s/%d dev eth0 nodad" % (doc["ipv6_address"],
                                                                     net.prefixlen))
            cmds[key[router]].append("addr add %s/%d dev %s nodad" % (
                addr6[(router, host)], net.prefixlen, ifname[(router, host)]))
            if doc.get("ipv4_address"):
                v4 = ipaddress.ip_address(doc["ipv4_address"])
                cmds[key[host]].append("addr add %s/30 dev eth0" % v4)
                cmds[key[router]].append("addr add %s/30 dev %s" % (v4 - 1, ifname[(router, host)]))
                cmds[key[host]].append("route add default via %s" % (v4 - 1))
            cmds[key[host]].append("route add default via %s" % addr6[(router, host)])
        else:
            net = ipaddress.ip_network("2001:db8:ff:%x::/64" % i)
            addr6[(x, y)] = net.network_address + 1
            addr6[(y, x)] = net.network_address + 2
            cmds[key[x]].append("addr add %s/64 dev %s nodad" % (addr6[(x, y)], ifname[(x, y)]))
            cmds[key[y]].append("addr add %s/64 dev %s nodad" % (addr6[(y, x)], ifname[(y, x)]))

    if a.router == "bpf":
        late.append("FABRIC_HOST_SIDS=()")
    for vid in sorted(vertices):
        loc = locator(vertices[vid])
        if is_host[vid]:
            if loc is None:
                continue
            base = int(loc.network_address)
            sids = []
            if a.dt6:
                sids.append(("%s/64" % ipaddress.ip_address(base | int(a.dt6, 16) << 64), "decap6",
                             "encap seg6local action End.DT6 table 255"))
            if a.dt46:
                sids.append(("%s/64" % ipaddress.ip_address(base | int(a.dt46, 16) << 64), "decap",
                             None))
                out.append("nsx %s sysctl -qw net.ipv4.conf.all.rp_filter=0 "
                           "net.ipv4.conf.eth0.rp_filter=0" % key[vid])
            if a.dx4 and vertices[vid].get("ipv4_address"):
                sids.append(("%s/64" % ipaddress.ip_address(base | int(a.dx4, 16) << 64), "decap4",
                             "encap seg6local action End.DX4 nh4 %s" % vertices[vid]["ipv4_address"]))
                out.append("nsx %s sysctl -qw net.ipv4.conf.all.rp_filter=0 "
                           "net.ipv4.conf.eth0.rp_filter=0" % key[vid])
            for sid, action, kernel in sids:
                if a.router == "bpf":
                    late.append('FABRIC_HOST_SIDS+=("%s %s %s")' % (key[vid], sid, action))
                else:
                    cmds[key[vid]].append("route add %s %s dev eth0" % (sid, kernel))
            continue
        out.append("forwarding %s" % key[vid])
        neighbours = sorted(w for (v, w) in ifname if v == vid)
        if loc is not None and neighbours:
            if a.router == "bpf":
                late.append("lab_router_end %s %s" % (key[vid], loc))
            else:
                cmds[key[vid]].append("route add %s encap seg6local action End flavors next-csid "
                                      "lblen 32 nflen 16 dev %s" % (loc, ifname[(vid, neighbours[0])]))
        for w in neighbours:
            wloc = locator(vertices[w])
            if wloc is not None:
                cmds[key[vid]].append("route add %s via %s dev %s" % (wloc, addr6[(w, vid)],
                                                                      ifname[(vid, w)]))
    # One `ip -batch` per namespace: a few hundred commands without a process each.
    for name in sorted(cmds):
        if cmds[name]:
            out.append("nip %s -batch - <<'EOF'\n%s\nEOF" % (name, "\n".join(cmds[name])))
    print("\n".join(out + late))
    return 0


if __name__ == "__main__":
    sys.exit(main())
