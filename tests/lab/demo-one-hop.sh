#!/usr/bin/env bash
# The one-hop demo: two hosts running srv6-bpf on either side of a Linux router
# that shifts micro-SIDs. Shows the encapsulation on the wire, a bulk transfer
# through it and the datapath's counters, then removes everything it made.
#
#   h0 (2001:db8:1::1, 192.0.2.1) -- r1 (uN fc00:0:100::/48) -- h1 (2001:db8:2::2, 198.51.100.2)
#
# Hosts decapsulate with the kernel's End.DT6 / End.DX4 (XDP decap is issue 3).
set -euo pipefail

SRV6_BPF=${SRV6_BPF:-$(cd "$(dirname "$0")/../.." && pwd)/build/srv6-bpf}
P=demo$$
BPFFS=$(mktemp -d /tmp/srv6-demo-bpffs.XXXXXX)
CAP=$(mktemp /tmp/srv6-demo.XXXXXX.pcap)
mount -t bpf bpf "$BPFFS"

cleanup() {
	for n in h0 r1 h1; do ip netns del "$P-$n" 2>/dev/null || true; done
	umount "$BPFFS" 2>/dev/null || true
	rmdir "$BPFFS" 2>/dev/null || true
	rm -f "$CAP"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }
in_ns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
srv6() { local ns=$1; shift; in_ns "$ns" "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }

step "building the lab: h0 -- r1 -- h1 in network namespaces ($P-*)"
for n in h0 r1 h1; do ip netns add "$P-$n"; ip -n "$P-$n" link set lo up; done
ip link add eth0 netns "$P-h0" type veth peer name eth0 netns "$P-r1"
ip link add eth0 netns "$P-h1" type veth peer name eth1 netns "$P-r1"
for n in h0 h1; do ip -n "$P-$n" link set eth0 up; done
ip -n "$P-r1" link set eth0 up
ip -n "$P-r1" link set eth1 up
ip -n "$P-h0" addr add 2001:db8:1::1/64 dev eth0 nodad
ip -n "$P-h0" addr add 192.0.2.1/24 dev eth0
ip -n "$P-h1" addr add 2001:db8:2::2/64 dev eth0 nodad
ip -n "$P-h1" addr add 198.51.100.2/24 dev eth0
ip -n "$P-r1" addr add 2001:db8:1::ff/64 dev eth0 nodad
ip -n "$P-r1" addr add 2001:db8:2::ff/64 dev eth1 nodad
in_ns r1 sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$P-h0" -6 route add default via 2001:db8:1::ff
ip -n "$P-h1" -6 route add default via 2001:db8:2::ff
# r1 owns micro-SID fc00:0:100 and shifts to the next one (NEXT-C-SID).
ip -n "$P-r1" -6 route add fc00:0:100::/48 encap seg6local action End flavors next-csid lblen 32 nflen 16 dev eth0
ip -n "$P-r1" -6 route add fc00:0:1::/48 via 2001:db8:1::1
ip -n "$P-r1" -6 route add fc00:0:2::/48 via 2001:db8:2::2
# Each host decapsulates its own function SIDs: e006 (IPv6 inside), e004 (IPv4 inside).
for h in 1 2; do
	ns=h$((h - 1))
	v4=$([ "$h" = 1 ] && echo 192.0.2.1 || echo 198.51.100.2)
	ip -n "$P-$ns" -6 route add "fc00:0:$h:e006::/64" encap seg6local action End.DT6 table 255 dev eth0
	ip -n "$P-$ns" -6 route add "fc00:0:$h:e004::/64" encap seg6local action End.DX4 nh4 "$v4" dev eth0
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
done

step "srv6-bpf load eth0 on both hosts"
srv6 h0 load eth0
srv6 h1 load eth0
srv6 h0 show

step "programming peers: one micro-SID carrier (no SRH) for IPv6, two SIDs (SRH) for IPv4"
srv6 h0 route add 2001:db8:2::2 dev eth0 segs fc00:0:100:2:e006::
srv6 h0 route add 198.51.100.2 dev eth0 segs fc00:0:100::,fc00:0:2:e004::
srv6 h1 route add 2001:db8:1::1 dev eth0 segs fc00:0:100:1:e006::
srv6 h1 route add 192.0.2.1 dev eth0 segs fc00:0:100::,fc00:0:1:e004::
srv6 h0 route show
echo "host route srv6-bpf installed for the MTU (room for the SRv6 headers):"
ip -n "$P-h0" route show proto 206
ip -n "$P-h0" -6 route show proto 206

step "on the wire between h0 and r1 (tcpdump)"
in_ns r1 tcpdump -i eth0 -nn -w "$CAP" -c 2 'ip6 and (ip6[6] == 41 or ip6[6] == 43)' 2>/dev/null &
capture=$!
sleep 1
in_ns h0 ping -6 -c 1 -W 2 2001:db8:2::2 >/dev/null
in_ns h0 ping -4 -c 1 -W 2 198.51.100.2 >/dev/null
wait "$capture" || true
tcpdump -nn -v -r "$CAP" 2>/dev/null

step "bulk TCP through the encapsulated path (iperf3, 3 s each way of family)"
in_ns h1 iperf3 -s -D -1 -B 2001:db8:2::2 >/dev/null
sleep 0.5
in_ns h0 iperf3 -c 2001:db8:2::2 -t 3 -f m | grep -E 'sender|receiver'
in_ns h1 iperf3 -s -D -1 -B 198.51.100.2 >/dev/null
sleep 0.5
in_ns h0 iperf3 -c 198.51.100.2 -t 3 -f m | grep -E 'sender|receiver'

step "datapath counters on h0"
srv6 h0 route show
srv6 h0 stats

step "srv6-bpf unload eth0"
srv6 h0 unload eth0
srv6 h1 unload eth0
echo "done; the namespaces are removed on exit"
