#!/usr/bin/env bash
# `route replace` under a fast ping stream (both families at once) while the
# path is swapped back and forth many times, between a one-SID path and a
# two-SID path (so the host route's MTU changes too): no echo request or reply
# is lost and the capture shows both paths used. Then `route del` returns the
# peers to plain routing.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
lab_peers_default
COUNT=2500
A6=$SID6_1 B6="fc00:0:101::,$SID6_H1"
A4=$SID4_1 B4="fc00:0:102::,$SID4_H1"

step "route replace A <-> B during $COUNT pings at 2 ms intervals per family"
cap_start rep h0 eth0 ip6 and src "$H0_6"
bg_start ping6 h0 ping -q -i 0.002 -c "$COUNT" -W 2 "$H1_6"
bg_start ping4 h0 ping -q -i 0.002 -c "$COUNT" -W 2 "$H1_4"
replaces=0
while kill -0 "$(bg_pid ping6)" 2>/dev/null || kill -0 "$(bg_pid ping4)" 2>/dev/null; do
	sb h0 route replace "$H1_6" dev eth0 segs "$B6"
	sb h0 route replace "$H1_4" dev eth0 segs "$B4"
	sb h0 route replace "$H1_6" dev eth0 segs "$A6"
	sb h0 route replace "$H1_4" dev eth0 segs "$A4"
	replaces=$((replaces + 2))
done
rc6=0 rc4=0
bg_wait ping6 10 || rc6=$?
bg_wait ping4 10 || rc4=$?
cap_stop rep
for f in 6 4; do
	out=$(cat "$KT_TMP/ping$f.out")
	assert_contains "IPv$f ping during $replaces replaces" "$COUNT packets transmitted, $COUNT received" "$out"
done
assert_eq "ping exit status (IPv6, IPv4)" "0 0" "$rc6 $rc4"
assert_ge "replaces per family while the pings ran" 10 "$replaces"
for f in 6 4; do
	if [[ $f == 6 ]]; then peer=$H1_6 a=$A6 b=$B6 proto=58; else peer=$H1_4 a=$A4 b=$B4 proto=1; fi
	got=$(pcap_fields rep dst inner_dst="$peer" inner_proto=$proto | sort | uniq -c |
		awk '{print $2 "=" $1}' | paste -sd' ')
	assert_eq "echo requests to $peer captured" "$COUNT" \
		"$(pcap_fields rep n inner_dst="$peer" inner_proto=$proto | wc -l)"
	assert_match "echo requests to $peer on path A (${a%%,*})" "(^| )${a%%,*}=[0-9]+" "$got"
	assert_match "echo requests to $peer on path B (${b%%,*})" "(^| )${b%%,*}=[0-9]+" "$got"
	ok "IPv$f: $COUNT/$COUNT replies over $replaces replaces; requests per outer destination: $got"
done
# After the last replace the peers are back on A, with A's MTU.
assert_eq "route show after the replaces" "$A6" \
	"$(sbj h0 route show | json_eval "[','.join(p['paths'][0]['segs']) for p in j if p['peer'] == '$H1_6'][0]")"
assert_eq "host route MTU after the replaces" 1460 \
	"$(nip h0 -6 -j route show "$H1_6" proto 206 | json_eval 'j[0]["metrics"][0]["mtu"]')"

step "route del returns the peers to plain routing"
sb h0 route del "$H1_6" dev eth0
sb h0 route del "$H1_4" dev eth0
assert_eq "srv6-bpf host routes left on h0" "" \
	"$(nip h0 -6 route show proto 206; nip h0 -4 route show proto 206)"
assert_eq "srv6-bpf peers left on h0" 0 "$(sbj h0 route show | json_eval 'len(j)')"
cap_start del h0 eth0
for peer in "$H1_6" "$H1_4"; do
	nsx h0 ping -q -c 3 -i 0.05 -W 2 "$peer" >/dev/null || fail "ping $peer after route del"
done
cap_stop del
assert_eq "encapsulated packets from h0 after route del" "" \
	"$(pcap_fields del src encap=1 src="$H0_6")"
assert_eq "plain IPv6 echo requests to $H1_6" 3 "$(pcap_fields del n dst="$H1_6" proto=58 icmp_type=128 | wc -l)"
assert_eq "plain IPv4 echo requests to $H1_4" 3 "$(pcap_fields del n dst="$H1_4" proto=1 icmp_type=8 | wc -l)"
ok "after route del: plain routing, no proto 206 routes, no encapsulation"
