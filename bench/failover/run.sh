#!/usr/bin/env bash
# Section "failover": how long a dead fabric link costs a flow with srv6-bpf
# probing. The leaf-spine lab (tests/lab) at 2 spines x 2 leaves, one host a
# leaf; host0000 and host0001 reach each other over both spines and both run
# `srv6-bpf probe` (10 ms, down after 3 lost). N times (default 10): a UDP
# stream of one numbered datagram a millisecond from host0000 to host0001 (one
# flow: one path), and 0.5 s into it the link from the spine it crosses to
# leaf01 dies (a tc program drops everything both ways); loss window = the
# longest run of missing numbers x 1 ms (tests/lib/gap.py; ping would
# understate it: it slows down while its replies are missing). Then the link returns and the path
# comes back up before the next failure. Reports the median and the maximum.
#
# Env: BENCH_FO_FAILURES (default 10; --quick: 3).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need ip tc ping clang
source "$REPO_ROOT/tests/lab/lablib.sh"
[ -x "$SRV6_BPF" ] || bench_die "$SRV6_BPF missing: run make"

if [ "$BENCH_QUICK" = 1 ]; then failures_default=3; else failures_default=10; fi
FAILURES=${BENCH_FO_FAILURES:-$failures_default}
NS_PREFIX=$BENCH_PREFIX-fo
bench_tmpdir TMP failover
LAB_DIR=$TMP/lab
LAB_BPFFS=$LAB_DIR/bpffs
_KT_CLEANUP=()
bench_at_exit "lab_teardown '$NS_PREFIX' '$LAB_DIR'"
A=host0000 B=host0001

echo "failover: building a 2 x 2 leaf-spine" >&2
lab_generate --spines 2 --leaves 2 --hosts-per-leaf 1 --rate-mbit 200 >/dev/null
lab_build
mkdir -p "$LAB_BPFFS"
mount -t bpf bpf "$LAB_BPFFS"
bench_at_exit "umount '$LAB_BPFFS'"
lab_srv6_load
B6=$(lab_host "$B" ipv6)
lab_both_spines "$A" "$B"
for h in $A $B; do
	ip netns exec "$NS_PREFIX-$h" "$SRV6_BPF" --bpffs "$LAB_BPFFS" probe dev eth0 --interval 10 \
		2>"$TMP/probe-$h.err" &
	bench_at_exit "kill $! 2>/dev/null"
done
clang -O2 -target bpf -c "$REPO_ROOT/tests/lib/drop.bpf.c" -o "$TMP/drop.o"
path_json() { lab_path_json "$@"; }

# The stream's path (gap.py's fixed ports), and so the spine whose link dies.
P=$(lab_flow_path "$A" "$B6")
SPINE=spine0$P
link_dead() { lab_link_dead "$SPINE" leaf01 "$1" "$TMP/drop.o"; }
path_up() { [ "$(path_json "$A" "$P" state)" = up ] && [ "$(path_json "$B" "$P" state)" = up ]; }

: >"$TMP/runs.tsv"
for i in $(seq "$FAILURES"); do
	coproc RECV { nsx "$B" "$BENCH_PY" "$REPO_ROOT/tests/lib/gap.py" recv; }
	read -r _ <&"${RECV[0]}"
	nsx "$A" "$BENCH_PY" "$REPO_ROOT/tests/lib/gap.py" send "$B6" &
	send_pid=$!
	sleep 0.5
	link_dead on
	wait "$send_pid" || true
	read -r gap got <&"${RECV[0]}"
	wait "$RECV_PID" 2>/dev/null || true
	link_dead off
	printf '%s\t%s\t%s\n' "$i" "$gap" "$got" >>"$TMP/runs.tsv"
	echo "  failure $i: longest gap $gap ms ($got of 1500 datagrams arrived)" >&2
	for _ in $(seq 100); do path_up && break; sleep 0.05; done
	path_up || bench_die "failure $i: path $P did not come back up in 5 s"
done

"$BENCH_PY" - "$TMP/runs.tsv" "$SPINE" "$BENCH_OUT/result.json" <<'PY'
import json, statistics, sys
runs = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
ms = [int(g) for _, g, _ in runs]  # one datagram a millisecond
med, worst = statistics.median(ms), max(ms)
result = {
    "title": "Loss window of a dead spine link with srv6-bpf probing (10 ms, down after 3 lost)",
    "command": "bench/run.sh failover",
    "failures": len(ms), "spine": sys.argv[2], "loss_ms": ms,
    "median_loss_ms": med, "max_loss_ms": worst,
    "targets": [{"metric": "loss window of a dead link (median of failures)", "value": med,
                 "unit": "ms", "target": "< 100", "met": med < 100},
                {"metric": "loss window of a dead link (worst)", "value": worst,
                 "unit": "ms", "target": "< 100", "met": worst < 100}],
}
with open(sys.argv[3], "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"Loss window of a dead spine-leaf link, {len(ms)} failures, a datagram a ms, probing every 10 ms")
print(f"  per failure (ms): {' '.join(map(str, ms))}")
print(f"  median {med} ms, max {worst} ms (target < 100 ms)")
PY
