package dev.llmsse.stream;

import java.util.function.Consumer;

import dev.llmsse.chat.StreamEvent;

import reactor.core.publisher.BaseSubscriber;

/** A generation's subscription to its provider: each signal goes to the generation, which logs it. */
final class UpstreamSubscriber extends BaseSubscriber<StreamEvent> {

    private final Consumer<StreamEvent> onEvent;
    private final Consumer<Throwable> onError;
    private final Runnable onComplete;

    UpstreamSubscriber(Consumer<StreamEvent> onEvent, Consumer<Throwable> onError, Runnable onComplete) {
        this.onEvent = onEvent;
        this.onError = onError;
        this.onComplete = onComplete;
    }

    @Override
    protected void hookOnNext(StreamEvent event) {
        onEvent.accept(event);
    }

    @Override
    protected void hookOnError(Throwable error) {
        onError.accept(error);
    }

    @Override
    protected void hookOnComplete() {
        onComplete.run();
    }
}
