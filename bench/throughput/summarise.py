"""Summarise the throughput section: medians per mode, ratios, the in-situ figure.

Standard library only. Writes result.json (bench/README.md describes the shape)
and prints the human table.
"""
import argparse
import json
import statistics

MODES = [("plain", "plain routing"),
         ("loaded", "plain, srv6-bpf loaded"),  # only where srv6-bpf decapsulates
         ("kernel", "kernel seg6 encap.red"),
         ("srv6bpf", "srv6-bpf (TC, 1 SID)")]


def find_number(obj, key):
    """First value of key anywhere in a JSON tree (srv6-bpf stats nests by device)."""
    if isinstance(obj, dict):
        if key in obj and isinstance(obj[key], (int, float)):
            return obj[key]
        obj = list(obj.values())
    if isinstance(obj, list):
        for item in obj:
            found = find_number(item, key)
            if found is not None:
                return found
    return None


def target(metric, value, unit, goal, met):
    return {"metric": metric, "value": value, "unit": unit, "target": goal, "met": met}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--live", required=True)
    ap.add_argument("--live-iperf3", required=True)
    ap.add_argument("--live-counters", required=True)
    ap.add_argument("--kernel-seg6", required=True,
                    help='"yes", or "no: why" (srv6-bpf check, or BENCH_KERNEL_SEG6=off)')
    ap.add_argument("--router", required=True, help="r1's End: kernel, generic or native")
    ap.add_argument("--host-decap", required=True, help="kernel (End.DT6) or bpf (XDP)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    kernel_measured = a.kernel_seg6 == "yes"
    why_not = None if kernel_measured else (
        "kernel seg6: " + a.kernel_seg6[len("no: "):])

    runs = {m: [] for m, _ in MODES}
    order = []
    with open(a.runs) as f:
        for line in f:
            mode, i, bps, nbytes, decap, ended, end_runs = line.rstrip("\n").split("\t")
            runs[mode].append({"run": int(i), "gbit_per_s": float(bps) / 1e9,
                               "bytes": int(float(nbytes)), "decapsulated_bytes": int(decap),
                               "r1_end_bytes": int(ended), "r1_end_runs": int(end_runs)})
            order.append(mode)
    median = {m: statistics.median(r["gbit_per_s"] for r in runs[m]) if runs[m] else None
              for m, _ in MODES}
    if kernel_measured and median["kernel"] is None:
        raise SystemExit("bench: the kernel has seg6 but no kernel run was recorded")
    vs_kernel = median["srv6bpf"] / median["kernel"] if kernel_measured else None
    vs_plain = median["srv6bpf"] / median["plain"]
    vs_loaded = median["srv6bpf"] / median["loaded"] if median["loaded"] else None
    loaded_vs_plain = median["loaded"] / median["plain"] if median["loaded"] else None

    with open(a.live) as f:
        live = json.load(f)
    with open(a.live_iperf3) as f:
        live_gbit = json.load(f)["end"]["sum_received"]["bits_per_second"] / 1e9
    with open(a.live_counters) as f:
        counters = json.load(f)
    encap_bytes = find_number(counters, "encap_bytes") or 0
    live_ns = live["ns_per_packet"]  # per program run, i.e. per skb
    skbs = live["srv6_encap"]["runs"]
    bytes_per_run = encap_bytes / skbs if skbs else 0

    decap = ("End.DT6 on h1 (its route's count)" if a.host_decap == "kernel" else
             "srv6-bpf XDP generic on h1 (its per-SID counter, srv6-bpf -j sid show)")
    end = {"kernel": "the kernel's seg6local End next-csid (its route's count)",
           "generic": "srv6-bpf's XDP End, generic (its end_bytes, srv6-bpf -j stats)",
           "native": "srv6-bpf's XDP End, native (its end_bytes, srv6-bpf -j stats)"}[a.router]
    ratio_kernel = target("throughput srv6-bpf / kernel seg6", vs_kernel, "ratio", ">= 1.0",
                          None if vs_kernel is None else vs_kernel >= 1.0)
    if why_not:
        ratio_kernel["not_measured"] = why_not
    result = {
        "title": "TCP throughput h0 -> h1 through a micro-SID router (iperf3, one stream)",
        "method": {"tool": "iperf3", "seconds_per_run": a.seconds, "omitted_seconds": 1,
                   "runs_per_mode": len(runs["plain"]), "order": order,
                   "router": end, "decapsulation": decap,
                   "hosts": "plain: nothing loaded on the hosts. srv6-bpf: srv6-bpf load on both "
                            "hosts' eth0 " + ("with xdp off (End.DT6 decapsulates)"
                                               if a.host_decap == "kernel" else
                                               "with XDP generic decapsulating their SIDs") +
                            ", route add to the other host over one carrier through r1" +
                            ("" if a.host_decap == "kernel" else
                             ". plain, srv6-bpf loaded: the hosts loaded as for srv6-bpf, "
                             "no route add"),
                   "router_in_every_mode": "r1's End is configured in every mode, plain "
                                           "included (plain packets miss it)",
                   "check": f"encapsulated runs: {decap} and r1's End ({end}) each took >= "
                            "the bytes iperf3 delivered; plain runs: both took 0"},
        "kernel_seg6": {"measured": kernel_measured, "why_not": why_not},
        "modes": {m: {"title": t, "median_gbit_per_s": median[m], "runs": runs[m]}
                  for m, t in MODES if runs[m]},
        "ratio_srv6bpf_to_kernel_seg6": vs_kernel,
        "ratio_srv6bpf_to_plain": vs_plain,
        "ratio_srv6bpf_to_plain_srv6bpf_loaded": vs_loaded,
        "ratio_plain_srv6bpf_loaded_to_plain": loaded_vs_plain,
        "in_situ": {
            "what": "srv6_encap run time under an extra srv6-bpf iperf3 run: BPF run-time "
                    "stats (BPF_ENABLE_STATS), net of an empty TC program timed in the same "
                    "skbs. TCP hands the hook GSO skbs, so one run covers several wire packets.",
            "ns_per_run": live_ns,
            "runs": skbs,
            "encapsulated_inner_bytes": encap_bytes,
            "inner_bytes_per_run": bytes_per_run,
            "srv6_encap": live["srv6_encap"],
            "empty": live["empty"],
            "gbit_per_s": live_gbit,
        },
        "targets": [
            ratio_kernel,
            target("throughput srv6-bpf / plain routing", vs_plain, "ratio", ">= 0.9",
                   vs_plain >= 0.9),
            target("ns per srv6_encap run in situ (TCP, one GSO skb per run)", live_ns, "ns",
                   "<= 50", live_ns <= 50),
        ],
    }
    if why_not:
        result["modes"]["kernel"] = {"title": dict(MODES)["kernel"], "median_gbit_per_s": None,
                                     "not_measured": why_not, "runs": []}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    n = len(runs["plain"])
    print(f"TCP throughput h0 -> r1 (micro-SID End) -> h1, iperf3 one stream, "
          f"{n} interleaved runs x {a.seconds:g} s per mode")
    print(f"r1: {end}; decapsulation: {decap}")
    print()
    print(f"{'mode':<24} {'median Gbit/s':>14}   runs")
    for m, t in MODES:
        if m == "kernel" and why_not:
            print(f"{t:<24} {'-':>14}   {why_not}")
            continue
        if median[m] is None:
            continue
        each = " ".join(f"{r['gbit_per_s']:.2f}" for r in runs[m])
        print(f"{t:<24} {median[m]:>14.2f}   {each}")
    print()
    if vs_kernel is None:
        print("srv6-bpf / kernel seg6: not measured (" + why_not + ")")
    else:
        print(f"srv6-bpf / kernel seg6: {vs_kernel:.3f} (target >= 1.0: "
              f"{'met' if vs_kernel >= 1.0 else 'NOT met'})")
    print(f"srv6-bpf / plain:       {vs_plain:.3f} (target >= 0.9: "
          f"{'met' if vs_plain >= 0.9 else 'NOT met'})")
    if vs_loaded is not None:
        print(f"srv6-bpf / plain with srv6-bpf loaded: {vs_loaded:.3f}; plain with srv6-bpf "
              f"loaded / plain: {loaded_vs_plain:.3f} (no targets)")
        print("  (plain with srv6-bpf loaded: the hosts run srv6-bpf's XDP generic as in the")
        print("  srv6-bpf runs but have no peers: generic XDP copies every non-linear skb on")
        print("  veth, which the first ratio leaves out and the second shows)")
    print()
    print(f"In situ (one more srv6-bpf run, {live_gbit:.2f} Gbit/s, BPF run-time stats):")
    print(f"  srv6_encap {live['srv6_encap']['ns_per_run']:.1f} ns/run - empty program "
          f"{live['empty']['ns_per_run']:.1f} ns/run = {live_ns:.1f} ns per run "
          f"(target <= 50: {'met' if live_ns <= 50 else 'NOT met'})")
    print(f"  {skbs} runs; a run (one GSO skb) carried {bytes_per_run / 1000:.1f} kB of inner "
          f"packet on average")


if __name__ == "__main__":
    main()
