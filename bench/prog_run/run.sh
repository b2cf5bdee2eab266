#!/usr/bin/env bash
# Section "prog_run": ns per packet of the srv6_encap TC program through
# BPF_PROG_TEST_RUN (build/bench/prog-run, bench/prog_run/prog_run.c), in a fresh
# network namespace: the test skb's device is that namespace's loopback, whose
# MTU (65536) the program's bpf_check_mtu must pass.
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need unshare

PROG_RUN=$BENCH_BUILD/bench/prog-run
[ -x "$PROG_RUN" ] || bench_die "$PROG_RUN missing (make bench builds it)"
args=()
[ "$BENCH_QUICK" = 1 ] && args=(--trials 3 --shots 2000 --repeat 100000)
unshare --net "$PROG_RUN" "${args[@]}" --json "$BENCH_OUT/result.json"
