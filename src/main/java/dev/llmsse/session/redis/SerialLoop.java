package dev.llmsse.session.redis;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a step on one thread at a time without a lock, for work that any thread may signal: a thread that finds
 * the loop running leaves it one more turn and returns at once, and the running thread takes that turn before
 * it stops. So a signal is never lost and never waits.
 */
final class SerialLoop {

    private final AtomicInteger turns = new AtomicInteger();
    private final Runnable step;

    SerialLoop(Runnable step) {
        this.step = step;
    }

    void signal() {
        if (turns.getAndIncrement() != 0) {
            return;
        }
        int taken = 1;
        do {
            step.run();
            taken = turns.addAndGet(-taken);
        } while (taken != 0);
    }
}
