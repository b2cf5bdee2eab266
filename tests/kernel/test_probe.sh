#!/usr/bin/env bash
# srv6-bpf probe: path liveness from probes that travel each path. h0 has three
# paths to h1 (r1's uN 100, 101 and 102 into h1's decap SID) and runs the
# prober (10 ms, down after 3 lost, up after 3 back): each probe U-turns at
# the path's last router (r1) and comes back to h0's own decap SID. r1 then stops ending
# path 2's uN (its End SID or seg6local route goes), so path 2 drops everything:
#   - path 2 goes down (route show, one log line), the others stay up;
#   - UDP flows sent meanwhile all arrive, none on path 2 (on the wire);
#   - r1 ends path 2's uN again: it comes back up, and its flows return to it;
#   - the probes themselves are on the wire: one U-turn per path, echo requests
#     from h0 to itself;
#   - bad input: one line each;
#   - a probe storm is capped: 403 distinct U-turns at 10 ms under --max-rate
#     2000 go out at 2,000 probes a second (the interval grows, one log line).
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_three_paths 1 1 1
# The probes come back to a decap SID of srv6-bpf's (the kernel's End.DT6 does
# not tell the prober where home is).
[[ $LAB_HOST_DECAP == bpf ]] || sb h0 sid add fc00:0:1:e006::/64 dev eth0 action decap6
FLOWS=200
PACKETS=2
PORT=46006

step "bad input: one line each, nothing started"
expect_one_error "probe without dev" 'probe: missing dev DEV' sb h0 probe
expect_one_error "probe of a device not loaded" 'not loaded on|not found' sb r1 probe dev lo
expect_one_error "probe without a decap SID to come back to" 'no micro-SID decap SID' \
	sb r1 probe dev eth0
# The daemon logs its adoption of r1's datapath first, then ends on the error.
out=$(nsx r1 env HOSTS=h0,h1 MASTER_ADDR="$H0_6" JALAPENO_API_ENDPOINT=http://127.0.0.1:9/api/v1 \
	"$SRV6_BPF" --bpffs "$BPFFS" run dev eth0 --probe-interval 10 --timeout 1 \
	--connect-timeout 1 --retries 0 2>&1) && fail "run --probe-interval on r1 started without a decap SID"
assert_match "the daemon's last line" '^srv6-bpf: probe: eth0 has no micro-SID decap SID' \
	"$(tail -1 <<<"$out")"
assert_not_contains "the daemon did not start syncing" "event=start" "$out"
expect_one_error "probe with interval 0" 'probe: --interval: invalid value "0"' \
	sb h0 probe dev eth0 --interval 0
expect_one_error "probe with max-rate 0" 'probe: --max-rate: invalid value "0"' \
	sb h0 probe dev eth0 --max-rate 0
expect_one_error "probe with a bad function" 'probe: --dest-function: invalid value "xyz"' \
	sb h0 probe dev eth0 --dest-function xyz
expect_one_error "probe on the kernel platform" 'kernel platform' \
	sb h0 --platform kernel probe dev eth0

# state I: path I's state in route show.
state() {
	sbj h0 route show dev eth0 | json_eval "[p['paths'][$1]['state'] for p in j if p['peer'] == '$H1_6'][0]"
}

# wait_state I STATE: until path I is STATE (at most 5 s); prints the ms it took.
wait_state() {
	local t0 i
	t0=$(date +%s%3N)
	for ((i = 0; i < 500; i++)); do
		[[ $(state "$1") == "$2" ]] && { echo $(($(date +%s%3N) - t0)); return 0; }
		sleep 0.01
	done
	fail "path $1 not $2 after 5 s (prober log: $(tr '\n' ' ' <"$KT_TMP/probe.err"))"
}

# r1_path2 on|off: whether r1 ends path 2's uN (fc00:0:101::/48).
r1_path2() {
	if [[ $LAB_ROUTER_MODE == kernel ]]; then
		if [[ $1 == on ]]; then lab_router_end r1 fc00:0:101::/48; else
			nip r1 -6 route del fc00:0:101::/48
		fi
	elif [[ $1 == on ]]; then
		sb r1 sid add fc00:0:101::/48 dev eth0 action end
	else
		sb r1 sid del fc00:0:101::/48 dev eth0
	fi
}

# on_paths NAME: "flows on path 1 2 3" of a udp_flows capture.
on_paths() {
	local p
	for p in "$P1" "$P2" "$P3"; do
		pcap_fields "$1" inner_sport,dst inner_dst="$H1_6" inner_dport="$PORT" |
			awk -F'\t' -v d="$p" '$2 == d { print $1 }' | sort -u | wc -l
	done | tr '\n' ' '
}

step "the prober on h0: every path up, probes on the wire"
cap_start probes h0 eth0 ip6 and src "$H0_6"
bg_start probe h0 "$SRV6_BPF" --bpffs "$BPFFS" probe dev eth0 --interval 10
sleep 0.5
cap_stop probes
for i in 0 1 2; do assert_eq "path $((i + 1)) state" up "$(state $i)"; done
got=$(pcap_fields probes dst,inner_dst,inner_proto | awk -F'\t' '$3 == 58' | sort | uniq -c |
	awk '{print $2, $3, ($1 >= 10)}' | tr '\n' ' ')
assert_eq "probes per U-turn (>= 10 in 0.5 s)" \
	"fc00:0:100:1:e006:: $H0_6 1 fc00:0:101:1:e006:: $H0_6 1 fc00:0:102:1:e006:: $H0_6 1 " "$got"
ok "probes on the wire: one U-turn per path, through r1 and back to h0"

step "r1 stops ending path 2: it goes down, its flows move"
r1_path2 off
ms=$(wait_state 1 down)
assert_eq "path 1 state" up "$(state 0)"
assert_eq "path 3 state" up "$(state 2)"
assert_match "log line" 'event=path-down .*segs=fc00:0:101:2:e006::' "$(cat "$KT_TMP/probe.err")"
udp_flows down "$H1_6" "$PORT" 22000
read -r n1 n2 n3 <<<"$(on_paths down)"
assert_eq "flows on path 2 while it is down" 0 "$n2"
assert_eq "flows on paths 1 and 3" "$FLOWS" $((n1 + n3))
ok "path 2 down ${ms} ms after r1 dropped it; $FLOWS flows arrived on paths 1 ($n1) and 3 ($n3)"

step "r1 ends path 2 again: it comes back, and its flows with it"
r1_path2 on
ms=$(wait_state 1 up)
udp_flows back "$H1_6" "$PORT" 22000
read -r n1 n2 n3 <<<"$(on_paths back)"
assert_ge "flows on path 2 again" 1 "$n2"
assert_match "log line" 'event=path-up .*segs=fc00:0:101:2:e006::' "$(cat "$KT_TMP/probe.err")"
ok "path 2 up ${ms} ms after r1 took it back; flows per path $n1 $n2 $n3"

metric() { # metric NAME PATH: h0's sample of NAME for H1_6's path PATH (0-based)
	sb h0 metrics dev eth0 | awk -v m="$1" -v p="path=\"$2\"" \
		'index($1, m "{") == 1 && index($0, p) && v == "" { v = $2 } END { print v }'
}
assert_eq "srv6_bpf_path_state_changes_total of path 2 (down, up)" 2 \
	"$(metric srv6_bpf_path_state_changes_total 1)"
assert_eq "srv6_bpf_path_state_changes_total of path 1" 0 \
	"$(metric srv6_bpf_path_state_changes_total 0)"
sleep 1.1 # the prober writes the round trips once a second
answered=$(metric srv6_bpf_path_probe_rtt_seconds_count 0)
rtt=$(metric srv6_bpf_path_probe_rtt_seconds_sum 0)
assert_ge "answered probes of path 1" 50 "$answered"
assert_ok "mean round trip of path 1 under 100 ms ($rtt s / $answered)" \
	awk -v s="$rtt" -v n="$answered" 'BEGIN { exit !(s > 0 && s / n < 0.1) }'
ok "metrics: 2 state changes on path 2, $answered probes answered on path 1"
bg_kill probe
assert_match "the prober's last line" 'event=probe-stop' "$(tail -1 "$KT_TMP/probe.err")"
ok "probe: a dead path found by its own probes, its flows failed over and back"

step "the daemon probes too (run --probe-interval), whatever its syncs do"
# No API answers (port 9): every sync fails and keeps the routes above.
bg_start daemon h0 env HOSTS=h0,h1 MASTER_ADDR="$H0_6" \
	JALAPENO_API_ENDPOINT=http://127.0.0.1:9/api/v1 "$SRV6_BPF" --bpffs "$BPFFS" run dev eth0 \
	--interval 60 --probe-interval 10 --timeout 1 --connect-timeout 1 --retries 0
wait_for 50 0.1 "the daemon's prober" grep -q event=probe-start "$KT_TMP/daemon.err"
r1_path2 off
ms=$(wait_state 1 down)
r1_path2 on
wait_state 1 up >/dev/null
bg_kill daemon
assert_match "the daemon's log" 'event=path-down .*segs=fc00:0:101:2:e006::' "$(cat "$KT_TMP/daemon.err")"
assert_match "the daemon's log" 'event=probe-stop' "$(cat "$KT_TMP/daemon.err")"
ok "the daemon's prober took path 2 down in ${ms} ms and back up"

step "a probe storm is capped: more U-turns than --max-rate allows stretch the interval"
# 400 more peers, each through its own router micro-SID (nobody ends them:
# their probes are lost, which changes nothing here), and the three paths
# above: 403 distinct U-turns, 40,300 probes/s at 10 ms; capped at 2,000/s.
"$KT_PYTHON" -c '
for i in range(400):
    print(f"2001:db8:300::{i + 1:x} dev eth0 segs fc00:0:{0x3000 + i:x}:2:e006::")' >"$KT_TMP/storm.batch"
sb h0 route add -batch "$KT_TMP/storm.batch"
bg_start storm h0 "$SRV6_BPF" --bpffs "$BPFFS" probe dev eth0 --interval 10 --max-rate 2000
wait_for 50 0.1 "the prober's first round" grep -q event=probe-capped "$KT_TMP/storm.err"
assert_match "the cap's log line" \
	'event=probe-capped dev=eth0 u_turns=403 max_rate=2000 interval_ms=202 \(not 10\): a dead path is found after 808 ms' \
	"$(grep event=probe-capped "$KT_TMP/storm.err")"
cap_start stormcap h0 eth0 -Q out ip6 and src "$H0_6" and dst net fc00::/16
sleep 3.5
bg_kill storm
cap_stop stormcap
sb h0 route del -batch - < <(awk '{ print $1, $2, $3 }' "$KT_TMP/storm.batch")
# Probes a second over the capture's middle 2 s (whole rounds of 403 either side).
rate=$(pcap_dump stormcap | "$KT_PYTHON" -c '
import json, sys
ts = [json.loads(l)["ts"] for l in sys.stdin]
t0 = ts[0] + 0.5
print(round(sum(t0 <= t < t0 + 2 for t in ts) / 2))')
assert_between "probes a second at --max-rate 2000" 1600 2200 "$rate"
ok "403 U-turns under --max-rate 2000: $rate probes a second on the wire (uncapped: 40,300), one round every 202 ms"
