# shellcheck shell=bash
# jalapeno.sh: the Jalapeño test server (tests/jalapeno/server.py) for kernel
# tests, on top of netns.sh (source that first and call kt_init).
# Public: jal_server_start, jal_server_stop.

# jal_server_start NAME TOPOLOGY [ARGS...]: the server serving TOPOLOGY in the
# background (ARGS: its options, e.g. --netns NS, --port P, --tls-cert F), its
# output appended to $KT_TMP/NAME.out and NAME.err. Returns once it listens,
# with ${NAME}_PORT and ${NAME}_PID set. The test's cleanup stops it if the
# test did not (jal_server_stop NAME).
jal_server_start() {
	local name=$1 topology=$2 pid
	shift 2
	rm -f "$KT_TMP/$name.port"
	"$KT_PYTHON" "$KT_LIB_DIR/../jalapeno/server.py" "$topology" \
		--port-file "$KT_TMP/$name.port" "$@" >>"$KT_TMP/$name.out" 2>>"$KT_TMP/$name.err" &
	pid=$!
	printf -v "${name}_PID" '%s' "$pid"
	cleanup_push "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	wait_for 100 0.1 "the $name server" test -s "$KT_TMP/$name.port"
	printf -v "${name}_PORT" '%s' "$(cat "$KT_TMP/$name.port")"
}

# jal_server_stop NAME: stop the server jal_server_start NAME started.
jal_server_stop() {
	local pid_var=${1}_PID
	kill "${!pid_var}" 2>/dev/null || true
	wait "${!pid_var}" 2>/dev/null || true
}
