package dev.llmsse.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.llmsse.chat.StreamEvent;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the tool calls of one provider stream after its mapper: each call's arguments are collected by index
 * and, at its end, must parse as one JSON object; a call that did not (cut off by the token limit) or that was
 * still open when the stream ended or failed (an upstream cut) ends {@code incomplete}. A call without an id
 * (Gemini's and Ollama's often have none) gets one, so that a client can name it in its result.
 */
final class ToolCallCheck {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final Map<Integer, StringBuilder> open = new LinkedHashMap<>();

    List<StreamEvent> check(StreamEvent event) {
        if (event instanceof StreamEvent.ToolCallStart start) {
            open.put(start.index(), new StringBuilder());
            return List.of(start.id() != null && !start.id().isEmpty() ? start
                    : new StreamEvent.ToolCallStart(start.index(), "call_" + UUID.randomUUID().toString()
                            .replace("-", ""), start.name()));
        }
        if (event instanceof StreamEvent.ToolCallDelta delta && open.containsKey(delta.index())) {
            open.get(delta.index()).append(delta.arguments());
        } else if (event instanceof StreamEvent.ToolCallEnd end) {
            StringBuilder arguments = open.remove(end.index());
            return List.of(new StreamEvent.ToolCallEnd(end.index(),
                    end.incomplete() || arguments == null || !isJsonObject(arguments)));
        } else if (event instanceof StreamEvent.Done) {
            List<StreamEvent> events = cutOff();
            events.add(event);
            return events;
        }
        return List.of(event);
    }

    /** An {@code incomplete} end for every call still open, for a stream that ends or fails now. */
    List<StreamEvent> cutOff() {
        List<StreamEvent> ends = new ArrayList<>(open.size() + 1);
        open.keySet().forEach(index -> ends.add(new StreamEvent.ToolCallEnd(index, true)));
        open.clear();
        return ends;
    }

    private static boolean isJsonObject(CharSequence arguments) {
        try {
            return JSON.readTree(arguments.toString()).isObject();
        } catch (JacksonException notJson) {
            return false;
        }
    }
}
