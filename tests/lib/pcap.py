#!/usr/bin/env python3
"""Read a pcap file and print what the kernel tests assert on.

Standard library only: runs under Debian's /usr/bin/python3 and any other python3.

  pcap.py dump FILE
      one JSON object per packet (fields below)
  pcap.py fields FILE FIELD[,FIELD...] [KEY=VALUE ...]
      one tab-separated line per packet with the given fields; KEY=VALUE keeps
      only packets whose field KEY prints as VALUE (e.g. inner_proto=17, encap=1)

Per packet:
  n, ts, caplen, len         packet number (from 1), time, captured and wire length
  eth_src, eth_dst, eth_type Ethernet (or Linux cooked capture) header; eth_type "0x86dd"
  ip                         4 or 6 (the outer header)
  src, dst, proto            outer addresses; proto = IPv6 next header / IPv4 protocol
  hlim, tclass, flowlabel    hop limit (IPv4: TTL), traffic class (IPv4: TOS), flow label
  plen                       IPv6 payload length / IPv4 total length
  srh                        null, or {nh, hdrlen, type, sl, le, flags, tag, segs, hex}:
                             segs in wire order (the last SID first), hex = the whole SRH
  encap                      1 when the outer IPv6 carries an inner IP packet (41 or 4
                             after the optional SRH), else 0
  inner_ip, inner_src, inner_dst, inner_proto, inner_hlim, inner_tclass,
  inner_sport, inner_dport   the inner packet of an encapsulated packet (null otherwise)
  sport, dport, icmp_type    the transport of the innermost IP packet (inner when
                             encapsulated, the outer one otherwise)
  icmp_code                  its ICMP code
  quote_src, quote_dst, quote_hlim, quote_proto, quote_sl, quote_hex
                             an ICMP error's quoted packet (ICMPv6 types 1-4, ICMP 3,
                             4, 5, 11, 12): addresses, hop limit/TTL, next header,
                             its SRH's Segments Left, the quoted bytes as captured
  ip_hex                     the captured bytes from the outer IP header on
  inner_hex                  the captured bytes of the inner packet (encapsulated only)
Flat aliases for `fields`: srh_hex, srh_segs (comma-separated), srh_sl, srh_le, srh_nh.

Packets cut short before the end of the headers printed above are skipped (counted
on stderr). A snap length of 200 bytes is enough for everything here.
"""
import ipaddress
import json
import signal
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

IPPROTO_HOPOPTS = 0
IPPROTO_IPIP = 4
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_IPV6 = 41
IPPROTO_ROUTING = 43
IPPROTO_FRAGMENT = 44
IPPROTO_ICMP = 1
IPPROTO_ICMPV6 = 58
IPPROTO_DSTOPTS = 60
SRH_TYPE = 4


class Truncated(Exception):
    """The packet ends before a header we need."""


def need(buf, off, length):
    if off + length > len(buf):
        raise Truncated()


def read_packets(path):
    """Yield (linktype, ts, caplen, wirelen, data) for each record of a pcap file."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise SystemExit("%s: not a pcap file (pcapng is not supported)" % path)
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return  # a capture stopped mid-record ends here
            sec, frac, caplen, wirelen = rec.unpack(h)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            ts = sec + frac / (1e9 if nano else 1e6)
            yield linktype, ts, caplen, wirelen, data


def parse_link(linktype, data):
    """Return (eth_src, eth_dst, ethertype, offset of the network header)."""
    if linktype == LINKTYPE_ETHERNET:
        need(data, 0, 14)
        dst, src, etype = data[0:6], data[6:12], struct.unpack("!H", data[12:14])[0]
        off = 14
        while etype in (0x8100, 0x88A8):  # VLAN tags
            need(data, off, 4)
            etype = struct.unpack("!H", data[off + 2:off + 4])[0]
            off += 4
        return mac(src), mac(dst), etype, off
    if linktype == LINKTYPE_LINUX_SLL:
        need(data, 0, 16)
        alen = struct.unpack("!H", data[4:6])[0]
        return mac(data[6:6 + min(alen, 8)]), None, struct.unpack("!H", data[14:16])[0], 16
    if linktype == LINKTYPE_LINUX_SLL2:
        need(data, 0, 20)
        alen = data[11]
        return mac(data[12:12 + min(alen, 8)]), None, struct.unpack("!H", data[0:2])[0], 20
    if linktype in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6, 12, 14):
        need(data, 0, 1)
        return None, None, 0x86DD if data[0] >> 4 == 6 else 0x0800, 0
    raise SystemExit("unsupported pcap link type %d" % linktype)


def mac(b):
    return ":".join("%02x" % x for x in b) if b else None


def addr6(b):
    return str(ipaddress.IPv6Address(bytes(b)))


def addr4(b):
    return str(ipaddress.IPv4Address(bytes(b)))


def parse_ipv4(data, off):
    need(data, off, 20)
    ihl = (data[off] & 0x0F) * 4
    if data[off] >> 4 != 4 or ihl < 20:
        raise Truncated()
    need(data, off, ihl)
    tos, total, frag, ttl, proto = struct.unpack("!xBHxxHBB", data[off:off + 10])
    ip = {
        "ip": 4,
        "src": addr4(data[off + 12:off + 16]),
        "dst": addr4(data[off + 16:off + 20]),
        "proto": proto,
        "hlim": ttl,
        "tclass": tos,
        "flowlabel": None,
        "plen": total,
    }
    # Only a first fragment carries the transport header.
    return ip, off + ihl, proto, (frag & 0x1FFF) == 0


def parse_ipv6(data, off):
    need(data, off, 40)
    vtf, plen, nh, hlim = struct.unpack("!IHBB", data[off:off + 8])
    if vtf >> 28 != 6:
        raise Truncated()
    ip = {
        "ip": 6,
        "src": addr6(data[off + 8:off + 24]),
        "dst": addr6(data[off + 24:off + 40]),
        "proto": nh,
        "hlim": hlim,
        "tclass": (vtf >> 20) & 0xFF,
        "flowlabel": vtf & 0xFFFFF,
        "plen": plen,
    }
    return ip, off + 40, nh


def skip_ext(data, off, nh, want_srh):
    """Walk IPv6 extension headers. Returns (next header, offset, srh or None, first_frag)."""
    srh = None
    while nh in (IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT):
        need(data, off, 8)
        if nh == IPPROTO_FRAGMENT:
            first = (struct.unpack("!H", data[off + 2:off + 4])[0] & 0xFFF8) == 0
            return data[off], off + 8, srh, first
        length = (data[off + 1] + 1) * 8
        need(data, off, length)
        if nh == IPPROTO_ROUTING and data[off + 2] == SRH_TYPE and want_srh and srh is None:
            raw = data[off:off + length]
            nsegs = (length - 8) // 16
            srh = {
                "nh": raw[0],
                "hdrlen": raw[1],
                "type": raw[2],
                "sl": raw[3],
                "le": raw[4],
                "flags": raw[5],
                "tag": struct.unpack("!H", raw[6:8])[0],
                "segs": [addr6(raw[8 + 16 * i:24 + 16 * i]) for i in range(nsegs)],
                "hex": raw.hex(),
            }
        nh, off = data[off], off + length
    return nh, off, srh, True


ICMP6_ERRORS = (1, 2, 3, 4)
ICMP4_ERRORS = (3, 4, 5, 11, 12)


def parse_quote(data, off, proto, rec):
    """The packet an ICMP error quotes, as far as it was captured."""
    rec["quote_hex"] = data[off:].hex()
    try:
        if proto == IPPROTO_ICMPV6:
            ip, qoff, nh = parse_ipv6(data, off)
        else:
            ip = parse_ipv4(data, off)[0]
        for k in ("src", "dst", "hlim", "proto"):
            rec["quote_" + k] = ip[k]
        if proto == IPPROTO_ICMPV6:
            srh = skip_ext(data, qoff, nh, True)[2]
            rec["quote_sl"] = srh["sl"] if srh else None
    except Truncated:
        pass  # a quote cut short keeps what was read


def parse_transport(data, off, proto, first_frag, rec):
    """Ports or ICMP type of the innermost packet; absent when cut short."""
    rec["sport"] = rec["dport"] = rec["icmp_type"] = rec["icmp_code"] = None
    for k in ("src", "dst", "hlim", "proto", "sl", "hex"):
        rec["quote_" + k] = None
    if not first_frag:
        return
    if proto in (IPPROTO_TCP, IPPROTO_UDP):
        need(data, off, 4)
        rec["sport"], rec["dport"] = struct.unpack("!HH", data[off:off + 4])
    elif proto in (IPPROTO_ICMP, IPPROTO_ICMPV6):
        need(data, off, 1)
        rec["icmp_type"] = data[off]
        if off + 2 <= len(data):
            rec["icmp_code"] = data[off + 1]
        errors = ICMP6_ERRORS if proto == IPPROTO_ICMPV6 else ICMP4_ERRORS
        if data[off] in errors and off + 8 < len(data):
            parse_quote(data, off + 8, proto, rec)


def parse_packet(linktype, data):
    eth_src, eth_dst, etype, off = parse_link(linktype, data)
    rec = {"eth_src": eth_src, "eth_dst": eth_dst, "eth_type": "0x%04x" % etype,
           "ip_hex": data[off:].hex(), "inner_hex": None}
    inner_keys = ("inner_ip", "inner_src", "inner_dst", "inner_proto", "inner_hlim",
                  "inner_tclass", "inner_sport", "inner_dport")
    for k in inner_keys:
        rec[k] = None
    rec["srh"] = None
    rec["encap"] = 0
    if etype == 0x0800:
        ip, off, proto, first = parse_ipv4(data, off)
        rec.update(ip)
        parse_transport(data, off, proto, first, rec)
        return rec
    if etype != 0x86DD:
        rec.update({"ip": None, "src": None, "dst": None, "proto": None, "hlim": None,
                    "tclass": None, "flowlabel": None, "plen": None, "ip_hex": None})
        parse_transport(data, off, None, False, rec)
        return rec
    ip, off, nh = parse_ipv6(data, off)
    rec.update(ip)
    nh, off, rec["srh"], first = skip_ext(data, off, nh, True)
    if nh not in (IPPROTO_IPV6, IPPROTO_IPIP):
        parse_transport(data, off, nh, first, rec)
        return rec
    rec["encap"] = 1
    rec["inner_hex"] = data[off:].hex()
    if nh == IPPROTO_IPIP:
        inner, off, proto, first = parse_ipv4(data, off)
    else:
        inner, off, proto = parse_ipv6(data, off)
        proto, off, _, first = skip_ext(data, off, proto, False)
        inner["proto"] = proto
    rec["inner_ip"] = inner["ip"]
    rec["inner_src"] = inner["src"]
    rec["inner_dst"] = inner["dst"]
    rec["inner_proto"] = inner["proto"]
    rec["inner_hlim"] = inner["hlim"]
    rec["inner_tclass"] = inner["tclass"]
    parse_transport(data, off, proto, first, rec)
    rec["inner_sport"], rec["inner_dport"] = rec["sport"], rec["dport"]
    return rec


def flat(rec):
    """Add the srh_* aliases so `fields` can print them."""
    srh = rec["srh"]
    rec["srh_hex"] = srh["hex"] if srh else None
    rec["srh_segs"] = ",".join(srh["segs"]) if srh else None
    rec["srh_sl"] = srh["sl"] if srh else None
    rec["srh_le"] = srh["le"] if srh else None
    rec["srh_nh"] = srh["nh"] if srh else None
    return rec


def packets(path):
    skipped = 0
    for n, (linktype, ts, caplen, wirelen, data) in enumerate(read_packets(path), 1):
        try:
            rec = parse_packet(linktype, data)
        except Truncated:
            skipped += 1
            continue
        out = {"n": n, "ts": round(ts, 6), "caplen": caplen, "len": wirelen}
        out.update(rec)
        yield flat(out)
    if skipped:
        print("pcap.py: %s: skipped %d truncated packet(s)" % (path, skipped), file=sys.stderr)


def text(value):
    return "-" if value is None else str(value)


def dump_or_fields(argv, tool, records, known=None):
    """The `dump FILE` and `fields FILE F,... [KEY=VALUE ...]` commands of a
    capture reader (this one, srh_scapy.py): records(FILE) yields dicts. known:
    the field names, checked before reading; else each record's. Returns the
    exit status, or None when argv is neither command."""
    if len(argv) == 2 and argv[0] == "dump":
        for rec in records(argv[1]):
            print(json.dumps(rec, sort_keys=True))
        return 0
    if len(argv) < 3 or argv[0] != "fields":
        return None
    names = argv[2].split(",")
    where = []
    for cond in argv[3:]:
        if "=" not in cond:
            raise SystemExit("%s: filter \"%s\" is not KEY=VALUE" % (tool, cond))
        where.append(cond.split("=", 1))
    asked = names + [w[0] for w in where]

    def check(fields):
        unknown = [k for k in asked if k not in fields]
        if unknown:
            raise SystemExit("%s: unknown field %s" % (tool, unknown[0]))

    if known is not None:
        check(known)
    for rec in records(argv[1]):
        if known is None:
            check(rec)
        if all(text(rec[k]) == v for k, v in where):
            print("\t".join(text(rec[k]) for k in names))
    return 0


def main(argv):
    rc = dump_or_fields(argv, "pcap.py", packets)
    if rc is not None:
        return rc
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main(sys.argv[1:]))
