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
# A test that cannot run on this kernel prints "SKIP <test>: reason" and exits
# 77 (tests/lib/features.sh: skip_unless): it counts as skipped, never as passed
# or failed. First the runner prints `srv6-bpf check`, what this kernel offers,
# and keeps its JSON for the tests ($KT_CHECK_JSON, read by features.sh).
#
# Environment: SRV6_BPF (binary, default build/srv6-bpf), KT_TIMEOUT (seconds
# per test, default 300), KT_KEEP=1 (keep each test's temp dir with its pcaps,
# and the logs), KT_TRACE=1 (trace every command with a timestamp). Logs are
# kept in /tmp/kt*.logs.* when a test fails. Exit: 0 none failed (skips do
# not fail a run), 1 a test failed, 2 setup error, 77 skipped (not root).
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
skipped=()
skip_reasons=() # "name: reason", as in skipped
total_start=$(date +%s.%N)

# What this kernel offers, once: in the log for people, as JSON for the tests.
rc=0
check_text=$("$SRV6_BPF" check 2>&1) || rc=$?
if ((rc != 0)); then
	echo "ERROR: '$SRV6_BPF check' failed (exit $rc): ${check_text%%$'\n'*}" >&2
	rm -rf "$logdir"
	exit 2
fi
if ! "$SRV6_BPF" -j check >"$logdir/check.json" 2>&1; then
	echo "ERROR: '$SRV6_BPF -j check' failed: $(head -1 "$logdir/check.json")" >&2
	rm -rf "$logdir"
	exit 2
fi
export KT_CHECK_JSON=$logdir/check.json
echo "srv6-bpf check (what this kernel offers):"
echo "$check_text"
echo

# leftovers PREFIX: namespaces and mounts named with PREFIX.
leftovers() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-" || true
	awk '{print $2}' /proc/mounts | grep -F "/$1." || true
}

# Names in one column, however long the longest.
width=24
for t in "${tests[@]}"; do
	n=$(basename "$t" .sh)
	((${#n} > width)) && width=${#n}
done

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
		((rc == 0 || rc == 77)) && rc=99
	fi
	((rc == 124)) && echo "FAIL: timed out after ${timeout_s}s" >>"$log"
	if ((rc == 0)); then
		pass=$((pass + 1))
		printf 'PASS  %-*s %6ss\n' "$width" "$name" "$secs"
		[[ ${KT_VERBOSE:-0} == 1 ]] && sed 's/^/    /' "$log"
	elif ((rc == 77)); then
		# The test's own "SKIP <name>: reason" line, without the prefix.
		reason=$(grep -m1 '^SKIP ' "$log" || true)
		reason=${reason#SKIP }
		reason=${reason#"$name": }
		reason=${reason#"${name#test_}": }
		[[ -n $reason ]] || reason="(exit 77 without a SKIP line)"
		skipped+=("$name")
		skip_reasons+=("$name: $reason")
		printf 'SKIP  %-*s %6ss  %s\n' "$width" "$name" "$secs" "$reason"
		[[ ${KT_VERBOSE:-0} == 1 ]] && sed 's/^/    /' "$log"
	else
		failed+=("$name")
		printf 'FAIL  %-*s %6ss (exit %d)\n' "$width" "$name" "$secs" "$rc"
		sed 's/^/    /' "$log"
	fi
done

total=$(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
summary="kernel tests: $pass passed, ${#failed[@]} failed, ${#skipped[@]} skipped, ${#tests[@]} total in ${total}s"
if ((${#failed[@]} == 0)) && [[ ${KT_KEEP:-0} != 1 ]]; then
	rm -rf "$logdir"
	echo "$summary"
else
	echo "$summary (logs: $logdir)"
fi
if ((${#skipped[@]})); then
	echo "skipped:"
	printf '  %s\n' "${skip_reasons[@]}"
fi
if ((${#failed[@]})); then
	echo "failed: ${failed[*]}"
	exit 1
fi
exit 0
