#!/usr/bin/env bash
# Section "throughput": TCP throughput h0 -> h1 through the lab (bench/lib/lab.sh),
# plain routing vs the kernel's seg6 encap.red route vs srv6-bpf (one SID), runs
# interleaved (plain, kernel, srv6-bpf, plain, ...) so machine noise hits all
# three alike. Both directions are encapsulated (the ACKs too), as a real
# deployment would be. Each run proves its mode: End.DT6 on h1 must have
# decapsulated at least the bytes iperf3 delivered (none for plain routing).
# Then one more srv6-bpf run under live-stats times the attached program in situ
# (per run, i.e. per skb: TCP hands the TC hook GSO skbs of many packets).
#
# Env: BENCH_TP_RUNS (runs per mode, default 4), BENCH_TP_SECONDS (per run, default 4).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=bench/lib/lab.sh
source "$BENCH_ROOT/lib/lab.sh"
bench_need iperf3 ip

if [ "$BENCH_QUICK" = 1 ]; then runs_default=3 secs_default=2; else runs_default=4 secs_default=4; fi
RUNS=${BENCH_TP_RUNS:-$runs_default}
SECS=${BENCH_TP_SECONDS:-$secs_default}
LIVE_STATS=$BENCH_BUILD/bench/live-stats
[ -x "$LIVE_STATS" ] || bench_die "$LIVE_STATS missing (make bench builds it)"
[ "$RUNS" -ge 3 ] || bench_die "BENCH_TP_RUNS must be at least 3"

P=$BENCH_PREFIX-tp
bench_tmpdir TMP tp
lab_up "$P"
bench_bpffs BPFFS
h0() { ip netns exec "$P-h0" "$@"; }
h1() { ip netns exec "$P-h1" "$@"; }
bpf() { local ns=$1; shift; ip netns exec "$P-$ns" "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }

lab_iperf3_server "$P" "$TMP"

# Each mode: on, then off, leaving the lab as plain routing.
plain_on() { :; }
plain_off() { :; }
kernel_on() {
	ip -n "$P-h0" -6 route add 2001:db8:2::2/128 encap seg6 mode encap.red \
		segs fc00:0:100:2:e006:: dev eth0
	ip -n "$P-h1" -6 route add 2001:db8:1::1/128 encap seg6 mode encap.red \
		segs fc00:0:100:1:e006:: dev eth0
}
kernel_off() {
	ip -n "$P-h0" -6 route del 2001:db8:2::2/128
	ip -n "$P-h1" -6 route del 2001:db8:1::1/128
}
# The TC encapsulation alone: decapsulation stays End.DT6 as in the other modes
# (receiver-side XDP is another section's comparison).
srv6bpf_on() {
	bpf h0 load eth0 xdp off >/dev/null
	bpf h1 load eth0 xdp off >/dev/null
	bpf h0 route add 2001:db8:2::2 dev eth0 segs fc00:0:100:2:e006::
	bpf h1 route add 2001:db8:1::1 dev eth0 segs fc00:0:100:1:e006::
}
srv6bpf_off() {
	bpf h0 unload eth0
	bpf h1 unload eth0
}

# iperf3 JSON -> "bits_per_second bytes" received.
iperf_result() {
	"$BENCH_PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
if "error" in d:
    sys.exit("iperf3: " + d["error"])
r = d["end"]["sum_received"]
print(r["bits_per_second"], r["bytes"])' "$1"
}

one_run() {
	local mode=$1 i=$2 out=$TMP/$1.$2.json before after bps bytes decap
	"${mode}_on"
	before=$(lab_dt6_bytes "$P" h1)
	h0 iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$out" ||
		bench_die "$mode run $i: iperf3 failed: $(head -c 300 "$out")"
	after=$(lab_dt6_bytes "$P" h1)
	"${mode}_off"
	read -r bps bytes < <(iperf_result "$out")
	decap=$((after - before))
	if [ "$mode" = plain ] && [ "$decap" -ne 0 ]; then
		bench_die "plain run $i: h1 decapsulated $decap bytes: traffic was encapsulated"
	elif [ "$mode" != plain ] && [ "$decap" -lt "${bytes%.*}" ]; then
		bench_die "$mode run $i: h1 decapsulated $decap bytes < $bytes delivered: not all traffic was encapsulated"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$bps" "$bytes" "$decap" >>"$TMP/runs.tsv"
	awk -v i="$i" -v m="$mode" -v b="$bps" 'BEGIN { printf "  run %d %-8s %6.2f Gbit/s\n", i, m, b / 1e9 }' >&2
}

echo "throughput: $RUNS runs x 3 modes x ${SECS}s, interleaved" >&2
: >"$TMP/runs.tsv"
for i in $(seq "$RUNS"); do
	for mode in plain kernel srv6bpf; do
		one_run "$mode" "$i"
	done
done

# In situ: srv6_encap's own run time under this traffic (a fresh load, so the
# counters hold this run only: encap_packets counts wire packets, GSO segments).
srv6bpf_on
h0 "$LIVE_STATS" --dev eth0 --json "$TMP/live.json" -- \
	iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$TMP/live-iperf3.json" ||
	bench_die "live-stats run failed: $(head -c 300 "$TMP/live-iperf3.json")"
stats=$(bpf h0 -j stats dev eth0)
srv6bpf_off

echo "$stats" >"$TMP/live-stats-counters.json"
"$BENCH_PY" "$BENCH_ROOT/throughput/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--live "$TMP/live.json" --live-iperf3 "$TMP/live-iperf3.json" \
	--live-counters "$TMP/live-stats-counters.json" --out "$BENCH_OUT/result.json"
