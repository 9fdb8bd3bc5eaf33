package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;

/**
 * Acceptance 1: pointing each provider's base URL at a local server that speaks its wire format makes
 * {@code /api/llm} stream the tokens, then {@code done} with usage and finish reason.
 */
class ProvidersEndToEndTest extends GatewayAgainstFakeUpstreams {

    @ParameterizedTest
    @CsvSource({
        "openai/gpt-test,           /v1/chat/completions, openai/text-crlf-usage-reasoning.sse,        text/event-stream",
        "openai-responses/gpt-test, /v1/responses,        openai-responses/text-reasoning-usage.sse,   text/event-stream",
        "anthropic/claude-test,     /v1/messages,         anthropic/text-with-thinking-crlf.sse,       text/event-stream",
        "gemini/gemini-test,        /v1beta/models/gemini-test:streamGenerateContent, gemini/text-thinking-usage-crlf.sse, text/event-stream",
        "ollama/llama-test,         /api/chat,            ollama/text-usage.ndjson,                    application/x-ndjson"})
    void eachProviderStreamsTokensThenDoneWithUsage(String model, String path, String transcript, String type) {
        Path file = TestTranscripts.dir(transcript.substring(0, transcript.indexOf('/')))
                .resolve(transcript.substring(transcript.indexOf('/') + 1));
        JsonNode expected = dev.llmsse.provider.WireJson.parse(Replay.bytes(Replay.expectedFor(file)));
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(Replay.bytes(file))))));

        List<Frame> frames = stream(model);

        assertThat(text(frames)).isEqualTo(expected.path("text").asString());
        assertThat(frames.stream().filter(Frame::terminal)).hasSize(1);
        JsonNode done = last(frames).json();
        assertThat(done.path("done").asBoolean()).isTrue();
        assertThat(done.path("finishReason").asString()).isEqualTo("stop");
        assertThat(done.path("usage").path("inputTokens").asLong())
                .isEqualTo(expected.path("usage").path("input").asLong());
        assertThat(done.path("usage").path("outputTokens").asLong())
                .isEqualTo(expected.path("usage").path("output").asLong());
        assertThat(requestsTo(path)).isEqualTo(1);
    }

    @Test
    void toolCallsStreamAsNamedEvents() {
        Path file = TestTranscripts.dir("anthropic").resolve("text-then-tool-use.sse");
        UPSTREAM.answer(byPath(Map.of("/v1/messages", request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Replay.bytes(file))))));

        List<Frame> frames = stream("anthropic/claude-test");

        assertThat(frames).extracting(Frame::event).containsSubsequence("tool_start", "tool_delta", "tool_end");
        assertThat(frames.stream().filter(frame -> "tool_start".equals(frame.event())).findFirst().orElseThrow()
                .json().path("name").asString()).isEqualTo("get_weather");
        assertThat(last(frames).json().path("finishReason").asString()).isEqualTo("tool_calls");
    }

    /** The JSON answer keeps the tool calls the stream carried; a text answer reads as it always did. */
    @Test
    void theJsonAnswerCarriesToolCallsOnlyWhenThereAreSome() {
        Path file = TestTranscripts.dir("anthropic").resolve("text-then-tool-use.sse");
        UPSTREAM.answer(byPath(Map.of("/v1/messages", request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Replay.bytes(file))))));
        WebClient client = WebClient.create("http://127.0.0.1:" + port);

        JsonNode withTool = answer(client, "anthropic/claude-test");
        JsonNode text = answer(client, "echo/echo");

        assertThat(withTool.path("finishReason").asString()).isEqualTo("tool_calls");
        JsonNode call = withTool.path("toolCalls").path(0);
        assertThat(call.path("id").asString()).isEqualTo("toolu_1");
        assertThat(call.path("name").asString()).isEqualTo("get_weather");
        assertThat(call.path("arguments").asString()).isEqualTo("{\"location\": \"K\u00f6ln\"}");
        assertThat(text.propertyNames()).containsExactly("model", "text", "finishReason", "usage");
    }

    private static JsonNode answer(WebClient client, String model) {
        return dev.llmsse.provider.WireJson.parse(client.get()
                .uri(uri -> uri.path("/api/llm").queryParam("prompt", "hi").queryParam("model", model).build())
                .accept(MediaType.APPLICATION_JSON).retrieve().bodyToMono(byte[].class)
                .block(Duration.ofSeconds(20)));
    }
}
