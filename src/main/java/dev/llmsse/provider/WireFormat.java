package dev.llmsse.provider;

import java.util.function.BiFunction;
import java.util.function.Supplier;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.wire.DecodeLimits;
import dev.llmsse.provider.wire.NdjsonDecoder;
import dev.llmsse.provider.wire.SseDecoder;
import dev.llmsse.provider.wire.SseEvent;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;

import reactor.core.publisher.Flux;

/**
 * How an adapter's streamed response is read: the media type it asks for, the decoder that cuts the body
 * into items (SSE events, NDJSON lines) and the adapter's mapper that turns those into events.
 *
 * @param accept  the {@code Accept} of the request
 * @param decoder the body's bytes to items, within the decode limits
 * @param mappers a fresh mapper per response (mappers carry state across items)
 * @param <T>     the decoded item type
 */
public record WireFormat<T>(MediaType accept, BiFunction<Flux<DataBuffer>, DecodeLimits, Flux<T>> decoder,
        Supplier<? extends EventMapper<T>> mappers) {

    /** A {@code text/event-stream} read per WHATWG: unknown fields are ignored. */
    public static WireFormat<SseEvent> sse(Supplier<? extends EventMapper<SseEvent>> mappers) {
        return new WireFormat<>(MediaType.TEXT_EVENT_STREAM, SseDecoder::decode, mappers);
    }

    /**
     * A {@code text/event-stream} in which a line that is neither a comment nor a known field fails the
     * stream with {@code onForeignLine}'s error: for upstreams that write an error document into the stream.
     */
    public static WireFormat<SseEvent> sse(Supplier<? extends EventMapper<SseEvent>> mappers,
            Supplier<? extends RuntimeException> onForeignLine) {
        return new WireFormat<>(MediaType.TEXT_EVENT_STREAM,
                (body, limits) -> SseDecoder.decode(body, limits, onForeignLine), mappers);
    }

    /** Newline-delimited JSON, one item per line. */
    public static WireFormat<byte[]> ndjson(Supplier<? extends EventMapper<byte[]>> mappers) {
        return new WireFormat<>(MediaType.APPLICATION_NDJSON, NdjsonDecoder::decode, mappers);
    }

    /** The events of a response body; on its own so that replay tests can feed it recorded bytes. */
    public Flux<StreamEvent> decode(Flux<DataBuffer> body, DecodeLimits limits) {
        return Relay.events(decoder.apply(body, limits), mappers);
    }
}
