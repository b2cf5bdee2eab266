#!/usr/bin/env bash
# Section "decap_throughput": TCP throughput h0 -> r1 -> h1 (bench/lib/lab.sh)
# with h1 decapsulating by the kernel's End.DT6 or by srv6-bpf's XDP program
# (native, generic), plus two controls fed frame by frame with GRO on h1, as a
# NIC would feed them: End.DT6 and native XDP with r1 segmenting. Runs
# interleaved (dt6, native, generic, dt6frames, nativegro, dt6, ...) so machine
# noise hits all modes alike. h0 encapsulates with the kernel's `encap seg6
# mode encap.red` in every mode and h1 runs srv6-bpf in every mode (`xdp off`
# for End.DT6): only h1's decapsulation differs. The ACKs go back
# unencapsulated. summarise.py checks each run's mode: the kernel's XDP
# attachment on h1's eth0, r1's TSO and h1's GRO, and which decapsulation
# counted at least the bytes iperf3 delivered (srv6_decap's decap_bytes, or
# the End.DT6 route's) while the other counted none.
#
# Env: BENCH_DT_RUNS (runs per mode, default 3, at least 3), BENCH_DT_SECONDS
# (per run, default 3; iperf3 omits one more second of slow start).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=bench/lib/lab.sh
source "$BENCH_ROOT/lib/lab.sh"
bench_need iperf3 ip ethtool

if [ "$BENCH_QUICK" = 1 ]; then runs_default=3 secs_default=1; else runs_default=3 secs_default=3; fi
RUNS=${BENCH_DT_RUNS:-$runs_default}
SECS=${BENCH_DT_SECONDS:-$secs_default}
[ "$RUNS" -ge 3 ] 2>/dev/null || bench_die "BENCH_DT_RUNS must be a number, at least 3"
[ "$SECS" -ge 1 ] 2>/dev/null || bench_die "BENCH_DT_SECONDS must be a number, at least 1"
MODES=(dt6 native generic dt6frames nativegro)
SID=fc00:0:2:e006::/64 # h1's End.DT6 SID in the lab, and srv6-bpf's decap SID

P=$BENCH_PREFIX-dt
bench_tmpdir TMP dt
lab_up "$P"
bench_bpffs BPFFS
h0() { ip netns exec "$P-h0" "$@"; }
h1() { ip netns exec "$P-h1" "$@"; }
bpf() { local ns=$1; shift; ip netns exec "$P-$ns" "$SRV6_BPF" --bpffs "$BPFFS" "$@"; }

# The sender encapsulates with the kernel, whatever h1 does.
ip -n "$P-h0" -6 route add 2001:db8:2::2/128 encap seg6 mode encap.red \
	segs fc00:0:100:2:e006:: dev eth0

lab_iperf3_server "$P" "$TMP"

# Each mode: on, then off. End.DT6 is the lab's route on h1, always there:
# with XDP on, it must see nothing.
dt6_on() { bpf h1 load eth0 xdp off >/dev/null; }
native_on() {
	bpf h1 load eth0 xdp native >/dev/null
	bpf h1 sid add "$SID" dev eth0 action decap
}
generic_on() {
	bpf h1 load eth0 xdp generic >/dev/null
	bpf h1 sid add "$SID" dev eth0 action decap
}
dt6_off() { bpf h1 unload eth0; }
native_off() { bpf h1 unload eth0; }
generic_off() { bpf h1 unload eth0; }
# The controls: End.DT6 and native XDP both fed frame by frame with GRO on h1,
# as a NIC would feed them (r1 segments every packet; GRO turns on h1's NAPI).
dt6frames_on() {
	ip netns exec "$P-r1" ethtool -K eth1 tso off
	h1 ethtool -K eth0 gro on
	bpf h1 load eth0 xdp off >/dev/null
}
dt6frames_off() {
	bpf h1 unload eth0
	ip netns exec "$P-r1" ethtool -K eth1 tso on
	h1 ethtool -K eth0 gro off
}
nativegro_on() {
	h1 ethtool -K eth0 gro on
	native_on
}
nativegro_off() {
	bpf h1 unload eth0
	h1 ethtool -K eth0 gro off
}

# Per-run probes stay in the shell (a Python start costs seconds on a loaded
# machine); summarise.py parses iperf3's JSON and checks every run's mode.
# The XDP mode the kernel reports on h1's eth0: none, native or generic.
kernel_xdp_mode() {
	local flags
	flags=$(ip -n "$P-h1" link show dev eth0 | head -1)
	case " $flags " in
	*" xdp "*) echo native ;;
	*" xdpgeneric "*) echo generic ;;
	*" xdp"*) echo other ;;
	*) echo none ;;
	esac
}
# srv6_decap's "decap_packets decap_bytes" on h1 (0 0 with xdp off: no decap counters).
decap_counters() {
	bpf h1 stats dev eth0 | awk '$1 == "decap_packets" { p = $2 } $1 == "decap_bytes" { b = $2 }
		END { print (p == "" ? 0 : p), (b == "" ? 0 : b) }'
}
# r1's eth1 (h1's veth peer): "tx_packets tx_bytes"; an skb counts once.
r1_tx() {
	local stats=/sys/class/net/eth1/statistics
	ip netns exec "$P-r1" cat "$stats/tx_packets" "$stats/tx_bytes" | paste -sd' '
}
# Can r1's eth1 hand TCP segmentation on to h1 (tx-tcp6-segmentation on|off)?
r1_tso() {
	ip netns exec "$P-r1" ethtool -k eth1 |
		sed -n 's/^[[:space:]]*tx-tcp6-segmentation: \([a-z]*\).*/\1/p'
}
# Does h1's eth0 merge received frames (generic-receive-offload on|off)?
h1_gro() {
	h1 ethtool -k eth0 | sed -n 's/^generic-receive-offload: \([a-z]*\).*/\1/p'
}
# Progress display only: the received rate in iperf3's JSON, in Gbit/s.
iperf_gbit() {
	awk '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ { gsub(",", "", $2); printf "%.2f", $2 / 1e9; exit }' "$1"
}

one_run() {
	local mode=$1 i=$2 out=$TMP/$1.$2.iperf3.json xdp tso load dt6_0 dt6_1 dp0 db0 dp1 db1
	local tp0 tb0 tp1 tb1 gro
	"${mode}_on"
	xdp=$(kernel_xdp_mode)
	tso=$(r1_tso)
	gro=$(h1_gro)
	load=$(cut -d' ' -f1 /proc/loadavg)
	dt6_0=$(lab_dt6_bytes "$P" h1)
	read -r dp0 db0 < <(decap_counters)
	read -r tp0 tb0 < <(r1_tx)
	h0 iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$out" ||
		bench_die "$mode run $i: iperf3 failed: $(head -c 300 "$out")"
	dt6_1=$(lab_dt6_bytes "$P" h1)
	read -r dp1 db1 < <(decap_counters)
	read -r tp1 tb1 < <(r1_tx)
	"${mode}_off"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$out" \
		$((dt6_1 - dt6_0)) $((dp1 - dp0)) $((db1 - db0)) $((tp1 - tp0)) $((tb1 - tb0)) \
		"$tso" "$gro" "$xdp" "$load" >>"$TMP/runs.tsv"
	echo "  run $i $mode: $(iperf_gbit "$out") Gbit/s; h1 XDP $xdp, r1 eth1 TSO $tso, h1 GRO $gro;" \
		"decapsulated by XDP $((db1 - db0)) B, by End.DT6 $((dt6_1 - dt6_0)) B" >&2
}

command="bench/run.sh decap_throughput"
overrides=$(env | grep -E '^BENCH_DT_[A-Z_]+=' | sort | tr '\n' ' ' || true)
[ "$BENCH_QUICK" = 1 ] && command="bench/run.sh --quick decap_throughput"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "decap_throughput: $RUNS runs x ${#MODES[@]} modes x ${SECS}s, interleaved" >&2
: >"$TMP/runs.tsv"
for i in $(seq "$RUNS"); do
	for mode in "${MODES[@]}"; do
		one_run "$mode" "$i"
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

"$BENCH_PY" "$BENCH_ROOT/decap_throughput/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--command "${overrides}${command}" --load-start "$load_start" --load-end "$load_end" \
	--quick "$BENCH_QUICK" --out "$BENCH_OUT/result.json"
