package dev.llmsse.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The behaviour every {@link SessionAliases} must have, run against the in-memory one and the Redis one. */
public abstract class SessionAliasesContract {

    protected static final Duration LONG = Duration.ofMinutes(5);

    /** The aliases under test. */
    protected abstract SessionAliases aliases();

    private static String alias() {
        return "alias-" + UUID.randomUUID();
    }

    @Test
    public void anAliasPointsAtItsSessionAndAnUnknownOneNowhere() {
        String alias = alias();
        aliases().put(alias, "session-1", LONG).block();

        assertThat(aliases().get(alias).block()).isEqualTo("session-1");
        assertThat(aliases().get(alias()).blockOptional()).isEmpty();
    }

    @Test
    public void pointingAgainReplacesTheTarget() {
        String alias = alias();
        aliases().put(alias, "session-1", LONG).block();
        aliases().put(alias, "session-2", LONG).block();

        assertThat(aliases().get(alias).block()).isEqualTo("session-2");
    }

    @Test
    public void anAliasPointsNowhereAfterItsTtl() {
        String alias = alias();
        aliases().put(alias, "session-1", Duration.ofMillis(300)).block();

        await().atMost(5, TimeUnit.SECONDS).until(() -> aliases().get(alias).blockOptional().isEmpty());
    }

    @Test
    public void aNewPointingLivesItsOwnTtlNotTheOneItReplaced() {
        String alias = alias();
        String marker = alias();
        aliases().put(alias, "session-1", Duration.ofMillis(200)).block();
        aliases().put(alias, "session-2", LONG).block();
        // A second alias with the first one's TTL: once it is gone, so would the first pointing be.
        aliases().put(marker, "session-3", Duration.ofMillis(200)).block();

        await().atMost(5, TimeUnit.SECONDS).until(() -> aliases().get(marker).blockOptional().isEmpty());
        assertThat(aliases().get(alias).block()).isEqualTo("session-2");
    }
}
