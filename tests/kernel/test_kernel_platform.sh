#!/usr/bin/env bash
# The kernel-route platform (--platform kernel, ROUTE_PLATFORM=linux): the same
# intents as kernel seg6 / seg6local routes. Checked on the wire to look like
# the BPF platform's packets, end to end on both hosts, mixed with a BPF host,
# for its own errors, and (where seg6local has next-csid) with End SIDs on r1.
# Kernels without seg6 routes: test_kernel_platform_missing.sh.
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
skip_unless kernel_platform "needs kernel seg6/seg6local routes (CONFIG_IPV6_SEG6_LWTUNNEL)"
lab_line
# The hosts' hand-written decap routes go: srv6-bpf programs its own.
lab_no_kernel_decap

kp() { # kp NS ARGS...: srv6-bpf on the kernel platform
	local n=$1
	shift
	nsx "$n" env ROUTE_PLATFORM=linux "$SRV6_BPF" --bpffs "$BPFFS" "$@"
}
kpj() {
	local n=$1
	shift
	kp "$n" -j "$@"
}
SEGS6="fc00:0:100::,fc00:0:2:e006::" # two SIDs: an SRH on the wire
SEGS4="fc00:0:100::,fc00:0:2:e004::"

step "kernel platform on both hosts: routes and SIDs become seg6 / seg6local routes"
kp h1 sid add fc00:0:2:e006::/64 dev eth0 action decap6
kp h1 sid add fc00:0:2:e004::/64 dev eth0 action decap4
kp h0 sid add fc00:0:1:e006::/64 dev eth0 action decap6
kp h0 sid add fc00:0:1:e004::/64 dev eth0 action decap4
kp h0 route add "$H1_6" dev eth0 segs "$SEGS6"
kp h0 route add "$H1_4" dev eth0 segs "$SEGS4"
kp h1 route add "$H0_6" dev eth0 segs fc00:0:100:1:e006::
kp h1 route add "$H0_4" dev eth0 segs fc00:0:100:1:e004::
r=$(nip h0 -6 route show proto 206)
assert_contains "h0 IPv6 seg6 route" "encap seg6 mode encap.red segs 2 [ fc00:0:100:: fc00:0:2:e006:: ]" "$r"
assert_contains "h0 seg6local End.DT6" "End.DT6 table local" "$r"
assert_contains "h0 seg6local End.DX4 to its own address" "End.DX4 nh4 $H0_4" "$r"
assert_contains "h0 IPv4 seg6 route" "encap seg6 mode encap.red segs 2" "$(nip h0 -4 route show proto 206)"
assert_eq "no BPF program attached on the kernel platform" "" "$(nsx h0 tc filter show dev eth0 egress)"
sids=$(kpj h1 sid show dev eth0)
assert_eq "sid show -j" '[["fc00:0:2:e004::/64", "decap4", null], ["fc00:0:2:e006::/64", "decap6", null]]' \
	"$(json_eval 'sorted([s["sid"], s["action"], s["packets"]] for s in j)' <<<"$sids")"

step "route show speaks the same grammar and JSON as the BPF platform"
assert_eq "route show" "$H1_6 dev eth0 segs $SEGS6 weight 1" "$(kp h0 route show dev eth0 | grep "^$H1_6 ")"
j=$(kpj h0 route show)
assert_eq "route show -j fields" \
	"[\"$H1_6\", \"eth0\", [\"fc00:0:100::\", \"fc00:0:2:e006::\"], 1, null, null]" \
	"$(json_eval "[[p['peer'], p['dev'], q['segs'], q['weight'], q['packets'], q['bytes']] for p in j for q in p['paths'] if p['peer'] == '$H1_6'][0]" <<<"$j")"

step "traffic both ways, both families, through r1 and the hosts' seg6local decap"
for pair in "h0 $H1_6" "h0 $H1_4" "h1 $H0_6" "h1 $H0_4"; do
	read -r from to <<<"$pair"
	nsx "$from" ping -q -c2 -i0.2 -W2 "$to" >/dev/null || fail "ping from $from to $to on the kernel platform failed"
done
bg_start sink h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5201
bg_ready sink ready 10
sent=$(flows h0 tcp-send "$H1_6" 5201 20000000 | json_eval 'j["bytes"]')
bg_wait sink 60
assert_eq "TCP bytes h0 -> h1 on the kernel platform" "$sent" \
	"$(tail -n1 "$KT_TMP/sink.out" | json_eval 'j["bytes"]')"
ok "ping both ways and 20 MB of TCP"

step "on the wire the kernel platform's packets equal the BPF platform's (outer header, SRH)"
fields=src,dst,proto,hlim,tclass,plen,eth_type,srh_hex,inner_ip,inner_dst
cap_start k r1 eth0 ip6 and src "$H0_6"
flows h0 send "$H1_6" 42001 --sport 30000 --size 100 --tclass 0x28 >/dev/null
flows h0 send "$H1_4" 42002 --sport 30000 --size 100 --tclass 0x28 >/dev/null
cap_stop k
kp h0 route del "$H1_6" dev eth0
kp h0 route del "$H1_4" dev eth0
assert_eq "kernel platform routes gone after del" "" \
	"$(nip h0 route show proto 206; nip h0 -6 route show proto 206 | grep -v seg6local || true)"
sb h0 load eth0 xdp off >/dev/null
sb h0 route add "$H1_6" dev eth0 segs "$SEGS6"
sb h0 route add "$H1_4" dev eth0 segs "$SEGS4"
cap_start b r1 eth0 ip6 and src "$H0_6"
flows h0 send "$H1_6" 42001 --sport 30000 --size 100 --tclass 0x28 >/dev/null
flows h0 send "$H1_4" 42002 --sport 30000 --size 100 --tclass 0x28 >/dev/null
cap_stop b
for port in 42001 42002; do
	# The kernel's seg6 leaves the traffic class 0 for IPv4 inside, where
	# srv6-bpf copies the TOS (checked below): compare everything else.
	f=$fields
	[[ $port == 42002 ]] && f=${fields/tclass,/}
	kern=$(pcap_fields k "$f" inner_dport=$port)
	bpf=$(pcap_fields b "$f" inner_dport=$port)
	assert_eq "packets to port $port (kernel platform)" 1 "$(grep -c . <<<"$kern")"
	assert_eq "outer header and SRH, kernel vs BPF platform, port $port" "$kern" "$bpf"
done
assert_eq "BPF platform copies the IPv4 TOS into the traffic class" 40 \
	"$(pcap_fields b tclass inner_dport=42002)"
assert_eq "the kernel leaves it 0" 0 "$(pcap_fields k tclass inner_dport=42002)"
ok "identical outer headers and SRHs: $(pcap_fields b srh_hex inner_dport=42001)"
sb h0 unload eth0

step "mixed: h0 on the BPF platform (encap + XDP decap), h1 on kernel routes"
kp h0 sid del fc00:0:1:e006::/64 dev eth0
kp h0 sid del fc00:0:1:e004::/64 dev eth0
sb h0 load eth0 >/dev/null
sb h0 sid add fc00:0:1::/48 dev eth0 action decap
sb h0 route add "$H1_6" dev eth0 segs "$SEGS6"
sb h0 route add "$H1_4" dev eth0 segs fc00:0:100:2:e004::
for pair in "h0 $H1_6" "h0 $H1_4" "h1 $H0_6" "h1 $H0_4"; do
	read -r from to <<<"$pair"
	nsx "$from" ping -q -c2 -i0.2 -W2 "$to" >/dev/null || fail "mixed: ping from $from to $to failed"
done
bg_start sink2 h0 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5202
bg_ready sink2 ready 10
sent=$(flows h1 tcp-send "$H0_4" 5202 20000000 | json_eval 'j["bytes"]')
bg_wait sink2 60
assert_eq "mixed: TCP bytes h1 (kernel) -> h0 (XDP decap)" "$sent" \
	"$(tail -n1 "$KT_TMP/sink2.out" | json_eval 'j["bytes"]')"
assert_ge "mixed: h0's XDP decapsulated h1's kernel encapsulation" 10000 \
	"$(sbj h0 stats dev eth0 | json_eval 'j[0]["decap_counters"]["decap_packets"]')"
ok "BPF and kernel platforms interoperate both ways"

step "kernel platform errors: one line, non-zero exit, nothing changed"
before=$(nip h1 -6 route show; nip h1 -4 route show)
expect_err() { expect_one_error "$1" "$2" kp h1 "${@:3}"; } # expect_err WHAT PATTERN ARGS...
expect_err "decap on one SID" "End.DT46 needs a VRF" sid add fc00:0:2:e046::/64 dev eth0 action decap
expect_err "existing peer" "a route exists" route add "$H0_6" dev eth0 segs fc00:0:100:1:e006::
expect_err "bad SID" "invalid SID" route add 2001:db8:9::9 dev eth0 segs fc00::zz
expect_err "5 SIDs" "too many SIDs" route add 2001:db8:9::9 dev eth0 segs fc00::1,fc00::2,fc00::3,fc00::4,fc00::5
expect_err "missing interface" "not found" route add 2001:db8:9::9 dev nosuch0 segs fc00:0:100::
expect_err "SID with host bits" "bits set past" sid add fc00:0:2:e006::1/64 dev eth0 action decap6
nip h1 -6 route add 2001:db8:9::9/128 via 2001:db8:2::ff proto static
expect_err "foreign host route" "not made by srv6-bpf" route add 2001:db8:9::9 dev eth0 segs fc00:0:100:1:e006::
nip h1 -6 route del 2001:db8:9::9/128
out=$(nsx h1 env ROUTE_PLATFORM=vpp "$SRV6_BPF" route show 2>&1) && fail "ROUTE_PLATFORM=vpp accepted"
assert_match "ROUTE_PLATFORM=vpp" "not supported" "$out"
out=$(nsx h1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	env ROUTE_PLATFORM=linux "$SRV6_BPF" route add 2001:db8:9::9 dev eth0 segs fc00:0:100:: 2>&1) &&
	fail "not root: accepted"
assert_match "not root" "CAP_NET_ADMIN" "$out"
assert_eq "routes unchanged by the failed commands" "$before" "$(nip h1 -6 route show; nip h1 -4 route show)"

step "ROUTE_TABLE_ID puts the routes in that table; del removes only srv6-bpf's"
nip h1 -6 route add 2001:db8:77::/64 via 2001:db8:2::ff table 100
nsx h1 env ROUTE_PLATFORM=linux ROUTE_TABLE_ID=100 "$SRV6_BPF" route add 2001:db8:77::1 dev eth0 \
	segs fc00:0:100:1:e006::
assert_contains "table 100 holds the seg6 route" "2001:db8:77::1" "$(nip h1 -6 route show table 100 proto 206)"
assert_not_contains "main table does not" "2001:db8:77::1" "$(nip h1 -6 route show)"
nsx h1 env ROUTE_PLATFORM=linux ROUTE_TABLE_ID=100 "$SRV6_BPF" route del 2001:db8:77::1 dev eth0
assert_contains "the foreign route in table 100 stays" "2001:db8:77::/64" "$(nip h1 -6 route show table 100)"
assert_eq "srv6-bpf's route in table 100 is gone" "" "$(nip h1 -6 route show table 100 proto 206)"
ok "tables honoured"

step "sid add ... action end on the kernel platform: r1 gets a seg6local End with next-csid"
if ! kernel_has seg6local_next_csid; then
	echo "   skip: End SIDs on the kernel platform (srv6-bpf check: no seg6local End flavors next-csid here)"
else
	UN=fc00:0:103::/48
	# h0 (BPF platform) sends to h1 through r1's uN 100, then uN 103, then h1's End.DT6.
	sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:103:2:e006::
	if nsx h0 ping -q -c1 -W1 "$H1_6" >/dev/null 2>&1; then
		fail "r1 forwarded fc00:0:103:2:e006:: before it had an End for fc00:0:103::/48"
	fi
	kp r1 sid add "$UN" dev eth0 action end
	assert_contains "ip route: End with next-csid, default lengths" \
		"encap seg6local action End flavors next-csid lblen 32 nflen 16 dev eth0" \
		"$(nip r1 -6 route show proto 206 | grep "^$UN ")"
	assert_eq "sid show" "$UN dev eth0 action end lblen 32 nflen 16" \
		"$(kp r1 sid show dev eth0 | grep "^$UN ")"
	assert_eq "sid show -j" \
		"[{\"action\": \"end\", \"bytes\": null, \"dev\": \"eth0\", \"lblen\": 32, \"nflen\": 16, \"packets\": null, \"sid\": \"$UN\"}]" \
		"$(kpj r1 sid show dev eth0 | json_eval "[s for s in j if s['sid'] == '$UN']")"
	nsx h0 ping -q -c3 -i0.2 -W2 "$H1_6" >/dev/null ||
		fail "ping from h0 through r1's kernel-platform End fc00:0:103::/48 failed"
	expect_one_error "End SID added twice" "exists.*sid replace" kp r1 sid add "$UN" dev eth0 action end
	kp r1 sid replace "$UN" dev eth0 action end lblen 24 nflen 24
	assert_contains "ip route after replace" "End flavors next-csid lblen 24 nflen 24 dev eth0" \
		"$(nip r1 -6 route show proto 206 | grep "^$UN ")"
	assert_eq "sid show -j after replace: lblen, nflen" "[24, 24]" \
		"$(kpj r1 sid show | json_eval "[[s['lblen'], s['nflen']] for s in j if s['sid'] == '$UN'][0]")"
	nip r1 -6 route add fc00:0:104::/48 encap seg6local action End flavors next-csid \
		lblen 32 nflen 16 dev eth0
	expect_one_error "someone else's End route" "did not make" \
		kp r1 sid add fc00:0:104::/48 dev eth0 action end
	kp r1 sid del "$UN" dev eth0
	assert_eq "End route gone after sid del" "" "$(nip r1 -6 route show proto 206 | grep "^$UN " || true)"
	assert_contains "someone else's End stays" "fc00:0:104::/48" "$(nip r1 -6 route show)"
	ok "End flavors next-csid programmed, shown, used by traffic, replaced and removed"
fi
