package dev.llmsse.web.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAuto;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * Issue 16, point 3, with the real client: the official Anthropic Java SDK pointed at the gateway, in
 * {@code api-key} mode (the SDK sends its key as {@code x-api-key}, or as {@code Authorization: Bearer} when given
 * an auth token), against the echo provider and a loopback upstream that replays recorded Anthropic streams.
 * Streaming and non-streaming messages, usage, a tool call streamed out (and the way back refused clearly until the
 * core carries tools), a provider failure mid-stream surfacing as the SDK's exception, and a closed stream closing
 * the upstream connection within 1 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.providers.echo.token-delay=0ms",
        // The cancel bound is the gateway's: with a detach grace the upstream would run on for its length.
        "gateway.stream.detach-grace=0s",
        "gateway.providers.retry.max-retries=0",
        "gateway.providers.first-token-timeout=5s"})
class AnthropicSdkTest {

    private static final String CLIENT_KEY = "sk-gateway-anthropic-sdk-0001";
    private static final FakeUpstream UPSTREAM = FakeUpstream.start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("gateway.auth.api-keys[0].name", () -> "anthropic-sdk");
        registry.add("gateway.auth.api-keys[0].sha256", () -> sha256(CLIENT_KEY));
        registry.add("gateway.providers.anthropic.base-url", () -> UPSTREAM.url(""));
        registry.add("gateway.providers.anthropic.api-key", () -> "sk-ant-upstream-SECRET-0001");
        registry.add("gateway.providers.openai.base-url", () -> UPSTREAM.url("/v1"));
        registry.add("gateway.providers.openai.api-key", () -> "sk-upstream-SECRET-0002");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Test
    void nonStreamingMessageWithUsage() {
        Message message = sdk().messages().create(ask("echo/echo", "hello there"));

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.model().asString()).isEqualTo("echo/echo");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("You said: hello there");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(3);
        assertThat(message.usage().outputTokens()).isEqualTo(7);
    }

    @Test
    void streamedMessageAccumulatesToTheSameMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<RawMessageStreamEvent> events;
        try (StreamResponse<RawMessageStreamEvent> stream = sdk().messages()
                .createStreaming(ask("echo/echo", "hello there"))) {
            events = stream.stream().peek(accumulator::accumulate).toList();
        }

        Message message = accumulator.message();
        assertThat(message.id()).startsWith("msg_");
        assertThat(message.content()).extracting(block -> block.asText().text()).containsExactly("You said: hello there");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        // The input count is only known at the end: message_delta carries it, and the SDK takes it from there.
        assertThat(message.usage().inputTokens()).isEqualTo(3);
        assertThat(message.usage().outputTokens()).isEqualTo(7);
        assertThat(events.get(0).isMessageStart()).isTrue();
        assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
    }

    /** The SDK's key may also be sent as a bearer token ({@code authToken}), as with Anthropic's own gateways. */
    @Test
    void aBearerTokenIsAcceptedLikeTheApiKey() {
        AnthropicClient bearer = AnthropicOkHttpClient.builder().authToken(CLIENT_KEY)
                .baseUrl("http://127.0.0.1:" + port).maxRetries(0).build();

        assertThat(bearer.messages().create(ask("echo/echo", "hi")).content().get(0).asText().text())
                .isEqualTo("You said: hi");
    }

    /**
     * A whole tool round trip with the SDK: the tool offered reaches the provider in its shape, a recorded tool call
     * reaches the SDK as a {@code tool_use} block (streamed and JSON), and the next request, with the SDK's own
     * assistant message and a {@code tool_result}, reaches the provider as its tool call and result, field by field.
     */
    @Test
    void aToolRoundTripReachesTheProviderAndTheSdkInTheirShapes() {
        Path toolUse = RecordedTranscripts.dir("anthropic").resolve("messages-tool-use.sse");
        Path text = RecordedTranscripts.dir("anthropic").resolve("messages-text-after-tool-result.sse");
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Replay.bytes(request.body().contains("tool_result") ? text : toolUse))));
        MessageCreateParams ask = ask("anthropic/claude-test", "What is the weather in San Francisco?").toBuilder()
                .addTool(Tool.builder().name("get_weather").description("The weather at a place")
                        .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("location",
                                Map.of("type", "string")))).required(List.of("location")).build())
                        .build())
                .toolChoice(ToolChoiceAuto.builder().build())
                .build();

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = sdk().messages().createStreaming(ask)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        Message answered = sdk().messages().create(ask);

        for (Message message : List.of(streamed, answered)) {
            assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
            ToolUseBlock call = message.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                    .asToolUse();
            assertThat(call.id()).isEqualTo("toolu_018acGYLtfR52q9yDbWaEdQZ");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("location", "San Francisco, CA", "units", "f"));
            assertThat(message.usage().inputTokens()).isEqualTo(656);
            assertThat(message.usage().outputTokens()).isEqualTo(74);
        }
        JsonNode turn1 = lastUpstreamBody();
        assertThat(turn1.path("tools").path(0).path("name").asString()).isEqualTo("get_weather");
        assertThat(turn1.path("tools").path(0).path("input_schema").path("properties").path("location").path("type")
                .asString()).isEqualTo("string");
        assertThat(turn1.path("tool_choice").path("type").asString()).isEqualTo("auto");

        MessageCreateParams withResult = ask.toBuilder().addMessage(streamed)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId("toolu_018acGYLtfR52q9yDbWaEdQZ").content("{\"temperature\":68}").build())))
                .build();
        Message answer = sdk().messages().create(withResult);

        assertThat(answer.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(answer.content().get(0).asText().text()).isNotBlank();
        JsonNode messages = lastUpstreamBody().path("messages");
        assertThat(messages).hasSize(3);
        JsonNode sentCall = messages.path(1).path("content").findParent("id");
        assertThat(messages.path(1).path("role").asString()).isEqualTo("assistant");
        assertThat(sentCall.path("type").asString()).isEqualTo("tool_use");
        assertThat(sentCall.path("id").asString()).isEqualTo("toolu_018acGYLtfR52q9yDbWaEdQZ");
        assertThat(sentCall.path("name").asString()).isEqualTo("get_weather");
        assertThat(sentCall.path("input").path("location").asString()).isEqualTo("San Francisco, CA");
        JsonNode result = messages.path(2).path("content").path(0);
        assertThat(messages.path(2).path("role").asString()).isEqualTo("user");
        assertThat(result.path("type").asString()).isEqualTo("tool_result");
        assertThat(result.path("tool_use_id").asString()).isEqualTo("toolu_018acGYLtfR52q9yDbWaEdQZ");
        assertThat(result.toString()).contains("{\\\"temperature\\\":68}");
    }

    private static JsonNode lastUpstreamBody() {
        List<FakeUpstream.Recorded> requests = UPSTREAM.requests();
        return WireJson.parse(requests.get(requests.size() - 1).body().getBytes(StandardCharsets.UTF_8));
    }

    /** A recorded Anthropic stream that fails after its first text: the SDK throws, after the text that did arrive. */
    @Test
    void providerFailureMidStreamIsAnExceptionNotAShortAnswer() {
        Path transcript = RecordedTranscripts.dir("anthropic").resolve("messages-error-overloaded-midstream-constructed.sse");
        JsonNode expected = WireJson.parse(Replay.bytes(Replay.expectedFor(transcript)));
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", List.of(Replay.bytes(transcript))));
        StringBuilder text = new StringBuilder();

        try (StreamResponse<RawMessageStreamEvent> stream = sdk().messages()
                .createStreaming(ask("anthropic/claude-test", "hi"))) {
            assertThatThrownBy(() -> stream.stream().forEach(event -> event.contentBlockDelta()
                    .flatMap(delta -> delta.delta().text()).ifPresent(delta -> text.append(delta.text()))))
                    .isInstanceOfSatisfying(SseException.class, failed -> assertThat(failed.getMessage())
                            .contains("\"type\":\"error\"").contains("\"code\":\"upstream_error\"")
                            // The upstream's words are not passed on: the gateway's own reach the client.
                            .doesNotContain("SECRET"));
        }
        assertThat(text).hasToString(expected.path("assistant_text").asString());
        assertThat(text).isNotEmpty();
    }

    /** A stream the upstream cuts after its first text (no terminator): also an exception, never a quiet end. */
    @Test
    void upstreamCutMidStreamIsAnException() {
        String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"},\"finish_reason\":null}]}\n\n";
        UPSTREAM.answer(request -> new FakeUpstream.Reply(200, Map.of("Content-Type", "text/event-stream"),
                List.of(first.getBytes(StandardCharsets.UTF_8)), java.time.Duration.ZERO, false, true));

        try (StreamResponse<RawMessageStreamEvent> stream = sdk().messages()
                .createStreaming(ask("openai/gpt-4o-mini", "hi"))) {
            Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
            List<String> text = new ArrayList<>();
            assertThatThrownBy(() -> events.forEachRemaining(event -> event.contentBlockDelta()
                    .flatMap(delta -> delta.delta().text()).ifPresent(delta -> text.add(delta.text()))))
                    .isInstanceOfSatisfying(SseException.class,
                            failed -> assertThat(failed.getMessage()).contains("\"code\":\"truncated\""));
            assertThat(text).containsExactly("Half");
        }
    }

    @Test
    void closingTheStreamClosesTheUpstreamWithinOneSecond() {
        String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(first).heldOpen());

        StreamResponse<RawMessageStreamEvent> stream = sdk().messages().createStreaming(ask("openai/gpt-4o-mini", "hi"));
        Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
        List<String> received = new ArrayList<>();
        while (received.isEmpty()) {
            events.next().contentBlockDelta().flatMap(delta -> delta.delta().text())
                    .ifPresent(delta -> received.add(delta.text()));
        }
        assertThat(received).containsExactly("Hi");
        FakeUpstream.Recorded upstream = UPSTREAM.requests().get(0);
        assertThat(upstream.closed()).isNotDone();

        stream.close();

        await().atMost(1, TimeUnit.SECONDS).until(() -> upstream.closed().isDone());
    }

    @Test
    void aWrongKeyIsRefusedInAnthropicsShape() {
        AnthropicClient wrong = AnthropicOkHttpClient.builder().apiKey("sk-not-a-key")
                .baseUrl("http://127.0.0.1:" + port).maxRetries(0).build();

        assertThatThrownBy(() -> wrong.messages().create(ask("echo/echo", "hi")))
                .isInstanceOfSatisfying(UnauthorizedException.class,
                        refused -> assertThat(refused.getMessage()).contains("authentication_error"));
    }

    @Test
    void anUnknownModelIsABadRequestNamingWhatIsServed() {
        assertThatThrownBy(() -> sdk().messages().create(ask("nope/model", "hi")))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> assertThat(refused.getMessage())
                        .contains("invalid_request_error").contains("unknown_model").contains("echo/*"));
    }

    private AnthropicClient sdk() {
        return AnthropicOkHttpClient.builder().apiKey(CLIENT_KEY).baseUrl("http://127.0.0.1:" + port)
                .maxRetries(0).build();
    }

    private static MessageCreateParams ask(String model, String prompt) {
        return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage(prompt).build();
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
