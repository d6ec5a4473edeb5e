#!/bin/sh
# demo-server.sh - try embers' server mode without a Pyroscope.
#
# Starts tests/server/fake_pyroscope.py, a small Pyroscope query server
# holding the bundled example profiles (services checkout, fib, frontend
# and worker over the last two hours), on http://127.0.0.1:${PORT:-4040}.
#
#   scripts/demo-server.sh
#       serve in the foreground until Ctrl-C; in another terminal:
#       embers query label-values service_name --url http://127.0.0.1:4040
#
#   scripts/demo-server.sh embers top --query '{service_name="checkout"}'
#       serve in the background, run the command with --url added, stop
#
# Needs python3 (standard library only). EMBERS_URL is set for the command.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-4040}
py=${PYTHON3:-python3}
server="$here/tests/server/fake_pyroscope.py"

if [ $# -eq 0 ]; then
	echo "demo Pyroscope on http://127.0.0.1:$port (Ctrl-C stops it); try:"
	echo "  embers query label-values service_name --url http://127.0.0.1:$port"
	exec "$py" "$server" --port "$port"
fi

out=$(mktemp)
"$py" "$server" --port "$port" >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$out"' EXIT INT TERM
i=0
until grep -q '^listening on' "$out"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$out" >&2
		echo "demo-server.sh: the fake server did not start" >&2
		exit 1
	fi
	sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
EMBERS_URL=$url
export EMBERS_URL
cmd=$1
shift
"$cmd" "$@" --url "$url"
