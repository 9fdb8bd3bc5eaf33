package dev.llmsse.stream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.LongSupplier;

import dev.llmsse.session.LoggedEvent;

import org.reactivestreams.Subscription;

import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One client's frames ({@link FrameStreams} says what they are) as one operator: the {@code retry} hint, the log's
 * events with pings between them, and one closing frame when the gateway ends the client.
 *
 * <p>Why hand-written and not composed from Reactor's operators: the composed stream (a merge with a
 * {@code Flux.interval}, a filter, a drop, three {@code takeUntilOther}s, a four-part {@code concat} and five
 * peeks) held about 2 KB of operators and queues for every live stream, and passed every token through ten
 * of them. This one is one object and one timer task per client, and hands a token on in one step.
 *
 * <p>How it stays correct: every frame goes out from {@link Client#drain()}, which one thread runs at a time
 * (the usual work-in-progress counter); everything else (an event from the log, a heartbeat tick, an ending,
 * a handoff, demand) only records what happened and asks for a drain. The log is read one event at a time,
 * asked for the next only once the previous one went out, so a client that reads nothing holds at most one
 * event here however long the answer grows.
 */
final class ClientFrames extends Flux<SseFrame> {

    private final FrameStreams streams;
    private final String generationId;
    private final Flux<LoggedEvent> events;
    private final long afterSeq;
    private final LongSupplier head;

    ClientFrames(FrameStreams streams, String generationId, Flux<LoggedEvent> events, long afterSeq,
            LongSupplier head) {
        this.streams = streams;
        this.generationId = generationId;
        this.events = events;
        this.afterSeq = afterSeq;
        this.head = head;
    }

    @Override
    public void subscribe(CoreSubscriber<? super SseFrame> actual) {
        ClientConnection connection = actual.currentContext().getOrDefault(ClientConnection.class,
                ClientConnection.NONE);
        Client client = new Client(actual, connection);
        actual.onSubscribe(client);
        client.start(events);
    }

    /**
     * One client: its position and fate, and the subscription between the log and its connection.
     */
    final class Client implements Subscription, CoreSubscriber<LoggedEvent> {

        private static final AtomicIntegerFieldUpdater<Client> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Client.class, "wip");
        private static final AtomicLongFieldUpdater<Client> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Client.class, "requested");
        private static final AtomicIntegerFieldUpdater<Client> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Client.class, "done");
        private static final AtomicReferenceFieldUpdater<Client, Subscription> UPSTREAM =
                AtomicReferenceFieldUpdater.newUpdater(Client.class, Subscription.class, "upstream");
        private static final AtomicReferenceFieldUpdater<Client, LoggedEvent> NEXT =
                AtomicReferenceFieldUpdater.newUpdater(Client.class, LoggedEvent.class, "next");
        private static final AtomicReferenceFieldUpdater<Client, SseFrame> FAREWELL =
                AtomicReferenceFieldUpdater.newUpdater(Client.class, SseFrame.class, "farewell");

        private final CoreSubscriber<? super SseFrame> actual;
        final ClientConnection connection;
        private final LivenessGuard.Watch watch;
        private final Ticks heartbeats = new Ticks(this);

        volatile int wip;
        volatile long requested;
        /** 1 once the client's stream ended, one way or another, and what it held was let go. */
        volatile int done;
        volatile Subscription upstream;
        /** The error frame the gateway ends this client with (cut for not reading, or stalled), if it does. */
        volatile SseFrame farewell;

        /**
         * The event taken from the log and not yet handed to the connection (counted as waiting in the subscriber
         * buffers); written by the log, taken by the drain or by the release, whichever comes first.
         */
        volatile LoggedEvent next;
        private volatile boolean logEnded;
        private volatile Throwable logError;
        private volatile boolean handedOff;
        private volatile boolean pingDue;
        /** Last position handed to the connection. */
        private volatile long sent;
        // Only the drain touches these.
        private boolean hinted;
        // Only the heartbeat tick (one timer thread) touches these.
        private long sentAtLastCheck = -1;
        private long unsentAtLastCheck = -1;

        Client(CoreSubscriber<? super SseFrame> actual, ClientConnection connection) {
            this.actual = actual;
            this.connection = connection;
            this.sent = afterSeq;
            this.watch = streams.guard().watch(connection, this::describe, this::endWith);
            streams.live().add(this);
        }

        void start(Flux<LoggedEvent> log) {
            if (streams.handingOff()) {
                handOff();
            }
            long every = streams.heartbeat().toMillis();
            try {
                heartbeats.scheduled = streams.timer().schedulePeriodically(heartbeats, every, every,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // The timer only refuses at shutdown, when this stream is about to be ended anyway.
            }
            if (done != 0) {
                // Released meanwhile, perhaps before the task was there to be disposed.
                heartbeats.dispose();
            }
            // This client is the log's subscriber: it takes the log's error and sends it on to the connection.
            log.subscribe(this);
        }

        // ---- the connection's side ----

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            release();
        }

        // ---- the log's side ----

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.setOnce(UPSTREAM, this, subscription)) {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(LoggedEvent event) {
            // Counted before it can be taken, so that the buffers' total never dips below 0.
            streams.buffers().added(1);
            next = event;
            if (done != 0) {
                // Released meanwhile: nothing will hand this event on, so it is not counted as waiting.
                discardNext();
                return;
            }
            drain();
        }

        @Override
        public void onError(Throwable error) {
            logError = error;
            drain();
        }

        @Override
        public void onComplete() {
            logEnded = true;
            drain();
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        // ---- what the gateway does to a client ----

        /** Ends this client's stream after its current frame with {@code frame}, which has no id. */
        void endWith(SseFrame frame) {
            if (FAREWELL.compareAndSet(this, null, frame)) {
                drain();
            }
        }

        /** Ends this client's stream after its current frame with the handoff's {@code retry} hint. */
        void handOff() {
            handedOff = true;
            drain();
        }

        /**
         * A heartbeat: checks whether the client reads, and asks for a ping unless it is cut. A ping the client
         * has no room for is dropped, not queued.
         */
        void tick() {
            if (notReadingFarBehind()) {
                streams.cut(this);
            } else if (requested > 0) {
                pingDue = true;
                drain();
            }
        }

        /**
         * Not reading: bytes are waiting on its connection, none of them left since the previous check, the
         * socket sent it nothing new over the last heartbeat and no new event was handed to it, while it is
         * more than the allowed lag behind the log's head. A client that reads, however slowly, opens its TCP
         * window and gets data, and is never cut.
         */
        private boolean notReadingFarBehind() {
            long sentNow = sent;
            long unsent = connection.unsentBytes();
            boolean noProgress = sentNow == sentAtLastCheck && unsent > 0 && unsent >= unsentAtLastCheck
                    && !connection.sentWithin(streams.heartbeat().toMillis());
            sentAtLastCheck = sentNow;
            unsentAtLastCheck = unsent;
            return noProgress && head != null && head.getAsLong() - sentNow > streams.maxLag();
        }

        String describe() {
            return "generation " + generationId + ", client at " + sent + " of " + (head == null ? "?" : head.getAsLong())
                    + ", " + (next == null ? 0 : 1) + " events taken but not handed, " + connection.unsentBytes() + " bytes unsent";
        }

        // ---- the one place frames go out ----

        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            do {
                while (done == 0 && step()) {
                    // Each step sends one frame; go on while there is demand and something to send.
                }
                missed = WIP.addAndGet(this, -missed);
            } while (missed != 0);
        }

        /** Sends the next frame if there is one and room for it; true if it sent one and may send more. */
        private boolean step() {
            if (!hinted && requested > 0) {
                hinted = true;
                emit(streams.retryHint());
                return true;
            }
            Throwable error = logError;
            if (error != null) {
                // An error needs no demand, and drops the event it may have been waiting behind.
                release();
                actual.onError(error);
                return false;
            }
            if (requested == 0) {
                return false;
            }
            SseFrame last = farewell;
            if (last != null || handedOff) {
                // Between two frames, never inside one: the ending goes out instead of whatever came next.
                close(last != null ? last : streams.handoffHint());
                return false;
            }
            // Read before the event: the log writes its last event before it ends, so an end seen here means
            // that event, if any, is seen below.
            boolean logDone = logEnded;
            LoggedEvent event = next == null ? null : NEXT.getAndSet(this, null);
            if (event != null) {
                streams.buffers().removed(1);
                hand(event);
                if (event.terminal()) {
                    // Nothing may follow the terminal frame: no ping, no hint.
                    release();
                    actual.onComplete();
                    return false;
                }
                Subscription log = upstream;
                if (log != null) {
                    log.request(1);
                }
                return true;
            }
            if (logDone) {
                // The log ended without a terminal event here (its owner moved on): reconnect, soon.
                close(streams.handoffHint());
                return false;
            }
            if (pingDue) {
                pingDue = false;
                emit(streams.ping());
                return true;
            }
            return false;
        }

        private void hand(LoggedEvent event) {
            sent = event.seq();
            emit(FrameStreams.frame(generationId, event));
        }

        private void emit(SseFrame frame) {
            if (requested != Long.MAX_VALUE) {
                REQUESTED.decrementAndGet(this);
            }
            watch.touch();
            actual.onNext(frame);
        }

        private void close(SseFrame last) {
            release();
            actual.onNext(last);
            actual.onComplete();
        }

        /** Lets go of the log, the timer task and the watches; once, whichever way the stream ends. */
        private void release() {
            if (!DONE.compareAndSet(this, 0, 1)) {
                return;
            }
            Operators.terminate(UPSTREAM, this);
            heartbeats.dispose();
            watch.close();
            streams.live().remove(this);
            discardNext();
        }

        /** Lets go of an event that will not be handed on, and of its count. */
        private void discardNext() {
            if (NEXT.getAndSet(this, null) != null) {
                streams.buffers().removed(1);
            }
        }
    }

    /**
     * The heartbeat task of one client. It lets go of the client when the client is released, so that a timer
     * that keeps cancelled tasks queued until they fall due (as a virtual-time one does) cannot keep a finished
     * generation reachable through it.
     */
    private static final class Ticks implements Runnable, Disposable {

        private volatile Client client;
        private volatile Disposable scheduled;

        Ticks(Client client) {
            this.client = client;
        }

        @Override
        public void run() {
            Client now = client;
            if (now != null) {
                now.tick();
            }
        }

        @Override
        public void dispose() {
            client = null;
            Disposable task = scheduled;
            if (task != null) {
                task.dispose();
            }
        }
    }
}
