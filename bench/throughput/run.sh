#!/usr/bin/env bash
# Section "throughput": TCP throughput h0 -> h1 through the lab (bench/lib/lab.sh),
# plain routing vs srv6-bpf (one SID) vs, where the kernel has seg6 (srv6-bpf
# check: seg6_routes), the kernel's seg6 encap.red route, runs interleaved
# (plain, kernel, srv6-bpf, plain, ...) so machine noise hits all alike. Both
# directions are encapsulated (the ACKs too), as a real deployment would be.
# Each run proves its mode: the receiver's decapsulation (End.DT6's count, or
# srv6-bpf's per-SID counter where the lab's hosts decapsulate with srv6-bpf)
# took at least the bytes iperf3 delivered, and r1's End at least those bytes
# too; plain runs: neither took any. Then one more srv6-bpf run under
# live-stats times the attached program in situ (per run, i.e. per skb: TCP
# hands the TC hook GSO skbs of many packets).
#
# Env: BENCH_TP_RUNS (runs per mode, default 4), BENCH_TP_SECONDS (per run,
# default 4), BENCH_KERNEL_SEG6=off (leave the kernel's seg6 out), LAB_ROUTER.
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=bench/lib/lab.sh
source "$BENCH_ROOT/lib/lab.sh"
bench_need iperf3 ip

bench_iperf_runs TP 4 4 3 2
LIVE_STATS=$BENCH_BUILD/bench/live-stats
[ -x "$LIVE_STATS" ] || bench_die "$LIVE_STATS missing (make bench builds it)"

P=$BENCH_PREFIX-tp
bench_tmpdir TMP tp
kernel_seg6=yes
if ! bench_kernel_has seg6_routes; then
	kernel_seg6="no: $(bench_kernel_why seg6_routes)"
	echo "throughput: kernel seg6 ${kernel_seg6#no: }" >&2
fi
lab_up "$P"
MODES=(plain)
# Where srv6-bpf decapsulates, a control: plain routing with srv6-bpf loaded on
# the hosts as in its runs (XDP generic) but no peers, which splits srv6-bpf's
# cost into generic XDP on veth (every packet) and encapsulation itself.
[ "$LAB_HOST_DECAP" = bpf ] && MODES+=(loaded)
[ "$kernel_seg6" = yes ] && MODES+=(kernel)
MODES+=(srv6bpf)
echo "throughput: r1 ends with $LAB_END, the hosts decapsulate with $([ "$LAB_HOST_DECAP" = kernel ] && echo "End.DT6" || echo "srv6-bpf XDP generic")" >&2
h0() { ip netns exec "$P-h0" "$@"; }

lab_iperf3_server "$P" "$TMP"

# Each mode: on, then off, leaving the lab as plain routing. Where the hosts
# decapsulate with srv6-bpf, its XDP program is loaded for the encapsulated
# modes only: plain routing runs with nothing on the hosts.
plain_on() { :; }
plain_off() { :; }
loaded_on() {
	lab_host_load "$P" h0
	lab_host_load "$P" h1
}
loaded_off() {
	lab_host_unload "$P" h0
	lab_host_unload "$P" h1
}
kernel_on() {
	if [ "$LAB_HOST_DECAP" = bpf ]; then
		lab_host_load "$P" h0
		lab_host_load "$P" h1
	fi
	ip -n "$P-h0" -6 route add 2001:db8:2::2/128 encap seg6 mode encap.red \
		segs fc00:0:100:2:e006:: dev eth0
	ip -n "$P-h1" -6 route add 2001:db8:1::1/128 encap seg6 mode encap.red \
		segs fc00:0:100:1:e006:: dev eth0
}
kernel_off() {
	ip -n "$P-h0" -6 route del 2001:db8:2::2/128
	ip -n "$P-h1" -6 route del 2001:db8:1::1/128
	if [ "$LAB_HOST_DECAP" = bpf ]; then
		lab_host_unload "$P" h0
		lab_host_unload "$P" h1
	fi
}
# Where End.DT6 decapsulates, srv6-bpf loads with xdp off: the comparison with
# the kernel is the encapsulation alone (receiver-side XDP is decap_throughput's).
srv6bpf_on() {
	lab_host_load "$P" h0
	lab_host_load "$P" h1
	lab_bpf "$P" h0 route add 2001:db8:2::2 dev eth0 segs fc00:0:100:2:e006::
	lab_bpf "$P" h1 route add 2001:db8:1::1 dev eth0 segs fc00:0:100:1:e006::
}
srv6bpf_off() {
	lab_host_unload "$P" h0
	lab_host_unload "$P" h1
}

one_run() {
	local mode=$1 i=$2 out=$TMP/$1.$2.json before after bps bytes decap e0 eb0 e1 eb1 ended
	"${mode}_on"
	before=$(lab_decap_bytes "$P" h1)
	read -r e0 eb0 < <(lab_end_counters "$P")
	h0 iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$out" ||
		bench_die "$mode run $i: iperf3 failed: $(head -c 300 "$out")"
	after=$(lab_decap_bytes "$P" h1)
	read -r e1 eb1 < <(lab_end_counters "$P")
	"${mode}_off"
	read -r bps bytes < <(lab_iperf_result "$out")
	decap=$((after - before))
	ended=$((eb1 - eb0))
	if [[ $mode == plain || $mode == loaded ]]; then
		if [ "$decap" -ne 0 ] || [ "$ended" -ne 0 ]; then
			bench_die "$mode run $i: h1 decapsulated $decap bytes, r1 ended $ended: traffic was encapsulated"
		fi
	elif [ "$decap" -lt "${bytes%.*}" ]; then
		bench_die "$mode run $i: h1 decapsulated $decap bytes < $bytes delivered: not all traffic was encapsulated"
	elif [ "$ended" -lt "${bytes%.*}" ]; then
		bench_die "$mode run $i: r1's End ($LAB_END) took $ended bytes < $bytes delivered: not all traffic went through it"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$bps" "$bytes" "$decap" "$ended" \
		$((e1 - e0)) >>"$TMP/runs.tsv"
	awk -v i="$i" -v m="$mode" -v b="$bps" 'BEGIN { printf "  run %d %-8s %6.2f Gbit/s\n", i, m, b / 1e9 }' >&2
}

echo "throughput: $RUNS runs x ${#MODES[@]} modes x ${SECS}s, interleaved" >&2
bench_interleave

# In situ: srv6_encap's own run time under this traffic (a fresh load, so the
# counters hold this run only: encap_packets counts wire packets, GSO segments).
srv6bpf_on
h0 "$LIVE_STATS" --dev eth0 --json "$TMP/live.json" -- \
	iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$TMP/live-iperf3.json" ||
	bench_die "live-stats run failed: $(head -c 300 "$TMP/live-iperf3.json")"
stats=$(lab_bpf "$P" h0 -j stats dev eth0)
srv6bpf_off

echo "$stats" >"$TMP/live-stats-counters.json"
"$BENCH_PY" "$BENCH_ROOT/throughput/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--live "$TMP/live.json" --live-iperf3 "$TMP/live-iperf3.json" \
	--live-counters "$TMP/live-stats-counters.json" --kernel-seg6 "$kernel_seg6" \
	--router "$LAB_END" --host-decap "$LAB_HOST_DECAP" --out "$BENCH_OUT/result.json"
