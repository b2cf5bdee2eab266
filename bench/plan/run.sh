#!/usr/bin/env bash
# Section "plan": the collision-aware planner on generated fabrics (leaf-spine
# 8x8, 16x16, 32x32, 64x32 and a k=8 fat-tree; as built, with one failed spine
# link, 2:1 oversubscribed) for random permutations, rings over a random rank
# placement and all-to-all: plan max link load, lower bound, ECMP's simulated
# and Jalapeño-load's emulated max load, flows, wall and CPU time, peak memory.
# Plus the targets: 16,384 flows under 0.1 s, a 1,024-host all-to-all under 5 s.
#
# Runs alone (no root, no namespaces): bench/plan/run.sh [--quick]
# Env (bench/README.md): SRV6_BPF (default build/srv6-bpf), BENCH_OUT (default a
# temp dir; gets plan.md and result.json), BENCH_QUICK=1 (small fabrics only).
# The fabrics come from tests/jalapeno/gen_fabric.py (the project's one fabric
# generator); the runs from bench/plan/bench.py.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${SRV6_BPF:-$root/build/srv6-bpf}
quick=${BENCH_QUICK:-0}
for arg in "$@"; do
	case $arg in
	--quick) quick=1 ;;
	*) echo "bench/plan: unknown argument $arg (give --quick or nothing)" >&2; exit 1 ;;
	esac
done
[ -x "$bin" ] || { echo "bench/plan: $bin missing: run make" >&2; exit 1; }
if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT=$(mktemp -d /tmp/srv6-plan-bench-out.XXXXXX)
	echo "bench/plan: results in $BENCH_OUT" >&2
fi
mkdir -p "$BENCH_OUT"
args=(--bin "$bin" --out "$BENCH_OUT")
[ "$quick" = 1 ] && args+=(--quick)
exec python3 "$here/bench.py" "${args[@]}"
