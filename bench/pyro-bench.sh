#!/bin/sh
# pyro-bench.sh - server mode speed: time from request start to a parsed
# merged profile (bench/pyro_bench) against the time curl needs to download
# the same reply body, both from tests/server/fake_pyroscope.py on loopback.
#
#   bench/pyro-bench.sh PPROF_FILE [RUNS] [MAX_NODES]
#
# Run from the build directory after `make bench/pyro_bench`. The server
# holds PPROF_FILE once as service "bench"; its replies are cached and
# gzip'd once, so the timings are the client's. Needs python3 and curl.
set -eu

file=${1:?usage: pyro-bench.sh PPROF_FILE [RUNS] [MAX_NODES]}
runs=${2:-11}
maxnodes=${3:-0}
src=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON3:-python3}
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

now=$(( $(date +%s) / 60 * 60 * 1000 ))
cat >"$tmp/manifest.json" <<EOF
{"data_dir": "$(cd "$(dirname "$file")" && pwd)",
 "profiles": [{"file": "$(basename "$file")", "name": "process_cpu",
               "labels": {"service_name": "bench"}, "every": "1m", "count": 1}]}
EOF
"$py" "$src/tests/server/fake_pyroscope.py" --port 0 --now "$now" \
	--manifest "$tmp/manifest.json" >"$tmp/out" 2>&1 &
pid=$!
i=0
until grep -q '^listening on' "$tmp/out"; do
	i=$((i + 1))
	[ "$i" -lt 600 ] || { cat "$tmp/out" >&2; exit 1; }
	sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$tmp/out")
# the profile type: the last sample type of the file (cpu for Go CPU profiles)
type=$(PYTHONPATH="$src/tests/server" "$py" -c "
import fake_pyroscope as f, sys
p = f.Pprof(sys.argv[1]); t = p.types[-1]
print(':'.join(['process_cpu', t[0], t[1], p.period_type[0], p.period_type[1]]))" "$file")
from=$((now / 1000 - 60))
to=$((now / 1000))

# the same request body for curl
method=SelectMergeProfile
[ "$maxnodes" = 0 ] || method=SelectMergeStacktraces
PYTHONPATH="$src/tests/server" "$py" -c "
import pb, sys
msg = {'profile_typeID': sys.argv[1], 'label_selector': '{service_name=\"bench\"}',
       'start': int(sys.argv[2]) * 1000, 'end': int(sys.argv[3]) * 1000,
       'max_nodes': int(sys.argv[4])}
if sys.argv[4] != '0':
    msg['format'] = 1
name = 'SelectMergeStacktracesRequest' if sys.argv[4] != '0' else 'SelectMergeProfileRequest'
sys.stdout.buffer.write(pb.encode(name, msg))" "$type" "$from" "$to" "$maxnodes" >"$tmp/req.bin"

curl_once() {
	curl -s -o /dev/null --compressed -X POST -H 'Content-Type: application/proto' \
		-H 'Connect-Protocol-Version: 1' --data-binary "@$tmp/req.bin" \
		-w '%{time_total} %{size_download}\n' "$url/querier.v1.QuerierService/$method"
}

echo "server: $url  type: $type  file: $file"
# warm the server's cache for both request encodings
./bench/pyro_bench "$url" "$type" '{service_name="bench"}' "$from" "$to" 1 "$maxnodes" >/dev/null
curl_once >/dev/null
PYRO_BENCH_REQ="$tmp/req.bin" \
	./bench/pyro_bench "$url" "$type" '{service_name="bench"}' "$from" "$to" "$runs" "$maxnodes"
i=0
: >"$tmp/curl"
while [ "$i" -lt "$runs" ]; do
	curl_once >>"$tmp/curl"
	i=$((i + 1))
done
sort -n "$tmp/curl" | awk -v n="$runs" '
	NR == 1 { min = $1; size = $2 }
	NR == int(n / 2) + 1 { med = $1 }
	END { printf "curl:   %d bytes gzip, min %.1f ms, median %.1f ms (%d runs)\n",
	      size, min * 1000, med * 1000, n }'
