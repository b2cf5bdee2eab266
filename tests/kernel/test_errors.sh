#!/usr/bin/env bash
# Every bad input gets one clear line on stderr ("srv6-bpf: ..."), a non-zero
# exit, nothing on stdout, and changes nothing: srv6-bpf's routes, the kernel's
# routes, tc filters and qdiscs, and the pins are compared before and after.
# shellcheck source=tests/lib/srv6lab.sh
. "$(dirname "$0")/../lib/srv6lab.sh"
lab_init
lab_line
# x0: a second interface on h0 (a veth pair inside h0), loaded with room for
# two peers; x1: an interface without srv6-bpf.
veth h0 x0 h0 x1
addr h0 x0 2001:db8:9::1/64
route h0 fc00:0:900::/48 via 2001:db8:9::2 dev x0
nip h0 -6 route add unreachable 3fff:1::/32 # first SIDs without a route
sb h0 load eth0 >/dev/null
sb h0 load x0 peers-max 2 >/dev/null
if [[ $LAB_HOST_DECAP == bpf ]]; then # h1 takes h0's encapsulated pings
	sb h1 load eth0 >/dev/null
	lab_host_decap h1
fi
sb h0 route add "$H1_6" dev eth0 segs "$SID6_1"
sb h0 route add "$H1_4" dev eth0 path segs "$SID4_1" weight 3 path segs "fc00:0:101::,$SID4_H1"
sb h0 route add 2001:db8:2::71 dev x0 segs fc00:0:900:2:e006::

# Everything a failed command must leave alone, in one namespace entry, one
# item a line (so a diff names what changed).
snapshot() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	nsx h0 sh -c '
		"$1" --bpffs "$2" route show
		"$1" --bpffs "$2" show
		ip -6 route show table all
		ip -4 route show table all
		for d in eth0 x0 x1; do
			tc qdisc show dev $d
			tc filter show dev $d egress
			tc filter show dev $d ingress
		done
		find "$2" | sort' sh "$SRV6_BPF" "$BPFFS"
}
before=$(snapshot)
checked=0
failures=0

# expect_error WHAT ERE SRV6-BPF-ARGS...: srv6-bpf in h0 fails with one line
# matching ERE (case-insensitive) and the state stays as it was.
expect_error() {
	local what=$1 re=$2 rc=0 out err
	shift 2
	out=$(sb h0 "$@" 2>"$KT_TMP/err") || rc=$?
	expect_result "$what" "$re" "$rc" "$out" "srv6-bpf $*"
}

# expect_result WHAT ERE RC STDOUT CMD: checks shared by every case. A failed
# case is reported (FAIL: line) and counted, and the run goes on with the next
# one, so one product bug does not hide the others; the test fails at the end.
expect_result() {
	checked=$((checked + 1))
	if ! (check_result "$@"); then
		failures=$((failures + 1))
		before=$(snapshot) # compare the next cases with what this one left
	fi
}

check_result() {
	local what=$1 re=$2 rc=$3 out=$4 cmd=$5 err lines
	err=$(cat "$KT_TMP/err")
	lines=$(grep -c . <<<"$err" || true)
	((rc != 0)) || fail "$what: '$cmd' exited 0"
	[[ "$(snapshot)" == "$before" ]] ||
		fail "$what: '$cmd' changed the state: $(diff <(echo "$before") <(snapshot) | grep '^[<>]' | cut -c1-200 | head -4 | tr '\n' ' ')"
	assert_eq "$what: lines on stderr of '$cmd'" 1 "$lines"
	assert_match "$what: error of '$cmd'" "^srv6-bpf: " "$err"
	shopt -s nocasematch
	[[ $err =~ $re ]] || fail "$what: error of '$cmd' should match /$re/, got '$err'"
	shopt -u nocasematch
	assert_eq "$what: stdout of '$cmd'" "" "$out"
	ok "$what: $err"
}

step "not root"
for args in "route add 2001:db8:2::5 dev eth0 segs $SID6_1" "route del $H1_6 dev eth0" \
	"load x1" "unload eth0" "route replace $H1_6 dev eth0 segs fc00:0:101:2:e006::"; do
	rc=0
	# shellcheck disable=SC2086
	out=$(nsx h0 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$SRV6_BPF" --bpffs "$BPFFS" $args 2>"$KT_TMP/err") || rc=$?
	expect_result "not root" "root|permission" "$rc" "$out" "setpriv (nobody) srv6-bpf $args"
done

step "missing interface"
expect_error "missing interface" "nosuch0" load nosuch0
# Not "not loaded (run: srv6-bpf load nosuch0)": the interface itself is missing.
expect_error "missing interface" "nosuch0.*(not found|no such|does not exist)" \
	route add 2001:db8:2::5 dev nosuch0 segs "$SID6_1"
expect_error "missing interface" "nosuch0" unload nosuch0

step "program not loaded"
expect_error "not loaded" "not loaded.*x1|x1.*not loaded" route add 2001:db8:2::5 dev x1 segs "$SID6_1"
expect_error "not loaded" "not loaded.*x1|x1.*not loaded" route del "$H1_6" dev x1
expect_error "not loaded" "not loaded.*x1|x1.*not loaded" unload x1
expect_error "not loaded" "not loaded.*x1|x1.*not loaded" stats dev x1

step "bad address"
expect_error "bad peer" "2001:db8::zz" route add 2001:db8::zz dev eth0 segs "$SID6_1"
expect_error "bad peer" "300\.1\.1\.1" route add 300.1.1.1 dev eth0 segs "$SID4_1"
expect_error "bad peer" "ff02::1" route add ff02::1 dev eth0 segs "$SID6_1"
expect_error "bad peer" "2001:db8:2::/64" route add 2001:db8:2::/64 dev eth0 segs "$SID6_1"
expect_error "bad src" "src" load eth0 src not-an-address
expect_error "bad src" "src" load eth0 src 192.0.2.1

step "bad SID"
expect_error "bad SID" "fc00::zz" route add 2001:db8:2::5 dev eth0 segs fc00::zz
expect_error "bad SID" "192\.0\.2\.9" route add 2001:db8:2::5 dev eth0 segs 192.0.2.9
expect_error "bad SID" "sid|segs" route add 2001:db8:2::5 dev eth0 segs "fc00:0:100::,,$SID6_H1"
expect_error "bad SID" "sid|segs" route add 2001:db8:2::5 dev eth0 segs ""
expect_error "first SID on another interface" "x0" route add 2001:db8:2::5 dev eth0 segs fc00:0:900::1

step "more than 4 SIDs, more than 8 paths, weight out of range"
expect_error "5 SIDs" "4" route add 2001:db8:2::5 dev eth0 \
	segs fc00:0:100::,fc00:0:101::,fc00:0:102::,fc00:0:100::,"$SID6_H1"
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=(path segs "fc00:0:100:2:e006::$i"); done
expect_error "9 paths" "8" route add 2001:db8:2::5 dev eth0 "${nine[@]}"
for w in 0 256 -1 abc 1.5; do
	expect_error "weight $w" "weight" route add 2001:db8:2::5 dev eth0 segs "$SID6_1" weight "$w"
done
expect_error "hoplimit 0" "hoplimit" load eth0 hoplimit 0
expect_error "hoplimit 256" "hoplimit" load eth0 hoplimit 256

step "map full"
sb h0 route add 2001:db8:2::72 dev x0 segs fc00:0:900:2:e006::
before=$(snapshot)
expect_error "map full" "full" route add 2001:db8:2::73 dev x0 segs fc00:0:900:2:e006::
sb h0 route del 2001:db8:2::72 dev x0
before=$(snapshot)
printf '2001:db8:2::74 dev x0 segs fc00:0:900:2:e006::\n2001:db8:2::75 dev x0 segs fc00:0:900:2:e006::\n' \
	>"$KT_TMP/full.batch"
expect_error "map full (batch of two adds, room for one)" "full" route add -batch "$KT_TMP/full.batch"

step "batch files: one bad line applies nothing and names file:line"
{
	echo "# peers to add"
	echo "2001:db8:2::11 dev eth0 segs $SID6_1"
	echo "route add 2001:db8:2::12 dev eth0 segs $SID6_1 weight 2"
	echo ""
	echo "2001:db8:2::13 dev eth0 segs $SID6_1 weight 300"
	echo "2001:db8:2::14 dev eth0 segs $SID6_1"
} >"$KT_TMP/syntax.batch"
expect_error "batch with a bad weight" "syntax\.batch:5" route add -batch "$KT_TMP/syntax.batch"
{
	echo "2001:db8:2::11 dev eth0 segs $SID6_1"
	echo "2001:db8:2::12 dev eth0 segs $SID6_1"
	echo "$H1_6 dev eth0 segs $SID6_1"
	echo "2001:db8:2::13 dev eth0 segs $SID6_1"
} >"$KT_TMP/exists.batch"
expect_error "batch adding an existing peer" "exists\.batch:3" route add -batch "$KT_TMP/exists.batch"
{
	echo "2001:db8:2::11 dev eth0 segs $SID6_1"
	echo "2001:db8:2::12 dev eth0 segs $SID6_1"
	echo "2001:db8:2::11 dev eth0 segs $SID6_1"
} >"$KT_TMP/twice.batch"
expect_error "batch naming a peer twice" "twice\.batch:[13]" route add -batch "$KT_TMP/twice.batch"
expect_error "batch file missing" "nosuch\.batch" route add -batch "$KT_TMP/nosuch.batch"

step "first SIDs the device cannot reach (looked up in one pass for a batch)"
expect_error "first SID without a route" "no route to 3fff:1::e006" \
	route add 2001:db8:2::21 dev eth0 segs 3fff:1::e006
{
	for i in $(seq 20 29); do echo "2001:db8:2::$i dev eth0 segs fc00:0:100:2:e006::$i"; done
	echo "2001:db8:2::30 dev eth0 path segs $SID6_1 path segs 3fff:1::e006"
	echo "2001:db8:2::31 dev eth0 segs fc00:0:100:2:e006::31"
} >"$KT_TMP/unreachable.batch"
expect_error "batch with an unreachable second path" "unreachable\.batch:11.*no route to 3fff:1::e006" \
	route add -batch "$KT_TMP/unreachable.batch"
sed -i 's/3fff:1::e006/fc00:0:900:2:e006::/' "$KT_TMP/unreachable.batch"
expect_error "batch with a path through another device" "unreachable\.batch:11.*reached through x0" \
	route add -batch "$KT_TMP/unreachable.batch"

step "add of an existing peer, del of an unknown one"
expect_error "add existing" "exists|replace" route add "$H1_6" dev eth0 segs fc00:0:101:2:e006::
expect_error "add existing (IPv4)" "exists|replace" route add "$H1_4" dev eth0 segs "$SID4_1"
expect_error "del unknown" "2001:db8:2::99" route del 2001:db8:2::99 dev eth0
expect_error "unknown argument" "bogus" route add 2001:db8:2::5 dev eth0 segs "$SID6_1" bogus 1

step "the state is what it was, and still works"
nsx h0 ping -q -c 2 -i 0.1 -W 2 "$H1_6" >/dev/null || fail "ping $H1_6 after the errors"

step "a batch spanning two devices, one of them not loaded"
before=$(snapshot) # the ping above moved the counters
{
	echo "2001:db8:2::11 dev eth0 segs $SID6_1"
	echo "2001:db8:2::12 dev x1 segs $SID6_1"
} >"$KT_TMP/mixed.batch"
expect_error "batch with a device not loaded" "mixed\\.batch:2.*x1|x1.*mixed\\.batch:2" route add -batch "$KT_TMP/mixed.batch"

((failures == 0)) || fail "$failures of $checked error cases failed (FAIL lines above)"
echo "all $checked error cases passed"
