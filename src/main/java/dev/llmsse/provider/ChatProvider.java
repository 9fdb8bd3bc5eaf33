package dev.llmsse.provider;

import java.util.List;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;

import reactor.core.publisher.Flux;

/**
 * The port every provider adapter implements.
 *
 * <p>Contract: the returned flux is cold (nothing happens until subscribed), emits any number of
 * non-terminal events followed by exactly one {@link StreamEvent.Done}, or signals a
 * {@link ProviderException}. Cancelling the subscription must stop the upstream work (close the
 * HTTP request), since that is how a provider learns that nobody is listening any more.
 */
public interface ChatProvider {

    /** The id used as the {@code provider} part of {@code provider/model}. */
    String id();

    /** Streams one answer. */
    Flux<StreamEvent> stream(ChatRequest request);

    /**
     * Why this provider cannot honour the request's reasoning options, or null when it can (or none were
     * given). Asked before the stream opens, so that the client gets a 400 naming the reason.
     */
    default String reasoningRefusal(ChatRequest request) {
        return null;
    }

    /**
     * Why this provider cannot take the request's images (say, it would have to fetch an {@code https:} URL), or
     * null when it can or there are none. Asked before the stream opens, like {@link #reasoningRefusal}.
     */
    default String imageRefusal(ChatRequest request) {
        return null;
    }

    /** The configured allow-list of model names; empty means any name is passed through unchanged. */
    default List<String> models() {
        return List.of();
    }
}
