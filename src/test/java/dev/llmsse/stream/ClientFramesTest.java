package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmsse.session.LoggedEvent;
import dev.llmsse.support.FakeClientConnection;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.context.Context;

/**
 * The client's frame stream as one operator: what it sends, in what order, and that it always ends and lets go
 * of what it counted, when the log, the heartbeat, the client's demand and the gateway's endings race.
 */
class ClientFramesTest {

    private static final Duration RETRY = Duration.ofSeconds(3);
    private static final Duration HANDOFF_RETRY = Duration.ofMillis(100);

    private final SubscriberBuffers buffers = new SubscriberBuffers();
    private final ExecutorService threads = Executors.newFixedThreadPool(3);
    private LivenessGuard guard;

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        if (guard != null) {
            guard.dispose();
        }
    }

    @Test
    void racingLogDemandHeartbeatsAndEndingsAlwaysEndTheStreamOnceWithNothingLostOrRepeated() throws Exception {
        // A 1 ms heartbeat on a real timer: pings race every event and every request.
        FrameStreams streams = streams(Schedulers.parallel(), Duration.ofMillis(1), 1_000_000);
        for (int run = 0; run < 300; run++) {
            oneRace(streams, run);
        }
    }

    private void oneRace(FrameStreams streams, int run) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int events = 1 + random.nextInt(40);
        boolean terminal = random.nextBoolean();
        int ending = random.nextInt(3); // 0: none, 1: the gateway ends it, 2: a handoff
        Sinks.Many<LoggedEvent> log = Sinks.many().replay().all();
        Recorder client = new Recorder();

        streams.of("g", log.asFlux(), 0, () -> events).subscribe(client);
        Future<?> producer = threads.submit(() -> {
            for (int seq = 1; seq <= events; seq++) {
                log.tryEmitNext(new LoggedEvent(seq, null, "{\"token\":\"" + seq + "\"}", terminal && seq == events));
                Thread.onSpinWait();
            }
            log.tryEmitComplete();
        });
        Future<?> reader = threads.submit(() -> {
            // Asks for one to three frames whenever fewer than two are outstanding: demand runs out often.
            while (!client.ended()) {
                client.requestSome(ThreadLocalRandom.current().nextInt(1, 4));
                Thread.yield();
            }
        });
        Future<?> ender = CompletableFuture.completedFuture(null);
        if (ending != 0) {
            ender = threads.submit(() -> {
                for (int spin = ThreadLocalRandom.current().nextInt(2000); spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                if (ending == 1) {
                    streams.live().forEach(one -> one.endWith(FrameStreams.STALLED));
                } else {
                    streams.handOffAll();
                }
            });
        }

        assertThat(client.done.await(5, TimeUnit.SECONDS)).as("run %d ended", run).isTrue();
        for (Future<?> task : List.of(producer, reader, ender)) {
            task.get(5, TimeUnit.SECONDS);
        }
        List<SseFrame> frames = client.frames();
        String context = "run " + run + ": " + events + " events, terminal " + terminal + ", ending " + ending
                + ": " + frames;
        assertThat(client.overlapped.get()).as(context).isFalse();
        assertThat(client.error.get()).as(context).isNull();
        assertThat(frames.get(0).retry()).as(context).isEqualTo(RETRY);
        List<SseFrame> tokens = frames.stream().filter(frame -> frame.id() != null).toList();
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(tokens.get(i).id()).as(context).isEqualTo("g." + (i + 1));
        }
        SseFrame last = frames.get(frames.size() - 1);
        if (last.id() != null) {
            assertThat(terminal).as(context).isTrue();
            assertThat(tokens).as(context).hasSize(events);
        } else if (ending == 0) {
            assertThat(last.retry()).as(context).isEqualTo(HANDOFF_RETRY);
            assertThat(terminal).as(context).isFalse();
            assertThat(tokens).as(context).hasSize(events);
        } else if (ending == 1 && last == FrameStreams.STALLED) {
            assertThat(tokens.size()).as(context).isLessThanOrEqualTo(events);
        } else {
            // Handed off, or the log ended without a terminal event: reconnect soon.
            assertThat(last.retry()).as(context).isEqualTo(HANDOFF_RETRY);
            assertThat(ending == 2 || !terminal).as(context).isTrue();
        }
        assertThat(frames.subList(1, frames.size() - 1)).as(context)
                .allMatch(frame -> frame.id() != null || "ping".equals(frame.event()));
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> {
            assertThat(buffers.buffered()).as(context).isZero();
            assertThat(streams.live()).as(context).isEmpty();
            assertThat(guard.watched()).as(context).isZero();
        });
        streams.acceptAgain();
    }

    @Test
    void aPingTheClientHasNoRoomForIsDroppedNotQueued() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        FrameStreams streams = streams(time, Duration.ofSeconds(1), 1_000_000);
        Sinks.Many<LoggedEvent> log = Sinks.many().replay().all();

        StepVerifier.withVirtualTime(() -> streams.of("g", log.asFlux()), () -> time, 1)
                .expectNextMatches(frame -> RETRY.equals(frame.retry()))
                // Three ticks without demand (the liveness guard's 5 s would end it as stalled).
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(3)))
                .thenRequest(1)
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(frame -> "ping".equals(frame.event()))
                .then(() -> log.tryEmitNext(new LoggedEvent(1, null, "{\"done\":true}", true)))
                .thenRequest(1)
                .expectNextMatches(frame -> "g.1".equals(frame.id()))
                .verifyComplete();
    }

    @Test
    void aClientThatReadsNothingFarBehindIsCutWithItsErrorFrameAndResetIfItCannotTakeIt() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        FrameStreams streams = streams(time, Duration.ofSeconds(1), 10);
        Sinks.Many<LoggedEvent> log = Sinks.many().replay().all();
        for (int seq = 1; seq <= 100; seq++) {
            log.tryEmitNext(new LoggedEvent(seq, null, "{\"token\":\"t\"}", false));
        }
        // Bytes wait on its socket and none left lately: it reads nothing.
        FakeClientConnection stuck = new FakeClientConnection(64 * 1024, false, new AtomicInteger());

        StepVerifier.withVirtualTime(() -> streams.of("g", log.asFlux(), 0, () -> 100)
                        .contextWrite(Context.of(ClientConnection.class, stuck)), () -> time, 2)
                .expectNextMatches(frame -> RETRY.equals(frame.retry()))
                .expectNextMatches(frame -> "g.1".equals(frame.id()))
                // The first check records where it stands, the second finds no progress and cuts.
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(2)))
                .then(() -> assertThat(buffers.cut()).isEqualTo(1))
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(1)))
                .then(() -> assertThat(stuck.resets()).hasValue(1))
                .thenRequest(1)
                .expectNext(FrameStreams.SLOW_CLIENT)
                .verifyComplete();
        assertThat(buffers.buffered()).isZero();
    }

    @Test
    void aLogErrorReachesTheClientWithoutDemand() {
        FrameStreams streams = streams(Schedulers.parallel(), Duration.ofSeconds(15), 10);
        StepVerifier.create(streams.of("g", Flux.error(new IllegalStateException("log lost"))), 1)
                .expectNextMatches(frame -> RETRY.equals(frame.retry()))
                .expectErrorMessage("log lost")
                .verify(Duration.ofSeconds(5));
        assertThat(streams.live()).isEmpty();
        assertThat(guard.watched()).isZero();
    }

    private FrameStreams streams(Scheduler timer, Duration heartbeat, int maxLag) {
        guard = new LivenessGuard(heartbeat, timer, new SimpleMeterRegistry().counter("stalled"));
        return new FrameStreams(new FrameStreams.Settings(heartbeat, RETRY, HANDOFF_RETRY, maxLag), timer, () -> {
        }, buffers, guard);
    }

    /** A client that asks for a few frames at a time from another thread, and notes any overlapping delivery. */
    private static final class Recorder extends BaseSubscriber<SseFrame> {

        final CountDownLatch done = new CountDownLatch(1);
        final AtomicBoolean overlapped = new AtomicBoolean();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final AtomicBoolean inside = new AtomicBoolean();
        private final AtomicLong asked = new AtomicLong();
        private final AtomicLong received = new AtomicLong();
        private final List<SseFrame> frames = new ArrayList<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            asked.incrementAndGet();
            request(1);
        }

        @Override
        protected void hookOnNext(SseFrame frame) {
            if (!inside.compareAndSet(false, true)) {
                overlapped.set(true);
            }
            synchronized (frames) {
                frames.add(frame);
            }
            received.incrementAndGet();
            inside.set(false);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error.set(throwable);
        }

        @Override
        protected void hookFinally(SignalType type) {
            done.countDown();
        }

        void requestSome(int n) {
            if (!isDisposed() && asked.get() - received.get() < 2) {
                asked.addAndGet(n);
                request(n);
            }
        }

        boolean ended() {
            return done.getCount() == 0;
        }

        List<SseFrame> frames() {
            synchronized (frames) {
                return List.copyOf(frames);
            }
        }
    }
}
