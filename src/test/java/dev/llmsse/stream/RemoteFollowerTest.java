package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.session.InMemorySessionStore;
import dev.llmsse.session.LoggedEvent;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A follower on a replica that does not run the generation: joining and leaving the owner's count. */
@ExtendWith(OutputCaptureExtension.class)
class RemoteFollowerTest {

    private static final ChatRequest REQUEST =
            new ChatRequest("m", List.of(new ChatMessage("user", "hi")), null, null, null);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final InMemorySessionStore store = new InMemorySessionStore(time);
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final SessionRecord record = new SessionRecord("g1", "echo/echo", REQUEST, false, null, null);

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void leavingWaitsForTheJoinSoThatTheOwnersCountNeverGoesBelowTheTruth() {
        RemoteFollower follower = follower(new RecordingBus(Mono.delay(Duration.ofSeconds(1), time).then()));
        store.log("g1").append(new LoggedEvent(1, null, "{\"token\":\"a\"}", false));

        Disposable client = frames(follower).subscribe();
        time.advanceTimeBy(Duration.ofMillis(500));
        client.dispose();
        time.advanceTimeBy(Duration.ofSeconds(2));

        assertThat(calls).as("a leave before its join completed would be counted first and lost")
                .doesNotContain("leave");
        assertThat(calls).startsWith("join");
    }

    @Test
    void theClientLeavesWhenItsStreamEndsHoweverItEnds() {
        RemoteFollower follower = follower(new RecordingBus(Mono.empty()));
        store.log("g1").append(new LoggedEvent(1, null, "{\"token\":\"a\"}", false));
        store.log("g1").append(new LoggedEvent(2, null, "{\"done\":true}", true));

        List<SseFrame> received = frames(follower).collectList().block(Duration.ofSeconds(5));

        assertThat(received).extracting(SseFrame::data).contains("{\"token\":\"a\"}", "{\"done\":true}");
        assertThat(calls).containsExactly("join", "join done", "leave");
    }

    @Test
    void aBusThatFailsIsLoggedAndTheStreamStillFlows(CapturedOutput output) {
        RemoteFollower follower = follower(new RecordingBus(Mono.error(new IllegalStateException("redis down"))));
        store.log("g1").append(new LoggedEvent(1, null, "{\"token\":\"a\"}", false));
        store.log("g1").append(new LoggedEvent(2, null, "{\"done\":true}", true));

        List<SseFrame> received = frames(follower).collectList().block(Duration.ofSeconds(5));

        assertThat(received).extracting(SseFrame::data).contains("{\"token\":\"a\"}", "{\"done\":true}");
        assertThat(output).containsOnlyOnce("could not join as a remote subscriber of generation g1")
                .contains("redis down");
    }

    private Flux<SseFrame> frames(RemoteFollower follower) {
        FrameStreams frames = new FrameStreams(
                new FrameStreams.Settings(Duration.ofMinutes(1), Duration.ofSeconds(3), Duration.ofSeconds(1), 1000),
                time, () -> { }, new SubscriberBuffers(), new LivenessGuard(Duration.ofMinutes(1), time,
                        new SimpleMeterRegistry().counter("stalled")));
        Attachment attachment = follower.attach(record, 0, frames).block(Duration.ofSeconds(5));
        return ((Attachment.Frames) attachment).frames();
    }

    private RemoteFollower follower(ReplicaBus bus) {
        store.create(record, Duration.ofMinutes(5)).block();
        store.claim("g1", "owner", Duration.ofMinutes(5)).block();
        return new RemoteFollower(store, bus, Duration.ofMinutes(5), time,
                new StreamMetrics(new SimpleMeterRegistry(), new GenerationRegistry(10, Duration.ofMinutes(1), time, new LogBudget(Long.MAX_VALUE))));
    }

    /** Records joins and leaves; a join takes as long as {@code join} does. */
    private final class RecordingBus implements ReplicaBus {

        private final Mono<Void> join;

        RecordingBus(Mono<Void> join) {
            this.join = join;
        }

        public Mono<Void> requestStop(String id) {
            return Mono.empty();
        }

        public Flux<String> stopRequests() {
            return Flux.never();
        }

        public Mono<Void> remoteSubscriberJoined(String id) {
            return Mono.defer(() -> {
                calls.add("join");
                return join.doOnSuccess(done -> calls.add("join done"));
            });
        }

        public Mono<Void> remoteSubscriberLeft(String id) {
            return Mono.fromRunnable(() -> calls.add("leave"));
        }

        public Mono<Long> remoteSubscribers(String id) {
            return Mono.just(0L);
        }

        public Flux<String> remoteSubscribersGone() {
            return Flux.never();
        }
    }
}
