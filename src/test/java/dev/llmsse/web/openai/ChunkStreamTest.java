package dev.llmsse.web.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.llmsse.stream.SseFrame;
import dev.llmsse.support.OpenAiStreamConformance;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The translation of the core's frames, one case per kind of frame, including those an end-to-end test cannot
 * easily provoke: the hand-off hint of a shutdown and the error frames the gateway sends one client alone.
 */
class ChunkStreamTest {

    private static final String GEN = "pb4VJ3mE0n9Ew2mxqz3Yfg";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void tokensToolCallsAndTheEndBecomeChunksUsageAndDone() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(null, "ping", "keep-alive"),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hel\\n\\u2028\\\"\"}"),
                SseFrame.of(GEN + ".2", "tool_start", "{\"index\":0,\"id\":\"call_1\",\"name\":\"get_weather\"}"),
                SseFrame.of(GEN + ".3", "tool_delta", "{\"index\":0,\"arguments\":\"{\\\"city\\\":\"}"),
                SseFrame.of(GEN + ".4", "tool_end", "{\"index\":0}"),
                SseFrame.of(GEN + ".5", null,
                        "{\"done\":true,\"finishReason\":\"tool_calls\",\"usage\":{\"inputTokens\":3,\"outputTokens\":4,\"reasoningTokens\":2}}"));

        assertThat(wire).startsWith(": keep-alive\nid: " + GEN + ".1\n").doesNotContain("retry");
        OpenAiStreamConformance.Stream stream = OpenAiStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.text()).isEqualTo("Hel\n\u2028\"");
        assertThat(stream.finishReason()).isEqualTo("tool_calls");
        assertThat(stream.usage().toString()).isEqualTo(
                "{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7,\"completion_tokens_details\":{\"reasoning_tokens\":2}}");
        // tool_end has no chunk of its own; the end's group carries its id on its last chunk.
        assertThat(stream.ids()).extracting(OpenAiStreamConformance.Identified::id)
                .containsExactly(GEN + ".1", GEN + ".2", GEN + ".3", GEN + ".5");
        List<JsonNode> calls = chunks(wire).stream().map(chunk -> chunk.path("choices").path(0).path("delta"))
                .filter(delta -> delta.has("tool_calls")).map(delta -> delta.get("tool_calls").get(0)).toList();
        assertThat(calls.get(0).toString()).isEqualTo(
                "{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}");
        assertThat(calls.get(1).toString()).isEqualTo("{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}");
    }

    @Test
    void reasoningBecomesReasoningContentDeltasAndItsStartAndEndAreLeftOut() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", "reasoning_start", "{}"),
                SseFrame.of(GEN + ".2", "reasoning_delta", "{\"text\":\"Hm\\n\u00e9\"}"),
                SseFrame.of(GEN + ".3", "reasoning_delta", "{\"text\":\" so\"}"),
                SseFrame.of(GEN + ".4", "reasoning_end", "{}"),
                SseFrame.of(GEN + ".5", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(GEN + ".6", null, "{\"done\":true,\"finishReason\":\"stop\"}"));

        OpenAiStreamConformance.Stream stream = OpenAiStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.text()).isEqualTo("Hi");
        List<JsonNode> deltas = chunks(wire).stream().map(chunk -> chunk.path("choices").path(0).path("delta"))
                .filter(delta -> delta.has("reasoning_content")).toList();
        assertThat(deltas).extracting(JsonNode::toString).containsExactly(
                "{\"role\":\"assistant\",\"reasoning_content\":\"Hm\\n\u00e9\"}", "{\"reasoning_content\":\" so\"}");
        assertThat(stream.ids()).extracting(OpenAiStreamConformance.Identified::id)
                .containsExactly(GEN + ".2", GEN + ".3", GEN + ".5", GEN + ".6");
    }

    /** The spliced text chunk and the mapper's chunks have one shape: the first names the role, as OpenAI's does. */
    @Test
    void theSplicedTextChunkIsTheMappersShape() {
        ChunkJson chunks = ChunkJson.of("chatcmpl-x", "echo/\"echo\"", 7);

        JsonNode text = JSON.readTree(chunks.text("a\\\"b", true));
        JsonNode finish = JSON.readTree(chunks.finish("stop", true));

        assertThat(text.propertyNames()).containsExactlyElementsOf(finish.propertyNames());
        assertThat(text.path("model").asString()).isEqualTo("echo/\"echo\"");
        assertThat(text.path("choices").path(0).propertyNames())
                .containsExactlyElementsOf(finish.path("choices").path(0).propertyNames());
        assertThat(text.path("choices").path(0).path("delta").toString())
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"a\\\"b\"}");
        assertThat(text.path("choices").path(0).get("finish_reason").isNull()).isTrue();
    }

    /** A token's event is spliced from bytes; it must be exactly the event the string path writes. */
    @Test
    void aTokensSplicedEventIsTheStringPathsEventByteForByte() {
        String escaped = "Gr\u00fc\u00df \\\"\u4e16\ud83d\ude42\\n";
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"" + escaped + "\"}"),
                SseFrame.of(GEN + ".2", null, "{\"token\":\"" + escaped + "\"}"));

        ChunkJson chunks = ChunkJson.of("chatcmpl-" + GEN, "echo/echo", 1);
        assertThat(wire).isEqualTo("id: " + GEN + ".1\ndata: " + chunks.text(escaped, true) + "\n\n"
                + "id: " + GEN + ".2\ndata: " + chunks.text(escaped, false) + "\n\n");
    }

    /** A logged failure is the answer's end: resuming would replay it, so it names no resume point. */
    @Test
    void aFailureIsAnErrorEventWithoutDone() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(GEN + ".2", null,
                        "{\"error\":{\"code\":\"upstream_unavailable\",\"message\":\"the provider failed\",\"retryable\":true}}"));

        OpenAiStreamConformance.Stream stream = OpenAiStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.error().toString()).isEqualTo("{\"message\":\"the provider failed\",\"type\":\"server_error\","
                + "\"param\":null,\"code\":\"upstream_unavailable\",\"retryable\":true}");
        assertThat(wire).doesNotContain("[DONE]");
    }

    /** The usage known when the answer failed is OpenAI's usage chunk, just before the error; cache tokens are in it. */
    @Test
    void aFailureWithUsageSoFarSendsTheUsageChunkBeforeTheError() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(GEN + ".2", null, "{\"error\":{\"code\":\"idle_timeout\",\"message\":\"the provider went "
                        + "silent\",\"retryable\":true},\"usage\":{\"inputTokens\":25,\"outputTokens\":1,"
                        + "\"cacheReadTokens\":10,\"cacheWriteTokens\":5,\"estimated\":true}}"));

        OpenAiStreamConformance.Stream stream = OpenAiStreamConformance.assertWellFormed(utf8(wire));
        assertThat(stream.error().path("code").asString()).isEqualTo("idle_timeout");
        // OpenAI counts cached tokens in prompt_tokens and names the ones read from its cache.
        assertThat(stream.usage().toString()).isEqualTo("{\"prompt_tokens\":40,\"completion_tokens\":1,"
                + "\"total_tokens\":41,\"prompt_tokens_details\":{\"cached_tokens\":10}}");
        assertThat(wire.indexOf("\"usage\"")).isLessThan(wire.indexOf("\"error\""));
    }

    /** The gateway cut this client alone (no id): the error names the last event it got, to resume from. */
    @Test
    void aClientCutByTheGatewayIsToldWhereToResume() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.of(null, null, "{\"error\":{\"code\":\"slow_client\",\"message\":\"resume\",\"retryable\":true}}"));

        JsonNode error = OpenAiStreamConformance.assertWellFormed(utf8(wire)).error();
        assertThat(error.path("code").asString()).isEqualTo("slow_client");
        assertThat(error.path("last_event_id").asString()).isEqualTo(GEN + ".1");
    }

    /** A shutdown hands the client to another replica: OpenAI's clients do not reconnect, so it is an error. */
    @Test
    void aHandOffIsARetryableErrorNotAQuietEnd() {
        String wire = translate(SseFrame.retry(Duration.ofSeconds(3)),
                SseFrame.of(GEN + ".1", null, "{\"token\":\"Hi\"}"),
                SseFrame.retry(Duration.ofMillis(100)));

        JsonNode error = OpenAiStreamConformance.assertWellFormed(utf8(wire)).error();
        assertThat(error.path("code").asString()).isEqualTo("shutdown");
        assertThat(error.path("retryable").asBoolean()).isTrue();
        assertThat(error.path("last_event_id").asString()).isEqualTo(GEN + ".1");
    }

    private static String translate(SseFrame... frames) {
        List<byte[]> out = ChunkStream.of(Flux.just(frames), "echo/echo", 1).collectList().block();
        StringBuilder wire = new StringBuilder();
        out.forEach(bytes -> wire.append(new String(bytes, StandardCharsets.UTF_8)));
        return wire.toString();
    }

    private static List<JsonNode> chunks(String wire) {
        return wire.lines().filter(line -> line.startsWith("data: {\"id\""))
                .map(line -> JSON.readTree(line.substring("data: ".length()))).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
