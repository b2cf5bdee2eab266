#!/usr/bin/env bash
# Section "decap_throughput": TCP throughput h0 -> r1 -> h1 (bench/lib/lab.sh)
# with h1 decapsulating by srv6-bpf's XDP program (native, generic) against a
# baseline through the same path, plus two controls fed frame by frame with GRO
# on h1, as a NIC would feed them. The baseline follows the kernel (srv6-bpf
# check, through the lab):
#   End.DT6 where the lab's hosts decapsulate with the kernel: modes dt6,
#     native, generic, dt6frames (End.DT6 with r1 segmenting), nativegro; every
#     mode encapsulated, only h1's decapsulation differs
#   plain otherwise (no End.DT6 to compare with): modes plain (the same path,
#     not encapsulated, nothing loaded on h1), native, generic, plainframes
#     (plain with r1 segmenting and GRO on h1), nativegro; the ratios are
#     decapsulation vs no SRv6 at all, and End.DT6 is reported as not measured
# h0 encapsulates with the kernel's `encap seg6 mode encap.red` where the kernel
# has seg6 routes, else with srv6-bpf (loaded on h0 for the whole section, xdp
# off; its peer route added for the encapsulated runs only). The ACKs go back
# unencapsulated. Runs interleaved (one of each mode, then again) so machine
# noise hits all modes alike. summarise.py checks each run's mode: the kernel's
# XDP attachment on h1's eth0, r1's TSO and h1's GRO, which decapsulation
# counted at least the bytes iperf3 delivered (srv6_decap's decap_bytes, or the
# End.DT6 route's) while the other counted none, and r1's End: at least those
# bytes for encapsulated runs, none for plain ones.
#
# Env: BENCH_DT_RUNS (runs per mode, default 3, at least 3), BENCH_DT_SECONDS
# (per run, default 3; iperf3 omits one more second of slow start),
# BENCH_KERNEL_SEG6=off, LAB_ROUTER (bench/lib/lab.sh).
# shellcheck source=bench/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=bench/lib/lab.sh
source "$BENCH_ROOT/lib/lab.sh"
bench_need iperf3 ip ethtool

bench_iperf_runs DT 3 3 3 1
SID=fc00:0:2:e006::/64 # h1's End.DT6 SID in the lab, and srv6-bpf's decap SID

P=$BENCH_PREFIX-dt
bench_tmpdir TMP dt
lab_up "$P"
h0() { ip netns exec "$P-h0" "$@"; }
h1() { ip netns exec "$P-h1" "$@"; }
bpf() { lab_bpf "$P" "$@"; }
if [ "$LAB_HOST_DECAP" = kernel ]; then
	BASE=dt6
	MODES=(dt6 native generic dt6frames nativegro)
	no_dt6=""
else
	BASE=plain
	MODES=(plain native generic plainframes nativegro)
	if bench_kernel_has seg6local; then
		no_dt6="kernel End.DT6: not measured (LAB_ROUTER=bpf: the lab's hosts decapsulate with srv6-bpf)"
	else
		no_dt6="kernel End.DT6: $(bench_kernel_why seg6local)"
	fi
	echo "decap_throughput: $no_dt6; comparing with plain unencapsulated traffic instead" >&2
fi

# The sender: the kernel's encap.red where it has seg6 routes, else srv6-bpf.
if bench_kernel_has seg6_routes; then
	SENDER=kernel
	encap_on() {
		ip -n "$P-h0" -6 route add 2001:db8:2::2/128 encap seg6 mode encap.red \
			segs fc00:0:100:2:e006:: dev eth0
	}
	encap_off() { ip -n "$P-h0" -6 route del 2001:db8:2::2/128; }
else
	SENDER=srv6bpf
	bpf h0 load eth0 xdp off >/dev/null
	encap_on() { bpf h0 route add 2001:db8:2::2 dev eth0 segs fc00:0:100:2:e006::; }
	encap_off() { bpf h0 route del 2001:db8:2::2 dev eth0; }
fi

lab_iperf3_server "$P" "$TMP"

# Each mode: on, then off. End.DT6 is the lab's route on h1 (where the kernel
# decapsulates), always there: with XDP on, it must see nothing.
dt6_on() {
	encap_on
	bpf h1 load eth0 xdp off >/dev/null
}
dt6_off() {
	bpf h1 unload eth0
	encap_off
}
plain_on() { :; }
plain_off() { :; }
xdp_on() {
	encap_on
	bpf h1 load eth0 xdp "$1" >/dev/null
	bpf h1 sid add "$SID" dev eth0 action decap
}
xdp_off() {
	bpf h1 unload eth0
	encap_off
}
native_on() { xdp_on native; }
native_off() { xdp_off; }
generic_on() { xdp_on generic; }
generic_off() { xdp_off; }
# The controls: fed frame by frame with GRO on h1, as a NIC would feed them
# (r1 segments every packet; GRO turns on h1's NAPI).
frames_on() {
	ip netns exec "$P-r1" ethtool -K eth1 tso off
	h1 ethtool -K eth0 gro on
}
frames_off() {
	ip netns exec "$P-r1" ethtool -K eth1 tso on
	h1 ethtool -K eth0 gro off
}
dt6frames_on() {
	frames_on
	dt6_on
}
dt6frames_off() {
	dt6_off
	frames_off
}
plainframes_on() { frames_on; }
plainframes_off() { frames_off; }
nativegro_on() {
	h1 ethtool -K eth0 gro on
	native_on
}
nativegro_off() {
	native_off
	h1 ethtool -K eth0 gro off
}

# Per-run probes stay in the shell (a Python start costs seconds on a loaded
# machine); summarise.py parses iperf3's JSON and checks every run's mode.
# The XDP mode the kernel reports on h1's eth0: none, native or generic.
kernel_xdp_mode() { lab_xdp_mode "$P" h1 eth0; }
# End.DT6's bytes on h1 (0 where the lab has no End.DT6).
dt6_bytes() {
	if [ "$LAB_HOST_DECAP" = kernel ]; then lab_dt6_bytes "$P" h1; else echo 0; fi
}
# srv6_decap's "decap_packets decap_bytes" on h1 (0 0 with xdp off or nothing loaded).
decap_counters() {
	bpf h1 stats dev eth0 2>/dev/null | awk '$1 == "decap_packets" { p = $2 } $1 == "decap_bytes" { b = $2 }
		END { print (p == "" ? 0 : p), (b == "" ? 0 : b) }'
}
# r1's eth1 (h1's veth peer): "tx_packets tx_bytes"; an skb counts once.
r1_tx() { lab_tx "$P" r1 eth1; }
# Can r1's eth1 hand TCP segmentation on to h1 (tx-tcp6-segmentation on|off)?
r1_tso() { lab_offload "$P" r1 eth1 tx-tcp6-segmentation; }
# Does h1's eth0 merge received frames (generic-receive-offload on|off)?
h1_gro() { lab_offload "$P" h1 eth0 generic-receive-offload; }
# Progress display only: the received rate in iperf3's JSON, in Gbit/s.
iperf_gbit() {
	awk '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ { gsub(",", "", $2); printf "%.2f", $2 / 1e9; exit }' "$1"
}

one_run() {
	local mode=$1 i=$2 out=$TMP/$1.$2.iperf3.json xdp tso load dt6_0 dt6_1 dp0 db0 dp1 db1
	local tp0 tb0 tp1 tb1 gro ep0 eb0 ep1 eb1
	"${mode}_on"
	xdp=$(kernel_xdp_mode)
	tso=$(r1_tso)
	gro=$(h1_gro)
	load=$(cut -d' ' -f1 /proc/loadavg)
	dt6_0=$(dt6_bytes)
	read -r dp0 db0 < <(decap_counters)
	read -r tp0 tb0 < <(r1_tx)
	read -r ep0 eb0 < <(lab_end_counters "$P")
	h0 iperf3 -c 2001:db8:2::2 -t "$SECS" -O 1 -J >"$out" ||
		bench_die "$mode run $i: iperf3 failed: $(head -c 300 "$out")"
	dt6_1=$(dt6_bytes)
	read -r dp1 db1 < <(decap_counters)
	read -r tp1 tb1 < <(r1_tx)
	read -r ep1 eb1 < <(lab_end_counters "$P")
	"${mode}_off"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$out" \
		$((dt6_1 - dt6_0)) $((dp1 - dp0)) $((db1 - db0)) $((tp1 - tp0)) $((tb1 - tb0)) \
		"$tso" "$gro" "$xdp" "$load" $((ep1 - ep0)) $((eb1 - eb0)) >>"$TMP/runs.tsv"
	echo "  run $i $mode: $(iperf_gbit "$out") Gbit/s; h1 XDP $xdp, r1 eth1 TSO $tso, h1 GRO $gro;" \
		"decapsulated by XDP $((db1 - db0)) B, by End.DT6 $((dt6_1 - dt6_0)) B" >&2
}

command="bench/run.sh decap_throughput"
overrides=$(env | grep -E '^(BENCH_DT_[A-Z_]+|BENCH_KERNEL_SEG6|LAB_ROUTER)=' | sort | tr '\n' ' ' || true)
[ "$BENCH_QUICK" = 1 ] && command="bench/run.sh --quick decap_throughput"
echo "decap_throughput: $RUNS runs x ${#MODES[@]} modes x ${SECS}s, interleaved" >&2
bench_interleave

"$BENCH_PY" "$BENCH_ROOT/decap_throughput/summarise.py" --runs "$TMP/runs.tsv" --seconds "$SECS" \
	--command "${overrides}${command}" --load-start "$LOAD_START" --load-end "$LOAD_END" \
	--quick "$BENCH_QUICK" --base "$BASE" --no-dt6 "$no_dt6" --sender "$SENDER" \
	--router "$LAB_END" --out "$BENCH_OUT/result.json"
