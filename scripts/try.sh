#!/bin/sh
# try.sh - install what embers needs, build it and open the bundled
# example profile (examples/heap.out).
set -eu
. "$(dirname "$0")/deps.sh"

# shellcheck disable=SC2086
install_pkgs $EMBERS_BUILD_PKGS
build_embers
say "embers examples/heap.out"
exec "$EMBERS_BUILD/embers" "$EMBERS_SRC/examples/heap.out"
