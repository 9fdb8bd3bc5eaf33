package dev.llmsse.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.HdrHistogram.Histogram;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load client: opens N concurrent SSE streams against any URL, ramped, and records per stream the time
 * to first token, every inter-token gap, tokens, completion and errors; samples the resident memory and CPU
 * of the processes it is told about; in cancellation mode drops each stream after k tokens and, with the
 * mock upstream's stats, reports how long the upstream took to see the close.
 *
 * <p>Non-blocking: plain Netty on one or two event loop threads (epoll on Linux), one connection per stream.
 * A control thread ramps, waits and reports; a sampler thread reads {@code /proc}.
 *
 * <p>Run with {@code --help} for the options.
 */
public final class LoadClient {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    final LongAdder tokenEvents = new LongAdder();
    volatile boolean aborting;

    private final Args args;
    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final InetSocketAddress remote;
    private final String hostHeader;
    private final Route route;
    /** Paired mode: the alternate route, launched every other time; null without {@code --alt-url}. */
    private final Route altRoute;
    private Map<String, Object> altResult;
    private final List<InetSocketAddress> sources = new ArrayList<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicInteger nextSource = new AtomicInteger();
    private final AtomicLong nextRid;
    private final Map<EventLoop, Histogram> loopLag = new HashMap<>();
    private final ProcSampler sampler = new ProcSampler();
    private final long deadline;

    LoadClient(Args args) throws Exception {
        this.args = args;
        String url = args.string("url", null);
        if (url == null || !url.startsWith("http://")) {
            throw new IllegalArgumentException("--url http://host:port/path?query is required ({rid} is replaced)");
        }
        String rest = url.substring("http://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        int colon = authority.lastIndexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        int port = colon < 0 ? 80 : Integer.parseInt(authority.substring(colon + 1));
        this.remote = new InetSocketAddress(InetAddress.getByName(host), port);
        if (!remote.getAddress().isLoopbackAddress() && !args.flag("allow-non-loopback")) {
            throw new IllegalArgumentException("refusing to load a non-loopback address: " + remote);
        }
        this.hostHeader = authority;
        this.route = Route.primary(args, authority, slash < 0 ? "/" : rest.substring(slash));
        this.altRoute = Route.alternate(args, authority);
        for (String ip : args.string("source-ips", "").split(",")) {
            if (!ip.isBlank()) {
                sources.add(new InetSocketAddress(InetAddress.getByName(ip.trim()), 0));
            }
        }
        this.nextRid = new AtomicLong(args.integer("rid-base", 1));
        this.group = Transport.group(args.integer("threads", 1));
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            loops.add(loop);
            Histogram lag = PhaseStats.histogram();
            loopLag.put(loop, lag);
        }
        for (String spec : args.all("pid")) {
            sampler.add(spec);
        }
        sampler.addSelf();
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.integer("max-seconds", 600));
    }

    private final AtomicInteger unfinishedReported = new AtomicInteger();

    /** Describes a stream that was still open at the time limit (the first few only). */
    void unfinished(String description) {
        if (unfinishedReported.incrementAndGet() <= 10) {
            log("still open at the time limit: %s", description);
        }
    }

    /**
     * Starts one stream of {@code phase} on the next event loop; callable from any thread. In paired mode the
     * phase's launches alternate strictly, primary first: even launches take the primary route, odd the alternate.
     */
    void launch(Phase phase) {
        if (aborting) {
            return;
        }
        EventLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        long rid = nextRid.getAndIncrement();
        phase.active.incrementAndGet();
        // Counted for every launch, paired or not: sleepUntil's drain ends early only once all of them ran.
        int launchIndex = phase.launched.getAndIncrement();
        boolean alt = altRoute != null && (launchIndex & 1) == 1;
        Route of = alt ? altRoute : route;
        String ridText = Long.toString(rid);
        ClientStream stream = new ClientStream(phase, alt, rid, of.path(phase.warmup, ridText), hostHeader,
                of.body(phase.warmup, ridText));
        InetSocketAddress source = sources.isEmpty() ? null
                : sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size()));
        loop.execute(() -> {
            stream.started(loop);
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(Transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channels.add(channel);
                            channel.pipeline().addLast(new HttpClientCodec(), stream);
                        }
                    });
            ChannelFuture connect = source == null ? bootstrap.connect(remote) : bootstrap.connect(remote, source);
            connect.addListener(future -> {
                if (!future.isSuccess()) {
                    stream.connectFailed(future.cause());
                }
            });
        });
    }

    private Map<String, Object> run() throws Exception {
        Thread samplerThread = new Thread(sampler, "proc-sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();
        startLagProbes();

        int streams = args.integer("streams", 1);
        double ramp = args.number("ramp", 1000);
        int duration = args.integer("duration", 0);
        int warmup = args.integer("warmup", 0);
        int dropAfter = args.integer("drop-after", -1);
        long dropDelay = args.integer("drop-delay-ms", 500);
        int streamTimeout = args.integer("stream-timeout", 120);
        Map<String, Object> altWarmup = null;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", args.string("label", ""));
        result.put("url", args.string("url", ""));
        result.put("date", Instant.now().toString());
        result.put("loadAverageBefore", loadAverage());
        result.put("transport", Transport.name());
        result.put("threads", loops.size());
        result.put("streams", streams);
        result.put("rampPerSecond", ramp);
        result.put("mode", duration > 0 ? "closed loop for " + duration + " s" : "each stream once");
        result.put("durationSeconds", duration);
        result.put("warmupSeconds", warmup);
        result.put("dropAfter", dropAfter);
        result.put("dropDelayMs", dropAfter == 0 ? dropDelay : null);
        result.put("sourceIps", sources.size());
        if (args.has("offered")) {
            result.put("offeredTokenEventsPerSecond", args.number("offered", 0));
        }

        if (warmup > 0) {
            int warmupStreams = args.integer("warmup-streams", streams);
            Phase phase = new Phase("warm-up", this, loops, warmupStreams, true, -1, 0, streamTimeout);
            log("warm-up: %d streams, closed loop for %d s", warmupStreams, warmup);
            runPhase(phase, ramp, TimeUnit.SECONDS.toNanos(warmup), false, result);
            result.put("warmup", warmupSummary(phase, false));
            if (altRoute != null) {
                altWarmup = warmupSummary(phase, true);
            }
        }

        String mockStats = args.string("mock-stats", null);
        if (mockStats != null && args.flag("mock-reset")) {
            httpGet(mockStats + "/reset");
        }
        String idleExec = args.string("idle-exec", null);
        if (idleExec != null) {
            result.put("idleExec", exec(idleExec));
        }
        resetLag();
        sampler.startMeasuring();
        long tokensBefore = tokenEvents.sum();
        Phase phase = new Phase("measure", this, loops, streams, duration > 0, dropAfter, dropDelay, streamTimeout);
        log("measure: %d streams at %.0f/s, %s", streams, ramp, result.get("mode"));
        Map<String, Object> window = runPhase(phase, ramp, TimeUnit.SECONDS.toNanos(duration), true, result);
        sampler.stopMeasuring();
        PhaseStats stats = merge(phase, false);
        PhaseStats altStats = altRoute == null ? null : merge(phase, true);
        String endExec = args.string("end-exec", null);
        if (endExec != null) {
            result.put("endExec", exec(endExec));
        }

        Map<String, Object> measure = measureOf(stats, window, tokenEvents.sum() - tokensBefore);
        Map<String, Object> altMeasure = null;
        Map<String, Object> altCancel = null;
        if (altStats != null) {
            altMeasure = measureOf(altStats, window, tokenEvents.sum() - tokensBefore);
            Pairing.perRoute(measure, stats, streams);
            Pairing.perRoute(altMeasure, altStats, streams);
            result.put("paired", Pairing.info(args, stats, altStats));
        }
        result.put("measure", measure);
        result.put("clientLoopLagMicros", PhaseStats.summary(mergedLag()));
        Map<String, Object> processes = new LinkedHashMap<>();
        for (ProcSampler.Group g : sampler.groups()) {
            processes.put(g.name, g.json());
        }
        result.put("processes", processes);

        if (mockStats != null) {
            if (dropAfter >= 0) {
                Thread.sleep(args.integer("cancel-wait-ms", 3000));
            }
            JsonNode mock = JSON.readTree(httpGet(mockStats));
            Map<String, Object> upstream = new LinkedHashMap<>();
            for (String field : List.of("started", "completed", "cancelled", "active", "activeMax",
                    "connectionsOpened", "connectionsMax", "tokensSent", "badRequests")) {
                upstream.put(field, mock.path(field).asLong());
            }
            result.put("upstream", upstream);
            if (dropAfter >= 0) {
                result.put("cancel", cancellation(stats, mock));
                if (altStats != null) {
                    altCancel = cancellation(altStats, mock);
                }
            }
        }
        result.put("loadAverageAfter", loadAverage());
        printSummary(result);
        if (altStats != null) {
            altResult = Pairing.altResult(args, result, altMeasure, altWarmup, altCancel);
            printSummary(altResult);
        }
        return result;
    }

    /** One route's streams of the measured phase; {@code tokens} is the phase's count, for the once-each rate. */
    private static Map<String, Object> measureOf(PhaseStats stats, Map<String, Object> window, long tokens) {
        Map<String, Object> measure = new LinkedHashMap<>();
        measure.put("started", stats.started);
        measure.put("completed", stats.completed);
        measure.put("dropped", stats.dropped);
        measure.put("errors", stats.errorCount());
        measure.put("errorKinds", stats.errors);
        measure.put("tokens", stats.tokens);
        measure.put("heartbeats", stats.heartbeats);
        double wall = (stats.lastEndNanos - stats.firstStartNanos) / 1e9;
        measure.put("wallSeconds", round(wall));
        if (window != null) {
            measure.putAll(window);
        } else {
            measure.put("tokenEventsPerSecond", round(wall > 0 ? tokens / wall : 0));
        }
        measure.put("ttftMicros", PhaseStats.summary(stats.ttftMicros));
        measure.put("gapMicros", PhaseStats.summary(stats.gapMicros));
        measure.put("headersMicros", PhaseStats.summary(stats.headersMicros));
        return measure;
    }

    /** The warm-up's count of one route's streams (the only route without {@code --alt-url}). */
    private Map<String, Object> warmupSummary(Phase phase, boolean alt) throws Exception {
        PhaseStats stats = merge(phase, alt);
        log("warm-up done%s: %d streams, %d tokens, %d errors %s", alt ? " (alternate)" : "", stats.started,
                stats.tokens, stats.errorCount(), stats.errors);
        return Map.of("streams", stats.started, "tokens", stats.tokens, "errors", stats.errorCount());
    }

    /** Ramps the phase up, holds it, drains it; returns the steady window's token rate in closed-loop mode. */
    private Map<String, Object> runPhase(Phase phase, double ramp, long durationNanos, boolean measuring,
            Map<String, Object> result) throws Exception {
        long t0 = System.nanoTime();
        if (phase.reopen) {
            phase.endNanos = t0 + durationNanos;
        }
        int launched = 0;
        while (launched < phase.target && System.nanoTime() < deadline && System.nanoTime() < phase.endNanos) {
            long due = Math.min(phase.target, 1 + (long) (ramp * (System.nanoTime() - t0) / 1e9));
            while (launched < due) {
                launch(phase);
                launched++;
            }
            Thread.sleep(2);
        }
        long rampEnd = System.nanoTime();
        long tokensAtRampEnd = tokenEvents.sum();
        if (measuring) {
            result.put("rampSeconds", round((rampEnd - t0) / 1e9));
        }
        CompletableFuture<Map<String, Object>> plateauExec = null;
        if (measuring && (args.has("plateau-exec") || !phase.reopen)) {
            // The plateau: every stream started, given time to settle (all open in the long-stream scenario).
            long settle = TimeUnit.MILLISECONDS.toNanos(args.integer("plateau-settle-ms", 3000));
            sleepUntil(Math.min(rampEnd + settle, Math.min(deadline, phase.endNanos)), phase, !phase.reopen);
            sampler.plateau();
            result.put("plateauActiveStreams", phase.active.get());
            String command = args.string("plateau-exec", null);
            if (command != null) {
                plateauExec = CompletableFuture.supplyAsync(() -> exec(command));
            }
        }
        Map<String, Object> window = null;
        if (phase.reopen) {
            sleepUntil(Math.min(phase.endNanos, deadline), phase, false);
            phase.launching = false;
            long end = System.nanoTime();
            long tokens = tokenEvents.sum() - tokensAtRampEnd;
            double seconds = (end - rampEnd) / 1e9;
            window = new LinkedHashMap<>();
            window.put("windowSeconds", round(seconds));
            window.put("tokenEventsPerSecond", round(seconds > 0 ? tokens / seconds : 0));
            long drain = TimeUnit.SECONDS.toNanos(args.integer("drain-seconds", 30));
            sleepUntil(Math.min(end + drain, deadline), phase, true);
        } else {
            sleepUntil(deadline, phase, true);
        }
        if (phase.active.get() > 0) {
            log("%s: %d streams still open at the time limit, closing them", phase.name, phase.active.get());
            aborting = true;
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(2), phase, true);
            aborting = false;
        }
        if (plateauExec != null) {
            result.put("plateauExec", plateauExec.get(180, TimeUnit.SECONDS));
        }
        return window;
    }

    /** Sleeps until {@code until}, or earlier when {@code untilIdle} and the phase has no open stream. */
    private static void sleepUntil(long until, Phase phase, boolean untilIdle) throws InterruptedException {
        while (System.nanoTime() < until) {
            if (untilIdle && phase.active.get() == 0 && phase.launched.get() >= phase.target) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private PhaseStats merge(Phase phase, boolean alt) throws Exception {
        PhaseStats total = new PhaseStats();
        for (Map.Entry<EventLoop, PhaseStats> entry : phase.allStats(alt).entrySet()) {
            PhaseStats copy = entry.getKey().submit(entry.getValue()::copy).get(30, TimeUnit.SECONDS);
            total.add(copy);
        }
        return total;
    }

    private Map<String, Object> cancellation(PhaseStats stats, JsonNode mock) {
        Map<Long, Long> seen = new HashMap<>();
        for (JsonNode cancel : mock.path("cancels")) {
            seen.put(cancel.get(0).asLong(), cancel.get(1).asLong());
        }
        Histogram delay = PhaseStats.histogram();
        long matched = 0;
        long before = 0;
        for (long[] drop : stats.drops) {
            Long at = seen.get(drop[0]);
            if (at == null) {
                continue;
            }
            matched++;
            long nanos = at - drop[1];
            if (nanos < 0) {
                before++;
            }
            PhaseStats.record(delay, nanos);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dropped", stats.drops.size());
        out.put("upstreamCancelled", matched);
        out.put("cancelledPercent", stats.drops.isEmpty() ? 0 : round(100.0 * matched / stats.drops.size()));
        out.put("closedBeforeClient", before);
        out.put("upstreamCloseDelayMicros", PhaseStats.summary(delay));
        out.put("waitedMs", args.integer("cancel-wait-ms", 3000));
        return out;
    }

    /** Each loop runs a task every 10 ms and records how late it ran: the client's own scheduling delay. */
    private void startLagProbes() {
        for (EventLoop loop : loops) {
            loop.execute(new LagProbe(loop, loopLag.get(loop)));
        }
    }

    /** Re-schedules itself with a fixed delay, so each sample is the lateness of one wake-up alone. */
    private static final class LagProbe implements Runnable {

        private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
        private final EventLoop loop;
        private final Histogram lag;
        private long due;

        LagProbe(EventLoop loop, Histogram lag) {
            this.loop = loop;
            this.lag = lag;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            if (due != 0) {
                PhaseStats.record(lag, now - due);
            }
            if (loop.isShuttingDown()) {
                return;
            }
            due = now + PERIOD_NANOS;
            loop.schedule(this, PERIOD_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void resetLag() throws Exception {
        for (EventLoop loop : loops) {
            loop.submit(() -> loopLag.get(loop).reset()).get();
        }
    }

    private Histogram mergedLag() throws Exception {
        Histogram total = PhaseStats.histogram();
        for (EventLoop loop : loops) {
            total.add(loop.submit(() -> loopLag.get(loop).copy()).get());
        }
        return total;
    }

    /** Runs a shell command (e.g. jcmd) and keeps its output, for the results. */
    private static Map<String, Object> exec(String command) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", command);
        try {
            Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(buffer);
            }
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            out.put("exitCode", ended ? process.exitValue() : -1);
            out.put("output", buffer.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            out.put("exitCode", -1);
            out.put("output", e.toString());
        }
        return out;
    }

    /** The 1, 5 and 15 minute load averages: on a shared 2-core machine, context for every figure. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static String httpGet(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    @SuppressWarnings("unchecked")
    private static void printSummary(Map<String, Object> result) {
        Map<String, Object> m = (Map<String, Object>) result.get("measure");
        System.out.printf("%n== %s  %s%n", result.get("label"), result.get("url"));
        System.out.printf("streams %s started, %s completed, %s dropped, %s errors %s; %s tokens, %s heartbeats%n",
                m.get("started"), m.get("completed"), m.get("dropped"), m.get("errors"), m.get("errorKinds"),
                m.get("tokens"), m.get("heartbeats"));
        System.out.printf("token events/s %s (offered %s)%n", m.get("tokenEventsPerSecond"),
                result.getOrDefault("offeredTokenEventsPerSecond", "n/a"));
        System.out.printf("time to first token  %s%n", percentiles((Map<String, Object>) m.get("ttftMicros")));
        System.out.printf("inter-token gap      %s%n", percentiles((Map<String, Object>) m.get("gapMicros")));
        System.out.printf("client loop lag      %s%n",
                percentiles((Map<String, Object>) result.get("clientLoopLagMicros")));
        Map<String, Object> processes = (Map<String, Object>) result.get("processes");
        processes.forEach((name, value) -> {
            Map<String, Object> p = (Map<String, Object>) value;
            System.out.printf("%-7s rss idle %s KB, peak %s KB, plateau %s KB; cpu %s%% of a core, waited for cpu %s%%%n",
                    name, p.get("rssIdleKb"), p.get("rssPeakKb"), p.get("rssPlateauKb"), p.get("cpuPercent"),
                    p.get("cpuWaitPercent"));
        });
        if (result.containsKey("upstream")) {
            System.out.printf("upstream %s%n", result.get("upstream"));
        }
        if (result.containsKey("cancel")) {
            Map<String, Object> c = (Map<String, Object>) result.get("cancel");
            System.out.printf("cancel: %s of %s dropped clients' upstream requests cancelled (%s%%), close seen after %s%n",
                    c.get("upstreamCancelled"), c.get("dropped"), c.get("cancelledPercent"),
                    percentiles((Map<String, Object>) c.get("upstreamCloseDelayMicros")));
        }
    }

    private static String percentiles(Map<String, Object> s) {
        if (s == null || !s.containsKey("p50")) {
            return "n/a";
        }
        return String.format("p50 %s  p90 %s  p99 %s  max %s  (ms, n=%s)", ms(s.get("p50")), ms(s.get("p90")),
                ms(s.get("p99")), ms(s.get("max")), s.get("count"));
    }

    private static String ms(Object micros) {
        return String.format("%.3f", ((Number) micros).longValue() / 1000.0);
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void log(String format, Object... values) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(format, values));
    }

    private void close() {
        sampler.stop();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static final String HELP = """
            java -cp bench.jar dev.llmsse.bench.LoadClient --url URL [options]
              --url URL              http://host:port/path?query; {rid} is replaced by a per-stream id
              --body JSON            POST this JSON body (Content-Type application/json) instead of a GET;
                                     {rid} is replaced as in --url (for the gateway's front doors)
              --warmup-body JSON     the warm-up's body, if not --body
              --streams N            concurrent streams (default 1)
              --ramp R               new streams per second while ramping up (default 1000)
              --duration S           closed loop: keep N streams open for S seconds, replacing each that ends;
                                     0 (default) = open N streams once and wait for all to end
              --warmup S             first run a closed-loop warm-up of S seconds (not measured)
              --warmup-streams M     concurrent streams of the warm-up (default N)
              --warmup-url URL       the warm-up's URL, if not --url (same host and port)
              --alt-url URL          paired mode: an alternate request on the same host and port; launches
                                     alternate strictly, --url first, in the warm-up and the measurement,
                                     and the alternate's streams get their own results (--alt-out)
              --alt-body JSON        the alternate's POST body (as --body); --warmup-alt-body, --warmup-alt-url
                                     its warm-up's, if not --alt-body, --alt-url
              --alt-label L          name for the alternate's results (default: --label + "-alt")
              --alt-out FILE         write the alternate's results as JSON (a result like --out's)
              --threads T            event loop threads (default 1)
              --source-ips a,b,...   bind connections round-robin to these local addresses (127.0.0.x)
              --drop-after K         cancellation: close each stream after K tokens (0 = --drop-delay-ms
                                     after the response headers, before any token)
              --drop-delay-ms D      see --drop-after 0 (default 500)
              --mock-stats URL       the mock upstream's /stats URL: report its counters, and with drops,
                                     how long until it saw each close (same monotonic clock)
              --mock-reset           reset the mock's counters before measuring
              --cancel-wait-ms W     wait this long after the last drop before reading the mock (default 3000)
              --pid name=p1[,p2]     sample VmRSS/VmHWM and CPU of these processes (repeatable)
              --idle-exec CMD        shell command run before measuring (e.g. jcmd PID GC.heap_info)
              --plateau-exec CMD     shell command run once all streams are open and settled
              --plateau-settle-ms MS wait after the ramp before the plateau sample (default 3000)
              --end-exec CMD         shell command run after the last stream ended
              --offered R            token events per second offered, for the report
              --stream-timeout S     per-stream limit (default 120)
              --drain-seconds S      closed loop: wait this long for open streams after the duration (default 30)
              --max-seconds S        hard limit for the whole run (default 600)
              --label L              name for the results
              --out FILE             write the results as JSON
            """;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        if (args.flag("help") || argv.length == 0) {
            System.out.print(HELP);
            return;
        }
        LoadClient client = new LoadClient(args);
        int code = 0;
        try {
            Map<String, Object> result = client.run();
            String out = args.string("out", null);
            if (out != null) {
                Files.writeString(Path.of(out), JSON.writeValueAsString(result));
            }
            String altOut = args.string("alt-out", null);
            if (altOut != null && client.altResult != null) {
                Files.writeString(Path.of(altOut), JSON.writeValueAsString(client.altResult));
            }
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        } finally {
            client.close();
        }
        System.exit(code);
    }
}
