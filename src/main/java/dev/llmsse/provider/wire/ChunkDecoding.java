package dev.llmsse.provider.wire;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import reactor.core.publisher.Flux;

/**
 * The loop both decoders run: each network chunk is read into a byte parser ({@link ChunkReader}), the items
 * it completed are emitted, a decoding failure follows the items its chunk completed ({@link ChunkFailure}),
 * and chunks discarded on a cancel are released.
 *
 * <p>No {@code handle} on this per-item path: with Micrometer's context-propagation on the classpath, Reactor
 * restores the subscriber context's ThreadLocals (the request's observation, hence a tracing scope) around
 * every {@code handle} signal, which cost 4.7% of the gateway's CPU at 1,000 streams (bench/profile.sh).
 */
public final class ChunkDecoding {

    /**
     * The prefetch of the {@code concatMapIterable} step that reads a provider's body off the connection.
     * Reactor's default, 256, gives it a queue of 256 slots (about 1 KB) that a live stream holds for its whole
     * life, and any prefetch above 1 a padded array queue (32: 570 bytes); 1 takes Reactor's one-slot queue.
     * Asking for one chunk at a time costs nothing at the connection: a chunk's items are handled inside its
     * {@code onNext}, which asks for the next one before it returns, so Reactor Netty's receiver always has
     * demand when the next read comes and never stops reading for want of it (issue 14: memory per stream).
     */
    public static final int PREFETCH = 1;

    /**
     * The prefetch of the steps after it, which map items already in memory: 1 asks for one item at a time,
     * which costs a method call, and takes Reactor's one-slot queue instead of a padded array queue (about
     * 570 bytes a step, for the stream's whole life).
     */
    public static final int IN_MEMORY_PREFETCH = 1;

    /** Parses a body's bytes chunk by chunk; one per subscription. */
    interface Parser<T> extends ChunkReader.Sink {

        /** The items the bytes fed since the last call completed; usually none or one. */
        List<T> drain();
    }

    private ChunkDecoding() {
    }

    /**
     * @param parsers a fresh parser per subscription
     * @param marker  an item the parser never emits, which stands for the failure in the chunk's items
     */
    static <T> Flux<T> decode(Flux<DataBuffer> body, Supplier<? extends Parser<T>> parsers, T marker) {
        return Flux.defer(() -> {
            Parser<T> parser = parsers.get();
            ChunkReader reader = new ChunkReader();
            ChunkFailure<T> failure = new ChunkFailure<>(marker);
            return body.concatMapIterable(chunk -> {
                RuntimeException error = null;
                try {
                    reader.read(chunk, parser);
                } catch (RuntimeException decodingFailed) {
                    error = decodingFailed;
                }
                return failure.items(parser.drain(), error);
            }, PREFETCH).map(failure::relay);
        }).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }
}
