package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.Replica;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.json.JsonMapper;

/** In redis mode the creating principal travels with the session record: key B gets 404 on any replica. */
class RedisSessionBindingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aSessionCreatedByKeyAOnOneReplicaIsNotFoundForKeyBOnAnother() throws Exception {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        String[] keys = {"gateway.auth.mode=api-key",
                "gateway.auth.api-keys[0].name=alice", "gateway.auth.api-keys[0].sha256=" + ApiKeys.hex(ApiKeyAuthTest.ALICE),
                "gateway.auth.api-keys[1].name=bob", "gateway.auth.api-keys[1].sha256=" + ApiKeys.hex(ApiKeyAuthTest.BOB)};
        try (Replica a = Replica.start(prefix, keys); Replica b = Replica.start(prefix, keys)) {
            ResponseEntity<String> created = WebClient.create(a.url()).post().uri("/api/sessions")
                    .contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.AUTHORIZATION, "Bearer " + ApiKeyAuthTest.ALICE)
                    .bodyValue("{\"prompt\":\"hi\",\"model\":\"probe/0-20-20\"}")
                    .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
            assertThat(created.getStatusCode().value()).isEqualTo(201);
            String streamUrl = JSON.readTree(created.getBody()).get("streamUrl").asString();
            String id = JSON.readTree(created.getBody()).get("id").asString();

            try (RawSseConnection asBob = RawSseConnection.get(b.port(), streamUrl, "X-API-Key: " + ApiKeyAuthTest.BOB)
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(asBob.status()).isEqualTo(404);
            }
            ResponseEntity<String> stopByBob = WebClient.create(b.url()).post().uri("/api/sessions/" + id + "/stop")
                    .header("X-API-Key", ApiKeyAuthTest.BOB)
                    .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
            assertThat(stopByBob.getStatusCode().value()).isEqualTo(404);
            try (RawSseConnection asAlice = RawSseConnection.get(b.port(), streamUrl,
                    "Authorization: Bearer " + ApiKeyAuthTest.ALICE).readHeaders(Duration.ofSeconds(10))) {
                assertThat(asAlice.status()).isEqualTo(200);
                assertThat(asAlice.readUntil(text -> text.contains("\"done\":true"))).contains("{\"token\":\"t19 \"}");
            }
        }
    }
}
