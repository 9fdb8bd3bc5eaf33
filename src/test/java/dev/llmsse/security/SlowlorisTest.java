package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.Replica;

import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 3: half-sent requests and idle connections are timed out, and the process holds a bounded
 * number of connections with room left for health probes. Every client here is on loopback, bounded in
 * number, and stops by itself (its writer gives up once the server closed, or after a fixed time).
 */
class SlowlorisTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    // Far past every timeout above: before the fix the server kept these connections open all along.
    private static final Duration BOUND = Duration.ofSeconds(8);

    @Test
    void trickledHeadersAndBodiesAndIdleConnectionsAreClosed() throws Exception {
        try (Replica gateway = Replica.startInMemory("gateway.http.header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
                "gateway.http.body-timeout=" + BODY_TIMEOUT.toMillis() + "ms",
                "gateway.http.idle-timeout=" + IDLE_TIMEOUT.toMillis() + "ms");
                Slowloris headers = Slowloris.trickle(gateway.port(), 20,
                        "GET /api/models HTTP/1.1\r\nHost: x\r\nX-a: ", "b");
                Slowloris bodies = Slowloris.trickle(gateway.port(), 20, "POST /api/sessions HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"prompt\":\"", "x");
                Slowloris idle = Slowloris.idle(gateway.port(), 10)) {
            await().atMost(BOUND).until(headers::allClosed);
            await().atMost(BOUND).until(bodies::allClosed);
            await().atMost(BOUND).until(idle::allClosed);
            // The server is fine, and a request sent at a normal pace is not cut.
            try (RawSseConnection models = RawSseConnection.get(gateway.port(), "/api/models")
                    .readHeaders(Duration.ofSeconds(5))) {
                assertThat(models.status()).isEqualTo(200);
            }
        }
    }

    @Test
    void connectionsAreCappedWithRoomForHealthProbes() throws Exception {
        try (Replica gateway = Replica.startInMemory("gateway.http.max-connections=30",
                "gateway.http.health-connections=5", "gateway.http.header-timeout=60s",
                "gateway.http.idle-timeout=60s");
                Slowloris holders = Slowloris.idle(gateway.port(), 25)) {
            await().atMost(BOUND).untilAsserted(() -> assertThat(holders.openCount()).isEqualTo(25));
            // Every general connection is held: the API refuses, the health probe still answers.
            try (RawSseConnection api = RawSseConnection.get(gateway.port(), "/api/models")
                    .readHeaders(Duration.ofSeconds(5))) {
                assertThat(api.status()).isEqualTo(503);
            }
            try (RawHttpClient.Exchange health = new RawHttpClient(gateway.port())
                    .send(RawHttpClient.Request.get("/actuator/health/liveness"))) {
                assertThat(health.status()).isEqualTo(200);
            }
            // Past the cap (30), a connection is closed before anything is read: of 6 more, exactly one. (Which
            // one is not fixed: connections are counted on several event loops at once.) First the server must
            // have let go of the two connections above.
            io.micrometer.core.instrument.MeterRegistry meters = gateway.bean(io.micrometer.core.instrument.MeterRegistry.class);
            await().atMost(BOUND).until(() -> meters.get("llmsse.http.connections").gauge().value() == 25);
            try (Slowloris more = Slowloris.idle(gateway.port(), 6)) {
                await().atMost(BOUND).untilAsserted(() -> assertThat(more.openCount()).isEqualTo(5));
            }
            holders.close();
            await().atMost(BOUND).untilAsserted(() -> {
                try (RawSseConnection api = RawSseConnection.get(gateway.port(), "/api/models")
                        .readHeaders(Duration.ofSeconds(5))) {
                    assertThat(api.status()).isEqualTo(200);
                }
            });
        }
    }

    @Test
    void invalidSettingsStopTheStartup() {
        for (String[] invalid : new String[][] {{"gateway.http.header-timeout=0s"}, {"gateway.http.body-timeout=-1s"},
                {"gateway.http.max-connections=10", "gateway.http.health-connections=10"}}) {
            assertThatThrownBy(() -> Replica.startInMemory(invalid).close()).as(String.join(" ", invalid))
                    .hasStackTraceContaining("gateway.http");
        }
    }

    /** A bounded set of loopback connections that send a head and then one byte every 200 ms, or nothing. */
    private static final class Slowloris implements AutoCloseable {

        private final List<Socket> sockets = new ArrayList<>();
        private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "slowloris");
            thread.setDaemon(true);
            return thread;
        });

        static Slowloris trickle(int port, int count, String head, String drip) throws IOException {
            Slowloris clients = new Slowloris(port, count);
            for (Socket socket : clients.sockets) {
                clients.writers.submit(() -> {
                    long stopAt = System.nanoTime() + BOUND.plusSeconds(2).toNanos();
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write(head.getBytes(StandardCharsets.US_ASCII));
                        while (System.nanoTime() < stopAt) {
                            out.write(drip.getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            // The pace is the attack: a real socket against the server's real timeouts,
                            // which virtual time cannot drive.
                            Thread.sleep(200);
                        }
                    } catch (IOException | InterruptedException closed) {
                        // the server closed it (the point), or the test is over
                    }
                    return null;
                });
            }
            return clients;
        }

        static Slowloris idle(int port, int count) throws IOException {
            return new Slowloris(port, count);
        }

        private Slowloris(int port, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(1);
                sockets.add(socket);
            }
        }

        /** Whether the server has closed every connection (a read sees the end, or a reset). */
        boolean allClosed() {
            return openCount() == 0;
        }

        int openCount() {
            int open = 0;
            for (Socket socket : sockets) {
                if (!closedByServer(socket)) {
                    open++;
                }
            }
            return open;
        }

        private static boolean closedByServer(Socket socket) {
            try {
                InputStream in = socket.getInputStream();
                while (true) {
                    if (in.read() < 0) {
                        return true;
                    }
                    // A 408 or 503 answer before the close: read on.
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            writers.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
            try {
                writers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
