package dev.llmsse.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The response headers every answer of the gateway carries, whatever its route, status and auth mode: Spring
 * Security's defaults less {@code Cache-Control}. In {@code auth.mode=none} they come from {@link OpenChain}, in the
 * other modes from the full chain; both are checked against this one list.
 */
final class SecurityHeaders {

    static final Map<String, String> EXPECTED = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "X-XSS-Protection", "0",
            "Referrer-Policy", "no-referrer");

    private SecurityHeaders() {
    }

    /** Headers of a GET (reading at most the start of the body: a stream is cut after its headers). */
    static HttpHeaders get(int port, String path, Map<String, String> requestHeaders) {
        return WebClient.create("http://127.0.0.1:" + port).get().uri(path)
                .headers(headers -> requestHeaders.forEach(headers::set))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.headers().asHttpHeaders()))
                .block(Duration.ofSeconds(10));
    }

    static HttpHeaders post(int port, String path, String json, Map<String, String> requestHeaders) {
        return WebClient.create("http://127.0.0.1:" + port).post().uri(path)
                .headers(headers -> requestHeaders.forEach(headers::set))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.headers().asHttpHeaders()))
                .block(Duration.ofSeconds(10));
    }

    static void assertPresent(String route, HttpHeaders headers) {
        EXPECTED.forEach((name, value) -> assertThat(headers.getFirst(name)).as(route + ": " + name).isEqualTo(value));
        // Streams and problems set their own caching rules; the security defaults must not add theirs.
        assertThat(headers.get(HttpHeaders.PRAGMA)).as(route + ": Pragma").isNull();
    }
}
