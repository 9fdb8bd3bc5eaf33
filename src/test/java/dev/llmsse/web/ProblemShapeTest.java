package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawHttpClient.Request;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One problem shape on every error path (issue 17, point 6), whoever answers: a controller's exception
 * handler, Spring's own errors, a security or rate-limit filter, Spring Security's firewall, CORS, or Reactor
 * Netty's decoder (point 5). The shape: {@code application/problem+json} with {@code title} (the status's
 * reason phrase), {@code status}, {@code detail}, {@code instance} (the path; absent only where the request
 * could not be read), {@code code}, no {@code type} (RFC 9457: absent means {@code about:blank}), and only
 * the documented extra properties.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=alice",
        "gateway.auth.api-keys[0].sha256=0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04",
        "gateway.auth.api-keys[1].name=bob",
        "gateway.auth.api-keys[1].sha256=D54508C124109E1BBF7D7DFFD3AA872B9364DC9F0232CA9B32D74A42B570CD7D",
        "gateway.auth.api-keys[1].models=echo/*",
        "gateway.limits.requests-per-minute=40",
        "gateway.limits.concurrent-streams=1",
        // A provider whose server refuses connections: the JSON answer's 502.
        "gateway.providers.openai.base-url=http://127.0.0.1:1/v1",
        "gateway.providers.retry.max-retries=0",
        "gateway.stream.heartbeat=1s"})
@Import(ProbeProvider.Config.class)
class ProblemShapeTest {

    private static final String ALICE = "Bearer alice-key-0001";
    private static final String BOB = "Bearer bob-key-0002";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CORE = Set.of("title", "status", "detail", "instance", "code");
    private static final Set<String> EXTRAS = Set.of("available", "limit", "retryable");

    @LocalServerPort
    int port;

    @Test
    void everyErrorPathAnswersTheSameProblemShape() throws Exception {
        List<String> checked = new ArrayList<>();
        byte[] json = "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

        checked.add(problem(get("/api/llm").header("Authorization", ALICE), 400, "bad_request"));
        checked.add(problem(post("/api/sessions", json, "text/plain").header("Authorization", ALICE), 400,
                "unsupported_media_type"));
        checked.add(problem(post("/api/sessions", "{".getBytes(StandardCharsets.UTF_8), "application/json")
                .header("Authorization", ALICE), 400, "bad_request"));
        JsonNode unknown = body(get("/api/llm?prompt=hi&model=nope/x").header("Authorization", ALICE), 400,
                "unknown_model");
        assertThat(unknown.has("available")).isTrue();
        checked.add("unknown_model");
        // Bob's: a session holds a concurrent-streams slot, and Alice's slot is for the 429 below.
        String session = created(post("/api/sessions", json, "application/json").header("Authorization", BOB));
        checked.add(problem(get("/api/sessions/" + session + "/stream").header("Last-Event-ID", "garbage"), 400,
                "bad_last_event_id"));
        // Spring Security's firewall: an encoded slash in the path.
        checked.add(problem(get("/api/sessions/a%2Fb/stream"), 400, "bad_request"));
        checked.add(problem(post("/api/sessions", json, "application/json"), 401, "unauthorized"));
        checked.add(problem(get("/api/llm?prompt=hi&model=probe/0-0-1").header("Authorization", BOB), 403,
                "model_not_allowed"));
        checked.add(problem(new Request("OPTIONS", "/api/sessions", List.of(), null)
                .header("Origin", "https://evil.example.net").header("Access-Control-Request-Method", "POST"),
                403, "cors_refused"));
        checked.add(problem(get("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/stream"), 404, "not_found"));
        checked.add(problem(get("/no-such-page"), 404, "not_found"));
        checked.add(problem(new Request("DELETE", "/api/models", List.of(), null).header("Authorization", ALICE),
                405, "method_not_allowed"));
        byte[] longPrompt = ("{\"prompt\":\"" + "x".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        checked.add(problem(post("/api/sessions", longPrompt, "application/json").header("Authorization", ALICE),
                413, "too_large"));
        byte[] hugeBody = ("{\"prompt\":\"" + "x".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        checked.add(problem(post("/api/sessions", hugeBody, "application/json").header("Authorization", ALICE),
                413, "too_large"));
        // Refused by Reactor Netty's decoder, before the application: no instance, the path was never read.
        checked.add(problem(get("/api/llm?prompt=" + "x".repeat(5000)).header("Authorization", ALICE), 414,
                "too_large"));
        checked.add(problem(get("/api/models").header("X-Padding", "y".repeat(20_000)), 431, "too_large"));
        checked.add(problem(get("/api/llm?prompt=%zz"), 400, "bad_request"));
        JsonNode failed = body(get("/api/llm?prompt=hi&model=openai/gpt-test").header("Authorization", ALICE)
                .header("Accept", "application/json"), 502, null);
        assertThat(failed.path("retryable").isBoolean()).isTrue();
        checked.add("502");

        // The concurrent-streams 429 (a handler) and the requests-per-minute 429 (a filter) look the same.
        try (RawSseConnection open = RawSseConnection.get(port, "/api/llm?prompt=hi&model=probe/0-100-100",
                "Authorization: " + ALICE).readHeaders(Duration.ofSeconds(5))) {
            open.readUntil(text -> !SseFrames.tokens(text).isEmpty());
            JsonNode concurrent = body(get("/api/llm?prompt=hi&model=probe/0-0-1").header("Authorization", ALICE),
                    429, "rate_limited");
            assertThat(concurrent.path("limit").asString()).isEqualTo("concurrent-streams");
        }
        JsonNode perMinute = null;
        for (int i = 0; i < 45 && perMinute == null; i++) {
            try (RawHttpClient.Exchange exchange = new RawHttpClient(port).send(get("/api/models")
                    .header("Authorization", BOB))) {
                if (exchange.status() == 429) {
                    perMinute = shape(exchange, "/api/models", 429, "rate_limited");
                    assertThat(exchange.headers().first("Retry-After")).isNotBlank();
                } else {
                    exchange.readBody(Duration.ofSeconds(5));
                }
            }
        }
        assertThat(perMinute).as("a 429 within 45 requests at 40 per minute").isNotNull();
        assertThat(perMinute.path("limit").asString()).isEqualTo("requests-per-minute");
        assertThat(checked).hasSize(18);
    }

    private String problem(Request request, int status, String code) throws Exception {
        body(request, status, code);
        return code;
    }

    private JsonNode body(Request request, int status, String code) throws Exception {
        try (RawHttpClient.Exchange exchange = new RawHttpClient(port).send(request)) {
            return shape(exchange, request.target(), status, code);
        }
    }

    private static JsonNode shape(RawHttpClient.Exchange exchange, String target, int status, String code)
            throws Exception {
        String what = exchange.statusLine() + " for " + target.substring(0, Math.min(60, target.length()));
        assertThat(exchange.status()).as(what).isEqualTo(status);
        assertThat(exchange.headers().first("Content-Type")).as(what).startsWith("application/problem+json");
        String text = new String(exchange.readBody(Duration.ofSeconds(10)), StandardCharsets.UTF_8);
        JsonNode problem = JSON.readTree(text);
        List<String> names = new ArrayList<>(problem.propertyNames());
        assertThat(names).as(what + ": " + text).doesNotContain("type")
                .containsAll(CORE.stream().filter(name -> !name.equals("instance") || readable(status, target)).toList());
        assertThat(names).as(what + ": " + text).allMatch(name -> CORE.contains(name) || EXTRAS.contains(name));
        assertThat(problem.path("title").asString()).as(what).isEqualTo(HttpStatus.valueOf(status).getReasonPhrase());
        assertThat(problem.path("status").asInt()).as(what).isEqualTo(status);
        assertThat(problem.path("detail").asString()).as(what).isNotBlank();
        if (readable(status, target)) {
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            assertThat(problem.path("instance").asString()).as(what).isEqualTo(path);
        } else {
            assertThat(names).as(what).doesNotContain("instance");
        }
        if (code != null) {
            assertThat(problem.path("code").asString()).as(what).isEqualTo(code);
        } else {
            assertThat(problem.path("code").asString()).as(what).isNotBlank();
        }
        return problem;
    }

    /** Whether the request got past the decoder, so that its path is known. */
    private static boolean readable(int status, String target) {
        return status != 414 && status != 431 && !target.contains("%zz");
    }

    private String created(Request request) throws Exception {
        try (RawHttpClient.Exchange exchange = new RawHttpClient(port).send(request)) {
            assertThat(exchange.status()).isEqualTo(201);
            return JSON.readTree(exchange.readBody(Duration.ofSeconds(5))).path("id").asString();
        }
    }

    private static Request get(String target) {
        return Request.get(target);
    }

    private static Request post(String target, byte[] body, String type) {
        return Request.post(target, body).header("Content-Type", type);
    }
}
