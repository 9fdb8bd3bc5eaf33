package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.stream.ClientConnection;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.support.FakeClientConnection;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.netty.channel.AbortedException;
import reactor.test.StepVerifier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The translation of our frames into the AI SDK's UI message chunks, frame by frame. */
class UiMessageChunksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GENERATION = "pb4VJ3mE0n9Ew2mxqz3Yfg";

    private final UiMessageChunks chunks = new UiMessageChunks();
    private int seq;

    @Test
    void tokensAreOneTextPartClosedBeforeTheFinish() {
        List<String> out = feed(token("Hel"), token("lo"), done("stop"));

        assertThat(out).containsExactly(
                "{\"type\":\"text-start\",\"id\":\"text-1\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"Hel\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"lo\"}",
                "{\"type\":\"text-end\",\"id\":\"text-1\"}",
                "{\"type\":\"finish-step\"}",
                "{\"type\":\"finish\",\"finishReason\":\"stop\"}");
        assertThat(chunks.ended()).isTrue();
    }

    @Test
    void theOpeningNamesTheMessageAfterTheGeneration() {
        assertThat(UiMessageChunks.opening(GENERATION)).containsExactly(
                "data: {\"type\":\"start\",\"messageId\":\"" + GENERATION + "\"}\n\n", "data: {\"type\":\"start-step\"}\n\n");
    }

    @Test
    void aToolCallStreamsItsInputAndEndsWithItParsed() {
        List<String> out = feed(token("Let me look."),
                frame("tool_start", "{\"index\":0,\"id\":\"call_1\",\"name\":\"get_weather\"}"),
                frame("tool_delta", "{\"index\":0,\"arguments\":\"{\\\"ci\"}"),
                frame("tool_delta", "{\"index\":0,\"arguments\":\"ty\\\":\\\"Paris\\\"}\"}"),
                frame("tool_end", "{\"index\":0}"), done("tool_calls"));

        assertThat(out).containsExactly(
                "{\"type\":\"text-start\",\"id\":\"text-1\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"Let me look.\"}",
                "{\"type\":\"text-end\",\"id\":\"text-1\"}",
                "{\"type\":\"tool-input-start\",\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\"}",
                "{\"type\":\"tool-input-delta\",\"toolCallId\":\"call_1\",\"inputTextDelta\":\"{\\\"ci\"}",
                "{\"type\":\"tool-input-delta\",\"toolCallId\":\"call_1\",\"inputTextDelta\":\"ty\\\":\\\"Paris\\\"}\"}",
                "{\"type\":\"tool-input-available\",\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\","
                        + "\"input\":{\"city\":\"Paris\"}}",
                "{\"type\":\"finish-step\"}",
                "{\"type\":\"finish\",\"finishReason\":\"tool-calls\"}");
    }

    @Test
    void aCallWithoutIdGetsOneAndArgumentsThatAreNotJsonAreAnInputError() {
        List<String> out = feed(frame("tool_start", "{\"index\":0,\"id\":null,\"name\":\"lookup\"}"),
                frame("tool_delta", "{\"index\":0,\"arguments\":\"{\\\"q\\\":\"}"),
                frame("tool_end", "{\"index\":0}"),
                frame("tool_start", "{\"index\":1,\"name\":\"now\"}"),
                frame("tool_end", "{\"index\":1}"), done("length"));

        assertThat(json(out.get(0)).path("toolCallId").asString()).isEqualTo("tool-1");
        JsonNode error = json(out.get(2));
        assertThat(error.path("type").asString()).isEqualTo("tool-input-error");
        assertThat(error.path("input").asString()).isEqualTo("{\"q\":");
        assertThat(error.path("errorText").asString()).isNotBlank();
        JsonNode empty = json(out.get(4));
        assertThat(empty.path("toolCallId").asString()).isEqualTo("tool-2");
        assertThat(empty.path("input").isObject()).isTrue();
        assertThat(empty.path("input").size()).isZero();
        assertThat(json(out.get(out.size() - 1)).path("finishReason").asString()).isEqualTo("length");
    }

    @Test
    void reasoningIsItsOwnPartBeforeTheText() {
        List<String> out = feed(frame("reasoning_start", "{}"),
                frame("reasoning_delta", "{\"text\":\"Think\"}"),
                frame("reasoning_end", "{}"),
                token("Answer"), done("stop"));

        assertThat(out).startsWith(
                "{\"type\":\"reasoning-start\",\"id\":\"reasoning-1\"}",
                "{\"type\":\"reasoning-delta\",\"id\":\"reasoning-1\",\"delta\":\"Think\"}",
                "{\"type\":\"reasoning-end\",\"id\":\"reasoning-1\"}",
                "{\"type\":\"text-start\",\"id\":\"text-2\"}");
    }

    @Test
    void reasoningWithoutItsStartOrEndIsStillOnePartClosedByTheText() {
        List<String> out = feed(frame("reasoning_delta", "{\"text\":\"a\"}"), frame("reasoning_delta", "{\"text\":\"b\"}"),
                token("c"));

        assertThat(out).containsExactly(
                "{\"type\":\"reasoning-start\",\"id\":\"reasoning-1\"}",
                "{\"type\":\"reasoning-delta\",\"id\":\"reasoning-1\",\"delta\":\"a\"}",
                "{\"type\":\"reasoning-delta\",\"id\":\"reasoning-1\",\"delta\":\"b\"}",
                "{\"type\":\"reasoning-end\",\"id\":\"reasoning-1\"}",
                "{\"type\":\"text-start\",\"id\":\"text-2\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-2\",\"delta\":\"c\"}");
    }

    @Test
    void ourFinishReasonsMapToTheAiSdksAndAStopIsAnAbort() {
        assertThat(lastOf(done("content_filter"))).isEqualTo("{\"type\":\"finish\",\"finishReason\":\"content-filter\"}");
        assertThat(lastOf(done("something_new"))).isEqualTo("{\"type\":\"finish\",\"finishReason\":\"other\"}");
        assertThat(lastOf(done("stopped"))).isEqualTo("{\"type\":\"abort\",\"reason\":\"stopped\"}");
    }

    /** Usage is message metadata: on finish; before abort and error, which have no place for it, its own chunk. */
    @Test
    void usageIsTheMessagesMetadataOnEveryEnd() {
        String usage = "{\"inputTokens\":25,\"outputTokens\":3,\"cacheReadTokens\":10,\"estimated\":true}";
        String metadata = "{\"usage\":" + usage + "}";

        assertThat(lastOf(frame(null, "{\"done\":true,\"finishReason\":\"stop\",\"usage\":" + usage + "}")))
                .isEqualTo("{\"type\":\"finish\",\"finishReason\":\"stop\",\"messageMetadata\":" + metadata + "}");
        assertThat(new UiMessageChunks().translate(frame(null,
                "{\"done\":true,\"finishReason\":\"stopped\",\"usage\":" + usage + "}"))).containsExactly(
                "data: {\"type\":\"finish-step\"}\n\n",
                "data: {\"type\":\"message-metadata\",\"messageMetadata\":" + metadata + "}\n\n",
                "data: {\"type\":\"abort\",\"reason\":\"stopped\"}\n\n");
        assertThat(new UiMessageChunks().translate(frame(null,
                "{\"error\":{\"code\":\"cancelled\",\"message\":\"gone\",\"retryable\":true},\"usage\":" + usage + "}")))
                .containsExactly("data: {\"type\":\"message-metadata\",\"messageMetadata\":" + metadata + "}\n\n",
                        "data: {\"type\":\"error\",\"errorText\":\"cancelled: gone\"}\n\n");
    }

    @Test
    void anErrorClosesTheOpenPartAndCarriesOurCodeAndMessage() {
        List<String> out = feed(token("Hi"),
                frame(null, "{\"error\":{\"code\":\"idle_timeout\",\"message\":\"the provider went silent\",\"retryable\":true}}"));

        assertThat(out).endsWith("{\"type\":\"text-end\",\"id\":\"text-1\"}",
                "{\"type\":\"error\",\"errorText\":\"idle_timeout: the provider went silent\"}");
        assertThat(chunks.ended()).isTrue();
    }

    @Test
    void pingsAreCommentsAndTheRetryHintAndUnknownEventsAreNothing() {
        assertThat(chunks.translate(SseFrame.of(null, "ping", "keep-alive"))).containsExactly(": keep-alive\n\n");
        assertThat(chunks.translate(SseFrame.retry(Duration.ofSeconds(3)))).isEmpty();
        assertThat(chunks.translate(frame("usage_update", "{\"x\":1}"))).isEmpty();
        assertThat(chunks.ended()).isFalse();
        assertThat(chunks.cut()).isFalse();
    }

    @Test
    void aFrameWithoutIdIsTheGatewayEndingThisClientNotAnError() {
        List<String> out = chunks.translate(SseFrame.of(null, null,
                "{\"error\":{\"code\":\"slow_client\",\"message\":\"resume\",\"retryable\":true}}"));

        assertThat(out).isEmpty();
        assertThat(chunks.cut()).isTrue();
        assertThat(chunks.ended()).isFalse();
    }

    @Test
    void textThatCouldBreakTheFramingStaysInsideOneDataLine() {
        String nasty = "a\nb\r\ndata: x\n\n\u2028\u0000\"\\😀";
        List<String> events = chunks.translate(token(nasty));

        assertThat(events).allSatisfy(event -> {
            assertThat(event).startsWith("data: ").endsWith("\n\n");
            assertThat(event.substring(0, event.length() - 2)).doesNotContain("\n", "\r");
        });
        assertThat(json(events.get(1).substring("data: ".length())).path("delta").asString()).isEqualTo(nasty);
    }

    @Test
    void aCompleteAnswerEndsWithDone() {
        Flux<byte[]> bytes = UiMessageStream.of(GENERATION, Flux.just(SseFrame.retry(Duration.ofSeconds(3)),
                token("x"), done("stop")));

        StepVerifier.create(bytes.map(String::new).collectList())
                .assertNext(events -> assertThat(events).hasSize(8).last().isEqualTo("data: [DONE]\n\n"))
                .verifyComplete();
    }

    /**
     * An answer that does not end on this connection (a cut client, a hand-off at shutdown) resets it: a clean
     * end would read as a complete, short answer to the AI SDK, a reset as the network failure it resumes after.
     */
    @Test
    void anAnswerThatDoesNotEndHereResetsTheConnection() {
        FakeClientConnection connection = FakeClientConnection.keepingUp();
        Flux<byte[]> handedOff = UiMessageStream.of(GENERATION, Flux.just(token("x"), SseFrame.retry(Duration.ofMillis(500))))
                .contextWrite(context -> context.put(ClientConnection.class, connection));

        StepVerifier.create(handedOff).expectNextCount(4).verifyError(AbortedException.class);
        assertThat(connection.resets()).hasValue(1);
    }

    private List<String> feed(SseFrame... frames) {
        List<String> out = new ArrayList<>();
        for (SseFrame frame : frames) {
            for (String event : chunks.translate(frame)) {
                assertThat(event).startsWith("data: ").endsWith("\n\n");
                out.add(event.substring("data: ".length(), event.length() - 2));
            }
        }
        return out;
    }

    private String lastOf(SseFrame frame) {
        List<String> out = feed(frame);
        return out.get(out.size() - 1);
    }

    private SseFrame token(String text) {
        return frame(null, JSON.writeValueAsString(java.util.Map.of("token", text)));
    }

    private SseFrame done(String finishReason) {
        return frame(null, "{\"done\":true,\"finishReason\":\"" + finishReason + "\"}");
    }

    private SseFrame frame(String event, String data) {
        return SseFrame.of(GENERATION + "." + ++seq, event, data);
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
