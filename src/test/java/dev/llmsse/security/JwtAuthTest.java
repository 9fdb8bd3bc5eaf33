package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.llmsse.support.RawSseConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gateway.auth.mode=jwt} against a JWK set that this test serves on loopback and tokens it signs:
 * the principal is {@code sub}; a bad signature, another issuer or an expired token is 401.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=jwt",
        "gateway.auth.jwt.issuer-uri=https://issuer.test",
        "gateway.providers.echo.token-delay=1ms"})
class JwtAuthTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ISSUER = "https://issuer.test";
    private static final RSAKey SIGNING = generate("k1");
    private static final RSAKey STRANGER = generate("k1");
    private static final DisposableServer JWKS = HttpServer.create().host("127.0.0.1").port(0)
            .route(routes -> routes.get("/jwks.json", (request, response) -> response
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just(new JWKSet(SIGNING.toPublicJWK()).toString()))))
            .bindNow();

    @LocalServerPort
    int port;

    WebClient client;

    @DynamicPropertySource
    static void jwkSet(DynamicPropertyRegistry registry) {
        registry.add("gateway.auth.jwt.jwk-set-uri", () -> "http://127.0.0.1:" + JWKS.port() + "/jwks.json");
    }

    @AfterAll
    static void stopJwks() {
        JWKS.disposeNow();
    }

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    @Test
    void aValidTokenStreamsAndItsSubjectOwnsTheSession() throws Exception {
        ResponseEntity<String> created = post("/api/sessions", token(SIGNING, "user-1", ISSUER, 300));
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        String id = JSON.readTree(created.getBody()).get("id").asString();

        try (RawSseConnection other = RawSseConnection.get(port, "/api/sessions/" + id + "/stream",
                "Authorization: Bearer " + token(SIGNING, "user-2", ISSUER, 300)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(other.status()).isEqualTo(404);
        }
        try (RawSseConnection owner = RawSseConnection.get(port, "/api/sessions/" + id + "/stream",
                "Authorization: Bearer " + token(SIGNING, "user-1", ISSUER, 300)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(owner.status()).isEqualTo(200);
            assertThat(owner.readUntil(text -> text.contains("\"done\":true"))).contains("{\"token\":\"said:\"}");
        }
    }

    @Test
    void missingForgedForeignExpiredAndSubjectlessTokensGet401() {
        assertUnauthorized(post("/api/sessions", null));
        assertUnauthorized(post("/api/sessions", "not-a-jwt"));
        assertUnauthorized(post("/api/sessions", token(STRANGER, "user-1", ISSUER, 300)));
        assertUnauthorized(post("/api/sessions", token(SIGNING, "user-1", "https://elsewhere.test", 300)));
        assertUnauthorized(post("/api/sessions", token(SIGNING, "user-1", ISSUER, -120)));
        assertUnauthorized(post("/api/sessions", token(SIGNING, null, ISSUER, 300)));
    }

    private void assertUnauthorized(ResponseEntity<String> response) {
        assertThat(response.getStatusCode().value()).isEqualTo(401);
        assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(ApiKeyAuthTest.code(response)).isEqualTo("unauthorized");
    }

    private ResponseEntity<String> post(String path, String token) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> {
                    if (token != null) {
                        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
                    }
                })
                .bodyValue(Map.of("prompt", "said: hi"))
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
    }

    private static String token(RSAKey key, String subject, String issuer, long validSeconds) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issuer(issuer)
                    .issueTime(Date.from(now.minusSeconds(600)))
                    .expirationTime(Date.from(now.plusSeconds(validSeconds))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception error) {
            throw new IllegalStateException(error);
        }
    }

    private static RSAKey generate(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (Exception error) {
            throw new IllegalStateException(error);
        }
    }
}
