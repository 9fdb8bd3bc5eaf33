package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import dev.llmsse.session.LoggedEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The mirror's batching, against a writer whose every batch the test settles by hand. */
@ExtendWith(OutputCaptureExtension.class)
class BatchedAppenderTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final HeldWriter writer = new HeldWriter();
    private final BatchedAppender appender = new BatchedAppender("g1", writer, time, PATIENCE);

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void theFirstEventGoesOutAtOnceAndEverythingAppendedWhileItIsInFlightGoesInTheNextBatch() {
        appendRange(1, 1);
        assertThat(writer.seqsOfBatches()).containsExactly(List.of(1L));

        appendRange(2, 100);
        assertThat(writer.seqsOfBatches()).as("nothing more is sent while a batch is in flight").hasSize(1);

        writer.complete(0);
        assertThat(writer.seqsOfBatches()).hasSize(2);
        assertThat(writer.seqsOfBatches().get(1)).containsExactlyElementsOf(seqs(2, 100));

        writer.complete(1);
        appendRange(101, 101);
        assertThat(writer.seqsOfBatches().get(2)).as("a free writer sends at once").containsExactly(101L);
    }

    @Test
    void aBacklogGoesOutInBoundedBatchesInOrder() {
        appendRange(1, 1);
        appendRange(2, 1 + BatchedAppender.MAX_EVENTS * 2 + 10);

        writer.completeAll();

        assertThat(writer.seqsOfBatches()).extracting(List::size)
                .containsExactly(1, BatchedAppender.MAX_EVENTS, BatchedAppender.MAX_EVENTS, 10);
        assertThat(writer.seqsOfBatches().stream().flatMap(List::stream))
                .containsExactlyElementsOf(seqs(1, 1 + BatchedAppender.MAX_EVENTS * 2 + 10));
    }

    @Test
    void largePayloadsCutABatchShortOfItsEventCount() {
        String large = "x".repeat(BatchedAppender.MAX_CHARS / 4);
        appendRange(1, 1);
        for (long seq = 2; seq <= 11; seq++) {
            appender.append(new LoggedEvent(seq, null, large, false));
        }

        writer.completeAll();

        assertThat(writer.seqsOfBatches()).extracting(List::size).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aTerminalEventGoesOutWithTheBatchItFallsIn() {
        appendRange(1, 1);
        appendRange(2, 4);
        appender.append(new LoggedEvent(5, "error", "{\"error\":{}}", true));

        writer.complete(0);

        List<LoggedEvent> last = writer.batches.get(1).events();
        assertThat(last).extracting(LoggedEvent::seq).containsExactly(2L, 3L, 4L, 5L);
        assertThat(last.get(last.size() - 1).terminal()).isTrue();
        writer.complete(1);
        assertThat(writer.batches).hasSize(2);
    }

    @Test
    void aFailedBatchIsLoggedOnceAndSentAgainWithWhatCameMeanwhileSoThatNothingIsLostOrRepeated(
            CapturedOutput output) {
        appendRange(1, 1);
        writer.complete(0);
        appendRange(2, 2);
        appendRange(3, 10);
        writer.fail(1);
        assertThat(writer.batches).as("retried only after a backoff").hasSize(2);

        appendRange(11, 12);
        time.advanceTimeBy(BatchedAppender.FIRST_BACKOFF);
        assertThat(writer.seqsOfBatches().get(2)).containsExactlyElementsOf(seqs(2, 12));
        writer.fail(2);
        time.advanceTimeBy(BatchedAppender.FIRST_BACKOFF.multipliedBy(2));
        writer.complete(3);

        assertThat(writer.written()).containsExactlyElementsOf(seqs(1, 12));
        assertThat(count(output.getOut(), "could not mirror generation g1")).isEqualTo(1);
        assertThat(output.getOut()).contains("mirroring generation g1 to Redis again after 2 failed attempts");

        appendRange(13, 13);
        assertThat(writer.seqsOfBatches().get(4)).as("later batches go out as before").containsExactly(13L);
        assertThat(writer.batches).extracting(Batch::retry).as("only what follows a failure is a retry")
                .containsExactly(false, false, true, true, false);
    }

    @Test
    void aWriterThatThrowsCountsAsAFailedBatch() {
        BatchedAppender throwing = new BatchedAppender("g2", (batch, retry) -> {
            throw new IllegalStateException("no connection");
        }, time, PATIENCE);

        throwing.append(new LoggedEvent(1, null, "{}", false));

        assertThat(time.getScheduledTaskCount()).as("a retry is scheduled").isEqualTo(1);
    }

    @Test
    void afterFailingForItsPatienceItGivesUpOnceAndDropsWhatComesLater(CapturedOutput output) {
        appendRange(1, 3);
        while (time.now(TimeUnit.MILLISECONDS) <= PATIENCE.toMillis()) {
            writer.fail(writer.batches.size() - 1);
            time.advanceTimeBy(BatchedAppender.MAX_BACKOFF);
        }
        int tries = writer.batches.size();

        appendRange(4, 5);
        time.advanceTimeBy(Duration.ofMinutes(1));

        assertThat(writer.batches).as("nothing is sent once it gave up").hasSize(tries);
        assertThat(count(output.getOut(), "gave up mirroring generation g1")).isEqualTo(1);
        assertThat(count(output.getOut(), "could not mirror generation g1")).isEqualTo(1);
    }

    private void appendRange(long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            appender.append(new LoggedEvent(seq, null, "{\"token\":\"t" + seq + "\"}", false));
        }
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /** A batch handed to the writer, and the signal that settles it. */
    private record Batch(List<LoggedEvent> events, boolean retry, Sinks.Empty<Void> outcome) {
    }

    /** Holds every batch until the test completes or fails it. */
    private static final class HeldWriter implements BatchedAppender.Writer {

        final List<Batch> batches = new CopyOnWriteArrayList<>();
        private final List<Long> written = new ArrayList<>();

        @Override
        public Mono<Void> write(List<LoggedEvent> events, boolean retry) {
            Batch batch = new Batch(List.copyOf(events), retry, Sinks.empty());
            batches.add(batch);
            return batch.outcome().asMono().doOnSuccess(done -> events.forEach(event -> written.add(event.seq())));
        }

        void complete(int index) {
            batches.get(index).outcome().tryEmitEmpty();
        }

        void fail(int index) {
            batches.get(index).outcome().tryEmitError(new IllegalStateException("Redis command timed out"));
        }

        /** Completes batches until none is left in flight. */
        void completeAll() {
            for (int index = 0; index < batches.size(); index++) {
                complete(index);
            }
        }

        List<List<Long>> seqsOfBatches() {
            return batches.stream().map(batch -> batch.events().stream().map(LoggedEvent::seq).toList()).toList();
        }

        List<Long> written() {
            return written;
        }
    }
}
