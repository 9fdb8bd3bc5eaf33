package dev.llmsse.stream;

import java.time.Duration;

import reactor.core.scheduler.Scheduler;

/**
 * How a generation is bounded in time and length.
 *
 * @param detachGrace how long to wait for a re-attach once the last subscriber left
 * @param maxDuration hard cap on the generation's running time
 * @param idleTimeout an upstream silent this long (before its first event too) ends the generation
 * @param maxEvents   hard cap on the log's length
 * @param timer       scheduler for the grace, deadline and idle timers
 */
record GenerationSettings(Duration detachGrace, Duration maxDuration, Duration idleTimeout, int maxEvents,
        Scheduler timer) {
}
