# shellcheck shell=bash
# srv6lab.sh: the srv6-bpf kernel tests' lab on top of netns.sh.
#
#   h0 eth0 ---- eth0 r1 eth1 ---- eth0 h1
#
#   h0   2001:db8:1::1/64   192.0.2.1/24      decap fc00:0:1:e006::/64 End.DT6 table 255
#                                                   fc00:0:1:e004::/64 End.DX4 nh4 192.0.2.1
#                                             (or srv6-bpf decap6/decap4 SIDs: lab_host_decap)
#   r1   2001:db8:1::ff     192.0.2.254       uN fc00:0:100::/48, fc00:0:101::/48, fc00:0:102::/48:
#        2001:db8:2::ff     198.51.100.254       End flavors next-csid lblen 32 nflen 16
#                                                (the kernel's, or srv6-bpf's: lab_router_end)
#                                                fc00:0:1::/48 via h0, fc00:0:2::/48 via h1
#   h1   2001:db8:2::2/64   198.51.100.2/24   decap fc00:0:2:e006::/64, fc00:0:2:e004::/64
#
# Plain routing works both ways (r1 forwards IPv4 and IPv6), so a peer without
# an srv6-bpf route is reached unencapsulated. SIDs h0 uses towards h1:
#   $SID6_1 one micro-SID carrier (r1, then h1's End.DT6): no SRH
#   fc00:0:100::,fc00:0:101::,fc00:0:102:: visit r1's three uNs with plain End
#   (next C-SID empty), each consuming one SRH entry.
# Public: lab_init, lab_line, lab_load, lab_router_end, lab_host_decap,
# fabric_host_decap, lab_no_kernel_decap, lab_peers_default, tally, unchanged,
# expect_one_error, sb, sbj, and $SRV6_BPF, $BPFFS.

# The constants below are for the tests that source this file.
# shellcheck disable=SC2034
# shellcheck source=tests/lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
# shellcheck source=tests/lib/features.sh
. "$KT_LIB_DIR/features.sh"

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

# pin_ns_dir NS: where srv6-bpf pins the datapaths of namespace NS in $BPFFS.
pin_ns_dir() {
	echo "$BPFFS/srv6-bpf/netns-$(nsx "$1" stat -L -c %i /proc/self/ns/net)"
}

# sbj NS ARGS...: srv6-bpf -j in namespace NS.
sbj() {
	local n=$1
	shift
	nsx "$n" "$SRV6_BPF" --bpffs "$BPFFS" -j "$@"
}

# Who shifts micro-SIDs on the routers: LAB_ROUTER=kernel (seg6local End
# flavors next-csid), bpf (srv6-bpf's End SIDs) or auto (default: kernel where
# it has seg6local next-csid, else bpf; features.sh's router_mode). Hosts
# decapsulate with the kernel's End.DT6/End.DX4 when the routers are the
# kernel's, else with srv6-bpf (lab_host_decap). lab_line sets LAB_ROUTER_MODE
# and LAB_HOST_DECAP.
lab_router_mode() {
	router_mode || fail "lab: cannot tell who runs the routers' End (see the line above)"
}

# lab_router_end NS PREFIX... : NS shifts micro-SIDs for PREFIX (lblen 32
# nflen 16) on every interface traffic enters, as LAB_ROUTER_MODE says; with
# srv6-bpf, at the hook LAB_ROUTER_XDP names (`load ... xdp MODE`): tc, the
# default (clsact ingress: on veth, generic XDP copies every GSO packet and
# native XDP costs the peer its TSO), or generic / native XDP.
lab_router_end() {
	local n=$1 p dev devs
	shift
	devs=$(nip "$n" -o link show | awk -F': ' '$2 != "lo" {sub(/@.*/, "", $2); print $2}')
	if [[ $LAB_ROUTER_MODE == kernel ]]; then
		for p in "$@"; do
			route "$n" "$p" encap seg6local action End flavors next-csid lblen 32 nflen 16 \
				dev "${devs%%$'\n'*}"
		done
		return
	fi
	for dev in $devs; do
		sb "$n" load "$dev" xdp "${LAB_ROUTER_XDP:-tc}" peers-max 16 >/dev/null
		for p in "$@"; do sb "$n" sid add "$p" dev "$dev" action end; done
	done
}

# lab_host_decap NS...: with LAB_HOST_DECAP=bpf, srv6-bpf (loaded on eth0)
# decapsulates NS's function SIDs fc00:0:N:e006::/64 (IPv6) and
# fc00:0:N:e004::/64 (IPv4), as the kernel's End.DT6/End.DX4 would.
lab_host_decap() {
	local n id
	[[ $LAB_HOST_DECAP == bpf ]] || return 0
	for n in "$@"; do
		case $n in h0) id=1 ;; h1) id=2 ;; *) fail "lab_host_decap: no SIDs for $n" ;; esac
		sb "$n" sid add "fc00:0:$id:e006::/64" dev eth0 action decap6
		sb "$n" sid add "fc00:0:$id:e004::/64" dev eth0 action decap4
	done
}

# fabric_host_decap HOST...: the hosts' decap SIDs tests/jalapeno/netns_fabric.py
# listed in FABRIC_HOST_SIDS (--router bpf), on HOST's eth0, where srv6-bpf
# must be loaded; nothing when the fabric's hosts use the kernel's.
fabric_host_decap() {
	local h entry name sid action
	for h in "$@"; do
		for entry in "${FABRIC_HOST_SIDS[@]}"; do
			read -r name sid action <<<"$entry"
			[[ $name == "$h" ]] && sb "$h" sid add "$sid" dev eth0 action "$action"
		done
	done
	return 0
}

# lab_line: build h0 -- r1 -- h1 as drawn above.
lab_line() {
	LAB_ROUTER_MODE=$(lab_router_mode)
	LAB_HOST_DECAP=$([[ $LAB_ROUTER_MODE == kernel ]] && echo kernel || echo bpf)
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
	lab_router_end r1 fc00:0:100::/48 fc00:0:101::/48 fc00:0:102::/48
	route r1 fc00:0:1::/48 via "$H0_6"
	route r1 fc00:0:2::/48 via "$H1_6"
	if [[ $LAB_HOST_DECAP == kernel ]]; then
		route h1 fc00:0:2:e006::/64 encap seg6local action End.DT6 table 255 dev eth0
		route h1 fc00:0:2:e004::/64 encap seg6local action End.DX4 nh4 "$H1_4" dev eth0
		route h0 fc00:0:1:e006::/64 encap seg6local action End.DT6 table 255 dev eth0
		route h0 fc00:0:1:e004::/64 encap seg6local action End.DX4 nh4 "$H0_4" dev eth0
	fi
	local n
	for n in h0 h1; do
		nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	# Resolve the neighbours once, so no test's first packet waits for ND/ARP.
	nsx h0 ping -q -c1 -W2 "$H1_6" >/dev/null || fail "lab: h0 cannot reach h1 over IPv6"
	nsx h0 ping -q -c1 -W2 "$H1_4" >/dev/null || fail "lab: h0 cannot reach h1 over IPv4"
}

# lab_no_kernel_decap: no decapsulation from the lab on the hosts (the kernel's
# End.DT6/End.DX4 routes, or lab_host_decap's SIDs), for tests where
# srv6-bpf's decapsulation is what they program themselves.
lab_no_kernel_decap() {
	if [[ $LAB_HOST_DECAP == kernel ]]; then
		nip h0 -6 route del fc00:0:1:e006::/64
		nip h0 -6 route del fc00:0:1:e004::/64
		nip h1 -6 route del fc00:0:2:e006::/64
		nip h1 -6 route del fc00:0:2:e004::/64
	fi
	LAB_HOST_DECAP=none
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

# lab_load: load srv6-bpf on h0's and h1's eth0 (with the hosts' decap SIDs
# when the lab's hosts decapsulate with srv6-bpf).
lab_load() {
	sb h0 load eth0 >/dev/null
	sb h1 load eth0 >/dev/null
	lab_host_decap h0 h1
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

# tally CAP FIELDS [KEY=VALUE...]: "COUNT FIELD..." (spaces) per distinct
# packet fields of a capture, sorted.
tally() {
	pcap_fields "$@" | LC_ALL=C sort | LC_ALL=C uniq -c | awk '{$1 = $1; print}'
}

# unchanged CAP [KEY=VALUE...]: per packet (sorted), what an End must leave
# alone: source, traffic class, flow label, length, next header, SRH list and
# Last Entry, inner packet.
unchanged() {
	local cap=$1
	shift
	pcap_fields "$cap" src,tclass,flowlabel,plen,proto,srh_segs,srh_le,inner_hex "$@" | LC_ALL=C sort
}

# flows NS ARGS...: tests/lib/flows.py (send or sink) in namespace NS.
flows() {
	local n=$1
	shift
	nsx "$n" "$KT_PYTHON" "$KT_LIB_DIR/flows.py" "$@"
}

# udp_flows NAME PEER PORT SPORT: FLOWS x PACKETS UDP datagrams from h0 to a
# sink on h1 (source ports from SPORT: the same 5-tuples every time), captured
# on h0's eth0 as NAME; fails unless h1 received every datagram of every flow.
udp_flows() {
	local name=$1 peer=$2 port=$3 sport=$4 got
	bg_start "sink-$name" h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" sink "$port" \
		--expect $((FLOWS * PACKETS)) --idle 5
	bg_ready "sink-$name" ready
	cap_start "$name" h0 eth0 ip6 and src "$H0_6"
	flows h0 send "$peer" "$port" --sport "$sport" --flows "$FLOWS" --packets "$PACKETS" >/dev/null
	bg_wait "sink-$name" 30 || fail "UDP sink on h1 failed"
	cap_stop "$name"
	got=$(tail -1 "$KT_TMP/sink-$name.out" | json_eval 'j["packets"], len(j["flows"])')
	assert_eq "$name: datagrams and flows received by h1" "($((FLOWS * PACKETS)), $FLOWS)" "$got"
}

# lab_three_paths W1 W2 W3: the line lab loaded, h0 -> h1 over three paths of
# these weights (P1, P2, P3: r1's uN 100, 101, 102, each into h1's decap SID),
# and h1 -> h0 over one.
lab_three_paths() {
	lab_line
	lab_load
	sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
	P1=fc00:0:100:2:e006:: P2=fc00:0:101:2:e006:: P3=fc00:0:102:2:e006::
	sb h0 route add "$H1_6" dev eth0 path segs "$P1" weight "$1" path segs "$P2" weight "$2" \
		path segs "$P3" weight "$3"
}
