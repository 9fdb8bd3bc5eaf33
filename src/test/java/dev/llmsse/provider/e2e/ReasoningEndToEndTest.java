package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/**
 * Reasoning from every provider reaches {@code /api/llm} as {@code reasoning_start}, {@code reasoning_delta}
 * ({@code {"text":…}}) and {@code reasoning_end} frames before the answer, with the reasoning tokens in the
 * usage where the provider reports them; signatures and redacted thinking never reach the client.
 */
class ReasoningEndToEndTest extends GatewayAgainstFakeUpstreams {

    @ParameterizedTest
    @CsvSource({
        "openai/gpt-test,           /v1/chat/completions, openai/reasoning-content-deepseek.sse,       text/event-stream",
        "openai-responses/gpt-test, /v1/responses,        openai-responses/text-reasoning-usage.sse,   text/event-stream",
        "anthropic/claude-test,     /v1/messages,         anthropic/thinking-signature-redacted.sse,   text/event-stream",
        "gemini/gemini-test,        /v1beta/models/gemini-test:streamGenerateContent, gemini/text-thinking-usage-crlf.sse, text/event-stream",
        "ollama/llama-test,         /api/chat,            ollama/thinking.ndjson,                      application/x-ndjson"})
    void reasoningStreamsAsItsOwnBlockBeforeTheAnswer(String model, String path, String transcript, String type) {
        Path file = TestTranscripts.dir(transcript.substring(0, transcript.indexOf('/')))
                .resolve(transcript.substring(transcript.indexOf('/') + 1));
        JsonNode expected = WireJson.parse(Replay.bytes(Replay.expectedFor(file)));
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(Replay.bytes(file))))));

        List<Frame> frames = stream(model);

        List<String> blocks = new ArrayList<>();
        StringBuilder open = null;
        List<String> order = new ArrayList<>();
        for (Frame frame : frames) {
            order.add(frame.event() == null ? (frame.terminal() ? "end" : "token") : frame.event());
            if ("reasoning_start".equals(frame.event())) {
                assertThat(frame.data()).isEqualTo("{}");
                open = new StringBuilder();
            } else if ("reasoning_delta".equals(frame.event())) {
                assertThat(frame.json().propertyNames()).containsExactly("text");
                open.append(frame.json().path("text").asString());
            } else if ("reasoning_end".equals(frame.event())) {
                blocks.add(open.toString());
                open = null;
            }
        }
        List<String> expectedBlocks = new ArrayList<>();
        expected.path("reasoning").forEach(block -> expectedBlocks.add(block.asString()));
        assertThat(blocks).isEqualTo(expectedBlocks);
        assertThat(order.indexOf("reasoning_end")).isLessThan(order.indexOf("token"));
        assertThat(order.get(0)).isEqualTo("reasoning_start");
        assertThat(text(frames)).isEqualTo(expected.path("text").asString());
        assertThat(frames).noneMatch(frame -> frame.data().contains("signature") || frame.data().contains("EmwK"));
        JsonNode usage = last(frames).json().path("usage");
        JsonNode reasoningTokens = expected.path("usage").path("reasoning");
        if (reasoningTokens.isNumber()) {
            assertThat(usage.path("reasoningTokens").asLong()).isEqualTo(reasoningTokens.asLong());
        } else {
            assertThat(usage.has("reasoningTokens")).isFalse();
        }
    }
}
