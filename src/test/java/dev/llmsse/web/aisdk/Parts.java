package dev.llmsse.web.aisdk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.codec.ServerSentEvent;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An answer's parts in one form for both sides of the comparison: text and reasoning by their text, a tool call by
 * its name, id and parsed input. Built from our own protocol's frames ({@link #ofFrames}) and from the message the
 * AI SDK's client rebuilt ({@link #ofUiMessage}).
 */
record Parts(List<Part> parts) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One part; {@code text} for text and reasoning, {@code name}, {@code id} and {@code input} for a tool call (an id
     * is null where the provider gave none: the AI SDK's is made up then).
     */
    record Part(String type, String text, String name, String id, JsonNode input) {
    }

    /** What a client of our own protocol makes of the frames ({@code docs/protocol.md}). */
    static Parts ofFrames(List<ServerSentEvent<String>> frames) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = null;
        StringBuilder reasoning = null;
        List<StringBuilder> arguments = new ArrayList<>();
        List<Integer> toolAt = new ArrayList<>();
        for (ServerSentEvent<String> frame : frames) {
            if (frame.data() == null || "ping".equals(frame.event())) {
                continue;
            }
            JsonNode data = JSON.readTree(frame.data().getBytes(StandardCharsets.UTF_8));
            String event = frame.event() == null ? "" : frame.event();
            switch (event) {
                case "" -> {
                    if (data.has("token")) {
                        if (text == null) {
                            text = new StringBuilder();
                            parts.add(null);
                        }
                        text.append(data.path("token").asString());
                        parts.set(parts.size() - 1, new Part("text", text.toString(), null, null, null));
                    }
                }
                case "reasoning_start" -> {
                    text = null;
                    reasoning = new StringBuilder();
                    parts.add(new Part("reasoning", "", null, null, null));
                }
                case "reasoning_delta" -> {
                    reasoning.append(data.path("text").asString());
                    parts.set(parts.size() - 1, new Part("reasoning", reasoning.toString(), null, null, null));
                }
                case "reasoning_end" -> reasoning = null;
                case "tool_start" -> {
                    text = null;
                    int index = data.path("index").asInt();
                    while (arguments.size() <= index) {
                        arguments.add(new StringBuilder());
                        toolAt.add(-1);
                    }
                    toolAt.set(index, parts.size());
                    String id = data.path("id").isString() ? data.path("id").asString() : null;
                    parts.add(new Part("tool", null, data.path("name").asString(), id, null));
                }
                case "tool_delta" -> arguments.get(data.path("index").asInt()).append(data.path("arguments").asString());
                case "tool_end" -> {
                    int index = data.path("index").asInt();
                    Part started = parts.get(toolAt.get(index));
                    String json = arguments.get(index).toString();
                    parts.set(toolAt.get(index), new Part("tool", null, started.name(), started.id(),
                            JSON.readTree(json.isBlank() ? "{}" : json)));
                }
                default -> {
                }
            }
        }
        return new Parts(parts);
    }

    /** What the AI SDK's client rebuilt: its message's parts, step boundaries left out. */
    static Parts ofUiMessage(JsonNode message) {
        List<Part> parts = new ArrayList<>();
        for (JsonNode part : message.path("parts")) {
            String type = part.path("type").asString();
            if ("text".equals(type) || "reasoning".equals(type)) {
                parts.add(new Part(type, part.path("text").asString(), null, null, null));
            } else if (type.startsWith("tool-")) {
                parts.add(new Part("tool", null, type.substring("tool-".length()), part.path("toolCallId").asString(),
                        part.path("input")));
            }
        }
        return new Parts(parts);
    }

    /** The same parts with the AI SDK's made-up tool ids where ours had none, for comparing with {@code ui}. */
    Parts withIdsOf(Parts ui) {
        List<Part> matched = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            // The provider gave no id: the gateway makes one per answer (call_ and 32 hex digits), and this
            // answer and the AI SDK's are two answers, so only the form can agree.
            boolean madeUp = "tool".equals(part.type()) && (part.id() == null || part.id().matches("call_[0-9a-f]{32}"))
                    && i < ui.parts().size() && ui.parts().get(i).id() != null
                    && (part.id() == null || ui.parts().get(i).id().matches("call_[0-9a-f]{32}"));
            matched.add(madeUp ? new Part("tool", null, part.name(), ui.parts().get(i).id(), part.input()) : part);
        }
        return new Parts(matched);
    }

    /** All the text parts' text, in order. */
    String text() {
        StringBuilder all = new StringBuilder();
        parts.stream().filter(part -> "text".equals(part.type())).forEach(part -> all.append(part.text()));
        return all.toString();
    }
}
