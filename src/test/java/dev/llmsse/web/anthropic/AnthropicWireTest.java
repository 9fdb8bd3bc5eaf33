package dev.llmsse.web.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.AnthropicStreamConformance;
import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawHttpClient.Request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Anthropic-compatible door on the wire, read by an independent SSE parser: the events every Anthropic client
 * relies on (named events whose name is their type, {@code ping} events as heartbeats, blocks started, delta'd and
 * stopped, {@code message_delta} then {@code message_stop}), ids, resuming by {@code Last-Event-ID}, and bad input
 * answered in Anthropic's error shape, never a 5xx, whichever layer refuses it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=wire",
        // sha256("wire-key-0001")
        "gateway.auth.api-keys[0].sha256=72894ac08514a4640cfac7b62fe7747245e6ceb20258d7e09857b6fa4788f005",
        "gateway.providers.echo.token-delay=5ms",
        // Heartbeats before the first token, so that the stream carries some.
        "gateway.providers.echo.first-token-delay=120ms",
        "gateway.stream.heartbeat=20ms",
        "gateway.limits.max-prompt-chars=200",
        "gateway.limits.max-body-bytes=4096"})
class AnthropicWireTest {

    private static final String KEY = "wire-key-0001";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @Test
    void aStreamIsWhatAnthropicsClientsRead() throws IOException {
        Answer answer = post(message("one two three", true), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().first("Content-Type")).isEqualTo("text/event-stream;charset=utf-8");
        assertThat(answer.headers().first("Cache-Control")).isEqualTo("no-cache, no-transform");
        String wire = answer.text();
        assertThat(wire).doesNotContain("retry:").doesNotContain("\n:")
                .contains("event: ping\ndata: {\"type\":\"ping\"}\n\n")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        AnthropicStreamConformance.Stream stream = AnthropicStreamConformance.assertWellFormed(answer.body());
        assertThat(stream.text()).isEqualTo("You said: one two three");
        assertThat(stream.stopReason()).isEqualTo("end_turn");
        assertThat(stream.usage().get("output_tokens").asInt()).isEqualTo(9);
        assertThat(stream.usage().get("input_tokens").asInt()).isEqualTo(5);
        assertThat(stream.pings()).isPositive();
        // The message's id is the generation's, as in every event id.
        assertThat(stream.messageId()).isEqualTo("msg_" + stream.ids().get(0).substring(0, 22));
    }

    /**
     * A resend of the same request with an id it got continues after that id: the two bodies joined are one
     * well-formed stream with the whole answer, nothing lost, nothing repeated, the blocks' numbers kept.
     */
    @Test
    void theSameRequestWithLastEventIdResumes() throws IOException {
        String body = message("resume me from the middle please", true);
        AnthropicStreamConformance.Stream full = AnthropicStreamConformance.assertWellFormed(post(body, null).body());
        List<String> ids = full.ids();
        String middle = ids.get(ids.size() / 2);

        Answer rest = post(body, middle);
        assertThat(rest.text()).doesNotContain("message_start");
        AnthropicStreamConformance.Stream joined = AnthropicStreamConformance.assertContinues(full, middle, rest.body());
        assertThat(joined.text()).isEqualTo(full.text());
        assertThat(joined.ids()).isEqualTo(ids);
        assertThat(joined.usage()).isEqualTo(full.usage());

        // From the last id (message_stop's) there is nothing left.
        Answer afterTheEnd = post(body, ids.get(ids.size() - 1));
        assertThat(afterTheEnd.status()).isEqualTo(200);
        assertThat(afterTheEnd.text()).doesNotContain("message");

        // Another question with that id starts afresh: an id resumes only the answer it came from.
        AnthropicStreamConformance.Stream other = AnthropicStreamConformance.assertWellFormed(
                post(message("something else", true), middle).body());
        assertThat(other.text()).isEqualTo("You said: something else");
    }

    @Test
    void aJsonAnswerIsAMessage() throws IOException {
        Answer answer = post(message("hi", false), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().first("Content-Type")).isEqualTo("application/json");
        JsonNode message = answer.json();
        assertThat(message.propertyNames()).containsExactly("id", "type", "role", "model", "content", "stop_reason",
                "stop_sequence", "usage");
        assertThat(message.get("type").stringValue()).isEqualTo("message");
        assertThat(message.get("model").stringValue()).isEqualTo("echo/echo");
        assertThat(message.get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"You said: hi\"}]");
        assertThat(message.get("stop_reason").stringValue()).isEqualTo("end_turn");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
        // Echo counts words and the spaces between them: 1 in, 5 out ("You", " ", "said:", " ", "hi").
        assertThat(message.get("usage").toString()).isEqualTo("{\"input_tokens\":1,\"output_tokens\":5}");
    }

    /** The system prompt, text blocks and an earlier answer's thinking are read as our conversation. */
    @Test
    void systemAndTextBlocksAreTheConversation() throws IOException {
        String body = """
                {"model":"echo/echo","max_tokens":100,"system":[{"type":"text","text":"be brief"}],
                 "metadata":{"user_id":"u-1"},"top_k":5,"stop_sequences":["x"],
                 "messages":[{"role":"user","content":"first"},
                             {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},
                                                            {"type":"text","text":"ok"}]},
                             {"role":"user","content":[{"type":"text","text":"two"},{"type":"text","text":"parts"}]}]}
                """;

        JsonNode message = post(body, null).json();

        assertThat(message.get("content").get(0).get("text").stringValue()).isEqualTo("You said: two\nparts");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        malformed JSON         | {"model":                                                                  | 400 | bad_request   |
        wrong JSON type        | {"model":5,"max_tokens":9,"messages":[{"role":"user","content":"hi"}]}   | 400 | bad_request   |
        no max_tokens          | {"messages":[{"role":"user","content":"hi"}]}                            | 400 | bad_request   | max_tokens: Field required
        max_tokens 0           | {"max_tokens":0,"messages":[{"role":"user","content":"hi"}]}             | 400 | bad_request   | max_tokens
        no messages            | {"max_tokens":9,"messages":[]}                                           | 400 | bad_request   | messages
        a system role          | {"max_tokens":9,"messages":[{"role":"system","content":"hi"}]}           | 400 | bad_request   | messages.0.role
        a server tool          | {"max_tokens":9,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]} | 400 | bad_request | tools.0.type
        a tool schema no object| {"max_tokens":9,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":[]}]} | 400 | bad_request | the parameters of tool f
        tool_choice any, no tool| {"max_tokens":9,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"any"}} | 400 | bad_request | toolChoice requires a tool
        a tool_result of no call| {"max_tokens":9,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}]} | 400 | bad_request | a tool message answers
        a tool_use from the user| {"max_tokens":9,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]}]} | 400 | bad_request | messages.0.content.0.type
        a tool_use input list  | {"max_tokens":9,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":[]}]}]} | 400 | bad_request | messages.1.content.0.input
        an image block         | {"max_tokens":9,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]} | 400 | bad_request | messages.0.content.0
        a system of numbers    | {"max_tokens":9,"system":5,"messages":[{"role":"user","content":"hi"}]}  | 400 | bad_request   | system
        temperature 3          | {"max_tokens":9,"temperature":3,"messages":[{"role":"user","content":"hi"}]} | 400 | bad_request | temperature
        unknown model          | {"model":"nope/x","max_tokens":9,"messages":[{"role":"user","content":"hi"}]} | 400 | unknown_model |
        no user text           | {"max_tokens":9,"messages":[{"role":"assistant","content":"hi"}]}        | 400 | bad_request   |
        a long prompt          | {"max_tokens":9,"messages":[{"role":"user","content":"PROMPT"}]}         | 413 | too_large     |
        """)
    void badInputIsRefusedInAnthropicsShape(String what, String body, int status, String code, String mentioned)
            throws IOException {
        Answer answer = post(body.replace("PROMPT", "x".repeat(300)), null);

        JsonNode error = assertAnthropicError(answer, status, code);
        if (mentioned != null) {
            assertThat(error.get("message").stringValue()).as(answer.toString()).startsWith(mentioned);
        }
    }

    @Test
    void everyLayerRefusesInAnthropicsShape() throws IOException {
        byte[] hi = utf8(message("hi", false));
        assertAnthropicError(exchange(Request.post("/v1/messages", hi).header("Content-Type", "application/json")),
                401, "unauthorized");
        assertAnthropicError(exchange(Request.post("/v1/messages", hi).header("Content-Type", "application/json")
                .header("x-api-key", "not-the-key")), 401, "unauthorized");
        assertAnthropicError(exchange(authorized(Request.post("/v1/messages", hi)).header("Content-Type", "text/plain")),
                400, "unsupported_media_type");
        assertAnthropicError(exchange(authorized(Request.get("/v1/messages"))), 405, "method_not_allowed");
        assertAnthropicError(exchange(authorized(Request.post("/v1/messages/count_tokens", hi))
                .header("Content-Type", "application/json")), 404, "not_found");
        assertAnthropicError(exchange(authorized(Request.post("/v1/messages",
                utf8("{\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(5000) + "\"}]}")))
                .header("Content-Type", "application/json")), 413, "too_large");
        // A header value the security firewall refuses (U+0085 arrives as a C1 control character).
        assertAnthropicError(exchange(Request.post("/v1/messages", hi).header("Content-Type", "application/json")
                .header("x-api-key", "caf\u0085")), 400, "bad_request");
        // The OpenAI-compatible door's routes keep OpenAI's shape, our own routes their problem documents.
        JsonNode openAi = exchange(authorized(Request.get("/v1/embeddings"))).json();
        assertThat(openAi.propertyNames()).containsExactly("error");
        assertThat(openAi.get("error").has("param")).isTrue();
        Answer ours = exchange(authorized(Request.get("/api/llm?prompt=")));
        assertThat(ours.headers().first("Content-Type")).isEqualTo("application/problem+json");
    }

    /** Anthropic's SDKs send the key as {@code x-api-key}; a bearer token works as well. */
    @Test
    void theKeyGoesAsXApiKeyOrBearer() throws IOException {
        byte[] hi = utf8(message("hi", false));
        Answer apiKey = exchange(Request.post("/v1/messages", hi).header("Content-Type", "application/json")
                .header("x-api-key", KEY).header("anthropic-version", "2023-06-01"));
        Answer bearer = exchange(Request.post("/v1/messages", hi).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY));

        assertThat(apiKey.status()).as(apiKey.toString()).isEqualTo(200);
        assertThat(bearer.status()).as(bearer.toString()).isEqualTo(200);
    }

    /** {@code {"type":"error","error":{"type","message","code"}}} and nothing else; returns the inner error. */
    static JsonNode assertAnthropicError(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.headers().first("Content-Type")).as(answer.toString()).isEqualTo("application/json");
        JsonNode document = answer.json();
        assertThat(document.propertyNames()).as(answer.toString()).containsExactly("type", "error");
        assertThat(document.get("type").stringValue()).isEqualTo("error");
        JsonNode error = document.get("error");
        assertThat(error.propertyNames()).as(answer.toString()).containsExactly("type", "message", "code");
        assertThat(error.get("type").stringValue()).as(answer.toString()).isEqualTo(AnthropicError.typeFor(status));
        assertThat(error.get("code").stringValue()).as(answer.toString()).isEqualTo(code);
        assertThat(error.get("message").stringValue()).as(answer.toString()).isNotBlank();
        return error;
    }

    private Answer post(String body, String lastEventId) throws IOException {
        Request request = authorized(Request.post("/v1/messages", utf8(body))).header("Content-Type", "application/json");
        return exchange(lastEventId == null ? request : request.header("Last-Event-ID", lastEventId));
    }

    private static Request authorized(Request request) {
        return request.header("x-api-key", KEY);
    }

    private Answer exchange(Request request) throws IOException {
        try (RawHttpClient.Exchange exchange = new RawHttpClient("127.0.0.1", port, TIMEOUT).send(request)) {
            return new Answer(exchange.status(), exchange.headers(), exchange.readBody(TIMEOUT));
        }
    }

    private static String message(String prompt, boolean stream) {
        return JSON.writeValueAsString(Map.of("model", "echo/echo", "stream", stream, "max_tokens", 256,
                "messages", List.of(Map.of("role", "user", "content", prompt))));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record Answer(int status, RawHttpClient.Headers headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }
}
