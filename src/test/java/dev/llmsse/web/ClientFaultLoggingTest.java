package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.llmsse.support.RawSseConnection;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 18, point 8: faults of the client (a body cut short, a malformed chunked body, a request line or
 * header block that Netty refuses) are no errors of the gateway: no ERROR or WARN line, no stack trace, and
 * {@code http.server.requests} counts them as 4xx where it sees them at all, never as 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "gateway.http.body-timeout=500ms")
@ExtendWith(OutputCaptureExtension.class)
class ClientFaultLoggingTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void clientFaultsAreNeitherErrorsNorWarningsNor500s(CapturedOutput output) throws Exception {
        int before = output.getAll().length();
        for (int i = 0; i < 5; i++) {
            // A body cut short: Content-Length promises 200 bytes, 20 arrive, then the client is gone.
            rawThenClose("POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"prompt\":\"cut shor");
            // A malformed chunked body.
            rawThenClose("POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"prompt\":\"x\"}\r\n0\r\n\r\n");
            // A request line and a header block that Netty refuses itself (414, 431).
            try (RawSseConnection response = RawSseConnection.get(port, "/api/llm?secret-path-" + i + "="
                    + "a".repeat(5000)).readHeaders(Duration.ofSeconds(10))) {
                assertThat(response.status()).isEqualTo(414);
            }
            try (RawSseConnection response = RawSseConnection.get(port, "/api/models?secret-path-" + i,
                    "X-Big: " + "b".repeat(20_000)).readHeaders(Duration.ofSeconds(10))) {
                assertThat(response.status()).isEqualTo(431);
            }
        }
        // A body that stops coming: closed after gateway.http.body-timeout, which is the client's fault too.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"prompt\":").getBytes(StandardCharsets.UTF_8));
            while (socket.getInputStream().read() >= 0) {
                // until the server closes it
            }
        }
        // The server is fine afterwards, and has handled what it was sent (the cut bodies end as 4xx or
        // as cancelled exchanges, whose metrics are recorded when the server notices).
        try (RawSseConnection response = RawSseConnection.get(port, "/api/models").readHeaders(Duration.ofSeconds(10))) {
            assertThat(response.status()).isEqualTo(200);
        }
        // 400 for the cut and malformed bodies, 408 for the one that timed out: all client errors, once each.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.find("http.server.requests")
                .tag("uri", "/api/sessions").tag("outcome", "CLIENT_ERROR").timers().stream()
                .mapToLong(timer -> timer.count()).sum()).isEqualTo(11L));
        String logged = output.getAll().substring(before);
        assertThat(logged).doesNotContain(" ERROR ", " WARN ", "\tat ", "secret-path");
        assertThat(meters.find("http.server.requests").tag("status", "500").timers()).isEmpty();
    }

    private void rawThenClose(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            // Whatever the server answers (or nothing): read until it closes.
            while (socket.getInputStream().read() >= 0) {
                // drain
            }
        }
    }
}
