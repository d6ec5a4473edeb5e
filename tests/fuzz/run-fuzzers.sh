#!/bin/sh
# run-fuzzers.sh - `make check` with --enable-fuzzing: run every libFuzzer
# target briefly over its seeds and saved regressions. Prints TAP: one line
# per target, "not ok" when the fuzzer found a crash, leak or timeout (the
# input is then in $top_builddir/tests/fuzz/crash-<target>-*).
#
# FUZZ_RUNS (default 10000) mutations per target after the seeds,
# FUZZ_TIME (default 30) seconds at most per target.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
testdata=${TESTDATA:-$srcdir/tests/data}
runs=${FUZZ_RUNS:-10000}
secs=${FUZZ_TIME:-30}
targets="read pprof folded flamebearer gzip levels flamegraph_pb"

set -- $targets
echo "1..$#"
n=0
for t in $targets; do
	n=$((n + 1))
	bin=$builddir/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz_$t: '$bin' not built"
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/embers-fuzz.XXXXXX") || exit 1
	dirs="$srcdir/tests/fuzz/seeds/$t"
	[ -d "$srcdir/tests/fuzz/regressions/$t" ] && dirs="$dirs $srcdir/tests/fuzz/regressions/$t"
	case $t in read|gzip) dirs="$dirs $testdata/corpus" ;; esac
	# The first directory collects new inputs: a scratch one, so the
	# source tree is never written.
	if "$bin" -runs="$runs" -max_total_time="$secs" -seed=1 -timeout=25 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$builddir/tests/fuzz/crash-$t-" \
	    "$work" $dirs >"$work.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
		echo "ok $n - fuzz_$t: ${execs:-?} execs, no crash"
	else
		echo "not ok $n - fuzz_$t: crash (see below)"
		tail -n 40 "$work.log" | sed 's/^/# /'
	fi
	rm -rf "$work" "$work.log"
done
