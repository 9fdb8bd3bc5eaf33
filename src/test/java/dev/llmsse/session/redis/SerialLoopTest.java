package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The lock-free loop both mirrors drain through: one thread at a time, and no signal left without a turn. */
class SerialLoopTest {

    private static final int THREADS = 8;
    private static final int SIGNALS_PER_THREAD = 20_000;

    @Test
    void signalsFromManyThreadsRunTheStepOneAtATimeAndLeaveNothingUndrained() throws Exception {
        Queue<Integer> work = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger drained = new AtomicInteger();
        SerialLoop loop = new SerialLoop(() -> {
            if (!running.compareAndSet(false, true)) {
                overlaps.incrementAndGet();
            }
            while (work.poll() != null) {
                drained.incrementAndGet();
            }
            running.set(false);
        });
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            for (int thread = 0; thread < THREADS; thread++) {
                threads.execute(() -> {
                    awaitQuietly(start);
                    for (int signal = 0; signal < SIGNALS_PER_THREAD; signal++) {
                        work.offer(signal);
                        loop.signal();
                    }
                });
            }
            start.countDown();
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            threads.shutdownNow();
        }

        assertThat(overlaps).hasValue(0);
        assertThat(work).as("every signal's work was taken by a turn").isEmpty();
        assertThat(drained).hasValue(THREADS * SIGNALS_PER_THREAD);
    }

    @Test
    void aSignalFromWithinTheStepRunsOneMoreTurnAfterItNotInside() {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger turns = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        SerialLoop[] loop = new SerialLoop[1];
        loop[0] = new SerialLoop(() -> {
            deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
            if (turns.incrementAndGet() < 3) {
                loop[0].signal();
            }
            depth.decrementAndGet();
        });

        loop[0].signal();

        assertThat(turns).hasValue(3);
        assertThat(deepest).as("no recursion").hasValue(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
