#!/usr/bin/env bash
# srv6-bpf's End on the wire, hop by hop, on a line of two BPF routers:
#
#   h0 eth0 ---- eth0 r1 eth1 ---- eth0 r2 eth1 ---- eth0 h1
#   2001:db8:1::1  ::ff  2001:db8:12::1  ::2  2001:db8:2::ff  2001:db8:2::2
#
#   r1 uN fc00:0:100::/48 (End in XDP, generic), r2 uN fc00:0:200::/48 (End on
#   clsact ingress, xdp tc) (lblen 32 nflen 16), and in other
#   formats r1 fc00:0:ff00:100::/64, r2 fc00:0:ff00:200::/64 (lblen 48 nflen 16),
#   r1 fc00:2:0:100::/64, r2 fc00:2:0:200::/64 (lblen 32 nflen 32); h1 decapsulates
#   fc00:0:2:e006::/64, fc00:0:ff00:2:e006::/80 and fc00:2:2:e006::/64.
#
# What each node sends is captured on its egress (a router's XDP rewrites before
# its own ingress capture): h0's eth0, r1's eth1, r2's eth1. Checked: the
# destination after each shift, hop limit 64 -> 63 -> 62, everything else
# unchanged; a carrier exhausted into the SRH; hop limit 1 (ICMP Time Exceeded
# quoting the packet unchanged, nothing forwarded); malformed SRHs at an End SID
# passed unchanged and counted exactly, and End still working afterwards.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
R1_6B=2001:db8:12::1
R2_6A=2001:db8:12::2
R2_6B=2001:db8:2::ff

# line2: build the line above, srv6-bpf's End on both routers' interfaces,
# srv6-bpf on both hosts (h1 decapsulates).
line2() {
	LAB_ROUTER_MODE=bpf
	LAB_HOST_DECAP=bpf
	ns_add h0 r1 r2 h1
	veth h0 eth0 r1 eth0
	veth r1 eth1 r2 eth0
	veth r2 eth1 h1 eth0
	addr h0 eth0 "$H0_6/64"
	addr r1 eth0 "$R1_6A/64"
	addr r1 eth1 "$R1_6B/64"
	addr r2 eth0 "$R2_6A/64"
	addr r2 eth1 "$R2_6B/64"
	addr h1 eth0 "$H1_6/64"
	forwarding r1
	forwarding r2
	route h0 default via "$R1_6A"
	route h1 default via "$R2_6B"
	# SIDs go downstream (fc00::/16) but for h0's and r1's own.
	route r1 fc00::/16 via "$R2_6A"
	route r1 2001:db8:2::/64 via "$R2_6A"
	route r1 fc00:0:1::/48 via "$H0_6"
	route r2 fc00::/16 via "$H1_6"
	route r2 2001:db8:1::/64 via "$R1_6B"
	route r2 fc00:0:1::/48 via "$R1_6B"
	route r2 fc00:0:100::/48 via "$R1_6B"
	# Both hooks on one path: r1's End in XDP, r2's on clsact ingress.
	LAB_ROUTER_XDP=generic lab_router_end r1 fc00:0:100::/48
	LAB_ROUTER_XDP=tc lab_router_end r2 fc00:0:200::/48
	local dev
	for dev in eth0 eth1; do
		sb r1 sid add fc00:0:ff00:100::/64 dev "$dev" action end lblen 48 nflen 16
		sb r2 sid add fc00:0:ff00:200::/64 dev "$dev" action end lblen 48 nflen 16
		sb r1 sid add fc00:2:0:100::/64 dev "$dev" action end lblen 32 nflen 32
		sb r2 sid add fc00:2:0:200::/64 dev "$dev" action end lblen 32 nflen 32
	done
	lab_load
	sb h1 sid add fc00:0:ff00:2:e006::/80 dev eth0 action decap6
	sb h1 sid add fc00:2:2:e006::/64 dev eth0 action decap6
	nsx h0 ping -q -c1 -W2 "$H1_6" >/dev/null || fail "line2: h0 cannot reach h1"
	nsx h1 ping -q -c1 -W2 "$R1_6A" >/dev/null || fail "line2: h1 cannot reach r1"
}

# ctrs NS DEV: DEV's decap/End counters as JSON, but for pass_no_sid and
# pass_not_ipv6 (background traffic such as neighbour discovery moves those).
ctrs() {
	sbj "$1" stats dev "$2" |
		json_eval "{k: v for k, v in j[0]['decap_counters'].items() if k not in ('pass_no_sid', 'pass_not_ipv6')}"
}

# ctr_delta BEFORE AFTER: "NAME+N ..." for the counters that changed, sorted.
ctr_delta() {
	"$KT_PYTHON" -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(" ".join("%s+%d" % (k, b[k] - a[k]) for k in sorted(a) if b[k] != a[k]))' "$1" "$2"
}

# tshark_hops CAP: "COUNT SPORT DST HLIM [SL]" per distinct outer header of the
# UDP packets in a capture, as tshark decodes them (a decoder that shares
# nothing with pcap.py). tshark runs as nobody with an empty environment and
# the file on stdin ($KT_TMP is root's), as in test_wire.sh.
tshark_hops() {
	local rc=0 out
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		env -i PATH="$PATH" HOME=/nonexistent \
		tshark -n -r - -Y udp -T fields -E occurrence=f -e udp.srcport -e ipv6.dst -e ipv6.hlim \
		-e ipv6.routing.segleft <"$(pcap_file "$1")" 2>"$KT_TMP/tshark.err") || rc=$?
	((rc == 0)) || fail "tshark -r $(pcap_file "$1") exited $rc: $(head -1 "$KT_TMP/tshark.err")"
	LC_ALL=C sort <<<"$out" | LC_ALL=C uniq -c | awk '{$1 = $1; print}'
}

# sidpk NS DEV SID: packets counted on one SID.
sidpk() {
	sbj "$1" sid show dev "$2" | json_eval "[s['packets'] for s in j if s['sid'] == '$3'][0]"
}

lab_init
command -v tshark >/dev/null || fail "tshark not found (make deps installs it)"
line2
h0mac=$(mac_of h0 eth0)
r1mac=$(mac_of r1 eth0)
SINK=7000
# Carriers h0 -> h1 through r1 then r2, and the destination after each router.
CASES=(
	"31001 fc00:0:100:200:2:e006:: fc00:0:200:2:e006:: fc00:0:2:e006:: lblen 32 nflen 16"
	"31002 fc00:0:ff00:100:200:2:e006:0 fc00:0:ff00:200:2:e006:: fc00:0:ff00:2:e006:: lblen 48 nflen 16"
	"31003 fc00:2:0:100:0:200:2:e006 fc00:2:0:200:2:e006:: fc00:2:2:e006:: lblen 32 nflen 32"
)
EXHAUSTED=31004 # fc00:0:100:200:: + SRH (fc00:0:2:e006::): r1 shifts, r2 takes the SRH
K=5             # datagrams per case

step "one carrier through r1 and r2 (three SID formats), and a carrier exhausted into the SRH"
r1c=$(ctrs r1 eth0)
r2c=$(ctrs r2 eth0)
bg_start sink h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" sink $SINK --expect $((K * 4)) --idle 10
bg_ready sink ready
cap_start sent h0 eth0 -Q out ip6 and src "$H0_6"
cap_start r1out r1 eth1 -Q out ip6 and src "$H0_6"
cap_start r2out r2 eth1 -Q out ip6 and src "$H0_6"
sb h0 route add "$H1_6" dev eth0 segs fc00:0:100:200:2:e006::
for c in "${CASES[@]}"; do
	read -r sport c0 _ <<<"$c"
	sb h0 route replace "$H1_6" dev eth0 segs "$c0"
	flows h0 send "$H1_6" $SINK --sport "$sport" --packets $K --tclass 0x28 >/dev/null
done
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:200::,fc00:0:2:e006::
flows h0 send "$H1_6" $SINK --sport $EXHAUSTED --packets $K --tclass 0x28 >/dev/null
bg_wait sink 20 || fail "UDP sink on h1 failed: $(head -c 300 "$KT_TMP/sink.err")"
cap_stop sent
cap_stop r1out
cap_stop r2out
got=$(tail -1 "$KT_TMP/sink.out" | json_eval '" ".join("%s=%d" % (f.split()[1], n) for f, n in sorted(j["flows"].items()))')
assert_eq "datagrams h1 received per source port" "31001=$K 31002=$K 31003=$K 31004=$K" "$got"
for c in "${CASES[@]}"; do
	read -r sport c0 c1 c2 fmt <<<"$c"
	what="carrier $c0 ($fmt)"
	assert_eq "$what: h0 sent" "$K $c0 64 -" "$(tally sent dst,hlim,srh_sl inner_sport="$sport")"
	assert_eq "$what: r1 forwarded" "$K $c1 63 -" "$(tally r1out dst,hlim,srh_sl inner_sport="$sport")"
	assert_eq "$what: r2 forwarded" "$K $c2 62 -" "$(tally r2out dst,hlim,srh_sl inner_sport="$sport")"
	want=$(unchanged sent inner_sport="$sport")
	assert_eq "$what: traffic class 0x28, a flow label, on every packet h0 sent" "$K" \
		"$(pcap_fields sent tclass,flowlabel inner_sport="$sport" | awk '$1 == 40 && $2 > 0' | wc -l)"
	assert_eq "$what: r1's packets but for destination and hop limit" "$want" "$(unchanged r1out inner_sport="$sport")"
	assert_eq "$what: r2's packets but for destination and hop limit" "$want" "$(unchanged r2out inner_sport="$sport")"
	ok "$what: $c0 -> $c1 -> $c2, hop limit 64 -> 63 -> 62, the rest unchanged"
done
what="carrier fc00:0:100:200:: exhausted into the SRH"
assert_eq "$what: h0 sent (destination, hop limit, SL, SRH)" \
	"$K fc00:0:100:200:: 64 1 fc00:0:2:e006::" "$(tally sent dst,hlim,srh_sl,srh_segs inner_sport=$EXHAUSTED)"
assert_eq "$what: r1 shifted, SRH untouched" \
	"$K fc00:0:200:: 63 1 fc00:0:2:e006::" "$(tally r1out dst,hlim,srh_sl,srh_segs inner_sport=$EXHAUSTED)"
assert_eq "$what: r2 (no argument left) took the next SID from the SRH" \
	"$K fc00:0:2:e006:: 62 0 fc00:0:2:e006::" "$(tally r2out dst,hlim,srh_sl,srh_segs inner_sport=$EXHAUSTED)"
want=$(unchanged sent inner_sport=$EXHAUSTED)
assert_eq "$what: r1's packets but for destination and hop limit" "$want" "$(unchanged r1out inner_sport=$EXHAUSTED)"
assert_eq "$what: r2's packets but for destination, hop limit and SL" "$want" "$(unchanged r2out inner_sport=$EXHAUSTED)"
ok "$what: fc00:0:100:200:: -> fc00:0:200:: (SL 1) -> fc00:0:2:e006:: (SL 0)"
hop=0
for cap in sent r1out r2out; do
	want=$(for c in "${CASES[@]}"; do
		read -r sport c0 c1 c2 _ <<<"$c"
		dsts=("$c0" "$c1" "$c2")
		echo "$K $sport ${dsts[hop]} $((64 - hop))"
	done
	dsts=(fc00:0:100:200:: fc00:0:200:: fc00:0:2:e006::)
	sls=(1 1 0)
	echo "$K $EXHAUSTED ${dsts[hop]} $((64 - hop)) ${sls[hop]}")
	assert_eq "$cap as tshark decodes it (count, source port, destination, hop limit, SL)" \
		"$(LC_ALL=C sort <<<"$want")" "$(tshark_hops "$cap")"
	hop=$((hop + 1))
done
ok "tshark agrees on every hop"
assert_eq "r1 eth0 counters (4 x $K shifts)" \
	"end_bytes+$(pcap_fields r1out plen encap=1 | awk '{s += $1 + 40} END {print s}') end_next_csid+$((4 * K))" \
	"$(ctr_delta "$r1c" "$(ctrs r1 eth0)")"
assert_eq "r2 eth0 counters (3 x $K shifts, $K SRH)" \
	"end_bytes+$(pcap_fields r2out plen encap=1 | awk '{s += $1 + 40} END {print s}') end_next_csid+$((3 * K)) end_srh+$K" \
	"$(ctr_delta "$r2c" "$(ctrs r2 eth0)")"
for sid in fc00:0:100::/48 fc00:0:ff00:100::/64 fc00:2:0:100::/64; do
	n=$K
	[[ $sid == fc00:0:100::/48 ]] && n=$((2 * K)) # the exhausted carrier too
	assert_eq "r1 eth0 $sid packets" "$n" "$(sidpk r1 eth0 "$sid")"
done
ok "each router counted each packet once, on the SID it matched"

step "hop limit 1 at r1's End: ICMP Time Exceeded quoting the packet unchanged, nothing forwarded"
nsx r1 sysctl -qw net.ipv6.icmp.ratelimit=0 # every error answered, however fast
sb h0 load eth0 hoplimit 1 2>/dev/null
r1c=$(ctrs r1 eth0)
cap_start hl-sent h0 eth0 -Q out ip6 and src "$H0_6"
cap_start hl-icmp r1 eth0 -Q out icmp6
cap_start hl-fwd r1 eth1 -Q out ip6 and src "$H0_6"
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:200:2:e006::
flows h0 send "$H1_6" $SINK --sport 31011 --packets 3 >/dev/null
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100::,fc00:0:2:e006::
flows h0 send "$H1_6" $SINK --sport 31012 --packets 3 >/dev/null
cap_stop hl-sent
cap_stop hl-icmp
cap_stop hl-fwd
sb h0 load eth0 hoplimit 64 2>/dev/null
assert_eq "h0 sent (destination, hop limit, SL)" "3 fc00:0:100:200:2:e006:: 1 -
3 fc00:0:100:: 1 1" "$(tally hl-sent dst,hlim,srh_sl encap=1)"
assert_eq "r1's ICMPv6 errors (source, destination, type, code, quoted destination, hop limit, SL)" \
	"3 $R1_6A $H0_6 3 0 fc00:0:100:200:2:e006:: 1 -
3 $R1_6A $H0_6 3 0 fc00:0:100:: 1 1" \
	"$(tally hl-icmp src,dst,icmp_type,icmp_code,quote_dst,quote_hlim,quote_sl icmp_type=3)"
assert_eq "quoted packets, byte for byte, vs what h0 sent" \
	"$(pcap_fields hl-sent ip_hex encap=1 | LC_ALL=C sort)" "$(pcap_fields hl-icmp quote_hex icmp_type=3 | LC_ALL=C sort)"
assert_eq "packets from h0 r1 forwarded" "" "$(pcap_fields hl-fwd n)"
assert_eq "r1 eth0 counters" "pass_hop_limit+6" "$(ctr_delta "$r1c" "$(ctrs r1 eth0)")"
ok "6 packets (carrier, SRH) answered with Time Exceeded, quoted unchanged, none forwarded"

step "malformed SRHs at r1's End (argument 0): passed unchanged, counted, never forwarded"
craft() { # craft DA KIND ARGS...: 3 frames from h0 to r1; prints a frame's length
	nsx h0 "$KT_PYTHON" "$KT_LIB_DIR/craft.py" send eth0 "$r1mac" "$h0mac" "$H0_6" "$@" --count 3 |
		awk '{print $(NF - 1)}'
}
SEGS2=fc00:0:200::,fc00:0:2:e006::
BAD=(
	"pass_last_sid|no SRH|plain6"
	"pass_last_sid|an SRH with Segments Left 0|srh6 --segs $SEGS2 --sl 0"
	"pass_bad_srh|routing type 3|srh6 --segs $SEGS2 --rtype 3"
	"pass_bad_srh|Last Entry beyond Hdr Ext Len|srh6 --segs $SEGS2 --le 5"
	"pass_bad_srh|Segments Left > Last Entry + 1|srh6 --segs $SEGS2 --sl 3"
	"pass_bad_srh|Hdr Ext Len beyond the frame|srh6 --segs $SEGS2 --hdrlen 200"
	"pass_bad_srh|the frame cut inside the segment list|srh6 --segs $SEGS2 --cut 24"
	"pass_truncated|the frame cut inside the SRH's first 8 bytes|srh6 --segs $SEGS2 --cut 4"
)
cap_start bad-fwd r1 eth1 -Q out ip6 and src "$H0_6"
cap_start bad-back r1 eth0 -Q out ip6 and src "$H0_6"
# ICMPv6 redirects (137) r1 sends h0: the End route must never name a SID as on-link.
cap_start bad-redirect r1 eth0 -Q out icmp6 and 'ip6[40] == 137'
dport=7100
for b in "${BAD[@]}"; do
	IFS='|' read -r counter what args <<<"$b"
	dport=$((dport + 1))
	before=$(ctrs r1 eth0)
	# shellcheck disable=SC2086 # args is a word list
	craft fc00:0:100:: $args --dport $dport >/dev/null
	assert_eq "r1 eth0 counters after 3 frames with $what" "$counter+3" "$(ctr_delta "$before" "$(ctrs r1 eth0)")"
done
ok "${#BAD[@]} kinds, 3 frames each, each counted once under its reason"

# A carrier naming r1 six times: End shifts at most 4 times per packet in XDP,
# then leaves it to the kernel (which has nowhere to send fc00:0:100:100::).
before=$(ctrs r1 eth0)
len=$(craft fc00:0:100:100:100:100:100:100 plain6 --dport 7150)
assert_eq "r1 eth0 counters after 3 frames naming r1 six times" \
	"end_bytes+$((4 * 3 * (len - 14))) end_next_csid+12" "$(ctr_delta "$before" "$(ctrs r1 eth0)")"
ok "at most 4 passes in XDP per packet"

# End still works afterwards: good SRH frames, then good carriers.
before=$(ctrs r1 eth0)
len=$(craft fc00:0:100:: srh6 --segs fc00:0:2:e006:: --dport 7190)
assert_eq "r1 eth0 counters after 3 good SRH frames" "end_bytes+$((3 * (len - 14))) end_srh+3" \
	"$(ctr_delta "$before" "$(ctrs r1 eth0)")"
before=$(ctrs r1 eth0)
len=$(craft fc00:0:100:200:2:e006:: plain6 --dport 7191)
assert_eq "r1 eth0 counters after 3 good carriers" "end_bytes+$((3 * (len - 14))) end_next_csid+3" \
	"$(ctr_delta "$before" "$(ctrs r1 eth0)")"
cap_stop bad-fwd
cap_stop bad-back
cap_stop bad-redirect
assert_eq "what r1 forwarded to r2: only the good frames, rewritten" \
	"3 fc00:0:200:2:e006:: 63 - 7191
3 fc00:0:2:e006:: 63 0 7190" "$(tally bad-fwd dst,hlim,srh_sl,inner_dport)"
assert_eq "h0's frames r1 sent back out on eth0" "" "$(pcap_fields bad-back dst,inner_dport)"
assert_eq "ICMPv6 redirects r1 sent h0" "" "$(pcap_fields bad-redirect n)"
ok "nothing malformed forwarded or rewritten; End forwards good packets afterwards"
