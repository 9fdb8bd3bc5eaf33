package dev.llmsse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.junit.jupiter.api.Test;

import reactor.test.StepVerifier;

/** The log keeps each event as one array; what readers get back must be the event that was appended. */
class InMemoryEventLogTest {

    @Property
    void everyEventComesBackAsItWasAppended(@ForAll("names") String name, @ForAll("payloads") String data,
            @ForAll boolean terminal) {
        InMemoryEventLog log = new InMemoryEventLog();
        log.append(new LoggedEvent(1, null, "{\"token\":\"a\"}", false));
        LoggedEvent event = new LoggedEvent(2, name, data, terminal);
        log.append(event);

        assertThat(log.follow(1).blockFirst(Duration.ofSeconds(5))).isEqualTo(event);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.of("reasoning_delta", "reasoning_start", "reasoning_end", "tool_start", "tool_delta",
                        "tool_end", "done", "error", "", "é", "名前"),
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(300));
    }

    @Provide
    Arbitrary<String> payloads() {
        // Text a provider can send: any code point, including those outside the BMP (surrogate pairs).
        return Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(codePoint -> codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE)
                .list().ofMaxSize(100)
                .map(codePoints -> "{\"token\":\"" + new String(codePoints.stream().mapToInt(Integer::intValue)
                        .toArray(), 0, codePoints.size()) + "\"}");
    }

    @Test
    void readersCountPositionsFromWhereTheyStartAndFollowLive() {
        InMemoryEventLog log = new InMemoryEventLog();
        for (long seq = 1; seq <= 40; seq++) {
            log.append(token(seq));
        }
        StepVerifier.create(log.follow(37).map(LoggedEvent::seq))
                .expectNext(38L, 39L, 40L)
                .then(() -> log.append(token(41)))
                .expectNext(41L)
                .then(() -> log.append(new LoggedEvent(42, null, "{\"done\":true}", true)))
                .expectNext(42L)
                .verifyComplete();
        // Two readers of one log: each has its own count.
        StepVerifier.create(log.follow(0).map(LoggedEvent::seq).collectList())
                .assertNext(all -> assertThat(all).hasSize(42).startsWith(1L).endsWith(42L))
                .verifyComplete();
        StepVerifier.create(log.follow(50)).verifyComplete();
    }

    @Test
    void aGapInPositionsIsRefusedAndNothingFollowsTheEnd() {
        InMemoryEventLog log = new InMemoryEventLog();
        assertThatThrownBy(() -> log.append(token(2))).isInstanceOf(IllegalArgumentException.class);
        log.append(token(1));
        log.append(new LoggedEvent(2, null, "{\"done\":true}", true));
        log.append(token(3));
        StepVerifier.create(log.follow(0).map(LoggedEvent::seq)).expectNext(1L, 2L).verifyComplete();
        assertThat(log.position().block()).isEqualTo(new EventLog.Position(2, true));
    }

    @Test
    void anEventIsChargedWhatItsArrayTakes() {
        InMemoryEventLog log = new InMemoryEventLog();
        log.append(new LoggedEvent(1, null, "{\"token\":\"hello\"}", false));
        // 1 flags byte + 17 bytes of JSON = 18, rounded to 24, + a 16-byte header + 8 for its slot.
        assertThat(log.heapBytes()).isEqualTo(48);
        log.append(new LoggedEvent(2, "custom", "{}", false));
        // flags, a 2-byte length, "custom", "{}": 11, rounded to 16, + 24.
        assertThat(log.heapBytes()).isEqualTo(48 + 40);
    }

    private static LoggedEvent token(long seq) {
        return new LoggedEvent(seq, null, "{\"token\":\"t" + seq + "\"}", false);
    }
}
