#!/usr/bin/env python3
"""Many UDP flows, for spraying and flow-label tests. Standard library only.

  flows.py send DST DPORT [--src ADDR] [--sport FIRST] [--flows N] [--packets K]
                [--size BYTES] [--tclass T] [--hlim H]
      N flows (source ports FIRST..FIRST+N-1), K datagrams each, sent round-robin
      (flow 1..N, then again) so the flows interleave on the wire.
  flows.py sink PORT [--expect N] [--idle SECONDS]
      receive on [::]:PORT (IPv4 too), print "ready" once bound, and at the end one
      JSON object: {"packets": total, "flows": {"SRC SPORT": count, ...}}. Ends after
      N datagrams, after SECONDS without one, or on SIGTERM/SIGINT.
  flows.py tcp-sink PORT
      accept one TCP connection on [::]:PORT (IPv4 too; "ready" once listening),
      read to the end and print {"bytes": received, "peer": "ADDR"}
  flows.py tcp-send DST PORT BYTES
      connect, send BYTES bytes, close; print {"bytes": sent}
"""
import argparse
import ipaddress
import json
import signal
import socket
import sys
import time


def send(a):
    family = socket.AF_INET6 if ipaddress.ip_address(a.dst).version == 6 else socket.AF_INET
    payload = b"\x5a" * a.size
    socks = []
    for i in range(a.flows):
        s = socket.socket(family, socket.SOCK_DGRAM)
        if a.tclass is not None:
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, a.tclass)
            else:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, a.tclass)
        if a.hlim is not None:
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.hlim)
            else:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.hlim)
        s.bind((a.src or ("::" if family == socket.AF_INET6 else "0.0.0.0"), a.sport + i))
        socks.append(s)
    sent = 0
    for _ in range(a.packets):
        for s in socks:
            s.sendto(payload, (a.dst, a.dport))
            sent += 1
            # Pace the burst: a receiving veth queues at most netdev_max_backlog packets.
            if sent % 32 == 0:
                time.sleep(0.002)
    for s in socks:
        s.close()
    print(json.dumps({"sent": sent}))
    return 0


def sink(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("::", a.port))
    s.settimeout(a.idle)
    flows, total = {}, 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop and (a.expect is None or total < a.expect):
        try:
            _, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        except InterruptedError:
            continue
        src = peer[0]
        if src.startswith("::ffff:"):
            src = src[7:]
        key = "%s %d" % (src, peer[1])
        flows[key] = flows.get(key, 0) + 1
        total += 1
    print(json.dumps({"packets": total, "flows": flows}, sort_keys=True), flush=True)
    return 0


def tcp_sink(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", a.port))
    s.listen(1)
    print("ready", flush=True)
    conn, peer = s.accept()
    total = 0
    buf = bytearray(1 << 20)
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        total += n
    conn.close()
    src = peer[0][7:] if peer[0].startswith("::ffff:") else peer[0]
    print(json.dumps({"bytes": total, "peer": src}), flush=True)
    return 0


def tcp_send(a):
    s = socket.create_connection((a.dst, a.port), timeout=30)
    chunk = b"\xa5" * (1 << 20)
    left = a.bytes
    while left > 0:
        n = min(left, len(chunk))
        s.sendall(chunk[:n] if n < len(chunk) else chunk)
        left -= n
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the peer to close: everything was read
    s.close()
    print(json.dumps({"bytes": a.bytes}))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("dst")
    ps.add_argument("dport", type=int)
    ps.add_argument("--src")
    ps.add_argument("--sport", type=int, default=20000)
    ps.add_argument("--flows", type=int, default=1)
    ps.add_argument("--packets", type=int, default=1)
    ps.add_argument("--size", type=int, default=64)
    ps.add_argument("--tclass", type=lambda v: int(v, 0))
    ps.add_argument("--hlim", type=int)
    pk = sub.add_parser("sink")
    pk.add_argument("port", type=int)
    pk.add_argument("--expect", type=int)
    pk.add_argument("--idle", type=float, default=5.0)
    pts = sub.add_parser("tcp-sink")
    pts.add_argument("port", type=int)
    ptc = sub.add_parser("tcp-send")
    ptc.add_argument("dst")
    ptc.add_argument("port", type=int)
    ptc.add_argument("bytes", type=int)
    a = p.parse_args()
    return {"send": send, "sink": sink, "tcp-sink": tcp_sink, "tcp-send": tcp_send}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
