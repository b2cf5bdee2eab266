"""Summarise the router section: End's ns per packet (xdp-run --set end), then
check every throughput run's mode, medians per mode and the ratios.

Standard library only. Writes result.json (bench/README.md describes the shape)
and prints the throughput table (xdp-run printed its own). Exits non-zero,
naming the run, when a run did not measure its mode.
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iperf_runs import per, ratio_target as target, read_runs  # noqa: E402

# mode: (title, r1's End, XDP mode the kernel must report on r1's eth0,
# encapsulated by h0, through r1's End).
MODES = {
    "plain": ("plain IPv6, r1 without srv6-bpf", "none", "none", False, False),
    "plain_generic": ("plain IPv6, r1 XDP generic misses", "generic", "generic", False, False),
    "transit": ("SRv6 to h1's SID, r1 XDP generic misses", "generic", "generic", True, False),
    "end": ("SRv6 through r1's End, XDP generic", "generic", "generic", True, True),
    "plain_native": ("plain IPv6, r1 XDP native", "native", "native", False, False),
    "end_native": ("SRv6 through r1's End, XDP native", "native", "native", True, True),
    "plain_tc": ("plain IPv6, r1 xdp tc misses", "tc", "none", False, False),
    "transit_tc": ("SRv6 to h1's SID, r1 xdp tc misses", "tc", "none", True, False),
    "end_tc": ("SRv6 through r1's End, xdp tc", "tc", "none", True, True),
    "end_kernel": ("SRv6 through the kernel's End", "kernel", "none", True, True),
}
FIELDS = ["mode", "run", "iperf3_json", "segs", "r1_xdp", "h0_tso", "r1_end_runs",
          "r1_end_bytes", "h1_decap_bytes", "r1_tx_skbs", "r1_tx_bytes", "load_1min"]

WHY = """\
How to read it:
- end / plain is what routing SRv6 through r1's End costs against a router
  that forwards plain IPv6 with nothing attached: h0's encapsulation, h1's
  decapsulation, r1's generic XDP and End itself, all on the same 2 CPUs.
  It is the product of the three ratios below.
- plain (generic) / plain: generic XDP on r1 itself, with nothing to do: it
  copies every non-linear skb it receives (netif_receive_generic_xdp,
  skb_cow_data_for_xdp), the ACKs on eth1 too. A veth and generic-XDP cost.
- transit / plain (generic): the hosts' SRv6 work (h0's encapsulation, 40
  bytes more per packet, h1's decapsulation), r1 unchanged.
- end / transit isolates End: the same encapsulated packets, the same XDP
  generic program on r1; in transit it misses (one lookup), in end it shifts
  the destination (one lookup, the shift, one more lookup). The figure is End's
  cost per packet, which (a) gives in ns.
- native on veth: attaching a native XDP program to r1's eth0 makes the kernel
  clear the software GSO features of its peer, h0's eth0 (drivers/net/veth.c,
  veth_xdp_set; "h0 TSO" shows it), so h0 segments every TCP super-packet in
  software and r1 forwards frame by frame ("r1 B/skb"). plain_native pays it
  as much as end_native, and end_native / plain_native is End's own cost under
  native XDP. On a physical NIC nothing upstream loses an offload: the wire
  delivers frames either way and native XDP runs per frame without a copy."""


def check_mode(mode, run):
    """Why this run did not measure its mode, or None."""
    _, _, want_xdp, encapsulated, through_end = MODES[mode]
    delivered, ended, decap = run["bytes"], run["r1_end_bytes"], run["h1_decapsulated_bytes"]
    if run["r1_eth0_xdp"] != want_xdp:
        return f"the kernel reports XDP mode {run['r1_eth0_xdp']} on r1's eth0, not {want_xdp}"
    if through_end and (ended < delivered or run["r1_end_runs"] == 0):
        return f"r1's End took {ended} bytes < the {delivered} iperf3 delivered"
    if not through_end and ended:
        return f"r1's End took {ended} bytes: the traffic went through End"
    if encapsulated and decap < delivered:
        return f"h1 decapsulated {decap} bytes < the {delivered} iperf3 delivered"
    if not encapsulated and decap:
        return f"h1 decapsulated {decap} bytes: the traffic was encapsulated"
    return None


def run_fields(raw):
    return {
        "h0_segs": raw["segs"],
        "r1_eth0_xdp": raw["r1_xdp"],
        "h0_eth0_tx_tcp6_segmentation": raw["h0_tso"],
        "r1_end_runs": int(raw["r1_end_runs"]),
        "r1_end_bytes": int(raw["r1_end_bytes"]),
        "h1_decapsulated_bytes": int(raw["h1_decap_bytes"]),
        "r1_eth1_tx_skbs": int(raw["r1_tx_skbs"]),
        "r1_eth1_tx_bytes": int(raw["r1_tx_bytes"]),
        "load_1min": float(raw["load_1min"]),
    }


def summarise_mode(m, rs):
    return {
        "title": MODES[m][0],
        "r1_end": MODES[m][1],
        "median_gbit_per_s": statistics.median(r["gbit_per_s"] for r in rs),
        "median_r1_bytes_per_skb": statistics.median(
            per(r["r1_eth1_tx_bytes"], r["r1_eth1_tx_skbs"]) for r in rs),
        "median_bytes_per_end_run": statistics.median(
            per(r["r1_end_bytes"], r["r1_end_runs"]) for r in rs),
        "h0_eth0_tx_tcp6_segmentation": rs[0]["h0_eth0_tx_tcp6_segmentation"],
        "runs": rs,
    }


def xdp_run_rows(path):
    with open(path) as f:
        d = json.load(f)
    return d, [{k: r[k] for k in ("case", "title", "sids", "destinations", "behaviour",
                                  "ns_per_packet", "repeat_loop", "packets_verified")}
               for r in d["results"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--xdp-run", required=True, help="xdp-run --set end's JSON")
    ap.add_argument("--host-decap", required=True, help="kernel (End.DT6) or bpf (XDP)")
    ap.add_argument("--kernel-end", required=True,
                    help='"yes", or "no: why" (srv6-bpf check seg6local_next_csid)')
    ap.add_argument("--load-start", required=True)
    ap.add_argument("--load-end", required=True)
    ap.add_argument("--quick", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    quick = a.quick == "1"

    xdp_run, ns_rows = xdp_run_rows(a.xdp_run)
    runs, order = read_runs(a.runs, FIELDS, run_fields, check_mode, label="router ")
    for m in ("plain", "plain_generic", "transit", "end", "plain_native", "end_native",
              "plain_tc", "transit_tc", "end_tc"):
        if not runs.get(m):
            sys.exit(f"bench: no {m} run recorded in {a.runs}")
    modes = {m: summarise_mode(m, runs[m]) for m in MODES if runs.get(m)}
    gbit = {m: modes[m]["median_gbit_per_s"] for m in modes}
    ratios = {
        "end_to_plain": per(gbit["end"], gbit["plain"]),
        "end_to_transit": per(gbit["end"], gbit["transit"]),
        "plain_generic_to_plain": per(gbit["plain_generic"], gbit["plain"]),
        "transit_to_plain_generic": per(gbit["transit"], gbit["plain_generic"]),
        "end_native_to_plain": per(gbit["end_native"], gbit["plain"]),
        "end_native_to_plain_native": per(gbit["end_native"], gbit["plain_native"]),
        "plain_native_to_plain": per(gbit["plain_native"], gbit["plain"]),
        "end_tc_to_plain": per(gbit["end_tc"], gbit["plain"]),
        "end_tc_to_transit_tc": per(gbit["end_tc"], gbit["transit_tc"]),
        "plain_tc_to_plain": per(gbit["plain_tc"], gbit["plain"]),
        "transit_tc_to_plain_tc": per(gbit["transit_tc"], gbit["plain_tc"]),
    }
    if "end_kernel" in gbit:
        ratios["end_to_end_kernel"] = per(gbit["end"], gbit["end_kernel"])
    kernel_why = None if a.kernel_end == "yes" else a.kernel_end[len("no: "):]
    decap = ("End.DT6 (the lab's route, its count)" if a.host_decap == "kernel" else
             "srv6-bpf XDP generic, loaded for the whole section (its per-SID counter)")
    shift = next((r for r in ns_rows if r["behaviour"] == "end_next_csid" and r["sids"] == 1),
                 None)
    result = {
        "title": "A micro-SID router running srv6-bpf's End (XDP or clsact ingress): ns per packet and TCP "
                 "forwarding throughput vs plain IPv6",
        "end_ns_per_packet": {"method": xdp_run["method"], "results": ns_rows,
                              "load_average": xdp_run.get("load_average")},
        "method": {
            "tool": "iperf3", "seconds_per_run": a.seconds, "omitted_seconds": 1,
            "runs_per_mode": len(runs["plain"]), "order": order,
            "r1": "plain_generic, transit, end: srv6-bpf load eth0|eth1 xdp generic "
                  "peers-max 16; *_native the same with xdp native; *_tc with xdp tc; sid add "
                  "fc00:0:100::/48 dev eth0|eth1 action end lblen 32 nflen 16 (plain: "
                  "nothing loaded; end_kernel: seg6local End flavors next-csid route)",
            "h0": "srv6-bpf load eth0 xdp off for the whole section; encapsulated modes: "
                  "route add 2001:db8:2::2 dev eth0 segs SID (transit fc00:0:2:e006::, "
                  "end fc00:0:100:2:e006::), deleted after the run",
            "h1": decap,
            "acks": "unencapsulated, through r1's eth1 (where r1 runs the same program)",
            "check": "per run: the kernel's XDP mode on r1 eth0 is the mode's; r1's End "
                     "(srv6-bpf end_bytes, or the kernel route's count) took >= the bytes "
                     "iperf3 delivered in end modes and 0 otherwise; h1 decapsulated >= "
                     "those bytes in encapsulated modes and 0 in plain ones",
        },
        "kernel_end": {"measured": kernel_why is None, "why_not": kernel_why},
        "load_average": {"start": [float(x) for x in a.load_start.split()],
                         "end": [float(x) for x in a.load_end.split()]},
        "modes": modes,
        "ratios": ratios,
        "why": WHY,
        "targets": [
            target("throughput through r1's End (srv6-bpf, xdp tc) / plain IPv6 routing",
                   ratios["end_tc_to_plain"], ">= 0.9",
                   None if quick else ratios["end_tc_to_plain"] >= 0.9),
            target("throughput through r1's End (srv6-bpf, XDP generic) / plain IPv6 routing",
                   ratios["end_to_plain"], "none (reported: veth's generic XDP copies)",
                   None),
        ],
    }
    if shift:
        result["targets"].append({"metric": "ns per End shift (BPF_PROG_TEST_RUN, 1 End SID)",
                                  "value": shift["ns_per_packet"], "unit": "ns",
                                  "target": "none (reported)", "met": None})
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    n = len(runs["plain"])
    print("TCP forwarding through r1: h0 -> r1 -> h1, iperf3 one stream, "
          f"{n} interleaved runs x {a.seconds:g} s per mode")
    print(f"h1 decapsulates with {decap}; load average {a.load_start} at start, "
          f"{a.load_end} at end")
    print()
    print(f"{'mode':<42} {'median Gbit/s':>13} {'h0 TSO':>6} {'r1 B/skb':>9} "
          f"{'B/End run':>10}   runs")
    for m, d in modes.items():
        each = " ".join(f"{r['gbit_per_s']:.2f}" for r in d["runs"])
        per_end = "-" if not MODES[m][4] else f"{d['median_bytes_per_end_run']:,.0f}"
        print(f"{d['title']:<42} {d['median_gbit_per_s']:>13.2f} "
              f"{d['h0_eth0_tx_tcp6_segmentation']:>6} {d['median_r1_bytes_per_skb']:>9,.0f} "
              f"{per_end:>10}   {each}")
    if kernel_why:
        print(f"{MODES['end_kernel'][0]:<42} {'-':>13}   {kernel_why}")
    print()
    verdict = ("not judged (quick)" if quick else
               "met" if ratios["end_tc_to_plain"] >= 0.9 else "NOT met")
    print(f"End (tc) / plain:               {ratios['end_tc_to_plain']:.3f} (target >= 0.9: {verdict})")
    print(f"plain (tc) / plain:             {ratios['plain_tc_to_plain']:.3f} "
          "(the clsact ingress program on r1, nothing to do)")
    print(f"transit (tc) / plain (tc):      {ratios['transit_tc_to_plain_tc']:.3f} "
          "(the hosts' SRv6 work)")
    print(f"End (tc) / transit (tc):        {ratios['end_tc_to_transit_tc']:.3f} (End's own cost)")
    print(f"End (generic) / plain:          {ratios['end_to_plain']:.3f}")
    print(f"plain (generic) / plain:        {ratios['plain_generic_to_plain']:.3f} "
          "(generic XDP on r1, nothing to do)")
    print(f"transit / plain (generic):      {ratios['transit_to_plain_generic']:.3f} "
          "(the hosts' SRv6 work)")
    print(f"End (generic) / transit:        {ratios['end_to_transit']:.3f} (End's own cost)")
    print(f"End (native) / plain:           {ratios['end_native_to_plain']:.3f}")
    print(f"End (native) / plain (native):  {ratios['end_native_to_plain_native']:.3f} "
          "(End's own cost under native XDP)")
    print(f"plain (native) / plain:         {ratios['plain_native_to_plain']:.3f} "
          "(veth: h0 loses TSO)")
    if "end_to_end_kernel" in ratios:
        print(f"End (srv6-bpf generic) / End (kernel): {ratios['end_to_end_kernel']:.3f}")
    else:
        print(f"End (srv6-bpf) / End (kernel): not measured (the kernel's End: {kernel_why})")
    print()
    print("h0 TSO: tx-tcp6-segmentation of h0's eth0 (r1 eth0's veth peer). r1 B/skb: bytes")
    print("per skb r1 forwarded to h1. B/End run: IPv6 bytes per run of r1's End (one run")
    print("per skb: generic XDP sees GSO skbs whole). Every run's mode was checked")
    print("(result.json: method.check).")
    print()
    print(WHY)


if __name__ == "__main__":
    main()
