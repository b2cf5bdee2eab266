#!/usr/bin/env python3
"""A numbered UDP stream, to measure how long a path was dead.

  gap.py recv [--port P] [--count N]       print "ready", then, once the stream
                                           stops for 3 s: "GAP RECEIVED", GAP the
                                           longest run of missing numbers
  gap.py send DST [--port P] [--sport S] [--count N] [--every-ms MS]

One datagram every MS milliseconds (default 1), numbered 0..N-1 (default 1500),
from one source port: one flow, so one path. The longest gap times MS is the
loss window; ping is no measure of it, as it slows down while replies are
missing. Standard library only.
"""
import argparse
import socket
import struct
import time


def recv(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", a.port))
    s.settimeout(3)
    print("ready", flush=True)
    seen = set()
    try:
        while True:
            seen.add(struct.unpack("!I", s.recv(64)[:4])[0])
    except socket.timeout:
        pass
    gap = run = 0
    for i in range(a.count):
        run = 0 if i in seen else run + 1
        gap = max(gap, run)
    print(gap, len(seen), flush=True)


def send(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", a.sport))
    t = time.monotonic()
    for i in range(a.count):
        s.sendto(struct.pack("!I", i), (a.dst, a.port))
        t += a.every_ms / 1000
        time.sleep(max(0.0, t - time.monotonic()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["send", "recv"])
    ap.add_argument("dst", nargs="?")
    ap.add_argument("--port", type=int, default=47000)
    ap.add_argument("--sport", type=int, default=47001)
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--every-ms", type=float, default=1.0)
    a = ap.parse_args()
    if a.role == "send" and not a.dst:
        ap.error("send needs DST")
    (send if a.role == "send" else recv)(a)


if __name__ == "__main__":
    main()
