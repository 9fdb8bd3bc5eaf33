#!/usr/bin/env bash
# The soak at full size: many short echo streams against the built jar pinned to one CPU with two busy loops
# beside it; every stream must end with exactly one terminal frame within 20 s of its last expected token and
# carry exactly the echo of its prompt, with no 5xx (see src/test/java/dev/llmsse/soak/SoakClient.java).
#
#   bench/soak.sh                      # 200,000 streams, 300 at a time, memory mode
#   bench/soak.sh --redis              # two replicas on Redis (127.0.0.1:6379), half resumed on the other
#   STREAMS=20000 bench/soak.sh        # smaller
#   WARMUP=2000 bench/soak.sh --redis  # how many of the streams go first, a tenth as many at a time
#                                      # (default 2000 in redis mode, 0 in memory mode; see SoakClient.Settings)
#
# Loopback only; every process it starts is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

STREAMS="${STREAMS:-200000}"
CONCURRENCY="${CONCURRENCY:-300}"
CPU="${SOAK_CPU:-0}"   # the CPU the gateway and the busy loops share
mode=memory
[ "${1:-}" = "--redis" ] && mode=redis
if [ "$mode" = redis ]; then WARMUP="${WARMUP:-2000}"; else WARMUP="${WARMUP:-0}"; fi

./mvnw -B -q -DskipTests package
./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/soak-classpath.txt
jar=$(ls target/llm-sse-gateway-*.jar | head -1)
work=$(mktemp -d /tmp/llmsse-soak.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

for _ in 1 2; do taskset -c "$CPU" sh -c 'while :; do :; done' & pids+=($!); done

start_gateway() { # port, extra args...
  local port=$1; shift
  taskset -c "$CPU" java -Xmx1g -XX:ActiveProcessorCount=1 -jar "$jar" --server.port="$port" \
    --server.address=127.0.0.1 --gateway.providers.echo.token-delay=1ms "$@" > "$work/gateway-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && return; sleep 1; done
  echo "gateway on $port did not start; see $work/gateway-$port.log" >&2; exit 1
}

urls=()
if [ "$mode" = redis ]; then
  prefix="llmsse-soak-$$"
  start_gateway 18181 --gateway.store=redis --gateway.redis.key-prefix="$prefix"; urls+=(http://127.0.0.1:18181)
  start_gateway 18182 --gateway.store=redis --gateway.redis.key-prefix="$prefix"; urls+=(http://127.0.0.1:18182)
else
  start_gateway 18181; urls+=(http://127.0.0.1:18181)
fi

echo "soak: $STREAMS streams, $CONCURRENCY at a time (the first $WARMUP a tenth as many), $mode mode, $(date -u +%FT%TZ), $(git rev-parse --short HEAD)"
java -Dsoak.warmup="$WARMUP" -cp "target/test-classes:target/classes:$(cat target/soak-classpath.txt)" dev.llmsse.soak.SoakClient \
  "$STREAMS" "$CONCURRENCY" 1 "${urls[@]}"
for url in "${urls[@]}"; do
  echo "$url: $(curl -s "$url/actuator/prometheus" | grep -E '^llmsse_stream_stalled_total' || echo 'no stalled counter')"
done
