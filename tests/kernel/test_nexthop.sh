#!/usr/bin/env bash
# The first SID needs another next hop than the peer: h0 sits on a LAN with two
# routers. The peer's host route goes via r1 (the first path's first SID), a
# second path's first SID is routed via r2. Packets on that path must leave h0
# addressed to r2's MAC and be forwarded by r2, not r1. The loader looks up
# one first SID for a whole /48 only when no route or rule is more specific
# inside it: a /64 route, then a rule for a /64, inside r1's /48 send a path
# there to r2.
#
#        LAN A (bridge br0 in sw)           LAN B (bridge br1 in sw)
#   h0 eth0 --+-- r1 eth0   r1 eth1 --+-- h1 eth0
#             +-- r2 eth0   r2 eth1 --+
#
#   r1: 2001:db8:1::ff / 2001:db8:2::ff, uN fc00:0:100::/48 (lab_router_end)
#   r2: 2001:db8:1::fe / 2001:db8:2::fe, uN fc00:0:200::/48
#   h0: default via r1 (IPv6 and IPv4), fc00:0:200::/48 via r2
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
ns_add h0 r1 r2 h1 sw
bridge_add sw br0
bridge_add sw br1
for n in h0 r1 r2; do
	veth "$n" eth0 sw "a$n"
	bridge_port sw br0 "a$n"
done
veth h1 eth0 sw bh1
bridge_port sw br1 bh1
veth r1 eth1 sw br1r1
bridge_port sw br1 br1r1
veth r2 eth1 sw br1r2
bridge_port sw br1 br1r2
addr h0 eth0 "$H0_6/64" "$H0_4/24"
addr h1 eth0 "$H1_6/64" "$H1_4/24"
addr r1 eth0 2001:db8:1::ff/64 192.0.2.254/24
addr r1 eth1 2001:db8:2::ff/64 198.51.100.254/24
addr r2 eth0 2001:db8:1::fe/64 192.0.2.253/24
addr r2 eth1 2001:db8:2::fe/64 198.51.100.253/24
for r in r1 r2; do
	forwarding "$r"
	route "$r" fc00:0:2::/48 via "$H1_6"
	route "$r" fc00:0:1::/48 via "$H0_6"
done
LAB_ROUTER_MODE=$(lab_router_mode)
lab_router_end r1 fc00:0:100::/48
lab_router_end r2 fc00:0:200::/48
route h0 default via 2001:db8:1::ff
route h0 default via 192.0.2.254
route h0 fc00:0:200::/48 via 2001:db8:1::fe
route h1 default via 2001:db8:2::ff
route h1 default via 198.51.100.254
if [[ $LAB_ROUTER_MODE == kernel ]]; then
	route h1 fc00:0:2:e006::/64 encap seg6local action End.DT6 table 255 dev eth0
	route h1 fc00:0:2:e004::/64 encap seg6local action End.DX4 nh4 "$H1_4" dev eth0
else
	sb h1 load eth0 >/dev/null
	LAB_HOST_DECAP=bpf lab_host_decap h1
fi
nsx h1 sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
nsx h0 ping -q -c1 -W3 "$H1_6" >/dev/null || fail "lab: h0 cannot reach h1"
nsx h0 ping -q -c1 -W3 "$H1_4" >/dev/null || fail "lab: h0 cannot reach h1 over IPv4"
mac_r1=$(mac_of r1 eth0)
mac_r2=$(mac_of r2 eth0)

sb h0 load eth0 >/dev/null
sb h0 route add "$H1_6" dev eth0 path segs fc00:0:100:2:e006:: path segs fc00:0:200:2:e006::
sb h0 route add "$H1_4" dev eth0 path segs fc00:0:100:2:e004:: path segs fc00:0:200:2:e004::

step "the peer's host route goes via r1"
for peer in "$H1_6" "$H1_4"; do
	fam=$([[ $peer == *:* ]] && echo -6 || echo -4)
	gw=$(nip h0 "$fam" -j route show "$peer" proto 206 |
		json_eval '[r.get("gateway") or r.get("via", {}).get("host") for r in j]')
	assert_eq "next hop of the host route of $peer" '["2001:db8:1::ff"]' "$gw"
done

step "flows on the path via r2 leave h0 addressed to r2 and are forwarded by r2"
FLOWS=64
for peer in "$H1_6" "$H1_4"; do
	if [[ $peer == *:* ]]; then fn=e006 port=45006; else fn=e004 port=45004; fi
	bg_start "sink$port" h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" sink "$port" --expect "$FLOWS" --idle 5
	bg_ready "sink$port" ready
	cap_start "lan$port" h0 eth0 ip6 and src "$H0_6"
	cap_start "r2$port" r2 eth1 ip6
	flows h0 send "$peer" "$port" --sport 21000 --flows "$FLOWS" >/dev/null
	bg_wait "sink$port" 30 || fail "UDP sink on h1 failed"
	cap_stop "lan$port"
	cap_stop "r2$port"
	assert_eq "datagrams h1 received from $FLOWS flows to $peer" "$FLOWS" \
		"$(tail -1 "$KT_TMP/sink$port.out" | json_eval 'j["packets"]')"
	pairs=$(pcap_fields "lan$port" dst,eth_dst inner_dst="$peer" inner_dport="$port" | sort | uniq -c |
		awk '{print $2 " " $3 " " $1}')
	via1=$(awk -v s="fc00:0:100:2:$fn::" '$1 == s {print $2}' <<<"$pairs")
	via2=$(awk -v s="fc00:0:200:2:$fn::" '$1 == s {print $2}' <<<"$pairs")
	n2=$(awk -v s="fc00:0:200:2:$fn::" '$1 == s {print $3}' <<<"$pairs")
	assert_eq "next hop MAC of path 1 (r1) to $peer" "$mac_r1" "$via1"
	assert_eq "next hop MAC of path 2 (r2) to $peer" "$mac_r2" "$via2"
	assert_ge "packets on path 2 to $peer" 1 "${n2:-0}"
	# r2 shifted its uN away and forwarded them towards h1.
	assert_eq "packets r2 forwarded to h1 for $peer" "$n2" \
		"$(pcap_fields "r2$port" n dst="fc00:0:2:$fn::" inner_dport="$port" | wc -l)"
	ok "$peer: path 1 -> r1 ($mac_r1), $n2 packets on path 2 -> r2 ($mac_r2), all $FLOWS delivered"
done

# first_sids PORT SPORT SID2: 64 flows to H1_6 over its two paths (the first's
# first SID fc00:0:100:2:e006::, the second's SID2), captured on h0: each
# first SID with the MAC it left h0 for, "SID MAC," sorted.
first_sids() {
	sb h0 route replace "$H1_6" dev eth0 path segs fc00:0:100:2:e006:: path segs "$3"
	cap_start "lan$1" h0 eth0 ip6 and src "$H0_6"
	flows h0 send "$H1_6" "$1" --sport "$2" --flows "$FLOWS" >/dev/null
	cap_stop "lan$1"
	pcap_fields "lan$1" dst,eth_dst inner_dst="$H1_6" inner_dport="$1" | sort -u | tr '\t' ' ' | tr '\n' ','
}

step "a route more specific than a first SID's /48 is honoured (one lookup stands for a /48 only without one)"
# r2 now also takes fc00:0:100:7::/64, inside r1's /48: a path whose first SID
# is there must leave h0 for r2 although another path's first SID, in the same
# /48, goes to r1.
route h0 fc00:0:100:7::/64 via 2001:db8:1::fe
assert_eq "first SID -> next hop MAC" "fc00:0:100:2:e006:: $mac_r1,fc00:0:100:7:2:e006:: $mac_r2," \
	"$(first_sids 45007 22000 fc00:0:100:7:2:e006::)"
ok "fc00:0:100:2:e006:: -> r1, fc00:0:100:7:2:e006:: -> r2 (the /64 route), in one batch"

step "a rule for a destination more specific than a first SID's /48 is honoured too"
nip h0 -6 route del fc00:0:100:7::/64
nip h0 -6 rule add to fc00:0:100:9::/64 lookup 100
nip h0 -6 route add fc00:0:100::/48 via 2001:db8:1::fe table 100
assert_eq "first SID -> next hop MAC" "fc00:0:100:2:e006:: $mac_r1,fc00:0:100:9:2:e006:: $mac_r2," \
	"$(first_sids 45009 23000 fc00:0:100:9:2:e006::)"
ok "fc00:0:100:9:2:e006:: -> r2 (the rule's table), fc00:0:100:2:e006:: -> r1"

step "with IPv6 forwarding on h0's eth0 the FIB answers in the program: the same next hops, one pass"
# bpf_fib_lookup answers only for a device that forwards; elsewhere srv6_encap
# leaves it out for a second after a refusal and uses bpf_redirect_neigh,
# whose output comes through the hook again (pass_already_encapsulated).
reentries() { sbj h0 stats dev eth0 | json_eval 'j[0]["counters"]["pass_already_encapsulated"]'; }
r0=$(reentries)
assert_ge "re-entries so far (bpf_redirect_neigh without forwarding)" 1 "$r0"
nsx h0 sysctl -qw net.ipv6.conf.eth0.forwarding=1
sleep 1.5 # past the program's pause after the last refusal
r0=$(reentries)
assert_eq "first SID -> next hop MAC" "fc00:0:100:2:e006:: $mac_r1,fc00:0:100:9:2:e006:: $mac_r2," \
	"$(first_sids 45010 24000 fc00:0:100:9:2:e006::)"
# Only path 2 is re-routed (r2); a neighbour entry the FIB finds unresolved
# still goes through bpf_redirect_neigh: one packet at most, not half the flows.
assert_le "re-entries with forwarding on" 1 "$(($(reentries) - r0))"
nsx h0 sysctl -qw net.ipv6.conf.eth0.forwarding=0
ok "fc00:0:100:9:2:e006:: -> r2, fc00:0:100:2:e006:: -> r1 by bpf_fib_lookup, $(($(reentries) - r0)) re-entries"
