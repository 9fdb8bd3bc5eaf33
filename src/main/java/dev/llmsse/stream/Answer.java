package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;

/**
 * A whole answer, for clients that do not stream.
 *
 * @param model        the {@code provider/model} that answered
 * @param text         the concatenated text
 * @param finishReason why the answer ended
 * @param usage        token counts, when reported
 */
public record Answer(String model, String text, String finishReason, StreamEvent.Usage usage) {
}
