package dev.llmsse.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.support.GatewayProcess;
import dev.llmsse.support.RealRedis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of short streams against the built jar: every stream must end with exactly one terminal frame
 * within 20 s of its last expected token, carry exactly the echo of its prompt, and get no 5xx, and the
 * liveness guard must never fire. Pinned to one CPU with two busy loops beside it, 300 streams at a time: once
 * with the in-memory store; once with Redis and two replicas (both on that CPU), where every other stream is
 * cut after a few tokens and resumed on the other replica. The Redis case starts with a warm-up at a tenth of
 * the concurrency ({@link SoakClient.Settings#warmup}), judged like the rest. {@code bench/soak.sh} runs the
 * same client at a larger size.
 *
 * <p>Sizes: {@code -Dsoak.streams} (20,000), {@code -Dsoak.redis.streams} (6,000, of which
 * {@code -Dsoak.redis.warmup} (1,000) first).
 */
class StreamSoakIT {

    private static final int STREAMS = Integer.getInteger("soak.streams", 20_000);
    private static final int REDIS_STREAMS = Integer.getInteger("soak.redis.streams", 6_000);
    private static final int REDIS_WARMUP = Integer.getInteger("soak.redis.warmup", 1_000);
    private static final int CONCURRENCY = 300;
    private static final Duration TOKEN_DELAY = Duration.ofMillis(1);
    private static final List<String> PINNED = List.of("taskset", "-c", "0");
    private static final List<String> JVM = List.of("-Xmx512m", "-XX:ActiveProcessorCount=1");
    private static final Pattern STALLED = Pattern.compile("(?m)^llmsse_stream_stalled_total(?:\\{[^}]*})? (\\S+)$");

    private final List<Process> busyLoops = new ArrayList<>();
    private final List<GatewayProcess> gateways = new ArrayList<>();

    private void starveTheFirstCpu() throws IOException {
        for (int i = 0; i < 2; i++) {
            busyLoops.add(new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "while :; do :; done").start());
        }
    }

    @AfterEach
    void stopEverything() {
        busyLoops.forEach(Process::destroyForcibly);
        gateways.forEach(GatewayProcess::close);
    }

    @Test
    void everyStreamEndsWithItsWholeEchoInMemoryMode() throws Exception {
        starveTheFirstCpu();
        GatewayProcess gateway = start("gateway.store=memory");

        SoakClient.Report report = soak(STREAMS, 0, List.of(gateway.url()));

        assertThat(report.failures()).as(report::toString).isZero();
        assertThat(report.count(SoakClient.Verdict.OK)).isEqualTo(STREAMS);
        assertThat(stalled(gateway)).as("the liveness guard fired").isZero();
    }

    @Test
    void everyStreamEndsWithItsWholeEchoAcrossTwoReplicasInRedisMode() throws Exception {
        RealRedis.require();
        starveTheFirstCpu();
        String prefix = "llmsse-soak-" + UUID.randomUUID();
        GatewayProcess a = start("gateway.store=redis", "gateway.redis.key-prefix=" + prefix);
        GatewayProcess b = start("gateway.store=redis", "gateway.redis.key-prefix=" + prefix);

        SoakClient.Report report = soak(REDIS_STREAMS, REDIS_WARMUP, List.of(a.url(), b.url()));

        assertThat(report.failures()).as(report::toString).isZero();
        assertThat(report.count(SoakClient.Verdict.OK)).isEqualTo(REDIS_STREAMS);
        assertThat(stalled(a) + stalled(b)).as("the liveness guard fired").isZero();
    }

    private GatewayProcess start(String... store) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(store));
        arguments.add("gateway.providers.echo.token-delay=" + TOKEN_DELAY.toMillis() + "ms");
        arguments.add("gateway.auth.mode=none");
        arguments.add("server.address=127.0.0.1");
        GatewayProcess gateway = GatewayProcess.start(PINNED, JVM,
                arguments.toArray(String[]::new));
        gateways.add(gateway);
        return gateway;
    }

    private static SoakClient.Report soak(int streams, int warmup, List<String> replicas) {
        SoakClient.Report report = new SoakClient(new SoakClient.Settings(replicas, streams, CONCURRENCY,
                TOKEN_DELAY, Duration.ofSeconds(20), Duration.ofMinutes(4), warmup)).run();
        System.out.println(report);
        return report;
    }

    private static double stalled(GatewayProcess gateway) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(gateway.url() + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher matcher = STALLED.matcher(metrics.body());
        assertThat(matcher.find()).as("llmsse_stream_stalled_total is exported").isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
