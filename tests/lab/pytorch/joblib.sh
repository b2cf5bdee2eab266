# shellcheck shell=bash
# joblib.sh: a gloo job (tests/lab/pytorch/job.py) across the lab's hosts, one rank per
# host namespace. Source after tests/lab/lablib.sh, with NS_PREFIX, LAB_DIR and
# LAB_BPFFS set (and the lab up):
#
#   job_placement              the job's hosts in rank order, one a line: hosts taken
#                              leaf by leaf in turn (host 0 of each leaf, then host 1,
#                              ...), so that every hop of a rank ring crosses the fabric
#   job_placement_random SEED  the lab's hosts in a random order (Python's
#                              random.Random(SEED).shuffle), one a line
#   job_start [OPTIONS] DIR MODE [VAR=VALUE...]
#                              start one rank in every host of JOB_HOSTS (an array in
#                              rank order; empty: job_placement); MODE plugin or plain
#                              (job.py); output and rankN.json in DIR. The environment
#                              is the plugin's, as a user sets it (JALAPENO_API_ENDPOINT:
#                              JOB_API_ENDPOINT, else the lab's test server); VAR=VALUE
#                              adds to it or overrides it. OPTIONS:
#                                --master ipv4|ipv6  MASTER_ADDR: the first host's
#                                                    address of that family (default ipv4)
#                                --no-socket-ifname  GLOO_SOCKET_IFNAME and
#                                                    NCCL_SOCKET_IFNAME unset (default:
#                                                    GLOO_SOCKET_IFNAME=eth0)
#                                --torchrun N        N processes a host, started by real
#                                                    torchrun (python3 -m
#                                                    torch.distributed.run, static
#                                                    rendezvous at MASTER_ADDR, node rank
#                                                    the host's index): ranks are
#                                                    host index x N + LOCAL_RANK; each
#                                                    writes DIR/rankR.log (JOB_LOG=1),
#                                                    torchrun itself DIR/nodeI.log (its
#                                                    own files in DIR/torchrunI)
#   job_wait DIR               wait for every rank (at most JOB_TIMEOUT s, default 300;
#                              once a rank failed, at most 10 s more: the others would
#                              wait for it in a collective) and set JOB_STATUS to the
#                              ranks' exit statuses, "0 0 0 0" when all passed (with
#                              --torchrun: one status a host, torchrun's). Not in
#                              $(...): the ranks are this shell's children
#   job_paused DIR BEFORE AFTER
#                              for a job started with JOB_PAUSE=1: counter snapshots
#                              (counters.py) while the job waits before and after its
#                              collectives
#   job_plan DIR               the plan for the job's hosts (DIR/rank0.json), as sync
#                              plans them: DIR/job.hosts ("name rank" a line) and
#                              DIR/plan.json (srv6-bpf -j plan), for counters.py --plan
#   job_counters DIR BEFORE AFTER
#                              job_plan, then counters.py check of the snapshots
#                              against it, every peer under both families; its lines
#                              on stdout, its report in DIR/report.json; fails as the
#                              check does
#   job_log DIR                every rank's output, prefixed with its rank (and
#                              torchrun's, prefixed with its node)
#
# By default the job talks IPv4: gloo announces the first address of GLOO_SOCKET_IFNAME,
# which on the lab's hosts is their IPv4 address, so MASTER_ADDR is rank 0's IPv4 address
# and the plugin programs the peers' IPv4 addresses (IPv4 inside SRv6).

JOB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JOB_PYTHON=${JOB_PYTHON:-/usr/bin/python3}  # Debian's: it has python3-torch
JOB_MASTER_PORT=${JOB_MASTER_PORT:-29500}
JOB_HOSTS=()
JOB_PIDS=()
JOB_STATUS=

job_placement() {
	json_eval '"\n".join(h["name"] for h in sorted(j["hosts"],
		key=lambda h: ([x["name"] for x in j["hosts"] if x["leaf"] == h["leaf"]].index(h["name"]),
			h["leaf"])))' "$LAB_DIR/lab.json"
}

job_placement_random() {
	json_eval '"\n".join(n for r in [__import__("random").Random('"$1"')]
		for names in [[h["name"] for h in j["hosts"]]] for _ in [r.shuffle(names)]
		for n in names)' "$LAB_DIR/lab.json"
}

job_start() {
	local family=ipv4 nproc=0 ifname=(GLOO_SOCKET_IFNAME=eth0) unset=()
	while (($#)); do
		case $1 in
		--master) family=$2; shift 2 ;;
		--no-socket-ifname) ifname=() unset=(-u GLOO_SOCKET_IFNAME -u NCCL_SOCKET_IFNAME); shift ;;
		--torchrun) nproc=$2; shift 2 ;;
		*) break ;;
		esac
	done
	[[ $family == ipv4 || $family == ipv6 ]] || fail "job_start: --master ipv4|ipv6, not '$family'"
	local dir=$1 mode=$2 hosts master api r log
	local -a renv prog
	shift 2
	mkdir -p "$dir"
	rm -f "$dir"/rank*.json "$dir"/rank*.log "$dir"/node*.log "$dir"/ready "$dir"/go \
		"$dir"/done "$dir"/finish
	if ((${#JOB_HOSTS[@]})); then
		hosts=("${JOB_HOSTS[@]}")
	else
		mapfile -t hosts < <(job_placement)
	fi
	master=$(lab_host "${hosts[0]}" "$family")
	api=${JOB_API_ENDPOINT:-}
	if [[ -z $api && -s $LAB_DIR/server.port ]]; then
		api=http://127.0.0.1:$(cat "$LAB_DIR/server.port")/api/v1
	fi
	JOB_PIDS=()
	for r in "${!hosts[@]}"; do
		if ((nproc)); then
			# torchrun gives each process RANK, WORLD_SIZE, MASTER_ADDR/PORT, LOCAL_RANK,
			# ... Debian's torch 1.13 under Python 3.11 cannot start workers with the
			# default --redirects 0 --tee 0: Std.from_str finds no member for 0 nor 3
			# (3.11 iterates a flag's single-bit members only), so stderr is teed, the
			# one setting that parses and leaves the output where it was (its files in
			# DIR/torchrunI).
			renv=(JOB_LOG=1) log=$dir/node$r.log
			prog=("$JOB_PYTHON" -m torch.distributed.run --nnodes "${#hosts[@]}"
				--nproc_per_node "$nproc" --node_rank "$r" --master_addr "$master"
				--master_port "$JOB_MASTER_PORT" --redirects 2 --tee 2
				--log_dir "$dir/torchrun$r" "$JOB_HOME/job.py")
		else
			renv=(RANK="$r" WORLD_SIZE="${#hosts[@]}" MASTER_ADDR="$master"
				MASTER_PORT="$JOB_MASTER_PORT") log=$dir/rank$r.log
			prog=("$JOB_PYTHON" "$JOB_HOME/job.py")
		fi
		ip netns exec "$(ns "${hosts[r]}")" env "${unset[@]}" \
			PYTHONPATH="$LAB_ROOT/python" \
			"${renv[@]}" \
			BACKEND_INTERFACE=eth0 "${ifname[@]}" \
			HOSTNAME_PREFIX=host HOSTNAME="${hosts[r]}" \
			JALAPENO_API_ENDPOINT="$api" \
			TOPOLOGY_COLLECTION=network_topology \
			DEST_FUNCTION="$LAB_DEST_FUNCTION" \
			SRV6_BPF="$SRV6_BPF" SRV6_BPF_BPFFS="$LAB_BPFFS" \
			JOB_MODE="$mode" JOB_DIR="$dir" \
			"$@" \
			"${prog[@]}" >"$log" 2>&1 &
		JOB_PIDS+=($!)
	done
}

job_wait() {
	local dir=$1 limit=${JOB_TIMEOUT:-300} i r rc running grace=-1
	local -a codes=()
	for ((i = 0; i < limit * 10; i++)); do
		running=0
		for r in "${!JOB_PIDS[@]}"; do
			[[ -n ${codes[r]:-} ]] && continue
			if kill -0 "${JOB_PIDS[r]}" 2>/dev/null; then
				running=1
				continue
			fi
			rc=0
			wait "${JOB_PIDS[r]}" || rc=$?
			codes[r]=$rc
			((rc == 0 || grace >= 0)) || grace=100
		done
		((running)) || break
		if ((grace >= 0)); then
			((grace-- > 0)) || break
		fi
		sleep 0.1
	done
	for r in "${!JOB_PIDS[@]}"; do
		[[ -z ${codes[r]:-} ]] || continue
		kill -KILL "${JOB_PIDS[r]}" 2>/dev/null
		echo "job: killed: still running after the others ended or failed (${limit}s at most)" \
			>>"$dir/rank$r.log"
		rc=0
		wait "${JOB_PIDS[r]}" || rc=$?
		codes[r]=$rc
	done
	# shellcheck disable=SC2034 # for the caller
	JOB_STATUS="${codes[*]}"
}

# _job_wait_file DIR NAME: wait until rank 0 created DIR/NAME; fail if a rank exits first.
_job_wait_file() {
	local dir=$1 name=$2 i pid
	for ((i = 0; i < ${JOB_TIMEOUT:-300} * 20; i++)); do
		[[ -e $dir/$name ]] && return 0
		for pid in "${JOB_PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null || { job_log "$dir" >&2; fail "job: a rank exited before '$name'"; }
		done
		sleep 0.05
	done
	fail "job: no '$name' from rank 0 within ${JOB_TIMEOUT:-300}s"
}

job_snapshot() {
	"$KT_PYTHON" "$JOB_HOME/counters.py" snapshot --lab "$LAB_DIR" --prefix "$NS_PREFIX" \
		--srv6-bpf "$SRV6_BPF" --bpffs "$LAB_BPFFS" --out "$1"
}

job_paused() {
	local dir=$1
	_job_wait_file "$dir" ready
	job_snapshot "$2"
	touch "$dir/go"
	_job_wait_file "$dir" "done"
	job_snapshot "$3"
	touch "$dir/finish"
}

job_plan() {
	json_eval '"\n".join("%s %d" % (h[0], h[1]) for h in j["hosts"])' "$1/rank0.json" >"$1/job.hosts"
	"$SRV6_BPF" -j plan --topology-file "$LAB_DIR/topology.json" --hosts-file "$1/job.hosts" \
		--dest-function "$LAB_DEST_FUNCTION" >"$1/plan.json"
}

job_counters() {
	job_plan "$1" || return 1
	"$KT_PYTHON" "$JOB_HOME/counters.py" check --lab "$LAB_DIR" --before "$2" --after "$3" \
		--job "$1/rank0.json" --plan "$1/plan.json" --both-families --out "$1/report.json"
}

job_log() {
	local f n what
	for f in "$1"/node*.log "$1"/rank*.log; do
		[[ -e $f ]] || continue
		n=${f##*/}
		n=${n%.log}
		what=${n%%[0-9]*}
		sed "s/^/   $what ${n#"$what"}: /" "$f"
	done
	return 0
}
