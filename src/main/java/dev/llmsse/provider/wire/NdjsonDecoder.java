package dev.llmsse.provider.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;

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

    /** Stands for a decoding failure among a chunk's lines; never a line itself (those are never empty). */
    private static final byte[] FAILED = new byte[0];

    /** Each complete, non-blank line of the body, as UTF-8 bytes without its line ending. */
    public static Flux<byte[]> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return ChunkDecoding.decode(body, () -> new Splitter(limits.maxLineBytes()), FAILED);
    }

    /** Cuts bytes into lines, carrying a partial line over to the next chunk. */
    static final class Splitter implements ChunkDecoding.Parser<byte[]> {

        private final PartialLine partial;
        private final ChunkReader.Sink keep = this::keep;
        private List<byte[]> lines;

        Splitter(int maxLineBytes) {
            this.partial = new PartialLine(maxLineBytes);
        }

        @Override
        public void accept(byte[] src, int offset, int length) {
            int end = offset + length;
            int start = offset;
            for (int i = offset; i < end; i++) {
                if (src[i] == '\n') {
                    partial.complete(src, start, i, keep);
                    start = i + 1;
                }
            }
            partial.append(src, start, end - start);
        }

        @Override
        public List<byte[]> drain() {
            List<byte[]> drained = lines == null ? List.of() : lines;
            lines = null;
            return drained;
        }

        private void keep(byte[] src, int offset, int length) {
            byte[] line = trimmed(src, offset, offset + length);
            if (line != null) {
                if (lines == null) {
                    lines = new ArrayList<>(2);
                }
                lines.add(line);
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
