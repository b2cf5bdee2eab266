#!/usr/bin/env bash
# Section "router": a micro-SID router (the lab's r1, bench/lib/lab.sh) running
# srv6-bpf's End with the NEXT-C-SID flavour in its XDP program.
#
# (a) ns per packet of End through BPF_PROG_TEST_RUN: build/bench/xdp-run --set
#     end (a one-carrier shift, an exhausted carrier with an SRH, a miss; every
#     output frame and counter checked; one packet per call minus an empty
#     program, bench/README.md says why).
# (b) TCP throughput h0 -> r1 -> h1 (iperf3, one stream), modes interleaved
#     (one run of each, then again), medians:
#       plain         r1 forwards plain IPv6, nothing of srv6-bpf on r1 (the baseline)
#       plain_generic r1 runs srv6-bpf (XDP generic, End SID fc00:0:100::/48 on eth0
#                     and eth1), h0 sends plain IPv6: r1's program misses
#       transit       the same r1; h0 encapsulates straight to h1's SID
#                     (fc00:0:2:e006::): r1's program misses, r1 forwards the SRv6
#                     packet as plain IPv6
#       end           the same r1; h0 encapsulates through r1's End (fc00:0:100:2:e006::,
#                     one carrier, no SRH): r1 shifts, then forwards
#       plain_native  r1 runs srv6-bpf with native XDP, h0 sends plain IPv6
#       end_native    r1 native, h0 through r1's End
#       plain_tc      r1 runs srv6-bpf with xdp tc (End on clsact ingress, no XDP),
#                     h0 sends plain IPv6: r1's program misses
#       transit_tc    the same r1; SRv6 straight to h1's SID: r1's program misses
#       end_tc        the same r1; h0 through r1's End
#       end_kernel    (only where srv6-bpf check says seg6local_next_csid) r1's End
#                     is the kernel's seg6local End next-csid route
#     h0 runs srv6-bpf (xdp off) throughout, its route to h1 added for the
#     encapsulated runs only; h1 decapsulates throughout (End.DT6 where the lab's
#     hosts have it, else srv6-bpf XDP generic), so the hosts are the same in
#     every mode and only r1 and the packets' SID differ. Each run proves its
#     mode: the XDP mode the kernel reports on r1's eth0; r1's End took at least
#     the bytes iperf3 delivered (end modes) or nothing (the others); h1
#     decapsulated at least those bytes (encapsulated modes) or nothing (plain).
#
# Env: BENCH_RT_RUNS (runs per mode, default 5, at least 3), BENCH_RT_SECONDS
# (per run, default 3; iperf3 omits one more second), BENCH_KERNEL_SEG6=off,
# LAB_ROUTER (bench/lib/lab.sh: the hosts' decapsulation).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=bench/lib/lab.sh
source "$BENCH_ROOT/lib/lab.sh"
bench_need iperf3 ip ethtool

bench_iperf_runs RT 5 3 3 1
XDP_RUN=$BENCH_BUILD/bench/xdp-run
[ -x "$XDP_RUN" ] || bench_die "$XDP_RUN missing (make bench builds it)"

P=$BENCH_PREFIX-rt
bench_tmpdir TMP rt

# (a) End's cost per packet, in the kernel's BPF_PROG_TEST_RUN.
args=(--set end)
[ "$BENCH_QUICK" = 1 ] && args+=(--trials 3 --shots 2000 --repeat 100000)
echo "command (a): ${XDP_RUN#"$REPO_ROOT"/} ${args[*]}"
"$XDP_RUN" "${args[@]}" --json "$TMP/xdp-run.json"
echo

# (b) The router under TCP. r1 starts without End; each mode sets it.
lab_up "$P" none
h0() { ip netns exec "$P-h0" "$@"; }
MODES=(plain plain_tc transit_tc end_tc plain_generic transit end plain_native end_native)
kernel_end=yes
if bench_kernel_has seg6local_next_csid; then
	MODES+=(end_kernel)
else
	kernel_end="no: $(bench_kernel_why seg6local_next_csid)"
	echo "router: the kernel's End ${kernel_end#no: }" >&2
fi
lab_host_load "$P" h0 off
[ "$LAB_HOST_DECAP" = bpf ] && lab_host_load "$P" h1
lab_iperf3_server "$P" "$TMP"

# Each mode: r1's End, and h0's route to h1 over SEGS (none: plain IPv6).
mode_router() {
	case $1 in
	plain) echo none ;;
	plain_generic | transit | end) echo generic ;;
	plain_native | end_native) echo native ;;
	plain_tc | transit_tc | end_tc) echo tc ;;
	end_kernel) echo kernel ;;
	esac
}
mode_segs() {
	case $1 in
	plain | plain_generic | plain_native | plain_tc) echo none ;;
	transit | transit_tc) echo fc00:0:2:e006:: ;;
	*) echo fc00:0:100:2:e006:: ;;
	esac
}

one_run() {
	local mode=$1 i=$2 out=$TMP/$1.$2.iperf3.json segs xdp tso load
	local ep0 eb0 ep1 eb1 d0 d1 tp0 tb0 tp1 tb1
	segs=$(mode_segs "$mode")
	lab_router_end "$P" "$(mode_router "$mode")"
	[ "$segs" = none ] || lab_bpf "$P" h0 route add 2001:db8:2::2 dev eth0 segs "$segs"
	xdp=$(lab_xdp_mode "$P" r1 eth0)
	tso=$(lab_offload "$P" h0 eth0 tx-tcp6-segmentation)
	load=$(cut -d' ' -f1 /proc/loadavg)
	read -r ep0 eb0 < <(lab_end_counters "$P")
	d0=$(lab_decap_bytes "$P" h1)
	read -r tp0 tb0 < <(lab_tx "$P" r1 eth1)
	h0 iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$out" ||
		bench_die "$mode run $i: iperf3 failed: $(head -c 300 "$out")"
	read -r ep1 eb1 < <(lab_end_counters "$P")
	d1=$(lab_decap_bytes "$P" h1)
	read -r tp1 tb1 < <(lab_tx "$P" r1 eth1)
	[ "$segs" = none ] || lab_bpf "$P" h0 route del 2001:db8:2::2 dev eth0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$out" "$segs" \
		"$xdp" "$tso" $((ep1 - ep0)) $((eb1 - eb0)) $((d1 - d0)) $((tp1 - tp0)) \
		$((tb1 - tb0)) "$load" >>"$TMP/runs.tsv"
	echo "  run $i $mode: r1 XDP $xdp, h0 TSO $tso; r1 End $((ep1 - ep0)) runs $((eb1 - eb0)) B," \
		"h1 decapsulated $((d1 - d0)) B" >&2
}

echo "router: $RUNS runs x ${#MODES[@]} modes x ${SECS}s, interleaved; h1 decapsulates with" \
	"$([ "$LAB_HOST_DECAP" = kernel ] && echo End.DT6 || echo "srv6-bpf XDP generic")" >&2
bench_interleave
lab_router_end "$P" none

"$BENCH_PY" "$BENCH_ROOT/router/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--xdp-run "$TMP/xdp-run.json" --host-decap "$LAB_HOST_DECAP" --kernel-end "$kernel_end" \
	--load-start "$LOAD_START" --load-end "$LOAD_END" --quick "$BENCH_QUICK" \
	--out "$BENCH_OUT/result.json"
