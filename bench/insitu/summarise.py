"""Summarise the insitu section: ns per packet in situ, the sender's rate, checks.

Standard library only. Two uses:

  summarise.py --line WORKLOAD MODE RUN BASE ENCAP DECAP0 DECAP1
      one run's progress line, after checking that the run measured what its
      mode claims; exits 1 when not
  summarise.py --runs runs.tsv --seconds S ... --out result.json
      result.json (bench/README.md describes the shape) and the human table

runs.tsv: workload, mode, run, BASE (BASE.stats.json from prog-time,
BASE.send.json from udp-blast or iperf3), srv6-bpf's encap_packets taken
during the run, h1's decapsulated bytes before and after (TCP).
"""
import argparse
import json
import statistics
import sys

WORKLOADS = [("udp64", "UDP, 64 B payload"), ("udp1400", "UDP, 1,400 B payload"),
             ("tcp", "TCP, one stream")]
MODES = {
    "plain": "nothing on the hook",
    "empty": "empty TC program",
    "srv6": "srv6_encap",
    "room": "room + srv6_encap",
    "headroom": "srv6_encap, eth0 headroom {headroom}",
    "peers": "srv6_encap, {peers} peers",
    "reroute": "srv6_encap, peer-routes off",
    "reroute_fwd": "srv6_encap, p-r off, forwarding",
    "miss": "srv6_encap, peer miss (pass)",
    "before": "srv6_encap at {before}",
    "miss_before": "srv6_encap at {before}, miss",
    "reroute_before": "srv6_encap at {before}, p-r off",
}
# What each mode must have on the hook, in order (program names).
HOOK = {"plain": [], "empty": ["insitu_empty"], "srv6": ["srv6_encap"],
        "room": ["insitu_room", "srv6_encap"], "headroom": ["srv6_encap"], "peers": ["srv6_encap"],
        "reroute": ["srv6_encap"], "reroute_fwd": ["srv6_encap"], "miss": ["srv6_encap"],
        "miss_before": ["srv6_encap"], "before": ["srv6_encap"], "reroute_before": ["srv6_encap"]}
# Variants that leave traffic encapsulated (the rest send it plain, or, adjust,
# with a zeroed outer header).
ENCAPSULATING = {"write", "full", "helper", "nomtu"}
UDP64_TARGET = 100
TCP_TARGET = 150


def hook_of(mode):
    if mode.startswith("vroom_"):
        return ["insitu_room", "srv6_encap"]
    if mode.startswith("v_"):
        return ["srv6_encap"]
    return HOOK[mode]


def encapsulates(mode):
    if mode.startswith(("v_", "vroom_")):
        return mode.split("_", 1)[1] in ENCAPSULATING
    return mode in ("srv6", "room", "headroom", "peers", "reroute", "reroute_fwd", "before",
                    "reroute_before")


def load(base, wl):
    with open(base + ".stats.json") as f:
        stats = json.load(f)
    with open(base + ".send.json") as f:
        send = json.load(f)
    progs = {p["name"]: p for p in stats["programs"]}
    order = [p["name"] for p in stats["programs"]]
    run = {"programs": progs, "order": order}
    if wl == "tcp":
        if "error" in send:
            raise SystemExit("iperf3: " + send["error"])
        end = send["end"]
        run.update(bytes=end["sum_sent"]["bytes"], received=end["sum_received"]["bytes"],
                   gbit_per_s=end["sum_received"]["bits_per_second"] / 1e9,
                   seconds=end["sum_sent"]["seconds"])
    else:
        run.update(packets=send["packets"], pps=send["pps"], seconds=send["seconds"],
                   queue_full=send["queue_full"])
    return run


def check(wl, mode, i, run, encap, decap):
    """Why this run did not measure what its mode says, or None."""
    want = hook_of(mode)
    if run["order"] != want:
        return f"the hook ran {run['order'] or 'nothing'}, not {want or 'nothing'}"
    for name in want:
        if run["programs"][name]["runs"] == 0:
            return f"{name} did not run"
    if wl == "tcp":
        if encapsulates(mode) and decap < run["received"]:
            return (f"h1 decapsulated {decap} bytes < {run['received']} delivered: "
                    "not all encapsulated")
        if not encapsulates(mode) and decap != 0:
            return f"h1 decapsulated {decap} bytes: traffic was encapsulated"
        return None
    n = run["packets"]
    if n == 0:
        return "the sender sent nothing"
    for name in want:
        if run["programs"][name]["runs"] < n:
            return f"{name} ran {run['programs'][name]['runs']} times for {n} datagrams"
    if encapsulates(mode) and not mode.startswith(("v_", "vroom_")) and encap < n:
        return f"srv6-bpf encapsulated {encap} packets < {n} datagrams sent"
    if mode in ("plain", "empty") and encap != 0:
        return f"srv6-bpf encapsulated {encap} packets with srv6_encap off the hook"
    return None


def ns(run, name):
    p = run["programs"].get(name)
    return p["ns_per_run"] if p else None


def line(wl, mode, i, base, encap, d0, d1):
    run = load(base, wl)
    why = check(wl, mode, i, run, int(encap), int(d1) - int(d0))
    progs = " ".join(f"{n} {run['programs'][n]['ns_per_run']:.1f} ns/run" for n in run["order"])
    rate = (f"{run['gbit_per_s']:.2f} Gbit/s" if wl == "tcp" else f"{run['pps'] / 1e3:.0f} kpps")
    print(f"  run {i} {wl:<8} {mode:<14} {rate:>12}  {progs}")
    if why:
        print(f"bench: {wl} {mode} run {i}: {why}", file=sys.stderr)
        sys.exit(1)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec=".1f", none="-"):
    return none if x is None else format(x, spec)


def summarise(a):
    runs = {}
    variants = []
    if a.variants:
        with open(a.variants) as f:
            variants = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
    with open(a.runs) as f:
        for ln in f:
            wl, mode, i, base, encap, d0, d1 = ln.rstrip("\n").split("\t")
            r = load(base, wl)
            r.update(run=int(i), encapsulated_packets=int(encap), decapsulated_bytes=int(d1) - int(d0))
            runs.setdefault(wl, {}).setdefault(mode, []).append(r)

    def paired(wl, mode, name="srv6_encap", per_packet=False):
        """Median over runs of (mode's name ns - empty's ns), run i with run i."""
        empty = {r["run"]: ns(r, "insitu_empty") for r in runs[wl].get("empty", [])}
        out = []
        for r in runs[wl].get(mode, []):
            e = empty.get(r["run"])
            p = r["programs"].get(name)
            if e is None or p is None or not p["runs"]:
                continue
            cost = p["run_time_ns"] / r["packets"] if per_packet else p["ns_per_run"]
            out.append(cost - e)
        return median(out)

    def ratio(wl, mode, key):
        plain = {r["run"]: r[key] for r in runs[wl].get("plain", [])}
        return median(r[key] / plain[r["run"]] for r in runs[wl].get(mode, [])
                      if plain.get(r["run"]))

    table = {}
    for wl, _ in WORKLOADS:
        table[wl] = {}
        for mode, rs in runs.get(wl, {}).items():
            key = "gbit_per_s" if wl == "tcp" else "pps"
            entry = {
                "runs": rs,
                "median_" + key: median(r[key] for r in rs),
                "median_ns_per_run": {n: median(ns(r, n) for r in rs) for n in hook_of(mode)},
                "ratio_to_plain": ratio(wl, mode, key),
            }
            if "srv6_encap" in hook_of(mode):
                entry["net_ns_per_run"] = paired(wl, mode)
            if mode == "room" or mode.startswith("vroom_"):
                entry["room_net_ns_per_run"] = paired(wl, mode, "insitu_room")
            if mode in ("reroute", "reroute_fwd", "reroute_before"):
                entry["runs_per_packet"] = median(r["programs"]["srv6_encap"]["runs"] / r["packets"]
                                                  for r in rs)
                entry["net_ns_per_packet"] = paired(wl, mode, per_packet=True)
            if wl == "tcp":
                name = hook_of(mode)[-1] if hook_of(mode) else None
                entry["bytes_per_skb"] = median(r["bytes"] / r["programs"][name]["runs"]
                                                for r in rs if name) if name else None
            table[wl][mode] = entry

    net64 = table["udp64"]["srv6"]["net_ns_per_run"]
    net1400 = table["udp1400"]["srv6"]["net_ns_per_run"]
    net_tcp = table["tcp"]["srv6"]["net_ns_per_run"]
    judged = a.quick != "1"

    def target(metric, value, unit, goal, ok):
        return {"metric": metric, "value": value, "unit": unit, "target": goal,
                "met": (ok if value is not None else None) if judged else None}

    def paired_diff(wl, mode, base, per_packet=False):
        """Median over rounds of mode's srv6_encap ns minus base's, round by round."""
        def cost(r):
            p = r["programs"]["srv6_encap"]
            return p["run_time_ns"] / r["packets"] if per_packet else p["ns_per_run"]
        b = {r["run"]: cost(r) for r in runs[wl].get(base, [])}
        return median(cost(r) - b[r["run"]] for r in runs[wl].get(mode, []) if r["run"] in b)

    before = {}
    if a.before:
        for wl, mode, base, per_packet in (("udp64", "srv6", "before", False),
                                           ("udp1400", "srv6", "before", False),
                                           ("tcp", "srv6", "before", False),
                                           ("udp64", "reroute", "reroute_before", True),
                                           ("udp64", "reroute_fwd", "reroute_before", True),
                                           ("udp64", "miss", "miss_before", False),
                                           ("tcp", "miss", "miss_before", False)):
            if base not in table[wl] or mode not in table[wl]:
                continue
            key = "gbit_per_s" if wl == "tcp" else "pps"
            rates = {r["run"]: r[key] for r in runs[wl][base]}
            name = {"srv6": wl, "miss": wl + "_peer_miss"}.get(
                mode, wl + "_peer_routes_off" + mode[len("reroute"):])
            before[name] = {
                "before_net_ns": table[wl][base].get("net_ns_per_packet" if per_packet
                                                     else "net_ns_per_run"),
                "after_net_ns": table[wl][mode].get("net_ns_per_packet" if per_packet
                                                    else "net_ns_per_run"),
                "after_minus_before_ns": paired_diff(wl, mode, base, per_packet),
                "per": "packet" if per_packet else "run",
                "sender_rate_after_to_before": median(
                    r[key] / rates[r["run"]] for r in runs[wl][mode] if rates.get(r["run"])),
            }

    breakdown = []
    if variants:
        prev = table["udp64"]["empty"]["median_ns_per_run"]["insitu_empty"]
        prev_tcp = table["tcp"]["empty"]["median_ns_per_run"]["insitu_empty"]
        for name, defines, workloads, what in variants:
            defines = "" if defines == "-" else defines
            step = {"variant": name, "defines": defines, "what": what}
            u = table["udp64"].get("v_" + name)
            if u:
                step["udp64_ns_per_run"] = u["median_ns_per_run"]["srv6_encap"]
                step["udp64_net_ns"] = u["net_ns_per_run"]
            ur = table["udp64"].get("vroom_" + name)
            if ur:
                step["udp64_behind_room_net_ns"] = ur["net_ns_per_run"]
            t = table["tcp"].get("v_" + name)
            if t:
                step["tcp_ns_per_run"] = t["median_ns_per_run"]["srv6_encap"]
                step["tcp_net_ns"] = t["net_ns_per_run"]
            if defines.startswith("-DSTOP_AT") or name == "full":
                if u:
                    step["udp64_step_ns"] = step["udp64_ns_per_run"] - prev
                    prev = step["udp64_ns_per_run"]
                if t:
                    step["tcp_step_ns"] = step["tcp_ns_per_run"] - prev_tcp
                    prev_tcp = step["tcp_ns_per_run"]
            breakdown.append(step)

    result = {
        "title": "srv6_encap in situ: ns per packet on the TC egress hook (BPF run-time stats) "
                 "and the sender's rate, UDP 64 B / 1,400 B (sendmmsg) and TCP",
        "command": a.command,
        "method": {
            "lab": "h0 -- h1 over one veth pair (MTU 1540; h0 sends with MTU 1500 in every "
                   "mode); srv6-bpf on h0's eth0 (xdp off), one peer (h1's 2001:db8:2::2, one "
                   "SID: outer IPv6 header, no SRH)",
            "receiver": "UDP: h1 drops every packet at TC ingress (bench/insitu/sink.bpf.c); "
                        "TCP: h1 decapsulates with srv6-bpf's XDP (generic) in every TCP mode",
            "senders": "UDP: build/bench/udp-blast (sendmmsg, 64 datagrams a call, one "
                       "connected socket); TCP: iperf3 -c, one stream",
            "timing": "run_cnt and run_time_ns of each program on the hook around the sender "
                      "(build/bench/prog-time, BPF_ENABLE_STATS by file descriptor); net = "
                      "srv6_encap's ns per run minus the empty program's in the same "
                      "interleaved run round, median over rounds",
            "modes": {m: t.format(peers=a.peers, headroom=a.headroom_bytes, before=a.before)
                      for m, t in MODES.items()},
            "seconds_per_run": a.seconds, "runs_per_mode": max(
                len(v) for v in runs["udp64"].values()),
            "load_average": {"start": a.load_start, "end": a.load_end},
        },
        "workloads": table,
        "ns_per_packet_net": {"udp64": net64, "udp1400": net1400, "tcp_per_skb": net_tcp},
        "sender_rate_srv6_to_plain": {wl: table[wl]["srv6"]["ratio_to_plain"]
                                      for wl, _ in WORKLOADS},
        "headroom": {
            "what": "UDP skbs reach the hook with LL_RESERVED_SPACE of headroom (16 bytes, 2 "
                    "after the Ethernet header on a device with needed_headroom 0), so "
                    "bpf_skb_adjust_room reallocates the head (pskb_expand_head) for the "
                    "40-byte outer header. room: a program in front makes the room first "
                    "(its own run time is that reallocation and two adjust_room calls); "
                    "headroom: h0's eth0 reports needed_headroom (IFLA_HEADROOM) "
                    f"{a.headroom_bytes} instead of {a.headroom_before}, and the UDP stack "
                    "reserves the room itself",
            "udp64_srv6_encap_behind_room_net_ns": table["udp64"]["room"]["net_ns_per_run"],
            "udp64_room_program_net_ns": table["udp64"]["room"]["room_net_ns_per_run"],
            "device_headroom": {
                "measured": a.headroom == "yes",
                "not_measured": None if a.headroom == "yes" else a.headroom[len("no: "):],
                "bytes": a.headroom_bytes, "bytes_before": a.headroom_before,
                "udp64_net_ns": table["udp64"].get("headroom", {}).get("net_ns_per_run"),
                "udp1400_net_ns": table["udp1400"].get("headroom", {}).get("net_ns_per_run"),
                "udp64_rate_to_plain": table["udp64"].get("headroom", {}).get("ratio_to_plain"),
                "udp1400_rate_to_plain":
                    table["udp1400"].get("headroom", {}).get("ratio_to_plain"),
            },
        },
        "breakdown": breakdown,
        "before": {"revision": a.before, "what": "srv6_encap built from that git revision, "
                   "timed in the same rounds (modes before, reroute_before); differences "
                   "paired round by round", "workloads": before} if a.before else None,
        "targets": [
            target("ns per 64-byte UDP packet, srv6_encap in situ net of an empty program",
                   net64, "ns", f"<= {UDP64_TARGET}",
                   net64 is not None and net64 <= UDP64_TARGET),
            target("ns per TCP GSO skb, srv6_encap in situ net of an empty program",
                   net_tcp, "ns", f"<= {TCP_TARGET}",
                   net_tcp is not None and net_tcp <= TCP_TARGET),
        ],
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    n = result["method"]["runs_per_mode"]
    print(f"srv6_encap in situ on h0's TC egress (veth), BPF run-time stats, {n} interleaved "
          f"run(s) x {a.seconds:g} s per mode; net = minus the empty program, run by run")
    print()
    print(f"{'workload':<22} {'mode':<28} {'ns/run':>8} {'net ns':>8} {'rate':>14} {'vs plain':>9}")
    for wl, title in WORKLOADS:
        first = True
        order = [m for m in MODES if m in table[wl]] + [m for m in table[wl] if m not in MODES]
        for mode in order:
            e = table[wl][mode]
            if mode.startswith(("v_", "vroom_")):
                continue
            per_run = e["median_ns_per_run"].get("srv6_encap",
                                                 e["median_ns_per_run"].get("insitu_empty"))
            net = e.get("net_ns_per_run")
            if wl == "tcp":
                rate = f"{fmt(e['median_gbit_per_s'], '.2f')} Gbit/s"
            else:
                rate = f"{fmt(e['median_pps'] / 1e3, '.0f')} kpps"
            label = MODES[mode].format(peers=f"{a.peers:,}", headroom=a.headroom_bytes,
                                       before=a.before[:10])
            print(f"{title if first else '':<22} {label:<28} {fmt(per_run):>8} {fmt(net):>8} "
                  f"{rate:>14} {fmt(e['ratio_to_plain'], '.3f'):>9}")
            first = False
            if mode == "room":
                print(f"{'':<22} {'  (room program itself)':<28} "
                      f"{fmt(e['median_ns_per_run']['insitu_room']):>8} "
                      f"{fmt(e['room_net_ns_per_run']):>8}")
            if mode in ("reroute", "reroute_fwd", "reroute_before"):
                print(f"{'':<22} {'  (per packet: runs/packet':<28} "
                      f"{fmt(e['runs_per_packet'], '.2f'):>8} "
                      f"{fmt(e['net_ns_per_packet']):>8})")
        if wl == "tcp":
            s = table["tcp"]["srv6"]
            print(f"{'':<22} (a run is one GSO skb: {fmt(s['bytes_per_skb'] / 1e3, '.1f')} kB "
                  "of payload on average with srv6_encap)")
    print()
    if before:
        print(f"Before ({a.before}) -> after (this tree), same rounds: net ns, after - before "
              "paired round by round, sender's rate after / before")
        for name, b in before.items():
            print(f"  {name:<24} {fmt(b['before_net_ns']):>7} -> {fmt(b['after_net_ns']):>7} "
                  f"ns per {b['per']}  ({fmt(b['after_minus_before_ns'], '+.1f')} ns)  "
                  f"rate x{fmt(b['sender_rate_after_to_before'], '.3f')}")
        print()
    if breakdown:
        print("Breakdown (BENCH_IS_BREAKDOWN=1): variants of srv6_encap, ns per run net of the "
              "empty program; step = this stop point minus the one before")
        print(f"{'variant':<8} {'UDP 64 net':>10} {'step':>7} {'behind room':>12} "
              f"{'TCP net':>8} {'step':>7}  what")
        for s in breakdown:
            print(f"{s['variant']:<8} {fmt(s.get('udp64_net_ns')):>10} "
                  f"{fmt(s.get('udp64_step_ns')):>7} {fmt(s.get('udp64_behind_room_net_ns')):>12} "
                  f"{fmt(s.get('tcp_net_ns')):>8} {fmt(s.get('tcp_step_ns')):>7}  {s['what']}")
        print()
    if a.headroom != "yes":
        print(f"eth0 headroom mode: not measured ({a.headroom[len('no: '):]})")
    for t in result["targets"]:
        verdict = {True: "met", False: "not met", None: "not judged (quick run)"}[t["met"]]
        print(f"{t['metric']}: {fmt(t['value'])} {t['unit']} (target {t['target']}: {verdict})")
    for wl, title in WORKLOADS:
        r = result["sender_rate_srv6_to_plain"][wl]
        print(f"sender's rate srv6_encap / plain, {title}: {fmt(r, '.3f')}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--line":
        if len(sys.argv) != 9:
            sys.exit("usage: summarise.py --line WORKLOAD MODE RUN BASE ENCAP DECAP0 DECAP1")
        line(*sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--command", default="bench/run.sh insitu")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--peers", type=int, required=True)
    ap.add_argument("--quick", default="0")
    ap.add_argument("--load-start", default="")
    ap.add_argument("--load-end", default="")
    ap.add_argument("--headroom", default="yes", help='"yes", or "no: why"')
    ap.add_argument("--headroom-bytes", type=int, default=0)
    ap.add_argument("--headroom-before", type=int, default=0)
    ap.add_argument("--variants")
    ap.add_argument("--before", default="", help="git revision timed as modes before*")
    ap.add_argument("--out", required=True)
    summarise(ap.parse_args())


if __name__ == "__main__":
    main()
