package dev.llmsse.web.aisdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.stream.SseFrame;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates one client's frames of our protocol ({@code docs/protocol.md}) into the AI SDK's UI message chunks,
 * keeping what the AI SDK needs and our frames leave implicit: which text or reasoning part is open, and each tool
 * call's arguments so far (its {@code tool-input-available} carries them parsed). One instance per response, fed
 * in order; not thread-safe (a Flux delivers serially).
 *
 * <p>Frames and what they become: a token is a {@code text-delta} (after a {@code text-start} when no text part is
 * open); {@code reasoning_start/_delta/_end} are {@code reasoning-start/-delta/-end}; {@code tool_start} is
 * {@code tool-input-start}, {@code tool_delta} {@code tool-input-delta}, {@code tool_end}
 * {@code tool-input-available} (or {@code tool-input-error} when the arguments are not JSON); {@code done} closes
 * the open part, then {@code finish-step} and {@code finish} with the usage as {@code messageMetadata.usage} (a stop:
 * a {@code message-metadata} chunk with the usage, then {@code abort}); an error frame closes the open part, then
 * {@code message-metadata} with the usage known so far (when the frame has some) and {@code error}. Pings become
 * SSE comments; unknown named events are skipped, as our own clients do.
 */
final class UiMessageChunks {

    // A private mapper: the wire format must not change with the application's Jackson customizations.
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String KEEP_ALIVE = ": keep-alive\n\n";
    /** The event that ends a response after its terminal chunk, as the AI SDK's own servers end theirs. */
    static final String DONE = "data: [DONE]\n\n";

    private final List<String> out = new ArrayList<>();
    private final Map<Integer, ToolCall> toolCalls = new LinkedHashMap<>();
    private String openText;
    private String openReasoning;
    private int parts;
    private boolean ended;
    private boolean cut;

    private record ToolCall(String id, String name, StringBuilder arguments) {
    }

    /** The events that open a response: the message, with our generation's id as its id, and its one step. */
    static List<String> opening(String messageId) {
        return List.of(event(chunk("start").put("messageId", messageId)), event(chunk("start-step")));
    }

    /** The SSE events for one frame, each whole ({@code data: …} and its blank line); often none or one. */
    List<String> translate(SseFrame frame) {
        out.clear();
        if (frame.data() == null) {
            return List.of(); // a retry hint: the AI SDK resumes through GET /api/chat/{id}/stream, not by itself
        }
        if ("ping".equals(frame.event())) {
            return List.of(KEEP_ALIVE);
        }
        if (frame.id() == null) {
            // The gateway ended this client (slow_client, stalled): not part of the answer, so no AI SDK chunk.
            cut = true;
            return List.of();
        }
        JsonNode data = JSON.readTree(frame.data());
        if (frame.event() == null) {
            answer(data);
        } else {
            named(frame.event(), data);
        }
        return List.copyOf(out);
    }

    /** Whether the answer's terminal frame was translated: the stream may end with {@code [DONE]}. */
    boolean ended() {
        return ended;
    }

    /** Whether the gateway cut this client mid-answer (the frame without an id): it must resume. */
    boolean cut() {
        return cut;
    }

    private void answer(JsonNode data) {
        if (data.has("token")) {
            text(data.path("token").asString());
        } else if (data.has("done")) {
            done(data.path("finishReason").asString(""), metadata(data.path("usage")));
        } else if (data.has("error")) {
            JsonNode error = data.path("error");
            closeOpenParts();
            ObjectNode metadata = metadata(data.path("usage"));
            if (metadata != null) {
                // The error chunk has no place for metadata: the usage known so far goes just before it.
                emit(chunk("message-metadata").set("messageMetadata", metadata));
            }
            emit(chunk("error").put("errorText", error.path("code").asString("error") + ": "
                    + error.path("message").asString("")));
            ended = true;
        }
    }

    private void named(String event, JsonNode data) {
        switch (event) {
            case "tool_start" -> toolStart(data.path("index").asInt(), string(data.path("id")),
                    data.path("name").asString(""));
            case "tool_delta" -> toolDelta(data.path("index").asInt(), data.path("arguments").asString(""));
            case "tool_end" -> toolEnd(data.path("index").asInt());
            case "reasoning_start" -> reasoningStart();
            case "reasoning_delta" -> reasoningDelta(data.path("text").asString(""));
            case "reasoning_end" -> closeReasoning();
            default -> {
                // An event this door does not know yet: skipped, as our own protocol's clients skip it.
            }
        }
    }

    private void text(String token) {
        closeReasoning();
        if (openText == null) {
            openText = "text-" + ++parts;
            emit(chunk("text-start").put("id", openText));
        }
        emit(chunk("text-delta").put("id", openText).put("delta", token));
    }

    private void reasoningStart() {
        closeOpenParts();
        openReasoning = "reasoning-" + ++parts;
        emit(chunk("reasoning-start").put("id", openReasoning));
    }

    private void reasoningDelta(String text) {
        if (openReasoning == null) {
            reasoningStart();
        }
        emit(chunk("reasoning-delta").put("id", openReasoning).put("delta", text));
    }

    private void toolStart(int index, String id, String name) {
        closeOpenParts();
        // Some providers (Gemini) give calls no id; the AI SDK needs one to match the call's chunks.
        ToolCall call = new ToolCall(id == null || id.isEmpty() ? "tool-" + ++parts : id, name, new StringBuilder());
        toolCalls.put(index, call);
        emit(chunk("tool-input-start").put("toolCallId", call.id()).put("toolName", call.name()));
    }

    private void toolDelta(int index, String arguments) {
        ToolCall call = toolCalls.get(index);
        if (call != null) {
            call.arguments().append(arguments);
            emit(chunk("tool-input-delta").put("toolCallId", call.id()).put("inputTextDelta", arguments));
        }
    }

    private void toolEnd(int index) {
        ToolCall call = toolCalls.remove(index);
        if (call == null) {
            return;
        }
        String arguments = call.arguments().toString();
        try {
            JsonNode input = arguments.isBlank() ? JSON.createObjectNode() : JSON.readTree(arguments);
            emit(chunk("tool-input-available").put("toolCallId", call.id()).put("toolName", call.name())
                    .set("input", input));
        } catch (JacksonException notJson) {
            emit(chunk("tool-input-error").put("toolCallId", call.id()).put("toolName", call.name())
                    .put("input", arguments).put("errorText", "the model's tool arguments are not valid JSON"));
        }
    }

    private void done(String finishReason, ObjectNode metadata) {
        closeOpenParts();
        emit(chunk("finish-step"));
        if ("stopped".equals(finishReason)) {
            // Stopped by POST …/stop: the AI SDK's own servers end an aborted answer this way. The abort chunk
            // has no place for metadata, so the usage known so far goes just before it.
            if (metadata != null) {
                emit(chunk("message-metadata").set("messageMetadata", metadata));
            }
            emit(chunk("abort").put("reason", "stopped"));
        } else {
            ObjectNode finish = chunk("finish").put("finishReason", finishReason(finishReason));
            if (metadata != null) {
                finish.set("messageMetadata", metadata);
            }
            emit(finish);
        }
        ended = true;
    }

    /**
     * The message metadata that carries a frame's usage, {@code {usage: {inputTokens, outputTokens, …}}} with the
     * counts our frame has (docs/compatibility.md), or null when it has none. The AI SDK merges it into
     * {@code message.metadata}.
     */
    private static ObjectNode metadata(JsonNode usage) {
        if (!usage.isObject() || usage.isEmpty()) {
            return null;
        }
        ObjectNode metadata = JSON.createObjectNode();
        metadata.set("usage", usage.deepCopy());
        return metadata;
    }

    private static String finishReason(String ours) {
        return switch (ours) {
            case "stop", "length" -> ours;
            case "tool_calls" -> "tool-calls";
            case "content_filter" -> "content-filter";
            default -> "other";
        };
    }

    private void closeOpenParts() {
        closeReasoning();
        if (openText != null) {
            emit(chunk("text-end").put("id", openText));
            openText = null;
        }
    }

    private void closeReasoning() {
        if (openReasoning != null) {
            emit(chunk("reasoning-end").put("id", openReasoning));
            openReasoning = null;
        }
    }

    private void emit(ObjectNode chunk) {
        out.add(event(chunk));
    }

    /** One SSE event: the AI SDK's own servers write {@code data: } with a space, so this door does too. */
    private static String event(ObjectNode chunk) {
        return "data: " + JSON.writeValueAsString(chunk) + "\n\n";
    }

    private static String string(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    private static ObjectNode chunk(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}
