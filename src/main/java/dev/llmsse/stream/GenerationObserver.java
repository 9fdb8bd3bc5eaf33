package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;

/**
 * What a generation reports about itself, for metrics. Called under the generation's monitor, so
 * implementations must be quick and never block; the calls for one generation never overlap.
 */
interface GenerationObserver {

    GenerationObserver NONE = new GenerationObserver() { };

    /** The upstream request was subscribed to. */
    default void upstreamStarted() {
    }

    /** A provider event was logged (and handed to the attached subscribers). */
    default void logged(StreamEvent event) {
    }

    /** The gateway decided to cancel the upstream (stop, detach grace, caps); {@code cancelled} follows. */
    default void cancelling() {
    }

    /** The upstream subscription was disposed, which closes the provider's request. */
    default void cancelled() {
    }

    /** The generation ended with this terminal event. */
    default void finished(StreamEvent terminal) {
    }

    /** A local subscriber attached or left. */
    default void subscribers(int delta) {
    }
}
