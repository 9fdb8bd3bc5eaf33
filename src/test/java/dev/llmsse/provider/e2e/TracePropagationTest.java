package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Every provider call carries the client request's trace (W3C {@code traceparent}: the client's trace id if
 * it sent one, a new trace otherwise) and its {@code X-Request-Id}, the same one the client got back; the
 * gateway's log lines about the call carry both. Checked on the wire at a loopback upstream that records
 * the headers of each request it gets, for the one-step stream, the session flow, the JSON answer and
 * retries, and in the captured log output.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracePropagationTest extends GatewayAgainstFakeUpstreams {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HELLO = FailureModesEndToEndTest.chunk("Hello")
            + FailureModesEndToEndTest.finish("stop") + "data: [DONE]\n\n";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    /** What the client got and what the upstream saw. */
    private record Exchange(HttpHeaders response, String body) {
    }

    @Test
    void aOneStepStreamCarriesTheClientsTraceAndRequestIdUpstream() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "X-Request-Id", "abc-123"));

        assertThat(exchange.body()).contains("Hello").contains("\"done\":true");
        assertThat(exchange.response().getFirst("X-Request-Id")).isEqualTo("abc-123");
        FakeUpstream.Recorded call = onlyCall();
        assertChildOf(call, TRACE_ID, CLIENT_SPAN);
        assertThat(call.headers()).containsEntry("X-Request-Id", "abc-123");
    }

    @Test
    void theJsonAnswerCarriesThemToo() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.APPLICATION_JSON,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "X-Request-Id", "json-7"));

        assertThat(exchange.body()).contains("Hello");
        FakeUpstream.Recorded call = onlyCall();
        assertChildOf(call, TRACE_ID, CLIENT_SPAN);
        assertThat(call.headers()).containsEntry("X-Request-Id", "json-7");
    }

    /** A session's generation runs in the trace of the stream request that starts it, not of the POST. */
    @Test
    void aSessionRunsInTheTraceOfTheStreamRequestThatStartsIt() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));
        String postTrace = "0af7651916cd43dd8448eb211c80319c";
        String streamTrace = "5a3c0b8e2f7d4e6a9b1c2d3e4f506172";

        HttpHeaders created = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .header("traceparent", traceparent(postTrace, "b7ad6b7169203331"))
                .header("X-Request-Id", "post-1")
                .bodyValue("{\"prompt\":\"hi\",\"model\":\"openai/gpt-test\"}")
                .exchangeToMono(response -> response.toBodilessEntity().map(entity -> entity.getHeaders()))
                .block(Duration.ofSeconds(10));
        assertThat(created.getFirst("X-Request-Id")).isEqualTo("post-1");
        assertThat(UPSTREAM.requests()).as("nothing reaches the provider before the first attach").isEmpty();

        Exchange stream = get(created.getLocation().getPath(), MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(streamTrace, CLIENT_SPAN), "X-Request-Id", "stream-2"));

        assertThat(stream.body()).contains("Hello");
        assertThat(stream.response().getFirst("X-Request-Id")).isEqualTo("stream-2");
        FakeUpstream.Recorded call = onlyCall();
        assertChildOf(call, streamTrace, CLIENT_SPAN);
        assertThat(call.headers()).containsEntry("X-Request-Id", "stream-2");
    }

    @Test
    void withoutATraceparentTheProviderCallStartsANewTraceAndGetsTheGeneratedRequestId() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM, Map.of());

        String generated = exchange.response().getFirst("X-Request-Id");
        assertThat(generated).matches("[0-9a-f-]{36}");
        FakeUpstream.Recorded call = onlyCall();
        assertThat(call.headers().get("traceparent")).matches(TRACEPARENT);
        assertThat(call.headers()).containsEntry("X-Request-Id", generated);
    }

    /** Two requests without a traceparent are two traces. */
    @Test
    void eachRequestWithoutATraceparentIsATraceOfItsOwn() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM, Map.of());
        get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM, Map.of());

        List<String> traces = UPSTREAM.requests().stream().map(call -> traceId(call.headers().get("traceparent")))
                .toList();
        assertThat(traces).hasSize(2).doesNotHaveDuplicates();
    }

    /** An unsampled client trace stays unsampled upstream; the trace id is propagated all the same. */
    @Test
    void theClientsSamplingDecisionIsKept() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-00"));

        String traceparent = onlyCall().headers().get("traceparent");
        assertThat(traceId(traceparent)).isEqualTo(TRACE_ID);
        assertThat(traceparent).endsWith("-00");
    }

    /**
     * Nothing else of the client's request is forwarded: not its credentials, cookies or W3C baggage
     * (which a tracer with baggage enabled would pass on).
     */
    @Test
    void nothingElseOfTheClientsRequestIsForwarded() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "tracestate", "vendor=t0ps3cret",
                        "baggage", "user=alice,secret=s3", "Cookie", "session=c00kie",
                        "X-Forwarded-For", "203.0.113.9", "X-Client-Header", "x"));

        Map<String, String> forwarded = onlyCall().headers();
        assertThat(forwarded).doesNotContainKeys("tracestate", "baggage", "Cookie", "X-Forwarded-For",
                "X-Client-Header");
        assertThat(forwarded.toString()).doesNotContain("alice").doesNotContain("s3").doesNotContain("c00kie")
                .doesNotContain("t0ps3cret");
        assertThat(forwarded.get("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
    }

    /** Every attempt (retries before the first token) carries the same trace and request id. */
    @Test
    void retriesCarryTheSameTraceAndRequestIdAndTheWarningsNameThem(CapturedOutput output) {
        UPSTREAM.answer(request -> FakeUpstream.Reply.status(500, "{\"error\":\"boom\"}", Map.of()));

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "X-Request-Id", "retry-42"));

        assertThat(exchange.body()).contains("upstream_unavailable");
        List<FakeUpstream.Recorded> calls = UPSTREAM.requests();
        assertThat(calls).as("max-retries 2: three attempts").hasSize(3);
        for (FakeUpstream.Recorded call : calls) {
            assertChildOf(call, TRACE_ID, CLIENT_SPAN);
            assertThat(call.headers()).containsEntry("X-Request-Id", "retry-42");
        }
        List<String> warnings = linesWith(output, "provider openai answered HTTP 500", "retry-42");
        assertThat(warnings).hasSize(3).allSatisfy(line -> assertThat(line).contains("WARN").contains(TRACE_ID));
        assertThat(linesWith(output, "retrying openai/gpt-test", "retry-42")).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains(TRACE_ID));
    }

    /** An alias's fallback target gets them too: the same trace and id on every provider. */
    @Test
    void theFallbackOfAnAliasCarriesTheSameTraceAndRequestId() {
        UPSTREAM.answer(byPath(Map.of(
                CHAT, request -> FakeUpstream.Reply.status(503, "{}", Map.of()),
                "/v1/messages", request -> FakeUpstream.Reply.sse(FailureModesEndToEndTest.anthropicText("Fallback")))));

        Exchange exchange = get("/api/llm?prompt=hi&model=smart", MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "X-Request-Id", "fallback-3"));

        assertThat(exchange.body()).contains("Fallback");
        List<FakeUpstream.Recorded> calls = UPSTREAM.requests();
        assertThat(calls).extracting(FakeUpstream.Recorded::uri)
                .containsExactly(CHAT, CHAT, CHAT, "/v1/messages");
        for (FakeUpstream.Recorded call : calls) {
            assertChildOf(call, TRACE_ID, CLIENT_SPAN);
            assertThat(call.headers()).containsEntry("X-Request-Id", "fallback-3");
        }
    }

    /** The WARN of a failed session generation names the stream request that started it. */
    @Test
    void aSessionsProviderFailureIsLoggedWithTheStartingRequest(CapturedOutput output) {
        UPSTREAM.answer(request -> FakeUpstream.Reply.status(401, "{}", Map.of()));
        String created = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\":\"hi\",\"model\":\"openai/gpt-test\"}")
                .retrieve().toBodilessEntity().map(entity -> entity.getHeaders().getLocation().getPath())
                .block(Duration.ofSeconds(10));

        Exchange stream = get(created, MediaType.TEXT_EVENT_STREAM,
                Map.of("traceparent", traceparent(TRACE_ID, CLIENT_SPAN), "X-Request-Id", "session-log-9"));

        assertThat(stream.body()).contains("\"code\":\"auth\"");
        assertThat(linesWith(output, "provider openai answered HTTP 401", "session-log-9")).hasSize(1)
                .allSatisfy(line -> assertThat(line).contains(TRACE_ID));
    }

    /** Spring's own lines about the exchange are prefixed with the request id instead of a connection id. */
    @Test
    void springsLogLinesAboutTheExchangeNameTheRequestId(CapturedOutput output) {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        String adapter = "org.springframework.web.server.adapter.HttpWebHandlerAdapter";
        logging.setLogLevel(adapter, LogLevel.DEBUG);
        try {
            get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                    Map.of("X-Request-Id", "prefix-5"));

            // Logged once the server's side of the exchange completes, which may be just after the client's.
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(output.getAll().lines()
                    .filter(line -> line.contains("[prefix-5] Completed 200 OK"))).hasSize(1));
        } finally {
            logging.setLogLevel(adapter, null);
        }
    }

    /**
     * An id the gateway would not put in a header or a log line as it is (too long, or with characters
     * outside {@code [A-Za-z0-9._:-]}) is replaced by a generated one, which the provider gets too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"has space", "quote\"brace{}", "semi;colon", "tab\there", "percent%0d%0aX-Evil:1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaX"})
    void aHostileRequestIdIsReplaced(String hostile) {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("X-Request-Id", hostile));

        String replaced = exchange.response().getFirst("X-Request-Id");
        assertThat(replaced).isNotEqualTo(hostile).matches("[0-9a-f-]{36}");
        assertThat(onlyCall().headers()).containsEntry("X-Request-Id", replaced);
    }

    /** A 128-character id of accepted characters is kept. */
    @Test
    void aLongPlainRequestIdIsKept() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(HELLO));
        String id = "0123456789abcdef".repeat(8);

        Exchange exchange = get("/api/llm?prompt=hi&model=openai/gpt-test", MediaType.TEXT_EVENT_STREAM,
                Map.of("X-Request-Id", id));

        assertThat(exchange.response().getFirst("X-Request-Id")).isEqualTo(id);
        assertThat(onlyCall().headers()).containsEntry("X-Request-Id", id);
    }

    private Exchange get(String path, MediaType accept, Map<String, String> headers) {
        return WebClient.create("http://127.0.0.1:" + port).get().uri(path)
                .accept(accept)
                .headers(all -> headers.forEach(all::set))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> new Exchange(response.headers().asHttpHeaders(), body)))
                .block(Duration.ofSeconds(20));
    }

    private static FakeUpstream.Recorded onlyCall() {
        List<FakeUpstream.Recorded> calls = UPSTREAM.requests();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).uri()).isEqualTo(CHAT);
        return calls.get(0);
    }

    /** The call is in trace {@code traceId}, under a span of the gateway's own, not the client's span. */
    private static void assertChildOf(FakeUpstream.Recorded call, String traceId, String clientSpan) {
        String traceparent = call.headers().get("traceparent");
        assertThat(traceparent).matches(TRACEPARENT);
        Matcher parts = TRACEPARENT.matcher(traceparent);
        assertThat(parts.matches()).isTrue();
        assertThat(parts.group(1)).as("trace id").isEqualTo(traceId);
        assertThat(parts.group(2)).as("parent span id").isNotEqualTo(clientSpan);
        assertThat(traceparent).as("sampled, as the client's trace is").endsWith("-01");
    }

    private static String traceparent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String traceId(String traceparent) {
        Matcher parts = TRACEPARENT.matcher(traceparent);
        assertThat(parts.matches()).as(traceparent).isTrue();
        return parts.group(1);
    }

    private static List<String> linesWith(CapturedOutput output, String text, String requestId) {
        return output.getAll().lines().filter(line -> line.contains(text) && line.contains(requestId)).toList();
    }
}
