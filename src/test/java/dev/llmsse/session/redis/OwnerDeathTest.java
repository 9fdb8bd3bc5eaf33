package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.llmsse.GatewayApplication;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.Replica;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The owner of a generation is a separate process killed with SIGKILL mid-stream; a subscriber on another
 * replica must get the {@code interrupted} terminal frame within the documented bound
 * (2 × {@code gateway.redis.lease} + {@code gateway.redis.poll-interval}), after the tokens it had.
 */
class OwnerDeathTest {

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(200);

    @Test
    void aSubscriberOnAnotherReplicaIsToldTheAnswerWasInterrupted() throws Exception {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        int ownerPort = freePort();
        Process owner = startOwnerProcess(prefix, ownerPort);
        try (Replica b = Replica.start(prefix, "gateway.redis.lease=1s", "gateway.redis.poll-interval=200ms")) {
            WebClient ownerClient = WebClient.create("http://127.0.0.1:" + ownerPort);
            await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().until(() -> ownerClient.get()
                    .uri("/actuator/health/readiness").retrieve().toBodilessEntity()
                    .block(Duration.ofSeconds(2)).getStatusCode().is2xxSuccessful());

            String id = MultiReplicaTest.createSession(new ProcessReplica(ownerPort), "echo/echo");
            String path = "/api/sessions/" + id + "/stream";
            RawSseConnection onOwner = RawSseConnection.get(ownerPort, path).readHeaders(Duration.ofSeconds(5));
            onOwner.readUntil(body -> SseFrames.tokens(body).size() >= 3);
            RawSseConnection onB = RawSseConnection.get(b.port(), path).readHeaders(Duration.ofSeconds(5));
            onB.readUntil(body -> SseFrames.tokens(body).size() >= 3);

            long killedAt = System.nanoTime();
            owner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            List<Frame> frames = SseFrames.parse(onB.readToEnd());
            Duration noticed = Duration.ofNanos(System.nanoTime() - killedAt);

            Frame last = frames.get(frames.size() - 1);
            assertThat(last.data()).contains("\"code\":\"interrupted\"", "\"retryable\":true");
            assertThat(noticed).isLessThanOrEqualTo(LEASE.multipliedBy(2).plus(POLL));
            List<Frame> tokens = frames.stream().filter(Frame::isToken).toList();
            assertThat(tokens).hasSizeGreaterThanOrEqualTo(3);
            assertThat(last.seq()).isEqualTo(tokens.get(tokens.size() - 1).seq() + 1);

            // Issue 18, point 10: the interrupted frame is terminal, so an EventSource reconnecting with its
            // id is told to stop (204), as for any terminal id, not refused with 400.
            try (RawSseConnection resumed = RawSseConnection.get(b.port(), path, "Last-Event-ID: " + last.id())
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(resumed.status()).isEqualTo(204);
            }
            // Or later, as for a terminal frame in the log.
            String past = last.id().substring(0, last.id().indexOf('.') + 1) + (last.seq() + 1);
            try (RawSseConnection beyond = RawSseConnection.get(b.port(), path, "Last-Event-ID: " + past)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(beyond.status()).isEqualTo(204);
            }
            // Before it, the tokens the log holds are still replayed.
            try (RawSseConnection replay = RawSseConnection.get(b.port(), path,
                    "Last-Event-ID: " + tokens.get(0).id()).readHeaders(Duration.ofSeconds(10))) {
                assertThat(replay.status()).isEqualTo(200);
            }
            onOwner.close();
        } finally {
            owner.destroyForcibly();
        }
    }

    /** The gateway as its own JVM, with the echo provider pacing a long answer. */
    private static Process startOwnerProcess(String prefix, int port) throws IOException {
        Path log = Files.createTempFile("owner", ".log");
        log.toFile().deleteOnExit();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(), "--server.port=" + port, "--gateway.store=redis",
                "--gateway.redis.key-prefix=" + prefix, "--gateway.redis.lease=" + LEASE.toMillis() + "ms",
                "--gateway.providers.echo.token-delay=100ms", "--gateway.providers.echo.tokens=10000")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Lets {@link MultiReplicaTest#createSession} talk to the owner process. */
    private record ProcessReplica(int port) implements MultiReplicaTest.Target {
        @Override
        public String url() {
            return "http://127.0.0.1:" + port;
        }
    }
}
