#!/usr/bin/env bash
# What the prober sees on a leaf-spine: 2 spines, 2 leaves, one host per leaf
# (tests/lab), host0000 (A) and host0001 (B) reaching each other over both
# spines (one micro-SID carrier per spine) and both probing at 10 ms (down
# after 3 lost, up after 3 back), as in test_fabric_failover.
#
# A link that fails one way. A probe makes a U-turn at the last router before
# the peer (A's at leaf01, B's at leaf00) and comes back through the same
# routers, so it crosses every fabric link of its path in both directions: a
# link dead in either direction takes down the path of every host whose paths
# cross it, also where that host's data would still pass (README, Path
# liveness: what a probe proves). Here the link between the spine A's UDP
# flow crosses and leaf01 stops carrying one way (a tc program dropping all on
# one side's egress; the wire counters show the other way still carries):
#   - spine -> leaf01 dead (the way of A's data): A's path through that spine
#     goes down and A's numbered UDP stream at 1 ms (tests/lib/gap.py) loses
#     under 100 ms; B's path through it goes down too (B's data to A would
#     still pass, but B's probes come back that way);
#   - leaf01 -> spine dead (the way back only): A's data still arrives, but
#     A's probes U-turn through it: A's path goes down and its flow moves to
#     the other spine without losing a datagram; B's path goes down too (its
#     probes leave that way);
#   - each time the link carries again: the paths come back up, the flow too.
# Every path of a peer down: neither spine ends micro-SIDs any more (their End
# SIDs, or seg6local routes, removed), while plain IPv6 routing still works:
#   - both of A's paths are down (route show, log lines), and B's;
#   - A's UDP stream to B all arrives; on A's wire it left unencapsulated (no
#     outer fc00 destination, no SRH, destination B), every datagram counted
#     as pass_all_paths_down and none on a path;
#   - the End SIDs back: the paths come back up, the traffic is encapsulated
#     again (on the wire) and no longer counted as pass_all_paths_down.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
LAB_DIR=$KT_TMP/lab

step "the lab: 2 spines, 2 leaves, a host on each; srv6-bpf on both hosts, both probing"
lab_pair_probing 200
clang -O2 -target bpf -c "$KT_LIB_DIR/drop.bpf.c" -o "$KT_TMP/drop.o"

path_json() { lab_path_json "$@"; }
udp() { local n=$1; shift; nsx "$n" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" "$@"; }
counter() { lab_sb "$1" -j stats dev eth0 | json_eval "j[0]['counters']['$2']"; }

# is_state HOST I STATE / wait_state HOST I STATE: HOST's path I is (becomes,
# within 5 s) STATE.
is_state() { [[ $(path_json "$1" "$2" state) == "$3" ]]; }
wait_state() { wait_for 100 0.05 "$1 path $2 $3" is_state "$@"; }

# states: "A0 A1 B0 B1", every path's state on both hosts.
states() {
	local h i
	for h in $A $B; do for i in 0 1; do path_json "$h" $i state; done; done | tr '\n' ' ' | sed 's/ $//'
}

# carried NODE1 IF1 NODE2 IF2: "N1 N2", the packets NODE1's IF1 and NODE2's IF2
# sent in half a second (the interfaces' own counters: what went on the wire).
tx() { nip "$1" -j -s link show dev "$2" | json_eval 'j[0]["stats64"]["tx"]["packets"]'; }
carried() {
	local a b
	a=$(tx "$1" "$2") b=$(tx "$3" "$4")
	sleep 0.5
	echo $(($(tx "$1" "$2") - a)) $(($(tx "$3" "$4") - b))
}

# stream_one_way NODE IF PEER PEER_IF: 3000 numbered datagrams at 1 ms from A
# to B; one second in, NODE's IF stops sending, PEER's IF (the other end) still
# does. Once A's path P is down, what each end sent in half a second goes in
# dead and alive: measured at once, before the dead way could starve the
# neighbour entries of the other end (their NAs come back the dead way: an
# entry that goes stale then fails within seconds). The receiver's "GAP
# RECEIVED" in $KT_TMP/recv.out.
stream_one_way() {
	bg_start recv "$B" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" recv --count 3000
	bg_ready recv ready
	bg_start send "$A" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" send "$B6" --count 3000
	sleep 1
	lab_link_dead "$1" "$2" on "$KT_TMP/drop.o" egress
	wait_state "$A" "$P" down
	read -r dead alive < <(carried "$@")
	bg_wait send 20 || fail "the UDP sender failed: $(tail -3 "$KT_TMP/send.err")"
	bg_wait recv 20 || fail "the UDP receiver failed: $(tail -3 "$KT_TMP/recv.err")"
}

# back NODE IF: NODE's IF sends again; path P comes back up on both hosts and
# the UDP flow returns to it.
back() {
	local before
	lab_link_dead "$1" "$2" off "$KT_TMP/drop.o" egress
	wait_state "$A" "$P" up
	wait_state "$B" "$P" up
	before=$(path_json "$A" "$P" packets)
	udp "$A" send "$B6" --count 20 --every-ms 5
	assert_eq "datagrams on path $P again" 20 $(($(path_json "$A" "$P" packets) - before))
}

# The UDP flow's path (gap.py's fixed ports), so the spine whose link fails.
P=$(lab_flow_path "$A" "$B6")
Q=$((1 - P))
SPINE=spine0$P
assert_eq "every path's state (A0 A1 B0 B1)" "up up up up" "$(states)"
ok "the UDP flow crosses $SPINE (path $P); every path up on both hosts"

step "$SPINE -> leaf01 dies (the way of A's data; leaf01 -> $SPINE still carries)"
fo=$(path_json "$A" "$P" failover_packets)
stream_one_way "$SPINE" leaf01 leaf01 "$SPINE"
read -r gap got < <(tail -1 "$KT_TMP/recv.out")
assert_eq "packets $SPINE sent to leaf01 in 0.5 s (the dead way)" 0 "$dead"
assert_ge "packets leaf01 sent to $SPINE in 0.5 s (B's probes still leave)" 10 "$alive"
assert_between "the UDP stream's longest gap at 1 ms (lost on the dead way, under 100 ms)" 1 99 "$gap"
assert_ge "datagrams that arrived" 2800 "$got"
assert_eq "$A path $P state" down "$(path_json "$A" "$P" state)"
assert_eq "$A path $Q state" up "$(path_json "$A" "$Q" state)"
assert_eq "$B path $P state (its probes come back over $SPINE -> leaf01)" down "$(path_json "$B" "$P" state)"
assert_eq "$B path $Q state" up "$(path_json "$B" "$Q" state)"
fo=$(($(path_json "$A" "$P" failover_packets) - fo))
assert_ge "$A path $P failover_packets" 1 "$fo"
ok "longest gap $gap ms ($got of 3000 arrived), $fo datagrams failed over; on the wire in 0.5 s: $SPINE -> leaf01 $dead, leaf01 -> $SPINE $alive packets; path $P down on $A and $B"
back "$SPINE" leaf01
ok "$SPINE -> leaf01 carries again: path $P up on both hosts, the flow back on it"

step "leaf01 -> $SPINE dies (the way back only: A's data still passes, its probes do not)"
fo=$(path_json "$A" "$P" failover_packets)
stream_one_way leaf01 "$SPINE" "$SPINE" leaf01
read -r gap got < <(tail -1 "$KT_TMP/recv.out")
assert_eq "packets leaf01 sent to $SPINE in 0.5 s (the dead way)" 0 "$dead"
assert_ge "packets $SPINE sent to leaf01 in 0.5 s (A's probes still get there)" 10 "$alive"
assert_eq "datagrams that arrived" 3000 "$got"
assert_eq "the UDP stream's longest gap" 0 "$gap"
assert_eq "$A path $P state (its probes U-turn over leaf01 -> $SPINE)" down "$(path_json "$A" "$P" state)"
assert_eq "$A path $Q state" up "$(path_json "$A" "$Q" state)"
assert_eq "$B path $P state (its probes leave over leaf01 -> $SPINE)" down "$(path_json "$B" "$P" state)"
assert_eq "$B path $Q state" up "$(path_json "$B" "$Q" state)"
fo=$(($(path_json "$A" "$P" failover_packets) - fo))
assert_ge "$A path $P failover_packets (the flow moved)" 1 "$fo"
ok "all 3000 datagrams arrived (longest gap $gap), $fo failed over; on the wire in 0.5 s: leaf01 -> $SPINE $dead, $SPINE -> leaf01 $alive packets; path $P down on $A and $B"
back leaf01 "$SPINE"
ok "leaf01 -> $SPINE carries again: path $P up on both hosts, the flow back on it"

# What A sends, less its probes (encapsulated echo requests, 200 a second: a
# capture of them would never stop growing for cap_stop).
not_probes=(ip6 and src host "$A6" and not '(ip6[6] == 41 and ip6[46] == 58)')

step "neither spine ends micro-SIDs: every path down, A's traffic leaves plain and arrives"
for s in spine00 spine01; do lab_spine_end "$s" off; done
for h in $A $B; do for i in 0 1; do wait_state "$h" $i down; done; done
nsx "$A" ping -6 -n -q -c 3 -i 0.2 -W 2 "$B6" >/dev/null || fail "$A cannot ping $B over plain routing"
all=$(counter "$A" pass_all_paths_down)
on_paths=$(($(path_json "$A" 0 packets) + $(path_json "$A" 1 packets)))
downs=$(grep -c 'event=path-down' "$KT_TMP/probe-$A.err" || true)
assert_match "$A's log" "event=path-down .*segs=$(lab_sb "$A" -j route show dev eth0 | json_eval "j[0]['paths'][$Q]['segs'][0]")" \
	"$(cat "$KT_TMP/probe-$A.err")"
cap_start plain "$A" eth0 "${not_probes[@]}"
bg_start recv "$B" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" recv --count 500
bg_ready recv ready
udp "$A" send "$B6" --count 500
bg_wait recv 20 || fail "the UDP receiver failed: $(tail -3 "$KT_TMP/recv.err")"
cap_stop plain
read -r gap got < <(tail -1 "$KT_TMP/recv.out")
assert_eq "datagrams that arrived" 500 "$got"
wire=$(pcap_fields plain encap,dst,proto,srh_segs dport=47000 | sort | uniq -c | awk '{$1 = $1; print}')
assert_eq "A's datagrams on its wire (count encap dst proto srh)" "500 0 $B6 17 -" "$wire"
all=$(($(counter "$A" pass_all_paths_down) - all))
assert_eq "pass_all_paths_down" 500 "$all"
assert_eq "packets on A's paths meanwhile" "$on_paths" \
	$(($(path_json "$A" 0 packets) + $(path_json "$A" 1 packets)))
ok "states (A0 A1 B0 B1) $(states), $downs path-down lines on $A; 500 of 500 arrived, on the wire unencapsulated to $B6; pass_all_paths_down +$all"

step "the spines end micro-SIDs again: the paths come back, the traffic encapsulated"
for s in spine00 spine01; do lab_spine_end "$s" on; done
for h in $A $B; do for i in 0 1; do wait_state "$h" $i up; done; done
all=$(counter "$A" pass_all_paths_down)
before=$(path_json "$A" "$P" packets)
segs=$(lab_sb "$A" -j route show dev eth0 | json_eval "j[0]['paths'][$P]['segs'][0]")
cap_start enc "$A" eth0 "${not_probes[@]}"
udp "$A" send "$B6" --count 20 --every-ms 5
cap_stop enc
wire=$(pcap_fields enc encap,dst,inner_dst dport=47000 | sort | uniq -c | awk '{$1 = $1; print}')
assert_eq "A's datagrams on its wire (count encap outer-dst inner-dst)" "20 1 $segs $B6" "$wire"
assert_eq "datagrams on path $P" 20 $(($(path_json "$A" "$P" packets) - before))
assert_eq "pass_all_paths_down meanwhile" 0 $(($(counter "$A" pass_all_paths_down) - all))
ok "every path up (A0 A1 B0 B1: $(states)); 20 datagrams encapsulated onto path $P ($segs)"
