package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;

/** Folds a provider stream into one {@link Answer}; fails if the stream does not end normally. */
final class AnswerCollector {

    private final String model;
    private final StringBuilder text = new StringBuilder();
    private StreamEvent.Done done;
    private long deltas;

    AnswerCollector(String model) {
        this.model = model;
    }

    AnswerCollector add(StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            text.append(token.text());
            deltas++;
        } else if (event instanceof StreamEvent.ToolCallDelta) {
            deltas++;
        } else if (event instanceof StreamEvent.Done finished) {
            done = finished;
        }
        return this;
    }

    /** Output tokens: as reported in the final usage, else the deltas seen (the answer was cut short). */
    long outputTokens() {
        return done != null && done.usage() != null && done.usage().outputTokens() != null
                ? done.usage().outputTokens() : deltas;
    }

    Answer answer() {
        if (done == null) {
            throw new AnswerFailedException(
                    new StreamEvent.Failed("truncated", "the provider ended without finishing the answer", true));
        }
        return new Answer(model, text.toString(), done.finishReason(), done.usage());
    }
}
