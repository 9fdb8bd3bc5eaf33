package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed and oversized input over raw sockets: every case a clean 4xx (problem JSON where the request
 * reached the application), never a 5xx, never a hang.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.limits.connections-per-ip=4",
        "gateway.limits.trusted-proxies=127.0.0.1,::1",
        "gateway.limits.max-body-bytes=4096",
        "gateway.limits.max-messages=3",
        "gateway.limits.max-tokens=1000",
        "gateway.stream.detach-grace=0s"})
@Import(ProbeProvider.Config.class)
class HostileInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void aBodyThatIsNotJsonIs400ProblemJson() throws Exception {
        assertProblem(post("text/plain", "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), 400,
                "unsupported_media_type");
        assertProblem(post(null, "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), 400,
                "unsupported_media_type");
        assertProblem(post("application/json", "{\"prompt\":".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertProblem(post("application/json", "[1,2,".getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        assertProblem(post("application/json", "{\"prompt\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8)), 400,
                "bad_request");
        byte[] invalidUtf8 = concat("{\"prompt\":\"".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3,
                (byte) 0x28, (byte) 0xFF, (byte) 0xFE}, "\"}".getBytes(StandardCharsets.US_ASCII));
        assertProblem(post("application/json", invalidUtf8), 400, "bad_request");
    }

    /**
     * Issue 18, point 7: request bodies are parsed strictly. Duplicate keys, a scalar of the wrong type
     * (no coercion of "5" to 5, 1.5 to 1, 5 to "5"), overlong or surrogate UTF-8 byte sequences and lone
     * surrogates written as escapes are 400 {@code bad_request}; a proper surrogate pair is not.
     */
    @Test
    void requestBodiesAreParsedStrictly() throws Exception {
        String[] lenient = {
            "{\"prompt\":\"a\",\"prompt\":\"b\"}",
            "{\"prompt\":\"a\",\"model\":\"echo/echo\",\"model\":\"probe/0-0-1\"}",
            "{\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"a\"}]}",
            "{\"prompt\":\"a\",\"maxTokens\":\"5\"}",
            "{\"prompt\":\"a\",\"maxTokens\":1.5}",
            "{\"prompt\":\"a\",\"maxTokens\":true}",
            "{\"prompt\":\"a\",\"temperature\":\"0.5\"}",
            "{\"prompt\":5}",
            "{\"prompt\":true}",
            "{\"messages\":[{\"role\":\"user\",\"content\":5}]}",
            "{\"prompt\":\"\\ud800\"}",
            "{\"prompt\":\"a\\udc00b\"}",
            "{\"prompt\":\"hi\",\"system\":\"\\ud83d\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\\ude00\"}]}"};
        for (String body : lenient) {
            assertProblem(post("application/json", body.getBytes(StandardCharsets.UTF_8)), 400, "bad_request");
        }
        byte[] open = "{\"prompt\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] close = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[][] malformed = {
            {(byte) 0xC0, (byte) 0xAF},                          // overlong "/"
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},             // overlong "/", three bytes
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, // overlong "/", four bytes
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},             // a surrogate encoded as UTF-8 (CESU-8)
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0x80},                                       // a lone continuation byte
            {(byte) 0xE2, (byte) 0x82}};                         // truncated sequence
        for (byte[] bad : malformed) {
            assertProblem(post("application/json", concat(open, bad, close)), 400, "bad_request");
        }
        // What strictness must not refuse: a real surrogate pair, escaped or not, and an integral temperature.
        for (String fine : new String[] {"{\"prompt\":\"\\ud83d\\ude00\",\"model\":\"probe/0-0-1\"}",
                "{\"prompt\":\"\ud83d\ude00\",\"temperature\":1,\"model\":\"probe/0-0-1\"}"}) {
            try (RawSseConnection created = post("application/json", fine.getBytes(StandardCharsets.UTF_8))) {
                assertThat(created.status()).as(fine).isEqualTo(201);
            }
        }
    }

    @Test
    void oversizedInputIs413AndOutOfRangeIs400() throws Exception {
        String big = "{\"prompt\":\"" + "x".repeat(5000) + "\"}";
        assertProblem(post("application/json", big.getBytes(StandardCharsets.UTF_8)), 413, "too_large");
        String many = "{\"messages\":[" + String.join(",", List.of("{\"role\":\"user\",\"content\":\"a\"}",
                "{\"role\":\"user\",\"content\":\"b\"}", "{\"role\":\"user\",\"content\":\"c\"}",
                "{\"role\":\"user\",\"content\":\"d\"}")) + "]}";
        assertProblem(post("application/json", many.getBytes(StandardCharsets.UTF_8)), 413, "too_large");
        assertProblem(post("application/json", "{\"prompt\":\"hi\",\"maxTokens\":1001}".getBytes(StandardCharsets.UTF_8)),
                400, "bad_request");
    }

    @Test
    void hugeOrMalformedLastEventIdsAreCleanlyRefused() throws Exception {
        String created = JSON.readTree(post("application/json", "{\"prompt\":\"hi\",\"model\":\"probe/0-0-3\"}"
                .getBytes(StandardCharsets.UTF_8)).readToEnd()).get("streamUrl").asString();
        for (String bad : new String[] {"x".repeat(2000), "../../etc/passwd", "abc.def", "\u00e9\u00e9", "-1",
                "AAAAAAAAAAAAAAAAAAAAAA.99999999999999999"}) {
            try (RawSseConnection stream = RawSseConnection.get(port, created, "Last-Event-ID: " + bad)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(stream.status()).as(bad).isEqualTo(400);
            }
        }
        // The one-step stream starts afresh on any id it cannot resume.
        try (RawSseConnection stream = RawSseConnection.get(port, "/api/llm?prompt=hi&model=probe/0-0-2",
                "Last-Event-ID: " + "y".repeat(2000)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(stream.status()).isEqualTo(200);
        }
    }

    @Test
    void headerFloodsAndVeryLongUrlsGetCleanHttpErrors() throws Exception {
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            flood.add("X-Flood-" + i + ": " + "v".repeat(100));
        }
        try (RawSseConnection response = RawSseConnection.get(port, "/api/models", flood.toArray(String[]::new))
                .readHeaders(Duration.ofSeconds(10))) {
            assertThat(response.status()).isEqualTo(431);
        }
        try (RawSseConnection response = RawSseConnection.get(port, "/api/llm?prompt=hi",
                "Last-Event-ID: " + "z".repeat(20_000)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(response.status()).isEqualTo(431);
        }
        try (RawSseConnection response = RawSseConnection.get(port, "/api/llm?prompt=" + "a".repeat(20_000))
                .readHeaders(Duration.ofSeconds(10))) {
            assertThat(response.status()).isEqualTo(414);
        }
        // The server is fine afterwards.
        try (RawSseConnection response = RawSseConnection.get(port, "/api/models").readHeaders(Duration.ofSeconds(10))) {
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void connectionsPerClientAddressAreCapped() throws Exception {
        // Its own client address (through the trusted loopback proxy), so that no other test's requests count.
        String client = "X-Forwarded-For: 198.51.100.44";
        List<RawSseConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(RawSseConnection.get(port, "/api/llm?prompt=" + i + "&model=probe/0-100-600", client)
                        .readHeaders(Duration.ofSeconds(10)));
                assertThat(open.get(i).status()).isEqualTo(200);
            }
            try (RawSseConnection fifth = RawSseConnection.get(port, "/api/models", client)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(fifth.status()).isEqualTo(429);
                assertThat(fifth.header("retry-after")).isEqualTo("1");
                assertThat(fifth.header("content-type")).startsWith("application/problem+json");
            }
            // Another client is not affected.
            try (RawSseConnection other = RawSseConnection.get(port, "/api/models", "X-Forwarded-For: 198.51.100.45")
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(other.status()).isEqualTo(200);
            }
        } finally {
            for (RawSseConnection connection : open) {
                connection.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (RawSseConnection again = RawSseConnection.get(port, "/api/models", client)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(again.status()).isEqualTo(200);
            }
        });
    }

    private RawSseConnection post(String contentType, byte[] body) throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(body);
        return RawSseConnection.send(port, request.toByteArray()).readHeaders(Duration.ofSeconds(10));
    }

    private static void assertProblem(RawSseConnection response, int status, String code) throws Exception {
        try (response) {
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("content-type")).startsWith("application/problem+json");
            assertThat(JSON.readTree(response.readToEnd()).get("code").asString()).isEqualTo(code);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
