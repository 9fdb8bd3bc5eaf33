package dev.llmsse.web.openai;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.llmsse.stream.Answer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's {@code chat.completion}: the non-streaming answer. One choice; the message's {@code content} is null
 * when the model only called tools, as OpenAI writes it.
 */
record Completion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    /** {@code logprobs} and {@code finish_reason} are written even when null, as OpenAI writes them. */
    record Choice(int index, Message message, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    /** {@code content} and {@code refusal} are written even when null; {@code tool_calls} only when there are some. */
    record Message(String role, String content, String refusal,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
    }

    record ToolCall(String id, String type, Function function) {
    }

    record Function(String name, String arguments) {
    }

    /** The answer in OpenAI's shape, under a fresh id (a JSON answer has no generation a client could resume). */
    static Completion of(Answer answer) {
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        List<ToolCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            Answer.ToolCall call = answer.toolCalls().get(i);
            calls.add(new ToolCall(Usage.callId(call.id(), id, i), "function",
                    new Function(call.name(), call.arguments())));
        }
        String content = answer.text().isEmpty() && !calls.isEmpty() ? null : answer.text();
        var usage = answer.usage();
        return new Completion(id, "chat.completion",
                Instant.now().getEpochSecond(), answer.model(),
                List.of(new Choice(0, new Message("assistant", content, null, calls), null,
                        Usage.finishReason(answer.finishReason()))),
                usage == null ? Usage.of(null, null, null) : Usage.of(usage));
    }
}
