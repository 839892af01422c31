#!/bin/sh
# Re-runs the policy-evaluation benchmarks (BENCHMARKS.md, "Policy evaluation").
#
#   sh bench/run.sh                 # from the repo root (or `sh run.sh` from bench/)
#   ROUNDS=10 sh bench/run.sh       # more runs per benchmark (default 8)
#   WORKTREE=1 sh bench/run.sh      # measure the working tree instead of HEAD
#
# By default it measures the engine as committed at HEAD: go.mod, go.sum and
# internal/ are exported from git into a temporary directory that replaces
# github.com/iamconsole/console (via -modfile), so that other engineers' edits in
# progress neither break nor skew the run.
#
# It builds the test binary once, checks every engine's decisions, then runs the whole
# suite ROUNDS times, one run of each benchmark per round (the equivalent of
# -count=ROUNDS, interleaved): on a shared 2-core machine the load changes by the
# minute, and interleaving spreads it over all engines instead of charging it to
# whichever ran during a burst. It keeps the raw output in bench/results/ and prints
# benchstat's summary and the tables and goal ratios for BENCHMARKS.md, all computed
# from that one run.
set -eu
cd "$(dirname "$0")"
rounds=${ROUNDS:-8}
out=${OUT:-results/policy-$(date -u +%Y%m%d-%H%M).txt}
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

modflag=
rev="working tree at $(git -C .. rev-parse --short HEAD)"
if [ -z "${WORKTREE:-}" ]; then
	git -C .. archive HEAD go.mod go.sum internal | tar -x -C "$tmp"
	sed "s#=> \.\./*\$#=> $tmp#" go.mod >"$tmp/bench.mod"
	cp go.sum "$tmp/bench.sum"
	modflag="-modfile=$tmp/bench.mod"
	rev="HEAD $(git -C .. rev-parse --short HEAD) (internal/policy last changed in $(git -C .. log -1 --format=%h -- internal/policy))"
fi

go test $modflag -c -o "$tmp/bench.test" .
"$tmp/bench.test" -test.run TestDecisions -test.count 1
{
	echo "# engine: $rev"
	echo "# nproc: $(nproc)"
	echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "# $(go version)"
	echo "# rounds: $rounds (each benchmark once per round, -benchtime 1s)"
	i=1
	while [ "$i" -le "$rounds" ]; do
		echo "# round $i, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
		"$tmp/bench.test" -test.run '^$' -test.bench . -test.benchmem -test.count 1
		i=$((i + 1))
	done
	echo "# end, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
echo
go tool benchstat "$out"
echo
go run ./cmd/benchreport "$out"
echo "raw output: bench/$out"
