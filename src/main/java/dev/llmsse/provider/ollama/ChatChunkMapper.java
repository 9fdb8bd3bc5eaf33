package dev.llmsse.provider.ollama;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.ReasoningBlock;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;

import tools.jackson.databind.JsonNode;

/**
 * Ollama NDJSON lines to domain events: {@code message.content} (or {@code response}, for
 * {@code /api/generate} streams) becomes tokens, {@code message.thinking} (or {@code thinking}) reasoning, a tool call arrives whole and becomes
 * start, one delta and end; the line with {@code done: true} is the terminator and an {@code error} line an
 * in-band failure.
 */
final class ChatChunkMapper implements EventMapper<byte[]> {

    private final ReasoningBlock reasoning = new ReasoningBlock();
    private boolean terminated;
    private String doneReason;
    private int tools;
    private StreamEvent.Usage usage;

    @Override
    public List<StreamEvent> map(byte[] line) {
        if (terminated) {
            return List.of();
        }
        JsonNode json = WireJson.parse(line);
        if (json.has("error")) {
            // Ollama's error is free text that may quote the request: only the fact is relayed.
            throw InBandErrors.of(null);
        }
        List<StreamEvent> events = new ArrayList<>(1);
        JsonNode message = json.path("message");
        reasoning.delta(WireJson.string(message, "thinking"), events);
        reasoning.delta(WireJson.string(json, "thinking"), events);
        if (hasAnswer(message, json)) {
            reasoning.close(events);
        }
        text(WireJson.string(message, "content"), events);
        text(WireJson.string(json, "response"), events);
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            int index = tools++;
            JsonNode args = function.get("arguments");
            events.add(new StreamEvent.ToolCallStart(index, WireJson.string(call, "id"),
                    WireJson.string(function, "name")));
            events.add(new StreamEvent.ToolCallDelta(index, args == null ? "{}"
                    : args.isString() ? args.stringValue() : WireJson.text(args)));
            events.add(new StreamEvent.ToolCallEnd(index));
        }
        if (json.path("done").asBoolean(false)) {
            terminated = true;
            doneReason = WireJson.string(json, "done_reason");
            Long input = WireJson.number(json, "prompt_eval_count");
            Long output = WireJson.number(json, "eval_count");
            usage = input == null && output == null ? null : new StreamEvent.Usage(input, output, null);
        }
        return events;
    }

    private static boolean hasAnswer(JsonNode message, JsonNode line) {
        return !isEmpty(WireJson.string(message, "content")) || !isEmpty(WireJson.string(line, "response"))
                || message.path("tool_calls").size() > 0 || line.path("done").asBoolean(false);
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }

    private static void text(String text, List<StreamEvent> events) {
        if (text != null && !text.isEmpty()) {
            events.add(new StreamEvent.Token(text));
        }
    }

    static String finishReason(String doneReason, boolean calledTools) {
        if (doneReason == null || "stop".equals(doneReason)) {
            return calledTools ? "tool_calls" : "stop";
        }
        return "length".equals(doneReason) ? "length" : doneReason.toLowerCase(Locale.ROOT);
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        return new StreamEvent.Done(finishReason(doneReason, tools > 0), usage);
    }
}
