package dev.llmsse.session;

/**
 * Whether the shared store answers now, as its background check last found. Asked before work that would
 * otherwise try to reach the store (and wait for it), so that a store known to be down is refused at once.
 * Only the Redis store has one; asking it never does I/O.
 */
@FunctionalInterface
public interface StoreReachability {

    /** False while the store's last check failed: a call now would fail too, or wait to. */
    boolean reachable();
}
