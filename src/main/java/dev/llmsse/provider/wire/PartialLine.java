package dev.llmsse.provider.wire;

import java.util.Arrays;

/**
 * The start of a line that a chunk ended in the middle of, held until the line's end arrives; bounded by
 * the line limit. Most lines lie within one chunk and never touch the buffer: they are handed over straight
 * from the chunk's bytes, and a stream whose chunks end on line ends never allocates the buffer (issue 14: memory
 * per stream).
 */
final class PartialLine {

    private final int maxBytes;
    private static final int FIRST_SIZE = 256;

    private byte[] bytes = new byte[0];
    private int length;

    PartialLine(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Holds more of the current line; fails with {@code upstream_protocol} once it is over the limit. */
    void append(byte[] src, int offset, int count) {
        checkFits(length + count);
        if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + count, Math.max(FIRST_SIZE, bytes.length * 2)));
        }
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
    }

    /**
     * Hands the line that ends at {@code end} to {@code line}: from {@code src} when nothing was held, else
     * joined to what was (the bytes are valid only during the call); then starts a new line.
     */
    void complete(byte[] src, int start, int end, ChunkReader.Sink line) {
        if (length == 0) {
            checkFits(end - start);
            line.accept(src, start, end - start);
        } else {
            append(src, start, end - start);
            int whole = length;
            length = 0;
            line.accept(bytes, 0, whole);
        }
    }

    private void checkFits(int count) {
        if (count > maxBytes) {
            throw DecodeErrors.lineTooLong(maxBytes);
        }
    }
}
