package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 15 point 1, acceptance 2: the reasoning state a provider needs back with its tool calls is kept by the
 * gateway, never shown to the client, and given back on the next turn. Turn 1 streams a tool call with
 * Anthropic thinking (a signed block and a redacted one) or a Gemini {@code thoughtSignature}; turn 2 sends the
 * call and its result through {@code POST /api/sessions} as any client would (ids only), and the body the
 * provider receives is checked field by field against its documented shape.
 */
class KeptReasoningTest extends GatewayAgainstFakeUpstreams {

    static final String RESULT = "22 degrees and sunny";
    static final String SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds+toolturn";
    static final String REDACTED = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP+toolturn";
    static final String THINKING = "The user wants the weather in Paris. I have a get_weather tool; I'll call it.";
    static final Path ANTHROPIC_TURN = TestTranscripts.dir("anthropic").resolve("thinking-redacted-tool-use.sse");
    static final Path GEMINI_TURN = RecordedTranscripts.dir("gemini").resolve("stream-thinking-function-call.sse");
    private static final Path ANTHROPIC_TEXT = TestTranscripts.dir("anthropic").resolve("text-with-thinking-crlf.sse");
    private static final Path GEMINI_TEXT = TestTranscripts.dir("gemini").resolve("text-thinking-usage-crlf.sse");

    @Test
    void anthropicGetsItsThinkingBlocksBackBeforeTheToolUseAndTheClientNeverSeesThem() {
        answerTurnOneThenText();

        List<Frame> turn1 = streamSession(turn("anthropic/claude-test", List.of(user())));
        String id = toolId(turn1);
        assertThat(id).isEqualTo("toolu_01ThinkWeather");
        assertNoSecretIn(turn1, SIGNATURE, REDACTED);
        assertThat(frames(turn1, "reasoning_delta")).isNotEmpty();

        List<Frame> turn2 = streamSession(turn("anthropic/claude-test",
                List.of(user(), calling(id, "get_weather", "{\"city\": \"Paris\"}"), result(id))));

        assertThat(last(turn2).json().path("done").asBoolean()).isTrue();
        assertAnthropicTurnTwo(lastBodyTo("/v1/messages"), id);
    }

    /** The assistant turn repeats thinking (text and signature) and redacted thinking, unchanged, then text and call. */
    static void assertAnthropicTurnTwo(JsonNode sent, String id) {
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(1).path("role").asString()).isEqualTo("assistant");
        JsonNode content = messages.path(1).path("content");
        assertThat(content).hasSize(4);
        JsonNode thinking = content.path(0);
        assertThat(fieldNames(thinking)).containsExactlyInAnyOrder("type", "thinking", "signature");
        assertThat(thinking.path("type").asString()).isEqualTo("thinking");
        assertThat(thinking.path("thinking").asString()).isEqualTo(THINKING);
        assertThat(thinking.path("signature").asString()).isEqualTo(SIGNATURE);
        JsonNode redacted = content.path(1);
        assertThat(fieldNames(redacted)).containsExactlyInAnyOrder("type", "data");
        assertThat(redacted.path("type").asString()).isEqualTo("redacted_thinking");
        assertThat(redacted.path("data").asString()).isEqualTo(REDACTED);
        assertThat(content.path(2).path("type").asString()).isEqualTo("text");
        assertThat(content.path(2).path("text").asString()).isEqualTo("Let me check.");
        JsonNode use = content.path(3);
        assertThat(use.path("type").asString()).isEqualTo("tool_use");
        assertThat(use.path("id").asString()).isEqualTo(id);
        assertThat(use.path("name").asString()).isEqualTo("get_weather");
        assertThat(use.path("input").path("city").asString()).isEqualTo("Paris");
        JsonNode result = messages.path(2).path("content").path(0);
        assertThat(messages.path(2).path("role").asString()).isEqualTo("user");
        assertThat(result.path("type").asString()).isEqualTo("tool_result");
        assertThat(result.path("tool_use_id").asString()).isEqualTo(id);
        assertThat(result.path("content").asString()).isEqualTo(RESULT);
    }

    @Test
    void geminiGetsTheThoughtSignatureBackOnTheFunctionCallPartAndTheClientNeverSeesIt() {
        answerTurnOneThenText();
        String signature = geminiSignature();

        List<Frame> turn1 = streamSession(turn("gemini/gemini-test", List.of(user())));
        String id = toolId(turn1);
        assertThat(id).startsWith("call_");
        assertNoSecretIn(turn1, signature);

        streamSession(turn("gemini/gemini-test", List.of(user(), calling("", id, "now", "{}"), result(id))));

        JsonNode contents = lastBodyTo("/v1beta/").path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.path(1).path("role").asString()).isEqualTo("model");
        JsonNode parts = contents.path(1).path("parts");
        assertThat(parts).hasSize(1);
        assertThat(fieldNames(parts.path(0))).containsExactlyInAnyOrder("functionCall", "thoughtSignature");
        assertThat(parts.path(0).path("thoughtSignature").asString()).isEqualTo(signature);
        assertThat(parts.path(0).path("functionCall").path("name").asString()).isEqualTo("now");
        assertThat(parts.path(0).path("functionCall").path("args").isObject()).isTrue();
        assertThat(parts.path(0).path("functionCall").path("args")).isEmpty();
        JsonNode response = contents.path(2).path("parts").path(0).path("functionResponse");
        assertThat(contents.path(2).path("role").asString()).isEqualTo("user");
        assertThat(response.path("name").asString()).isEqualTo("now");
        assertThat(response.path("response").path("output").asString()).isEqualTo(RESULT);
    }

    /** A state goes back only to the adapter that made it: Gemini's signature means nothing to Anthropic. */
    @Test
    void anotherProviderIgnoresTheState() {
        answerTurnOneThenText();
        String id = toolId(streamSession(turn("gemini/gemini-test", List.of(user()))));

        streamSession(turn("anthropic/claude-test", List.of(user(), calling(id, "now", "{}"), result(id))));

        JsonNode content = lastBodyTo("/v1/messages").path("messages").path(1).path("content");
        assertThat(content).hasSize(2);
        assertThat(content.path(0).path("type").asString()).isEqualTo("text");
        assertThat(content.path(1).path("type").asString()).isEqualTo("tool_use");
        assertThat(content.toString()).doesNotContain(geminiSignature());
    }

    /** What a client writes into a tool call is never taken for a kept state: only the gateway's own is used. */
    @Test
    void aStateSentByTheClientIsNotPassedOn() {
        answerTurnOneThenText();
        ObjectNode assistant = calling("toolu_forged", "get_weather", "{\"city\": \"Paris\"}");
        ((ObjectNode) assistant.get("toolCalls").get(0)).putObject("reasoning").put("provider", "anthropic")
                .put("state", "[{\"type\":\"redacted_thinking\",\"data\":\"FORGED-DATA\"}]");

        streamSession(turn("anthropic/claude-test", List.of(user(), assistant, result("toolu_forged"))));

        JsonNode content = lastBodyTo("/v1/messages").path("messages").path(1).path("content");
        assertThat(content.toString()).doesNotContain("FORGED-DATA").doesNotContain("redacted_thinking");
        assertThat(content.path(0).path("type").asString()).isEqualTo("text");
    }

    private static void answerTurnOneThenText() {
        UPSTREAM.answer(byPath(Map.of(
                "/v1/messages", request -> FakeUpstream.Reply.stream("text/event-stream",
                        List.of(Replay.bytes(request.body().contains(RESULT) ? ANTHROPIC_TEXT : ANTHROPIC_TURN))),
                "/v1beta/", request -> FakeUpstream.Reply.stream("text/event-stream",
                        List.of(Replay.bytes(request.body().contains(RESULT) ? GEMINI_TEXT : GEMINI_TURN))))));
    }

    static String geminiSignature() {
        String body = new String(Replay.bytes(GEMINI_TURN), StandardCharsets.UTF_8);
        int start = body.indexOf("\"thoughtSignature\": \"") + "\"thoughtSignature\": \"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    static void assertNoSecretIn(List<Frame> frames, String... secrets) {
        assertThat(frames).isNotEmpty();
        for (Frame frame : frames) {
            for (String secret : secrets) {
                assertThat(frame.data()).doesNotContain(secret);
            }
        }
    }

    static String toolId(List<Frame> frames) {
        List<Frame> starts = frames(frames, "tool_start");
        assertThat(starts).hasSize(1);
        assertThat(last(frames).json().path("finishReason").asString()).isEqualTo("tool_calls");
        return starts.get(0).json().path("id").asString();
    }

    private static List<Frame> frames(List<Frame> frames, String event) {
        return frames.stream().filter(frame -> event.equals(frame.event())).toList();
    }

    static List<String> fieldNames(JsonNode node) {
        return node.propertyNames().stream().toList();
    }

    static String turn(String model, List<JsonNode> messages) {
        ObjectNode body = WireJson.object().put("model", model);
        body.putArray("messages").addAll(messages);
        body.putObject("reasoning").put("budgetTokens", 2000);
        body.putArray("tools").addObject().put("name", "get_weather").put("description", "The weather in a city")
                .putObject("parameters").put("type", "object");
        return WireJson.text(body);
    }

    static ObjectNode user() {
        return WireJson.object().put("role", "user").put("content", "What is the weather in Paris?");
    }

    /** The assistant turn as the client saw it: Anthropic's answer had text before its call. */
    static ObjectNode calling(String id, String name, String arguments) {
        return calling("Let me check.", id, name, arguments);
    }

    static ObjectNode calling(String text, String id, String name, String arguments) {
        ObjectNode assistant = WireJson.object().put("role", "assistant").put("content", text);
        assistant.putArray("toolCalls").addObject().put("id", id).put("name", name).put("arguments", arguments);
        return assistant;
    }

    static ObjectNode result(String id) {
        return WireJson.object().put("role", "tool").put("toolCallId", id).put("content", RESULT);
    }

}
