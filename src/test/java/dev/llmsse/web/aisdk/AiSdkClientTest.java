package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Sinks;

import tools.jackson.databind.JsonNode;

/**
 * Acceptance of the AI SDK door with the real client: the {@code ai} package's chat (the logic behind
 * {@code useChat}) and its {@code DefaultChatTransport}, run by Node against the gateway, whose providers replay
 * recorded transcripts from a local upstream. It must rebuild the same parts as our own protocol gives for the same
 * transcript, resume a stream cut mid-answer with nothing lost or repeated, find nothing to resume after the end
 * (204), and keep an answer its abort left running until {@code POST /api/chat/{id}/stop}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AiSdkClientTest {

    static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final String RELEASE = "/release";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("gateway.providers.openai.base-url", () -> UPSTREAM.url("/v1"));
        registry.add("gateway.providers.openai.api-key", () -> "sk-aisdk-test");
        registry.add("gateway.providers.anthropic.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.anthropic.api-key", () -> "sk-ant-aisdk-test");
        registry.add("gateway.providers.gemini.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.gemini.api-key", () -> "aisdk-test");
        // Long enough that an upstream held mid-answer for the test is not taken for a silent one.
        registry.add("gateway.stream.idle-timeout", () -> "60s");
        registry.add("gateway.stream.detach-grace", () -> "30s");
    }

    @BeforeAll
    static void nodeAndTheAiPackage() {
        AiSdkClient.require();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "openai/chat-text.sse,                          openai/gpt-test,            /v1/chat/completions",
        "openai/chat-parallel-tool-calls.sse,           openai/gpt-test,            /v1/chat/completions",
        "anthropic/messages-tool-use.sse,               anthropic/claude-test,      /v1/messages",
        "gemini/stream-thinking-function-call.sse,      gemini/gemini-test,         /v1beta/models/gemini-test:streamGenerateContent",
        "openai-responses/responses-reasoning-summary-large.sse, openai-responses/gpt-test, /v1/responses"})
    void theAiSdkRebuildsTheSamePartsAsOurProtocol(String transcript, String model, String path) {
        UPSTREAM.answer(route(path, request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Replay.bytes(RecordedTranscripts.file(transcript))))));

        List<ServerSentEvent<String>> frames = ourStream(model);
        Parts ours = Parts.ofFrames(frames);
        JsonNode result = AiSdkClient.run("full", options(model, null));

        JsonNode answer = assistant(result.path("final"));
        Parts theirs = Parts.ofUiMessage(answer);
        assertThat(ours.parts()).isNotEmpty();
        if (transcript.contains("thinking") || transcript.contains("reasoning")) {
            // The recordings with reasoning must rebuild it as reasoning parts on both sides, not drop it.
            assertThat(theirs.parts()).anyMatch(part -> "reasoning".equals(part.type()) && !part.text().isEmpty());
        }
        assertThat(theirs).isEqualTo(ours.withIdsOf(theirs));
        // The usage of our done frame, as the AI SDK keeps it: message.metadata.usage.
        JsonNode usage = answer.path("metadata").path("usage");
        assertThat(usage.path("outputTokens").isNumber()).as("usage in %s", answer).isTrue();
        assertThat(usage).isEqualTo(doneUsage(frames));
        assertThat(answer.path("parts").findValuesAsString("state")).allMatch(state -> state.equals("done")
                || state.equals("input-available"));
        assertThat(result.path("errors")).isEmpty();
        assertThat(result.path("final").path("status").asString()).isEqualTo("ready");
        assertThat(result.path("resumeAfterEnd").asString()).isEqualTo("none");
        assertThat(requestsTo(path)).isEqualTo(2);
    }

    @Test
    void aStreamCutMidAnswerResumesWithNothingLostOrRepeated() {
        String path = "/v1beta/models/gemini-test:streamGenerateContent";
        Path transcript = RecordedTranscripts.file("gemini/stream-text-long.sse");
        String expected = WireJson.parse(Replay.bytes(Replay.expectedFor(transcript))).path("assistant_text").asString();
        Sinks.Empty<Void> release = Sinks.empty();
        UPSTREAM.answer(route(path, request -> FakeUpstream.Reply.stream("text/event-stream",
                Replay.events(transcript))
                .pausedAfter(4, release.asMono()), release));

        JsonNode result = AiSdkClient.run("resume", options("gemini/gemini-test", UPSTREAM.url(RELEASE)));

        JsonNode cut = result.path("afterSend");
        String before = Parts.ofUiMessage(cut.path("message")).text();
        assertThat(cut.path("status").asString()).isEqualTo("error");
        assertThat(before).isNotEmpty();
        assertThat(expected).startsWith(before).isNotEqualTo(before);
        JsonNode resumed = result.path("final");
        assertThat(resumed.path("messages")).hasSize(2);
        JsonNode answer = assistant(resumed);
        assertThat(answer.path("id").asString()).isEqualTo(cut.path("message").path("id").asString());
        assertThat(Parts.ofUiMessage(answer).parts()).hasSize(1);
        assertThat(Parts.ofUiMessage(answer).text()).isEqualTo(expected);
        assertThat(resumed.path("status").asString()).isEqualTo("ready");
        assertThat(result.path("finishes").path(1).path("finishReason").asString()).isEqualTo("stop");
        assertThat(result.path("resumeAfterEnd").asString()).isEqualTo("none");
        // One answer, resumed: the provider was asked once.
        assertThat(requestsTo(path)).isEqualTo(1);
    }

    @Test
    void theAiSdksStopLeavesTheAnswerRunningForAResumeAndOurStopEndsIt() {
        String path = "/v1beta/models/gemini-test:streamGenerateContent";
        UPSTREAM.answer(route(path, request -> FakeUpstream.Reply.stream("text/event-stream",
                Replay.events(RecordedTranscripts.file("gemini/stream-text-long.sse")))
                .pausedAfter(4, Sinks.<Void>empty().asMono())));

        JsonNode result = AiSdkClient.run("stop", options("gemini/gemini-test", null));

        JsonNode aborted = result.path("afterSend");
        assertThat(aborted.path("status").asString()).isEqualTo("ready");
        String before = Parts.ofUiMessage(aborted.path("message")).text();
        assertThat(before).isNotEmpty();
        assertThat(result.path("stopStatus").asInt()).isEqualTo(204);
        JsonNode answer = assistant(result.path("final"));
        assertThat(Parts.ofUiMessage(answer).text()).startsWith(before);
        // Stopped before the provider's own usage: the output tokens the gateway counted, marked estimated.
        JsonNode usage = answer.path("metadata").path("usage");
        assertThat(usage.path("estimated").asBoolean()).as("usage in %s", answer).isTrue();
        assertThat(usage.path("outputTokens").asLong()).isPositive();
        assertThat(result.path("resumeAfterEnd").asString()).isEqualTo("none");
        FakeUpstream.Recorded upstream = UPSTREAM.requests().stream()
                .filter(request -> request.uri().startsWith(path)).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closed().isDone());
        assertThat(requestsTo(path)).isEqualTo(1);
    }

    @Test
    void theAiSdkRunsTheCalledToolsAndItsNextRequestCarriesTheCallsAndTheirOutputsToTheProvider() {
        String path = "/v1/chat/completions";
        // Turn 1 calls two tools (ids and arguments from the recording); turn 2, after the outputs, answers in text.
        UPSTREAM.answer(route(path, request -> FakeUpstream.Reply.stream("text/event-stream", List.of(Replay.bytes(
                RecordedTranscripts.file(request.body().contains("\"tool_call_id\"") ? "openai/chat-text.sse"
                        : "openai/chat-parallel-tool-calls.sse"))))));
        Map<String, Object> options = options("openai/gpt-test", null);
        Map<String, Object> objectSchema = Map.of("type", "object");
        options.put("tools", List.of(Map.of("name", "GetWeatherArgs", "parameters", objectSchema),
                Map.of("name", "get_stock_price", "parameters", objectSchema)));

        JsonNode result = AiSdkClient.run("tools", options);

        assertThat(result.path("errors")).isEmpty();
        assertThat(result.path("final").path("status").asString()).isEqualTo("ready");
        JsonNode answer = assistant(result.path("final"));
        assertThat(answer.path("parts").findValuesAsString("state")).containsOnly("output-available", "done");
        assertThat(Parts.ofUiMessage(answer).text()).startsWith("I'm unable to provide real-time weather");
        List<FakeUpstream.Recorded> calls = UPSTREAM.requests().stream()
                .filter(request -> request.uri().startsWith(path)).toList();
        assertThat(calls).hasSize(2);
        JsonNode first = WireJson.parse(calls.get(0).body().getBytes(StandardCharsets.UTF_8));
        assertThat(first.path("tools").findValuesAsString("name")).containsExactly("GetWeatherArgs", "get_stock_price");
        JsonNode history = WireJson.parse(calls.get(1).body().getBytes(StandardCharsets.UTF_8)).path("messages");
        assertThat(history).hasSize(4);
        assertThat(history.path(0).path("role").asString()).isEqualTo("user");
        JsonNode called = history.path(1);
        assertThat(called.path("role").asString()).isEqualTo("assistant");
        assertThat(called.path("tool_calls").findValuesAsString("id"))
                .containsExactly("call_JMW1whyEaYG438VE1OIflxA2", "call_DNYTawLBoN8fj3KN6qU9N1Ou");
        assertThat(called.path("tool_calls").path(0).path("function").path("name").asString()).isEqualTo("GetWeatherArgs");
        assertThat(WireJson.parse(called.path("tool_calls").path(0).path("function").path("arguments").asString()
                .getBytes(StandardCharsets.UTF_8)).path("city").asString()).isEqualTo("Edinburgh");
        assertThat(history.path(2).path("role").asString()).isEqualTo("tool");
        assertThat(history.path(2).path("tool_call_id").asString()).isEqualTo("call_JMW1whyEaYG438VE1OIflxA2");
        assertThat(WireJson.parse(history.path(2).path("content").asString().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(WireJson.parse("{\"city\":\"Edinburgh\",\"forecast\":\"sunny\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(history.path(3).path("tool_call_id").asString()).isEqualTo("call_DNYTawLBoN8fj3KN6qU9N1Ou");
    }

    private Map<String, Object> options(String model, String releaseUrl) {
        Map<String, Object> options = new HashMap<>();
        options.put("api", "http://127.0.0.1:" + port + "/api/chat");
        options.put("chatId", "chat-" + UUID.randomUUID());
        options.put("prompt", "hi");
        options.put("model", model);
        if (releaseUrl != null) {
            options.put("releaseUrl", releaseUrl);
        }
        return options;
    }

    /** Our own protocol for the same request: {@code POST /api/sessions}, then its stream to the end. */
    private List<ServerSentEvent<String>> ourStream(String model) {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        URI stream = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .retrieve().toBodilessEntity().block(Duration.ofSeconds(10)).getHeaders().getLocation();
        return client.get().uri(stream.getPath()).accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .collectList().block(Duration.ofSeconds(30));
    }

    /** The usage of our stream's done frame. */
    private static JsonNode doneUsage(List<ServerSentEvent<String>> frames) {
        return frames.stream().filter(frame -> frame.event() == null && frame.data() != null)
                .map(frame -> WireJson.parse(frame.data().getBytes(StandardCharsets.UTF_8)))
                .filter(data -> data.has("done")).findFirst().orElseThrow().path("usage");
    }

    private static JsonNode assistant(JsonNode state) {
        JsonNode messages = state.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        assertThat(last.path("role").asString()).isEqualTo("assistant");
        return last;
    }


    private static Function<FakeUpstream.Recorded, FakeUpstream.Reply> route(String path,
            Function<FakeUpstream.Recorded, FakeUpstream.Reply> answer) {
        return route(path, answer, Sinks.empty());
    }

    /** The model's path gets {@code answer}; {@link #RELEASE} lets a paused answer go on; the rest a 404. */
    private static Function<FakeUpstream.Recorded, FakeUpstream.Reply> route(String path,
            Function<FakeUpstream.Recorded, FakeUpstream.Reply> answer, Sinks.Empty<Void> release) {
        return request -> {
            if (request.uri().startsWith(path)) {
                return answer.apply(request);
            }
            if (request.uri().startsWith(RELEASE)) {
                release.tryEmitEmpty();
                return FakeUpstream.Reply.status(204, "", Map.of());
            }
            return FakeUpstream.Reply.status(404, "{}", Map.of());
        };
    }

    private static long requestsTo(String path) {
        return UPSTREAM.requests().stream().filter(request -> request.uri().startsWith(path)).count();
    }
}
