# shellcheck shell=bash
# Shared by the bench sections (see bench/README.md). Source it from a section's
# run.sh; bench/run.sh exports what it reads, and a section also runs alone.
#
#   BENCH_PREFIX  unique prefix for namespace names and temp dirs (default bn<pid>)
#   BENCH_OUT     where the section writes result.json (default: a temp dir)
#   BENCH_BUILD   the build directory (default: <repo>/build)
#   SRV6_BPF      the loader binary (default: $BENCH_BUILD/srv6-bpf)
#   BENCH_QUICK   1: fewer and shorter runs, to check that a section works

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

# Milliseconds since the epoch.
bench_now_ms() { date +%s%3N; }
