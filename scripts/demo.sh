#!/bin/sh
# demo.sh - try the server viewer without a Pyroscope, in one line:
#
#   scripts/demo.sh
#       a fake Pyroscope holding the bundled example profiles (services
#       checkout, fib, frontend and worker over the last two hours) starts
#       on 127.0.0.1, embers opens on it with the service picker, and the
#       server stops when embers exits
#
#   scripts/demo.sh -q '{service_name="checkout"}' \
#       --profile-type process_cpu:cpu:nanoseconds:cpu:nanoseconds
#       the same, straight to checkout's CPU profile (any viewer option works)
#
# The server is tests/server/fake_pyroscope.py (python3, standard library
# only) on a free port ($PORT to choose one). embers is $EMBERS, else
# ./embers (a build directory), else the one on PATH.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON3:-python3}
server="$here/tests/server/fake_pyroscope.py"

embers=${EMBERS:-}
if [ -z "$embers" ]; then
	if [ -x ./embers ]; then
		embers=./embers
	elif [ -x "$here/embers" ]; then
		embers="$here/embers"
	else
		embers=$(command -v embers || true)
	fi
fi
if [ -z "$embers" ]; then
	echo "demo.sh: no embers binary: build it, or set EMBERS=/path/to/embers" >&2
	exit 2
fi

out=$(mktemp)
"$py" "$server" --port "${PORT:-0}" >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$out"' EXIT
trap 'exit 130' INT TERM
i=0
until grep -q '^listening on' "$out"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$out" >&2
		echo "demo.sh: the fake server did not start" >&2
		exit 1
	fi
	sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
status=0
"$embers" --url "$url" "$@" || status=$?
exit "$status"
