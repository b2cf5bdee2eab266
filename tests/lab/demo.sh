#!/usr/bin/env bash
# make demo: srv6-bpf against ECMP on a leaf-spine fabric of Linux routers.
#
# Builds the lab (tests/lab/lab: 4 spines, 4 leaves, 8 hosts, every link shaped
# to 100 Mbit/s; see tests/lab/fabric.conf), then per scenario runs the same
# traffic twice: every host sends one TCP flow of DEMO_BYTES to a fixed
# partner, first with plain ECMP (the leaves hash flows onto spines), then with
# every host programmed with the planner's collision-free paths (srv6-bpf sync,
# each host planning on its own from the lab's topology file). Prints a
# side-by-side table and writes DEMO_OUT/fabric.svg (link loads of every run)
# and DEMO_OUT/results.json, then removes the lab.
#
# Then the failover scenario (tests/lab/lablib.sh lab_failover): one pattern,
# three runs during which one leaf-spine link dies and stays dead: ECMP (static
# routes: the flows hashed onto it stall), srv6-bpf with 2 planned paths a flow
# and no probing (the flows on its paths stall too), and the same with `srv6-bpf
# probe dev eth0 --interval 10` on every host (their flows move to their other
# path); each also without the failure, for reference. A flow not done by the
# deadline is reported stalled. Its table follows the scenarios'; its numbers
# are results.json's "failover".
#
# Environment: DEMO_SCENARIOS (default "ring random:1 ... random:5": a ring
# across leaves and five random permutations with fixed seeds), DEMO_BYTES (default
# 25000000), DEMO_OUT (default build/demo), LAB_SPINES, LAB_LEAVES,
# LAB_HOSTS_PER_LEAF, LAB_RATE_MBIT (the lab's size and rate), LAB_ROUTER (who
# shifts micro-SIDs on the routers: kernel, bpf or auto, the default: the
# kernel's seg6local where it has it, else srv6-bpf's End), LAB_PROGRAM (sync,
# or plan-routes: `srv6-bpf plan` + `route replace` for a srv6-bpf whose sync
# cannot take --pairs yet; default: sync when it can), DEMO_FAILOVER (0 skips
# the failover scenario), DEMO_FAILOVER_PATTERN (ring, the default, or random:N),
# DEMO_FAILOVER_AT (seconds after the start when the link dies; default a
# third of a flow's time at the link rate), DEMO_FAILOVER_DEADLINE (default
# three times that time). Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lab/lablib.sh
. "$here/lablib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "demo: needs root (network namespaces, BPF): run as root, e.g. sudo make demo" >&2
	exit 1
fi
[[ -x $SRV6_BPF ]] || { echo "demo: $SRV6_BPF not found: run make" >&2; exit 1; }

NS_PREFIX=${DEMO_PREFIX:-srv6demo}
LAB_DIR=${LAB_STATE:-/run/srv6-bpf-lab}/$NS_PREFIX
LAB_BPFFS=$LAB_DIR/bpffs
OUT=${DEMO_OUT:-$LAB_ROOT/build/demo}
BYTES=${DEMO_BYTES:-25000000}
read -r -a SCENARIOS <<<"${DEMO_SCENARIOS:-ring random:1 random:2 random:3 random:4 random:5}"
FAILOVER=${DEMO_FAILOVER:-1}
FO_PATTERN=${DEMO_FAILOVER_PATTERN:-ring}
_KT_CLEANUP=()
started=$EPOCHREALTIME

elapsed() {
	awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'
}

# A demo that crashed earlier may have left its lab: remove it, and ours at exit.
lab_teardown "$NS_PREFIX" "$LAB_DIR"
trap 'rc=$?; lab_teardown "$NS_PREFIX" "$LAB_DIR"; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "building the lab"
# shellcheck disable=SC2119 # sizes come from fabric.conf and LAB_* variables
lab_generate
lab_build
mkdir -p "$LAB_BPFFS"
mount -t bpf bpf "$LAB_BPFFS"
lab_srv6_load
via=$(lab_program_via)
json_eval '"   %d spines, %d leaves, %d hosts (namespaces %s-*); every link %d Mbit/s; built" % (
	j["spines"], j["leaves"], len(j["hosts"]), "'"$NS_PREFIX"'", j["rate_mbit"])' "$LAB_DIR/lab.json" |
	tr -d '\n'
echo " at $(elapsed)"
if [[ $(json_eval 'j["router"]' "$LAB_DIR/lab.json") == bpf ]]; then
	echo "   routers shift micro-SIDs with srv6-bpf's End ($(kernel_has seg6local_next_csid &&
		echo "LAB_ROUTER=bpf" || echo "this kernel has no seg6local"))"
else
	echo "   routers shift micro-SIDs with the kernel's seg6local End (next-csid)"
fi
if [[ $via == sync ]]; then
	echo "   srv6-bpf on every host; planned runs: srv6-bpf sync --topology-file --pairs on each host"
else
	echo "   srv6-bpf on every host; planned runs: srv6-bpf plan + route replace on each host" \
		"(LAB_PROGRAM=plan-routes: this srv6-bpf's sync takes no --pairs yet)"
fi

rm -rf "$OUT/runs" "$OUT/failover"
mkdir -p "$OUT/runs"
names=()
for sc in "${SCENARIOS[@]}"; do
	kind=${sc%%:*}
	seed=${sc#*:}
	[[ $seed == "$sc" ]] && seed=1
	name=$kind
	[[ $kind == random ]] && name=random-$seed
	names+=("$name")
	mkdir -p "$OUT/runs/$name"
	lab_pairs "$kind" "$seed" "$OUT/runs/$name/pairs"
	lab_plan "$OUT/runs/$name/pairs" "$OUT/runs/$name/plan.json"
done

# All ECMP runs first (no host has a route yet), then all srv6-bpf runs (each
# programming step makes every host's peers exactly the new scenario's).
for run in ecmp srv6-bpf; do
	if [[ $run == ecmp ]]; then
		step "ECMP: no srv6-bpf routes; the leaves hash each flow onto a spine"
	else
		step "srv6-bpf: every host programs its planned paths, then the same traffic"
	fi
	for name in "${names[@]}"; do
		d=$OUT/runs/$name
		if [[ $run == srv6-bpf ]]; then
			lab_program planned "$d/pairs"
		fi
		lab_run "$name/$run" "$d/pairs" "$BYTES" "$d/$run.json"
		json_eval '"   %-9s %s  slowest flow %3.0f Mbit/s, job step %.2f s" % ("'"$name"'",
			" ".join("%d>%d" % (int(f["src"][4:]), int(f["dst"][4:])) for f in j["flows"]),
			min(f["mbit"] for f in j["flows"]), j["step_seconds"])' "$d/$run.json"
	done
done

if [[ $FAILOVER != 0 ]]; then
	fo=$OUT/failover
	kind=${FO_PATTERN%%:*}
	seed=${FO_PATTERN#*:}
	[[ $seed == "$FO_PATTERN" ]] && seed=1
	ideal=$(awk -v b="$BYTES" -v r="$(json_eval 'j["rate_mbit"]' "$LAB_DIR/lab.json")" \
		'BEGIN { printf "%.3f", b * 8 / r / 1e6 }')
	at=${DEMO_FAILOVER_AT:-$(awk -v t="$ideal" 'BEGIN { printf "%.2f", t / 3 }')}
	deadline=${DEMO_FAILOVER_DEADLINE:-$(awk -v t="$ideal" 'BEGIN { printf "%.1f", t * 3 }')}
	step "failover: $FO_PATTERN; a leaf-spine link dies $at s into each run (deadline $deadline s)"
	mkdir -p "$fo"
	lab_pairs "$kind" "$seed" "$fo/pairs"
	lab_failover "$fo" "$FO_PATTERN" "$fo/pairs" "$BYTES" "$deadline" "$at" 1 \
		ecmp srv6-bpf srv6-bpf-probe
fi

step "results ($(elapsed))"
"$KT_PYTHON" "$here/report.py" table --lab "$LAB_DIR" --runs-dir "$OUT/runs" \
	--scenarios "${names[*]}" --json "$OUT/results.json" --svg "$OUT/fabric.svg"
if [[ $FAILOVER != 0 ]]; then
	echo
	echo "failover:"
	"$KT_PYTHON" "$here/report.py" failover --lab "$LAB_DIR" --dir "$fo" --json "$OUT/results.json"
fi
echo
echo "image: $OUT/fabric.svg   numbers: $OUT/results.json$([[ $FAILOVER == 0 ]] ||
	echo " (the failover runs: its \"failover\" key)")"
step "removing the lab"
trap - EXIT
lab_teardown "$NS_PREFIX" "$LAB_DIR"
if ip netns list | grep -qE "^$NS_PREFIX-"; then
	echo "demo: namespaces $NS_PREFIX-* are still there" >&2
	exit 1
fi
echo "   done in $(elapsed); no namespaces left"
