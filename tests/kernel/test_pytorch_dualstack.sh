#!/usr/bin/env bash
# Issue 16: a new user's gloo job on a dual-stack backend interface, switched from the
# SRv6 PyTorch plugin by changing the import only, is steered whatever family
# MASTER_ADDR has.
#
# The lab (2 spines, 2 leaves, one host a leaf, srv6-bpf loaded with XDP decap of each
# host's locator, the Jalapeño test server on 127.0.0.1 of every host). Each host's
# eth0, the backend interface, holds an IPv4 and an IPv6 address, IPv4 first, so gloo
# announces the IPv4 one. Every job runs tests/lab/pytorch/job.py with the plugin's
# environment variables and nothing else: BACKEND_INTERFACE=eth0, no
# GLOO_SOCKET_IFNAME nor NCCL_SOCKET_IFNAME; `SRv6Plugin().init_process_group(
# backend='gloo')`, an all_reduce of 2 MB and a send/recv ring (rank r sends
# (r + 1) MB to rank r + 1), every host's peers cleared before each job:
#   A. 2 ranks on 2 hosts, MASTER_ADDR rank 0's IPv6 address;
#   B. the same with rank 0's IPv4 address;
#   C. 2 hosts x 2 processes started by real torchrun (static rendezvous at rank 0's
#      IPv6 address), as A otherwise.
# Asserts, for each:
#   - every process's init_process_group returned True, the all_reduce and the ring
#     are exact on every rank;
#   - every process logged once that it set GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME
#     to eth0, torch saw both so, and no process warned of unsteered traffic;
#   - (counters read while the job pauses before and after its collectives,
#     tests/lab/pytorch/counters.py) TCP delivered at least what the collectives
#     move; per host, peer and each of the peer's addresses, srv6-bpf's per-path
#     counters grew by at least what TCP delivered to that address; the links carried
#     it on the paths; each host has every peer programmed under both its IPv6 and its
#     IPv4 address, each with exactly the plan's paths (`srv6-bpf -j plan`);
#   - every process returned only once its host was programmed: the host's srv6-bpf
#     peers when init_process_group returned are those after the job;
#   - C: on each host exactly one process ran the loader, the one of LOCAL_RANK 0
#     (programmed_here, the "programmed by rank N" and "paths to 1 peer programmed"
#     lines, and the test server saw as many topology reads as in A), and the hosts'
#     peers and paths are the same as in A.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
# shellcheck source=tests/lab/pytorch/joblib.sh
. "$LAB_HOME/pytorch/joblib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
"$JOB_PYTHON" -c 'import torch.distributed as d, torch.distributed.run
assert d.is_gloo_available()' 2>/dev/null ||
	fail "$JOB_PYTHON cannot import torch with gloo and torchrun (apt-get install python3-torch)"
NUMEL=500000        # all_reduce: 2 MB of float32
RING_NUMEL=250000   # send/recv ring: rank r sends (r + 1) x 1 MB
JOB_TIMEOUT=60      # a rank stuck in a collective is killed (and the test fails) by then
IFNAME_LINE="srv6-bpf INFO GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME unset: both set to eth0, "
LAB_DIR=$KT_TMP/lab
JOB=$KT_TMP/job

step "the lab: 2 spines, 2 leaves, one host a leaf, dual-stack eth0; srv6-bpf and the test server"
lab_generate --spines 2 --leaves 2 --hosts-per-leaf 1
lab_build
bpffs_mount LAB_BPFFS
lab_srv6_load
cleanup_push lab_server_stop
lab_server_start
API=http://127.0.0.1:$(cat "$LAB_DIR/server.port")
mapfile -t HOSTS < <(job_placement)
((${#HOSTS[@]} == 2)) || fail "the lab has ${#HOSTS[@]} hosts, expected 2"
for h in "${HOSTS[@]}"; do
	v6=$(lab_host "$h" ipv6) v4=$(lab_host "$h" ipv4)
	# The issue's interface: both families, IPv4 first (what gloo announces).
	got=$(nip "$h" -j addr show dev eth0 scope global | json_eval '" ".join(a["local"]
		for i in j for a in i["addr_info"] if "local" in a)')
	assert_eq "$h: eth0's global addresses, in order" "$v4 $v6" "$got"
done
ok "ranks on ${HOSTS[*]}; eth0: IPv4 first, then IPv6"

# topology_reads: how often the loaders read the topology from the test server so far
# (each sync reads it once).
topology_reads() {
	"$KT_PYTHON" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$API/_test/stats" |
		json_eval 'j["requests"].get("topology", 0)'
}

# scenario NAME FAMILY [job_start options]: one job, checked; its files in $JOB/NAME,
# the topology reads its loaders made in READS[NAME].
declare -A READS=()
scenario() {
	local name=$1 family=$2 d=$JOB/$1 nhosts=${#HOSTS[@]} h r world want line reads
	shift 2
	for h in "${HOSTS[@]}"; do lab_routes_clear "$h"; done
	reads=$(topology_reads)
	job_start --master "$family" --no-socket-ifname "$@" "$d" plugin JOB_PEERS_AT_RETURN=1 \
		JOB_PAUSE=1 JOB_NUMEL="$NUMEL" JOB_RING_NUMEL="$RING_NUMEL"
	job_paused "$d" "$d/before.json" "$d/after.json"
	job_wait "$d"
	want=$(printf '0 %.0s' "${HOSTS[@]}")
	[[ "$JOB_STATUS " == "$want" ]] || { job_log "$d" >&2; fail "$name: exited with $JOB_STATUS, expected ${want% }"; }
	READS[$name]=$(($(topology_reads) - reads))
	world=$(json_eval 'j["world"]' "$d/rank0.json")
	for ((r = 0; r < world; r++)); do
		[[ -s $d/rank$r.json ]] || { job_log "$d" >&2; fail "$name: rank $r wrote no result"; }
		assert_eq "$name: rank $r: returned, all_reduce and ring correct, the job's hosts" \
			"True True True ${HOSTS[*]}" "$(json_eval '"%s %s %s %s" % (j["returned"],
			j["all_reduce_ok"], j["ring_ok"], " ".join(h[0] for h in j["hosts"]))' "$d/rank$r.json")"
		assert_eq "$name: rank $r: the socket interfaces torch saw" "eth0 eth0" \
			"$(json_eval '"%(GLOO_SOCKET_IFNAME)s %(NCCL_SOCKET_IFNAME)s" % j["socket_ifname"]' \
			"$d/rank$r.json")"
		assert_eq "$name: rank $r: lines saying GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME were set" \
			1 "$(grep -c -F "$IFNAME_LINE" "$d/rank$r.log" || true)"
		line=$(grep -m1 -F "GLOO_SOCKET_IFNAME" "$d/rank$r.log")
		assert_match "$name: rank $r's log" "rank $r: $nhosts hosts programmed; training traffic is steered" \
			"$(cat "$d/rank$r.log")"
		# The barrier: no process returns before its host is programmed.
		h=$(json_eval 'j["host"]' "$d/rank$r.json")
		assert_eq "$name: rank $r: $h's peers when init_process_group returned, as after the job" \
			"$(json_eval 'sorted(r["peer"] for r in j["hosts"]["'"$h"'"]["routes"])' "$d/after.json")" \
			"$(json_eval 'j["peers_at_return"]' "$d/rank$r.json")"
	done
	ok "$name: $world x True, each after its host was programmed; the all_reduce and the ring exact"
	ok "$name: each process logged: ${line#srv6-bpf INFO }"

	# The plan for the job's hosts (as sync plans them), and the counters.
	out=$(job_counters "$d" "$d/before.json" "$d/after.json") || fail "$name: counters: $out"
	while read -r line; do echo "   $line"; done <<<"$out"
	ok "$name: per peer address, srv6-bpf counted >= TCP delivered; every peer under both families with the plan's paths"
	for ((r = 0; r < world; r++)); do
		assert_not_contains "$name: rank $r's log: no unsteered traffic" "is not steered" "$(cat "$d/rank$r.log")"
	done
}

# routes FILE: every host's peers and paths in a snapshot, without counters.
routes() {
	json_eval '"\n".join("%s %s %s" % (h, r["peer"], " ".join("%s/%d" % (",".join(p["segs"]),
		p["weight"]) for p in r["paths"])) for h in sorted(j["hosts"])
		for r in sorted(j["hosts"][h]["routes"], key=lambda r: r["peer"]))' "$1"
}

step "A: 2 ranks on 2 hosts, MASTER_ADDR IPv6 ($(lab_host "${HOSTS[0]}" ipv6)), no *_SOCKET_IFNAME"
started=$EPOCHREALTIME
JOB_MASTER_PORT=29500 scenario A ipv6
ok "A took $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

step "B: 2 ranks on 2 hosts, MASTER_ADDR IPv4 ($(lab_host "${HOSTS[0]}" ipv4)), no *_SOCKET_IFNAME"
started=$EPOCHREALTIME
JOB_MASTER_PORT=29501 scenario B ipv4
ok "B took $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

step "C: torchrun, 2 hosts x 2 processes, MASTER_ADDR IPv6, no *_SOCKET_IFNAME"
started=$EPOCHREALTIME
JOB_MASTER_PORT=29502 scenario C ipv6 --torchrun 2
d=$JOB/C
assert_eq "C: world size" 4 "$(json_eval 'j["world"]' "$d/rank0.json")"
for h in "${HOSTS[@]}"; do
	# The host's processes, "LOCAL_RANK rank programmed_here" in LOCAL_RANK order.
	mapfile -t procs < <(for ((r = 0; r < 4; r++)); do
		json_eval '"%s %s %s %s" % (j["local_rank"], j["rank"], j["programmed_here"], j["host"])' "$d/rank$r.json"
	done | awk -v h="$h" '$4 == h { print $1, $2, $3 }' | sort -n)
	assert_eq "C: $h: its processes' LOCAL_RANKs" "0 1" "$(printf '%s\n' "${procs[@]}" | awk '{ print $1 }' | xargs)"
	first=$(awk '{ print $2 }' <<<"${procs[0]}")
	assert_eq "C: $h: processes that ran the loader (rank:LOCAL_RANK)" "$first:0" \
		"$(printf '%s\n' "${procs[@]}" | awk '$3 == "True" { print $2 ":" $1 }' | xargs)"
	loader_runs=0
	for p in "${procs[@]}"; do
		read -r _ r _ <<<"$p"
		assert_match "C: rank $r's log: who programs" \
			"rank $r: job of 2 hosts \(4 ranks[^)]*\); this is $h .*, programmed by rank $first\$" \
			"$(grep -F "rank $r: job of " "$d/rank$r.log" || true)"
		loader_runs=$((loader_runs + $(grep -c -F "rank $r: $h: paths to 1 peer programmed on eth0" "$d/rank$r.log" || true)))
	done
	assert_eq "C: $h: loader runs its processes logged" 1 "$loader_runs"
done
assert_eq "C: topology reads of the loaders (one per host, as in A)" "${READS[A]}" "${READS[C]}"
ok "C: on each host exactly one process (LOCAL_RANK 0) ran the loader (${READS[C]} topology reads); the others waited for it"
assert_eq "C: every host's peers and paths, as in A" "$(routes "$JOB/A/after.json")" "$(routes "$d/after.json")"
ok "C: the same peers and paths as A"
ok "C took $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
