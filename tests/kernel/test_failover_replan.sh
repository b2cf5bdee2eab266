#!/usr/bin/env bash
# A dead path feeds the planner. On the 2 x 2 leaf-spine lab both hosts run the
# daemon (`srv6-bpf run`: the lab's topology file, 2 paths a peer, a sync a
# second) with probing at 10 ms and the same --dest-function as the lab's
# plans. The link spine00 - leaf01 dies (both ways):
#   - the path through spine00 goes down and its flows fail over (the datapath);
#   - the next sync plans without spine00's links: one line names them, the
#     peer's paths all cross spine01 (on both hosts), and the plan's gauge
#     srv6_bpf_plan_avoided_links says how many links it went around;
#   - the dead U-turn, no longer any path's, is still probed: when the link
#     comes back it comes up, and the next sync plans with spine00's links
#     (the gauge is back to 0);
#   - neither spine ends micro-SIDs: every U-turn is dead, going around them
#     would leave the peer without a path, so the plan goes around nothing
#     (one line) and the peer stays programmed, its paths down: its traffic
#     goes plain and arrives;
#   - UDP flows sent after each change all arrive.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
LAB_DIR=$KT_TMP/lab
A=host0000 B=host0001
PORT=9547

step "the lab: 2 spines, 2 leaves, a host on each; the daemon with probing on both hosts"
lab_generate --spines 2 --leaves 2 --hosts-per-leaf 1 --rate-mbit 200
lab_build
bpffs_mount LAB_BPFFS
lab_srv6_load
B6=$(lab_host "$B" ipv6)
for h in $A $B; do
	port=$PORT
	[[ $h == "$B" ]] && port=$((PORT + 1))
	bg_start "run-$h" "$h" env HOSTNAME="$h" "$SRV6_BPF" --bpffs "$LAB_BPFFS" run dev eth0 \
		--topology-file "$LAB_DIR/topology.json" --hosts-file "$LAB_DIR/hosts" --paths 2 \
		--dest-function "$LAB_DEST_FUNCTION" --interval 1 --probe-interval 10 \
		--metrics "127.0.0.1:$port"
done

# spines HOST: the spine micro-SID each of HOST's paths crosses, in path order.
spines() {
	lab_sb "$1" -j route show dev eth0 |
		json_eval '" ".join(s.split(":")[3] for s in [p["segs"][0] for p in j[0]["paths"]]) if j else ""'
}
# state_of HOST SPINE: the state of HOST's path through SPINE (1000 or 1001).
state_of() {
	lab_sb "$1" -j route show dev eth0 |
		json_eval "[p['state'] for p in j[0]['paths'] if p['segs'][0].split(':')[3] == '$2'][0]"
}
both_spines() { [[ $(spines "$1" | tr ' ' '\n' | sort | tr '\n' ' ') == "1000 1001 " ]]; }
only_spine01() { [[ $(spines "$1") == "1001" || $(spines "$1") == "1001 1001" ]]; }
metrics_of() { nsx "$1" curl -s "http://127.0.0.1:$2/metrics"; }
avoided_is() {
	[[ $(metrics_of "$1" "$2" | awk '$1 ~ /^srv6_bpf_plan_avoided_links/ { print $2 }') == "$3" ]]
}
# udp_arrive N: N datagrams from A to B (tests/lib/gap.py), how many arrived.
udp_arrive() {
	bg_start recv "$B" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" recv --count "$1"
	bg_ready recv ready
	nsx "$A" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" send "$B6" --count "$1" --every-ms 2
	bg_wait recv 20 || fail "the UDP receiver failed"
	tail -1 "$KT_TMP/recv.out" | awk '{ print $2 }'
}

for h in $A $B; do wait_for 100 0.1 "$h's peer on both spines" both_spines "$h"; done
assert_eq "$A path via spine00" up "$(state_of "$A" 1000)"
assert_eq "$A avoided links" 0 "$(metrics_of "$A" $PORT | awk '$1 ~ /^srv6_bpf_plan_avoided_links/ { print $2 }')"
ok "both daemons synced: $A's paths cross spines $(spines "$A"), $B's $(spines "$B")"

step "spine00's link to leaf01 dies: the path goes down, the next sync plans around it"
clang -O2 -target bpf -c "$KT_LIB_DIR/drop.bpf.c" -o "$KT_TMP/drop.o"
lab_link_dead spine00 leaf01 on "$KT_TMP/drop.o"
for h in $A $B; do wait_for 100 0.1 "$h's peer on spine01 only" only_spine01 "$h"; done
for h in $A $B; do
	line=$(grep -m1 'event=plan-avoids' "$KT_TMP/run-$h.err") || fail "$h logged no plan-avoids line"
	assert_contains "$h's plan-avoids line" "fabric_node/spine00" "$line"
	assert_not_contains "$h's plan-avoids line: spine01 is proven alive" "spine01" "$line"
	assert_match "$h's path-down line" 'event=path-down .*segs=fc00:0:20..:1000:' \
		"$(grep -m1 'event=path-down' "$KT_TMP/run-$h.err")"
done
assert_match "$A's avoided links (spine00~leaf00, spine00~leaf01)" '^2$' \
	"$(metrics_of "$A" $PORT | awk '$1 ~ /^srv6_bpf_plan_avoided_links/ { print $2 }')"
got=$(udp_arrive 200)
assert_eq "datagrams that arrived on the re-planned paths" 200 "$got"
# The dead U-turn, no path's any more, is still probed and still dead: the
# next syncs keep going around it, and it does not flap.
syncs=$(grep -c 'event=sync ' "$KT_TMP/run-$A.err")
syncs_past() { (($(grep -c 'event=sync ' "$KT_TMP/run-$A.err") >= $1)); }
wait_for 50 0.1 "three more syncs on $A" syncs_past $((syncs + 3))
assert_eq "$A's avoided links, three syncs later" 2 \
	"$(metrics_of "$A" $PORT | awk '$1 ~ /^srv6_bpf_plan_avoided_links/ { print $2 }')"
assert_eq "$A's path-down lines (the U-turn through spine00, once)" 1 \
	"$(grep -c 'event=path-down' "$KT_TMP/run-$A.err")"
assert_eq "$A's path-up lines while the link is dead" 0 "$(grep -c 'event=path-up' "$KT_TMP/run-$A.err" || true)"
ok "$A: $(grep -m1 'event=plan-avoids' "$KT_TMP/run-$A.err" | sed 's/.*event=plan-avoids //'); paths now $(spines "$A")"

step "the link comes back: the dead U-turn, still probed, comes up; the next plan has its links again"
lab_link_dead spine00 leaf01 off "$KT_TMP/drop.o"
path_up_seen() { grep -q 'event=path-up .*segs=fc00:0:2000:1000:' "$KT_TMP/run-$A.err"; }
wait_for 100 0.05 "$A's path-up line for the U-turn through spine00" path_up_seen
for h in $A $B; do
	port=$PORT
	[[ $h == "$B" ]] && port=$((PORT + 1))
	wait_for 50 0.1 "$h's plan avoiding nothing" avoided_is "$h" $port 0
done
got=$(udp_arrive 200)
assert_eq "datagrams that arrived" 200 "$got"
# Both spines would not lower the max load here (each host's own link carries
# its whole flow), so the plan keeps its flows where they are: minimal churn.
ok "$A's plan goes around nothing again (its paths: spines $(spines "$A")); every datagram arrived"

step "neither spine ends micro-SIDs: every U-turn dead; going around them would cut the peer off, so the plan keeps its paths"
for s in spine00 spine01; do lab_spine_end "$s" off; done
cut_off() { grep -q 'event=plan-avoids dev=eth0 none: going around them would leave' "$KT_TMP/run-$A.err"; }
wait_for 50 0.1 "$A's line: avoiding would cut flows off" cut_off
assert_eq "$A's peer, under its IPv6 and IPv4 address (kept, paths down: the datapath sends plain)" 2 \
	"$(lab_sb "$A" -j route show dev eth0 | json_eval 'len(j)')"
got=$(udp_arrive 200)
assert_eq "datagrams that arrived over plain routing" 200 "$got"
for s in spine00 spine01; do lab_spine_end "$s" on; done
all_up() {
	(($(lab_sb "$1" -j route show dev eth0 | json_eval 'sum(p["state"] != "up" for r in j for p in r["paths"])') == 0))
}
for h in $A $B; do wait_for 100 0.1 "$h's paths up again" all_up "$h"; done
ok "with every U-turn dead the plan went around nothing; the peer stayed, its traffic plain; its paths up again"
