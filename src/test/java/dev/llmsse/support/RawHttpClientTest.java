package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.RawHttpClient.Exchange;
import dev.llmsse.support.RawHttpClient.Request;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The raw client against a scripted one-connection server: request bytes, chunked decoding, timeouts. */
class RawHttpClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ServerSocket server;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        server.close();
    }

    @Test
    void writesTheRequestAsGiven() throws Exception {
        CompletableFuture<String> received = serve(List.of("HTTP/1.1 204 No Content\r\n\r\n"));

        Request request = Request.post("/api/x?q=%20", "{}".getBytes(StandardCharsets.UTF_8))
                .header("Content-Type", "application/json").header("Last-Event-ID", "a.1");
        try (Exchange exchange = client().send(request)) {
            assertThat(exchange.status()).isEqualTo(204);
            assertThat(exchange.readChunk(TIMEOUT)).isNull();
        }

        assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("POST /api/x?q=%20 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.getLocalPort() + "\r\n"
                + "Content-Type: application/json\r\nLast-Event-ID: a.1\r\n"
                + "Connection: close\r\nContent-Length: 2\r\n\r\n{}");
    }

    @Test
    void refusesLineBreaksThatWouldSplitTheHead() {
        assertThatThrownBy(() -> Request.get("/").header("Last-Event-ID", "a\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesAChunkedBodyChunkByChunk() throws Exception {
        serve(List.of("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                        + "X-Twice: 1\r\nx-twice: 2\r\n\r\n",
                "6\r\ndata: \r\n",
                "9;ext=1\r\n",
                "a\n\n\u00e9\u00e9\u00e9\r\n",
                "0\r\nTrailer: x\r\n\r\n"));

        try (Exchange exchange = client().send(Request.get("/"))) {
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.chunked()).isTrue();
            assertThat(exchange.headers().first("content-type")).isEqualTo("text/event-stream");
            assertThat(exchange.headers().all("X-TWICE")).containsExactly("1", "2");
            assertThat(new String(exchange.readChunk(TIMEOUT), StandardCharsets.UTF_8)).isEqualTo("data: ");
            // The chunk size counts bytes: three two-byte characters and "a\n\n".
            assertThat(new String(exchange.readChunk(TIMEOUT), StandardCharsets.UTF_8)).isEqualTo("a\n\n\u00e9\u00e9\u00e9");
            assertThat(exchange.readChunk(TIMEOUT)).isNull();
            assertThat(exchange.ended()).isTrue();
        }
    }

    @Test
    void readsAContentLengthBody() throws Exception {
        serve(List.of("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nhel", "lo"));

        try (Exchange exchange = client().send(Request.get("/"))) {
            assertThat(exchange.status()).isEqualTo(400);
            assertThat(exchange.readBody(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
            assertThat(exchange.ended()).isTrue();
        }
    }

    @Test
    void aBodyThatDoesNotEndInTimeFailsInsteadOfHanging() throws Exception {
        serve(List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "3\r\nabc\r\n"));

        try (Exchange exchange = client().send(Request.get("/"))) {
            assertThatThrownBy(() -> exchange.readBody(Duration.ofMillis(300)))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    private RawHttpClient client() {
        return new RawHttpClient("127.0.0.1", server.getLocalPort(), TIMEOUT);
    }

    /**
     * Accepts one connection, reads the request head (and a Content-Length body), then writes the parts one
     * write at a time and keeps the connection open until the test ends; returns the request as received.
     */
    private CompletableFuture<String> serve(List<String> parts) {
        CompletableFuture<String> received = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                received.complete(readRequest(socket.getInputStream()));
                OutputStream out = socket.getOutputStream();
                for (String part : parts) {
                    out.write(part.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                release.await(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException failure) {
                received.completeExceptionally(failure);
            }
        });
        return received;
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the request head");
            }
            request.write(b);
        }
        String head = request.toString(StandardCharsets.ISO_8859_1);
        int at = head.indexOf("Content-Length: ");
        if (at >= 0) {
            int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
            request.writeBytes(in.readNBytes(length));
        }
        return request.toString(StandardCharsets.UTF_8);
    }
}
