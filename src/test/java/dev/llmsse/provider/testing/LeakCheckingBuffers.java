package dev.llmsse.provider.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import reactor.core.publisher.Flux;

/**
 * Reference-counted buffers that remember where each was allocated, to check that a decoder releases every
 * chunk it was handed, whether the stream completes, is cancelled or fails. The same idea as Spring's
 * {@code LeakAwareDataBufferFactory} and {@code AbstractLeakCheckingTests}, which live in spring-core's test
 * fixtures and are not published as a jar; these are Netty buffers, as Reactor Netty hands a decoder.
 */
public final class LeakCheckingBuffers {

    private final NettyDataBufferFactory factory =
            new NettyDataBufferFactory(new UnpooledByteBufAllocator(false, true));
    private static final Duration POLL = Duration.ofMillis(5);

    private final List<Allocation> allocations = new CopyOnWriteArrayList<>();

    private record Allocation(ByteBuf buf, Throwable where) {
    }

    /** A buffer holding {@code bytes}, with one reference. */
    public DataBuffer buffer(byte[] bytes) {
        DataBuffer buffer = factory.allocateBuffer(Math.max(1, bytes.length)).write(bytes);
        allocations.add(new Allocation(NettyDataBufferFactory.toByteBuf(buffer),
                new Throwable("allocated here, " + bytes.length + " bytes")));
        return buffer;
    }

    public DataBuffer buffer(String utf8) {
        return buffer(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A body that allocates each chunk when it is requested and pushes it, as a network source does: not
     * fuseable, so an operator that prefetches holds allocated chunks in its queue.
     */
    public Flux<DataBuffer> body(List<byte[]> chunks) {
        return Flux.fromIterable(chunks).map(this::buffer).hide();
    }

    /** How many buffers were allocated so far. */
    public int allocated() {
        return allocations.size();
    }

    /**
     * Waits up to {@code timeout} for every buffer to be released (a cancel may release on another thread),
     * then fails naming where the first unreleased one was allocated.
     */
    public void assertAllReleased(Duration timeout) {
        // Awaitility refuses a bound shorter than its poll interval: with none, look once.
        if (timeout.compareTo(POLL) > 0 && !unreleased().isEmpty()) {
            try {
                Awaitility.await().atMost(timeout).pollInterval(POLL).until(() -> unreleased().isEmpty());
            } catch (ConditionTimeoutException timedOut) {
                // reported below, naming the first leak
            }
        }
        List<Allocation> leaked = unreleased();
        if (!leaked.isEmpty()) {
            throw new AssertionError(leaked.size() + " of " + allocations.size() + " buffers not released",
                    leaked.get(0).where());
        }
    }

    private List<Allocation> unreleased() {
        return allocations.stream().filter(allocation -> allocation.buf().refCnt() > 0).toList();
    }

    /** {@link #assertAllReleased(Duration)} with one second, the way Spring's leak checks wait. */
    public void assertAllReleased() {
        assertAllReleased(Duration.ofSeconds(1));
    }
}
