#!/usr/bin/env bash
# Probes under load must not flap a healthy path. The leaf-spine lab of
# test_fabric_failover (2 spines, 2 leaves, host0000 (A) on leaf00, host0001
# (B) on leaf01, every link tbf-shaped to 200 Mbit/s with a 20 ms queue), both
# hosts probing both of their paths at 10 ms (down after 3 lost), and nothing
# failing. For 60 s, TCP at line rate both ways (iperf3 A -> B and B -> A, 4
# streams each), so the shaped links' queues fill, the probes' among them (a
# probe leaves through its host's own shaper and crosses the access links both
# ways):
#   - the traffic ran at line rate: each direction received at least 80% of
#     the shaped rate, and both hosts' shapers held packets back (tbf
#     overlimits; the peak backlog of each access link's two shapers, the
#     host's eth0 and its leaf's port to it, sampled every 0.2 s, is reported);
#   - no path ever went down: every path up on both hosts at the end, its
#     srv6_bpf_path_state_changes_total 0, no event=path-down line in either
#     prober's log, no packet failed over (failover_packets 0) or left
#     unencapsulated for want of a live path (pass_all_paths_down 0);
#   - the probes kept coming back: the answered probes and their mean round
#     trip per path (srv6_bpf_path_probe_rtt_seconds) are reported.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
LAB_DIR=$KT_TMP/lab
RATE=200 # Mbit/s, every link
SECS=60

step "the lab: 2 spines, 2 leaves, a host on each; srv6-bpf on both hosts, both probing"
lab_pair_probing "$RATE"

path_json() { lab_path_json "$@"; }
counter() { lab_sb "$1" -j stats dev eth0 | json_eval "j[0]['counters']['$2']"; }
# metric HOST NAME I: HOST's sample of NAME for its path I.
metric() {
	lab_sb "$1" metrics dev eth0 | awk -v m="$2" -v p="path=\"$3\"" \
		'index($1, m "{") == 1 && index($0, p) && v == "" { v = $2 } END { print v }'
}
# tbf HOST FIELD: a field of the statistics of HOST's eth0 shaper (tc -s -j).
tbf() {
	ntc "$1" -s -j qdisc show dev eth0 | json_eval "[q for q in j if q['kind'] == 'tbf'][0]['$2']"
}

is_up() { [[ $(path_json "$1" "$2" state) == up ]]; }
for h in $A $B; do
	for i in 0 1; do wait_for 100 0.05 "$h path $i up" is_up "$h" $i; done
done
for h in $A $B; do
	for i in 0 1; do
		assert_eq "$h path $i state changes before the load" 0 \
			"$(metric "$h" srv6_bpf_path_state_changes_total $i)"
	done
done
all_a=$(counter "$A" pass_all_paths_down)
all_b=$(counter "$B" pass_all_paths_down)
ok "every path up on both hosts, no state change yet"

step "${SECS} s of TCP at line rate both ways (4 streams each), both hosts probing at 10 ms"
bg_start srv-b "$B" iperf3 -s -1 -p 5301 --forceflush
bg_start srv-a "$A" iperf3 -s -1 -p 5302 --forceflush
bg_ready srv-b "Server listening"
bg_ready srv-a "Server listening"
# The backlog of both shapers of each access link, every 0.2 s: a probe waits
# in its host's eth0 on the way out and in the leaf's port to the host (behind
# the other host's traffic) on the way home.
LEAF_A=$(lab_host "$A" leaf) LEAF_B=$(lab_host "$B" leaf)
for q in "$A eth0" "$B eth0" "$LEAF_A $A" "$LEAF_B $B"; do
	read -r node dev <<<"$q"
	# shellcheck disable=SC2016 # the inner shell expands its own variables
	bg_start "backlog-$node-$dev" "$node" bash -c 'while :; do
		tc -s qdisc show dev "$1" | awk "/^qdisc tbf/ { t = 1 } t && /backlog/ { print \$2 + 0; exit }"
		sleep 0.2; done' _ "$dev"
done
bg_start ab "$A" iperf3 -6 -c "$B6" -p 5301 -t "$SECS" -P 4 -J
bg_start ba "$B" iperf3 -6 -c "$A6" -p 5302 -t "$SECS" -P 4 -J
bg_wait ab $((SECS + 30)) || fail "iperf3 $A -> $B failed: $(tail -3 "$KT_TMP/ab.err")"
bg_wait ba $((SECS + 30)) || fail "iperf3 $B -> $A failed: $(tail -3 "$KT_TMP/ba.err")"
for q in "$A-eth0" "$B-eth0" "$LEAF_A-$A" "$LEAF_B-$B"; do bg_kill "backlog-$q"; done
sleep 1.1 # the prober writes the round trips once a second

# What happened, for the ok lines or the failure's message.
# queued BYTES: "BYTES bytes (MS ms at the rate)".
queued() { echo "${1:-?} bytes ($(((${1:-0} * 8) / (RATE * 1000))) ms at $RATE Mbit/s)"; }
mbit() { json_eval 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6)' "$KT_TMP/$1.out"; }
ab=$(mbit ab) ba=$(mbit ba)
declare -A peak peak_leaf plain evidence
plain[$A]=$(($(counter "$A" pass_all_paths_down) - all_a))
plain[$B]=$(($(counter "$B" pass_all_paths_down) - all_b))
changes="" failed_over=""
for h in $A $B; do
	peak[$h]=$(sort -n "$KT_TMP/backlog-$h-eth0.out" | tail -1)
	peak_leaf[$h]=$(sort -n "$KT_TMP/backlog-$(lab_host "$h" leaf)-$h.out" | tail -1)
	probes=""
	for i in 0 1; do
		changes+="$(metric "$h" srv6_bpf_path_state_changes_total $i) "
		failed_over+="$(path_json "$h" $i failover_packets) "
		probes+=" path $i $(metric "$h" srv6_bpf_path_probe_rtt_seconds_count $i) answered, mean $(awk \
			-v s="$(metric "$h" srv6_bpf_path_probe_rtt_seconds_sum $i)" \
			-v n="$(metric "$h" srv6_bpf_path_probe_rtt_seconds_count $i)" \
			'BEGIN { printf "%.2f", n ? s / n * 1000 : 0 }') ms,"
	done
	evidence[$h]="$h: $(grep -c 'event=path-down' "$KT_TMP/probe-$h.err" || true) path-down lines$(grep -m1 \
		'event=path-down' "$KT_TMP/probe-$h.err" | sed 's/^/ (the first: /; s/$/)/');$probes \
${plain[$h]} packets unencapsulated for want of a live path; peak backlog of eth0's shaper \
$(queued "${peak[$h]}") (overlimits $(tbf "$h" overlimits), drops $(tbf "$h" drops)), of the leaf's \
port to $h $(queued "${peak_leaf[$h]}")"
done
changes=${changes% } failed_over=${failed_over% }

assert_ge "$A -> $B received Mbit/s (80% of $RATE)" $((RATE * 8 / 10)) "$ab"
assert_ge "$B -> $A received Mbit/s (80% of $RATE)" $((RATE * 8 / 10)) "$ba"
for h in $A $B; do
	assert_ge "$h's eth0 shaper held packets back (tbf overlimits)" 1 "$(tbf "$h" overlimits)"
done
ok "received $ab Mbit/s $A -> $B, $ba Mbit/s $B -> $A (shaped at $RATE); peak backlog of the eth0 shaper $A $(queued "${peak[$A]}"), $B $(queued "${peak[$B]}")"

step "no path flapped"
assert_eq "state changes under load of paths $A/0 $A/1 $B/0 $B/1 (${evidence[$A]}; ${evidence[$B]})" \
	"0 0 0 0" "$changes"
for h in $A $B; do
	for i in 0 1; do assert_eq "$h path $i state" up "$(path_json "$h" $i state)"; done
	assert_eq "$h's prober's path-down lines" 0 "$(grep -c 'event=path-down' "$KT_TMP/probe-$h.err" || true)"
	assert_eq "$h pass_all_paths_down" 0 "${plain[$h]}"
done
assert_eq "failover_packets of paths $A/0 $A/1 $B/0 $B/1" "0 0 0 0" "$failed_over"
ok "${evidence[$A]}"
ok "${evidence[$B]}"
ok "${SECS} s at line rate both ways: every path stayed up on both hosts, nothing failed over"
