package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * With {@code detach-grace=0}, a client that goes away cancels the provider within one second, in every
 * phase of a stream, whether it closes its socket or only half-closes it. The heartbeat is far longer than
 * the bound, so the gateway cannot rely on a failed write to notice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.stream.heartbeat=60s",
        "gateway.stream.detach-grace=0s"})
@Import(ProbeProvider.Config.class)
class DisconnectCancelsUpstreamTest {

    /** Where in the stream the client leaves, and the probe model that makes that phase last. */
    enum Phase {
        BEFORE_FIRST_TOKEN("probe/60000-0-1", 0),
        MID_STREAM("probe/0-20-10000", 5),
        LONG_GAP_BETWEEN_TOKENS("probe/0-60000-2", 1);

        final String model;
        final int tokensBeforeLeaving;

        Phase(String model, int tokensBeforeLeaving) {
            this.model = model;
            this.tokensBeforeLeaving = tokensBeforeLeaving;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ProbeProvider probe;

    @BeforeEach
    void reset() {
        probe.reset();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void closingTheSocketCancelsTheProviderWithinOneSecond(Phase phase) throws Exception {
        RawSseConnection connection = openAndReach(phase);
        long closedAt = System.nanoTime();
        connection.close();

        assertCancelledWithinOneSecondOf(closedAt);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void halfClosingTheSocketCancelsTheProviderWithinOneSecond(Phase phase) throws Exception {
        try (RawSseConnection connection = openAndReach(phase)) {
            long closedAt = System.nanoTime();
            connection.shutdownOutput();

            assertCancelledWithinOneSecondOf(closedAt);
        }
    }

    private RawSseConnection openAndReach(Phase phase) throws Exception {
        RawSseConnection connection = RawSseConnection.get(port, "/api/llm?prompt=hi&model=" + phase.model)
                .readHeaders(Duration.ofSeconds(5));
        Predicate<String> reached = body -> body.startsWith("retry:")
                && SseFrames.tokens(body).size() >= phase.tokensBeforeLeaving;
        connection.readUntil(reached);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !probe.calls().isEmpty());
        assertThat(probe.lastCall().cancelled()).as("still running before the client leaves").isFalse();
        return connection;
    }

    private void assertCancelledWithinOneSecondOf(long closedAt) {
        await().atMost(1, TimeUnit.SECONDS).until(() -> probe.lastCall().cancelled());
        assertThat(Duration.ofNanos(probe.lastCall().cancelledAtNanos() - closedAt)).isLessThan(Duration.ofSeconds(1));
    }
}
