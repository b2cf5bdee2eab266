#!/usr/bin/env bash
# Fast failover on a leaf-spine: 2 spines, 2 leaves, one host per leaf
# (tests/lab). host0000 and host0001 reach each other over both spines (one
# micro-SID carrier per spine, weight 1 each) and both run `srv6-bpf probe`
# (10 ms, down after 3 lost). Under a UDP stream of a numbered datagram a
# millisecond (tests/lib/gap.py: one flow, one path) and a TCP stream from
# host0000 to host0001, the link from the spine the UDP flow crosses to leaf01
# dies (drops everything both ways):
#   - the UDP stream's longest gap is under 100 ms;
#   - the TCP stream never stops for a whole 0.5 s interval;
#   - the dead path is down on both hosts, its packets counted as failover;
#   - the link comes back: the path comes back up and the flow returns to it.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
LAB_DIR=$KT_TMP/lab

step "the lab: 2 spines, 2 leaves, a host on each; srv6-bpf on both hosts"
lab_pair_probing 200

clang -O2 -target bpf -c "$KT_LIB_DIR/drop.bpf.c" -o "$KT_TMP/drop.o"
link_dead() { lab_link_dead "$SPINE" leaf01 "$1" "$KT_TMP/drop.o"; }
path_json() { lab_path_json "$@"; }
udp() { local n=$1; shift; nsx "$n" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" "$@"; }

# The UDP flow's path (gap.py's fixed ports), and so the spine whose link dies.
P=$(lab_flow_path "$A" "$B6")
SPINE=spine0$P
assert_ge "datagrams on path $P (via $SPINE)" 20 "$(path_json "$A" "$P" packets)"
for h in $A $B; do
	for i in 0 1; do assert_eq "$h path $i state" up "$(path_json "$h" $i state)"; done
done
ok "the UDP flow crosses $SPINE; every path up on both hosts"

step "$SPINE's link to leaf01 dies under a 1 ms UDP stream and a TCP stream"
nsx "$B" iperf3 -s -1 -D -p 5301 >/dev/null
sleep 0.3
bg_start tcp "$A" iperf3 -6 -c "$B6" -p 5301 -t 4 -i 0.5 -J
bg_start recv "$B" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" recv --count 3000
bg_ready recv ready
bg_start send "$A" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" send "$B6" --count 3000
sleep 1
link_dead on
bg_wait send 20 || fail "the UDP sender failed"
bg_wait recv 20 || fail "the UDP receiver failed"
bg_wait tcp 20 || fail "iperf3 failed: $(tail -3 "$KT_TMP/tcp.err")"
read -r gap got < <(tail -1 "$KT_TMP/recv.out")
assert_le "the UDP stream's longest gap at 1 ms (under 100 ms)" 99 "$gap"
assert_ge "datagrams that arrived" 2800 "$got"
gaps=$(json_eval '" ".join(str(round(i["sum"]["bytes"])) for i in j["intervals"])' "$KT_TMP/tcp.out")
assert_ge "TCP bytes in the emptiest 0.5 s interval" 1 \
	"$(json_eval 'min(round(i["sum"]["bytes"]) for i in j["intervals"])' "$KT_TMP/tcp.out")"
assert_eq "$A path $P state" down "$(path_json "$A" "$P" state)"
assert_eq "$A path $((1 - P)) state" up "$(path_json "$A" $((1 - P)) state)"
assert_eq "$B path $P state (its way back through $SPINE)" down "$(path_json "$B" "$P" state)"
assert_ge "$A path $P failover_packets" 1 "$(path_json "$A" "$P" failover_packets)"
ok "the UDP flow's longest gap: $gap ms ($got of 3000 arrived); TCP bytes per 0.5 s: $gaps"

step "the link comes back: the path comes back up, the flow with it"
link_dead off
path_up() { test "$(path_json "$A" "$P" state)" = up; }
wait_for 100 0.05 "$A path $P up again" path_up
before=$(path_json "$A" "$P" packets)
udp "$A" send "$B6" --count 20 --every-ms 5
assert_eq "datagrams on path $P again" 20 $(($(path_json "$A" "$P" packets) - before))
ok "fast failover: a dead spine link cost the flow $gap ms"
