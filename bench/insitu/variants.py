"""Variants of srv6_encap for bench/insitu's breakdown (BENCH_IS_BREAKDOWN=1).

Copies bpf/ into OUT/bpf and patches the copy of srv6_encap.bpf.c with stop
points and switches, chosen at compile time:

  STOP_AT=N   return TC_ACT_OK after step N (see STEPS)
  STORE_BYTES write the outer header (and an IPv4 inner's Ethernet type) with
              bpf_skb_store_bytes, as srv6_encap did before it wrote them by
              direct packet access
  NO_MTU      no bpf_check_mtu (the device MTU taken as known)

The variants write the outer header in srv6_encap itself, not through the
tail call to srv6_encap_write (bpftool's program array would be empty). The
copy's maps lose their pinning attribute, so bpftool can load a variant
against srv6-bpf's pinned maps (bpftool prog loadall ... map name M pinned P).
The repository's program is never changed. Each patch anchors on the source
text; when the source has moved on, this says which anchor is gone.

  variants.py SRC_BPF_DIR OUT_DIR     writes OUT_DIR/bpf and prints the variants
                                      as "name<TAB>defines<TAB>workloads<TAB>what" ("-": no defines)
"""
import shutil
import sys

# name, -D flags, workloads it is timed on, what it runs. Each stop point
# adds one step to the one before; "adjust" sends a zeroed outer header
# (fine for UDP to a sink, not for TCP, which needs its packets delivered).
STEPS = [
    ("parse", "-DSTOP_AT=1", "udp64 tcp",
     "parse the inner headers (Ethernet, IPv6, ports), counters lookup"),
    ("peer", "-DSTOP_AT=2", "udp64 tcp",
     "+ re-entry check, peer lookup (hash map, 16-byte key), config lookup"),
    ("path", "-DSTOP_AT=3", "udp64 tcp",
     "+ flow hash, path choice by weight, path-state lookup"),
    ("mtu", "-DSTOP_AT=4", "udp64 tcp", "+ MTU check (bpf_check_mtu for GSO or > 1280 bytes)"),
    ("fill", "-DSTOP_AT=5", "udp64 tcp", "+ the outer header built on the stack"),
    ("adjust", "-DSTOP_AT=6", "udp64",
     "+ bpf_skb_adjust_room (the packet leaves with a zeroed outer header)"),
    ("write", "-DSTOP_AT=7", "udp64 tcp",
     "+ the outer header written by direct packet access: encapsulated, no counters"),
    ("full", "", "udp64 tcp", "+ counters: srv6_encap as built (loaded by bpftool)"),
    ("helper", "-DSTORE_BYTES", "udp64 tcp",
     "srv6_encap writing the outer header with bpf_skb_store_bytes (as before)"),
    ("nomtu", "-DNO_MTU", "udp64 tcp", "srv6_encap without bpf_check_mtu"),
]


class AnchorGone(Exception):
    pass


def replace_once(src, old, new):
    if src.count(old) != 1:
        raise AnchorGone(old.strip().splitlines()[0])
    return src.replace(old, new)


def stop(n, extra=""):
    return f"\n#if defined(STOP_AT) && STOP_AT == {n}\n{extra}\treturn TC_ACT_OK;\n#endif"


def patch(src):
    def after(s, anchor, n, extra=""):
        return replace_once(s, anchor, anchor + stop(n, extra))

    peer = "\tpeer = bpf_map_lookup_elem(&srv6_peers, &flow.key);\n"
    src = replace_once(src, peer, stop(1)[1:] + "\n" + peer)
    src = after(src, "\tif (!cfg) {\n\t\tcfg = bpf_map_lookup_elem(&srv6_config, &zero);\n"
                     "\t\tif (!cfg)\n\t\t\treturn TC_ACT_OK;\n\t}", 2)
    src = after(src, "\tpath = &peer->paths[index];", 3)
    mtu = ("\tif ((skb->gso_size || skb->len - ETH_HLEN + SRV6_ENCAP_LEN(nsegs) > IPV6_MIN_MTU) &&\n"
           "\t    bpf_check_mtu(skb, 0, &mtu_len, SRV6_ENCAP_LEN(nsegs), 0) !=\n"
           "\t\t    BPF_MTU_CHK_RET_SUCCESS) {")
    src = replace_once(src, mtu, "#ifdef NO_MTU\n\tmtu_len = skb->len + SRV6_ENCAP_LEN_MAX;\n"
                                 "\tif (0) {\n#else\n" + mtu + "\n#endif")
    src = after(src, "\t\tCOUNT(ctrs, drop_too_big);\n\t\treturn TC_ACT_SHOT;\n\t}", 4,
                "\tbarrier_var(segs);\n\tbarrier_var(inner_len);\n")
    src = after(src, "\t\t\tflow.is_ipv4 ? SRV6_NEXTHDR_IPIP : SRV6_NEXTHDR_IPV6);", 5,
                '\t__asm__ __volatile__("" : : "r"(w) : "memory");\n')
    # The writes of srv6_encap before direct packet access, for STORE_BYTES.
    store = (
        "#ifdef STORE_BYTES\n"
        "static __always_inline int store_outer(struct __sk_buff *skb, const struct srv6_outer *o,\n"
        "\t\t\t\t\t__u32 nsegs, bool inner_ipv4)\n{\n"
        "\t__be16 ipv6 = bpf_htons(ETH_P_IPV6);\n\tint r = -1;\n\n"
        "\tswitch (nsegs) {\n"
        + "".join(f"\tcase {n}:\n\t\tr = bpf_skb_store_bytes(skb, ETH_HLEN, o, SRV6_ENCAP_LEN({n}), 0);"
                  "\n\t\tbreak;\n" for n in range(1, 5)) +
        "\t}\n\tif (r < 0)\n\t\treturn -1;\n"
        "\tif (inner_ipv4 && bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_proto), &ipv6,\n"
        "\t\t\t\t\t      sizeof(ipv6), 0) < 0)\n\t\treturn -1;\n\treturn 0;\n}\n#endif\n\n")
    anchor = "static __always_inline int make_room("
    src = replace_once(src, anchor, store + anchor)
    # Stop 6: the room made, nothing written (the packet leaves with whatever
    # the room holds: fine into the UDP sink).
    src = after(src, "\tif (make_room(skb, nsegs, segs, flow.hdr_len, mtu_len)) {\n"
                     "\t\tCOUNT(ctrs, drop_no_room);\n\t\treturn TC_ACT_SHOT;\n\t}", 6)
    # Stop 7: written (the tail call), no counters.
    counters = ("\tCOUNT_OBJECT(&srv6_path_ctrs, struct srv6_path_counters, peer->counters_base + index,\n"
                "\t\t     segs, inner_len);\n")
    src = replace_once(src, counters, "#if defined(STOP_AT) && STOP_AT == 7\n"
                                      "\t(void)inner_len;\n\t(void)count_failover;\n"
                                      "#else\n" + counters)
    src = replace_once(src, "\t\tctrs->encap_bytes += inner_len;\n\t}\n",
                       "\t\tctrs->encap_bytes += inner_len;\n\t}\n#endif\n")
    tail = "\tbpf_tail_call(skb, &srv6_encap_tail, 0);\n"
    src = replace_once(src, tail,
                       "#ifdef STORE_BYTES\n"
                       "\tif (store_outer(skb, &w->outer, nsegs, flow.is_ipv4)) {\n"
                       "\t\tCOUNT(ctrs, drop_no_room);\n\t\treturn TC_ACT_SHOT;\n\t}\n"
                       "\tif (w->reroute)\n\t\treturn bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);\n"
                       "\treturn TC_ACT_OK;\n#else\n"
                       # The writer's body in place of the tail call: a program
                       # array that nothing pins forgets its programs when
                       # bpftool exits. Costs what srv6_encap_write does, less
                       # the tail call itself.
                       "\tif (srv6_outer_write(skb, &w->outer, nsegs, flow.is_ipv4)) {\n"
                       "\t\tCOUNT(ctrs, drop_no_room);\n\t\treturn TC_ACT_SHOT;\n\t}\n"
                       "\tif (w->reroute)\n\t\treturn fib_send(skb, &w->outer);\n"
                       "\treturn TC_ACT_OK;\n#endif\n")
    return src


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src_dir, out = sys.argv[1], sys.argv[2]
    shutil.copytree(src_dir, f"{out}/bpf")
    prog = f"{out}/bpf/srv6_encap.bpf.c"
    maps = f"{out}/bpf/encap_maps.h"
    try:
        with open(prog) as f:
            patched = patch(f.read())
        with open(maps) as f:
            m = f.read()
        pin = "\t__uint(pinning, LIBBPF_PIN_BY_NAME);\n"
        if pin not in m:
            raise AnchorGone(pin.strip())
    except AnchorGone as e:
        sys.exit(f"bench/insitu/variants.py: bpf/ has changed: no single '{e}' any more "
                 "(update the patches in bench/insitu/variants.py)")
    with open(prog, "w") as f:
        f.write(patched)
    with open(maps, "w") as f:
        f.write(m.replace(pin, ""))
    for name, defines, workloads, what in STEPS:
        print(f"{name}\t{defines or '-'}\t{workloads}\t{what}")


if __name__ == "__main__":
    main()
