#!/usr/bin/python3
"""SRv6 headers decoded and built by scapy: a second implementation beside
tshark, independent of srv6-bpf and of tests/lib/pcap.py.

Needs Debian's python3-scapy, so run it with /usr/bin/python3.

  srh_scapy.py dump FILE
      one JSON object per IPv6 packet of the pcap FILE (fields below)
  srh_scapy.py fields FILE FIELD[,FIELD...] [KEY=VALUE ...]
      one tab-separated line per IPv6 packet with the given fields ("-" for
      none); KEY=VALUE keeps only packets whose field KEY prints as VALUE
  srh_scapy.py srh NH SIDS...
      per SIDS (comma-separated, first SID first) the hex of the reduced SRH
      H.Encaps.Red pushes (RFC 8986 5.2, RFC 8754 4.1.1) with next header NH:
      the SIDs after the first, last one first, Segments Left n-1, the rest
      (length, type, Last Entry, flags, tag) as scapy fills them; "-" for one
      SID (no SRH)

Per packet, as scapy decodes it:
  n                          the packet's number in the file (from 1)
  eth_type                   "0x86dd" (Ethernet or Linux cooked capture)
  src, dst, nh, plen, hlim, tclass, flowlabel
                             the outer IPv6 header
  srh_nh, srh_len, srh_type, srh_sl, srh_le, srh_flags, srh_tag
                             the SRH (Hdr Ext Len, Segments Left, Last Entry, the
                             flags byte, tag); all "-" without an SRH
  srh_segs                   the segment list in wire order (Segment List[0] first)
  srh_hex                    the SRH's bytes as captured
  inner_ip, inner_src, inner_dst, inner_proto
                             the IPv6 (next header 41) or IPv4 (4) packet inside
  inner_len                  its IPv6 payload length / IPv4 total length
  inner_sport, inner_dport, payload
                             its UDP ports and payload (hex)
"""
import logging
import signal
import sys

import pcap  # beside this file: the dump and fields commands

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
try:
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting
    from scapy.layers.l2 import CookedLinux, Ether
    from scapy.utils import PcapReader
except ImportError as e:
    raise SystemExit("srh_scapy.py: scapy does not import under %s (%s): install python3-scapy "
                     "(make deps) and run with /usr/bin/python3" % (sys.executable, e))

SRH = IPv6ExtHdrSegmentRouting
FIELDS = ("n", "eth_type", "src", "dst", "nh", "plen", "hlim", "tclass", "flowlabel",
          "srh_nh", "srh_len", "srh_type", "srh_sl", "srh_le", "srh_flags", "srh_tag",
          "srh_segs", "srh_hex", "inner_ip", "inner_src", "inner_dst", "inner_proto",
          "inner_len", "inner_sport", "inner_dport", "payload")


def srh_flags(srh):
    """The flags byte from scapy's bit fields between Last Entry and Tag."""
    names = [f.name for f in SRH.fields_desc]
    flags, bits = 0, 0
    for f in SRH.fields_desc[names.index("lastentry") + 1:names.index("tag")]:
        flags = flags << f.size | srh.getfieldval(f.name)
        bits += f.size
    if bits != 8:
        raise SystemExit("srh_scapy.py: scapy's SRH flags are %d bits, not 8" % bits)
    return flags


def decode(pkt):
    """The fields above for one packet, or None when it is not IPv6."""
    if not isinstance(pkt, (Ether, CookedLinux)) or IPv6 not in pkt:
        return None
    rec = dict.fromkeys(FIELDS)
    rec["eth_type"] = "0x%04x" % pkt.getfieldval("type" if isinstance(pkt, Ether) else "proto")
    outer = pkt[IPv6]
    rec.update(src=outer.src, dst=outer.dst, nh=outer.nh, plen=outer.plen, hlim=outer.hlim,
               tclass=outer.tc, flowlabel=outer.fl)
    inner = outer.payload
    if isinstance(inner, SRH):
        srh = inner
        rec.update(srh_nh=srh.nh, srh_len=srh.len, srh_type=srh.type, srh_sl=srh.segleft,
                   srh_le=srh.lastentry, srh_flags=srh_flags(srh), srh_tag=srh.tag,
                   srh_segs=",".join(srh.addresses),
                   srh_hex=srh.original[:(srh.len + 1) * 8].hex())
        inner = srh.payload
    if isinstance(inner, IPv6):
        rec.update(inner_ip=6, inner_src=inner.src, inner_dst=inner.dst, inner_proto=inner.nh,
                   inner_len=inner.plen)
    elif isinstance(inner, IP):
        rec.update(inner_ip=4, inner_src=inner.src, inner_dst=inner.dst, inner_proto=inner.proto,
                   inner_len=inner.len)
    else:
        return rec
    if isinstance(inner.payload, UDP):
        udp = inner.payload
        rec.update(inner_sport=udp.sport, inner_dport=udp.dport, payload=bytes(udp.payload).hex())
    return rec


def packets(path):
    try:
        with PcapReader(path) as reader:
            for n, pkt in enumerate(reader, 1):
                rec = decode(pkt)
                if rec is not None:
                    rec["n"] = n
                    yield rec
    except (OSError, EOFError) as e:
        raise SystemExit("srh_scapy.py: cannot read %s: %s" % (path, e))


def build_srh(nh, sids):
    """The reduced SRH for SIDS as bytes; None for one SID."""
    if len(sids) < 2:
        return None
    # Segments Left stays n-1: the first SID is only in the destination address.
    return bytes(SRH(nh=nh, addresses=sids[:0:-1], segleft=len(sids) - 1))


def main(argv):
    rc = pcap.dump_or_fields(argv, "srh_scapy.py", packets, FIELDS)
    if rc is not None:
        return rc
    if len(argv) >= 3 and argv[0] == "srh":
        try:
            nh = int(argv[1])
        except ValueError:
            raise SystemExit("srh_scapy.py: next header \"%s\" is not a number" % argv[1])
        for arg in argv[2:]:
            srh = build_srh(nh, arg.split(","))
            print(srh.hex() if srh else "-")
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main(sys.argv[1:]))
