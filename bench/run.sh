#!/bin/sh
# bench/run.sh - `make bench`: how fast and how lean `embers top` is on a
# large real profile, next to `gzip -dc` of the same file and `go tool
# pprof -top` in the same run. Not a test: it reads the large profiles in
# ../shared (see bench/README.md) and prints a table plus PASS/MISS for
# the two goals:
#   time:   embers top <= 4 x gzip -dc
#   memory: embers top peak RSS <= 8 x the decompressed profile size
#
# Environment (all optional):
#   EMBERS             the binary (default $top_builddir/embers)
#   EMBERS_BENCH_HEAP  heap profile (default ../shared/.../bigapp.heap.pb.gz)
#   EMBERS_BENCH_CPU   cpu profile for the information rows (bigapp.cpu.pb.gz)
#   BENCH_RUNS         runs of embers and gzip per row, median kept (default 5)
#   BENCH_PPROF_RUNS   runs of go tool pprof (default 1: it takes ~20 s)
#   BENCH_TYPE         sample type of the timed row (default alloc_space)
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(dirname "$here")}
builddir=${top_builddir:-.}
embers=${EMBERS:-$builddir/embers}
corpus="$srcdir/../shared/corpus/generated/large"
heap=${EMBERS_BENCH_HEAP:-$corpus/bigapp.heap.pb.gz}
cpu=${EMBERS_BENCH_CPU:-$corpus/bigapp.cpu.pb.gz}
runs=${BENCH_RUNS:-5}
pprof_runs=${BENCH_PPROF_RUNS:-1}
type=${BENCH_TYPE:-alloc_space}
time_goal=4
mem_goal=8

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -f "$heap" ] || die "'$heap': no such file; set EMBERS_BENCH_HEAP to a large pprof (e.g. bigapp.heap.pb.gz from the shared corpus)"
[ -x "$embers" ] || die "'$embers': not built; run 'make' first or set EMBERS"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing; install it with 'apt-get install -y time'"
if nm -D "$embers" 2>/dev/null | grep -q __asan_init || nm "$embers" 2>/dev/null | grep -q __asan_init; then
	echo "bench: warning: '$embers' is built with AddressSanitizer; figures are meaningless." >&2
	echo "bench: configure a separate build dir without --enable-asan for the benchmark." >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/embers-bench.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT INT TERM

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# measure NAME CMD...: run once, append "ms kib" to $tmp/NAME, output to
# /dev/null; a failing command marks the row failed.
measure() {
	name=$1
	shift
	t0=$(now_ms)
	if ! /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err"; then
		echo "bench: '$*' failed:" >&2
		sed 's/^/bench:   /' "$tmp/err" | head -n 5 >&2
		echo failed >>"$tmp/$name"
		return 1
	fi
	t1=$(now_ms)
	echo "$((t1 - t0)) $(tail -n 1 "$tmp/rss")" >>"$tmp/$name"
}

# stats NAME: "median_ms max_rss_kib", or "failed".
stats() {
	if [ ! -f "$tmp/$1" ] || grep -q failed "$tmp/$1"; then
		echo failed
		return
	fi
	sort -n "$tmp/$1" | awk '
		{ ms[NR] = $1; if ($2 > rss) rss = $2 }
		END {
			med = NR % 2 ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2
			printf "%d %d\n", med, rss
		}'
}

row() { # row LABEL NAME
	set -- "$1" $(stats "$2")
	if [ "$2" = failed ]; then
		printf '%-52s %10s %12s\n' "$1" failed -
	else
		printf '%-52s %8.3f s %9.1f MiB\n' "$1" "$(echo "$2" | awk '{ print $1 / 1000 }')" \
		    "$(echo "$3" | awk '{ print $1 / 1024 }')"
	fi
}

raw_bytes=$(gzip -dc "$heap" | wc -c)
echo "embers bench: $(basename "$heap") ($(wc -c <"$heap") bytes gzip'd, $raw_bytes decompressed)"
echo "binary: $embers; $runs runs per row (median wall time, max peak RSS), $pprof_runs for go tool pprof"
echo

# gzip and embers alternate, so a change in machine load hits both.
i=0
while [ "$i" -lt "$runs" ]; do
	measure gzip gzip -dc "$heap"
	measure top "$embers" top --sample-type "$type" "$heap"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$runs" ]; do
	measure folded "$embers" export --format folded "$heap"
	[ -f "$cpu" ] && measure cputop "$embers" top "$cpu"
	i=$((i + 1))
done
have_go=0
export PPROF_TMPDIR="$tmp" # go tool pprof must not write to $HOME
if command -v go >/dev/null 2>&1; then
	have_go=1
	i=0
	while [ "$i" -lt "$pprof_runs" ]; do
		measure pprof go tool pprof -top -sample_index="$type" "$heap"
		i=$((i + 1))
	done
fi

printf '%-52s %10s %13s\n' "command" "wall" "peak RSS"
row "gzip -dc $(basename "$heap")" gzip
row "embers top --sample-type $type" top
if [ "$have_go" = 1 ]; then
	row "go tool pprof -top -sample_index=$type" pprof
else
	printf '%-52s %s\n' "go tool pprof -top -sample_index=$type" "skipped: 'go' not found (apt-get install -y golang-go)"
fi
row "embers export --format folded (info)" folded
if [ -f "$cpu" ]; then
	row "embers top $(basename "$cpu") (info)" cputop
else
	printf '%-52s %s\n' "embers top bigapp.cpu (info)" "skipped: '$cpu' not found"
fi
echo

# Goals.
set -- $(stats gzip) $(stats top)
status=0
if [ "$1" = failed ] || [ "$#" -lt 4 ]; then
	echo "goals: no verdict (a run failed)"
	status=1
else
	g_ms=$1 e_ms=$3 e_kib=$4
	[ "$g_ms" -gt 0 ] || g_ms=1
	awk -v e="$e_ms" -v g="$g_ms" -v goal="$time_goal" 'BEGIN {
		r = e / g
		printf "time:   embers/gzip = %.2fx (goal <= %dx): %s\n", r, goal, r <= goal ? "PASS" : "MISS"
	}'
	awk -v kib="$e_kib" -v raw="$raw_bytes" -v goal="$mem_goal" 'BEGIN {
		r = kib * 1024 / raw
		printf "memory: embers peak RSS / decompressed size = %.2fx (goal <= %dx): %s\n", r, goal, r <= goal ? "PASS" : "MISS"
	}'
	if [ "$have_go" = 1 ]; then
		set -- $(stats pprof)
		[ "$1" = failed ] || awk -v p="$1" -v g="$g_ms" -v kib="$2" -v raw="$raw_bytes" 'BEGIN {
			printf "go tool pprof: %.0fx gzip time, %.1fx decompressed size\n", p / g, kib * 1024 / raw
		}'
	fi
fi

# Phases of the timed command (bench/bench_phases.c), for where time and
# memory go.
if [ -x "$builddir/bench/bench_phases" ]; then
	echo
	echo "phases of embers top --sample-type $type (bench/bench_phases):"
	"$builddir/bench/bench_phases" "$heap" "$type" || status=1
fi

# Hook for the TUI benchmark (bench/tui_bench.c), once it is built.
# `make bench-tui` builds it; here it runs only when already built.
tb=$builddir/bench/tui_bench
if [ -x "$tb" ]; then
	echo
	echo "TUI: $tb --embers $embers $heap"
	"$tb" --embers "$embers" "$heap" || status=1
else
	echo
	echo "TUI: skipped ('make bench-tui' builds bench/tui_bench)"
fi
exit $status
