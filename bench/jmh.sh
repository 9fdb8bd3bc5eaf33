#!/usr/bin/env bash
# JMH microbenchmarks of the gateway's per-token hot path, with allocation profiling (see bench/README.md).
#
#   bench/jmh.sh                 build, run all benchmarks with -prof gc, write bench/results/jmh.txt and jmh.json
#   bench/jmh.sh --quick         1 warm-up and 2 measurement iterations of 1 s (a smoke run)
#   bench/jmh.sh --no-build ...  use the jars already built
#   bench/jmh.sh -- <JMH args>   anything after -- goes to JMH as is (e.g. -- FrameEncoder -f 2)
set -Eeuo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD=1
ITER=(-wi 3 -w 2s -i 5 -r 2s)
OUT_NAME=jmh
EXTRA=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) ITER=(-wi 1 -w 1s -i 2 -r 1s); OUT_NAME=jmh-quick; shift ;;
        --no-build) BUILD=0; shift ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
if [[ $BUILD == 1 ]]; then
    # The FrameEncoder benchmark runs the gateway's own compiled classes (copied into the bench jar).
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    (cd "$ROOT" && ./mvnw -B -q -f bench/pom.xml -DskipTests package)
fi
mkdir -p "$BENCH_DIR/results"
# One fork, GC profiler: gc.alloc.rate.norm is the bytes allocated per operation (per token frame/chunk).
java -jar "$BENCH_DIR/target/bench.jar" -f 1 "${ITER[@]}" -prof gc \
    -rf json -rff "$BENCH_DIR/results/$OUT_NAME.json" "${EXTRA[@]}" 2>&1 | tee "$BENCH_DIR/results/$OUT_NAME.txt"
