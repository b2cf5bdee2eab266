#!/usr/bin/env bash
# Local SIDs and the XDP attachment: modes (native, generic, off), never
# replacing another XDP program, longest-prefix SID matching with the
# per-family actions, and the sid command's errors.
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
if [[ $LAB_HOST_DECAP == kernel ]]; then # h1's decapsulation is what this test programs
	nip h1 -6 route del fc00:0:2:e006::/64
	nip h1 -6 route del fc00:0:2:e004::/64
fi

step "xdp generic, then xdp off"
sb h1 load eth0 xdp generic >/dev/null
assert_eq "mode" generic "$(sbj h1 show dev eth0 | json_eval 'j[0]["xdp_mode"]')"
assert_contains "ip link shows xdpgeneric" "xdpgeneric" "$(nip h1 link show dev eth0)"
out=$(sb h1 load eth0 xdp off 2>&1) && fail "switching xdp off on a loaded device was accepted"
assert_match "switching off needs an unload" "unload it first" "$out"
sb h1 unload eth0
assert_not_contains "unload detaches XDP" "xdp" "$(nip h1 link show dev eth0)"
sb h1 load eth0 xdp off >/dev/null
assert_eq "mode off" off "$(sbj h1 show dev eth0 | json_eval 'j[0]["xdp_mode"]')"
assert_not_contains "no XDP with xdp off" "xdp" "$(nip h1 link show dev eth0)"
out=$(sb h1 sid add fc00:0:2::/48 dev eth0 action decap 2>&1) && fail "sid add accepted with xdp off"
assert_match "sid add with xdp off" "xdp off" "$out"
sb h1 unload eth0
ok "generic and off work and unload detaches"

step "xdp tc: End SIDs on clsact ingress, no XDP; decap refused; a change of hook needs an unload"
nsx h1 tc qdisc add dev eth0 clsact # a pre-existing clsact, kept by unload
nsx h1 tc filter add dev eth0 ingress protocol ipv6 prio 7 u32 match u32 0 0 flowid 1:1
sb h1 load eth0 xdp tc >/dev/null
show=$(sbj h1 show dev eth0)
assert_eq "xdp_mode, SID program attached" "tc 1" \
	"$(json_eval '"%s %d" % (j[0]["xdp_mode"], j[0]["xdp_attached"])' <<<"$show")"
assert_not_contains "no XDP with xdp tc" "xdp" "$(nip h1 link show dev eth0)"
ingress=$(nsx h1 tc filter show dev eth0 ingress)
assert_match "our clsact ingress filter runs srv6_end_tc" "handle 0x5336 srv6_end_tc.*direct-action" "$ingress"
assert_contains "the foreign ingress filter stays" "pref 7 u32" "$ingress"
assert_contains "text show names the hook" "attached tc ingress" "$(sb h1 show dev eth0)"
assert_contains "metrics hook label" 'srv6_bpf_attached{dev="eth0",hook="tc_ingress"} 1' \
	"$(sb h1 metrics dev eth0)"
sb h1 sid add fc00:0:2::/48 dev eth0 action end
expect_one_error "decap on an xdp tc device" "eth0 runs End SIDs only \\(loaded with xdp tc\\)" \
	sb h1 sid add fc00:0:2:e006::/64 dev eth0 action decap6
expect_one_error "xdp tc -> generic without unload" "loaded with xdp tc: unload it first" \
	sb h1 load eth0 xdp generic
assert_eq "SIDs after the refusals" '["fc00:0:2::/48 end"]' \
	"$(sbj h1 sid show dev eth0 | json_eval '[s["sid"] + " " + s["action"] for s in j]')"
sb h1 unload eth0
assert_not_contains "unload takes our ingress filter" "srv6_end_tc" "$(nsx h1 tc filter show dev eth0 ingress)"
assert_contains "and leaves the foreign one and clsact" "pref 7 u32" "$(nsx h1 tc filter show dev eth0 ingress)"
nsx h1 tc qdisc del dev eth0 clsact
ok "xdp tc attaches End at clsact ingress and leaves with unload"

step "another XDP program on the device is never replaced"
bpffs_mount OTHER
nsx h1 "$SRV6_BPF" --bpffs "$OTHER" load eth0 >/dev/null # "someone else's" XDP program
other_id=$(nsx h1 "$SRV6_BPF" --bpffs "$OTHER" -j show dev eth0 | json_eval 'j[0]["xdp_prog_id"]')
out=$(sb h1 load eth0 2>&1) && fail "load replaced another XDP program"
assert_match "refusal names the program" "already runs an XDP program \\(id $other_id\\)" "$out"
assert_contains "the other program stays" "prog/xdp id $other_id" "$(nip h1 link show dev eth0)"
assert_eq "nothing pinned by the failed load" "" "$(ls "$(pin_ns_dir h1)" 2>/dev/null || true)"
assert_eq "the failed load left no tc filter of its own" 1 \
	"$(nsx h1 tc filter show dev eth0 egress | grep -c 'handle 0x5336')"
nsx h1 "$SRV6_BPF" --bpffs "$OTHER" unload eth0
ok "refused with the other program's id; nothing half-loaded"

step "xdp native on a device without native XDP (a bridge) fails clearly; auto falls back to generic"
nip h1 link add dummy0 type bridge # a bridge: Ethernet, without native XDP
nip h1 link set dummy0 up
addr h1 dummy0 2001:db8:99::1/64
out=$(sb h1 load dummy0 xdp native 2>&1) && fail "native XDP on dummy0 accepted"
assert_match "native refused" "cannot attach XDP in native mode on dummy0" "$out"
assert_eq "no filter left on dummy0" "" "$(nsx h1 tc filter show dev dummy0 egress)"
assert_eq "no pins left" "" "$(ls "$(pin_ns_dir h1)" 2>/dev/null || true)"
sb h1 load dummy0 >/dev/null
assert_eq "auto on dummy0 is generic" generic "$(sbj h1 show dev dummy0 | json_eval 'j[0]["xdp_mode"]')"
sb h1 unload dummy0
ok "native error, generic fallback"

step "longest prefix wins; decap4/decap6 take one family, decap both"
sb h1 load eth0 >/dev/null
sb h0 load eth0 >/dev/null
lab_host_decap h0
sb h1 sid add fc00:0:2::/48 dev eth0 action decap4
sb h1 sid add fc00:0:2:e006::/64 dev eth0 action decap6
sb h1 route add "$H0_6" dev eth0 segs "$SIDB6_1"
sb h1 route add "$H0_4" dev eth0 segs "$SIDB4_1"
sb h0 route add "$H1_6" dev eth0 segs fc00:0:100:2:e006:: # /64 decap6: IPv6 inside
sb h0 route add "$H1_4" dev eth0 segs fc00:0:100:2:e004:: # /48 decap4: IPv4 inside
nsx h0 ping -q -c2 -W2 "$H1_6" >/dev/null || fail "IPv6 inside to the /64 decap6 SID"
nsx h0 ping -q -c2 -W2 "$H1_4" >/dev/null || fail "IPv4 inside to the /48 decap4 SID"
sids=$(sbj h1 sid show dev eth0)
assert_eq "per-SID packets (/48 got the IPv4 pings, /64 the IPv6 ones)" "[2, 2]" \
	"$(json_eval '[s["packets"] for s in sorted(j, key=lambda s: s["sid"])]' <<<"$sids")"
sb h0 route replace "$H1_6" dev eth0 segs fc00:0:100:2:e005:: # /48 decap4: wrong family
wf=$(sbj h1 stats dev eth0 | json_eval 'j[0]["decap_counters"]["pass_wrong_family"]')
nsx h0 ping -q -c2 -W1 "$H1_6" >/dev/null && fail "IPv6 inside was delivered through a decap4 SID"
assert_eq "pass_wrong_family" $((wf + 2)) \
	"$(sbj h1 stats dev eth0 | json_eval 'j[0]["decap_counters"]["pass_wrong_family"]')"
assert_eq "sid show" "fc00:0:2::/48 dev eth0 action decap4  # packets 2 bytes 168" \
	"$(sb h1 sid show dev eth0 | head -1)"
ok "LPM and per-family actions"

step "sid errors: one line, non-zero exit, the SID table unchanged"
before=$(sbj h1 sid show)
expect_err() { expect_one_error "$1" "$2" sb h1 "${@:3}"; } # expect_err WHAT PATTERN ARGS...
expect_err "no length" "give SID/LEN" sid add fc00:0:2:: dev eth0 action decap
expect_err "length 0" "1-128" sid add fc00:0:2::/0 dev eth0 action decap
expect_err "length 129" "1-128" sid add fc00:0:2::/129 dev eth0 action decap
expect_err "host bits" "bits set past /48" sid add fc00:0:2::1/48 dev eth0 action decap
expect_err "not a SID" "invalid SID" sid add ff02::1/128 dev eth0 action decap
expect_err "bad action" "invalid action" sid add fc00:0:3::/48 dev eth0 action forward
expect_err "missing action" "missing action" sid add fc00:0:3::/48 dev eth0
expect_err "missing dev" "missing dev" sid add fc00:0:3::/48 action decap
expect_err "exists" "exists on eth0" sid add fc00:0:2::/48 dev eth0 action decap
expect_err "del absent" "no SID fc00:0:3::/48" sid del fc00:0:3::/48 dev eth0
expect_err "not loaded" "not loaded on lo" sid add fc00:0:3::/48 dev lo action decap
assert_eq "SID table unchanged" "$before" "$(sbj h1 sid show)"
sb h1 sid replace fc00:0:2::/48 dev eth0 action decap
assert_eq "replace changes the action, keeps the counters" '["decap", 2]' \
	"$(sbj h1 sid show dev eth0 | json_eval '[[s["action"], s["packets"]] for s in j if s["sid"] == "fc00:0:2::/48"][0]')"
sb h1 sid del fc00:0:2:e006::/64 dev eth0
assert_eq "del" 1 "$(sbj h1 sid show dev eth0 | json_eval 'len(j)')"
ok "errors and replace/del"
