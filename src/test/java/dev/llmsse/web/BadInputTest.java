package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.SseConformance;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance 7: every bad input of the issue gets the right status and an RFC 9457 problem document
 * ({@code application/problem+json} with {@code status}, {@code detail} and our {@code code}), against the real
 * server. Limits are set small here so that they can be crossed cheaply; each limit has a control request just
 * inside it, so that a test fails if the limit is not the thing that answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.providers.echo.token-delay=0ms",
        "gateway.limits.max-prompt-chars=100",
        "gateway.limits.max-body-bytes=4096",
        "gateway.providers.echo.models=echo"})
class BadInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long RETRY_MILLIS = 3000;

    @LocalServerPort
    int port;

    private WebTestClient client;

    @BeforeEach
    void bindToServer() {
        client = client(port);
    }

    @Test
    void missingPromptIs400() {
        JsonNode problem = problem(client.get().uri("/api/llm").exchange(), 400, "bad_request");

        assertThat(problem.get("detail").stringValue()).contains("prompt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", " \t\n\r\u2003"})
    void blankPromptIs400(String prompt) {
        problem(client.get().uri(llm(prompt)).exchange(), 400, "bad_request");
    }

    @Test
    void promptOverMaxPromptCharsIs413() {
        problem(client.get().uri(llm("x".repeat(101))).exchange(), 413, "too_large");

        // Control: exactly at the limit streams.
        client.get().uri(llm("x".repeat(100))).exchange().expectStatus().isOk();
    }

    @Test
    void sessionMessagesOverMaxPromptCharsAre413() {
        Map<String, Object> body = Map.of("messages", List.of(
                Map.of("role", "user", "content", "x".repeat(60)),
                Map.of("role", "assistant", "content", "y".repeat(41))));

        problem(postSession(JSON.writeValueAsString(body)), 413, "too_large");
    }

    @Test
    void sessionBodyOverMaxBodyBytesIs413() {
        // A short prompt and an ignored property: only the body's size is over a limit.
        String over = "{\"prompt\":\"hi\",\"padding\":\"" + "p".repeat(5000) + "\"}";
        JsonNode problem = problem(postSession(over), 413, "too_large");

        assertThat(problem.get("detail").stringValue()).containsIgnoringCase("body");
        // Control: the same shape under the limit is accepted.
        postSession("{\"prompt\":\"hi\",\"padding\":\"" + "p".repeat(3000) + "\"}").expectStatus().isCreated();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"prompt\":",
            "{\"prompt\":\"hi\"}}",
            "{prompt:'hi'}",
            "[]",
            "null",
            "\"hi\"",
            "{\"messages\":\"hi\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[1]}]}",
            "{\"prompt\":\"hi\",\"maxTokens\":1e40}",
            "{\"prompt\":\"hi\",\"maxTokens\":\"many\"}"})
    void malformedJsonIs400(String body) {
        problem(postSession(body), 400, "bad_request");
    }

    @Test
    void emptySessionBodyIs400() {
        problem(postSession(""), 400, "bad_request");
    }

    @Test
    void sessionBodyThatIsNotJsonIs400() {
        // 400 rather than 415: every bad body is bad input (issue 5, docs/protocol.md).
        problem(client.post().uri("/api/sessions").contentType(MediaType.TEXT_PLAIN).bodyValue("hi").exchange(),
                400, "unsupported_media_type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage;;", "text/event-stream;q=x", "text/event-stream, "})
    void acceptHeaderThatDoesNotParseIsIgnored(String accept) {
        // Found by the fuzz test: Spring's negotiation failed on it, for the stream (empty 406) and for the
        // problem document (a problem content type with an empty body).
        problem(client.get().uri("/api/llm").header("Accept", accept).exchange(), 400, "bad_request");
        byte[] body = client.get().uri(llm("hi")).header("Accept", accept).exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(SseConformance.assertWellFormed(body, RETRY_MILLIS).text()).isEqualTo("You said: hi");
    }

    @Test
    void acceptHeaderWithMoreMediaTypesThanSpringSortsIsIgnored() {
        String accept = "text/event-stream, ".repeat(60) + "*/*";

        problem(client.get().uri("/api/llm").header("Accept", accept).exchange(), 400, "bad_request");
        client.get().uri(llm("hi")).header("Accept", accept).exchange().expectStatus().isOk();
    }

    @Test
    void unknownProviderIs400NamingTheAvailableOnes() {
        JsonNode problem = problem(client.get().uri(llm("hi", "model", "nope/gpt-4o")).exchange(), 400,
                "unknown_model");

        assertThat(problem.get("detail").stringValue()).contains("echo/echo");
        assertThat(problem.get("available").values()).extracting(JsonNode::stringValue).containsExactly("echo/echo");
        problem(postSession("{\"prompt\":\"hi\",\"model\":\"nope/gpt-4o\"}"), 400, "unknown_model");
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo/gpt-4o", "echo/", "echo", "/echo", "echo/echo/x"})
    void modelOutsideTheAllowListIs400(String model) {
        JsonNode problem = problem(client.get().uri(llm("hi", "model", model)).exchange(), 400, "unknown_model");

        assertThat(problem.get("detail").stringValue()).contains("echo/echo");
        // Control: the allowed model streams.
        client.get().uri(llm("hi", "model", "echo/echo")).exchange().expectStatus().isOk();
    }

    @Test
    void unknownSessionIs404ForStreamAndStop() {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";

        problem(client.get().uri("/api/sessions/{id}/stream", unknown).exchange(), 404, "not_found");
        problem(client.post().uri("/api/sessions/{id}/stop", unknown).exchange(), 404, "not_found");
    }

    @Test
    void sessionStreamWithBadLastEventIdIs400() {
        String session = createSession("hi");
        String other = createSession("other");
        // The other session's real first id, once it has one.
        String otherId = SseConformance.assertWellFormed(stream("/api/sessions/" + other + "/stream"), RETRY_MILLIS)
                .generationId() + ".1";

        for (String lastEventId : badLastEventIds(otherId)) {
            String shown = lastEventId.length() > 40 ? lastEventId.substring(0, 40) + "…" : lastEventId;
            JsonNode problem = problem(client.get().uri("/api/sessions/{id}/stream", session)
                    .header("Last-Event-ID", lastEventId).exchange(), 400, "bad_last_event_id");
            assertThat(problem.get("detail").stringValue()).as(shown).isNotBlank();
        }
        // The query parameter, for manual clients, is checked the same way.
        problem(client.get().uri("/api/sessions/{id}/stream?lastEventId={lei}", session, "garbage").exchange(), 400,
                "bad_last_event_id");
        // Control: the session is still there and streams from the start.
        assertThat(SseConformance.assertWellFormed(stream("/api/sessions/" + session + "/stream"), RETRY_MILLIS)
                .text()).isEqualTo("You said: hi");
    }

    @Test
    void oneStepStreamWithBadLastEventIdStartsAfresh() {
        String prompt = "a fresh start";
        // A real id of another one-step generation (another prompt), which must not be resumed for this one.
        SseConformance.Stream other = SseConformance.assertWellFormed(stream(llm("another prompt")), RETRY_MILLIS);
        String otherId = other.generationId() + ".3";

        for (String lastEventId : badLastEventIds(otherId)) {
            byte[] body = client.get().uri(llm(prompt)).header("Last-Event-ID", lastEventId).exchange()
                    .expectStatus().isOk()
                    .expectBody(byte[].class).returnResult().getResponseBody();
            SseConformance.Stream stream = SseConformance.assertWellFormed(body, RETRY_MILLIS);
            assertThat(stream.text()).isEqualTo("You said: " + prompt);
            assertThat(stream.generationId()).isNotEqualTo(other.generationId());
        }
    }

    /** Garbage, near misses of our format, a 10 KB value, and a real id of another generation. */
    private static List<String> badLastEventIds(String otherGenerationsId) {
        List<String> ids = new ArrayList<>(List.of(
                "garbage",
                "0",
                "-1",
                ".1",
                "AAAAAAAAAAAAAAAAAAAAAA.",
                "AAAAAAAAAAAAAAAAAAAAAA.1",
                "AAAAAAAAAAAAAAAAAAAAAA.99999999999999999999",
                "\u00e9\u00e9\u00e9",
                "x".repeat(10 * 1024)));
        ids.add(otherGenerationsId);
        return ids;
    }

    @Nested
    @TestPropertySource(properties = {
            "gateway.limits.max-prompt-chars=32768",
            "gateway.limits.max-body-bytes=262144"})
    class WithDefaultLimits {

        // This class runs on its own server (other properties), so it needs that server's port.
        @LocalServerPort
        int port;

        @Test
        void largeMessagesBodyCreatesASession() {
            List<Map<String, String>> messages = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                messages.add(Map.of("role", i % 2 == 0 ? "user" : "assistant", "content", "word ".repeat(100)));
            }
            messages.add(Map.of("role", "user", "content", "the last question"));
            String body = JSON.writeValueAsString(Map.of("messages", messages));
            assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(20 * 1024);

            EntityExchangeResult<byte[]> created = client(port).post().uri("/api/sessions")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().isCreated()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody(byte[].class).returnResult();
            JsonNode json = JSON.readTree(created.getResponseBody());
            String id = json.get("id").stringValue();

            assertThat(id).matches("[A-Za-z0-9_-]{22}");
            assertThat(json.get("streamUrl").stringValue()).isEqualTo("/api/sessions/" + id + "/stream");
            assertThat(created.getResponseHeaders().getFirst(HttpHeaders.LOCATION))
                    .isEqualTo("/api/sessions/" + id + "/stream");
            byte[] stream = client(port).get().uri(json.get("streamUrl").stringValue()).exchange()
                    .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
            assertThat(SseConformance.assertWellFormed(stream, RETRY_MILLIS).text())
                    .isEqualTo("You said: the last question");
        }
    }

    /**
     * Issue 18, point 10: only the streams are event streams. A client whose {@code Accept} prefers
     * {@code text/event-stream} (an {@code EventSource}, or a proxy's default) still gets the model list as
     * JSON, a created session as JSON and a wrong method as problem JSON, not their JSON wrapped in {@code data:} lines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "text/event-stream, application/json;q=0.5", "text/event-stream, */*"})
    void modelsSessionsAndMethodProblemsAreNeverEventStreams(String accept) {
        byte[] models = client.get().uri("/api/models").header(HttpHeaders.ACCEPT, accept).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(JSON.readTree(models).get("defaultModel").stringValue()).isNotBlank();

        byte[] created = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.ACCEPT, accept).bodyValue("{\"prompt\":\"hi\"}").exchange()
                .expectStatus().isCreated()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(JSON.readTree(created).get("id").stringValue()).isNotBlank();

        JsonNode wrongMethod = problem(client.delete().uri("/api/models").header(HttpHeaders.ACCEPT, accept)
                .exchange(), 405, "method_not_allowed");
        assertThat(wrongMethod.get("status").asInt()).isEqualTo(405);
        problem(client.put().uri("/api/sessions").header(HttpHeaders.ACCEPT, accept).exchange(), 405,
                "method_not_allowed");
        // the one-step stream is a functional route (OneStepRoute): a wrong method is the same problem
        problem(client.post().uri("/api/llm?prompt=hi").header(HttpHeaders.ACCEPT, accept).exchange(), 405,
                "method_not_allowed");
    }

    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(10)).build();
    }

    /** Asserts an RFC 9457 problem with this status and code, and returns its body. */
    private static JsonNode problem(WebTestClient.ResponseSpec response, int status, String code) {
        byte[] body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).as("problem body").isNotNull();
        JsonNode problem = JSON.readTree(body);
        String shown = new String(body, StandardCharsets.UTF_8);
        assertThat(problem.get("status").asInt()).as(shown).isEqualTo(status);
        assertThat(problem.path("detail").isString()).as("detail in " + shown).isTrue();
        assertThat(problem.get("detail").stringValue()).as(shown).isNotBlank();
        assertThat(problem.path("code").stringValue(null)).as("code in " + shown).isEqualTo(code);
        return problem;
    }

    private WebTestClient.ResponseSpec postSession(String body) {
        return client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange();
    }

    private String createSession(String prompt) {
        byte[] body = postSession(JSON.writeValueAsString(Map.of("prompt", prompt))).expectStatus().isCreated()
                .expectBody(byte[].class).returnResult().getResponseBody();
        return JSON.readTree(body).get("id").stringValue();
    }

    private byte[] stream(URI uri) {
        return client.get().uri(uri).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
    }

    private byte[] stream(String path) {
        return client.get().uri(path).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
    }

    /** {@code /api/llm} with the prompt and further name/value pairs, every value percent-encoded exactly. */
    private URI llm(String prompt, String... more) {
        StringBuilder uri = new StringBuilder("http://127.0.0.1:" + port + "/api/llm?prompt=" + encode(prompt));
        for (int i = 0; i + 1 < more.length; i += 2) {
            uri.append('&').append(more[i]).append('=').append(encode(more[i + 1]));
        }
        return URI.create(uri.toString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
