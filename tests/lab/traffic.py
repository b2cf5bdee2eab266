#!/usr/bin/env python3
"""Bulk TCP flows across the lab, with the routers' link counters around them.

  traffic.py run --lab DIR --prefix P --pairs FILE --bytes N --out FILE [--label L]
             [--family 6|4] [--timeout S] [--deadline S] [--go-file F]
      every "SRC DST" line of FILE is one flow: SRC sends N bytes to DST. Reads
      every router's interface counters before and after, and writes one JSON
      document: the flows (seconds, Mbit/s), the job step time (from the common
      start to the last flow's end), the bytes each link carried in each
      direction (the transmitting router's tx counter; from a host, the receiving
      leaf's rx) and how busy the machine's CPUs were.
      --deadline S: a flow not finished S seconds after the start is stalled:
      it is aborted (a reset, so the next run can reuse its ports) and reported
      with the bytes its receiver got ("stalled", "delivered_bytes",
      "last_byte_seconds"); the run's step_seconds is then null and
      stalled_flows says how many. Without it a flow that does not finish in
      --timeout seconds is an error, as before.
      --go-file F: at the start, write this process's pid to F; a SIGUSR1 then
      marks the moment in the JSON (marks_seconds, from the start): a script
      that breaks something during the run says when it did.
  traffic.py agent --listen PORT,... --send DST:PORT:CPORT,... --bytes N [--deadline S]
      (run in a host's namespace by `run`) listen on the ports, say "ready",
      start the sends when stdin says "go", print one JSON line per flow.

One agent per host does all of that host's flows (threads; the sockets release
the interpreter while they wait). Ports are fixed per flow (receiver 5201 + i,
sender 40000 + i for the i-th line); connections end with a reset, so no
TIME_WAIT keeps the next run from reusing them. (The leaves' ECMP still differs
from run to run: Linux hashes a forwarded TCP packet by its sender socket's
random flow hash, as a switch hashing random source ports would.) All flows
start at once: the agents say
"ready" once listening, then all get "go". A flow's time runs from that start
to the receiver's acknowledgement that all N bytes arrived; the job step time
is the slowest flow's. Standard library only.
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

BASE_PORT = 5201
BASE_CPORT = 40000
CHUNK = 1 << 20


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def receive(listener, out, socks):
    """Accept one flow: an 8-byte length, that many bytes; acknowledge with 'k'.
    out["delivered"] and out["last"] follow the bytes as they arrive; socks
    gets the connection (so that a deadline can abort it)."""
    conn, _ = listener.accept()
    socks.append(conn)
    listener.close()
    head = b""
    while len(head) < 8:
        more = conn.recv(8 - len(head))
        if not more:
            out["error"] = "the sender closed before saying how much it sends"
            return
        head += more
    want = struct.unpack("!Q", head)[0]
    buf = bytearray(CHUNK)
    got = 0
    while got < want:
        n = conn.recv_into(buf, min(CHUNK, want - got))
        if n == 0:
            break
        got += n
        out["delivered"], out["last"] = got, time.monotonic()
    conn.sendall(b"k")
    # The sender resets the connection after reading the acknowledgement: no
    # TIME_WAIT on either side, so the next run reuses the same ports.
    try:
        conn.recv(1)
    except OSError:
        pass
    conn.close()
    out["received"] = got
    if got != want:
        out["error"] = "received %d of %d bytes" % (got, want)


def send(sock, dst, port, nbytes, go, out):
    go.wait()
    out["start"] = start = time.monotonic()
    try:
        sock.settimeout(120)
        sock.connect((dst, port))
        sock.sendall(struct.pack("!Q", nbytes))
        chunk = memoryview(bytes(CHUNK))
        left = nbytes
        while left > 0:
            n = min(left, CHUNK)
            sock.sendall(chunk[:n])
            left -= n
        if sock.recv(1) != b"k":
            raise OSError("no acknowledgement")
    except OSError as e:
        out["error"] = "to [%s]:%d: %s" % (dst, port, e)
        return
    end = time.monotonic()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    out.update(start=start, end=end, bytes=nbytes)


def agent(a):
    threads, results, socks = [], [], {}
    for port in filter(None, a.listen.split(",")):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", int(port)))
        s.listen(1)
        out = {"role": "receive", "port": int(port)}
        results.append(out)
        socks[id(out)] = [s]
        threads.append(threading.Thread(target=receive, args=(s, out, socks[id(out)]),
                                        daemon=True))
    go = threading.Event()
    for spec in filter(None, a.send.split(",")):
        dst, port, cport = spec.rsplit(":", 2)
        dst = dst.strip("[]")
        s = socket.socket(family(dst), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if family(dst) == socket.AF_INET6 else "0.0.0.0", int(cport)))
        out = {"role": "send", "port": int(port)}
        results.append(out)
        socks[id(out)] = [s]
        threads.append(threading.Thread(target=send, args=(s, dst, int(port), a.bytes, go, out),
                                        daemon=True))
    for t in threads:
        t.start()
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    go.set()
    if a.deadline:
        return agent_until_stopped(a, threads, results, socks)
    deadline = time.monotonic() + a.timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    for out in results:
        if "error" not in out and "received" not in out and "end" not in out:
            out["error"] = "no end after %d s" % a.timeout
        print(json.dumps(out), flush=True)
    return 1 if any("error" in out for out in results) else 0


def agent_until_stopped(a, threads, results, socks):
    """With a deadline, which `run` keeps: when every flow is done, report them;
    when stdin says "stop" first, report too (flows not done as stalled, with
    what they moved so far), say "stopped", and at "abort" reset what is left.
    Two steps, so that no agent's resets reach a flow before its own agent
    has reported it."""
    limit = time.monotonic() + a.deadline + 30  # `run` is gone: stop on our own
    stop = False
    while any(t.is_alive() for t in threads) and time.monotonic() < limit:
        if select.select([sys.stdin], [], [], 0.05)[0]:
            stop = True  # "stop", or the end of stdin
            break
    stalled = False
    for out in results:
        if "error" not in out and "received" not in out and "end" not in out:
            out["stalled"] = stalled = True
        print(json.dumps(dict(out)), flush=True)  # a copy: its thread may still write
    rc = 1 if any("error" in out for out in results) else 0
    if not stalled:
        return rc
    print("stopped", flush=True)
    if stop and sys.stdin.readline().strip() == "stop":
        sys.stdin.readline()  # "abort"
    # With a zero linger time, closing (at exit) resets a connection and frees
    # its ports at once, not after minutes of retransmissions to a peer that
    # may be unreachable; the threads still blocked in them end with the process.
    for out in results:
        if out.get("stalled"):
            for sock in socks[id(out)]:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
    os._exit(rc)


def counters(ns):
    """{ifname: {"tx_bytes", "tx_packets", "rx_bytes", "rx_packets"}} in a namespace."""
    return subprocess.Popen(["ip", "-n", ns, "-j", "-s", "link", "show"],
                            stdout=subprocess.PIPE, text=True)


def snapshot(prefix, nodes):
    """Every node's interface counters (the `ip` calls run in parallel)."""
    procs = {n: counters("%s-%s" % (prefix, n)) for n in nodes}
    res = {}
    for n, p in procs.items():
        out, _ = p.communicate()
        if p.returncode != 0:
            sys.exit("traffic.py: cannot read the counters of %s-%s" % (prefix, n))
        res[n] = {}
        for link in json.loads(out):
            st = link.get("stats64") or link.get("stats")
            res[n][link["ifname"]] = {"tx_bytes": st["tx"]["bytes"],
                                      "tx_packets": st["tx"]["packets"],
                                      "rx_bytes": st["rx"]["bytes"],
                                      "rx_packets": st["rx"]["packets"]}
    return res


def cpu_times():
    """(all, idle) jiffies of the whole machine (/proc/stat): how busy it was."""
    with open("/proc/stat", encoding="ascii") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]), v[3] + v[4]


def first_line(p, timeout):
    """The first line a child prints, or "" if it prints none within timeout s."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    return p.stdout.readline().strip() if ready else ""


def stop_at_deadline(agents, deadline):
    """Wait for the agents until deadline (time.monotonic()); then have those
    still running report ("stop"), and once all did, abort ("abort"). Returns
    {host: report lines} of the stopped ones."""
    for p in agents.values():
        try:
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    running = [h for h, p in agents.items() if p.poll() is None]
    for h in running:
        agents[h].stdin.write("stop\n")
        agents[h].stdin.flush()
    lines = {}
    for h in running:
        lines[h] = []
        for line in agents[h].stdout:
            if line.strip() == "stopped":
                break
            lines[h].append(line.strip())
    for h in running:
        try:
            agents[h].stdin.write("abort\n")
            agents[h].stdin.flush()
        except BrokenPipeError:
            pass
    return lines


def read_pairs(path, hosts):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if len(fields) < 2 or fields[0] not in hosts or fields[1] not in hosts:
                sys.exit("traffic.py: %s: bad line %r (want SRC DST, hosts of the lab)"
                         % (path, line.strip()))
            pairs.append((fields[0], fields[1]))
    return pairs


def run(a):
    with open(os.path.join(a.lab, "lab.json"), encoding="utf-8") as f:
        lab = json.load(f)
    hosts = {h["name"]: h for h in lab["hosts"]}
    pairs = read_pairs(a.pairs, hosts)
    listen, sends = {}, {}
    for i, (src, dst) in enumerate(pairs):
        addr = hosts[dst]["ipv6"] if a.family == 6 else hosts[dst]["ipv4"]
        listen.setdefault(dst, []).append(str(BASE_PORT + i))
        sends.setdefault(src, []).append("[%s]:%d:%d" % (addr, BASE_PORT + i, BASE_CPORT + i))
    agents = {}
    for h in sorted(set(listen) | set(sends)):
        agents[h] = subprocess.Popen(
            ["ip", "netns", "exec", "%s-%s" % (a.prefix, h), sys.executable,
             os.path.abspath(__file__), "agent", "--listen", ",".join(listen.get(h, [])),
             "--send", ",".join(sends.get(h, [])), "--bytes", str(a.bytes),
             "--timeout", str(a.timeout), "--deadline", str(a.deadline or 0)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for h, p in agents.items():
        if first_line(p, 30) != "ready":
            for q in agents.values():
                q.kill()
            sys.exit("traffic.py: the agent on %s did not start: %s"
                     % (h, p.communicate()[1].strip()[-300:]))

    nodes = [r["name"] for r in lab["routers"]]  # a host link's host side: the leaf's rx
    before = snapshot(a.prefix, nodes)
    cpu0 = cpu_times()
    marks = []
    t0 = time.monotonic()
    for p in agents.values():
        p.stdin.write("go\n")
        p.stdin.flush()
    if a.go_file:
        signal.signal(signal.SIGUSR1, lambda *_: marks.append(time.monotonic() - t0))
        with open(a.go_file, "w", encoding="ascii") as f:
            f.write("%d\n" % os.getpid())
    early = stop_at_deadline(agents, t0 + a.deadline) if a.deadline else {}
    sent, received, errors = {}, {}, []
    for h, p in agents.items():
        out, err = p.communicate(timeout=(a.deadline or a.timeout) + 10)
        for line in early.get(h, []) + out.splitlines():
            if line == "stopped":
                continue
            r = json.loads(line)
            if "error" in r:
                errors.append("%s (%s port %d): %s" % (h, r["role"], r["port"], r["error"]))
            elif r["role"] == "send":
                sent[r["port"]] = r
            else:
                received[r["port"]] = r
        if p.returncode != 0 and not errors:
            errors.append("%s: agent exited %d: %s" % (h, p.returncode, err.strip()[-300:]))
    cpu1 = cpu_times()
    after = snapshot(a.prefix, nodes)
    if errors:
        sys.exit("traffic.py: flows failed: " + "; ".join(errors))

    flows = []
    for i, (src, dst) in enumerate(pairs):
        r = sent[BASE_PORT + i]
        if "end" in r:
            secs = r["end"] - r["start"]
            flows.append({"src": src, "dst": dst, "bytes": r["bytes"], "start": r["start"] - t0,
                          "end": r["end"] - t0, "seconds": secs,
                          "mbit": r["bytes"] * 8 / secs / 1e6,
                          "stalled": False, "delivered_bytes": r["bytes"]})
            continue
        # Stalled at the deadline: what its receiver got, at what rate on average
        # from the start to the deadline, and when its last byte arrived.
        got = received.get(BASE_PORT + i, {})
        delivered = got.get("delivered", 0)
        flows.append({"src": src, "dst": dst, "bytes": a.bytes, "start": r["start"] - t0,
                      "end": None, "seconds": None, "mbit": delivered * 8 / a.deadline / 1e6,
                      "stalled": True, "delivered_bytes": delivered,
                      "last_byte_seconds": got["last"] - t0 if got.get("last") else None})
    links = []
    for ln in lab["links"]:
        for frm, to, side in ((ln["a"], ln["b"], "a"), (ln["b"], ln["a"], "b")):
            # The sender's tx counter, or (hosts) the receiving router's rx.
            if frm in before:
                node, dev, d = frm, ln[side + "_if"], "tx"
            else:
                node, dev, d = to, ln[("b" if side == "a" else "a") + "_if"], "rx"
            c0, c1 = before[node][dev], after[node][dev]
            links.append({"from": frm, "to": to, "kind": ln["kind"],
                          "bytes": c1[d + "_bytes"] - c0[d + "_bytes"],
                          "packets": c1[d + "_packets"] - c0[d + "_packets"]})
    stalled = sum(1 for f in flows if f["stalled"])
    doc = {"label": a.label, "bytes_per_flow": a.bytes, "rate_mbit": lab["rate_mbit"],
           "family": a.family, "flows": flows, "links": links,
           "step_seconds": None if stalled else max(f["end"] for f in flows),
           "start_skew_seconds": max(f["start"] for f in flows) - min(f["start"] for f in flows),
           "cpu_busy": 1 - (cpu1[1] - cpu0[1]) / max(1, cpu1[0] - cpu0[0]),
           "stalled_flows": stalled, "deadline_seconds": a.deadline, "marks_seconds": marks}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--lab", required=True, help="the lab's directory (lab.json)")
    r.add_argument("--prefix", required=True, help="the lab's namespace prefix")
    r.add_argument("--pairs", required=True)
    r.add_argument("--bytes", type=int, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--label", default="")
    r.add_argument("--family", type=int, choices=(4, 6), default=6)
    r.add_argument("--timeout", type=int, default=120)
    r.add_argument("--deadline", type=float, default=None,
                   help="flows not finished after S seconds are stalled (reported, not errors)")
    r.add_argument("--go-file", help="write the pid here at the start; SIGUSR1 marks a moment")
    g = sub.add_parser("agent")
    g.add_argument("--listen", default="")
    g.add_argument("--send", default="")
    g.add_argument("--bytes", type=int, required=True)
    g.add_argument("--timeout", type=int, default=120)
    g.add_argument("--deadline", type=float, default=0)
    a = ap.parse_args()
    return run(a) if a.cmd == "run" else agent(a)


if __name__ == "__main__":
    sys.exit(main())
