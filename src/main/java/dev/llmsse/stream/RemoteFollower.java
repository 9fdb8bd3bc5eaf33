package dev.llmsse.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Serves a client attached to a generation that another replica runs: reads the shared log, counts
 * itself with the owner, and ends with an {@code interrupted} error if the owner's lease runs out before
 * the terminal event, so that nothing waits forever on a dead replica.
 */
final class RemoteFollower {

    private static final StreamEvent.Failed INTERRUPTED =
            new StreamEvent.Failed("interrupted", "the replica running this answer went away", true);

    private static final Logger LOG = LoggerFactory.getLogger(RemoteFollower.class);

    private static final Duration MIRROR_LAG = Duration.ofSeconds(2);

    private final SessionStore store;
    private final ReplicaBus bus;
    private final Duration lease;
    private final Scheduler timer;
    private final StreamMetrics metrics;

    RemoteFollower(SessionStore store, ReplicaBus bus, Duration lease, Scheduler timer, StreamMetrics metrics) {
        this.store = store;
        this.bus = bus;
        this.lease = lease;
        this.timer = timer;
        this.metrics = metrics;
    }

    /** The attachment after {@code afterSeq}; empty when {@code afterSeq} is past the log's end. */
    Mono<Attachment> attach(SessionRecord record, long afterSeq, FrameStreams frames) {
        EventLog log = store.log(record.id());
        return caughtUp(log, afterSeq).flatMap(position -> {
            if (position.ended() && afterSeq >= position.lastSeq()) {
                return Mono.just(new Attachment.Ended());
            }
            if (afterSeq > position.lastSeq()) {
                // Past the log: a position not reached yet while an owner runs it; with nobody holding the
                // lease it is the id of the interrupted frame this class made up (lastSeq + 1) or later,
                // which is terminal like any other: 204, so that an EventSource stops (issue 18).
                return store.owned(record.id()).flatMap(owned -> owned ? Mono.<Attachment>empty()
                        : Mono.just(new Attachment.Ended()));
            }
            return Mono.just(new Attachment.Frames(frames.of(record.id(), follow(record, log, afterSeq))));
        });
    }

    /**
     * The log's position once it has reached {@code afterSeq}: the owner mirrors to the store in the
     * background, so a client that saw an event on the owner may reconnect here a moment before the event
     * is in the store. Waits for that at most {@link #MIRROR_LAG}, then answers what the log holds.
     */
    private Mono<EventLog.Position> caughtUp(EventLog log, long afterSeq) {
        Duration step = Duration.ofMillis(25);
        return log.position()
                .filter(position -> position.ended() || position.lastSeq() >= afterSeq)
                .repeatWhenEmpty(attempts -> attempts.take(MIRROR_LAG.dividedBy(step)).concatMap(
                        attempt -> Mono.delay(step, timer)))
                .switchIfEmpty(log.position());
    }

    /**
     * The shared log after {@code afterSeq}, counted with the owner for as long as it is subscribed: joined
     * before the first read, left on completion, error and cancel alike ({@code usingWhen} scopes both to the
     * subscription). A bus failure is logged and does not stop the stream; the owner may then end the
     * generation at its grace, and this follower ends {@code interrupted} like any other.
     */
    private Flux<LoggedEvent> follow(SessionRecord record, EventLog log, long afterSeq) {
        String id = record.id();
        return Flux.usingWhen(
                bus.remoteSubscriberJoined(id).onErrorResume(error -> busFailed("join", id, error)).thenReturn(id),
                joined -> read(record, log, afterSeq),
                joined -> bus.remoteSubscriberLeft(id).onErrorResume(error -> busFailed("leave", id, error)));
    }

    private Flux<LoggedEvent> read(SessionRecord record, EventLog log, long afterSeq) {
        AtomicLong lastSeq = new AtomicLong(afterSeq);
        AtomicBoolean ended = new AtomicBoolean();
        Flux<LoggedEvent> events = log.follow(afterSeq).doOnNext(event -> {
            lastSeq.set(event.seq());
            ended.set(event.terminal());
        });
        return events.takeUntilOther(ownerGone(record.id(), log))
                .concatWith(Mono.defer(() -> ended.get() ? Mono.empty() : interrupted(record, lastSeq.get())))
                // The store itself failed: what was delivered stays delivered, the stream still ends cleanly.
                .onErrorResume(error -> interrupted(record, lastSeq.get()));
    }

    private static Mono<Void> busFailed(String what, String id, Throwable error) {
        LOG.warn("could not {} as a remote subscriber of generation {}: {}", what, id, error.toString());
        return Mono.empty();
    }

    /** Fires once nobody holds the lease while the log has not ended. */
    private Mono<Boolean> ownerGone(String id, EventLog log) {
        return Flux.interval(lease, lease, timer)
                .onBackpressureDrop()
                .concatMap(tick -> store.owned(id))
                .filter(owned -> !owned)
                .concatMap(notOwned -> log.position())
                .filter(position -> !position.ended())
                .next()
                .map(position -> true);
    }

    private Mono<LoggedEvent> interrupted(SessionRecord record, long lastSeq) {
        return Mono.fromSupplier(() -> {
            metrics.interrupted(record.model());
            return FrameEncoder.encode(lastSeq + 1, INTERRUPTED);
        });
    }
}
