package dev.llmsse.provider.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBuffer;

import reactor.core.publisher.Flux;

/**
 * Decodes an upstream {@code text/event-stream} body into {@link SseEvent}s, incrementally and on bytes.
 *
 * <p>Why not Spring's {@code bodyToFlux(ServerSentEvent.class)}: checked against Spring Framework 7.0.8
 * ({@code SseDecoderTest.springsReaderDiffersFromWhatwg}), its reader cuts lines at LF and CRLF only, so a
 * stream with CR-only line ends ({@code wpt/format-newlines}, {@code wpt/format-comments}) comes through as
 * one event holding the raw CRs; a {@code retry: 1000x} line fails the whole stream with a
 * {@code NumberFormatException}; an unterminated last event is dispatched; a leading BOM, or {@code data}
 * without a colon, loses the data; it trims {@code event} values and accepts ids containing NUL. It also
 * decodes every chunk to a {@code String} before splitting, a second pass over every byte on the hot path,
 * where this decoder scans bytes once and leaves {@code data} as bytes for Jackson.
 *
 * <p>What it guarantees: WHATWG dispatch rules (events without data are not dispatched, an event not
 * followed by a blank line before the end of the body is dropped), bounded memory per {@link DecodeLimits}
 * (an over-long line or event fails the flux with a {@code upstream_protocol} {@code ProviderException}),
 * and every chunk released as soon as it is parsed.
 */
public final class SseDecoder {

    /** Stands for a decoding failure among a chunk's events; never dispatched (it has no data). */
    private static final SseEvent FAILED = new SseEvent("", new byte[0], "");

    private SseDecoder() {
    }

    /** Decodes a body per WHATWG: unknown fields are ignored. */
    public static Flux<SseEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return decode(body, limits, null);
    }

    /**
     * Decodes a body, failing with {@code onForeignLine}'s error at the first line that is neither a comment
     * nor a known field: some upstreams (Gemini) report a failure by writing a bare JSON document into the
     * stream, which a WHATWG parser would silently skip.
     */
    public static Flux<SseEvent> decode(Flux<DataBuffer> body, DecodeLimits limits,
            Supplier<? extends RuntimeException> onForeignLine) {
        return ChunkDecoding.decode(body, () -> new Collector(limits, onForeignLine), FAILED);
    }

    /** Parses one body, gathering what each chunk dispatched; most chunks dispatch zero or one event. */
    private static final class Collector implements SseParser.Listener, ChunkDecoding.Parser<SseEvent> {

        private final SseParser parser;
        private List<SseEvent> events;

        Collector(DecodeLimits limits, Supplier<? extends RuntimeException> onForeignLine) {
            this.parser = new SseParser(limits, this, onForeignLine, "");
        }

        @Override
        public void accept(byte[] bytes, int offset, int length) {
            parser.feed(bytes, offset, length);
        }

        @Override
        public void event(SseEvent event) {
            if (events == null) {
                events = new ArrayList<>(2);
            }
            events.add(event);
        }

        @Override
        public List<SseEvent> drain() {
            List<SseEvent> drained = events == null ? List.of() : events;
            events = null;
            return drained;
        }
    }
}
