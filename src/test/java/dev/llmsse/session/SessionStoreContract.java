package dev.llmsse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.chat.ResponseFormat;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The behaviour every {@link SessionStore} must have, run against each implementation by a subclass:
 * the in-memory one and the Redis one against a real server.
 */
public abstract class SessionStoreContract {

    protected static final Duration LONG = Duration.ofMinutes(5);
    protected static final Duration LEASE = Duration.ofSeconds(3);

    /** The store under test, empty of the ids the tests make up. */
    protected abstract SessionStore store();

    protected static SessionRecord record() {
        return new SessionRecord(UUID.randomUUID().toString().replace("-", "").substring(0, 22), "echo/echo",
                new ChatRequest("echo", List.of(new ChatMessage("user", "héllo 😀\n\u2028")), "sys", 10, 0.5), false, null, null);
    }

    protected static LoggedEvent token(long seq) {
        return new LoggedEvent(seq, null, "{\"token\":\"t" + seq + "\"}", false);
    }

    protected static LoggedEvent done(long seq) {
        return new LoggedEvent(seq, null, "{\"done\":true}", true);
    }

    @Test
    public void aCreatedSessionIsFoundAsSavedAndAnUnknownOneIsNot() {
        SessionRecord record = record();
        store().create(record, LONG).block();

        assertThat(store().find(record.id()).block()).isEqualTo(record);
        assertThat(store().find("nope-" + record.id()).blockOptional()).isEmpty();
    }

    /** Another replica runs the generation from the stored record: images and the response format must survive. */
    @Test
    public void aRequestWithImagesAndAResponseFormatIsFoundAsSaved() {
        ChatRequest request = new ChatRequest("gpt", List.of(ChatMessage.ofParts("user", List.of(
                ContentPart.text("what is this?"), ContentPart.image("data:image/png;base64,iVBORw0KGgo="),
                ContentPart.image("https://images.example.com/cat.png")))), null, null, null, null, List.of(), null,
                new ResponseFormat("answer", Map.of("type", "object", "required", List.of("city")), true));
        SessionRecord record = new SessionRecord(record().id(), "openai/gpt", request, false, null, null);
        store().create(record, LONG).block();

        assertThat(store().find(record.id()).block()).isEqualTo(record);
    }

    @Test
    public void aSessionNobodyClaimsExpiresAfterItsTtl() {
        SessionRecord record = record();
        store().create(record, Duration.ofMillis(300)).block();

        await().atMost(5, TimeUnit.SECONDS).until(() -> store().find(record.id()).blockOptional().isEmpty());
    }

    @Test
    public void exactlyOneOfManyConcurrentClaimsWins() {
        SessionRecord record = record();
        store().create(record, LONG).block();

        List<Boolean> results = Flux.range(0, 16)
                .flatMap(i -> store().claim(record.id(), "replica-" + i, LEASE).subscribeOn(Schedulers.parallel()))
                .collectList().block();

        assertThat(results).containsOnlyOnce(true).hasSize(16);
        assertThat(store().owned(record.id()).block()).isTrue();
    }

    @Test
    public void aSessionCreatedClaimedIsFoundOwnedAndNobodyElseCanClaimIt() {
        SessionRecord record = record();

        assertThat(store().createClaimed(record, LONG, "owner", LEASE).block()).isTrue();

        assertThat(store().find(record.id()).block()).isEqualTo(record);
        assertThat(store().owned(record.id()).block()).isTrue();
        assertThat(store().claim(record.id(), "other", LEASE).block()).isFalse();
        assertThat(store().renew(record.id(), "owner", LEASE).block()).isTrue();
    }

    @Test
    public void anUnknownSessionCannotBeClaimed() {
        assertThat(store().claim(record().id(), "replica", LEASE).block()).isFalse();
    }

    @Test
    public void onlyTheOwnerRenewsItsLease() {
        SessionRecord record = record();
        store().create(record, LONG).block();
        store().claim(record.id(), "owner", LEASE).block();

        assertThat(store().renew(record.id(), "owner", LEASE).block()).isTrue();
        assertThat(store().renew(record.id(), "other", LEASE).block()).isFalse();
    }

    @Test
    public void aReaderGetsEverythingInOrderThenLiveEventsAndCompletesAfterTheTerminalOne() {
        String id = record().id();
        EventLog writer = store().log(id);
        IntStream.rangeClosed(1, 5).forEach(seq -> writer.append(token(seq)));

        StepVerifier.create(store().log(id).follow(0).map(LoggedEvent::seq))
                .expectNext(1L, 2L, 3L, 4L, 5L)
                .then(() -> {
                    writer.append(token(6));
                    writer.append(done(7));
                })
                .expectNext(6L, 7L)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    public void aReaderAfterAPositionGetsOnlyWhatCameAfterIt() {
        String id = record().id();
        EventLog writer = store().log(id);
        IntStream.rangeClosed(1, 9).forEach(seq -> writer.append(token(seq)));
        writer.append(done(10));

        StepVerifier.create(store().log(id).follow(7))
                .expectNext(token(8), token(9), done(10))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    /** A long log spans several blocks of the in-memory replay buffer: a late reader crosses them in order. */
    @Test
    public void aLateReaderFromTheMiddleOfALongLogGetsTheRestInOrder() {
        String id = record().id();
        EventLog writer = store().log(id);
        IntStream.rangeClosed(1, 99).forEach(seq -> writer.append(token(seq)));
        writer.append(done(100));

        StepVerifier.create(store().log(id).follow(30).map(LoggedEvent::seq).collectList())
                .assertNext(seqs -> assertThat(seqs).isEqualTo(LongStream.rangeClosed(31, 100).boxed().toList()))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    public void readersSubscribedBeforeTheFirstEventSeeTheSameSequence() {
        String id = record().id();
        EventLog writer = store().log(id);
        var first = store().log(id).follow(0).collectList().toFuture();
        var second = store().log(id).follow(0).collectList().toFuture();

        IntStream.rangeClosed(1, 200).forEach(seq -> writer.append(token(seq)));
        writer.append(done(201));

        await().atMost(10, TimeUnit.SECONDS).until(() -> first.isDone() && second.isDone());
        assertThat(first.join()).hasSize(201).isEqualTo(second.join());
        assertThat(first.join().get(200)).isEqualTo(done(201));
    }

    @Test
    public void thePositionTellsTheLastEventAndWhetherTheLogEnded() {
        String id = record().id();
        EventLog writer = store().log(id);
        assertThat(store().log(id).position().block()).isEqualTo(new EventLog.Position(0, false));

        writer.append(token(1));
        writer.append(token(2));
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> store().log(id).position().block().equals(new EventLog.Position(2, false)));
        writer.append(done(3));
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> store().log(id).position().block().equals(new EventLog.Position(3, true)));
    }

    @Test
    public void aFinishedSessionIsForgottenAfterItsRetention() {
        SessionRecord record = record();
        store().create(record, LONG).block();
        store().claim(record.id(), "owner", LEASE).block();
        store().finished(record.id(), Duration.ofMillis(300)).block();

        await().atMost(5, TimeUnit.SECONDS).until(() -> store().find(record.id()).blockOptional().isEmpty());
        assertThat(store().claim(record.id(), "late", LEASE).block()).as("never started twice").isFalse();
    }
}
