#!/usr/bin/env bash
# Receiver side on the BPF platform: both hosts run srv6-bpf and decapsulate
# with its XDP program only (no seg6local routes anywhere on the hosts).
# Traffic both ways, both families, through r1's micro-SID shift; counters
# match the traffic; packets a local SID must not end, and garbage after the
# outer header, are passed unchanged and counted, never decapsulated.
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
# The hosts' kernel decapsulation goes: srv6-bpf's XDP program does it.
lab_no_kernel_decap
assert_eq "seg6local routes left on the hosts" "" \
	"$(nip h0 -6 route show | grep seg6local || true)$(nip h1 -6 route show | grep seg6local || true)"

step "load on both hosts: XDP attached (native on veth), SIDs are the hosts' locators"
lab_load
for n in h0 h1; do
	show=$(sbj "$n" show dev eth0)
	assert_eq "$n xdp mode" native "$(json_eval 'j[0]["xdp_mode"]' <<<"$show")"
	assert_eq "$n xdp attached" 1 "$(json_eval 'j[0]["xdp_attached"]' <<<"$show")"
	assert_contains "$n ip link shows xdp" "xdp" "$(nip "$n" link show dev eth0)"
done
sb h0 sid add fc00:0:1::/48 dev eth0 action decap
sb h1 sid add fc00:0:2::/48 dev eth0 action decap
lab_peers_default
ok "h0 and h1 program each other with one micro-SID carrier per family"

step "ping both ways, IPv6 and IPv4 inner"
for pair in "h0 $H1_6" "h0 $H1_4" "h1 $H0_6" "h1 $H0_4"; do
	set -- $pair
	nsx "$1" ping -q -c3 -i0.2 -W2 "$2" >/dev/null || fail "ping from $1 to $2 over XDP decap failed"
done
ok "ping works both ways over srv6-bpf encap and XDP decap"

step "on the wire: encapsulated both ways, and h1 got it through its own XDP"
# r1's eth1 egress shows what r1 forwarded to h1; h1's eth0 egress what h1
# answered (a router's own XDP rewrites before its ingress captures).
cap_start wire r1 eth1 ip6 and src "$H0_6"
cap_start answers h1 eth0 ip6 and src "$H1_6"
nsx h0 ping -q -c2 -i0.2 -W2 "$H1_6" >/dev/null
nsx h0 ping -q -c2 -i0.2 -W2 "$H1_4" >/dev/null
cap_stop wire
cap_stop answers
to_h1=$(pcap_fields wire dst,proto,inner_dst src="$H0_6")
assert_contains "h0->h1 IPv6 inner after r1's shift" $'fc00:0:2:e006::\t41\t'"$H1_6" "$to_h1"
assert_contains "h0->h1 IPv4 inner after r1's shift" $'fc00:0:2:e004::\t4\t'"$H1_4" "$to_h1"
from_h1=$(pcap_fields answers dst,encap src="$H1_6" | sort -u)
assert_contains "h1's answers are encapsulated" $'fc00:0:100:1:e006::\t1' "$from_h1"

step "bulk TCP both ways and both families (100 MB each); counters follow the traffic"
before_dec=$(sbj h1 stats dev eth0 | json_eval 'j[0]["decap_counters"]["decap_packets"]')
before_sid=$(sbj h1 sid show dev eth0 | json_eval 'j[0]["packets"]')
for pair in "h0 h1 $H1_6" "h0 h1 $H1_4" "h1 h0 $H0_6" "h1 h0 $H0_4"; do
	set -- $pair
	bg_start sink "$2" "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5201
	bg_ready sink ready 10
	sent=$(flows "$1" tcp-send "$3" 5201 100000000 | json_eval 'j["bytes"]')
	bg_wait sink 60 || fail "the TCP sink in $2 failed: $(head -c 200 "$KT_TMP/sink.err")"
	got=$(tail -n1 "$KT_TMP/sink.out" | json_eval 'j["bytes"]')
	assert_eq "bytes received by $2 from $1 over $3" "$sent" "$got"
	assert_eq "bytes sent" 100000000 "$sent"
done
after_dec=$(sbj h1 stats dev eth0 | json_eval 'j[0]["decap_counters"]["decap_packets"]')
after_sid=$(sbj h1 sid show dev eth0 | json_eval 'j[0]["packets"]')
dec_bytes=$(sbj h1 stats dev eth0 | json_eval 'j[0]["decap_counters"]["decap_bytes"]')
assert_ge "h1 decap_bytes after 200 MB in" 200000000 "$dec_bytes"
assert_eq "h1: per-SID packets grew as decap_packets did" \
	$((after_dec - before_dec)) $((after_sid - before_sid))
# What h0 encapsulated to h1 is what h1 decapsulated (no other SRv6 sender).
enc=$(sbj h0 stats dev eth0 | json_eval 'j[0]["counters"]["encap_bytes"]')
# Per mille: r1 may drop a few segments under load, never add any.
assert_between "h1 decapsulated bytes vs h0's encapsulated bytes (per mille)" 990 1000 \
	$((dec_bytes * 1000 / enc))
ok "200 MB each way; h1 decapsulated $dec_bytes bytes, h0 encapsulated $enc"

step "packets a local SID must not end, and garbage after the outer header: passed and counted"
h1mac=$(mac_of h1 eth0)
r1mac=$(mac_of r1 eth1)
craft() { nsx r1 "$KT_PYTHON" "$KT_LIB_DIR/craft.py" send eth1 "$h1mac" "$r1mac" \
	2001:db8:2::ff fc00:0:2:e006:: "$@" >/dev/null; }
counter() { sbj h1 stats dev eth0 | json_eval "j[0]['decap_counters']['$1']"; }
for kind_reason in sl1:pass_segments_left trunc-srh:pass_truncated bogus-hdrlen:pass_bad_srh \
	bad-type:pass_bad_srh bad-le:pass_bad_srh unknown-nh:pass_unknown_nexthdr \
	trunc-inner:pass_truncated; do
	kind=${kind_reason%%:*} reason=${kind_reason#*:}
	b=$(counter "$reason")
	d=$(counter decap_packets)
	craft "$kind" --count 5
	wait_for 20 0.1 "$reason to count $kind" \
		test "$(counter "$reason")" -ge $((b + 5))
	assert_eq "$kind: decap_packets unchanged" "$d" "$(counter decap_packets)"
	ok "$kind: 5 frames passed as $reason"
done

step "a well-formed frame through the same path is decapsulated (the crafter is right)"
bg_start udp h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" sink 9 --expect 3 --idle 5
bg_ready udp ready 10
d=$(counter decap_packets)
craft ok6 --count 3
bg_wait udp 10 || true
assert_eq "crafted ok6 frames delivered to h1's UDP sink" 3 \
	"$(tail -n1 "$KT_TMP/udp.out" | json_eval 'j["packets"]')"
assert_eq "decap_packets grew by 3" $((d + 3)) "$(counter decap_packets)"

step "after the garbage h1 still works"
nsx h0 ping -q -c2 -W2 "$H1_6" >/dev/null || fail "h1 stopped answering after malformed frames"
ok "h1 answers"
