#!/bin/sh
# bench/diff.sh - `make bench-diff`: diffing the two large real heap
# profiles of the same program (bigapp.heap.pb.gz, and bigapp.heap.new.pb.gz
# from a later run with more traffic) against loading them. Goal (issue 5):
# load both + diff <= 1.5 x load both. Not a test: it reads ../shared.
#
# Prints the phases from bench/bench_diff (load, both trees, the aligned
# tree, both tops and the diff table; medians) and the wall time of
# `embers diff --limit 0 --format csv BASE NEW` next to `embers top` of
# each file, for the command-line view of the same figures.
#
# Environment (all optional):
#   EMBERS             the binary (default $top_builddir/embers)
#   BENCH_DIFF         bench_diff binary (default $top_builddir/bench/bench_diff)
#   EMBERS_BENCH_BASE  base profile (default ../shared/.../bigapp.heap.pb.gz)
#   EMBERS_BENCH_NEW   new profile (default ../shared/.../bigapp.heap.new.pb.gz)
#   BENCH_TYPE         sample type (default alloc_space)
#   BENCH_RUNS         runs per measurement, median kept (default 5)
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(dirname "$here")}
builddir=${top_builddir:-.}
embers=${EMBERS:-$builddir/embers}
bench=${BENCH_DIFF:-$builddir/bench/bench_diff}
corpus="$srcdir/../shared/corpus/generated/large"
base=${EMBERS_BENCH_BASE:-$corpus/bigapp.heap.pb.gz}
new=${EMBERS_BENCH_NEW:-$corpus/bigapp.heap.new.pb.gz}
type=${BENCH_TYPE:-alloc_space}
runs=${BENCH_RUNS:-5}

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -f "$base" ] || die "'$base': no such file; set EMBERS_BENCH_BASE"
[ -f "$new" ] || die "'$new': no such file; set EMBERS_BENCH_NEW"
[ -x "$bench" ] || die "'$bench': not built; run 'make bench/bench_diff' or set BENCH_DIFF"
[ -x "$embers" ] || die "'$embers': not built; run 'make' first or set EMBERS"
if nm "$bench" 2>/dev/null | grep -q __asan_init; then
	echo "bench: warning: '$bench' is built with AddressSanitizer; figures are meaningless." >&2
fi

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# median_ms CMD...: median wall time of $runs runs, output discarded.
median_ms() {
	i=0
	times=""
	while [ "$i" -lt "$runs" ]; do
		t0=$(now_ms)
		"$@" >/dev/null 2>&1 || { echo failed; return 1; }
		t1=$(now_ms)
		times="$times $((t1 - t0))"
		i=$((i + 1))
	done
	echo $times | tr ' ' '\n' | sort -n | awk '
		{ v[NR] = $1 }
		END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "diff of '$(basename "$base")' -> '$(basename "$new")', type $type"
echo "model phases (bench/bench_diff):"
"$bench" "$base" "$new" "$type" "$runs" | sed 's/^/  /' || exit 1
echo "command line (median wall ms of $runs runs):"
tb=$(median_ms "$embers" top --sample-type "$type" --limit 0 --format csv "$base")
tn=$(median_ms "$embers" top --sample-type "$type" --limit 0 --format csv "$new")
td=$(median_ms "$embers" diff --sample-type "$type" --limit 0 --format csv "$base" "$new")
echo "  embers top BASE   $tb"
echo "  embers top NEW    $tn"
echo "  embers diff       $td"
awk -v b="$tb" -v n="$tn" -v d="$td" 'BEGIN {
	if (b + n > 0) printf "  diff / (top BASE + top NEW) = %.2f\n", d / (b + n) }'
