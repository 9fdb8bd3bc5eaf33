package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import dev.llmsse.support.GatewayProcess;
import dev.llmsse.support.NginxProcess;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The shipped artifacts together, without Docker: real nginx running {@code docker/nginx.conf}, gateway
 * processes from the built jar, and the real Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxIT {

    private static final String PROMPT = "one two three four five six seven eight nine ten eleven twelve";
    private static final String ANSWER = "You said: " + PROMPT;

    private static GatewayProcess a;
    private static GatewayProcess b;
    private static NginxProcess nginx;

    @BeforeAll
    static void start() throws IOException {
        NginxProcess.require();
        RealRedis.require();
        String prefix = "llmsse-it-" + UUID.randomUUID();
        String[] replica = {"gateway.store=redis", "gateway.redis.key-prefix=" + prefix, "gateway.redis.lease=1s",
                "gateway.redis.poll-interval=200ms", "gateway.stream.heartbeat=1s",
                "gateway.providers.echo.token-delay=100ms"};
        List<GatewayProcess> replicas = GatewayProcess.startAll(List.of(replica, replica));
        a = replicas.get(0);
        b = replicas.get(1);
        nginx = NginxProcess.start(a.port(), b.port(), Map.of());
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable closeable : new AutoCloseable[] {nginx, a, b}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    @Order(1)
    void tokensArriveOneByOneNotBatched() throws Exception {
        try (RawSseConnection client = RawSseConnection.get(nginx.port(), path(PROMPT))
                .readHeaders(Duration.ofSeconds(5))) {
            List<Integer> newTokensPerRead = new ArrayList<>();
            int seen = 0;
            while (!client.ended()) {
                int before = seen;
                client.readUntil(body -> SseFrames.tokens(body).size() > before
                        || body.contains("\"done\":true"));
                seen = SseFrames.tokens(client.body()).size();
                newTokensPerRead.add(seen - before);
                if (client.body().contains("\"done\":true")) {
                    break;
                }
            }
            assertThat(SseFrames.text(SseFrames.tokens(client.body()))).isEqualTo(ANSWER);
            assertThat(newTokensPerRead).as("each token reaches the client before the next one is produced")
                    .allMatch(count -> count <= 1);
        }
    }

    @Test
    @Order(2)
    void heartbeatsKeepAQuietStreamAliveThroughAShortReadTimeoutAndWithoutThemItIsCut() throws Exception {
        Map<String, String> shortTimeout = Map.of("proxy_read_timeout 120s;", "proxy_read_timeout 3s;");
        String[] slowStart = {"gateway.providers.echo.first-token-delay=10s", "gateway.providers.echo.token-delay=0ms"};
        List<GatewayProcess> gateways = GatewayProcess.startAll(
                List.of(with(slowStart, "gateway.stream.heartbeat=1s"), with(slowStart, "gateway.stream.heartbeat=1h")));
        try (GatewayProcess pinging = gateways.get(0);
                GatewayProcess silent = gateways.get(1);
                NginxProcess toPinging = NginxProcess.start(pinging.port(), pinging.port(), shortTimeout);
                NginxProcess toSilent = NginxProcess.start(silent.port(), silent.port(), shortTimeout);
                RawSseConnection kept = RawSseConnection.get(toPinging.port(), path("hi"))
                        .readHeaders(Duration.ofSeconds(5));
                RawSseConnection cut = RawSseConnection.get(toSilent.port(), path("hi"))
                        .readHeaders(Duration.ofSeconds(5))) {
            List<Frame> frames = SseFrames.parse(kept.readToEnd());
            assertThat(kept.cut()).isFalse();
            assertThat(frames.get(frames.size() - 1).data()).startsWith("{\"done\":true");
            assertThat(frames).filteredOn(frame -> "ping".equals(frame.event())).hasSizeGreaterThanOrEqualTo(8);

            String body = cut.readToEnd();
            assertThat(cut.cut()).as("nginx cut the silent stream").isTrue();
            assertThat(body).doesNotContain("\"done\"");
        }
    }

    @Test
    @Order(3)
    void aClientThatLeavesAQuietStreamGetsItsProviderCancelledWithinOneSecond() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("gateway.stream.detach-grace=0s",
                "gateway.stream.heartbeat=30s", "gateway.providers.echo.first-token-delay=60s");
                NginxProcess proxy = NginxProcess.start(gateway.port(), gateway.port(), Map.of())) {
            RawSseConnection client = RawSseConnection.get(proxy.port(), path("hi")).readHeaders(Duration.ofSeconds(5));
            client.readUntil(body -> body.startsWith("retry:"));
            double before = disconnects(gateway);

            long closedAt = System.nanoTime();
            client.close();
            await().atMost(1, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS)
                    .until(() -> disconnects(gateway) > before);
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    @Order(4)
    void aCutClientResumesThroughNginxOnEitherReplicaWithNothingLostOrRepeated() throws Exception {
        double hitsOnABefore = resumeHits(a);
        double hitsOnBBefore = resumeHits(b);
        // Round robin alternates per nginx worker, so one answer and one resume per round could send every
        // resume to the same replica: odd rounds put one more request between them to shift the turn. Rounds go
        // on (at least 6, at most 16) until each replica has served a resume.
        for (int round = 0; round < 16; round++) {
            if (round >= 6 && resumeHits(a) > hitsOnABefore && resumeHits(b) > hitsOnBBefore) {
                break;
            }
            String path = path(PROMPT + " round " + round);
            List<Frame> first;
            try (RawSseConnection client = RawSseConnection.get(nginx.port(), path).readHeaders(Duration.ofSeconds(5))) {
                first = SseFrames.tokens(client.readUntil(body -> SseFrames.tokens(body).size() >= 5)).subList(0, 5);
            }
            if (round % 2 == 1) {
                WebClient.create("http://127.0.0.1:" + nginx.port()).get().uri("/actuator/health").retrieve()
                        .toBodilessEntity().block(Duration.ofSeconds(5));
            }
            List<Frame> all = new ArrayList<>(first);
            all.addAll(resume(path, first.get(4).id()));
            assertThat(all.stream().map(Frame::seq).toList())
                    .isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
            assertThat(SseFrames.text(all)).isEqualTo(ANSWER + " round " + round);
        }
        assertThat(resumeHits(a) - hitsOnABefore).as("resumes served by A").isPositive();
        assertThat(resumeHits(b) - hitsOnBBefore).as("resumes served by B").isPositive();
    }

    @Test
    @Order(5)
    void sigtermOnAReplicaDuring20StreamsLosesNoAnswer() throws Exception {
        List<CompletableFuture<List<Frame>>> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String path = path(PROMPT + " client " + i);
            clients.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return resume(path, null);
                } catch (IOException failed) {
                    throw new IllegalStateException(failed);
                }
            }));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> active(a) > 0 && active(b) > 0);

        a.terminate();

        for (int i = 0; i < clients.size(); i++) {
            List<Frame> frames = clients.get(i).get(60, TimeUnit.SECONDS);
            assertThat(SseFrames.text(frames)).as("client %d", i).isEqualTo(ANSWER + " client " + i);
            assertThat(frames.get(frames.size() - 1).data()).as("client %d ends with done", i)
                    .startsWith("{\"done\":true");
            assertThat(frames.stream().map(Frame::seq).toList()).as("client %d: nothing twice", i)
                    .isEqualTo(LongStream.rangeClosed(1, frames.size()).boxed().toList());
        }
        assertThat(a.waitForExit(40)).as("A drained and exited").isTrue();
    }

    /**
     * A draining replica answers {@code POST /api/sessions} 503 before storing anything; nginx passes that
     * POST to the other replica (issue 17: it did not, since nginx retries no POST once sent unless the
     * config says {@code non_idempotent}). The draining replica is a stub that answers every request 503,
     * as a draining gateway does, and counts them; the other is replica B. Nginx tries the stub first (the
     * first server of a fresh round robin) and marks it failed after that one 503 ({@code max_fails=1}).
     */
    @Test
    @Order(6)
    void aSessionPostThatADrainingReplicaRefusesIsRetriedOnTheOther() throws Exception {
        java.util.concurrent.atomic.AtomicInteger refusedPosts = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer draining = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        draining.createContext("/", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                refusedPosts.incrementAndGet();
            }
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"status\":503,\"code\":\"shutting_down\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        draining.start();
        try (NginxProcess proxy = NginxProcess.start(draining.getAddress().getPort(), b.port(), Map.of())) {
            WebClient client = WebClient.create("http://127.0.0.1:" + proxy.port());
            for (int i = 0; i < 4; i++) {
                int status = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"prompt\":\"hi\"}")
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                        .block(Duration.ofSeconds(10));
                assertThat(status).as("POST %d through nginx", i).isEqualTo(201);
            }
        } finally {
            draining.stop(0);
        }
        assertThat(refusedPosts).as("POSTs the draining replica refused, then retried on B").hasPositiveValue();
    }

    /**
     * What a browser's EventSource does: follow the stream, and when it ends without a terminal frame,
     * reconnect to the same URL with Last-Event-ID, until a terminal frame or a 204.
     */
    private List<Frame> resume(String path, String lastEventId) throws IOException {
        List<Frame> frames = new ArrayList<>();
        String last = lastEventId;
        for (int attempt = 0; attempt < 10; attempt++) {
            String[] headers = last == null ? new String[0] : new String[] {"Last-Event-ID: " + last};
            try (RawSseConnection client = RawSseConnection.get(nginx.port(), path, headers)
                    .readHeaders(Duration.ofSeconds(10))) {
                if (client.status() == 204) {
                    return frames;
                }
                assertThat(client.status()).isEqualTo(200);
                List<Frame> logged = SseFrames.parse(client.readToEnd()).stream()
                        .filter(frame -> frame.id() != null).toList();
                frames.addAll(logged);
                if (!logged.isEmpty()) {
                    last = logged.get(logged.size() - 1).id();
                }
                if (!frames.isEmpty() && !frames.get(frames.size() - 1).isToken()
                        && frames.get(frames.size() - 1).event() == null) {
                    return frames;
                }
            }
        }
        throw new IllegalStateException("no terminal frame after 10 connections: " + frames);
    }

    private static String path(String prompt) {
        return "/api/llm?prompt=" + prompt.replace(" ", "%20");
    }

    private static String[] with(String[] base, String extra) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 1);
        all[base.length] = extra;
        return all;
    }

    private static double disconnects(GatewayProcess gateway) {
        return metric(gateway, "llmsse_streams_completed_total", "outcome=\"client_disconnect\"");
    }

    private static double resumeHits(GatewayProcess gateway) {
        return metric(gateway, "llmsse_resumes_total", "result=\"hit\"");
    }

    private static double active(GatewayProcess gateway) {
        return metric(gateway, "llmsse_streams_active", "");
    }

    private static double metric(GatewayProcess gateway, String name, String label) {
        String scrape = org.springframework.web.reactive.function.client.WebClient.create(gateway.url()).get()
                .uri("/actuator/prometheus").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
        Matcher sample = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        while (sample.find()) {
            if (sample.group(1) == null || sample.group(1).contains(label)) {
                total += Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}
