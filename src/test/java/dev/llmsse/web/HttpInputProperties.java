package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.Replica;
import dev.llmsse.support.SseConformance;
import dev.llmsse.support.SseParser;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import tools.jackson.databind.json.JsonMapper;

/**
 * Generated bodies, headers, ids and prompts thrown at a running gateway over raw sockets: never a 5xx,
 * never a malformed SSE frame, never a hang (every read has a timeout, and a stream must reach its
 * terminal frame).
 */
class HttpInputProperties {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long RETRY_MILLIS = 3000;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static Replica gateway;

    @BeforeContainer
    static void start() {
        gateway = Replica.startInMemory("gateway.providers.echo.token-delay=0ms", "gateway.limits.max-body-bytes=8192",
                "gateway.limits.max-prompt-chars=2000", "gateway.stream.heartbeat=1s");
    }

    @AfterContainer
    static void stop() {
        gateway.close();
    }

    @Property(tries = 60)
    void sessionBodiesNeverCauseA5xx(@ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType)
            throws Exception {
        // Refused before the body is read: over the size limit (413), or not JSON (400). The server answers
        // and closes with the body unread, so a client still writing may see a reset instead of the answer.
        // That is a refusal, not a fault.
        boolean refusedUnread = body.length > 8192 || !contentType.startsWith("application/json");
        RawSseConnection sent;
        try {
            sent = post("/api/sessions", contentType, body);
        } catch (SocketException reset) {
            assertThat(refusedUnread).as("a reset only for a request refused unread").isTrue();
            return;
        }
        try (RawSseConnection response = sent) {
            assertThat(response.status()).isBetween(200, 499);
            if (refusedUnread) {
                assertThat(response.status()).isIn(400, 413);
                return;
            }
            String answer = response.readToEnd();
            if (response.status() == 201) {
                String streamUrl = JSON.readTree(answer).get("streamUrl").asString();
                assertWellFormedStream(RawSseConnection.get(gateway.port(), streamUrl).readHeaders(TIMEOUT));
            } else {
                assertThat(response.header("content-type")).startsWith("application/problem+json");
                assertThat(JSON.readTree(answer).get("code").asString()).isNotBlank();
            }
        }
    }

    @Property(tries = 60)
    void promptsAndLastEventIdsAlwaysGiveWellFormedStreams(@ForAll("prompts") String prompt,
            @ForAll("headerValues") String lastEventId) throws Exception {
        String path = "/api/llm?prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8);
        try (RawSseConnection response = RawSseConnection.get(gateway.port(), path, "Last-Event-ID: " + lastEventId)
                .readHeaders(TIMEOUT)) {
            assertThat(response.status()).isBetween(200, 499);
            if (response.status() == 200) {
                assertWellFormedStream(response);
            }
        }
    }

    @Property(tries = 60)
    void arbitraryHeadersNeverCauseA5xx(@ForAll("headerNames") String name, @ForAll("headerValues") String value)
            throws Exception {
        try (RawSseConnection response = RawSseConnection.get(gateway.port(), "/api/models", name + ": " + value)
                .readHeaders(TIMEOUT)) {
            assertThat(response.status()).isBetween(200, 499);
        }
    }

    @Property(tries = 60)
    void arbitrarySessionIdsAndPositionsAreClean4xx(@ForAll("ids") String id, @ForAll("headerValues") String lastEventId)
            throws Exception {
        String path = "/api/sessions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/stream";
        try (RawSseConnection response = RawSseConnection.get(gateway.port(), path, "Last-Event-ID: " + lastEventId)
                .readHeaders(TIMEOUT)) {
            assertThat(response.status()).isBetween(400, 499);
        }
        try (RawSseConnection stop = post("/api/sessions/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/stop",
                "application/json", new byte[0])) {
            assertThat(stop.status()).isBetween(400, 499);
        }
    }

    /** Every frame is whole and well formed, and one terminal frame ends the stream ({@link SseConformance}). */
    private static void assertWellFormedStream(RawSseConnection stream) throws IOException {
        try (stream) {
            assertThat(stream.status()).isEqualTo(200);
            String body = stream.readToEnd();
            assertThat(body).doesNotContain("\r");
            SseParser parser = new SseParser();
            parser.feed(body.getBytes(StandardCharsets.UTF_8));
            assertThat(parser.hasPendingInput()).as("bytes after the last frame").isFalse();
            // A resumed stream starts after the position it resumes from.
            long firstSeq = parser.frames().stream().filter(frame -> frame.id() != null).findFirst()
                    .map(frame -> Long.parseLong(frame.id().substring(frame.id().lastIndexOf('.') + 1))).orElse(1L);
            SseConformance.assertWellFormed(parser.frames(), RETRY_MILLIS, firstSeq);
        }
    }

    private static RawSseConnection post(String path, String contentType, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        return RawSseConnection.send(gateway.port(), request.toByteArray()).readHeaders(TIMEOUT);
    }

    @Provide
    Arbitrary<String> prompts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(0).ofMaxLength(120),
                Arbitraries.strings().withChars("\r\n\u0000\u2028\u2029\"\\{}:<>&% \t").ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.just("x".repeat(2001)));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> jsonish = Combinators.combine(prompts(),
                Arbitraries.of("", "echo/echo", "nope/x", "echo/", "/", "a/b/c", "x".repeat(300)),
                Arbitraries.integers().between(-5, 40000).injectNull(0.3),
                Arbitraries.doubles().between(-1, 3).injectNull(0.3))
                .as((prompt, model, maxTokens, temperature) -> "{\"prompt\":" + JSON.writeValueAsString(prompt)
                        + ",\"model\":" + JSON.writeValueAsString(model)
                        + (maxTokens == null ? "" : ",\"maxTokens\":" + maxTokens)
                        + (temperature == null ? "" : ",\"temperature\":" + temperature) + "}");
        Arbitrary<String> messages = Arbitraries.of("user", "assistant", "system", "tool", "").list().ofMaxSize(5)
                .map(roles -> "{\"messages\":[" + String.join(",", roles.stream()
                        .map(role -> "{\"role\":\"" + role + "\",\"content\":\"hi\"}").toList()) + "]}");
        return Arbitraries.oneOf(
                jsonish.map(text -> text.getBytes(StandardCharsets.UTF_8)),
                messages.map(text -> text.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.of("{", "[]", "null", "\"x\"", "{\"prompt\":null}", "{\"prompt\":1e999}",
                        "{\"prompt\":\"a\",\"prompt\":\"b\"}", "{\"messages\":{}}", "{\"maxTokens\":\"x\",\"prompt\":\"a\"}",
                        "{\"prompt\":\"" + "z".repeat(9000) + "\"}").map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json; charset=utf-8", "text/plain", "",
                "application/x-www-form-urlencoded", "application/json; charset=latin1", "*/*", "multipart/form-data");
    }

    /** Header values a client can put on the wire: visible ASCII and Latin-1 (no CR/LF, which would end the header). */
    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80),
                Arbitraries.strings().withCharRange('\u00a0', '\u00ff').ofMaxLength(20),
                Arbitraries.strings().withChars("AZaz09_-.").ofLength(22).map(id -> id + "." + id.length()),
                Arbitraries.just("x".repeat(3000)));
    }

    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.oneOf(
                Arbitraries.of("Authorization", "X-API-Key", "X-Forwarded-For", "Accept", "Last-Event-ID",
                        "X-Request-Id", "Content-Length", "Origin", "Cookie"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("AZaz09_-").ofLength(22),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(60),
                Arbitraries.of("..", ".", "%00", "AAAAAAAAAAAAAAAAAAAAAA", List.of("a", "b").toString()));
    }
}
