package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.LocalReplicaBus;
import dev.llmsse.session.ReplicaBus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The service's operations act when subscribed, as a {@code Mono} promises, not when they are called. */
class StreamServiceLazinessTest {

    private static final ChatRequest REQUEST =
            new ChatRequest("m", List.of(new ChatMessage("user", "hi")), null, null, null);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean busCancelled = new AtomicBoolean();
    private final ResolvedModel model = new ResolvedModel(new ChatProvider() {
        @Override
        public String id() {
            return "fake";
        }

        @Override
        public Flux<StreamEvent> stream(ChatRequest request) {
            return Flux.<StreamEvent>never().doOnCancel(() -> cancelled.set(true));
        }
    }, "m");
    private final StreamService service = StreamServiceBuilder.on(time).bus(new ListeningBus())
            .models(name -> model).build();

    /** The single-replica bus, whose stop channel tells when nobody listens any more. */
    private final class ListeningBus implements ReplicaBus {

        private final LocalReplicaBus local = new LocalReplicaBus();

        public Mono<Void> requestStop(String id) {
            return local.requestStop(id);
        }

        public Flux<String> stopRequests() {
            return Flux.<String>never().doOnCancel(() -> busCancelled.set(true));
        }

        public Mono<Void> remoteSubscriberJoined(String id) {
            return local.remoteSubscriberJoined(id);
        }

        public Mono<Void> remoteSubscriberLeft(String id) {
            return local.remoteSubscriberLeft(id);
        }

        public Mono<Long> remoteSubscribers(String id) {
            return local.remoteSubscribers(id);
        }

        public Flux<String> remoteSubscribersGone() {
            return local.remoteSubscribersGone();
        }
    }

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void stopStopsOnlyWhenSubscribed() {
        String id = service.createSession(model, REQUEST, null).block();
        Attachment.Frames attached = (Attachment.Frames) service.attachSession(id, null).block();
        attached.frames().subscribe();

        Mono<Void> stop = service.stop(id);
        assertThat(cancelled).as("asked, not yet subscribed").isFalse();

        stop.block(Duration.ofSeconds(1));
        assertThat(cancelled).isTrue();
    }

    @Test
    void createSessionDecidesWhenSubscribedSoThatADrainInBetweenCounts() {
        Mono<String> create = service.createSession(model, REQUEST, null);
        service.drain().begin();

        StepVerifier.create(create).verifyError(ShuttingDownException.class);
    }

    @Test
    void attachSessionReportsABadLastEventIdAsAnErrorSignalNotAThrow() {
        String id = service.createSession(model, REQUEST, null).block();

        Mono<Attachment> attach = service.attachSession(id, "not-an-event-id");

        StepVerifier.create(attach).verifyError(InvalidLastEventIdException.class);
    }

    @Test
    void closingTheServiceStopsListeningToTheOtherReplicas() {
        service.close();

        assertThat(busCancelled).isTrue();
    }
}
