package dev.llmsse.web.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.TestTranscripts;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionCustomTool;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16, point 1, with the real client: the official OpenAI Java SDK pointed at the gateway's {@code /v1}, in
 * {@code api-key} mode (the SDK sends its key as {@code Authorization: Bearer}), against the echo provider and a
 * loopback upstream that replays recorded OpenAI streams. Streaming and non-streaming answers, usage, a tool
 * call's whole round trip (the result sent back with the SDK's tool message), a provider failure
 * mid-stream surfacing as the SDK's exception, and a closed stream closing the upstream connection within 1 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.providers.echo.token-delay=0ms",
        // The cancel bound is the gateway's: with a detach grace the upstream would run on for its length.
        "gateway.stream.detach-grace=0s",
        "gateway.providers.retry.max-retries=0",
        "gateway.providers.first-token-timeout=5s"})
class OpenAiSdkTest {

    private static final String CLIENT_KEY = "sk-gateway-sdk-test-0001";
    private static final FakeUpstream UPSTREAM = FakeUpstream.start();

    @LocalServerPort
    int port;

    private OpenAIClient client;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        // A list binds from one property source: the key's name goes with its hash.
        registry.add("gateway.auth.api-keys[0].name", () -> "sdk");
        registry.add("gateway.auth.api-keys[0].sha256", () -> sha256(CLIENT_KEY));
        registry.add("gateway.providers.openai.base-url", () -> UPSTREAM.url("/v1"));
        registry.add("gateway.providers.openai.api-key", () -> "sk-upstream-SECRET-0001");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @BeforeEach
    void sdk() {
        client = sdk(CLIENT_KEY);
    }

    @Test
    void nonStreamingAnswerWithUsage() {
        ChatCompletion completion = client.chat().completions().create(ask("echo/echo", "hello there"));

        assertThat(completion.model()).isEqualTo("echo/echo");
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).hasValue("You said: hello there");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(3);
        assertThat(usage.completionTokens()).isEqualTo(7);
        assertThat(usage.totalTokens()).isEqualTo(10);
    }

    @Test
    void streamedAnswerEndsWithUsageInItsLastChunk() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("echo/echo", "hello there"))) {
            chunks = stream.stream().toList();
        }

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        chunks.forEach(accumulator::accumulate);
        ChatCompletion completion = accumulator.chatCompletion();
        assertThat(completion.choices().get(0).message().content()).hasValue("You said: hello there");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(7);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(10);
        // One id and one model across the stream, as OpenAI's own streams have.
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(0).id()).startsWith("chatcmpl-");
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("echo/echo");
    }

    /**
     * The whole tool round trip with the SDK's own types: turn 1 offers a function tool and gets the recorded
     * call (streamed and not), turn 2 sends the SDK's assistant message and a {@code ChatCompletionToolMessageParam}
     * result and gets the text answer; the provider receives both turns in Chat Completions' documented shape.
     */
    @Test
    void toolCallRoundTrip() throws IOException {
        byte[] toolCall = Files.readAllBytes(RecordedTranscripts.dir("openai").resolve("chat-tool-call.sse"));
        byte[] text = Files.readAllBytes(RecordedTranscripts.dir("openai").resolve("chat-text.sse"));
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(request.body().contains("tool_call_id") ? text : toolCall)));
        ChatCompletionCreateParams ask = ask("openai/gpt-4o", "What is the weather in Edinburgh?").toBuilder()
                .addFunctionTool(FunctionDefinition.builder().name("GetWeatherArgs").description("The weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string"))))
                                .build())
                        .build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                .build();

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ask)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion streamed = accumulator.chatCompletion();
        ChatCompletion answered = client.chat().completions().create(ask);

        for (ChatCompletion completion : List.of(streamed, answered)) {
            ChatCompletion.Choice choice = completion.choices().get(0);
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
            assertThat(call.id()).isEqualTo("call_c91SqDXlYFuETYv8mUHzz6pp");
            assertThat(call.function().name()).isEqualTo("GetWeatherArgs");
            assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Edinburgh\",\"country\":\"UK\",\"units\":\"c\"}");
            assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(100);
        }
        JsonNode turn1 = lastUpstreamBody();
        assertThat(turn1.path("tools").path(0).path("type").asString()).isEqualTo("function");
        assertThat(turn1.path("tools").path(0).path("function").path("name").asString()).isEqualTo("GetWeatherArgs");
        assertThat(turn1.path("tools").path(0).path("function").path("parameters").path("properties").path("city")
                .path("type").asString()).isEqualTo("string");
        assertThat(turn1.path("tool_choice").asString()).isEqualTo("auto");

        ChatCompletionMessage assistant = streamed.choices().get(0).message();
        ChatCompletionCreateParams withResult = ask.toBuilder().addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_c91SqDXlYFuETYv8mUHzz6pp")
                        .content("{\"temperature\":12}").build())
                .build();
        ChatCompletion answer = client.chat().completions().create(withResult);

        assertThat(answer.choices().get(0).message().content().orElseThrow()).startsWith("I'm unable to provide");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode messages = lastUpstreamBody().path("messages");
        assertThat(messages).hasSize(3);
        JsonNode sentCall = messages.path(1).path("tool_calls").path(0);
        assertThat(messages.path(1).path("role").asString()).isEqualTo("assistant");
        assertThat(sentCall.path("id").asString()).isEqualTo("call_c91SqDXlYFuETYv8mUHzz6pp");
        assertThat(sentCall.path("type").asString()).isEqualTo("function");
        assertThat(sentCall.path("function").path("name").asString()).isEqualTo("GetWeatherArgs");
        assertThat(sentCall.path("function").path("arguments").asString())
                .isEqualTo("{\"city\":\"Edinburgh\",\"country\":\"UK\",\"units\":\"c\"}");
        assertThat(messages.path(2).path("role").asString()).isEqualTo("tool");
        assertThat(messages.path(2).path("tool_call_id").asString()).isEqualTo("call_c91SqDXlYFuETYv8mUHzz6pp");
        assertThat(messages.path(2).path("content").asString()).isEqualTo("{\"temperature\":12}");
    }

    /** A tool result whose call is not in the history, and arguments that are not JSON: the door's 400. */
    @Test
    void brokenToolHistoryIsRefusedWithTheParameterNamed() {
        ChatCompletionCreateParams orphan = ask("openai/gpt-4o", "hi").toBuilder()
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_nobody").content("12").build())
                .build();
        ChatCompletionCreateParams customTool = ask("openai/gpt-4o", "hi").toBuilder()
                .addCustomTool(ChatCompletionCustomTool.Custom.builder().name("grammar").build())
                .build();
        int before = UPSTREAM.requests().size();

        assertThatThrownBy(() -> client.chat().completions().create(orphan))
                .isInstanceOfSatisfying(BadRequestException.class, refused ->
                        assertThat(refused.getMessage()).contains("toolCallId"));
        assertThatThrownBy(() -> client.chat().completions().create(customTool))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.code()).hasValue("unsupported_parameter");
                    assertThat(refused.param()).hasValue("tools[0]");
                });
        assertThat(UPSTREAM.requests()).hasSize(before);
    }

    private static JsonNode lastUpstreamBody() {
        List<FakeUpstream.Recorded> sent = UPSTREAM.requests();
        return JsonMapper.builder().build().readTree(sent.get(sent.size() - 1).body());
    }

    /** A provider that fails after the first tokens: the SDK throws, after the text that did arrive. */
    @Test
    void providerFailureMidStreamIsAnExceptionNotAShortAnswer() throws IOException {
        byte[] partialThenError = Files.readAllBytes(TestTranscripts.dir("openai").resolve("inband-error.sse"));
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", List.of(partialThenError)));
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("openai/gpt-4o-mini", "hi"))) {
            assertThatThrownBy(() -> stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(choice -> choice.delta().content().ifPresent(text::append))))
                    .isInstanceOfSatisfying(SseException.class, failed -> {
                        assertThat(failed.code()).hasValue("upstream_error");
                        assertThat(failed.type()).hasValue("server_error");
                        // The upstream's message carried a key: the gateway's own words reach the client instead.
                        assertThat(failed.getMessage()).doesNotContain("SECRET");
                    });
        }
        assertThat(text).hasToString("Partial");
    }

    /** A stream the upstream cuts after its first token (no terminator): also an exception, never a quiet end. */
    @Test
    void upstreamCutMidStreamIsAnException() {
        String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"},\"finish_reason\":null}]}\n\n";
        UPSTREAM.answer(request -> new FakeUpstream.Reply(200, Map.of("Content-Type", "text/event-stream"),
                List.of(first.getBytes(StandardCharsets.UTF_8)), java.time.Duration.ZERO, false, true));

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("openai/gpt-4o-mini", "hi"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            assertThat(chunks.next().choices().get(0).delta().content()).hasValue("Half");
            assertThatThrownBy(() -> chunks.forEachRemaining(chunk -> { }))
                    .isInstanceOfSatisfying(SseException.class,
                            failed -> assertThat(failed.code()).hasValue("truncated"));
        }
    }

    @Test
    void closingTheStreamClosesTheUpstreamWithinOneSecond() {
        String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(first).heldOpen());

        StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("openai/gpt-4o-mini", "hi"));
        List<String> received = new ArrayList<>();
        Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
        chunks.next().choices().forEach(choice -> choice.delta().content().ifPresent(received::add));
        assertThat(received).containsExactly("Hi");
        FakeUpstream.Recorded upstream = UPSTREAM.requests().get(0);
        assertThat(upstream.closed()).isNotDone();

        stream.close();

        await().atMost(1, TimeUnit.SECONDS).until(() -> upstream.closed().isDone());
    }

    @Test
    void aWrongKeyIsRefusedInOpenAisShape() {
        assertThatThrownBy(() -> sdk("sk-not-a-key").chat().completions().create(ask("echo/echo", "hi")))
                .isInstanceOfSatisfying(UnauthorizedException.class, refused -> {
                    assertThat(refused.code()).hasValue("unauthorized");
                    assertThat(refused.type()).hasValue("authentication_error");
                });
    }

    @Test
    void anUnknownModelIsABadRequestNamingWhatIsServed() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("nope/model", "hi")))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.code()).hasValue("unknown_model");
                    assertThat(refused.getMessage()).contains("echo/*");
                });
    }

    @Test
    void modelsAreListed() {
        assertThat(client.models().list().data()).extracting(model -> model.id()).contains("echo/echo");
    }

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + port + "/v1")
                .maxRetries(0).build();
    }

    private static ChatCompletionCreateParams ask(String model, String prompt) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
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
