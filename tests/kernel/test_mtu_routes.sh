#!/usr/bin/env bash
# MTU routes for peers that share a prefix: one prefix route with the MTU most
# of them need, host routes for the peers whose encapsulation is larger, and
# nothing else changed for any other address. Proven on the wire for a peer
# under the prefix and a peer with its own route: the DF ping at the limit
# fills the device MTU exactly, one byte more fails locally, bulk TCP arrives
# without drop_too_big. Replaces move peers between the prefix and host
# routes; a foreign route inside the prefix splits it; unload removes them all.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
lab_load
ONE=$SID6_1                              # 40 bytes of SRv6 headers
THREE="fc00:0:100::,fc00:0:101::,$SID6_H1" # 80 bytes: an SRH with two SIDs
P=2001:db8:2:: # h1's subnet; the peers are ::10-::1d, all on h1
for i in $(seq 16 29); do
	nip h1 addr add "$P$(printf %x "$i")/64" dev eth0 nodad
done
dev_mtu=$(nip h0 -j link show dev eth0 | json_eval 'j[0]["mtu"]')

# An End SID on the same device: its route (protocol 206 too) is not an MTU route.
sb h0 sid add fc00:0:77::/48 dev eth0 action end
END_ROUTE=$(nip h0 -6 route show fc00:0:77::/48 proto 206)
[[ -n $END_ROUTE ]] || fail "no route for h0's End SID"

# ours: srv6-bpf's MTU routes on h0, "DST MTU" per line, sorted.
ours() {
	nip h0 -6 -j route show proto 206 |
		json_eval '"\n".join(sorted("%s %s" % (r["dst"], [m["mtu"] for m in r.get("metrics", []) if "mtu" in m][0]) for r in j if r["metric"] != 21302))'
}

# mtu_of PEER: the MTU of the route the kernel picks for PEER.
mtu_of() {
	nip h0 -6 route get "$1" | sed -nE 's/.* mtu ([0-9]+).*/\1/p'
}

# df_limit PEER OVERHEAD: the DF ping at the largest size works and fills the
# device MTU on the wire; one byte more is refused locally.
df_limit() {
	local peer=$1 overhead=$2 size out rc=0 lens drops tag
	tag=df-${peer##*:}
	size=$((dev_mtu - overhead - 48))
	drops=$(encap_counter h0 drop_too_big)
	cap_start "$tag" h0 eth0 ip6
	out=$(nsx h0 ping -q -M "do" -s "$size" -c 3 -i 0.1 -W 3 "$peer" 2>&1) ||
		fail "DF ping of $size bytes to $peer: $(tail -2 <<<"$out")"
	out=$(nsx h0 ping -M "do" -s $((size + 1)) -c 1 -W 1 "$peer" 2>&1) || rc=$?
	cap_stop "$tag"
	assert_ne "exit status of a DF ping of $((size + 1)) bytes to $peer" 0 "$rc"
	assert_match "error of a DF ping one byte over to $peer" "message too long" "$out"
	lens=$(pcap_fields "$tag" len inner_dst="$peer" | sort -u)
	assert_eq "frame length of the largest echo requests to $peer" $((dev_mtu + 14)) "$lens"
	assert_eq "drop_too_big after pinging $peer" "$drops" "$(encap_counter h0 drop_too_big)"
}

step "14 peers in one prefix, two of them with a larger encapsulation"
for i in $(seq 16 29); do
	peer=$P$(printf %x "$i")
	if [[ $i == 19 || $i == 23 ]]; then
		echo "$peer dev eth0 segs $THREE"
	else
		echo "$peer dev eth0 segs $ONE"
	fi
done >"$KT_TMP/peers.batch"
before_get=$(nip h0 -6 route get "${P}1e" | sed -E 's/ (proto|mtu) [^ ]+//g')
sb h0 route add -batch "$KT_TMP/peers.batch"
assert_eq "srv6-bpf's routes on h0" \
	"$(printf '%s\n' "${P}10/124 $((dev_mtu - 40))" "${P}13 $((dev_mtu - 80))" "${P}17 $((dev_mtu - 80))")" \
	"$(ours)"
for i in $(seq 16 29); do
	peer=$P$(printf %x "$i")
	want=$((dev_mtu - 40))
	[[ $i == 19 || $i == 23 ]] && want=$((dev_mtu - 80))
	assert_eq "MTU the kernel uses for $peer" "$want" "$(mtu_of "$peer")"
done
# ::1e is in the prefix but no peer: same way out as before, only the MTU is new.
assert_eq "route of ${P}1e (not a peer) apart from the MTU" "$before_get" \
	"$(nip h0 -6 route get "${P}1e" | sed -E 's/ (proto|mtu) [^ ]+//g')"
ok "3 routes for 14 peers: ${P}10/124 and two host routes"

step "on the wire: a peer under the prefix and a peer with its own route"
df_limit "${P}10" 40
df_limit "${P}13" 80
BULK=$((20 * 1024 * 1024))
for peer in "${P}11" "${P}17"; do
	bg_start "sink-$peer" h1 "$KT_PYTHON" "$KT_LIB_DIR/flows.py" tcp-sink 5201
	bg_ready "sink-$peer" ready
	flows h0 tcp-send "$peer" 5201 "$BULK" >/dev/null || fail "TCP transfer to $peer failed"
	bg_wait "sink-$peer" 30 || fail "TCP sink on h1 failed: $(head -c 300 "$KT_TMP/sink-$peer.err")"
	assert_eq "bytes h1 received over $peer" "$BULK" "$(tail -1 "$KT_TMP/sink-$peer.out" | json_eval 'j["bytes"]')"
	assert_ge "path bytes to $peer" "$BULK" "$(path_bytes h0 "$peer")"
done
assert_eq "drop_too_big after the transfers" 0 "$(encap_counter h0 drop_too_big)"
ok "DF limits exact for both, 2 x $BULK bytes of TCP arrived"

step "replace: a peer joins the prefix's MTU, another leaves it"
sb h0 route replace "${P}17" dev eth0 segs "$ONE"
sb h0 route replace "${P}11" dev eth0 segs "$THREE"
assert_eq "srv6-bpf's routes after the replaces" \
	"$(printf '%s\n' "${P}10/124 $((dev_mtu - 40))" "${P}11 $((dev_mtu - 80))" "${P}13 $((dev_mtu - 80))")" \
	"$(ours)"
df_limit "${P}17" 40
df_limit "${P}11" 80
ok "${P}17 under the prefix, ${P}11 on its own route"

step "a foreign route inside the prefix splits it"
# Through another router: the peers inside it need host routes to stay on r1.
nip h0 -6 route add "${P}1c/126" via 2001:db8:1::fe dev eth0
sb h0 route replace "${P}12" dev eth0 segs "$ONE" weight 2 # any change plans again
assert_eq "srv6-bpf's routes around ${P}1c/126" \
	"$(printf '%s\n' "${P}10/125 $((dev_mtu - 40))" "${P}11 $((dev_mtu - 80))" "${P}13 $((dev_mtu - 80))" \
		"${P}18/126 $((dev_mtu - 40))" "${P}1c $((dev_mtu - 40))" "${P}1d $((dev_mtu - 40))")" \
	"$(ours)"
assert_contains "the foreign route stays" "${P}1c/126 via 2001:db8:1::fe" "$(nip h0 -6 route show "${P}1c/126")"
df_limit "${P}1d" 40
ok "the prefix split into /125 and /126, host routes inside the foreign /126"

step "the End SID's route outlived every change"
assert_eq "h0's End SID route" "$END_ROUTE" "$(nip h0 -6 route show fc00:0:77::/48 proto 206)"
ok "$END_ROUTE"

step "delete all but one, then unload"
grep -v "^${P}13 " "$KT_TMP/peers.batch" | awk '{print $1 " dev eth0"}' >"$KT_TMP/del.batch"
sb h0 route del -batch "$KT_TMP/del.batch"
assert_eq "srv6-bpf's routes with one peer left" "${P}13 $((dev_mtu - 80))" "$(ours)"
assert_eq "MTU the kernel uses for ${P}10 (no peer any more)" "" "$(mtu_of "${P}10")"
sb h0 unload eth0
assert_eq "srv6-bpf's routes after unload" "" "$(nip h0 -6 route show proto 206)"
ok "the last peer keeps its host route; unload removes it"
