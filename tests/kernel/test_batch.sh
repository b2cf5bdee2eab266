#!/usr/bin/env bash
# Programming many peers: `route add -batch FILE` with 65,536 peers (the default
# peers-max) works: every peer is in the map and has its MTU route, sampled
# peers are encapsulated with their own SID on the wire, one more peer is
# refused (map full), `route del -batch` and `unload` remove them again.
# (How fast this is belongs to the benchmark, not here.)
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
N=65536

# Line i (from 0): IPv4 peer 203.0.113.<i+1> for i < 254, else IPv6 peer
# 2001:db8:100::<i>, with a SID carrying the same number in its argument bits
# (fc00:0:100:2:e004::<i+1>, fc00:0:100:2:e006::<i>), so the capture shows which
# entry a packet used. The last line is h1 itself. Lines take the three forms
# the grammar allows (bare, "route add ... weight 7", "add ... path segs" + comment).
"$KT_PYTHON" - "$N" "$H1_6" "$SID6_1" >"$KT_TMP/peers.batch" <<'EOF'
import sys
n, h1, h1sid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = []
for i in range(n - 1):
    if i < 254:
        peer, sid = "203.0.113.%d" % (i + 1), "fc00:0:100:2:e004::%x" % (i + 1)
    else:
        peer, sid = "2001:db8:100::%x" % i, "fc00:0:100:2:e006::%x" % i
    form = i % 3
    if form == 0:
        out.append("%s dev eth0 segs %s" % (peer, sid))
    elif form == 1:
        out.append("route add %s dev eth0 segs %s weight 7" % (peer, sid))
    else:
        out.append("add %s dev eth0 path segs %s  # comment" % (peer, sid))
out.append("%s dev eth0 segs %s" % (h1, h1sid))
print("\n".join(out))
EOF
assert_eq "lines in the batch file" "$N" "$(wc -l <"$KT_TMP/peers.batch")"

step "route add -batch with $N peers"
sb h0 route add -batch "$KT_TMP/peers.batch"
sbj h0 route show >"$KT_TMP/routes.json"
assert_eq "peers in srv6-bpf -j route show" "$N" "$(json_eval 'len(j)' "$KT_TMP/routes.json")"
assert_eq "peers in srv6-bpf -j show" "$N" "$(sbj h0 show dev eth0 | json_eval 'j[0]["peers"]')"
routes6=$(nip h0 -6 route show proto 206 | wc -l)
routes4=$(nip h0 -4 route show proto 206 | wc -l)
# The IPv6 peers share 2001:db8:100::/112 under h0's default route through r1,
# their first SIDs' next hop too: one prefix route (and h1's host route). The
# IPv4 default route leads to an IPv4 gateway, which a first SID's next hop
# cannot be compared with: a host route per IPv4 peer.
assert_eq "srv6-bpf's IPv6 routes" \
	"$(printf '%s\n' "$H1_6 via 2001:db8:1::ff dev eth0 metric 1024 mtu 1460 pref medium" \
		"2001:db8:100::/112 via 2001:db8:1::ff dev eth0 metric 1024 mtu 1460 pref medium")" \
	"$(nip h0 -6 route show proto 206)"
assert_eq "IPv4 host routes" 254 "$routes4"
assert_contains "the route the kernel picks for a sampled peer" "mtu 1460" \
	"$(nip h0 -6 route get 2001:db8:100::4243)"
entry=$(json_eval "[p for p in j if p['peer'] == '2001:db8:100::4243']" "$KT_TMP/routes.json")
assert_eq "route show entry of a sampled peer" \
	'[{"dev": "eth0", "paths": [{"bytes": 0, "failover_packets": 0, "packets": 0, "probes_lost": 0, "segs": ["fc00:0:100:2:e006::4243"], "since": null, "state": "up", "weight": 7}], "peer": "2001:db8:100::4243"}]' \
	"$entry"
ok "$N peers, $routes6 IPv6 routes + $routes4 IPv4 host routes"

step "sampled peers are encapsulated with their own SID"
cap_start many h0 eth0 ip6 and src "$H0_6"
samples=(203.0.113.1 203.0.113.254 2001:db8:100::fe 2001:db8:100::8000 2001:db8:100::fffe)
for peer in "${samples[@]}"; do
	flows h0 send "$peer" 46000 >/dev/null
done
nsx h0 ping -q -c 2 -i 0.1 -W 2 "$H1_6" >/dev/null || fail "ping $H1_6 (the last batch line)"
cap_stop many
for peer in "${samples[@]}"; do
	if [[ $peer == *:* ]]; then
		want=fc00:0:100:2:e006::${peer##*::}
	else
		want=fc00:0:100:2:e004::$(printf %x "${peer##*.}")
	fi
	assert_eq "outer destination of the datagram to $peer" "$want" \
		"$(pcap_fields many dst inner_dst="$peer" inner_dport=46000)"
done
assert_eq "echo requests to $H1_6 encapsulated" 2 "$(pcap_fields many n inner_dst="$H1_6" inner_proto=58 | wc -l)"
ok "${#samples[@]} sampled peers on their own SIDs; h1 answers"

step "one peer more than peers-max is refused"
rc=0
err=$(sb h0 route add 2001:db8:102::1 dev eth0 segs "$SID6_1" 2>&1) || rc=$?
assert_ne "exit status of peer $((N + 1))" 0 "$rc"
assert_match "error for peer $((N + 1))" "full" "$err"

step "route del -batch and unload remove them"
awk 'NR % 2 == 0 {
	for (i = 1; i <= NF; i++) if ($i == "dev") { print $(i - 1) " dev eth0"; break } }' \
	"$KT_TMP/peers.batch" >"$KT_TMP/del.batch"
half=$(wc -l <"$KT_TMP/del.batch")
sb h0 route del -batch "$KT_TMP/del.batch"
assert_eq "peers after deleting $half" $((N - half)) "$(sbj h0 show dev eth0 | json_eval 'j[0]["peers"]')"
# Left: 127 IPv4 peers (host routes) and IPv6 peers still spanning the /112.
assert_eq "srv6-bpf's routes after deleting $half" "127 1" \
	"$(nip h0 -4 route show proto 206 | wc -l) $(nip h0 -6 route show proto 206 | wc -l)"
sb h0 unload eth0
assert_eq "srv6-bpf's routes after unload" 0 \
	$(($(nip h0 -6 route show proto 206 | wc -l) + $(nip h0 -4 route show proto 206 | wc -l)))
ok "deleted $half by batch, the other $((N - half)) by unload"
