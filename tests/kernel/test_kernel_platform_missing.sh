#!/usr/bin/env bash
# The kernel-route platform on a kernel without seg6 routes
# (CONFIG_IPV6_SEG6_LWTUNNEL off): every command that works through the
# platform, chosen by --platform kernel or by ROUTE_PLATFORM=linux (the PyTorch
# plugin's setting), answers with one line naming what the kernel lacks and the
# way out, prints nothing on stdout, exits 1 and changes nothing. A BPF-platform
# datapath with a peer and a SID is loaded first, so a command that fell through
# to the BPF platform (unload, route del, sid del) would show in the state
# compared before and after: routes of every table, links (with XDP), qdiscs,
# tc filters, pins and the BPF platform's peers and SIDs. plan, help and check
# do not use the platform and keep working.
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init

# kernel_has (tests/lib/features.sh): what srv6-bpf check says.
rc=0
kernel_has seg6_routes || rc=$?
case $rc in
0)
	echo "SKIP kernel_platform_missing: this kernel has seg6 routes (the kernel platform works here)"
	exit 77
	;;
1) ;;
*) fail "srv6-bpf check cannot tell whether this kernel has seg6 routes" ;;
esac

MISSING="srv6-bpf: the kernel platform needs SRv6 routes, which this kernel lacks (CONFIG_IPV6_SEG6_LWTUNNEL is off): use --platform bpf"
FIXTURE=$KT_ROOT/tests/jalapeno/fixtures/leafspine-4x4.json

step "h0 -- r1, and on h0 a BPF-platform datapath with a peer and a SID"
ns_add h0 r1
veth h0 eth0 r1 eth0
addr h0 eth0 "$H0_6/64" "$H0_4/24"
addr r1 eth0 "$R1_6A/64" 192.0.2.254/24
route h0 default via "$R1_6A"
route h0 default via 192.0.2.254
sb h0 load eth0 >/dev/null
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 segs "$SID4_1"
sb h0 sid add fc00:0:1::/48 dev eth0 action decap
printf 'route add 2001:db8:2::9 dev eth0 segs fc00:0:100::\n' >"$KT_TMP/batch"

# state: everything a command could have changed, in h0 and r1.
state() {
	local n
	for n in h0 r1; do
		echo "== $n"
		nip "$n" -6 route show table all
		nip "$n" -4 route show table all
		nip "$n" -d link show
		nsx "$n" tc qdisc show
		nsx "$n" tc filter show dev eth0 egress
		nsx "$n" tc filter show dev eth0 ingress
	done
	echo "== pins"
	find "$BPFFS" | sort
	echo "== BPF platform"
	sb h0 route show
	sb h0 sid show
}
before=$(state)
assert_contains "the BPF platform's peer route is there to lose" "$H1_6 " "$before"
assert_contains "and its SID" "fc00:0:1::/48 dev eth0 action decap" "$before"

# The commands, one a line; BATCH and FIXTURE stand for the files above. Global
# options (-j) may lead. sync and run find their job in HOSTS/HOSTNAME.
commands() {
	cat <<'EOF'
load eth0
load eth0 xdp off
unload eth0
route add 2001:db8:2::3 dev eth0 segs fc00:0:100::
route replace 2001:db8:2::2 dev eth0 segs fc00:0:101::
route del 2001:db8:2::2 dev eth0
route del 198.51.100.2 dev eth0
route show
route show dev eth0
-j route show
route add -batch BATCH
route del -batch BATCH
sid add fc00:0:1:e006::/64 dev eth0 action decap6
sid add fc00:0:1:e004::/64 dev eth0 action decap4
sid add fc00:0:105::/48 dev eth0 action end
sid replace fc00:0:1::/48 dev eth0 action decap6
sid del fc00:0:1::/48 dev eth0
sid show
-j sid show dev eth0
show
show dev eth0
-j show
stats
-j stats dev eth0
metrics
metrics dev eth0
sync dev eth0 --topology-file FIXTURE
sync dev eth0 --topology-file FIXTURE --dry-run
run dev eth0 --topology-file FIXTURE --interval 1
EOF
}

# expect_missing WHAT CMD...: CMD exits 1 with exactly $MISSING on stderr and
# nothing on stdout.
expect_missing() {
	local what=$1 out err rc=0
	shift
	out=$("$@" 2>"$KT_TMP/stderr") || rc=$?
	err=$(<"$KT_TMP/stderr")
	assert_eq "$what: exit status" 1 "$rc"
	assert_eq "$what: stdout" "" "$out"
	assert_eq "$what: stderr" "$MISSING" "$err"
}

# in_h0 ENV... -- ARGS...: srv6-bpf in h0 with the environment ENV (a daemon
# that should have been refused is stopped after 20 s and fails the check).
in_h0() {
	local envs=()
	while [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	nsx h0 env -u ROUTE_PLATFORM HOSTS=host00,host01 HOSTNAME=host00 "${envs[@]}" \
		timeout 20 "$SRV6_BPF" --bpffs "$BPFFS" "$@"
}

step "every platform command, --platform kernel and ROUTE_PLATFORM=linux: one line, exit 1"
count=0
while read -r line; do
	line=${line//BATCH/$KT_TMP/batch}
	line=${line//FIXTURE/$FIXTURE}
	read -r -a args <<<"$line"
	expect_missing "--platform kernel ${args[*]}" in_h0 -- --platform kernel "${args[@]}"
	expect_missing "ROUTE_PLATFORM=linux ${args[*]}" in_h0 ROUTE_PLATFORM=linux -- "${args[@]}"
	# The flag wins over the environment, either way round.
	expect_missing "ROUTE_PLATFORM=bpf --platform kernel ${args[*]}" \
		in_h0 ROUTE_PLATFORM=bpf -- --platform kernel "${args[@]}"
	count=$((count + 1))
done < <(commands)
assert_ge "commands tried" 29 "$count"
ok "$count commands refused three ways each"

step "nothing changed: routes, links, qdiscs, filters, pins, the BPF platform's state"
assert_eq "state after the refused commands" "$before" "$(state)"
ok "identical"

step "plan, help and check do not use the platform: they work with --platform kernel"
out=$(in_h0 -- --platform kernel help)
assert_contains "help" "Usage: srv6-bpf" "$out"
out=$(in_h0 ROUTE_PLATFORM=linux -- sid --help)
assert_contains "sid --help" "Usage: srv6-bpf sid" "$out"
out=$(in_h0 ROUTE_PLATFORM=linux -- -j plan --topology-file "$FIXTURE" --pattern ring)
assert_ge "plan -j: flows planned" 1 "$(json_eval 'len(j["flows"])' <<<"$out")"
out=$(in_h0 -- --platform kernel -j check)
assert_eq "check: no seg6 routes" 0 "$(json_eval 'j["seg6_routes"]["supported"]' <<<"$out")"
assert_eq "check: the kernel platform is not available" 0 \
	"$(json_eval 'j["features"]["kernel_platform"]["ok"]' <<<"$out")"
assert_eq "state after plan, help and check" "$before" "$(state)"
ok "plan, help and check answer; the BPF platform still holds its peer and SID"
