#!/usr/bin/env bash
# sync end to end: eight hosts on a 4-spine, 4-leaf micro-SID fabric (the
# tests/jalapeno/fixtures/leafspine-4x4.json topology, built as namespaces), one
# Jalapeño test server whose load state all hosts share. Every host runs
# `srv6-bpf sync` the plugin's way (shortest_path/load, one peer at a time), then:
#   - each host's routes are exactly the micro-SID carriers of the SID lists the
#     server answered, with DEST_FUNCTION appended;
#   - the load calls steered different peers onto different spines;
#   - ping between every pair of hosts works, and on the wire (captures on every
#     spine) each pair's traffic crosses exactly the spine its path names, with
#     the outer destination the carrier shifted to that spine;
#   - every peer is programmed under its IPv6 and its IPv4 address, with the same
#     paths, and IPv4 pings between every pair go encapsulated too;
#   - --dry-run prints the same grammar `route -batch` reads and changes nothing.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
. "$KT_LIB_DIR/jalapeno.sh"

ROOT=$(cd "$KT_LIB_DIR/../.." && pwd)
SRV6_BPF=${SRV6_BPF:-$ROOT/build/srv6-bpf}
JAL=$ROOT/tests/jalapeno
FIXTURE=$JAL/fixtures/leafspine-4x4.json
HOSTS=(host00 host01 host02 host03 host04 host05 host06 host07)
SPINES=(spine00 spine01 spine02 spine03)
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"

step "build the fabric (16 namespaces) and start the test server inside the hosts' namespaces"
LAB_ROUTER_MODE=$(lab_router_mode)
# The hosts' e006 decapsulates both families (End.DT46): a dual-stack peer's IPv4
# packets carry the same SIDs. The kernel's End.DT46 needs a VRF: with kernel
# routers e006 is End.DT6 and the IPv4 step is skipped.
DECAP=(--dt6 e006)
[[ $LAB_ROUTER_MODE == bpf ]] && DECAP=(--dt46 e006)
eval "$("$KT_PYTHON" "$JAL/netns_fabric.py" "$FIXTURE" "${DECAP[@]}" --router "$LAB_ROUTER_MODE")"
netns_args=()
for h in "${HOSTS[@]}"; do netns_args+=(--netns "$(ns "$h")"); done
jal_server_start api "$FIXTURE" "${netns_args[@]}"
# shellcheck disable=SC2154 # set by jal_server_start
PORT=$api_PORT
CTL=http://127.0.0.1:$PORT/_test
ok "server on 127.0.0.1:$PORT, reachable from every host's own loopback"

# sync_on HOST ARGS...: srv6-bpf sync in HOST with the plugin's environment.
sync_on() {
	local h=$1
	shift
	nsx "$h" env HOSTS="$(IFS=,; echo "${HOSTS[*]}")" HOSTNAME="$h" DEST_FUNCTION=e006 \
		MASTER_ADDR=2001:db8:1::2 JALAPENO_API_ENDPOINT="http://127.0.0.1:$PORT/api/v1" \
		"$SRV6_BPF" --bpffs "$BPFFS" "$@"
}

# ping_every_pair -6|-4 FIELD: every host pings every other at its FIELD in the
# fixture (ipv6_address, ipv4_address; a prefix length dropped), twice, all at
# once; fails naming a pair that got no answer.
ping_every_pair() {
	local fam=$1 field=$2 a b h x pids=() pairs=()
	local -A addr=()
	while read -r h x; do addr[$h]=$x; done < <(json_eval '"\n".join(v["_key"] + " " +
		v["'"$field"'"].split("/")[0] for k, v in sorted(j["vertices"].items())
		if k.startswith("hosts/"))' "$FIXTURE")
	for a in "${HOSTS[@]}"; do
		for b in "${HOSTS[@]}"; do
			[[ $a == "$b" ]] && continue
			nsx "$a" ping "$fam" -n -q -c 2 -i 0.2 -W 3 "${addr[$b]}" >/dev/null &
			pids+=($!) pairs+=("$a -> $b (${addr[$b]})")
		done
	done
	for x in "${!pids[@]}"; do
		wait "${pids[x]}" || fail "ping ${pairs[x]}: no answer"
	done
}

step "--dry-run needs no datapath and prints routes in the batch grammar"
out=$(sync_on host00 sync dev eth0 --dry-run --concurrency 1)
assert_eq "dry-run lines: 7 peers, an IPv6 and an IPv4 address each" 14 \
	"$(grep -c ' dev eth0 segs ' <<<"$out")"
assert_contains "host01 shares host00's leaf: leaf00, host01, function" \
	"2001:db8:1:1::2 dev eth0 segs fc00:0:2000:e001:e006:: weight 1  # hosts/host01" "$out"
host01_v4=$(json_eval 'j["vertices"]["hosts/host01"]["ipv4_address"].split("/")[0]' "$FIXTURE")
assert_contains "host01's IPv4 address: the same path" \
	"$host01_v4 dev eth0 segs fc00:0:2000:e001:e006:: weight 1  # hosts/host01" "$out"
assert_match "host05 via leaf00, a spine, leaf02" \
	"2001:db8:1:5::2 dev eth0 segs fc00:0:2000:100[0-3]:2002:e005:e006:0 weight 1" "$out"
for h in "${HOSTS[@]}"; do
	nsx "$h" "$SRV6_BPF" --bpffs "$BPFFS" load eth0 >/dev/null
done
sed 's/^/route add /' <<<"$out" >"$KT_TMP/batch"
assert_ok "the dry-run output reads back as a batch" \
	nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" route add -batch "$KT_TMP/batch"
nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" unload eth0
nsx host00 "$SRV6_BPF" --bpffs "$BPFFS" load eth0 >/dev/null
fabric_host_decap "${HOSTS[@]}"
curl -sf "$CTL/reset" >/dev/null
ok "14 routes printed (7 peers, both families); loads reset on the server"

step "every host syncs from the server, one after the other, one request at a time"
for h in "${HOSTS[@]}"; do
	out=$(sync_on "$h" sync dev eth0 --concurrency 1)
	assert_eq "$h sync summary" \
		"sync eth0: 7 peers (14 addresses) from jalapeno-load: 14 added, 0 replaced, 0 unchanged, 0 removed" "$out"
done
stats=$(curl -sf "$CTL/stats")
assert_eq "load calls applied" 56 "$(json_eval 'j["load_applied"]' <<<"$stats")"
ok "8 hosts x 7 peers = 56 load calls"

step "programmed paths are the carriers of the SID lists the API returned"
mkdir -p "$KT_TMP/routes"
for h in "${HOSTS[@]}"; do
	nsx "$h" "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 >"$KT_TMP/routes/$h.json"
done
curl -sf "$CTL/answers" >"$KT_TMP/answers.json"
"$KT_PYTHON" "$JAL/check_sync.py" routes "$FIXTURE" "$KT_TMP/answers.json" "$KT_TMP/routes" e006 ||
	fail "routes differ from the API's answers"
spines=$(json_eval '" ".join(sorted({s.split(":")[3] for s in (p["paths"][0]["segs"][0] for p in j)
	if s.split(":")[3].startswith("100")}))' "$KT_TMP/routes/host00.json")
assert_eq "spines host00's cross-leaf peers use (load spreads them)" "1000 1001 1002 1003" "$spines"
ok "host00 reaches its 6 cross-leaf peers over all 4 spines"

step "traffic between every pair flows over exactly the spines of its path"
mkdir -p "$KT_TMP/pcap"
for s in "${SPINES[@]}"; do
	cap_start "cap-$s" "$s" any ip6
done
ping_every_pair -6 ipv6_address
for s in "${SPINES[@]}"; do
	cap_stop "cap-$s"
	cp "$(pcap_file "cap-$s")" "$KT_TMP/pcap/$s.pcap"
done
"$KT_PYTHON" "$JAL/check_sync.py" wire "$FIXTURE" "$KT_TMP/routes" "$KT_TMP/pcap" ||
	fail "traffic did not follow the programmed paths"
for h in "${HOSTS[@]}"; do
	n=$(nsx "$h" "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 |
		json_eval 'sum(p["packets"] for x in j for p in x["paths"])')
	assert_ge "$h packets counted on its paths" 14 "$n"
done
ok "56 pings answered; every echo and reply encapsulated on its API path"

step "IPv4 between every pair: the peers' IPv4 addresses are steered on the same paths"
if [[ $LAB_ROUTER_MODE == bpf ]]; then
	v4_packets() { # the packets counted on HOST's IPv4 peers' paths
		nsx "$1" "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 |
			json_eval 'sum(p["packets"] for x in j if "." in x["peer"] for p in x["paths"])'
	}
	declare -A V4_BEFORE
	for h in "${HOSTS[@]}"; do V4_BEFORE[$h]=$(v4_packets "$h"); done
	ping_every_pair -4 ipv4_address
	for h in "${HOSTS[@]}"; do
		# 7 peers x 2 echoes out, 7 x 2 replies to the others' echoes: 28.
		assert_ge "$h packets counted on its IPv4 peers' paths" 28 $(($(v4_packets "$h") - V4_BEFORE[$h]))
	done
	ok "56 IPv4 pings answered, each echo and reply counted on an IPv4 peer's path"
else
	ok "skipped: kernel routers' e006 is End.DT6 (the kernel's End.DT46 needs a VRF)"
fi

step "--source topology: one GET of the topology, the planner's paths, no load added"
curl -sf "$CTL/reset" >/dev/null
printf '%s\n' "${HOSTS[@]}" | awk '{print $1, NR - 1}' >"$KT_TMP/hosts"
for h in "${HOSTS[@]}"; do
	out=$(sync_on "$h" -j sync dev eth0 --source topology --pattern ring --hosts-file "$KT_TMP/hosts")
	assert_eq "$h: a ring plan programs one peer (two addresses), removes the six others" \
		'[1, 2, 2, 12]' "$(json_eval '[j["peers"], j["addresses"], j["replaced"] + j["unchanged"],
			j["removed"]]' <<<"$out")"
done
stats=$(curl -sf "$CTL/stats")
assert_eq "topology requests (one per host)" 8 "$(json_eval 'j["requests"].get("topology", 0)' <<<"$stats")"
assert_eq "load calls (none)" 0 "$(json_eval 'j["load_applied"]' <<<"$stats")"
"$SRV6_BPF" -j plan --topology-file "$FIXTURE" --hosts-file "$KT_TMP/hosts" --pattern ring \
	--dest-function e006 >"$KT_TMP/plan.json"
for h in "${HOSTS[@]}"; do
	want=$(json_eval "[p['segs'] for f in j['flows'] if f['src'] == 'hosts/$h' for p in f['paths']]" \
		"$KT_TMP/plan.json")
	nsx "$h" "$SRV6_BPF" --bpffs "$BPFFS" -j route show dev eth0 >"$KT_TMP/ring-$h.json"
	for fam in ":" "."; do # the IPv6, then the IPv4 address of its one peer
		got=$(json_eval '[q["segs"] for p in j if "'"$fam"'" in p["peer"] for q in p["paths"]]' \
			"$KT_TMP/ring-$h.json")
		assert_eq "$h programs exactly its flows' planned paths ('$fam' address)" "$want" "$got"
	done
done
assert_eq "the ring plan is collision-free" 1 \
	"$(json_eval 'j["summary"]["max_load"]' "$KT_TMP/plan.json")"
ok "every host programmed the planner's ring paths from one topology read each"
