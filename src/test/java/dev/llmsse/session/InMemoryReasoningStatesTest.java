package dev.llmsse.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.llmsse.chat.ReasoningState;

import org.junit.jupiter.api.Test;

import reactor.test.scheduler.VirtualTimeScheduler;

/** Kept states are found by tool call id until their TTL ends, and then let go (no leak). */
class InMemoryReasoningStatesTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final ReasoningStates states = new InMemoryReasoningStates(time);
    private final ReasoningState state = new ReasoningState("gemini", "c2lnbmF0dXJl");

    @Test
    void aStateIsFoundUntilItsTtlEnds() {
        states.put("call_1", state, Duration.ofMinutes(5)).block();

        assertThat(states.get("call_1").block()).isEqualTo(state);
        assertThat(states.get("call_2").block()).isNull();
        time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(states.get("call_1").block()).isNull();
    }

    @Test
    void aStateKeptAgainLivesItsOwnTtl() {
        states.put("call_1", new ReasoningState("gemini", "old"), Duration.ofMinutes(5)).block();
        time.advanceTimeBy(Duration.ofMinutes(4));
        states.put("call_1", state, Duration.ofMinutes(5)).block();
        time.advanceTimeBy(Duration.ofMinutes(2));

        assertThat(states.get("call_1").block()).isEqualTo(state);
    }
}
