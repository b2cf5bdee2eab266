#!/usr/bin/env bash
# Section "probe": what `srv6-bpf probe` costs. h0 has N peers (default 1,000),
# one path each through a different router micro-SID, so N distinct U-turns,
# all of which r1 (srv6-bpf End on clsact ingress, one End SID per router
# micro-SID) turns back to h0's decap SID: every probe comes back. The prober
# runs for S seconds (default 10) at the interval (default 10 ms); the section
# reports its CPU time per second of run (utime + stime from /proc), the probes
# it sent and got back (its metrics), and that no path changed state.
#
# Env: BENCH_PROBE_PATHS (default 1000; at most 1023: r1 holds 1024 SIDs a
# device), BENCH_PROBE_SECONDS (default 10), BENCH_PROBE_INTERVAL_MS (default 10).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need ip

if [ "$BENCH_QUICK" = 1 ]; then paths_default=256 secs_default=3; else paths_default=1000 secs_default=10; fi
PATHS=${BENCH_PROBE_PATHS:-$paths_default}
SECS=${BENCH_PROBE_SECONDS:-$secs_default}
INTERVAL=${BENCH_PROBE_INTERVAL_MS:-10}
if ! [ "$PATHS" -ge 1 ] 2>/dev/null || [ "$PATHS" -gt 1023 ]; then
	bench_die "BENCH_PROBE_PATHS must be 1-1023 (r1 holds 1024 SIDs a device)"
fi
P=$BENCH_PREFIX-pr
bench_tmpdir TMP pr
bench_bpffs BPFFS
sb() { local n=$1; shift; ip netns exec "$P-$n" "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }

# h0 -- r1. Router micro-SID of path i: 0x1000 + i; h0's home fc00:0:1:e006::/64.
for n in h0 r1; do ip netns add "$P-$n"; bench_at_exit "ip netns del '$P-$n'"; done
ip -n "$P-h0" link add eth0 type veth peer name eth0 netns "$P-r1"
ip -n "$P-h0" link set eth0 up
ip -n "$P-r1" link set eth0 up
ip -n "$P-h0" addr add 2001:db8:1::1/64 dev eth0 nodad
ip -n "$P-r1" addr add 2001:db8:1::ff/64 dev eth0 nodad
ip -n "$P-h0" -6 route add fc00::/16 via 2001:db8:1::ff dev eth0
ip -n "$P-r1" -6 route add fc00:0:1::/48 via 2001:db8:1::1 dev eth0
ip netns exec "$P-r1" sysctl -qw net.ipv6.conf.all.forwarding=1
sb r1 load eth0 xdp tc peers-max 16 >/dev/null
sb h0 load eth0 >/dev/null
sb h0 sid add fc00:0:1:e006::/64 dev eth0 action decap6
"$BENCH_PY" - "$PATHS" "$TMP" <<'PY'
import sys
n, tmp = int(sys.argv[1]), sys.argv[2]
with open(f"{tmp}/peers.batch", "w") as b, open(f"{tmp}/sids", "w") as s:
    for i in range(n):
        b.write(f"2001:db8:100::{i + 1:x} dev eth0 segs fc00:0:{0x1000 + i:x}:2:e006::\n")
        s.write(f"fc00:0:{0x1000 + i:x}::/48\n")
PY
while read -r sid; do sb r1 sid add "$sid" dev eth0 action end; done <"$TMP/sids"
sb h0 route add -batch "$TMP/peers.batch"

echo "probe: $PATHS distinct U-turns every ${INTERVAL} ms for ${SECS} s" >&2
ip netns exec "$P-h0" "$SRV6_BPF" --bpffs "$BPFFS" probe dev eth0 --interval "$INTERVAL" \
	2>"$TMP/probe.err" &
pid=$!
bench_at_exit "kill $pid 2>/dev/null"
sleep 1 # past the first reading of the paths
# utime and stime: its own code, and the kernel's work on its behalf (sending,
# and here also the veth, r1's End and the return, which run on its CPU).
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print $14 / hz, $15 / hz }' "/proc/$pid/stat"; }
read -r u0 k0 < <(cpu)
s0=$(bench_now_ms)
sleep "$SECS"
read -r u1 k1 < <(cpu)
s1=$(bench_now_ms)
sleep 1.1 # the round trips are written once a second
sb h0 metrics dev eth0 >"$TMP/metrics"
kill "$pid"
wait "$pid" 2>/dev/null || true

"$BENCH_PY" - "$TMP" "$PATHS" "$INTERVAL" "$u0" "$u1" "$k0" "$k1" "$s0" "$s1" \
	"$BENCH_OUT/result.json" <<'PY'
import json, sys
tmp, paths, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
user = float(sys.argv[5]) - float(sys.argv[4])
system = float(sys.argv[7]) - float(sys.argv[6])
cpu = user + system
wall = (int(sys.argv[9]) - int(sys.argv[8])) / 1000
vals = {}
for line in open(f"{tmp}/metrics"):
    if line.startswith("srv6_bpf_path_probe_rtt_seconds_") or line.startswith("srv6_bpf_path_state_changes_total"):
        name = line.split("{")[0]
        vals[name] = vals.get(name, 0) + float(line.split()[-1])
changes = int(vals.get("srv6_bpf_path_state_changes_total", 0))
answered = int(vals.get("srv6_bpf_path_probe_rtt_seconds_count", 0))
rtt_sum = vals.get("srv6_bpf_path_probe_rtt_seconds_sum", 0.0)
events = sum(1 for l in open(f"{tmp}/probe.err") if "event=path-" in l)
pct = 100 * cpu / wall
result = {
    "title": f"srv6-bpf probe: {paths} distinct U-turns every {interval} ms",
    "command": "bench/run.sh probe",
    "paths": paths, "interval_ms": interval, "seconds": wall,
    "probes_per_second": paths * 1000 / interval,
    "cpu_seconds": cpu, "cpu_percent": pct, "user_seconds": user, "system_seconds": system,
    "probes_back": answered, "mean_rtt_ms": 1000 * rtt_sum / answered if answered else None,
    "state_changes": changes, "log_lines_path_events": events,
    "targets": [{"metric": f"prober CPU at {paths} paths every {interval} ms", "value": round(pct, 1),
                 "unit": "% of a CPU", "target": "none (reported)", "met": None},
                {"metric": "path state changes with every probe coming back", "value": changes,
                 "unit": "changes", "target": "0", "met": changes == 0}],
}
with open(sys.argv[10], "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"srv6-bpf probe, {paths} distinct U-turns every {interval} ms, {wall:.1f} s")
print(f"  probes sent:        {paths * 1000 / interval:.0f}/s")
print(f"  probes back:        {answered} (all-time, since the prober started)")
print(f"  mean round trip:    {result['mean_rtt_ms']:.3f} ms" if answered else "  mean round trip:    -")
print(f"  prober CPU:         {cpu:.2f} s over {wall:.1f} s = {pct:.1f}% of one CPU "
      f"(user {user:.2f} s, system {system:.2f} s: the kernel's sending, and on this one")
print("                      machine also the veth, r1's End and the way back)")
print(f"  path state changes: {changes} (target 0)")
PY
