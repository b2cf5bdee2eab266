"""Merge the sections' result.json files into build/bench/results.json.

Standard library only. Each section wrote <sections>/<name>/result.json and
<sections>/<name>/status ("EXIT_CODE MILLISECONDS"); bench/README.md describes
the shape. Prints the targets summary.
"""
import argparse
import json
import os
import platform
import subprocess


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def host_info():
    cpuinfo = read_text("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), "")
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines()
                  if line.startswith("flags")), [])
    git = {}
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        git["commit"] = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"],
                                       capture_output=True, text=True, check=True).stdout.strip()
        git["dirty"] = bool(subprocess.run(["git", "-C", root, "status", "--porcelain"],
                                           capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "kernel": platform.release(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "clocksource": read_text(
            "/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        "meltdown_mitigation": read_text("/sys/devices/system/cpu/vulnerabilities/meltdown"),
        "pcid": "pcid" in flags,
        "git": git,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sections", required=True)
    ap.add_argument("--order", required=True, help="section names, space-separated, in run order")
    ap.add_argument("--command", required=True)
    ap.add_argument("--started", required=True)
    ap.add_argument("--loadavg", required=True, help="1, 5 and 15 minute load at the start")
    ap.add_argument("--quick", required=True)
    ap.add_argument("--check", help="srv6-bpf -j check's answer for this run")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    host = host_info()
    host["loadavg_at_start"] = [float(x) for x in a.loadavg.split()]
    if a.check:
        try:
            with open(a.check) as f:
                host["srv6_bpf_check"] = json.load(f)
        except (OSError, ValueError) as err:
            host["srv6_bpf_check"] = {"error": str(err)}
    merged = {"command": a.command, "started": a.started, "quick": a.quick == "1",
              "host": host, "sections": {}, "targets": []}
    for name in a.order.split():
        d = os.path.join(a.sections, name)
        status = read_text(os.path.join(d, "status")).split()
        rc, ms = (int(status[0]), int(status[1])) if len(status) == 2 else (1, 0)
        entry = {"exit_code": rc, "seconds": ms / 1000}
        try:
            with open(os.path.join(d, "result.json")) as f:
                entry["result"] = json.load(f)
        except (OSError, ValueError) as err:
            entry["error"] = f"no valid result.json: {err}"
        if rc != 0:
            log = read_text(os.path.join(d, "log.txt")).splitlines()
            entry["error"] = log[-1] if log else f"exit code {rc}"
            entry.pop("result", None)
        for t in entry.get("result", {}).get("targets", []):
            merged["targets"].append(dict(t, section=name))
        merged["sections"][name] = entry
    with open(a.out, "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")

    print("== targets ==")
    for t in merged["targets"]:
        verdict = {True: "met", False: "NOT met", None: "not judged"}[t.get("met")]
        if t["value"] is None:
            verdict = "not measured: " + t.get("not_measured", "see the section")
        value = t["value"]
        if value is None:
            shown = "-"  # not measured on this machine; the section says why
        else:
            shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        print(f"{t['section']:<12} {t['metric']:<58} {shown:>8} {t['unit']:<5} "
              f"target {t['target']:<22} {verdict}")
    for name, entry in merged["sections"].items():
        if "error" in entry:
            print(f"{name:<12} FAILED: {entry['error']}")
    total = sum(e["seconds"] for e in merged["sections"].values())
    print(f"total {total:.0f} s")


if __name__ == "__main__":
    main()
