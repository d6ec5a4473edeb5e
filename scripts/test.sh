#!/bin/sh
# test.sh - install what the build and the tests need, build embers and run
# the whole test suite (make check). Extra configure flags come from
# EMBERS_CONFIGURE_FLAGS, the build directory from EMBERS_BUILD_DIR.
set -eu
. "$(dirname "$0")/deps.sh"

# shellcheck disable=SC2086
install_pkgs $EMBERS_BUILD_PKGS $EMBERS_TEST_PKGS
build_embers
say "make check"
make -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" check
