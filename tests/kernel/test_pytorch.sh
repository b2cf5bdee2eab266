#!/usr/bin/env bash
# A real PyTorch job over the leaf-spine lab, steered by srv6-bpf through the plugin.
#
# The lab (2 spines, 2 leaves, 4 hosts, every link shaped to 40 Mbit/s, srv6-bpf
# loaded with XDP decap of each host's locator, the Jalapeño test server on
# 127.0.0.1 of every host). Four ranks, one per host, placed so that every hop of
# the rank ring crosses the fabric, each started with `ip netns exec` and the
# plugin's environment (IPv4: gloo announces eth0's first address, IPv4 in the lab),
# run tests/lab/pytorch/job.py: `SRv6Plugin().init_process_group(backend='gloo')` with
# the package's default source (topology, read from the test server), then an
# all_reduce of 8 MB (12 MB per rank on the wire: 2.4 s at the shaped rate) and a ring
# of send/recv (rank r sends (r + 1) x 2 MB to rank r + 1). Asserts (counters read
# while the job pauses before and after its collectives, tests/lab/pytorch/counters.py):
#   - every rank returned True and every element of both results is right;
#   - each host's peers and SIDs are exactly `srv6-bpf plan -j`'s for the job's hosts,
#     every peer under both its IPv4 and its IPv6 address (sync's default);
#   - the job's bytes went encapsulated: per host and peer, srv6-bpf's per-path
#     counters grew by at least what TCP delivered to that peer (ss bytes_acked), and
#     TCP delivered at least what the job moves;
#   - the routers' link counters match the paths: every link carried at least what
#     TCP delivered on the paths crossing it and at most what srv6-bpf sent on them
#     (flows differ in size, so a flow on the wrong spine fails), idle links nothing;
# then, with the test server stopped, the documented failure: every rank logs the
# loader's error line and returns False (and the process group still works, nothing
# is programmed), and with strict=True every rank raises SRv6Error.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
# shellcheck source=tests/lab/pytorch/joblib.sh
. "$LAB_HOME/pytorch/joblib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
"$JOB_PYTHON" -c 'import torch.distributed as d; assert d.is_gloo_available()' 2>/dev/null ||
	fail "$JOB_PYTHON cannot import torch with gloo (apt-get install python3-torch)"
RATE=40
NUMEL=2000000       # all_reduce: 8 MB of float32
RING_NUMEL=500000   # send/recv ring: rank r sends (r + 1) x 2 MB
SOURCE=topology     # the package's default (not set for the jobs): the collision-aware plan
JOB_TIMEOUT=120     # a rank stuck in a collective is killed (and the test fails) by then
LAB_DIR=$KT_TMP/lab
JOB=$KT_TMP/job

step "the lab: 2 spines, 2 leaves, 4 hosts, links at $RATE Mbit/s; srv6-bpf and the test server"
lab_generate --spines 2 --leaves 2 --hosts-per-leaf 2 --rate-mbit "$RATE"
lab_build
bpffs_mount LAB_BPFFS
lab_srv6_load
cleanup_push lab_server_stop
lab_server_start
API=http://127.0.0.1:$(cat "$LAB_DIR/server.port")
JOB_API_ENDPOINT=$API/api/v1  # also once the server is down
mapfile -t HOSTS < <(job_placement)
ok "ranks 0-3 on ${HOSTS[*]}; server at $API/api/v1"

step "gloo job, 4 ranks: SRv6Plugin(...).init_process_group(backend='gloo'), default source ($SOURCE)"
started=$EPOCHREALTIME
job_start "$JOB/ok" plugin JOB_PAUSE=1 JOB_NUMEL="$NUMEL" JOB_RING_NUMEL="$RING_NUMEL"
job_paused "$JOB/ok" "$KT_TMP/before.json" "$KT_TMP/after.json"
job_wait "$JOB/ok"
[[ $JOB_STATUS == "0 0 0 0" ]] || { job_log "$JOB/ok" >&2; fail "ranks exited with $JOB_STATUS, expected 0 0 0 0"; }
for r in 0 1 2 3; do
	got=$(json_eval '"%s %s %s %s" % (j["returned"], j["all_reduce_ok"], j["ring_ok"],
		" ".join(h[0] for h in j["hosts"]))' "$JOB/ok/rank$r.json")
	assert_eq "rank $r: returned, all_reduce and ring correct, the job's hosts" \
		"True True True ${HOSTS[*]}" "$got"
	assert_match "rank $r's log" "rank $r: 4 hosts programmed; training traffic is steered" \
		"$(cat "$JOB/ok/rank$r.log")"
done
ok "every rank: init_process_group returned True; $((NUMEL * 4)) B all_reduce and the send/recv ring exact"
json_eval '"   all_reduce %.2f s, send/recv ring %.2f s; the job took %s s in all" % (
	j["all_reduce_seconds"][0], j["ring_seconds"], "'"$(awk -v a="$started" -v b="$EPOCHREALTIME" \
	'BEGIN { printf "%.1f", b - a }')"'")' "$JOB/ok/rank0.json"
topo_reads=$("$KT_PYTHON" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$API/_test/stats" |
	json_eval 'j["requests"].get("topology", 0)')
assert_ge "topology reads from the API (one per host)" 4 "$topo_reads"

step "each host's paths are the plan's, the job's bytes went encapsulated, the links carried them"
out=$(job_counters "$JOB/ok" "$KT_TMP/before.json" "$KT_TMP/after.json") || fail "counters: $out"
while read -r line; do echo "   $line"; done <<<"$out"
ok "paths = the plan's, under both families; per peer, srv6-bpf counted >= TCP delivered; every link between the two"

step "the test server down: every rank logs the loader's error line and returns False"
for h in "${HOSTS[@]}"; do lab_routes_clear "$h"; done
lab_server_stop
# What the loader itself says, run as the plugin runs it.
rc=0
nsx "${HOSTS[0]}" env HOSTNAME="${HOSTS[0]}" JALAPENO_API_ENDPOINT="$API/api/v1" \
	TOPOLOGY_COLLECTION=network_topology DEST_FUNCTION="$LAB_DEST_FUNCTION" \
	"$SRV6_BPF" --bpffs "$LAB_BPFFS" sync dev eth0 --hosts-file "$JOB/ok/job.hosts" \
	--source "$SOURCE" >/dev/null 2>"$KT_TMP/loader.err" || rc=$?
assert_eq "the loader's exit status with the server down" 1 "$rc"
loader_line=$(tail -n1 "$KT_TMP/loader.err")
assert_match "the loader's error" "^srv6-bpf: .*127\.0\.0\.1.*" "$loader_line"
job_start "$JOB/down" plugin
job_wait "$JOB/down"
[[ $JOB_STATUS == "0 0 0 0" ]] || { job_log "$JOB/down" >&2; fail "ranks exited with $JOB_STATUS, expected 0 0 0 0"; }
for r in 0 1 2 3; do
	got=$(json_eval '"%s %s" % (j["returned"], j.get("unsteered_all_reduce_ok"))' "$JOB/down/rank$r.json")
	assert_eq "rank $r: returned, then an all_reduce without srv6-bpf" "False True" "$got"
	assert_contains "rank $r's log: the loader's error line" \
		"srv6-bpf ERROR rank $r: ${HOSTS[r]}: srv6-bpf failed: $loader_line" "$(cat "$JOB/down/rank$r.log")"
	assert_contains "rank $r's log: the verdict" "training continues unsteered" "$(cat "$JOB/down/rank$r.log")"
done
for h in "${HOSTS[@]}"; do
	assert_eq "$h: peers programmed after the failure" "[]" "$(lab_sb "$h" -j route show dev eth0)"
done
ok "4 x False, each with: $loader_line"
ok "the process group works unsteered; nothing programmed on any host"

step "the test server down, strict=True: every rank raises SRv6Error"
job_start "$JOB/strict" plugin JOB_STRICT=1
job_wait "$JOB/strict"
[[ $JOB_STATUS == "3 3 3 3" ]] || { job_log "$JOB/strict" >&2; fail "ranks exited with $JOB_STATUS, expected 3 3 3 3 (SRv6Error)"; }
for r in 0 1 2 3; do
	assert_eq "rank $r raised" "SRv6Error: srv6-bpf failed on 4 of 4 hosts (${HOSTS[0]}: $loader_line)" \
		"$(json_eval 'j["raised"]' "$JOB/strict/rank$r.json")"
done
ok "4 x SRv6Error"
