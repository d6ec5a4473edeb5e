#!/bin/sh
# srv-bench.sh - the server viewer's time from request start to its first
# drawn frame (bench/srv_bench, a virtual 200x60 screen) against the time
# curl needs to download the same reply body, both from
# tests/server/fake_pyroscope.py on loopback. Two replies are compared: the
# server's flame graph (SelectMergeStacktraces, 8192 nodes), which the
# viewer draws first, and the full pprof (SelectMergeProfile), which it
# fetches next in the background.
#
#   bench/srv-bench.sh PPROF_FILE [RUNS]
#
# Run from the build directory after `make bench/srv_bench`. The server's
# replies are cached and gzip'd once, so the timings are the client's.
# Needs python3 and curl.
set -eu

file=${1:?usage: srv-bench.sh PPROF_FILE [RUNS]}
runs=${2:-11}
src=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON3:-python3}
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
tmp=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

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
type=$(PYTHONPATH="$src/tests/server" "$py" -c "
import fake_pyroscope as f, sys
p = f.Pprof(sys.argv[1]); t = p.types[-1]
print(':'.join(['process_cpu', t[0], t[1], p.period_type[0], p.period_type[1]]))" "$file")
from=$((now - 60000))
to=$now
sel='{service_name="bench"}'

# the two request bodies, as the viewer sends them
PYTHONPATH="$src/tests/server" "$py" -c "
import pb, sys
t, s, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
open(sys.argv[5], 'wb').write(pb.encode('SelectMergeStacktracesRequest',
    {'profile_typeID': t, 'label_selector': s, 'start': a, 'end': b, 'format': 1}))
open(sys.argv[6], 'wb').write(pb.encode('SelectMergeProfileRequest',
    {'profile_typeID': t, 'label_selector': s, 'start': a, 'end': b}))
" "$type" "$sel" "$from" "$to" "$tmp/fg.bin" "$tmp/pprof.bin"

curl_runs() { # METHOD BODY -> "min median bytes"
	i=0
	: >"$tmp/curl"
	while [ "$i" -lt "$runs" ]; do
		curl -s -o /dev/null --compressed -X POST -H 'Content-Type: application/proto' \
			-H 'Connect-Protocol-Version: 1' --data-binary "@$2" \
			-w '%{time_total} %{size_download}\n' "$url/querier.v1.QuerierService/$1" \
			>>"$tmp/curl"
		i=$((i + 1))
	done
	sort -n "$tmp/curl" | awk -v n="$runs" '
		NR == 1 { min = $1; size = $2 }
		NR == int(n / 2) + 1 { med = $1 }
		END { printf "%.1f %.1f %d\n", min * 1000, med * 1000, size }'
}

echo "server: $url  type: $type  file: $file"
# warm the server's reply cache (both encodings)
./bench/srv_bench "$url" "$type" "$sel" "$from" "$to" 1 >/dev/null
curl_runs SelectMergeStacktraces "$tmp/fg.bin" >/dev/null
curl_runs SelectMergeProfile "$tmp/pprof.bin" >/dev/null

./bench/srv_bench "$url" "$type" "$sel" "$from" "$to" "$runs" | tee "$tmp/viewer"
set -- $(curl_runs SelectMergeStacktraces "$tmp/fg.bin")
fg_min=$1 fg_med=$2 fg_size=$3
set -- $(curl_runs SelectMergeProfile "$tmp/pprof.bin")
pp_min=$1 pp_med=$2 pp_size=$3
echo "curl flame graph body: $fg_size bytes gzip, min $fg_min ms, median $fg_med ms"
echo "curl full pprof body:  $pp_size bytes gzip, min $pp_min ms, median $pp_med ms"
awk -v f="$fg_med" -v p="$pp_med" '
	/first frame/ { for (i = 1; i <= NF; i++) if ($i == "median") m = $(i + 1) }
	/exact frame/ { for (i = 1; i <= NF; i++) if ($i == "median") e = $(i + 1) }
	END {
		printf "first frame / curl (flame graph body): %.2fx  (goal <= 1.2x)\n", m / f
		printf "first frame / curl (full pprof body):  %.2fx\n", m / p
		printf "exact frame / curl (full pprof body):  %.2fx\n", e / p
	}' "$tmp/viewer"
