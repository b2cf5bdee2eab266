#!/usr/bin/env bash
# make bench: run every benchmark section and merge their results.
#
#   bench/run.sh [--quick] [SECTION...]
#
# Sections are bench/<name>/run.sh: first this project's datapath sections
# (prog_run, throughput, route_batch), then every other executable
# bench/*/run.sh in name order (bench/README.md describes the convention). With
# SECTION names, only those run. Writes build/bench/results.json (merged) and
# build/bench/results.txt (the tables, as printed). Never fails on slow
# numbers; fails (exit 1) when a section could not measure, after running the rest.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$BENCH_ROOT/.." && pwd)
FIRST_SECTIONS=(prog_run throughput route_batch)

quick=0
wanted=()
for arg in "$@"; do
	case $arg in
	--quick) quick=1 ;;
	-h | --help)
		sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "bench: unknown option $arg (see: bench/run.sh --help)" >&2
		exit 1
		;;
	*) wanted+=("$arg") ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: must run as root (BPF and network namespaces)" >&2
	exit 1
fi

export BENCH_BUILD=${BENCH_BUILD:-$REPO_ROOT/build}
export SRV6_BPF=${SRV6_BPF:-$BENCH_BUILD/srv6-bpf}
export BENCH_PREFIX=${BENCH_PREFIX:-bn$$}
export BENCH_QUICK=$quick
RESULTS=$BENCH_BUILD/bench
[ -x "$SRV6_BPF" ] || { echo "bench: $SRV6_BPF missing: run make bench" >&2; exit 1; }

# The command that reproduces these figures, as the user typed it.
if [ -n "${MAKELEVEL:-}" ]; then
	# shellcheck disable=SC2016 # the quotes are part of the command shown
	command="make bench${BENCH_ARGS:+ BENCH_ARGS='$BENCH_ARGS'}"
else
	command="bench/run.sh${*:+ $*}"
fi
overrides=$(env | grep -E '^(BENCH_(TP|RB|DT|PT|RT|IS)_[A-Z_]+|BENCH_KERNEL_SEG6|LAB_ROUTER)=' |
	sort | tr '\n' ' ' || true)
command="${overrides}${command}"

sections=()
if [ ${#wanted[@]} -gt 0 ]; then
	for name in "${wanted[@]}"; do
		[ -x "$BENCH_ROOT/$name/run.sh" ] || { echo "bench: no section $name (bench/$name/run.sh)" >&2; exit 1; }
		sections+=("$name")
	done
else
	sections=("${FIRST_SECTIONS[@]}")
	for run in "$BENCH_ROOT"/*/run.sh; do
		name=$(basename "$(dirname "$run")")
		[ -x "$run" ] || continue
		[[ " ${FIRST_SECTIONS[*]} " == *" $name "* ]] && continue
		sections+=("$name")
	done
fi

rm -rf "$RESULTS/sections"
mkdir -p "$RESULTS/sections"
# What this kernel offers, asked once: every section decides from this answer
# (bench/lib/common.sh) what it can compare with, and results.json keeps it.
export BENCH_CHECK_JSON=$RESULTS/check.json
"$SRV6_BPF" -j check >"$BENCH_CHECK_JSON" ||
	{ echo "bench: '$SRV6_BPF -j check' failed" >&2; exit 1; }
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "srv6-bpf benchmarks, $started"
	echo "command: $command"
	echo "host: $(uname -r), $(nproc) CPUs, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1), load average $loadavg at start"
	echo
} | tee "$RESULTS/results.txt"

failed=0
for name in "${sections[@]}"; do
	out=$RESULTS/sections/$name
	mkdir -p "$out"
	echo "== $name ==" | tee -a "$RESULTS/results.txt"
	t0=$(date +%s%3N)
	set +e
	# The table (stdout) goes to the results; progress and errors (stderr) to the terminal and a log.
	BENCH_OUT=$out "$BENCH_ROOT/$name/run.sh" 2> >(tee "$out/log.txt" >&2) | tee -a "$RESULTS/results.txt"
	rc=${PIPESTATUS[0]}
	set -e
	t1=$(date +%s%3N)
	echo "$rc $((t1 - t0))" >"$out/status"
	if [ "$rc" -ne 0 ]; then
		failed=1
		echo "bench: section $name failed (exit $rc); see $out/log.txt" | tee -a "$RESULTS/results.txt" >&2
	fi
	echo | tee -a "$RESULTS/results.txt"
done

python3 "$BENCH_ROOT/lib/merge.py" --sections "$RESULTS/sections" --order "${sections[*]}" \
	--command "$command" --check "$BENCH_CHECK_JSON" \
	--started "$started" --loadavg "$loadavg" --quick "$quick" --out "$RESULTS/results.json" |
	tee -a "$RESULTS/results.txt"
echo "results: $RESULTS/results.json, $RESULTS/results.txt" >&2
exit "$failed"
