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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 15 point 2, acceptance 2: a whole tool round trip per provider through {@code POST /api/sessions}. Turn 1
 * offers a tool and streams a recorded tool call; turn 2 sends the call and its result back, and the body the
 * provider receives for turn 2 is checked field by field against its documented shape.
 */
class ToolRoundTripTest extends GatewayAgainstFakeUpstreams {

    private static final String QUESTION = "What is the weather?";
    private static final String RESULT = "22 degrees and sunny";
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}";

    @ParameterizedTest
    @CsvSource({
        "openai/gpt-test,           /v1/chat/completions, openai/chat-tool-call.sse,                      openai/text-crlf-usage-reasoning.sse,      text/event-stream",
        "openai-responses/gpt-test, /v1/responses,        openai-responses/responses-function-call.sse,   openai-responses/text-reasoning-usage.sse, text/event-stream",
        "anthropic/claude-test,     /v1/messages,         anthropic/messages-tool-use.sse,                anthropic/text-with-thinking-crlf.sse,     text/event-stream",
        "gemini/gemini-test,        /v1beta/models/gemini-test:streamGenerateContent, gemini/stream-function-call-vertex.sse, gemini/text-thinking-usage-crlf.sse, text/event-stream",
        "ollama/llama-test,         /api/chat,            ollama/chat-stream-tools-constructed.ndjson,    ollama/text-usage.ndjson,                  application/x-ndjson"})
    void theToolCallOfTurnOneAndItsResultReachTheProviderInItsShape(String model, String path, String toolCall,
            String answer, String type) {
        byte[] call = Replay.bytes(RecordedTranscripts.dir(folder(toolCall)).resolve(file(toolCall)));
        byte[] text = Replay.bytes(TestTranscripts.dir(folder(answer)).resolve(file(answer)));
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(request.body().contains(RESULT) ? text : call)))));

        List<Frame> turn1 = streamSession(turn(model, List.of(user())));
        Frame start = only(turn1, "tool_start");
        Frame end = only(turn1, "tool_end");
        String id = start.json().path("id").asString();
        String name = start.json().path("name").asString();
        String arguments = arguments(turn1);
        assertThat(id).isNotBlank();
        assertThat(end.json().has("incomplete")).isFalse();
        assertThat(WireJson.parse(arguments.getBytes(StandardCharsets.UTF_8)).isObject()).isTrue();
        assertThat(last(turn1).json().path("finishReason").asString()).isEqualTo("tool_calls");

        List<Frame> turn2 = streamSession(turn(model, List.of(user(), calling(id, name, arguments), result(id))));

        assertThat(text(turn2)).isNotEmpty();
        assertThat(last(turn2).json().path("done").asBoolean()).isTrue();
        JsonNode sent = lastBodyTo(path);
        JsonNode args = WireJson.parse(arguments.getBytes(StandardCharsets.UTF_8));
        switch (model.substring(0, model.indexOf('/'))) {
            case "openai" -> openAiChat(sent, id, name, arguments);
            case "openai-responses" -> openAiResponses(sent, id, name, arguments);
            case "anthropic" -> anthropic(sent, id, name, args);
            case "gemini" -> gemini(sent, name, args);
            default -> ollama(sent, name, args);
        }
    }

    private static void openAiChat(JsonNode sent, String id, String name, String arguments) {
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(0).path("role").asString()).isEqualTo("user");
        JsonNode assistant = messages.path(1);
        assertThat(assistant.path("role").asString()).isEqualTo("assistant");
        assertThat(assistant.path("content").isNull()).isTrue();
        JsonNode call = assistant.path("tool_calls").path(0);
        assertThat(call.path("id").asString()).isEqualTo(id);
        assertThat(call.path("type").asString()).isEqualTo("function");
        assertThat(call.path("function").path("name").asString()).isEqualTo(name);
        assertThat(call.path("function").path("arguments").asString()).isEqualTo(arguments);
        JsonNode tool = messages.path(2);
        assertThat(tool.path("role").asString()).isEqualTo("tool");
        assertThat(tool.path("tool_call_id").asString()).isEqualTo(id);
        assertThat(tool.path("content").asString()).isEqualTo(RESULT);
        JsonNode declared = sent.path("tools").path(0);
        assertThat(declared.path("type").asString()).isEqualTo("function");
        assertDeclaration(declared.path("function"), "parameters");
        assertThat(sent.path("tool_choice").asString()).isEqualTo("auto");
    }

    private static void openAiResponses(JsonNode sent, String id, String name, String arguments) {
        JsonNode input = sent.path("input");
        assertThat(input).hasSize(3);
        assertThat(input.path(0).path("role").asString()).isEqualTo("user");
        assertThat(input.path(1).path("type").asString()).isEqualTo("function_call");
        assertThat(input.path(1).path("call_id").asString()).isEqualTo(id);
        assertThat(input.path(1).path("name").asString()).isEqualTo(name);
        assertThat(input.path(1).path("arguments").asString()).isEqualTo(arguments);
        assertThat(input.path(2).path("type").asString()).isEqualTo("function_call_output");
        assertThat(input.path(2).path("call_id").asString()).isEqualTo(id);
        assertThat(input.path(2).path("output").asString()).isEqualTo(RESULT);
        assertThat(sent.path("tools").path(0).path("type").asString()).isEqualTo("function");
        assertDeclaration(sent.path("tools").path(0), "parameters");
        assertThat(sent.path("tool_choice").asString()).isEqualTo("auto");
    }

    private static void anthropic(JsonNode sent, String id, String name, JsonNode args) {
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode use = messages.path(1).path("content").path(0);
        assertThat(messages.path(1).path("role").asString()).isEqualTo("assistant");
        assertThat(messages.path(1).path("content")).hasSize(1);
        assertThat(use.path("type").asString()).isEqualTo("tool_use");
        assertThat(use.path("id").asString()).isEqualTo(id);
        assertThat(use.path("name").asString()).isEqualTo(name);
        assertThat(use.path("input")).isEqualTo(args);
        JsonNode result = messages.path(2).path("content").path(0);
        assertThat(messages.path(2).path("role").asString()).isEqualTo("user");
        assertThat(result.path("type").asString()).isEqualTo("tool_result");
        assertThat(result.path("tool_use_id").asString()).isEqualTo(id);
        assertThat(result.path("content").asString()).isEqualTo(RESULT);
        assertDeclaration(sent.path("tools").path(0), "input_schema");
        assertThat(sent.path("tool_choice").path("type").asString()).isEqualTo("auto");
    }

    private static void gemini(JsonNode sent, String name, JsonNode args) {
        JsonNode contents = sent.path("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.path(1).path("role").asString()).isEqualTo("model");
        JsonNode call = contents.path(1).path("parts").path(0).path("functionCall");
        assertThat(contents.path(1).path("parts")).hasSize(1);
        assertThat(call.path("name").asString()).isEqualTo(name);
        assertThat(call.path("args")).isEqualTo(args);
        assertThat(contents.path(2).path("role").asString()).isEqualTo("user");
        JsonNode response = contents.path(2).path("parts").path(0).path("functionResponse");
        assertThat(response.path("name").asString()).isEqualTo(name);
        assertThat(response.path("response").path("output").asString()).isEqualTo(RESULT);
        assertDeclaration(sent.path("tools").path(0).path("functionDeclarations").path(0), "parametersJsonSchema");
        assertThat(sent.path("toolConfig").path("functionCallingConfig").path("mode").asString()).isEqualTo("AUTO");
    }

    private static void ollama(JsonNode sent, String name, JsonNode args) {
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode call = messages.path(1).path("tool_calls").path(0).path("function");
        assertThat(call.path("name").asString()).isEqualTo(name);
        assertThat(call.path("arguments")).isEqualTo(args);
        assertThat(messages.path(2).path("role").asString()).isEqualTo("tool");
        assertThat(messages.path(2).path("tool_name").asString()).isEqualTo(name);
        assertThat(messages.path(2).path("content").asString()).isEqualTo(RESULT);
        assertThat(sent.path("tools").path(0).path("type").asString()).isEqualTo("function");
        assertDeclaration(sent.path("tools").path(0).path("function"), "parameters");
    }

    /** Anthropic wants consecutive results in one user turn; Gemini one function response per call, together. */
    @Test
    void consecutiveToolResultsShareOneUserTurn() {
        UPSTREAM.answer(byPath(Map.of(
                "/v1/messages", request -> FakeUpstream.Reply.stream("text/event-stream", List.of(Replay.bytes(
                        TestTranscripts.dir("anthropic").resolve("text-with-thinking-crlf.sse")))),
                "/v1beta/", request -> FakeUpstream.Reply.stream("text/event-stream", List.of(Replay.bytes(
                        TestTranscripts.dir("gemini").resolve("text-thinking-usage-crlf.sse")))))));
        ObjectNode assistant = calling("call_a", "get_weather", "{\"city\":\"Paris\"}");
        ((ArrayNode) assistant.get("toolCalls")).addObject().put("id", "call_b").put("name", "get_time")
                .put("arguments", "{}");
        List<JsonNode> history = List.of(user(), assistant, result("call_a"),
                WireJson.object().put("role", "tool").put("toolCallId", "call_b").put("content", "{\"time\":\"noon\"}"));

        streamSession(turn("anthropic/claude-test", history));
        streamSession(turn("gemini/gemini-test", history));

        JsonNode anthropic = lastBodyTo("/v1/messages").path("messages");
        assertThat(anthropic).hasSize(3);
        assertThat(anthropic.path(2).path("content")).extracting(block -> block.path("tool_use_id").asString())
                .containsExactly("call_a", "call_b");
        JsonNode gemini = lastBodyTo("/v1beta/").path("contents");
        assertThat(gemini).hasSize(3);
        JsonNode parts = gemini.path(2).path("parts");
        assertThat(parts).extracting(part -> part.path("functionResponse").path("name").asString())
                .containsExactly("get_weather", "get_time");
        assertThat(parts.path(1).path("functionResponse").path("response").path("time").asString()).isEqualTo("noon");
    }

    private static void assertDeclaration(JsonNode declaration, String schemaField) {
        assertThat(declaration.path("name").asString()).isEqualTo("get_weather");
        assertThat(declaration.path("description").asString()).isEqualTo("The weather in a city");
        assertThat(declaration.path(schemaField)).isEqualTo(WireJson.parse(SCHEMA.getBytes(StandardCharsets.UTF_8)));
    }

    private static String turn(String model, List<JsonNode> messages) {
        ObjectNode body = WireJson.object().put("model", model).put("toolChoice", "auto");
        body.putArray("messages").addAll(messages);
        body.putArray("tools").addObject().put("name", "get_weather").put("description", "The weather in a city")
                .set("parameters", WireJson.parse(SCHEMA.getBytes(StandardCharsets.UTF_8)));
        return WireJson.text(body);
    }

    private static ObjectNode user() {
        return WireJson.object().put("role", "user").put("content", QUESTION);
    }

    private static ObjectNode calling(String id, String name, String arguments) {
        ObjectNode assistant = WireJson.object().put("role", "assistant");
        assistant.putArray("toolCalls").addObject().put("id", id).put("name", name).put("arguments", arguments);
        return assistant;
    }

    private static ObjectNode result(String id) {
        return WireJson.object().put("role", "tool").put("toolCallId", id).put("content", RESULT);
    }

    private static Frame only(List<Frame> frames, String event) {
        List<Frame> named = frames.stream().filter(frame -> event.equals(frame.event())).toList();
        assertThat(named).hasSize(1);
        return named.get(0);
    }

    private static String arguments(List<Frame> frames) {
        StringBuilder arguments = new StringBuilder();
        frames.stream().filter(frame -> "tool_delta".equals(frame.event()))
                .forEach(frame -> arguments.append(frame.json().path("arguments").asString()));
        return arguments.toString();
    }

    private static String folder(String transcript) {
        return transcript.substring(0, transcript.indexOf('/'));
    }

    private static Path file(String transcript) {
        return Path.of(transcript.substring(transcript.indexOf('/') + 1));
    }
}
