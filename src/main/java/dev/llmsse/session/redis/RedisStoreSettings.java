package dev.llmsse.session.redis;

import java.time.Duration;

/**
 * Derived settings of the Redis store.
 *
 * @param lease           ownership lease
 * @param pollInterval    safety-net poll of remote followers
 * @param maxStreamLength approximate cap on a log's length
 * @param retention       how long a finished generation is kept
 * @param runningTtl      expiry of a running generation's keys: its longest life plus the retention, so
 *                        that a replica that dies leaves nothing behind for long
 */
record RedisStoreSettings(Duration lease, Duration pollInterval, int maxStreamLength, Duration retention,
        Duration runningTtl) {
}
