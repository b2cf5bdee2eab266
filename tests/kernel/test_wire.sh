#!/usr/bin/env bash
# On the wire: srv6-bpf's H.Encaps.Red for 1 to 4 SIDs, IPv6 and IPv4 inner,
# decoded by two SRv6 implementations that owe nothing to srv6-bpf (tshark's
# routing header dissector and scapy's IPv6ExtHdrSegmentRouting, in
# tests/lib/srh_scapy.py) and held to what RFC 8986 5.2 and RFC 8754 say the
# bytes must be, with the SRH's bytes built by scapy from the SID list; then
# outer source, hop limit, traffic class and flow labels.
# test_wire_kernel.sh compares with the kernel's encap.red where it has seg6.
# Captures are taken on h0's eth0, whose egress tap runs after TC egress: what
# h0 sent, before r1 (whose End may run in XDP, ahead of its own taps) rewrites it.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
# shellcheck source=tests/lib/wire.sh
. "$KT_LIB_DIR/wire.sh"
lab_init
command -v tshark >/dev/null || fail "tshark not found (make deps installs it)"
SCAPY_PYTHON=/usr/bin/python3 # Debian's python3-scapy imports only here
"$SCAPY_PYTHON" -c 'import scapy.layers.inet6' 2>/dev/null ||
	fail "$SCAPY_PYTHON cannot import scapy (make deps installs python3-scapy)"
lab_line
lab_load
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"

step "load defaults: outer source is eth0's global address, hop limit 64"
show=$(sbj h0 show dev eth0)
assert_eq "show src" "$H0_6" "$(json_eval 'j[0]["src"]' <<<"$show")"
assert_eq "show hoplimit" 64 "$(json_eval 'j[0]["hoplimit"]' <<<"$show")"

# One record per packet, the same fields from every source, "-" for absent;
# flowlabel is not predictable (a hash): the decoders must agree on it.
FIELDS=(eth_type src dst nh plen hlim tclass flowlabel srh_nh srh_len srh_type srh_sl srh_le
	srh_flags srh_tag srh_segs inner_ip inner_src inner_dst inner_proto inner_len inner_dport payload)
for i in "${!FIELDS[@]}"; do [[ ${FIELDS[i]} == flowlabel ]] && FLOWLABEL_COL=$((i + 1)); done
SIZE=64 # UDP payload: 4 SIDs and an IPv6 inner packet fit tcpdump's 256-byte snap
BASE_PORT=41000

# rfc_record FAM N SEGS DPORT: the record RFC 8986 5.2 (H.Encaps.Red) and RFC
# 8754 ask for, from the SID list and the datagram alone. Outer DA = first SID;
# one SID: no SRH, next header 41/4; n SIDs: next header 43 and a reduced SRH
# (RFC 8754 4.1.1) holding the other n-1 SIDs last-first, Hdr Ext Len 2(n-1),
# Segments Left n-1, Last Entry n-2; payload length = inner packet + SRH.
rfc_record() {
	local fam=$1 n=$2 segs=$3 dport=$4 inner_nh inner_src inner_dst inner_len inner_bytes payload
	local -a srh=(- - - - - - - -) rec
	if [[ $fam == 6 ]]; then
		inner_nh=41 inner_src=$H0_6 inner_dst=$H1_6
		inner_len=$((8 + SIZE)) inner_bytes=$((40 + 8 + SIZE)) # payload length, whole packet
	else
		inner_nh=4 inner_src=$H0_4 inner_dst=$H1_4
		inner_len=$((20 + 8 + SIZE)) inner_bytes=$inner_len # total length
	fi
	local outer_nh=$inner_nh srh_bytes=0
	if ((n > 1)); then
		outer_nh=43 srh_bytes=$((8 + 16 * (n - 1)))
		srh=("$inner_nh" $((2 * (n - 1))) 4 $((n - 1)) $((n - 2)) 0 0
			"$(tr ',' '\n' <<<"${segs#*,}" | tac | paste -sd,)")
	fi
	printf -v payload '%*s' "$SIZE" ''
	rec=(0x86dd "$H0_6" "${segs%%,*}" "$outer_nh" $((inner_bytes + srh_bytes)) 64 0 '*'
		"${srh[@]}" "$fam" "$inner_src" "$inner_dst" 17 "$inner_len" "$dport" "${payload// /5a}")
	(
		IFS=$'\t'
		echo "${rec[*]}"
	)
}

# record_eq WHAT EXPECTED ACTUAL: two records agree field by field ("*"
# expected: anything); a difference fails naming the field.
record_eq() {
	local what=$1 i
	local -a expected actual
	IFS=$'\t' read -r -a expected <<<"$2"
	IFS=$'\t' read -r -a actual <<<"$3"
	assert_eq "$what: fields" "${#FIELDS[@]}" "${#actual[@]}"
	for i in "${!FIELDS[@]}"; do
		[[ ${expected[i]} == '*' ]] && continue
		assert_eq "$what: ${FIELDS[i]}" "${expected[i]}" "${actual[i]}"
	done
}

# TSHARK_FIELDS: what tshark prints per packet (every occurrence, comma-separated:
# ipv6.* twice for an IPv6 inner packet) and tshark_record turns into a record.
TSHARK_FIELDS=(frame.number udp.dstport eth.type ipv6.src ipv6.dst ipv6.nxt ipv6.plen ipv6.hlim
	ipv6.tclass ipv6.flow ipv6.routing.nxt ipv6.routing.len ipv6.routing.type ipv6.routing.segleft
	ipv6.routing.srh.last_entry ipv6.routing.srh.flags ipv6.routing.srh.tag ipv6.routing.srh.addr
	ip.src ip.dst ip.proto ip.len data.data _ws.expert.message)

# tshark_fields PCAP: TSHARK_FIELDS per packet, '|'-separated (keeps empty
# fields). tshark runs as nobody with an empty environment and the file on
# stdin ($KT_TMP is root's): no root warning, no one's preferences.
tshark_fields() {
	local args=() f rc=0
	for f in "${TSHARK_FIELDS[@]}"; do args+=(-e "$f"); done
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		env -i PATH="$PATH" HOME=/nonexistent \
		tshark -n -r - -T fields -E separator='|' "${args[@]}" <"$1" 2>"$KT_TMP/tshark.err" || rc=$?
	((rc == 0)) || fail "tshark -r $1 exited $rc: $(head -1 "$KT_TMP/tshark.err")"
}

# num TEXT: a number tshark prints in hex (0x28; a tag's bytes as 0000) in
# decimal; "-" when empty; anything else as it is, for the comparison to show.
num() {
	if [[ -z $1 ]]; then
		echo -
	elif [[ $1 =~ ^0x[0-9a-fA-F]+$ ]]; then
		echo $(($1))
	elif [[ $1 =~ ^[0-9a-fA-F]{4}$ ]]; then
		echo $((16#$1))
	else
		echo "$1"
	fi
}

# tshark_record LINE: one line of tshark_fields as the packet number, a record
# of FIELDS (outer header = the first ipv6.* occurrence, an IPv6 inner packet =
# the second) and what tshark's expert info finds wrong ("-": nothing).
tshark_record() {
	local -a f rec inner
	IFS='|' read -r -a f <<<"$1"
	while ((${#f[@]} < ${#TSHARK_FIELDS[@]})); do f+=(""); done # read drops empty last fields
	local src=${f[3]} dst=${f[4]} nxt=${f[5]} plen=${f[6]} hlim=${f[7]%%,*}
	rec=("${f[0]}" "${f[2]:--}" "${src%%,*}" "${dst%%,*}" "${nxt%%,*}" "${plen%%,*}"
		"${hlim:--}" "$(num "${f[8]%%,*}")" "$(num "${f[9]%%,*}")"
		"${f[10]:--}" "${f[11]:--}" "${f[12]:--}" "${f[13]:--}" "${f[14]:--}"
		"$(num "${f[15]}")" "$(num "${f[16]}")" "${f[17]:--}")
	if [[ -n ${f[18]} ]]; then
		inner=(4 "${f[18]}" "${f[19]}" "${f[20]}" "${f[21]}")
	elif [[ $src == *,* ]]; then
		inner=(6 "${src#*,}" "${dst#*,}" "${nxt#*,}" "${plen#*,}")
	else
		inner=(- - - - -)
	fi
	rec+=("${inner[@]}" "${f[1]:--}" "${f[22]:--}" "${f[23]:--}")
	(
		IFS=$'\t'
		echo "${rec[*]}"
	)
}

# pick N FILE: the rest of FILE's line for packet number N.
pick() {
	awk -F'\t' -v n="$1" '$1 == n' "$2" | cut -f2-
}

step "srv6-bpf's H.Encaps.Red, 1-4 SIDs, IPv6 and IPv4 inner, as tshark and scapy decode it"
# One datagram per case, nothing else (ND is ICMPv6; encapsulated packets are
# not): packet number k of the capture is case k, whatever its headers hold.
CASES=8
cap_start encap h0 eth0 ip6 and src "$H0_6" and not icmp6
case_no=0
for fam in 6 4; do
	wire_family "$fam"
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(wire_sids "$n" "$func")
		sb h0 route add "$peer" dev eth0 segs "$segs"
		flows h0 send "$peer" $((BASE_PORT + case_no)) --sport 30000 --size "$SIZE" >/dev/null
		sb h0 route del "$peer" dev eth0
	done
done
cap_stop encap

# Each decoder once over the whole capture, then the expected SRHs' bytes.
pcap=$(pcap_file encap)
tshark_fields "$pcap" >"$KT_TMP/encap.tshark"
while IFS= read -r line; do
	tshark_record "$line"
done <"$KT_TMP/encap.tshark" >"$KT_TMP/encap.tshark.rec"
fields=$(
	IFS=,
	echo "n,${FIELDS[*]}"
)
"$SCAPY_PYTHON" "$KT_LIB_DIR/srh_scapy.py" fields "$pcap" "$fields" >"$KT_TMP/encap.scapy.rec"
"$SCAPY_PYTHON" "$KT_LIB_DIR/srh_scapy.py" fields "$pcap" n,srh_hex >"$KT_TMP/encap.scapy.hex"
assert_eq "packets captured, as tshark counts them" "$CASES" "$(wc -l <"$KT_TMP/encap.tshark.rec")"
assert_eq "packets captured, as scapy counts them" "$CASES" "$(wc -l <"$KT_TMP/encap.scapy.rec")"
declare -A srh_built=() # FAM-N: the SRH's hex, "-" for none
for fam in 6 4; do
	wire_family "$fam"
	lists=()
	for n in 1 2 3 4; do lists+=("$(wire_sids "$n" "$func")"); done
	built=$("$SCAPY_PYTHON" "$KT_LIB_DIR/srh_scapy.py" srh "$nh" "${lists[@]}")
	n=0
	while IFS= read -r hex; do
		n=$((n + 1))
		srh_built[$fam-$n]=$hex
	done <<<"$built"
done

case_no=0
for fam in 6 4; do
	wire_family "$fam"
	for n in 1 2 3 4; do
		case_no=$((case_no + 1))
		segs=$(wire_sids "$n" "$func")
		what="IPv$fam inner, segs [$segs]"
		want=$(rfc_record "$fam" "$n" "$segs" $((BASE_PORT + case_no)))
		by_tshark=$(pick "$case_no" "$KT_TMP/encap.tshark.rec")
		by_scapy=$(pick "$case_no" "$KT_TMP/encap.scapy.rec")
		record_eq "$what: tshark" "$want" "$(cut -f1-${#FIELDS[@]} <<<"$by_tshark")"
		record_eq "$what: scapy" "$want" "$by_scapy"
		assert_eq "$what: what tshark finds wrong" - "$(cut -f$((${#FIELDS[@]} + 1)) <<<"$by_tshark")"
		# Both read the same 20 bits, which come from the flow's hash.
		assert_eq "$what: flow label, tshark vs scapy" "$(cut -f"$FLOWLABEL_COL" <<<"$by_tshark")" \
			"$(cut -f"$FLOWLABEL_COL" <<<"$by_scapy")"
		built=${srh_built[$fam-$n]}
		assert_eq "$what: SRH bytes on the wire (scapy) vs built by scapy from the SIDs" \
			"$built" "$(pick "$case_no" "$KT_TMP/encap.scapy.hex")"
		assert_eq "$what: SRH bytes on the wire (pcap.py) vs built by scapy from the SIDs" \
			"$built" "$(pcap_fields encap srh_hex n="$case_no")"
		sb h0 route add "$peer" dev eth0 segs "$segs"
		nsx h0 ping -q -c1 -W3 "$peer" >/dev/null || fail "$what: ping $peer over it gets no answer"
		sb h0 route del "$peer" dev eth0
		ok "$what: as RFC 8986 5.2 says, by tshark and scapy; h1 answers"
	done
done

step "hop limit and traffic class: outer hop limit 64 whatever the inner one, tclass copied"
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 segs "fc00:0:100::,$SID4_H1"
cap_start tc h0 eth0 ip6 and src "$H0_6"
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
cap_start hl h0 eth0 ip6 and dst "$SID6_1"
nsx h0 ping -q -c1 -W3 "$H1_6" >/dev/null || fail "ping with hoplimit 7 failed"
cap_stop hl
assert_eq "outer src and hop limit after reload" "2001:db8:1::abc	7" \
	"$(pcap_fields hl src,hlim inner_dst="$H1_6" | sort -u)"
ok "hoplimit 7 and src 2001:db8:1::abc on the wire"

step "fresh load with src and hoplimit; default src is the first global address"
sb h0 unload eth0
sb h0 load eth0 src 2001:db8:1::beef hoplimit 9
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
cap_start fresh h0 eth0 ip6 and dst "$SID6_1"
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
cap_start fl h0 eth0 ip6 and src "$first"
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
