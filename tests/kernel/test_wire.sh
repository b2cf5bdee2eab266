#!/usr/bin/env bash
# On the wire: the outer header and SRH srv6-bpf writes, compared with the
# kernel's own `encap seg6 mode encap.red` for the same SID lists (1 to 4 SIDs,
# IPv6 and IPv4 inner), plus outer source, hop limit, traffic class and flow
# labels. Captures are taken on r1's eth0 (what h0 sent, before r1 touches it).
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"

step "load defaults: outer source is eth0's global address, hop limit 64"
show=$(sbj h0 show dev eth0)
assert_eq "show src" "$H0_6" "$(json_eval 'j[0]["src"]' <<<"$show")"
assert_eq "show hoplimit" 64 "$(json_eval 'j[0]["hoplimit"]' <<<"$show")"

# SID lists by length; the last SID is h1's decap function for the family.
sids() { # sids N FUNC
	case $1 in
	1) echo "fc00:0:100:2:$2::" ;;
	2) echo "fc00:0:100::,fc00:0:2:$2::" ;;
	3) echo "fc00:0:100::,fc00:0:101::,fc00:0:2:$2::" ;;
	4) echo "fc00:0:100::,fc00:0:101::,fc00:0:102::,fc00:0:2:$2::" ;;
	esac
}

step "srv6-bpf vs kernel encap.red, 1-4 SIDs, IPv6 and IPv4 inner"
cap_start cmp r1 eth0 ip6 and src "$H0_6"
case_no=0
for fam in 6 4; do
	if [[ $fam == 6 ]]; then peer=$H1_6 func=e006 plen=128; else peer=$H1_4 func=e004 plen=32; fi
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(sids "$n" "$func")
		sb h0 route add "$peer" dev eth0 segs "$segs"
		nsx h0 ping -q -c1 -W3 "$peer" >/dev/null ||
			fail "ping $peer over srv6-bpf with segs $segs gets no answer"
		flows h0 send "$peer" $((41000 + case_no * 2)) \
			--sport 30000 --size 100 >/dev/null
		sb h0 route del "$peer" dev eth0
		nip h0 route add "$peer/$plen" encap seg6 mode encap.red segs "$segs" dev eth0
		flows h0 send "$peer" $((41001 + case_no * 2)) \
			--sport 30000 --size 100 >/dev/null
		nip h0 route del "$peer/$plen"
	done
done
cap_stop cmp

outer=src,dst,proto,hlim,tclass,plen,eth_type,srh_hex,inner_ip,inner_dst,inner_proto
case_no=0
for fam in 6 4; do
	if [[ $fam == 6 ]]; then peer=$H1_6 func=e006 nh=41; else peer=$H1_4 func=e004 nh=4; fi
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(sids "$n" "$func")
		ours=$(pcap_fields cmp "$outer" inner_dport=$((41000 + case_no * 2)))
		kern=$(pcap_fields cmp "$outer" inner_dport=$((41001 + case_no * 2)))
		what="IPv$fam inner, $n SID(s) $segs"
		assert_eq "$what: packets from srv6-bpf" 1 "$(grep -c . <<<"$ours" || true)"
		assert_eq "$what: packets from kernel encap.red" 1 "$(grep -c . <<<"$kern" || true)"
		assert_eq "$what: outer header and SRH vs the kernel's" "$kern" "$ours"
		IFS=$'\t' read -r src dst proto _ _ _ etype srh inner_ip inner_dst _ <<<"$ours"
		assert_eq "$what: outer destination" "${segs%%,*}" "$dst"
		assert_eq "$what: outer source" "$H0_6" "$src"
		assert_eq "$what: Ethernet type" 0x86dd "$etype"
		assert_eq "$what: inner family" "$fam" "$inner_ip"
		assert_eq "$what: inner destination" "$peer" "$inner_dst"
		if ((n == 1)); then
			assert_eq "$what: outer next header (no SRH)" "$nh" "$proto"
			assert_eq "$what: SRH" - "$srh"
		else
			assert_eq "$what: outer next header (SRH)" 43 "$proto"
			# The SRH lists the SIDs after the first, last one first.
			want=$(tr ',' '\n' <<<"${segs#*,}" | tac | paste -sd,)
			got=$(pcap_fields cmp srh_segs,srh_sl,srh_le,srh_nh inner_dport=$((41000 + case_no * 2)))
			assert_eq "$what: SRH segments, SL, last entry, next header" \
				"$want	$((n - 1))	$((n - 2))	$nh" "$got"
		fi
		ok "$what: identical to encap.red (flow label aside)"
	done
done

step "hop limit and traffic class: outer hop limit 64 whatever the inner one, tclass copied"
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 segs "fc00:0:100::,$SID4_H1"
cap_start tc r1 eth0 ip6 and src "$H0_6"
nsx h0 ping -q -c2 -i0.2 -W3 -t 9 -Q 0x28 "$H1_6" >/dev/null || fail "ping -6 -Q 0x28 failed"
nsx h0 ping -q -c2 -i0.2 -W3 -t 9 -Q 0xb8 "$H1_4" >/dev/null || fail "ping -4 -Q 0xb8 failed"
flows h0 send "$H1_6" 42000 --tclass 0x04 --hlim 200 >/dev/null
flows h0 send "$H1_4" 42000 --tclass 0x10 --hlim 3 >/dev/null
cap_stop tc
got=$(pcap_fields tc inner_proto,hlim,tclass,inner_hlim,inner_tclass inner_dst="$H1_6" | sort -u)
assert_eq "IPv6 inner: proto, outer hlim, outer tclass, inner hlim, inner tclass" \
	"17	64	4	200	4
58	64	40	9	40" "$got"
got=$(pcap_fields tc inner_proto,hlim,tclass,inner_hlim,inner_tclass inner_dst="$H1_4" | sort -u)
assert_eq "IPv4 inner: proto, outer hlim, outer tclass, inner TTL, inner TOS" \
	"1	64	184	9	184
17	64	16	3	16" "$got"
ok "outer hop limit 64, traffic class = inner tclass/TOS"

step "load again with hoplimit 7 and src: the running datapath takes both"
addr h0 eth0 2001:db8:1::abc/64
sb h0 load eth0 hoplimit 7 src 2001:db8:1::abc 2>/dev/null
cap_start hl r1 eth0 ip6 and dst "$SID6_1"
nsx h0 ping -q -c1 -W3 "$H1_6" >/dev/null || fail "ping with hoplimit 7 failed"
cap_stop hl
assert_eq "outer src and hop limit after reload" "2001:db8:1::abc	7" \
	"$(pcap_fields hl src,hlim inner_dst="$H1_6" | sort -u)"
ok "hoplimit 7 and src 2001:db8:1::abc on the wire"

step "fresh load with src and hoplimit; default src is the first global address"
sb h0 unload eth0
sb h0 load eth0 src 2001:db8:1::beef hoplimit 9
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
cap_start fresh r1 eth0 ip6 and dst "$SID6_1"
nsx h0 ping -q -c1 -W3 "$H1_6" >/dev/null || fail "ping after a fresh load with src failed"
cap_stop fresh
assert_eq "outer src and hop limit after a fresh load" "2001:db8:1::beef	9" \
	"$(pcap_fields fresh src,hlim inner_dst="$H1_6" | sort -u)"
sb h0 unload eth0
sb h0 load eth0
first=$(nip h0 -j -6 addr show dev eth0 scope global | json_eval 'j[0]["addr_info"][0]["local"]')
assert_eq "default src with two global addresses" "$first" \
	"$(sbj h0 show dev eth0 | json_eval 'j[0]["src"]')"
ok "src/hoplimit at load; default src $first"

step "flow labels: one per flow, different across flows"
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 segs "$SID4_1"
cap_start fl r1 eth0 ip6 and src "$first"
for peer in "$H1_6" "$H1_4"; do
	flows h0 send "$peer" 43000 --sport 31000 --flows 40 \
		--packets 3 >/dev/null
done
nsx h0 ping -q -c5 -i0.05 -W3 "$H1_6" >/dev/null || fail "ping failed"
cap_stop fl
for peer in "$H1_6" "$H1_4"; do
	pairs=$(pcap_fields fl inner_sport,flowlabel inner_dst="$peer" inner_proto=17 | sort -u)
	assert_eq "IPv$([[ $peer == *:* ]] && echo 6 || echo 4) UDP packets captured" 120 \
		"$(pcap_fields fl n inner_dst="$peer" inner_proto=17 | wc -l)"
	assert_eq "flows seen" 40 "$(cut -f1 <<<"$pairs" | sort -u | wc -l)"
	assert_eq "flow label pairs (one label per flow)" 40 "$(wc -l <<<"$pairs")"
	distinct=$(cut -f2 <<<"$pairs" | sort -u | wc -l)
	# 40 random 20-bit labels collide with probability < 0.1%: allow one collision.
	assert_ge "distinct flow labels over 40 flows to $peer" 39 "$distinct"
	ok "$peer: 40 flows, each with one label, $distinct distinct labels"
done
assert_eq "ping flow label constant" 1 \
	"$(pcap_fields fl flowlabel inner_dst="$H1_6" inner_proto=58 | sort -u | wc -l)"
ok "ping (3-tuple flow) keeps one label"
