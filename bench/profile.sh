#!/usr/bin/env bash
# A CPU profile of the gateway under scenario (b): JFR recording, markdown summary and flame graph.
#
#   bench/profile.sh            writes bench/results/profile-b.md and bench/results/profile-b.svg
#   bench/profile.sh --quick    the same at smoke size (100 streams)
#
# It runs bench/run.sh for scenario b against the gateway only, with JFR started in the gateway's JVM
# (profile settings, stacks 256 deep, dumped when run.sh stops the gateway), then bench/profile/jfr-summary.py.
# JFR samples Java threads only; GC and JIT threads are not in the figures.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/llmsse-profile.XXXXXX)
JFR="$WORK/gateway-b.jfr"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC} -XX:FlightRecorderOptions=stackdepth=256 \
-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true" \
    "$BENCH_DIR/run.sh" --scenarios b --targets gateway --out "$WORK/b.md" "$@"
python3 "$BENCH_DIR/profile/jfr-summary.py" "$JFR" "$BENCH_DIR/results/profile-b.md" "$BENCH_DIR/results/profile-b.svg"
{
    echo
    echo "Recorded by \`bench/profile.sh${*:+ $*}\` on $(date -u '+%Y-%m-%d %H:%M UTC'); the run it profiled:"
    echo
    awk '/^## \(b\)/ { inside = 1 } inside' "$WORK/b.md" | grep -E '^\| (target|gateway) |^\|---' || true
    echo
    echo 'Flame graph of the same samples: [profile-b.svg](profile-b.svg) (open it in a browser; hover a box for its name).'
} >> "$BENCH_DIR/results/profile-b.md"
echo "wrote $BENCH_DIR/results/profile-b.md and profile-b.svg (recording: $JFR)"
