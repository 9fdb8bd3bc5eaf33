package dev.llmsse.provider.wire;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Copies each network chunk into one reused array and releases the chunk, so that the byte parsers scan a
 * plain {@code byte[]} whatever kind of buffer (pooled, direct) the HTTP client handed over.
 */
final class ChunkReader {

    /** Receives the bytes of one chunk; they are valid only during the call. */
    interface Sink {
        void accept(byte[] bytes, int offset, int length);
    }

    private byte[] scratch = new byte[8192];

    void read(DataBuffer buffer, Sink sink) {
        try {
            int length = buffer.readableByteCount();
            if (length > scratch.length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            buffer.read(scratch, 0, length);
            sink.accept(scratch, 0, length);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
