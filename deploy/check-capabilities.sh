#!/usr/bin/env bash
# check-capabilities.sh: prove that the capabilities the Kubernetes manifests
# grant are enough and that each one is needed. Runs srv6-bpf in a network
# namespace of its own with exactly a given capability set (bounding set, as a
# container runtime sets it for a uid-0 process), no CAP_SYS_ADMIN, and
# RLIMIT_MEMLOCK at 64 KiB (kernels >= 5.11 charge BPF memory to the memory
# cgroup instead).
#
#   deploy/check-capabilities.sh [SRV6_BPF_BINARY]      (as root)
#
#   SRV6_BPF_CAPS       what containers that load the datapath add
#                       (default "BPF NET_ADMIN PERFMON")
#   SRV6_BPF_SYNC_CAPS  what containers that only program a loaded datapath add
#                       (default "BPF NET_ADMIN")
#
# deploy/validate.sh passes the same sets it checks the manifests against.
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lib/netns.sh
. "$here/../tests/lib/netns.sh"

bin=$(realpath "${1:-$here/../build/srv6-bpf}")
read -r -a load_caps <<<"${SRV6_BPF_CAPS:-BPF NET_ADMIN PERFMON}"
read -r -a sync_caps <<<"${SRV6_BPF_SYNC_CAPS:-BPF NET_ADMIN}"

[[ $(id -u) -eq 0 ]] || { echo "check-capabilities: must run as root (builds a network namespace)" >&2; exit 1; }
[[ -x $bin ]] || { echo "check-capabilities: $bin is not an executable (build it: make)" >&2; exit 1; }
command -v setpriv >/dev/null || { echo "check-capabilities: setpriv missing (apt-get install util-linux)" >&2; exit 1; }

kt_init
passed=0
pass() {
	ok "$*"
	passed=$((passed + 1))
}

# setpriv's list: lower case, no cap_ prefix ("BPF NET_ADMIN" -> "-all,+bpf,+net_admin").
bounding() {
	local out=-all c
	for c in "$@"; do
		out+=",+${c,,}"
	done
	printf '%s' "$out"
}

# with_caps "CAPS..." CMD...: CMD in the test namespace as uid 0 with exactly CAPS.
with_caps() {
	local caps
	read -r -a caps <<<"$1"
	shift
	nsx host prlimit --memlock=65536:65536 \
		setpriv --bounding-set "$(bounding "${caps[@]}")" --inh-caps -all -- "$@"
}

# without CAP "CAPS...": CAPS less CAP.
without() {
	local c caps out=()
	read -r -a caps <<<"$2"
	for c in "${caps[@]}"; do
		[[ $c == "$1" ]] || out+=("$c")
	done
	printf '%s' "${out[*]}"
}

ns_add host
veth host eth0 host peer0
veth host net1 host peer1
addr host eth0 2001:db8:1::1/64
addr host net1 2001:db8:3::1/64
route host fc00::/16 via 2001:db8:1::2 dev eth0
# As the manifests do: the host's bpffs subdirectory srv6-bpf bind-mounted
# somewhere outside /sys (hostPath volume) and named by SRV6_BPF_BPFFS.
host_bpffs= # set by bpffs_mount
bpffs_mount host_bpffs
mkdir "$host_bpffs/srv6-bpf"
pod_bpffs=$(mktemp -d "$KT_TMP/pod-bpffs.XXXXXX")
mount --bind "$host_bpffs/srv6-bpf" "$pod_bpffs"
cleanup_push "umount '$pod_bpffs' || umount -l '$pod_bpffs'"
export SRV6_BPF_BPFFS=$pod_bpffs
for c in "${load_caps[@]}" "${sync_caps[@]}"; do
	[[ $c =~ ^[A-Z_]+$ ]] || fail "capability \"$c\": expected a name like NET_ADMIN"
	[[ $c != SYS_ADMIN ]] || fail "the capability sets must not need SYS_ADMIN"
done

step "a container with ${load_caps[*]} loads and programs the datapath (no SYS_ADMIN, memlock 64 KiB)"
assert_ok "load" with_caps "${load_caps[*]}" "$bin" load eth0 xdp auto
assert_ok "sid replace" with_caps "${load_caps[*]}" "$bin" sid replace fc00:0:1::/48 dev eth0 action decap
assert_ok "route replace" with_caps "${load_caps[*]}" "$bin" route replace 2001:db8:2::2 dev eth0 \
	segs fc00:0:2:e006::
assert_ok "show" with_caps "${load_caps[*]}" "$bin" show dev eth0
assert_ok "metrics" with_caps "${load_caps[*]}" "$bin" metrics dev eth0
shown=$(with_caps "${load_caps[*]}" "$bin" show dev eth0)
assert_contains "tc program attached" "attached tc egress" "$shown"
assert_contains "XDP program attached" "attached xdp" "$shown"
pins=("$host_bpffs"/srv6-bpf/srv6-bpf/netns-*/eth0/srv6_peers)
[[ -e ${pins[0]} ]] || fail "no pins below the host's bpffs subdirectory $host_bpffs/srv6-bpf"
pass "load, sid replace, route replace, show and metrics with ${load_caps[*]}; pins in the host's bpffs"

step "a container with ${sync_caps[*]} programs the loaded datapath"
assert_ok "load (reload)" with_caps "${sync_caps[*]}" "$bin" load eth0
assert_ok "sid replace" with_caps "${sync_caps[*]}" "$bin" sid replace fc00:0:1:e006::/64 dev eth0 \
	action decap
assert_ok "route replace" with_caps "${sync_caps[*]}" "$bin" route replace 2001:db8:2::3 dev eth0 \
	segs fc00:0:3:e006::
assert_ok "route del" with_caps "${sync_caps[*]}" "$bin" route del 2001:db8:2::3 dev eth0
pass "reload, sid replace, route replace and route del with ${sync_caps[*]}"

step "each capability of the programming set is needed"
for c in "${sync_caps[@]}"; do
	assert_fails "route replace without $c" with_caps "$(without "$c" "${sync_caps[*]}")" \
		"$bin" route replace 2001:db8:2::4 dev eth0 segs fc00:0:4:e006::
	pass "route replace fails without $c"
done

assert_ok "unload" with_caps "${load_caps[*]}" "$bin" unload eth0

step "srv6-bpf-setup (the init containers' command) with ${load_caps[*]}, twice"
setup=$(dirname "$bin")/srv6-bpf-setup
[[ -x $setup ]] || setup=$here/srv6-bpf-setup
for attempt in first second; do
	assert_ok "srv6-bpf-setup ($attempt run)" with_caps "${load_caps[*]}" env PATH="$(dirname "$bin"):$PATH" \
		BACKEND_INTERFACE=net1 SRV6_BPF_PEERS_MAX=1024 SRV6_BPF_XDP=generic \
		SRV6_BPF_LOCAL_SIDS="fc00:0::/32, fc00:0:9:e006::/64" "$setup"
done
sids=$(with_caps "${load_caps[*]}" "$bin" sid show dev net1)
assert_contains "local SID from SRV6_BPF_LOCAL_SIDS" "fc00::/32 dev net1 action decap" "$sids"
assert_contains "second local SID" "fc00:0:9:e006::/64 dev net1 action decap" "$sids"
assert_contains "peers-max from SRV6_BPF_PEERS_MAX" "peers-max 1024" "$(with_caps "${load_caps[*]}" "$bin" show dev net1)"
assert_ok "unload net1" with_caps "${load_caps[*]}" "$bin" unload net1
pass "srv6-bpf-setup loads net1 with SRV6_BPF_PEERS_MAX, SRV6_BPF_XDP and SRV6_BPF_LOCAL_SIDS, idempotently"

step "each capability of the loading set is needed"
for c in "${load_caps[@]}"; do
	rc=0
	err=$(with_caps "$(without "$c" "${load_caps[*]}")" "$bin" load eth0 2>&1 >/dev/null) || rc=$?
	((rc != 0)) || fail "load without $c succeeded: $c is not needed, drop it from the manifests"
	pass "load fails without $c: ${err%%$'\n'*}"
done
assert_eq "tc filters left on eth0 after the failed loads" "" "$(nsx host tc filter show dev eth0 egress)"
assert_not_contains "XDP left on eth0 after the failed loads" "xdp" "$(nip host link show dev eth0)"

echo "check-capabilities: $passed passed, 0 failed"
