#!/usr/bin/env bash
# sync failures leave the previous state untouched: host00 (on leaf00 of the
# leaf-spine fixture) syncs its 7 peers from the Jalapeño test server, then every
# way the server or network can fail (server down, one peer answering 500,
# garbage, a cut answer, found:false, srv6_data with an error, an answer too
# large, an unknown collection, a server slower than the timeout, an untrusted
# certificate) makes sync fail with one line naming the peer, the URL and the
# reason, and the peers, paths and host routes stay exactly as they were.
# Also: a repeated sync changes nothing, peers that leave the job are removed,
# changed paths are replaced, the retry policy as seen by the server, https with
# --cacert, and no API call when the datapath is not loaded.
. "$(dirname "$0")/../lib/netns.sh"
kt_init
. "$KT_LIB_DIR/jalapeno.sh"

ROOT=$(cd "$KT_LIB_DIR/../.." && pwd)
SRV6_BPF=${SRV6_BPF:-$ROOT/build/srv6-bpf}
JAL=$ROOT/tests/jalapeno
FIXTURE=$JAL/fixtures/leafspine-4x4.json
ALL_HOSTS=host00,host01,host02,host03,host04,host05,host06,host07
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
command -v openssl >/dev/null || fail "openssl not found (apt-get install openssl)"

step "host00 and its leaf; the test server listening inside host00's namespace"
ns_add host00 leaf00
veth host00 eth0 leaf00 host00
addr host00 eth0 2001:db8:1::2/64
addr leaf00 host00 2001:db8:1::1/64
route host00 default via 2001:db8:1::1
bpffs_mount BPFFS
sb() { nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }
sb load eth0 >/dev/null

# start_server NAME ARGS...: a test server (extra ARGS) reachable in host00; sets
# ${NAME}_PORT.
start_server() {
	local name=$1
	shift
	jal_server_start "$name" "$FIXTURE" --netns "$(ns host00)" "$@"
}
start_server api
CTL=http://127.0.0.1:$api_PORT/_test
API=http://127.0.0.1:$api_PORT/api/v1
ok "server on 127.0.0.1:$api_PORT"

# syncx ARGS...: sync in host00 with the plugin's environment (and -j when
# SYNC_JSON is set); stdout and stderr go to $KT_TMP/sync.out and sync.err, the
# exit status is returned.
# IPv6 peers only (SRV6_BPF_FAMILY=6): the failures are the point here; both
# families are test_sync's and test_daemon's.
syncx() {
	local rc=0
	nsx host00 env HOSTS="${JOB_HOSTS:-$ALL_HOSTS}" HOSTNAME=host00 DEST_FUNCTION=e006 \
		MASTER_ADDR=2001:db8:1::2 JALAPENO_API_ENDPOINT="$API" SRV6_BPF_FAMILY=6 \
		"$SRV6_BPF" --bpffs "$BPFFS" ${SYNC_JSON:+-j} sync dev eth0 "$@" \
		>"$KT_TMP/sync.out" 2>"$KT_TMP/sync.err" || rc=$?
	return "$rc"
}

# state: what must not change on failure (peers with paths, and srv6-bpf's host routes).
state() {
	sb route show dev eth0 | sed 's/  #.*//'
	nip host00 -6 route show proto 206
}

fault() { curl -sf "$CTL/fault?$1" >/dev/null; }
hits() { curl -sf "$CTL/stats" | json_eval 'j["faults_hit"]'; }

# sync_fails WHAT ERE ARGS...: sync exits non-zero, stderr is one line matching
# ERE, nothing printed on stdout, and the state is what it was.
sync_fails() {
	local what=$1 ere=$2 err
	shift 2
	if syncx "$@"; then fail "$what: sync succeeded"; fi
	err=$(cat "$KT_TMP/sync.err")
	assert_eq "$what: lines on stderr" 1 "$(wc -l <"$KT_TMP/sync.err")"
	assert_match "$what: error" "$ere" "$err"
	assert_eq "$what: stdout" "" "$(cat "$KT_TMP/sync.out")"
	assert_eq "$what: state after the failure" "$BASELINE" "$(state)"
	curl -sf "$CTL/clear" >/dev/null
	ok "$what: ${err#srv6-bpf: }"
}

step "a first sync programs 7 peers with up to 4 equal paths; a second changes nothing"
syncx --source jalapeno-best-paths || fail "first sync: $(cat "$KT_TMP/sync.err")"
assert_eq "first sync" "sync eth0: 7 peers (7 addresses) from jalapeno-best-paths: 7 added, 0 replaced, 0 unchanged, 0 removed" \
	"$(cat "$KT_TMP/sync.out")"
BASELINE=$(state)
assert_eq "peers" 7 "$(sb -j route show dev eth0 | json_eval 'len(j)')"
assert_eq "paths to host05 (4 spines)" 4 \
	"$(sb -j route show dev eth0 | json_eval '[len(p["paths"]) for p in j if p["peer"] == "2001:db8:1:5::2"][0]')"
# MTU routes: the peers share a prefix under host00's default route (host
# routes only for those whose MTU differs); the kernel picks one of ours for each.
for peer in $(sb -j route show dev eth0 | json_eval '" ".join(p["peer"] for p in j)'); do
	assert_match "MTU route of $peer" "proto 206 .*mtu [0-9]+" "$(nip host00 -6 route get "$peer")"
done
syncx --source jalapeno-best-paths || fail "second sync: $(cat "$KT_TMP/sync.err")"
assert_eq "second sync" "sync eth0: 7 peers (7 addresses) from jalapeno-best-paths: 0 added, 0 replaced, 7 unchanged, 0 removed" \
	"$(cat "$KT_TMP/sync.out")"
assert_eq "state after an identical sync" "$BASELINE" "$(state)"
SYNC_JSON=1 syncx --source jalapeno-best-paths || fail "sync -j: $(cat "$KT_TMP/sync.err")"
assert_eq "sync -j" '{"added": 0, "addresses": 7, "dev": "eth0", "peers": 7, "removed": 0, "replaced": 0, "source": "jalapeno-best-paths", "unchanged": 7}' \
	"$(json_eval 'j' "$KT_TMP/sync.out")"
ok "7 peers, 28 paths; the repeats left all 7 unchanged"

step "failures change nothing"
U='http://127\.0\.0\.1:[0-9]+/api/v1/graphs/network_topology/shortest_path'
sync_fails "server down" \
	"^srv6-bpf: sync: peer hosts/host01: GET http://127\.0\.0\.1:1/api/v1/graphs/network_topology/shortest_path/best-paths\?source=hosts%2Fhost00&destination=hosts%2Fhost01&direction=outbound&limit=4: .*onnect.* \(3 attempts\)$" \
	--source jalapeno-best-paths --concurrency 1 --endpoint http://127.0.0.1:1/api/v1
fault "destination=hosts/host05&mode=status&status=500"
sync_fails "one peer answers 500" \
	"^srv6-bpf: sync: peer hosts/host05: GET $U/load\?source=hosts%2Fhost00&destination=hosts%2Fhost05&direction=outbound: HTTP 500 with an empty detail" \
	--concurrency 1
fault "destination=hosts/host03&mode=garbage"
sync_fails "garbage" "peer hosts/host03: GET $U/.*: answer is not valid UTF-8$" --source jalapeno-best-paths
fault "destination=hosts/host06&mode=truncate"
sync_fails "a cut answer" "peer hosts/host06: GET $U/.*: transfer closed with [0-9]+ bytes remaining" \
	--source jalapeno-best-paths --retries 0
fault "destination=hosts/host02&mode=status&status=200&body=%7B%22found%22%3Afalse%2C%22message%22%3A%22No%20path%20found%20between%20specified%20nodes%22%7D"
sync_fails "found:false with HTTP 200" \
	'peer hosts/host02: GET .*: no path found \(the API says "No path found between specified nodes"\)$'
fault "destination=hosts/host01&mode=status&status=200&body=%7B%22found%22%3Atrue%2C%22destination_info%22%3A%7B%22_id%22%3A%22hosts%2Fhost01%22%7D%2C%22srv6_data%22%3A%7B%22error%22%3A%22argument%20of%20type%20'int'%20is%20not%20iterable%22%2C%22srv6_sid_list%22%3A%5B%5D%2C%22srv6_usid%22%3A%22%22%7D%7D"
sync_fails "srv6_data with an error" \
	"peer hosts/host01: GET .*: the API could not build the SID list: \"argument of type 'int' is not iterable\"$"
fault "destination=hosts/host07&mode=huge&bytes=8388608"
sync_fails "an answer past the size cap" "peer hosts/host07: GET .*: answer larger than 4194304 bytes$" \
	--source jalapeno-best-paths
sync_fails "an unknown collection" \
	"HTTP 500 with an empty detail \(what Jalapeño answers for an unknown collection: check --collection or TOPOLOGY_COLLECTION\)$" \
	--collection fabric_graph

step "a server slower than the timeout: load is not repeated, best-paths is"
h0=$(hits)
fault "destination=hosts/host04&mode=delay&seconds=3"
sync_fails "slow load answer" "peer hosts/host04: GET $U/load\?.*: Operation timed out after" --timeout 1
assert_eq "load requests for host04 (sent once, never repeated)" 1 $(($(hits) - h0))
h0=$(hits)
fault "destination=hosts/host04&mode=delay&seconds=3"
sync_fails "slow best-paths answer" "peer hosts/host04: GET $U/best-paths\?.*: Operation timed out after .* \(3 attempts\)$" \
	--source jalapeno-best-paths --timeout 1
assert_eq "best-paths requests for host04 (2 retries)" 3 $(($(hits) - h0))
ok "load: 1 request; best-paths: 3 requests"

step "a 503 once: best-paths recovers by retrying, load does not retry"
fault "destination=hosts/host05&mode=status&status=503&times=1"
syncx --source jalapeno-best-paths || fail "best-paths after one 503: $(cat "$KT_TMP/sync.err")"
assert_match "best-paths after one 503" "7 unchanged" "$(cat "$KT_TMP/sync.out")"
fault "destination=hosts/host05&mode=status&status=503&times=1"
sync_fails "load after one 503" "peer hosts/host05: GET $U/load\?.*: HTTP 503 with an empty detail$"

step "no datapath: the error comes before any call to the API"
before=$(curl -sf "$CTL/stats" | json_eval 'sum(j["requests"].values())')
veth host00 spare0 host00 spare1
if nsx host00 env HOSTS=$ALL_HOSTS HOSTNAME=host00 JALAPENO_API_ENDPOINT="$API" \
	"$SRV6_BPF" --bpffs "$BPFFS" sync dev spare0 2>"$KT_TMP/nodp.err"; then
	fail "sync on a device without datapath succeeded"
fi
assert_contains "error" "srv6-bpf is not loaded on spare0" "$(cat "$KT_TMP/nodp.err")"
assert_eq "API requests made" "$before" "$(curl -sf "$CTL/stats" | json_eval 'sum(j["requests"].values())')"
ok "$(cat "$KT_TMP/nodp.err")"

step "https: verified with --cacert, refused without"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=srv6-bpf test CA" \
	-keyout "$KT_TMP/ca.key" -out "$KT_TMP/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$KT_TMP/srv.key" \
	-out "$KT_TMP/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$KT_TMP/san.ext"
openssl x509 -req -in "$KT_TMP/srv.csr" -CA "$KT_TMP/ca.pem" -CAkey "$KT_TMP/ca.key" \
	-CAcreateserial -days 2 -extfile "$KT_TMP/san.ext" -out "$KT_TMP/srv.pem" 2>/dev/null
start_server tls --tls-cert "$KT_TMP/srv.pem" --tls-key "$KT_TMP/srv.key"
HTTPS=https://127.0.0.1:$tls_PORT/api/v1
syncx --source jalapeno-best-paths --endpoint "$HTTPS" --cacert "$KT_TMP/ca.pem" ||
	fail "https with --cacert: $(cat "$KT_TMP/sync.err")"
assert_match "https sync" "7 unchanged" "$(cat "$KT_TMP/sync.out")"
sync_fails "https without the CA" "peer hosts/host0[1-7]: GET https://.*: SSL certificate problem" \
	--source jalapeno-best-paths --endpoint "$HTTPS" --retries 0

step "peers that leave the job are removed, changed ones replaced"
JOB_HOSTS=host00,host01,host05 syncx --source jalapeno-best-paths ||
	fail "smaller job: $(cat "$KT_TMP/sync.err")"
assert_eq "smaller job" "sync eth0: 2 peers (2 addresses) from jalapeno-best-paths: 0 added, 0 replaced, 2 unchanged, 5 removed" \
	"$(cat "$KT_TMP/sync.out")"
assert_eq "peers left" "2001:db8:1:1::2 2001:db8:1:5::2" \
	"$(sb -j route show dev eth0 | json_eval '" ".join(sorted(p["peer"] for p in j))')"
assert_eq "host routes left" 2 "$(nip host00 -6 route show proto 206 | wc -l)"
JOB_HOSTS=host00,host01,host05 syncx || fail "load source: $(cat "$KT_TMP/sync.err")"
assert_eq "one path each instead of 4 to host05" \
	"sync eth0: 2 peers (2 addresses) from jalapeno-load: 0 added, 1 replaced, 1 unchanged, 0 removed" \
	"$(cat "$KT_TMP/sync.out")"
ok "5 removed, then host05 replaced (4 paths -> 1), host01 unchanged (one path either way)"
