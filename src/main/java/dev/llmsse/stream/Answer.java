package dev.llmsse.stream;

import java.util.List;

import dev.llmsse.chat.StreamEvent;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A whole answer, for clients that do not stream.
 *
 * @param model        the {@code provider/model} that answered
 * @param text         the concatenated text
 * @param finishReason why the answer ended
 * @param usage        token counts, when reported
 * @param toolCalls    the tool calls the model made, in index order; left out of the JSON when there are none,
 *                     so that a text answer reads as it always did
 */
public record Answer(String model, String text, String finishReason, StreamEvent.Usage usage,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {

    public Answer {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /**
     * One complete tool call.
     *
     * @param id        the provider's id for the call, which a tool result refers to
     * @param name      the tool's name
     * @param arguments  the arguments as the model wrote them (JSON text)
     * @param incomplete true when the arguments are not a whole JSON object (cut off); absent otherwise
     */
    public record ToolCall(String id, String name, String arguments,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean incomplete) {

        public ToolCall(String id, String name, String arguments) {
            this(id, name, arguments, null);
        }
    }
}
