package dev.llmsse.provider.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;
import dev.llmsse.stream.StreamEvent;

import tools.jackson.databind.JsonNode;

/**
 * Chat Completions chunks to domain events. Only choice 0 is relayed (the gateway never asks for
 * {@code n > 1}); tool calls stream as start, argument deltas and end; {@code [DONE]} is the terminator,
 * and anything after it is read but ignored.
 */
final class ChatCompletionsMapper implements EventMapper<SseEvent> {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final TreeSet<Integer> openTools = new TreeSet<>();
    private final TreeSet<Integer> seenTools = new TreeSet<>();
    private boolean terminated;
    private String finishReason;
    private StreamEvent.Usage usage;

    @Override
    public List<StreamEvent> map(SseEvent event) {
        if (terminated) {
            return List.of();
        }
        if (event.dataIs(DONE)) {
            terminated = true;
            return closeTools(new ArrayList<>(1));
        }
        JsonNode chunk = WireJson.parse(event.data());
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            throw InBandErrors.of(error.isObject() ? typeOf(error) : null);
        }
        JsonNode usageNode = chunk.get("usage");
        if (usageNode != null && usageNode.isObject()) {
            usage = new StreamEvent.Usage(WireJson.number(usageNode, "prompt_tokens"),
                    WireJson.number(usageNode, "completion_tokens"),
                    WireJson.number(usageNode.path("completion_tokens_details"), "reasoning_tokens"));
        }
        JsonNode choices = chunk.get("choices");
        List<StreamEvent> events = new ArrayList<>(1);
        if (choices != null) {
            for (JsonNode choice : choices) {
                if (choice.path("index").asInt(0) == 0) {
                    choice(choice, events);
                }
            }
        }
        return events;
    }

    private void choice(JsonNode choice, List<StreamEvent> events) {
        JsonNode delta = choice.path("delta");
        text(WireJson.string(delta, "content"), events);
        text(WireJson.string(delta, "refusal"), events);
        JsonNode toolCalls = delta.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (JsonNode call : toolCalls) {
                toolCall(call, events);
            }
        }
        String finish = WireJson.string(choice, "finish_reason");
        if (finish != null) {
            finishReason = FinishReasons.chat(finish);
            closeTools(events);
        }
    }

    private void toolCall(JsonNode call, List<StreamEvent> events) {
        int index = call.path("index").asInt(0);
        JsonNode function = call.path("function");
        if (seenTools.add(index)) {
            openTools.add(index);
            events.add(new StreamEvent.ToolCallStart(index, WireJson.string(call, "id"),
                    WireJson.string(function, "name")));
        }
        String arguments = WireJson.string(function, "arguments");
        if (arguments != null && !arguments.isEmpty()) {
            events.add(new StreamEvent.ToolCallDelta(index, arguments));
        }
    }

    private List<StreamEvent> closeTools(List<StreamEvent> events) {
        openTools.forEach(index -> events.add(new StreamEvent.ToolCallEnd(index)));
        openTools.clear();
        return events;
    }

    private static void text(String text, List<StreamEvent> events) {
        if (text != null && !text.isEmpty()) {
            events.add(new StreamEvent.Token(text));
        }
    }

    static String typeOf(JsonNode error) {
        String type = WireJson.string(error, "type");
        return type != null ? type : WireJson.string(error, "code");
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        return new StreamEvent.Done(finishReason == null ? "stop" : finishReason, usage);
    }
}
