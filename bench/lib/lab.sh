# shellcheck shell=bash
# The issue's lab: h0 -- r1 -- h1. r1 shifts micro-SIDs (End with NEXT-C-SID);
# h0 and h1 decapsulate with End.DT6 (IPv6) and End.DX4 (IPv4), the DT6 routes
# counting packets and bytes so a benchmark can prove traffic was encapsulated.
#
#   h0 eth0 2001:db8:1::1  node fc00:0:1::/48   r1 node fc00:0:100::/48
#   h1 eth0 2001:db8:2::2  node fc00:0:2::/48
#
# lab_up NAME creates namespaces NAME-h0, NAME-r1, NAME-h1 (removed on exit).

lab_up() {
	local p=$1 n
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
	ip -n "$p-r1" -6 route add fc00:0:100::/48 encap seg6local action End flavors next-csid \
		lblen 32 nflen 16 dev eth0
	ip -n "$p-r1" -6 route add fc00:0:1::/48 via 2001:db8:1::1
	ip -n "$p-r1" -6 route add fc00:0:2::/48 via 2001:db8:2::2
	ip -n "$p-h1" -6 route add fc00:0:2:e006::/64 encap seg6local action End.DT6 table 255 \
		count dev eth0
	ip -n "$p-h1" -6 route add fc00:0:2:e004::/64 encap seg6local action End.DX4 \
		nh4 198.51.100.2 dev eth0
	ip -n "$p-h0" -6 route add fc00:0:1:e006::/64 encap seg6local action End.DT6 table 255 \
		count dev eth0
	ip -n "$p-h0" -6 route add fc00:0:1:e004::/64 encap seg6local action End.DX4 \
		nh4 192.0.2.1 dev eth0
	for n in h0 h1; do
		ip netns exec "$p-$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0
	done
	# Resolve neighbours now, not inside the first measured run.
	ip netns exec "$p-h0" ping -6 -c 1 -W 5 -q 2001:db8:2::2 >/dev/null
}

# Bytes host h (h0 or h1) has decapsulated with End.DT6 so far.
lab_dt6_bytes() {
	local p=$1 h=$2 sid
	[ "$h" = h0 ] && sid=fc00:0:1:e006::/64 || sid=fc00:0:2:e006::/64
	ip -n "$p-$h" -s -6 route show "$sid" | sed -n 's/.* bytes \([0-9]*\) .*/\1/p'
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
