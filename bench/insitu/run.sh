#!/usr/bin/env bash
# Section "insitu": what srv6_encap costs per packet where it runs, on the TC
# egress hook under real traffic. h0 -- h1 over one veth pair; srv6-bpf on
# h0's eth0 with one peer (h1's 2001:db8:2::2, one SID, no SRH). Workloads: UDP
# datagrams of 64 and 1,400 payload bytes from build/bench/udp-blast
# (sendmmsg, one connected socket: one skb per datagram), and one TCP stream
# (iperf3: GSO skbs). Modes, interleaved run by run:
#   plain      nothing on h0's egress hook (the sender's pps baseline)
#   empty      an empty TC program (bench/insitu/empty.bpf.c) alone on the hook
#   srv6       srv6-bpf's srv6_encap (its own filter, attached by srv6-bpf load)
#   room       (UDP 64 B) bench/insitu/room.bpf.c in front of srv6_encap: it gives the
#              skb headroom for the outer header first, so srv6_encap's
#              bpf_skb_adjust_room need not reallocate the head
#   headroom   (UDP) srv6_encap with h0's eth0 reporting needed_headroom 84: h1's
#              eth0 joins a bridge that holds a VXLAN device, and the bridge
#              raises both ends of the veth pair to its headroom, so the UDP
#              stack reserves room for the outer header itself (no program in
#              front; bench/insitu/headroom.py reads IFLA_HEADROOM to prove it)
#   peers      (UDP 64 B) srv6_encap with BENCH_IS_PEERS peers in its map
#   reroute    (UDP 64 B) srv6-bpf loaded with peer-routes off: every path asks
#              the FIB; without IPv6 forwarding on eth0 (a host's usual state)
#              bpf_fib_lookup cannot answer, bpf_redirect_neigh does, and the
#              packet crosses the hook twice
#   miss       srv6_encap with h1 not a peer: the packets pass untouched (UDP 64 B,
#              and TCP, whose skbs are clones: the unclone prologue that direct
#              packet writes bring calls bpf_skb_pull_data for them)
#   reroute_fwd (UDP 64 B) the same with forwarding on h0's eth0: bpf_fib_lookup
#              answers, one pass
# Each run reads run_cnt and run_time_ns of every program on the hook around
# the sender (build/bench/prog-time: BPF_ENABLE_STATS held by a file
# descriptor; the kernel.bpf_stats_enabled sysctl is left alone). ns per packet
# = srv6_encap's ns per run minus the empty program's, paired run by run.
#
# h1 receives each UDP run with a TC ingress program that drops everything
# (bench/insitu/sink.bpf.c: the receiver costs the same little in every mode,
# on the sender's CPU) and each TCP run with srv6-bpf's XDP (generic)
# decapsulating its SID, loaded in every TCP mode alike.
#
# BENCH_IS_BREAKDOWN=1 adds the breakdown: variants of srv6_encap built from a
# patched copy of bpf/srv6_encap.bpf.c (bench/insitu/variants.py: stop after
# each step, bpf_skb_store_bytes writes, no MTU check), loaded against srv6-bpf's
# pinned maps and timed the same way on UDP 64 B (alone and behind room) and TCP.
#
# Env: BENCH_IS_RUNS (runs per mode, default 3; --quick 1), BENCH_IS_SECONDS
# (per run, default 2; --quick 1), BENCH_IS_PEERS (default 65536; 0 leaves the
# peers mode out), BENCH_IS_BREAKDOWN (0), BENCH_IS_BEFORE (a git revision: its
# srv6_encap timed in the same rounds as modes "before" and "reroute_before").
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
bench_need ip tc iperf3

if [ "$BENCH_QUICK" = 1 ]; then RUNS=1 SECS=1; else RUNS=3 SECS=2; fi
RUNS=${BENCH_IS_RUNS:-$RUNS}
SECS=${BENCH_IS_SECONDS:-$SECS}
PEERS=${BENCH_IS_PEERS:-65536}
BREAKDOWN=${BENCH_IS_BREAKDOWN:-0}
BEFORE=${BENCH_IS_BEFORE:-}
[ "$RUNS" -ge 1 ] 2>/dev/null || bench_die "BENCH_IS_RUNS must be a number, at least 1"
[ "$SECS" -ge 1 ] 2>/dev/null || bench_die "BENCH_IS_SECONDS must be a number, at least 1"
if ! [ "$PEERS" -ge 0 ] 2>/dev/null || [ "$PEERS" -gt 65536 ]; then
	bench_die "BENCH_IS_PEERS must be 0-65536 (srv6-bpf's default peers-max)"
fi
[[ $BREAKDOWN == [01] ]] || bench_die "BENCH_IS_BREAKDOWN must be 0 or 1"
BLAST=$BENCH_BUILD/bench/udp-blast
PROG_TIME=$BENCH_BUILD/bench/prog-time
OBJS=$BENCH_BUILD/bench/insitu
for f in "$BLAST" "$PROG_TIME" "$OBJS/empty.bpf.o" "$OBJS/room.bpf.o" "$OBJS/sink.bpf.o"; do
	[ -e "$f" ] || bench_die "$f missing (make bench builds it)"
done

P=$BENCH_PREFIX-is
bench_tmpdir TMP is
bench_bpffs BPFFS
DST=2001:db8:2::2
SID=fc00:0:2:e006::
SRV6_PREF=21302 # 0x5336: srv6-bpf's filter (SRV6_TC_PRIORITY, handle SRV6_TC_HANDLE)
h0() { ip netns exec "$P-h0" "$@"; }
sb() { local n=$1; shift; ip netns exec "$P-$n" "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }

# --- the lab ------------------------------------------------------------------
for n in h0 h1; do
	ip netns add "$P-$n"
	bench_at_exit "ip netns del '$P-$n'"
	ip -n "$P-$n" link set lo up
done
ip -n "$P-h0" link add eth0 type veth peer name eth0 netns "$P-h1"
for n in h0 h1; do ip -n "$P-$n" link set eth0 mtu 1540 up; done
ip -n "$P-h0" addr add 2001:db8:1::1/64 dev eth0 nodad
ip -n "$P-h1" addr add 2001:db8:1::2/64 dev eth0 nodad
ip -n "$P-h1" addr add "$DST/128" dev lo nodad
# Every mode sends with the same MTU: the route's 1500 where srv6-bpf has no
# host route (plain, empty, reroute), the peer route's 1540 - 40 where it has.
ip -n "$P-h0" -6 route add 2001:db8:2::/64 via 2001:db8:1::2 dev eth0 mtu 1500
ip -n "$P-h0" -6 route add fc00::/16 via 2001:db8:1::2 dev eth0
# Static neighbours: the sink drops neighbour discovery too.
mac() { ip -n "$P-$1" -j link show eth0 | "$BENCH_PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["address"])'; }
ip -n "$P-h0" neigh replace 2001:db8:1::2 lladdr "$(mac h1)" dev eth0 nud permanent
ip -n "$P-h1" neigh replace 2001:db8:1::1 lladdr "$(mac h0)" dev eth0 nud permanent
tc -n "$P-h1" qdisc add dev eth0 clsact
ip netns exec "$P-h1" iperf3 -s -D -B "$DST" -I "$TMP/iperf3.pid" --logfile "$TMP/iperf3.log"
for _ in $(seq 50); do [ -s "$TMP/iperf3.pid" ] && break; sleep 0.1; done
[ -s "$TMP/iperf3.pid" ] || bench_die "iperf3 server did not start: $(cat "$TMP/iperf3.log")"
bench_at_exit "kill $(cat "$TMP/iperf3.pid")"

# The headroom mode's bridge on h1 (not joined by eth0 until the mode runs).
HEADROOM=yes
if ! { ip -n "$P-h1" link add vx0 type vxlan id 42 dstport 4789 local 2001:db8:1::2 dev eth0 &&
	ip -n "$P-h1" link add br0 type bridge && ip -n "$P-h1" link set vx0 master br0; } 2>"$TMP/br.err"; then
	HEADROOM="no: cannot build the bridge with a VXLAN device on this kernel: $(head -c 200 "$TMP/br.err")"
	echo "insitu: headroom mode left out ($HEADROOM)" >&2
fi
h0_headroom() { ip netns exec "$P-h0" "$BENCH_PY" "$BENCH_ROOT/insitu/headroom.py" eth0; }

# h0: srv6-bpf with its pins kept and its filter detached between runs; a mode
# that runs srv6_encap attaches it again (srv6-bpf load on a loaded device).
h0_load() {
	sb h0 load eth0 xdp off "$@" >/dev/null
	sb h0 route add "$DST" dev eth0 segs "$SID"
}
srv6_attach() {
	sb h0 load eth0 xdp off >/dev/null 2>"$TMP/attach.err" || { cat "$TMP/attach.err" >&2; return 1; }
}
srv6_detach() { tc -n "$P-h0" filter del dev eth0 egress pref "$SRV6_PREF" handle 0x5336 bpf; }
bench_at_exit "sb h0 unload eth0"
h0_load
srv6_detach
[ "$PEERS" -gt 1 ] && "$BENCH_PY" - "$PEERS" "$TMP" <<'PY'
import sys
n, tmp = int(sys.argv[1]), sys.argv[2]
with open(f"{tmp}/peers.add", "w") as a, open(f"{tmp}/peers.del", "w") as d:
    for i in range(1, n):  # the measured peer is the n-th
        a.write(f"2001:db8:3::{i >> 16:x}:{i & 0xffff:x} dev eth0 segs fc00:0:2:e006::\n")
        d.write(f"2001:db8:3::{i >> 16:x}:{i & 0xffff:x} dev eth0\n")
PY

# h1's receiver: the sink for UDP, srv6-bpf's decapsulation for TCP.
RECEIVER=none
receiver() {
	[ "$RECEIVER" = "$1" ] && return 0
	case $RECEIVER in
	sink) tc -n "$P-h1" filter del dev eth0 ingress pref 1 handle 1 bpf ;;
	decap) sb h1 unload eth0 ;;
	esac
	case $1 in
	sink) tc -n "$P-h1" filter add dev eth0 ingress pref 1 handle 1 bpf da obj "$OBJS/sink.bpf.o" sec tc ;;
	decap)
		sb h1 load eth0 xdp generic >/dev/null
		sb h1 sid add "$SID/64" dev eth0 action decap6
		;;
	esac
	RECEIVER=$1
}
bench_at_exit 'receiver none'

# --- the modes: each on, then off, back to nothing on h0's hook -----------------
pre_attach() { tc -n "$P-h0" filter add dev eth0 egress pref 1 handle 1 bpf da obj "$OBJS/$1.bpf.o" sec tc; }
pre_detach() { tc -n "$P-h0" filter del dev eth0 egress pref 1 handle 1 bpf; }
plain_on() { :; }
plain_off() { :; }
empty_on() { pre_attach empty; }
empty_off() { pre_detach; }
srv6_on() { srv6_attach; }
srv6_off() { srv6_detach; }
room_on() { pre_attach room && srv6_attach; }
room_off() { srv6_detach && pre_detach; }
peers_on() { sb h0 route add -batch "$TMP/peers.add" && srv6_attach; }
peers_off() { srv6_detach && sb h0 route del -batch "$TMP/peers.del"; }
headroom_on() {
	local hr
	ip -n "$P-h1" link set eth0 master br0 && hr=$(h0_headroom) || return 1
	[ "$hr" -ge 40 ] || { echo "h0's eth0 has $hr bytes of headroom in the bridge, not 40" >&2; return 1; }
	echo "$hr" >"$TMP/headroom.bytes"
	srv6_attach
}
headroom_off() {
	srv6_detach && ip -n "$P-h1" link set eth0 nomaster &&
		[ "$(h0_headroom)" -eq "$HEADROOM0" ]
}
reroute_on() { sb h0 unload eth0 && h0_load peer-routes off; }
reroute_off() { sb h0 unload eth0 && h0_load && srv6_detach; }
miss_on() { sb h0 route del "$DST" dev eth0 && srv6_attach; }
miss_off() { srv6_detach && sb h0 route add "$DST" dev eth0 segs "$SID"; }
h0_forwarding() { ip netns exec "$P-h0" sysctl -qw "net.ipv6.conf.eth0.forwarding=$1"; }
reroute_fwd_on() { h0_forwarding 1 && reroute_on; }
reroute_fwd_off() { reroute_off && h0_forwarding 0; }
# Breakdown variants: v_NAME attaches the pinned variant NAME (pref 2), alone;
# vroom_NAME behind room. Each is loaded with bpftool prog loadall (srv6_encap
# and, where it has one, its tail srv6_encap_write), pinned in a directory.
variant_on() { tc -n "$P-h0" filter add dev eth0 egress pref 2 handle 2 bpf da object-pinned "$BPFFS/insitu/$1/srv6_encap"; }
variant_off() { tc -n "$P-h0" filter del dev eth0 egress pref 2 handle 2 bpf; }

UDP_MODES=(plain empty srv6 room)
if [ "$HEADROOM" = yes ]; then
	UDP_MODES+=(headroom)
	HEADROOM0=$(h0_headroom) || bench_die "cannot read h0's eth0 headroom (IFLA_HEADROOM)"
fi
UDP1400_MODES=(plain empty srv6)
[ "$HEADROOM" = yes ] && UDP1400_MODES+=(headroom)
[ "$PEERS" -gt 1 ] && UDP64_EXTRA=(peers) || UDP64_EXTRA=()
UDP64_EXTRA+=(reroute reroute_fwd miss)
TCP_MODES=(plain empty srv6 miss)
# Programs loaded by bpftool against srv6-bpf's pinned maps (breakdown, before).
maps=()
if [ "$BREAKDOWN" = 1 ] || [ -n "$BEFORE" ]; then
	bench_need bpftool clang
	mkdir -p "$BPFFS/insitu"
	pins=$(sb h0 -j show dev eth0 | "$BENCH_PY" -c 'import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d["pin_dir"])') || bench_die "cannot read srv6-bpf's pin directory"
	for m in srv6_config srv6_peers srv6_path_state srv6_path_ctrs srv6_encap_ctrs; do
		maps+=(map name "$m" pinned "$pins/$m")
	done
fi
# build_encap SRC_DIR OUT [-D...]: SRC_DIR/bpf/srv6_encap.bpf.c built as bench/insitu's
# variants are (SRC_DIR/include and SRC_DIR/bpf first on the include path).
build_encap() {
	local src=$1 out=$2
	shift 2
	clang -g -O2 -target bpf -mcpu=v3 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-Dtypeof=__typeof__ -Dasm=__asm__ -I"$REPO_ROOT/vmlinux" -I"$src/include" \
		-I"$REPO_ROOT/include" -I"$src/bpf" "$@" -c "$src/bpf/srv6_encap.bpf.c" -o "$out"
}
if [ -n "$BEFORE" ]; then
	# srv6_encap as of git revision $BEFORE, its maps unpinned like the variants';
	# loaded afresh for each run, so a reload of srv6-bpf (reroute) cannot leave
	# it on old maps.
	bench_need git tar
	mkdir -p "$TMP/before"
	git -C "$REPO_ROOT" archive "$BEFORE" bpf include | tar -x -C "$TMP/before" ||
		bench_die "BENCH_IS_BEFORE=$BEFORE: cannot read bpf/ and include/ at that revision"
	sed -i '/__uint(pinning, LIBBPF_PIN_BY_NAME);/d' "$TMP/before/bpf/encap_maps.h"
	build_encap "$TMP/before" "$TMP/before/srv6_encap.o" ||
		bench_die "BENCH_IS_BEFORE=$BEFORE: srv6_encap did not compile"
	before_load() {
		rm -rf "$BPFFS/insitu/before"
		bpftool prog loadall "$TMP/before/srv6_encap.o" "$BPFFS/insitu/before" type classifier \
			"${maps[@]}" 2>"$TMP/before/load.log" ||
			{ grep -v 'strict mode\|legacy option' "$TMP/before/load.log" | tail -5 >&2; return 1; }
	}
	before_on() { before_load && variant_on before; }
	before_off() { variant_off && rm -rf "$BPFFS/insitu/before"; }
	reroute_before_on() { reroute_on && srv6_detach && before_on; }
	reroute_before_off() { before_off && reroute_off; }
	miss_before_on() { sb h0 route del "$DST" dev eth0 && before_on; }
	miss_before_off() { before_off && sb h0 route add "$DST" dev eth0 segs "$SID"; }
	UDP_MODES=("${UDP_MODES[@]:0:3}" before "${UDP_MODES[@]:3}")
	UDP1400_MODES=("${UDP1400_MODES[@]:0:3}" before "${UDP1400_MODES[@]:3}")
	TCP_MODES+=(before)
	UDP64_EXTRA+=(reroute_before miss_before)
	TCP_MODES+=(miss_before)
fi
if [ "$BREAKDOWN" = 1 ]; then
	mkdir -p "$TMP/variants"
	"$BENCH_PY" "$BENCH_ROOT/insitu/variants.py" "$REPO_ROOT/bpf" "$TMP/variants" >"$TMP/variants.tsv"
	while IFS=$'\t' read -r name defines workloads _; do
		[ "$defines" != - ] || defines=
		# shellcheck disable=SC2086 # defines: zero or more -D flags
		build_encap "$TMP/variants" "$TMP/variants/$name.o" $defines ||
			bench_die "variant $name did not compile"
		bpftool prog loadall "$TMP/variants/$name.o" "$BPFFS/insitu/$name" type classifier \
			"${maps[@]}" 2>"$TMP/variants/$name.log" ||
			bench_die "variant $name did not load: $(grep -v 'strict mode\|legacy option' "$TMP/variants/$name.log" | tail -5)"
		eval "v_${name}_on() { variant_on $name; }; v_${name}_off() { variant_off; }"
		eval "vroom_${name}_on() { pre_attach room && variant_on $name; }"
		eval "vroom_${name}_off() { variant_off && pre_detach; }"
		[[ " $workloads " == *" udp64 "* ]] && UDP64_EXTRA+=("v_$name")
		[[ " $workloads " == *" tcp "* ]] && TCP_MODES+=("v_$name")
		case $name in adjust | write | full | helper) UDP64_EXTRA+=("vroom_$name") ;; esac
	done <"$TMP/variants.tsv"
fi

# --- one run ----------------------------------------------------------------------
# "pref id" of every program on h0's egress hook, in the order they run.
hook_progs() {
	tc -n "$P-h0" -j filter show dev eth0 egress | "$BENCH_PY" -c 'import json, sys
for f in json.load(sys.stdin):
    p = f.get("options", {}).get("prog")
    if p:
        print(f["pref"], p["id"])'
}
encap_packets() {
	sb h0 -j stats dev eth0 | "$BENCH_PY" -c 'import json, sys
def find(o):
    if isinstance(o, dict):
        if isinstance(o.get("encap_packets"), int):
            return o["encap_packets"]
        o = list(o.values())
    if isinstance(o, list):
        for i in o:
            r = find(i)
            if r is not None:
                return r
print(find(json.load(sys.stdin)) or 0)'
}
decap_bytes() {
	sb h1 -j sid show dev eth0 | "$BENCH_PY" -c 'import json, sys
print(sum(s.get("bytes", 0) for s in json.load(sys.stdin)))'
}

one_run() {
	local wl=$1 mode=$2 i=$3 base=$TMP/$1.$2.$3 ids=() row=() id e0 e1 d0='' d1='' size
	"${mode}_on" || bench_die "$wl $mode run $i: could not set the mode up"
	while read -r _ id; do ids+=(--prog "$id"); done < <(hook_progs)
	e0=$(encap_packets)
	case $wl in
	udp*)
		size=${wl#udp}
		"$PROG_TIME" "${ids[@]}" --json "$base.stats.json" -- ip netns exec "$P-h0" \
			"$BLAST" --dst "$DST" --size "$size" --seconds "$SECS" --json "$base.send.json" ||
			bench_die "$wl $mode run $i: the sender failed"
		;;
	tcp)
		d0=$(decap_bytes)
		"$PROG_TIME" "${ids[@]}" --json "$base.stats.json" -- ip netns exec "$P-h0" \
			iperf3 -c "$DST" -t "$SECS" -J --logfile "$base.send.json" ||
			bench_die "$wl $mode run $i: iperf3 failed: $(head -c 300 "$base.send.json")"
		d1=$(decap_bytes)
		;;
	esac
	e1=$(encap_packets)
	"${mode}_off" || bench_die "$wl $mode run $i: could not undo the mode"
	row=("$wl" "$mode" "$i" "$base" "$((e1 - e0))" "${d0:-0}" "${d1:-0}")
	# Checks the run (exit 1: it did not measure what the mode says) and prints its line.
	"$BENCH_PY" "$BENCH_ROOT/insitu/summarise.py" --line "${row[@]}" >&2
	(IFS=$'\t' && echo "${row[*]}") >>"$TMP/runs.tsv"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$TMP/runs.tsv"
echo "insitu: $RUNS runs x ${SECS}s; UDP 64 B: ${UDP_MODES[*]} ${UDP64_EXTRA[*]}; UDP 1400 B: ${UDP1400_MODES[*]}; TCP: ${TCP_MODES[*]}" >&2
for i in $(seq "$RUNS"); do
	receiver sink
	for mode in "${UDP_MODES[@]}" "${UDP64_EXTRA[@]}"; do one_run udp64 "$mode" "$i"; done
	for mode in "${UDP1400_MODES[@]}"; do one_run udp1400 "$mode" "$i"; done
	receiver decap
	for mode in "${TCP_MODES[@]}"; do one_run tcp "$mode" "$i"; done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

variants=()
[ "$BREAKDOWN" = 1 ] && variants=(--variants "$TMP/variants.tsv")
command="$(env | grep -E '^BENCH_IS_[A-Z_]+=' | sort | tr '\n' ' ' || true)bench/run.sh"
[ "$BENCH_QUICK" = 1 ] && command+=" --quick"
"$BENCH_PY" "$BENCH_ROOT/insitu/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--command "$command insitu" \
	--peers "$PEERS" --quick "$BENCH_QUICK" --load-start "$LOAD_START" --load-end "$LOAD_END" \
	--headroom "$HEADROOM" --headroom-bytes "$(cat "$TMP/headroom.bytes" 2>/dev/null || echo 0)" \
	--headroom-before "${HEADROOM0:-0}" --before "$BEFORE" "${variants[@]}" --out "$BENCH_OUT/result.json"
