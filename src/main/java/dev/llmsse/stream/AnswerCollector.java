package dev.llmsse.stream;

/** Folds a provider stream into one {@link Answer}; fails if the stream does not end normally. */
final class AnswerCollector {

    private final String model;
    private final StringBuilder text = new StringBuilder();
    private StreamEvent.Done done;

    AnswerCollector(String model) {
        this.model = model;
    }

    AnswerCollector add(StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            text.append(token.text());
        } else if (event instanceof StreamEvent.Done finished) {
            done = finished;
        }
        return this;
    }

    Answer answer() {
        if (done == null) {
            throw new AnswerFailedException(
                    new StreamEvent.Failed("truncated", "the provider ended without finishing the answer", true));
        }
        return new Answer(model, text.toString(), done.finishReason(), done.usage());
    }
}
