#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan + UBSan + leak checks) and run each
# for a bounded time. Fails on any crash, leak, undefined behaviour, timeout or
# out-of-memory, printing the reproducer's path.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]      (default: $FUZZ_SECONDS, else 30)
#
# Seeds come from tests/fuzz/corpus/TARGET/ (real answers of the test server);
# the run works on a copy, so the tree stays clean. Environment: CLANG (default
# clang), BUILD (default build), FUZZ_KEEP=1 keeps the work directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-30}}
clang=${CLANG:-clang}
out=$root/${BUILD:-build}/fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/srv6-fuzz.XXXXXX")
if [[ ${FUZZ_KEEP:-0} == 1 ]]; then
	trap 'echo "kept: $work" >&2' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi

command -v "$clang" >/dev/null || { echo "ERROR: $clang not found (apt-get install clang)" >&2; exit 2; }
mkdir -p "$out"

# The code under test, as the loader builds it (C11, our warnings), plus cJSON.
srcs=(loader/sync/jalapeno.c loader/fabric/usid.c loader/util/addr.c loader/util/err.c loader/net/http.c)
flags=(-g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -Iinclude -Iloader $(pkg-config --cflags libcjson libcurl))
libs=($(pkg-config --libs libcjson libcurl))

targets=(jalapeno_response sid_builder)
for t in "${targets[@]}"; do
	(cd "$root" && "$clang" "${flags[@]}" "tests/fuzz/fuzz_$t.c" "${srcs[@]}" -o "$out/fuzz_$t" "${libs[@]}")
done

failed=0
for t in "${targets[@]}"; do
	corpus=$work/corpus-$t
	mkdir -p "$corpus" "$work/artifacts-$t"
	cp "$here/corpus/$t/"* "$corpus/" 2>/dev/null || true
	dict=()
	[[ $t == jalapeno_response ]] && dict=(-dict="$here/json.dict")
	echo "== fuzz_$t for ${seconds}s"
	rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		"$out/fuzz_$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts-$t/" >"$work/$t.log" 2>&1 || rc=$?
	grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$work/$t.log" | sed 's/^/   /' || true
	if ((rc != 0)); then
		failed=1
		echo "FAIL: fuzz_$t exited $rc" >&2
		grep -E "ERROR: |runtime error|SUMMARY" "$work/$t.log" | head -5 >&2 || true
		for a in "$work/artifacts-$t/"*; do
			[[ -e $a ]] || continue
			mkdir -p "$out/artifacts"
			cp "$a" "$out/artifacts/"
			echo "reproducer: $out/artifacts/$(basename "$a") (run: $out/fuzz_$t FILE)" >&2
		done
	else
		echo "   ok: no crash, leak or undefined behaviour"
	fi
done
exit "$failed"
