package dev.llmsse.provider.wire;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Copies each network chunk into a reused array and releases the chunk, so that the byte parsers scan a
 * plain {@code byte[]} whatever kind of buffer (pooled, direct) the HTTP client handed over.
 *
 * <p>The array belongs to the thread, not to the stream: an event loop reads one chunk at a time, and an
 * 8 KB array per stream was a quarter of the heap a stream costs at thousands of streams. A read nested in
 * another on the same thread (never seen; the parsers copy what they keep before returning) gets an array
 * of its own instead of overwriting the outer one.
 */
final class ChunkReader {

    private static final int INITIAL = 8192;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Receives the bytes of one chunk; they are valid only during the call. */
    interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    void read(DataBuffer buffer, Sink sink) {
        Scratch scratch = SCRATCH.get();
        boolean nested = scratch.busy;
        try {
            int length = buffer.readableByteCount();
            byte[] bytes = nested ? new byte[length] : scratch.atLeast(length);
            scratch.busy = true;
            buffer.read(bytes, 0, length);
            sink.accept(bytes, 0, length);
        } finally {
            scratch.busy = nested;
            DataBufferUtils.release(buffer);
        }
    }

    private static final class Scratch {
        private byte[] bytes = new byte[INITIAL];
        private boolean busy;

        byte[] atLeast(int length) {
            if (length > bytes.length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            return bytes;
        }
    }
}
