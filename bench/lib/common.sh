# shellcheck shell=bash
# Shared by the bench sections (see bench/README.md). Source it from a section's
# run.sh; bench/run.sh exports what it reads, and a section also runs alone.
#
#   BENCH_PREFIX  unique prefix for namespace names and temp dirs (default bn<pid>)
#   BENCH_OUT     where the section writes result.json (default: a temp dir)
#   BENCH_BUILD   the build directory (default: <repo>/build)
#   SRV6_BPF      the loader binary (default: $BENCH_BUILD/srv6-bpf)
#   BENCH_QUICK   1: fewer and shorter runs, to check that a section works
#   BENCH_CHECK_JSON  `srv6-bpf -j check`'s answer (bench/run.sh asks once per
#                 run; a section run alone asks on first use)
#   BENCH_KERNEL_SEG6  auto (default) or off: off runs every section as if the
#                 kernel had no seg6 (srv6-bpf's End and decapsulation only)

set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$(cd "$BENCH_ROOT/.." && pwd)
: "${BENCH_PREFIX:=bn$$}"
: "${BENCH_BUILD:=$REPO_ROOT/build}"
: "${SRV6_BPF:=$BENCH_BUILD/srv6-bpf}"
: "${BENCH_QUICK:=0}"
BENCH_PY=$(command -v python3)
export BENCH_PREFIX BENCH_BUILD SRV6_BPF BENCH_QUICK BENCH_PY

# Cleanup steps run last-registered first on any exit, failure or signal.
BENCH_CLEANUPS=()
bench_at_exit() { BENCH_CLEANUPS+=("$*"); }
bench_cleanup() {
	local i
	for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${BENCH_CLEANUPS[i]}" >/dev/null 2>&1 || true
	done
	BENCH_CLEANUPS=()
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP

bench_die() {
	echo "bench: $*" >&2
	exit 1
}

bench_need() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || bench_die "$cmd not found (make deps installs it)"
	done
}

if [ "$(id -u)" -ne 0 ]; then
	bench_die "must run as root (BPF and network namespaces)"
fi
if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT=$(mktemp -d "/tmp/$BENCH_PREFIX-out.XXXXXX")
	echo "bench: results in $BENCH_OUT (kept)" >&2
fi
mkdir -p "$BENCH_OUT"

# bench_tmpdir VAR NAME: a temp dir, removed on exit, into VAR. (Not $(...):
# a command substitution is a subshell, and its cleanup would be lost.)
bench_tmpdir() {
	local d
	d=$(mktemp -d "/tmp/$BENCH_PREFIX-$2.XXXXXX")
	bench_at_exit "rm -rf '$d'"
	printf -v "$1" '%s' "$d"
}

# bench_bpffs VAR: a private bpffs on the root filesystem (visible inside
# `ip netns exec`), unmounted on exit, into VAR.
bench_bpffs() {
	local d
	d=$(mktemp -d "/tmp/$BENCH_PREFIX-bpffs.XXXXXX")
	bench_at_exit "rmdir '$d'"
	mount -t bpf bpf "$d"
	bench_at_exit "umount '$d'"
	printf -v "$1" '%s' "$d"
}

# What the kernel offers is what `srv6-bpf -j check` says, read through
# tests/lib/features.sh (kernel_has): the benchmarks probe nothing themselves.
: "${BENCH_CHECK_JSON:=$BENCH_OUT/check.json}"
: "${BENCH_KERNEL_SEG6:=auto}"
export BENCH_CHECK_JSON KT_CHECK_JSON=$BENCH_CHECK_JSON
# shellcheck source=tests/lib/features.sh
source "$REPO_ROOT/tests/lib/features.sh"
# tests/lab (the pytorch section) asks kernel_has itself: LAB_ROUTER=bpf keeps
# its routers and hosts off the kernel's seg6 as well.
if [ "$BENCH_KERNEL_SEG6" = off ]; then export LAB_ROUTER=${LAB_ROUTER:-bpf}; fi

# bench_kernel_has NAME: status 0 when check says the kernel has NAME (a check
# capability or feature, see tests/lib/features.sh), 1 when not; dies when check
# cannot answer. BENCH_KERNEL_SEG6=off answers no for the seg6 ones.
bench_kernel_has() {
	local rc=0
	if [ ! -s "$BENCH_CHECK_JSON" ]; then
		"$SRV6_BPF" -j check >"$BENCH_CHECK_JSON" ||
			bench_die "'$SRV6_BPF -j check' failed: $(head -c 300 "$BENCH_CHECK_JSON")"
	fi
	if [ "$BENCH_KERNEL_SEG6" = off ]; then
		case $1 in seg6* | kernel_platform | kernel_end_next_csid) return 1 ;; esac
	elif [ "$BENCH_KERNEL_SEG6" != auto ]; then
		bench_die "BENCH_KERNEL_SEG6 must be auto or off, not '$BENCH_KERNEL_SEG6'"
	fi
	kernel_has "$1" || rc=$?
	[ "$rc" -le 1 ] || bench_die "srv6-bpf check cannot tell whether the kernel has $1"
	return "$rc"
}

# bench_kernel_why NAME: why a comparison with the kernel's NAME was left out,
# as a phrase ("not available on this kernel: ..."), after a bench_kernel_has
# NAME that said no.
bench_kernel_why() {
	local got
	if [ "$BENCH_KERNEL_SEG6" = off ]; then
		echo "not measured (BENCH_KERNEL_SEG6=off)"
	elif got=$(kernel_detail "$1"); then
		echo "not available on this kernel: $got, says srv6-bpf check"
	else
		echo "not measured: srv6-bpf check does not know $1"
	fi
}

# bench_iperf_runs NAME RUNS SECS QUICK_RUNS QUICK_SECS: RUNS and SECS of an
# interleaved iperf3 section, from BENCH_<NAME>_RUNS and BENCH_<NAME>_SECONDS,
# else the defaults (the QUICK ones with --quick); at least 3 runs (a median
# of interleaved runs) of at least 1 s.
bench_iperf_runs() {
	local name=$1
	if [ "$BENCH_QUICK" = 1 ]; then RUNS=$4 SECS=$5; else RUNS=$2 SECS=$3; fi
	eval "RUNS=\${BENCH_${name}_RUNS:-$RUNS} SECS=\${BENCH_${name}_SECONDS:-$SECS}"
	[ "$RUNS" -ge 3 ] 2>/dev/null || bench_die "BENCH_${name}_RUNS must be a number, at least 3"
	[ "$SECS" -ge 1 ] 2>/dev/null || bench_die "BENCH_${name}_SECONDS must be a number, at least 1"
}

# Milliseconds since the epoch.
bench_now_ms() { date +%s%3N; }

# The interleaved sections' loop: each run goes through every mode in turn,
# so drift on this shared machine hits all modes alike. Calls one_run MODE RUN
# (which appends its row to $TMP/runs.tsv) for RUNS runs over MODES, and
# leaves the load averages before and after in LOAD_START and LOAD_END.
bench_interleave() {
	local i mode

	# shellcheck disable=SC2034 # read by the section that calls this
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	: >"$TMP/runs.tsv"
	for i in $(seq "$RUNS"); do
		for mode in "${MODES[@]}"; do
			one_run "$mode" "$i"
		done
	done
	# shellcheck disable=SC2034
	LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
}
