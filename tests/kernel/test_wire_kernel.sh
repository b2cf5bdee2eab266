#!/usr/bin/env bash
# On the wire, against the kernel: the outer header and SRH srv6-bpf writes are
# the kernel's own `encap seg6 mode encap.red` for the same SID lists (1 to 4
# SIDs, IPv6 and IPv4 inner), flow label aside. Needs the kernel's seg6 routes;
# test_wire.sh checks the same packets against RFC 8986 with tshark and scapy
# on any kernel. Captures are taken on h0's eth0, whose egress tap runs after
# TC egress: what h0 sent, before r1 (whose End may run in XDP) rewrites it.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
# shellcheck source=tests/lib/wire.sh
. "$KT_LIB_DIR/wire.sh"
lab_init
skip_unless seg6_routes \
	"needs the kernel's seg6 routes (CONFIG_IPV6_SEG6_LWTUNNEL) to compare with encap.red"
lab_line
lab_load
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"

step "srv6-bpf vs kernel encap.red, 1-4 SIDs, IPv6 and IPv4 inner"
cap_start cmp h0 eth0 ip6 and src "$H0_6"
case_no=0
for fam in 6 4; do
	wire_family "$fam"
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(wire_sids "$n" "$func")
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
	wire_family "$fam"
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(wire_sids "$n" "$func")
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
