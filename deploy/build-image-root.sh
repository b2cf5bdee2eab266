#!/usr/bin/env bash
# build-image-root.sh: build srv6-bpf with the repository's make targets and stage
# the runtime image's files into ROOT. The Dockerfile's build stage runs exactly
# this; deploy/validate.sh runs it into a temporary directory (no Docker needed).
#
#   deploy/build-image-root.sh [--install-deps] ROOT
#
#   --install-deps   run `make deps` first (installs the Debian build packages;
#                    the Dockerfile's build stage needs it, a developer machine
#                    or CI usually has them)
#
# ROOT receives:
#   usr/sbin/srv6-bpf                     make install PREFIX=/usr DESTDIR=ROOT
#   usr/sbin/srv6-bpf-setup               the init containers' helper
#   usr/share/srv6-bpf/runtime-packages   the Debian packages the runtime stage
#                                         installs: the packages of the binary's
#                                         shared libraries, plus ca-certificates
#                                         (https Jalapeño endpoints) and iproute2
#                                         (ip/tc for debugging in the pod)
#
# The objects are built in a directory of their own (BUILD, default ROOT.build),
# never in the work tree's build/.
set -euo pipefail

die() {
	echo "build-image-root: $*" >&2
	exit 1
}

install_deps=0
if [[ ${1:-} == --install-deps ]]; then
	install_deps=1
	shift
fi
[[ $# -eq 1 ]] || die "usage: deploy/build-image-root.sh [--install-deps] ROOT"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$1"
root=$(cd "$1" && pwd)
build=${BUILD:-$root.build}
[[ $build == /* ]] || build=$PWD/$build

cd "$repo"
if ((install_deps)); then
	make deps
fi

# The same targets a developer uses; BUILD keeps the objects out of the work tree.
make -j"$(nproc)" BUILD="$build" all
make BUILD="$build" PREFIX=/usr DESTDIR="$root" install
install -D -m 0755 deploy/srv6-bpf-setup "$root/usr/sbin/srv6-bpf-setup"

# Runtime packages: the Debian package of every shared library the binary needs
# (DT_NEEDED, resolved by the dynamic linker, then looked up in dpkg's database).
bin=$root/usr/sbin/srv6-bpf
needed_list=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
mapfile -t needed <<<"$needed_list"
[[ -n $needed_list ]] || die "$bin: no shared libraries listed (is it a dynamic executable?)"
ldd_out=$(ldd "$bin") || die "ldd $bin failed"
packages=(ca-certificates iproute2)
for lib in "${needed[@]}"; do
	path=$(awk -v lib="$lib" '$1 == lib && $2 == "=>" { print $3 }' <<<"$ldd_out")
	[[ -n $path && $path != not ]] || die "$lib (needed by srv6-bpf) is not found by the dynamic linker"
	# dpkg knows /lib/... or /usr/lib/... depending on usrmerge; try both.
	pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null ||
		dpkg -S "/usr$path" 2>/dev/null || true)
	[[ -n $pkg ]] || die "$path ($lib) belongs to no Debian package: the runtime image cannot install it"
	packages+=("${pkg%%:*}")
done
mkdir -p "$root/usr/share/srv6-bpf"
printf '%s\n' "${packages[@]}" | sort -u >"$root/usr/share/srv6-bpf/runtime-packages"

# Fail here rather than in the image: the staged binary must run.
"$bin" --version >/dev/null || die "$bin --version failed"
"$bin" help >/dev/null || die "$bin help failed"
echo "build-image-root: staged $(basename "$bin") $("$bin" --version | awk '{ print $2 }') into $root" \
	"(runtime packages: $(tr '\n' ' ' <"$root/usr/share/srv6-bpf/runtime-packages"| sed 's/ $//'))"
