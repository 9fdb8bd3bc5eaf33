package dev.llmsse.web.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.OpenAiStreamConformance;
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
 * The OpenAI-compatible door on the wire, read by an independent SSE parser: what every OpenAI client can rely
 * on (no block without data, heartbeats as comments, ids, usage last, {@code [DONE]}), resuming by
 * {@code Last-Event-ID}, and bad input answered in OpenAI's error shape, never a 5xx, whichever layer refuses it.
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
class OpenAiWireTest {

    private static final String KEY = "Bearer wire-key-0001";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @Test
    void aStreamIsWhatOpenAisClientsRead() throws IOException {
        Answer answer = post(completion("one two three", true), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().first("Content-Type")).isEqualTo("text/event-stream;charset=utf-8");
        assertThat(answer.headers().first("Cache-Control")).isEqualTo("no-cache, no-transform");
        String wire = answer.text();
        assertThat(wire).doesNotContain("retry:").contains(": keep-alive\n").endsWith("data: [DONE]\n\n");
        // A comment line never stands alone between blank lines (see OpenAiStreamConformance).
        assertThat(wire).doesNotContain("\n\n: keep-alive\n\n").doesNotStartWith(": keep-alive\n\n");
        OpenAiStreamConformance.Stream stream = OpenAiStreamConformance.assertWellFormed(answer.body());
        assertThat(stream.text()).isEqualTo("You said: one two three");
        assertThat(stream.finishReason()).isEqualTo("stop");
        assertThat(stream.usage().get("completion_tokens").asInt()).isEqualTo(9);
        assertThat(stream.heartbeats()).isPositive();
    }

    /** A resend of the same request with an id it got continues after that id: nothing lost, nothing repeated. */
    @Test
    void theSameRequestWithLastEventIdResumes() throws IOException {
        String body = completion("resume me from the middle please", true);
        OpenAiStreamConformance.Stream full = OpenAiStreamConformance.assertWellFormed(post(body, null).body());
        List<OpenAiStreamConformance.Identified> ids = full.ids();
        String middle = ids.get(ids.size() / 2).id();

        OpenAiStreamConformance.Stream rest = OpenAiStreamConformance.assertWellFormed(post(body, middle).body());
        assertThat(full.textThrough(middle) + rest.text()).isEqualTo(full.text());
        assertThat(rest.ids().get(0).id()).isEqualTo(ids.get(ids.size() / 2 + 1).id());
        assertThat(rest.usage()).isEqualTo(full.usage());

        // From the last id (the usage chunk's) there is nothing left but the end.
        Answer afterTheEnd = post(body, ids.get(ids.size() - 1).id());
        assertThat(afterTheEnd.text()).isEqualTo("data: [DONE]\n\n");

        // Another question with that id starts afresh: an id resumes only the answer it came from.
        OpenAiStreamConformance.Stream other = OpenAiStreamConformance.assertWellFormed(
                post(completion("something else", true), middle).body());
        assertThat(other.text()).isEqualTo("You said: something else");
    }

    @Test
    void aJsonAnswerIsAChatCompletion() throws IOException {
        Answer answer = post(completion("hi", false), null);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode completion = answer.json();
        assertThat(completion.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(completion.get("model").stringValue()).isEqualTo("echo/echo");
        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("message").get("content").stringValue()).isEqualTo("You said: hi");
        assertThat(choice.get("message").has("tool_calls")).isFalse();
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
        // Echo counts words and the spaces between them: 1 in, 5 out ("You", " ", "said:", " ", "hi").
        assertThat(completion.get("usage").get("total_tokens").asInt()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        malformed JSON             | {"model":                                                          | 400 | bad_request           |
        wrong JSON type            | {"model":5,"messages":[{"role":"user","content":"hi"}]}          | 400 | bad_request           |
        no messages                | {"model":"echo/echo","messages":[]}                              | 400 | invalid_value         | messages
        a custom tool              | {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{"name":"f"}}]} | 400 | unsupported_parameter | tools[0]
        a tool schema not an object | {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]} | 400 | bad_request |
        a result of no call        | {"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"c","content":"x"}]} | 400 | bad_request           |
        arguments not JSON         | {"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{"}}]}]} | 400 | bad_request |
        a function message         | {"messages":[{"role":"user","content":"hi"},{"role":"function","name":"f","content":"x"}]} | 400 | unsupported_parameter | messages[1].role
        tool_choice required       | {"messages":[{"role":"user","content":"hi"}],"tool_choice":"required"} | 400 | bad_request           |
        tool_choice of no shape    | {"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"function"}} | 400 | invalid_value | tool_choice
        JSON mode                  | {"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}} | 400 | unsupported_parameter | response_format
        an audio part              | {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]} | 400 | unsupported_parameter | messages[0].content[0]
        two choices                | {"messages":[{"role":"user","content":"hi"}],"n":2}              | 400 | unsupported_parameter | n
        max_tokens 0               | {"messages":[{"role":"user","content":"hi"}],"max_tokens":0}     | 400 | invalid_value         | max_tokens
        an unknown role            | {"messages":[{"role":"robot","content":"hi"}]}                   | 400 | invalid_value         | messages[0].role
        temperature 3              | {"messages":[{"role":"user","content":"hi"}],"temperature":3}    | 400 | bad_request           |
        unknown model              | {"model":"nope/x","messages":[{"role":"user","content":"hi"}]}   | 400 | unknown_model         |
        no user text               | {"messages":[{"role":"system","content":"be brief"}]}            | 400 | bad_request           |
        a long prompt              | {"messages":[{"role":"user","content":"PROMPT"}]}                | 413 | too_large             |
        """)
    void badInputIsRefusedInOpenAisShape(String what, String body, int status, String code, String param)
            throws IOException {
        Answer answer = post(body.replace("PROMPT", "x".repeat(300)), null);

        assertOpenAiError(answer, status, code, param);
    }

    @Test
    void everyLayerRefusesInOpenAisShape() throws IOException {
        assertOpenAiError(exchange(Request.post("/v1/chat/completions", utf8(completion("hi", false)))
                .header("Content-Type", "application/json")), 401, "unauthorized", null);
        assertOpenAiError(exchange(authorized(Request.post("/v1/chat/completions", utf8(completion("hi", false))))
                .header("Content-Type", "text/plain")), 400, "unsupported_media_type", null);
        assertOpenAiError(exchange(authorized(Request.get("/v1/chat/completions"))), 405, "method_not_allowed", null);
        assertOpenAiError(exchange(authorized(Request.get("/v1/embeddings"))), 404, "not_found", null);
        assertOpenAiError(exchange(authorized(Request.post("/v1/chat/completions",
                utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(5000) + "\"}]}")))
                .header("Content-Type", "application/json")), 413, "too_large", null);
        // A header value the security firewall refuses (U+0085 arrives as a C1 control character).
        assertOpenAiError(exchange(Request.get("/v1/models").header("Authorization", "Bearer caf\u0085")),
                400, "bad_request", null);
        // Our own routes keep their problem documents.
        Answer ours = exchange(authorized(Request.get("/api/llm?prompt=")));
        assertThat(ours.headers().first("Content-Type")).isEqualTo("application/problem+json");
    }

    /** The route reads its own body (a functional endpoint): what the annotated method's binding refused, it refuses. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        no Content-Type             |                                   | {"messages":[{"role":"user","content":"hi"}]} | 400 | unsupported_media_type
        a malformed Content-Type    | application/                      | {"messages":[{"role":"user","content":"hi"}]} | 400 | unsupported_media_type
        a JSON-like type            | application/merge-patch+json      | {"messages":[{"role":"user","content":"hi"}]} | 400 | unsupported_media_type
        an empty body               | application/json                  |                                               | 400 | invalid_value
        a JSON null                 | application/json                  | null                                          | 400 | invalid_value
        a duplicate key             | application/json                  | {"model":"echo/echo","model":"echo/tiny","messages":[]} | 400 | bad_request
        trailing tokens             | application/json                  | {"messages":[{"role":"user","content":"hi"}]} {} | 400 | bad_request
        """)
    void aBodyThatIsNotOneJsonRequestIsRefusedInOpenAisShape(String what, String contentType, String body,
            int status, String code) throws IOException {
        Request request = authorized(Request.post("/v1/chat/completions", utf8(body == null ? "" : body)));
        Answer answer = exchange(contentType == null ? request : request.header("Content-Type", contentType));

        assertOpenAiError(answer, status, code, null);
    }

    @Test
    void theModelListIsOpenAndInOpenAisShape() throws IOException {
        JsonNode models = exchange(Request.get("/v1/models")).json();

        assertThat(models.get("object").stringValue()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").stringValue()).isEqualTo("echo/echo");
        assertThat(models.get("data").get(0).get("owned_by").stringValue()).isEqualTo("echo");
    }

    private static void assertOpenAiError(Answer answer, int status, String code, String param) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.headers().first("Content-Type")).as(answer.toString()).isEqualTo("application/json");
        JsonNode error = answer.json().get("error");
        assertThat(answer.json().propertyNames()).as(answer.toString()).containsExactly("error");
        assertThat(error.propertyNames()).as(answer.toString()).containsExactly("message", "type", "param", "code");
        assertThat(error.get("code").stringValue()).as(answer.toString()).isEqualTo(code);
        assertThat(error.get("param").isNull() ? null : error.get("param").stringValue()).as(answer.toString())
                .isEqualTo(param);
        assertThat(error.get("message").stringValue()).as(answer.toString()).isNotBlank();
        assertThat(error.get("type").stringValue()).as(answer.toString()).isEqualTo(OpenAiError.typeFor(status));
    }

    private Answer post(String body, String lastEventId) throws IOException {
        Request request = authorized(Request.post("/v1/chat/completions", utf8(body)))
                .header("Content-Type", "application/json");
        return exchange(lastEventId == null ? request : request.header("Last-Event-ID", lastEventId));
    }

    private static Request authorized(Request request) {
        return request.header("Authorization", KEY);
    }

    private Answer exchange(Request request) throws IOException {
        try (RawHttpClient.Exchange exchange = new RawHttpClient("127.0.0.1", port, TIMEOUT).send(request)) {
            return new Answer(exchange.status(), exchange.headers(), exchange.readBody(TIMEOUT));
        }
    }

    private static String completion(String prompt, boolean stream) {
        return JSON.writeValueAsString(Map.of("model", "echo/echo", "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", prompt))));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private record Answer(int status, RawHttpClient.Headers headers, byte[] body) {

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
