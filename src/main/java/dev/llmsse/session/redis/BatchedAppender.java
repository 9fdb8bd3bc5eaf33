package dev.llmsse.session.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.llmsse.session.LoggedEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Mirrors one generation's events to Redis in batches, so that the cost in round trips, commands and
 * follower wake-ups is per batch rather than per token, and grows less than the load does.
 *
 * <p>The contract:
 * <ul>
 * <li>{@link #append} never waits: it queues the event, and sends it at once only if no batch is in flight.</li>
 * <li>One batch is in flight at a time. When it completes, every event queued meanwhile goes out in the next
 * one (at most {@link #MAX_EVENTS} events and about {@link #MAX_CHARS} characters of payload; the rest in the
 * batches after it), in append order. Nothing waits for more events to come: a terminal event goes out with
 * the batch it falls in.</li>
 * <li>A batch that fails is not dropped, or the shared log would have a gap that a follower would read past:
 * it is sent again with whatever was queued since, after a backoff ({@link #FIRST_BACKOFF} doubling up to
 * {@link #MAX_BACKOFF}). The writer is told that it is a retry and must then skip events the log already
 * holds, because a batch that timed out may have been stored all the same. So followers see every event once,
 * in order, whatever fails.</li>
 * <li>An outage is logged once, when the first batch fails, and once when a batch gets through again; not
 * per retry. After failing for {@code patience} without a break it gives up: what is queued and whatever
 * comes later is dropped, logged once. Followers on other replicas then end {@code interrupted} when the
 * owner's lease runs out.</li>
 * </ul>
 */
final class BatchedAppender {

    static final int MAX_EVENTS = 256;
    static final int MAX_CHARS = 256 * 1024;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(BatchedAppender.class);

    /**
     * Stores one batch, in order. A first try follows a batch known to be stored, so the log ends right before
     * it; a {@code retry} may be handed events already stored by an earlier try, and must skip them.
     */
    @FunctionalInterface
    interface Writer {
        Mono<Void> write(List<LoggedEvent> batch, boolean retry);
    }

    private final String id;
    private final Writer writer;
    private final Scheduler timer;
    private final Duration patience;
    private final Queue<LoggedEvent> queued = new ConcurrentLinkedQueue<>();
    private final SerialLoop drain = new SerialLoop(this::sendUnlessInFlight);
    /** Set by the drain loop when it sends a batch, cleared once that batch is settled (written, or retried). */
    private volatile boolean inFlight;
    private volatile boolean gaveUp;
    /*
     * Written by a batch's completion before it clears inFlight, read by the drain loop only after it saw
     * inFlight cleared: the volatile write and read order them, and the two never run at once.
     */
    private List<LoggedEvent> unsent = List.of();
    private int failures;
    private long failingSinceMillis;

    /** Queues the event, and sends it now if no batch is in flight; never waits. */
    void append(LoggedEvent event) {
        if (!gaveUp) {
            queued.offer(event);
            drain.signal();
        }
    }

    /**
     * @param id       the generation, for the log lines
     * @param patience how long batches may keep failing before the mirror gives up
     */
    BatchedAppender(String id, Writer writer, Scheduler timer, Duration patience) {
        this.id = id;
        this.writer = writer;
        this.timer = timer;
        this.patience = patience;
    }

    private void sendUnlessInFlight() {
        if (!inFlight) {
            sendNext();
        }
    }

    private void sendNext() {
        if (gaveUp) {
            queued.clear();
            return;
        }
        boolean retry = !unsent.isEmpty();
        List<LoggedEvent> batch = nextBatch();
        if (batch.isEmpty()) {
            return;
        }
        inFlight = true;
        // The writer's errors and its throws alike settle the batch; the subscriber has no other error path.
        Mono.defer(() -> writer.write(batch, retry)).subscribe(null, error -> failed(batch, error), () -> written());
    }

    /** What failed last time first, then what was queued, up to the bounds; at least one event if any. */
    private List<LoggedEvent> nextBatch() {
        List<LoggedEvent> batch = new ArrayList<>(unsent);
        unsent = List.of();
        long chars = 0;
        for (LoggedEvent event : batch) {
            chars += event.data().length();
        }
        while (batch.size() < MAX_EVENTS && (batch.isEmpty() || chars < MAX_CHARS)) {
            LoggedEvent next = queued.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
            chars += next.data().length();
        }
        return batch;
    }

    private void written() {
        if (failures > 0) {
            LOG.info("mirroring generation {} to Redis again after {} failed attempts", id, failures);
            failures = 0;
        }
        settle();
    }

    private void failed(List<LoggedEvent> batch, Throwable error) {
        long now = timer.now(TimeUnit.MILLISECONDS);
        if (failures++ == 0) {
            failingSinceMillis = now;
            // Local subscribers are served from memory: only other replicas' followers wait for this.
            LOG.warn("could not mirror generation {} to Redis; retrying until it works or for {}: {}", id, patience,
                    error.toString());
        }
        if (now - failingSinceMillis >= patience.toMillis()) {
            giveUp(batch.size());
            return;
        }
        unsent = batch;
        timer.schedule(this::settle, backoff().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Duration backoff() {
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    private void giveUp(int lost) {
        gaveUp = true;
        LOG.warn("gave up mirroring generation {} to Redis after {} failed attempts over {}; {} events and all later"
                + " ones are not mirrored", id, failures, patience, lost + queued.size());
        queued.clear();
        settle();
    }

    private void settle() {
        inFlight = false;
        drain.signal();
    }
}
