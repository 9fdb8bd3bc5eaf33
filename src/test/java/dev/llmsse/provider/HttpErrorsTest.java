package dev.llmsse.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

class HttpErrorsTest {

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(HttpErrors.retryAfter("12")).isEqualTo(Duration.ofSeconds(12));
        String inAMinute = ZonedDateTime.now().plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(HttpErrors.retryAfter(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
        assertThat(HttpErrors.retryAfter("soon")).isNull();
        assertThat(HttpErrors.retryAfter((String) null)).isNull();
        assertThat(HttpErrors.retryAfter(" ")).isNull();
        assertThat(HttpErrors.retryAfter("99999999")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void statusesMapToStableCodes() {
        assertThat(HttpErrors.fromStatus(529, null).code()).isEqualTo("upstream_unavailable");
        assertThat(HttpErrors.fromStatus(408, null).retryable()).isTrue();
        assertThat(HttpErrors.fromStatus(422, null).code()).isEqualTo("bad_request");
        assertThat(HttpErrors.fromStatus(429, Duration.ofSeconds(3)).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }
}
