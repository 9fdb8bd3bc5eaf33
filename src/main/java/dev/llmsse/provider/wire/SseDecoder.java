package dev.llmsse.provider.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

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
        return Flux.defer(() -> {
            Collector collector = new Collector();
            SseParser parser = new SseParser(limits, collector, onForeignLine, "");
            ChunkReader reader = new ChunkReader();
            ChunkFailure<SseEvent> failure = new ChunkFailure<>(new SseEvent("", new byte[0], ""));
            return body.concatMapIterable(chunk -> {
                RuntimeException error = null;
                try {
                    reader.read(chunk, parser::feed);
                } catch (RuntimeException decodingFailed) {
                    error = decodingFailed;
                }
                return failure.items(collector.drain(), error);
            }).handle(failure::relay);
        }).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /** Gathers what one chunk dispatched; most chunks dispatch zero or one event. */
    private static final class Collector implements SseParser.Listener {

        private List<SseEvent> events;

        @Override
        public void event(SseEvent event) {
            if (events == null) {
                events = new ArrayList<>(2);
            }
            events.add(event);
        }

        List<SseEvent> drain() {
            List<SseEvent> drained = events == null ? List.of() : events;
            events = null;
            return drained;
        }
    }
}
