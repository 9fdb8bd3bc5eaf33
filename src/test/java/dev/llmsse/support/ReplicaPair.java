package dev.llmsse.support;

import java.util.UUID;
import java.util.stream.Stream;

/** Two replicas sharing one real Redis under a fresh key prefix, as behind a load balancer. */
public record ReplicaPair(Replica a, Replica b) implements AutoCloseable {

    /**
     * Starts the pair with the settings the multi-replica tests share: a short lease and poll, so that a
     * follower notices the owner quickly, and heartbeats rare enough not to interleave with tokens; {@code more}
     * settings for both (a provider's base URL, say).
     */
    public static ReplicaPair onRedis(String detachGrace, String... more) {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        String[] settings = Stream.concat(Stream.of("gateway.stream.detach-grace=" + detachGrace,
                "gateway.redis.lease=1s", "gateway.redis.poll-interval=200ms", "gateway.stream.heartbeat=10s"),
                Stream.of(more)).toArray(String[]::new);
        Replica a = Replica.start(prefix, settings);
        try {
            return new ReplicaPair(a, Replica.start(prefix, settings));
        } catch (RuntimeException failed) {
            a.close();
            throw failed;
        }
    }

    public void resetProbes() {
        a.probe().reset();
        b.probe().reset();
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
