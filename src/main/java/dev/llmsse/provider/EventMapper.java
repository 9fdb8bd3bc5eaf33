package dev.llmsse.provider;

import java.util.List;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;

/**
 * Turns one provider's decoded wire items (SSE events or NDJSON lines) into domain events. One instance per
 * response: it carries the state the wire format spreads across items (open tool calls, usage, the finish
 * reason), so it is not thread-safe and never shared.
 *
 * @param <T> the decoded item type
 */
public interface EventMapper<T> {

    /** The domain events one item produces, in order; usually zero or one. */
    List<StreamEvent> map(T item);

    /**
     * Called once the response body has been read to its end: the terminal event, or a
     * {@link ProviderException} ({@code truncated}) if the provider's terminator never came.
     */
    StreamEvent.Done finish();
}
