#!/bin/sh
# Re-runs the policy-evaluation benchmarks (BENCHMARKS.md, "Policy evaluation").
#
#   sh bench/run.sh                 # from the repo root (or `sh run.sh` from bench/)
#   COUNT=10 sh bench/run.sh        # more runs per benchmark (default 6)
#   WORKTREE=1 sh bench/run.sh      # measure the working tree instead of HEAD
#
# By default it measures the engine as committed at HEAD: go.mod, go.sum and
# internal/ are exported from git into a temporary directory that replaces
# github.com/iamconsole/console (via -modfile), so that other engineers' edits in
# progress neither break nor skew the run. It checks every engine's decisions first,
# benchmarks COUNT times, keeps the raw output in bench/results/, and prints
# benchstat's summary and the tables and goal ratios for BENCHMARKS.md, all computed
# from that one run.
set -eu
cd "$(dirname "$0")"
count=${COUNT:-6}
out=${OUT:-results/policy-$(date -u +%Y%m%d-%H%M).txt}
mkdir -p "$(dirname "$out")"

modflag=
rev="working tree at $(git -C .. rev-parse --short HEAD)"
if [ -z "${WORKTREE:-}" ]; then
	snap=$(mktemp -d)
	trap 'rm -rf "$snap"' EXIT
	git -C .. archive HEAD go.mod go.sum internal | tar -x -C "$snap"
	sed "s#=> \.\./*\$#=> $snap#" go.mod >"$snap/bench.mod"
	cp go.sum "$snap/bench.sum"
	modflag="-modfile=$snap/bench.mod"
	rev="HEAD $(git -C .. rev-parse --short HEAD) (internal/policy last changed in $(git -C .. log -1 --format=%h -- internal/policy))"
fi

go test $modflag -count=1 -run TestDecisions .
{
	echo "# engine: $rev"
	echo "# nproc: $(nproc)"
	echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "# $(go version)"
	echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	go test $modflag -run '^$' -bench . -benchmem -count "$count" .
	echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
echo
go tool benchstat "$out"
echo
go run ./cmd/benchreport "$out"
echo "raw output: bench/$out"
