package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/** Runs a known set of streams, then scrapes {@code /actuator/prometheus} as Prometheus would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.stream.detach-grace=0s",
        "gateway.stream.idle-timeout=1s",
        "gateway.stream.heartbeat=100ms"})
@Import(ProbeProvider.Config.class)
class StreamMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    ProbeProvider probe;

    @Test
    void outcomesAndTimingHistogramsAreExported() throws Exception {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        String before = scrape(client);

        for (int i = 0; i < 2; i++) {
            readAll("/api/llm?prompt=done" + i + "&model=probe/0-5-5");
        }
        readAll("/api/llm?prompt=silent&model=probe/5000-0-1");
        try (RawSseConnection leaving = RawSseConnection.get(port, "/api/llm?prompt=gone&model=probe/0-20-1000")
                .readHeaders(Duration.ofSeconds(5))) {
            leaving.readUntil(body -> SseFrames.tokens(body).size() >= 2);
        }
        await().atMost(2, TimeUnit.SECONDS).until(() -> probe.lastCall().cancelled());
        Map<?, ?> session = client.post().uri("/api/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", "stop me", "model", "probe/0-20-1000"))
                .retrieve().bodyToMono(Map.class).block(Duration.ofSeconds(5));
        try (RawSseConnection stopped = RawSseConnection.get(port, (String) session.get("streamUrl"))
                .readHeaders(Duration.ofSeconds(5))) {
            stopped.readUntil(body -> SseFrames.tokens(body).size() >= 2);
            client.post().uri("/api/sessions/{id}/stop", session.get("id")).retrieve().toBodilessEntity()
                    .block(Duration.ofSeconds(5));
            stopped.readToEnd();
        }

        String after = scrape(client);
        assertThat(delta(before, after, "llmsse_streams_completed_total", "outcome=\"done\"")).isEqualTo(2);
        assertThat(delta(before, after, "llmsse_streams_completed_total", "code=\"idle_timeout\"")).isEqualTo(1);
        assertThat(delta(before, after, "llmsse_streams_completed_total", "outcome=\"client_disconnect\"")).isEqualTo(1);
        assertThat(delta(before, after, "llmsse_streams_completed_total", "outcome=\"stopped\"")).isEqualTo(1);
        assertThat(delta(before, after, "llmsse_heartbeats_total", "")).isPositive();
        assertThat(after).contains("gen_ai_server_time_to_first_token_seconds_bucket",
                "part=\"upstream\"", "part=\"gateway\"",
                "gen_ai_server_time_per_output_token_seconds_bucket",
                "llmsse_cancel_latency_seconds_bucket",
                "gen_ai_client_token_usage_tokens_count",
                "llmsse_streams_active", "llmsse_subscribers_attached");
        assertThat(after).as("no session id in any series").doesNotContain((String) session.get("id"));
    }

    private void readAll(String path) throws Exception {
        try (RawSseConnection connection = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(5))) {
            connection.readToEnd();
        }
    }

    private static String scrape(WebClient client) {
        return client.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(5));
    }

    /** How much the sum of the samples of {@code metric} whose labels contain {@code label} grew. */
    private static double delta(String before, String after, String metric, String label) {
        return sum(after, metric, label) - sum(before, metric, label);
    }

    private static double sum(String scrape, String metric, String label) {
        Matcher sample = Pattern.compile("(?m)^" + metric + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        while (sample.find()) {
            if (sample.group(1) == null ? label.isEmpty() : sample.group(1).contains(label)) {
                total += Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}
