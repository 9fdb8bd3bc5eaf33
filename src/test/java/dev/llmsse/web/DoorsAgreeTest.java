package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import org.junit.jupiter.api.AfterAll;
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

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16, acceptance 3: every door answers the same recorded transcript with the same answer. Each provider
 * recording that ends in text and/or tool calls is replayed by a loopback upstream, once for each door: our own
 * protocol ({@code POST /api/sessions} and its stream), the OpenAI door read by the official OpenAI Java SDK's
 * accumulator, the Anthropic door read by the official Anthropic Java SDK's accumulator, and the AI SDK door's UI
 * message stream parsed here (its Node client has {@code AiSdkClientTest}). Text, tool calls (id, name, arguments
 * as JSON) and usage must agree. Where the provider gives a call no id (Gemini), each door makes one up, so only
 * its presence is compared. The AI SDK door carries usage as the {@code finish} chunk's
 * {@code messageMetadata.usage} (see {@code docs/compatibility.md}), with only the counts our frame has.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DoorsAgreeTest {

    /** The id the gateway gives a tool call where the provider gave none (docs/protocol.md). */
    private static final String GENERATED_ID = "call_[0-9a-f]{32}";

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("gateway.providers.openai.base-url", () -> UPSTREAM.url("/v1"));
        registry.add("gateway.providers.openai.api-key", () -> "sk-doors-test");
        registry.add("gateway.providers.anthropic.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.anthropic.api-key", () -> "sk-ant-doors-test");
        registry.add("gateway.providers.gemini.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.gemini.api-key", () -> "doors-test");
        registry.add("gateway.providers.ollama.base-url", () -> UPSTREAM.url(""));
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    /** One answer as every door's client sees it. */
    record Reply(String text, List<Call> calls, Long inputTokens, Long outputTokens) {
    }

    /** A tool call; {@code id} null where the door's client saw none, {@code arguments} parsed. */
    record Call(String id, String name, JsonNode arguments) {
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "openai/chat-text.sse,                                openai/gpt-test",
        "openai/chat-finish-length.sse,                       openai/gpt-test",
        "openai/chat-include-usage-obfuscation.sse,           openai/gpt-test",
        "openai/chat-n3-choices.sse,                          openai/gpt-test",
        "openai/chat-refusal.sse,                             openai/gpt-test",
        "openai/chat-tool-call.sse,                           openai/gpt-test",
        "openai/chat-parallel-tool-calls.sse,                 openai/gpt-test",
        "openai-responses/responses-text.sse,                 openai-responses/gpt-test",
        "openai-responses/responses-function-call.sse,        openai-responses/gpt-test",
        "openai-responses/responses-reasoning-summary-large.sse, openai-responses/gpt-test",
        "anthropic/messages-text.sse,                         anthropic/claude-test",
        "anthropic/messages-tool-use.sse,                     anthropic/claude-test",
        "anthropic/messages-text-after-tool-result.sse,       anthropic/claude-test",
        "gemini/stream-text-short.sse,                        gemini/gemini-test",
        "gemini/stream-text-long.sse,                         gemini/gemini-test",
        "gemini/stream-utf8-cjk.sse,                          gemini/gemini-test",
        "gemini/stream-function-call-vertex.sse,              gemini/gemini-test",
        "gemini/stream-thinking-function-call.sse,            gemini/gemini-test",
        "ollama/chat-stream-constructed.ndjson,               ollama/llama-test",
        "ollama/chat-stream-tools-constructed.ndjson,         ollama/llama-test",
        "ollama/generate-stream.ndjson,                       ollama/llama-test"})
    void everyDoorAnswersTheSameTranscriptAlike(String transcript, String model) {
        int slash = transcript.indexOf('/');
        Path file = RecordedTranscripts.dir(transcript.substring(0, slash)).resolve(transcript.substring(slash + 1));
        String type = transcript.endsWith(".ndjson") ? "application/x-ndjson" : "text/event-stream";
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream(type, List.of(Replay.bytes(file))));

        Reply ours = ourProtocol(model);
        Reply openAi = openAiDoor(model);
        Reply anthropic = anthropicDoor(model);
        Reply aiSdk = aiSdkDoor(model);

        assertThat(ours.text().isEmpty() && ours.calls().isEmpty()).as("the transcript answers something").isFalse();
        for (Reply door : List.of(openAi, anthropic, aiSdk)) {
            assertThat(door.text()).isEqualTo(ours.text());
            assertThat(door.calls()).hasSameSizeAs(ours.calls());
            for (int i = 0; i < ours.calls().size(); i++) {
                Call expected = ours.calls().get(i);
                Call actual = door.calls().get(i);
                assertThat(actual.name()).isEqualTo(expected.name());
                assertThat(actual.arguments()).isEqualTo(expected.arguments());
                if (expected.id() != null && expected.id().matches(GENERATED_ID)) {
                    // The provider gave none: each answer (one per door here) gets its own made-up id.
                    assertThat(actual.id()).matches(GENERATED_ID);
                } else if (expected.id() != null) {
                    assertThat(actual.id()).isEqualTo(expected.id());
                } else {
                    assertThat(actual.id()).as("a made-up id where the provider gave none").isNotBlank();
                }
            }
        }
        for (Reply door : List.of(openAi, anthropic)) {
            assertThat(door.inputTokens()).isEqualTo(orZero(ours.inputTokens()));
            assertThat(door.outputTokens()).isEqualTo(orZero(ours.outputTokens()));
        }
        // The AI SDK has no zero for an unknown count: a count our frame lacks is absent there too.
        assertThat(aiSdk.inputTokens()).isEqualTo(ours.inputTokens());
        assertThat(aiSdk.outputTokens()).isEqualTo(ours.outputTokens());
        assertThat(UPSTREAM.requests()).hasSize(4);
    }

    /** Our own protocol: {@code POST /api/sessions}, then its stream to the end, read frame by frame. */
    private Reply ourProtocol(String model) {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        URI stream = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .retrieve().toBodilessEntity().block(TIMEOUT).getHeaders().getLocation();
        List<ServerSentEvent<String>> frames = client.get().uri(stream.getPath()).accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .collectList().block(TIMEOUT);
        StringBuilder text = new StringBuilder();
        Map<Integer, String[]> calls = new TreeMap<>();
        JsonNode done = null;
        for (ServerSentEvent<String> frame : frames) {
            if (frame.data() == null || "ping".equals(frame.event())) {
                continue;
            }
            JsonNode data = JSON.readTree(frame.data());
            String event = frame.event() == null ? "" : frame.event();
            int index = data.path("index").asInt();
            switch (event) {
                case "" -> {
                    text.append(data.path("token").asString(""));
                    done = data.has("done") ? data : done;
                    assertThat(data.has("error")).as("our stream failed: %s", data).isFalse();
                }
                case "tool_start" -> calls.put(index, new String[] {data.path("id").asString(null),
                        data.path("name").asString(), ""});
                case "tool_delta" -> calls.get(index)[2] += data.path("arguments").asString();
                default -> {
                }
            }
        }
        assertThat(done).as("our stream ended with done").isNotNull();
        List<Call> parsed = new ArrayList<>();
        calls.values().forEach(call -> parsed.add(new Call(call[0], call[1], arguments(call[2]))));
        JsonNode usage = done.path("usage");
        return new Reply(text.toString(), parsed, count(usage.path("inputTokens")), count(usage.path("outputTokens")));
    }

    /** The OpenAI door, streamed, as the official OpenAI Java SDK accumulates it. */
    private Reply openAiDoor(String model) {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("unused").baseUrl("http://127.0.0.1:" + port + "/v1")
                .maxRetries(0).build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("hi").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletion.Choice choice = completion.choices().get(0);
        List<Call> calls = new ArrayList<>();
        choice.message().toolCalls().orElse(List.of()).forEach(call -> calls.add(new Call(call.asFunction().id(),
                call.asFunction().function().name(), arguments(call.asFunction().function().arguments()))));
        var usage = completion.usage().orElseThrow();
        return new Reply(choice.message().content().orElse(""), calls, usage.promptTokens(),
                usage.completionTokens());
    }

    /** The Anthropic door, streamed, as the official Anthropic Java SDK accumulates it. */
    private Reply anthropicDoor(String model) {
        AnthropicClient client = AnthropicOkHttpClient.builder().apiKey("unused").baseUrl("http://127.0.0.1:" + port)
                .maxRetries(0).build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams
                .builder().model(model).maxTokens(1024).addUserMessage("hi").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        var message = accumulator.message();
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        message.content().forEach(block -> {
            block.text().ifPresent(part -> text.append(part.text()));
            block.toolUse().ifPresent(call -> calls.add(new Call(call.id(), call.name(),
                    JSON.valueToTree(call._input().convert(Object.class)))));
        });
        return new Reply(text.toString(), calls, message.usage().inputTokens(), message.usage().outputTokens());
    }

    /** The AI SDK door's UI message stream, its chunks read as the AI SDK's client reads them. */
    private Reply aiSdkDoor(String model) {
        String body = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/chat")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("id", "doors-" + System.nanoTime(), "model", model, "trigger", "submit-message",
                        "messages", List.of(Map.of("id", "m1", "role", "user",
                                "parts", List.of(Map.of("type", "text", "text", "hi"))))))
                .retrieve().bodyToMono(String.class).block(TIMEOUT);
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        boolean finished = false;
        JsonNode usage = JSON.missingNode();
        for (String line : body.split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring("data: ".length()).getBytes(StandardCharsets.UTF_8));
            switch (chunk.path("type").asString()) {
                case "text-delta" -> text.append(chunk.path("delta").asString());
                case "tool-input-available" -> calls.add(new Call(chunk.path("toolCallId").asString(),
                        chunk.path("toolName").asString(), chunk.path("input")));
                case "finish" -> {
                    finished = true;
                    usage = chunk.path("messageMetadata").path("usage");
                }
                case "error" -> throw new AssertionError("the AI SDK door failed: " + chunk);
                default -> {
                }
            }
        }
        assertThat(finished).as("the UI message stream finished").isTrue();
        return new Reply(text.toString(), calls, count(usage.path("inputTokens")), count(usage.path("outputTokens")));
    }

    /** Arguments as a JSON tree: no arguments are an empty object, as every door gives them. */
    private static JsonNode arguments(String json) {
        return json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
    }

    private static Long count(JsonNode value) {
        return value.isNumber() ? value.asLong() : null;
    }

    private static long orZero(Long count) {
        return count == null ? 0 : count;
    }
}
