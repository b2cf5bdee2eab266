# shellcheck shell=bash
# lablib.sh: the leaf-spine lab, built with tests/lib/netns.sh.
#
# Used by tests/lab/lab (up/down/status), tests/lab/demo.sh (make demo) and
# tests/kernel/test_demo.sh. Set NS_PREFIX (netns.sh) and LAB_DIR (a directory
# for the lab's files), then:
#
#   lab_generate [fabric.py flags]  topology.json, hosts, lab.json, build.sh in LAB_DIR
#   lab_build                        the namespaces, links, routes and shaping; checks
#                                    that every host reaches a host on the next leaf
#   lab_srv6_load                    srv6-bpf on every host's eth0 (TC encap, XDP decap
#                                    of its locator), and the routers' End SIDs when
#                                    srv6-bpf runs them; LAB_BPFFS must be a bpffs
#   lab_routers_end                  only the routers' part of lab_srv6_load
#   lab_program MODE PAIRS [K]       MODE ecmp: no srv6-bpf routes (plain ECMP);
#                                    planned: the planner's paths for the flows in PAIRS
#                                    (K paths a flow, default 1)
#   lab_run LABEL PAIRS BYTES OUT [FLAGS...]  one traffic run (tests/lab/traffic.py)
#   lab_run_failing LABEL PAIRS BYTES OUT DEADLINE AT NODE IFACE OBJ
#                                    a run with a deadline during which NODE's IFACE
#                                    dies AT seconds after the start (lab_link_dead)
#   lab_probe_start MS / lab_probe_stop  srv6-bpf probe on every host's eth0
#   lab_routes_json OUT              every host's srv6-bpf peers, paths and counters
#   lab_teardown PREFIX DIR          remove a lab, also a half-built or crashed one
#
# Node names are the topology's vertex keys (host0000, leaf00, spine00): `nsx
# leaf00 ...` runs in a node, `lab_sb host0000 route show` runs srv6-bpf there.

# shellcheck source=tests/lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/netns.sh"
# shellcheck source=tests/lib/features.sh
. "$KT_LIB_DIR/features.sh"

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_HOME/../.." && pwd)
SRV6_BPF=${SRV6_BPF:-$LAB_ROOT/build/srv6-bpf}
# The function each path ends with (as the plugin's DEST_FUNCTION); hosts
# decapsulate their whole locator, so any function reaches them. Empty: none
# (lab_failover's paths, see there).
LAB_DEST_FUNCTION=${LAB_DEST_FUNCTION-e006}

# _lab_dest_function: the planner's flag for LAB_DEST_FUNCTION, if any.
_lab_dest_function() {
	[[ -z $LAB_DEST_FUNCTION ]] || printf '%s\n' --dest-function "$LAB_DEST_FUNCTION"
}

# ntc NS ARGS...: `tc ARGS` in namespace NS (tc -n).
ntc() {
	local n=$1
	shift
	tc -n "$(ns "$n")" "$@"
}

# lab_veths: veth pairs from stdin, "NS1 IF1 NS2 IF2" a line, created with one
# `ip -batch` (netns.sh's veth makes one pair with three commands, which adds up
# to seconds on a busy machine); they stay down (build.sh brings them up).
lab_veths() {
	local a ai b bi
	while read -r a ai b bi; do
		echo "link add $ai netns $(ns "$a") type veth peer name $bi netns $(ns "$b")"
	done | ip -batch -
}

# lab_nodes hosts|routers|leaves|spines: node names, one a line.
lab_nodes() {
	local expr
	case $1 in
	hosts) expr='"\n".join(h["name"] for h in j["hosts"])' ;;
	routers) expr='"\n".join(r["name"] for r in j["routers"])' ;;
	leaves) expr='"\n".join(r["name"] for r in j["routers"] if r["role"] == "leaf")' ;;
	spines) expr='"\n".join(r["name"] for r in j["routers"] if r["role"] == "spine")' ;;
	*) fail "lab_nodes: unknown kind $1" ;;
	esac
	json_eval "$expr" "$LAB_DIR/lab.json"
}

# lab_generate [FLAGS...]: the lab's files in LAB_DIR (tests/lab/fabric.py
# generate). The routers shift micro-SIDs with the kernel's seg6local or with
# srv6-bpf: LAB_ROUTER=kernel|bpf|auto (default auto: the kernel's where it has
# seg6local next-csid).
lab_generate() {
	local mode
	mode=$(router_mode) || fail "lab: cannot tell who runs the routers' End (see the line above)"
	mkdir -p "$LAB_DIR"
	"$KT_PYTHON" "$LAB_HOME/fabric.py" generate --out "$LAB_DIR" --router "$mode" "$@"
}

# lab_build: build LAB_DIR/build.sh's lab, then check that every host reaches
# its partner on the next leaf (the ring scenario's) over IPv6 and IPv4, which
# also resolves the neighbours on the way.
lab_build() {
	# shellcheck source=/dev/null
	. "$LAB_DIR/build.sh"
	local src dst v6 v4 pids=() what=() i
	"$KT_PYTHON" "$LAB_HOME/fabric.py" pairs ring --lab "$LAB_DIR" >"$LAB_DIR/check.pairs"
	while read -r src dst v6 v4; do
		# shellcheck disable=SC2016 # the inner shell expands $1 and $2
		nsx "$src" bash -c 'ping -6 -n -q -c2 -i0.2 -W3 "$1" >/dev/null || exit 1
			[[ -z $2 ]] || ping -4 -n -q -c2 -i0.2 -W3 "$2" >/dev/null || exit 2' _ "$v6" "$v4" &
		pids+=($!) what+=("$src -> $dst ($v6 ${v4:-})")
	done < <(json_eval '"\n".join(" ".join([s, d, h[d]["ipv6"], h[d]["ipv4"] or ""])
		for h in [{x["name"]: x for x in j["hosts"]}]
		for s, d in (l.split() for l in open("'"$LAB_DIR/check.pairs"'")))' "$LAB_DIR/lab.json")
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "lab: ${what[i]}: no answer to ping"
	done
}

# lab_sb HOST ARGS...: srv6-bpf in HOST with the lab's bpffs.
lab_sb() {
	local n=$1
	shift
	nsx "$n" "$SRV6_BPF" --bpffs "$LAB_BPFFS" "$@"
}

# lab_srv6_load: load srv6-bpf on every host's eth0 and decapsulate its locator,
# and when the lab's routers run srv6-bpf (lab.json "router": "bpf"), load it on
# every router interface with the router's End SID (lab_routers_end). The nodes
# in parallel: loading runs the verifier.
lab_srv6_load() {
	local h loc pids=() names=() i
	while read -r h loc; do
		{ lab_sb "$h" load eth0 >/dev/null && lab_sb "$h" sid add "$loc" dev eth0 action decap; } \
			>"$LAB_DIR/load.$h.log" 2>&1 &
		pids+=($!) names+=("$h")
	done < <(json_eval '"\n".join(h["name"] + " " + h["locator"] for h in j["hosts"])' \
		"$LAB_DIR/lab.json")
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "lab: srv6-bpf on ${names[i]}: $(tail -n1 "$LAB_DIR/load.${names[i]}.log")"
		rm -f "$LAB_DIR/load.${names[i]}.log"
	done
	lab_routers_end
}

# lab_routers_end: with lab.json "router": "bpf", every router interface runs
# srv6-bpf (End on clsact ingress, `xdp tc`: on veth, generic XDP copies every
# GSO packet and native XDP costs the peer its TSO; LAB_ROUTER_XDP=generic or
# native picks XDP; a small peers map: routers encapsulate nothing) with the
# router's locator as an End SID (lblen 32 nflen 16); nothing with the kernel's
# seg6local routers.
lab_routers_end() {
	local r loc dev pids=() names=() i
	[[ $(json_eval 'j.get("router", "kernel")' "$LAB_DIR/lab.json") == bpf ]] || return 0
	while read -r r loc; do
		{
			for dev in $(nip "$r" -o link show | awk -F': ' '$2 != "lo" {sub(/@.*/, "", $2); print $2}'); do
				lab_sb "$r" load "$dev" xdp "${LAB_ROUTER_XDP:-tc}" peers-max 16 >/dev/null &&
					lab_sb "$r" sid add "$loc" dev "$dev" action end || exit 1
			done
		} >"$LAB_DIR/load.$r.log" 2>&1 &
		pids+=($!) names+=("$r")
	done < <(json_eval '"\n".join(r["name"] + " " + r["locator"] for r in j["routers"])' \
		"$LAB_DIR/lab.json")
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "lab: srv6-bpf End on ${names[i]}: $(tail -n1 "$LAB_DIR/load.${names[i]}.log")"
		rm -f "$LAB_DIR/load.${names[i]}.log"
	done
}

# lab_program_via: how planned paths reach the hosts: LAB_PROGRAM=sync or
# plan-routes, else sync when this srv6-bpf's sync takes --pairs (the planner
# wired in), plan-routes otherwise (the fallback: plan -j, then route replace).
lab_program_via() {
	case ${LAB_PROGRAM:-auto} in
	sync | plan-routes) echo "$LAB_PROGRAM" ;;
	auto)
		if "$SRV6_BPF" sync --help 2>&1 | grep -q -- '--pairs'; then
			echo sync
		else
			echo plan-routes
		fi
		;;
	*) fail "LAB_PROGRAM must be sync, plan-routes or auto, not '$LAB_PROGRAM'" ;;
	esac
}

# lab_routes_json OUT: every host's `srv6-bpf -j route show dev eth0` (peers,
# paths, their counters and state) in one JSON object by host name (the hosts
# asked in parallel).
lab_routes_json() {
	local h sep='' pids=()
	for h in $(lab_nodes hosts); do
		lab_sb "$h" -j route show dev eth0 >"$1.$h" &
		pids+=($!)
	done
	for h in "${pids[@]}"; do wait "$h" || fail "lab: srv6-bpf route show failed"; done
	{
		echo "{"
		for h in $(lab_nodes hosts); do
			printf '%s"%s": ' "$sep" "$h"
			cat "$1.$h"
			rm -f "$1.$h"
			sep=,
		done
		echo "}"
	} >"$1"
}

# lab_routes_clear HOST: remove every srv6-bpf peer of HOST's eth0.
lab_routes_clear() {
	local peers
	peers=$(lab_sb "$1" -j route show dev eth0 | json_eval '"\n".join(p["peer"] + " dev eth0" for p in j)')
	[[ -z $peers ]] || lab_sb "$1" route del -batch - <<<"$peers"
}

# lab_program ecmp|planned PAIRS [K]: program every host (in parallel) for a
# run. ecmp: no srv6-bpf routes, the fabric hashes. planned: every host programs
# its share of the plan for the flows in PAIRS ("SRC DST" lines), computed on
# the host itself from the lab's topology file, K paths a flow (default 1: the
# planner's --paths; a flow's packets take one of them by its 5-tuple, the
# others are where it fails over to).
lab_program() {
	local mode=$1 pairs=$2 k=${3:-1} h via pids=() names=() i
	[[ $mode == ecmp || $mode == planned ]] ||
		fail "lab_program: mode must be ecmp or planned, not '$mode'"
	via=$(lab_program_via)
	for h in $(lab_nodes hosts); do
		_lab_program_host "$mode" "$via" "$pairs" "$h" "$k" >"$LAB_DIR/program.$h.log" 2>&1 &
		pids+=($!) names+=("$h")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" ||
			fail "lab: programming ${names[i]} ($mode, $via): $(tail -n1 "$LAB_DIR/program.${names[i]}.log")"
	done
}

# _lab_program_host MODE VIA PAIRS HOST K: lab_program's work on one host.
_lab_program_host() {
	local mode=$1 via=$2 pairs=$3 h=$4 k=$5 dfn
	mapfile -t dfn < <(_lab_dest_function)
	if [[ $mode == ecmp ]]; then
		lab_routes_clear "$h"
	elif [[ $via == sync ]]; then
		nsx "$h" env HOSTNAME="$h" "$SRV6_BPF" --bpffs "$LAB_BPFFS" sync dev eth0 \
			--topology-file "$LAB_DIR/topology.json" --hosts-file "$LAB_DIR/hosts" \
			--pairs "$pairs" --paths "$k" "${dfn[@]}"
	else
		nsx "$h" "$SRV6_BPF" -j plan --topology-file "$LAB_DIR/topology.json" \
			--hosts-file "$LAB_DIR/hosts" --pairs "$pairs" --paths "$k" "${dfn[@]}" \
			>"$LAB_DIR/plan.$h.json"
		lab_routes_clear "$h"
		"$KT_PYTHON" "$LAB_HOME/plan_routes.py" "$LAB_DIR/plan.$h.json" \
			"$LAB_DIR/lab.json" "$h" eth0 >"$LAB_DIR/routes.$h"
		[[ ! -s $LAB_DIR/routes.$h ]] || lab_sb "$h" route replace -batch "$LAB_DIR/routes.$h"
	fi
}

# lab_plan PAIRS OUT [K]: the plan (srv6-bpf -j plan) for the flows in PAIRS,
# K paths a flow (default 1).
lab_plan() {
	local dfn
	mapfile -t dfn < <(_lab_dest_function)
	"$SRV6_BPF" -j plan --topology-file "$LAB_DIR/topology.json" --hosts-file "$LAB_DIR/hosts" \
		--pairs "$1" --paths "${3:-1}" "${dfn[@]}" >"$2"
}

# lab_run LABEL PAIRS BYTES OUT [FLAGS...]: every flow in PAIRS moves BYTES at
# once; OUT gets flows, step time and per-link bytes (tests/lab/traffic.py run,
# which also takes FLAGS, e.g. --deadline S).
lab_run() {
	local label=$1 pairs=$2 bytes=$3 out=$4
	shift 4
	"$KT_PYTHON" "$LAB_HOME/traffic.py" run --lab "$LAB_DIR" --prefix "$NS_PREFIX" \
		--label "$label" --pairs "$pairs" --bytes "$bytes" --out "$out" "$@"
}

# lab_run_failing LABEL PAIRS BYTES OUT DEADLINE AT NODE IFACE OBJ: lab_run with
# --deadline DEADLINE (flows not done by then are reported stalled) during which
# NODE's IFACE dies (lab_link_dead with OBJ) AT seconds after the flows started;
# OUT's marks_seconds says when it began to die and when it was dead both
# ways (no marks: the flows ended first). The link stays dead:
# `lab_link_dead NODE IFACE off` brings it back.
lab_run_failing() {
	local out=$4 deadline=$5 at=$6 node=$7 dev=$8 obj=$9 pid rc=0
	rm -f "$out.go"
	lab_run "$1" "$2" "$3" "$out" --deadline "$deadline" --go-file "$out.go" &
	pid=$!
	while [[ ! -s $out.go ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
	if [[ -s $out.go ]]; then
		sleep "$at"
		# Two marks: the link starts dying (one way, then the other), it is dead.
		# No process to signal: the flows ended first, and OUT has no marks.
		if kill -USR1 "$(cat "$out.go")" 2>/dev/null; then
			lab_link_dead "$node" "$dev" on "$obj"
			kill -USR1 "$(cat "$out.go")" 2>/dev/null || true
		fi
	fi
	wait "$pid" || rc=$?
	rm -f "$out.go"
	return "$rc"
}

# lab_probe_start MS: `srv6-bpf probe dev eth0 --interval MS` on every host, in
# the background (logs in LAB_DIR/probe.HOST.log, pids in LAB_DIR/probe.HOST.pid).
lab_probe_start() {
	local h
	for h in $(lab_nodes hosts); do
		# shellcheck disable=SC2046 # the flag and its value, or nothing
		nsx "$h" "$SRV6_BPF" --bpffs "$LAB_BPFFS" probe dev eth0 --interval "$1" \
			$(_lab_dest_function) >"$LAB_DIR/probe.$h.log" 2>&1 &
		echo $! >"$LAB_DIR/probe.$h.pid"
	done
	for h in $(lab_nodes hosts); do
		for _ in $(seq 100); do
			grep -q probe-start "$LAB_DIR/probe.$h.log" && break
			kill -0 "$(cat "$LAB_DIR/probe.$h.pid")" 2>/dev/null ||
				fail "lab: srv6-bpf probe on $h exited: $(tail -n1 "$LAB_DIR/probe.$h.log")"
			sleep 0.05
		done
		grep -q probe-start "$LAB_DIR/probe.$h.log" ||
			fail "lab: srv6-bpf probe on $h did not start in 5 s"
	done
}

# lab_probe_stop: stop the probers lab_probe_start started (SIGTERM: the paths
# they took down go back up) and wait for them.
lab_probe_stop() {
	local h pid
	for h in $(lab_nodes hosts); do
		[[ -f $LAB_DIR/probe.$h.pid ]] || continue
		pid=$(cat "$LAB_DIR/probe.$h.pid")
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$LAB_DIR/probe.$h.pid"
	done
}

# lab_pairs ring|random SEED OUT: a scenario's flows, one "SRC DST" a line
# (tests/lab/fabric.py pairs): ring, host k of each leaf sends to host k of the
# next leaf; random, tests/jalapeno/gen_fabric.py's permutation for SEED.
lab_pairs() {
	"$KT_PYTHON" "$LAB_HOME/fabric.py" pairs "$1" --lab "$LAB_DIR" --seed "$2" >"$3"
}

# lab_server_start: the Jalapeño test server (tests/jalapeno/server.py) on the
# lab's topology, on 127.0.0.1 of the root namespace and of every host, in its
# own session so it outlives the script; pid in LAB_DIR/server.pid, port in
# LAB_DIR/server.port.
lab_server_start() {
	local args=() h i
	for h in $(lab_nodes hosts); do args+=(--netns "$(ns "$h")"); done
	rm -f "$LAB_DIR/server.port"
	setsid "$KT_PYTHON" "$LAB_ROOT/tests/jalapeno/server.py" "$LAB_DIR/topology.json" \
		--port-file "$LAB_DIR/server.port" --collection network_topology "${args[@]}" \
		>"$LAB_DIR/server.log" 2>&1 </dev/null &
	echo $! >"$LAB_DIR/server.pid"
	for ((i = 0; i < 100; i++)); do
		[[ -s $LAB_DIR/server.port ]] && return 0
		kill -0 "$(cat "$LAB_DIR/server.pid")" 2>/dev/null ||
			fail "lab: the Jalapeño test server exited: $(tail -n 3 "$LAB_DIR/server.log")"
		sleep 0.1
	done
	fail "lab: the Jalapeño test server did not start in 10 s (see $LAB_DIR/server.log)"
}

# lab_server_stop: stop the server LAB_DIR/server.pid names, if it is ours.
lab_server_stop() {
	local pid
	[[ -f $LAB_DIR/server.pid ]] || return 0
	pid=$(cat "$LAB_DIR/server.pid")
	if grep -qa "tests/jalapeno/server.py" "/proc/$pid/cmdline" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$LAB_DIR/server.pid" "$LAB_DIR/server.port"
}

# lab_teardown PREFIX DIR: remove a lab by name, whatever state it is in (also
# after a crash): the server, every namespace PREFIX-* (and the processes in
# it), mounts under DIR, DIR itself.
lab_teardown() {
	local prefix=$1 dir=$2 n pid m
	LAB_DIR=$dir lab_server_stop
	for n in $(ip netns list 2>/dev/null | awk -v p="$prefix-" \
		'index($1, p) == 1 && substr($1, length(p) + 1) ~ /^[A-Za-z0-9_]+$/ {print $1}'); do
		for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$n" 2>/dev/null || true
	done
	if [[ -d $dir ]]; then
		dir=$(cd "$dir" && pwd -P)
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" || true
		done < <(awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r)
		rm -rf "$dir"
		rmdir "${dir%/*}" 2>/dev/null || true  # the state root, once no lab is left
	fi
}

# --- the failover lab: 2 x 2, host0000 on leaf00, host0001 on leaf01
# (tests/kernel/test_fabric_failover.sh, test_fabric_probe.sh,
# test_probe_steady.sh, bench/failover) -------------------------------------

# lab_host HOST FIELD: a host's FIELD in lab.json (ipv6, node_id, ...).
lab_host() { json_eval "[h['$2'] for h in j['hosts'] if h['name'] == '$1'][0]" "$LAB_DIR/lab.json"; }

# lab_pair_probing [RATE]: the kernel tests' 2 x 2 leaf-spine (one host a
# leaf, every link shaped to RATE Mbit/s, default 200) with srv6-bpf on both
# hosts, host0000 (A) and host0001 (B) reaching each other over both spines
# (lab_both_spines), both running `srv6-bpf probe --interval 10` (background
# jobs probe-HOST: their logs are $KT_TMP/probe-HOST.err). Sets A, B, A6, B6.
lab_pair_probing() {
	local h
	A=host0000 B=host0001
	lab_generate --spines 2 --leaves 2 --hosts-per-leaf 1 --rate-mbit "${1:-200}"
	lab_build
	bpffs_mount LAB_BPFFS
	lab_srv6_load
	# shellcheck disable=SC2034 # the callers'
	A6=$(lab_host "$A" ipv6) B6=$(lab_host "$B" ipv6)
	lab_both_spines "$A" "$B"
	for h in $A $B; do
		bg_start "probe-$h" "$h" "$SRV6_BPF" --bpffs "$LAB_BPFFS" probe dev eth0 --interval 10
	done
}

# lab_both_spines A B: A (on leaf00) and B (on leaf01) reach each other over
# spine00 and spine01, one carrier each: leaf, spine, leaf, the other host's
# locator (decapsulated there).
lab_both_spines() {
	local a=$1 b=$2 s
	local -a to_b=() to_a=()
	for s in 1000 1001; do
		to_b+=(path segs "fc00:0:2000:$s:2001:$(lab_host "$b" node_id)::")
		to_a+=(path segs "fc00:0:2001:$s:2000:$(lab_host "$a" node_id)::")
	done
	lab_sb "$a" route add "$(lab_host "$b" ipv6)" dev eth0 "${to_b[@]}"
	lab_sb "$b" route add "$(lab_host "$a" ipv6)" dev eth0 "${to_a[@]}"
}

# lab_path_json HOST I FIELD: route show's FIELD of HOST's path I (its one peer).
lab_path_json() {
	lab_sb "$1" -j route show dev eth0 | json_eval "j[0]['paths'][$2]['$3']"
}

# lab_flow_path A DST: which of A's paths (0 or 1) the flow of tests/lib/gap.py
# (its fixed ports) to DST takes: 20 datagrams, counted on the path.
lab_flow_path() {
	local before
	before=$(lab_path_json "$1" 0 packets)
	nsx "$1" "$KT_PYTHON" "$KT_LIB_DIR/gap.py" send "$2" --count 20 --every-ms 5
	if (($(lab_path_json "$1" 0 packets) - before >= 20)); then echo 0; else echo 1; fi
}

# lab_spine_end SPINE on|off (the 2 x 2 lab): whether SPINE ends its
# micro-SID (srv6-bpf's End SID
# on each of its interfaces, or the kernel's seg6local route, as lablib and
# tests/lab/fabric.py set them up). Plain IPv6 routing is untouched.
lab_spine_end() {
	local s=$1 loc dev
	loc=$(json_eval "[r['locator'] for r in j['routers'] if r['name'] == '$s'][0]" "$LAB_DIR/lab.json")
	if [[ $(json_eval 'j.get("router", "kernel")' "$LAB_DIR/lab.json") == kernel ]]; then
		if [[ $2 == on ]]; then
			nip "$s" -6 route add "$loc" encap seg6local action End flavors next-csid \
				lblen 32 nflen 16 dev leaf00
		else
			nip "$s" -6 route del "$loc"
		fi
	else
		for dev in leaf00 leaf01; do
			if [[ $2 == on ]]; then
				lab_sb "$s" sid add "$loc" dev "$dev" action end
			else
				lab_sb "$s" sid del "$loc" dev "$dev"
			fi
		done
	fi
}

# lab_link_dead NODE IFACE on|off OBJ [ingress|egress|both]: NODE's IFACE
# drops everything both ways (both, the default), or only what it receives
# (ingress) or sends (egress): a link dead one way; off: it carries again (give
# the direction given with on). OBJ is tests/lib/drop.bpf.c compiled: a tc
# program, so routes and addresses stay as when a cable or an optic dies (`ip
# link set down` would delete the routes through it), and nothing needs
# rebuilding. clsact may be there already (srv6-bpf's End with xdp tc): ours go
# first.
lab_link_dead() {
	local n=$1 dev=$2 dir dirs
	case ${5:-both} in
	ingress | egress) dirs=$5 ;;
	both) dirs="ingress egress" ;;
	*) fail "lab_link_dead: direction must be ingress, egress or both, not '$5'" ;;
	esac
	nsx "$n" tc qdisc add dev "$dev" clsact 2>/dev/null || true
	for dir in $dirs; do
		if [[ $3 == on ]]; then
			nsx "$n" tc filter add dev "$dev" "$dir" prio 1 bpf da obj "$4" sec tc
		else
			nsx "$n" tc filter del dev "$dev" "$dir" prio 1
		fi
	done
}

# --- the failover scenario (tests/lab/demo.sh, tests/kernel/test_demo.sh) -----

# lab_failover DIR NAME PAIRS BYTES DEADLINE AT REFS RUN...: the flows in PAIRS
# (called NAME), each moving BYTES, once per RUN while a leaf-spine link dies
# AT seconds after the start and stays dead until the run ends (DEADLINE: a
# flow not done by then is stalled); REFS=1 also runs each without the failure
# first. RUN: ecmp (no srv6-bpf routes), srv6-bpf (the plan, LAB_FAILOVER_PATHS
# paths a flow, default 2), srv6-bpf-probe (the same with `srv6-bpf probe
# --interval LAB_FAILOVER_PROBE_MS`, default 10, on every host).
#
# The plan covers PAIRS and their reverse flows: the acknowledgements' way
# back, as a job's all-to-all sync would program it; else they ride the
# fabric's ECMP, where no prober protects them. The link: a 1 MB run shows
# which planned path each flow's 5-tuple takes, and the spine-to-leaf link of
# the first flow's dies (tests/lab/report.py failover-link). The paths end
# with LAB_DEST_FUNCTION, as every planned run's; the probers know it.
#
# DIR gets meta.json, plan.json, link.json, RUN.json, RUN-ref.json,
# RUN.down-before (paths down with every link up, before the failure), route
# snapshots and what the probers logged during each run (RUN.probe.log);
# tests/lab/report.py failover turns them into the table.
lab_failover() {
	local dir=$1 name=$2 pairs=$3 bytes=$4 deadline=$5 at=$6 refs=$7 run mode node iface ref
	local k=${LAB_FAILOVER_PATHS:-2} ms=${LAB_FAILOVER_PROBE_MS:-10} down
	shift 7
	mkdir -p "$dir"
	printf '{"pattern": "%s", "paths": %d, "probe_interval_ms": %d, "at_seconds": %s,
		"deadline_seconds": %s}\n' "$name" "$k" "$ms" "$at" "$deadline" >"$dir/meta.json"
	_LAB_FAILOVER_MODE=
	awk '{ print; seen[$1 " " $2] = 1; back[++n] = $2 " " $1 }
		END { for (i = 1; i <= n; i++) if (!(back[i] in seen)) print back[i] }' \
		"$pairs" >"$dir/pairs.planned"
	lab_plan "$dir/pairs.planned" "$dir/plan.json" "$k"
	clang -O2 -target bpf -c "$KT_LIB_DIR/drop.bpf.c" -o "$dir/drop.o"
	_lab_failover_mode planned "$dir"
	lab_routes_json "$dir/routes-pick-before.json"
	lab_run failover/pick "$pairs" 1000000 "$dir/pick.json"
	lab_routes_json "$dir/routes-pick-after.json"
	read -r node iface < <("$KT_PYTHON" "$LAB_HOME/report.py" failover-link --lab "$LAB_DIR" \
		--plan "$dir/plan.json" --run "$dir/pick.json" --before "$dir/routes-pick-before.json" \
		--after "$dir/routes-pick-after.json" --out "$dir/link.json")
	[[ -n $iface ]] || fail "lab: no link to fail (tests/lab/report.py failover-link)"
	json_eval '"   the link that dies: %s (on %s: %s); the flows whose path crosses it: %s" % (
		"-".join(j["link"]), j["flow"], " ".join(j["vertices"]), ", ".join(j["crossing"]))' \
		"$dir/link.json"
	for run in "$@"; do
		case $run in
		ecmp) mode=ecmp ;;
		srv6-bpf | srv6-bpf-probe) mode=planned ;;
		*) fail "lab_failover: unknown run '$run'" ;;
		esac
		_lab_failover_mode "$mode" "$dir"
		if [[ $run == srv6-bpf-probe ]]; then
			lab_probe_start "$ms"
			sleep 0.2  # a path whose probes do not come back is down after 40-50 ms
			down=$(_lab_paths_down)
			echo "$down" >"$dir/$run.down-before"
			((down == 0)) || echo "   warning: the probers took down $down path(s)" \
				"with every link up" >&2
		fi
		if [[ $refs == 1 ]]; then
			[[ $run != srv6-bpf-probe ]] || _lab_probe_mark "$dir/probe.mark"
			lab_run "failover/$run-ref" "$pairs" "$bytes" "$dir/$run-ref.json"
			[[ $run != srv6-bpf-probe ]] || _lab_probe_since "$dir/probe.mark" "$dir/$run-ref.probe.log"
		fi
		[[ $mode == ecmp ]] || lab_routes_json "$dir/routes-$run-before.json"
		[[ $run != srv6-bpf-probe ]] || _lab_probe_mark "$dir/probe.mark"
		lab_run_failing "failover/$run" "$pairs" "$bytes" "$dir/$run.json" "$deadline" "$at" \
			"$node" "$iface" "$dir/drop.o"
		[[ $run != srv6-bpf-probe ]] || _lab_probe_since "$dir/probe.mark" "$dir/$run.probe.log"
		[[ $mode == ecmp ]] || lab_routes_json "$dir/routes-$run-after.json"
		lab_link_dead "$node" "$iface" off
		if [[ $run == srv6-bpf-probe ]]; then
			_lab_paths_up || echo "   warning: paths still down seconds after the link came back" >&2
			lab_probe_stop
		fi
		ref=
		[[ $refs != 1 ]] || ref="without failure: job step $(json_eval \
			'"%.2f" % j["step_seconds"]' "$dir/$run-ref.json") s; "
		printf '   %-15s %s%s\n' "$run" "$ref" "$(json_eval '("%s dead at %.2f s: %s" % (
			"'"$node-$iface"'", j["marks_seconds"][-1], "job step %.2f s" % j["step_seconds"]
			if j["step_seconds"] is not None
			else "stalled: %d of %d flows" % (j["stalled_flows"], len(j["flows"])))
			if j["marks_seconds"] else "the flows ended before the link died")' "$dir/$run.json")"
	done
}

# _lab_failover_mode ecmp|planned DIR: program the hosts for lab_failover's
# next run, unless they are so already.
_lab_failover_mode() {
	[[ $1 != "${_LAB_FAILOVER_MODE:-}" ]] || return 0
	lab_program "$1" "$2/pairs.planned" "${LAB_FAILOVER_PATHS:-2}"
	_LAB_FAILOVER_MODE=$1
}

# _lab_probe_mark FILE: how many lines each host's prober has logged ("HOST N").
_lab_probe_mark() {
	local h
	for h in $(lab_nodes hosts); do echo "$h $(wc -l <"$LAB_DIR/probe.$h.log")"; done >"$1"
}

# _lab_probe_since MARK OUT: the lines the probers logged since _lab_probe_mark
# MARK, each after its host's name.
_lab_probe_since() {
	local h n
	while read -r h n; do
		tail -n "+$((n + 1))" "$LAB_DIR/probe.$h.log" | sed "s/^/$h /"
	done <"$1" >"$2"
}

# _lab_paths_down: how many paths of all hosts are down.
_lab_paths_down() {
	lab_routes_json "$LAB_DIR/routes.now.json"
	json_eval 'sum(p["state"] == "down" for h in j.values() for r in h for p in r["paths"])' \
		"$LAB_DIR/routes.now.json"
}

# _lab_paths_up: wait (20 checks, 0.1 s apart) until every path of every host is up.
_lab_paths_up() {
	for _ in $(seq 20); do
		(($(_lab_paths_down) == 0)) && return 0
		sleep 0.1
	done
	return 1
}
