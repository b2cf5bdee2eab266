#!/usr/bin/env bash
# Datapath failover: the TC program reads each path's liveness from the pinned
# srv6_path_state map (what the prober writes; here bpftool writes it, as an
# operator could). A peer with three weighted paths and many UDP flows, checked
# on the wire (outer destination per inner 5-tuple):
#   - path 2 down: its flows, and only its flows, leave on paths 1 and 3; no
#     packet takes path 2; route show says down; failover_packets counts them;
#   - every path down: the peer's packets leave unencapsulated (plain routing)
#     and are counted as pass_all_paths_down, not dropped;
#   - path 2 up again: every flow is back on its own path;
#   - a route replace that changes path 2 starts it up.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_three_paths 1 2 3
FLOWS=300
PACKETS=2
PORT=45006

# set_mask MASK: H1_6's srv6_path_state entry (its peer slot, counters_base /
# 8) with down_mask MASK (bit i: path i down) and the rest zero.
set_mask() {
	local dir base slot size
	dir=$(sbj h0 show dev eth0 | json_eval 'j[0]["pin_dir"]')
	# shellcheck disable=SC2046 # the key's 16 bytes as words
	base=$(bpftool -j map lookup pinned "$dir/srv6_peers" key hex $("$KT_PYTHON" -c \
		'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).packed.hex(" "))' "$H1_6") |
		json_eval 'j["formatted"]["value"]["counters_base"]')
	slot=$((base / 8))
	size=$(bpftool -j map show pinned "$dir/srv6_path_state" | json_eval 'j["bytes_value"]')
	# shellcheck disable=SC2046
	bpftool map update pinned "$dir/srv6_path_state" key $(le32 "$slot") \
		value $(le32 "$1") $(printf '0 %.0s' $(seq $((size - 4))))
}

# le32 N: N as 4 little-endian bytes.
le32() {
	echo $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}

# send NAME: the same FLOWS x PACKETS datagrams to h1 (udp_flows); h0's
# capture as "inner-source-port<TAB>outer-destination" per packet in
# $KT_TMP/NAME.paths ("plain" for a packet that left unencapsulated).
send() {
	local name=$1
	udp_flows "$name" "$H1_6" "$PORT" 21000
	{
		pcap_fields "$name" inner_sport,dst inner_dst="$H1_6" inner_dport="$PORT"
		pcap_fields "$name" sport dst="$H1_6" dport="$PORT" | sed 's/$/\tplain/'
	} | LC_ALL=C sort >"$KT_TMP/$name.paths"
	assert_eq "$name: packets captured" $((FLOWS * PACKETS)) "$(wc -l <"$KT_TMP/$name.paths")"
}

# flows_on NAME DST: how many flows (source ports) NAME sent to DST.
flows_on() {
	awk -F'\t' -v d="$2" '$2 == d { print $1 }' "$KT_TMP/$1.paths" | sort -u | wc -l
}

path_json() {
	sbj h0 route show dev eth0 | json_eval "[p['paths'][$1]['$2'] for p in j if p['peer'] == '$H1_6'][0]"
}

step "all paths up: the baseline"
send base
base2=$(flows_on base "$P2")
assert_ge "flows on path 2 (weight 2 of 6)" 60 "$base2"
assert_eq "path 2 state" up "$(path_json 1 state)"
ok "flows per path: $(flows_on base "$P1") $base2 $(flows_on base "$P3")"

step "path 2 down: only its flows move, to the live paths"
set_mask 2
assert_eq "path 2 state" down "$(path_json 1 state)"
send down
assert_eq "packets on path 2 while it is down" 0 "$(flows_on down "$P2")"
assert_eq "packets left unencapsulated" 0 "$(flows_on down plain)"
moved=$(LC_ALL=C join -t $'\t' <(LC_ALL=C sort -u "$KT_TMP/base.paths") <(LC_ALL=C sort -u "$KT_TMP/down.paths") |
	awk -F'\t' '$2 != $3 { print $2 }' | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
assert_eq "flows that changed path (from:count)" "$P2:$base2 " "$moved"
assert_eq "failover_packets of path 2" $((base2 * PACKETS)) "$(path_json 1 failover_packets)"
assert_eq "failover_packets of path 1" 0 "$(path_json 0 failover_packets)"
ok "$base2 flows of path 2 moved: $(flows_on down "$P1") on path 1, $(flows_on down "$P3") on path 3"

step "every path down: plain routing, counted"
before=$(encap_counter h0 pass_all_paths_down)
set_mask 7
send all
assert_eq "packets left unencapsulated" $((FLOWS * PACKETS)) \
	"$(awk -F'\t' '$2 == "plain"' "$KT_TMP/all.paths" | wc -l)"
assert_eq "pass_all_paths_down" $((FLOWS * PACKETS)) \
	$(($(encap_counter h0 pass_all_paths_down) - before))

step "every path up again: every flow is back on its own path"
set_mask 0
send back
assert_eq "flow -> path as at the start" "$(sort -u "$KT_TMP/base.paths" | md5sum)" \
	"$(sort -u "$KT_TMP/back.paths" | md5sum)"

step "a changed path starts up; the others keep their state"
set_mask 3
sb h0 route replace "$H1_6" dev eth0 path segs "$P1" weight 1 \
	path segs fc00:0:103:2:e006:: weight 2 path segs "$P3" weight 3
assert_eq "the new path 2's state" up "$(path_json 1 state)"
assert_eq "the new path 2's failover_packets" 0 "$(path_json 1 failover_packets)"
assert_eq "path 1 (unchanged) state" down "$(path_json 0 state)"
ok "failover in the datapath: only a down path's flows move, all down is plain routing"
