package dev.llmsse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class InMemorySessionStoreTest extends SessionStoreContract {

    private final SessionStore store = new InMemorySessionStore(Schedulers.parallel());

    @Override
    protected SessionStore store() {
        return store;
    }

    @Test
    void aSessionForgottenBeforeItsTtlEndsIsNotHeldByItsTtlTimer() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        try {
            InMemorySessionStore forgetful = new InMemorySessionStore(time);
            SessionRecord record = record();
            WeakReference<SessionRecord> request = new WeakReference<>(record);
            forgetful.create(record, Duration.ofMinutes(5)).block();
            forgetful.claim(record.id(), "owner", Duration.ofSeconds(3)).block();
            forgetful.finished(record.id(), Duration.ZERO).block();
            assertThat(forgetful.find(record.id()).block()).as("forgotten").isNull();
            record = null;

            // The TTL timer is still pending on the (virtual) clock; it must not keep the record and its prompt.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                System.gc();
                return request.get() == null;
            });
        } finally {
            time.dispose();
        }
    }
}
