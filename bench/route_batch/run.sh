#!/usr/bin/env bash
# Section "route_batch": time to program N peers (default 65,536, one path each,
# distinct micro-SID carriers as real hosts would have) with
# `srv6-bpf route add -batch FILE`, each run on a freshly loaded datapath in a
# fresh namespace; and, interleaved, the same number of kernel seg6 encap.red
# routes through `ip -batch`; and srv6-bpf again with `load ... peer-routes off`
# (no MTU routes: map updates and first-SID lookups only). The peers' subnet
# 2001:db8:a::/64 is routed through the gateway of their first SIDs, as a
# fabric's backend subnets are, so srv6-bpf's MTU route is one prefix route;
# a third srv6-bpf run leaves that route out, so each peer needs its own host
# route (what every peer cost before the prefix routes). Each run checks that
# every peer landed (the peers map and srv6-bpf's routes; the kernel's seg6
# routes). The kernel's runs need seg6 routes (srv6-bpf check:
# seg6_routes); without them the section times srv6-bpf alone and reports the
# kernel's figure as not measured, with the reason.
#
# Then one change among them (build/bench/resync, and `route replace`).
#
# Env: BENCH_RB_PEERS (default 65536), BENCH_RB_RUNS (default 3),
# BENCH_KERNEL_SEG6=off (leave the kernel's seg6 out).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need ip

if [ "$BENCH_QUICK" = 1 ]; then peers_default=4096 runs_default=1; else peers_default=65536 runs_default=3; fi
PEERS=${BENCH_RB_PEERS:-$peers_default}
RUNS=${BENCH_RB_RUNS:-$runs_default}
P=$BENCH_PREFIX-rb
bench_tmpdir TMP rb
bench_bpffs BPFFS
kernel_seg6=yes
if ! bench_kernel_has seg6_routes; then
	kernel_seg6="no: $(bench_kernel_why seg6_routes)"
	echo "route_batch: kernel seg6 routes ${kernel_seg6#no: }" >&2
fi

# Peer i: 2001:db8:a::<i/65536>:<i%65536>, first SID fc00:0:100:<i%65536>:e006::.
"$BENCH_PY" - "$PEERS" "$TMP" <<'PY'
import sys
n, tmp = int(sys.argv[1]), sys.argv[2]
with open(f"{tmp}/srv6-bpf.batch", "w") as b, open(f"{tmp}/ip.batch", "w") as k:
    for i in range(n):
        peer = f"2001:db8:a::{i >> 16:x}:{i & 0xffff:x}"
        sid = f"fc00:0:100:{i & 0xffff:x}:e006::"
        b.write(f"{peer} dev rb0 segs {sid}\n")
        k.write(f"route add {peer}/128 encap seg6 mode encap.red segs {sid} dev rb0\n")
PY

# ns_up NS [subnet]: a namespace with rb0 (a veth) whose SIDs route through
# one gateway; with "subnet", the peers' subnet too.
ns_up() {
	ip netns add "$1"
	bench_at_exit "ip netns del '$1'"
	ip -n "$1" link add rb0 type veth peer name rb1
	ip -n "$1" link set rb0 up
	ip -n "$1" link set rb1 up
	ip -n "$1" addr add 2001:db8:1::1/64 dev rb0 nodad
	ip -n "$1" -6 route add fc00::/16 via 2001:db8:1::ff dev rb0
	if [ "${2:-}" = subnet ]; then
		ip -n "$1" -6 route add 2001:db8:a::/64 via 2001:db8:1::ff dev rb0
	fi
}

json_field() { "$BENCH_PY" -c 'import json, sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$1"; }

# srv6bpf_run RUN KIND on|off [subnet]: one timed `route add -batch` on a fresh
# load with peer-routes on or off, checked (every peer in the map; srv6-bpf's
# routes: one prefix route with the subnet, a host route each without, none
# with peer-routes off), appended to runs.tsv as KIND.
srv6bpf_run() {
	local i=$1 kind=$2 peer_routes=$3 ns=$P-$1-$2 t0 t1 got routes want
	if [ "$peer_routes" = off ]; then
		want=0
	elif [ "${4:-}" = subnet ]; then
		want=1
	else
		want=$PEERS
	fi
	ns_up "$ns" "${4:-}"
	ip netns exec "$ns" "$SRV6_BPF" --bpffs "$BPFFS" load rb0 xdp off peer-routes "$peer_routes" >/dev/null
	t0=$(bench_now_ms)
	# The loader's peak memory too (max RSS, KiB), where time(1) is installed.
	if [ -x /usr/bin/time ]; then
		ip netns exec "$ns" /usr/bin/time -f %M -o "$TMP/rss" \
			"$SRV6_BPF" --bpffs "$BPFFS" route add -batch "$TMP/srv6-bpf.batch"
	else
		echo 0 >"$TMP/rss"
		ip netns exec "$ns" "$SRV6_BPF" --bpffs "$BPFFS" route add -batch "$TMP/srv6-bpf.batch"
	fi
	t1=$(bench_now_ms)
	got=$(ip netns exec "$ns" "$SRV6_BPF" --bpffs "$BPFFS" -j show dev rb0 | json_field peers)
	routes=$(ip -n "$ns" -6 route show proto 206 | wc -l)
	if [ "$got" -ne "$PEERS" ] || [ "$routes" -ne "$want" ]; then
		bench_die "srv6-bpf ($kind) run $i: $got peers in the map and $routes routes of srv6-bpf, expected $PEERS and $want"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$i" "$((t1 - t0))" "$got" "$(tail -1 "$TMP/rss")" >>"$TMP/runs.tsv"
	echo "  run $i srv6-bpf route add -batch, $kind: $((t1 - t0)) ms" >&2
	ip netns del "$ns"
	# Its pins would outlive it, and a later namespace may get the same inode.
	rm -rf "$BPFFS/srv6-bpf"
}

echo "route_batch: $RUNS runs x ($PEERS peers via srv6-bpf (prefix route), the same with a host route each, with peer-routes off$([ "$kernel_seg6" = yes ] && echo ", $PEERS kernel seg6 routes via ip -batch"))" >&2
: >"$TMP/runs.tsv"
for i in $(seq "$RUNS"); do
	srv6bpf_run "$i" srv6bpf on subnet
	# Without the subnet's route: a host route per peer.
	srv6bpf_run "$i" hostroutes on
	# The same with peer-routes off: map updates (and first-SID lookups) only.
	srv6bpf_run "$i" maponly off

	[ "$kernel_seg6" = yes ] || continue
	ns=$P-$i-kernel
	ns_up "$ns"
	t0=$(bench_now_ms)
	# -force: go on past a failed route and count what landed.
	ip -n "$ns" -force -batch "$TMP/ip.batch" 2>"$TMP/ip.err" || true
	t1=$(bench_now_ms)
	got=$(ip -n "$ns" -6 route show | grep -c "encap seg6" || true)
	printf 'kernel\t%s\t%s\t%s\t%s\n' "$i" "$((t1 - t0))" "$got" \
		"$(sort "$TMP/ip.err" | uniq -c | sort -rn | head -1 | sed 's/^ *//')" >>"$TMP/runs.tsv"
	echo "  run $i ip -batch (kernel seg6):     $((t1 - t0)) ms, $got routes" >&2
	ip netns del "$ns"
done

# One change among PEERS: a re-sync through the loader's route_sync as the
# daemon runs it (its memo) and as `srv6-bpf sync` does (every peer read), by
# build/bench/resync; then `srv6-bpf route replace` of one peer, the whole
# command timed.
ns=$P-change
ns_up "$ns" subnet
ip netns exec "$ns" "$SRV6_BPF" --bpffs "$BPFFS" load rb0 xdp off >/dev/null
ip netns exec "$ns" "$BENCH_BUILD/bench/resync" --bpffs "$BPFFS" --runs "$RUNS" \
	--json "$TMP/resync.json" rb0 "$TMP/srv6-bpf.batch" ||
	bench_die "resync failed"
: >"$TMP/replace.tsv"
for i in $(seq "$RUNS"); do
	t0=$(bench_now_ms)
	ip netns exec "$ns" "$SRV6_BPF" --bpffs "$BPFFS" route replace 2001:db8:a::5 dev rb0 \
		segs "fc00:0:100:5:e$((i % 10))06::"
	t1=$(bench_now_ms)
	echo "$((t1 - t0))" >>"$TMP/replace.tsv"
	echo "  run $i route replace of one peer among $PEERS: $((t1 - t0)) ms (the whole command)" >&2
done
[ "$(ip -n "$ns" -6 route show proto 206 | wc -l)" -eq 1 ] ||
	bench_die "one change: srv6-bpf's routes are not the one prefix route any more"
ip netns del "$ns"
rm -rf "$BPFFS/srv6-bpf"

"$BENCH_PY" "$BENCH_ROOT/route_batch/summarise.py" --runs "$TMP/runs.tsv" --peers "$PEERS" \
	--resync "$TMP/resync.json" --replace "$TMP/replace.tsv" \
	--kernel-seg6 "$kernel_seg6" --out "$BENCH_OUT/result.json"
