#!/bin/sh
# deps.sh - install the Debian packages embers needs, then configure and
# build it out of tree. Sourced by try.sh and test.sh; runs as root or
# through sudo on Debian 12 (bookworm) or later.
#
#   EMBERS_BUILD_DIR        build directory (default: build, in the clone)
#   EMBERS_CONFIGURE_FLAGS  extra ./configure flags, e.g. "--enable-asan"
set -eu

EMBERS_SRC=$(cd "$(dirname "$0")/.." && pwd)
EMBERS_BUILD=${EMBERS_BUILD_DIR:-build}
case $EMBERS_BUILD in
/*) ;;
*) EMBERS_BUILD=$EMBERS_SRC/$EMBERS_BUILD ;;
esac

# Packages to build embers and to run it.
EMBERS_BUILD_PKGS="build-essential autoconf automake libtool pkg-config
libncurses-dev libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler
zlib1g-dev libcjson-dev libyaml-dev"
# Extra packages the test suite needs.
EMBERS_TEST_PKGS="python3 tmux"

say() { printf '==> %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "embers: need root (or sudo) to install: $*" >&2
		exit 1
	fi
}

# Install the packages that are not installed yet (apt-get update only
# when something is missing, so a ready machine needs no network).
install_pkgs() {
	missing=
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		say "packages already installed"
		return 0
	fi
	say "installing:$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends $missing
}

# autoreconf (when configure is missing or stale), configure, make.
build_embers() {
	cd "$EMBERS_SRC"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || \
	   [ Makefile.am -nt Makefile.in ]; then
		say "autoreconf -fi"
		autoreconf -fi
	fi
	mkdir -p "$EMBERS_BUILD"
	cd "$EMBERS_BUILD"
	say "configure ${EMBERS_CONFIGURE_FLAGS:-} (in $EMBERS_BUILD)"
	# shellcheck disable=SC2086
	"$EMBERS_SRC/configure" ${EMBERS_CONFIGURE_FLAGS:-} >configure.out 2>&1 || {
		tail -n 30 configure.out >&2
		echo "embers: configure failed (see $EMBERS_BUILD/config.log)" >&2
		exit 1
	}
	say "make"
	make -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
}
