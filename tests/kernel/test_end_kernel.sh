#!/usr/bin/env bash
# srv6-bpf's End against the kernel's, byte for byte on the wire. The same
# hand-made frames go from h0 through r1 twice: first with the kernel's
# seg6local End (flavors next-csid lblen 32 nflen 16, and lblen 48 nflen 16 for
# fc00:0:ff00:100::/64), then with srv6-bpf's End SIDs in their place. What r1
# forwards to h1 (its eth1 egress) must be the same bytes both times, from the
# IPv6 header on: the destination after a shift, the hop limit, Segments Left
# and the destination after a carrier is exhausted into the SRH, the payload.
# Frames: one carrier; argument 0 with an SRH; a carrier shifting onto r1's
# next uN and then into the SRH; two SRH entries on r1; hop limit 2 (leaves
# with 1) with a carrier and with an SRH; a 48-bit block. Needs the kernel's
# seg6local with next-csid (CONFIG_IPV6_SEG6_LWTUNNEL), else SKIP.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
rc=0
kernel_has seg6local_next_csid || rc=$?
case $rc in
0) ;;
1)
	echo "SKIP end_kernel: needs the kernel's seg6local End with next-csid (CONFIG_IPV6_SEG6_LWTUNNEL) to compare against"
	exit 77
	;;
*) fail "srv6-bpf check cannot tell whether the kernel has seg6local next-csid (see the line above)" ;;
esac

# FRAMES: "DPORT|WHAT|DA KIND ARGS|after r1: DA HLIM SL" (SL "-": no SRH). Every
# frame carries traffic class 0x28 and flow label 0xabcde, which End keeps.
H1_SID=fc00:0:2:e006::
FRAMES=(
	"7201|one carrier|fc00:0:100:2:e006:: plain6|$H1_SID 63 -"
	"7202|argument 0, SRH with SL 1|fc00:0:100:: srh6 --segs $H1_SID|$H1_SID 63 0"
	"7203|carrier onto r1's next uN, then the SRH|fc00:0:100:101:: srh6 --segs $H1_SID|$H1_SID 63 0"
	"7204|two SRH entries on r1|fc00:0:100:: srh6 --segs fc00:0:101::,$H1_SID|$H1_SID 63 0"
	"7205|one carrier, hop limit 2|fc00:0:100:2:e006:: plain6 --hlim 2|$H1_SID 1 -"
	"7206|argument 0, SRH, hop limit 2|fc00:0:100:: srh6 --segs $H1_SID --hlim 2|$H1_SID 1 0"
	"7207|one carrier, 48-bit block|fc00:0:ff00:100:2:e006:: plain6|fc00:0:ff00:2:e006:: 63 -"
)

# send_frames NAME: send every frame once from h0 to r1 (raw, r1's MAC) and
# capture what h0 sent ($NAME-sent) and what r1 forwarded to h1 ($NAME).
send_frames() {
	local f dport args
	cap_start "$1-sent" h0 eth0 -Q out ip6 and src "$H0_6"
	cap_start "$1" r1 eth1 -Q out ip6 and src "$H0_6"
	for f in "${FRAMES[@]}"; do
		IFS='|' read -r dport _ args _ <<<"$f"
		# shellcheck disable=SC2086 # args is a word list
		nsx h0 "$KT_PYTHON" "$KT_LIB_DIR/craft.py" send eth0 "$R1MAC" "$H0MAC" "$H0_6" $args \
			--dport "$dport" --tclass 0x28 --flowlabel 0xabcde >/dev/null
	done
	cap_stop "$1-sent"
	cap_stop "$1"
}

# check_frames NAME: each frame left r1 once, as FRAMES says, and but for
# destination, hop limit and SL as h0 sent it.
check_frames() {
	local f dport what after got
	for f in "${FRAMES[@]}"; do
		IFS='|' read -r dport what _ after <<<"$f"
		got=$(pcap_fields "$1" dst,hlim,srh_sl inner_dport="$dport" | tr '\t' ' ')
		assert_eq "$1: $what: r1 forwarded (destination, hop limit, SL)" "$after" "$got"
		assert_eq "$1: $what: but for destination, hop limit and SL, what h0 sent" \
			"$(pcap_fields "$1-sent" src,tclass,flowlabel,plen,proto,srh_segs,srh_le,inner_hex inner_dport="$dport")" \
			"$(pcap_fields "$1" src,tclass,flowlabel,plen,proto,srh_segs,srh_le,inner_hex inner_dport="$dport")"
	done
}

LAB_ROUTER=kernel # r1 starts with the kernel's End (and the hosts with its decapsulation)
lab_line
H0MAC=$(mac_of h0 eth0)
R1MAC=$(mac_of r1 eth0)
route r1 fc00:0:ff00:100::/64 encap seg6local action End flavors next-csid lblen 48 nflen 16 dev eth0
route r1 fc00:0:ff00::/48 via "$H1_6"
SIDS="fc00:0:100::/48 fc00:0:101::/48 fc00:0:102::/48 fc00:0:ff00:100::/64"

step "the kernel's End on r1"
assert_eq "r1's seg6local End routes" "$SIDS" \
	"$(nip r1 -6 route show | awk '/seg6local/ && /action End / && /next-csid/ {print $1}' | LC_ALL=C sort | paste -sd' ')"
assert_eq "r1 has no XDP program" "" "$(nip r1 link show | grep -o 'xdp[a-z]*' || true)"
send_frames kernel
check_frames kernel
ok "${#FRAMES[@]} frames through the kernel's End"

step "srv6-bpf's End on r1 in its place"
for p in $SIDS; do nip r1 -6 route del "$p"; done
assert_eq "seg6local routes left on r1" "" "$(nip r1 -6 route show | grep seg6local || true)"
LAB_ROUTER_MODE=bpf
lab_router_end r1 fc00:0:100::/48 fc00:0:101::/48 fc00:0:102::/48
for dev in eth0 eth1; do sb r1 sid add fc00:0:ff00:100::/64 dev "$dev" action end lblen 48 nflen 16; done
ctr() { sbj r1 stats dev eth0 | json_eval "j[0]['decap_counters']['$1']"; }
csid0=$(ctr end_next_csid)
srh0=$(ctr end_srh)
send_frames bpf
check_frames bpf
# Shifts: 7201, 7203, 7205, 7207; SRH entries: 7202, 7203, 7204 (two), 7206.
assert_eq "r1 eth0 end_next_csid, end_srh" "$((csid0 + 4)) $((srh0 + 5))" "$(ctr end_next_csid) $(ctr end_srh)"
ok "${#FRAMES[@]} frames through srv6-bpf's End"

step "byte for byte: what r1 forwarded, the kernel's End vs srv6-bpf's"
for f in "${FRAMES[@]}"; do
	IFS='|' read -r dport what _ _ <<<"$f"
	kern=$(pcap_fields kernel ip_hex inner_dport="$dport")
	ours=$(pcap_fields bpf ip_hex inner_dport="$dport")
	assert_eq "$what: packets from the kernel's End" 1 "$(grep -c . <<<"$kern" || true)"
	assert_eq "$what: srv6-bpf's bytes vs the kernel's" "$kern" "$ours"
	ok "$what: identical"
done
