package dev.llmsse.provider.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import reactor.core.publisher.Flux;

/**
 * Decodes a newline-delimited JSON body (Ollama's stream) into one byte array per line, incrementally.
 *
 * <p>An object may span any number of chunks; lines are cut at LF only (a CR before it is dropped), blank
 * lines are skipped, and a line longer than {@link DecodeLimits#maxLineBytes()} fails the flux with an
 * {@code upstream_protocol} error. Bytes after the last LF are dropped at the end of the body: a line
 * counts once its newline arrived, so a body cut mid-object reads as a stream without its final object
 * (a truncation), not as a malformed one.
 */
public final class NdjsonDecoder {

    private NdjsonDecoder() {
    }

    /** Each complete, non-blank line of the body, as UTF-8 bytes without its line ending. */
    public static Flux<byte[]> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Flux.defer(() -> {
            Splitter splitter = new Splitter(limits.maxLineBytes());
            ChunkReader reader = new ChunkReader();
            ChunkFailure<byte[]> failure = new ChunkFailure<>(new byte[0]);
            return body.concatMapIterable(chunk -> {
                RuntimeException error = null;
                try {
                    reader.read(chunk, splitter::feed);
                } catch (RuntimeException decodingFailed) {
                    error = decodingFailed;
                }
                return failure.items(splitter.drain(), error);
            }).handle(failure::relay);
        }).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /** Cuts bytes into lines, carrying a partial line over to the next chunk. */
    static final class Splitter {

        private final int maxLineBytes;
        private byte[] partial = new byte[256];
        private int partialLength;
        private List<byte[]> lines;

        Splitter(int maxLineBytes) {
            this.maxLineBytes = maxLineBytes;
        }

        void feed(byte[] src, int offset, int length) {
            int end = offset + length;
            int start = offset;
            for (int i = offset; i < end; i++) {
                if (src[i] == '\n') {
                    line(src, start, i);
                    start = i + 1;
                }
            }
            append(src, start, end - start);
        }

        List<byte[]> drain() {
            List<byte[]> drained = lines == null ? List.of() : lines;
            lines = null;
            return drained;
        }

        private void line(byte[] src, int start, int end) {
            byte[] whole;
            if (partialLength == 0) {
                checkLength(end - start);
                whole = trimmed(src, start, end);
            } else {
                append(src, start, end - start);
                whole = trimmed(partial, 0, partialLength);
                partialLength = 0;
            }
            if (whole != null) {
                if (lines == null) {
                    lines = new ArrayList<>(2);
                }
                lines.add(whole);
            }
        }

        private void append(byte[] src, int start, int length) {
            checkLength(partialLength + length);
            if (partialLength + length > partial.length) {
                partial = Arrays.copyOf(partial, Math.max(partialLength + length, partial.length * 2));
            }
            System.arraycopy(src, start, partial, partialLength, length);
            partialLength += length;
        }

        private void checkLength(int length) {
            if (length > maxLineBytes) {
                throw DecodeErrors.lineTooLong(maxLineBytes);
            }
        }

        /** The line without surrounding ASCII whitespace (a CRLF's CR included), or null when blank. */
        private static byte[] trimmed(byte[] src, int start, int end) {
            int from = start;
            int to = end;
            while (from < to && isSpace(src[from])) {
                from++;
            }
            while (to > from && isSpace(src[to - 1])) {
                to--;
            }
            return from == to ? null : Arrays.copyOfRange(src, from, to);
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\r';
        }
    }
}
