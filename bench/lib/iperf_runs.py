"""What the interleaved iperf3 sections (decap_throughput, router) share:
reading their runs, one run's iperf3 result, ratios, and a ratio target row.
Standard library only."""
import json
import sys


def ratio_target(metric, value, goal, met):
    """A row of results.json's targets for a ratio."""
    return {"metric": metric, "value": value, "unit": "ratio", "target": goal, "met": met}


def iperf_received(path):
    """(bits per second, bytes) iperf3 received; exits if the run failed."""
    with open(path) as f:
        d = json.load(f)
    if "error" in d:
        sys.exit(f"bench: iperf3 ({path}): {d['error']}")
    r = d["end"]["sum_received"]
    return r["bits_per_second"], int(r["bytes"])


def per(a, b):
    """a / b, 0 when b is 0."""
    return a / b if b else 0.0


def read_runs(path, fields, extra, check, modes=(), label=""):
    """The runs of an interleaved section: path is its runs.tsv, one run a line
    of tab-separated fields (mode, run and iperf3_json among them). Each run
    gets iperf3's rate and bytes and what extra(raw fields) adds; check(mode,
    run) names what is wrong with it (the bench stops), or None. Returns the
    runs by mode (every one of modes present, maybe empty) and the modes in the
    order they ran."""
    runs, order = {m: [] for m in modes}, []
    with open(path) as f:
        for line in f:
            raw = dict(zip(fields, line.rstrip("\n").split("\t")))
            bps, delivered = iperf_received(raw["iperf3_json"])
            run = {"run": int(raw["run"]), "gbit_per_s": bps / 1e9, "bytes": delivered}
            run.update(extra(raw))
            why = check(raw["mode"], run)
            if why:
                sys.exit(f"bench: {label}{raw['mode']} run {run['run']}: {why}")
            runs.setdefault(raw["mode"], []).append(run)
            order.append(raw["mode"])
    return runs, order
