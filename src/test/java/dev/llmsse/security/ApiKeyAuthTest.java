package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import dev.llmsse.support.NoAnswer;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gateway.auth.mode=api-key} over real sockets: keys as hashes, Bearer or X-API-Key, sessions bound
 * to the key that made them, per-key model allow-lists, and keys never echoed anywhere.
 */
@ApiKeyContext
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyAuthTest {

    static final String ALICE = "alice-key-0001";
    static final String BOB = "bob-key-0002";
    // Its hash was removed from the configuration: revoked.
    static final String CAROL_REVOKED = "carol-revoked-0003";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    @Test
    void theConfiguredHashesAreTheKeysHashes() {
        assertThat(ApiKeys.hex(ALICE)).isEqualTo("0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04");
    }

    /** The full chain of the keyed modes sends the headers {@code auth.mode=none}'s light chain sends. */
    @Test
    void everyRouteSendsTheDefaultSecurityHeadersWithKeys() {
        Map<String, String> alice = Map.of("X-API-Key", ALICE);
        SecurityHeaders.assertPresent("models", SecurityHeaders.get(port, "/api/models", Map.of()));
        SecurityHeaders.assertPresent("stream", SecurityHeaders.get(port, "/api/llm?prompt=hi&model=echo/echo", alice));
        SecurityHeaders.assertPresent("unauthorized", SecurityHeaders.get(port, "/api/llm?prompt=hi", Map.of()));
        SecurityHeaders.assertPresent("bad request", SecurityHeaders.post(port, "/api/sessions", "{", alice));
        SecurityHeaders.assertPresent("page", SecurityHeaders.get(port, "/", Map.of()));
    }

    @Test
    void missingWrongAndRevokedKeysGet401ProblemJson() {
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of()));
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of(HttpHeaders.AUTHORIZATION, "Bearer wrong")));
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of("X-API-Key", "wrong")));
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + CAROL_REVOKED)));
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of("X-API-Key", CAROL_REVOKED)));
        assertUnauthorized(post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of(HttpHeaders.AUTHORIZATION, "Bearer ")));
        // The one-step stream needs a key like any API call (browsers use sessions instead).
        assertUnauthorized(get("/api/llm?prompt=hi", Map.of()));
        assertUnauthorized(get("/api/llm?prompt=hi", Map.of("X-API-Key", CAROL_REVOKED)));
    }

    @Test
    void theRightKeyStreamsAsBearerOrApiKeyHeader() throws Exception {
        ResponseEntity<String> created = post("/api/sessions", "{\"prompt\":\"hello there\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        String streamUrl = JSON.readTree(created.getBody()).get("streamUrl").asString();
        // The stream itself needs no header: the session id is the capability (EventSource sends none).
        try (RawSseConnection stream = RawSseConnection.get(port, streamUrl).readHeaders(Duration.ofSeconds(10))) {
            assertThat(stream.status()).isEqualTo(200);
            String body = stream.readUntil(text -> text.contains("\"done\":true"));
            assertThat(SseFrames.text(SseFrames.parse(body))).isEqualTo("You said: hello there");
        }
        try (RawSseConnection oneStep = RawSseConnection.get(port, "/api/llm?prompt=hey", "X-API-Key: " + BOB)
                .readHeaders(Duration.ofSeconds(10))) {
            assertThat(oneStep.status()).isEqualTo(200);
            assertThat(oneStep.readUntil(text -> text.contains("\"done\":true"))).contains("{\"token\":\"hey\"}");
        }
    }

    /**
     * A wrong or revoked key on a session stream is 401, as on every endpoint (docs/security.md): the key is
     * judged before the id is looked up, so the answer is the same for a live session and for an id that never
     * existed, and a client whose key was revoked learns that, instead of taking its session for gone.
     */
    @Test
    void aWrongKeyOnASessionStreamIs401WhateverTheId() throws Exception {
        ResponseEntity<String> created = post("/api/sessions", "{\"prompt\":\"mine\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        String id = JSON.readTree(created.getBody()).get("id").asString();
        for (String path : new String[] {"/api/sessions/" + id + "/stream", "/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/stream"}) {
            for (String header : new String[] {"Authorization: Bearer wrong", "X-API-Key: " + CAROL_REVOKED}) {
                try (RawSseConnection stream = RawSseConnection.get(port, path, header)
                        .readHeaders(Duration.ofSeconds(10))) {
                    assertThat(stream.status()).as(path + " with " + header).isEqualTo(401);
                    assertThat(stream.header("content-type")).startsWith("application/problem+json");
                    assertThat(stream.header("www-authenticate")).isEqualTo("Bearer");
                }
            }
        }
        post("/api/sessions/" + id + "/stop", "", Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
    }

    @Test
    void aSessionOfKeyAIsNotFoundForKeyB() throws Exception {
        ResponseEntity<String> created = post("/api/sessions", "{\"prompt\":\"mine\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        String id = JSON.readTree(created.getBody()).get("id").asString();

        try (RawSseConnection asBob = RawSseConnection.get(port, "/api/sessions/" + id + "/stream",
                "Authorization: Bearer " + BOB).readHeaders(Duration.ofSeconds(10))) {
            assertThat(asBob.status()).isEqualTo(404);
            assertThat(asBob.header("content-type")).startsWith("application/problem+json");
        }
        ResponseEntity<String> stopByBob = post("/api/sessions/" + id + "/stop", "",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + BOB));
        assertThat(stopByBob.getStatusCode().value()).isEqualTo(404);
        assertThat(code(stopByBob)).isEqualTo("not_found");
        // Same answer as for an id that never existed: nothing to learn by probing.
        ResponseEntity<String> unknown = post("/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/stop", "",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + BOB));
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);

        ResponseEntity<String> stopByAlice = post("/api/sessions/" + id + "/stop", "",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        assertThat(stopByAlice.getStatusCode().value()).isEqualTo(204);
        // Stopping needs a key: the id alone is a capability to read, not to stop.
        assertUnauthorized(post("/api/sessions/" + id + "/stop", "", Map.of()));
    }

    /**
     * Issue 18, point 6: the id of a one-step answer is in every frame it sends, and is no capability: only
     * the principal that started it may read or stop it through the session endpoints.
     */
    @Test
    void aOneStepAnswerIsBoundToItsPrincipalLikeASession() throws Exception {
        try (RawSseConnection oneStep = RawSseConnection.get(port, "/api/llm?prompt=mine&model=probe/0-50-400",
                "Authorization: Bearer " + ALICE).readHeaders(Duration.ofSeconds(10))) {
            assertThat(oneStep.status()).isEqualTo(200);
            String body = oneStep.readUntil(text -> SseFrames.tokens(text).size() >= 1);
            String id = SseFrames.parse(body).stream().filter(frame -> frame.id() != null).findFirst().orElseThrow()
                    .id().split("\\.")[0];
            String streamPath = "/api/sessions/" + id + "/stream";

            try (RawSseConnection anonymous = RawSseConnection.get(port, streamPath).readHeaders(Duration.ofSeconds(10))) {
                assertThat(anonymous.status()).as("anonymous read of a one-step answer").isEqualTo(404);
            }
            try (RawSseConnection asBob = RawSseConnection.get(port, streamPath, "Authorization: Bearer " + BOB)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(asBob.status()).as("another key's read").isEqualTo(404);
            }
            assertThat(post("/api/sessions/" + id + "/stop", "", Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + BOB))
                    .getStatusCode().value()).as("another key's stop").isEqualTo(404);
            try (RawSseConnection asAlice = RawSseConnection.get(port, streamPath, "Authorization: Bearer " + ALICE)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(asAlice.status()).as("its own principal's read").isEqualTo(200);
            }
        }
    }

    @Test
    void aModelOutsideTheKeysAllowListIsForbidden() {
        ResponseEntity<String> refused = post("/api/sessions", "{\"prompt\":\"hi\",\"model\":\"probe/0-0-1\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + BOB));
        assertThat(refused.getStatusCode().value()).isEqualTo(403);
        assertThat(code(refused)).isEqualTo("model_not_allowed");
        ResponseEntity<String> allowed = post("/api/sessions", "{\"prompt\":\"hi\",\"model\":\"probe/0-0-1\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        assertThat(allowed.getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void operationsEndpointsAndTheModelListStayOpenAndNothingElseIsExposed() {
        assertThat(get("/actuator/health", Map.of()).getStatusCode().value()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness", Map.of()).getStatusCode().value()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", Map.of()).getStatusCode().value()).isEqualTo(200);
        assertThat(get("/api/models", Map.of()).getStatusCode().value()).isEqualTo(200);
        for (String path : new String[] {"/actuator/env", "/actuator/configprops", "/actuator/beans",
                "/actuator/heapdump", "/actuator/loggers", "/actuator/metrics"}) {
            assertThat(get(path, Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE)).getStatusCode().value())
                    .as(path).isEqualTo(404);
            assertThat(get(path, Map.of()).getStatusCode().value()).as(path).isEqualTo(401);
        }
        String links = get("/actuator", Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE)).getBody();
        assertThat(links).contains("health", "prometheus").doesNotContain("env", "configprops");
    }

    @Test
    void keysAppearInNoLogProblemBodyOrMetric(CapturedOutput output) throws Exception {
        String wrong = "sk-this-is-not-a-key-0123456789";
        String body = post("/api/sessions", "{\"prompt\":\"hi\"}", Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + wrong))
                .getBody();
        String body2 = post("/api/sessions", "{\"prompt\":\"hi\",\"model\":\"probe/0-0-1\"}",
                Map.of("X-API-Key", BOB)).getBody();
        ResponseEntity<String> created = post("/api/sessions", "{\"prompt\":\"secret check\"}",
                Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ALICE));
        String streamUrl = JSON.readTree(created.getBody()).get("streamUrl").asString();
        String frames;
        try (RawSseConnection stream = RawSseConnection.get(port, streamUrl).readHeaders(Duration.ofSeconds(10))) {
            frames = stream.readUntil(text -> text.contains("\"done\":true"));
        }
        String metrics = get("/actuator/prometheus", Map.of()).getBody();
        String health = get("/actuator/health", Map.of()).getBody();
        for (String secret : new String[] {wrong, ALICE, BOB, "0264b8205526ceea", "d54508c124109e1b"}) {
            assertThat(body).doesNotContain(secret);
            assertThat(body2).doesNotContain(secret);
            assertThat(frames).doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
            assertThat(health).doesNotContain(secret);
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }

    private void assertUnauthorized(ResponseEntity<String> response) {
        assertThat(response.getStatusCode().value()).isEqualTo(401);
        assertThat(response.getHeaders().getContentType()).isNotNull();
        assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
        assertThat(code(response)).isEqualTo("unauthorized");
    }

    static String code(ResponseEntity<String> response) {
        JsonNode problem = JSON.readTree(response.getBody());
        return problem.get("code").asString();
    }

    ResponseEntity<String> post(String path, String body, Map<String, String> headers) {
        return NoAnswer.within(Duration.ofSeconds(20), "POST " + path + " " + headers.keySet(),
                client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                        .headers(h -> headers.forEach(h::set)).bodyValue(body)
                        .exchangeToMono(response -> response.toEntity(String.class)));
    }

    ResponseEntity<String> get(String path, Map<String, String> headers) {
        return NoAnswer.within(Duration.ofSeconds(20), "GET " + path + " " + headers.keySet(),
                client.get().uri(path).headers(h -> headers.forEach(h::set))
                        .exchangeToMono(response -> response.toEntity(String.class)));
    }
}
