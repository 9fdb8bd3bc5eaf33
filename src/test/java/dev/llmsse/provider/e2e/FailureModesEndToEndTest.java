package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.provider.testing.Chunkings;
import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * Acceptance 3: retry-then-fallback, the first-token deadline, the idle timeout, truncation and in-band
 * errors, each through {@code /api/llm} against the loopback upstream, asserting what the client sees and
 * how many upstream requests were made (retries: 2, so a failing model gets 3 requests).
 */
class FailureModesEndToEndTest extends GatewayAgainstFakeUpstreams {

    private static final String CHAT = "/v1/chat/completions";
    private static final String MESSAGES = "/v1/messages";
    private static final String HELLO = chunk("Hello") + chunk(" there") + finish("stop") + "data: [DONE]\n\n";

    @Test
    void failuresBeforeTheFirstTokenAreRetriedThenTheAliasFallsBack() {
        UPSTREAM.answer(byPath(Map.of(
                CHAT, request -> FakeUpstream.Reply.status(503, "{\"error\":\"overloaded\"}", Map.of()),
                MESSAGES, request -> FakeUpstream.Reply.sse(anthropicText("Fallback answer")))));

        List<Frame> frames = stream("smart");

        assertThat(text(frames)).isEqualTo("Fallback answer");
        assertThat(last(frames).json().path("done").asBoolean()).isTrue();
        assertThat(frames.stream().filter(Frame::terminal)).hasSize(1);
        assertThat(requestsTo(CHAT)).isEqualTo(3);
        assertThat(requestsTo(MESSAGES)).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanAllowedIsNotWaitedFor() {
        UPSTREAM.answer(byPath(Map.of(CHAT,
                request -> FakeUpstream.Reply.status(429, "{}", Map.of("Retry-After", "3600")))));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(frames).hasSize(1);
        assertError(last(frames), "rate_limited", true);
        assertThat(requestsTo(CHAT)).isEqualTo(1);
    }

    @Test
    void aShortRetryAfterIsHonouredAndRetried() {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.answer(byPath(Map.of(CHAT, request -> calls.incrementAndGet() == 1
                ? FakeUpstream.Reply.status(429, "{}", Map.of("Retry-After", "0"))
                : FakeUpstream.Reply.sse(HELLO))));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(text(frames)).isEqualTo("Hello there");
        assertThat(requestsTo(CHAT)).isEqualTo(2);
    }

    @Test
    void aSilentUpstreamHitsTheFirstTokenDeadlineAndIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        UPSTREAM.answer(byPath(Map.of(CHAT, request -> calls.incrementAndGet() == 1
                ? FakeUpstream.Reply.stream("text/event-stream", List.of()).heldOpen()
                : FakeUpstream.Reply.sse(HELLO))));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(text(frames)).isEqualTo("Hello there");
        assertThat(last(frames).json().path("finishReason").asString()).isEqualTo("stop");
        assertThat(requestsTo(CHAT)).isEqualTo(2);
        await().atMost(1, TimeUnit.SECONDS).until(() -> UPSTREAM.requests().get(0).closed().isDone());
    }

    @Test
    void anUpstreamSilentAfterTheFirstTokenEndsWithAnIdleTimeoutAndIsCancelled() {
        UPSTREAM.answer(byPath(Map.of(CHAT, request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Chunkings.utf8(chunk("Hel")))).heldOpen())));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(text(frames)).isEqualTo("Hel");
        assertError(last(frames), "idle_timeout", true);
        assertThat(requestsTo(CHAT)).isEqualTo(1);
        await().atMost(1, TimeUnit.SECONDS).until(() -> UPSTREAM.requests().get(0).closed().isDone());
    }

    @Test
    void aBodyEndingWithoutItsTerminatorAfterTokensIsATruncationNotADone() {
        UPSTREAM.answer(byPath(Map.of(CHAT,
                request -> FakeUpstream.Reply.sse(chunk("Cut") + chunk(" short") + finish("stop")))));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(text(frames)).isEqualTo("Cut short");
        assertError(last(frames), "truncated", true);
        assertThat(frames.stream().filter(Frame::terminal)).hasSize(1);
        assertThat(requestsTo(CHAT)).isEqualTo(1);
    }

    @Test
    void anEmptyBodyBeforeAnyTokenIsRetriedThenReportedAsTruncated() {
        UPSTREAM.answer(byPath(Map.of(CHAT, request -> FakeUpstream.Reply.sse(""))));

        List<Frame> frames = stream("openai/gpt-test");

        assertThat(frames).hasSize(1);
        assertError(last(frames), "truncated", true);
        assertThat(requestsTo(CHAT)).isEqualTo(3);
    }

    @Test
    void anInBandErrorAfterTokensEndsTheStreamWithAnErrorFrame() {
        UPSTREAM.answer(byPath(Map.of(MESSAGES, request -> FakeUpstream.Reply.sse(anthropicStart()
                + anthropicDelta("Par") + "event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"))));

        List<Frame> frames = stream("anthropic/claude-test");

        assertThat(text(frames)).isEqualTo("Par");
        JsonNode error = assertError(last(frames), "upstream_error", true);
        assertThat(error.path("message").asString()).contains("overloaded_error");
        assertThat(requestsTo(MESSAGES)).isEqualTo(1);
    }

    @Test
    void anInBandErrorBeforeAnyTokenIsRetried() {
        UPSTREAM.answer(byPath(Map.of(MESSAGES, request -> FakeUpstream.Reply.sse(anthropicStart()
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}\n\n"))));

        List<Frame> frames = stream("anthropic/claude-test");

        assertThat(frames).hasSize(1);
        assertError(last(frames), "upstream_error", true);
        assertThat(requestsTo(MESSAGES)).isEqualTo(3);
    }

    @Test
    void anAuthFailureIsNeitherRetriedNorRetryable() {
        UPSTREAM.answer(byPath(Map.of(CHAT, request -> FakeUpstream.Reply.status(401, "{}", Map.of()))));

        List<Frame> frames = stream("openai/gpt-test");

        assertError(last(frames), "auth", false);
        assertThat(requestsTo(CHAT)).isEqualTo(1);
    }

    private static JsonNode assertError(Frame frame, String code, boolean retryable) {
        JsonNode error = frame.json().path("error");
        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("retryable").asBoolean()).isEqualTo(retryable);
        return error;
    }

    static String chunk(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    static String finish(String reason) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}\n\n";
    }

    static String anthropicStart() {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                + "{\"input_tokens\":3,\"output_tokens\":1}}}\n\n";
    }

    static String anthropicDelta(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
    }

    static String anthropicText(String text) {
        return anthropicStart() + anthropicDelta(text)
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":2}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }
}
