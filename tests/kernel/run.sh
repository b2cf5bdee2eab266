#!/usr/bin/env bash
# Run the srv6-bpf kernel tests (network namespaces, as root).
#
#   tests/kernel/run.sh [TEST...]
#
# TEST is a file name (test_wire.sh), its stem (test_wire) or the part after
# test_ (wire); default: $KTESTS, else every tests/kernel/test_*.sh. Each test runs
# in its own process with a unique namespace prefix; after it, the runner checks
# that nothing with that prefix was left behind (namespaces, mounts) and removes
# leftovers. Output of a failed test is printed; KT_VERBOSE=1 prints every test's.
#
# Environment: SRV6_BPF (binary, default build/srv6-bpf), KT_TIMEOUT (seconds
# per test, default 300), KT_KEEP=1 (keep each test's temp dir with its pcaps,
# and the logs), KT_TRACE=1 (trace every command with a timestamp). Logs are
# kept in /tmp/kt*.logs.* when a test fails. Exit: 0 all passed, 1 a test
# failed, 2 setup error, 77 skipped (not root).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export SRV6_BPF=${SRV6_BPF:-$root/build/srv6-bpf}
timeout_s=${KT_TIMEOUT:-300}

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: kernel tests need root (network namespaces, BPF): run as root, e.g. sudo make test-kernel" >&2
	exit 77
fi
if [[ ! -x $SRV6_BPF ]]; then
	echo "ERROR: $SRV6_BPF not found: build it first (make), or set SRV6_BPF" >&2
	exit 2
fi
missing=()
for tool in ip tc tcpdump bpftool ping setpriv sysctl timeout python3; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	echo "ERROR: missing tools: ${missing[*]} (make deps installs them)" >&2
	exit 2
fi

# Which tests.
names=("$@")
if ((${#names[@]} == 0)) && [[ -n ${KTESTS:-} ]]; then
	read -r -a names <<<"$KTESTS"
fi
tests=()
if ((${#names[@]} == 0)); then
	for f in "$here"/test_*.sh; do tests+=("$f"); done
else
	for n in "${names[@]}"; do
		n=${n##*/}
		n=${n%.sh}
		n=${n#test_}
		if [[ ! -f $here/test_$n.sh ]]; then
			echo "ERROR: no such kernel test: $here/test_$n.sh" >&2
			exit 2
		fi
		tests+=("$here/test_$n.sh")
	done
fi

run_id=kt$$$(printf %04x $((RANDOM)))
logdir=$(mktemp -d "/tmp/$run_id.logs.XXXXXX")
pass=0
failed=()
total_start=$(date +%s.%N)

# leftovers PREFIX: namespaces and mounts named with PREFIX.
leftovers() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-" || true
	awk '{print $2}' /proc/mounts | grep -F "/$1." || true
}

i=0
for t in "${tests[@]}"; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	prefix=$run_id-$i
	log=$logdir/$name.log
	start=$(date +%s.%N)
	KT_PREFIX=$prefix timeout --kill-after=10 "$timeout_s" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	left=$(leftovers "$prefix")
	if [[ -n $left ]]; then
		echo "leftovers after $name: $(echo "$left" | tr '\n' ' ')" >>"$log"
		for ns in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-"); do
			for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null; done
			ip netns del "$ns"
		done
		awk '{print $2}' /proc/mounts | grep -F "/$prefix." | while read -r m; do umount -l "$m"; done
		((rc == 0)) && rc=99
	fi
	((rc == 124)) && echo "FAIL: timed out after ${timeout_s}s" >>"$log"
	if ((rc == 0)); then
		pass=$((pass + 1))
		printf 'PASS  %-24s %6ss\n' "$name" "$secs"
		[[ ${KT_VERBOSE:-0} == 1 ]] && sed 's/^/    /' "$log"
	else
		failed+=("$name")
		printf 'FAIL  %-24s %6ss (exit %d)\n' "$name" "$secs" "$rc"
		sed 's/^/    /' "$log"
	fi
done

total=$(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if ((${#failed[@]} == 0)) && [[ ${KT_KEEP:-0} != 1 ]]; then
	rm -rf "$logdir"
	echo "kernel tests: $pass passed, 0 failed, ${#tests[@]} total in ${total}s"
	exit 0
fi
echo "kernel tests: $pass passed, ${#failed[@]} failed, ${#tests[@]} total in ${total}s (logs: $logdir)"
((${#failed[@]} == 0)) || {
	echo "failed: ${failed[*]}"
	exit 1
}
