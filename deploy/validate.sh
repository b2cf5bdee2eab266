#!/usr/bin/env bash
# validate.sh: check everything in deploy/ without a Docker engine or a cluster.
#
#   deploy/validate.sh        (CI runs it as root; the last two checks need root)
#
#   1. lint: yamllint -s (deploy/yamllint.yaml) on every YAML file, shellcheck on
#      the scripts
#   2. image: deploy/build-image-root.sh (what the Dockerfile's build stage runs)
#      into a temporary directory; the staged srv6-bpf runs, its shared
#      libraries resolve, the runtime package list names Debian packages
#   3. manifests: every object in deploy/k8s against the Kubernetes schemas
#      (strict: unknown fields are errors), the custom resources against
#      deploy/validate/schemas, then srv6-bpf's rules (capabilities, bpffs,
#      srv6-bpf commands and flags, references between the objects)
#   4. dashboard: deploy/grafana/srv6-bpf.json (model, PromQL, metric names)
#   5. metrics: every family the binary exposes is in deploy/validate/metrics.txt
#   6. capabilities: deploy/check-capabilities.sh with the sets below
#
# Installs what it needs: yamllint and shellcheck from Debian, Node.js from
# Debian when there is none, and the npm packages of deploy/validate/ (locked
# versions) into a cache directory outside the repository:
# $SRV6_BPF_DEPLOY_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/srv6-bpf/deploy-validate.
# Prints one line per problem and "validate: N passed, M failed" last; exits 1
# if anything failed.
set -uo pipefail

# What srv6-bpf's containers add: those that load the datapath, and those that
# only program a loaded one (the trainer using the Python package).
export SRV6_BPF_CAPS="BPF NET_ADMIN PERFMON"
export SRV6_BPF_SYNC_CAPS="BPF NET_ADMIN"

deploy=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$deploy")
cd "$repo" || exit 1

passed=0
failed=0
pass() {
	echo "ok: $*"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL: $*" >&2
	failed=$((failed + 1))
}
is_root() { [[ $(id -u) -eq 0 ]]; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/srv6-bpf-validate.XXXXXX")
cleanup() {
	[[ -n ${bpffs:-} ]] && umount "$bpffs" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------

apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	if ! is_root; then
		echo "validate: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
		return 1
	fi
	echo "validate: installing ${missing[*]}"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
		>"$tmp/apt.log" 2>&1 || { tail -5 "$tmp/apt.log" >&2; return 1; }
}

apt_install yamllint shellcheck util-linux iproute2 || exit 1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	apt_install nodejs npm || exit 1
fi

cache=${SRV6_BPF_DEPLOY_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/srv6-bpf/deploy-validate}
key=$(cat deploy/validate/package.json deploy/validate/package-lock.json | sha256sum | cut -c1-16)
modules=$cache/$key
if [[ ! -f $modules/.installed ]]; then
	echo "validate: installing the npm packages of deploy/validate into $modules"
	rm -rf "$modules" && mkdir -p "$modules" &&
		cp deploy/validate/package.json deploy/validate/package-lock.json "$modules/"
	if ! (cd "$modules" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$tmp/npm.log" 2>&1; then
		grep -v EBADENGINE "$tmp/npm.log" | tail -5 >&2
		echo "FAIL: npm ci in $modules" >&2
		echo "validate: $passed passed, 1 failed"
		exit 1
	fi
	touch "$modules/.installed"
	# Installs for older lock files are of no further use.
	find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
fi
# The checkers resolve their packages from next to them: run copies in the cache.
checkers=$(mktemp -d "$modules/run.XXXXXX")
trap 'cleanup; rm -rf "$checkers"' EXIT
cp -r deploy/validate/*.mjs deploy/validate/schemas "$checkers/"

mapfile -t yamls < <(find deploy -name '*.yaml' -not -path '*/node_modules/*' | sort)
mapfile -t manifests < <(find deploy/k8s -name '*.yaml' | sort)

# --- 1. lint -------------------------------------------------------------------------

if out=$(yamllint -s -f parsable -c deploy/yamllint.yaml "${yamls[@]}" 2>&1); then
	pass "yamllint: ${#yamls[@]} files"
else
	echo "$out" >&2
	fail "yamllint"
fi
if out=$(shellcheck -x --source-path=SCRIPTDIR deploy/*.sh deploy/srv6-bpf-setup 2>&1); then
	pass "shellcheck: deploy/*.sh deploy/srv6-bpf-setup"
else
	echo "$out" >&2
	fail "shellcheck"
fi

# --- 2. image root -------------------------------------------------------------------

root=$tmp/rootfs
bin=$root/usr/sbin/srv6-bpf
deps_flag=()
is_root && deps_flag=(--install-deps)
if BUILD=$tmp/build deploy/build-image-root.sh "${deps_flag[@]}" "$root" >"$tmp/build.log" 2>&1; then
	problems=0
	image_fail() {
		echo "deploy/build-image-root.sh: $*" >&2
		problems=$((problems + 1))
	}
	[[ -x $bin ]] || image_fail "no executable usr/sbin/srv6-bpf in the staged root"
	[[ -x $root/usr/sbin/srv6-bpf-setup ]] || image_fail "no executable usr/sbin/srv6-bpf-setup in the staged root"
	version_line=$("$bin" --version 2>&1) || image_fail "srv6-bpf --version failed: $version_line"
	[[ $version_line =~ ^srv6-bpf\ [0-9]+\.[0-9]+\.[0-9]+ ]] ||
		image_fail "srv6-bpf --version printed \"$version_line\", expected \"srv6-bpf X.Y.Z ...\""
	"$bin" help >/dev/null 2>&1 || image_fail "srv6-bpf help failed"
	unresolved=$(ldd "$bin" 2>&1 | grep 'not found')
	[[ -z $unresolved ]] || image_fail "shared libraries the runtime image would miss: $unresolved"
	PATH=$root/usr/sbin:$PATH sh -n "$root/usr/sbin/srv6-bpf-setup" ||
		image_fail "srv6-bpf-setup has a shell syntax error"
	"$root/usr/sbin/srv6-bpf-setup" --help | grep -q "srv6-bpf-setup sync" ||
		image_fail "srv6-bpf-setup --help does not print its usage"
	while read -r pkg; do
		dpkg-query -W "$pkg" >/dev/null 2>&1 || apt-cache show "$pkg" >/dev/null 2>&1 ||
			image_fail "runtime package $pkg is not a Debian package"
	done <"$root/usr/share/srv6-bpf/runtime-packages"
	grep -q '^RUN deploy/build-image-root.sh --install-deps /rootfs$' deploy/Dockerfile ||
		image_fail "deploy/Dockerfile no longer runs deploy/build-image-root.sh --install-deps /rootfs"
	grep -q 'cat /usr/share/srv6-bpf/runtime-packages' deploy/Dockerfile ||
		image_fail "deploy/Dockerfile no longer installs usr/share/srv6-bpf/runtime-packages"
	if ((problems == 0)); then
		pass "image root: $version_line; runtime packages: $(tr '\n' ' ' <"$root/usr/share/srv6-bpf/runtime-packages")"
	else
		fail "image root ($problems problems)"
	fi
else
	tail -15 "$tmp/build.log" >&2
	fail "deploy/build-image-root.sh failed (log above)"
	bin=
fi

# --- 3. manifests, 4. dashboard -----------------------------------------------------

if [[ -n $bin ]]; then
	if node "$checkers/check-manifests.mjs" --srv6-bpf "$bin" --caps "$SRV6_BPF_CAPS" \
		--sync-caps "$SRV6_BPF_SYNC_CAPS" --metrics deploy/validate/metrics.txt "${manifests[@]}" \
		>"$tmp/manifests.log" 2>&1; then
		pass "$(tail -1 "$tmp/manifests.log")"
	else
		sed '$d' "$tmp/manifests.log" >&2
		fail "$(tail -1 "$tmp/manifests.log")"
	fi
else
	fail "manifests: not checked (they are checked against the staged srv6-bpf, which did not build)"
fi
if node "$checkers/check-dashboard.mjs" --metrics deploy/validate/metrics.txt deploy/grafana/srv6-bpf.json \
	>"$tmp/dashboard.log" 2>&1; then
	grep ': note: ' "$tmp/dashboard.log"
	pass "$(tail -1 "$tmp/dashboard.log")"
else
	sed '$d' "$tmp/dashboard.log" >&2
	fail "$(tail -1 "$tmp/dashboard.log")"
fi

# --- 5. metric families, 6. capabilities (root) -------------------------------------

if [[ -n $bin ]] && is_root; then
	bpffs=$tmp/bpffs
	mkdir -p "$bpffs" && mount -t bpf bpf "$bpffs"
	if families=$("$bin" --bpffs "$bpffs" metrics 2>&1); then
		unknown=$(awk '$1 == "#" && $2 == "TYPE" { print $3 }' <<<"$families" | while read -r f; do
			grep -q "^$f " deploy/validate/metrics.txt || echo "$f"
		done)
		count=$(grep -c '^# TYPE' <<<"$families")
		if [[ -z $unknown ]] && ((count > 0)); then
			pass "metrics: the $count families of srv6-bpf metrics are in deploy/validate/metrics.txt"
		else
			fail "metrics: families srv6-bpf exposes but deploy/validate/metrics.txt lacks: ${unknown:-(none exposed)}"
		fi
	else
		fail "metrics: srv6-bpf metrics failed: ${families%%$'\n'*}"
	fi
	umount "$bpffs" && bpffs=

	if deploy/check-capabilities.sh "$bin" >"$tmp/caps.log" 2>&1; then
		sed -n 's/^   ok: /  /p' "$tmp/caps.log"
		pass "capabilities: $SRV6_BPF_CAPS (loading), $SRV6_BPF_SYNC_CAPS (programming) are enough and each is needed"
	else
		cat "$tmp/caps.log" >&2
		fail "capabilities (deploy/check-capabilities.sh)"
	fi
elif ! is_root; then
	echo "skip: metric families and capabilities (need root for a bpffs and a network namespace)"
fi

echo "validate: $passed passed, $failed failed"
((failed == 0))
