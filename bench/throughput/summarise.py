"""Summarise the throughput section: medians per mode, ratios, the in-situ figure.

Standard library only. Writes result.json (bench/README.md describes the shape)
and prints the human table.
"""
import argparse
import json
import statistics

MODES = [("plain", "plain routing"), ("kernel", "kernel seg6 encap.red"),
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
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    runs = {m: [] for m, _ in MODES}
    order = []
    with open(a.runs) as f:
        for line in f:
            mode, i, bps, nbytes, decap = line.split("\t")
            runs[mode].append({"run": int(i), "gbit_per_s": float(bps) / 1e9,
                               "bytes": int(float(nbytes)), "decapsulated_bytes": int(decap)})
            order.append(mode)
    median = {m: statistics.median(r["gbit_per_s"] for r in runs[m]) for m, _ in MODES}
    vs_kernel = median["srv6bpf"] / median["kernel"]
    vs_plain = median["srv6bpf"] / median["plain"]

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

    result = {
        "title": "TCP throughput h0 -> h1 through a micro-SID router (iperf3, one stream)",
        "method": {"tool": "iperf3", "seconds_per_run": a.seconds, "omitted_seconds": 1,
                   "runs_per_mode": len(runs["plain"]), "order": order,
                   "check": "End.DT6 on h1 decapsulated >= the bytes iperf3 delivered "
                            "(0 for plain routing)"},
        "modes": {m: {"title": t, "median_gbit_per_s": median[m], "runs": runs[m]}
                  for m, t in MODES},
        "ratio_srv6bpf_to_kernel_seg6": vs_kernel,
        "ratio_srv6bpf_to_plain": vs_plain,
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
            target("throughput srv6-bpf / kernel seg6", vs_kernel, "ratio", ">= 1.0",
                   vs_kernel >= 1.0),
            target("throughput srv6-bpf / plain routing", vs_plain, "ratio", ">= 0.9",
                   vs_plain >= 0.9),
            target("ns per srv6_encap run in situ (TCP, one GSO skb per run)", live_ns, "ns",
                   "<= 50", live_ns <= 50),
        ],
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")

    n = len(runs["plain"])
    print(f"TCP throughput h0 -> r1 (micro-SID End) -> h1, iperf3 one stream, "
          f"{n} interleaved runs x {a.seconds:g} s per mode")
    print()
    print(f"{'mode':<24} {'median Gbit/s':>14}   runs")
    for m, t in MODES:
        each = " ".join(f"{r['gbit_per_s']:.2f}" for r in runs[m])
        print(f"{t:<24} {median[m]:>14.2f}   {each}")
    print()
    print(f"srv6-bpf / kernel seg6: {vs_kernel:.3f} (target >= 1.0: "
          f"{'met' if vs_kernel >= 1.0 else 'NOT met'})")
    print(f"srv6-bpf / plain:       {vs_plain:.3f} (target >= 0.9: "
          f"{'met' if vs_plain >= 0.9 else 'NOT met'})")
    print()
    print(f"In situ (one more srv6-bpf run, {live_gbit:.2f} Gbit/s, BPF run-time stats):")
    print(f"  srv6_encap {live['srv6_encap']['ns_per_run']:.1f} ns/run - empty program "
          f"{live['empty']['ns_per_run']:.1f} ns/run = {live_ns:.1f} ns per run "
          f"(target <= 50: {'met' if live_ns <= 50 else 'NOT met'})")
    print(f"  {skbs} runs; a run (one GSO skb) carried {bytes_per_run / 1000:.1f} kB of inner "
          f"packet on average")


if __name__ == "__main__":
    main()
