#!/usr/bin/env bash
# load / show / unload: a foreign tc filter and a pre-existing clsact survive
# load and unload, a clsact that load created goes away with unload, load twice
# keeps one filter, show prints pin paths that exist, two namespaces with their
# own eth0 get different pin dirs on one bpffs, and bpftool prints every map
# with field names.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line

# A foreign filter on h0's clsact egress: mirror IPv4 to 203.0.113.77 (a
# destination no other check uses) to mon0, a veth whose peer we capture.
veth h0 mon0 h0 mon1
nsx h0 tc qdisc add dev eth0 clsact
nsx h0 tc filter add dev eth0 egress protocol ip prio 1 u32 match ip dst 203.0.113.77/32 \
	action mirred egress mirror dev mon0
route h0 203.0.113.77/32 via 192.0.2.254
filters_before=$(nsx h0 tc filter show dev eth0 egress)
qdisc_before=$(nsx h0 tc qdisc show dev eth0)

# foreign_filter_works: a packet to 203.0.113.77 shows up mirrored on mon1.
foreign_filter_works() {
	cap_start "mirror$1" h0 mon1 icmp
	nsx h0 ping -q -c 2 -i 0.05 -W 1 203.0.113.77 >/dev/null || true # r1 has no such host
	cap_stop "mirror$1"
	assert_eq "packets the foreign filter mirrored ($1)" 2 \
		"$(pcap_fields "mirror$1" n dst=203.0.113.77 icmp_type=8 | wc -l)"
}

step "load next to a foreign filter on an existing clsact"
# A small peers-max keeps bpftool's dump of srv6_path_ctrs (peers-max x 8 entries
# per CPU) short.
sb h0 load eth0 peers-max 64 >/dev/null
sb h1 load eth0 >/dev/null
lab_host_decap h0 h1
lab_peers_default
filters=$(nsx h0 tc filter show dev eth0 egress)
assert_contains "foreign filter after load" "mirred (Egress Mirror to device mon0)" "$filters"
assert_eq "bpf filters on h0 eth0 egress" 1 "$(grep -c 'bpf.*direct-action' <<<"$filters" || true)"
foreign_filter_works loaded
cap_start enc h0 eth0 ip6 and src "$H0_6"
nsx h0 ping -q -c 2 -i 0.05 -W 2 "$H1_4" >/dev/null || fail "ping $H1_4 with srv6-bpf loaded"
cap_stop enc
assert_eq "encapsulated echo requests with the foreign filter present" 2 \
	"$(pcap_fields enc n inner_dst="$H1_4" inner_proto=1 | wc -l)"
ok "srv6-bpf filter and the foreign filter both work"

step "load twice is idempotent: one filter, peers kept"
err=$(sb h0 load eth0 2>&1 >/dev/null) || fail "second load failed: $err"
assert_match "message of the second load" "loaded already" "$err"
filters=$(nsx h0 tc filter show dev eth0 egress)
assert_eq "bpf filters after the second load" 1 "$(grep -c 'bpf.*direct-action' <<<"$filters" || true)"
assert_eq "peers after the second load" 2 "$(sbj h0 route show | json_eval 'len(j)')"
assert_eq "attached after the second load" 1 "$(sbj h0 show dev eth0 | json_eval 'j[0]["attached"]')"
ok "second load: one filter, 2 peers kept"

step "show prints pin paths that exist; namespaces with their own eth0 get their own"
show0=$(sbj h0 show dev eth0)
show1=$(sbj h1 show dev eth0)
dir0=$(json_eval 'j[0]["pin_dir"]' <<<"$show0")
dir1=$(json_eval 'j[0]["pin_dir"]' <<<"$show1")
assert_ne "pin dirs of h0 and h1 (both eth0)" "$dir0" "$dir1"
for n in h0 h1; do
	d=$([[ $n == h0 ]] && echo "$dir0" || echo "$dir1")
	inode=$(stat -L -c %i "/run/netns/$(ns $n)")
	assert_eq "pin dir of $n" "$BPFFS/srv6-bpf/netns-$inode/eth0" "$d"
done
pins=$(json_eval '" ".join(sorted(j[0]["pins"].values()))' <<<"$show0")
for name in srv6_encap_prog srv6_peers srv6_path_ctrs srv6_encap_ctrs srv6_config; do
	assert_contains "pins listed by show" "$dir0/$name" "$pins"
done
for p in $pins; do
	[[ -e $p && $p == "$dir0"/* ]] || fail "pin $p listed by show does not exist under $dir0"
done
npins1=$(find "$dir1" -mindepth 1 | wc -l)
text=$(sb h0 show dev eth0)
for p in $pins; do assert_contains "text show lists $p" "$p" "$text"; done
assert_contains "text show" "attached" "$text"
ok "pin dirs $dir0 and $dir1; all $(wc -w <<<"$pins") pins exist"

step "bpftool map dump prints named fields for every map"
check_dump() { # check_dump MAP FIELD...
	local map=$1 out f
	shift
	out=$(bpftool map dump pinned "$dir0/$map") || fail "bpftool map dump pinned $dir0/$map failed"
	for f in "$@"; do assert_contains "bpftool dump of $map" "\"$f\":" "$out"; done
	ok "$map: ${*}"
}
check_dump srv6_peers key addr counters_base path_count paths seg_count weight flags segs
check_dump srv6_path_ctrs packets bytes
check_dump srv6_encap_ctrs encap_packets encap_bytes pass_no_peer pass_not_ip \
	pass_already_encapsulated pass_truncated drop_no_room drop_too_big drop_bad_path
check_dump srv6_config src hop_limit loader_flags ifindex peers_max
sb h0 sid add fc00:0:1::/48 dev eth0 action end # an End beside the decap SIDs
check_dump srv6_local_sids key prefixlen addr value action counters_index lblen nflen
check_dump srv6_sid_ctrs packets bytes
check_dump srv6_decap_ctrs decap_packets decap_bytes pass_not_ipv6 pass_no_sid \
	pass_segments_left pass_bad_srh pass_unknown_nexthdr pass_wrong_family pass_truncated \
	drop_adjust_failed end_next_csid end_srh end_bytes pass_hop_limit pass_last_sid
cfg=$(bpftool -j map dump pinned "$dir0/srv6_config")
assert_eq "hop_limit and peers_max in bpftool's srv6_config" "[64, 64]" \
	"$(json_eval '[j[0]["formatted"]["value"][k] for k in ("hop_limit", "peers_max")]' <<<"$cfg")"

step "unload leaves the foreign filter and the pre-existing clsact, removes pins and routes"
# h0's decapsulation may leave with its unload: h1 answers plain from now on.
sb h1 route del "$H0_6" dev eth0
sb h0 unload eth0
assert_eq "h0 eth0 egress filters after unload (as before load)" "$filters_before" \
	"$(nsx h0 tc filter show dev eth0 egress)"
assert_eq "h0 eth0 qdiscs after unload (as before load)" "$qdisc_before" "$(nsx h0 tc qdisc show dev eth0)"
[[ ! -e $dir0 ]] || fail "pin dir $dir0 still exists after unload: $(ls "$dir0")"
assert_eq "srv6-bpf host routes on h0 after unload" "" \
	"$(nip h0 -6 route show proto 206; nip h0 -4 route show proto 206)"
assert_eq "h1's pins after unloading h0" "$npins1" "$(find "$dir1" -mindepth 1 | wc -l)"
foreign_filter_works unloaded
cap_start plain h0 eth0
nsx h0 ping -q -c 2 -i 0.05 -W 2 "$H1_6" >/dev/null || fail "ping $H1_6 after unload"
cap_stop plain
assert_eq "encapsulated packets from h0 after unload" "" "$(pcap_fields plain src encap=1 src="$H0_6")"
assert_eq "plain echo requests to h1 after unload" 2 "$(pcap_fields plain n dst="$H1_6" icmp_type=128 | wc -l)"
ok "foreign filter and clsact kept, pins and routes gone, traffic plain"

step "a clsact created by load goes away with unload"
assert_contains "h1 qdiscs while loaded" "clsact" "$(nsx h1 tc qdisc show dev eth0)"
sb h1 unload eth0
assert_not_contains "h1 qdiscs after unload" "clsact" "$(nsx h1 tc qdisc show dev eth0)"
[[ ! -e $dir1 ]] || fail "pin dir $dir1 still exists after unload"
ok "clsact removed with the last srv6-bpf filter"

step "a clsact created by load stays when another filter was added since"
sb h1 load eth0 >/dev/null
nsx h1 tc filter add dev eth0 egress protocol ip prio 1 u32 match ip dst 203.0.113.78/32 \
	action mirred egress mirror dev lo
sb h1 unload eth0
assert_contains "h1 qdiscs after unload with a foreign filter" "clsact" "$(nsx h1 tc qdisc show dev eth0)"
assert_contains "h1 foreign filter after unload" "mirred" "$(nsx h1 tc filter show dev eth0 egress)"
assert_not_contains "h1 bpf filter after unload" "bpf" "$(nsx h1 tc filter show dev eth0 egress)"
ok "clsact kept for the foreign filter"
