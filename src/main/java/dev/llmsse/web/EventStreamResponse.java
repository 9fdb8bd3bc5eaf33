package dev.llmsse.web;

import dev.llmsse.stream.ClientConnection;
import dev.llmsse.stream.SseFrame;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes an event stream to a response: the headers of the contract, then the frames' bytes as one stream of
 * buffers, bypassing the message writers (see {@link SseFrame} for why not Spring's SSE writer; a
 * {@code ResponseEntity} body would be typed by its instance, whose element type is erased, and be given to
 * that writer anyway). Each buffer wraps the bytes without a copy; the connection flushes whenever it has
 * written all that was ready, so a lone token leaves at once and a burst in one write. Shared by every
 * door that streams (our protocol, and the dialects in sub-packages of {@code web}).
 */
public final class EventStreamResponse {

    /** {@code text/event-stream;charset=utf-8}. */
    public static final MediaType EVENT_STREAM = MediaType.parseMediaType("text/event-stream;charset=utf-8");

    private EventStreamResponse() {
    }

    /**
     * Writes {@code frames}, each the bytes of whole SSE events, to {@code response}; completes when they do.
     * The stream core watches the connection for clients that stop reading and for stalls ({@code FrameStreams}),
     * so the connection is put in the frames' context.
     */
    public static Mono<Void> write(Flux<byte[]> frames, ServerHttpResponse response) {
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(EVENT_STREAM);
        headers.setCacheControl(CacheControl.noCache().noTransform());
        headers.set("X-Accel-Buffering", "no");
        DataBufferFactory buffers = response.bufferFactory();
        return response.writeWith(frames.map(buffers::wrap)
                .contextWrite(context -> context.put(ClientConnection.class, NettyClientConnection.of(response))));
    }
}
