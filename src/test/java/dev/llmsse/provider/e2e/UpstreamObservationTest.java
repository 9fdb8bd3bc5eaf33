package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Every provider request is one {@code http.client.requests} observation with Spring's names and bounded tags
 * (the path template, never the model in it), counted once per request, by the status the provider
 * answered: what the dashboard's upstream panel and an operator's alerts read.
 */
class UpstreamObservationTest extends GatewayAgainstFakeUpstreams {

    private static final String OPENAI_OK = series("200", "SUCCESS", "/chat/completions");
    private static final String OPENAI_FAILED = series("503", "SERVER_ERROR", "/chat/completions");
    private static final String GEMINI_OK = series("200", "SUCCESS",
            "/v1beta/models/{model}:streamGenerateContent?alt=sse");
    private static final String GEMINI_HI = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],"
            + "\"role\":\"model\"},\"finishReason\":\"STOP\"}]}\n\n";

    @Test
    void eachUpstreamRequestIsCountedOnceByItsStatus() {
        double before = count(scrape(), OPENAI_OK);
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(FailureModesEndToEndTest.chunk("Hello")
                + FailureModesEndToEndTest.finish("stop") + "data: [DONE]\n\n"));

        assertThat(stream("openai/gpt-test")).anySatisfy(frame -> assertThat(frame.data()).contains("Hello"));

        assertCountBecomes(OPENAI_OK, before + 1);
    }

    @Test
    void errorStatusesAreCountedWithTheirStatusAndEveryRetryCounts() {
        double before = count(scrape(), OPENAI_FAILED);
        UPSTREAM.answer(request -> FakeUpstream.Reply.status(503, "{}", Map.of()));

        assertThat(stream("openai/gpt-test")).last()
                .satisfies(frame -> assertThat(frame.data()).contains("upstream_unavailable"));

        // max-retries 2: three requests
        assertCountBecomes(OPENAI_FAILED, before + 3);
    }

    @Test
    void theUriTagIsThePathTemplateNotTheModel() {
        double before = count(scrape(), GEMINI_OK);
        UPSTREAM.answer(request -> FakeUpstream.Reply.sse(GEMINI_HI));

        assertThat(stream("gemini/gemini-test-model")).anySatisfy(frame -> assertThat(frame.data()).contains("Hi"));

        assertCountBecomes(GEMINI_OK, before + 1);
        assertThat(scrape()).doesNotContain("gemini-test-model");
    }

    private void assertCountBecomes(String series, double expected) {
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(count(scrape, series)).as("http_client_requests_seconds_count in%n%s", scrape.lines()
                    .filter(line -> line.startsWith("http_client_requests_seconds_count")).toList())
                    .isEqualTo(expected);
        });
    }

    /** A pattern for the count line of the series with these tags and no exception. */
    private static String series(String status, String outcome, String uri) {
        return "(?m)^http_client_requests_seconds_count\\{"
                + "(?=[^\\n]*client_name=\"127\\.0\\.0\\.1\")"
                + "(?=[^\\n]*exception=\"none\")"
                + "(?=[^\\n]*method=\"POST\")"
                + "(?=[^\\n]*outcome=\"" + outcome + "\")"
                + "(?=[^\\n]*status=\"" + status + "\")"
                + "(?=[^\\n]*uri=\"" + Pattern.quote(uri) + "\")"
                + "[^\\n]*} (\\S+)$";
    }

    private static double count(String scrape, String series) {
        Matcher matcher = Pattern.compile(series).matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private String scrape() {
        return WebClient.create("http://127.0.0.1:" + port).get().uri("/actuator/prometheus").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(5));
    }
}
