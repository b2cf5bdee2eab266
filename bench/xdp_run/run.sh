#!/usr/bin/env bash
# Section "xdp_run": ns per packet of the srv6_decap XDP program through
# BPF_PROG_TEST_RUN (build/bench/xdp-run, bench/xdp_run/xdp_run.c): decapsulated
# packets (SRH with Segments Left 0, micro-SID carrier without SRH; IPv6 and
# IPv4 inside) and packets that pass untouched, with the host's own SIDs and
# with a full SID table. Every output frame and counter is checked. (End, the
# router's cases of the same tool, is the router section's: --set end.)
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"

XDP_RUN=$BENCH_BUILD/bench/xdp-run
[ -x "$XDP_RUN" ] || bench_die "$XDP_RUN missing (make bench builds it)"
args=(--set decap)
[ "$BENCH_QUICK" = 1 ] && args+=(--trials 3 --shots 2000 --repeat 100000)
args+=(--json "$BENCH_OUT/result.json")
echo "command: ${XDP_RUN#"$REPO_ROOT"/} ${args[*]}"
"$XDP_RUN" "${args[@]}"
