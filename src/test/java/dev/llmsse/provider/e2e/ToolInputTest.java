package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tool input the gateway refuses before anything goes upstream, and tool calls whose arguments a provider cut
 * off, which must end {@code incomplete} instead of passing for a valid call.
 */
class ToolInputTest extends GatewayAgainstFakeUpstreams {

    private static final String TOOL = "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}";
    private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";
    private static final String CALL = "{\"role\":\"assistant\",\"toolCalls\":[{\"id\":\"call_1\",\"name\":\"get_weather\","
            + "\"arguments\":\"{}\"}]}";

    @ParameterizedTest
    @ValueSource(strings = {
        // a schema that is not an object
        "{\"messages\":[" + USER + "],\"tools\":[{\"name\":\"get_weather\",\"parameters\":\"string\"}]}",
        "{\"messages\":[" + USER + "],\"tools\":[{\"name\":\"get_weather\",\"parameters\":[1]}]}",
        // tools not a list, a tool without a name, a name providers refuse, the same name twice
        "{\"messages\":[" + USER + "],\"tools\":" + TOOL + "}",
        "{\"messages\":[" + USER + "],\"tools\":[{\"parameters\":{}}]}",
        "{\"messages\":[" + USER + "],\"tools\":[{\"name\":\"get weather!\"}]}",
        "{\"messages\":[" + USER + "],\"tools\":[" + TOOL + "," + TOOL + "]}",
        // a tool choice that is not one of the four, or names no offered tool, or requires tools without any
        "{\"messages\":[" + USER + "],\"tools\":[" + TOOL + "],\"toolChoice\":\"always\"}",
        "{\"messages\":[" + USER + "],\"tools\":[" + TOOL + "],\"toolChoice\":{\"name\":\"other\"}}",
        "{\"messages\":[" + USER + "],\"toolChoice\":\"required\"}",
        // a tool message without toolCallId, or answering a call nobody made
        "{\"messages\":[" + USER + "," + CALL + ",{\"role\":\"tool\",\"content\":\"22\"}]}",
        "{\"messages\":[" + USER + "," + CALL + ",{\"role\":\"tool\",\"toolCallId\":\"call_9\",\"content\":\"22\"}]}",
        // arguments that are not JSON, or JSON that is not an object; a call without an id; calls on a user turn
        "{\"messages\":[" + USER + ",{\"role\":\"assistant\",\"toolCalls\":[{\"id\":\"c\",\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}]}]}",
        "{\"messages\":[" + USER + ",{\"role\":\"assistant\",\"toolCalls\":[{\"id\":\"c\",\"name\":\"f\",\"arguments\":\"[1]\"}]}]}",
        "{\"messages\":[" + USER + ",{\"role\":\"assistant\",\"toolCalls\":[{\"id\":\"c\",\"name\":\"f\",\"arguments\":\"{} {}\"}]}]}",
        "{\"messages\":[" + USER + ",{\"role\":\"assistant\",\"toolCalls\":[{\"name\":\"f\",\"arguments\":\"{}\"}]}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"toolCalls\":[{\"id\":\"c\",\"name\":\"f\",\"arguments\":\"{}\"}]}]}",
        // an unknown role
        "{\"messages\":[" + USER + ",{\"role\":\"function\",\"content\":\"22\"}]}"})
    void badToolInputIsA400ProblemAndNothingGoesUpstream(String body) {
        String json = body.replace("{\"messages\"", "{\"model\":\"openai/gpt-test\",\"messages\"");
        long before = UPSTREAM.requests().size();

        JsonNode problem = refused(json);

        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    /** The default {@code gateway.limits.max-tools} is 128: 200 tools are refused, 128 are not. */
    @Test
    void twoHundredToolsAreRefused() {
        long before = UPSTREAM.requests().size();

        JsonNode problem = refused(withTools(200));

        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("detail").asString()).contains("128");
        assertThat(UPSTREAM.requests()).hasSize((int) before);
        assertThat(WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(withTools(128)).retrieve().toBodilessEntity()
                .block(Duration.ofSeconds(20)).getStatusCode().value()).isEqualTo(201);
    }

    /** Anthropic stopped at max_tokens in the middle of a tool's JSON, and the body ended without message_stop. */
    @Test
    void argumentsCutOffByTheUpstreamEndIncompleteBeforeTheError() {
        UPSTREAM.answer(byPath(Map.of("/v1/messages", request -> FakeUpstream.Reply.stream("text/event-stream",
                List.of(Replay.bytes(RecordedTranscripts.dir("anthropic")
                        .resolve("messages-max-tokens-partial-tool-json-sdkfixture.sse")))))));

        List<Frame> frames = streamSession(session("anthropic/claude-test"));

        assertThat(frames).extracting(Frame::event).containsSubsequence("tool_start", "tool_delta", "tool_end");
        Frame end = frames.stream().filter(frame -> "tool_end".equals(frame.event())).findFirst().orElseThrow();
        assertThat(end.json().path("incomplete").asBoolean()).isTrue();
        assertThat(last(frames).json().has("error")).isTrue();
    }

    /** Chat Completions at finish_reason length with half an argument object: tool_end incomplete, then done. */
    @Test
    void argumentsCutOffByTheTokenLimitEndIncomplete() {
        UPSTREAM.answer(byPath(Map.of("/v1/chat/completions", request -> FakeUpstream.Reply.sse(
                chunk("{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Pa\"}}", null)
                        + chunk(null, "length") + "data: [DONE]\n\n"))));

        List<Frame> frames = streamSession(session("openai/gpt-test"));

        Frame end = frames.stream().filter(frame -> "tool_end".equals(frame.event())).findFirst().orElseThrow();
        assertThat(end.json().path("incomplete").asBoolean()).isTrue();
        assertThat(last(frames).json().path("finishReason").asString()).isEqualTo("length");
    }

    /** A server that reuses index 0 for a second call (new id) gets two calls, neither's arguments corrupted. */
    @Test
    void aReusedIndexWithANewIdIsANewCall() {
        UPSTREAM.answer(byPath(Map.of("/v1/chat/completions", request -> FakeUpstream.Reply.sse(
                chunk("{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\","
                        + "\"arguments\":\"{\\\"x\\\":1}\"}}", null)
                        + chunk("{\"index\":0,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"b\","
                        + "\"arguments\":\"{\\\"y\\\":\"}}", null)
                        + chunk("{\"index\":0,\"function\":{\"arguments\":\"2}\"}}", null)
                        + chunk(null, "tool_calls") + "data: [DONE]\n\n"))));

        List<Frame> frames = streamSession(session("openai/gpt-test"));

        List<Frame> starts = frames.stream().filter(frame -> "tool_start".equals(frame.event())).toList();
        assertThat(starts).extracting(frame -> frame.json().path("id").asString()).containsExactly("call_a", "call_b");
        assertThat(starts).extracting(frame -> frame.json().path("index").asInt()).containsExactly(0, 1);
        assertThat(argumentsOf(frames, 0)).isEqualTo("{\"x\":1}");
        assertThat(argumentsOf(frames, 1)).isEqualTo("{\"y\":2}");
        assertThat(frames.stream().filter(frame -> "tool_end".equals(frame.event())))
                .allSatisfy(frame -> assertThat(frame.json().has("incomplete")).isFalse()).hasSize(2);
    }

    private static String argumentsOf(List<Frame> frames, int index) {
        StringBuilder arguments = new StringBuilder();
        frames.stream().filter(frame -> "tool_delta".equals(frame.event()))
                .filter(frame -> frame.json().path("index").asInt() == index)
                .forEach(frame -> arguments.append(frame.json().path("arguments").asString()));
        return arguments.toString();
    }

    private static String chunk(String toolCall, String finishReason) {
        String delta = toolCall == null ? "{}" : "{\"tool_calls\":[" + toolCall + "]}";
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    private static String session(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[" + USER + "],\"tools\":[" + TOOL + "]}";
    }

    private static String withTools(int count) {
        ObjectNode body = WireJson.object().put("model", "openai/gpt-test");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        ArrayNode tools = body.putArray("tools");
        for (int i = 0; i < count; i++) {
            tools.addObject().put("name", "tool_" + i).putObject("parameters").put("type", "object");
        }
        return WireJson.text(body);
    }

    private JsonNode refused(String json) {
        byte[] body = WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(response -> response.bodyToMono(byte[].class))
                .block(Duration.ofSeconds(20));
        return WireJson.parse(body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body);
    }
}
