#!/usr/bin/env bash
# Section "pytorch": a real gloo job's step time in the leaf-spine lab (tests/lab:
# Linux routers in namespaces, every link shaped), plain ECMP vs srv6-bpf.
#
# One rank per host runs tests/lab/pytorch/job.py: warm-up and timed all_reduces of
# BENCH_PT_MB MB (float32), each step started together after a barrier; a step's time
# is the slowest rank's. Every run is a new job, so new TCP connections: the leaves
# hash them onto spines anew (Linux hashes a forwarded flow by its sender socket's
# random hash), which is why ECMP's step time differs from run to run. For each seed,
# one random placement of ranks on hosts, run twice, interleaved (the order alternates
# by seed):
#   ecmp      torch.distributed.init_process_group('gloo'); no srv6-bpf peers on any
#             host (the datapath stays loaded, passing everything)
#   srv6-bpf  SRv6Plugin().init_process_group(backend='gloo') with the package's
#             default source (topology: the collision-aware plan, topology from the
#             lab's Jalapeño test server)
# Every srv6-bpf run is checked with tests/lab/pytorch/counters.py (each host's paths
# are the plan's, all the job's bytes went encapsulated, every link carried what the
# paths put on it); every ECMP run must have no peer programmed. A failed check fails
# the section (it did not measure what it says).
#
# Env: BENCH_PT_SEEDS (placements, default "1 2 3 4"; quick: "1"), BENCH_PT_MB (all_reduce
# size, default 8), BENCH_PT_STEPS (timed steps per run, default 5; quick 2),
# BENCH_PT_WARMUP (default 1), BENCH_PT_SOURCE (default topology), LAB_SPINES, LAB_LEAVES,
# LAB_HOSTS_PER_LEAF, LAB_RATE_MBIT (the lab, default tests/lab/fabric.conf: 4 x 4 x 2
# at 100 Mbit/s).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need ip tc ss
# shellcheck source=tests/lab/lablib.sh
source "$REPO_ROOT/tests/lab/lablib.sh"
# shellcheck source=tests/lab/pytorch/joblib.sh
source "$REPO_ROOT/tests/lab/pytorch/joblib.sh"
"$JOB_PYTHON" -c 'import torch.distributed as d; assert d.is_gloo_available()' 2>/dev/null ||
	bench_die "$JOB_PYTHON cannot import torch with gloo (apt-get install python3-torch)"
[ -x "$SRV6_BPF" ] || bench_die "$SRV6_BPF missing: run make"

if [ "$BENCH_QUICK" = 1 ]; then seeds_default="1" steps_default=2; else seeds_default="1 2 3 4" steps_default=5; fi
read -r -a SEEDS <<<"${BENCH_PT_SEEDS:-$seeds_default}"
MB=${BENCH_PT_MB:-8}
STEPS=${BENCH_PT_STEPS:-$steps_default}
WARMUP=${BENCH_PT_WARMUP:-1}
SOURCE=${BENCH_PT_SOURCE:-topology}
NUMEL=$((MB * 1000000 / 4))

# The lab: lablib.sh's functions, its cleanups replaced by one teardown at exit.
NS_PREFIX=$BENCH_PREFIX-pt
bench_tmpdir TMP pytorch
LAB_DIR=$TMP/lab
LAB_BPFFS=$LAB_DIR/bpffs
_KT_CLEANUP=()
bench_at_exit "lab_teardown '$NS_PREFIX' '$LAB_DIR'"
say() { echo "pytorch: $*" >&2; }

say "building the lab"
# shellcheck disable=SC2119 # sizes come from fabric.conf and LAB_* variables
lab_generate >/dev/null
lab_build
mkdir -p "$LAB_BPFFS"
mount -t bpf bpf "$LAB_BPFFS"
lab_srv6_load
lab_server_start
say "$(json_eval '"%d spines, %d leaves, %d hosts, links at %d Mbit/s; source %s" % (j["spines"],
	j["leaves"], len(j["hosts"]), j["rate_mbit"], "'"$SOURCE"'")' "$LAB_DIR/lab.json")"

# clear_all: no srv6-bpf peer on any host, so that every run starts alike.
clear_all() {
	local h pids=()
	for h in $(lab_nodes hosts); do lab_routes_clear "$h" & pids+=($!); done
	for h in "${pids[@]}"; do wait "$h" || bench_die "could not clear the hosts' peers"; done
}

# one_run N MODE SEED: job run N in MODE with SEED's placement, checked.
one_run() {
	local n=$1 mode=$2 seed=$3 d=$TMP/runs/$1 jobmode=plain
	[ "$mode" = srv6-bpf ] && jobmode=plugin
	mkdir -p "$d"
	mapfile -t JOB_HOSTS < <(job_placement_random "$seed")
	clear_all
	"$KT_PYTHON" -c 'import json, sys
print(json.dumps({"mode": sys.argv[1], "seed": int(sys.argv[2]), "hosts": sys.argv[3:]}))' \
		"$mode" "$seed" "${JOB_HOSTS[@]}" >"$d/meta.json"
	say "run $n: $mode, placement $seed (${JOB_HOSTS[*]})"
	JOB_MASTER_PORT=$((29500 + n)) job_start "$d" "$jobmode" JOB_PAUSE=1 \
		SRV6_BPF_SOURCE="$SOURCE" JOB_NUMEL="$NUMEL" JOB_RING_NUMEL=1000 \
		JOB_STEPS="$STEPS" JOB_WARMUP="$WARMUP"
	job_paused "$d" "$d/before.json" "$d/after.json"
	job_wait "$d"
	if [[ " $JOB_STATUS " =~ \ [^0\ ] ]]; then
		job_log "$d" >&2
		bench_die "run $n ($mode): ranks exited with $JOB_STATUS"
	fi
	if [ "$mode" = ecmp ]; then
		[ "$(json_eval 'sum(len(h["routes"]) for h in j["hosts"].values())' "$d/after.json")" = 0 ] ||
			bench_die "run $n (ecmp): srv6-bpf peers were programmed"
		return
	fi
	local plan=()
	if [ "$SOURCE" = topology ]; then
		job_plan "$d"
		plan=(--plan "$d/plan.json" --both-families)
	fi
	"$KT_PYTHON" "$JOB_HOME/counters.py" check --lab "$LAB_DIR" --before "$d/before.json" \
		--after "$d/after.json" --job "$d/rank0.json" "${plan[@]}" --out "$d/check.json" \
		>"$d/check.txt" || { cat "$d/check.txt" >&2; bench_die "run $n (srv6-bpf): the counters do not show the paths"; }
}

n=0
for i in "${!SEEDS[@]}"; do
	seed=${SEEDS[i]}
	if ((i % 2 == 0)); then order=(ecmp srv6-bpf); else order=(srv6-bpf ecmp); fi
	for mode in "${order[@]}"; do
		n=$((n + 1))
		one_run "$n" "$mode" "$seed"
	done
done

quick=()
[ "$BENCH_QUICK" = 1 ] && quick=(--quick)
"$KT_PYTHON" "$REPO_ROOT/bench/pytorch/summarise.py" --runs "$TMP/runs" --lab "$LAB_DIR" \
	--out "$BENCH_OUT/result.json" "${quick[@]}"
