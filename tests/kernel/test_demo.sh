#!/usr/bin/env bash
# The demo, shortened (tests/lab/demo.sh runs six scenarios at 100 Mbit/s):
# the leaf-spine lab (4 spines, 4 leaves, 8 hosts, every link shaped to 40
# Mbit/s, which leaves this machine's CPU idle enough to hold the rate), one
# random permutation of 8 flows, run once with plain ECMP and once with every
# host programmed from the planner. Asserts what the demo claims:
#   - the plan is collision-free (max link load = lower bound = 1) and each host
#     programmed exactly its planned paths;
#   - with srv6-bpf every leaf-spine link carried as many flows as the plan put
#     on it (router byte counters): at most the planned number, on the planned
#     spines;
#   - the slowest flow ran at 0.8x the shaped rate or better;
#   - the counters measure flows: in the ECMP run every cross-leaf flow crossed
#     exactly one uplink and one downlink.
# And the failover scenario's claim (lab_failover, the ring, 2 planned paths a
# flow; a spine-leaf link on a flow's path dies 0.6 s into the run and stays
# dead; flows not done after 5 s are stalled):
#   - without probing at least one flow stalls (its path stays dead);
#   - with `srv6-bpf probe --interval 10` on every host no flow stalls: the
#     probers took the dead link's paths down and packets failed over.
# shellcheck source=tests/lab/lablib.sh
. "$(dirname "$0")/../lab/lablib.sh"
kt_init
[[ -x $SRV6_BPF ]] || fail "$SRV6_BPF not found: run make (or set SRV6_BPF)"
RATE=40
BYTES=10000000
LAB_DIR=$KT_TMP/lab

step "build the lab: 4 spines, 4 leaves, 8 hosts, links at $RATE Mbit/s; srv6-bpf on every host"
lab_generate --spines 4 --leaves 4 --hosts-per-leaf 2 --rate-mbit "$RATE"
lab_build
bpffs_mount LAB_BPFFS
lab_srv6_load
for n_if in leaf00:spine00 spine03:leaf02 leaf01:host0002 host0002:eth0; do
	got=$(ntc "${n_if%%:*}" -j qdisc show dev "${n_if#*:}" |
		json_eval '" ".join("%s %s" % (q["kind"], q["options"].get("rate", 0) * 8) for q in j if q.get("root"))')
	assert_eq "${n_if%%:*} ${n_if#*:}: root qdisc and bit/s" "tbf $((RATE * 1000000))" "$got"
done
ok "16 namespaces; every host pinged its partner on the next leaf"

step "the plan for a random permutation is collision-free"
lab_pairs random 1 "$KT_TMP/pairs"
lab_plan "$KT_TMP/pairs" "$KT_TMP/plan.json"
assert_eq "plan max load, lower bound, flows" "1 1 8" "$(json_eval \
	'"%s %s %s" % (j["summary"]["max_load"], j["summary"]["lower_bound"], j["summary"]["flows"])' \
	"$KT_TMP/plan.json")"
ok "8 flows, at most 1 on any link"

step "ECMP run: the counters see every cross-leaf flow on one uplink and one downlink"
lab_program ecmp "$KT_TMP/pairs"
lab_run ecmp "$KT_TMP/pairs" "$BYTES" "$KT_TMP/ecmp.json"
out=$("$KT_PYTHON" "$LAB_HOME/report.py" counts --lab "$LAB_DIR" --run "$KT_TMP/ecmp.json") ||
	fail "ECMP run: the link counters do not add up: $out"
assert_match "ECMP run counters" "^[1-8] cross-leaf flows; counted" "$out"
ok "$out"

step "srv6-bpf run: every host programs its share of the plan ($(lab_program_via))"
lab_program planned "$KT_TMP/pairs"
for h in $(lab_nodes hosts); do
	# Every address of a destination (IPv6 and IPv4) is a peer with the flow's paths.
	want=$(json_eval '"\n".join(sorted("%s %s" % (ad, ",".join(p["segs"]))
		for a in [{x["vertex"]: [x[k] for k in ("ipv6", "ipv4") if x.get(k)]
			for x in json.load(open("'"$LAB_DIR/lab.json"'"))["hosts"]}]
		for f in j["flows"] if f["src"] == "hosts/'"$h"'" for ad in a[f["dst"]]
		for p in f["paths"]))' "$KT_TMP/plan.json")
	got=$(lab_sb "$h" -j route show dev eth0 |
		json_eval '"\n".join(sorted("%s %s" % (r["peer"], ",".join(p["segs"])) for r in j for p in r["paths"]))')
	assert_eq "$h: programmed peers and SIDs" "$want" "$got"
done
ok "every host's peers and SIDs are the plan's"
lab_run srv6-bpf "$KT_TMP/pairs" "$BYTES" "$KT_TMP/srv6.json"
out=$("$KT_PYTHON" "$LAB_HOME/report.py" check --plan "$KT_TMP/plan.json" --run "$KT_TMP/srv6.json" \
	--min-share 0.8) || fail "srv6-bpf run: $out"
while read -r line; do echo "   $line"; done <<<"$out"
for h in $(lab_nodes hosts); do
	n=$(lab_sb "$h" -j route show dev eth0 | json_eval 'sum(p["bytes"] for r in j for p in r["paths"])')
	assert_ge "$h: bytes srv6-bpf encapsulated" "$BYTES" "$n"
done
ok "every link carried its planned flows; slowest flow >= 0.8 x $RATE Mbit/s; all encapsulated"

step "failover: a spine-leaf link on a flow's path dies 0.6 s into the run, without and" \
	"with probing"
lab_pairs ring 1 "$KT_TMP/ring"
FO=$KT_TMP/failover
lab_failover "$FO" ring "$KT_TMP/ring" "$BYTES" 5 0.6 0 srv6-bpf srv6-bpf-probe
read -r node iface crossing < <(json_eval \
	'"%s %s %s" % (j["node"], j["iface"], ",".join(j["crossing"]))' "$FO/link.json")
for run in srv6-bpf srv6-bpf-probe; do
	assert_ge "$run: the link died during the run (traffic.py marks)" 2 \
		"$(json_eval 'len(j["marks_seconds"])' "$FO/$run.json")"
done
stalled=$(json_eval 'j["stalled_flows"]' "$FO/srv6-bpf.json")
assert_ge "without probing: flows stalled" 1 "$stalled"
ok "without probing: $stalled of 8 flows stalled after $node's link to $iface died" \
	"($(json_eval '", ".join("%s>%s at %.1f MB" % (f["src"], f["dst"], f["delivered_bytes"] / 1e6)
		for f in j["flows"] if f["stalled"])' "$FO/srv6-bpf.json"); paths on it: $crossing)"
assert_eq "with probing: paths down with every link up (before the failure)" 0 \
	"$(cat "$FO/srv6-bpf-probe.down-before")"
assert_eq "with probing: flows stalled" 0 \
	"$(json_eval 'j["stalled_flows"]' "$FO/srv6-bpf-probe.json")"
read -r down moved < <(json_eval '"%d %d" % (
	sum(p["state"] == "down" for h in j.values() for r in h for p in r["paths"]),
	sum(p["failover_packets"] for h in j.values() for r in h for p in r["paths"]))' \
	"$FO/routes-srv6-bpf-probe-after.json")
assert_ge "with probing: paths the probers took down" 1 "$down"
assert_ge "with probing: packets failed over" 1 "$moved"
ok "with probing: every flow finished, job step $(json_eval '"%.2f s, slowest flow %.0f Mbit/s" % (
	j["step_seconds"], min(f["mbit"] for f in j["flows"]))' "$FO/srv6-bpf-probe.json");" \
	"$down paths down, $moved packets failed over;" \
	"$(grep -c event=path-down "$FO/srv6-bpf-probe.probe.log" || true) path-down events logged"
