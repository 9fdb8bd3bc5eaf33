package dev.llmsse.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawHttpClient;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 18, point 1: the per-minute limit must hold for every spelling of a limited path that routing
 * accepts (percent-encoded letters, double slashes, dot segments). Each variant is sent by a client that
 * has used up its window with the plain path; no variant may then be served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.limits.trusted-proxies=127.0.0.1/32,::1",
        "gateway.limits.requests-per-minute=2",
        "gateway.stream.detach-grace=0s"})
@Import(ProbeProvider.Config.class)
class EncodedPathRateLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @LocalServerPort
    int port;

    /** Spellings of {@code /api/<rest>} that decode or normalise to it. */
    private static List<String> variants(String rest) {
        return List.of(
                "/%61pi/" + rest,
                "/ap%69/" + rest,
                "/%61%70%69/" + rest,
                "/api/" + encodeFirstLetter(rest),
                "//api/" + rest,
                "/api//" + rest,
                "/./api/" + rest,
                "/api/./" + rest,
                "/x/../api/" + rest,
                "/%2e/api/" + rest,
                "/api;a=b/" + rest,
                "/%2561pi/" + rest);
    }

    private static String encodeFirstLetter(String rest) {
        return "%" + Integer.toHexString(rest.charAt(0)) + rest.substring(1);
    }

    @Test
    void anEncodedPathIsRoutedLikeThePlainOneWhileUnderTheLimit() throws Exception {
        // Proves the variants reach the API at all: without this, "not served" below could mean "never routed".
        String client = nextClient();
        assertThat(send(RawHttpClient.Request.get("/%61pi/llm?prompt=hi&model=probe/0-0-1"), client)).isEqualTo(200);
        assertThat(send(RawHttpClient.Request.get("/%61pi/llm?prompt=hi&model=probe/0-0-1"), client)).isEqualTo(200);
        assertThat(send(RawHttpClient.Request.get("/api/llm?prompt=hi&model=probe/0-0-1"), client)).isEqualTo(429);
    }

    @Test
    void noSpellingOfOneStepStreamEscapesTheLimit() throws Exception {
        for (String variant : variants("llm?prompt=hi&model=probe/0-0-1")) {
            assertNotServedPastTheLimit(RawHttpClient.Request.get("/api/llm?prompt=hi&model=probe/0-0-1"),
                    RawHttpClient.Request.get(variant), variant);
        }
    }

    @Test
    void noSpellingOfSessionCreationEscapesTheLimit() throws Exception {
        for (String variant : variants("sessions")) {
            assertNotServedPastTheLimit(sessionPost("/api/sessions"), sessionPost(variant), variant);
        }
    }

    @Test
    void noSpellingOfModelsEscapesTheLimit() throws Exception {
        for (String variant : variants("models")) {
            assertNotServedPastTheLimit(RawHttpClient.Request.get("/api/models"), RawHttpClient.Request.get(variant),
                    variant);
        }
    }

    @Test
    void noSpellingOfSessionStreamOrStopEscapesTheLimit() throws Exception {
        String id = createSession(nextClient());
        for (String variant : variants("sessions/" + id + "/stream")) {
            assertNotServedPastTheLimit(RawHttpClient.Request.get("/api/sessions/" + id + "/stream"),
                    RawHttpClient.Request.get(variant), variant);
        }
        for (String variant : variants("sessions/" + id + "/stop")) {
            assertNotServedPastTheLimit(RawHttpClient.Request.post("/api/sessions/" + id + "/stop", new byte[0]),
                    RawHttpClient.Request.post(variant, new byte[0]), variant);
        }
    }

    private void assertNotServedPastTheLimit(RawHttpClient.Request plain, RawHttpClient.Request variant,
            String label) throws Exception {
        String client = nextClient();
        // Use up the window (2 a minute) with the plain path: whatever those answer, they count.
        send(plain, client);
        send(plain, client);
        assertThat(send(plain, client)).as("the plain path past the limit").isEqualTo(429);
        int status = send(variant, client);
        // 429 (counted), or refused before routing (firewall 400, 404): anything but an answer.
        assertThat(status).as("%s past the limit", label).isIn(429, 400, 404);
    }

    private RawHttpClient.Request sessionPost(String target) {
        return RawHttpClient.Request.post(target, "{\"prompt\":\"hi\",\"model\":\"probe/0-0-1\"}"
                .getBytes(StandardCharsets.UTF_8)).header("Content-Type", "application/json");
    }

    private String createSession(String client) throws Exception {
        try (RawHttpClient.Exchange exchange = new RawHttpClient(port).send(sessionPost("/api/sessions")
                .header("X-Forwarded-For", client))) {
            assertThat(exchange.status()).isEqualTo(201);
            return JSON.readTree(new String(exchange.readBody(Duration.ofSeconds(5)), StandardCharsets.UTF_8))
                    .get("id").asString();
        }
    }

    private int send(RawHttpClient.Request request, String client) throws Exception {
        try (RawHttpClient.Exchange exchange = new RawHttpClient(port).send(request.header("X-Forwarded-For", client))) {
            exchange.readBody(Duration.ofSeconds(10));
            return exchange.status();
        }
    }

    private static String nextClient() {
        int n = CLIENTS.incrementAndGet();
        return "10.18." + (n / 250) + "." + (n % 250 + 1);
    }
}
