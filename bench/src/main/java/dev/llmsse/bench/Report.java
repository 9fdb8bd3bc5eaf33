package dev.llmsse.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the load client's JSON results of one {@code bench/run.sh} run into the markdown results table.
 *
 * <p>Input: a directory with {@code meta.properties} (written by run.sh: machine, versions, command, notes)
 * and {@code <scenario>-<target>.json} files, scenario one of a, b, c, d1, d2, d3, ea, eb and target one of
 * direct, nginx, gateway. Usage: {@code java -cp bench.jar dev.llmsse.bench.Report --dir DIR --out FILE}.
 */
public final class Report {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] TARGETS = {"direct", "nginx", "gateway", "door"};
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Path dir;
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();

    Report(Path dir) throws Exception {
        this.dir = dir;
        Path properties = dir.resolve("meta.properties");
        if (Files.exists(properties)) {
            for (String line : Files.readAllLines(properties, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    meta.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Report report = new Report(Path.of(args.string("dir", ".")));
        String markdown = report.render();
        String target = args.string("out", null);
        if (target == null) {
            System.out.print(markdown);
        } else {
            Path path = Path.of(target);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, markdown, StandardCharsets.UTF_8);
            System.out.println("wrote " + path);
        }
    }

    String render() throws Exception {
        line("# llm-sse-gateway benchmark: " + meta.getOrDefault("title", "results"));
        line("");
        line("| | |");
        line("|---|---|");
        row("date", meta.get("date"));
        row("command", "`" + meta.getOrDefault("command", "?") + "`");
        row("machine", meta.get("machine"));
        row("kernel", meta.get("kernel"));
        row("java", meta.get("java"));
        row("nginx", meta.get("nginx"));
        row("gateway", meta.get("gateway"));
        row("gateway JVM", "`" + meta.getOrDefault("gatewayJavaOpts", "") + "`");
        row("gateway flags", "`" + meta.getOrDefault("gatewayArgs", "") + "`");
        row("gateway upstream", meta.get("gatewayMode"));
        row("nginx config", meta.get("nginxConfig"));
        row("load client", meta.get("client"));
        row("load average (1/5/15 min) at start / end", meta.get("loadStart") + " / " + meta.get("loadEnd"));
        line("");
        line("All three targets share this machine's 2 cores with the load client and the mock upstream, and were "
                + "measured one after the other in this run. Times are in milliseconds; **TTFT** is time to first "
                + "token from the start of the connect, **gap** every inter-token gap, **ev/s** token events per "
                + "second received in the steady window (offered rate in brackets), **CPU used / waited** the "
                + "target's CPU time and the time its threads were runnable but waiting for a CPU (run queue, from "
                + "`/proc/<pid>/task/*/schedstat`), both in % of one core while measuring: a high wait means the "
                + "machine, not the target, was short; **CPU µs / event** the target's CPU time (user + system) "
                + "per token event received, over the same phase: what an event costs, however much CPU the target "
                + "got. **direct** is the mock upstream itself (the physical limit), "
                + "**nginx** a pure proxy with buffering off in front of it.");
        line("");
        for (Map.Entry<String, String> note : meta.entrySet()) {
            if (note.getKey().startsWith("note.")) {
                line("- " + note.getValue());
            }
        }
        line("");

        latencySection("a", "(a) 1 stream, 200 tokens × 5 ms", 1.0, 1.0);
        latencySection("b", "(b) " + meta.getOrDefault("streams.b", "1000")
                + " concurrent streams, 100 tokens × 20 ms", 5.0, 5.0);
        memorySection();
        cancelSection();
        String skipE = meta.get("skip.e");
        if (skipE != null || !load("ea").isEmpty() || !load("eb").isEmpty()) {
            line("## (e) redis mode on (a) and (b)");
            line("");
            if (skipE != null) {
                line(skipE);
                line("");
            } else {
                latencySection("ea", "(e/a) redis store: 1 stream, 200 tokens × 5 ms", 1.0, 1.0);
                latencySection("eb", "(e/b) redis store: " + meta.getOrDefault("streams.b", "1000")
                        + " concurrent streams, 100 tokens × 20 ms", 5.0, 5.0);
                redisAgainstMemory();
            }
        }
        if (starvedRows > 0) {
            line("⚠ marks a row where the load client's own event loop ran more than "
                    + STARVED_MICROS / 1000 + " ms late at p99 (it shares the 2 cores): the client, not the "
                    + "target, limited that row, so its latencies overstate the target's. Rerun on a quiet machine.");
            line("");
        }
        line("Raw results (JSON per scenario and target) of this run: `" + meta.getOrDefault("rawDir", dir.toString())
                + "`.");
        return out.toString();
    }

    /** Issue 14's (e): redis mode's (b) against memory mode's (b), the gateway's rows of this run. */
    private void redisAgainstMemory() throws Exception {
        JsonNode redis = load("eb").get("gateway");
        JsonNode memory = load("b").get("gateway");
        if (redis == null || memory == null) {
            return;
        }
        double rate = ratio(redis.path("measure").path("tokenEventsPerSecond").asDouble(),
                memory.path("measure").path("tokenEventsPerSecond").asDouble());
        line(String.format(Locale.ROOT, "Redis mode: ev/s vs memory mode's (b) **%.1f%%** (target ≥ 80%%: %s); "
                + "CPU µs / event %s against %s.", rate * 100, verdict(rate >= 0.8), cpuPerEvent(redis),
                cpuPerEvent(memory)));
        line("");
    }

    private void latencySection(String id, String title, double ttftTargetMs, double gapTargetMs) throws Exception {
        Map<String, JsonNode> results = load(id);
        if (results.isEmpty()) {
            return;
        }
        if (!id.startsWith("e")) {
            line("## " + title);
        } else {
            line("### " + title);
        }
        line("");
        line("| target | streams ok / err | TTFT p50 | p90 | p99 | max | gap p50 | p90 | p99 | max | ev/s (offered) "
                + "| CPU % used / waited | CPU µs / event | mock CPU % | upstream conns opened "
                + "| client CPU % used / waited, loop lag p99 |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String target : TARGETS) {
            JsonNode r = results.get(target);
            if (r == null) {
                continue;
            }
            JsonNode m = r.path("measure");
            JsonNode ttft = m.path("ttftMicros");
            JsonNode gap = m.path("gapMicros");
            line("| " + target + " | " + m.path("completed").asLong() + " / " + errors(m)
                    + " | " + ms(ttft, "p50") + " | " + ms(ttft, "p90") + " | " + ms(ttft, "p99") + " | " + ms(ttft, "max")
                    + " | " + ms(gap, "p50") + " | " + ms(gap, "p90") + " | " + ms(gap, "p99") + " | " + ms(gap, "max")
                    + " | " + num(m.path("tokenEventsPerSecond").asDouble(), 0) + " ("
                    + num(r.path("offeredTokenEventsPerSecond").asDouble(), 0) + ")"
                    + " | " + cpuWait(r, "server") + " | " + cpuPerEvent(r)
                    + " | " + cpu(r, target.equals("direct") ? "server" : "mock")
                    + " | " + r.path("upstream").path("connectionsOpened").asString("-")
                    + " | " + cpuWait(r, "client") + ", " + ms(r.path("clientLoopLagMicros"), "p99") + starved(r)
                    + " |");
        }
        line("");
        JsonNode gateway = results.get("gateway");
        JsonNode direct = results.get("direct");
        JsonNode nginx = results.get("nginx");
        if (gateway != null) {
            List<String> facts = new ArrayList<>();
            if (direct != null) {
                double dTtft = diff(gateway, direct, "ttftMicros", "p99");
                double dGap = diff(gateway, direct, "gapMicros", "p99");
                facts.add(String.format(Locale.ROOT, "added TTFT p99 vs direct **%+.3f ms** (target < %.0f ms: %s)",
                        dTtft, ttftTargetMs, verdict(dTtft < ttftTargetMs)));
                facts.add(String.format(Locale.ROOT, "added gap p99 vs direct **%+.3f ms** (target < %.0f ms: %s)",
                        dGap, gapTargetMs, verdict(dGap < gapTargetMs)));
            }
            if (nginx != null) {
                double rate = ratio(gateway.path("measure").path("tokenEventsPerSecond").asDouble(),
                        nginx.path("measure").path("tokenEventsPerSecond").asDouble());
                double ttft = ratio(micros(gateway, "ttftMicros", "p99"), micros(nginx, "ttftMicros", "p99"));
                facts.add(String.format(Locale.ROOT, "ev/s vs nginx **%.1f%%**%s", rate * 100,
                        id.endsWith("b") ? " (target ≥ 90%: " + verdict(rate >= 0.9) + ")" : ""));
                facts.add(String.format(Locale.ROOT, "TTFT p99 vs nginx **%.2f×**%s", ttft,
                        id.endsWith("b") ? " (target ≤ 2×: " + verdict(ttft <= 2) + ")" : ""));
                facts.add(String.format(Locale.ROOT, "added TTFT p99 vs nginx %+.3f ms, added gap p99 vs nginx %+.3f ms",
                        diff(gateway, nginx, "ttftMicros", "p99"), diff(gateway, nginx, "gapMicros", "p99")));
            }
            long heapBefore = heapUsedKb(gateway.path("idleExec").path("output").asString(""));
            long heapAfter = heapUsedKb(gateway.path("endExec").path("output").asString(""));
            if (heapBefore > 0 && heapAfter > 0) {
                JsonNode paired = gateway.path("paired");
                long ended = paired.isMissingNode() ? gateway.path("measure").path("started").asLong()
                        : paired.path("primaryStreams").asLong() + paired.path("alternateStreams").asLong();
                JsonNode doorTurns = results.get("door");
                boolean rounds = gateway.path("turns").isArray() && doorTurns != null;
                if (rounds) {
                    // In rounds the heap after the last turn holds both routes' finished answers.
                    ended += doorTurns.path("measure").path("started").asLong();
                }
                facts.add(String.format(Locale.ROOT, "live heap after a full GC %.1f MB before → %.1f MB after the "
                        + "run (%d streams ended%s; finished answers are kept for `gateway.stream.retention`)",
                        heapBefore / 1024.0, heapAfter / 1024.0, ended,
                        paired.isMissingNode() && !rounds ? "" : ", both routes"));
            }
            line("Gateway: " + String.join("; ", facts) + ".");
            line("");
        }
        JsonNode door = results.get("door");
        if (door != null && gateway != null) {
            line(doorFacts(door, gateway, nginx));
            line("");
        }
    }

    /**
     * The OpenAI-compatible front door next to the gateway's own route, in the same run: target within 5%.
     * When the client paired them (one process, streams alternating), the line says so, with each route's count.
     */
    static String doorFacts(JsonNode door, JsonNode gateway, JsonNode nginx) {
        JsonNode paired = door.path("paired");
        String how = "";
        if (!paired.isMissingNode()) {
            how = String.format(Locale.ROOT, ", **paired** (one gateway process, streams alternating between the two "
                    + "routes: %d `/api/llm`, %d door; ev/s per route is its tokens per second of its own streams' "
                    + "time; CPU, mock and upstream columns are the run's, both routes together)",
                    paired.path("primaryStreams").asLong(), paired.path("alternateStreams").asLong());
        }
        if (door.path("turns").isArray() && gateway.path("turns").isArray()) {
            how = String.format(Locale.ROOT, ", **in rounds** (one gateway process, the routes measured in turns: "
                    + "`/api/llm` %s, door %s)", turnFigures(gateway), turnFigures(door));
        }
        double rate = ratio(door.path("measure").path("tokenEventsPerSecond").asDouble(),
                gateway.path("measure").path("tokenEventsPerSecond").asDouble());
        String ttftAt = judgedPercentile(door, gateway, "ttftMicros");
        String gapAt = judgedPercentile(door, gateway, "gapMicros");
        double ttft = ratio(micros(door, "ttftMicros", ttftAt), micros(gateway, "ttftMicros", ttftAt));
        double gap = ratio(micros(door, "gapMicros", gapAt), micros(gateway, "gapMicros", gapAt));
        String unjudged = "";
        if (!ttftAt.equals("p99")) {
            unjudged = String.format(Locale.ROOT, "; TTFT p99 %.2f× not judged: with %d and %d streams it is the "
                    + "slowest one or two, whose ratio swings by tens of %% between runs of the same code",
                    ratio(micros(door, "ttftMicros", "p99"), micros(gateway, "ttftMicros", "p99")),
                    count(door, "ttftMicros"), count(gateway, "ttftMicros"));
        }
        String text = String.format(Locale.ROOT, "Door (`POST /v1/chat/completions`) vs the gateway's `/api/llm`%s: "
                + "ev/s **%.1f%%**, TTFT %s **%.2f×**, gap %s **%.2f×** (target within 5%%: %s%s)", how, rate * 100,
                ttftAt, ttft, gapAt, gap, verdict(rate >= 0.95 && ttft <= 1.05 && gap <= 1.05), unjudged);
        double doorCpu = cpuMicrosPerEvent(door);
        double gatewayCpu = cpuMicrosPerEvent(gateway);
        if (paired.isMissingNode() && doorCpu > 0 && gatewayCpu > 0) {
            text += String.format(Locale.ROOT, "; gateway CPU per token event %.1f µs against %.1f µs (%.2f×)",
                    doorCpu, gatewayCpu, doorCpu / gatewayCpu);
        }
        if (nginx != null) {
            text += String.format(Locale.ROOT, "; added TTFT p99 vs nginx %+.3f ms",
                    diff(door, nginx, "ttftMicros", "p99"));
        }
        return text + ".";
    }

    private void memorySection() throws Exception {
        Map<String, JsonNode> results = load("c");
        if (results.isEmpty()) {
            return;
        }
        line("## (c) " + meta.getOrDefault("streams.c", "9000") + " concurrent streams, 1 token/s for "
                + meta.getOrDefault("seconds.c", "60") + " s");
        line("");
        line("Memory per stream = (RSS at the plateau − RSS idle, after warm-up) / streams open at the plateau. "
                + "For the gateway also the live heap after a full GC (`jcmd GC.run` then `GC.heap_info`), idle and "
                + "at the plateau (that full GC pauses the gateway once, which shows in its gap max). For direct the "
                + "\"server\" is the mock upstream; for nginx its master and workers.");
        line("");
        line("| target | open at plateau | ok / err | RSS idle MB | RSS plateau MB | **KB / stream** | live heap idle → plateau MB "
                + "| heap KB / stream | CPU % used / waited | heartbeats | TTFT p99 | gap p99 | gap max |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, Double> perStream = new LinkedHashMap<>();
        for (String target : TARGETS) {
            JsonNode r = results.get(target);
            if (r == null) {
                continue;
            }
            JsonNode m = r.path("measure");
            JsonNode server = r.path("processes").path("server");
            long open = r.path("plateauActiveStreams").asLong();
            long idle = server.path("rssIdleKb").asLong();
            long plateau = server.path("rssPlateauKb").asLong();
            double kbPerStream = open > 0 ? (double) (plateau - idle) / open : Double.NaN;
            perStream.put(target, kbPerStream);
            String heap = "-";
            String heapPerStream = "-";
            long heapIdle = heapUsedKb(r.path("idleExec").path("output").asString(""));
            long heapPlateau = heapUsedKb(r.path("plateauExec").path("output").asString(""));
            if (heapIdle > 0 && heapPlateau > 0) {
                heap = num(heapIdle / 1024.0, 1) + " → " + num(heapPlateau / 1024.0, 1);
                heapPerStream = open > 0 ? num((double) (heapPlateau - heapIdle) / open, 1) : "-";
            }
            line("| " + target + " | " + open + " | " + m.path("completed").asLong() + " / " + errors(m)
                    + " | " + num(idle / 1024.0, 1) + " | " + num(plateau / 1024.0, 1) + " | **" + num(kbPerStream, 1)
                    + "** | " + heap + " | " + heapPerStream + " | " + cpuWait(r, "server") + " | "
                    + m.path("heartbeats").asLong() + " | " + ms(m.path("ttftMicros"), "p99") + " | "
                    + ms(m.path("gapMicros"), "p99") + " | " + ms(m.path("gapMicros"), "max") + starved(r) + " |");
        }
        line("");
        Double gateway = perStream.get("gateway");
        Double nginx = perStream.get("nginx");
        if (gateway != null) {
            JsonNode g = results.get("gateway");
            String facts = String.format(Locale.ROOT, "Gateway: %.1f KB per stream (target < 30 KB: %s)", gateway,
                    verdict(gateway < 30));
            if (nginx != null && nginx > 0) {
                facts += String.format(Locale.ROOT, ", %.2f× nginx's (target ≤ 2×: %s)", gateway / nginx,
                        verdict(gateway / nginx <= 2));
            }
            facts += "; errors " + errors(g.path("measure")) + " (target 0: "
                    + verdict(g.path("measure").path("errors").asLong() == 0) + ").";
            line(facts);
            line("");
        }
    }

    private void cancelSection() throws Exception {
        Map<String, String> phases = new LinkedHashMap<>();
        phases.put("d1", meta.getOrDefault("d1", "before the first token"));
        phases.put("d2", meta.getOrDefault("d2", "mid-stream"));
        phases.put("d3", meta.getOrDefault("d3", "between sparse tokens"));
        boolean any = false;
        for (String id : phases.keySet()) {
            any |= !load(id).isEmpty();
        }
        if (!any && meta.get("skip.d") == null) {
            return;
        }
        line("## (d) cancellation: clients drop, time until the upstream sees the close");
        line("");
        line("Each client closes its connection at the point given; the mock upstream records when it saw each "
                + "upstream request's connection close (same monotonic clock), matched by a request id carried in "
                + "the URL or the prompt. " + meta.getOrDefault("note.d", ""));
        line("");
        if (meta.get("skip.d") != null) {
            line(meta.get("skip.d"));
            line("");
        }
        line("| phase | target | dropped | upstream cancelled | close seen after p50 | p90 | p99 | max |");
        line("|---|---|---|---|---|---|---|---|");
        List<String> verdicts = new ArrayList<>();
        for (Map.Entry<String, String> phase : phases.entrySet()) {
            Map<String, JsonNode> results = load(phase.getKey());
            for (String target : TARGETS) {
                JsonNode r = results.get(target);
                if (r == null) {
                    if (target.equals("gateway") && meta.get("skip.d.gateway") != null && !results.isEmpty()) {
                        line("| " + phase.getValue() + " | gateway | " + meta.get("skip.d.gateway") + " | | | | | |");
                    }
                    continue;
                }
                JsonNode c = r.path("cancel");
                JsonNode delay = c.path("upstreamCloseDelayMicros");
                line("| " + phase.getValue() + " | " + target + " | " + c.path("dropped").asLong() + " | "
                        + num(c.path("cancelledPercent").asDouble(), 1) + "% | " + ms(delay, "p50") + " | "
                        + ms(delay, "p90") + " | " + ms(delay, "p99") + " | " + ms(delay, "max") + starved(r) + " |");
                if (target.equals("gateway")) {
                    double p99 = delay.path("p99").asLong(-1) / 1000.0;
                    double pct = c.path("cancelledPercent").asDouble();
                    verdicts.add(String.format(Locale.ROOT, "%s: p99 %s (target < 1000 ms: %s), %.1f%% cancelled "
                            + "(target 100%%: %s)", phase.getValue(), delay.has("p99") ? num(p99, 1) + " ms" : "n/a",
                            verdict(delay.has("p99") && p99 < 1000), pct, verdict(pct >= 100)));
                }
            }
        }
        line("");
        if (!verdicts.isEmpty()) {
            line("Gateway: " + String.join("; ", verdicts) + ".");
            line("");
        }
    }

    private Map<String, JsonNode> load(String scenario) throws Exception {
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (String target : TARGETS) {
            Path file = dir.resolve(scenario + "-" + target + ".json");
            if (Files.exists(file)) {
                results.put(target, JSON.readTree(Files.readString(file)));
                continue;
            }
            // Turns of a run in rounds: <scenario>-<target>.r<turn>.json, turns numbered across both targets.
            Pattern turnFile = Pattern.compile(Pattern.quote(scenario + "-" + target + ".r") + "(\\d+)\\.json");
            Map<Integer, Path> turnFiles = new TreeMap<>();
            try (var files = Files.list(dir)) {
                files.forEach(path -> {
                    Matcher matcher = turnFile.matcher(path.getFileName().toString());
                    if (matcher.matches()) {
                        turnFiles.put(Integer.parseInt(matcher.group(1)), path);
                    }
                });
            }
            List<JsonNode> turns = new ArrayList<>();
            for (Path turn : turnFiles.values()) {
                turns.add(JSON.readTree(Files.readString(turn)));
            }
            if (!turns.isEmpty()) {
                results.put(target, Turns.merge(turns));
            }
        }
        return results;
    }

    /**
     * A warning mark when the load client's own event loop ran late (p99 lag over {@value #STARVED_MICROS} µs):
     * then the client, not the target, set the pace, and that row's latencies are not the target's.
     */
    private String starved(JsonNode result) {
        long lag = result.path("clientLoopLagMicros").path("p99").asLong(0);
        if (lag <= STARVED_MICROS) {
            return "";
        }
        starvedRows++;
        return " ⚠";
    }

    private static final long STARVED_MICROS = 20_000;
    private int starvedRows;

    static long heapUsedKb(String jcmdOutput) {
        // G1: " garbage-first heap   total 1048576K, used 52133K [...]"
        Matcher matcher = HEAP_USED.matcher(jcmdOutput);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static String errors(JsonNode measure) {
        long count = measure.path("errors").asLong();
        if (count == 0) {
            return "0";
        }
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<String, JsonNode> kind : measure.path("errorKinds").properties()) {
            kinds.append(kinds.isEmpty() ? "" : ", ").append(kind.getKey()).append(": ").append(kind.getValue().asLong());
        }
        return count + " (" + kinds + ")";
    }

    private static String cpu(JsonNode result, String group) {
        JsonNode node = result.path("processes").path(group).path("cpuPercent");
        return node.isMissingNode() ? "-" : num(node.asDouble(), 0);
    }

    /** Each turn's events/s and CPU per event, e.g. "24,248 ev/s at 56.8 µs, 26,010 ev/s at 51.2 µs". */
    private static String turnFigures(JsonNode result) {
        List<String> figures = new ArrayList<>();
        for (JsonNode turn : result.path("turns")) {
            figures.add(String.format(Locale.ROOT, "%,.0f ev/s at %.1f µs", turn.path("tokenEventsPerSecond")
                    .asDouble(), turn.path("cpuMicrosPerEvent").asDouble()));
        }
        return String.join(", ", figures);
    }

    /**
     * The server's CPU time (user + system, all its threads) per token event the client received, over the same
     * phase (ramp, window and drain): what an event costs, whatever share of the machine the server got. "-" for a
     * paired run, whose CPU is both routes', and for results recorded before the CPU seconds were.
     */
    private static String cpuPerEvent(JsonNode result) {
        double micros = cpuMicrosPerEvent(result);
        return micros > 0 && result.path("paired").isMissingNode() ? num(micros, 1) : "-";
    }

    static double cpuMicrosPerEvent(JsonNode result) {
        double seconds = result.path("processes").path("server").path("cpuSeconds").asDouble(0);
        long tokens = result.path("measure").path("tokens").asLong(0);
        return seconds > 0 && tokens > 0 ? seconds * 1e6 / tokens : 0;
    }

    /** CPU used and time spent runnable but waiting for a CPU, both in % of one core, e.g. "76 / 40". */
    private static String cpuWait(JsonNode result, String group) {
        JsonNode node = result.path("processes").path(group);
        if (node.isMissingNode()) {
            return "-";
        }
        return num(node.path("cpuPercent").asDouble(), 0) + " / " + num(node.path("cpuWaitPercent").asDouble(), 0);
    }

    /**
     * The highest of p99, p90, p50 that both results can tell: at least {@value #BEYOND} samples beyond it in each.
     * A percentile with fewer beyond it is one or two outliers (p99 of 60 streams is the slowest stream), and a
     * 5% comparison of outliers is noise, not a measurement; older results without a count are judged at p99.
     */
    static String judgedPercentile(JsonNode a, JsonNode b, String histogram) {
        long samples = Math.min(count(a, histogram), count(b, histogram));
        if (samples * 0.01 >= BEYOND) {
            return "p99";
        }
        return samples * 0.10 >= BEYOND ? "p90" : "p50";
    }

    private static final int BEYOND = 5;

    private static long count(JsonNode result, String histogram) {
        return result.path("measure").path(histogram).path("count").asLong(Long.MAX_VALUE);
    }

    private static double micros(JsonNode result, String histogram, String percentile) {
        return result.path("measure").path(histogram).path(percentile).asDouble(Double.NaN);
    }

    private static double diff(JsonNode a, JsonNode b, String histogram, String percentile) {
        return (micros(a, histogram, percentile) - micros(b, histogram, percentile)) / 1000.0;
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static String ms(JsonNode summary, String percentile) {
        JsonNode value = summary.path(percentile);
        return value.isMissingNode() ? "-" : num(value.asLong() / 1000.0, value.asLong() >= 100_000 ? 0 : 2);
    }

    private static String num(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private void row(String name, String value) {
        line("| " + name + " | " + (value == null ? "-" : value.replace("|", "\\|")) + " |");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
