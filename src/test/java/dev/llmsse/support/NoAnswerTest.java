package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

class NoAnswerTest {

    @Test
    void anAnswerInTimeIsReturned() {
        assertThat(NoAnswer.within(Duration.ofSeconds(5), "GET /x", Mono.just("ok"))).isEqualTo("ok");
    }

    @Test
    void noAnswerNamesTheRequestAndShowsTheThreads() {
        assertThatThrownBy(() -> NoAnswer.within(Duration.ofMillis(50), "GET /x [Authorization]", Mono.never()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no answer within PT0.05S to GET /x [Authorization]")
                .hasMessageContaining("the threads then:");
    }
}
