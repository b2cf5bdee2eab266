"""Summarise the decap_throughput section: check every run's mode, medians per
mode, the XDP / End.DT6 ratios (or XDP / plain where the lab has no End.DT6).

Standard library only. Reads the runs run.sh recorded (one line per run, each
naming its iperf3 JSON), writes result.json (bench/README.md describes the
shape) and prints the human table. Exits non-zero, naming the run, when a run
did not measure its mode.
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iperf_runs import per, ratio_target as target, read_runs  # noqa: E402

# mode: (title, XDP attachment the kernel must report on h1's eth0, r1 eth1's
# tx-tcp6-segmentation, h1 eth0's GRO (None: whatever the kernel chose)).
MODES = {
    "dt6": ("kernel End.DT6", "none", "on", "off"),
    "plain": ("plain, not encapsulated", "none", "on", "off"),
    "native": ("srv6-bpf XDP native", "native", "off", "off"),
    "generic": ("srv6-bpf XDP generic", "generic", "on", "off"),
    "dt6frames": ("End.DT6, frames + GRO", "none", "off", "on"),
    "plainframes": ("plain, frames + GRO", "none", "off", "on"),
    "nativegro": ("XDP native, frames + GRO", "native", "off", "on"),
}
# Not encapsulated: nothing may be decapsulated, nothing may pass r1's End.
PLAIN = ("plain", "plainframes")
# The modes of each baseline, in run order: End.DT6 where the lab has it, else plain.
BASES = {"dt6": ["dt6", "native", "generic", "dt6frames", "nativegro"],
         "plain": ["plain", "native", "generic", "plainframes", "nativegro"]}
FIELDS = ["mode", "run", "iperf3_json", "end_dt6_bytes", "xdp_decap_packets", "xdp_decap_bytes",
          "r1_tx_skbs", "r1_tx_bytes", "r1_tso", "h1_gro", "kernel_xdp_mode", "load_1min",
          "r1_end_packets", "r1_end_bytes"]

WHY = """\
Why XDP trails on veth, and why that does not carry over to NICs:
- native: attaching a native XDP program to h1's veth makes the kernel clear
  the software GSO features of its peer, r1's eth1 (drivers/net/veth.c,
  veth_xdp_set: "r1 TSO" is off for exactly these runs). r1 then segments
  every TCP super-packet in software ("r1 B/skb" drops to one frame); h1
  takes each frame through veth's XDP path, which copies a frame into a
  page-pool page when it lacks XDP's headroom (veth_convert_skb_to_xdp_buff),
  and with h1's GRO off (the default) each decapsulated frame goes up the
  stack alone. End.DT6 gets r1's GSO skbs whole.
- generic: r1 keeps GSO and srv6_decap runs once per GSO skb ("B/XDP run"),
  but generic XDP first copies each such non-linear skb into page-pool pages
  (netif_receive_generic_xdp, skb_cow_data_for_xdp): tens of kB per run.
- controls: both fed as a NIC feeds them, one frame per skb and GRO on h1.
  End.DT6 decapsulates after GRO has merged the encapsulated frames; XDP
  decapsulates each frame before GRO, and on veth also pays the frame copy.
- plain baseline (no End.DT6 here): the same path, not encapsulated and with
  nothing loaded on h1, so generic XDP's copy and native XDP's lost TSO, which
  plain traffic does not pay, count against XDP together with decapsulation.
- So the XDP rows measure veth's XDP plumbing more than decapsulation. On a
  physical NIC the wire has already cut the stream into MTU frames whatever
  h1 runs, nothing upstream loses an offload, and the driver hands XDP its
  own receive buffer (no copy): srv6_decap runs per frame before GRO, at
  xdp_run's ns/pkt times the frame rate (833,000 frames/s of 1,500 bytes at
  10 Gbit/s), while End.DT6 runs after GRO. Compare on real NICs."""


def check_mode(mode, run):
    """Why this run did not measure its mode, or None: the kernel's XDP attachment on
    h1's eth0, the offloads that define the mode, which decapsulation took at
    least the bytes iperf3 delivered while the other took none, and r1's End
    (at least those bytes; none for plain traffic)."""
    _, want_xdp, want_tso, want_gro = MODES[mode]
    dt6, xdp, delivered = (run["end_dt6_decapsulated_bytes"], run["xdp_decapsulated_bytes"],
                           run["bytes"])
    ended = run["r1_end_bytes"]
    if run["kernel_xdp_mode"] != want_xdp:
        return f"the kernel reports XDP mode {run['kernel_xdp_mode']} on h1's eth0, not {want_xdp}"
    if run["r1_eth1_tx_tcp6_segmentation"] != want_tso:
        return f"r1 eth1 tx-tcp6-segmentation is {run['r1_eth1_tx_tcp6_segmentation']}, not {want_tso}"
    if want_gro and run["h1_eth0_gro"] != want_gro:
        return f"h1 eth0 generic-receive-offload is {run['h1_eth0_gro']}, not {want_gro}"
    if mode in PLAIN:
        if dt6 or xdp or ended:
            return (f"End.DT6 decapsulated {dt6} bytes, srv6_decap {xdp}, r1's End took "
                    f"{ended}: the traffic was encapsulated")
        return None
    if ended < delivered:
        return f"r1's End took {ended} bytes < the {delivered} iperf3 delivered"
    if want_xdp == "none":
        if dt6 < delivered:
            return f"End.DT6 decapsulated {dt6} bytes < the {delivered} iperf3 delivered"
        if xdp:
            return f"srv6_decap decapsulated {xdp} bytes with xdp off"
    else:
        if xdp < delivered:
            return f"srv6_decap decapsulated {xdp} bytes < the {delivered} iperf3 delivered"
        if dt6:
            return f"End.DT6 decapsulated {dt6} bytes: XDP did not take every packet"
    return None


def run_fields(raw):
    return {
        "kernel_xdp_mode": raw["kernel_xdp_mode"],
        "end_dt6_decapsulated_bytes": int(raw["end_dt6_bytes"]),
        "xdp_decapsulated_packets": int(raw["xdp_decap_packets"]),
        "xdp_decapsulated_bytes": int(raw["xdp_decap_bytes"]),
        "r1_eth1_tx_skbs": int(raw["r1_tx_skbs"]),
        "r1_eth1_tx_bytes": int(raw["r1_tx_bytes"]),
        "r1_eth1_tx_tcp6_segmentation": raw["r1_tso"],
        "h1_eth0_gro": raw["h1_gro"],
        "load_1min": float(raw["load_1min"]),
        "r1_end_packets": int(raw["r1_end_packets"]),
        "r1_end_bytes": int(raw["r1_end_bytes"]),
    }


def summarise_mode(m, rs):
    return {
        "title": MODES[m][0],
        "median_gbit_per_s": statistics.median(r["gbit_per_s"] for r in rs),
        "median_r1_bytes_per_skb": statistics.median(
            per(r["r1_eth1_tx_bytes"], r["r1_eth1_tx_skbs"]) for r in rs),
        "median_inner_bytes_per_xdp_run": statistics.median(
            per(r["xdp_decapsulated_bytes"], r["xdp_decapsulated_packets"]) for r in rs),
        "r1_eth1_tx_tcp6_segmentation": rs[0]["r1_eth1_tx_tcp6_segmentation"],
        "h1_eth0_gro": rs[0]["h1_eth0_gro"],
        "runs": rs,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--load-start", required=True)
    ap.add_argument("--load-end", required=True)
    ap.add_argument("--quick", required=True)
    ap.add_argument("--base", required=True, choices=sorted(BASES))
    ap.add_argument("--no-dt6", default="", help="why End.DT6 was not measured")
    ap.add_argument("--sender", required=True, choices=["kernel", "srv6bpf"])
    ap.add_argument("--router", required=True, help="r1's End: kernel, generic or native")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    quick = a.quick == "1"
    order_modes = BASES[a.base]
    base, frames = order_modes[0], order_modes[3]

    runs, order = read_runs(a.runs, FIELDS, run_fields, check_mode, MODES)
    for m in order_modes:
        if not runs[m]:
            sys.exit(f"bench: no {m} run recorded in {a.runs}")
    modes = {m: summarise_mode(m, runs[m]) for m in order_modes}
    gbit = {m: modes[m]["median_gbit_per_s"] for m in order_modes}
    ratio = {
        "native": per(gbit["native"], gbit[base]),
        "generic": per(gbit["generic"], gbit[base]),
        "controls": per(gbit["nativegro"], gbit[frames]),
    }
    dt6 = a.base == "dt6"

    def judged(v):
        return None if quick else v >= 1.0

    def dt6_target(metric, v):
        t = target(metric, v if dt6 else None, ">= 1.0", judged(v) if dt6 else None)
        if not dt6:
            t["not_measured"] = a.no_dt6
        return t

    sender = ("h0: kernel route encap seg6 mode encap.red segs fc00:0:100:2:e006::"
              if a.sender == "kernel" else
              "h0: srv6-bpf load eth0 xdp off, route add 2001:db8:2::2 dev eth0 segs "
              "fc00:0:100:2:e006::")
    result = {
        "title": "TCP throughput, receiver-side decapsulation: srv6-bpf XDP vs "
                 + ("kernel End.DT6" if dt6 else "plain unencapsulated traffic")
                 + " (iperf3, one stream)",
        "command": a.command,
        "baseline": "End.DT6" if dt6 else "plain",
        "end_dt6": {"measured": dt6, "why_not": None if dt6 else a.no_dt6},
        "method": {
            "tool": "iperf3", "seconds_per_run": a.seconds, "omitted_seconds": 1,
            "runs_per_mode": len(runs[base]), "order": order,
            "sender": sender + (" in every mode" if dt6 else " in the XDP modes; plain modes "
                                "unencapsulated (no route add)") +
                      f"; r1: micro-SID End ({a.router}) in every mode; ACKs unencapsulated",
            "receiver": ("h1 runs srv6-bpf in every mode: load eth0 xdp off (End.DT6 route "
                         "decapsulates), or " if dt6 else
                         "h1: nothing loaded in the plain modes, or srv6-bpf load eth0 ") +
                        "xdp native|generic plus sid add fc00:0:2:e006::/64 dev eth0 action "
                        "decap. Controls " + frames + " and nativegro: " +
                        ("End.DT6" if dt6 else "plain") + " or XDP native with ethtool -K gro "
                        "on on h1 eth0 and r1 eth1 segmenting (-K tso off; native XDP forces "
                        "it)",
            "check": "per run: the kernel reports the mode's XDP attachment on h1 eth0 (none "
                     "for " + ("End.DT6" if dt6 else "plain") + "), r1 eth1 TSO and h1 eth0 "
                     "GRO are the mode's, r1's End took >= the bytes iperf3 delivered (0 for "
                     "plain), the mode's decapsulation counted >= those bytes (End.DT6 route "
                     "bytes, or srv6_decap decap_bytes) and the other counted 0 (both 0 for "
                     "plain)",
        },
        "load_average": {"start": [float(x) for x in a.load_start.split()],
                         "end": [float(x) for x in a.load_end.split()]},
        "modes": modes,
        "ratio_xdp_native_to_end_dt6": ratio["native"] if dt6 else None,
        "ratio_xdp_generic_to_end_dt6": ratio["generic"] if dt6 else None,
        "ratio_controls_xdp_native_to_end_dt6_frames_gro": ratio["controls"] if dt6 else None,
        "why": WHY,
        "targets": [
            dt6_target("throughput XDP decap (native, load's default on veth) / End.DT6",
                       ratio["native"]),
            dt6_target("throughput XDP decap (generic) / End.DT6", ratio["generic"]),
        ],
    }
    if not dt6:
        result["ratio_xdp_native_to_plain"] = ratio["native"]
        result["ratio_xdp_generic_to_plain"] = ratio["generic"]
        result["ratio_controls_xdp_native_to_plain_frames_gro"] = ratio["controls"]
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    n = len(runs[base])
    print("TCP throughput h0 -> r1 (micro-SID End) -> h1, receiver-side decapsulation on h1;")
    print(f"iperf3 one stream, {n} interleaved runs x {a.seconds:g} s per mode; " + sender)
    if not dt6:
        print(a.no_dt6 + ": the baseline is the same path unencapsulated (plain)")
    print(f"command (this section): {a.command}")
    print(f"load average {a.load_start} at start, {a.load_end} at end")
    print()
    print(f"{'h1 decapsulates with':<24} {'median Gbit/s':>13} {'r1 TSO':>6} {'h1 GRO':>6} "
          f"{'r1 B/skb':>9} {'B/XDP run':>10}   runs")
    for m in order_modes:
        d = modes[m]
        each = " ".join(f"{r['gbit_per_s']:.2f}" for r in d["runs"])
        xdp = "-" if MODES[m][1] == "none" else f"{d['median_inner_bytes_per_xdp_run']:,.0f}"
        print(f"{d['title']:<24} {d['median_gbit_per_s']:>13.2f} "
              f"{d['r1_eth1_tx_tcp6_segmentation']:>6} {d['h1_eth0_gro']:>6} "
              f"{d['median_r1_bytes_per_skb']:>9,.0f} {xdp:>10}   {each}")
    print()
    for m in ("native", "generic"):
        if dt6:
            verdict = "not judged (quick)" if quick else ("met" if ratio[m] >= 1.0 else "NOT met")
            print(f"XDP {m} / End.DT6: {ratio[m]:.3f} (target >= 1.0: {verdict})")
        else:
            print(f"XDP {m} / plain: {ratio[m]:.3f} (no target)")
    if dt6:
        print(f"controls, both fed frames with GRO on h1: XDP native / End.DT6: "
              f"{ratio['controls']:.3f} (no target)")
    else:
        print("XDP / End.DT6: not measured (" + a.no_dt6 + ")")
        print(f"controls, both fed frames with GRO on h1: XDP native / plain: "
              f"{ratio['controls']:.3f} (no target)")
    print()
    print("r1 TSO: tx-tcp6-segmentation of r1's eth1 (h1's veth peer) during the runs; h1 GRO:")
    print("generic-receive-offload of h1's eth0. r1 B/skb: bytes per skb r1 handed h1.")
    print("B/XDP run: inner bytes srv6_decap decapsulated per run of the program.")
    print("Every run's mode was checked (result.json: method.check).")
    print()
    print(WHY)


if __name__ == "__main__":
    main()
