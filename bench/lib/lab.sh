# shellcheck shell=bash
# The issue's lab: h0 -- r1 -- h1. r1 shifts micro-SIDs (End with NEXT-C-SID)
# for its locator fc00:0:100::/48; h0 and h1 decapsulate their function SIDs
# fc00:0:N:e006::/64 (IPv6 inside) and fc00:0:N:e004::/64 (IPv4 inside).
#
#   h0 eth0 2001:db8:1::1  node fc00:0:1::/48   r1 node fc00:0:100::/48
#   h1 eth0 2001:db8:2::2  node fc00:0:2::/48
#
# Who does the SRv6 work follows `srv6-bpf check` (bench_kernel_has), as
# tests/lib/srv6lab.sh does, with the same knob LAB_ROUTER (auto, kernel, bpf):
#   kernel  where the kernel has seg6local End next-csid: r1 ends with a
#           seg6local End route, the hosts with End.DT6/End.DX4 routes that
#           count, always there (lab_decap_bytes reads End.DT6's count)
#   bpf     otherwise: r1 ends with srv6-bpf's XDP End (generic: native XDP on a
#           veth makes its peer give up TSO) on eth0 and eth1; the hosts
#           decapsulate with srv6-bpf's XDP once a section loads it there
#           (lab_host_load), and lab_decap_bytes reads its per-SID counter
#
# lab_up NAME [ROUTER]: namespaces NAME-h0, NAME-r1, NAME-h1 (removed on exit)
#   and a bpffs ($LAB_BPFFS); r1's End as ROUTER (lab_router_end's modes;
#   default: the kernel's or srv6-bpf generic, as above). Sets LAB_ROUTER_MODE
#   and LAB_HOST_DECAP (kernel or bpf).

# srv6-bpf in NAME-NODE on the lab's bpffs: lab_bpf NAME NODE ARGS...
lab_bpf() {
	local p=$1 n=$2
	shift 2
	ip netns exec "$p-$n" "$SRV6_BPF" --bpffs "$LAB_BPFFS" "$@"
}

# r1's End right now: kernel, generic, native, tc or none (lab_router_end sets it).
LAB_END=none

# lab_router_end NAME MODE: r1 ends fc00:0:100::/48 with MODE, after undoing
# what it had: kernel (a seg6local End next-csid route that counts), generic
# or native (srv6-bpf's XDP End on eth0 and eth1, where traffic enters), tc
# (srv6-bpf's End on clsact ingress of eth0 and eth1: load ... xdp tc), none.
lab_router_end() {
	local p=$1 mode=$2 dev
	case $LAB_END in
	kernel) ip -n "$p-r1" -6 route del fc00:0:100::/48 ;;
	generic | native | tc) for dev in eth0 eth1; do lab_bpf "$p" r1 unload "$dev"; done ;;
	esac
	LAB_END=none
	case $mode in
	kernel)
		ip -n "$p-r1" -6 route add fc00:0:100::/48 encap seg6local action End \
			flavors next-csid lblen 32 nflen 16 count dev eth0
		;;
	generic | native | tc)
		for dev in eth0 eth1; do
			lab_bpf "$p" r1 load "$dev" xdp "$mode" peers-max 16 >/dev/null
			lab_bpf "$p" r1 sid add fc00:0:100::/48 dev "$dev" action end lblen 32 nflen 16
		done
		;;
	none) ;;
	*) bench_die "lab_router_end: no mode '$mode' (kernel, generic, native, tc, none)" ;;
	esac
	LAB_END=$mode
}

# "packets bytes" r1 has ended so far on eth0 (h0's side): srv6-bpf's End
# counters (end_next_csid + end_srh, end_bytes), the kernel End route's count,
# or "0 0" with no End.
lab_end_counters() {
	local p=$1
	case $LAB_END in
	kernel)
		ip -n "$p-r1" -s -6 route show fc00:0:100::/48 |
			sed -n 's/.* packets \([0-9]*\) bytes \([0-9]*\) .*/\1 \2/p'
		;;
	generic | native | tc)
		lab_bpf "$p" r1 -j stats dev eth0 | "$BENCH_PY" -c 'import json, sys
c = json.load(sys.stdin)[0]["decap_counters"]
print(c["end_next_csid"] + c["end_srh"], c["end_bytes"])'
		;;
	*) echo 0 0 ;;
	esac
}

lab_up() {
	local p=$1 router=${2:-} n
	# BENCH_KERNEL_SEG6=off has set LAB_ROUTER=bpf (common.sh).
	LAB_ROUTER_MODE=$(router_mode) || bench_die "cannot tell who runs r1's End (see the line above)"
	LAB_HOST_DECAP=$LAB_ROUTER_MODE
	[ -n "$router" ] || router=$([ "$LAB_ROUTER_MODE" = kernel ] && echo kernel || echo generic)
	bench_bpffs LAB_BPFFS
	for n in h0 r1 h1; do
		ip netns add "$p-$n"
		bench_at_exit "ip netns del '$p-$n'"
		ip -n "$p-$n" link set lo up
	done
	ip link add h0eth0 netns "$p-h0" type veth peer name r1eth0 netns "$p-r1"
	ip link add h1eth0 netns "$p-h1" type veth peer name r1eth1 netns "$p-r1"
	ip -n "$p-h0" link set h0eth0 name eth0
	ip -n "$p-h1" link set h1eth0 name eth0
	ip -n "$p-r1" link set r1eth0 name eth0
	ip -n "$p-r1" link set r1eth1 name eth1
	for n in h0 h1; do ip -n "$p-$n" link set eth0 up; done
	ip -n "$p-r1" link set eth0 up
	ip -n "$p-r1" link set eth1 up
	ip -n "$p-h0" addr add 2001:db8:1::1/64 dev eth0 nodad
	ip -n "$p-h0" addr add 192.0.2.1/24 dev eth0
	ip -n "$p-h1" addr add 2001:db8:2::2/64 dev eth0 nodad
	ip -n "$p-h1" addr add 198.51.100.2/24 dev eth0
	ip -n "$p-r1" addr add 2001:db8:1::ff/64 dev eth0 nodad
	ip -n "$p-r1" addr add 2001:db8:2::ff/64 dev eth1 nodad
	ip netns exec "$p-r1" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$p-h0" -6 route add default via 2001:db8:1::ff
	ip -n "$p-h1" -6 route add default via 2001:db8:2::ff
	ip -n "$p-r1" -6 route add fc00:0:1::/48 via 2001:db8:1::1
	ip -n "$p-r1" -6 route add fc00:0:2::/48 via 2001:db8:2::2
	# Before the router's End: srv6-bpf unloads (at exit) while r1 still exists.
	bench_at_exit "lab_router_end '$p' none"
	lab_router_end "$p" "$router"
	if [ "$LAB_HOST_DECAP" = kernel ]; then
		ip -n "$p-h1" -6 route add fc00:0:2:e006::/64 encap seg6local action End.DT6 table 255 \
			count dev eth0
		ip -n "$p-h1" -6 route add fc00:0:2:e004::/64 encap seg6local action End.DX4 \
			nh4 198.51.100.2 dev eth0
		ip -n "$p-h0" -6 route add fc00:0:1:e006::/64 encap seg6local action End.DT6 table 255 \
			count dev eth0
		ip -n "$p-h0" -6 route add fc00:0:1:e004::/64 encap seg6local action End.DX4 \
			nh4 192.0.2.1 dev eth0
	fi
	for n in h0 h1; do
		ip netns exec "$p-$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0
	done
	# Resolve neighbours now, not inside the first measured run.
	ip netns exec "$p-h0" ping -6 -c 1 -W 5 -q 2001:db8:2::2 >/dev/null
}

# The host's node number in its SIDs: h0 1, h1 2.
lab_node() { [ "$1" = h0 ] && echo 1 || echo 2; }

# lab_host_load NAME HOST [XDP]: srv6-bpf on HOST's eth0, with XDP mode XDP
# (default: off where End.DT6 decapsulates, generic where srv6-bpf must); with
# XDP on, srv6-bpf decapsulates HOST's function SIDs.
lab_host_load() {
	local p=$1 h=$2 xdp=${3:-} id
	id=$(lab_node "$h")
	[ -n "$xdp" ] || xdp=$([ "$LAB_HOST_DECAP" = kernel ] && echo off || echo generic)
	lab_bpf "$p" "$h" load eth0 xdp "$xdp" >/dev/null
	[ "$xdp" != off ] || return 0
	lab_bpf "$p" "$h" sid add "fc00:0:$id:e006::/64" dev eth0 action decap6
	lab_bpf "$p" "$h" sid add "fc00:0:$id:e004::/64" dev eth0 action decap4
}
lab_host_unload() { lab_bpf "$1" "$2" unload eth0; }

# Bytes host h (h0 or h1) has decapsulated with End.DT6 so far (the kernel's
# hosts only).
lab_dt6_bytes() {
	local p=$1 h=$2
	ip -n "$p-$h" -s -6 route show "fc00:0:$(lab_node "$h"):e006::/64" |
		sed -n 's/.* bytes \([0-9]*\) .*/\1/p'
}

# Bytes host h has decapsulated for its IPv6 function SID so far: End.DT6's
# count where the kernel decapsulates, else srv6-bpf's per-SID counter (0
# while srv6-bpf is not loaded there).
lab_decap_bytes() {
	local p=$1 h=$2 sids
	if [ "$LAB_HOST_DECAP" = kernel ]; then
		lab_dt6_bytes "$p" "$h"
		return
	fi
	if ! sids=$(lab_bpf "$p" "$h" -j sid show dev eth0 2>/dev/null); then
		echo 0
		return
	fi
	"$BENCH_PY" -c 'import json, sys
print(sum(s["bytes"] for s in json.loads(sys.argv[2]) if s["sid"] == sys.argv[1]))' \
		"fc00:0:$(lab_node "$h"):e006::/64" "$sids"
}

# lab_xdp_mode NAME NODE DEV: the XDP mode the kernel reports on DEV: none,
# native, generic (or other).
lab_xdp_mode() {
	local flags
	flags=$(ip -n "$1-$2" link show dev "$3" | head -1)
	case " $flags " in
	*" xdp "*) echo native ;;
	*" xdpgeneric "*) echo generic ;;
	*" xdp"*) echo other ;;
	*) echo none ;;
	esac
}

# lab_offload NAME NODE DEV FEATURE: on or off, as ethtool -k names FEATURE
# (e.g. tx-tcp6-segmentation, generic-receive-offload).
lab_offload() {
	ip netns exec "$1-$2" ethtool -k "$3" |
		sed -n "s/^[[:space:]]*$4: \([a-z]*\).*/\1/p"
}

# lab_tx NAME NODE DEV: DEV's "tx_packets tx_bytes" (an skb counts once).
lab_tx() {
	local stats=/sys/class/net/$3/statistics
	ip netns exec "$1-$2" cat "$stats/tx_packets" "$stats/tx_bytes" | paste -sd' '
}

# lab_iperf3_server NAME DIR: an iperf3 server on h1 (2001:db8:2::2), its pid
# and log in DIR; stopped on exit.
lab_iperf3_server() {
	local p=$1 dir=$2
	ip netns exec "$p-h1" iperf3 -s -D -B 2001:db8:2::2 -I "$dir/iperf3.pid" --logfile "$dir/iperf3.log"
	for _ in $(seq 50); do [ -s "$dir/iperf3.pid" ] && break; sleep 0.1; done
	[ -s "$dir/iperf3.pid" ] || bench_die "iperf3 server did not start: $(cat "$dir/iperf3.log")"
	bench_at_exit "kill $(cat "$dir/iperf3.pid")"
}

# iperf3 JSON -> "bits_per_second bytes" received; dies on iperf3's error.
lab_iperf_result() {
	"$BENCH_PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
if "error" in d:
    sys.exit("iperf3: " + d["error"])
r = d["end"]["sum_received"]
print(r["bits_per_second"], r["bytes"])' "$1"
}
