# shellcheck shell=bash
# srv6lab.sh: the srv6-bpf kernel tests' lab on top of netns.sh.
#
#   h0 eth0 ---- eth0 r1 eth1 ---- eth0 h1
#
#   h0   2001:db8:1::1/64   192.0.2.1/24      decap fc00:0:1:e006::/64 End.DT6 table 255
#                                                   fc00:0:1:e004::/64 End.DX4 nh4 192.0.2.1
#   r1   2001:db8:1::ff     192.0.2.254       uN fc00:0:100::/48, fc00:0:101::/48, fc00:0:102::/48:
#        2001:db8:2::ff     198.51.100.254       End flavors next-csid lblen 32 nflen 16
#                                                fc00:0:1::/48 via h0, fc00:0:2::/48 via h1
#   h1   2001:db8:2::2/64   198.51.100.2/24   decap fc00:0:2:e006::/64, fc00:0:2:e004::/64
#
# Plain routing works both ways (r1 forwards IPv4 and IPv6), so a peer without
# an srv6-bpf route is reached unencapsulated. SIDs h0 uses towards h1:
#   $SID6_1 one micro-SID carrier (r1, then h1's End.DT6): no SRH
#   fc00:0:100::,fc00:0:101::,fc00:0:102:: visit r1's three uNs with plain End
#   (next C-SID empty), each consuming one SRH entry.
# Public: lab_init, lab_line, lab_load, lab_no_kernel_decap, lab_peers_default,
# expect_one_error, sb, sbj, and $SRV6_BPF, $BPFFS.

# The constants below are for the tests that source this file.
# shellcheck disable=SC2034
# shellcheck source=tests/lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

KT_ROOT=$(cd "$KT_LIB_DIR/../.." && pwd)
SRV6_BPF=${SRV6_BPF:-$KT_ROOT/build/srv6-bpf}

# Addresses and SIDs of the lab, for the tests that source this file.
H0_6=2001:db8:1::1
H1_6=2001:db8:2::2
H0_4=192.0.2.1
H1_4=198.51.100.2
R1_6A=2001:db8:1::ff
SID6_1=fc00:0:100:2:e006::  # r1 uN + h1 End.DT6 in one carrier
SID4_1=fc00:0:100:2:e004::  # r1 uN + h1 End.DX4
SID6_H1=fc00:0:2:e006::     # h1 End.DT6 alone
SID4_H1=fc00:0:2:e004::
SIDB6_1=fc00:0:100:1:e006:: # h1 -> h0
SIDB4_1=fc00:0:100:1:e004::

# lab_init: kt_init, check the binary, mount a bpffs ($BPFFS).
lab_init() {
	kt_init
	[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
	bpffs_mount BPFFS
}

# sb NS ARGS...: srv6-bpf in namespace NS with the test's bpffs.
sb() {
	local n=$1
	shift
	nsx "$n" "$SRV6_BPF" --bpffs "$BPFFS" "$@"
}

# sbj NS ARGS...: srv6-bpf -j in namespace NS.
sbj() {
	local n=$1
	shift
	nsx "$n" "$SRV6_BPF" --bpffs "$BPFFS" -j "$@"
}

# lab_line: build h0 -- r1 -- h1 as drawn above.
lab_line() {
	ns_add h0 r1 h1
	veth h0 eth0 r1 eth0
	veth h1 eth0 r1 eth1
	addr h0 eth0 "$H0_6/64" "$H0_4/24"
	addr h1 eth0 "$H1_6/64" "$H1_4/24"
	addr r1 eth0 "$R1_6A/64" 192.0.2.254/24
	addr r1 eth1 2001:db8:2::ff/64 198.51.100.254/24
	forwarding r1
	route h0 default via "$R1_6A"
	route h0 default via 192.0.2.254
	route h1 default via 2001:db8:2::ff
	route h1 default via 198.51.100.254
	local un
	for un in 100 101 102; do
		route r1 "fc00:0:$un::/48" encap seg6local action End flavors next-csid \
			lblen 32 nflen 16 dev eth0
	done
	route r1 fc00:0:1::/48 via "$H0_6"
	route r1 fc00:0:2::/48 via "$H1_6"
	route h1 fc00:0:2:e006::/64 encap seg6local action End.DT6 table 255 dev eth0
	route h1 fc00:0:2:e004::/64 encap seg6local action End.DX4 nh4 "$H1_4" dev eth0
	route h0 fc00:0:1:e006::/64 encap seg6local action End.DT6 table 255 dev eth0
	route h0 fc00:0:1:e004::/64 encap seg6local action End.DX4 nh4 "$H0_4" dev eth0
	local n
	for n in h0 h1; do
		nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	# Resolve the neighbours once, so no test's first packet waits for ND/ARP.
	nsx h0 ping -q -c1 -W2 "$H1_6" >/dev/null || fail "lab: h0 cannot reach h1 over IPv6"
	nsx h0 ping -q -c1 -W2 "$H1_4" >/dev/null || fail "lab: h0 cannot reach h1 over IPv4"
}

# lab_no_kernel_decap: remove the hosts' hand-written seg6local decap routes
# (End.DT6, End.DX4), for tests where srv6-bpf decapsulates.
lab_no_kernel_decap() {
	nip h0 -6 route del fc00:0:1:e006::/64
	nip h0 -6 route del fc00:0:1:e004::/64
	nip h1 -6 route del fc00:0:2:e006::/64
	nip h1 -6 route del fc00:0:2:e004::/64
}

# expect_one_error WHAT ERE CMD...: CMD fails with one line on stderr matching ERE.
expect_one_error() {
	local what=$1 pattern=$2 out rc=0
	shift 2
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	((rc != 0)) || fail "$what: succeeded, expected an error"
	assert_eq "$what: lines of error" 1 "$(grep -c . <<<"$out")"
	assert_match "$what: message" "$pattern" "$out"
}

# lab_load: load srv6-bpf on h0's and h1's eth0.
lab_load() {
	sb h0 load eth0 >/dev/null
	sb h1 load eth0 >/dev/null
}

# lab_peers_default: one-SID routes both ways for both families, so every
# packet between h0 and h1 is encapsulated in both directions.
lab_peers_default() {
	sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
	sb h0 route add "$H1_4" dev eth0 segs "$SID4_1"
	sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
	sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"
}

# path_packets NS PEER [PATH]: packets counted on a peer's path (default 0).
path_packets() {
	sbj "$1" route show | json_eval "sum(p['paths'][${3:-0}]['packets'] for p in j if p['peer'] == '$2')"
}

# path_bytes NS PEER [PATH]
path_bytes() {
	sbj "$1" route show | json_eval "sum(p['paths'][${3:-0}]['bytes'] for p in j if p['peer'] == '$2')"
}

# encap_counter NS NAME: a named datapath counter of eth0 (srv6-bpf -j stats).
encap_counter() {
	sbj "$1" stats dev eth0 | json_eval "j[0]['counters']['$2']"
}

# flows NS ARGS...: tests/lib/flows.py (send or sink) in namespace NS.
flows() {
	local n=$1
	shift
	nsx "$n" "$KT_PYTHON" "$KT_LIB_DIR/flows.py" "$@"
}
