#!/usr/bin/env bash
# srv6-bpf's End (uN, NEXT-C-SID) end to end through a BPF router, checked on
# the wire: ping and a 100 MB TCP transfer in both families over one-carrier
# paths (r1 shifts the carrier: destination and hop limit change, nothing
# else), r1's End counters and per-SID counters grow by what crossed it; the
# SRH path (classic End, twice on r1) counts end_srh; an End SID and decap
# SIDs side by side on h1, longest prefix first; End SIDs' kernel routes come
# and go with the SIDs (sid del, unload).
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
LAB_ROUTER=bpf       # srv6-bpf's End on r1, whatever the kernel offers,
LAB_ROUTER_XDP=generic # in its XDP program (the labs' routers use xdp tc)
lab_init
lab_line
lab_load
lab_peers_default
BULK=$((100 * 1024 * 1024))
ECHO6=144 # IPv6 bytes of an encapsulated 56-byte echo: 40 outer + 40 + 8 + 56
ECHO4=124 # 40 outer + 20 + 8 + 56

# dctr NS DEV NAME: one of DEV's decap/End counters (srv6-bpf -j stats).
dctr() {
	sbj "$1" stats dev "$2" | json_eval "j[0]['decap_counters']['$3']"
}

# sidctr NS DEV SID FIELD: packets or bytes of one of DEV's SIDs.
sidctr() {
	sbj "$1" sid show dev "$2" | json_eval "[s['$4'] for s in j if s['sid'] == '$3'][0]"
}

# same_packets WHAT CAP_A CAP_B FILTER...: the packets FILTER selects in two
# captures are the same but for destination, hop limit and Segments Left.
same_packets() {
	local what=$1 a=$2 b=$3 fa
	shift 3
	fa=$(unchanged "$a" "$@")
	[[ -n $fa ]] || fail "$what: no packets in $a"
	assert_eq "$what: $b vs $a but for destination, hop limit and SL" "$fa" "$(unchanged "$b" "$@")"
}

# ping_ok WHAT PEER COUNT: COUNT pings from h0 to PEER, every one answered.
ping_ok() {
	local out rc=0
	out=$(nsx h0 ping -q -c "$3" -i 0.01 -W 3 "$2" 2>&1) || rc=$?
	out=$(grep -m1 -E 'transmitted|ping:' <<<"$out" || echo "no output")
	((rc == 0)) || fail "$1: ping $2 failed: $out"
	assert_contains "$1: ping $2" " 0% packet loss" "$out"
}

# srv6_routes NS: srv6-bpf's kernel routes in NS (protocol 206), "PREFIX METRIC"
# sorted, on one line.
srv6_routes() {
	nip "$1" -6 -j route show |
		json_eval '" ".join(sorted("%s %s" % (r["dst"], r["metric"]) for r in j if r.get("protocol") == "206"))'
}

# end_routes NS: the End SIDs' routes among them (metric 21302), prefixes only.
end_routes() {
	nip "$1" -6 -j route show |
		json_eval '" ".join(sorted(r["dst"] for r in j if r.get("protocol") == "206" and r["metric"] == 21302))'
}

step "r1 runs srv6-bpf's End on both interfaces; each End prefix has one kernel route"
for dev in eth0 eth1; do
	assert_eq "r1 $dev xdp mode" generic "$(sbj r1 show dev "$dev" | json_eval 'j[0]["xdp_mode"]')"
	assert_eq "r1 $dev End SIDs" "fc00:0:100::/48 fc00:0:101::/48 fc00:0:102::/48" \
		"$(sbj r1 sid show dev "$dev" | json_eval '" ".join(s["sid"] for s in j if s["action"] == "end" and s["lblen"] == 32 and s["nflen"] == 16)')"
done
assert_eq "r1's srv6-bpf routes (prefix, metric)" \
	"fc00:0:100::/48 21302 fc00:0:101::/48 21302 fc00:0:102::/48 21302" "$(srv6_routes r1)"
ok "3 uN SIDs per interface, 3 routes"

step "ping both families over one carrier: r1 shifts, hop limit 64 -> 63, nothing else changes"
csid0=$(dctr r1 eth0 end_next_csid)
ebytes0=$(dctr r1 eth0 end_bytes)
csid1=$(dctr r1 eth1 end_next_csid)
sidp0=$(sidctr r1 eth0 fc00:0:100::/48 packets)
sidb0=$(sidctr r1 eth0 fc00:0:100::/48 bytes)
cap_start sent h0 eth0 -Q out ip6 and src "$H0_6"
cap_start fwd r1 eth1 -Q out ip6 and src "$H0_6"
for peer in "$H1_6" "$H1_4"; do
	ping_ok "one carrier" "$peer" 20
done
cap_stop sent
cap_stop fwd
for fam in 6 4; do
	if [[ $fam == 6 ]]; then peer=$H1_6 proto=58 sid=$SID6_1 after=$SID6_H1; else
		peer=$H1_4 proto=1 sid=$SID4_1 after=$SID4_H1
	fi
	assert_eq "IPv$fam echo requests h0 sent: destination, hop limit" "20 $sid 64" \
		"$(tally sent dst,hlim inner_dst="$peer" inner_proto=$proto)"
	assert_eq "IPv$fam echo requests r1 forwarded: destination, hop limit" "20 $after 63" \
		"$(tally fwd dst,hlim inner_dst="$peer" inner_proto=$proto)"
	same_packets "IPv$fam echo requests" sent fwd inner_dst="$peer" inner_proto=$proto
done
assert_eq "plain packets to h1 leaving r1" 0 "$(pcap_fields fwd n encap=0 | wc -l)"
assert_eq "r1 eth0 end_next_csid" $((csid0 + 40)) "$(dctr r1 eth0 end_next_csid)"
assert_eq "r1 eth0 end_bytes (20 x $ECHO6 + 20 x $ECHO4)" $((ebytes0 + 20 * ECHO6 + 20 * ECHO4)) \
	"$(dctr r1 eth0 end_bytes)"
assert_eq "r1 eth0 fc00:0:100::/48 packets" $((sidp0 + 40)) "$(sidctr r1 eth0 fc00:0:100::/48 packets)"
assert_eq "r1 eth0 fc00:0:100::/48 bytes" $((sidb0 + 20 * ECHO6 + 20 * ECHO4)) \
	"$(sidctr r1 eth0 fc00:0:100::/48 bytes)"
assert_eq "sid show (text)" \
	"fc00:0:100::/48 dev eth0 action end lblen 32 nflen 16  # packets $((sidp0 + 40)) bytes $((sidb0 + 20 * ECHO6 + 20 * ECHO4))" \
	"$(sb r1 sid show dev eth0 | grep '^fc00:0:100::/48 ')"
# h1's 40 echo replies to h0 (fc00:0:100:1:e00X::) crossed r1's End on eth1.
assert_eq "r1 eth1 end_next_csid (the echo replies)" $((csid1 + 40)) "$(dctr r1 eth1 end_next_csid)"
assert_eq "r1 eth0 end_srh, pass_hop_limit, pass_last_sid" "0 0 0" \
	"$(dctr r1 eth0 end_srh) $(dctr r1 eth0 pass_hop_limit) $(dctr r1 eth0 pass_last_sid)"
ok "40 requests shifted to fc00:0:2:e00X:: with hop limit 63, counted once each"

step "h0 loaded with hoplimit 10: r1 forwards with 9"
sb h0 load eth0 hoplimit 10 2>/dev/null
cap_start hl r1 eth1 -Q out ip6 and src "$H0_6"
ping_ok "outer hop limit 10" "$H1_6" 3
cap_stop hl
assert_eq "destination and hop limit r1 forwarded" "3 $SID6_H1 9" \
	"$(tally hl dst,hlim inner_dst="$H1_6" inner_proto=58)"
sb h0 load eth0 hoplimit 64 2>/dev/null
assert_eq "h0 hoplimit back to 64" 64 "$(sbj h0 show dev eth0 | json_eval 'j[0]["hoplimit"]')"
ok "hop limit one lower than h0's"

step "100 MB TCP in each family through r1's End; bytes exact, counters follow"
csid0=$(dctr r1 eth0 end_next_csid)
ebytes0=$(dctr r1 eth0 end_bytes)
srh0=$(dctr r1 eth0 end_srh)
sidp0=$(sidctr r1 eth0 fc00:0:100::/48 packets)
sidb0=$(sidctr r1 eth0 fc00:0:100::/48 bytes)
for peer in "$H1_6" "$H1_4"; do
	if [[ $peer == *:* ]]; then after=$SID6_H1; else after=$SID4_H1; fi
	# r1's first 1000 forwarded packets from h0 show how the transfer travels.
	cap_start "bulk-$peer" r1 eth1 -Q out -c 1000 ip6 and src "$H0_6"
	bg_start "sink-$peer" h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5201
	bg_ready "sink-$peer" ready
	flows h0 tcp-send "$peer" 5201 "$BULK" >/dev/null || fail "TCP transfer to $peer failed"
	bg_wait "sink-$peer" 30 || fail "TCP sink on h1 failed: $(head -c 300 "$KT_TMP/sink-$peer.err")"
	cap_stop "bulk-$peer"
	assert_eq "bytes received by h1 from h0 over $peer" "$BULK" \
		"$(tail -1 "$KT_TMP/sink-$peer.out" | json_eval 'j["bytes"]')"
	got=$(pcap_fields "bulk-$peer" dst,hlim,encap inner_dst="$peer" inner_proto=6 | sort -u)
	assert_eq "TCP to $peer after r1: destination, hop limit, encapsulated" "$after	63	1" "$got"
	got=$(pcap_fields "bulk-$peer" n inner_dst="$peer" inner_proto=6 inner_dport=5201 | wc -l)
	assert_ge "TCP packets to $peer seen leaving r1" 100 "$got"
	assert_eq "plain packets from h0 leaving r1" 0 "$(pcap_fields "bulk-$peer" n encap=0 | wc -l)"
	ok "$peer: $BULK bytes received; $got TCP packets seen leaving r1, all shifted"
done
dcsid=$(($(dctr r1 eth0 end_next_csid) - csid0))
dbytes=$(($(dctr r1 eth0 end_bytes) - ebytes0))
# Generic XDP sees a GSO packet once: fewer End packets than wire segments.
assert_ge "r1 eth0 end_next_csid grew" 100 "$dcsid"
assert_between "r1 eth0 end_bytes grew by both transfers plus headers (at most 10%)" \
	$((2 * BULK)) $((2 * BULK * 11 / 10)) "$dbytes"
assert_eq "r1 eth0 fc00:0:100::/48 packets grew as end_next_csid" "$dcsid" \
	$(($(sidctr r1 eth0 fc00:0:100::/48 packets) - sidp0))
assert_eq "r1 eth0 fc00:0:100::/48 bytes grew as end_bytes" "$dbytes" \
	$(($(sidctr r1 eth0 fc00:0:100::/48 bytes) - sidb0))
assert_eq "r1 eth0 end_srh (no SRH on this path)" "$srh0" "$(dctr r1 eth0 end_srh)"
ok "end_next_csid +$dcsid, end_bytes +$dbytes, the same on fc00:0:100::/48"

step "SRH path fc00:0:100::,fc00:0:101::,h1: r1 runs classic End twice (end_srh), forwards once"
sb h0 route replace "$H1_6" dev eth0 segs "fc00:0:100::,fc00:0:101::,$SID6_H1"
sb h0 route replace "$H1_4" dev eth0 segs "fc00:0:100::,fc00:0:101::,$SID4_H1"
srh0=$(dctr r1 eth0 end_srh)
csid0=$(dctr r1 eth0 end_next_csid)
ebytes0=$(dctr r1 eth0 end_bytes)
p100=$(sidctr r1 eth0 fc00:0:100::/48 packets)
p101=$(sidctr r1 eth0 fc00:0:101::/48 packets)
cap_start srh-sent h0 eth0 -Q out ip6 and src "$H0_6"
cap_start srh-fwd r1 eth1 -Q out ip6 and src "$H0_6"
for peer in "$H1_6" "$H1_4"; do
	ping_ok "the SRH path" "$peer" 10
done
cap_stop srh-sent
cap_stop srh-fwd
for fam in 6 4; do
	if [[ $fam == 6 ]]; then peer=$H1_6 proto=58 last=$SID6_H1; else peer=$H1_4 proto=1 last=$SID4_H1; fi
	assert_eq "IPv$fam requests h0 sent: destination, hop limit, SRH list, SL" \
		"10 fc00:0:100:: 64 $last,fc00:0:101:: 2" \
		"$(tally srh-sent dst,hlim,srh_segs,srh_sl inner_dst="$peer" inner_proto=$proto)"
	assert_eq "IPv$fam requests r1 forwarded: destination, hop limit, SRH list, SL" \
		"10 $last 63 $last,fc00:0:101:: 0" \
		"$(tally srh-fwd dst,hlim,srh_segs,srh_sl inner_dst="$peer" inner_proto=$proto)"
	same_packets "IPv$fam requests over the SRH path" srh-sent srh-fwd inner_dst="$peer" inner_proto=$proto
done
# Two passes per packet: fc00:0:100:: (SL 2 -> 1), then fc00:0:101:: (SL 1 -> 0).
assert_eq "r1 eth0 end_srh" $((srh0 + 40)) "$(dctr r1 eth0 end_srh)"
assert_eq "r1 eth0 end_next_csid (no argument on this path)" "$csid0" "$(dctr r1 eth0 end_next_csid)"
assert_eq "r1 eth0 end_bytes (two passes each; the SRH adds 8 + 2 x 16 bytes)" \
	$((ebytes0 + 2 * 10 * (ECHO6 + 40) + 2 * 10 * (ECHO4 + 40))) "$(dctr r1 eth0 end_bytes)"
assert_eq "r1 eth0 fc00:0:100::/48 packets" $((p100 + 20)) "$(sidctr r1 eth0 fc00:0:100::/48 packets)"
assert_eq "r1 eth0 fc00:0:101::/48 packets" $((p101 + 20)) "$(sidctr r1 eth0 fc00:0:101::/48 packets)"
sb h0 route replace "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route replace "$H1_4" dev eth0 segs "$SID4_1"
ok "20 requests: SL 2 -> 0, destination h1's decap SID, hop limit 63, end_srh +40"

step "h1: End fc00:0:2::/48 beside decap fc00:0:2:e006::/64; the longest prefix decides"
forwarding h1 # h1 forwards what its End shifted towards another node
sb h1 sid add fc00:0:2::/48 dev eth0 action end
assert_eq "h1's End route" "fc00:0:2::/48" "$(end_routes h1)"
end48() { sidctr h1 eth0 fc00:0:2::/48 packets; }
dec64() { sidctr h1 eth0 fc00:0:2:e006::/64 packets; }
e0=$(end48) d0=$(dec64) c0=$(dctr h1 eth0 end_next_csid) k0=$(dctr h1 eth0 decap_packets)
cap_start mid-fwd r1 eth1 -Q out ip6 and src "$H0_6"
cap_start mid-h1 h1 eth0 -Q out ip6 and src "$H0_6"
ping_ok "h1's decap SID beside its End" "$H1_6" 5
assert_eq "a carrier ending in fc00:0:2:e006:: decapsulated: End, decap packets" \
	"$e0 $((d0 + 5))" "$(end48) $(dec64)"
# fc00:0:2:2:e006:: matches only the /48: h1 shifts to fc00:0:2:e006::, its own
# decap SID, and decapsulates in the same XDP run (nothing leaves h1).
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:2:2:e006::
ping_ok "h1's End, then its decap SID" "$H1_6" 5
assert_eq "fc00:0:2:2:e006:: shifted, then decapsulated on h1: End, decap packets" \
	"$((e0 + 5)) $((d0 + 10))" "$(end48) $(dec64)"
# fc00:0:2:100:2:e006::: h1 shifts to fc00:0:100:2:e006:: and forwards it back to
# r1, which shifts to fc00:0:2:e006::, h1's decap SID.
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:2:100:2:e006::
ping_ok "h1's End, back through r1, h1's decap SID" "$H1_6" 5
cap_stop mid-fwd
cap_stop mid-h1
assert_eq "h1 as a midpoint: End, decap packets" "$((e0 + 10)) $((d0 + 15))" "$(end48) $(dec64)"
assert_eq "h1 end_next_csid, decap_packets" "$((c0 + 10)) $((k0 + 15))" \
	"$(dctr h1 eth0 end_next_csid) $(dctr h1 eth0 decap_packets)"
assert_eq "what r1 sent h1 (count, destination, hop limit)" \
	"5 fc00:0:2:100:2:e006:: 63
5 fc00:0:2:2:e006:: 63
5 fc00:0:2:e006:: 61
5 fc00:0:2:e006:: 63" \
	"$(tally mid-fwd dst,hlim inner_dst="$H1_6" inner_proto=58)"
assert_eq "what h1 forwarded (count, destination, hop limit)" "5 $SID6_1 62" \
	"$(tally mid-h1 dst,hlim inner_dst="$H1_6")"
assert_eq "what h1 forwarded vs what r1 sent it, but for destination and hop limit" \
	"$(unchanged mid-fwd dst=fc00:0:2:100:2:e006::)" "$(unchanged mid-h1 dst="$SID6_1")"
sb h0 route replace "$H1_6" dev eth0 segs "$SID6_1"
ok "the /64 decapsulates, the /48 shifts (to h1's own decap SID, or back out to r1)"

step "sid del: an End route stays while a device has the SID, goes with the last"
sb r1 sid del fc00:0:102::/48 dev eth0
assert_eq "r1's End routes after deleting fc00:0:102::/48 from eth0" \
	"fc00:0:100::/48 fc00:0:101::/48 fc00:0:102::/48" "$(end_routes r1)"
sb r1 sid del fc00:0:102::/48 dev eth1
assert_eq "r1's End routes after deleting it from eth1 too" \
	"fc00:0:100::/48 fc00:0:101::/48" "$(end_routes r1)"
sb h1 sid del fc00:0:2::/48 dev eth0
assert_eq "h1's End routes after deleting its only End SID" "" "$(end_routes h1)"
assert_eq "h1's decap SIDs stay" "fc00:0:2:e004::/64 fc00:0:2:e006::/64" \
	"$(sbj h1 sid show dev eth0 | json_eval '" ".join(sorted(s["sid"] for s in j))')"
ok "routes follow the last SID"

step "a device going down takes its End routes; load puts them back through a device that is up"
end_route_devs() { # end_route_devs NS: "PREFIX DEV" of the End routes
	nip "$1" -6 -j route show proto 206 |
		json_eval '" ".join(sorted(r["dst"] + " " + r["dev"] for r in j if r["metric"] == 21302))'
}
assert_eq "r1's End routes go through eth0 (the first device with the SIDs)" \
	"fc00:0:100::/48 eth0 fc00:0:101::/48 eth0" "$(end_route_devs r1)"
nsx r1 sysctl -qw net.ipv6.conf.eth0.keep_addr_on_down=1 # keep 2001:db8:1::ff for later steps
nip r1 link set eth0 down
assert_eq "r1's End routes with eth0 down" "" "$(end_route_devs r1)"
sb r1 load eth1 2>/dev/null
assert_eq "r1's End routes after load eth1" "fc00:0:100::/48 eth1 fc00:0:101::/48 eth1" \
	"$(end_route_devs r1)"
nip r1 link set eth0 up
route r1 fc00:0:1::/48 via "$H0_6" # the lab's route through eth0 went with it too
wait_for 50 0.1 "r1's eth0 up again" nsx r1 ping -q -c1 -W1 "$H0_6"
sb r1 sid replace fc00:0:100::/48 dev eth0 action end
assert_eq "r1's End routes stay on eth1, which still has the SIDs" \
	"fc00:0:100::/48 eth1 fc00:0:101::/48 eth1" "$(end_route_devs r1)"
ok "routes follow the devices that are up"

step "unload: a device's SIDs go with it, the routes with the last device"
sb r1 unload eth0
assert_eq "r1's SIDs after unloading eth0" "eth1 eth1" \
	"$(sbj r1 sid show | json_eval '" ".join(s["dev"] for s in j)')"
assert_eq "r1's End routes after unloading eth0 (eth1 still has them)" \
	"fc00:0:100::/48 fc00:0:101::/48" "$(end_routes r1)"
sb r1 unload eth1
assert_eq "r1's SIDs after unloading eth1" "[]" "$(sbj r1 sid show)"
assert_eq "r1's srv6-bpf routes after unloading eth1" "" "$(srv6_routes r1)"
assert_eq "r1's other routes stay" "fc00:0:1::/48 fc00:0:2::/48" \
	"$(nip r1 -6 -j route show | json_eval '" ".join(sorted(r["dst"] for r in j if r["dst"].startswith("fc00:")))')"
ok "no End SID, no End route"
