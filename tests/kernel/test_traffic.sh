#!/usr/bin/env bash
# End to end through the encapsulated path: ping and a 100 MB TCP transfer in
# both families (IPv6 over a one-SID path, IPv4 over a three-SID path with an
# SRH), counters that grew accordingly, and the MTU: a DF ping of the largest
# size the loader's host route allows works, one byte more fails locally.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
SEGS4="fc00:0:100::,fc00:0:101::,$SID4_H1" # three SIDs: an SRH with two
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 segs "$SEGS4"
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"
BULK=$((100 * 1024 * 1024))

step "ping both families; every packet to h1 leaves h0 encapsulated"
cap_start ping h0 eth0
for peer in "$H1_6" "$H1_4"; do
	out=$(nsx h0 ping -q -c 20 -i 0.01 -W 3 "$peer") || fail "ping $peer: $(tail -2 <<<"$out")"
	assert_contains "ping $peer" " 0% packet loss" "$out"
done
cap_stop ping
assert_eq "plain packets to h1 leaving h0" 0 \
	"$(pcap_fields ping dst encap=0 | grep -cxE "$H1_6|$H1_4" || true)"
got=$(pcap_fields ping dst,proto,srh_segs inner_dst="$H1_6" inner_proto=58 | sort -u)
assert_eq "IPv6 echo requests: outer dst, next header, SRH" "$SID6_1	41	-" "$got"
got=$(pcap_fields ping dst,proto,srh_segs,srh_nh inner_dst="$H1_4" inner_proto=1 | sort -u)
assert_eq "IPv4 echo requests: outer dst, next header, SRH" \
	"fc00:0:100::	43	$SID4_H1,fc00:0:101::	4" "$got"
assert_eq "IPv6 echo requests captured" 20 "$(pcap_fields ping n inner_dst="$H1_6" inner_proto=58 | wc -l)"
assert_eq "IPv4 echo requests captured" 20 "$(pcap_fields ping n inner_dst="$H1_4" inner_proto=1 | wc -l)"
ok "40 echo requests encapsulated, 40 replies"

step "100 MB TCP transfer in each family through the encapsulated path"
before6=$(path_bytes h0 "$H1_6")
before4=$(path_bytes h0 "$H1_4")
encap_before=$(encap_counter h0 encap_bytes)
for peer in "$H1_6" "$H1_4"; do
	# h0's first 1000 packets (not h1's ACKs) show how the transfer travels.
	cap_start "bulk-$peer" h0 eth0 -c 1000 src host "$H0_6" or src host "$H0_4"
	bg_start "sink-$peer" h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5201
	bg_ready "sink-$peer" ready
	flows h0 tcp-send "$peer" 5201 "$BULK" >/dev/null || fail "TCP transfer to $peer failed"
	bg_wait "sink-$peer" 30 || fail "TCP sink on h1 failed: $(head -c 300 "$KT_TMP/sink-$peer.err")"
	cap_stop "bulk-$peer"
	got=$(tail -1 "$KT_TMP/sink-$peer.out" | json_eval 'j["bytes"]')
	assert_eq "bytes received by h1 from h0 over $peer" "$BULK" "$got"
	got=$(pcap_fields "bulk-$peer" n dst="$peer" | wc -l)
	assert_eq "plain packets to $peer leaving h0" 0 "$got"
	got=$(pcap_fields "bulk-$peer" n inner_dst="$peer" inner_proto=6 inner_dport=5201 | wc -l)
	assert_ge "encapsulated TCP packets to $peer seen" 100 "$got"
	ok "$peer: $BULK bytes received, $got encapsulated TCP packets seen, none plain"
done

step "counters grew with the transfers"
after6=$(path_bytes h0 "$H1_6")
after4=$(path_bytes h0 "$H1_4")
assert_ge "path bytes to $H1_6 grew by the transfer" "$BULK" $((after6 - before6))
assert_ge "path bytes to $H1_4 grew by the transfer" "$BULK" $((after4 - before4))
assert_ge "encap_bytes grew by both transfers" $((2 * BULK)) \
	$(($(encap_counter h0 encap_bytes) - encap_before))
# h1 sent 40 echo replies plus the transfers' ACKs (how many depends on GRO).
assert_ge "encap_packets on h1 (echo replies and ACKs)" 42 "$(encap_counter h1 encap_packets)"
assert_ge "h1's path packets to $H0_6 (echo replies and ACKs)" 21 "$(path_packets h1 "$H0_6")"
assert_ge "h1's path packets to $H0_4 (echo replies and ACKs)" 21 "$(path_packets h1 "$H0_4")"
assert_eq "drop_too_big on h0" 0 "$(encap_counter h0 drop_too_big)"
ok "path bytes +$((after6 - before6)) (IPv6) +$((after4 - before4)) (IPv4)"

step "DF ping at the largest size the peer's host route allows, and one byte more"
dev_mtu=$(nip h0 -j link show dev eth0 | json_eval 'j[0]["mtu"]')
for peer in "$H1_6" "$H1_4"; do
	if [[ $peer == *:* ]]; then
		nsegs=1 hdr=48 fam=-6
	else
		nsegs=3 hdr=28 fam=-4
	fi
	route=$(nip h0 $fam -j route show "$peer" proto 206)
	assert_eq "srv6-bpf host routes for $peer" 1 "$(json_eval 'len(j)' <<<"$route")"
	mtu=$(json_eval '[m["mtu"] for m in j[0].get("metrics", []) if "mtu" in m][0]' <<<"$route")
	overhead=$((40 + (nsegs > 1 ? 8 + 16 * (nsegs - 1) : 0)))
	assert_eq "route MTU of $peer (dev MTU $dev_mtu - $overhead bytes of SRv6 headers)" \
		$((dev_mtu - overhead)) "$mtu"
	size=$((mtu - hdr))
	cap_start "df$fam" h0 eth0 ip6
	out=$(nsx h0 ping -q -M "do" -s "$size" -c 3 -i 0.1 -W 3 "$peer" 2>&1) ||
		fail "DF ping of $size bytes to $peer: $(tail -2 <<<"$out")"
	assert_contains "DF ping of $size bytes to $peer" " 0% packet loss" "$out"
	drops=$(encap_counter h0 drop_too_big)
	rc=0
	out=$(nsx h0 ping -M "do" -s $((size + 1)) -c 1 -W 1 "$peer" 2>&1) || rc=$? # -q would hide the error
	assert_ne "exit status of a DF ping one byte over the MTU" 0 "$rc"
	assert_match "error of a DF ping one byte over the MTU" "message too long" "$out"
	cap_stop "df$fam"
	# The largest packet fills the device MTU exactly once encapsulated.
	lens=$(pcap_fields "df$fam" len inner_dst="$peer" | sort -u)
	assert_eq "frame length of the largest encapsulated echo requests" $((dev_mtu + 14)) "$lens"
	assert_eq "drop_too_big after the refused ping (refused locally, not dropped)" "$drops" \
		"$(encap_counter h0 drop_too_big)"
	ok "$peer: route MTU $mtu, DF ping -s $size works (frame $lens bytes), -s $((size + 1)) fails locally"
done
