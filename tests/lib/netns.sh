# shellcheck shell=bash
# netns.sh: small bash library for tests that build networks out of namespaces.
#
# Knows nothing about srv6-bpf: the kernel tests and the leaf-spine lab builder
# both use it. Source it, call kt_init once, then build:
#
#   . tests/lib/netns.sh
#   kt_init
#   ns_add h0 r1
#   veth h0 eth0 r1 eth0
#   addr h0 eth0 2001:db8:1::1/64
#   nsx h0 ping -c1 2001:db8:1::ff || fail "h0 cannot reach r1"
#
# Everything a run creates (namespaces and what is in them, bpffs mounts,
# background processes, the temp dir) is registered for cleanup and removed by
# an EXIT trap, also after a failure or Ctrl-C. Names carry a prefix unique to
# the run ($NS_PREFIX; taken from $KT_PREFIX when the runner sets it), so
# parallel runs never touch each other's namespaces.
#
# Conventions: namespaces are named by their short name (h0, r1); the full
# name is "$NS_PREFIX-h0" (see ns). Failures print one line, "FAIL: file:line:
# what", on stderr and exit 1. Set KT_KEEP=1 to keep the temp dir (pcaps, logs),
# KT_TRACE=1 to trace every command with a timestamp.

KT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Python for the helpers (standard library only, any python3 works); Debian's
# starts fastest, which matters for a test calling it a hundred times.
if [[ -z ${KT_PYTHON:-} ]]; then
	if [[ -x /usr/bin/python3 ]]; then KT_PYTHON=/usr/bin/python3; else KT_PYTHON=python3; fi
fi

# ---------------------------------------------------------------------------
# Run setup, cleanup registry, failure reporting
# ---------------------------------------------------------------------------

# kt_init: strict mode, a unique $NS_PREFIX, a temp dir $KT_TMP, and the traps
# that run the cleanup registry on exit, error, Ctrl-C and SIGTERM.
kt_init() {
	set -Eeuo pipefail
	NS_PREFIX=${KT_PREFIX:-kt$$x$RANDOM}
	KT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$NS_PREFIX.XXXXXX")
	_KT_CLEANUP=()
	declare -gA _KT_BG=()
	trap _kt_on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# An unexpected failing command: name it and where it was, then exit.
	trap '_kt_on_err $? "$BASH_COMMAND" "$LINENO" "${BASH_SOURCE[0]}"' ERR
	# KT_TRACE=1: trace every command with a timestamp (where does the time go?).
	if [[ ${KT_TRACE:-0} == 1 ]]; then
		PS4='+ $EPOCHREALTIME ${BASH_SOURCE[0]##*/}:$LINENO '
		set -x
	fi
}

# cleanup_push CMD...: run "CMD..." (as one shell string, via eval) at exit.
# Cleanups run last-registered first, with errors ignored.
cleanup_push() {
	_KT_CLEANUP+=("$*")
}

# _kt_on_err RC CMD LINE FILE (ERR trap): report an unexpected failing command.
_kt_on_err() {
	local rc=$1 cmd=$2 line=$3 file=$4
	trap - ERR
	# In a $(...) subshell: leave the report to the main shell's command.
	[[ $BASHPID == "$$" ]] || exit "$rc"
	echo "FAIL: ${file##*/}:$line: command failed (exit $rc): $cmd" >&2
	exit 1
}

# _kt_on_exit (EXIT trap): run the cleanup registry, remove $KT_TMP, keep the status.
_kt_on_exit() {
	local rc=$? i
	trap - ERR
	set +e
	for ((i = ${#_KT_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${_KT_CLEANUP[i]}" >/dev/null 2>&1
	done
	if [[ -n ${KT_TMP:-} && -d $KT_TMP ]]; then
		if [[ ${KT_KEEP:-0} == 1 ]]; then
			echo "kept: $KT_TMP" >&2
		else
			rm -rf "$KT_TMP"
		fi
	fi
	exit "$rc"
}

# _kt_where: "file:line" in the test script itself, at its top level: the line
# that led to the failure, even through the test's own helper functions.
_kt_where() {
	local n=${#BASH_SOURCE[@]}
	echo "${BASH_SOURCE[n - 1]##*/}:${BASH_LINENO[n - 2]}"
}

# fail MSG: print "FAIL: file:line: MSG" (the test's line) and exit 1.
fail() {
	echo "FAIL: $(_kt_where): $*" >&2
	exit 1
}

# step MSG: announce what the test checks next (one line on stdout).
step() {
	echo "== $*"
}

# ok MSG: record a passed check (one line on stdout).
ok() {
	echo "   ok: $*"
}

# ---------------------------------------------------------------------------
# Assertions: each prints one clear line on failure and exits
# ---------------------------------------------------------------------------

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[[ "$2" == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

# assert_ne WHAT UNEXPECTED ACTUAL
assert_ne() {
	[[ "$2" != "$3" ]] || fail "$1: expected anything but '$2'"
}

# assert_ge WHAT MIN ACTUAL (integers)
assert_ge() {
	[[ "$3" =~ ^-?[0-9]+$ ]] || fail "$1: expected a number >= $2, got '$3'"
	(($3 >= $2)) || fail "$1: expected >= $2, got $3"
}

# assert_le WHAT MAX ACTUAL (integers)
assert_le() {
	[[ "$3" =~ ^-?[0-9]+$ ]] || fail "$1: expected a number <= $2, got '$3'"
	(($3 <= $2)) || fail "$1: expected <= $2, got $3"
}

# assert_between WHAT LOW HIGH ACTUAL (integers, inclusive)
assert_between() {
	[[ "$4" =~ ^-?[0-9]+$ ]] || fail "$1: expected a number in [$2, $3], got '$4'"
	(($4 >= $2 && $4 <= $3)) || fail "$1: expected within [$2, $3], got $4"
}

# assert_match WHAT ERE TEXT: TEXT matches the extended regular expression.
assert_match() {
	[[ "$3" =~ $2 ]] || fail "$1: expected to match /$2/, got '$3'"
}

# assert_no_match WHAT ERE TEXT
assert_no_match() {
	[[ ! "$3" =~ $2 ]] || fail "$1: expected not to match /$2/, got '$3'"
}

# assert_contains WHAT NEEDLE HAYSTACK: NEEDLE is a substring of HAYSTACK.
assert_contains() {
	[[ "$3" == *"$2"* ]] || fail "$1: expected to contain '$2', got '$3'"
}

# assert_not_contains WHAT NEEDLE HAYSTACK
assert_not_contains() {
	[[ "$3" != *"$2"* ]] || fail "$1: expected not to contain '$2', got '$3'"
}

# assert_ok WHAT CMD...: CMD succeeds; on failure its stderr's first line is shown.
assert_ok() {
	local what=$1 err rc=0
	shift
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	((rc == 0)) || fail "$what: '$*' exited $rc: ${err%%$'\n'*}"
}

# assert_fails WHAT CMD...: CMD exits non-zero.
assert_fails() {
	local what=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	((rc != 0)) || fail "$what: '$*' succeeded, expected an error"
}

# ---------------------------------------------------------------------------
# Namespaces, links, addresses, routes
# ---------------------------------------------------------------------------

# ns NAME: print the full namespace name ("$NS_PREFIX-NAME").
ns() {
	printf '%s-%s' "$NS_PREFIX" "$1"
}

# ns_add NAME...: create namespaces with lo up and IPv6 DAD off (addresses are
# usable at once); each is deleted at cleanup, with any process left in it.
ns_add() {
	local n full
	for n in "$@"; do
		full=$(ns "$n")
		ip netns add "$full"
		cleanup_push "ns_del $n"
		ip -n "$full" link set lo up
		ip netns exec "$full" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
}

# ns_del NAME: kill the processes in a namespace (by pid) and delete it.
ns_del() {
	local full pid
	full=$(ns "$1")
	for pid in $(ip netns pids "$full" 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	ip netns del "$full" 2>/dev/null || true
}

# nsx NAME CMD...: run CMD in namespace NAME.
nsx() {
	local n=$1
	shift
	ip netns exec "$(ns "$n")" "$@"
}

# nip NAME ARGS...: `ip ARGS` in namespace NAME (ip -n).
nip() {
	local n=$1
	shift
	ip -n "$(ns "$n")" "$@"
}

# veth NS1 IF1 NS2 IF2: a veth pair named IF1 in NS1 and IF2 in NS2, both up.
# NS2 may equal NS1 (a pair inside one namespace).
veth() {
	ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")"
	nip "$1" link set "$2" up
	nip "$3" link set "$4" up
}

# bridge_add NS BR: a bridge (no STP, no forwarding delay) in NS, up.
bridge_add() {
	nip "$1" link add "$2" type bridge stp_state 0 forward_delay 0
	nip "$1" link set "$2" up
}

# bridge_port NS BR IF: enslave IF to bridge BR (in NS).
bridge_port() {
	nip "$1" link set "$3" master "$2"
	nip "$1" link set "$3" up
}

# addr NS IF ADDR/LEN...: add addresses (IPv6 with nodad).
addr() {
	local n=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		if [[ $a == *:* ]]; then
			nip "$n" -6 addr add "$a" dev "$dev" nodad
		else
			nip "$n" -4 addr add "$a" dev "$dev"
		fi
	done
}

# forwarding NS: enable IPv4 and IPv6 forwarding, rp_filter off.
forwarding() {
	nsx "$1" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# route NS ARGS...: `ip route add ARGS` in NS (-6 is implied by an IPv6 prefix).
route() {
	local n=$1
	shift
	nip "$n" route add "$@"
}

# mac_of NS IF: the interface's MAC address.
mac_of() {
	nip "$1" -j link show dev "$2" | json_eval 'j[0]["address"]'
}

# ---------------------------------------------------------------------------
# bpffs
# ---------------------------------------------------------------------------

# bpffs_mount VAR: mount a bpffs on a new temp dir of the root filesystem
# (visible from every `ip netns exec`, which remounts /sys), store its path in
# VAR; unmounted and removed at cleanup.
bpffs_mount() {
	local d
	d=$(mktemp -d "$KT_TMP/bpffs.XXXXXX")
	mount -t bpf bpf "$d"
	cleanup_push "umount '$d' || umount -l '$d'; rmdir '$d'"
	printf -v "$1" '%s' "$d"
}

# ---------------------------------------------------------------------------
# Background processes and waiting
# ---------------------------------------------------------------------------

# bg_start NAME NS CMD...: start CMD in namespace NS in the background, stdout
# to $KT_TMP/NAME.out and stderr to $KT_TMP/NAME.err; killed at cleanup.
bg_start() {
	local name=$1 n=$2
	shift 2
	# Empty the files here, not in the background child: a reused NAME must not
	# show the last run's lines to bg_ready before the child gets to run.
	: >"$KT_TMP/$name.out"
	: >"$KT_TMP/$name.err"
	ip netns exec "$(ns "$n")" "$@" >>"$KT_TMP/$name.out" 2>>"$KT_TMP/$name.err" &
	_KT_BG[$name]=$!
	cleanup_push "bg_kill $name"
}

# bg_pid NAME: the pid of a background process.
bg_pid() {
	echo "${_KT_BG[$1]}"
}

# bg_wait NAME [SECONDS]: wait (at most SECONDS, default 60) for a background
# process to end; returns its exit status. Fails the test if it does not end.
bg_wait() {
	local name=$1 limit=${2:-60} pid i rc=0
	pid=${_KT_BG[$name]}
	for ((i = 0; i < limit * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && fail "$name (pid $pid) still running after ${limit}s"
	wait "$pid" || rc=$?
	return "$rc"
}

# bg_kill NAME [SIGNAL]: stop a background process (SIGNAL, default TERM; KILL
# after 3 s) and reap it.
bg_kill() {
	local name=$1 sig=${2:-TERM} pid i
	pid=${_KT_BG[$name]:-}
	[[ -n $pid ]] || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# wait_for TRIES INTERVAL WHAT CMD...: run CMD until it succeeds, at most TRIES
# times INTERVAL seconds apart; fail "timed out waiting for WHAT" otherwise.
# For readiness only (a server listening, a route present), never for timing.
wait_for() {
	local tries=$1 interval=$2 what=$3 i
	shift 3
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep "$interval"
	done
	fail "timed out waiting for $what"
}

# bg_ready NAME TEXT [SECONDS]: wait until the background process NAME printed
# TEXT (stdout or stderr); fail if it exits first or takes longer.
bg_ready() {
	local name=$1 text=$2 limit=${3:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		grep -qF -- "$text" "$KT_TMP/$name.out" "$KT_TMP/$name.err" 2>/dev/null && return 0
		kill -0 "${_KT_BG[$name]}" 2>/dev/null ||
			fail "$name exited before '$text': $(head -c 300 "$KT_TMP/$name.err")"
		sleep 0.05
	done
	fail "$name did not print '$text' within ${limit}s"
}

# ---------------------------------------------------------------------------
# Packet capture
# ---------------------------------------------------------------------------

# cap_start NAME NS IF [TCPDUMP ARGS / FILTER...]: capture on IF in NS into
# $KT_TMP/NAME.pcap (snap length 256, written per packet); returns once tcpdump
# listens, so every packet sent afterwards is in the file.
cap_start() {
	local name=$1 n=$2 dev=$3
	shift 3
	bg_start "$name" "$n" tcpdump -n -i "$dev" -s 256 -U --immediate-mode \
		-w "$KT_TMP/$name.pcap" "$@"
	bg_ready "$name" "listening on" 10
}

# cap_stop NAME: wait until the capture file stops growing (bounded), then stop
# tcpdump with SIGINT so it flushes, and reap it. Prints nothing.
cap_stop() {
	local name=$1 f size prev=-1 stable=0 i
	f=$(pcap_file "$name")
	for ((i = 0; i < 50 && stable < 3; i++)); do
		size=$(stat -c %s "$f" 2>/dev/null || echo 0)
		if [[ $size == "$prev" ]]; then stable=$((stable + 1)); else stable=0; fi
		prev=$size
		sleep 0.1
	done
	bg_kill "$name" INT
}

# pcap_file NAME: path of a capture's pcap file.
pcap_file() {
	echo "$KT_TMP/$1.pcap"
}

# cap_dropped NAME: packets tcpdump reported as dropped by the kernel (after cap_stop).
cap_dropped() {
	sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$KT_TMP/$1.err" | head -1
}

# pcap_fields NAME FIELDS [KEY=VALUE...]: tab-separated fields per packet of a
# capture (see tests/lib/pcap.py).
pcap_fields() {
	local name=$1
	shift
	"$KT_PYTHON" "$KT_LIB_DIR/pcap.py" fields "$(pcap_file "$name")" "$@"
}

# pcap_dump NAME: one JSON object per packet of a capture.
pcap_dump() {
	"$KT_PYTHON" "$KT_LIB_DIR/pcap.py" dump "$(pcap_file "$1")"
}

# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

# json_eval EXPR [FILE]: evaluate the Python expression EXPR with j = the JSON
# document from FILE (or stdin); print the result (JSON for lists and dicts,
# plain text otherwise). E.g. json_eval 'len(j)', json_eval 'j[0]["paths"][1]["packets"]'.
json_eval() {
	"$KT_PYTHON" -c '
import json, sys
j = json.load(open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin)
v = eval(sys.argv[1])
if isinstance(v, bool):
    v = int(v)
print(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v)
' "$@"
}
