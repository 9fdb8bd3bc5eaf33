package dev.llmsse.soak;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.support.SseParser;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Runs many short echo streams against one or two gateways and judges every one of them by what a browser
 * needs: exactly one terminal frame, last, within {@link Settings#slack} of the last expected token, and the
 * answer's text exactly the echo of its prompt. A stream that neither ends nor fails by then is
 * <em>stalled</em>: the fault this client exists to find.
 *
 * <p>With two gateways (a shared store), every other stream is cut after a few tokens on the replica that
 * runs it and resumed with {@code Last-Event-ID} on the other one, which follows the shared log.
 *
 * <p>Used by {@code SoakIT} in CI and by {@code bench/soak.sh} at a larger size ({@link #main}).
 */
public final class SoakClient {

    private static final String ECHO_PREFIX = "You said: ";

    /**
     * @param replicas    gateway base URLs; with two, half the streams resume on the second one
     * @param streams     how many streams in all
     * @param concurrency how many at a time
     * @param tokenDelay  the gateway's echo token delay, for each stream's deadline
     * @param slack       how long after its last expected token a stream may take to end
     * @param limit       how long the whole run may take
     * @param warmup      how many of the streams go first, a tenth as many at a time: a cold JVM pinned to a
     *                    third of a CPU and hit by full concurrency in its first second is slow enough, while
     *                    its JIT compiles, to time out its Redis commands (2 s); judged like every other stream
     */
    public record Settings(List<String> replicas, int streams, int concurrency, Duration tokenDelay,
            Duration slack, Duration limit, int warmup) {
    }

    /** What became of every stream. */
    public enum Verdict {
        OK, STALLED, NO_TERMINAL, EXTRA_AFTER_TERMINAL, WRONG_TEXT, ERROR_FRAME, SERVER_ERROR, REFUSED,
        CLIENT_ERROR, TRANSPORT_ERROR
    }

    /** The counts per verdict, and a few examples of each failure. */
    public record Report(Map<Verdict, Long> counts, List<String> examples, Duration took) {

        public long count(Verdict verdict) {
            return counts.getOrDefault(verdict, 0L);
        }

        public long failures() {
            return counts.entrySet().stream().filter(entry -> entry.getKey() != Verdict.OK)
                    .mapToLong(Map.Entry::getValue).sum();
        }

        @Override
        public String toString() {
            return "soak: " + counts + " in " + took.toSeconds() + " s" + (examples.isEmpty() ? ""
                    : "\nexamples:\n  " + String.join("\n  ", examples));
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final LoopResources loops;
    private final Map<Verdict, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();

    public SoakClient(Settings settings) {
        this.settings = settings;
        this.loops = LoopResources.create("soak-client", 1, true);
        // One connection per stream, as browsers hold them: no pool to queue in.
        this.http = HttpClient.create(ConnectionProvider.newConnection()).runOn(loops)
                .responseTimeout(Duration.ofMinutes(5));
    }

    public Report run() {
        long started = System.nanoTime();
        try {
            int warmup = Math.min(settings.warmup(), settings.streams());
            Flux.range(0, warmup)
                    .flatMap(this::oneStream, Math.max(1, settings.concurrency() / 10))
                    .concatWith(Flux.range(warmup, settings.streams() - warmup)
                            .flatMap(this::oneStream, settings.concurrency()))
                    .doOnNext(verdict -> counts.computeIfAbsent(verdict, key -> new AtomicLong()).incrementAndGet())
                    .blockLast(settings.limit());
        } finally {
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
        Map<Verdict, Long> snapshot = new java.util.EnumMap<>(Verdict.class);
        counts.forEach((verdict, count) -> snapshot.put(verdict, count.get()));
        return new Report(snapshot, List.copyOf(examples), Duration.ofNanos(System.nanoTime() - started));
    }

    /** A prompt of 10 to 25 distinct words: the echo answers with 23 to 53 tokens. */
    static String prompt(int index) {
        int words = 10 + Math.floorMod(index * 7919, 16);
        StringBuilder prompt = new StringBuilder("soak").append(index);
        for (int word = 1; word < words; word++) {
            prompt.append(' ').append(Integer.toString(index * 31 + word * 17, 36));
        }
        return prompt.toString();
    }

    private Mono<Verdict> oneStream(int index) {
        String prompt = prompt(index);
        Expected expected = new Expected(ECHO_PREFIX + prompt);
        boolean resumeElsewhere = settings.replicas().size() > 1 && index % 2 == 1;
        String owner = settings.replicas().get(index % settings.replicas().size());
        String follower = settings.replicas().get((index + 1) % settings.replicas().size());
        Duration deadline = settings.tokenDelay().multipliedBy(expected.tokens()).plus(settings.slack());
        Reading reading = new Reading(index);
        String path = "/api/llm?prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8);
        Mono<Void> attempt = resumeElsewhere
                ? read(owner + path, null, reading, 1 + index % 5)
                        .then(Mono.defer(() -> reading.ended() ? Mono.<Void>empty()
                                : read(follower + path, reading.lastEventId(), reading, Integer.MAX_VALUE)))
                : read(owner + path, null, reading, Integer.MAX_VALUE);
        return attempt.then(Mono.fromSupplier(() -> reading.verdict(expected)))
                .timeout(deadline, Mono.fromSupplier(() -> reading.fail(Verdict.STALLED)))
                .onErrorResume(error -> Mono.just(reading.fail(Verdict.TRANSPORT_ERROR, error.toString())))
                .doOnNext(verdict -> {
                    if (verdict != Verdict.OK && examples.size() < 20) {
                        examples.add(verdict + " " + reading.describe());
                    }
                });
    }

    /** Reads one response into {@code reading}; with {@code tokensBeforeCut}, hangs up after that many tokens. */
    private Mono<Void> read(String url, String lastEventId, Reading reading, int tokensBeforeCut) {
        return http.headers(headers -> {
            headers.set(HttpHeaderNames.ACCEPT, "text/event-stream");
            if (lastEventId != null) {
                headers.set("Last-Event-ID", lastEventId);
            }
        }).get().uri(url).response((response, body) -> {
            if (!reading.status(response)) {
                return body.then(Mono.empty());
            }
            return body.asByteArray().takeWhile(bytes -> reading.feed(bytes, tokensBeforeCut)).then(Mono.empty());
        }).then();
    }

    /** The answer a correct stream carries. */
    private record Expected(String text) {

        int tokens() {
            return text.split("(?<=\\S)(?=\\s)|(?<=\\s)(?=\\S)").length;
        }
    }

    /** One stream's frames as they came, over one or two connections. */
    private static final class Reading {

        private final int index;
        private final SseParser parser = new SseParser();
        private final StringBuilder text = new StringBuilder();
        private final List<String> terminals = new ArrayList<>();
        private int tokensThisConnection;
        private boolean afterTerminal;
        private int status;
        private String lastEventId;
        private Verdict failure;
        private String detail;

        Reading(int index) {
            this.index = index;
        }

        synchronized boolean status(HttpClientResponse response) {
            status = response.status().code();
            tokensThisConnection = 0;
            if (response.status().equals(HttpResponseStatus.OK)) {
                return true;
            }
            if (status == 503 && response.responseHeaders().contains("Retry-After")) {
                failure = Verdict.REFUSED;
            } else {
                failure = status >= 500 ? Verdict.SERVER_ERROR : Verdict.CLIENT_ERROR;
            }
            return false;
        }

        /** Takes the next bytes; false once this connection should be hung up. */
        synchronized boolean feed(byte[] bytes, int tokensBeforeCut) {
            for (SseParser.Frame frame : parser.feed(bytes)) {
                if (frame.id() != null) {
                    lastEventId = frame.id();
                }
                if (!frame.firesEvent() || "ping".equals(frame.event())) {
                    continue;
                }
                if (afterTerminal) {
                    failure = Verdict.EXTRA_AFTER_TERMINAL;
                }
                String data = frame.data();
                if (data.startsWith("{\"token\":")) {
                    text.append(tokenOf(data));
                    tokensThisConnection++;
                } else if (data.startsWith("{\"done\":true") || data.startsWith("{\"error\":")) {
                    terminals.add(data);
                    afterTerminal = true;
                }
            }
            return tokensThisConnection < tokensBeforeCut;
        }

        synchronized boolean ended() {
            return afterTerminal || failure != null;
        }

        synchronized String lastEventId() {
            return lastEventId;
        }

        synchronized Verdict verdict(Expected expected) {
            if (failure != null) {
                return failure;
            }
            if (terminals.isEmpty()) {
                return fail(Verdict.NO_TERMINAL);
            }
            if (terminals.size() > 1) {
                return fail(Verdict.EXTRA_AFTER_TERMINAL);
            }
            if (!terminals.get(0).contains("\"done\":true")) {
                return fail(Verdict.ERROR_FRAME, terminals.get(0));
            }
            return expected.text().contentEquals(text) ? Verdict.OK : fail(Verdict.WRONG_TEXT);
        }

        synchronized Verdict fail(Verdict verdict) {
            failure = failure == null ? verdict : failure;
            return failure;
        }

        synchronized Verdict fail(Verdict verdict, String why) {
            detail = why;
            return fail(verdict);
        }

        synchronized String describe() {
            return "stream " + index + ": status " + status + ", last id " + lastEventId + ", " + text.length()
                    + " chars, terminals " + terminals + (detail == null ? "" : ", " + detail);
        }

        private static String tokenOf(String data) {
            // {"token":"…"}: the gateway's JSON, unescaped for the few escapes an echo of words can hold.
            String quoted = data.substring("{\"token\":\"".length(), data.length() - 2);
            return quoted.replace("\\\"", "\"").replace("\\\\", "\\");
        }
    }

    /**
     * {@code bench/soak.sh}: {@code SoakClient streams concurrency tokenDelayMs url [url2]}, with
     * {@code -Dsoak.warmup=N} ({@link Settings#warmup}, 0 unless given); exit 1 on any failure.
     */
    public static void main(String[] args) {
        List<String> replicas = List.of(args).subList(3, args.length);
        Report report = new SoakClient(new Settings(replicas, Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                Duration.ofMillis(Long.parseLong(args[2])), Duration.ofSeconds(20), Duration.ofHours(2),
                Integer.getInteger("soak.warmup", 0))).run();
        System.out.println(report);
        System.exit(report.failures() == 0 ? 0 : 1);
    }
}
