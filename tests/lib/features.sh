# shellcheck shell=bash
# features.sh: what this kernel offers, as `srv6-bpf check` says; the tests'
# and the lab's one source of truth (nothing else probes the kernel).
#
#   kernel_has NAME                   status 0 when check says yes, 1 when no
#                                     or unknown, 2 (and a line on stderr)
#                                     when NAME is not one of check's names
#   skip_unless NAME "reason"         at a test's top level: when the kernel
#                                     lacks NAME, print "SKIP <test>: reason
#                                     (...)" on stdout and exit 77
#   kernel_detail NAME                check's explanation for NAME
#   router_mode                       kernel or bpf: who runs the labs' End
#
# NAME is a capability of `srv6-bpf -j check` (kernel, bpf_jit, btf, tc_bpf,
# xdp, xdp_frags, seg6_routes, seg6local, seg6local_next_csid,
# bpf_redirect_neigh) or one of its features (bpf_platform, kernel_platform,
# kernel_end_next_csid). check runs once per run: tests/kernel/run.sh asks it
# for the whole run ($KT_CHECK_JSON); otherwise the first question asks and
# the answers stay in $KT_TMP (so $(...) subshells reuse them).
#
# Needs netns.sh (KT_LIB_DIR, KT_PYTHON, fail); $SRV6_BPF is read when first
# needed (default: build/srv6-bpf).

# _features_load: set _KT_FEATURES to "NAME<TAB>yes|no|unknown<TAB>detail"
# lines, once; status 2 with a line on stderr when check cannot answer.
_features_load() {
	[[ -n ${_KT_FEATURES:-} ]] && return 0
	local cache='' bin=${SRV6_BPF:-$KT_LIB_DIR/../../build/srv6-bpf} json rc=0
	[[ -n ${KT_TMP:-} && -d $KT_TMP ]] && cache=$KT_TMP/check.features
	if [[ -n $cache && -s $cache ]]; then
		_KT_FEATURES=$(<"$cache")
		return 0
	fi
	if [[ -n ${KT_CHECK_JSON:-} && -s $KT_CHECK_JSON ]]; then
		json=$(<"$KT_CHECK_JSON")
	else
		json=$("$bin" -j check 2>&1) || rc=$?
		if ((rc != 0)); then
			echo "features.sh: '$bin -j check' failed (exit $rc): ${json%%$'\n'*}" >&2
			return 2
		fi
	fi
	_KT_FEATURES=$("${KT_PYTHON:-python3}" -c '
import json, sys
j = json.load(sys.stdin)
word = {True: "yes", False: "no", None: "unknown"}
for name, v in j.items():
    if name not in ("dev", "features"):
        print(name, word[v["supported"]], v["detail"], sep="\t")
for name, v in j["features"].items():
    print(name, word[v["ok"]], v["why"], sep="\t")
' <<<"$json") || rc=$?
	if ((rc != 0)) || [[ -z $_KT_FEATURES ]]; then
		_KT_FEATURES=
		echo "features.sh: cannot read the JSON of srv6-bpf check: ${json:0:200}" >&2
		return 2
	fi
	if [[ -n $cache ]]; then
		printf '%s\n' "$_KT_FEATURES" >"$cache"
	fi
	return 0
}

# _features_get NAME: print "STATE<TAB>DETAIL" of NAME; status 1 if no such name.
_features_get() {
	local name state detail
	while IFS=$'\t' read -r name state detail; do
		if [[ $name == "$1" ]]; then
			printf '%s\t%s\n' "$state" "$detail"
			return 0
		fi
	done <<<"$_KT_FEATURES"
	return 1
}

# kernel_has NAME: 0 when srv6-bpf check says yes (see the top of this file).
kernel_has() {
	local got
	_features_load || return 2
	if ! got=$(_features_get "$1"); then
		echo "features.sh: srv6-bpf check has no capability or feature \"$1\"" >&2
		return 2
	fi
	[[ ${got%%$'\t'*} == yes ]]
}

# skip_unless NAME REASON: go on when the kernel has NAME; else print
# "SKIP <test>: REASON (check: NAME no: detail)" and exit 77. A name check
# does not know, or a check that cannot run, fails the test instead.
skip_unless() {
	local rc=0 got test
	kernel_has "$1" || rc=$?
	case $rc in
	0) return 0 ;;
	1)
		got=$(_features_get "$1")
		test=${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]##*/}
		echo "SKIP ${test%.sh}: $2 (check: $1 ${got%%$'\t'*}: ${got#*$'\t'})"
		exit 77
		;;
	*) fail "skip_unless $1: srv6-bpf check cannot tell (see the line above)" ;;
	esac
}

# kernel_detail NAME: check's explanation for NAME ("the kernel refuses encap
# seg6 routes (...)"); status 2 when check cannot answer or has no NAME.
kernel_detail() {
	local got
	_features_load || return 2
	got=$(_features_get "$1") || return 2
	echo "${got#*$'\t'}"
}

# router_mode: who shifts micro-SIDs on the labs' routers (and decapsulates on
# their hosts): LAB_ROUTER=kernel (seg6local) or bpf (srv6-bpf's End), or auto,
# the default: kernel where check says seg6local next-csid, else bpf. Prints the
# mode; status 2 with a line on stderr for another value or when check cannot
# answer.
router_mode() {
	local rc=0
	case ${LAB_ROUTER:-auto} in
	kernel | bpf) echo "$LAB_ROUTER" ;;
	auto)
		kernel_has seg6local_next_csid || rc=$?
		case $rc in
		0) echo kernel ;;
		1) echo bpf ;;
		*) return 2 ;;
		esac
		;;
	*)
		echo "LAB_ROUTER must be kernel, bpf or auto, not '$LAB_ROUTER'" >&2
		return 2
		;;
	esac
}
