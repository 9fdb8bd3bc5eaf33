package dev.llmsse.stream;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.llmsse.chat.StreamEvent;

/** Folds a provider stream into one {@link Answer}; fails if the stream does not end normally. */
final class AnswerCollector {

    private final String model;
    private final StringBuilder text = new StringBuilder();
    // By the index the provider gave each call, so that they come out in the model's order.
    private final Map<Integer, ToolCallParts> toolCalls = new TreeMap<>();
    private StreamEvent.Done done;
    private long deltas;

    AnswerCollector(String model) {
        this.model = model;
    }

    AnswerCollector add(StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            text.append(token.text());
            deltas++;
        } else if (event instanceof StreamEvent.ReasoningDelta) {
            deltas++; // reasoning tokens are output tokens too, as GenerationLog counts them
        } else if (event instanceof StreamEvent.ToolCallStart start) {
            toolCalls.put(start.index(), new ToolCallParts(start.id(), start.name(), new StringBuilder()));
        } else if (event instanceof StreamEvent.ToolCallDelta delta) {
            ToolCallParts call = toolCalls.get(delta.index());
            if (call != null) {
                call.arguments().append(delta.arguments());
            }
            deltas++;
        } else if (event instanceof StreamEvent.ToolCallEnd end && end.incomplete()
                && toolCalls.containsKey(end.index())) {
            toolCalls.put(end.index(), toolCalls.get(end.index()).cutOff());
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
        List<Answer.ToolCall> calls = toolCalls.values().stream()
                .map(call -> new Answer.ToolCall(call.id(), call.name(), call.arguments().toString(),
                        call.incomplete() ? Boolean.TRUE : null)).toList();
        return new Answer(model, text.toString(), done.finishReason(), done.usage(), calls);
    }

    private record ToolCallParts(String id, String name, StringBuilder arguments, boolean incomplete) {

        ToolCallParts(String id, String name, StringBuilder arguments) {
            this(id, name, arguments, false);
        }

        ToolCallParts cutOff() {
            return new ToolCallParts(id, name, arguments, true);
        }
    }
}
