package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawHttpClient.Exchange;
import dev.llmsse.support.RawHttpClient.Request;
import dev.llmsse.support.SseConformance;
import dev.llmsse.support.SseParser;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 8: the raw bytes of real streams, read from a socket and parsed with a WHATWG-conformant parser,
 * frame by frame against the wire protocol, including answers whose tokens hold characters that would break
 * an SSE line or a careless encoder.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.providers.echo.token-delay=0ms",
        // A heartbeat well inside the pause before the first token, so that the streams checked here carry pings.
        "gateway.stream.heartbeat=50ms",
        "gateway.providers.echo.first-token-delay=300ms"})
class SseConformanceTest {

    /**
     * A prompt echoed back token by token: every SSE line terminator, a JavaScript line separator, NUL, an
     * emoji (a surrogate pair, four UTF-8 bytes), and text that would be fields if it reached the wire raw.
     */
    static final String HOSTILE = "line\nfeed\r\ncrlf\rcr \u2028ls \u0000nul \uD83D\uDE00 emoji\u200D\n\n"
            + "data: injected\nid: evil\nevent: evil\nretry: 1\n\n: comment\r\n\r\nend";

    private static final long RETRY_MILLIS = 3000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void oneStepStreamIsConformant() throws IOException {
        try (Exchange exchange = client(port).send(Request.get("/api/llm?prompt=" + encode(HOSTILE))
                .header("Accept", "text/event-stream"))) {
            assertStreamHeaders(exchange);
            SseConformance.Stream stream = readConformantStream(exchange);

            assertThat(stream.done()).as("ended with done: %s", stream.terminal()).isTrue();
            assertThat(stream.text()).isEqualTo("You said: " + HOSTILE);
            assertThat(stream.pings()).as("pings before the first token").isPositive();
        }
    }

    @Test
    void sessionStreamIsConformant() throws IOException {
        Map<String, Object> body = Map.of(
                "system", HOSTILE,
                "messages", List.of(
                        Map.of("role", "user", "content", "first " + HOSTILE),
                        Map.of("role", "assistant", "content", HOSTILE),
                        Map.of("role", "user", "content", HOSTILE)));
        JsonNode created = createSession(JSON.writeValueAsBytes(body));
        String id = created.get("id").stringValue();

        try (Exchange exchange = client(port).send(Request.get(created.get("streamUrl").stringValue())
                .header("Accept", "text/event-stream"))) {
            assertStreamHeaders(exchange);
            SseConformance.Stream stream = readConformantStream(exchange);

            assertThat(stream.generationId()).as("ids name the session").isEqualTo(id);
            assertThat(stream.done()).as("ended with done: %s", stream.terminal()).isTrue();
            assertThat(stream.text()).isEqualTo("You said: " + HOSTILE);
        }
    }

    @Test
    void rawFramesCarryOnlyTheFieldsTheGatewaySent() throws IOException {
        // Independent of the checker: no frame of a hostile answer has a field the protocol does not use, and
        // no injected value ever becomes a field value.
        try (Exchange exchange = client(port).send(Request.get("/api/llm?prompt=" + encode(HOSTILE)))) {
            List<SseParser.Frame> frames = SseParser.parse(exchange.readBody(TIMEOUT));

            assertThat(frames).flatMap(SseParser.Frame::fields).extracting(SseParser.Field::name)
                    .containsOnly("retry", "id", "data", "event");
            assertThat(frames).flatMap(SseParser.Frame::fields).extracting(SseParser.Field::value)
                    .doesNotContain("evil", "1", "injected")
                    .noneMatch(value -> value.startsWith("data:") || value.startsWith("id:"));
            assertThat(frames).filteredOn(frame -> frame.event() != null)
                    .allSatisfy(frame -> assertThat(frame.event()).isEqualTo("ping"));
        }
    }

    /** A stream that ends with an error frame instead of {@code done} is just as well-formed. */
    @Nested
    @TestPropertySource(properties = "gateway.stream.max-events=4")
    class WhenTheGatewayEndsTheAnswerWithAnError {

        // This class runs on its own server (other properties), so it needs that server's port.
        @LocalServerPort
        int port;

        @Test
        void errorTerminalFrameIsConformant() throws IOException {
            try (Exchange exchange = client(port).send(Request.get("/api/llm?prompt=" + encode(HOSTILE)))) {
                assertStreamHeaders(exchange);
                SseConformance.Stream stream = readConformantStream(exchange);

                assertThat(stream.done()).isFalse();
                assertThat(stream.terminal().get("error").get("code").stringValue()).isEqualTo("too_long");
                assertThat(stream.lastSeq()).isEqualTo(4);
                assertThat("You said: " + HOSTILE).startsWith(stream.text());
            }
        }
    }

    private static RawHttpClient client(int port) {
        return new RawHttpClient("127.0.0.1", port, TIMEOUT);
    }

    private JsonNode createSession(byte[] body) throws IOException {
        try (Exchange exchange = client(port).send(Request.post("/api/sessions", body)
                .header("Content-Type", "application/json"))) {
            byte[] answer = exchange.readBody(TIMEOUT);
            assertThat(exchange.status()).as(new String(answer, StandardCharsets.UTF_8)).isEqualTo(201);
            return JSON.readTree(answer);
        }
    }

    /** Reads the body chunk by chunk as it arrives, feeding the parser, then checks every frame. */
    private static SseConformance.Stream readConformantStream(Exchange exchange) throws IOException {
        SseParser parser = new SseParser();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            for (byte[] chunk = exchange.readChunk(TIMEOUT); chunk != null; chunk = exchange.readChunk(TIMEOUT)) {
                parser.feed(chunk);
                assertThat(System.nanoTime()).as("stream still open after %s", TIMEOUT).isLessThan(deadline);
            }
        } catch (SocketTimeoutException stalled) {
            throw new AssertionError("the stream stalled after " + parser.frames().size() + " frames, the last "
                    + parser.frames().subList(Math.max(0, parser.frames().size() - 3), parser.frames().size()),
                    stalled);
        }
        assertThat(parser.hasPendingInput()).as("bytes after the last frame").isFalse();
        return SseConformance.assertWellFormed(parser.frames(), RETRY_MILLIS, 1);
    }

    private static void assertStreamHeaders(Exchange exchange) {
        RawHttpClient.Headers headers = exchange.headers();
        assertThat(exchange.status()).as(exchange.statusLine()).isEqualTo(200);

        assertThat(headers.all("Content-Type")).as("Content-Type").hasSize(1);
        MediaType contentType = MediaType.parseMediaType(headers.first("Content-Type"));
        assertThat(contentType.getType() + "/" + contentType.getSubtype()).isEqualTo("text/event-stream");
        assertThat(contentType.getParameter("charset")).as("charset").isEqualToIgnoringCase("utf-8");

        assertThat(headers.all("Cache-Control")).as("Cache-Control").hasSize(1);
        assertThat(directives(headers.first("Cache-Control"))).containsExactlyInAnyOrder("no-cache", "no-transform");
        assertThat(headers.all("X-Accel-Buffering")).as("X-Accel-Buffering").singleElement()
                .satisfies(value -> assertThat(value).isEqualToIgnoringCase("no"));
        assertThat(headers.first("X-Request-Id")).as("X-Request-Id").isNotBlank();
        // A stream is never buffered to learn its length.
        assertThat(exchange.chunked()).as("chunked").isTrue();
        assertThat(headers.first("Content-Length")).as("Content-Length").isNull();
    }

    private static List<String> directives(String cacheControl) {
        return Arrays.stream(cacheControl.split(",")).map(String::strip).map(d -> d.toLowerCase(Locale.ROOT))
                .collect(Collectors.toList());
    }

    /** Percent-encodes every byte but the unreserved ones, so that the server decodes exactly the text. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
