#!/usr/bin/env bash
# The daemon (`srv6-bpf run`) on the 4x4 leaf-spine fixture fabric, with the
# Jalapeño test server: the API fails, answers garbage, stops, then comes back
# with a changed topology (a spine link down). Traffic never stops (a fast
# ping stream loses nothing), the state converges to the new paths, the
# metrics (checked by promtool) reflect each event; SIGHUP syncs at once;
# SIGTERM leaves the datapath pinned and a restarted daemon adopts it without
# changing a peer; and 1,000 re-syncs in a row under traffic lose nothing and
# grow neither memory nor file descriptors.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
. "$KT_LIB_DIR/jalapeno.sh"

ROOT=$(cd "$KT_LIB_DIR/../.." && pwd)
SRV6_BPF=${SRV6_BPF:-$ROOT/build/srv6-bpf}
JAL=$ROOT/tests/jalapeno
FIXTURE=$JAL/fixtures/leafspine-4x4.json
HOSTS=(host00 host01 host02 host03 host04 host05 host06 host07)
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
command -v promtool >/dev/null || fail "promtool not found (apt-get install prometheus)"

step "fabric, test server, datapath on host00 and host05"
LAB_ROUTER_MODE=$(lab_router_mode)
eval "$("$KT_PYTHON" "$JAL/netns_fabric.py" "$FIXTURE" --dt6 e006 --router "$LAB_ROUTER_MODE")"
netns_args=()
for h in "${HOSTS[@]}"; do netns_args+=(--netns "$(ns "$h")"); done
start_server() { # start_server TOPOLOGY: the server on $PORT (0 picks one)
	jal_server_start api "$1" --port "${PORT:-0}" "${netns_args[@]}"
	# shellcheck disable=SC2154 # set by jal_server_start
	PORT=$api_PORT
}
start_server "$FIXTURE"
CTL=http://127.0.0.1:$PORT/_test
ENVS=(env HOSTS="$(IFS=,; echo "${HOSTS[*]}")" DEST_FUNCTION=e006 MASTER_ADDR=2001:db8:1::2
	JALAPENO_API_ENDPOINT="http://127.0.0.1:$PORT/api/v1")
for h in host00 host05; do
	nsx "$h" "$SRV6_BPF" --bpffs "$BPFFS" load eth0 >/dev/null
done
fabric_host_decap host00 host05
# host05 answers host00 over its own paths, synced once.
nsx host05 "${ENVS[@]}" HOSTNAME=host05 "$SRV6_BPF" --bpffs "$BPFFS" sync dev eth0 \
	--source jalapeno-best-paths --paths 2 >/dev/null
H05=$(json_eval 'j["vertices"]["hosts/host05"]["ipv6_address"]' "$FIXTURE")

run_daemon() { # run_daemon NAME EXTRA...: the daemon on host00 in the background
	local name=$1
	shift
	bg_start "$name" host00 "${ENVS[@]}" HOSTNAME=host00 "$SRV6_BPF" --bpffs "$BPFFS" run \
		dev eth0 --source jalapeno-best-paths --paths 2 --interval 2 \
		--metrics 127.0.0.1:9536 --timeout 1 --connect-timeout 1 --retries 0 "$@"
}
metric() { # metric NAME [LABELS]: a sample's value from /metrics
	nsx host00 curl -sf http://127.0.0.1:9536/metrics |
		awk -v m="$1" -v l="${2:-}" '($1 == m || index($1, m "{") == 1) && (l == "" || index($1, l)) { print $2; exit }'
}
# For wait_for, which runs its command again and again: read the metric each time.
metric_gt() { test "$(metric "$1" "$2")" -gt "$3"; }
metric_eq() { test "$(metric "$1" "$2")" = "$3"; }
routes() { nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 |
	json_eval 'sorted((p["peer"], [q["segs"] for q in p["paths"]]) for p in j)'; }

step "the daemon syncs, becomes ready and serves metrics promtool accepts"
run_daemon d1
bg_ready d1 "event=sync" 30
wait_for 50 0.2 "/readyz" nsx host00 curl -sf http://127.0.0.1:9536/readyz
assert_eq "peers programmed: 7 hosts, an IPv6 and an IPv4 address each" 14 \
	"$(metric srv6_bpf_peers 'dev="eth0"')"
assert_ge "syncs ok" 1 "$(metric srv6_bpf_syncs_total 'result="ok"')"
nsx host00 curl -sf http://127.0.0.1:9536/metrics >"$KT_TMP/metrics.txt"
promtool check metrics <"$KT_TMP/metrics.txt" || fail "promtool rejects the exposition"
assert_contains "per-path counters exported" "srv6_bpf_path_bytes_total{dev=\"eth0\"" \
	"$(cat "$KT_TMP/metrics.txt")"
assert_eq "/healthz" ok "$(nsx host00 curl -sf http://127.0.0.1:9536/healthz)"
assert_eq "unknown path" 404 "$(nsx host00 curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9536/x)"
before=$(routes)
ok "ready; promtool check metrics passes"

step "API failures never take traffic down: 500s, garbage, the server stopped"
bg_start ping host00 ping -6 -n -i 0.02 -W 1 "$H05"
sleep 1
for spec in "mode=status&status=500" "mode=garbage" "mode=truncate"; do
	err0=$(metric srv6_bpf_syncs_total 'result="error"')
	curl -sf "$CTL/fault?$spec" >/dev/null
	wait_for 60 0.2 "an error counted for $spec" \
		metric_gt srv6_bpf_syncs_total 'result="error"' "$err0"
	assert_eq "last sync failed ($spec)" 0 "$(metric srv6_bpf_sync_last_success)"
	assert_eq "/readyz after a failure" 503 \
		"$(nsx host00 curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9536/readyz)"
	assert_eq "routes unchanged after $spec" "$before" "$(routes)"
	curl -sf "$CTL/clear" >/dev/null
done
grep -q 'level=error event=sync .*kept the last good state' "$KT_TMP/d1.err" ||
	fail "no error line logged"
jal_server_stop api
sleep 5 # a few failed attempts against a closed port
assert_eq "routes unchanged with the server down" "$before" "$(routes)"
ok "$(metric srv6_bpf_syncs_total 'result="error"') failed syncs, the last good state kept"

step "the server comes back with spine00's links down: the daemon re-plans"
"$KT_PYTHON" - "$FIXTURE" "$KT_TMP/spine00-down.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
for e in t["edges"]:
    if "spine00" in e["_from"] or "spine00" in e["_to"]:
        e["status"] = "down"
t["edges"] = [e for e in t["edges"] if e.get("status") != "down"]
json.dump(t, open(sys.argv[2], "w"))
EOF
start_server "$KT_TMP/spine00-down.json"
wait_for 100 0.2 "a successful sync with the new topology" \
	metric_eq srv6_bpf_sync_last_success "" 1
after=$(routes)
assert_ne "paths changed" "$before" "$after"
assert_not_contains "no path crosses spine00 (uSID 1000) any more" "fc00:0:2000:1000:" "$after"
ok "converged: $(metric srv6_bpf_sync_peers 'change="replaced"') peers replaced"

step "SIGHUP syncs at once"
n0=$(metric srv6_bpf_syncs_total 'result="ok"')
kill -HUP "$(bg_pid d1)"
wait_for 20 0.05 "a sync after SIGHUP" metric_gt srv6_bpf_syncs_total 'result="ok"' "$n0"
grep -q 'event=sighup' "$KT_TMP/d1.err" || fail "no sighup line logged"

step "another writer between two syncs: the next sync reads the device again and repairs it"
# The daemon remembers what it wrote; the token a writer leaves in the
# datapath tells it that someone else wrote since.
peer=$(nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 | json_eval 'j[0]["peer"]')
lines=$(grep -c 'event=sync ' "$KT_TMP/d1.err")
nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" route del "$peer" dev eth0
n0=$(metric srv6_bpf_syncs_total 'result="ok"')
kill -HUP "$(bg_pid d1)"
wait_for 20 0.05 "a sync after the route del" metric_gt srv6_bpf_syncs_total 'result="ok"' "$n0"
assert_contains "a sync after the route del added it back" "added=1 " \
	"$(tail -n +$((lines + 1)) "$KT_TMP/d1.err" | grep 'event=sync ')"
assert_eq "routes after the repair" "$after" "$(routes)"
ok "$peer deleted by hand, put back by the next sync"

step "SIGTERM: clean exit, the datapath stays pinned; a new daemon adopts it unchanged"
kill -TERM "$(bg_pid d1)"
bg_wait d1 10 || fail "the daemon exited non-zero after SIGTERM: $(tail -2 "$KT_TMP/d1.err")"
grep -q 'event=exit dev=eth0 datapath left in place' "$KT_TMP/d1.err" || fail "no exit line"
assert_eq "routes kept after exit" "$after" "$(routes)"
run_daemon d2
bg_ready d2 "event=sync" 30
grep -q 'event=adopt' "$KT_TMP/d2.err" || fail "the restarted daemon did not adopt the pins"
assert_contains "the first sync changed nothing" "addresses=14 added=0 replaced=0 unchanged=14 removed=0" \
	"$(grep 'event=sync' "$KT_TMP/d2.err" | head -1)"

step "1,000 re-syncs in a row under traffic: no loss, no growth"
pid=$(pgrep -f "srv6-bpf --bpffs $BPFFS run" | head -1)
for i in $(seq 50); do kill -HUP "$pid"; sleep 0.02; done # warm up
sleep 1
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
fds0=$(ls "/proc/$pid/fd" | wc -l)
ok0=$(metric srv6_bpf_syncs_total 'result="ok"')
while (($(metric srv6_bpf_syncs_total 'result="ok"') < ok0 + 1000)); do
	for i in $(seq 20); do kill -HUP "$pid"; sleep 0.01; done
done
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
fds1=$(ls "/proc/$pid/fd" | wc -l)
assert_eq "file descriptors after 1,000 syncs" "$fds0" "$fds1"
assert_le "resident memory growth after 1,000 syncs (KiB)" 1024 $((rss1 - rss0))
assert_eq "failed syncs during the load test" 0 \
	"$(grep -c 'level=error' "$KT_TMP/d2.err" || true)"
bg_kill ping INT
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$KT_TMP/ping.out")
lost=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$KT_TMP/ping.out")
assert_ge "pings sent during the whole test" 1000 "$sent"
assert_eq "pings lost (sent $sent)" "$sent" "$lost"
ok "1,000 syncs: rss $rss0 -> $rss1 KiB, fds $fds0 -> $fds1; $sent pings, none lost"

step "--cleanup-on-exit unloads"
kill -TERM "$pid"
bg_wait d2 10 || true
run_daemon d3 --cleanup-on-exit
bg_ready d3 "event=sync" 30
kill -TERM "$(bg_pid d3)"
bg_wait d3 10 || fail "the daemon failed to exit: $(tail -2 "$KT_TMP/d3.err")"
grep -q 'event=unload' "$KT_TMP/d3.err" || fail "no unload line"
out=$(nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" show dev eth0 2>&1) && fail "still loaded after --cleanup-on-exit"
assert_match "not loaded" "not loaded on eth0" "$out"
ok "unloaded on exit"
