package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.support.ProbeProvider;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import io.micrometer.core.instrument.MeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Issue 18, point 9: one byte budget for the in-memory logs of running and retained generations. Answers of
 * 300 tokens (about 14 KB of log each) against a budget of 64 KB: the logs never hold much more than the
 * budget, the oldest finished answers go first (their ids resume nothing), the newest are still there (204),
 * and while running answers alone fill the budget new ones are refused with 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.memory.event-log-budget=64KB",
        "gateway.stream.retention=10m",
        "gateway.stream.detach-grace=0s"})
@Import(ProbeProvider.Config.class)
class EventLogBudgetTest {

    private static final long BUDGET = 64 * 1024;
    // What one running answer may still append once the budget is full: one event.
    private static final long SLACK = 1024;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void finishedAnswersAreLetGoOldestFirstToKeepTheBudget() throws Exception {
        List<String> lastIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<Frame> frames = SseFrames.parse(read("/api/llm?prompt=budget" + i + "&model=probe/0-0-300"));
            lastIds.add(frames.get(frames.size() - 1).id());
            assertThat(logBytes()).as("after answer %d", i).isLessThanOrEqualTo(BUDGET + SLACK);
        }
        assertThat(logBytes()).isGreaterThan(0);
        // The newest answer is retained: its terminal id gets 204.
        try (RawSseConnection newest = RawSseConnection.get(port, "/api/llm?prompt=budget11&model=probe/0-0-300",
                "Last-Event-ID: " + lastIds.get(11)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(newest.status()).isEqualTo(204);
        }
        // The oldest was let go: its id resumes nothing, so the same URL starts a fresh answer.
        try (RawSseConnection oldest = RawSseConnection.get(port, "/api/llm?prompt=budget0&model=probe/0-0-300",
                "Last-Event-ID: " + lastIds.get(0)).readHeaders(Duration.ofSeconds(10))) {
            assertThat(oldest.status()).isEqualTo(200);
            List<Frame> fresh = SseFrames.tokens(oldest.readToEnd());
            assertThat(fresh.get(0).id()).doesNotStartWith(lastIds.get(0).substring(0, 22));
        }
    }

    @Test
    void whileRunningAnswersFillTheBudgetNewOnesAreRefused() throws Exception {
        // 6,000 tokens, 2 ms apart: past the budget after about 1,400, still running for seconds after that
        // (a shorter answer could finish, and become evictable, before a loaded machine sends the next request).
        try (RawSseConnection big = RawSseConnection.get(port, "/api/llm?prompt=big&model=probe/0-2-6000")
                .readHeaders(Duration.ofSeconds(10))) {
            assertThat(big.status()).isEqualTo(200);
            big.readUntil(body -> logBytes() > BUDGET);
            try (RawSseConnection refused = RawSseConnection.get(port, "/api/llm?prompt=more&model=probe/0-0-1")
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("retry-after")).isNotNull();
            }
        }
        // Its client gone, it is cancelled (no detach grace) and finished, so it can be let go: the next
        // answer is admitted (and evicts it).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (RawSseConnection again = RawSseConnection.get(port, "/api/llm?prompt=again&model=probe/0-0-1")
                    .readHeaders(Duration.ofSeconds(10))) {
                assertThat(again.status()).isEqualTo(200);
            }
        });
        assertThat(logBytes()).isLessThanOrEqualTo(BUDGET + SLACK);
    }

    private String read(String path) throws Exception {
        try (RawSseConnection stream = RawSseConnection.get(port, path).readHeaders(Duration.ofSeconds(10))) {
            assertThat(stream.status()).isEqualTo(200);
            return stream.readToEnd();
        }
    }

    private long logBytes() {
        return (long) meters.get("llmsse.stream.log.bytes").gauge().value();
    }
}
