package dev.llmsse.provider.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.CachedTokens;
import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.ReasoningBlock;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.JsonNode;

/**
 * Responses API events to domain events: output text and refusal deltas become tokens, function calls
 * stream as start / argument deltas / end (numbered in the order they appear), and
 * {@code response.completed} or {@code response.incomplete} is the terminator. Reasoning summary text
 * deltas become reasoning, one block per summary part (as the AI SDK's own Responses client makes them).
 */
final class ResponsesMapper implements EventMapper<SseEvent> {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, Integer> toolByOutputIndex = new HashMap<>();
    private final ReasoningBlock reasoning = new ReasoningBlock();
    private boolean terminated;
    private String finishReason;
    private StreamEvent.Usage usage;

    @Override
    public List<StreamEvent> map(SseEvent event) {
        if (terminated || event.dataIs(DONE)) {
            return List.of();
        }
        JsonNode json = WireJson.parse(event.data());
        String type = WireJson.string(json, "type");
        if (type == null) {
            type = event.type();
        }
        if ("response.reasoning_summary_text.delta".equals(type)) {
            List<StreamEvent> events = new ArrayList<>(2);
            reasoning.delta(WireJson.string(json, "delta"), events);
            return events;
        }
        // Any other event ends the open summary part: its own done event, the next part, the answer.
        List<StreamEvent> events = new ArrayList<>(1);
        reasoning.close(events);
        events.addAll(mapOther(type, json));
        return events;
    }

    private List<StreamEvent> mapOther(String type, JsonNode json) {
        switch (type) {
            case "response.output_text.delta":
            case "response.refusal.delta":
                return token(WireJson.string(json, "delta"));
            case "response.output_item.added":
                return itemAdded(json);
            case "response.function_call_arguments.delta":
                return argumentsDelta(json);
            case "response.output_item.done":
                return itemDone(json);
            case "response.completed":
                return finished(json.path("response"), toolByOutputIndex.isEmpty() ? "stop" : "tool_calls");
            case "response.incomplete":
                return finished(json.path("response"), FinishReasons.incomplete(
                        WireJson.string(json.path("response").path("incomplete_details"), "reason")));
            case "response.failed":
                throw InBandErrors.of(ChatCompletionsMapper.typeOf(json.path("response").path("error")));
            case "error":
                throw InBandErrors.of(json.has("error") ? ChatCompletionsMapper.typeOf(json.get("error"))
                        : ChatCompletionsMapper.typeOf(json));
            default:
                return List.of();
        }
    }

    private List<StreamEvent> itemAdded(JsonNode json) {
        JsonNode item = json.path("item");
        if (!"function_call".equals(WireJson.string(item, "type"))) {
            return List.of();
        }
        int tool = toolByOutputIndex.size();
        toolByOutputIndex.put(json.path("output_index").asInt(0), tool);
        List<StreamEvent> events = new ArrayList<>(2);
        events.add(new StreamEvent.ToolCallStart(tool, WireJson.string(item, "call_id"),
                WireJson.string(item, "name")));
        String arguments = WireJson.string(item, "arguments");
        if (arguments != null && !arguments.isEmpty()) {
            events.add(new StreamEvent.ToolCallDelta(tool, arguments));
        }
        return events;
    }

    private List<StreamEvent> argumentsDelta(JsonNode json) {
        Integer tool = toolByOutputIndex.get(json.path("output_index").asInt(0));
        String delta = WireJson.string(json, "delta");
        return tool == null || delta == null || delta.isEmpty() ? List.of()
                : List.of(new StreamEvent.ToolCallDelta(tool, delta));
    }

    private List<StreamEvent> itemDone(JsonNode json) {
        Integer tool = toolByOutputIndex.get(json.path("output_index").asInt(0));
        return tool == null || !"function_call".equals(WireJson.string(json.path("item"), "type")) ? List.of()
                : List.of(new StreamEvent.ToolCallEnd(tool));
    }

    private List<StreamEvent> finished(JsonNode response, String reason) {
        terminated = true;
        finishReason = reason;
        JsonNode usageNode = response.path("usage");
        if (usageNode.isObject()) {
            usage = CachedTokens.apart(WireJson.number(usageNode, "input_tokens"),
                    WireJson.number(usageNode, "output_tokens"),
                    WireJson.number(usageNode.path("output_tokens_details"), "reasoning_tokens"),
                    WireJson.number(usageNode.path("input_tokens_details"), "cached_tokens"));
        }
        return List.of();
    }

    private static List<StreamEvent> token(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(new StreamEvent.Token(text));
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        return new StreamEvent.Done(finishReason, usage);
    }
}
