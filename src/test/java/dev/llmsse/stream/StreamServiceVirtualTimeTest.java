package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.InMemorySessionStore;
import dev.llmsse.session.LoggedEvent;
import dev.llmsse.session.SessionRecord;
import dev.llmsse.session.SessionStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.util.ReflectionTestUtils;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The timers of the stream core (heartbeat, detach grace, timeouts, caps), on virtual time. */
class StreamServiceVirtualTimeTest {

    private static final ChatRequest REQUEST =
            new ChatRequest("m", List.of(new ChatMessage("user", "hi")), null, null, null);

    private VirtualTimeScheduler time;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicInteger subscriptions = new AtomicInteger();

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.create();
    }

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void pingsStartBeforeTheFirstTokenAndStopAtTheEnd() {
        StreamService service = service(settings(Duration.ofSeconds(1), Duration.ofSeconds(5), 100));
        Flux<SseFrame> frames = framesOf(service, tokensEvery(Duration.ofMillis(10_500), 1));

        StepVerifier.withVirtualTime(() -> frames, () -> time, Long.MAX_VALUE)
                .assertNext(retry -> assertThat(retry.retry()).isEqualTo(Duration.ofSeconds(3)))
                .thenAwait(Duration.ofSeconds(10))
                .expectNextCount(10)
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(token -> assertThat(token.data()).isEqualTo("{\"token\":\"t0\"}"))
                .assertNext(done -> assertThat(done.data()).startsWith("{\"done\":true"))
                .verifyComplete();
    }

    @Test
    void aDetachedGenerationSurvivesItsGraceIfSomeoneReattaches() {
        StreamService service = service(settings(Duration.ofMinutes(1), Duration.ofSeconds(5), 100));
        String id = service.createSession(model(tokensEvery(Duration.ofSeconds(1), 100)), REQUEST, null).block();

        Disposable first = frames(service.attachSession(id, null).block()).subscribe();
        time.advanceTimeBy(Duration.ofSeconds(3));
        first.dispose();
        time.advanceTimeBy(Duration.ofSeconds(4));
        assertThat(cancelled).as("within the grace").isFalse();

        Disposable second = frames(service.attachSession(id, id + ".3").block()).subscribe();
        time.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(cancelled).as("re-attached before the grace ended").isFalse();

        second.dispose();
        time.advanceTimeBy(Duration.ofMillis(4_999));
        assertThat(cancelled).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(cancelled).as("nobody re-attached within the grace").isTrue();
        assertThat(lastFrame(service, id).data()).isEqualTo(
                "{\"error\":{\"code\":\"cancelled\",\"message\":\"no client was attached any more\",\"retryable\":true},"
                        + "\"usage\":{\"outputTokens\":21,\"estimated\":true}}");
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void aSilentUpstreamEndsWithAnIdleTimeoutError() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 100));
        Flux<String> data = dataOf(service, Flux.never());

        StepVerifier.withVirtualTime(() -> data, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(60))
                .expectNext("{\"error\":{\"code\":\"idle_timeout\",\"message\":\"the provider went silent\",\"retryable\":true}}")
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void tokensCloserThanTheIdleTimeoutKeepTheStreamAliveLongPastIt() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 100));
        // 4 tokens 40 s apart with a 60 s idle timeout: 160 s in all, never 60 s of silence.
        Flux<String> data = dataOf(service, tokensEvery(Duration.ofSeconds(40), 4));

        StepVerifier.withVirtualTime(() -> data, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(160))
                .expectNextCount(4)
                .expectNextMatches(last -> last.contains("\"done\":true"))
                .verifyComplete();
        assertThat(cancelled).isFalse();
    }

    @Test
    void aSilentUpstreamEndsAJsonAnswerWithAnIdleTimeoutError() {
        AnswerService answers = new AnswerService(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 100), time,
                GenerationGate.OPEN);
        model(Flux.never());

        StepVerifier.withVirtualTime(() -> answers.answer(model, REQUEST, null), () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(60))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(AnswerFailedException.class)
                        .extracting(failed -> ((AnswerFailedException) failed).failure().code())
                        .isEqualTo("idle_timeout"))
                .verify();
        assertThat(cancelled).isTrue();
    }

    @Test
    void anUpstreamThatEndsWithoutFinishingIsATruncationNotADone() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 100));

        StepVerifier.withVirtualTime(() -> dataOf(service, Flux.just(new StreamEvent.Token("a"))), () -> time, 100)
                .expectNext("{\"token\":\"a\"}")
                .assertNext(data -> assertThat(data).contains("\"code\":\"truncated\"", "\"retryable\":true"))
                .verifyComplete();
    }

    @Test
    void aProviderErrorAfterTokensBecomesATerminalErrorFrame() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 100));
        Flux<StreamEvent> failing = Flux.<StreamEvent>just(new StreamEvent.Token("a"))
                .concatWith(Mono.error(new ProviderException("upstream_unavailable", "provider failed", true)));

        StepVerifier.withVirtualTime(() -> dataOf(service, failing), () -> time, 100)
                .expectNext("{\"token\":\"a\"}")
                .expectNext("{\"error\":{\"code\":\"upstream_unavailable\",\"message\":\"provider failed\",\"retryable\":true},"
                        + "\"usage\":{\"outputTokens\":1,\"estimated\":true}}")
                .verifyComplete();
    }

    @Test
    void theLogLengthCapEndsTheStreamAndCancelsTheUpstream() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 3));

        StepVerifier.withVirtualTime(() -> dataOf(service, tokensEvery(Duration.ofSeconds(1), 100)), () -> time, 100)
                .thenAwait(Duration.ofSeconds(3))
                .expectNext("{\"token\":\"t0\"}", "{\"token\":\"t1\"}")
                .assertNext(data -> assertThat(data).contains("\"code\":\"too_long\""))
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void aProviderThatPassesTheLogCapWhileBeingSubscribedEndsTooLongAndIsCancelled() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 3));
        // Emits every event synchronously inside subscribe(), before the generation holds its subscription.
        Flux<StreamEvent> synchronous = Flux.range(0, 100).map(i -> new StreamEvent.Token("t" + i));

        StepVerifier.create(dataOf(service, synchronous))
                .expectNext("{\"token\":\"t0\"}", "{\"token\":\"t1\"}")
                .assertNext(data -> assertThat(data).contains("\"code\":\"too_long\""))
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void theDurationCapEndsTheStreamAndCancelsTheUpstream() {
        GatewayProperties.Stream settings = new GatewayProperties.Stream(Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofMinutes(10), Duration.ofMillis(30_500), Duration.ofSeconds(3), Duration.ofMinutes(5),
                Duration.ofMinutes(5), 10, 1000, 1000);
        StreamService service = service(settings);

        StepVerifier.withVirtualTime(() -> dataOf(service, tokensEvery(Duration.ofSeconds(1), 100)), () -> time, 100)
                .thenAwait(Duration.ofMillis(30_500))
                .expectNextCount(30)
                .assertNext(data -> assertThat(data).contains("\"code\":\"max_duration\""))
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void aSessionNobodyAttachesToExpiresAndTheLiveCapRefusesNewOnes() {
        GatewayProperties.Stream settings = new GatewayProperties.Stream(Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofMinutes(1),
                Duration.ofSeconds(30), 1, 1000, 1000);
        StreamService service = service(settings);
        ResolvedModel model = model(tokensEvery(Duration.ofSeconds(1), 1));
        String neverAttached = service.createSession(model, REQUEST, null).block();

        time.advanceTimeBy(Duration.ofSeconds(30));
        StepVerifier.create(service.attachSession(neverAttached, null)).verifyError(SessionNotFoundException.class);

        frames(service.streamPrompt(model, REQUEST, null, null).block()).subscribe();
        assertThat(service.liveGenerations()).isOne();
        StepVerifier.create(service.createSession(model, REQUEST, null)).verifyError(CapacityExceededException.class);
        assertThatThrownBy(() -> service.streamPrompt(model, REQUEST, null, null).block())
                .isInstanceOf(CapacityExceededException.class);
        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(service.liveGenerations()).isZero();
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void finishedGenerationsAreRetainedAtMostAsManyAsLiveOnesMayBe() {
        GatewayProperties.Stream settings = new GatewayProperties.Stream(Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofMinutes(5),
                Duration.ofMinutes(5), 2, 1000, 1000);
        StreamService service = service(settings);
        ResolvedModel model = model(Flux.just(new StreamEvent.Token("a"), new StreamEvent.Done("stop", null)));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = service.createSession(model, REQUEST, null).block();
            frames(service.attachSession(id, null).block()).blockLast(Duration.ofSeconds(1));
            ids.add(id);
        }

        StepVerifier.create(service.attachSession(ids.get(0), null)).verifyError(SessionNotFoundException.class);
        StepVerifier.create(service.attachSession(ids.get(1), null)).verifyError(SessionNotFoundException.class);
        assertThat(frames(service.attachSession(ids.get(3), null).block()).filter(frame -> frame.id() != null)
                .map(SseFrame::data).collectList().block(Duration.ofSeconds(1)))
                .containsExactly("{\"token\":\"a\"}", "{\"done\":true,\"finishReason\":\"stop\"}");
    }

    @Test
    void onShutdownNewStreamsAreRefusedAndRunningOnesEndWithATerminalFrameAfterTheDrain() {
        StreamService service = service(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 1000));
        Flux<String> data = dataOf(service, tokensEvery(Duration.ofSeconds(1), 100));

        StepVerifier.withVirtualTime(() -> data, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .expectNextCount(2)
                .then(() -> {
                    service.drain().begin();
                    StepVerifier.create(service.createSession(model, REQUEST, null)).verifyError(ShuttingDownException.class);
                    service.drain().drain(Duration.ofMillis(10_500)).subscribe();
                })
                .thenAwait(Duration.ofMillis(10_500))
                .expectNextCount(10)
                .expectNext("{\"error\":{\"code\":\"shutdown\",\"message\":\"the gateway is shutting down; retry\",\"retryable\":true},"
                        + "\"usage\":{\"outputTokens\":12,\"estimated\":true}}")
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void withASharedStoreShutdownHandsClientsOffWithAShortRetryAndNoTerminalFrame() {
        SharedStore shared = new SharedStore(new InMemorySessionStore(time));
        StreamService service = sharedService(shared);
        Flux<SseFrame> frames = framesOf(service, tokensEvery(Duration.ofSeconds(1), 100));

        StepVerifier.withVirtualTime(() -> frames, () -> time, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(3))
                .expectNextCount(3)
                .then(() -> service.drain().begin())
                .assertNext(hint -> {
                    assertThat(hint.retry()).isEqualTo(Duration.ofMillis(500));
                    assertThat(hint.data()).isNull();
                })
                .verifyComplete();
        assertThat(cancelled).as("the generation goes on for the other replica's followers").isFalse();
    }

    @Test
    void aGenerationWhoseLeaseAnotherReplicaTookStopsProducingAndItsClientsResumeElsewhere() {
        SharedStore shared = new SharedStore(new InMemorySessionStore(time));
        StreamService service = sharedService(shared);
        Flux<String> data = dataOf(service, tokensEvery(Duration.ofMillis(300), 1000));

        StepVerifier.withVirtualTime(() -> data, () -> time, Long.MAX_VALUE)
                .thenAwait(Duration.ofMillis(950))
                .expectNextCount(3)
                .then(() -> shared.leaseTaken = true)
                // The next renewal (every lease / 3 = 1 s) finds the lease taken.
                .thenAwait(Duration.ofMillis(50))
                .expectNext("{\"error\":{\"code\":\"interrupted\",\"message\":\"another replica took over this answer\",\"retryable\":true},"
                        + "\"usage\":{\"outputTokens\":3,\"estimated\":true}}")
                .verifyComplete();
        assertThat(cancelled).as("the provider call stops on the replica that lost the lease").isTrue();
        assertThat(shared.logged()).as("the shared log is the new owner's: nothing more from this one")
                .hasSize(3);
    }

    private StreamService sharedService(SessionStore shared) {
        return StreamServiceBuilder.on(time).settings(settings(Duration.ofMinutes(5), Duration.ofSeconds(5), 1000))
                .store(shared).models(name -> model).build();
    }

    /** The in-memory store presented as shared, whose lease renewals can be made to fail (taken by another). */
    private static final class SharedStore implements SessionStore {

        private final InMemorySessionStore memory;
        private final List<LoggedEvent> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean leaseTaken;

        SharedStore(InMemorySessionStore memory) {
            this.memory = memory;
        }

        List<LoggedEvent> logged() {
            return logged;
        }

        public boolean shared() {
            return true;
        }

        public Mono<Void> create(SessionRecord record, Duration ttl) {
            return memory.create(record, ttl);
        }

        public Mono<SessionRecord> find(String id) {
            return memory.find(id);
        }

        public Mono<Boolean> claim(String id, String owner, Duration lease) {
            return memory.claim(id, owner, lease);
        }

        public Mono<Boolean> renew(String id, String owner, Duration lease) {
            return leaseTaken ? Mono.just(false) : memory.renew(id, owner, lease);
        }

        public Mono<Boolean> owned(String id) {
            return memory.owned(id);
        }

        public EventLog log(String id) {
            EventLog log = memory.log(id);
            return new EventLog() {
                public void append(LoggedEvent event) {
                    logged.add(event);
                    log.append(event);
                }

                public Flux<LoggedEvent> follow(long afterSeq) {
                    return log.follow(afterSeq);
                }

                public Mono<Position> position() {
                    return log.position();
                }
            };
        }

        public Mono<Void> finished(String id, Duration retention) {
            return memory.finished(id, retention);
        }
    }

    @Test
    void aFinishedGenerationLetGoForTheCapIsNotHeldUntilItsRetentionEnds() {
        // A cap of one generation: the second answer's end lets the first go, 5 minutes before its retention ends.
        StreamService service = StreamServiceBuilder.on(time).settings(new GatewayProperties.Stream(
                Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofMinutes(5), 1, 100, 1000))
                .models(name -> model).build();

        WeakReference<Generation> first = new WeakReference<>(answer(service));
        Generation second = answer(service);

        assertThat(registry(service).all()).containsExactly(second);
        // Nothing may still reach the first (its retention timer did, with its whole log, for 5 minutes).
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return first.get() == null;
        });
    }

    /** Runs one short answer to its end; the generation it ran, as the registry retains it. */
    private Generation answer(StreamService service) {
        Flux<StreamEvent> upstream = Flux.just(new StreamEvent.Token("t"), new StreamEvent.Done("stop", null));
        assertThat(framesOf(service, upstream).blockLast(Duration.ofSeconds(5)).data()).contains("\"done\":true");
        return registry(service).all().stream().filter(Generation::finished).reduce((older, newer) -> newer)
                .orElseThrow();
    }

    private static GenerationRegistry registry(StreamService service) {
        return (GenerationRegistry) ReflectionTestUtils.getField(service, "registry");
    }

    private GatewayProperties.Stream settings(Duration heartbeat, Duration grace, int maxEvents) {
        return new GatewayProperties.Stream(heartbeat, grace, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofMinutes(5), 10, maxEvents, 1000);
    }

    private StreamService service(GatewayProperties.Stream settings) {
        return StreamServiceBuilder.on(time).settings(settings).models(name -> model).build();
    }

    /** Tokens t0, t1, … one per {@code gap} on virtual time, then done; records subscription and cancel. */
    private Flux<StreamEvent> tokensEvery(Duration gap, int count) {
        return Flux.interval(gap, time).take(count)
                .<StreamEvent>map(i -> new StreamEvent.Token("t" + i))
                .concatWith(Mono.just(new StreamEvent.Done("stop", null)));
    }

    /** The model a session adopted from the store resolves to: the last one built by {@link #model}. */
    private ResolvedModel model;

    private ResolvedModel model(Flux<StreamEvent> upstream) {
        ChatProvider provider = new ChatProvider() {
            @Override
            public String id() {
                return "fake";
            }

            @Override
            public Flux<StreamEvent> stream(ChatRequest request) {
                return upstream.doOnSubscribe(s -> subscriptions.incrementAndGet())
                        .doOnCancel(() -> cancelled.set(true));
            }
        };
        model = new ResolvedModel(provider, "m");
        return model;
    }

    private Flux<SseFrame> framesOf(StreamService service, Flux<StreamEvent> upstream) {
        return frames(service.streamPrompt(model(upstream), REQUEST, null, null).block());
    }

    /** The data of the logged frames only: no retry hint, no pings. */
    private Flux<String> dataOf(StreamService service, Flux<StreamEvent> upstream) {
        return framesOf(service, upstream).filter(frame -> frame.id() != null).map(SseFrame::data);
    }

    private static Flux<SseFrame> frames(Attachment attachment) {
        return ((Attachment.Frames) attachment).frames();
    }

    private SseFrame lastFrame(StreamService service, String id) {
        return frames(service.attachSession(id, null).block()).filter(frame -> frame.id() != null)
                .takeUntil(frame -> frame.data().contains("\"done\"") || frame.data().contains("\"error\""))
                .blockLast(Duration.ofSeconds(1));
    }

}
