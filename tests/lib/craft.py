#!/usr/bin/env python3
"""Send hand-made SRv6 frames through a raw socket, for the decap and End tests.
Standard library only.

  craft.py send IFACE DST_MAC SRC_MAC OUTER_SRC OUTER_DST KIND [--count N]
           [--inner-src ADDR --inner-dst ADDR] [--dport N]
           [--hlim N] [--tclass N] [--flowlabel N]
           [--segs SID,...] [--sl N] [--le N] [--hdrlen N] [--rtype N] [--cut N]

KIND (what follows the outer IPv6 header, whose destination is OUTER_DST):
  ok6          an SRH with Segments Left 0, then an IPv6 UDP packet (inner-src/dst)
  sl1          an SRH with Segments Left 1 (the packet is not ours to end)
  trunc-srh    next header 43, but the frame ends 4 bytes into the SRH
  bogus-hdrlen an SRH claiming 8 * (200 + 1) bytes, in a short frame
  bad-type     an SRH of routing type 3
  bad-le       an SRH whose Last Entry needs more room than its length gives
  unknown-nh   next header 59 (no next header) after the outer header
  trunc-inner  next header 41, but only 20 bytes of the inner IPv6 header
  plain6       no SRH: the IPv6 UDP packet right after the outer header (a micro-SID
               carrier as H.Encaps.Red sends it)
  srh6         an SRH, then the IPv6 UDP packet. --segs lists the segments after
               OUTER_DST in the order they are visited (H.Encaps.Red's list without
               its first SID), so the SRH holds them last one first, with Segments
               Left = their number and Last Entry = their number - 1 unless --sl,
               --le say otherwise; --hdrlen and --rtype override Hdr Ext Len and the
               routing type; --cut N ends the frame N bytes into the SRH.
The options --hlim (default 64), --tclass, --flowlabel set the outer header; --dport
the inner UDP destination port (default 9), so a capture can tell test cases apart.
"""
import argparse
import ipaddress
import socket
import struct
import sys

ETH_P_IPV6 = 0x86DD


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ip6(text):
    return ipaddress.IPv6Address(text).packed


def ipv6_header(src, dst, nexthdr, payload_len, hlim=64, tclass=0, flowlabel=0):
    vtf = 6 << 28 | (tclass & 0xFF) << 20 | (flowlabel & 0xFFFFF)
    return struct.pack("!IHBB", vtf, payload_len, nexthdr, hlim) + ip6(src) + ip6(dst)


def srh(nexthdr, segs, sl, le=None, hdrlen=None, rtype=4):
    hdrlen = 2 * len(segs) if hdrlen is None else hdrlen
    le = len(segs) - 1 if le is None else le
    return struct.pack("!BBBBBBH", nexthdr, hdrlen, rtype, sl, le, 0, 0) + b"".join(
        ip6(s) for s in segs)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF or 0xFFFF


def inner_udp6(src, dst, sport=40000, dport=9):
    payload = b"srv6-bpf decap test"
    length = 8 + len(payload)
    pseudo = ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, 17)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp)) + udp[8:]
    return ipv6_header(src, dst, 17, len(udp)) + udp


def build(a):
    inner = inner_udp6(a.inner_src, a.inner_dst, dport=a.dport)
    kind = a.kind
    if kind == "srh6" and not a.segs:
        raise SystemExit("craft.py: srh6 needs --segs")
    if kind == "ok6":
        body = srh(41, [a.outer_dst], sl=0) + inner
        nh = 43
    elif kind == "sl1":
        body = srh(41, [a.outer_dst, "fc00:0:ffff::"], sl=1) + inner
        nh = 43
    elif kind == "trunc-srh":
        body = srh(41, [a.outer_dst], sl=0)[:4]
        nh = 43
    elif kind == "bogus-hdrlen":
        body = srh(41, [a.outer_dst], sl=0, hdrlen=200) + inner
        nh = 43
    elif kind == "bad-type":
        body = srh(41, [a.outer_dst], sl=0, rtype=3) + inner
        nh = 43
    elif kind == "bad-le":
        body = srh(41, [a.outer_dst], sl=0, le=5) + inner
        nh = 43
    elif kind == "unknown-nh":
        body = b"\x00" * 16
        nh = 59
    elif kind == "trunc-inner":
        body = inner[:20]
        nh = 41
    elif kind == "plain6":
        body = inner
        nh = 41
    elif kind == "srh6":
        segs = a.segs.split(",")
        sl = len(segs) if a.sl is None else a.sl
        body = srh(41, segs[::-1], sl=sl, le=a.le, hdrlen=a.hdrlen, rtype=a.rtype)
        body = body[:a.cut] if a.cut is not None else body + inner
        nh = 43
    else:
        raise SystemExit("craft.py: unknown kind %r" % kind)
    outer = ipv6_header(a.outer_src, a.outer_dst, nh, len(body), hlim=a.hlim, tclass=a.tclass,
                        flowlabel=a.flowlabel)
    return mac(a.dst_mac) + mac(a.src_mac) + struct.pack("!H", ETH_P_IPV6) + outer + body


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("iface")
    s.add_argument("dst_mac")
    s.add_argument("src_mac")
    s.add_argument("outer_src")
    s.add_argument("outer_dst")
    s.add_argument("kind")
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--inner-src", default="2001:db8:1::1")
    s.add_argument("--inner-dst", default="2001:db8:2::2")
    s.add_argument("--dport", type=int, default=9)
    s.add_argument("--hlim", type=int, default=64)
    s.add_argument("--tclass", type=lambda v: int(v, 0), default=0)
    s.add_argument("--flowlabel", type=lambda v: int(v, 0), default=0)
    s.add_argument("--segs")
    s.add_argument("--sl", type=int)
    s.add_argument("--le", type=int)
    s.add_argument("--hdrlen", type=int)
    s.add_argument("--rtype", type=int, default=4)
    s.add_argument("--cut", type=int)
    a = p.parse_args()
    frame = build(a)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((a.iface, 0))
    for _ in range(a.count):
        sock.send(frame)
    print("sent %d %s frame(s) of %d bytes" % (a.count, a.kind, len(frame)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
