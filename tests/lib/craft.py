#!/usr/bin/env python3
"""Send hand-made SRv6 frames through a raw socket, for the decap tests.
Standard library only.

  craft.py send IFACE DST_MAC SRC_MAC OUTER_SRC OUTER_DST KIND [--count N]
           [--inner-src ADDR --inner-dst ADDR]

KIND (what follows the outer IPv6 header, whose destination is OUTER_DST):
  ok6          an SRH with Segments Left 0, then an IPv6 UDP packet (inner-src/dst)
  sl1          an SRH with Segments Left 1 (the packet is not ours to end)
  trunc-srh    next header 43, but the frame ends 4 bytes into the SRH
  bogus-hdrlen an SRH claiming 8 * (200 + 1) bytes, in a short frame
  bad-type     an SRH of routing type 3
  bad-le       an SRH whose Last Entry needs more room than its length gives
  unknown-nh   next header 59 (no next header) after the outer header
  trunc-inner  next header 41, but only 20 bytes of the inner IPv6 header
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


def ipv6_header(src, dst, nexthdr, payload_len, hlim=64):
    return struct.pack("!IHBB", 6 << 28, payload_len, nexthdr, hlim) + ip6(src) + ip6(dst)


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
    inner = inner_udp6(a.inner_src, a.inner_dst)
    kind = a.kind
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
    else:
        raise SystemExit("craft.py: unknown kind %r" % kind)
    outer = ipv6_header(a.outer_src, a.outer_dst, nh, len(body))
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
