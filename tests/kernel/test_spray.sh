#!/usr/bin/env bash
# Weighted spraying: a peer with several paths of different weights and many
# UDP flows (distinct source ports). On the wire every flow (inner 5-tuple) uses
# exactly one path (outer destination), the flows' shares match the weights
# within a stated tolerance, the per-path counters match the capture, and every
# datagram arrives at h1.
#
# Tolerance: with a hash that behaves like a uniform random function, the
# number of flows on a path of share p out of N flows is Binomial(N, p). We
# accept N*p +- (4*sqrt(N*p*(1-p)) + 1): a correct datapath fails that with
# probability < 1e-4 per path, while ignoring the weights (equal shares) puts
# every path here far outside it. The flows' tuples are fixed, so the outcome
# is also the same on every run.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"
FLOWS=400
PACKETS=2

# Paths differ by r1's uN: fc00:0:100/101/102, all shifting into h1's decap SID.
sb h0 route add "$H1_6" dev eth0 \
	path segs fc00:0:100:2:e006:: weight 1 \
	path segs fc00:0:101:2:e006:: weight 2 \
	path segs fc00:0:102:2:e006:: weight 5
sb h0 route add "$H1_4" dev eth0 \
	path segs fc00:0:100:2:e004:: weight 1 \
	path segs fc00:0:101:2:e004:: weight 3

# check_spray CAPTURE PEER PORT SID:WEIGHT...
check_spray() {
	local cap=$1 peer=$2 port=$3 total=0 i=0 sw sid w n lo hi got ctr
	shift 3
	local flows_paths
	flows_paths=$(pcap_fields "$cap" inner_src,inner_sport,inner_dport,inner_proto,dst \
		inner_dst="$peer" inner_dport="$port")
	assert_eq "datagrams to $peer captured" $((FLOWS * PACKETS)) "$(wc -l <<<"$flows_paths")"
	# One outer destination per inner 5-tuple.
	got=$(cut -f1-4 <<<"$flows_paths" | sort -u | wc -l)
	assert_eq "flows to $peer seen" "$FLOWS" "$got"
	got=$(sort -u <<<"$flows_paths" | cut -f1-4 | uniq -d | head -3 | tr '\t\n' ' ,')
	assert_eq "flows to $peer seen on more than one path" "" "$got"
	for sw in "$@"; do total=$((total + ${sw##*:})); done
	for sw in "$@"; do
		sid=${sw%:*} w=${sw##*:}
		n=$(sort -u <<<"$flows_paths" | awk -F'\t' -v s="$sid" '$5 == s' | wc -l)
		read -r lo hi < <(awk -v n="$FLOWS" -v w="$w" -v t="$total" 'BEGIN {
			p = w / t; m = n * p; d = 4 * sqrt(n * p * (1 - p)) + 1
			printf "%d %d\n", int(m - d + 0.999), int(m + d) }')
		assert_between "flows to $peer on path $sid (weight $w/$total)" "$lo" "$hi" "$n"
		ctr=$(sbj h0 route show dev eth0 |
			json_eval "[p['paths'][$i]['packets'] for p in j if p['peer'] == '$peer'][0]")
		assert_eq "path $sid packet counter vs capture" \
			"$(awk -F'\t' -v s="$sid" '$5 == s' <<<"$flows_paths" | wc -l)" "$ctr"
		ok "$peer path $((i + 1)) $sid: $n of $FLOWS flows (expected $lo..$hi), counter $ctr"
		i=$((i + 1))
	done
}

for peer in "$H1_6" "$H1_4"; do
	if [[ $peer == *:* ]]; then port=44006; else port=44004; fi
	step "$FLOWS UDP flows x $PACKETS packets to $peer"
	udp_flows "spray$port" "$peer" "$port" 20000
	if [[ $peer == *:* ]]; then
		check_spray "spray$port" "$peer" "$port" fc00:0:100:2:e006:::1 fc00:0:101:2:e006:::2 \
			fc00:0:102:2:e006:::5
	else
		check_spray "spray$port" "$peer" "$port" fc00:0:100:2:e004:::1 fc00:0:101:2:e004:::3
	fi
done
