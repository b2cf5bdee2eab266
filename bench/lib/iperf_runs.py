"""What the interleaved iperf3 sections (decap_throughput, router) share:
reading one run's result, ratios, and a ratio target row. Standard library only."""
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
