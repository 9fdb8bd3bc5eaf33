#!/usr/bin/env bash
# The llm-sse-gateway benchmark, end to end, in one command (see bench/README.md).
#
#   bench/run.sh                                  all scenarios, full size; writes bench/results/latest.md
#   bench/run.sh --scenarios a,d --quick          a smoke run; writes bench/results/smoke.md
#
# It builds the gateway and the bench jar, starts the mock upstream, an nginx pure proxy and (per scenario)
# the gateway, runs each scenario against direct / nginx / gateway one after the other, writes the markdown
# table, and stops everything it started (only those PIDs) on exit, however it exits.
# The whole script is one compound command, so bash parses it completely before running it: editing or
# checking out this file during a run cannot change the run.
{
set -Eeuo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
COMMAND="bench/run.sh${*:+ $*}"

SCENARIOS="a,b,c,d,e"
TARGETS="direct,nginx,gateway,door"
QUICK=0
BUILD=1
OUT=""
usage() {
    cat <<'EOF'
usage: bench/run.sh [--scenarios a,b,c,d,e] [--targets direct,nginx,gateway,door] [--quick] [--no-build] [--out FILE]

  --scenarios   subset to run (default all): a = 1 stream 200 tok x 5 ms; b = 1,000 streams 100 tok x 20 ms;
                c = 9,000 streams 1 tok/s for 60 s (memory); d = cancellation; e = redis store on a and b
  --targets     subset of direct,nginx,gateway,door (default all four); door = the gateway's OpenAI-compatible
                front door, POST /v1/chat/completions, on scenarios a and b only; with both gateway and door,
                (a) measures them in one paired run (one gateway, streams alternating between the two routes),
                (b) in rounds on one gateway (B_ROUNDS pairs, alternating /api/llm and the door: ABBA order)
  --quick       smoke size: b 100 streams, c 200 streams, d 50 streams, short warm-ups and windows;
                default output bench/results/smoke.md
  --no-build    use the jars already built
  --out FILE    markdown output (default bench/results/latest.md, or smoke.md with --quick)

environment: GATEWAY_JAVA (the gateway's java launcher, default java on PATH: e.g. a Java 25 runtime's
             bin/java to compare runtimes), GATEWAY_JAVA_OPTS (default "-Xms1g -Xmx1g -XX:+UseG1GC"),
             CLIENT_JAVA_OPTS, MOCK_JAVA_OPTS,
             NGINX (default /usr/sbin/nginx), GATEWAY_EXTRA_ARGS (more --gateway.* flags),
             BENCH_NICE (default -10: CPU priority of the load client and the mock; 0 to disable),
             A_PAIRED_SECONDS (window of (a)'s paired gateway + door run; default 120, 16 with --quick),
             B_ROUNDS (rounds of (b)'s gateway + door on one gateway; default 2, 1 with --quick),
             B_ROUNDS_WARMUP (seconds of both routes alternating before the rounds; default 6 x (b)'s warm-up)
EOF
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --targets) TARGETS="$2"; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [[ -z "$OUT" ]]; then
    if [[ $QUICK == 1 ]]; then OUT="$BENCH_DIR/results/smoke.md"; else OUT="$BENCH_DIR/results/latest.md"; fi
fi
has() { [[ ",$1," == *",$2,"* ]]; }

GATEWAY_JAVA=${GATEWAY_JAVA:-java}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+UseG1GC"}
# The client holds up to 9,000 connections on one or two event loops: a modest heap, parallel GC for short pauses.
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:-"-Xms512m -Xmx1g -XX:+UseParallelGC"}
MOCK_JAVA_OPTS=${MOCK_JAVA_OPTS:-"-Xms256m -Xmx512m -XX:+UseParallelGC"}
NGINX=${NGINX:-/usr/sbin/nginx}
# The load client and the mock upstream run at a higher CPU priority than the targets, so that on a shared
# 2-core machine they are not the ones starved (the client reports its own event-loop lag to show it).
BENCH_NICE=${BENCH_NICE:--10}
GATEWAY_EXTRA_ARGS=${GATEWAY_EXTRA_ARGS:-}

# ---------------------------------------------------------------- process bookkeeping: only what we started
WORK=$(mktemp -d /tmp/llmsse-bench.XXXXXX)
RAW="$WORK/raw"
mkdir -p "$RAW" "$WORK/logs"
STARTED=()
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${STARTED[@]}"; do
        stop_pid "$pid"
    done
    if [[ -d "$RAW" ]] && compgen -G "$RAW/*.json" >/dev/null; then
        mkdir -p "$BENCH_DIR/results/raw"
        cp "$RAW"/*.json "$RAW"/meta.properties "$BENCH_DIR/results/raw/" 2>/dev/null || true
    fi
    echo "logs: $WORK/logs"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }

# Up to 9,000 streams: the gateway needs two descriptors per stream, so take the whole hard limit (20,000 here).
ulimit -n "$(ulimit -Hn)"

# A listening port outside the ephemeral range (32768-60999), free now.
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$(( (RANDOM % 12000) + 20000 ))
        if ! ss -Htln "sport = :$p" | grep -q .; then echo "$p"; return 0; fi
    done
    echo "no free port" >&2; return 1
}
wait_http() { # url seconds [pattern]
    local url=$1 deadline=$((SECONDS + $2)) pattern=${3:-}
    while (( SECONDS < deadline )); do
        if body=$(curl -fsS --max-time 2 "$url" 2>/dev/null) && [[ -z "$pattern" || "$body" == *"$pattern"* ]]; then
            return 0
        fi
        sleep 0.3
    done
    return 1
}

# ---------------------------------------------------------------- build
GATEWAY_JAR=""
if [[ $BUILD == 1 ]]; then
    log "building the gateway (./mvnw -B -q -DskipTests package)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    log "building the bench jar"
    (cd "$ROOT" && ./mvnw -B -q -f bench/pom.xml -DskipTests package)
fi
GATEWAY_JAR=$(ls "$ROOT"/target/llm-sse-gateway-*.jar 2>/dev/null | grep -v '\.original$' | head -1 || true)
BENCH_JAR="$BENCH_DIR/target/bench.jar"
[[ -f "$BENCH_JAR" ]] || { echo "missing $BENCH_JAR (run without --no-build)" >&2; exit 1; }
if { has "$TARGETS" gateway || has "$TARGETS" door; } && [[ -z "$GATEWAY_JAR" ]]; then
    echo "missing target/llm-sse-gateway-*.jar (run without --no-build)" >&2; exit 1
fi
if has "$TARGETS" nginx && [[ ! -x "$NGINX" ]]; then
    echo "nginx not found at $NGINX: apt-get install -y nginx (do not start it as a service)" >&2; exit 1
fi

# ---------------------------------------------------------------- mock upstream
MOCK_PORT=$(free_port)
nice -n "$BENCH_NICE" java $MOCK_JAVA_OPTS -cp "$BENCH_JAR" dev.llmsse.bench.MockUpstream --port "$MOCK_PORT" --threads 1 \
    >"$WORK/logs/mock.log" 2>&1 &
MOCK_PID=$!
STARTED+=("$MOCK_PID")
wait_http "http://127.0.0.1:$MOCK_PORT/health" 30 ok || { cat "$WORK/logs/mock.log"; exit 1; }
log "mock upstream: pid $MOCK_PID, port $MOCK_PORT"
MOCK_STATS="http://127.0.0.1:$MOCK_PORT/stats"

# ---------------------------------------------------------------- nginx, a pure proxy
NGINX_PORT=""
NGINX_PIDS=""
if has "$TARGETS" nginx; then
    NGINX_PORT=$(free_port)
    NG="$WORK/nginx"
    mkdir -p "$NG/tmp" "$NG/logs"
    sed -e "s|@PREFIX@|$NG|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@MOCK_PORT@|$MOCK_PORT|g" \
        "$BENCH_DIR/nginx.conf.template" >"$NG/nginx.conf"
    "$NGINX" -c "$NG/nginx.conf" -p "$NG" -g 'daemon off;' >"$WORK/logs/nginx.out" 2>&1 &
    NGINX_PID=$!
    STARTED+=("$NGINX_PID")
    wait_http "http://127.0.0.1:$NGINX_PORT/health" 30 ok || { cat "$NG/logs/error.log" "$WORK/logs/nginx.out"; exit 1; }
    sleep 0.5
    NGINX_PIDS=$(echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true) | tr ' ' ',')
    log "nginx: pids $NGINX_PIDS, port $NGINX_PORT"
fi

# ---------------------------------------------------------------- gateway, one fresh JVM per scenario
GW_PORT=$(free_port)
GW_PID=""
GW_COUNT=0
# detach-grace=0: cancel the upstream as soon as the client is gone, which is what (d) measures; it does not
# change (a), (b), (c), whose streams all run to their end.
GATEWAY_BASE_ARGS="--server.port=$GW_PORT --gateway.stream.detach-grace=0s --logging.level.root=WARN"
GATEWAY_MODE=""
start_gateway() { # extra args
    GW_COUNT=$((GW_COUNT + 1))
    "$GATEWAY_JAVA" $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" $GATEWAY_BASE_ARGS \
        "--gateway.providers.openai.base-url=http://127.0.0.1:$MOCK_PORT/v1" \
        --gateway.providers.openai.api-key=bench-not-a-real-key $GATEWAY_EXTRA_ARGS "$@" \
        >"$WORK/logs/gateway-$GW_COUNT.log" 2>&1 &
    GW_PID=$!
    STARTED+=("$GW_PID")
    if ! wait_http "http://127.0.0.1:$GW_PORT/actuator/health/readiness" 180 UP; then
        tail -50 "$WORK/logs/gateway-$GW_COUNT.log"; exit 1
    fi
}
stop_gateway() {
    [[ -n "$GW_PID" ]] && stop_pid "$GW_PID"
    GW_PID=""
}
# Is the OpenAI-compatible adapter there? Then the gateway streams from the mock like direct and nginx do;
# otherwise it falls back to its built-in echo provider, shaped per scenario by configuration.
detect_gateway_mode() {
    start_gateway --gateway.default-model=openai/mock
    local probe
    probe=$(curl -sN --max-time 10 "http://127.0.0.1:$GW_PORT/api/llm?prompt=probe&model=openai/mock-t2-d1-f0" || true)
    if [[ "$probe" == *'"token"'* && "$probe" == *'"done":true'* ]]; then
        GATEWAY_MODE=openai
    else
        GATEWAY_MODE=echo
        log "gateway: no openai provider answered (got: $(echo "$probe" | head -c 200 | tr '\n' ' '))"
    fi
    stop_gateway
    log "gateway upstream mode: $GATEWAY_MODE"
}
REDIS_BUILT=0
# grep reads the whole listing (no -q): stopping early would end unzip with SIGPIPE, and pipefail fails the test.
if [[ -n "$GATEWAY_JAR" ]] && unzip -l "$GATEWAY_JAR" 2>/dev/null | grep -iE 'dev/llmsse/.*redis.*\.class' >/dev/null; then
    REDIS_BUILT=1
fi

# ---------------------------------------------------------------- scenario sizes
if [[ $QUICK == 1 ]]; then
    A_WARM=5; A_WARM_STREAMS=20; A_DUR=8; A_PAIRED_DUR=${A_PAIRED_SECONDS:-16}
    B_STREAMS=100; B_RAMP=200; B_WARM=5; B_DUR=10; B_ROUNDS=${B_ROUNDS:-1}
    C_STREAMS=200; C_RAMP=100; C_TOKENS=15; C_WARM=4; C_WARM_STREAMS=20
    D_STREAMS=50; D_RAMP=100; D_WARM=3; D_WARM_STREAMS=20
else
    A_WARM=20; A_WARM_STREAMS=100; A_DUR=30; A_PAIRED_DUR=${A_PAIRED_SECONDS:-120}
    B_STREAMS=1000; B_RAMP=500; B_WARM=20; B_DUR=30; B_ROUNDS=${B_ROUNDS:-2}
    C_STREAMS=9000; C_RAMP=300; C_TOKENS=60; C_WARM=15; C_WARM_STREAMS=200
    D_STREAMS=200; D_RAMP=200; D_WARM=10; D_WARM_STREAMS=50
fi

# URL of a stream of T tokens, D ms apart, F ms before the first, for a target.
url_for() { # target T D F
    local target=$1 t=$2 d=$3 f=$4
    case "$target" in
        direct) echo "http://127.0.0.1:$MOCK_PORT/v1/chat/completions?tokens=$t&delay_ms=$d&first_ms=$f&rid={rid}" ;;
        nginx) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions?tokens=$t&delay_ms=$d&first_ms=$f&rid={rid}" ;;
        gateway)
            if [[ $GATEWAY_MODE == openai ]]; then
                echo "http://127.0.0.1:$GW_PORT/api/llm?prompt=bench%20rid%3D{rid}&model=openai/mock-t$t-d$d-f$f"
            else
                echo "http://127.0.0.1:$GW_PORT/api/llm?prompt=bench%20rid%3D{rid}"
            fi ;;
        door) echo "http://127.0.0.1:$GW_PORT/v1/chat/completions" ;;
    esac
}
# The POST body of a stream for a target: only the door (the OpenAI-compatible front door) has one; the shape
# travels in the model name as for the gateway's own route.
body_for() { # target T D F
    local model="openai/mock-t$2-d$3-f$4"
    [[ $GATEWAY_MODE == openai ]] || model="echo/echo"
    [[ $1 == door ]] && echo "{\"model\":\"$model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench rid={rid}\"}]}"
    true
}
# The gateway's flags for a shape: none with the openai adapter (the shape travels in the model name);
# with echo, the echo provider's pacing.
gateway_shape_args() { # T D F
    if [[ $GATEWAY_MODE == openai ]]; then
        echo "--gateway.default-model=openai/mock"
    else
        echo "--gateway.default-model=echo/echo --gateway.providers.echo.tokens=$1 --gateway.providers.echo.token-delay=$2ms --gateway.providers.echo.first-token-delay=$3ms"
    fi
}

# run_client scenario target max_seconds client-args...   (target "gateway+door": the paired run, see (a))
run_client() {
    local scenario=$1 target=$2 max=$3
    shift 3
    local name=${target%+*} pids=()
    case "$target" in
        direct) pids=(--pid "server=$MOCK_PID") ;;
        nginx) pids=(--pid "server=$NGINX_PIDS" --pid "mock=$MOCK_PID") ;;
        gateway*|door*) pids=(--pid "server=$GW_PID" --pid "mock=$MOCK_PID") ;;
    esac
    log "scenario $scenario -> $target"
    timeout --signal=TERM --kill-after=15 $((max + 60)) \
        nice -n "$BENCH_NICE" java $CLIENT_JAVA_OPTS -cp "$BENCH_JAR" dev.llmsse.bench.LoadClient \
        --label "$scenario-$name" "${pids[@]}" --mock-stats "$MOCK_STATS" --mock-reset \
        --max-seconds "$max" --out "$RAW/$scenario-$name.json" "$@" \
        >"$WORK/logs/client-$scenario-$target.log" 2>&1 || log "client for $scenario-$target exited with $?"
    sed -n '/^== /,$p' "$WORK/logs/client-$scenario-$target.log"
    sleep 2
}

# run_scenario id T D F gatewayExtra -- client-args   (gateway started fresh for it, stopped after)
# With PAIRED="seconds warm-up-seconds" set and both gateway and door in --targets, gateway and door are one
# paired run instead of two: one gateway, the client alternating /api/llm and the door stream by stream, for
# that window and warm-up (given after the client args, so they win), writing both targets' results.
run_scenario() {
    local id=$1 t=$2 d=$3 f=$4 gwextra=$5 max=$6 warm_url_shape=$7
    shift 7
    local target wt wd wf paired_dur="" paired_warm="" rounds=0
    read -r wt wd wf <<<"$warm_url_shape"
    if [[ -n ${PAIRED:-} ]] && has "$TARGETS" gateway && has "$TARGETS" door; then
        read -r paired_dur paired_warm <<<"$PAIRED"
    fi
    if [[ -n ${ROUNDS:-} ]] && has "$TARGETS" gateway && has "$TARGETS" door; then
        rounds=$ROUNDS
    fi
    for target in direct nginx gateway door; do
        has "$TARGETS" "$target" || continue
        # The front door is measured where its acceptance asks (a and b), not for memory or cancellation.
        [[ $target == door && $id != a && $id != b ]] && continue
        # Paired: the door's streams were measured with the gateway's; in rounds, in the gateway's turn.
        [[ $target == door && ( -n $paired_dur || $rounds -gt 0 ) ]] && continue
        if [[ $target == gateway && $rounds -gt 0 ]]; then
            run_rounds "$id" "$t" "$d" "$f" "$gwextra" "$max" "$wt $wd $wf" "$rounds" "$@"
            continue
        fi
        if [[ $target == gateway || $target == door ]]; then
            if [[ $GATEWAY_MODE == echo && $id == d* ]]; then
                continue
            fi
            # In echo mode the warm-up has the scenario's own shape: echo's pacing is set per process.
            if [[ $GATEWAY_MODE == echo ]]; then read -r wt wd wf <<<"$t $d $f"; fi
            # shellcheck disable=SC2046
            start_gateway $(gateway_shape_args "$t" "$d" "$f") $gwextra
        fi
        local extra=()
        if [[ $target == door ]]; then
            extra=(--body "$(body_for door "$t" "$d" "$f")" --warmup-body "$(body_for door "$wt" "$wd" "$wf")")
        fi
        if [[ $target == gateway || $target == door ]]; then
            extra+=(--idle-exec "jcmd $GW_PID GC.run >/dev/null; jcmd $GW_PID GC.heap_info"
                --end-exec "jcmd $GW_PID GC.run >/dev/null; jcmd $GW_PID GC.heap_info")
            [[ $id == c ]] && extra+=(--plateau-exec "jcmd $GW_PID GC.run >/dev/null; jcmd $GW_PID GC.heap_info")
        fi
        local run_target=$target run_max=$max last=()
        if [[ $target == gateway && -n $paired_dur ]]; then
            run_target=gateway+door
            run_max=$((max + paired_dur + paired_warm))
            extra+=(--alt-url "$(url_for door "$t" "$d" "$f")" --alt-body "$(body_for door "$t" "$d" "$f")"
                --warmup-alt-url "$(url_for door "$wt" "$wd" "$wf")" --warmup-alt-body "$(body_for door "$wt" "$wd" "$wf")"
                --alt-label "$id-door" --alt-out "$RAW/$id-door.json")
            last=(--duration "$paired_dur" --warmup "$paired_warm")
        fi
        run_client "$id" "$run_target" "$run_max" --url "$(url_for "$target" "$t" "$d" "$f")" \
            --warmup-url "$(url_for "$target" "$wt" "$wd" "$wf")" "${extra[@]}" "$@" "${last[@]}"
        [[ $target == gateway || $target == door ]] && stop_gateway
        true
    done
}

# run_rounds id T D F gatewayExtra max warm-shape rounds -- client-args
# One gateway process for both routes, measured in turns: rounds of /api/llm then the door, every other round
# the other way round (ABBA), each turn a whole client run with its own warm-up. One process, so that the 5%
# comparison is the routes', not two JVMs' (the same code's CPU per event differed by 15-25% from one gateway
# process to the next); alternating, so that a drift over the run (heap, the machine) falls on both routes.
# Each turn writes <id>-<target>.r<turn>.json; the report merges a target's turns. Before the first turn, an
# unmeasured warm-up of both routes, streams alternating, for B_ROUNDS_WARMUP seconds: without it the first
# turn ran while the JIT was still compiling (2026-12-07: /api/llm's first turn 63.0 µs of CPU per event, its
# second 38.5 µs, the door's two between them), which ABBA cannot balance, as it is no linear drift; after
# 40 s the first turn was still the dearest in two runs of two (52.3 and 38.6 µs against 29.0 and 31.1).
run_rounds() {
    local id=$1 t=$2 d=$3 f=$4 gwextra=$5 max=$6 warm_url_shape=$7 rounds=$8 wt wd wf round turn=0 target
    shift 8
    read -r wt wd wf <<<"$warm_url_shape"
    # shellcheck disable=SC2046
    start_gateway $(gateway_shape_args "$t" "$d" "$f") $gwextra
    local warm_seconds=0 arg previous=""
    for arg in "$@"; do
        [[ $previous == --warmup ]] && warm_seconds=$arg
        previous=$arg
    done
    run_client "$id" "warm-up" "$max" --url "$(url_for gateway "$wt" "$wd" "$wf")" \
        --warmup-url "$(url_for gateway "$wt" "$wd" "$wf")" \
        --alt-url "$(url_for door "$wt" "$wd" "$wf")" --alt-body "$(body_for door "$wt" "$wd" "$wf")" \
        --warmup-alt-url "$(url_for door "$wt" "$wd" "$wf")" --warmup-alt-body "$(body_for door "$wt" "$wd" "$wf")" \
        --alt-label "$id-warm-up-door" --alt-out "$RAW/$id-warm-up-door.json" "$@" \
        --warmup "${B_ROUNDS_WARMUP:-$((warm_seconds * 6))}" --duration 5
    for ((round = 1; round <= rounds; round++)); do
        local order="gateway door"
        ((round % 2 == 0)) && order="door gateway"
        for target in $order; do
            turn=$((turn + 1))
            local extra=(--idle-exec "jcmd $GW_PID GC.run >/dev/null; jcmd $GW_PID GC.heap_info"
                --end-exec "jcmd $GW_PID GC.run >/dev/null; jcmd $GW_PID GC.heap_info")
            if [[ $target == door ]]; then
                extra+=(--body "$(body_for door "$t" "$d" "$f")" --warmup-body "$(body_for door "$wt" "$wd" "$wf")")
            fi
            run_client "$id" "$target.r$turn" "$max" --url "$(url_for "$target" "$t" "$d" "$f")" \
                --warmup-url "$(url_for "$target" "$wt" "$wd" "$wf")" "${extra[@]}" "$@"
        done
    done
    stop_gateway
}

# ---------------------------------------------------------------- meta
META="$RAW/meta.properties"
{
    echo "title=$([[ $QUICK == 1 ]] && echo 'smoke run (--quick: small sizes, not the targets)' || echo 'results')"
    echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command=$COMMAND"
    echo "machine=$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, open files limit $(ulimit -n)"
    echo "kernel=$(uname -sr)"
    echo "java=$(java -version 2>&1 | head -1) (load client, mock)$([[ $GATEWAY_JAVA == java ]] && echo ' and gateway' || echo "; gateway: $("$GATEWAY_JAVA" -version 2>&1 | head -1)")"
    echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///' || echo none)"
    echo "gateway=$(cd "$ROOT" && git log -1 --format='%h %s' -- src pom.xml 2>/dev/null | cut -c1-90)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (+ uncommitted changes)') (last commit of src/ and pom.xml; tree $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)), Spring Boot 4.0.7, $(basename "${GATEWAY_JAR:-none}")"
    echo "gatewayJavaOpts=$GATEWAY_JAVA_OPTS"
    echo "gatewayArgs=$GATEWAY_BASE_ARGS $GATEWAY_EXTRA_ARGS"
    echo "nginxConfig=worker_processes auto (2), proxy_buffering off, proxy_http_version 1.1 with upstream keepalive 2048, access_log off"
    echo "client=bench LoadClient, nice $BENCH_NICE (Netty $(unzip -p "$BENCH_JAR" META-INF/io.netty.versions.properties 2>/dev/null | grep -m1 'netty-codec-http.version=' | cut -d= -f2), 1 event loop), JVM $CLIENT_JAVA_OPTS; mock upstream on 1 event loop, JVM $MOCK_JAVA_OPTS"
    echo "loadStart=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "streams.b=$B_STREAMS"
    echo "streams.c=$C_STREAMS"
    echo "seconds.c=$C_TOKENS"
    echo "rawDir=bench/results/raw/ (not committed)"
} >"$META"

if has "$TARGETS" gateway || has "$TARGETS" door; then
    detect_gateway_mode
    if [[ $GATEWAY_MODE == openai ]]; then
        echo "gatewayMode=openai adapter → mock upstream (same upstream as direct and nginx)" >>"$META"
    else
        echo "gatewayMode=built-in echo provider (no openai adapter in this build): the gateway generates the tokens itself, with no upstream hop, so its figures are not yet comparable to direct/nginx" >>"$META"
        echo "note.echo=**Gateway figures come from the echo provider**: this build has no OpenAI-compatible adapter, so the gateway does not call the mock upstream; (d) cannot be measured for it." >>"$META"
        echo "skip.d.gateway=skipped: echo provider has no upstream connection to cancel" >>"$META"
    fi
fi
echo "note.d=The gateway runs with \`gateway.stream.detach-grace=0s\` (cancel as soon as no client is attached); with the default 5 s grace the upstream is kept 5 s for a resume by design." >>"$META"

# ---------------------------------------------------------------- scenarios
# (a) 1 stream, 200 tokens x 5 ms; closed loop (one stream after the other) for the window. The warm-up is
# short streams (5 tokens, 1 ms apart) from 100 clients, so that a JVM target's per-request path is compiled
# as in a server in service: with 1-second streams it saw ~2,000 requests and its first token came 2 to 4
# times later than after 30,000 (measured: p50 13 ms after 130 requests, 4.4 ms after 10,000, 3.2 ms after
# 30,000). Every target gets the same warm-up.
# gateway and door together are one paired run (see run_scenario): one gateway process, the client alternating
# /api/llm and the door stream by stream, so that the door's 5% comparison is not the difference between two
# JVMs' histories (on two processes the same code's TTFT p99 ratio ranged 0.82 to 1.34). Its window is longer,
# A_PAIRED_DUR, for ~60 streams per route at full size instead of 30, and its warm-up twice as long, so that
# each route gets as many warm-up requests as a target alone.
if has "$SCENARIOS" a; then
    if has "$TARGETS" gateway && has "$TARGETS" door; then
        echo "note.a.paired=(a)'s gateway and door rows come from one paired run: one gateway process, the load client alternating \`/api/llm\` and the door stream by stream for $A_PAIRED_DUR s, after a $((A_WARM * 2)) s warm-up alternating alike." >>"$META"
    fi
    PAIRED="$A_PAIRED_DUR $((A_WARM * 2))" run_scenario a 200 5 0 "" $((A_WARM + A_DUR + 60)) "5 1 0" \
        --streams 1 --duration "$A_DUR" --warmup "$A_WARM" --warmup-streams "$A_WARM_STREAMS" --offered 200
fi
# (b) N concurrent streams, 100 tokens x 20 ms (50 tokens/s each); closed loop keeps N open for the window.
# With gateway and door both, in rounds on one gateway (see run_rounds).
if has "$SCENARIOS" b; then
    if has "$TARGETS" gateway && has "$TARGETS" door; then
        echo "note.b.rounds=(b)'s gateway and door rows come from one gateway process measured in $B_ROUNDS round(s) of \`/api/llm\` then the door (every other round the door first), after an unmeasured ${B_ROUNDS_WARMUP:-$((B_WARM * 6))} s warm-up of both routes alternating, each turn with its own $B_WARM s warm-up: counts, tokens and CPU are the turns' sums, ev/s is their tokens over their windows, latency percentiles are the turns' mean (max: the highest)." >>"$META"
    fi
    ROUNDS="$B_ROUNDS" run_scenario b 100 20 0 "" $((B_WARM + B_DUR + 90)) "100 20 0" \
        --streams "$B_STREAMS" --ramp "$B_RAMP" --duration "$B_DUR" --warmup "$B_WARM" \
        --source-ips 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 --offered $((B_STREAMS * 50)) --threads 1
fi
# (c) N streams open at once, 1 token/s; memory per stream at the plateau.
if has "$SCENARIOS" c; then
    run_scenario c "$C_TOKENS" 1000 0 "" $((C_WARM + C_STREAMS / C_RAMP + C_TOKENS + 120)) "100 20 0" \
        --streams "$C_STREAMS" --ramp "$C_RAMP" --warmup "$C_WARM" --warmup-streams "$C_WARM_STREAMS" \
        --source-ips 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 --offered "$C_STREAMS" --plateau-settle-ms 3000 \
        --stream-timeout $((C_TOKENS + 60))
fi
# (d) cancellation in three phases.
if has "$SCENARIOS" d; then
    echo "d1=before the first token (2 s pause; drop 300 ms after the headers)" >>"$META"
    run_scenario d1 50 20 2000 "" 90 "100 20 0" \
        --streams "$D_STREAMS" --ramp "$D_RAMP" --warmup "$D_WARM" --warmup-streams "$D_WARM_STREAMS" \
        --drop-after 0 --drop-delay-ms 300 --cancel-wait-ms 3000
    echo "d2=mid-stream (20 ms gaps; drop after 10 tokens)" >>"$META"
    run_scenario d2 100 20 0 "" 90 "100 20 0" \
        --streams "$D_STREAMS" --ramp "$D_RAMP" --warmup "$D_WARM" --warmup-streams "$D_WARM_STREAMS" \
        --drop-after 10 --cancel-wait-ms 3000
    echo "d3=between sparse tokens (1 s gaps; drop after 2 tokens)" >>"$META"
    run_scenario d3 20 1000 0 "" 120 "100 20 0" \
        --streams "$D_STREAMS" --ramp "$D_RAMP" --warmup "$D_WARM" --warmup-streams "$D_WARM_STREAMS" \
        --drop-after 2 --cancel-wait-ms 3000
fi
# (e) the same (a) and (b) with the gateway's Redis store.
if has "$SCENARIOS" e; then
    if [[ $REDIS_BUILT == 0 ]]; then
        echo "skip.e=skipped: gateway.store=redis not built yet (no Redis store classes in $(basename "${GATEWAY_JAR:-the gateway jar}"))." >>"$META"
        log "scenario e skipped: gateway.store=redis not built yet"
    else
        run_scenario ea 200 5 0 "--gateway.store=redis" $((A_WARM + A_DUR + 60)) "5 1 0" \
            --streams 1 --duration "$A_DUR" --warmup "$A_WARM" --warmup-streams "$A_WARM_STREAMS" --offered 200
        # As warm as (b)'s gateway in rounds (the rounds' warm-up, then its turn's): with (b)'s own 20 s only,
        # redis mode was measured half-compiled against a warm memory mode (memory mode itself, warmed 20 s,
        # made 25,548 ev/s at 51.7 us per event against 42,890 at 28.0 warmed 140 s, 2026-12-07).
        eb_warm=$(( ${B_ROUNDS_WARMUP:-$((B_WARM * 6))} + B_WARM ))
        echo "note.eb.warmup=(e/b) is warmed up for $eb_warm s, as long as (b)'s gateway in rounds (its rounds' warm-up, then its turn's own)." >>"$META"
        run_scenario eb 100 20 0 "--gateway.store=redis" $((eb_warm + B_DUR + 90)) "100 20 0" \
            --streams "$B_STREAMS" --ramp "$B_RAMP" --duration "$B_DUR" --warmup "$eb_warm" \
            --source-ips 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 --offered $((B_STREAMS * 50))
    fi
fi

echo "loadEnd=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$META"
mkdir -p "$(dirname "$OUT")"
java -cp "$BENCH_JAR" dev.llmsse.bench.Report --dir "$RAW" --out "$OUT"
log "results: $OUT"
exit 0
}
