package dev.llmsse.web.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.llmsse.stream.EventId;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.support.AnthropicStreamConformance;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The translation of the core's frames into Anthropic's events, one case per kind of frame, including those an
 * end-to-end test cannot easily provoke: interleaved parallel tool calls, a call without arguments, the hand-off
 * hint of a shutdown, the error frames the gateway sends one client alone, and a resume in the middle of a block.
 */
class MessageEventsTest {

    private static final String GEN = "pb4VJ3mE0n9Ew2mxqz3Yfg";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<SseFrame> TEXT_THEN_TOOLS = List.of(SseFrame.retry(Duration.ofSeconds(3)),
            SseFrame.of(null, "ping", "keep-alive"),
            SseFrame.of(GEN + ".1", null, "{\"token\":\"Hel\\n\\u2028\\\"\"}"),
            SseFrame.of(GEN + ".2", "reasoning_delta", "{\"text\":\"hidden\"}"),
            SseFrame.of(GEN + ".3", "tool_start", "{\"index\":0,\"id\":\"call_1\",\"name\":\"get_weather\"}"),
            SseFrame.of(GEN + ".4", "tool_start", "{\"index\":1,\"name\":\"no_arguments\"}"),
            SseFrame.of(GEN + ".5", "tool_delta", "{\"index\":0,\"arguments\":\"{\\\"city\\\":\"}"),
            SseFrame.of(GEN + ".6", "tool_delta", "{\"index\":0,\"arguments\":\"\\\"K\\\"}\"}"),
            SseFrame.of(GEN + ".7", "tool_end", "{\"index\":0}"),
            SseFrame.of(GEN + ".8", null,
                    "{\"done\":true,\"finishReason\":\"tool_calls\",\"usage\":{\"inputTokens\":3,\"outputTokens\":4}}"));

    @Test
    void textToolCallsAndTheEndBecomeBlocksAndTheMessagesEnd() {
        String wire = translate(TEXT_THEN_TOOLS, null);

        assertThat(wire).startsWith("event: ping\ndata: {\"type\":\"ping\"}\n\nevent: message_start\n")
                .doesNotContain("retry").doesNotContain("hidden");
        AnthropicStreamConformance.Stream stream = AnthropicStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.messageId()).isEqualTo("msg_" + GEN);
        assertThat(stream.text()).isEqualTo("Hel\n\u2028\"");
        assertThat(stream.tools()).containsExactly(
                new AnthropicStreamConformance.Tool("call_1", "get_weather", "{\"city\":\"K\"}"),
                // No id from the provider: one made up from the message's; no arguments: an empty fragment only.
                new AnthropicStreamConformance.Tool("toolu_" + GEN + "_2", "no_arguments", ""));
        assertThat(stream.stopReason()).isEqualTo("tool_use");
        assertThat(stream.usage().toString()).isEqualTo("{\"input_tokens\":3,\"output_tokens\":4}");
        // The reasoning frame has no event here; the end's group carries its id on message_stop.
        assertThat(stream.ids()).containsExactly(GEN + ".1", GEN + ".3", GEN + ".4", GEN + ".5", GEN + ".6",
                GEN + ".7", GEN + ".8");
        JsonNode start = events(wire).get(1);
        assertThat(start.toString()).isEqualTo("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + GEN
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"echo/echo\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}");
    }

    /** Resumed after an id, the answer replayed from its start gives exactly the rest, its blocks' numbers kept. */
    @Test
    void aResumeSendsOnlyWhatFollowsTheClientsLastEvent() {
        String full = translate(TEXT_THEN_TOOLS, null);
        AnthropicStreamConformance.Stream whole = AnthropicStreamConformance.assertWellFormed(utf8(full));
        for (String id : whole.ids()) {
            String rest = translate(TEXT_THEN_TOOLS, EventId.parse(id));

            AnthropicStreamConformance.Stream joined = AnthropicStreamConformance.assertContinues(whole, id, utf8(rest));
            assertThat(joined.text()).isEqualTo(whole.text());
            assertThat(joined.tools()).isEqualTo(whole.tools());
            assertThat(joined.ids()).isEqualTo(whole.ids());
        }
        // After the end there is nothing left, not even a heartbeat.
        assertThat(translate(TEXT_THEN_TOOLS, EventId.parse(GEN + ".8"))).isEmpty();
    }

    /** A failure the core logged is the answer's last event; the text before it stays delivered. */
    @Test
    void aLoggedFailureIsAnErrorEventWithItsId() {
        String wire = translate(List.of(SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(GEN + ".2", null,
                        "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\",\"retryable\":true}}")), null);

        assertThat(wire).endsWith("id: " + GEN + ".2\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                + "\"rate_limit_error\",\"message\":\"slow down\",\"code\":\"rate_limited\",\"retryable\":true}}\n\n");
        AnthropicStreamConformance.Stream stream = AnthropicStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.text()).isEqualTo("Hi");
    }

    /** Ended for this client alone (no id), or handed off by a replica shutting down: resumable from the last id. */
    @Test
    void anEndForThisClientAloneNamesTheLastEventToResumeFrom() {
        String cut = translate(List.of(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(null, null, "{\"error\":{\"code\":\"slow_client\",\"message\":\"too slow\",\"retryable\":true}}")),
                null);
        String handedOff = translate(List.of(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"), SseFrame.retry(Duration.ofMillis(100))), null);

        for (String wire : List.of(cut, handedOff)) {
            AnthropicStreamConformance.Stream stream = AnthropicStreamConformance.assertWellFormed(utf8(wire));
            assertThat(stream.error().path("last_event_id").asString()).isEqualTo(GEN + ".1");
            assertThat(stream.error().path("retryable").asBoolean()).isTrue();
            assertThat(stream.error().path("type").asString()).isEqualTo("api_error");
        }
        assertThat(handedOff).contains("\"code\":\"shutdown\"");
    }

    /** A failure before any part of the answer is the error event alone, as Anthropic sends one. */
    @Test
    void aFailureBeforeTheAnswerIsTheErrorAlone() {
        String wire = translate(List.of(SseFrame.retry(Duration.ofSeconds(3)), SseFrame.of(GEN + ".1", null,
                "{\"error\":{\"code\":\"upstream_unavailable\",\"message\":\"down\",\"retryable\":true}}")), null);

        assertThat(wire).startsWith("id: " + GEN + ".1\nevent: error\n").doesNotContain("message_start")
                .contains("\"type\":\"overloaded_error\"");
    }

    private static String translate(List<SseFrame> frames, EventId resumeAfter) {
        return String.join("", MessageEvents.of(Flux.fromIterable(frames), "echo/echo", resumeAfter)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).collectList().block());
    }

    private static List<JsonNode> events(String wire) {
        return wire.lines().filter(line -> line.startsWith("data: ")).map(line -> JSON.readTree(line.substring(6)))
                .toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
